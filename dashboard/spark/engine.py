"""The Spark engine's stages composed, and the result folder they write.

`analyze_to_folder(paths, out, settings, spark)` runs the stages of
dashboard.pipeline in the same order (clean, languages, aliases, tokens,
stories, duplicates, vectors, frames, clusters, layout, tables) plus the
key-term counts, each one materialised before the next so its time is its
own, and writes the folder result.open_result reads:

  manifest.json        settings, counts, lexicon, aliases, notices, stage times
  documents/           one row per article: metadata, copies, cluster, story, frames, scores, map position
  texts/               pos, id, text as loaded, cleaned text
  tokens/              pos, content tokens and phrase ends (for views that count words article by article)
  removed/             what cleaning took out (id, kind, text)
  tfidf/, vocabulary.parquet, frame_model.npz   the vectors and the frame model
  clusters.parquet, stories.parquet, duplicate_groups.parquet, duplicate_pairs.parquet
  term_counts/ (by column), group_sizes.parquet, background.parquet   counts for key terms
  load_report.parquet, encodings.parquet        the loader's per-item report
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .. import stories as story_mod
from ..errors import FramelensError
from ..loading import CorpusError
from ..models import Settings
from ..pipeline import AnalysisError, stage_timer
from ..tokens import ngram_order
from . import clusters, copies, frames, load, stories, terms, text, vectors
from .result import FORMAT, MANIFEST, is_result_folder

STAGES = ("load", "clean", "languages", "aliases", "tokens", "stories", "duplicates", "vectors", "frames", "clusters",
          "layout", "tables", "key_terms", "write")
Progress = Callable[[str, float], None]


class OutputFolderError(FramelensError):
    """The output folder cannot be written as asked."""


def prepare_output(out: Path) -> Path:
    """The staging folder to write into: `out` must be new, empty, or an earlier result; never someone's other files.

    The result is written beside `out` and moved into place when complete,
    so a failed run leaves neither a half-written result nor a changed old one.
    """
    if out.exists():
        if not out.is_dir():
            raise OutputFolderError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not is_result_folder(out):
            raise OutputFolderError(f"{out} is not empty and holds no Framelens result: choose a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.writing"
    shutil.rmtree(staging, ignore_errors=True)
    return staging


def _move_into_place(staging: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)


def analyze_to_folder(paths: Sequence[str], out: Path, settings: Settings, spark,
                      progress: Progress | None = None) -> dict:
    """Run every stage on Spark and write the result folder; returns the manifest."""
    out = Path(out)
    staging = prepare_output(out)
    try:
        manifest = _analyze(paths, staging, settings, spark, progress)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _move_into_place(staging, out)
    return manifest


def _analyze(paths: Sequence[str], out: Path, settings: Settings, spark, progress: Progress | None) -> dict:
    from pyspark.sql import functions as F

    if settings.unit == "passage":
        raise AnalysisError("The Spark engine analyses whole articles: use --unit article (or auto).")
    timings: dict[str, float] = {}
    stage = stage_timer(timings, progress, STAGES)
    notices: list[str] = []

    def keep(df):
        """Materialised, with its lineage cut: later plans start here, not from the input again."""
        return df.localCheckpoint(eager=True)

    with stage("load"):
        loaded = load.read_inputs(spark, list(paths))
        articles = text.dense_positions(loaded.articles, ["order_a", "order_b"])
        articles = keep(articles.drop("order_a", "order_b"))
        n = articles.count()
        report = keep(loaded.report.orderBy("order_a", "order_b").select("item", "problem", "action"))
        if n < 2:
            skipped = report.where(F.col("action") == "skipped").limit(1).collect()
            message = f"Found {n} usable article{'s' if n != 1 else ''}; at least 2 are needed to compare how sources frame a story."
            if skipped:
                message += f" Some items could not be used, e.g. {skipped[0]['item']}: {skipped[0]['problem']}."
            raise CorpusError(message)
    with stage("clean"):
        cleaned = keep(text.clean_articles(articles))
        drops = text.outlet_boilerplate(articles.select("pos", "source", "date").join(cleaned, "pos"))
        cleaned = keep(text.drop_boilerplate(cleaned, drops))
        cleaned.count()
    with stage("languages"):
        langs = keep(text.detect_languages(articles.select("pos", "extra").join(cleaned.select("pos", "cleaned"), "pos")))
        counts = {r["language"]: r["count"] for r in langs.groupBy("language").count().collect()}
        bad = langs.where("given_unreadable").join(articles.select("pos", "extra"), "pos")
        n_bad = bad.count()
        example = json.loads(bad.orderBy("pos").first()["extra"]["language"]) if n_bad else None
        stop_words, language_notices = text.language_notices(counts, n_bad, example, settings.extra_stop_words)
    with stage("aliases"):
        aliases = text.find_aliases(cleaned, settings.aliases)
    with stage("tokens"):
        docs = articles.join(cleaned, "pos").join(langs.select("pos", "language"), "pos")
        docs = keep(docs.join(text.tokenize(docs, aliases.table, stop_words), "pos"))
        if docs.agg(F.sum("n_tokens")).first()[0] in (None, 0):
            raise AnalysisError("The articles contain no words to analyse (only numbers, punctuation or stop words).")
    with stage("stories"):
        story = _stories(spark, docs, settings, aliases.table, stop_words, n, keep)
        notices_stories = story["notices"]
    with stage("duplicates"):
        sets = keep(copies.shingles(docs))
        pairs = copies.verified_pairs(copies.candidate_pairs(sets), sets).collect()
        groups, copy_of = copies.copy_groups([(r["i"], r["j"], r["similarity"]) for r in pairs])
        originality = copies.originality(sets)
        group_of = {p: g for g, members in enumerate(groups, start=1) for p in members}
        dup = spark.createDataFrame(pa.table({
            "pos": pa.array(list(group_of), pa.int64()), "dup_group": pa.array(list(group_of.values()), pa.int64()),
            "copy_of": pa.array([copy_of.get(p) for p in group_of], pa.int64())}))
        has_tokens = F.col("n_tokens") > 0
        flagged = docs.select("pos", "n_tokens").join(dup, "pos", "left")
        canonical = F.col("copy_of").isNull() if settings.collapse_duplicates else F.lit(True)
        if flagged.where(has_tokens & canonical).count() < 2:
            canonical = F.lit(True)
        fit_flags = keep(flagged.select("pos", "dup_group", "copy_of", (has_tokens & canonical).alias("in_fit"))
                         .join(originality, "pos", "left")
                         .withColumn("originality", F.bround(F.coalesce("originality", F.lit(1.0)), 4)))
        fit_flags.count()
    docs_fit = docs.join(fit_flags.select("pos", "in_fit"), "pos")
    with stage("vectors"):
        docs_terms = keep(vectors.with_terms(docs_fit.select("pos", "tokens", "breaks", "n_tokens", "in_fit"),
                                             settings.ngram_max))
        vec = vectors.fit_vectors(docs_terms, settings, n - len(copy_of))
        vec.rows = keep(vec.rows)
        vec.rows.count()
    with stage("frames"):
        candidates = frames.candidate_lexicons(settings)
        hit_rows = keep(frames.count_hits(docs, candidates, aliases.table))
        choice = frames.choose(hit_rows, candidates, settings, n)
        framed = keep(docs_fit.select("pos", "tokens", "breaks", "n_tokens", "in_fit").join(
            hit_rows.select("pos", F.col(f"`hits:{choice.name}`").alias("hits")), "pos"))
        model = frames.fit_model(spark, framed, vec, choice, settings.seed)
        scores = keep(frames.score(framed, vec, choice, model, aliases.table))
        scores.count()
    names = [f.name for f in choice.frames]
    with stage("clusters"):
        shared = clusters.shared_columns(vec)
        axes = clusters.lsa_axes(vec, shared, n, settings.seed)
        n_columns = axes.shape[0] + (len(names) if settings.frame_weight > 0 and names else 0)
        feats = keep(clusters.features(spark, vec, scores, story["labels"], shared, axes, settings.frame_weight,
                                       len(names), settings.remove_story_content))
        fit_pos = fit_flags.where("in_fit").select("pos")
        n_fit = fit_pos.count()
        method = settings.method
        if method == "agglomerative":
            notices.append("The Spark engine has no agglomerative clustering; bisecting k-means, its hierarchical "
                           "(divisive) counterpart, was used.")
        k_scores: dict[int, float] = {}
        if settings.k is None:
            k, k_scores = clusters.choose_k(feats, fit_pos, n_fit, method, settings.seed, n_columns)
        else:
            k = min(settings.k, n_fit)
            if k < settings.k:
                notices.append(f"k={settings.k} is more clusters than there are {n_fit} units; used k={k}.")
        assigned, centres = clusters.fit(spark, feats, fit_pos, method, max(k, 2) if n_fit >= 2 else 1, settings.seed)
        labels, raw_to_id = clusters.canonical(spark, assigned)
        labels = keep(labels)
        k_found = len(raw_to_id)
        centres_by_id = {raw_to_id[r]: c for r, c in enumerate(centres) if r in raw_to_id}
    with stage("layout"):
        coords = keep(clusters.layout(feats, n, n_columns, settings.seed))
        coords.count()
    with stage("tables"):
        table = keep(_documents(docs, fit_flags, scores, labels, coords, story["labels"], articles))
        sums = clusters.term_sums(vec, labels, k_found)
        reps = clusters.representatives(feats, labels, centres_by_id, n_columns)
        cards = clusters.cluster_cards(table, sums, vec.terms, choice.frames, reps)
    with stage("key_terms"):
        extra_keys = sorted(r[0] for r in articles.select(F.explode(F.map_keys("extra"))).distinct().collect())
        group_cols = terms.group_columns(spark, articles, extra_keys)
        values = terms.group_values(table, group_cols)
        by_group, background, sizes = (keep(t) for t in terms.count_tables(docs_terms.where("in_fit"), values))
    with stage("write"):
        manifest = _write(out, spark, settings, table, articles, cleaned, report, loaded, vec, model, choice, cards,
                          story, groups, pairs, by_group, background, sizes, extra_keys, group_cols, aliases,
                          stop_words, docs_fit, k_scores, method, language_notices + aliases.notices + choice.notices
                          + model.notices + notices_stories + notices, n, timings)
    manifest["timings"] = {name: round(seconds, 3) for name, seconds in timings.items()}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _stories(spark, docs, settings: Settings, aliases, stop_words, n: int, keep) -> dict:
    """Story labels (pos, story), the story table's rows and the notices, as pipeline's story stage decides them."""
    from pyspark.sql import functions as F

    from ..pipeline import STORY_CHOICES

    if settings.stories not in STORY_CHOICES:
        raise AnalysisError(f"stories must be one of {', '.join(STORY_CHOICES)}, got {settings.stories!r}")
    notices: list[str] = []
    column = stories.story_column(docs) if settings.stories == "column" else None
    if settings.stories == "column" and column is None:
        notices.append(f"No article has a story field ({', '.join(story_mod.STORY_COLUMNS)}), "
                       "so stories were found from the text: titles, texts and dates.")
    params = story_mod.StoryParams()
    pairs = truncated = None
    if column is not None:
        labels, missing = stories.column_labels(spark, docs, column)
        labels = keep(labels)
        if missing:
            notices.append(f"{missing} article(s) have no story value; each is a story of its own.")
        origin = "column"
    else:
        days, counts = stories.weighted_terms(docs, aliases, stop_words, params)
        truncated = keep(stories.truncated_vectors(counts, n, params))
        pairs = keep(stories.similar_pairs(truncated, params))
        groups = stories.story_groups(spark, pairs, keep(days), params)
        labels = keep(stories.story_labels(spark, docs, groups))
        undated = docs.where(F.col("date").isNull()).count()
        if undated:
            notices.append(f"{undated} article(s) have no date; they were grouped into stories by their text alone.")
        origin = "text"
    rows = stories.story_table(spark, docs, labels, pairs, truncated, "column" if column else "text").toArrow().to_pylist()
    rows.sort(key=lambda r: r["story"])
    ratings = stories.story_ratings(docs, labels, stories.rating_columns(docs))
    infos = [{
        "id": int(r["story"]), "label": stories.story_label(r["title"], r["first_date"], r["last_date"]),
        "title": r["title"], "first_date": r["first_date"], "last_date": r["last_date"], "size": int(r["size"]),
        "outlets": stories.outlets_sorted(r["outlets"]), "ratings": ratings.get(int(r["story"]), {}), "source": origin,
        "representative": int(r["representative"]),
    } for r in rows]
    return {"labels": labels, "infos": infos, "column": column, "notices": notices, "pairs": pairs}


def _documents(docs, fit_flags, scores, labels, coords, story_labels, articles):
    """One row per article with everything the documents and units tables show."""
    from pyspark.sql import functions as F

    copy_ids = articles.select(F.col("pos").alias("copy_of"), F.col("id").alias("duplicate_of"))
    return (docs.select("pos", "id", "source", "title", "date", "url", "origin", "extra", "language", "n_tokens",
                        F.length("cleaned").alias("length"))
            .join(fit_flags, "pos").join(copy_ids, "copy_of", "left")
            .join(scores.select("pos", "frame", "frames", "scores", "entries", "entry_counts"), "pos")
            .join(labels, "pos").join(coords, "pos").join(story_labels, "pos"))


def _extra_types(articles, keys: list[str]) -> dict[str, str]:
    """Per extra field, the Parquet type its values share: boolean, long, double, else string."""
    from pyspark.sql import functions as F

    kinds: dict[str, set[str]] = {k: set() for k in keys}
    first = F.substring(F.col("value"), 1, 1)
    kind = (F.when(F.col("value") == "null", "null").when(first == '"', "string")
            .when(F.col("value").isin("true", "false"), "boolean")
            .when(F.col("value").rlike(r"^-?[0-9]+$"), "long")
            .when(F.col("value").rlike(r"^-?[0-9.eE+\-]+$"), "double").otherwise("string"))
    for row in articles.select(F.explode("extra").alias("key", "value")).select("key", kind.alias("kind")).distinct().collect():
        kinds[row["key"]].add(row["kind"])
    out = {}
    for key, found in kinds.items():
        found = found - {"null"}
        if found == {"boolean"}:
            out[key] = "boolean"
        elif found == {"long"}:
            out[key] = "long"
        elif found and found <= {"long", "double"}:
            out[key] = "double"
        else:
            out[key] = "string"
    return out


def _write(out, spark, settings, table, articles, cleaned, report, loaded, vec, model, choice, cards, story, groups,
           pairs, by_group, background, sizes, extra_keys, group_cols, aliases, stop_words, docs_fit, k_scores,
           method, notices, n, timings) -> dict:
    from pyspark.sql import functions as F

    out.mkdir(parents=True, exist_ok=True)
    types = _extra_types(articles, extra_keys)
    decode = F.udf(_decoded, "string", useArrow=False)
    extra_cols = []
    for key in extra_keys:
        value = F.col("extra").getItem(key)
        if types[key] == "string":
            extra_cols.append(decode(value).alias(f"extra:{key}"))
        else:
            extra_cols.append(F.when(value == "null", None).otherwise(value).cast(types[key]).alias(f"extra:{key}"))
    documents = table.select(
        "pos", "id", "source", "title", "date", "url", "language", "origin", "length", "duplicate_of", "dup_group",
        "originality", "cluster", "frame", "frames", "scores", "story", "in_fit", "n_tokens", "x", "y", "entries",
        "entry_counts", *extra_cols)
    documents.orderBy("pos").write.parquet(str(out / "documents"))
    articles.select("pos", "id", "text").join(cleaned.select("pos", "cleaned"), "pos").orderBy("pos") \
        .write.parquet(str(out / "texts"))
    docs_fit.select("pos", "tokens", "breaks").orderBy("pos").write.parquet(str(out / "tokens"))
    articles.select("pos", "id").join(cleaned.select("pos", F.explode("removed").alias("r")), "pos").orderBy("pos") \
        .select("id", F.col("r.kind").alias("kind"), F.col("r.text").alias("text")).coalesce(1) \
        .write.parquet(str(out / "removed.parquet"))
    vec.rows.select("pos", "tfidf").orderBy("pos").write.parquet(str(out / "tfidf"))
    pq.write_table(pa.table({"column": pa.array(np.arange(len(vec.terms))), "term": pa.array(vec.terms.tolist())}),
                   out / "vocabulary.parquet")
    np.savez(out / "frame_model.npz", fitted=model.fitted, n_positive=model.n_positive, n_negative=model.n_negative,
             columns=model.columns, coef=model.coef, intercept=model.intercept, slope=model.slope, offset=model.offset)
    pq.write_table(pa.Table.from_pylist([{
        "id": c.id, "label": c.label, "frame": c.frame, "size": c.size, "top_terms": c.top_terms,
        "sources": json.dumps(c.sources, ensure_ascii=False), "representatives": c.representatives,
        "frame_test": json.dumps(c.frame_test, ensure_ascii=False), "stories": json.dumps(c.stories)} for c in cards],
        schema=pa.schema([("id", pa.int64()), ("label", pa.string()), ("frame", pa.string()), ("size", pa.int64()),
                          ("top_terms", pa.list_(pa.string())), ("sources", pa.string()),
                          ("representatives", pa.list_(pa.int64())), ("frame_test", pa.string()),
                          ("stories", pa.string())])),
        out / "clusters.parquet")
    pq.write_table(pa.Table.from_pylist(
        [{**{k: v for k, v in s.items() if k not in ("outlets", "ratings")},
          "outlets": json.dumps(s["outlets"], ensure_ascii=False)} for s in story["infos"]]), out / "stories.parquet")
    id_of = _ids(spark, articles, {p for members in groups for p in members} | {r[k] for r in pairs for k in ("i", "j")})
    pq.write_table(pa.table({
        "group": pa.array([g for g, members in enumerate(groups, start=1) for _ in members], pa.int64()),
        "member": pa.array([m for members in groups for m in range(len(members))], pa.int64()),
        "id": pa.array([id_of[p] for members in groups for p in members], pa.string())}), out / "duplicate_groups.parquet")
    pq.write_table(pa.table({
        "a": pa.array([id_of[r["i"]] for r in pairs], pa.string()), "b": pa.array([id_of[r["j"]] for r in pairs], pa.string()),
        "similarity": pa.array([r["similarity"] for r in pairs], pa.float64())}), out / "duplicate_pairs.parquet")
    # Rows sorted by value within each column, in files of small row groups: a reader's filter on one value
    # skips the rest by the row groups' statistics.
    parts = max(1, spark.sparkContext.defaultParallelism)
    by_group.repartitionByRange(parts, "column", "value").sortWithinPartitions("column", "value", "hash") \
        .write.option("parquet.block.size", 8 * 1024 * 1024).partitionBy("column").parquet(str(out / "term_counts"))
    background.orderBy("hash").coalesce(1).write.parquet(str(out / "background.parquet"))
    sizes.coalesce(1).write.parquet(str(out / "group_sizes.parquet"))
    report.coalesce(1).write.parquet(str(out / "load_report.parquet"))
    loaded.encodings.coalesce(1).write.parquet(str(out / "encodings.parquet"))
    background_tokens = docs_fit.where("in_fit").agg(F.sum("n_tokens")).first()[0] or 0
    content_hash = format(table.agg(F.bit_xor(F.xxhash64("id", "pos", "source", "title", "date"))).first()[0] & (2**64 - 1), "016x")
    settings_dict = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)}
    return {
        "format": FORMAT, "engine": "spark", "spark_version": spark.version, "master": spark.sparkContext.master,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "settings": settings_dict, "unit": "article",
        "method": method, "k": len(cards), "k_scores": {str(k): v for k, v in k_scores.items()},
        "articles": n, "copies": sum(len(g) - 1 for g in groups), "stories_count": len(story["infos"]),
        "frame_names": [f.name for f in choice.frames], "frame_labels": {f.name: f.label for f in choice.frames},
        "lexicon": {"name": choice.name, "reason": choice.reason, "coverage": choice.coverage, "toml": choice.toml},
        "lexicon_entries": [list(e) for e in frames.lexicon_entries(choice, aliases.table)],
        "aliases": dict(sorted(aliases.table.items())), "notices": notices, "extra_columns": extra_keys,
        "group_columns": [name for _, name in group_cols], "background_tokens": int(background_tokens), "vocabulary_size": len(vec.terms),
        "languages": sorted(stop_words), "ngram_max": ngram_order(settings.ngram_max),
        "stories": story["infos"], "story_column": story["column"], "content_hash": f"spark-{content_hash}",
        "min_df": vec.min_df, "max_df": vec.max_df, "timings": timings,
    }


def _ids(spark, articles, positions: set[int]) -> dict[int, str]:
    """The ids of some articles, by position."""
    if not positions:
        return {}
    wanted = spark.createDataFrame(pa.table({"pos": pa.array(sorted(positions), pa.int64())}))
    table = articles.select("pos", "id").join(wanted, "pos", "left_semi").toArrow()
    return dict(zip(table.column("pos").to_pylist(), table.column("id").to_pylist()))


def _decoded(value: str | None) -> str | None:
    """An extra value stored as JSON, as the text of a string column."""
    return None if value is None else _plain(json.loads(value))


def _plain(value) -> str | None:
    """An extra value as text for a string column (JSON for nested values, as loading.records.simple_value keeps them)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) and not math.isfinite(value) else str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
