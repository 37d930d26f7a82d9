"""Questions asked of a finished Analysis: the same answers for CLI and pages.

Groups are named by group specs (`cluster:2`, `bias:left`, `doc:ID,ID`,
`rest`, ...): see dashboard.groups.
"""

from __future__ import annotations

import json
import math
import threading
import weakref
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import frame_suggestions, keyterms, tokens
from .alignment import DEFAULT_THRESHOLD, SAME_STORY_FACTOR, Alignment, WordRarity, align_sentences
from .cleaning import clean_article
from .errors import SpecError
from .frame_model import top_learned_weights
from .groups import GroupSpec
from .models import Analysis
from .stories import STORY_COLUMNS


def _spec(spec: str | GroupSpec) -> GroupSpec:
    return spec if isinstance(spec, GroupSpec) else GroupSpec.parse(spec)


def select_units(analysis: Analysis, spec: str | GroupSpec, other: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask over units for a group spec; `rest` needs the other group's mask."""
    return _spec(spec).unit_mask(analysis, other)


def group_masks(analysis: Analysis, spec_a: str | GroupSpec, spec_b: str | GroupSpec) -> tuple[np.ndarray, np.ndarray]:
    """Masks of A and B with syndicated copies left out (unless a doc: spec names them).

    A copy would count its outlet's words twice; naming an article by id is
    asking for it, copy or not.
    """
    spec_a, spec_b = _spec(spec_a), _spec(spec_b)
    a = spec_a.unit_mask(analysis)
    b = spec_b.unit_mask(analysis, other=a)
    named_units = {"A": a.any(), "B": b.any()}
    if analysis.settings.collapse_duplicates:
        fit = analysis.units["in_fit"].to_numpy()
        if spec_a.kind != "doc":
            a = a & fit
        if spec_b.kind != "doc":
            b = b & fit
    for name, spec, mask in (("A", spec_a, a), ("B", spec_b, b)):
        if not mask.any():
            why = ("holds only syndicated copies, which are left out; name them with doc:ID to include them"
                   if named_units[name] else "has no units")
            raise SpecError(f"group {name} ({spec.describe(analysis)}) {why}")
    return a, b


def why_no_term_is_distinctive(analysis: Analysis, spec_a: str, spec_b: str, terms: pd.DataFrame) -> str | None:
    """Why the key terms of A against B show nothing, in plain words; None when some term is significant.

    Three reasons differ for the reader: the groups are too small for any
    term to reach the minimum count, they use the same words at the same
    rates (copies of one text), or they differ by less than chance allows
    for groups of their size.
    """
    if not terms.empty and terms["significant"].any():
        return None
    a, b = group_masks(analysis, spec_a, spec_b)
    n_tokens = np.asarray(analysis.vectors.n_tokens)
    size = f"group A has {int(n_tokens[a].sum()):,} words and group B {int(n_tokens[b].sum()):,}"
    if terms.empty:
        return (f"No term is distinctive: no word or phrase occurs {keyterms.MIN_TERM_COUNT} times in the two "
                f"groups together ({size}). Choose larger groups.")
    if not (terms["z"] != 0).any():
        return (f"No term is distinctive: the two groups use the same words equally often ({size}), "
                "as copies of one text do. Choose groups that differ.")
    return (f"No term is distinctive: the groups differ in some words, but by no more than chance gives "
            f"at this size ({size}; a term needs |z| ≥ 1.96). Larger groups give firmer evidence.")


def key_terms(analysis: Analysis, spec_a: str, spec_b: str) -> pd.DataFrame:
    """Fightin' Words between two groups over every n-gram they use; most distinctive for A first.

    `names_outlet` marks terms that name an outlet and mostly come from that
    outlet itself (keyterms.mark_outlet_names): top lists skip them.
    """
    a, b = group_masks(analysis, spec_a, spec_b)
    if np.array_equal(a, b):
        raise SpecError("groups A and B are the same units; choose two different groups")
    compare_specs = getattr(analysis.term_counter, "compare_specs", None)
    if compare_specs is not None:  # a Spark result folder: the groups' counts are read from its tables
        return compare_specs(analysis, _spec(spec_a), _spec(spec_b), a, b)
    terms = keyterms.compare_groups(analysis.term_counter, a, b)
    source_of = dict(zip(analysis.documents["id"], analysis.documents["source"]))
    unit_sources = analysis.units["doc_id"].map(source_of).to_numpy(dtype=object)
    return keyterms.mark_outlet_names(analysis.term_counter, terms, a, b, unit_sources)


def keyword_in_context(analysis: Analysis, term: str, mask: np.ndarray | None = None, limit: int = 200) -> pd.DataFrame:
    """Occurrences of a term in the units (all, or those in mask), seen as the analysis tokenised them."""
    words = tokens.tokenize(term, analysis.aliases, analysis.stop_words)
    if not words:
        raise SpecError(f"{term!r} has no content words: this analysis drops stop words, numbers and punctuation")
    if len(words) > analysis.ngram_max:
        raise SpecError(
            f"{term!r} has {len(words)} content words, but this analysis counts phrases "
            f"of at most {analysis.ngram_max} (Settings: longest phrase counted)"
        )
    units = analysis.units if mask is None else analysis.units[mask]
    docs = analysis.documents.set_index("id")
    labels = [
        {"doc_id": d, "source": docs.at[d, "source"], "title": docs.at[d, "title"], "unit": int(u)}
        for d, u in zip(units["doc_id"], units["unit"])
    ]
    return keyterms.kwic(
        list(units["text"]), term, labels=labels, limit=limit, aliases=analysis.aliases,
        stop_words=analysis.stop_words,
    )


def article_sentences(analysis: Analysis, doc_id: str) -> list[str]:
    articles = analysis.corpus.by_id() if analysis.corpus else {}
    if doc_id not in articles:
        raise SpecError(f"unknown article id {doc_id!r}")
    outlet_lines = [r.text for r in analysis.removed.get(doc_id, ()) if r.kind == "outlet boilerplate"]
    cleaned = clean_article(articles[doc_id], outlet_lines=outlet_lines)
    return [s for p in cleaned.passages for s in p.sentences]


_RARITY: "weakref.WeakKeyDictionary[object, WordRarity]" = weakref.WeakKeyDictionary()
_RARITY_LOCK = threading.Lock()


def word_rarity(analysis: Analysis) -> WordRarity:
    """Document frequencies of the analysis' words over its units (syndicated copies counted once).

    Counted once per analysis from the token table key terms already keep,
    and kept while the analysis lives, so aligning many pairs pays for it once.
    """
    counter = analysis.term_counter
    if counter is None:
        return WordRarity.none()
    with _RARITY_LOCK:
        rarity = _RARITY.get(counter)
        if rarity is None:
            rarity = _RARITY[counter] = WordRarity.from_tokens(counter.table, counter.background_rows)
    return rarity


def share_a_story(analysis: Analysis, a_id: str, b_id: str) -> bool:
    """Whether two articles share a story: the analysis' `story` column, else the corpus's `event_id` or `event`.

    The first of those columns in which both articles have a value decides.
    """
    docs = analysis.documents.set_index("id")
    for name in ("story", *[c for c in STORY_COLUMNS if c != "story"]):
        if name in docs.columns:
            a, b = docs.at[a_id, name], docs.at[b_id, name]
            if not (pd.isna(a) or pd.isna(b) or str(a).strip() == "" or str(b).strip() == ""):
                return str(a).strip() == str(b).strip()
    return False


def pair_stop_words(analysis: Analysis, a_id: str, b_id: str) -> frozenset[str]:
    """The stop words two articles are read with side by side: both articles' own (one set unless languages differ)."""
    return analysis.stop_words_of(a_id) | analysis.stop_words_of(b_id)


def align(
    analysis: Analysis, a_id: str, b_id: str, same_story: bool | None = None,
    threshold: float = DEFAULT_THRESHOLD, same_story_factor: float = SAME_STORY_FACTOR,
) -> Alignment:
    """Two articles sentence by sentence, weighing words by their rarity in the analysis' corpus.

    same_story: whether the two share a story (lowers the threshold a
    same-fact match needs); None asks the analysis (see share_a_story).
    """
    if a_id == b_id:
        raise SpecError("choose two different articles to compare")
    a_sentences, b_sentences = article_sentences(analysis, a_id), article_sentences(analysis, b_id)
    if same_story is None:
        same_story = share_a_story(analysis, a_id, b_id)
    return align_sentences(
        a_sentences,
        b_sentences,
        threshold=threshold,
        same_story=same_story,
        rarity=word_rarity(analysis),
        aliases=analysis.aliases,
        stop_words=pair_stop_words(analysis, a_id, b_id),
        ngram_max=analysis.ngram_max,
        same_story_factor=same_story_factor,
    )


DECIMALS = 4  # numbers in the JSON are rounded to this many decimals


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN and pandas NA become null, numpy types become Python."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) else round(f, DECIMALS)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _rounded(values: np.ndarray) -> list:
    """[round(v, 4) for v in values] with NaN as None, the same floats, computed in bulk.

    Scaling by 10**4 and rounding to an integer in numpy gives Python's
    round except where the scaled value lies within a rounding error of a
    half: 0.63705 * 10**4 is 6370.5 in floating point, which rounds to the
    even 6370, but the float 0.63705 lies a little above 0.63705 and
    round(0.63705, 4) is 0.6371. Those values, the very large ones and NaN
    are rounded by Python one by one.
    """
    values = np.asarray(values, dtype=np.float64)
    scale = 10.0 ** DECIMALS
    with np.errstate(over="ignore", invalid="ignore"):  # infinities and NaN: those go one by one below
        scaled = values * scale
        rounded = (np.rint(scaled) / scale).tolist()
        # Below 2**31 the product's rounding error is under 2**-22, so "more than 1e-6 from a half" is sure.
        clear = (np.abs(scaled) < 2.0 ** 31) & (np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) > 1e-6)
    for i in np.flatnonzero(~clear).tolist():
        value = float(values[i])
        rounded[i] = None if math.isnan(value) else round(value, DECIMALS)
    return rounded


def _clean_column(values: pd.Series) -> list:
    """[_clean(v) for v in values], a column at a time: numbers convert in bulk, the same values result."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"  # nullable and Arrow types: one by one
    if kind in "iub":
        return values.to_numpy().tolist()
    if kind == "f":
        return _rounded(values.to_numpy())
    return [_clean(v) for v in values.tolist()]


PROFILE_KINDS = ("cluster", "frame")


def framing_profiles(analysis: Analysis, by: str = "cluster", doc_ids: list[str] | None = None) -> pd.DataFrame:
    """Each article's framing profile: the share of its units in each cluster, or with each dominant frame.

    Rows are articles (all, or `doc_ids` in that order), columns clusters or
    frame names (with "none": units without a clear frame); a row adds up
    to 1. By frame, it counts units by their dominant frame, the same rule
    that labels units, articles and clusters, so a profile never credits a
    frame for a stray word. With articles as the unit a profile is its one
    unit: all of it in one cluster and one frame. This is `profile` in the
    analyze JSON and "Profile by" on the Framing clusters page.
    """
    if by not in PROFILE_KINDS:
        raise ValueError(f"profile by {by!r}: choose one of {', '.join(PROFILE_KINDS)}")
    counts = analysis.units.groupby(["doc_id", by]).size().unstack(fill_value=0)  # pd.crosstab's table, 10x faster
    table = counts.div(counts.sum(axis=1), axis=0)
    return table.reindex(analysis.documents["id"] if doc_ids is None else doc_ids).fillna(0.0)


LEARNED_WORDS = 8  # learned words listed per unit and frame


def frame_evidence_by_unit(analysis: Analysis, rows: Sequence[int] | None = None,
                           n_learned: int = LEARNED_WORDS) -> list[dict[str, dict]]:
    """Why each unit carries its frames: per carried frame, its lexicon hits and its learned words.

    One dict per unit (all units, or `rows`): frame name -> {"lexicon": {term
    as written: occurrences}, "learned": {term: coefficient x TF-IDF}}, for
    the frames the unit carries (`frames` column), its dominant frame first. The
    learned words are the `n_learned` that moved the frame's context score
    most (frame_model.top_learned_weights); a frame scored by its lexicon alone has
    none. This is `evidence` in the analyze JSON and "Why these frames" on
    the Framing clusters page.
    """
    rows = np.arange(len(analysis.units)) if rows is None else np.asarray(rows, dtype=np.int64)
    carried = analysis.units["frames"].to_numpy()[rows]
    out: list[dict[str, dict]] = [{f: {"lexicon": {}, "learned": {}} for f in frames} for frames in carried]
    if analysis.lexicon_term_hits is not None:
        _add_lexicon_evidence(out, carried, sp.csr_matrix(analysis.lexicon_term_hits)[rows], analysis.lexicon_terms)
    model = analysis.frame_model
    if model is not None:
        model_tfidf = sp.csr_matrix(analysis.vectors.tfidf[rows][:, model.columns])  # selected once for all frames
        terms = [str(t) for t in analysis.vectors.terms[model.columns].tolist()]  # one str per term, shared by units
        for j, frame in enumerate(model.names):
            having = np.array([i for i, frames in enumerate(carried) if frame in frames], dtype=np.int64)
            row, column, weight = top_learned_weights(model, model_tfidf, j, having, n_learned)
            words, weights = [terms[c] for c in column.tolist()], _rounded(weight)
            starts = np.flatnonzero(np.diff(row, prepend=-1))  # where each unit's words begin: rows come in order
            ends = np.append(starts[1:], len(row))
            for i, start, end in zip(having[row[starts]].tolist(), starts.tolist(), ends.tolist()):
                out[i][frame]["learned"] = dict(zip(words[start:end], weights[start:end]))
    return out


def _add_lexicon_evidence(out: list[dict[str, dict]], carried: np.ndarray, hits: sp.csr_matrix,
                          entries: list[tuple[str, str]]) -> None:
    """Put each unit's lexicon entry counts (`hits`: units x entries) under the frames it carries, in entry order.

    Only the hits of carried frames are looked at one by one: the rest are
    dropped in bulk by a units x frames table of what each unit carries.
    """
    frame_number = {frame: k for k, frame in enumerate(dict.fromkeys(frame for frame, _ in entries))}
    carries = np.zeros((len(out), len(frame_number)), dtype=bool)
    for i, frames in enumerate(carried):
        carries[i, [frame_number[f] for f in frames if f in frame_number]] = True
    entry_frame = np.array([frame_number[frame] for frame, _ in entries], dtype=np.int64)
    unit = np.repeat(np.arange(hits.shape[0]), np.diff(hits.indptr))
    wanted = carries[unit, entry_frame[hits.indices]] if len(entries) else np.zeros(hits.nnz, dtype=bool)
    for i, entry, count in zip(unit[wanted].tolist(), hits.indices[wanted].tolist(),
                               hits.data[wanted].astype(np.int64).tolist()):
        frame, term = entries[entry]
        out[i][frame]["lexicon"][term] = count


ROW_BLOCK = 2_000  # documents or units turned into JSON rows at a time: what writing the JSON holds at once


def _document_rows(analysis: Analysis) -> Iterator[dict]:
    """The `documents` of the analyze JSON, one dict per article, made a block at a time."""
    docs = analysis.documents
    frame_cols = [f"frame:{n}" for n in analysis.frame_names]  # one per frame of the lexicon in use, hit or not
    doc_cols = ["id", "source", "title", "date", "url", "language", "length", "duplicate_of", "dup_group", "originality", "cluster",
                "frame", "story", *frame_cols]
    profiles = None
    if analysis.unit == "passage":  # rows in the order of analysis.documents, as framing_profiles gives them
        profiles = [([str(c) for c in table.columns], table.to_numpy(dtype=np.float64))
                    for table in (framing_profiles(analysis, "cluster"), framing_profiles(analysis, "frame"))]
    for start in range(0, len(docs), ROW_BLOCK):
        block = docs.iloc[start:start + ROW_BLOCK]
        columns = [_clean_column(block[c]) for c in doc_cols]
        for row, (values, carried) in enumerate(zip(zip(*columns), block["frames"]), start):
            doc = dict(zip(doc_cols, values))
            doc["frames"] = list(carried)
            if profiles is not None:
                (clusters, by_cluster), (frames, by_frame) = profiles
                doc["profile"] = {"clusters": _shares(clusters, by_cluster[row]), "frames": _shares(frames, by_frame[row])}
            yield doc


def _shares(names: list[str], shares: np.ndarray) -> dict[str, float]:
    """A framing profile's row as the JSON gives it: the names with a share above 0, rounded."""
    return {name: _clean(share) for name, share in zip(names, shares.tolist()) if share > 0}


def _unit_rows(analysis: Analysis) -> Iterator[dict]:
    """The `units` of the analyze JSON, one dict per unit with its frame evidence, made a block at a time."""
    names = list(analysis.frame_names)
    frame_cols = [f"frame:{n}" for n in names]
    for start in range(0, len(analysis.units), ROW_BLOCK):
        rows = np.arange(start, min(start + ROW_BLOCK, len(analysis.units)))
        block = analysis.units.iloc[start:start + ROW_BLOCK]
        scores = [_clean_column(block[c]) for c in frame_cols]
        for (doc_id, index, text, is_quote, copy_group, cluster, frame, carried, evidence, *frame_scores) in zip(
            block["doc_id"].tolist(), block["index"].tolist(), block["text"].tolist(), block["is_quote"].tolist(),
            block["copy_group"].tolist(), block["cluster"].tolist(), block["frame"].tolist(), block["frames"].tolist(),
            frame_evidence_by_unit(analysis, rows), *scores,
        ):
            yield {
                "doc_id": doc_id,
                "index": int(index),
                "text": text,
                "is_quote": bool(is_quote),
                "copy_group": int(copy_group) or None,
                "cluster": int(cluster),
                "frame": frame,
                **dict(zip(frame_cols, frame_scores)),
                "frame_scores": dict(zip(names, frame_scores)),
                "frames": list(carried),
                "evidence": evidence,
            }


ROWS, ITEMS = "rows", "items"  # a streamed section: a list made row by row, a dict made entry by entry


def _analysis_sections(analysis: Analysis) -> list[tuple[str, Any, str | None]]:
    """The analyze JSON's keys in order: (key, value, how it streams: ROWS or ITEMS iterators, or None)."""
    return [
        ("unit", analysis.unit, None),
        ("method", analysis.method, None),
        ("k", len(analysis.clusters), None),
        ("k_scores", {str(k): v for k, v in analysis.k_scores.items()}, None),
        ("documents", _document_rows(analysis), ROWS),
        ("units", _unit_rows(analysis), ROWS),
        ("clusters", [c.to_dict() for c in analysis.clusters], None),
        ("stories", [s.to_dict() for s in analysis.stories], None),
        ("story_column", analysis.story_column, None),
        ("duplicates", analysis.duplicate_groups, None),
        ("aliases", analysis.aliases, None),
        ("frames", analysis.frame_labels, None),
        ("lexicon", {
            "name": analysis.lexicon,
            "reason": analysis.lexicon_reason,
            "coverage": {name: _clean(share) for name, share in analysis.lexicon_coverage.items()},
        }, None),
        ("notices", analysis.notices, None),
        ("removed", ((d, [{"kind": r.kind, "text": r.text} for r in rs]) for d, rs in analysis.removed.items()), ITEMS),
    ]


def analysis_to_dict(analysis: Analysis) -> dict:
    """The `analyze` JSON as one object, for callers that want it whole (analysis_json writes it without)."""
    whole = {ROWS: list, ITEMS: dict, None: lambda value: value}
    return {key: whole[streams](value) for key, value, streams in _analysis_sections(analysis)}


def analysis_json(analysis: Analysis) -> Iterator[str]:
    """The `analyze` JSON as text, piece by piece: the CLI and the dashboard download write it as it comes.

    It parses to analysis_to_dict(analysis), but the whole document is never
    built: documents and units are made ROW_BLOCK at a time and each is
    written as soon as it is made, on a line of its own (one line per
    article, unit or article's removals also keeps the file easy to grep and
    split). The small sections are indented by one space, as
    `json.dumps(..., indent=1)` writes them.
    """
    indented = json.JSONEncoder(ensure_ascii=False, indent=1)
    compact = json.JSONEncoder(ensure_ascii=False)  # no indent: the C encoder, several times faster
    yield "{"
    for number, (key, value, streams) in enumerate(_analysis_sections(analysis)):
        yield ("\n " if number == 0 else ",\n ") + indented.encode(key) + ": "
        if streams is None:
            yield indented.encode(value).replace("\n", "\n ")  # JSON strings hold no raw line breaks
            continue
        opened = False
        for row in value:
            line = compact.encode(row) if streams == ROWS else compact.encode(row[0]) + ": " + compact.encode(row[1])
            yield ("[\n  " if streams == ROWS else "{\n  ") * (not opened) + ",\n  " * opened + line
            opened = True
        yield ("\n ]" if opened else "[]") if streams == ROWS else ("\n }" if opened else "{}")
    yield "\n}\n"


def suggestions_to_dict(analysis: Analysis, limit: int | None = None) -> dict:
    """The `suggest` JSON: the lexicon in use and the frames the corpus suggests (frame_suggestions).

    `suggestions` is empty when there are none, and `reason` then says why.
    Each suggestion carries the TOML section it would be added with; the
    Settings page shows the same suggestions.
    """
    found = frame_suggestions.suggest_frames(analysis, limit)
    return {
        "lexicon": analysis.lexicon,
        "suggestions": [s.to_dict() for s in found],
        "reason": None if found else frame_suggestions.no_suggestion_reason(analysis),
    }


def terms_to_records(df: pd.DataFrame, limit: int | None = None) -> list[dict]:
    rows = df if limit is None else df.head(limit)
    return [{k: _clean(v) for k, v in rec.items()} for rec in rows.to_dict("records")]


def document_similarity(analysis: Analysis, doc_ids: list[str]) -> pd.DataFrame:
    """Cosine similarity of articles' mean unit TF-IDF vectors, ids on both axes.

    Averaging the units first lets an article of many passages and an article
    analysed whole be compared the same way. Costs one sparse product, so the
    caller chooses how many articles are worth a picture.
    """
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    known = set(analysis.documents["id"])
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        raise SpecError(f"unknown article id(s): {', '.join(unknown)}")
    pos = {d: i for i, d in enumerate(doc_ids)}
    unit_doc = analysis.units["doc_id"].to_numpy()
    rows = np.flatnonzero(analysis.units["doc_id"].isin(pos).to_numpy())
    groups = np.fromiter((pos[d] for d in unit_doc[rows]), dtype=np.int64, count=len(rows))
    sizes = np.bincount(groups, minlength=len(doc_ids)).astype(np.float64)
    weights = 1.0 / np.maximum(sizes, 1.0)[groups]
    indicator = sp.csr_matrix((weights, (groups, rows)), shape=(len(doc_ids), len(unit_doc)))
    means = normalize(indicator @ analysis.vectors.tfidf)
    sims = (means @ means.T).toarray()
    return pd.DataFrame(np.clip(sims, 0.0, 1.0), index=list(doc_ids), columns=list(doc_ids))
