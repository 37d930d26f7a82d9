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
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from .models import Settings
from .tokens import ngrams


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


def _identity(doc):
    return doc


def build_vectors(
    token_lists: Sequence[list[str]],
    settings: Settings = Settings(),
    fit_rows: np.ndarray | None = None,
) -> Vectors:
    """Count n-grams of every unit; learn vocabulary and IDF on `fit_rows` only.

    `fit_rows` lets syndicated copies be left out of the vocabulary and IDF so
    one text printed five times does not look five times as important.
    """
    n = len(token_lists)
    fit_rows = np.arange(n) if fit_rows is None else np.asarray(fit_rows)
    auto_min, auto_max = adaptive_df(len(fit_rows))
    min_df = settings.min_df if settings.min_df is not None else auto_min
    max_df = settings.max_df if settings.max_df is not None else auto_max
    min_df = max(1, min(min_df, len(fit_rows)))

    grams = [ngrams(t, settings.ngram_max) for t in token_lists]
    vectorizer = CountVectorizer(
        analyzer=_identity,
        min_df=min_df,
        max_df=max_df if max_df <= 1.0 else int(max_df),
        max_features=settings.max_features,
        dtype=np.int32,
    )
    fit_grams = grams if len(fit_rows) == n else [grams[i] for i in fit_rows]
    try:
        vectorizer.fit(fit_grams)
    except ValueError:
        # Cut-offs pruned every term (e.g. tiny corpus with a high min_df): keep all.
        vectorizer.set_params(min_df=1, max_df=1.0)
        vectorizer.fit(fit_grams)
    counts = vectorizer.transform(grams).tocsr()
    counts.sort_indices()
    transformer = TfidfTransformer(sublinear_tf=settings.sublinear_tf, norm="l2")
    transformer.fit(counts[fit_rows])
    tfidf = transformer.transform(counts).astype(np.float32).tocsr()
    return Vectors(
        counts=counts,
        tfidf=tfidf,
        terms=vectorizer.get_feature_names_out().astype(str),
        n_tokens=np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=n),
        idf=transformer.idf_,
        min_df=min_df,
        max_df=float(max_df),
    )
