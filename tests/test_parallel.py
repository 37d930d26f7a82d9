"""Work cut in two processes gives what one process gives: cleaning and tokenising a corpus."""

import os
import threading

import numpy as np
import pytest

from dashboard import parallel
from dashboard.bench import generated_corpus
from dashboard.cleaning import clean_corpus
from dashboard.tokens import STOP_WORDS, stop_words_with, tokenize_many

needs_two = pytest.mark.skipif(not parallel.two_cores(), reason="a second process cannot be forked here")


@pytest.fixture
def in_two(monkeypatch):
    """Small lists are cut in two too (the threshold is for cost, not for correctness)."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)


@pytest.fixture
def forking(in_two, monkeypatch):
    """Fork whenever the machine has two cores, even with other threads alive.

    Earlier tests of a full run leave threads running (Playwright, AppTest),
    and the app then rightly stays in one process (forking a threaded process
    is unsafe in general); the children of these tests run pure functions.
    """
    monkeypatch.setattr(parallel, "two_cores", lambda: len(os.sched_getaffinity(0)) >= 2)


def _articles():
    return generated_corpus(30, seed=11)


def _tables(texts, stop_words):
    return tokenize_many(texts, {"troops": "soldiers"}, stop_words)


@needs_two
def test_halves_are_cut_in_two_processes_and_joined_in_order(forking):
    halves = parallel.in_halves(lambda items: [(i, threading.get_native_id()) for i in items], list(range(9)))
    assert [i for half in halves for i, _ in half] == list(range(9))
    assert len({pid for half in halves for _, pid in half}) == 2  # the second half ran elsewhere


@needs_two
@pytest.mark.parametrize("languages", ["one", "two"])
def test_tokenising_in_two_processes_gives_the_same_table(monkeypatch, languages):
    texts = [a.text for a in _articles()]
    texts[4] = "Войска вошли в город. Министр заявил, что войска уйдут."  # a Russian article among English ones
    ru = stop_words_with((), "ru")
    stop_words = STOP_WORDS if languages == "one" else [ru if i % 4 == 0 else STOP_WORDS for i in range(len(texts))]
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    whole = _tables(texts, stop_words)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    cut = _tables(texts, stop_words)
    assert list(cut.vocab) == list(whole.vocab)
    assert np.array_equal(cut.ids, whole.ids) and np.array_equal(cut.offsets, whole.offsets)
    assert np.array_equal(cut.breaks, whole.breaks)
    assert [cut.unit_tokens(i) for i in range(len(texts))] == [whole.unit_tokens(i) for i in range(len(texts))]


@needs_two
def test_cleaning_in_two_processes_gives_the_same_articles(monkeypatch):
    articles = _articles()
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    whole = clean_corpus(articles, passages=True)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    assert clean_corpus(articles, passages=True) == whole


def _fails_on_the_second_half(items):
    if items[0] >= 5:
        raise ValueError("a bug in the worker")
    return list(items)


@needs_two
def test_a_failure_in_the_second_process_is_raised_with_its_traceback(forking):
    with pytest.raises(RuntimeError, match="a bug in the worker"):
        parallel.in_halves(_fails_on_the_second_half, list(range(10)))


def test_with_other_threads_running_the_work_stays_in_one_piece(in_two):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        halves = parallel.in_halves(lambda items: [threading.get_native_id()] * len(items), list(range(10)))
    finally:
        stop.set()
        other.join()
    assert len(halves) == 1 and halves[0] == [threading.get_native_id()] * 10


@needs_two
def test_name_counts_in_two_processes_are_the_same(monkeypatch):
    from dashboard.aliases import count_name_tokens, detect_aliases

    texts = [a.text for a in _articles()]
    texts[3] += " President Kassym-Jomart Tokayev met Kasim-Jomart Tokaev. Tokayev said so."
    texts[20] += " Kassym-Zhomart Tokayev and President Tokayev spoke; tokayev's aides agreed."
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    whole, detected = count_name_tokens(texts), detect_aliases(texts)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    cut = count_name_tokens(texts)
    for field in ("capitalised", "mid_sentence", "neighbours", "lower"):
        assert list(getattr(cut, field).items()) == list(getattr(whole, field).items())  # counts and their order
    assert cut.lower_scale == whole.lower_scale
    assert detect_aliases(texts) == detected
