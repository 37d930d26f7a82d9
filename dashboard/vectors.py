"""Term counts and TF-IDF vectors from token lists tokenised once upstream.

Counts feed frames and key terms; L2-normalised TF-IDF rows feed clustering,
similarity and the 2D map. Both share one vocabulary, so a term means the
same column everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp
import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer

from .models import Settings
from .tokens import TokenTable, ngram_order


class EmptyVocabularyError(ValueError):
    """Nothing left to count; the message is for the user."""


@dataclass
class Vectors:
    counts: sp.csr_matrix  # units x terms, raw n-gram counts
    tfidf: sp.csr_matrix  # units x terms, L2-normalised rows
    terms: np.ndarray  # column -> term string
    n_tokens: np.ndarray  # content tokens per unit
    idf: np.ndarray
    min_df: int
    max_df: float

    def column(self, term: str) -> int | None:
        """Column of a term, or None; binary search because terms are sorted."""
        i = int(np.searchsorted(self.terms, term))
        return i if i < len(self.terms) and self.terms[i] == term else None


def adaptive_df(n_docs: int) -> tuple[int, float]:
    """Document-frequency cut-offs that let 5 articles and 40,000 both work.

    A tiny corpus keeps every term (each one may carry a framing); a large one
    drops one-off terms (typos, names seen once) that only cost memory, and
    terms in most documents, which separate nothing.
    """
    if n_docs < 10:
        return 1, 1.0
    if n_docs < 2_000:
        return 2, 0.95
    if n_docs < 10_000:
        return 3, 0.9
    return 5, 0.9


def _ngram_columns(table: TokenTable, n: int, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unit, packed code) of every n-gram inside one unit made only of usable tokens.

    A token too rare to pass min_df cannot be part of an n-gram that passes it,
    so such n-grams are never formed: on a large corpus this removes most
    distinct bigrams before they cost memory.
    """
    ids = table.ids
    total = len(ids) - n + 1
    if total <= 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    unit_of = np.repeat(np.arange(len(table), dtype=np.int32), table.lengths())
    ends = table.ends_phrase()
    valid = np.ones(total, dtype=bool)
    for j in range(n - 1):  # no n-gram runs across a unit's end or a sentence break
        valid &= ~ends[j : total + j]
    for j in range(n):
        valid &= usable[ids[j : total + j]]
    base = max(len(table.vocab), 1)
    code = ids[:total][valid].astype(np.int64)
    for j in range(1, n):
        code = code * base + ids[j : total + j][valid]
    return unit_of[:total][valid], code


def _decode(code: int, n: int, vocab: np.ndarray) -> str:
    base = max(len(vocab), 1)
    parts = []
    for _ in range(n):
        code, rest = divmod(code, base)
        parts.append(vocab[rest])
    return " ".join(reversed(parts))


def build_vectors(
    table: TokenTable,
    settings: Settings = Settings(),
    fit_rows: np.ndarray | None = None,
    n_documents: int | None = None,
) -> Vectors:
    """Count n-grams of every unit; learn vocabulary and IDF on `fit_rows` only.

    `fit_rows` lets syndicated copies be left out of the vocabulary and IDF so
    one text printed five times does not look five times as important. Counting
    works on integer token ids with numpy, one pass for all n-gram orders.
    The automatic cut-offs follow `n_documents` (articles) when units are
    passages: five articles cut into sixty passages are still a tiny corpus.
    """
    n_units = len(table)
    fit_rows = np.arange(n_units) if fit_rows is None else np.asarray(fit_rows)
    auto_min, auto_max = adaptive_df(n_documents or len(fit_rows))
    min_df = settings.min_df if settings.min_df is not None else auto_min
    max_df = settings.max_df if settings.max_df is not None else auto_max
    min_df = max(1, min(int(min_df), len(fit_rows)))
    ngram_max = ngram_order(settings.ngram_max)

    blocks, term_parts = [], []
    is_fit = np.zeros(n_units, dtype=bool)
    is_fit[fit_rows] = True
    max_docs = max_df * len(fit_rows) if max_df <= 1.0 else max_df
    vocab_size = len(table.vocab)
    # Unigrams straight from the token ids: the CSR rows are the units.
    # Copies: sum_duplicates sorts indices in place, and the table is shared.
    unigrams = sp.csr_matrix(
        (np.ones(len(table.ids), dtype=np.int32), table.ids.copy(), table.offsets.copy()),
        shape=(n_units, vocab_size),
    )
    unigrams.sum_duplicates()
    df = np.bincount(unigrams[is_fit].indices, minlength=vocab_size)
    keep = np.flatnonzero((df >= min_df) & (df <= max_docs))
    blocks.append(unigrams[:, keep])
    term_parts.append(table.vocab[keep].tolist())
    usable = df >= min_df
    del unigrams
    for n in range(2, ngram_max + 1):
        units, codes = _ngram_columns(table, n, usable)
        if len(codes) == 0:
            continue
        cols, uniq = pd.factorize(codes)
        del codes
        m = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.int32), (units, cols)), shape=(n_units, len(uniq))
        )
        del units, cols
        m.sum_duplicates()
        df = np.bincount(m[is_fit].indices, minlength=m.shape[1])
        keep = np.flatnonzero((df >= min_df) & (df <= max_docs))
        if len(keep):
            blocks.append(m[:, keep])
            term_parts.append([_decode(int(c), n, table.vocab) for c in uniq[keep]])
        del m
    terms = np.array([t for part in term_parts for t in part], dtype=str)
    if len(terms) == 0:
        raise EmptyVocabularyError(
            "No terms are left to analyse: the texts hold only stop words, numbers or punctuation, "
            "or the document-frequency cut-offs removed every term."
        )
    counts = sp.hstack(blocks, format="csr", dtype=np.int32)
    if settings.max_features and len(terms) > settings.max_features:
        totals = np.asarray(counts[is_fit].sum(axis=0)).ravel()
        top = np.sort(np.argsort(-totals, kind="stable")[: settings.max_features])
        counts, terms = counts[:, top], terms[top]
    order = np.argsort(terms, kind="stable")
    counts, terms = counts[:, order].tocsr(), terms[order]
    counts.sort_indices()
    transformer = TfidfTransformer(sublinear_tf=settings.sublinear_tf, norm="l2")
    transformer.fit(counts[fit_rows])
    tfidf = _tfidf_rows(counts, transformer.idf_, settings.sublinear_tf)
    return Vectors(
        counts=counts,
        tfidf=tfidf,
        terms=terms,
        n_tokens=table.lengths().astype(np.int64),
        idf=transformer.idf_,
        min_df=min_df,
        max_df=float(max_df),
    )


TFIDF_BLOCK = 2_000_000  # stored counts weighted at once: bounds the float64 work of the TF-IDF


def _tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> sp.csr_matrix:
    """TfidfTransformer's L2-normalised rows of `counts` (sorted indices), as float32 sharing its indices.

    The same numbers as TfidfTransformer.transform, computed a block of rows
    at a time: sklearn's way holds float64 copies of every count and index
    at once, and the result would keep a second copy of the indices.
    """
    data = np.empty(len(counts.data), dtype=np.float32)
    indptr = counts.indptr
    row = 0
    while row < counts.shape[0]:
        end = int(np.searchsorted(indptr, indptr[row] + TFIDF_BLOCK, side="right")) - 1
        end = min(max(end, row + 1), counts.shape[0])
        lo, hi = int(indptr[row]), int(indptr[end])
        if hi > lo:
            weights = counts.data[lo:hi].astype(np.float64)
            if sublinear_tf:
                np.log(weights, out=weights)
                weights += 1.0
            weights *= idf[counts.indices[lo:hi]]
            lengths = np.diff(indptr[row : end + 1])
            filled = lengths > 0
            norms = np.sqrt(np.add.reduceat(weights * weights, indptr[row:end][filled] - lo))
            weights /= np.repeat(norms, lengths[filled])
            data[lo:hi] = weights
        row = end
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def pooled_tfidf(vectors: Vectors, groups: np.ndarray, n_groups: int, sublinear_tf: bool = True) -> sp.csr_matrix:
    """TF-IDF rows of texts made of several units (articles of passages), weighted as the units were.

    The units' counts are summed per group, then the same term weighting
    (sublinear tf, the units' IDF, L2 norm) is applied, so a model fitted on
    unit vectors reads a whole article the way it reads a passage.
    """
    groups = np.asarray(groups, dtype=np.int64)
    indicator = sp.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups))
    )
    counts = (indicator @ vectors.counts).astype(np.float64).tocsr()
    if sublinear_tf:
        counts.data = 1.0 + np.log(counts.data)
    weighted = (counts @ sp.diags(vectors.idf)).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ weighted).astype(np.float32).tocsr()
