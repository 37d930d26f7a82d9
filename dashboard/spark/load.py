"""Inputs as Spark rows: each file read by the local engine's readers on an executor, Parquet by Spark.

The formats of dashboard.loading (text, CSV/TSV, JSON, JSON Lines, zip, each
gzipped) are read by its own `Loader` and `READERS`, one file per task: a
folder of JSON Lines files is read in parallel, file by file, and each file
gives the same articles and the same per-item report (malformed lines,
empty texts, undecodable bytes, ambiguous dates) as on one machine. A folder
holding a `metadata.csv` is one task, since the sidecar describes its
neighbours. Parquet (a file, or a folder of part files) is read by Spark's
own reader, each row through the same `Loader.add` as a JSON object, with
its file and row number as the item. Local paths are read where the task
runs (the same path on every node: local mode, or a shared file system);
other URIs (`hdfs://`, `s3a://`) go through Spark's file system layer, which
passes over hidden files (names starting with "." or "_") without a word:
only local folders get those listed in the report.

Exact duplicates across files are found with one window over the article
ids, reported as the local loader reports them; articles keep the local
order (files sorted, then their order inside) as `pos`, 0 to n-1. There is
no MAX_ARTICLES cap: that limit protects the dashboard's memory, and an
archive of millions is the reason to use Spark.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from ..loading import CorpusError, _limits
from ..loading.inputs import Entry, folder_entries, path_entry
from ..loading.loader import SIDECAR_NAME, Loader
from ..loading.records import Fields, norm_name, role_columns, simple_value
from .batches import column

PARQUET = ".parquet"
TASKS_PER_CORE = 4  # file tasks spread over this many partitions per core, so one big file does not hold the rest

ROW_FIELDS = ("kind", "order_a", "order_b", "id", "text", "source", "title", "date", "url", "origin", "extra",
              "item", "problem", "action")


def _row_schema():
    from pyspark.sql.types import LongType, MapType, StringType, StructField, StructType

    s = StringType()
    return StructType([
        StructField("kind", s),  # "article", "issue" or "encoding"
        StructField("order_a", LongType()), StructField("order_b", LongType()),
        *[StructField(name, s) for name in ("id", "text", "source", "title", "date", "url", "origin")],
        StructField("extra", MapType(s, s)),  # extra field -> its value as JSON (types survive)
        *[StructField(name, s) for name in ("item", "problem", "action")],
    ])


def _limits_without_cap():
    return dataclasses.replace(_limits(), articles=2**62)


@dataclasses.dataclass(frozen=True)
class FileTask:
    """Files read together by one Loader: one file, or a folder with its metadata.csv."""

    order: int  # position of the first file in the sorted listing
    files: tuple[tuple[str, str, str], ...]  # (name shown in the report, folder group, path or URI)


def _loader_rows(loader: Loader, order: int, start_item: int = 0) -> Iterator[dict]:
    """A finished Loader's articles, issues and encodings as rows."""
    for seq, a in enumerate(loader.articles):
        yield {"kind": "article", "order_a": order, "order_b": seq, "id": a.id, "text": a.text, "source": a.source,
               "title": a.title, "date": a.date, "url": a.url, "origin": a.origin,
               "extra": [(k, json.dumps(v, ensure_ascii=False)) for k, v in a.extra.items()]}
    for seq, issue in enumerate(loader.issues, start=start_item):
        yield {"kind": "issue", "order_a": order, "order_b": seq, "item": issue.item, "problem": issue.problem,
               "action": issue.action}
    for item, encoding in loader.encodings.items():
        yield {"kind": "encoding", "order_a": order, "order_b": 0, "item": item, "problem": encoding}


def read_file_task(task: FileTask, data: bytes | None = None) -> Iterator[dict]:
    """Rows of one task, read by the local Loader exactly as `load_corpus` reads those files."""
    limits = _limits_without_cap()
    entries = []
    for name, group, where in task.files:
        if data is not None:  # bytes handed over by Spark's file system layer
            basename = name.rsplit("/", 1)[-1]
            entries.append(Entry(name=name, group=group, basename=basename, size=len(data),
                                 size_limit=limits.file_bytes, limit_name="MAX_FILE_BYTES",
                                 open=lambda: io.BytesIO(data), seekable=True))
        else:
            path = Path(where)
            try:
                entries.append(dataclasses.replace(path_entry(path, path.name, group, limits), name=name))
            except OSError as exc:
                yield {"kind": "issue", "order_a": task.order, "order_b": 0, "item": name,
                       "problem": f"could not be read: {exc.strerror}", "action": "skipped"}
    loader = Loader(limits)
    loader.run(entries)
    yield from _loader_rows(loader, task.order)


def _tasks_of_folder(root: Path, issues: list) -> tuple[list[FileTask], list[tuple[str, str]]]:
    """Tasks for the readable files under a folder, and its Parquet files (name, path); hidden files reported."""
    limits = _limits_without_cap()
    entries = folder_entries(root, limits, lambda item, problem: issues.append((item, problem)))
    return _group_entries([(e.name, e.group, str(_entry_path(root, e))) for e in entries])


def _entry_path(root: Path, entry: Entry) -> Path:
    shown_root = Path(root.resolve().name)
    return root.resolve() / Path(entry.name).relative_to(shown_root)


def _group_entries(files: list[tuple[str, str, str]]) -> tuple[list[FileTask], list[tuple[str, str]]]:
    """One task per file, except a folder with a metadata.csv, which is one task; Parquet files apart."""
    with_sidecar = {group for name, group, _ in files if name.rsplit("/", 1)[-1].casefold() == SIDECAR_NAME}
    tasks: list[FileTask] = []
    parquet: list[tuple[str, str]] = []
    grouped: dict[str, list] = {}
    for name, group, where in files:
        if name.casefold().endswith(PARQUET):
            parquet.append((name, where))
        elif group in with_sidecar:
            grouped.setdefault(group, []).append((name, group, where))
        else:
            tasks.append(FileTask(0, ((name, group, where),)))
    tasks.extend(FileTask(0, tuple(members)) for members in grouped.values())
    return tasks, parquet


@dataclasses.dataclass
class Loaded:
    """The input as Spark DataFrames: articles with `pos`, and the load report."""

    articles: object  # DataFrame: pos, id, text, source, title, date, url, origin, extra
    report: object  # DataFrame: order_a, order_b, item, problem, action
    encodings: object  # DataFrame: item, encoding


def read_inputs(spark, paths: list[str]) -> Loaded:
    """Every article under the given files, folders and URIs, with the per-item report; no minimum count."""
    from pyspark.sql import functions as F

    driver_issues: list[tuple[str, str]] = []
    tasks: list[FileTask] = []
    parquet: list[tuple[str, str]] = []
    remote: list[str] = []
    for raw in paths:
        text = str(raw)
        if "://" in text and not text.startswith("file://"):
            if text.rstrip("/").casefold().endswith(PARQUET):
                parquet.append((text.rstrip("/").rsplit("/", 1)[-1], text))
            else:
                remote.append(text)
            continue
        root = Path(text.removeprefix("file://"))
        if not root.exists():
            raise CorpusError(f"{root} does not exist (no such file or folder).")
        if root.is_dir() and _is_parquet_dataset(root):
            parquet.append((root.resolve().name, str(root.resolve())))
        elif root.is_dir():
            found, found_parquet = _tasks_of_folder(root, driver_issues)
            tasks.extend(found)
            parquet.extend(found_parquet)
        else:
            found, found_parquet = _group_entries([(root.name, str(root.resolve().parent), str(root.resolve()))])
            tasks.extend(found)
            parquet.extend(found_parquet)
    # Files in their listed order: a task's order is the position of its first file.
    tasks = [dataclasses.replace(t, order=i) for i, t in enumerate(tasks)]
    base = len(tasks)
    parts = []
    schema = _row_schema()
    if tasks:
        parts.append(_read_tasks(spark, tasks, schema))
    for offset, uri in enumerate(remote):
        parts.append(_read_remote(spark, uri, base + offset, schema))
    base += len(remote)
    if parquet:
        parts.append(_read_parquet(spark, parquet, base, schema))
    if driver_issues:
        parts.append(spark.createDataFrame(
            [{"kind": "issue", "order_a": -1, "order_b": i, "item": item, "problem": problem, "action": "skipped"}
             for i, (item, problem) in enumerate(driver_issues)], schema))
    if not parts:
        raise CorpusError("No files were given.")
    rows = parts[0]
    for part in parts[1:]:
        rows = rows.unionByName(part)
    rows = rows.localCheckpoint(eager=True)
    articles = rows.where(F.col("kind") == "article")
    report = rows.where(F.col("kind") == "issue").select("order_a", "order_b", "item", "problem", "action")
    encodings = rows.where(F.col("kind") == "encoding").select("item", F.col("problem").alias("encoding"))
    articles, duplicates = _drop_exact_duplicates(articles)
    report = report.unionByName(duplicates)
    return Loaded(articles, report, encodings)


def _is_parquet_dataset(root: Path) -> bool:
    """A folder Spark (or another writer) made of Parquet part files, read as one table."""
    names = [p.name for p in root.iterdir() if not p.name.startswith((".", "_"))]
    return bool(names) and all(n.endswith(PARQUET) for n in names)


def _read_tasks(spark, tasks: list[FileTask], schema):
    """mapInArrow over a small table of tasks: each partition's worker reads its files with the local Loader."""
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    table = spark.createDataFrame([(t.order, json.dumps(t.files)) for t in tasks], "order long, files string")
    slots = max(1, spark.sparkContext.defaultParallelism * TASKS_PER_CORE)
    table = table.repartition(min(len(tasks), slots), "order")

    def read(batches):
        for b in batches:
            for order, files in zip(column(b, "order").to_pylist(), column(b, "files").to_pylist()):
                task = FileTask(order, tuple(tuple(f) for f in json.loads(files)))
                yield from _as_batches(read_file_task(task), arrow_schema)

    return table.mapInArrow(read, schema)


def _read_remote(spark, uri: str, order: int, schema):
    """Files under a non-local URI, through Spark's file system layer (each file whole: they are within MAX_FILE_BYTES)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(uri).select("path", "content")
    root = uri.rstrip("/")

    def read(batches):
        for b in batches:
            for path, content in zip(column(b, "path").to_pylist(), column(b, "content").to_pylist()):
                name = path[len(root) - len(root.rsplit("/", 1)[-1]):] if path.startswith(root) else path
                group = name.rsplit("/", 1)[0] if "/" in name else ""
                task = FileTask(order, ((name, group, path),))
                yield from _as_batches(read_file_task(task, content), arrow_schema)

    return files.mapInArrow(read, schema)


def _read_parquet(spark, files: list[tuple[str, str]], order: int, schema):
    """Parquet rows through Loader.add, each named "<file> row N" (N from 1, as the file stores them)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow_schema = to_arrow_schema(schema)
    frame = spark.read.option("mergeSchema", "true").parquet(*[where for _, where in files])
    names = [f.name for f in frame.schema.fields]
    roles, extra = role_columns([norm_name(n) for n in names])
    role_of = {role: names[i] for role, i in roles.items()}
    extra_names = [(names[i], key) for i, key in extra]
    frame = frame.select("*", F.col("_metadata.file_path").alias("_fl_file"),
                         F.col("_metadata.row_index").alias("_fl_row"))
    limits = _limits_without_cap()
    file_rank = sorted(where for _, where in files)

    def file_order(path: str) -> int:
        """Rank of the input (file or folder) a row's file belongs to: rows keep the order of sorted inputs."""
        for rank, where in enumerate(file_rank):
            if path.startswith(where) or path.startswith(Path(where).as_uri()) or path.startswith("file:" + where):
                return rank
        return 0

    def read(batches):
        for b in batches:
            values = {n: column(b, n).to_pylist() for n in names}
            paths, rows = column(b, "_fl_file").to_pylist(), column(b, "_fl_row").to_pylist()
            loader = Loader(limits)
            article_keys: list[tuple[int, int]] = []
            issue_keys: list[tuple[int, int]] = []
            shown_files = set()
            for i, (path, row) in enumerate(zip(paths, rows)):
                shown = path.rstrip("/").rsplit("/", 1)[-1]
                shown_files.add(shown)
                given = [values[role_of[r]][i] if r in role_of else None for r in ("text", "source", "title", "date", "url")]
                if isinstance(given[3], (dt.date, dt.datetime)):
                    given[3] = given[3].isoformat()[:10]
                fields = Fields(*given, {key: simple_value(values[name][i]) for name, key in extra_names})
                n_articles, n_issues = len(loader.articles), len(loader.issues)
                loader.add(f"{shown} row {row + 1}", fields, date_column=shown)
                key = (order, file_order(path) * 2**40 + row)
                article_keys += [key] * (len(loader.articles) - n_articles)
                issue_keys += [key] * (len(loader.issues) - n_issues)
            for shown in sorted(shown_files):
                n_issues = len(loader.issues)
                loader.settle_dates(shown)
                issue_keys += [(order, 2**62)] * (len(loader.issues) - n_issues)
            out = []
            for (a, b_), article in zip(article_keys, loader.articles):
                out.append({"kind": "article", "order_a": a, "order_b": b_, "id": article.id, "text": article.text,
                            "source": article.source, "title": article.title, "date": article.date,
                            "url": article.url, "origin": article.origin,
                            "extra": [(k, json.dumps(v, ensure_ascii=False)) for k, v in article.extra.items()]})
            for (a, b_), issue in zip(issue_keys, loader.issues):
                out.append({"kind": "issue", "order_a": a, "order_b": b_, "item": issue.item,
                            "problem": issue.problem, "action": issue.action})
            yield from _as_batches(out, arrow_schema)

    return frame.mapInArrow(read, schema)


def _as_batches(rows, arrow_schema: pa.Schema, size: int = 500):
    chunk = []
    for row in rows:
        chunk.append({name: row.get(name) for name in ROW_FIELDS})
        if len(chunk) >= size:
            yield pa.RecordBatch.from_pylist(chunk, schema=arrow_schema)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=arrow_schema)


def _drop_exact_duplicates(articles):
    """The first article of each id is kept; later ones are reported as the local loader reports them."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_id = Window.partitionBy("id").orderBy("order_a", "order_b")
    ranked = articles.withColumn("_rank", F.row_number().over(by_id)).withColumn(
        "_first_origin", F.first("origin").over(by_id))
    kept = ranked.where(F.col("_rank") == 1).drop("_rank", "_first_origin", "kind", "item", "problem", "action")
    duplicates = ranked.where(F.col("_rank") > 1).select(
        "order_a", "order_b", F.col("origin").alias("item"),
        F.concat(F.lit("exact duplicate of "), F.col("id"), F.lit(" ("), F.col("_first_origin"), F.lit(")")).alias("problem"),
        F.lit("skipped").alias("action"))
    return kept, duplicates
