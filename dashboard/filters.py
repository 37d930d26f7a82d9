"""Subsets of a corpus, chosen before any analysis: outlets, a date range, any article column.

Filtering first is what keeps passage-level work cheap on a large corpus, and
it makes a filtered analysis the analysis of a smaller corpus, with the same
numbers whether the subset was picked in the sidebar or on the command line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Collection, Mapping

from .errors import FramelensError
from .loading import corpus_hash
from .models import Article, Corpus

# Article attributes that are columns like the extra fields (topic, bias, event_id ...).
ARTICLE_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("text", "extra"))


class FilterError(FramelensError, ValueError):
    """A filter that cannot be applied (an unknown column, a date that is not a date); the message says which."""


def article_value(article: Article, column: str) -> str | None:
    """An article's value in a column, as text: an attribute (source, date ...) or an extra field; None if it has none."""
    value = getattr(article, column) if column in ARTICLE_FIELDS else article.extra.get(column)
    return None if value is None else str(value)


def columns(corpus: Corpus) -> list[str]:
    """Every column an article of this corpus has: the attributes, then extra fields by name."""
    extra = sorted({k for a in corpus.articles for k in a.extra} - set(ARTICLE_FIELDS))
    return list(ARTICLE_FIELDS) + extra


def _iso(value: str, what: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise FilterError(f"the {what} date {value!r} is not a date in YYYY-MM-DD form") from None


def filter_corpus(
    corpus: Corpus,
    sources: Collection[str] = (),
    dates: tuple[str, str] | None = None,
    where: Mapping[str, Collection[str]] | None = None,
) -> Corpus:
    """The articles that pass every filter given, as a corpus with its own content hash.

    sources: outlet names (exact), any of them; dates: an inclusive (first,
    last) ISO range, which undated articles fail; where: column -> values, any
    of them, for any article column (`columns`), compared as text; an article
    without the column fails it. Empty filters are not applied. Load issues
    and encodings stay with the subset: they describe the input.
    """
    where = {c: {str(v) for v in values} for c, values in (where or {}).items() if values}
    wanted_sources = set(sources)
    if dates is not None:
        first, last = _iso(dates[0], "first"), _iso(dates[1], "last")
        if first > last:
            raise FilterError(f"the date range starts after it ends ({first} to {last})")
    if not wanted_sources and dates is None and not where:
        return corpus
    known = set(columns(corpus))
    unknown = sorted(set(where) - known)
    if unknown:
        raise FilterError(f"no article has the column(s) {', '.join(unknown)}; columns are: {', '.join(sorted(known))}")
    kept = [
        a for a in corpus.articles
        if (not wanted_sources or a.source in wanted_sources)
        and (dates is None or (a.date is not None and first <= a.date <= last))
        and all(article_value(a, c) in values for c, values in where.items())
    ]
    return Corpus(kept, list(corpus.issues), dict(corpus.encodings), corpus_hash(kept))


def values_by_count(corpus: Corpus, column: str) -> list[str]:
    """The distinct values of a column, the most articles first (ties by value); articles without it left out."""
    counts: dict[str, int] = {}
    for a in corpus.articles:
        value = article_value(a, column)
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return sorted(counts, key=lambda v: (-counts[v], v))


@dataclass
class Facets:
    sources: list[str]  # most articles first
    first_date: dt.date | None  # None when no article has a date
    last_date: dt.date | None


def facets(corpus: Corpus) -> Facets:
    """What the outlet and date filters can offer for this corpus."""
    dates = sorted(a.date for a in corpus.articles if a.date)
    first = dt.date.fromisoformat(dates[0]) if dates else None
    last = dt.date.fromisoformat(dates[-1]) if dates else None
    return Facets(values_by_count(corpus, "source"), first, last)


def column_facets(corpus: Corpus, wanted: Collection[str], max_values: int) -> dict[str, list[str]]:
    """Values of each wanted column worth offering as a filter: at least two, at most max_values.

    One value separates nothing; thousands (ids, urls) are not a useful list.
    """
    found = {}
    for column in wanted:
        values = values_by_count(corpus, column)
        if 1 < len(values) <= max_values:
            found[column] = values
    return found


def story_value_labels(corpus: Corpus, column: str) -> dict[str, str]:
    """Each value of a story column (`event_id`, ...) -> its story's readable label, for a picker.

    A story column holds ids ("as-ev-00417") that say nothing to a reader; the
    label is the one the analysis gives that story (its representative title
    and date span, stories.stories_from_column). Two values whose stories
    read the same get "(2)", "(3)" ... after the label, so no two choices look
    alike.
    """
    from .stories import stories_from_column  # imported here: stories is heavy and only this needs it

    values = [article_value(a, column) for a in corpus.articles]
    found = stories_from_column(values, [a.title for a in corpus.articles], [a.date for a in corpus.articles])
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for story in found.stories:
        value = values[story.members[0]]
        if value is None or not value.strip():
            continue
        seen[story.label] = seen.get(story.label, 0) + 1
        labels[value] = story.label if seen[story.label] == 1 else f"{story.label} ({seen[story.label]})"
    return labels
