"""Two articles side by side: which sentences they share, which are their own.

Each sentence of A is matched to its most similar sentence of B and vice
versa (cosine of TF-IDF vectors over the shared tokenizer's n-grams, up to
the analysis' n-gram order). A match counts only at or above a threshold;
sentences without one are unique to their article: that is where the two
framings differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from . import keyterms, tokens

# Measured on the seeds with the default (per-pair) idf: the same report in
# two translations (000/001) pairs its reworded sentences at 0.54-1.0, the
# same quote or fact retold by different outlets at 0.5-0.8, while sentences
# that only share boilerplate ("Collective Security Treaty Organization")
# stay at or below 0.42. The threshold sits in that gap.
DEFAULT_THRESHOLD = 0.45


@dataclass
class Alignment:
    """The comparison of article A with article B.

    a_best[i] is (index of the best B sentence or None when below threshold,
    its score); b_best likewise. pairs holds every match above threshold from
    either side, (a index, b index, score), in A order. similarity is the
    share of both texts' characters that lie in matched sentences (how much of
    the two articles is shared); cosine compares the whole-document vectors
    (how alike their vocabulary is, regardless of sentence order).
    distinctive: keyterms.log_odds columns, A's terms first, B's at the bottom.
    """

    a_sentences: list[str]
    b_sentences: list[str]
    a_best: list[tuple[int | None, float]]
    b_best: list[tuple[int | None, float]]
    pairs: list[tuple[int, int, float]]
    unique_a: list[int]
    unique_b: list[int]
    similarity: float
    cosine: float
    threshold: float
    distinctive: pd.DataFrame

    def to_dict(self) -> dict:
        """Plain lists and numbers for JSON, floats rounded to 4 places."""
        records = self.distinctive.to_dict(orient="records")
        distinctive = [
            {key: _plain(value) for key, value in record.items()} for record in records
        ]
        return {
            "a_sentences": list(self.a_sentences),
            "b_sentences": list(self.b_sentences),
            "a_best": [[index, round(score, 4)] for index, score in self.a_best],
            "b_best": [[index, round(score, 4)] for index, score in self.b_best],
            "pairs": [[i, j, round(score, 4)] for i, j, score in self.pairs],
            "unique_a": list(self.unique_a),
            "unique_b": list(self.unique_b),
            "similarity": round(self.similarity, 4),
            "cosine": round(self.cosine, 4),
            "threshold": round(self.threshold, 4),
            "distinctive": distinctive,
        }


def _plain(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), 4)
    return str(value)


def _identity(doc):
    return doc


def _idf_weights(
    vocabulary: np.ndarray, sentence_counts: sp.csr_matrix, idf: Mapping[str, float] | None
) -> np.ndarray:
    """IDF per vocabulary term: smoothed over the sentences, or from a corpus.

    A term the corpus idf lacks is treated as the corpus's rarest, since
    vocabulary pruning drops rare terms, not common ones.
    """
    if idf is None:
        n_sentences = sentence_counts.shape[0]
        df = np.bincount(sentence_counts.indices, minlength=len(vocabulary))
        return np.log((1 + n_sentences) / (1 + df)) + 1.0
    rarest = max(idf.values(), default=1.0)
    return np.array([float(idf.get(term, rarest)) for term in vocabulary])


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to length 1 (all-zero rows stay zero), so dot products are cosines."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _sublinear(counts: sp.csr_matrix) -> sp.csr_matrix:
    """1 + log(tf), as the corpus vectors use, so a repeated word does not dominate."""
    damped = counts.copy()
    damped.data = 1.0 + np.log(damped.data)
    return damped


def _best_matches(scores: np.ndarray, threshold: float) -> list[tuple[int | None, float]]:
    """Per row, the best column (first on ties) and its score; None below threshold."""
    if scores.shape[1] == 0:
        return [(None, 0.0)] * scores.shape[0]
    best = scores.argmax(axis=1)
    top = scores[np.arange(scores.shape[0]), best]
    return [
        (int(j) if score >= threshold else None, float(score)) for j, score in zip(best, top)
    ]


def _background_for(
    vocabulary: np.ndarray, background_counts: np.ndarray, terms: Sequence[str]
) -> np.ndarray:
    """Corpus counts of the two articles' terms (0 for terms the corpus lacks)."""
    columns = pd.Index(np.asarray(terms, dtype=object)).get_indexer(vocabulary)
    background_counts = np.asarray(background_counts, dtype=np.float64).ravel()
    return np.where(columns >= 0, background_counts[np.maximum(columns, 0)], 0.0)


def align_sentences(
    a_sentences: Sequence[str],
    b_sentences: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    idf: Mapping[str, float] | None = None,
    aliases: Mapping[str, str] | None = None,
    background_counts: np.ndarray | None = None,
    terms: Sequence[str] | None = None,
    stop_words: frozenset[str] = tokens.STOP_WORDS,
    ngram_max: int = 2,
) -> Alignment:
    """Match the sentences of two articles and find the terms that set them apart.

    idf: a corpus idf (term -> weight) instead of one learnt from the two
    articles' sentences. background_counts with terms (the corpus vocabulary)
    give keyterms its informative prior, the single words' counts its size;
    without them the two articles are their own background. aliases, stop_words and ngram_max tokenise the
    sentences as the analysis did (queries.align passes the analysis' own).
    A sentence with no content words scores 0 and is unique to its article.
    """
    if (background_counts is None) != (terms is None):
        raise ValueError("background_counts and terms go together: pass both or neither")
    a_sentences, b_sentences = list(a_sentences), list(b_sentences)
    words = [tokens.tokenize(s, aliases, stop_words) for s in a_sentences + b_sentences]
    grams = [tokens.ngrams(w, tokens.ngram_order(ngram_max)) for w in words]
    n_a = len(a_sentences)
    # Monroe et al.'s group sizes: the articles' content tokens, whatever the n-gram order.
    token_totals = (sum(map(len, words[:n_a])), sum(map(len, words[n_a:])))
    if any(grams):
        vectorizer = CountVectorizer(analyzer=_identity, dtype=np.float64)
        counts = vectorizer.fit_transform(grams).tocsr()
        vocabulary = vectorizer.get_feature_names_out().astype(object)
    else:
        counts = sp.csr_matrix((len(grams), 0))
        vocabulary = np.array([], dtype=object)

    weights = sp.diags(_idf_weights(vocabulary, counts, idf), shape=(len(vocabulary), len(vocabulary)))
    sentence_vectors = _unit_rows(_sublinear(counts) @ weights)
    a_vectors, b_vectors = sentence_vectors[:n_a], sentence_vectors[n_a:]
    scores = (a_vectors @ b_vectors.T).toarray()

    a_best = _best_matches(scores, threshold)
    b_best = _best_matches(scores.T, threshold)
    matched = {(i, j, score) for i, (j, score) in enumerate(a_best) if j is not None}
    matched |= {(i, j, score) for j, (i, score) in enumerate(b_best) if i is not None}
    pairs = sorted(matched)
    unique_a = [i for i, (j, _) in enumerate(a_best) if j is None]
    unique_b = [j for j, (i, _) in enumerate(b_best) if i is None]

    a_chars = np.array([len(s.strip()) for s in a_sentences], dtype=np.float64)
    b_chars = np.array([len(s.strip()) for s in b_sentences], dtype=np.float64)
    total_chars = a_chars.sum() + b_chars.sum()
    shared_chars = a_chars.sum() - a_chars[unique_a].sum() + b_chars.sum() - b_chars[unique_b].sum()
    similarity = float(shared_chars / total_chars) if total_chars else 0.0

    a_counts = np.asarray(counts[:n_a].sum(axis=0)).ravel()
    b_counts = np.asarray(counts[n_a:].sum(axis=0)).ravel()
    doc_vectors = _unit_rows(_sublinear(sp.csr_matrix(np.vstack([a_counts, b_counts]))) @ weights)
    cosine = float((doc_vectors[0] @ doc_vectors[1].T).toarray()[0, 0]) if len(vocabulary) else 0.0

    if background_counts is None:
        background, background_total = a_counts + b_counts, float(sum(token_totals))
    else:
        background = _background_for(vocabulary, background_counts, terms)
        single_words = np.array([" " not in str(t) for t in terms], dtype=bool)
        background_total = float(np.asarray(background_counts, dtype=np.float64).ravel()[single_words].sum())
    distinctive = keyterms.log_odds(
        a_counts, b_counts, background, vocabulary, token_totals=token_totals, background_total=background_total
    )

    return Alignment(
        a_sentences=a_sentences,
        b_sentences=b_sentences,
        a_best=a_best,
        b_best=b_best,
        pairs=pairs,
        unique_a=unique_a,
        unique_b=unique_b,
        similarity=similarity,
        cosine=cosine,
        threshold=threshold,
        distinctive=distinctive,
    )
