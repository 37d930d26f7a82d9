"""The real-corpus helper: a missing corpus skips on a user's machine and fails in CI."""

from __future__ import annotations

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
