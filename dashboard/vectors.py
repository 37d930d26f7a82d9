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
        code *= base
        code += ids[j : total + j][valid]
    return unit_of[:total][valid], code


RECURRING_CHUNK = 4_000_000  # n-gram occurrences looked up at once


def _recurring_ngrams(units: np.ndarray, codes: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The occurrences of n-grams seen at least `min_count` times: (unit, column) of each, and the code of each
    column (ascending).

    An n-gram seen fewer times than min_df cannot be in min_df units, so it is
    dropped before anything is counted per n-gram: on 37,554 articles 4.6 of
    the 6.2 million distinct bigrams occur once, and hashing them all
    (pd.factorize) was the vector stage's peak. In a sorted copy of the codes
    a code seen min_count times starts a run of that length; each
    occurrence's column is its code's place among the recurring ones.
    """
    ordered = np.sort(codes)
    last = len(ordered) - min_count + 1  # sorted, a code seen min_count times or more starts a run that long
    recurring = ordered[:last][ordered[:last] == ordered[min_count - 1 :]] if last > 0 else ordered[:0]
    del ordered
    if len(recurring) > 1:
        recurring = recurring[np.concatenate([[True], recurring[1:] != recurring[:-1]])]
    if len(recurring) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32), recurring
    kept_units, kept_columns = [], []
    for lo in range(0, len(codes), RECURRING_CHUNK):
        part = codes[lo : lo + RECURRING_CHUNK]
        column = np.minimum(np.searchsorted(recurring, part), len(recurring) - 1)
        found = recurring[column] == part
        kept_units.append(units[lo : lo + RECURRING_CHUNK][found])
        kept_columns.append(column[found].astype(np.int32))
    return np.concatenate(kept_units), np.concatenate(kept_columns), recurring


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

    `fit_rows` (distinct units) lets syndicated copies be left out of the
    vocabulary and IDF so one text printed five times does not look five times
    as important. Counting works on integer token ids with numpy, one pass for
    all n-gram orders; the fit rows are never copied out of the counts.
    The automatic cut-offs follow `n_documents` (articles) when units are
    passages: five articles cut into sixty passages are still a tiny corpus.
    """
    n_units = len(table)
    fit_rows = np.arange(n_units) if fit_rows is None else np.asarray(fit_rows)
    if len(np.unique(fit_rows)) != len(fit_rows):
        raise ValueError("fit_rows must name each unit at most once")
    auto_min, auto_max = adaptive_df(n_documents or len(fit_rows))
    min_df = settings.min_df if settings.min_df is not None else auto_min
    max_df = settings.max_df if settings.max_df is not None else auto_max
    min_df = max(1, min(int(min_df), len(fit_rows)))
    ngram_max = ngram_order(settings.ngram_max)

    blocks, term_parts = [], []
    # Per block, the order its columns were first seen in: max_features breaks ties in total count by it.
    seen_order: list[np.ndarray] = []
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
    df = _document_frequency(unigrams, is_fit)
    keep = np.flatnonzero((df >= min_df) & (df <= max_docs))
    blocks.append(unigrams[:, keep])
    term_parts.append(table.vocab[keep].tolist())
    seen_order.append(np.arange(len(keep)))  # token ids are numbered by first occurrence
    usable = df >= min_df
    del unigrams
    for n in range(2, ngram_max + 1):
        units, codes = _ngram_columns(table, n, usable)
        units, cols, uniq = _recurring_ngrams(units, codes, min_df)
        del codes
        if len(cols) == 0:
            continue
        m = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.int32), (units, cols)), shape=(n_units, len(uniq))
        )
        first_seen = _first_seen_rank(cols, len(uniq)) if settings.max_features else None
        del units, cols
        m.sum_duplicates()
        df = _document_frequency(m, is_fit)
        keep = np.flatnonzero((df >= min_df) & (df <= max_docs))
        if len(keep):
            blocks.append(m[:, keep])
            term_parts.append([_decode(int(c), n, table.vocab) for c in uniq[keep]])
            seen_order.append(first_seen[keep] if first_seen is not None else keep)
        del m
    terms = np.array([t for part in term_parts for t in part], dtype=str)
    if len(terms) == 0:
        raise EmptyVocabularyError(
            "No terms are left to analyse: the texts hold only stop words, numbers or punctuation, "
            "or the document-frequency cut-offs removed every term."
        )
    column = np.arange(len(terms))  # each block column's column in the result, -1 when it is left out
    if settings.max_features and len(terms) > settings.max_features:
        # The most frequent terms; among equal counts, lower orders first, then the terms seen first.
        totals = np.concatenate([_column_totals(b, is_fit) for b in blocks])
        block_of = np.repeat(np.arange(len(blocks)), [b.shape[1] for b in blocks])
        top = np.sort(np.lexsort((np.concatenate(seen_order), block_of, -totals))[: settings.max_features])
        column = np.full(len(terms), -1)
        column[top] = np.arange(len(top))
        terms = terms[top]
    order = np.argsort(terms, kind="stable")
    terms = terms[order]
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    column[column >= 0] = rank[column[column >= 0]]
    counts = _columns_in_order(blocks, column, n_units, len(terms))
    idf = _smoothed_idf(_document_frequency(counts, is_fit), int(is_fit.sum()))
    tfidf = _tfidf_rows(counts, idf, settings.sublinear_tf)
    return Vectors(
        counts=counts,
        tfidf=tfidf,
        terms=terms,
        n_tokens=table.lengths().astype(np.int64),
        idf=idf,
        min_df=min_df,
        max_df=float(max_df),
    )


def _first_seen_rank(columns: np.ndarray, n_columns: int) -> np.ndarray:
    """Each column's rank by its first occurrence in `columns` (every column occurs)."""
    _, first = np.unique(columns, return_index=True)
    rank = np.empty(n_columns, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(n_columns)
    return rank


ROW_BLOCK_ENTRIES = 2_000_000  # stored counts looked at once: bounds the temporary arrays of a pass over the rows


def _row_blocks(indptr: np.ndarray, max_entries: int = ROW_BLOCK_ENTRIES):
    """(first row, row after) of consecutive rows of a CSR matrix holding about `max_entries` values each."""
    row, n_rows = 0, len(indptr) - 1
    while row < n_rows:
        end = int(np.searchsorted(indptr, indptr[row] + max_entries, side="right")) - 1
        end = min(max(end, row + 1), n_rows)
        yield row, end
        row = end


def _chosen_entries(matrix: sp.csr_matrix, rows: np.ndarray, row: int, end: int) -> tuple[slice, np.ndarray]:
    """The stored values of rows row..end-1 (a slice of data and indices) and which of them lie in the rows chosen."""
    lo, hi = int(matrix.indptr[row]), int(matrix.indptr[end])
    return slice(lo, hi), np.repeat(rows[row:end], np.diff(matrix.indptr[row : end + 1]))


def _document_frequency(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """Per column, how many of the rows in the bool mask `rows` hold it: np.bincount(matrix[rows].indices).

    A block of rows at a time: copying the fit rows out of the counts, and
    their indices to int64 for bincount, cost twice the counts' size at once.
    """
    df = np.zeros(matrix.shape[1], dtype=np.int64)
    for row, end in _row_blocks(matrix.indptr):
        part, chosen = _chosen_entries(matrix, rows, row, end)
        df += np.bincount(matrix.indices[part][chosen], minlength=matrix.shape[1])
    return df


def _column_totals(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """Per column, the sum of the rows in the bool mask `rows` (whole counts, as float64)."""
    totals = np.zeros(matrix.shape[1])
    for row, end in _row_blocks(matrix.indptr):
        part, chosen = _chosen_entries(matrix, rows, row, end)
        totals += np.bincount(matrix.indices[part][chosen], weights=matrix.data[part][chosen], minlength=matrix.shape[1])
    return totals


def _smoothed_idf(df: np.ndarray, n_rows: int) -> np.ndarray:
    """TfidfTransformer's IDF (smooth_idf): ln((1 + n) / (1 + df)) + 1, in its order of operations, so the same floats."""
    idf = np.full(len(df), n_rows + 1, dtype=np.float64)
    idf /= df.astype(np.float64) + 1.0
    np.log(idf, out=idf)
    idf += 1.0
    return idf


def _columns_in_order(blocks: list[sp.csr_matrix], column: np.ndarray, n_rows: int, n_columns: int) -> sp.csr_matrix:
    """The blocks side by side with their columns moved: block column c (counted across the blocks) goes to
    column[c], or is left out when that is -1. One CSR matrix with sorted indices.

    Each block's column numbers are rewritten and its rows sorted, then it is
    added to the rest (their columns never overlap, so adding places them);
    `blocks` is emptied as it goes. Stacking the blocks and then reordering the
    columns held three copies of the counts at once; this holds two.
    """
    merged, offset = None, 0
    while blocks:
        block = blocks.pop(0)
        to = column[offset : offset + block.shape[1]]
        offset += block.shape[1]
        kept = np.flatnonzero(to >= 0)
        if len(kept) < block.shape[1]:
            block, to = block[:, kept], to[kept]
        index_type = block.indices.dtype if n_columns <= np.iinfo(block.indices.dtype).max else np.int64
        block = sp.csr_matrix((block.data, to[block.indices].astype(index_type), block.indptr), shape=(n_rows, n_columns))
        block.sort_indices()
        merged = block if merged is None else merged + block
        del block
    return merged


TFIDF_BLOCK = 2_000_000  # stored counts weighted at once: bounds the float64 work of the TF-IDF


def _tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> sp.csr_matrix:
    """TfidfTransformer's L2-normalised rows of `counts` (sorted indices), as float32 sharing its indices.

    The same numbers as TfidfTransformer.transform, computed a block of rows
    at a time: sklearn's way holds float64 copies of every count and index
    at once, and the result would keep a second copy of the indices.
    """
    data = np.empty(len(counts.data), dtype=np.float32)
    indptr = counts.indptr
    for row, end in _row_blocks(indptr, TFIDF_BLOCK):
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
