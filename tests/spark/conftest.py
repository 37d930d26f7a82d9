"""One local SparkSession for every Spark test, or a skip saying why there is none (a failure in CI).

On a user's machine without pyspark or Java the Spark tests skip with the
reason; in CI (`CI` set) the same absence fails them, as the real corpora
and the browser do: a CI run that silently skipped the Spark engine would
look green while testing nothing of it. The session is small: two cores, no
web UI, few shuffle partitions.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from shared_corpora import in_ci

sys.path.insert(0, str(Path(__file__).resolve().parent))  # spark_corpus, beside this file
from spark_corpus import SETTINGS, generated_records  # noqa: E402


def spark_or_skip():
    from dashboard.spark.session import missing_requirements

    problem = missing_requirements()
    if problem is None:
        return None
    if in_ci():
        pytest.fail(f"{problem} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def spark():
    spark_or_skip()
    from dashboard.spark.session import spark_session

    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2",
                                         "spark.ui.enabled": "false", "spark.driver.memory": "2g"})
    yield session
    session.stop()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The generated articles as two JSON Lines files (one gzipped), with input the loader must report."""
    folder = tmp_path_factory.mktemp("spark-corpus")
    records = generated_records()
    half = len(records) // 2
    with open(folder / "a.jsonl", "w", encoding="utf-8") as f:
        for r in records[:half]:
            f.write(json.dumps(r) + "\n")
        f.write("{not json\n")  # a malformed line
        f.write(json.dumps({"source": "Civic Times", "title": "no body"}) + "\n")  # a record without text
    with gzip.open(folder / "b.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in records[half:]:
            f.write(json.dumps(r) + "\n")
        f.write(json.dumps(records[0]) + "\n")  # an exact duplicate of a.jsonl's first article
    return folder


@pytest.fixture(scope="session")
def spark_result(spark, corpus_dir, tmp_path_factory) -> Path:
    from dashboard.spark import run

    out = tmp_path_factory.mktemp("spark-out") / "result"
    run.write_result([str(corpus_dir)], out, SETTINGS)
    return out


@pytest.fixture(scope="session")
def opened(spark_result):
    from dashboard.spark.result import open_result

    return open_result(spark_result)
