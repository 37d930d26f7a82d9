"""Spellings of one name become one term; different names and inflections stay apart."""

from pathlib import Path

import pytest

from dashboard.aliases import (
    AliasMerge,
    count_name_tokens,
    detect_aliases,
    detect_aliases_from_counts,
    merge_tables,
    parse_alias_table,
    skeleton,
)
from dashboard.cleaning import clean_text
from dashboard.tokens import tokenize

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_texts():
    return [clean_text(p.read_text("utf-8"))[0] for p in SEEDS]


def test_seed_merges_exactly_the_known_variants(seed_texts):
    merges = detect_aliases(seed_texts)
    assert {(m.variant, m.canonical) for m in merges} == {
        ("kasim-jomart", "kassym-jomart"),
        ("kassym-zhomart", "kassym-jomart"),
        ("alma-ata", "almaty"),
        ("kazakastan", "kazakhstan"),
    }
    for m in merges:
        assert m.variant_count <= m.canonical_count
        assert m.reason


def test_inflections_and_hyphenation_are_not_variants(seed_texts):
    variants = {m.variant for m in detect_aliases(seed_texts)}
    for word in ("russian", "russia", "kazakh", "kazakhs", "kazakhstani", "nur-sultan", "nursultan"):
        assert word not in variants


def test_canonical_is_the_more_frequent_spelling_and_counts_are_right():
    texts = ["President Kassym-Jomart Tokayev spoke. Then Kassym-Jomart Tokayev left."] * 3 + [
        "He met Kasim-Jomart Tokayev today."
    ]
    merges = detect_aliases(texts)
    assert merges == [
        AliasMerge("kasim-jomart", "kassym-jomart", merges[0].reason, 1, 6)
    ]


def test_different_people_with_similar_names_stay_apart():
    texts = [
        "Senator Bernie Sanders spoke with Bernie Sanders aides while Debra Saunders wrote a column.",
        "Later Bernie Sanders and reporter Debra Saunders met; Debra Saunders asked about Bernie Sanders.",
    ] * 3
    assert detect_aliases(texts) == []


def test_common_words_are_not_names():
    texts = ["The Minister met the Ministry staff.", "A minister spoke; the ministry agreed and a minister left."]
    counts = count_name_tokens(texts)
    assert all(m.variant not in ("minister", "ministry") for m in detect_aliases_from_counts(counts))


def test_each_variant_maps_directly_to_its_canonical():
    texts = ["It happened in Kazakhstan, said Kazakhstani officials, not in Kazakastan itself."] + [
        "Troops went to Kazakhstan on Monday."
    ] * 10
    table = merge_tables(detect_aliases(texts), ())
    assert table.get("kazakastan") == "kazakhstan"
    assert "kazakhstani" not in table
    assert all(canonical not in table for canonical in table.values())


def test_skeleton_folds_transliteration():
    assert skeleton("kassym-zhomart") == skeleton("kasim-jomart") == skeleton("kassym-jomart")
    assert skeleton("almaty") == skeleton("alma-ata")
    assert skeleton("russia") != skeleton("russian")


def test_counts_then_detect_equals_detect(seed_texts):
    assert detect_aliases_from_counts(count_name_tokens(seed_texts)) == detect_aliases(seed_texts)


def test_merged_table_folds_tokens(seed_texts):
    table = merge_tables(detect_aliases(seed_texts), ())
    assert tokenize("Kasim-Jomart Tokayev in Alma-Ata", table) == ["kassym-jomart", "tokayev", "almaty"]


def merge(variant, canonical):
    return AliasMerge(variant, canonical, "test", 1, 5)


def test_user_pairs_override_and_remove():
    detected = [merge("kasim-jomart", "kassym-jomart"), merge("alma-ata", "almaty")]
    table = merge_tables(detected, [("alma-ata", "-"), ("Kasim-Jomart", "tokayev"), ("putin", "")])
    assert table == {"kasim-jomart": "tokayev"}


def test_chains_resolve_to_the_end():
    table = merge_tables([merge("a1", "b1")], [("b1", "c1"), ("c1", "d1")])
    assert table == {"a1": "d1", "b1": "d1", "c1": "d1"}


def test_cycle_is_a_clear_error():
    with pytest.raises(ValueError, match="cycle: .*a1 -> b1"):
        merge_tables([merge("a1", "b1")], [("b1", "a1")])


def test_parse_alias_table_keeps_good_lines_and_reports_bad_ones():
    text = "variant,canonical\nKasim-Jomart -> Kassym-Jomart\n# comment\n\nalma-ata, almaty\nnonsense line\n,x\nfoo,bar,baz\nputin -> -\n"
    pairs, errors = parse_alias_table(text)
    assert pairs == [("kasim-jomart", "kassym-jomart"), ("alma-ata", "almaty"), ("putin", "-")]
    assert len(errors) == 3
    assert errors[0].startswith("Line 6:")
    assert any(e.startswith("Line 7:") for e in errors) and any(e.startswith("Line 8:") for e in errors)


def test_name_sample_keeps_a_small_corpus_whole_and_bounds_a_large_one():
    from dashboard.aliases import name_sample

    small = ["Kassym-Jomart Tokayev spoke."] * 10
    assert name_sample(small, budget=1_000) == small
    large = [f"Text {i} " + "x" * 990 for i in range(1_000)]  # about 1 M characters
    sample = name_sample(large, budget=100_000)
    assert sum(map(len, sample)) <= 110_000
    assert sample[0] is large[0] and sample[-1] is not large[0]  # spread over the corpus
    assert name_sample(large, budget=100_000) == sample  # deterministic
