"""The Spark engine against the local one, on a small generated corpus: the same copies, stories and frames.

One Spark analysis (a session-scoped fixture: local[2], tiny corpus) serves
every test here; the corpus is generated so the test needs nothing but Spark:
a dozen events, each reported by several outlets within two days with its
own names and one way of framing it, plus syndicated copies (wire text
reprinted with a line added) and input the loader must report (a malformed
line, a record without text, an exact duplicate). What the engines must
agree on is what the issue asks on the real corpus, measured on AllSides by
`python -m dashboard.bench --spark-agreement`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import normalized_mutual_info_score

from dashboard import queries
from dashboard.cli import run as cli_run
from dashboard.loading import load_corpus
from dashboard.pipeline import analyze
from dashboard.spark.bench import agreement
from spark_corpus import SETTINGS, generated_records

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def local(corpus_dir):
    return analyze(load_corpus([corpus_dir]), SETTINGS)


def test_the_engines_agree_on_copies_stories_and_frames(local, opened):
    found = agreement(local, opened)
    assert found["articles"] == len(generated_records())
    assert found["duplicate_pairs_local"] >= 6  # the corpus has six reprints; both engines must see them
    assert found["duplicate_pairs_f1"] >= 0.9
    assert found["stories_nmi"] >= 0.85
    assert found["dominant_frames_agree"] >= 0.95
    assert opened.lexicon == local.lexicon


def test_stories_are_the_events(opened):
    """Each event's articles share names no other event uses: stories found from the text recover the events."""
    event_of_title: dict[str, int] = {}
    for r in generated_records():
        event_of_title.setdefault(r["title"], len(event_of_title))
    truth = [event_of_title[t] for t in opened.documents["title"]]
    assert normalized_mutual_info_score(truth, opened.documents["story"]) >= 0.9


def test_the_load_report_lists_what_was_not_used(opened):
    problems = {(i.item, i.problem.split(" (")[0]) for i in opened.corpus.issues}
    items = " ".join(item for item, _ in problems)
    assert "a.jsonl line" in items  # the malformed line and the record without text, by line
    assert any("not valid JSON" in p for _, p in problems)
    assert any(p == "has no text" for _, p in problems)
    assert any(p.startswith("exact duplicate of") for _, p in problems)


@pytest.mark.parametrize("a, b", [
    ("bias:left", "bias:right"),  # stored counts per column value
    ("source:Daily Ledger", "rest"),  # a stored group against the background less it
    ("date:2021-03-01..2021-03-20", "all"),  # no stored counts: counted from the folder's tokens
])
def test_key_terms_from_the_folder_are_the_local_engines(local, opened, a, b):
    spark_terms = queries.key_terms(opened, a, b).set_index("term")
    local_terms = queries.key_terms(local, a, b).set_index("term")
    assert len(spark_terms) == len(local_terms)
    top = local_terms.index[:25]
    assert set(top) <= set(spark_terms.index)
    for column in ("count_a", "count_b", "names_outlet"):
        assert (spark_terms.loc[top, column].to_numpy() == local_terms.loc[top, column].to_numpy()).all()
    assert np.allclose(spark_terms.loc[top, "z"], local_terms.loc[top, "z"], atol=1e-6)


def test_a_result_folder_is_opened_and_queried_without_spark(spark_result):
    """The dashboard and the CLI read the folder with pyarrow: a fresh process never imports pyspark."""
    code = (
        "import sys, json\n"
        "from dashboard.cli import run\n"
        f"code = run(['terms', {str(spark_result)!r}, '--a', 'bias:left', '--b', 'rest', '--limit', '5'])\n"
        "assert code == 0, code\n"
        "from dashboard.spark.result import open_result\n"
        f"a = open_result({str(spark_result)!r})\n"
        "assert len(a.documents) > 0 and a.clusters\n"
        "print('pyspark' in sys.modules, 'py4j' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False False"
    records = json.loads(done.stdout[: done.stdout.rindex("]") + 1])
    assert records and {"term", "z", "count_a", "count_b"} <= set(records[0])


def test_the_folder_holds_the_tables_the_issue_names(spark_result):
    for table in ("documents", "stories.parquet", "clusters.parquet", "duplicate_groups.parquet", "term_counts",
                  "group_sizes.parquet", "background.parquet", "load_report.parquet"):
        assert (spark_result / table).exists(), table
    documents = pq.read_table(spark_result / "documents").to_pandas()
    assert {"id", "source", "cluster", "story", "frame", "dup_group", "extra:bias"} <= set(documents.columns)
    counted = pq.read_table(spark_result / "group_sizes.parquet").to_pandas()
    assert {"cluster", "story", "source", "frame", "bias"} <= set(counted["column"])


def test_analyze_json_of_a_spark_result_is_the_local_engines_json(corpus_dir, spark_result, tmp_path):
    """`analyze --engine spark --out FILE.json` writes a result folder and this JSON of it; the same shape as local."""
    out = tmp_path / "spark.json"
    assert cli_run(["analyze", str(spark_result), "--out", str(out)]) == 0
    spark_json = json.loads(out.read_text())
    local_out = tmp_path / "local.json"
    assert cli_run(["analyze", str(corpus_dir), "--unit", "article", "--out", str(local_out)]) == 0
    local_json = json.loads(local_out.read_text())
    assert set(spark_json) == set(local_json)
    assert set(spark_json["documents"][0]) == set(local_json["documents"][0])
    assert set(spark_json["units"][0]) == set(local_json["units"][0])
    assert len(spark_json["documents"]) == len(local_json["documents"])
    framed = [u for u in spark_json["units"] if u["frames"]]
    assert framed and all(set(u["evidence"]) == set(u["frames"]) for u in framed)
    assert any(u["evidence"][u["frame"]]["lexicon"] for u in framed)  # the lexicon words behind a frame are kept


def test_parquet_input_is_read_row_by_row_with_the_report(spark, tmp_path):
    from dashboard.spark import load

    rows = generated_records()[:4]
    table = pa.table({"Body": [r["text"] for r in rows] + [""], "Outlet": [r["source"] for r in rows] + ["X"],
                      "headline": [r["title"] for r in rows] + ["empty"], "bias": [r["bias"] for r in rows] + ["left"]})
    pq.write_table(table, tmp_path / "articles.parquet")
    loaded = load.read_inputs(spark, [str(tmp_path)])
    articles = loaded.articles.toArrow().to_pylist()
    assert sorted(a["source"] for a in articles) == sorted(r["source"] for r in rows)
    assert sorted(json.loads(dict(a["extra"])["bias"]) for a in articles) == sorted(r["bias"] for r in rows)
    report = loaded.report.toArrow().to_pylist()
    assert [r["item"] for r in report] == ["articles.parquet row 5"]
    assert "whitespace" in report[0]["problem"] or "no text" in report[0]["problem"]
