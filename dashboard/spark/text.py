"""Cleaning, outlet boilerplate, languages, aliases and tokens as Spark jobs, with the local engine's rules.

Per article, the functions of dashboard.cleaning, .languages and .tokens run
on each partition (`clean_text`, `_line_keys`, `_drop_lines`,
`article_languages`, `tokenize_many`): one implementation of every rule.
What the local engine decides over the whole corpus is an aggregation here:

- outlet boilerplate (cleaning.outlet_boilerplate): each article's keyed
  lines are exploded, counted per (outlet, line) over the articles that count
  (exact copies within an outlet once), and the same tests decide (enough of
  the outlet's articles, spread over OUTLET_MIN_SPAN_DAYS or at the edge, a
  quotation only at the edge; never a whole article);
- aliases: alias detection reads an even sample of at most NAME_SAMPLE_CHARS
  characters (aliases.name_sample), so the sample is collected and
  `detect_aliases` runs on the driver: the same sample, the same table.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import numpy as np
import pyarrow as pa

from .. import aliases as alias_mod
from .. import cleaning
from .. import languages as lang_mod
from ..models import Removal
from ..pipeline import alias_stage
from ..tokens import language_stop_words, stop_words_with, tokenize_many
from .batches import column, token_lists

EPOCH = dt.date(1970, 1, 1)


def _arrow(schema):
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema)


def dense_positions(df, order_cols: list[str], name: str = "pos"):
    """`df` with `name` = 0..n-1 in the order of `order_cols`, computed without one global partition.

    Rows are range-partitioned and sorted, each partition counted, and a
    row's number is its rank in its partition plus the rows before it.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    parts = max(1, df.sparkSession.sparkContext.defaultParallelism)
    ranged = df.repartitionByRange(parts, *order_cols).withColumn("_pid", F.spark_partition_id()).localCheckpoint(eager=True)
    counts = dict(ranged.groupBy("_pid").count().collect())
    offsets, total = [], 0
    for pid in range(max(counts, default=-1) + 1):
        offsets.append(total)
        total += counts.get(pid, 0)
    offset = F.element_at(F.array(*[F.lit(o) for o in offsets or [0]]), F.col("_pid") + 1)
    within = Window.partitionBy("_pid").orderBy(*order_cols)
    numbered = ranged.withColumn(name, (F.row_number().over(within) - 1 + offset).cast("long")).drop("_pid")
    return numbered


# ---------------------------------------------------------------- cleaning, per article


def clean_articles(articles):
    """pos, cleaned text and removals (kind, text) per article: cleaning.clean_text on each partition."""
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    removal = StructType([StructField("kind", StringType()), StructField("text", StringType())])
    schema = StructType([StructField("pos", LongType()), StructField("cleaned", StringType()),
                         StructField("removed", ArrayType(removal))])
    arrow_schema = _arrow(schema)

    def clean(batches):
        for b in batches:
            texts = column(b, "text").to_pylist()
            out_text, out_removed = [], []
            for text in texts:
                cleaned, removed = cleaning.clean_text(text or "")
                out_text.append(cleaned)
                out_removed.append([{"kind": r.kind, "text": r.text} for r in removed])
            yield pa.RecordBatch.from_arrays(
                [column(b, "pos"), pa.array(out_text, pa.string()), pa.array(out_removed, arrow_schema.field("removed").type)],
                schema=arrow_schema)

    return articles.select("pos", "text").mapInArrow(clean, schema)


def _keyed_lines(batches, arrow_schema):
    """Each article's lines as the outlet pass compares them (cleaning._line_keys), one row per keyed line."""
    for b in batches:
        rows = {name: [] for name in arrow_schema.names}
        for pos, source, date, text in zip(column(b, "pos").to_pylist(), column(b, "source").to_pylist(),
                                           column(b, "date").to_pylist(), column(b, "cleaned").to_pylist()):
            lines = (text or "").split("\n")
            numbers = [j for j, line in enumerate(lines) if line]
            keys = cleaning._line_keys([lines[j] for j in numbers])
            keyed = [(j, k) for j, k in zip(numbers, keys) if len(k) >= cleaning._KEY_MIN_CHARS]
            if not keyed:
                continue
            day = _day_number(date)
            seen: set[str] = set()
            for rank, (j, key) in enumerate(keyed):
                rows["pos"].append(pos)
                rows["source"].append(source)
                rows["key"].append(key)
                rows["line"].append(j)
                rows["edge"].append(rank < cleaning.OUTLET_EDGE_LINES or rank >= len(keyed) - cleaning.OUTLET_EDGE_LINES)
                rows["first_in_article"].append(key not in seen)
                rows["quoted"].append(cleaning._QUOTED_RE.search(lines[j]) is not None)
                rows["n_content"].append(len(keyed))
                rows["day"].append(day)
                seen.add(key)
        yield pa.RecordBatch.from_pydict(rows, schema=arrow_schema)


def _day_number(date: str | None) -> int | None:
    if not date:
        return None
    try:
        return (dt.date.fromisoformat(str(date)[:10]) - EPOCH).days
    except ValueError:
        return None


def outlet_boilerplate(docs):
    """pos -> the line numbers that are its outlet's boilerplate: cleaning.outlet_boilerplate as aggregations."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import BooleanType, IntegerType, LongType, StringType, StructField, StructType

    schema = StructType([
        StructField("pos", LongType()), StructField("source", StringType()), StructField("key", StringType()),
        StructField("line", IntegerType()), StructField("edge", BooleanType()),
        StructField("first_in_article", BooleanType()), StructField("quoted", BooleanType()),
        StructField("n_content", IntegerType()), StructField("day", IntegerType()),
    ])
    arrow_schema = _arrow(schema)
    countable = ~F.lower(F.trim(F.coalesce(F.col("source"), F.lit("")))).isin(*cleaning.UNKNOWN_SOURCES)
    articles = docs.where(countable).select("pos", "source", "date", "cleaned")
    # An exact copy of an earlier article of its outlet does not count (its lines still go, if boilerplate).
    first_copy = Window.partitionBy("source", F.xxhash64("cleaned")).orderBy("pos")
    counted = articles.select("pos", "source", (F.row_number().over(first_copy) == 1).alias("counted"))
    per_outlet = counted.where("counted").groupBy("source").agg(F.count("*").alias("outlet_articles"))
    lines = (articles.mapInArrow(lambda it: _keyed_lines(it, arrow_schema), schema)
             .withColumn("key", F.xxhash64("source", "key"))
             .join(counted.select("pos", "counted"), "pos"))
    counting = lines.where(F.col("first_in_article") & F.col("counted"))
    stats = counting.groupBy("key", "source").agg(
        F.count("*").alias("articles"),
        F.avg(F.col("edge").cast("double")).alias("edge_share"),
        F.countDistinct("day").alias("dates"),
        F.min("day").alias("first_day"), F.max("day").alias("last_day"),
        F.min_by("quoted", "pos").alias("first_quoted"),
    ).join(per_outlet, "source")
    needed = F.greatest(F.lit(float(cleaning.OUTLET_MIN_ARTICLES)),
                        F.ceil(F.lit(cleaning.OUTLET_SHARE) * F.col("outlet_articles")).cast("double"))
    at_edge = F.col("edge_share") >= 0.5
    spread = F.when(F.col("dates") >= 3, (F.col("last_day") - F.col("first_day")) >= cleaning.OUTLET_MIN_SPAN_DAYS) \
        .otherwise(at_edge)
    accepted = stats.where((F.col("articles") >= needed) & spread & (at_edge | ~F.col("first_quoted"))).select("key")
    hit = lines.join(accepted, "key", "left_semi")
    per_article = hit.groupBy("pos").agg(F.collect_list("line").alias("lines"), F.count("*").alias("hits"),
                                         F.first("n_content").alias("n_content"))
    return per_article.where(F.col("hits") < F.col("n_content")).select("pos", F.array_sort("lines").alias("drop"))


def drop_boilerplate(cleaned, drops):
    """Cleaned text without its outlet's boilerplate lines (cleaning._drop_lines), the cuts added to the removals."""
    from pyspark.sql import functions as F

    joined = cleaned.join(drops, "pos", "left")
    schema = cleaned.schema
    arrow_schema = _arrow(schema)

    def drop(batches):
        for b in batches:
            texts, removed = column(b, "cleaned").to_pylist(), column(b, "removed").to_pylist()
            for i, numbers in enumerate(column(b, "drop").to_pylist()):
                if numbers:
                    texts[i], more = cleaning._drop_lines(texts[i].split("\n"), numbers)
                    removed[i] = list(removed[i] or []) + [{"kind": r.kind, "text": r.text} for r in more]
            yield pa.RecordBatch.from_arrays(
                [column(b, "pos"), pa.array(texts, pa.string()), pa.array(removed, arrow_schema.field("removed").type)],
                schema=arrow_schema)

    return joined.select("pos", "cleaned", "removed", F.col("drop")).mapInArrow(drop, schema)


# ---------------------------------------------------------------- languages, aliases, tokens


def detect_languages(docs):
    """pos, language code ("" when it cannot be told) and whether a given value was unreadable."""
    from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("language", StringType()),
                         StructField("given_unreadable", BooleanType())])
    arrow_schema = _arrow(schema)

    def detect(batches):
        for b in batches:
            texts = column(b, "cleaned").to_pylist()
            given = [None if g is None else json.loads(g) for g in column(b, "given").to_pylist()]
            codes, _ = lang_mod.article_languages(texts, given)
            unreadable = [g is not None and str(g).strip() != "" and lang_mod._given_language(g) is None for g in given]
            yield pa.RecordBatch.from_arrays([column(b, "pos"), pa.array(codes, pa.string()), pa.array(unreadable)],
                                             schema=arrow_schema)

    from pyspark.sql import functions as F

    return docs.select("pos", "cleaned", F.col("extra").getItem("language").alias("given")).mapInArrow(detect, schema)


def language_notices(spark_counts: dict[str, int], unreadable: int, example: object, extra: tuple[str, ...]):
    """The local engine's language notices and stop-word sets, from the counts of each language."""
    codes = [code for code, n in sorted(spark_counts.items()) for _ in range(n)]
    stop_words = {code: stop_words_with(extra, code) for code in sorted(spark_counts)}
    without_list = {code for code in stop_words if code and language_stop_words(code) is None}
    notices = []
    if unreadable:
        notices.append(f"{unreadable:,} language value(s) of the corpus are not a language code or name "
                       f"(e.g. {example!r}); those articles' language was detected from their text.")
    return stop_words, notices + lang_mod.language_notices(codes, without_list)


def find_aliases(docs, user_aliases):
    """The alias table of pipeline.alias_stage, detected on the same even sample of the cleaned texts."""
    from pyspark.sql import functions as F

    total = docs.agg(F.sum(F.length("cleaned"))).first()[0] or 0
    sample = docs
    if total > alias_mod.NAME_SAMPLE_CHARS:
        stride = -(-total // alias_mod.NAME_SAMPLE_CHARS)
        sample = docs.where(F.col("pos") % stride == 0)
    texts = [r[0] or "" for r in sample.orderBy("pos").select("cleaned").collect()]
    return alias_stage([SimpleNamespace(text=t) for t in texts], user_aliases)


def tokenize(docs, aliases: dict[str, str], stop_words: dict[str, frozenset[str]]):
    """pos, content tokens, where phrases end (no n-gram runs past) and the token count per article.

    tokens.tokenize_many with each article's language's stop words.
    """
    from pyspark.sql.types import ArrayType, BooleanType, IntegerType, LongType, StringType, StructField, StructType

    schema = StructType([StructField("pos", LongType()), StructField("tokens", ArrayType(StringType())),
                         StructField("breaks", ArrayType(BooleanType())), StructField("n_tokens", IntegerType())])
    arrow_schema = _arrow(schema)
    english = stop_words.get("en") or stop_words_with(())

    def tokens(batches):
        for b in batches:
            texts = [t or "" for t in column(b, "cleaned").to_pylist()]
            sets = [stop_words.get(code or "", english) for code in column(b, "language").to_pylist()]
            table = tokenize_many(texts, aliases, sets)
            words, ends = token_lists(table)
            yield pa.RecordBatch.from_arrays(
                [column(b, "pos"), words, ends, pa.array(table.lengths().astype(np.int32))], schema=arrow_schema)

    return docs.select("pos", "cleaned", "language").mapInArrow(tokens, schema)


def removals(rows) -> list[Removal]:
    return [Removal(r["kind"], r["text"]) for r in rows or ()]
