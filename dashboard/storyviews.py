"""One story, several outlets: the tables the Stories page draws, computed from a finished Analysis.

The analysis groups articles into stories (pipeline.story_stage); here each
story is opened up: the list of stories (searchable, sortable), who covered
which story (by outlet or by a rating such as bias), and for one story its
articles per outlet, each outlet's frames and key terms against the other
outlets on the same story, the statements several outlets share and those
only one carries, and who is quoted by whom. Every function is pure and
deterministic, takes the Analysis and plain values, and raises SpecError with
a message for the user when it names a story, outlet or column the analysis
does not have. No Streamlit here: the page only asks and draws.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd

from . import keyterms, tables, tokens
from .alignment import align_sentences
from .errors import SpecError
from .groups import metadata_columns
from .models import UNKNOWN, Analysis, StoryInfo
from .queries import article_sentences, pair_stop_words, word_rarity

STORY_SORTS = ("articles", "outlets", "spread", "newest", "oldest")
STORY_SORT_LABELS = {
    "articles": "most articles",
    "outlets": "most outlets",
    "spread": "widest rating spread",
    "newest": "newest first",
    "oldest": "oldest first",
}
# Values of a left-right rating in reading order; other values follow by number or by count.
RATING_ORDER = ("far left", "left", "lean left", "center", "centre", "lean right", "right", "far right")
STATEMENT_MAX_ARTICLES = 12  # articles of one story aligned pairwise for statements: 66 pairs, a few seconds


# ---------------------------------------------------------------- helpers


def _story(analysis: Analysis, story_id: int) -> StoryInfo:
    try:
        number = int(story_id)
    except (TypeError, ValueError):
        raise SpecError(f"a story is a whole number from 1, got {story_id!r}") from None
    if not 1 <= number <= len(analysis.stories):
        if not analysis.stories:
            raise SpecError("this analysis has no stories")
        raise SpecError(f"no story {number}; the stories are numbered 1 to {len(analysis.stories):,}")
    return analysis.stories[number - 1]


def _story_docs(analysis: Analysis, story_id: int) -> pd.DataFrame:
    story = _story(analysis, story_id)
    return analysis.documents[analysis.documents["story"] == story.id]


def _story_units(analysis: Analysis, story_id: int) -> np.ndarray:
    return (analysis.units["story"] == _story(analysis, story_id).id).to_numpy()


def rating_columns(analysis: Analysis) -> list[str]:
    """The rating columns (bias, ...) whose counts every story carries; see stories.rating_columns."""
    return list(analysis.stories[0].ratings) if analysis.stories else []


def rating_values(analysis: Analysis, column: str) -> list[str]:
    """A rating's values in reading order: left to right when they are such, else numbers ascending, else by count."""
    counts = Counter(str(v).strip() for v in analysis.documents[column] if _present(v))
    return _ordered_values(counts)


def _ordered_values(counts: Counter) -> list[str]:
    values = list(counts)
    folded = {v: v.casefold().replace("-", " ").replace("_", " ") for v in values}
    if values and all(folded[v] in RATING_ORDER for v in values):
        return sorted(values, key=lambda v: RATING_ORDER.index(folded[v]))
    try:
        return sorted(values, key=float)
    except ValueError:
        return sorted(values, key=lambda v: (-counts[v], v))


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        if pd.isna(value):
            return False
    except (TypeError, ValueError):
        return True
    return bool(str(value).strip())


def _spread(counts: dict[str, int], values: Sequence[str]) -> float:
    """Normalised entropy of a story's articles over a rating's values: 0 one side only, 1 evenly from every side."""
    total = sum(counts.values())
    if total == 0 or len(values) < 2:
        return 0.0
    shares = np.array([counts.get(v, 0) / total for v in values])
    shares = shares[shares > 0]
    return round(float(-(shares * np.log(shares)).sum() / math.log(len(values))), 4)


def _http_only(url: object) -> str:
    text = str(url).strip() if _present(url) else ""
    return text if re.match(r"https?://", text, flags=re.IGNORECASE) else ""


# ---------------------------------------------------------------- the list of stories


def stories_table(analysis: Analysis, search: str = "", sort: str = "articles") -> pd.DataFrame:
    """One row per story: what it is, when, how many articles and outlets, and how each rating covered it.

    Columns: story (id), label (title and date span, never cut), title,
    first_date, last_date, articles, outlets (distinct sources), outlet_names
    ("Fox News 2 · CNN 1", most articles first), then for the first rating
    column of the corpus (bias, ...): ratings ("left 2 · center 1 · right 3"),
    spread, and per value "<column>:<value>" article counts (every rating
    column gets its count columns). `spread` is how evenly the story's
    articles come from the rating's values: the entropy of their shares over
    every value the corpus has, divided by its maximum, so 0 means one side
    only and 1 equally many articles from every side; 0 without a rating.

    `search`: words matched as the analysis tokenised them (aliases folded,
    stop words dropped); a story matches when each word occurs in some
    member's title or text. A query without a content word is a SpecError.
    `sort`: one of STORY_SORTS (articles, outlets and spread descending,
    newest by last date, oldest by first date, undated last), ties by id.
    """
    if sort not in STORY_SORTS:
        raise SpecError(f"sort stories by one of {', '.join(STORY_SORTS)}, not {sort!r}")
    columns = rating_columns(analysis)
    values = {c: rating_values(analysis, c) for c in columns}
    rows = []
    for s in analysis.stories:
        row = {
            "story": s.id, "label": s.label, "title": s.title, "first_date": s.first_date,
            "last_date": s.last_date, "articles": s.size, "outlets": len(s.outlets),
            "outlet_names": " · ".join(f"{name} {n}" for name, n in s.outlets.items()),
            "ratings": "", "spread": 0.0,
        }
        for i, column in enumerate(columns):
            counts = s.ratings.get(column, {})
            if i == 0:
                row["ratings"] = " · ".join(f"{v} {counts[v]}" for v in values[column] if counts.get(v))
                row["spread"] = _spread(counts, values[column])
            for v in values[column]:
                row[f"{column}:{v}"] = counts.get(v, 0)
        rows.append(row)
    base = ["story", "label", "title", "first_date", "last_date", "articles", "outlets", "outlet_names", "ratings",
            "spread"]
    table = pd.DataFrame(rows, columns=base + [f"{c}:{v}" for c in columns for v in values[c]])
    if search.strip():
        table = table[table["story"].isin(search_stories(analysis, search))]
    return _sorted_stories(table, sort)


def _sorted_stories(table: pd.DataFrame, sort: str) -> pd.DataFrame:
    if sort in ("articles", "outlets", "spread"):
        order = table.sort_values([sort, "story"], ascending=[False, True], kind="stable")
    else:
        column = "last_date" if sort == "newest" else "first_date"
        dated = table[table[column].notna()]
        order = pd.concat([
            dated.sort_values([column, "story"], ascending=[sort == "oldest", True], kind="stable"),
            table[table[column].isna()].sort_values("story", kind="stable"),
        ])
    return order.reset_index(drop=True)


def search_stories(analysis: Analysis, query: str) -> list[int]:
    """Ids of the stories in which every content word of `query` occurs in some member's title or text."""
    words = list(dict.fromkeys(tokens.tokenize(query, analysis.aliases, analysis.stop_words)))
    if not words:
        raise SpecError(f"the search {query.strip()[:60]!r} has no words to look for: this analysis drops stop "
                        "words, numbers and punctuation")
    doc_story = analysis.documents["story"].to_numpy()
    unit_doc = _unit_doc_positions(analysis)
    table = analysis.term_counter.table
    vocab = pd.Index(np.asarray(table.vocab, dtype=object))
    titles = _title_words(analysis)
    found: set[int] | None = None
    for word in words:
        in_docs = np.zeros(len(doc_story), dtype=bool)
        column = vocab.get_indexer([word])[0]
        if column >= 0:
            positions = np.flatnonzero(table.ids == column)
            units = np.searchsorted(table.offsets, positions, side="right") - 1
            in_docs[unit_doc[units]] = True
        in_docs |= np.fromiter((word in t for t in titles), dtype=bool, count=len(titles))
        stories = set(doc_story[in_docs].tolist())
        found = stories if found is None else found & stories
        if not found:
            return []
    return sorted(found)


def _unit_doc_positions(analysis: Analysis) -> np.ndarray:
    position = {d: i for i, d in enumerate(analysis.documents["id"])}
    return analysis.units["doc_id"].map(position).to_numpy(dtype=np.int64)


def _title_words(analysis: Analysis) -> list[frozenset[str]]:
    """Each article's title as the analysis tokenises it, computed once per analysis."""
    cache = analysis.__dict__.setdefault("_story_title_words", {})
    if "titles" not in cache:
        docs = analysis.documents
        titles = [str(t) if _present(t) else "" for t in docs["title"]]
        main = analysis.stop_words
        if analysis.language_stop_words and "language" in docs:
            stop_words = [analysis.language_stop_words.get(code, main) for code in docs["language"]]
        else:
            stop_words = main
        table = tokens.tokenize_many(titles, analysis.aliases, stop_words)
        words = np.asarray(table.vocab, dtype=object)[table.ids]
        cache["titles"] = [frozenset(words[table.offsets[i]:table.offsets[i + 1]]) for i in range(len(titles))]
    return cache["titles"]


# ---------------------------------------------------------------- coverage


def coverage_options(analysis: Analysis) -> list[str]:
    """What coverage can be counted by: source, then every rating column the stories carry."""
    return ["source", *rating_columns(analysis)]


def coverage_matrix(analysis: Analysis, by: str = "source") -> pd.DataFrame:
    """Stories by outlet (or by a rating's values, or any document column's): article counts, 0 = not covered.

    Columns: story, label, then one per value: outlets with the most articles
    first, a rating's values in reading order (left, center, right), articles
    without a value under "unknown". Rows: stories in id order.
    """
    column = _coverage_column(analysis, by)
    docs = analysis.documents
    value = pd.Series([str(v).strip() if _present(v) else UNKNOWN for v in docs[column]], index=docs.index)
    counts = Counter(value)
    order = _ordered_values(Counter({v: n for v, n in counts.items() if v != UNKNOWN}))
    if column == "source":
        order = sorted(order, key=lambda v: (-counts[v], v))
    if UNKNOWN in counts:
        order.append(UNKNOWN)
    table = pd.crosstab(docs["story"], value).reindex(index=[s.id for s in analysis.stories], columns=order,
                                                      fill_value=0)
    table = table.fillna(0).astype(np.int64)
    table.columns = [str(c) for c in table.columns]
    out = table.reset_index(drop=True)
    out.insert(0, "label", [s.label for s in analysis.stories])
    out.insert(0, "story", [s.id for s in analysis.stories])
    return out


def _coverage_column(analysis: Analysis, by: str) -> str:
    columns = metadata_columns(analysis)
    if by in columns:
        return by
    folded = {c.casefold(): c for c in columns}
    if str(by).casefold() in folded:
        return folded[str(by).casefold()]
    raise SpecError(f"no document column {str(by)[:40]!r} to count coverage by; choose one of: "
                    f"{', '.join(coverage_options(analysis) or ['source'])}")


def one_sided(analysis: Analysis, by: str, covered: str, missing: str, sort: str = "articles") -> pd.DataFrame:
    """The stories `covered` (an outlet or a rating value) reported and `missing` did not, as stories_table rows.

    "Which stories one side covered and the other did not": by="bias",
    covered="left", missing="right" lists the stories with a left-rated
    article and no right-rated one.
    """
    matrix = coverage_matrix(analysis, by)
    values = [c for c in matrix.columns if c not in ("story", "label")]
    named = {}
    for name, given in (("covered", covered), ("missing", missing)):
        hit = [v for v in values if v == given] or [v for v in values if v.casefold() == str(given).casefold()]
        if not hit:
            raise SpecError(f"no {by} {str(given)[:40]!r}; {by} values include: {', '.join(values[:8])}")
        named[name] = hit[0]
    if named["covered"] == named["missing"]:
        raise SpecError("choose two different sides to compare coverage")
    ids = matrix.loc[(matrix[named["covered"]] > 0) & (matrix[named["missing"]] == 0), "story"]
    table = stories_table(analysis, sort=sort)
    return table[table["story"].isin(set(ids))].reset_index(drop=True)


# ---------------------------------------------------------------- one story


def story_outlets(analysis: Analysis, story_id: int) -> pd.DataFrame:
    """The articles of one story, one row each: source, rating columns, date, title, url, frame, id.

    Ordered so the sides read in turn (the first rating's values left to
    right, unrated last), then by outlet and date. `url` is kept only when it
    is http or https; `frame` is the article's dominant frame (a name; "none"
    for no clear frame).
    """
    docs = _story_docs(analysis, story_id)
    ratings = rating_columns(analysis)
    out = pd.DataFrame({"source": docs["source"].astype(str).to_numpy()})
    for column in ratings:
        out[column] = [str(v).strip() if _present(v) else "" for v in docs[column]]
    out["date"] = [str(d) if _present(d) else None for d in docs["date"]]
    out["title"] = docs["title"].astype(str).to_numpy()
    out["url"] = [_http_only(u) for u in docs["url"]]
    out["frame"] = docs["frame"].astype(str).to_numpy()
    out["id"] = docs["id"].to_numpy()
    keys = []
    if ratings:
        order = {v: i for i, v in enumerate(rating_values(analysis, ratings[0]))}
        keys.append(out[ratings[0]].map(lambda v: order.get(v, len(order))))
    key_frame = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    key_frame["source"], key_frame["date"] = out["source"], out["date"].fillna("9999")
    ranked = key_frame.sort_values(list(key_frame.columns), kind="stable").index
    return out.loc[ranked].reset_index(drop=True)


def story_frames(analysis: Analysis, story_id: int) -> pd.DataFrame:
    """Each outlet's frame profile on one story: share of its units per dominant frame (and none), and units."""
    return tables.source_frame_shares(analysis, _story_units(analysis, story_id))


def story_outlet_terms(analysis: Analysis, story_id: int, source: str, limit: int = 15) -> pd.DataFrame:
    """Key terms of one outlet against the other outlets on the same story (Fightin' Words), its own first.

    The columns of keyterms.compare_groups: count_a is this outlet, count_b
    the other outlets on the story; the `limit` terms with the highest
    positive z (none when the outlet uses no word more than the others do).
    Syndicated copies are left out as in Key terms, and so are terms naming
    an outlet that mostly come from that outlet (keyterms.mark_outlet_names). The story's own words
    (names, places) are shared by every outlet on it and so fall away: what
    is left is how this outlet told it.
    """
    in_story = _story_units(analysis, story_id)
    docs = _story_docs(analysis, story_id)
    sources = sorted(set(docs["source"].astype(str)))
    if source not in sources:
        raise SpecError(f"{str(source)[:60]!r} did not report story {int(story_id)}; its outlets are: "
                        f"{', '.join(sources[:8])}")
    if len(sources) < 2:
        raise SpecError(f"story {int(story_id)} was reported by only one outlet, so there is no other to compare with")
    source_of = dict(zip(analysis.documents["id"], analysis.documents["source"].astype(str)))
    unit_source = analysis.units["doc_id"].map(source_of).to_numpy()
    keep = in_story & (analysis.units["in_fit"].to_numpy() if analysis.settings.collapse_duplicates else True)
    mine, others = keep & (unit_source == source), keep & (unit_source != source)
    if not mine.any() or not others.any():
        raise SpecError(f"on story {int(story_id)}, {'this outlet' if not mine.any() else 'the other outlets'} "
                        "have only syndicated copies, which are left out")
    terms = keyterms.compare_groups(analysis.term_counter, mine, others)
    # "fox news" in Fox's own copy says who wrote, not how: outlets naming themselves are not its words
    terms = keyterms.mark_outlet_names(analysis.term_counter, terms, mine, others, unit_source)
    terms = terms[(terms["z"] > 0) & ~terms["names_outlet"]].drop(columns="names_outlet")
    return terms.sort_values(["z", "term"], ascending=[False, True], kind="stable").head(int(limit)).reset_index(
        drop=True)


def story_statements(analysis: Analysis, story_id: int) -> pd.DataFrame:
    """The statements of one story: those several outlets share, and those only one outlet carries.

    Sentences of every pair of articles from different outlets are matched
    with alignment.align_sentences as Side by side matches two articles on one
    story (words weighed by their rarity in the corpus, the same-story
    threshold); matched
    sentences join into one statement, so a fact told by four outlets is one
    row. Columns: statement (the wording of its earliest article), sources
    (the outlets carrying it, "; "-joined), n_sources, shared (carried by two
    or more outlets), doc_id (the article of that wording), sentence (its
    position there). Shared statements first, most outlets first; then the
    one-outlet statements by outlet and reading order. A story of more than
    STATEMENT_MAX_ARTICLES articles is read one article per outlet first, up
    to that many; `attrs["left_out"]` says how many articles were not read.
    """
    docs = _story_docs(analysis, story_id)
    chosen = _statement_articles(docs)
    rarity = word_rarity(analysis)
    sentences = {d: article_sentences(analysis, d) for d in chosen["id"]}
    source_of = dict(zip(chosen["id"], chosen["source"].astype(str)))
    ids = list(chosen["id"])
    node = {}
    for d in ids:
        for i in range(len(sentences[d])):
            node[(d, i)] = len(node)
    parent = list(range(len(node)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a_pos, a in enumerate(ids):
        for b in ids[a_pos + 1:]:
            if source_of[a] == source_of[b] or not sentences[a] or not sentences[b]:
                continue
            aligned = align_sentences(sentences[a], sentences[b], same_story=True, rarity=rarity,
                                      aliases=analysis.aliases, stop_words=pair_stop_words(analysis, a, b),
                                      ngram_max=analysis.ngram_max)
            for i, j, _score in aligned.pairs:
                ra, rb = find(node[(a, i)]), find(node[(b, j)])
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[tuple[str, int]]] = {}
    for key, number in node.items():  # in article order, then sentence order
        groups.setdefault(find(number), []).append(key)
    rows = []
    for members in groups.values():
        outlets = sorted({source_of[d] for d, _ in members})
        d, i = members[0]
        rows.append({"statement": sentences[d][i], "sources": "; ".join(outlets), "n_sources": len(outlets),
                     "shared": len(outlets) >= 2, "doc_id": d, "sentence": i,
                     "_order": ids.index(d)})
    columns = ["statement", "sources", "n_sources", "shared", "doc_id", "sentence"]
    table = pd.DataFrame(rows, columns=columns + ["_order"])
    table = table.sort_values(["shared", "n_sources", "sources", "_order", "sentence"],
                              ascending=[False, False, True, True, True], kind="stable")
    out = table[columns].reset_index(drop=True)
    out.attrs["left_out"] = len(docs) - len(chosen)
    return out


def _statement_articles(docs: pd.DataFrame) -> pd.DataFrame:
    """The articles read for statements: all, or one per outlet in turn up to STATEMENT_MAX_ARTICLES."""
    if len(docs) <= STATEMENT_MAX_ARTICLES:
        return docs
    turn = docs.groupby(docs["source"].astype(str), sort=False).cumcount()
    order = np.lexsort((np.arange(len(docs)), turn.to_numpy()))
    return docs.iloc[np.sort(order[:STATEMENT_MAX_ARTICLES])]


# ---------------------------------------------------------------- who is quoted by whom

_TITLES = (r"(?:President|Vice President|Former President|Prime Minister|Sen\.|Senator|Rep\.|Representative|"
           r"Gov\.|Governor|Mayor|Secretary|Speaker|Dr\.|Mr\.|Mrs\.|Ms\.|Minister|Judge|Justice|Gen\.|General|"
           r"Chief|Attorney General|Leader|Chairman|Chairwoman|Commissioner|Sheriff|Officer|Director|Ambassador)")
_NAME_WORD = r"(?:[A-Z][\w'’-]+|[A-Z]\.)"  # Jane, O'Neil, Smith-Jones, or an initial
_NAME = rf"((?:{_TITLES}\s+)*{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|bin|al|da|del|la|le)){{0,4}})"
_VERBS = (r"said|says|told|added|asked|wrote|tweeted|stated|explained|argued|insisted|warned|declared|noted|"
          r"continued|claimed|replied|recalled|conceded|acknowledged|admitted|urged|predicted|posted")
_OPEN, _CLOSE = "\"“”", "\"”“"
_QUOTE = rf"[{_OPEN}]([^{_OPEN}{_CLOSE}]{{12,600}}?)[{_CLOSE}]"
_QUOTE_PATTERNS = (
    re.compile(rf"{_QUOTE}\s*,?\s*(?:{_VERBS})\s+(?:[a-z]+\s+){{0,3}}?{_NAME}"),  # "...," said (council member) Jane Doe
    re.compile(rf"{_QUOTE}\s*,?\s*{_NAME}\s+(?:{_VERBS})\b"),  # "...," Jane Doe said
    re.compile(rf"{_NAME}\s+(?:{_VERBS})(?:\s+[a-z]+){{0,3}}?\s*[,:]?\s*{_QUOTE}", ),  # Jane Doe said: "..."
    re.compile(rf"{_QUOTE}[^.{_OPEN}]{{0,40}}?according to\s+{_NAME}"),  # "...", according to Jane Doe
)
_NOT_NAMES = frozenset("""
he she they it we i you the this that these those but and or so in on at a an his her their its our my
there here then when while after before as if not no yes also still just officials police
monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
january february march april may june july august september october november december
""".split())
_TITLE_RE = re.compile(rf"^(?:(?:{_TITLES})\s+)+")
_FULL_NAME_RE = re.compile(r"\b(?:[A-Z][a-z'’-]+\s+){1,2}[A-Z][a-z'’-]+\b")  # two or three capitalised words


def _speaker(raw: str) -> str | None:
    """A person's name as quoted: titles dropped, trailing possessives and punctuation cut; None when no name."""
    name = _TITLE_RE.sub("", raw.strip()).strip(" ,.;:’'")
    name = re.sub(r"['’]s$", "", name)
    words = name.split()
    while words and words[-1].casefold() in _NOT_NAMES:
        words.pop()
    if not words or words[0].casefold() in _NOT_NAMES or any(w.casefold() in _NOT_NAMES for w in words[:1]):
        return None
    if len(words) == 1 and len(words[0]) < 3:
        return None
    return " ".join(words)


def quotes_in(text: str) -> list[tuple[str, str]]:
    """(speaker, quote) pairs of a text: words in quotation marks next to a named speaker and said, told, ....

    Only named speakers count ("he said" names nobody); titles such as
    President or Sen. are dropped from the name. Each quotation is counted
    once, with the first pattern that names its speaker.
    """
    found: dict[int, tuple[str, str]] = {}
    for pattern in _QUOTE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groups()
            quote, raw = (groups[1], groups[0]) if pattern is _QUOTE_PATTERNS[2] else groups
            start = m.start(2) if pattern is _QUOTE_PATTERNS[2] else m.start(1)
            if start in found:
                continue
            speaker = _speaker(raw)
            if speaker:
                found[start] = (speaker, " ".join(quote.split()))
    return [found[k] for k in sorted(found)]


def story_quotes(analysis: Analysis, story_id: int) -> pd.DataFrame:
    """Who is quoted by whom on one story: per speaker and outlet, the quotations and one example.

    Columns: speaker, source, quotes (how many quotations that outlet gives
    that speaker), example (one of them). A surname alone ("Trump") is
    counted with the full name ("Donald Trump") when the story names exactly
    one such person. Rows: the most quoted speakers first, then their most
    quoting outlets. The full names are those quoted in the story or named
    anywhere in its text (titles such as Justice or Sen. dropped).
    """
    docs = _story_docs(analysis, story_id)
    source_of = dict(zip(docs["id"], docs["source"].astype(str)))
    units = analysis.units[analysis.units["doc_id"].isin(source_of)]
    found = []
    for doc_id, text in zip(units["doc_id"], units["text"]):
        for speaker, quote in quotes_in(str(text)):
            found.append((speaker, source_of[doc_id], quote))
    columns = ["speaker", "source", "quotes", "example"]
    if not found:
        return pd.DataFrame(columns=columns)
    full_names = {name for name, _, _ in found if " " in name}
    for text in units["text"]:  # "Justice Anthony Kennedy" named anywhere in the story names "Kennedy" quoted alone
        for raw in _FULL_NAME_RE.findall(str(text)):
            name = _speaker(raw)
            if name and " " in name:
                full_names.add(name)
    by_surname: dict[str, set[str]] = {}
    for name in full_names:
        by_surname.setdefault(name.split()[-1].casefold(), set()).add(name)

    def canonical(name: str) -> str:
        if " " not in name and len(by_surname.get(name.casefold(), ())) == 1:
            return next(iter(by_surname[name.casefold()]))
        return name

    table = pd.DataFrame([(canonical(s), src, q) for s, src, q in found], columns=["speaker", "source", "example"])
    grouped = table.groupby(["speaker", "source"], sort=False).agg(quotes=("example", "size"), example=("example", "first"))
    grouped = grouped.reset_index()
    total = grouped.groupby("speaker")["quotes"].transform("sum")
    grouped = grouped.assign(_total=total).sort_values(["_total", "speaker", "quotes", "source"],
                                                       ascending=[False, True, False, True], kind="stable")
    return grouped[columns].reset_index(drop=True)
