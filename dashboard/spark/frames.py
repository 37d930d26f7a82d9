"""Lexicon frames and their propagation as Spark jobs, with the local engine's counting, model and scoring.

1. Hits: `frames.lexicon_hits` on each partition's tokens, for every bundled
   lexicon (and the user's), with the clear units counted per lexicon: the
   coverages `lexicons.lexicon_choice` chooses from.
2. Seeds: `frame_model.seed_labels` per article; per frame, the positive and
   negative seeds are counted and thinned evenly in corpus order (a window
   per frame and class), as `_thin` does.
3. The context space (`frame_model.context_space`) is learnt on the driver
   from the same evenly spaced CONTEXT_ROWS fit articles, collected; the
   kept seeds are projected on it in Spark and their latent rows collected;
   each frame's regression and calibration is `frame_model.fit_seeds`. All of
   it is bounded (MAX_POSITIVES, MAX_NEGATIVES, CONTEXT_ROWS) whatever the
   corpus size.
4. Scores: `frame_model.frame_scores` (the stronger of lexicon and context)
   per partition, with `dominant`, `frames_carried`, and the evidence of each
   carried frame (`frames.lexicon_term_hits`, `frame_model.learned_words`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .. import frame_model as fm
from .. import frames as fr
from .. import lexicons
from ..models import Settings
from .batches import column, dense_rows, list_matrix, to_csr, token_table


def _arrow(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


@dataclass
class FrameChoice:
    name: str  # bundled name or "custom"
    toml: str
    reason: str
    coverage: dict[str, float]
    frames: list[fr.Frame]
    notices: list[str] = field(default_factory=list)


def candidate_lexicons(settings: Settings) -> dict[str, list[fr.Frame]]:
    """Every bundled lexicon, plus the user's own ("custom") when given: all are counted once."""
    found = {name: lexicons.bundled_frames(name) for name in lexicons.BUNDLED}
    if settings.frames_toml is not None:
        found[lexicons.CUSTOM] = fr.load_frames(settings.frames_toml)[0]
    return found


def count_hits(docs, candidates: dict[str, list[fr.Frame]], aliases: dict[str, str]):
    """pos plus, per candidate lexicon, `hits:<name>` (per frame) and `clear:<name>` (some frame is clear)."""
    from pyspark.sql.types import ArrayType, BooleanType, LongType, StructField, StructType

    fields = [StructField("pos", LongType())]
    for name in candidates:
        fields += [StructField(f"hits:{name}", ArrayType(LongType())), StructField(f"clear:{name}", BooleanType())]
    schema = StructType(fields)
    arrow_schema = _arrow(schema)

    def hits(batches):
        for b in batches:
            table = token_table(column(b, "tokens"), column(b, "breaks"))
            n_tokens = table.lengths()
            arrays = [column(b, "pos")]
            for frames in candidates.values():
                h = fr.lexicon_hits(table, frames, aliases)
                clear = (fm.lexicon_probability(h, n_tokens) >= fm.SCORE_THRESHOLD).any(axis=1) if h.shape[1] else \
                    np.zeros(len(h), dtype=bool)
                arrays += [pa.ListArray.from_arrays(pa.array(np.arange(len(h) + 1, dtype=np.int32) * h.shape[1]),
                                                    pa.array(h.ravel().astype(np.int64))), pa.array(clear)]
            yield pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)

    return docs.select("pos", "tokens", "breaks").mapInArrow(hits, schema)


def choose(hit_rows, candidates: dict[str, list[fr.Frame]], settings: Settings, n_units: int) -> FrameChoice:
    """The lexicon in use and why: lexicons.lexicon_choice on the counted coverages."""
    from pyspark.sql import functions as F

    sums = hit_rows.agg(*[F.sum(F.col(f"`clear:{name}`").cast("long")).alias(name) for name in candidates]).first()
    shares = {name: (sums[name] or 0) / max(n_units, 1) for name in candidates}
    bundled = {name: shares[name] for name in lexicons.BUNDLED}
    name, toml, reason = lexicons.lexicon_choice(settings.lexicon, settings.frames_toml, bundled, "article",
                                                 shares.get(lexicons.CUSTOM))
    frames, warnings = fr.load_frames(toml)
    return FrameChoice(name, toml, reason, bundled, frames, [reason, *warnings])


def fit_model(spark, docs, vectors, choice: FrameChoice, seed: int) -> fm.FrameModel:
    """The frame model of frame_model.fit_frame_model, on seeds and a context sample collected from Spark.

    `docs`: pos, n_tokens, in_fit and `hits` (the chosen lexicon's, per frame).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, ByteType, LongType, StructField, StructType

    names = [f.name for f in choice.frames]
    k = len(names)
    n_terms = len(vectors.terms)
    label_schema = StructType([StructField("pos", LongType()), StructField("labels", ArrayType(ByteType()))])
    label_arrow = _arrow(label_schema)

    def labels(batches):
        for b in batches:
            hits = list_matrix(column(b, "hits"), k, np.int64)
            n_tokens = np.asarray(column(b, "n_tokens"), dtype=np.float64)
            train = np.asarray(column(b, "in_fit"), dtype=bool)
            lab = fm.seed_labels(hits, n_tokens, train)
            yield pa.RecordBatch.from_arrays(
                [column(b, "pos"), pa.ListArray.from_arrays(pa.array(np.arange(len(lab) + 1, dtype=np.int32) * k),
                                                            pa.array(lab.ravel()))], schema=label_arrow)

    seeds = (docs.select("pos", "hits", "n_tokens", "in_fit").mapInArrow(labels, label_schema)
             .select("pos", F.posexplode("labels").alias("frame", "label")).where(F.col("label") >= 0)).localCheckpoint(eager=True)
    counts = {(r["frame"], r["label"]): r["count"] for r in seeds.groupBy("frame", "label").count().collect()}
    n_positive = np.array([counts.get((j, 1), 0) for j in range(k)])
    n_negative = np.array([counts.get((j, 0), 0) for j in range(k)])

    # The context space: evenly spaced fit articles, as context_space thins them, collected.
    fit_pos = docs.where("in_fit").select("pos")
    n_fit = fit_pos.count()
    context_rank = set(_thinned_ranks(n_fit, fm.CONTEXT_ROWS).tolist())
    ranked = fit_pos.withColumn("_rank", F.row_number().over(Window.orderBy("pos")) - 1)
    chosen = ranked.where(F.col("_rank").isin(list(context_rank))).select("pos")
    sample = vectors.rows.join(chosen, "pos", "left_semi").orderBy("pos").select("tfidf").toArrow()
    X = to_csr(sample.column("tfidf").combine_chunks(), n_terms)
    columns, loadings = fm.context_space(X, np.arange(X.shape[0]), seed)
    dims = loadings.shape[0]

    # Kept seeds: per frame and class, the evenly spaced ranks _thin keeps.
    keep = []
    for j in range(k):
        if n_positive[j] < fm.MIN_SEEDS or n_negative[j] < fm.MIN_SEEDS or dims == 0:
            continue
        for label, total, limit in ((1, n_positive[j], fm.MAX_POSITIVES), (0, n_negative[j], fm.MAX_NEGATIVES)):
            keep += [(j, label, int(r)) for r in _thinned_ranks(int(total), limit)]
    results: list[tuple | str] = ["too few"] * k
    if keep:
        by_class = Window.partitionBy("frame", "label").orderBy("pos")
        wanted = spark.createDataFrame(keep, "frame int, label byte, rank int")
        kept = (seeds.withColumn("rank", (F.row_number().over(by_class) - 1).cast("int"))
                .join(wanted, ["frame", "label", "rank"], "inner").select("pos", "frame", "label"))
        latent = _latent(vectors.rows.join(kept.select("pos").distinct(), "pos", "left_semi"), n_terms, columns, loadings)
        table = kept.join(latent, "pos").orderBy("frame", "label", "pos").toArrow()
        frame_of = np.asarray(table.column("frame"))
        label_of = np.asarray(table.column("label"))
        rows = list_matrix(table.column("latent").combine_chunks(), dims)
        for j in range(k):
            if n_positive[j] < fm.MIN_SEEDS or n_negative[j] < fm.MIN_SEEDS or dims == 0:
                continue
            positive = rows[(frame_of == j) & (label_of == 1)]
            negative = rows[(frame_of == j) & (label_of == 0)]
            results[j] = fm.fit_seeds(positive, negative, int(n_positive[j]), int(n_negative[j]))
    model, _ = fm.assemble_model(names, results, columns, loadings, n_positive, n_negative)
    return model


def _thinned_ranks(total: int, limit: int) -> np.ndarray:
    """The ranks frame_model._thin keeps of `total` rows."""
    return fm._thin(np.arange(total), limit)


def _latent(rows, n_terms: int, columns: np.ndarray, loadings: np.ndarray):
    """pos and latent coordinates (the context space) of TF-IDF rows."""
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("latent", ArrayType(DoubleType()))])
    arrow_schema = _arrow(schema)

    def project(batches):
        for b in batches:
            X = to_csr(column(b, "tfidf"), n_terms)
            yield pa.RecordBatch.from_arrays([column(b, "pos"), dense_rows(X[:, columns] @ loadings.T)],
                                             schema=arrow_schema)

    return rows.select("pos", "tfidf").mapInArrow(project, schema)


def score(docs, vectors, choice: FrameChoice, model: fm.FrameModel, aliases: dict[str, str]):
    """pos, dominant frame, frames carried, a score per frame, and the lexicon entries' occurrences per article.

    The occurrences (`entries`, `entry_counts`) are frames.lexicon_term_hits:
    with the frame model they are each frame's evidence (queries.frame_evidence_by_unit).
    """
    from pyspark.sql.types import ArrayType, DoubleType, IntegerType, LongType, StringType, StructField, StructType

    names = [f.name for f in choice.frames]
    k = len(names)
    n_terms = len(vectors.terms)
    frames = choice.frames
    schema = StructType([
        StructField("pos", LongType()), StructField("frame", StringType()), StructField("frames", ArrayType(StringType())),
        StructField("scores", ArrayType(DoubleType())), StructField("entries", ArrayType(IntegerType())),
        StructField("entry_counts", ArrayType(LongType())),
    ])
    arrow_schema = _arrow(schema)

    def scores(batches):
        for b in batches:
            X = to_csr(column(b, "tfidf"), n_terms)
            hits = list_matrix(column(b, "hits"), k, np.int64)
            n_tokens = np.asarray(column(b, "n_tokens"), dtype=np.float64)
            values = fm.frame_scores(model, X, hits, n_tokens)
            # As pipeline.frame_stage: the words decide the dominant frame where they are clear.
            dominant = fm.dominant(values, names, fm.lexicon_probability(hits, n_tokens))
            term_hits, _entries = fr.lexicon_term_hits(token_table(column(b, "tokens"), column(b, "breaks")), frames,
                                                       aliases)
            term_hits.sort_indices()
            offsets = pa.array(term_hits.indptr.astype(np.int32))
            yield pa.RecordBatch.from_arrays([
                column(b, "pos"), pa.array([str(d) for d in dominant], pa.string()),
                pa.array(fm.frames_carried(values, names, dominant), pa.list_(pa.string())), dense_rows(values),
                pa.ListArray.from_arrays(offsets, pa.array(term_hits.indices.astype(np.int32))),
                pa.ListArray.from_arrays(offsets, pa.array(term_hits.data.astype(np.int64))),
            ], schema=arrow_schema)

    joined = docs.select("pos", "tokens", "breaks", "n_tokens", "hits").join(vectors.rows.select("pos", "tfidf"), "pos")
    return joined.mapInArrow(scores, schema)


def lexicon_entries(choice: FrameChoice, aliases: dict[str, str]) -> list[tuple[str, str]]:
    """The lexicon entries (frame, term as written) the `entries` of `score` number."""
    from ..tokens import TokenTable

    empty = TokenTable(np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.array([], dtype=object))
    return fr.lexicon_term_hits(empty, choice.frames, aliases)[1]
