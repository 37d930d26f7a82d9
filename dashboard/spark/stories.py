"""Stories as Spark jobs: dashboard.stories' representation, candidates and average linkage, distributed.

The method is `stories.find_stories`, step by step:

1. Zone-weighted counts per article (`stories._weighted_counts`: title,
   lead, body up to BODY_TOKENS, figures of title and lead) on each
   partition, from the article's own tokens and its title tokenised with its
   language's stop words.
2. Sublinear TF-IDF over the corpus (terms in one article weigh 0), each
   article truncated to its TOP_TERMS heaviest terms and L2-normalised, as
   aggregations and a window per article (ties: the term's spelling, where
   the local engine takes its first appearance).
3. Candidates never all pairs: postings keyed by (term, WINDOW_DAYS bucket),
   keys held by more than MAX_POSTINGS articles left out; each dated article
   asks its own and the two neighbouring buckets; undated articles ask every
   article through terms in at most MAX_POSTINGS articles. Dot products are
   a join and a sum; the time decay and the edge floor are applied as there.
4. Group-average agglomerative clustering (`stories._average_linkage`, the
   local function) runs per connected component of the strong edges, one
   component per task: stories never cross those components, so this is
   the local result. The components themselves are found on the driver
   from the strong edges (scipy), a list of integer pairs.
5. Ids: 1 = largest, ties by first appearance; each story's most central
   titled member names it (`stories._label`).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .. import stories as story_mod
from ..tokens import stop_words_with, tokenize_many
from .batches import column, token_table


def _arrow(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def weighted_terms(docs, aliases: dict[str, str], stop_words: dict[str, frozenset[str]], params: story_mod.StoryParams):
    """pos, day (ordinal, -1 undated) and the zone-weighted count of each term, exploded (pos, term, weight)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, DoubleType, LongType, StringType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("day", LongType()),
                         StructField("terms", ArrayType(StringType())), StructField("weights", ArrayType(DoubleType()))])
    arrow_schema = _arrow(schema)
    english = stop_words.get("en") or stop_words_with(())

    def weigh(batches):
        for b in batches:
            titles = [story_mod._title_or_none(t) or "" for t in column(b, "title").to_pylist()]
            texts = [t or "" for t in column(b, "cleaned").to_pylist()]
            sets = [stop_words.get(code or "", english) for code in column(b, "language").to_pylist()]
            days = story_mod._day_numbers(column(b, "date").to_pylist(), [])
            text_tokens = token_table(column(b, "tokens"))
            title_tokens = tokenize_many(titles, aliases, sets)
            numbers = story_mod._table_from_lists([story_mod._numbers(t, x) for t, x in zip(titles, texts)])
            blocks, vocab = story_mod._weighted_counts(text_tokens, title_tokens, numbers, params)
            counts = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, len(vocab)))
            words = pa.array(np.asarray(vocab, dtype=object).tolist(), pa.string()) if len(vocab) else pa.array([], pa.string())
            offsets = pa.array(counts.indptr.astype(np.int32))
            yield pa.RecordBatch.from_arrays([
                column(b, "pos"), pa.array(days.astype(np.int64)),
                pa.ListArray.from_arrays(offsets, words.take(pa.array(counts.indices.astype(np.int32)))),
                pa.ListArray.from_arrays(offsets, pa.array(counts.data.astype(np.float64))),
            ], schema=arrow_schema)

    weighted = docs.select("pos", "title", "cleaned", "date", "language", "tokens").mapInArrow(weigh, schema)
    exploded = weighted.select("pos", "day", F.explode(F.arrays_zip("terms", "weights")).alias("tw"))
    return (weighted.select("pos", "day"),
            exploded.select("pos", "day", F.col("tw.terms").alias("term"), F.col("tw.weights").alias("count")))


def truncated_vectors(counts, n_articles: int, params: story_mod.StoryParams):
    """(pos, day, term, weight): sublinear TF-IDF, each article's top_terms heaviest, L2-normalised."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    df = counts.groupBy("term").agg(F.count("*").alias("df"))
    idf = F.when(F.col("df") >= 2, F.log((1.0 + n_articles) / (1.0 + F.col("df"))) + 1.0).otherwise(0.0)
    weighted = (counts.join(df, "term")
                .withColumn("weight", (1.0 + F.log(F.col("count"))) * idf)
                .where(F.col("weight") > 0))
    by_weight = Window.partitionBy("pos").orderBy(F.col("weight").desc(), F.col("term"))
    top = weighted.withColumn("_rank", F.row_number().over(by_weight)).where(F.col("_rank") <= params.top_terms)
    norm = F.sqrt(F.sum(F.col("weight") * F.col("weight")).over(Window.partitionBy("pos")))
    return top.withColumn("weight", F.col("weight") / norm).select("pos", "day", "term", "weight")


def similar_pairs(vectors, params: story_mod.StoryParams):
    """(i, j, s), i < j: time-weighted similarities at or above the edge floor (stories._similar_pairs)."""
    from pyspark.sql import functions as F

    floor = params.edge_floor * params.threshold
    window = max(int(params.window_days), 1)
    dated = vectors.where(F.col("day") >= 0).withColumn("bucket", F.floor(F.col("day") / window))
    held = dated.groupBy("term", "bucket").agg(F.count("*").alias("n")).where(F.col("n") <= params.max_postings)
    postings = dated.join(held.select("term", "bucket"), ["term", "bucket"], "left_semi").select(
        "term", "bucket", F.col("pos").alias("j"), F.col("day").alias("day_j"), F.col("weight").alias("w_j"))
    asks = dated.select("term", F.explode(F.array(F.col("bucket") - 1, F.col("bucket"), F.col("bucket") + 1)).alias("bucket"),
                        F.col("pos").alias("i"), F.col("day").alias("day_i"), F.col("weight").alias("w_i"))
    products = asks.join(postings, ["term", "bucket"]).where(F.col("j") > F.col("i"))
    summed = products.groupBy("i", "j").agg(F.sum(F.col("w_i") * F.col("w_j")).alias("s"),
                                            F.first("day_i").alias("day_i"), F.first("day_j").alias("day_j"))
    gap = F.abs(F.col("day_i") - F.col("day_j"))
    decayed = summed.withColumn("s", F.col("s") * F.exp(-F.greatest(gap - 1, F.lit(0)) / float(params.decay_days)))
    dated_pairs = decayed.where((gap <= params.window_days) & (F.col("s") >= floor)).select("i", "j", "s")

    # Undated articles: against every article, through terms held by at most max_postings articles.
    common = vectors.groupBy("term").agg(F.count("*").alias("n")).where(F.col("n") <= params.max_postings)
    rare = vectors.join(common.select("term"), "term", "left_semi")
    undated = rare.where(F.col("day") < 0).select("term", F.col("pos").alias("a"), F.col("weight").alias("w_a"))
    others = rare.select("term", F.col("pos").alias("b"), F.col("day").alias("day_b"), F.col("weight").alias("w_b"))
    undated_sums = (undated.join(others, "term").where(F.col("a") != F.col("b"))
                    .where((F.col("day_b") >= 0) | (F.col("b") > F.col("a")))
                    .groupBy("a", "b").agg(F.sum(F.col("w_a") * F.col("w_b")).alias("s"))
                    .where(F.col("s") >= floor))
    undated_pairs = undated_sums.select(F.least("a", "b").alias("i"), F.greatest("a", "b").alias("j"), "s")
    return dated_pairs.unionByName(undated_pairs)


def _link_component(table: pa.Table, threshold: float, max_span: float) -> pa.Table:
    """stories._average_linkage over one component's edges: (pos, root pos) for its members."""
    i = np.asarray(table.column("i"), dtype=np.int64)
    j = np.asarray(table.column("j"), dtype=np.int64)
    s = np.asarray(table.column("s"), dtype=np.float64)
    day_i, day_j = np.asarray(table.column("day_i"), dtype=np.int64), np.asarray(table.column("day_j"), dtype=np.int64)
    members, inverse = np.unique(np.concatenate([i, j]), return_inverse=True)
    days = np.empty(len(members), dtype=np.int64)
    days[inverse] = np.concatenate([day_i, day_j])
    li, lj = inverse[: len(i)], inverse[len(i):]
    roots = story_mod._average_linkage(len(members), li, lj, s, threshold, days, max_span)
    return pa.table({"pos": pa.array(members, pa.int64()), "group": pa.array(members[roots], pa.int64())})


def story_groups(spark, pairs, days, params: story_mod.StoryParams):
    """pos -> group (the pos of its group's root) for articles in some story of two or more."""
    from pyspark.sql import functions as F

    pairs = pairs.localCheckpoint(eager=True)
    strong = pairs.where(F.col("s") >= params.threshold).select("i", "j").toArrow()
    si, sj = np.asarray(strong.column("i"), dtype=np.int64), np.asarray(strong.column("j"), dtype=np.int64)
    if len(si) == 0:
        return spark.createDataFrame([], "pos long, group long")
    nodes, inverse = np.unique(np.concatenate([si, sj]), return_inverse=True)
    n = len(nodes)
    _, component = connected_components(
        sp.coo_matrix((np.ones(len(si)), (inverse[: len(si)], inverse[len(si):])), shape=(n, n)), directed=False)
    comp = spark.createDataFrame(pa.table({"pos": pa.array(nodes), "component": pa.array(component.astype(np.int64))}))
    edges = (pairs.join(comp.withColumnRenamed("pos", "i").withColumnRenamed("component", "ci"), "i")
             .join(comp.withColumnRenamed("pos", "j").withColumnRenamed("component", "cj"), "j")
             .where(F.col("ci") == F.col("cj"))
             .join(days.withColumnRenamed("pos", "i").withColumnRenamed("day", "day_i"), "i")
             .join(days.withColumnRenamed("pos", "j").withColumnRenamed("day", "day_j"), "j")
             .select(F.col("ci").alias("component"), "i", "j", "s", "day_i", "day_j"))
    threshold, max_span = params.threshold, float(params.max_span_days)
    grouped = edges.groupBy("component").applyInArrow(
        lambda t: _link_component(t, threshold, max_span), "pos long, group long")
    return grouped


def story_labels(spark, docs, groups):
    """pos -> story id (1 = largest, ties by first appearance), for every article."""
    from pyspark.sql import functions as F

    every = docs.select("pos").join(groups, "pos", "left").withColumn("group", F.coalesce("group", "pos"))
    sizes = every.groupBy("group").agg(F.count("*").alias("size"), F.min("pos").alias("first"))
    ranked = sizes.toArrow()
    size, first, group = (np.asarray(ranked.column(c), dtype=np.int64) for c in ("size", "first", "group"))
    order = np.lexsort((first, -size))
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.arange(1, len(order) + 1)
    mapping = spark.createDataFrame(pa.table({"group": pa.array(group), "story": pa.array(ids)}))
    return every.join(mapping, "group").select("pos", "story")


def column_labels(spark, docs, name: str):
    """pos -> story id from the corpus's story column (stories.stories_from_column's numbering)."""
    from pyspark.sql import functions as F

    value = F.trim(F.col("extra").getItem(name))
    # Missing: no value, JSON null or an empty string; each such article is a story of its own.
    raw = docs.select("pos", value.alias("value"))
    raw = raw.withColumn("value", F.when(F.col("value").isin("null", '""') | F.col("value").isNull(), None)
                         .otherwise(F.col("value")))
    keyed = raw.withColumn("group", F.when(F.col("value").isNull(), F.concat(F.lit("\x00"), F.col("pos").cast("string")))
                           .otherwise(F.col("value")))
    sizes = keyed.groupBy("group").agg(F.count("*").alias("size"), F.min("pos").alias("first")).toArrow()
    size, first = np.asarray(sizes.column("size"), dtype=np.int64), np.asarray(sizes.column("first"), dtype=np.int64)
    order = np.lexsort((first, -size))
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.arange(1, len(order) + 1)
    mapping = spark.createDataFrame(pa.table({"group": sizes.column("group"), "story": pa.array(ids)}))
    missing = raw.where(F.col("value").isNull()).count()
    return keyed.join(mapping, "group").select("pos", "story"), missing


def story_column(docs) -> str | None:
    """The corpus's story field (event_id, event or story), if any article has a value in it."""
    from pyspark.sql import functions as F

    for name in story_mod.STORY_COLUMNS:
        value = F.trim(F.col("extra").getItem(name))
        if docs.where(value.isNotNull() & ~value.isin("null", '""')).limit(1).count():
            return name
    return None


def story_table(spark, docs, labels, pairs, vectors, origin: str):
    """One row per story: id, label, title, first_date, last_date, size, representative (pos), outlets (JSON), source.

    The representative is titled before untitled, then the most central
    (summed similarity to its story's other members), then the first; an
    untitled story is named by its heaviest terms (stories._key_terms).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    members = docs.select("pos", "title", "date", "source").join(labels, "pos")
    if pairs is not None:
        same = (pairs.join(labels.withColumnRenamed("pos", "i").withColumnRenamed("story", "si"), "i")
                .join(labels.withColumnRenamed("pos", "j").withColumnRenamed("story", "sj"), "j")
                .where(F.col("si") == F.col("sj")))
        centrality = (same.select(F.col("i").alias("pos"), "s").unionByName(same.select(F.col("j").alias("pos"), "s"))
                      .groupBy("pos").agg(F.sum("s").alias("centrality")))
        members = members.join(centrality, "pos", "left")
    else:
        members = members.withColumn("centrality", F.lit(None).cast("double"))
    titled = F.udf(story_mod._title_or_none, "string", useArrow=False)(F.col("title"))
    members = members.withColumn("clean_title", titled).withColumn("centrality", F.coalesce("centrality", F.lit(0.0)))
    rank = Window.partitionBy("story").orderBy(F.col("clean_title").isNull(), F.col("centrality").desc(), F.col("pos"))
    reps = members.withColumn("_r", F.row_number().over(rank)).where("_r = 1").select(
        "story", F.col("pos").alias("representative"), F.col("clean_title").alias("title"))
    spans = members.groupBy("story").agg(F.count("*").alias("size"), F.min("date").alias("first_date"),
                                         F.max("date").alias("last_date"))
    outlets = (members.groupBy("story", "source").count()
               .groupBy("story").agg(F.to_json(F.map_from_entries(F.array_sort(F.collect_list(
                   F.struct(F.col("source"), F.col("count")))))).alias("outlets")))
    table = spans.join(reps, "story").join(outlets, "story").withColumn("source", F.lit(origin))
    untitled = table.where(F.col("title").isNull()).select("story")
    if vectors is not None and untitled.limit(1).count():
        sums = (vectors.join(labels, "pos").join(untitled, "story", "left_semi")
                .groupBy("story", "term").agg(F.sum("weight").alias("w")))
        top = sums.withColumn("_r", F.row_number().over(Window.partitionBy("story").orderBy(F.col("w").desc(), "term")))
        names = (top.where("_r <= 4").groupBy("story")
                 .agg(F.array_join(F.transform(F.array_sort(F.collect_list(F.struct("_r", "term"))),
                                               lambda x: F.regexp_replace(x["term"], "^#", "")), ", ").alias("key_terms")))
        table = table.join(names, "story", "left").withColumn("title", F.coalesce("title", "key_terms")).drop("key_terms")
    return table.withColumn("title", F.coalesce(F.col("title"), F.concat(F.lit("story "), F.col("story").cast("string"))))


def story_label(title: str, first: str | None, last: str | None) -> str:
    return story_mod._label(title, first, last)


def outlets_sorted(outlets_json: str) -> dict[str, int]:
    """Outlet -> articles, most first (ties by name), as StoryInfo keeps them."""
    counts = json.loads(outlets_json or "{}")
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def iso(day: int) -> str | None:
    return None if day is None or day < 0 else dt.date.fromordinal(int(day)).isoformat()


def rating_columns(docs) -> list[str]:
    """stories.rating_columns from aggregates: rating-named fields with 2 to RATING_MAX_VALUES values, recodings left out.

    A field recodes one already kept when its values and the kept field's
    pair one to one over the articles (missing with missing): the same
    partition of the articles the local engine's codes compare.
    """
    from pyspark.sql import functions as F

    keys = sorted(r[0] for r in docs.select(F.explode(F.map_keys("extra"))).distinct().collect()
                  if story_mod.RATING_NAME_RE.search(r[0]))
    if not keys:
        return []
    text = F.udf(_rating_text, "string", useArrow=False)
    values = docs.select(*[text(F.col("extra").getItem(k)).alias(f"v{i}") for i, k in enumerate(keys)]).persist()
    candidates = []
    for i, name in enumerate(keys):
        distinct = [r[0] for r in values.select(f"v{i}").where(F.col(f"v{i}").isNotNull()).distinct().limit(
            story_mod.RATING_MAX_VALUES + 1).collect()]
        if 2 <= len(distinct) <= story_mod.RATING_MAX_VALUES:
            numeric = all(re.fullmatch(r"-?[0-9.]+", v) for v in distinct)
            candidates.append((numeric, name, i))
    kept: list[tuple[str, int]] = []
    for _numeric, name, i in sorted(candidates):
        same = False
        for _, j in kept:
            pairs = values.select(f"v{i}", f"v{j}").distinct().count()
            if pairs == values.select(f"v{i}").distinct().count() == values.select(f"v{j}").distinct().count():
                same = True
                break
        if not same:
            kept.append((name, i))
    values.unpersist()
    return [name for name, _ in kept]


def _rating_text(value: str | None) -> str | None:
    """An extra value (JSON) as stories.rating_columns reads it: str(value).strip(), None when missing."""
    if value is None:
        return None
    decoded = json.loads(value)
    return None if story_mod._is_missing(decoded) else str(decoded).strip()


def story_ratings(docs, labels, columns: list[str]) -> dict[int, dict[str, dict[str, int]]]:
    """story id -> rating column -> value -> articles, most first (stories.describe_stories)."""
    from pyspark.sql import functions as F

    if not columns:
        return {}
    text = F.udf(_rating_text, "string", useArrow=False)
    out: dict[int, dict[str, dict[str, int]]] = {}
    for name in columns:
        counted = (docs.select("pos", text(F.col("extra").getItem(name)).alias("value")).join(labels, "pos")
                   .groupBy("story", "value").count().toArrow().to_pylist())
        per_story: dict[int, dict[str, int]] = {}
        for row in counted:
            per_story.setdefault(int(row["story"]), {})
            if row["value"] is not None:
                per_story[int(row["story"])][row["value"]] = row["count"]
        for story, values in per_story.items():
            out.setdefault(story, {})[name] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
