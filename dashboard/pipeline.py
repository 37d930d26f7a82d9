"""The one path from a loaded corpus to a full Analysis.

corpus -> cleaned articles -> aliases -> units -> tokens (once) -> vectors
-> duplicates -> clusters -> frames -> 2D map -> tables.
Each stage is timed and reported to an optional progress callback, so the UI
can say what is running and the benchmark can say what it costs.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from typing import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import aliases as alias_mod
from . import clusters as cl
from . import frames as fr
from .cleaning import clean_article
from .duplicates import find_duplicates, find_passage_duplicates
from .models import Analysis, ClusterInfo, Corpus, Settings
from .tokens import stop_words_with, tokenize_many
from .vectors import EmptyVocabularyError, build_vectors

PASSAGE_UNIT_MAX_ARTICLES = 300  # "auto" analyses passages up to this many articles
STAGES = ("clean", "aliases", "tokens", "duplicates", "vectors", "frames", "clusters", "layout", "tables")

Progress = Callable[[str, float], None]


class AnalysisError(ValueError):
    """The corpus cannot be analysed as asked; the message is for the user."""


def choose_unit(settings: Settings, n_articles: int) -> str:
    if settings.unit in ("article", "passage"):
        return settings.unit
    return "passage" if n_articles <= PASSAGE_UNIT_MAX_ARTICLES else "article"


def analyze(corpus: Corpus, settings: Settings = Settings(), progress: Progress | None = None) -> Analysis:
    """Run every stage; raises AnalysisError when nothing analysable remains."""
    timings: dict[str, float] = {}
    notices: list[str] = []

    @contextmanager
    def stage(name: str):
        if progress:
            progress(name, STAGES.index(name) / len(STAGES))
        t0 = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - t0

    articles = corpus.articles
    if len(articles) < 2:
        raise AnalysisError(f"The corpus has {len(articles)} usable article(s); at least 2 are needed.")

    unit = choose_unit(settings, len(articles))
    with stage("clean"):
        cleaned = [clean_article(a, passages=unit == "passage") for a in articles]

    with stage("aliases"):
        detected = alias_mod.detect_aliases([c.text for c in cleaned])
        try:
            alias_table = alias_mod.merge_tables(detected, settings.aliases)
        except ValueError as exc:
            notices.append(f"Alias table ignored: {exc}")
            alias_table = alias_mod.merge_tables(detected, ())

    stop_words = stop_words_with(settings.extra_stop_words)
    with stage("tokens"):
        unit_rows = []  # (doc position, index, text, is_quote, heading)
        for pos, c in enumerate(cleaned):
            if unit == "article":
                unit_rows.append((pos, 0, c.text, False, ""))
            else:
                unit_rows.extend((pos, p.index, p.text, p.is_quote, p.heading) for p in c.passages)
        if not unit_rows:
            raise AnalysisError("No passages with text were found in the corpus.")
        # A section heading ("Doubts about legitimacy") frames the passage under it.
        table = tokenize_many(
            [f"{r[4]}\n{r[2]}" if r[4] else r[2] for r in unit_rows], alias_table, stop_words
        )
        if len(table.ids) == 0:
            raise AnalysisError(
                "The articles contain no words to analyse (only numbers, punctuation or stop words)."
            )
        unit_doc_pos = np.fromiter((r[0] for r in unit_rows), dtype=np.int64, count=len(unit_rows))
        doc_table = table if unit == "article" else table.regroup(unit_doc_pos, len(cleaned))

    doc_ids = [a.id for a in articles]
    with stage("duplicates"):
        dup = find_duplicates(doc_ids, doc_table)
        canonical_doc = np.array([d not in dup.duplicate_of for d in doc_ids])
        # Passages copied between articles (a shared wire paragraph inside otherwise
        # different stories); only at passage level, where units are passages.
        passage_group = np.zeros(len(unit_rows), dtype=np.int64)
        if unit == "passage":
            copies = find_passage_duplicates(
                range(len(unit_rows)), table, owners=[doc_ids[p] for p in unit_doc_pos]
            )
            for number, members in enumerate(copies.groups, start=1):
                passage_group[[int(m) for m in members]] = number

    unit_doc = np.array(doc_ids, dtype=object)[unit_doc_pos]
    has_tokens = table.lengths() > 0
    fit_mask = has_tokens & (canonical_doc[unit_doc_pos] if settings.collapse_duplicates else True)
    if fit_mask.sum() < 2:
        fit_mask = has_tokens
    fit_rows = np.flatnonzero(fit_mask)

    with stage("vectors"):
        try:
            vectors = build_vectors(table, settings, fit_rows, n_documents=int(canonical_doc.sum()))
        except EmptyVocabularyError as exc:
            raise AnalysisError(str(exc)) from None

    with stage("frames"):
        frames, frame_warnings = fr.load_frames(settings.frames_toml)
        notices.extend(frame_warnings)
        frame_names = [f.name for f in frames]
        unit_scores, unit_frame = fr.score_frames(vectors.counts, vectors.n_tokens, frames, vectors.terms)
        doc_counts = _sum_rows_by(vectors.counts, unit_doc_pos, len(doc_ids))
        doc_ntok = np.bincount(unit_doc_pos, weights=vectors.n_tokens, minlength=len(doc_ids))
        doc_scores, doc_frame = fr.score_frames(doc_counts, doc_ntok, frames, vectors.terms)

    with stage("clusters"):
        features = cl.framing_features(vectors.tfidf, unit_scores[frame_names].to_numpy(), settings.frame_weight)
        result = cl.fit_clusters(features, fit_rows, settings.method, settings.k, settings.seed)
        notices.extend(result.notices)
        labels = result.labels

    with stage("layout"):
        coords = cl.layout_2d(result.embedding, settings.seed)

    with stage("tables"):
        units = pd.DataFrame(
            {
                "unit": np.arange(len(unit_rows)),
                "doc_id": unit_doc,
                "index": [r[1] for r in unit_rows],
                # object, not pandas' Arrow-backed str: no second copy of every text
                "text": pd.Series([r[2] for r in unit_rows], dtype=object),
                "is_quote": [r[3] for r in unit_rows],
                "heading": [r[4] for r in unit_rows],
                "copy_group": passage_group,  # 0: not copied from or to another article
                "cluster": labels,
                "frame": np.asarray(unit_frame),
                "x": coords[:, 0],
                "y": coords[:, 1],
                "in_fit": fit_mask,
            }
        )
        for name in frame_names:
            units[f"frame:{name}"] = np.asarray(unit_scores[name], dtype=float)

        majority = _majority_cluster(unit_doc_pos, labels, len(doc_ids))
        documents = pd.DataFrame(
            {
                "id": doc_ids,
                "source": [a.source for a in articles],
                "title": [a.title for a in articles],
                "date": [a.date for a in articles],
                "url": [a.url for a in articles],
                "origin": [a.origin for a in articles],
                "length": [len(c.text) for c in cleaned],
                "duplicate_of": [dup.duplicate_of.get(d) for d in doc_ids],
                "dup_group": _group_numbers(doc_ids, dup.groups),
                "originality": [round(float(dup.originality.get(d, 1.0)), 4) for d in doc_ids],
                "cluster": majority,
                "frame": np.asarray(doc_frame),
                "units": np.bincount(unit_doc_pos, minlength=len(doc_ids)),
            }
        )
        for name in frame_names:
            documents[f"frame:{name}"] = np.asarray(doc_scores[name], dtype=float)
        extra_keys = sorted({k for a in articles for k in a.extra})
        for key in extra_keys:
            if key not in documents.columns:
                documents[key] = [a.extra.get(key) for a in articles]

        frame_labels = {f.name: f.label for f in frames}
        infos = _cluster_infos(units, documents, result.embedding, vectors, labels, frames, frame_labels)

    return Analysis(
        settings=settings,
        unit=unit,
        documents=documents,
        units=units,
        clusters=infos,
        duplicate_groups=[list(g) for g in dup.groups],
        aliases=dict(sorted(alias_table.items())),
        frame_names=frame_names,
        frame_labels=frame_labels,
        removed={c.doc_id: list(c.removed) for c in cleaned if c.removed},
        notices=notices,
        vectors=vectors,
        timings=timings,
        corpus=corpus,
        k_scores=result.silhouettes,
        method=result.method,
    )


def _sum_rows_by(matrix, groups: np.ndarray, n_groups: int):
    """Sum sparse rows per group with one sparse product (no Python loop)."""
    indicator = sp.csr_matrix(
        (np.ones(len(groups), dtype=matrix.dtype), (groups, np.arange(len(groups)))),
        shape=(n_groups, len(groups)),
    )
    return (indicator @ matrix).tocsr()


def _majority_cluster(unit_doc_pos: np.ndarray, labels: np.ndarray, n_docs: int) -> np.ndarray:
    """Each document's most common cluster among its units (ties: lowest id)."""
    k = int(labels.max()) + 1
    table = np.zeros((n_docs, k), dtype=np.int64)
    np.add.at(table, (unit_doc_pos, labels), 1)
    return table.argmax(axis=1)


def _group_numbers(doc_ids: list[str], groups: list[list[str]]) -> list[int | None]:
    number = {d: g for g, members in enumerate(groups, start=1) for d in members}
    return [number.get(d) for d in doc_ids]


def _cluster_infos(units, documents, embedding, vectors, labels, frames, frame_labels) -> list[ClusterInfo]:
    """Cards for clusters; a cluster's frame is the dominant frame of its pooled text.

    Pooling the units' counts applies the same rule as for one passage, so a
    cluster where a few passages argue legitimacy and the rest carry no frame
    is labelled by that argument rather than called mixed.
    """
    source_of = dict(zip(documents["id"], documents["source"]))
    k = int(labels.max())
    pooled = _sum_rows_by(vectors.counts, labels - 1, k)
    pooled_tokens = np.bincount(labels - 1, weights=vectors.n_tokens, minlength=k)
    _, pooled_frame = fr.score_frames(pooled, pooled_tokens, frames, vectors.terms)
    infos = []
    for c in range(1, k + 1):
        rows = units[units["cluster"] == c]
        if rows.empty:
            continue
        frame = str(pooled_frame.iloc[c - 1])
        top_terms = cl.distinctive_terms(vectors.tfidf, vectors.terms, labels, c)
        head = ", ".join(top_terms[:3]) or "no distinctive terms"
        label = f"{frame_labels[frame]}: {head}" if frame != "none" else f"Mixed framing: {head}"
        sources = Counter(source_of[d] for d in rows["doc_id"])
        infos.append(
            ClusterInfo(
                id=c,
                label=label,
                frame=frame,
                size=len(rows),
                top_terms=top_terms,
                sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                representatives=cl.representatives(embedding, labels, c),
            )
        )
    return infos
