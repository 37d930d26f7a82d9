"""The real-corpus helper: a missing corpus skips on a user's machine and fails in CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared_corpora import require_corpus


@pytest.mark.parametrize("ci", [None, "", "0", "false", "No"])
def test_a_missing_corpus_skips_outside_ci(tmp_path, monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        require_corpus("missing.jsonl.gz", folder=tmp_path)


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_a_missing_corpus_fails_in_ci(tmp_path, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="missing.jsonl.gz is absent"):
        require_corpus("missing.jsonl.gz", folder=tmp_path)
    with pytest.raises(pytest.fail.Exception, match="folder .*no-such-folder is absent"):
        require_corpus("missing.jsonl.gz", folder=tmp_path / "no-such-folder")


def test_a_present_corpus_is_returned_in_and_outside_ci(tmp_path, monkeypatch):
    (tmp_path / "small.jsonl.gz").write_bytes(b"")
    for ci in ("", "true"):
        monkeypatch.setenv("CI", ci)
        assert require_corpus("small.jsonl.gz", folder=tmp_path) == tmp_path / "small.jsonl.gz"


def test_tests_that_use_the_corpora_are_marked_corpus(request, shared_corpus):
    # The fixture marks its users at collection, so `-m "not corpus"` can leave them out.
    assert request.node.get_closest_marker("corpus") is not None


def test_no_test_builds_its_own_path_to_the_corpora():
    # A test that finds ../shared/corpora by itself would skip in CI too; it must ask require_corpus.
    here = Path(__file__).resolve().parent
    own_paths = [str(path.relative_to(here)) for path in here.rglob("*.py")
                 if path.name not in ("shared_corpora.py", Path(__file__).name)
                 and re.search(r"/\s*[\"']corpora[\"']", path.read_text(encoding="utf-8"))]
    assert own_paths == [], "use the shared_corpus fixture (tests/shared_corpora.py) in " + ", ".join(own_paths)
