"""Framing clusters with Spark ML's k-means (or bisecting k-means), their cards and the map.

The clustering space is the local engine's for a large corpus
(clusters.framing_features): each article's TF-IDF over the terms shared by
two or more articles (the LSA_MAX_TERMS most widely shared), on LSA_DIMS
latent axes (learnt by the same truncated SVD on an evenly spaced sample,
every article projected on them), each story's shared content taken out
there (story_residuals), weighed by 1 - frame_weight, beside the profile of
the frames it carries, weighed by frame_weight. Spark's KMeans clusters the
fit articles with cosine distance (BisectingKMeans for
`--method agglomerative`: Spark has no agglomerative clustering, and
bisecting k-means is its hierarchical, divisive counterpart); copies are
placed at their nearest centre. Without a given k, k is chosen as the local
engine chooses it, by `clusters.fit_clusters` on the same evenly spaced
sample of K_SEARCH_SAMPLE articles, collected (silhouettes of k-means fits).

Cards follow pipeline._cluster_infos: the distinctive terms are the mean
TF-IDF in the cluster against the mean elsewhere (sums per cluster and
term, aggregated), the frame test is frame_lift on the counted articles
(patterns of carried frames counted per cluster), representatives are the
articles closest to the centre. The map's axes are the two principal axes of
an evenly spaced sample of MAP_SAMPLE articles (PCA), every article
projected on them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from .. import clusters as cl
from .. import frame_lift as lift_mod
from .. import frame_model as fm
from .. import frames as fr
from ..models import ClusterInfo
from .batches import column, list_matrix, to_csr

MAP_SAMPLE = 5_000
KMEANS_MAX_ITER = 30


def _arrow(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def shared_columns(vectors) -> np.ndarray:
    """The term columns shared by two or more articles; at most LSA_MAX_TERMS, the most widely shared."""
    from pyspark.ml.stat import Summarizer
    from pyspark.sql import functions as F

    counts = vectors.rows.select(Summarizer.numNonZeros(F.col("tfidf")).alias("nnz")).first()["nnz"].toArray()
    n = vectors.rows.count()
    shared = np.flatnonzero(counts >= min(2, n))
    if len(shared) == 0:
        shared = np.arange(len(counts))
    if len(shared) > cl.LSA_MAX_TERMS:
        shared = np.sort(shared[np.argsort(-counts[shared], kind="stable")[: cl.LSA_MAX_TERMS]])
    return shared


LSA_SAMPLE = 5_000  # articles, evenly spaced, the LSA axes are learnt from


def lsa_axes(vectors, shared: np.ndarray, n: int, seed: int) -> np.ndarray:
    """(dims x shared columns): the LSA axes (clusters.embed's truncated SVD) learnt on an evenly spaced sample."""
    from sklearn.decomposition import TruncatedSVD

    sample = _evenly_spaced(vectors.rows, n, LSA_SAMPLE)
    table = vectors.rows.join(sample, "pos", "left_semi").orderBy("pos").select("tfidf").toArrow()
    X = normalize(to_csr(table.column("tfidf").combine_chunks(), len(vectors.terms))[:, shared])
    dims = min(cl.LSA_DIMS, X.shape[1] - 1, X.shape[0] - 1)
    if dims < 1:
        return np.eye(1, X.shape[1])
    return TruncatedSVD(n_components=dims, random_state=seed, n_iter=2).fit(X).components_


def features(spark, vectors, scores, stories, shared: np.ndarray, axes: np.ndarray, frame_weight: float,
             n_frames: int, remove_story_content: bool):
    """pos and the clustering vector of every article: clusters.framing_features in its LSA form.

    Words: the article's shared-term TF-IDF, normalised, on the LSA axes,
    normalised (clusters.embed); with remove_story_content each story's
    shared content is taken out there (clusters.story_residuals on dense
    rows: the story's mean less the corpus mean, for stories of two or more),
    weighed by 1 - frame_weight. Frames: the carried frames' scores,
    normalised, weighed by frame_weight.
    """
    from pyspark.ml.linalg import VectorUDT
    from pyspark.ml.stat import Summarizer
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StructField, StructType

    w = float(min(max(frame_weight, 0.0), 1.0))
    n_terms = len(vectors.terms)
    words_schema = StructType([StructField("pos", LongType()), StructField("words", VectorUDT())])

    def project(batches):
        for b in batches:
            X = normalize(to_csr(column(b, "tfidf"), n_terms)[:, shared])
            yield pa.RecordBatch.from_arrays([column(b, "pos"), _dense_vectors(normalize(X @ axes.T))],
                                             names=["pos", "words"])

    words = vectors.rows.select("pos", "tfidf").mapInArrow(project, words_schema).join(stories, "pos")
    shift = None
    if remove_story_content:
        sizes = words.groupBy("story").agg(F.count("*").alias("size"), Summarizer.mean(F.col("words")).alias("mean"))
        grouped = sizes.where(F.col("size") >= 2)
        if sizes.count() > 1 and grouped.limit(1).count():  # clusters._has_story_groups
            corpus_mean = np.asarray(words.agg(Summarizer.mean(F.col("words"))).first()[0].toArray())
            shift = grouped.select("story", "mean")
    joined = words.join(scores.select("pos", "scores"), "pos")
    if shift is not None:
        joined = joined.join(shift, "story", "left")
    else:
        joined = joined.withColumn("mean", F.lit(None).cast(VectorUDT()))
    schema = StructType([StructField("pos", LongType()), StructField("features", VectorUDT())])
    dims = axes.shape[0]
    take_out = shift is not None  # (the closure below must not hold a DataFrame: it runs on the workers)
    if not take_out:
        corpus_mean = np.zeros(dims)

    def build(batches):
        for b in batches:
            X = _vectors_array(column(b, "words"), dims)
            means = column(b, "mean")
            if take_out:
                has = np.asarray(means.is_valid())
                own = np.zeros_like(X)
                if has.any():
                    own[has] = _vectors_array(means.filter(pa.array(has)), dims) - corpus_mean
                X = normalize(X - own)
            parts = [X * math.sqrt(1.0 - w)]
            if w > 0 and n_frames:
                carried = list_matrix(column(b, "scores"), n_frames)
                profile = np.where(carried >= fm.SCORE_THRESHOLD, carried, 0.0)
                parts.append(normalize(profile) * math.sqrt(w))
            yield pa.RecordBatch.from_arrays([column(b, "pos"), _dense_vectors(np.hstack(parts))],
                                             names=["pos", "features"])

    return joined.select("pos", "words", "scores", "mean").mapInArrow(build, schema)


def _dense_vectors(rows: np.ndarray) -> pa.StructArray:
    """Rows as Spark ML dense vectors."""
    rows = np.asarray(rows, dtype=np.float64)
    n, width = rows.shape
    values = pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32) * width), pa.array(rows.ravel()))
    return pa.StructArray.from_arrays(
        [pa.array(np.full(n, 1, np.int8)), pa.nulls(n, pa.int32()), pa.nulls(n, pa.list_(pa.int32())), values],
        names=["type", "size", "indices", "values"])


def _vectors_array(vectors: pa.Array, width: int) -> np.ndarray:
    """Spark ML vectors (dense ones read straight from their values) as a 2-D array."""
    if isinstance(vectors, pa.ChunkedArray):
        vectors = vectors.combine_chunks()
    kinds = np.asarray(vectors.field("type"), dtype=np.int8)
    if len(kinds) and (kinds == 1).all():
        return np.asarray(vectors.field("values").flatten(), dtype=np.float64).reshape(len(vectors), width)
    return to_csr(vectors, width).toarray()


def _evenly_spaced(frame, n: int, limit: int):
    """The rows of `frame` (by pos) at evenly spaced ranks, as clusters._search_sample / frame_model._thin pick them."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ranks = np.unique(np.linspace(0, n - 1, limit).astype(np.int64)) if n > limit else np.arange(n)
    ranked = frame.select("pos").withColumn("_rank", F.row_number().over(Window.orderBy("pos")) - 1)
    return ranked.where(F.col("_rank").isin(ranks.tolist())).select("pos")


def choose_k(feats, fit, n_fit: int, method: str, seed: int, n_columns: int) -> tuple[int, dict[int, float]]:
    """k and the silhouette of each k tried, by clusters.fit_clusters on the evenly spaced search sample."""
    sample = _evenly_spaced(fit, n_fit, cl.K_SEARCH_SAMPLE)
    table = feats.join(sample, "pos", "left_semi").orderBy("pos").select("features").toArrow()
    X = sp.csr_matrix(_vectors_array(table.column("features"), n_columns))
    result = cl.fit_clusters(X, np.arange(X.shape[0]), "kmeans" if method != "agglomerative" else method, None, seed)
    return result.k, result.silhouettes


def fit(spark, feats, in_fit, method: str, k: int, seed: int):
    """Spark's KMeans (cosine) or BisectingKMeans on the fit rows; (pos -> raw cluster, the model's centres)."""
    from pyspark.ml.clustering import BisectingKMeans, KMeans

    fit_rows = feats.join(in_fit, "pos", "left_semi")
    if method == "agglomerative":
        estimator = BisectingKMeans(k=k, seed=seed, distanceMeasure="cosine", featuresCol="features",
                                    predictionCol="raw")
    else:
        estimator = KMeans(k=k, seed=seed, distanceMeasure="cosine", featuresCol="features", predictionCol="raw",
                           maxIter=KMEANS_MAX_ITER)
    model = estimator.fit(fit_rows)
    assigned = model.transform(feats).select("pos", "raw")
    return assigned, [np.asarray(c, dtype=np.float64) for c in model.clusterCenters()]


def canonical(spark, assigned):
    """pos -> cluster id, 1 = largest, ties by first appearance (clusters.canonical_ids); raw id -> id."""
    from pyspark.sql import functions as F

    sizes = assigned.groupBy("raw").agg(F.count("*").alias("size"), F.min("pos").alias("first")).toArrow()
    raw, size, first = (np.asarray(sizes.column(c), dtype=np.int64) for c in ("raw", "size", "first"))
    order = np.lexsort((first, -size))
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.arange(1, len(order) + 1)
    mapping = spark.createDataFrame(pa.table({"raw": pa.array(raw.astype(np.int32)), "cluster": pa.array(ids)}))
    return assigned.join(mapping, "raw").select("pos", "cluster"), dict(zip(raw.tolist(), ids.tolist()))


def layout(feats, n: int, n_columns: int, seed: int):
    """pos, x, y: every article on the two principal axes of an evenly spaced sample (clusters.layout_2d's picture)."""
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    sample = _evenly_spaced(feats, n, MAP_SAMPLE)
    table = feats.join(sample, "pos", "left_semi").orderBy("pos").select("features").toArrow()
    X = _vectors_array(table.column("features"), n_columns)
    mean, axes = (X.mean(axis=0) if len(X) else np.zeros(n_columns)), np.zeros((2, n_columns))
    if X.shape[0] >= 3 and n_columns >= 2:
        pca = PCA(n_components=2, random_state=seed).fit(X)
        axes = pca.components_
        coords = (X - mean) @ axes.T
        # Fix the sign of each axis so the picture does not flip between runs (as layout_2d does).
        signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
        signs[signs == 0] = 1
        axes = axes * signs[:, None]
    schema = StructType([StructField("pos", LongType()), StructField("x", DoubleType()), StructField("y", DoubleType())])

    def project(batches):
        for b in batches:
            coords = (_vectors_array(column(b, "features"), n_columns) - mean) @ axes.T
            yield pa.RecordBatch.from_arrays([column(b, "pos"), pa.array(coords[:, 0]), pa.array(coords[:, 1])],
                                             names=["pos", "x", "y"])

    return feats.mapInArrow(project, schema)


def term_sums(vectors, labels, k: int):
    """(cluster, column, sum of TF-IDF) over every article: what the distinctive terms compare."""
    from pyspark.sql.types import DoubleType, IntegerType, LongType, StructField, StructType

    n_terms = len(vectors.terms)
    schema = StructType([StructField("cluster", LongType()), StructField("column", IntegerType()),
                         StructField("total", DoubleType())])

    def sums(batches):
        for b in batches:
            X = to_csr(column(b, "tfidf"), n_terms)
            c = np.asarray(column(b, "cluster"), dtype=np.int64)
            S = sp.csr_matrix((np.ones(len(c)), (c, np.arange(len(c)))), shape=(k + 1, len(c))) @ X
            S = S.tocoo()
            yield pa.RecordBatch.from_arrays([pa.array(S.row.astype(np.int64)), pa.array(S.col.astype(np.int32)),
                                              pa.array(S.data.astype(np.float64))], names=["cluster", "column", "total"])

    from pyspark.sql import functions as F

    return (vectors.rows.select("pos", "tfidf").join(labels, "pos").mapInArrow(sums, schema)
            .groupBy("cluster", "column").agg(F.sum("total").alias("total")))


def distinctive_terms(sums, sizes: dict[int, int], terms: np.ndarray, n: int = 8) -> dict[int, list[str]]:
    """Per cluster, clusters.distinctive_terms from the summed TF-IDF: mean inside minus mean elsewhere."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    total_units = sum(sizes.values())
    overall = sums.groupBy("column").agg(F.sum("total").alias("all"))
    size_map = F.create_map(*[x for c, s in sizes.items() for x in (F.lit(c), F.lit(s))])
    inside = F.col("total") / size_map[F.col("cluster")]
    rest = total_units - size_map[F.col("cluster")]
    outside = F.when(rest > 0, (F.col("all") - F.col("total")) / rest).otherwise(0.0)
    scored = sums.join(overall, "column").withColumn("score", inside - outside).where(F.col("score") > 0)
    ranked = scored.withColumn("_r", F.row_number().over(
        Window.partitionBy("cluster").orderBy(F.col("score").desc(), F.col("column"))))
    top = ranked.where(F.col("_r") <= n * 3).orderBy("cluster", "_r").select("cluster", "column").toArrow()
    candidates: dict[int, list[str]] = {}
    for c, col in zip(top.column("cluster").to_pylist(), top.column("column").to_pylist()):
        candidates.setdefault(int(c), []).append(str(terms[col]))
    out = {}
    for c, listed in candidates.items():
        picked: list[str] = []
        for t in listed:
            # As clusters.distinctive_terms: a unigram covered by a picked bigram (or the reverse) is skipped.
            if any(t in p.split(" ") or p in t.split(" ") for p in picked):
                continue
            picked.append(t)
            if len(picked) == n:
                break
        out[c] = picked
    return out


def frame_tests(docs, names: list[str]):
    """frame_lift.best_frames per cluster from the counted articles' carried frames."""
    from pyspark.sql import functions as F

    patterns = (docs.where("in_fit").groupBy("cluster", F.array_sort("frames").alias("frames")).count()
                .toArrow().to_pylist())
    groups, carried = [], []
    for row in patterns:
        flags = [name in row["frames"] for name in names]
        groups.extend([row["cluster"]] * row["count"])
        carried.extend([flags] * row["count"])
    carried_arr = np.array(carried, dtype=bool).reshape(len(carried), len(names))
    lifts = lift_mod.frame_lifts(carried_arr, np.array(groups, dtype=np.int64), names)
    return lift_mod.best_frames(lifts), lift_mod.ALPHA / max(len(lifts), 1)


def representatives(feats, labels, centres_by_id: dict[int, np.ndarray], n_columns: int, n: int = 3) -> dict[int, list[int]]:
    """Per cluster, the n articles closest to its centre (ties: lowest position)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("cluster", LongType()),
                         StructField("sim", DoubleType())])

    def sims(batches):
        for b in batches:
            X = _vectors_array(column(b, "features"), n_columns)
            c = np.asarray(column(b, "cluster"), dtype=np.int64)
            centres = np.vstack([centres_by_id.get(int(x), np.zeros(n_columns)) for x in c]) if len(c) else \
                np.zeros((0, n_columns))
            values = (X * centres).sum(axis=1)
            yield pa.RecordBatch.from_arrays([column(b, "pos"), pa.array(c), pa.array(values)], names=["pos", "cluster", "sim"])

    ranked = feats.join(labels, "pos").mapInArrow(sims, schema).withColumn(
        "_r", F.row_number().over(Window.partitionBy("cluster").orderBy(F.col("sim").desc(), F.col("pos"))))
    out: dict[int, list[int]] = {}
    for row in ranked.where(F.col("_r") <= n).orderBy("cluster", "_r").select("cluster", "pos").toArrow().to_pylist():
        out.setdefault(int(row["cluster"]), []).append(int(row["pos"]))
    return out


def cluster_cards(docs, sums, terms, frames: list[fr.Frame], reps: dict[int, list[int]]) -> list[ClusterInfo]:
    """ClusterInfo per cluster, named as pipeline._cluster_infos names them."""
    from ..pipeline import _frame_test_record

    names = [f.name for f in frames]
    labels_of = {f.name: f.label for f in frames}
    per_source = docs.groupBy("cluster", "source").count().toArrow().to_pylist()
    per_story: dict[int, Counter] = {}
    for row in docs.groupBy("cluster", "story").count().toArrow().to_pylist():
        per_story.setdefault(int(row["cluster"]), Counter())[int(row["story"])] += row["count"]
    sizes: Counter = Counter()
    sources: dict[int, Counter] = {}
    for row in per_source:
        sizes[int(row["cluster"])] += row["count"]
        sources.setdefault(int(row["cluster"]), Counter())[str(row["source"])] += row["count"]
    top = distinctive_terms(sums, dict(sizes), terms)
    best, alpha = frame_tests(docs, names)
    infos = []
    for c in sorted(sizes):
        top_terms = top.get(c, [])
        head = ", ".join(top_terms[:3]) or "no distinctive terms"
        test = best.loc[c].to_dict() if c in best.index else {}
        frame = str(test["frame"]) if test.get("earned") else fr.NO_FRAME
        label = f"{labels_of[frame]}: {head}" if frame != fr.NO_FRAME else head
        infos.append(ClusterInfo(
            id=c, label=label, frame=frame, size=int(sizes[c]), top_terms=top_terms,
            sources=dict(sorted(sources[c].items(), key=lambda kv: (-kv[1], kv[0]))),
            representatives=reps.get(c, []), frame_test=_frame_test_record(test, alpha),
            stories=dict(sorted(per_story.get(c, Counter()).items(), key=lambda kv: (-kv[1], kv[0]))),
        ))
    return infos
