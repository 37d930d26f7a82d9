"""Without pyspark or Java the Spark engine says what to install, in one line; nothing else breaks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dashboard.cli import run as cli_run
from dashboard.spark import session

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_without_java_the_engine_names_the_runtime_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    monkeypatch.delenv("JAVA_HOME", raising=False)
    problem = session.missing_requirements()
    if importlib.util.find_spec("pyspark") is None:
        assert "requirements-spark.txt" in problem
    else:
        assert "Java" in problem and "openjdk-17-jre-headless" in problem


def test_without_pyspark_the_engine_names_the_requirements_file(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    assert "pip install -r requirements-spark.txt" in session.missing_requirements()


def test_the_cli_reports_a_missing_runtime_in_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert cli_run(["analyze", str(SEEDS), "--engine", "spark", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the Spark engine needs") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_spark_conf_pairs_are_checked():
    assert session.parse_conf(["spark.driver.memory=8g", "a.b = c"]) == {"spark.driver.memory": "8g", "a.b": "c"}
    try:
        session.parse_conf(["nonsense"])
    except session.SparkUnavailable as exc:
        assert "KEY=VALUE" in str(exc)
    else:
        raise AssertionError("a malformed --spark-conf was accepted")
