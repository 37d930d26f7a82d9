import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from dashboard import tokens
from dashboard.duplicates import find_duplicates, find_passage_duplicates

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def random_texts(n, length, seed=0, vocab_size=5000):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(vocab_size)]
    return [[vocab[k] for k in rng.integers(0, vocab_size, length)] for _ in range(n)]


def light_edit(text, every=20, seed=1):
    rng = np.random.default_rng(seed)
    out = list(text)
    for i in range(0, len(out), every):
        out[i] = f"edit{rng.integers(1_000_000)}"
    return out


def test_light_edits_and_an_added_caption_group_together():
    base, other = random_texts(2, 300)
    edited = light_edit(base)
    captioned = ["photo", "caption", "credit"] + base + ["aggregator", "notice", "indexed", "site"] * 10
    report = find_duplicates(["a", "b", "c", "d"], [base, edited, other, captioned])
    assert report.groups == [["a", "b", "d"]]
    assert report.duplicate_of == {"b": "a", "d": "a"}
    assert {("a", "b"), ("a", "d")} <= set(report.similarity)


def test_unrelated_texts_do_not_group():
    report = find_duplicates(["a", "b", "c"], random_texts(3, 200))
    assert report.groups == [] and report.duplicate_of == {} and report.similarity == {}


def test_originality_is_zero_for_identical_texts_and_one_for_a_unique_text():
    text, unique = random_texts(2, 100)
    report = find_duplicates(["a", "b", "u"], [text, list(text), unique])
    assert report.originality == {"a": 0.0, "b": 0.0, "u": 1.0}
    assert report.groups == [["a", "b"]]
    assert report.similarity[("a", "b")] == 1.0


def test_partial_copy_has_originality_strictly_between():
    source, fresh = random_texts(2, 200)
    partial = source[:100] + fresh[:100]
    report = find_duplicates(["src", "partial"], [source, partial])
    # 200 tokens give 198 shingles; the 98 inside the copied half are shared.
    assert report.originality["src"] == pytest.approx(100 / 198)
    assert report.originality["partial"] == pytest.approx(100 / 198)


def test_same_input_gives_same_report():
    texts = random_texts(5, 150)
    texts.append(light_edit(texts[0]))
    ids = [f"d{i}" for i in range(len(texts))]
    assert find_duplicates(ids, texts) == find_duplicates(ids, [list(t) for t in texts])


def test_input_order_changes_the_canonical_not_the_membership():
    base, other = random_texts(2, 300)
    ids, texts = ["a", "b", "c"], [base, other, light_edit(base)]
    forward = find_duplicates(ids, texts)
    backward = find_duplicates(ids[::-1], texts[::-1])
    assert forward.groups == [["a", "c"]] and backward.groups == [["c", "a"]]
    assert forward.duplicate_of == {"c": "a"} and backward.duplicate_of == {"a": "c"}
    assert forward.originality == backward.originality


def test_empty_and_short_token_lists_do_not_crash():
    report = find_duplicates(["e1", "e2", "s1", "s2", "x"], [[], [], ["short", "text"], ["short", "text"], ["other"]])
    assert report.groups == [["s1", "s2"]]  # two empty texts are not copies of each other
    assert report.originality["e1"] == 1.0 and report.originality["s1"] == 0.0
    assert find_duplicates([], []).groups == []


def test_mismatched_or_repeated_ids_are_reported():
    with pytest.raises(ValueError, match="pair up"):
        find_duplicates(["a"], [["x"], ["y"]])
    with pytest.raises(ValueError, match="distinct"):
        find_duplicates(["a", "a"], [["x"], ["y"]])


def test_token_table_input_gives_the_same_report_as_token_lists():
    texts = [" ".join(t) for t in random_texts(4, 120)]
    texts.append(texts[0] + " plus an extra closing line")
    ids = [str(i) for i in range(len(texts))]
    table = tokens.tokenize_many(texts)
    as_lists = [tokens.tokenize(t) for t in texts]
    assert find_duplicates(ids, table) == find_duplicates(ids, as_lists)


def test_seed_copies_group_and_nothing_else_does():
    files = sorted(SEEDS.glob("*.txt"))
    ids = [f.name[:3] for f in files]
    report = find_duplicates(ids, [tokens.tokenize(f.read_text(encoding="utf-8")) for f in files])
    assert report.groups == [["000", "001"]]
    assert 0 < report.originality["000"] < 1 and 0 < report.originality["001"] < 1
    assert all(report.originality[d] > 0.8 for d in ("002", "003", "004"))


def test_candidate_pairs_stay_few_for_distinct_texts():
    texts = random_texts(2000, 150, seed=7)
    report = find_duplicates([str(i) for i in range(len(texts))], texts)
    assert report.groups == []
    assert report.candidates <= 20  # LSH does not compare all 2 million pairs


def test_passage_copies_across_articles_are_found_but_not_within_one():
    quote, filler_a, filler_b, repeat = random_texts(4, 40)
    passages = [filler_a, quote, repeat, repeat, filler_b, light_edit(quote, every=15)]
    owners = ["A", "A", "A", "A", "B", "B"]
    report = find_passage_duplicates(range(len(passages)), passages, owners)
    assert report.groups == [["1", "5"]]


def test_corpus_rows_marked_as_duplicates_are_found(shared_corpus):
    path = shared_corpus("allsides_events.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    ids = [r["id"] for r in rows]
    report = find_duplicates(ids, tokens.tokenize_many([r["text"] for r in rows]))
    group_of = {d: g[0] for g in report.groups for d in g}
    marked = [(r["id"], r["duplicate_of"]) for r in rows if r["duplicate_of"]]
    for copy, original in marked:
        assert group_of.get(copy) is not None and group_of.get(copy) == group_of.get(original)
    # Groups are a small share of the corpus: same-story coverage by different outlets is not a copy.
    assert sum(len(g) for g in report.groups) < 0.05 * len(rows)
