"""The dashboard opens a Spark result folder (`streamlit run app.py -- --corpus DIR/`) and answers from it.

The app must neither import pyspark nor recompute: it reads the folder's
tables, shows the analysis Spark made, and answers key-term questions from
the stored counts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def result_corpus(spark_result, monkeypatch):
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(spark_result)])
    from dashboard.ui import state

    monkeypatch.setattr(state, "analyze", lambda *a, **k: pytest.fail("the app recomputed a Spark result"))
    return spark_result


PAGES = ["overview", "stories", "clusters", "terms", "compare", "copies", "settings", "about"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_a_spark_result(result_corpus, page):
    run(f"dashboard/ui/{page}.py")


def test_the_overview_shows_the_spark_result(result_corpus, opened):
    at = run()
    shown = {m.label: m.value for m in at.metric}
    assert str(shown["Articles"]) == str(len(opened.documents))


def test_key_terms_are_answered_from_the_folder(result_corpus):
    at = run("dashboard/ui/terms.py", {"group_a": "bias:left", "group_b": "bias:right"})
    tables = [d.value for d in at.dataframe if "term" in d.value.columns and "z" in d.value.columns]
    assert tables and len(tables[0]) > 0


def test_the_app_never_imports_pyspark_for_a_result(result_corpus):
    """Run in a fresh interpreter: this test session itself has Spark loaded."""
    import subprocess

    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"sys.argv = ['app.py', '--corpus', {str(result_corpus)!r}]\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=120)\n"
        "at.run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "print('pyspark' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_the_key_terms_benchmark_asks_what_a_user_asks_of_a_folder(spark_result, opened, capsys):
    """`python -m dashboard.bench --spark-terms DIR/` times real questions, each answered with terms."""
    import json

    from dashboard.spark.bench import run_terms, terms_questions

    questions = terms_questions(opened)
    assert ("bias:left", "bias:right") in questions
    assert {a.split(":")[0] for a, _ in questions} == {"bias", "source", "story", "cluster"}
    assert run_terms(spark_result, runs=1) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["articles"] == len(opened.documents)
    assert len(report["questions_s"]) == len(questions)


def test_what_only_a_new_spark_run_could_change_is_said_not_ignored(result_corpus):
    """Filters, analysis settings and corrections cannot change a Spark result: the page says so."""
    plain = run()
    assert not [i for i in plain.info if "computed by Spark" in i.value]
    at = run(None, {"k": "3", "source": "Daily Ledger"})
    said = [i.value for i in at.info if "computed by Spark" in i.value]
    assert said and "filters" in said[0] and "analysis settings" in said[0]
    captions = " ".join(c.value for c in at.caption)
    assert "Computed by Spark: corrections" in captions and "can be edited" not in captions
    assert "shown as Spark computed it" in " ".join(c.value for c in at.sidebar.caption)


def test_each_kind_of_change_a_spark_result_cannot_take_is_named():
    from dashboard.ui.shell import View

    untouched = View("auto", "kmeans", "auto", (), None, "all")
    assert untouched.changes_a_spark_result_cannot_take(corrected=False) == []
    assert untouched.changes_a_spark_result_cannot_take(corrected=True) == ["corrections to outlets and dates"]
    assert View("passage", "kmeans", "auto", (), None, "all").changes_a_spark_result_cannot_take(False) == [
        "the sidebar's analysis settings"]
    dated = View("auto", "kmeans", "auto", (), ("2020-01-01", "2020-02-01"), "all")
    assert dated.changes_a_spark_result_cannot_take(False) == ["the sidebar's filters"]
