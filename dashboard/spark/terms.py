"""Term counts per group value, so key terms between groups need no recomputing and no Spark.

Key terms (keyterms.compare_groups) compare every n-gram two groups use,
counted over their articles with syndicated copies left out, against the
corpus with copies left out as the prior. Here those counts are aggregated
once per value of every grouping column (cluster, frame, story, source,
language, and each corpus field with at most GROUP_MAX_VALUES values), plus
the background, and written as Parquet sorted by group, so a question reads
two groups' rows and the log-odds is computed from them on the reader's side.

Terms are identified by a 64-bit hash of their text (xxhash64), computed
before anything is shuffled, so groups' rows are matched without strings;
each term's text is kept once, in the background. An n-gram the whole corpus
uses only once is left out: two groups together can never use it the
MIN_TERM_COUNT (3) times key terms ask for (a term in both groups counts in
both, so twice is the most it could reach).
"""

from __future__ import annotations

from ..groups import OPTION_MAX_VALUES

# A corpus column with more distinct values is not counted by value: it is not offered as groups either
# (groups.OPTION_MAX_VALUES), and ids, titles and urls are not groups.
GROUP_MAX_VALUES = OPTION_MAX_VALUES
NOT_GROUPS = frozenset({"title", "url", "origin", "id"})
# Document columns the analysis computes: a corpus field of the same name is kept as "<name>_given"
# (pipeline.table_stage), and is counted under that name.
COMPUTED = frozenset({"id", "source", "title", "date", "url", "language", "origin", "length", "duplicate_of",
                      "dup_group", "originality", "cluster", "frame", "frames", "story", "units"})


def document_column(key: str) -> str:
    return f"{key}_given" if key in COMPUTED else key


def group_columns(spark, docs, extra_keys: list[str]) -> list[tuple[str, str]]:
    """(corpus field, document column) of the fields worth counting terms for: 2 to GROUP_MAX_VALUES values.

    The count is approximate (HyperLogLog), so a field at the limit may fall either side of it.
    """
    from pyspark.sql import functions as F

    wanted = [k for k in extra_keys if k not in NOT_GROUPS and ":" not in k]
    if not wanted:
        return []
    counts = docs.agg(*[F.approx_count_distinct(F.col("extra").getItem(k)).alias(f"n{i}")
                        for i, k in enumerate(wanted)]).first()
    n_docs = docs.count()
    return [(k, document_column(k)) for i, k in enumerate(wanted)
            if 2 <= (counts[f"n{i}"] or 0) <= GROUP_MAX_VALUES and (counts[f"n{i}"] or 0) < n_docs]


def group_values(docs, extra_columns: list[tuple[str, str]]):
    """(pos, column, value) for every article and grouping column; values as text, as group specs compare them.

    A story is counted when it has two articles or more (the stories the pickers offer); a question about
    an article alone is answered from the stored tokens instead.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    as_text = F.udf(_as_text_json, "string", useArrow=False)
    story_size = F.count("*").over(Window.partitionBy("story"))
    docs = docs.withColumn("_story", F.when(story_size >= 2, F.col("story").cast("string")))
    parts = [F.struct(F.lit("cluster").alias("column"), F.col("cluster").cast("string").alias("value")),
             F.struct(F.lit("frame").alias("column"), F.col("frame").alias("value")),
             F.struct(F.lit("story").alias("column"), F.col("_story").alias("value")),
             F.struct(F.lit("source").alias("column"), F.col("source").alias("value")),
             F.struct(F.lit("language").alias("column"), F.col("language").alias("value"))]
    parts += [F.struct(F.lit(name).alias("column"), as_text(F.col("extra").getItem(key)).alias("value"))
              for key, name in extra_columns]
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
    """(per group: column, value, hash, count), (background: hash, term, count), (sizes: column, value, units, tokens).

    `docs_terms`: pos, n_tokens and `terms` (tokens and n-grams) of the fit articles. Terms are hashed
    before anything is shuffled; the text of each term is kept once, in the background.
    """
    from pyspark.sql import functions as F

    exploded = docs_terms.select("pos", F.explode("terms").alias("term")).withColumn("hash", F.xxhash64("term"))
    background = (exploded.groupBy("hash").agg(F.count("*").alias("count"), F.first("term").alias("term"))
                  .where(F.col("count") >= 2))
    per_doc = exploded.groupBy("pos", "hash").agg(F.count("*").alias("count"))
    kept = per_doc.join(background.select("hash"), "hash", "left_semi")
    groups = (kept.join(F.broadcast(values), "pos").groupBy("column", "value", "hash")
              .agg(F.sum("count").alias("count")))
    sizes = (docs_terms.select("pos", "n_tokens").join(values, "pos").groupBy("column", "value")
             .agg(F.count("*").alias("units"), F.sum("n_tokens").alias("tokens")))
    return groups, background.select("hash", "term", "count"), sizes
