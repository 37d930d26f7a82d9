import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from dashboard import keyterms, tokens

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def by_term(df):
    return df.set_index("term")


# --- log_odds against hand-computed values ---------------------------------

# Three terms; prior_scale 20 over background [10, 5, 5] gives alpha = [10, 5, 5], alpha_0 = 20.
COUNTS_A = np.array([3, 1, 0])
COUNTS_B = np.array([1, 2, 4])
BACKGROUND = np.array([10, 5, 5])
TERMS = ["troops", "gangs", "protest"]
N_A, N_B = 4, 7


def test_log_odds_matches_hand_computed_values():
    df = by_term(keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, prior_scale=20))
    # troops: log(13/11) - log(11/16), var = 1/13 + 1/11
    assert df.loc["troops", "delta"] == pytest.approx(math.log(13 / 11) - math.log(11 / 16))
    assert df.loc["troops", "z"] == pytest.approx(
        (math.log(13 / 11) - math.log(11 / 16)) / math.sqrt(1 / 13 + 1 / 11)
    )
    # gangs: alpha 5 -> log(6/18) - log(7/20), var = 1/6 + 1/7
    assert df.loc["gangs", "delta"] == pytest.approx(math.log(6 / 18) - math.log(7 / 20))
    assert df.loc["gangs", "z"] == pytest.approx(
        (math.log(6 / 18) - math.log(7 / 20)) / math.sqrt(1 / 6 + 1 / 7)
    )
    # protest: alpha 5 -> log(5/19) - log(9/18), var = 1/5 + 1/9
    assert df.loc["protest", "delta"] == pytest.approx(math.log(5 / 19) - math.log(9 / 18))
    assert df.loc["protest", "z"] == pytest.approx(
        (math.log(5 / 19) - math.log(9 / 18)) / math.sqrt(1 / 5 + 1 / 9)
    )
    # rates per 1,000 counted tokens of each group
    assert df.loc["troops", "rate_a"] == pytest.approx(3 / 4 * 1000)
    assert df.loc["protest", "rate_b"] == pytest.approx(4 / 7 * 1000)
    assert df.loc["troops", "count_a"] == 3 and df.loc["protest", "count_b"] == 4


def test_log_odds_rates_use_given_token_totals():
    df = by_term(keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, token_totals=(2000, 500)))
    assert df.loc["troops", "rate_a"] == pytest.approx(1.5)
    assert df.loc["protest", "rate_b"] == pytest.approx(8.0)


def test_log_odds_sorted_by_z_with_a_first_and_b_last():
    df = keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, prior_scale=20)
    assert list(df["term"]) == ["troops", "gangs", "protest"]
    assert (np.diff(df["z"]) <= 0).all()
    assert list(df["favours"]) == ["a", "b", "b"]
    assert list(df.columns) == [
        "term", "z", "delta", "count_a", "count_b", "rate_a", "rate_b", "significant", "favours"
    ]


def test_default_prior_scale_is_the_two_groups_total():
    default = keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS)
    explicit = keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, prior_scale=N_A + N_B)
    assert np.allclose(default["z"], explicit["z"])


def test_swapping_groups_negates_z():
    ab = by_term(keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS))
    ba = by_term(keyterms.log_odds(COUNTS_B, COUNTS_A, BACKGROUND, TERMS))
    for term in TERMS:
        assert ba.loc[term, "z"] == pytest.approx(-ab.loc[term, "z"])
        assert ba.loc[term, "rate_a"] == pytest.approx(ab.loc[term, "rate_b"])


def test_term_used_only_by_a_has_positive_z():
    a = np.array([50, 40, 6])
    b = np.array([60, 45, 0])
    df = by_term(keyterms.log_odds(a, b, a + b, ["kazakhstan", "csto", "militants"]))
    assert df.loc["militants", "z"] > 0
    assert df.loc["militants", "favours"] == "a"


def test_significance_flag_follows_z_crit():
    a = np.array([200, 5, 30, 1])
    b = np.array([20, 5, 200, 0])
    terms = ["w", "x", "y", "z"]
    for z_crit in (0.5, 1.0, 1.96, 3.0):
        df = keyterms.log_odds(a, b, a + b, terms, z_crit=z_crit)
        assert (df["significant"] == (df["z"].abs() >= z_crit)).all()
    df = by_term(keyterms.log_odds(a, b, a + b, terms))
    # Groups of similar size (236 vs 225 tokens).
    assert df.loc["w", "significant"] and df.loc["y", "significant"]  # 200 vs 20, 30 vs 200
    assert not df.loc["x", "significant"]  # 5 vs 5


def test_informative_prior_shrinks_rare_terms():
    # "zas" used once by A; common words dominate both groups.
    a = np.array([100, 80, 1])
    b = np.array([120, 90, 0])
    terms = ["kazakhstan", "troops", "zas"]
    corpus = np.array([2000, 1500, 3])
    informative = by_term(keyterms.log_odds(a, b, corpus, terms))
    # Uninformative: 0.01 pseudo-count for every term.
    uninformative = by_term(keyterms.log_odds(a, b, np.ones(3), terms, prior_scale=0.03))
    assert abs(informative.loc["zas", "delta"]) < abs(uninformative.loc["zas", "delta"])
    assert informative.loc["zas", "delta"] > 0


def test_terms_neither_group_uses_are_dropped():
    a = np.array([2, 0, 0])
    b = np.array([1, 1, 0])
    df = keyterms.log_odds(a, b, np.array([5, 5, 5]), ["x", "y", "only_elsewhere"])
    assert set(df["term"]) == {"x", "y"}


def test_term_missing_from_background_gets_a_finite_score():
    df = by_term(keyterms.log_odds(np.array([3, 5]), np.array([0, 5]), np.array([0, 10]), ["new", "old"]))
    assert np.isfinite(df.loc["new", "z"]) and df.loc["new", "z"] > 0


def test_log_odds_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same length"):
        keyterms.log_odds(np.array([1, 2]), np.array([1]), np.array([1, 2]), ["a", "b"])


# --- compare_groups ---------------------------------------------------------

# 5 units x 3 terms; unit 4 is in neither group but belongs to the background.
COUNTS = sp.csr_matrix(
    np.array(
        [
            [4, 0, 1],
            [1, 2, 0],
            [0, 3, 1],
            [1, 1, 1],
            [2, 2, 2],
        ]
    )
)


def test_compare_groups_sums_rows_and_uses_all_units_as_background():
    df = keyterms.compare_groups(COUNTS, [0], [1, 2, 3], TERMS)
    expected = keyterms.log_odds(
        np.array([4, 0, 1]), np.array([2, 6, 2]), np.array([8, 8, 5]), TERMS
    )
    assert list(df["term"]) == list(expected["term"])
    assert np.allclose(df["z"], expected["z"])
    assert list(df["count_b"]) == list(expected["count_b"])


def test_compare_groups_masks_and_indices_agree():
    by_index = keyterms.compare_groups(COUNTS, np.array([0, 3]), np.array([1, 2]), TERMS)
    mask_a = np.array([True, False, False, True, False])
    mask_b = np.array([False, True, True, False, False])
    by_mask = keyterms.compare_groups(COUNTS, mask_a, mask_b, TERMS)
    assert by_index.equals(by_mask)


def test_compare_groups_token_totals_from_units():
    df = by_term(keyterms.compare_groups(COUNTS, [0], [1], TERMS, n_tokens=np.array([10, 20, 0, 0, 0])))
    assert df.loc["troops", "rate_a"] == pytest.approx(4 / 10 * 1000)
    assert df.loc["gangs", "rate_b"] == pytest.approx(2 / 20 * 1000)


def test_compare_groups_rejects_empty_and_identical_groups():
    with pytest.raises(ValueError, match="group A is empty"):
        keyterms.compare_groups(COUNTS, [], [1, 2], TERMS)
    with pytest.raises(ValueError, match="group B is empty"):
        keyterms.compare_groups(COUNTS, [0], np.zeros(5, dtype=bool), TERMS)
    with pytest.raises(ValueError, match="same units"):
        keyterms.compare_groups(COUNTS, [0, 1], [1, 0], TERMS)
    with pytest.raises(ValueError, match="length 3"):
        keyterms.compare_groups(COUNTS, np.array([True, False, True]), [1], TERMS)
    with pytest.raises(ValueError, match="out of range"):
        keyterms.compare_groups(COUNTS, [7], [1], TERMS)


def test_overlapping_groups_are_allowed():
    df = keyterms.compare_groups(COUNTS, [0], [0, 1, 2, 3, 4], TERMS)
    assert by_term(df).loc["troops", "count_b"] == 8


def test_top_terms_sides():
    df = keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, prior_scale=20)
    assert list(keyterms.top_terms(df, 5, "a")["term"]) == ["troops"]
    assert list(keyterms.top_terms(df, 5, "b")["term"]) == ["protest", "gangs"]
    assert list(keyterms.top_terms(df, 1, "b")["term"]) == ["protest"]
    with pytest.raises(ValueError):
        keyterms.top_terms(df, 5, "c")


# --- seeds ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_counts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vectorizer = CountVectorizer(analyzer=lambda t: tokens.ngrams(tokens.tokenize(t)))
    counts = vectorizer.fit_transform(texts).tocsr()
    return counts, vectorizer.get_feature_names_out()


def rest_of(i, n=5):
    return np.array([j for j in range(n) if j != i])


def test_seed_003_is_about_zas_and_militants(seed_counts):
    counts, terms = seed_counts
    df = keyterms.compare_groups(counts, [3], rest_of(3), terms)
    top = set(keyterms.top_terms(df, 15, "a")["term"])
    # 003 quotes CSTO Secretary General Zas and blames "militants"; no other seed does.
    assert {"zas", "militants"} & top


def test_seed_004_is_about_tweets_and_protests(seed_counts):
    counts, terms = seed_counts
    df = keyterms.compare_groups(counts, [4], rest_of(4), terms)
    top = set(keyterms.top_terms(df, 15, "a")["term"])
    # 004 embeds five tweets ("pic.twitter.com/...") and reports crowds and clashes with protesters.
    assert {"twitter", "pic twitter", "protesters", "protesting", "crowds"} & top
    # Its counterpart side is the other seeds' vocabulary, never 004's own tweets.
    assert "twitter" not in set(keyterms.top_terms(df, 15, "b")["term"])


# --- kwic -------------------------------------------------------------------


def test_kwic_finds_bigram_across_stop_words_with_original_words():
    texts = ["A state of emergency was declared. Later the State of Emergency ended.", "No match here."]
    df = keyterms.kwic(texts, "state emergency")
    assert list(df["match"]) == ["state of emergency", "State of Emergency"]
    assert list(df["unit"]) == [0, 0]


def test_kwic_skips_numbers_like_the_tokenizer():
    df = keyterms.kwic(["Under Article 4 of the Treaty, members help."], "article treaty")
    assert list(df["match"]) == ["Article 4 of the Treaty"]


def test_kwic_needs_adjacent_content_words():
    df = keyterms.kwic(["The state security emergency."], "state emergency")
    assert df.empty


def test_kwic_folds_aliases_and_possessives():
    texts = ["Tokaev spoke first.", "Then Tokayev's aides replied.", "Tokayevich is someone else."]
    df = keyterms.kwic(texts, "tokayev", aliases={"tokaev": "tokayev"})
    assert list(df["match"]) == ["Tokaev", "Tokayev's"]
    assert list(df["unit"]) == [0, 1]


def test_kwic_context_is_original_text_within_window():
    text = "The troops, sent by Russia, arrived in Almaty today."
    row = keyterms.kwic([text], "russia", window=2).iloc[0]
    assert row["left"] == "sent by"
    assert row["match"] == "Russia"
    assert row["right"] == ", arrived in"
    assert text[row["start"] : row["end"]] == "Russia"


def test_kwic_context_collapses_line_breaks():
    row = keyterms.kwic(["Crowds gathered.\n\nProtests spread\nfast."], "protests", window=3).iloc[0]
    assert row["left"] == "Crowds gathered."
    assert row["right"] == "spread fast"


def test_kwic_adds_labels_and_respects_limit_in_corpus_order():
    texts = ["Gas prices rose. Gas prices fell.", "Gas prices again.", "gas prices"]
    labels = [{"doc_id": f"d{i}", "source": f"s{i}"} for i in range(3)]
    df = keyterms.kwic(texts, "gas prices", labels=labels, limit=3)
    assert len(df) == 3
    assert list(df["doc_id"]) == ["d0", "d0", "d1"]
    assert list(df["start"]) == [0, 17, 0]
    assert {"doc_id", "source", "left", "match", "right"} <= set(df.columns)


def test_kwic_rejects_bad_input():
    with pytest.raises(ValueError, match="no content words"):
        keyterms.kwic(["text"], "of the")
    with pytest.raises(ValueError, match="labels"):
        keyterms.kwic(["a", "b"], "troops", labels=[{}])


def test_kwic_on_seeds_finds_state_of_emergency():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    df = keyterms.kwic(texts, "state emergency")
    assert len(df) >= 3
    assert all(m.lower() == "state of emergency" for m in df["match"])


def test_kwic_counts_agree_with_the_tokenizer_on_seeds(seed_counts):
    # Vocabulary terms (every third, unigrams and bigrams alike) are found
    # exactly as often as tokens.ngrams counts them.
    counts, terms = seed_counts
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    totals = np.asarray(counts.sum(axis=0)).ravel()
    for term, total in list(zip(terms, totals))[::3]:
        assert len(keyterms.kwic(texts, term, limit=10_000)) == total, term


def test_kwic_counts_agree_with_the_tokenizer_on_real_articles(shared_corpus):
    import gzip
    import itertools
    import json

    with gzip.open(shared_corpus("allsides.jsonl.gz"), "rt", encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in itertools.islice(lines, 40)]
    vectorizer = CountVectorizer(analyzer=lambda t: tokens.ngrams(tokens.tokenize(t)))
    totals = np.asarray(vectorizer.fit_transform(texts).sum(axis=0)).ravel()
    terms = vectorizer.get_feature_names_out()
    # The most frequent terms and every 50th term (mostly rare bigrams).
    picked = set(np.argsort(-totals, kind="stable")[:100]) | set(range(0, len(terms), 50))
    for i in sorted(picked):
        assert len(keyterms.kwic(texts, terms[i], limit=100_000)) == totals[i], terms[i]
