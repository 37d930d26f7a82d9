"""Term counts and TF-IDF rows with Spark ML: the vocabulary, cut-offs and weighting of dashboard.vectors.

Terms are the content tokens plus their n-grams (Spark's NGram over each
article's tokens, as `build_vectors` forms them inside a unit). Spark's
CountVectorizer learns the vocabulary on the fit rows (syndicated copies
left out) with the local engine's document-frequency cut-offs
(vectors.adaptive_df, given as document counts), and the vocabulary is
sorted as the local engine sorts it, so a column is the same term in both.
Spark's IDF counts the document frequencies on the fit rows; its formula is
log((m + 1) / (df + 1)), scikit-learn's smoothed IDF (the local engine's)
is that plus 1, which is added. Rows are weighted as TfidfTransformer
weighs them: sublinear tf (1 + log tf), times IDF, L2-normalised, float32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..models import Settings
from ..pipeline import AnalysisError
from ..tokens import ngram_order, ngrams
from ..vectors import adaptive_df
from .batches import column, from_csr, to_csr


@dataclass
class SparkVectors:
    rows: object  # DataFrame: pos, counts (term counts), tfidf (L2-normalised weights)
    terms: np.ndarray  # column -> term, sorted
    idf: np.ndarray
    min_df: int
    max_df: float


def phrase_terms(tokens: list[str], ends: list[bool], ngram_max: int) -> list[str]:
    """An article's tokens followed by its n-grams up to ngram_max, none running past a phrase end.

    The terms `build_vectors` and `NgramCounter` count from a TokenTable
    (TokenTable.ends_phrase), made with tokens.ngrams phrase by phrase.
    """
    out = list(tokens)
    if ngram_max < 2:
        return out
    start = 0
    for i, end in enumerate(ends):
        if end or i == len(tokens) - 1:
            phrase = tokens[start : i + 1]
            out.extend(ngrams(phrase, ngram_max)[len(phrase):])
            start = i + 1
    return out


def with_terms(docs, ngram_max: int):
    """docs (pos, tokens, breaks, ...) plus `terms`: the tokens and their n-grams (phrase_terms)."""
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    n = ngram_order(ngram_max)
    schema = StructType([*docs.schema.fields, StructField("terms", ArrayType(StringType()))])
    names = docs.columns

    def terms(batches):
        for b in batches:
            made = [phrase_terms(t or [], e or [], n) for t, e in
                    zip(column(b, "tokens").to_pylist(), column(b, "breaks").to_pylist())]
            yield pa.RecordBatch.from_arrays([*[column(b, c) for c in names], pa.array(made, pa.list_(pa.string()))],
                                             names=[*names, "terms"])

    return docs.mapInArrow(terms, schema)


def fit_vectors(with_ngrams, settings: Settings, n_documents: int) -> SparkVectors:
    """Counts and TF-IDF of every article; vocabulary and IDF learnt on the rows with `in_fit`.

    `with_ngrams`: pos, in_fit and `terms` (with_terms).
    """
    from pyspark.ml.feature import IDF, CountVectorizer, CountVectorizerModel
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import LongType, StructField, StructType

    with_ngrams = with_ngrams.select("pos", "in_fit", "terms")
    fit = with_ngrams.where("in_fit")
    n_fit = fit.count()
    auto_min, auto_max = adaptive_df(n_documents or n_fit)
    min_df = settings.min_df if settings.min_df is not None else auto_min
    max_df = settings.max_df if settings.max_df is not None else auto_max
    min_df = max(1, min(int(min_df), n_fit))
    max_docs = max_df * n_fit if max_df <= 1.0 else max_df
    counter = CountVectorizer(inputCol="terms", outputCol="counts", minDF=float(min_df),
                              maxDF=float(max(1, math.floor(max_docs))), vocabSize=2**31 - 1)
    learnt = counter.fit(fit).vocabulary
    if not learnt:
        raise AnalysisError(
            "No terms are left to analyse: the texts hold only stop words, numbers or punctuation, "
            "or the document-frequency cut-offs removed every term.")
    terms = np.array(learnt, dtype=str)
    terms = terms[np.argsort(terms, kind="stable")]
    model = CountVectorizerModel.from_vocabulary(terms.tolist(), inputCol="terms", outputCol="counts")
    counted = model.transform(with_ngrams).select("pos", "in_fit", "counts")
    spark_idf = IDF(inputCol="counts", outputCol="_unused").fit(counted.where("in_fit")).idf.toArray()
    idf = spark_idf + 1.0  # scikit-learn's smoothed IDF
    n_terms = len(terms)
    sublinear = settings.sublinear_tf
    schema = StructType([StructField("pos", LongType()), StructField("counts", VectorUDT()),
                         StructField("tfidf", VectorUDT())])

    def weigh(batches):
        for b in batches:
            counts = to_csr(column(b, "counts"), n_terms)
            weights = counts.astype(np.float64)
            if sublinear:
                weights.data = 1.0 + np.log(weights.data)
            weights.data *= idf[weights.indices]
            norms = np.sqrt(np.bincount(np.repeat(np.arange(weights.shape[0]), np.diff(weights.indptr)),
                                        weights=weights.data**2, minlength=weights.shape[0]))
            weights.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(weights.indptr))
            weights.data = weights.data.astype(np.float32).astype(np.float64)
            yield pa.RecordBatch.from_arrays([column(b, "pos"), column(b, "counts"), from_csr(weights)],
                                             names=["pos", "counts", "tfidf"])

    rows = counted.select("pos", "counts").mapInArrow(weigh, schema)
    return SparkVectors(rows, terms, idf, min_df, float(max_df))
