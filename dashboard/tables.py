"""The tables the pages draw, computed from a finished Analysis.

One function per table, so a page only asks and draws, the CSV a page offers
holds the numbers it shows, and a test or the CLI can ask for the same thing.
Frame names stay names here (labels are for drawing); every function is
deterministic and free of Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from . import frames as frames_mod
from . import frame_lift, keyterms, queries
from .alignment import Alignment
from .models import Analysis
from .queries import SpecError
from .segmenting import split_sentences

Level = Literal["units", "documents"]


def _check_doc(analysis: Analysis, doc_id: str) -> None:
    if doc_id not in set(analysis.documents["id"]):
        raise SpecError(f"unknown article id {doc_id!r}")


def frame_label(analysis: Analysis, frame: str) -> str:
    """A frame's readable label; "none" (no clear frame) and unknown names read as themselves."""
    return analysis.frame_labels.get(frame, frame)


def link_url(value: object) -> str:
    """An article's url when it is a web address (http or https with a host), else "".

    Urls come from whoever made the corpus: a `javascript:` or `data:` link
    shown as a link would run or load in the reader's browser, so only web
    addresses are ever offered as links or written to an export as one.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value).strip()
    if any(c.isspace() or ord(c) < 32 for c in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


# ---------------------------------------------------------------- filters over a finished analysis


def frame_mask(analysis: Analysis, frame: str, level: Level = "units") -> np.ndarray:
    """Rows (units or articles) whose dominant frame is `frame`; "all" keeps every row.

    The sidebar's frame filter is a view filter: it narrows what is shown
    without re-running the analysis.
    """
    table = analysis.units if level == "units" else analysis.documents
    if frame == "all":
        return np.ones(len(table), dtype=bool)
    return (table["frame"] == frame).to_numpy()


# ---------------------------------------------------------------- articles


def article_table(analysis: Analysis) -> pd.DataFrame:
    """One row per article, in corpus order: outlet, date, title, language, cleaned length, cluster, frame, copies."""
    docs = analysis.documents
    cluster_label = {c.id: c.label for c in analysis.clusters}
    return pd.DataFrame({
        "source": docs["source"].astype(str),
        "date": docs["date"].astype("string").fillna(""),
        "title": docs["title"].astype(str),
        "language": docs["language"].astype(str) if "language" in docs else "",
        "length": docs["length"],
        "cluster": docs["cluster"],
        "cluster label": docs["cluster"].map(cluster_label),
        "dominant frame": docs["frame"].map(lambda f: frame_label(analysis, f)),
        "duplicate group": docs["dup_group"].astype("Int64"),
        "originality": docs["originality"],
        "id": docs["id"],
    })


def article_units(analysis: Analysis, doc_id: str) -> pd.DataFrame:
    """The units of one article in reading order, with their cluster, frame and copy status."""
    _check_doc(analysis, doc_id)
    parts = analysis.units[analysis.units["doc_id"] == doc_id]
    cluster_label = {c.id: c.label for c in analysis.clusters}
    return pd.DataFrame({
        "passage": parts["index"] + 1,
        "cluster": parts["cluster"],
        "cluster label": parts["cluster"].map(cluster_label),
        "frame": parts["frame"].map(lambda f: frame_label(analysis, f)),
        "copied": parts["copy_group"].map(lambda g: f"copy group {g}" if g else ""),
        "quoted post": parts["is_quote"].map(lambda q: "yes" if q else ""),
        "text": parts["text"],
    }).reset_index(drop=True)


def frame_evidence(analysis: Analysis, doc_id: str) -> pd.DataFrame:
    """Why an article and its units got their frames: every lexicon hit with its sentence.

    Columns: passage (1-based), frame (name), term (the entry as written),
    matched (the text's words in token form), sentence. Matched with the
    analysis' own lexicon, alias table and stop words, so a unit's rows add up
    to the hits behind its score (except a phrase that runs across two
    sentences, which the score counts and no sentence shows). A passage's
    heading is searched as a sentence of its own, as it is scored with it.
    """
    _check_doc(analysis, doc_id)
    parts = analysis.units[analysis.units["doc_id"] == doc_id]
    tables = []
    for index, heading, text in zip(parts["index"], parts["heading"], parts["text"]):
        sentences = ([heading] if heading else []) + split_sentences(text)
        found = frames_mod.frame_evidence("", analysis.frames, analysis.aliases, sentences, analysis.stop_words_of(doc_id))
        found.insert(0, "passage", int(index) + 1)
        tables.append(found)
    columns = ["passage", "frame", "term", "matched", "sentence"]
    return pd.concat(tables, ignore_index=True)[columns] if tables else pd.DataFrame(columns=columns)


def frame_reasons(analysis: Analysis, doc_id: str) -> pd.DataFrame:
    """Why each passage of an article carries its frames: one row per piece of evidence.

    Columns: passage (1-based), frame (name), score (its score in [0, 1]),
    evidence ("lexicon": a lexicon entry found, weight = occurrences;
    "learned": a word of the passage the frame's context model weighs,
    weight = coefficient x TF-IDF, positive pushing the score up), term.
    Only the frames a passage carries; the numbers are `evidence` in the
    analyze JSON (queries.frame_evidence_by_unit).
    """
    _check_doc(analysis, doc_id)
    parts = analysis.units[analysis.units["doc_id"] == doc_id]
    rows = []
    for unit, index, reasons in zip(parts["unit"], parts["index"],
                                    queries.frame_evidence_by_unit(analysis, parts["unit"].to_numpy())):
        for frame, found in reasons.items():
            score = float(analysis.units.at[unit, f"frame:{frame}"])
            rows += [(int(index) + 1, frame, score, "lexicon", term, float(n)) for term, n in found["lexicon"].items()]
            rows += [(int(index) + 1, frame, score, "learned", term, w) for term, w in found["learned"].items()]
    return pd.DataFrame(rows, columns=["passage", "frame", "score", "evidence", "term", "weight"])


# ---------------------------------------------------------------- frames across articles and outlets


def source_frame_shares(analysis: Analysis, unit_mask: np.ndarray | None = None) -> pd.DataFrame:
    """Per outlet: the share of its units with each dominant frame (and "none"), and its unit count.

    Outlets with the most units first. `unit_mask` limits the units counted
    (e.g. the sidebar's frame filter).
    """
    units = analysis.units if unit_mask is None else analysis.units[unit_mask]
    source_of = dict(zip(analysis.documents["id"], analysis.documents["source"]))
    table = pd.DataFrame({"source": units["doc_id"].map(source_of), "frame": units["frame"]})
    return frames_mod.source_frame_table(table, analysis.frame_names, "source")


THIN_CELL_UNITS = 5  # a source's frame shares resting on fewer units than this are flagged


def source_frame_cells(analysis: Analysis, unit_mask: np.ndarray | None = None) -> pd.DataFrame:
    """The source x frame table in long form: one row per (source, frame or "none") with its counts.

    Columns: source, frame, units (its units with that dominant frame),
    source_units, share (units / source_units) and thin (True when the share
    rests on fewer than THIN_CELL_UNITS units of the source, so a reader does
    not take 2 of 2 for a finding). Sources in the order of
    `source_frame_shares`, frames in lexicon order then "none".
    """
    wide = source_frame_shares(analysis, unit_mask)
    frames = [c for c in wide.columns if c not in ("source", "units")]
    long = wide.melt(id_vars=["source", "units"], value_vars=frames, var_name="frame", value_name="share")
    long = long.rename(columns={"units": "source_units"})
    long["units"] = (long["share"] * long["source_units"]).round().astype(int)
    long["thin"] = long["source_units"] < THIN_CELL_UNITS
    order = {s: i for i, s in enumerate(wide["source"])}
    long = long.sort_values(["source", "frame"], key=lambda col: col.map(order) if col.name == "source"
                            else col.map({f: i for i, f in enumerate(frames)}), kind="stable")
    return long[["source", "frame", "units", "source_units", "share", "thin"]].reset_index(drop=True)


def lexicon_advice(analysis: Analysis) -> str | None:
    """A warning for the Overview when the lexicon in use frames this corpus poorly, naming a better one.

    Poorly: most units (more than MOSTLY_NONE) get no frame, or more than
    SINGLE_FRAME_SHARE of them the same dominant frame, which then tells
    nothing apart. The suggestion is the bundled lexicon, other than the one
    in use, whose words give a clear frame to the most units (its coverage,
    measured when the analysis ran); None when the framing is not poor.
    """
    frames = analysis.units["frame"]
    if len(frames) == 0:
        return None
    none_share = float((frames == frames_mod.NO_FRAME).mean())
    counts = frames[frames != frames_mod.NO_FRAME].value_counts()
    top, top_share = (str(counts.index[0]), float(counts.iloc[0] / len(frames))) if len(counts) else ("", 0.0)
    in_use = "your own lexicon" if analysis.lexicon == "custom" else f"the {analysis.lexicon} lexicon"
    units = f"{analysis.unit}s"
    if none_share > MOSTLY_NONE:
        problem = f"{none_share:.0%} of {units} get no frame with {in_use}."
    elif top_share > SINGLE_FRAME_SHARE:
        problem = (f"{top_share:.0%} of {units} get the same frame, {frame_label(analysis, top)}, with {in_use}: "
                   "frames tell little apart here.")
    else:
        return None
    others = {n: c for n, c in analysis.lexicon_coverage.items() if n != analysis.lexicon}
    if not others:
        return problem
    best = max(others, key=lambda n: (others[n], -list(others).index(n)))
    mine = analysis.lexicon_coverage.get(analysis.lexicon)
    if mine is not None and others[best] <= mine:
        return problem + f" No bundled lexicon covers this corpus better (the best other, {best}: {others[best]:.0%})."
    rest = ", ".join(f"{n}: {c:.0%}" for n, c in others.items() if n != best)
    return (problem + f" The {best} lexicon's words give a clear frame to {others[best]:.0%} of {units}"
            + (f" ({rest})" if rest else "") + "; choose it on the Settings page.")


MOSTLY_NONE = 0.5  # more than this share of units without a frame: the lexicon misses the corpus
SINGLE_FRAME_SHARE = 0.6  # more than this share of units with one dominant frame: it tells nothing apart


# ---------------------------------------------------------------- dates


@dataclass
class Timeline:
    counts: pd.DataFrame  # date (start of the period), source, articles
    period: Literal["day", "week", "month"]
    undated: int  # articles without a date (not in counts)


def timeline(analysis: Analysis, max_sources: int = 12) -> Timeline:
    """Articles per period and outlet; the largest outlets by name, the rest as "other sources".

    The period follows the span of the dates: days up to three months, weeks
    up to two years, months beyond, so a chart stays readable.
    """
    docs = analysis.documents
    dated = docs[docs["date"].notna()]
    undated = int(len(docs) - len(dated))
    if dated.empty:
        return Timeline(pd.DataFrame(columns=["date", "source", "articles"]), "day", undated)
    counts_by_source = dated["source"].value_counts()
    top = sorted(counts_by_source.index, key=lambda s: (-counts_by_source[s], s))[:max_sources]
    source = dated["source"].where(dated["source"].isin(top), "other sources")
    when = pd.to_datetime(dated["date"])
    span_days = (when.max() - when.min()).days
    period = _period_for(span_days)
    code = PERIOD_CODES[period]
    bucket = when.dt.to_period(code).dt.start_time
    counts = pd.DataFrame({"date": bucket, "source": source}).groupby(["date", "source"]).size()
    return Timeline(counts.reset_index(name="articles"), period, undated)


PERIOD_CODES = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
# Frames over time, period "auto": the finest period whose bars rest, half of them or more, on at least this many
# units; a share of 100% from one passage is noise, not a trend.
MIN_UNITS_PER_BAR = 8


def _period_for(span_days: int) -> Literal["day", "week", "month"]:
    """Days up to three months, weeks up to two years, months beyond: a readable number of bars."""
    return "day" if span_days <= 92 else "week" if span_days <= 730 else "month"


@dataclass
class FrameTimeline:
    shares: pd.DataFrame  # group, date (start of the period), frame (name), units, share (of the group's units then)
    period: str  # day, week, month, quarter or year
    groups: list[str]  # the groups shown, most units first
    left_out: int  # groups beyond max_groups, not shown
    undated: int  # units of undated articles (not counted)


def frame_timeline(analysis: Analysis, by: str = "source", period: str = "auto", max_groups: int = 6,
                   unit_mask: np.ndarray | None = None) -> FrameTimeline:
    """Per group (an outlet, a rating, ...) and period: the share of its units with each dominant frame.

    `by` is a document column (source, bias, ...) or "all" (one group: every
    article). Shares of one group and period add up to 1 over the frames and
    "none", and `units` says how many units they rest on, so a share of 1.0
    from one passage reads as what it is. Only the `max_groups` groups with
    the most units are kept. `period` is day, week, month, quarter, year or
    auto: the finest period whose bars mostly rest on MIN_UNITS_PER_BAR units
    or more. `unit_mask` limits the units counted.
    """
    if period != "auto" and period not in PERIOD_CODES:
        raise SpecError(f"period must be auto, {', '.join(PERIOD_CODES)}, got {period!r}")
    docs = analysis.documents
    if by != "all" and by not in docs.columns:
        raise SpecError(f"no document column {by!r}")
    units = analysis.units if unit_mask is None else analysis.units[unit_mask]
    date_of = dict(zip(docs["id"], docs["date"]))
    group_of = (dict.fromkeys(docs["id"], "all articles") if by == "all"
                else dict(zip(docs["id"], docs[by].astype(object).where(docs[by].notna(), "unknown").astype(str))))
    table = pd.DataFrame({"group": units["doc_id"].map(group_of), "date": units["doc_id"].map(date_of),
                          "frame": units["frame"].astype(str)})
    dated = table[table["date"].notna()]
    undated = int(len(table) - len(dated))
    columns = ["group", "date", "frame", "units", "share"]
    if dated.empty:
        return FrameTimeline(pd.DataFrame(columns=columns), "day", [], 0, undated)
    sizes = dated["group"].value_counts()
    ranked = sorted(sizes.index, key=lambda g: (-sizes[g], g))
    kept = ranked[:max_groups]
    dated = dated[dated["group"].isin(kept)]
    when = pd.to_datetime(dated["date"])
    chosen = period
    if period == "auto":
        for chosen in PERIOD_CODES:
            bars = pd.DataFrame({"g": dated["group"], "p": when.dt.to_period(PERIOD_CODES[chosen])}).value_counts()
            if bars.median() >= MIN_UNITS_PER_BAR:
                break
    bucket = when.dt.to_period(PERIOD_CODES[chosen]).dt.start_time
    counts = (pd.DataFrame({"group": dated["group"], "date": bucket, "frame": dated["frame"]})
              .groupby(["group", "date", "frame"]).size().rename("units").reset_index())
    totals = counts.groupby(["group", "date"])["units"].transform("sum")
    order = {name: i for i, name in enumerate([*analysis.frame_names, frames_mod.NO_FRAME])}
    counts = counts.assign(share=counts["units"] / totals, _g=counts["group"].map(kept.index),
                           _f=counts["frame"].map(order))
    counts = counts.sort_values(["_g", "date", "_f"], kind="stable").drop(columns=["_g", "_f"]).reset_index(drop=True)
    return FrameTimeline(counts[columns], chosen, kept, len(ranked) - len(kept), undated)


# ---------------------------------------------------------------- clusters


MAP_GRID = 400  # the map is cut into this many cells a side; units in one cell are drawn as one point


def map_stacks(analysis: Analysis, grid: int = MAP_GRID) -> pd.DataFrame:
    """Units that sit on one spot of the map, so the map can draw each spot once, sized by how many are there.

    Copies and near-copies get the same layout position, and on a large
    corpus many units fall within a pixel of each other: drawn one over
    the other they look like one. Per unit: `spot` (the first unit of its
    spot, in unit order: the one drawn, whose article a click opens),
    `stacked` (units at that spot) and `clusters` (distinct clusters there,
    so a spot mixing clusters can say so). A spot is a cell of a `grid` x
    `grid` grid over the layout's extent.
    """
    units = analysis.units
    if units.empty:
        return pd.DataFrame(columns=["spot", "stacked", "clusters"])
    xy = units[["x", "y"]].to_numpy(dtype=float)
    low, span = xy.min(axis=0), np.ptp(xy, axis=0)
    cells = np.floor((xy - low) / np.where(span > 0, span, 1.0) * (grid - 1) + 0.5).astype(np.int64)
    order = pd.DataFrame({"key": cells[:, 0] * grid + cells[:, 1], "unit": np.arange(len(units)), "cluster": units["cluster"].to_numpy()})
    grouped = order.groupby("key")
    spot = grouped["unit"].transform("min").to_numpy()
    stacked = grouped["unit"].transform("size").to_numpy()
    clusters = grouped["cluster"].transform("nunique").to_numpy()
    return pd.DataFrame({"spot": spot, "stacked": stacked, "clusters": clusters}, index=units.index)


def cluster_table(analysis: Analysis) -> pd.DataFrame:
    """One row per cluster, as on its card: label, frame, size, the frame test, distinctive terms, outlets, stories.

    "tested frame" is the frame that earned the name or, when none did, the
    closest candidate; its share of the cluster's units, its share of the
    corpus, lift and one-sided Fisher p (frame_lift). "stories", "largest
    story share" and "largest story" are cluster_reach's: how many stories
    the cluster draws from and how much of it is its largest one.
    """
    reach = cluster_reach(analysis).set_index("cluster")
    columns = ["cluster", "label", "frame", "size", "tested frame", "share", "corpus share", "lift", "p",
               "top terms", "sources", "stories", "largest story share", "largest story"]
    return pd.DataFrame([{
        "cluster": c.id, "label": c.label, "frame": c.frame, "size": c.size,
        "tested frame": c.frame_test.get("frame"), "share": c.frame_test.get("share"),
        "corpus share": c.frame_test.get("corpus_share"), "lift": c.frame_test.get("lift"), "p": c.frame_test.get("p"),
        "top terms": ", ".join(c.top_terms), "sources": "; ".join(f"{s}: {n}" for s, n in c.sources.items()),
        "stories": int(reach.at[c.id, "stories"]), "largest story share": reach.at[c.id, "largest_story_share"],
        "largest story": reach.at[c.id, "largest_story_label"],
    } for c in analysis.clusters], columns=columns)


def cluster_frame_note(analysis: Analysis, cluster_id: int) -> str:
    """One sentence for a cluster card: which frame named it and on what evidence, or why none did."""
    info = next((c for c in analysis.clusters if c.id == cluster_id), None)
    if info is None:
        raise ValueError(f"no cluster {cluster_id}")
    t = info.frame_test
    if not t:
        return "No frame was tested: the lexicon has no frames."
    label = frame_label(analysis, t["frame"])
    lift = "n/a" if t["lift"] is None else f"{t['lift']:.2f}"
    evidence = (f"{t['units']:,} of its {t['group_units']:,} {analysis.unit}s (copies not counted) carry {label} "
                f"({t['share']:.0%}), "
                f"against {t['corpus_share']:.0%} of the corpus: lift {lift}, p = {t['p']:.2g}")
    rule = (f"a name needs at least {frame_lift.EARNED_MIN_SHARE:.0%} of its {analysis.unit}s, "
            f"lift >= {frame_lift.EARNED_MIN_LIFT} and p < {t['alpha']:.2g}")
    if t["earned"]:
        return f"Named after {label}: {evidence} ({rule})."
    return f"No frame earns this cluster a name, so its key terms name it. Closest: {evidence} ({rule})."


ONE_STORY_SHARE = 0.5  # a cluster with at least this share of its units from one story is mostly that story


def cluster_reach(analysis: Analysis) -> pd.DataFrame:
    """Which stories and outlets each cluster draws from: is it a way of telling, or one story?

    One row per cluster: stories and outlets (how many its units come from),
    largest_story (id), largest_story_label, largest_story_share (the share of
    the cluster's units from that story) and mostly_one_story (that share is
    at least ONE_STORY_SHARE while the analysis has more than one story: the
    cluster is that story rather than a way stories are told).
    """
    labels = {s.id: s.label for s in analysis.stories}
    rows = []
    for c in analysis.clusters:
        top, units = next(iter(c.stories.items()), (None, 0))
        share = round(units / c.size, 4) if c.size else 0.0
        rows.append({
            "cluster": c.id, "stories": len(c.stories), "outlets": len(c.sources), "largest_story": top,
            "largest_story_label": labels.get(top, ""), "largest_story_share": share,
            "mostly_one_story": len(analysis.stories) > 1 and share >= ONE_STORY_SHARE,
        })
    return pd.DataFrame(rows, columns=["cluster", "stories", "outlets", "largest_story", "largest_story_label",
                                       "largest_story_share", "mostly_one_story"])


def representative_units(analysis: Analysis, cluster_id: int, n: int = 3) -> pd.DataFrame:
    """The units closest to a cluster's centre, closest first, with their outlet."""
    info = next((c for c in analysis.clusters if c.id == cluster_id), None)
    if info is None:
        raise ValueError(f"no cluster {cluster_id}")
    rows = analysis.units.iloc[info.representatives[:n]]
    source_of = dict(zip(analysis.documents["id"], analysis.documents["source"]))
    return pd.DataFrame({"unit": rows["unit"], "doc_id": rows["doc_id"], "source": rows["doc_id"].map(source_of),
                         "text": rows["text"]}).reset_index(drop=True)


# ---------------------------------------------------------------- copies


COPY_COLUMNS = ["group", "role", "source", "date", "title", "originality", "url", "id", "original"]


def copy_table(analysis: Analysis) -> pd.DataFrame:
    """Every duplicate group, one row per article: its original first, then its copies.

    The original is the group's earliest-dated article (the first in the
    corpus when dates tie or are missing), which is what a reader means by
    "who published it first"; the analysis itself keeps the first in the
    corpus. role: "original" or "copy"; originality: the share of the
    article's text found in no other article; url: only web addresses (see
    link_url); original: the id of the group's original, so every copy row
    names the pair to put side by side. Groups keep the numbers of the
    articles table's "duplicate group" column, in that order.
    """
    docs = analysis.documents.set_index("id", drop=False)
    rows = []
    for number, members in enumerate(analysis.duplicate_groups, start=1):
        dates = [None if pd.isna(docs.at[d, "date"]) else str(docs.at[d, "date"]) for d in members]
        order = sorted(range(len(members)), key=lambda i: (dates[i] is None, dates[i] or "", i))
        original = members[order[0]]
        for rank, i in enumerate(order):
            d = members[i]
            rows.append({
                "group": number, "role": "original" if rank == 0 else "copy",
                "source": str(docs.at[d, "source"]), "date": dates[i] or "",
                "title": str(docs.at[d, "title"]), "originality": float(docs.at[d, "originality"]),
                "url": link_url(docs.at[d, "url"]), "id": d, "original": original,
            })
    return pd.DataFrame(rows, columns=COPY_COLUMNS).astype({"group": "int64", "originality": "float64"})


# ---------------------------------------------------------------- name variants


def alias_table(analysis: Analysis) -> pd.DataFrame:
    """Every name merge in effect, where it came from and, for detected ones, why.

    The reasons are the ones recorded when the analysis detected the merges,
    so they describe exactly the merges that were applied.
    """
    user_variants = {v.strip().lower() for v, _ in analysis.settings.aliases}
    detected = {m.variant: m for m in analysis.alias_merges}
    rows = []
    for variant, canonical in analysis.aliases.items():
        merge = detected.get(variant) if variant not in user_variants else None
        rows.append({
            "variant": variant, "canonical": canonical, "from": "detected" if merge else "your table",
            "why": merge.reason if merge else "",
            "variant count": merge.variant_count if merge else None,
            "canonical count": merge.canonical_count if merge else None,
        })
    columns = ["variant", "canonical", "from", "why", "variant count", "canonical count"]
    return pd.DataFrame(rows, columns=columns).astype({"variant count": "Int64", "canonical count": "Int64"})


# ---------------------------------------------------------------- key terms


@dataclass(frozen=True)
class TermComparison:
    """What the Key terms page shows of one comparison, without the whole table.

    "A vs the rest" over a large corpus compares about a million terms; a
    page shows a few thousand of them, and keeping whole tables for every
    comparison a session has made is what fills a server's memory.
    """

    shown: pd.DataFrame  # keyterms.KEYTERM_COLUMNS rows in the key-terms order (most A-ish first)
    n_terms: int  # terms compared in all
    n_significant: tuple[int, int]  # significant terms favouring A, favouring B
    notice: str | None  # why no term is distinctive (queries.why_no_term_is_distinctive), or None
    # per side, terms naming an outlet that mostly come from it (keyterms.mark_outlet_names): not ranked
    outlets_left_out: dict[str, list[str]] = field(default_factory=lambda: {"a": [], "b": []})


def term_comparison(analysis: Analysis, spec_a: str, spec_b: str, per_side: int = 100,
                    frequent: int = 2_500) -> TermComparison:
    """The `per_side` most distinctive terms of each side and the `frequent` most used ones (for the scatter).

    The notice is decided on the whole table; it reads the same from `shown`
    (the most extreme terms and the most used ones are in it), so the
    evidence pack and the page say the same.
    """
    terms = queries.key_terms(analysis, spec_a, spec_b)
    notice = queries.why_no_term_is_distinctive(analysis, spec_a, spec_b, terms)
    keep = np.zeros(len(terms), dtype=bool)
    z = terms["z"].to_numpy()
    ranked = ~terms["names_outlet"].to_numpy(dtype=bool)  # outlets naming themselves are not top terms
    a_rows, b_rows = np.flatnonzero((z > 0) & ranked), np.flatnonzero((z < 0) & ranked)
    keep[a_rows[:per_side]] = True
    keep[b_rows[::-1][:per_side]] = True
    total = (terms["count_a"] + terms["count_b"]).to_numpy()
    keep[np.argsort(-total, kind="stable")[:frequent]] = True
    significant = terms["significant"].to_numpy()
    return TermComparison(terms[keep].reset_index(drop=True), len(terms),
                          (int(significant[a_rows].sum()), int(significant[b_rows].sum())), notice,
                          keyterms.outlet_names_left_out(terms))


@dataclass(frozen=True)
class TermScatter:
    """The key-term scatter: rates in B (x) against rates in A (y), per 1,000 words, on log axes.

    points: terms that share their counts are one point (no jitter): x, y,
        n (terms there), terms (their names, most distinctive first), term
        (the most distinctive: what a click on the point chooses), z (that
        term's), count_a, count_b.
    labels: the terms drawn with their names: term, side ("a"/"b"), rank,
        x, y, z, count_a, count_b and the label's box in plot pixels (left,
        right, bottom, top), no two of which overlap.
    unlabelled: the top terms whose label would have covered another, most
        distinctive first (listed beside the chart instead).
    floor: where a zero rate sits (below every positive rate); ticks: the
        powers of ten from the floor to the largest rate; span: the axes'
        range, the same on both so the diagonal (equal rates) runs corner to
        corner.
    """

    points: pd.DataFrame
    labels: pd.DataFrame
    unlabelled: list[str]
    floor: float
    ticks: list[float]
    span: tuple[float, float]


LABEL_FONT_PX = 11.0  # the scatter's label size; a character is about 0.6 of it wide
LABEL_GAP_PX = 4.0  # between a label's box and its point, and between boxes


def _label_box(px: float, py: float, text: str) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) in pixels of a label drawn centred above its point."""
    half = len(text) * LABEL_FONT_PX * 0.6 / 2 + LABEL_GAP_PX / 2
    bottom = py + LABEL_GAP_PX
    return px - half, px + half, bottom, bottom + LABEL_FONT_PX + LABEL_GAP_PX


def term_scatter(shown: pd.DataFrame, per_side: int = 8, width_px: float = 900.0,
                 height_px: float = 480.0) -> TermScatter:
    """The scatter of `shown` (a TermComparison's rows) with up to `per_side` labels per side that never overlap.

    Candidates are the `per_side` most distinctive terms of each side, taken
    in turn by rank (A's first, B's first, A's second, ...); a label is drawn
    when its box, in a plot of `width_px` by `height_px`, clears every label
    already placed. Only terms with a significant z are labelled: a label
    says "this term sets the group apart".
    """
    rate_a, rate_b = shown["rate_a"].to_numpy(dtype=float), shown["rate_b"].to_numpy(dtype=float)
    positive = np.concatenate([rate_a[rate_a > 0], rate_b[rate_b > 0]])
    smallest = float(positive.min()) if len(positive) else 1.0
    floor = 10 ** (np.floor(np.log10(smallest)) - 0.5)  # half a decade below the smallest rate's decade
    top = float(positive.max()) if len(positive) else 10.0
    span = (floor / 1.6, top * 1.6)
    ticks = [10.0 ** k for k in range(int(np.ceil(np.log10(floor))), int(np.floor(np.log10(span[1]))) + 1)]
    x, y = np.where(rate_b > 0, rate_b, floor), np.where(rate_a > 0, rate_a, floor)
    lo, hi = np.log10(span[0]), np.log10(span[1])

    def pixels(vx: float, vy: float) -> tuple[float, float]:
        return ((np.log10(vx) - lo) / (hi - lo) * width_px, (np.log10(vy) - lo) / (hi - lo) * height_px)

    table = shown.assign(x=x, y=y)
    ranked = {side: keyterms.top_terms(table, per_side, side) for side in ("a", "b")}
    ranked = {side: rows[rows["significant"]] for side, rows in ranked.items()}
    placed: list[dict] = []
    unlabelled: list[str] = []
    for rank in range(per_side):
        for side in ("a", "b"):
            if rank >= len(ranked[side]):
                continue
            row = ranked[side].iloc[rank]
            box = _label_box(*pixels(row["x"], row["y"]), str(row["term"]))
            clear = all(box[1] + LABEL_GAP_PX <= p["left"] or p["right"] + LABEL_GAP_PX <= box[0]
                        or box[3] <= p["bottom"] or p["top"] <= box[2] for p in placed)
            if clear:
                placed.append({"term": row["term"], "side": side, "rank": rank + 1, "x": row["x"], "y": row["y"],
                               "z": row["z"], "count_a": row["count_a"], "count_b": row["count_b"],
                               "left": box[0], "right": box[1], "bottom": box[2], "top": box[3]})
            else:
                unlabelled.append(str(row["term"]))
    labels = pd.DataFrame(placed, columns=["term", "side", "rank", "x", "y", "z", "count_a", "count_b", "left",
                                           "right", "bottom", "top"])
    rest = table[~table["term"].isin(set(labels["term"]))]
    rest = rest.assign(strength=rest["z"].abs()).sort_values("strength", ascending=False, kind="stable")
    points = (rest.groupby(["count_a", "count_b"], sort=False)
              .agg(x=("x", "first"), y=("y", "first"), n=("term", "size"), terms=("term", list),
                   term=("term", "first"), z=("z", "first"))
              .reset_index())
    return TermScatter(points[["x", "y", "n", "terms", "term", "z", "count_a", "count_b"]], labels, unlabelled,
                       float(floor), ticks, span)


# ---------------------------------------------------------------- side by side


SIDE_BY_SIDE_COLUMNS = ["a_sentence", "b_sentence", "a_number", "b_number", "score", "kind", "label", "match",
                        "only_a", "only_b"]


def side_by_side_rows(al: Alignment) -> pd.DataFrame:
    """The aligned rows in display order: both articles read top to bottom.

    A's sentences in order; a matched B sentence sits beside its A sentence,
    and B sentences no A sentence points at are placed before the next match
    that follows them. kind: "match" (label: what kind of match and its
    score, "copy 0.97", "same fact 0.45" or "related statement 0.31"), "unique" (label "only A" /
    "only B") or "echo" (a B sentence whose best A sentence prefers another
    partner; label "≈ A<n>"). Numbers are 1-based sentence positions. For a
    matched pair, match is "copy", "same fact" or "related statement" and only_a / only_b the
    content words one sentence has and the other lacks, joined by ", ".
    """
    rows: list[tuple] = []
    a_target = {i: j for i, (j, _score) in enumerate(al.a_best) if j is not None}
    targets = set(a_target.values())
    unique_b = set(al.unique_b)

    def differences(a: int, b: int) -> tuple:
        found = al.match(a, b)
        return (None, None, None) if found is None else (found.kind, ", ".join(found.only_a), ", ".join(found.only_b))

    def b_only(b: int) -> tuple:
        if b in unique_b:
            return (None, al.b_sentences[b], None, b + 1, None, "unique", "only B", None, None, None)
        a, score = al.b_best[b]
        return (None, al.b_sentences[b], None, b + 1, score, "echo", f"≈ A{a + 1}", *differences(a, b))

    next_b = 0
    shown: set[int] = set()
    for i, sentence in enumerate(al.a_sentences):
        j = a_target.get(i)
        if j is None:
            rows.append((sentence, None, i + 1, None, None, "unique", "only A", None, None, None))
            continue
        if j in shown:  # its B sentence already sits beside an earlier A sentence: shown once, pointed at here
            score = al.a_best[i][1]
            rows.append((sentence, None, i + 1, None, score, "echo", f"≈ B{j + 1}", *differences(i, j)))
            continue
        shown.add(j)
        rows.extend(b_only(b) for b in range(next_b, j) if b not in targets)
        score = al.a_best[i][1]
        kind, only_a, only_b = differences(i, j)
        rows.append((sentence, al.b_sentences[j], i + 1, j + 1, score, "match", f"{kind} {score:.2f}", kind, only_a,
                     only_b))
        next_b = max(next_b, j + 1)
    rows.extend(b_only(b) for b in range(next_b, len(al.b_sentences)) if b not in targets)
    table = pd.DataFrame(rows, columns=SIDE_BY_SIDE_COLUMNS, dtype=object)  # object: a missing side stays None
    return table.astype({"a_number": "Int64", "b_number": "Int64", "score": "Float64"})


def side_by_side_marks(analysis: Analysis, al: Alignment, per_side: int = 15) -> dict[str, str]:
    """Terms to highlight in the two articles: term -> "frame", "a" or "b".

    "frame": a lexicon match in either article (matched with the analysis'
    lexicon, aliases and stop words); "a"/"b": the pair's `per_side` most
    distinctive terms of each side, which take precedence.
    """
    evidence = frames_mod.frame_evidence(
        "", analysis.frames, analysis.aliases, al.a_sentences + al.b_sentences, analysis.stop_words
    )
    marks = {str(m): "frame" for m in evidence["matched"].unique()}
    for side in ("a", "b"):
        for term in keyterms.top_terms(al.distinctive, per_side, side)["term"]:
            marks[str(term)] = side
    return marks
