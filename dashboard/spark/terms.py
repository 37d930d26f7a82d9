"""Term counts per group value, so key terms between groups need no recomputing and no Spark.

Key terms (keyterms.compare_groups) compare every n-gram two groups use,
counted over their articles with syndicated copies left out, against the
corpus with copies left out as the prior. Here those counts are aggregated
once per value of every grouping column (cluster, frame, story, source,
language, and each corpus column with at most GROUP_MAX_VALUES values), plus
the background, and written as Parquet sorted by group, so a question reads
two groups' rows and the log-odds is computed from them on the reader's side.

Terms are identified by a 64-bit hash of their text (xxhash64), so two
groups' rows are matched without a join on strings. An n-gram the whole
corpus uses only once is left out: two groups together can never use it the
MIN_TERM_COUNT (3) times key terms ask for (a term in both groups counts in
both, so twice is the most it could reach).
"""

from __future__ import annotations

from ..groups import OPTION_MAX_VALUES

# A corpus column with more distinct values is not counted by value: it is not offered as groups either
# (groups.OPTION_MAX_VALUES), and ids, titles and urls are not groups.
GROUP_MAX_VALUES = OPTION_MAX_VALUES
BUILT_IN = ("cluster", "frame", "story", "source", "language")
NOT_GROUPS = frozenset({"title", "url", "origin", "id"})


def group_columns(spark, docs, extra_keys: list[str]) -> list[str]:
    """The corpus columns (besides the built-in ones) worth counting terms for: 2 to GROUP_MAX_VALUES values.

    The count is approximate (HyperLogLog), so a column at the limit may fall either side of it.
    """
    from pyspark.sql import functions as F

    wanted = [k for k in extra_keys if k not in NOT_GROUPS and k not in BUILT_IN and ":" not in k]
    if not wanted:
        return []
    counts = docs.agg(*[F.approx_count_distinct(F.col("extra").getItem(k)).alias(f"n{i}")
                        for i, k in enumerate(wanted)]).first()
    n_docs = docs.count()
    return [k for i, k in enumerate(wanted) if 2 <= (counts[f"n{i}"] or 0) <= GROUP_MAX_VALUES
            and (counts[f"n{i}"] or 0) < n_docs]


def group_values(docs, extra_columns: list[str]):
    """(pos, column, value) for every article and grouping column; values as text, as group specs compare them."""
    from pyspark.sql import functions as F

    as_text = F.udf(_as_text_json, "string", useArrow=False)
    parts = [F.struct(F.lit("cluster").alias("column"), F.col("cluster").cast("string").alias("value")),
             F.struct(F.lit("frame").alias("column"), F.col("frame").alias("value")),
             F.struct(F.lit("story").alias("column"), F.col("story").cast("string").alias("value")),
             F.struct(F.lit("source").alias("column"), F.col("source").alias("value")),
             F.struct(F.lit("language").alias("column"), F.col("language").alias("value"))]
    parts += [F.struct(F.lit(k).alias("column"), as_text(F.col("extra").getItem(k)).alias("value")) for k in extra_columns]
    exploded = docs.select("pos", F.explode(F.array(*parts)).alias("g"))
    return exploded.select("pos", F.col("g.column").alias("column"), F.col("g.value").alias("value")).where(
        F.col("value").isNotNull() & (F.trim(F.col("value")) != ""))


def _as_text_json(value: str | None) -> str | None:
    """An extra value (stored as JSON) as the text groups._as_text makes of it."""
    import json

    from ..groups import _as_text

    if value is None:
        return None
    return _as_text(json.loads(value))


def count_tables(docs_terms, values):
    """(per group: column, value, hash, term, count), (background: hash, term, count), (sizes: column, value, units, tokens).

    `docs_terms`: pos, n_tokens and `terms` (tokens and n-grams) of the fit articles.
    """
    from pyspark.sql import functions as F

    per_doc = docs_terms.select("pos", F.explode("terms").alias("term")).groupBy("pos", "term").agg(
        F.count("*").alias("count"))
    totals = per_doc.groupBy("term").agg(F.sum("count").alias("count"))
    background = totals.where(F.col("count") >= 2).withColumn("hash", F.xxhash64("term")).localCheckpoint(eager=True)
    kept = per_doc.join(background.select("term"), "term", "left_semi")
    groups = (kept.join(values, "pos").groupBy("column", "value", "term").agg(F.sum("count").alias("count"))
              .withColumn("hash", F.xxhash64("term")))
    sizes = (docs_terms.select("pos", "n_tokens").join(values, "pos").groupBy("column", "value")
             .agg(F.count("*").alias("units"), F.sum("n_tokens").alias("tokens")))
    return groups, background.select("hash", "term", "count"), sizes
