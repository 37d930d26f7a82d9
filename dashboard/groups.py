"""Group specs: one short string names a set of units, for the CLI, the pages and the URL.

A spec is a kind, a colon and a value: `cluster:2`, `frame:sovereignty`,
`doc:ID,ID`, `story:3`, `date:2022-01-01..2022-01-31`, `source:Reuters | World`, and
`COLUMN:VALUE` for any document column the corpus carries (`bias:left`,
`topic:elections`, `country:DE`); `all` and `rest` take no value. The value
is everything after the first colon, taken whole, so it may hold any
character a source name can. Kinds are matched case-insensitively; built-in
kinds win over a document column of the same name.

GroupSpec.parse checks the syntax only; naming something that does not
exist in an analysis is found by unit_mask / canonical, with a message that
names what does exist. Help texts, picker options and descriptions all come
from the KINDS table: a new kind is one entry there.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import pandas as pd

from .errors import SpecError
from .frames import NO_FRAME
from .models import Analysis

Side = Literal["a", "b"]

NAMED_IN_ERRORS = 8  # how many existing values an error message lists
OPTION_MAX_VALUES = 200  # a column with more distinct values is not offered value by value
DATE_DAYS_MAX = 31  # more distinct days than this: dates are offered by month
DATE_MONTHS_MAX = 60  # more distinct months than this: by year
# Document columns the analysis computes (see models.Analysis): not metadata the corpus carries.
COMPUTED_COLUMNS = frozenset({"id", "length", "duplicate_of", "dup_group", "originality", "cluster", "frame",
                              "story", "units"})
# One value per article: a group of them is chosen with doc:, not offered value by value.
NOT_OFFERED = frozenset({"title", "url", "origin"})
ANY_COLUMN = "*"  # the KINDS entry for a document column without a kind of its own


@dataclass(frozen=True)
class Kind:
    """One kind of group: how it is written, what it selects, how it reads, what is worth offering."""

    syntax: str  # as shown in help texts: "cluster:N"
    means: str  # what it selects, for help texts
    mask: Callable[[Analysis, "GroupSpec", np.ndarray | None], np.ndarray]  # over analysis.units
    describe: Callable[[Analysis | None, "GroupSpec"], str]
    offer: Callable[[Analysis], list["GroupSpec"]]
    # Checks a value's syntax and returns it tidied; None: the kind takes no value.
    tidy: Callable[[str], str] | None = None
    # The spec with names as the analysis spells them; raises SpecError when it names nothing.
    canonical: Callable[[Analysis, "GroupSpec"], "GroupSpec"] | None = None
    group_b_only: bool = False
    # Selects by what the corpus itself carries (outlet, date, ids, a document field), so the
    # clusters, frames and stories of a full analysis are not needed (pipeline.analyze_for_terms).
    metadata_only: bool = False


@dataclass(frozen=True)
class GroupSpec:
    """A parsed group spec. `kind` is a key of KINDS, or a document column's name as written."""

    kind: str
    value: str = ""

    @classmethod
    def parse(cls, text: str) -> GroupSpec:
        """The spec in `text`, or SpecError saying what is wrong with its syntax."""
        if not isinstance(text, str) or not text.strip():
            raise SpecError(f"empty group spec; use one of: {short_syntax('b')}")
        text = text.strip()
        name, colon, value = text.partition(":")
        name, value = name.strip(), value.strip()
        if not name:
            raise SpecError(f"group spec {_quote(text)} has no kind before the colon; use one of: {short_syntax('b')}")
        key = name.lower()
        kind = KINDS.get(key)
        if kind is None:
            if not colon:
                raise SpecError(f"unknown group kind {_quote(name)}; use one of: {short_syntax('b')}")
            kind, key = KINDS[ANY_COLUMN], name  # a document column, checked against the analysis later
        if kind.tidy is None:
            if value:
                raise SpecError(f"{key!r} takes no value: write just {key}")
            return cls(key)
        if not value:
            raise SpecError(f"group spec {_quote(text)} needs a value: {kind.syntax}")
        return cls(key, kind.tidy(value))

    def to_string(self) -> str:
        """The spec as text; parse(to_string()) gives it back. Fits a URL parameter."""
        return f"{self.kind}:{self.value}" if self.value else self.kind

    __str__ = to_string

    @property
    def entry(self) -> Kind:
        return KINDS.get(self.kind) or KINDS[ANY_COLUMN]

    @property
    def reads_metadata(self) -> bool:
        """Whether the spec can be resolved on the corpus's metadata alone, without clusters, frames or
        stories: its kind says so, and a document column it names is not one the analysis computes."""
        if not self.entry.metadata_only:
            return False
        return self.kind in KINDS or not (self.kind.lower() in COMPUTED_COLUMNS | {"frames"}
                                         or self.kind.lower().startswith("frame:"))

    def unit_mask(self, analysis: Analysis, other: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask over analysis.units; `rest` needs the other group's mask."""
        return np.asarray(self.entry.mask(analysis, self, other), dtype=bool)

    def canonical(self, analysis: Analysis, side: Side = "b") -> GroupSpec:
        """This spec as the analysis spells it (real frame, column and value names).

        Raises SpecError when it names nothing here, or is `rest` asked for group A.
        """
        if side == "a" and self.entry.group_b_only:
            raise SpecError(f"{self.kind!r} can only be group B")
        if self.entry.canonical is not None:
            return self.entry.canonical(analysis, self)
        self.unit_mask(analysis, other=np.zeros(len(analysis.units), dtype=bool))
        return self

    def describe(self, analysis: Analysis | None = None) -> str:
        """Plain text for a label: "Fox News", "bias: left", "cluster 2 · Terrorism claims: ..."."""
        return self.entry.describe(analysis, self)

    @staticmethod
    def options(analysis: Analysis, side: Side = "b") -> dict[str, str]:
        """Every spec worth offering in a picker for this side, as spec string -> readable label."""
        out: dict[str, str] = {}
        for kind in KINDS.values():
            if side == "a" and kind.group_b_only:
                continue
            for spec in kind.offer(analysis):
                out[spec.to_string()] = spec.describe(analysis)
        return out


def short_syntax(side: Side = "b") -> str:
    """The kinds in one line, for argparse help and error messages."""
    return ", ".join(k.syntax for k in KINDS.values() if side == "b" or not k.group_b_only)


def syntax_help() -> str:
    """Every kind with what it selects, one per line (CLI epilog, README)."""
    width = max(len(k.syntax) for k in KINDS.values())
    return "\n".join(f"{k.syntax:<{width}}  {k.means}" for k in KINDS.values())


# ---------------------------------------------------------------- helpers


def _quote(text: str, limit: int = 60) -> str:
    """repr() of user text, cut short: messages may quote a URL parameter."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _listing(values: list[str], limit: int = NAMED_IN_ERRORS) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" … ({len(values):,} in all)" if len(values) > limit else "")


def _units_of_docs(analysis: Analysis, doc_mask: np.ndarray) -> np.ndarray:
    ids = analysis.documents.loc[doc_mask, "id"]
    return analysis.units["doc_id"].isin(set(ids)).to_numpy()


def _as_text(value) -> str | None:
    """A metadata value as the text a spec compares with; None when missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))  # an int column turned float by a missing value
    text = str(value)
    return text if text.strip() else None


@dataclass(frozen=True)
class _ColumnText:
    values: pd.Series  # object: each article's value as text, or None
    frequent: list[str]  # distinct values, most articles first (ties by value)
    by_fold: dict[str, list[str]]  # casefolded value -> the spellings the column has


def _column_text(analysis: Analysis, column: str) -> _ColumnText:
    """A document column as text, computed once per analysis.

    Kept on the analysis (as queries.background_counts keeps its counts on
    the vectors): a picker describes hundreds of specs over the same columns.
    """
    cache = analysis.__dict__.setdefault("_group_column_text", {})
    if column not in cache:
        raw = analysis.documents[column]
        # A plain object array, then a list: iterating an Arrow-backed column costs 4 µs a value,
        # and Series.map would turn None back into NaN.
        values = pd.Series([_as_text(v) for v in raw.to_numpy(dtype=object)], index=raw.index, dtype=object)
        counts = values.dropna().value_counts()
        frequent = sorted(counts.index, key=lambda v: (-counts[v], v))
        by_fold: dict[str, list[str]] = {}
        for v in frequent:
            by_fold.setdefault(v.casefold(), []).append(v)
        cache[column] = _ColumnText(values, frequent, by_fold)
    return cache[column]


def _text_values(analysis: Analysis, column: str) -> pd.Series:
    return _column_text(analysis, column).values


# ---------------------------------------------------------------- all, rest


def _all_mask(analysis, spec, other):
    return np.ones(len(analysis.units), dtype=bool)


def _rest_mask(analysis, spec, other):
    if other is None:
        raise SpecError("'rest' means everything not in the other group, so it can only be group B")
    return ~np.asarray(other, dtype=bool)


# ---------------------------------------------------------------- cluster:N


def _whole_number(value: str) -> str:
    if not re.fullmatch(r"\d+", value) or int(value) < 1:
        raise SpecError(f"a cluster is a whole number from 1, got {_quote(value)}")
    return str(int(value))


def _cluster_mask(analysis, spec, other):
    number = int(spec.value)
    ids = sorted(c.id for c in analysis.clusters)
    if number not in ids:
        raise SpecError(f"no cluster {number}; the clusters are {_listing([str(i) for i in ids])}")
    return (analysis.units["cluster"] == number).to_numpy()


def _cluster_describe(analysis, spec):
    label = {c.id: c.label for c in analysis.clusters}.get(int(spec.value)) if analysis is not None else None
    return f"cluster {spec.value} · {label}" if label else f"cluster {spec.value}"


def _cluster_offer(analysis):
    return [GroupSpec("cluster", str(c.id)) for c in analysis.clusters]


# ---------------------------------------------------------------- story:N


def _story_number(value: str) -> str:
    if not re.fullmatch(r"\d+", value) or int(value) < 1:
        raise SpecError(f"a story is a whole number from 1, got {_quote(value)}")
    return str(int(value))


def _story_mask(analysis, spec, other):
    number = int(spec.value)
    if not 1 <= number <= len(analysis.stories):
        raise SpecError(f"no story {number}; the stories are numbered 1 to {len(analysis.stories):,}")
    return (analysis.units["story"] == number).to_numpy()


def _story_describe(analysis, spec):
    number = int(spec.value)
    if analysis is not None and 1 <= number <= len(analysis.stories):
        return f"story {number} · {analysis.stories[number - 1].label}"
    return f"story {number}"


def _story_offer(analysis):
    """Stories told by more than one article, largest first: one article is chosen with doc:."""
    return [GroupSpec("story", str(s.id)) for s in analysis.stories[:OPTION_MAX_VALUES] if s.size >= 2]


# ---------------------------------------------------------------- frame:NAME


def _frame_name(analysis: Analysis, value: str) -> str:
    """The frame as the lexicon spells it: names keep their case, matched case-insensitively."""
    names = [*analysis.frame_names, NO_FRAME]
    if value in names:
        return value
    folded = [n for n in names if n.casefold() == value.casefold()]
    if folded:
        return folded[0]
    raise SpecError(f"no frame {_quote(value)}; the frames are: {', '.join(names)}")


def _frame_mask(analysis, spec, other):
    return (analysis.units["frame"] == _frame_name(analysis, spec.value)).to_numpy()


def _frame_describe(analysis, spec):
    if analysis is None:
        return f"frame: {spec.value}"
    try:
        name = _frame_name(analysis, spec.value)
    except SpecError:
        return f"frame: {spec.value}"
    if name == NO_FRAME:
        return "frame: none (no clear frame)"
    return f"frame: {analysis.frame_labels.get(name, name)}"


def _frame_offer(analysis):
    present = set(analysis.units["frame"])
    return [GroupSpec("frame", n) for n in [*analysis.frame_names, NO_FRAME] if n in present]


def _frame_canonical(analysis, spec):
    return GroupSpec("frame", _frame_name(analysis, spec.value))


# ---------------------------------------------------------------- doc:ID,ID


def _doc_ids(value: str) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in value.split(",") if i.strip()))


def _doc_tidy(value: str) -> str:
    ids = _doc_ids(value)
    if not ids:
        raise SpecError("doc: needs at least one article id: doc:ID,ID")
    return ",".join(ids)


def _doc_mask(analysis, spec, other):
    ids = _doc_ids(spec.value)
    known = set(analysis.documents["id"])
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise SpecError(f"unknown article id(s): {_listing([_quote(i, 40) for i in unknown])}")
    return analysis.units["doc_id"].isin(set(ids)).to_numpy()


def _doc_describe(analysis, spec):
    n = len(_doc_ids(spec.value))
    return f"{n} article" if n == 1 else f"{n} articles"


# ---------------------------------------------------------------- date:FROM..TO


_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _period(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        raise SpecError(f"a date is YYYY-MM-DD (or YYYY-MM, YYYY), got {_quote(text)}")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day is not None:
            one = dt.date(year, int(month), int(day))
            return one, one
        if month is not None:
            return dt.date(year, int(month), 1), dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        raise SpecError(f"{_quote(text)} is not a date") from None


def _date_bounds(value: str) -> tuple[dt.date, dt.date]:
    parts = [p.strip() for p in value.split("..")]
    if len(parts) > 2:
        raise SpecError(f"a date range is FROM..TO, got {_quote(value)}")
    first, last = _period(parts[0])[0], _period(parts[-1])[1]
    if first > last:
        raise SpecError(f"the date range {_quote(value)} ends before it starts; write the earlier date first")
    return first, last


def _date_tidy(value: str) -> str:
    parts = [p.strip() for p in value.split("..")]
    _date_bounds(value)
    return parts[0] if len(parts) == 2 and parts[0] == parts[1] else "..".join(parts)


def _date_mask(analysis, spec, other):
    first, last = _date_bounds(spec.value)
    dates = _text_values(analysis, "date")
    known = dates.dropna()
    hit = dates.between(first.isoformat(), last.isoformat()).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        if known.empty:
            raise SpecError("no article in this analysis has a date")
        raise SpecError(f"no article is dated {spec.value.replace('..', ' to ')}; "
                        f"the dates run from {known.min()} to {known.max()}")
    return _units_of_docs(analysis, hit)


def _date_describe(analysis, spec):
    return "date: " + spec.value.replace("..", " to ")


def _date_offer(analysis):
    days = sorted(set(_text_values(analysis, "date").dropna()))
    for width in (10, 7, 4):  # days, months, years: the finest that stays a short list
        periods = sorted({d[:width] for d in days})
        if width == 4 or len(periods) <= (DATE_DAYS_MAX if width == 10 else DATE_MONTHS_MAX):
            break
    return [GroupSpec("date", p) for p in periods] if len(periods) >= 2 else []


# ---------------------------------------------------------------- COLUMN:VALUE (source: too)


def _fold_name(name: str) -> str:
    return re.sub(r"[\s_-]+", "_", name.strip().casefold())


def metadata_columns(analysis: Analysis) -> list[str]:
    """The document columns the corpus carries (source, date, bias, topic, ...), not computed ones."""
    return [c for c in analysis.documents.columns
            if isinstance(c, str) and c not in COMPUTED_COLUMNS and not c.startswith("frame:")]


def _column(analysis: Analysis, name: str) -> str:
    """The document column a spec's kind names: exact, else ignoring case, spaces and underscores."""
    columns = metadata_columns(analysis)
    if name in columns:
        return name
    for column in columns:
        if _fold_name(column) == _fold_name(name):
            return column
    raise SpecError(f"unknown group kind {_quote(name)}: use {short_syntax('b')}, where COLUMN is one of "
                    f"this corpus's document columns: {_listing(columns, 40)}")


def _spellings(analysis: Analysis, column: str, value: str) -> list[str]:
    """The column's values a spec's value names: itself when present, else those equal ignoring case."""
    text = _column_text(analysis, column)
    same = text.by_fold.get(value.casefold(), [])
    found = [value] if value in same else same
    if found:
        return found
    if not text.frequent:
        raise SpecError(f"no article has a {column}")
    raise SpecError(f"no {column} {_quote(value)}; {column} values include: {_listing(text.frequent)}")


def _column_of(spec: GroupSpec, analysis: Analysis) -> str:
    return "source" if spec.kind == "source" else _column(analysis, spec.kind)


def _column_mask(analysis, spec, other):
    column = _column_of(spec, analysis)
    hit = _text_values(analysis, column).isin(_spellings(analysis, column, spec.value)).to_numpy(dtype=bool)
    return _units_of_docs(analysis, hit)


def _column_canonical(analysis, spec):
    column = _column_of(spec, analysis)
    spelt = _spellings(analysis, column, spec.value)
    return GroupSpec(column, spelt[0] if len(spelt) == 1 else spec.value)


def _column_describe(analysis, spec):
    column, value = spec.kind, spec.value
    if analysis is not None:
        try:
            real = _column_canonical(analysis, spec)
            column, value = real.kind, real.value
        except SpecError:
            pass  # a spec naming nothing here is described as written
    return value if column == "source" else f"{column.replace('_', ' ')}: {value}"


def _offered_values(analysis: Analysis, column: str) -> list[str]:
    """Values of a column worth a picker entry each: readable, repeating, not too many."""
    text = _column_text(analysis, column)
    distinct = len(text.frequent)
    if distinct < 2 or distinct > OPTION_MAX_VALUES:
        return []
    if column != "source" and distinct == text.values.notna().sum():
        return []  # one value per article: an id, not a group
    return text.frequent


def _source_offer(analysis):
    return [GroupSpec("source", v) for v in _offered_values(analysis, "source")]


def _any_column_offer(analysis):
    out = []
    for column in sorted(metadata_columns(analysis)):
        if column in KINDS or column.lower() in KINDS or column in NOT_OFFERED or ":" in column:
            continue
        out.extend(GroupSpec(column, v) for v in _offered_values(analysis, column))
    return out


def _any_text(value: str) -> str:
    return value


# ---------------------------------------------------------------- the table

KINDS: dict[str, Kind] = {
    "cluster": Kind("cluster:N", "units in cluster N", _cluster_mask, _cluster_describe, _cluster_offer,
                    tidy=_whole_number),
    "frame": Kind("frame:NAME", "units whose dominant frame is NAME (any case); frame:none: no clear frame",
                  _frame_mask, _frame_describe, _frame_offer, tidy=_any_text, canonical=_frame_canonical),
    "story": Kind("story:N", "the articles of story N (1 = the largest; see the Stories page or `stories` in the JSON)",
                  _story_mask, _story_describe, _story_offer, tidy=_story_number),
    "source": Kind("source:NAME", "articles of one outlet; all after the colon is the name, | and , included",
                   _column_mask, _column_describe, _source_offer, tidy=_any_text, canonical=_column_canonical,
                   metadata_only=True),
    ANY_COLUMN: Kind("COLUMN:VALUE", "articles whose COLUMN (any document column) is VALUE: bias:left, topic:...",
                     _column_mask, _column_describe, _any_column_offer, tidy=_any_text,
                     canonical=_column_canonical, metadata_only=True),
    "date": Kind("date:FROM..TO", "articles dated FROM to TO inclusive; or one date, month (2022-01), year",
                 _date_mask, _date_describe, _date_offer, tidy=_date_tidy, metadata_only=True),
    "doc": Kind("doc:ID,ID", "the articles with these ids (syndicated copies included)",
                _doc_mask, _doc_describe, lambda analysis: [], tidy=_doc_tidy, metadata_only=True),
    "all": Kind("all", "the whole corpus", _all_mask, lambda analysis, spec: "the whole corpus",
                lambda analysis: [GroupSpec("all")], metadata_only=True),
    "rest": Kind("rest", "everything not in group A (group B only)", _rest_mask,
                 lambda analysis, spec: "everything not in group A", lambda analysis: [GroupSpec("rest")],
                 canonical=lambda analysis, spec: spec, group_b_only=True, metadata_only=True),
}
