import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings as hsettings, strategies as st
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


def test_token_totals_make_z_independent_of_which_other_terms_are_listed():
    # With the groups' token totals given, leaving terms out of the list (a
    # minimum count, a pruned vocabulary) must not move the z of the rest.
    a, b, bg = np.array([30, 12, 2, 1]), np.array([10, 25, 0, 3]), np.array([400, 300, 9, 20])
    terms = ["troops", "protest", "zas", "gangs"]
    totals = dict(token_totals=(500, 480), background_total=5000)
    full = by_term(keyterms.log_odds(a, b, bg, terms, **totals))
    part = by_term(keyterms.log_odds(a[:2], b[:2], bg[:2], terms[:2], **totals))
    for term in terms[:2]:
        assert part.loc[term, "z"] == pytest.approx(full.loc[term, "z"])


# --- NgramCounter and compare_groups ------------------------------------------


def counter_of(texts, ngram_max=2, background=None):
    table = tokens.tokenize_many(texts)
    rows = np.ones(len(texts), dtype=bool) if background is None else np.asarray(background)
    return keyterms.NgramCounter(table, ngram_max, rows)


def tokenizer_counts(texts, ngram_max=2):
    """n-gram counts and token total as the plain tokenizer sees them, phrase by phrase."""
    grams, n_tokens = Counter(), 0
    for text in texts:
        n_tokens += len(tokens.tokenize(text))
        grams.update(tokens.phrase_ngrams(text, ngram_max))
    return grams, n_tokens


def as_counter(counter, counts):
    return Counter(dict(zip(counter.terms(counts.codes), counts.counts.tolist())))


WORDS = ["troops", "gangs.", "protest?\"", "the", "of", "2022", "csto;", "almaty", "kazakhstan's", "a", "Mr.", "U.S."]


@hsettings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=1, max_size=8).flatmap(
        lambda units: st.tuples(
            st.just([" ".join(u) for u in units]),
            st.lists(st.booleans(), min_size=len(units), max_size=len(units)),
            st.lists(st.booleans(), min_size=len(units), max_size=len(units)),
        )
    ),
    st.integers(1, 3),
)
def test_counter_counts_every_ngram_of_any_group_like_the_tokenizer(case, ngram_max):
    texts, group, background = case
    group, background = np.array(group), np.array(background)
    assume(background.any())
    counter = counter_of(texts, ngram_max, background)
    if group.any():  # small groups are counted directly, big ones as background minus the rest
        counted = counter.count(group)
        expected, n_tokens = tokenizer_counts([t for t, g in zip(texts, group) if g], ngram_max)
        assert as_counter(counter, counted) == expected
        assert counted.n_tokens == n_tokens
    expected, n_tokens = tokenizer_counts([t for t, g in zip(texts, background) if g], ngram_max)
    assert as_counter(counter, counter.background) == expected
    assert counter.background.n_tokens == n_tokens


def test_no_key_term_runs_across_the_end_of_a_sentence():
    # 'Will you pardon the president?" Trump was asked.' must not give "president trump".
    a = ['Will you pardon the president?" Trump was asked. Reporters waited.'] * 4
    b = ["Congress met on Tuesday; lawmakers voted. The session ended."] * 4
    counter = counter_of(a + b)
    in_a = np.array([True] * 4 + [False] * 4)
    terms = set(keyterms.compare_groups(counter, in_a, ~in_a, min_count=1)["term"])
    assert {"president", "trump", "pardon president", "trump asked"} <= terms
    assert not {"president trump", "asked reporters", "met tuesday lawmakers", "voted session"} & terms
    assert "lawmakers voted" in terms and "congress met" in terms


def test_abbreviations_and_initials_do_not_break_phrases():
    counter = counter_of(["U.S. troops met Mr. Tokayev and J. Scott in Almaty."] * 3)
    terms = set(counter.terms(counter.background.codes))
    assert {"troops met", "met tokayev", "tokayev scott", "scott almaty"} <= terms


def test_counts_do_not_depend_on_how_many_ngrams_are_sorted_at_once(monkeypatch):
    texts = seed_texts()
    expected, _ = tokenizer_counts(texts, 3)
    monkeypatch.setattr(keyterms, "NGRAMS_PER_SLICE", 500)  # the seeds' 2,000 bigrams in several slices
    counter = counter_of(texts, 3)
    assert as_counter(counter, counter.background) == expected


# Two groups of 40 tokens each: "alpha" only in A, "beta" as often only in B,
# "kazakhstan" in every unit three times as often in A, filler words once each.
def filler(prefix, n):
    return [f"{prefix}{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(n)]


MIRROR_A = [
    " ".join(["alpha", "kazakhstan", "kazakhstan", "kazakhstan", "troops"] + filler("ax", 15)),
    " ".join(["alpha", "alpha", "kazakhstan", "kazakhstan", "kazakhstan", "troops"] + filler("ay", 14)),
]
MIRROR_B = [
    " ".join(["beta", "kazakhstan", "troops", "troops"] + filler("bx", 16)),
    " ".join(["beta", "beta", "kazakhstan", "troops"] + filler("by", 16)),
]
MIRROR = MIRROR_A + MIRROR_B
IN_A = np.array([True, True, False, False])


def test_mirror_image_terms_get_exactly_opposite_z():
    counter = counter_of(MIRROR)
    df = by_term(keyterms.compare_groups(counter, IN_A, ~IN_A))
    assert counter.count(IN_A).n_tokens == counter.count(~IN_A).n_tokens == 40
    assert df.loc["alpha", "z"] > 0
    assert df.loc["beta", "z"] == -df.loc["alpha", "z"]


def test_swapping_the_groups_negates_every_z():
    counter = counter_of(MIRROR)
    ab = by_term(keyterms.compare_groups(counter, IN_A, ~IN_A))
    ba = by_term(keyterms.compare_groups(counter, ~IN_A, IN_A))
    assert set(ab.index) == set(ba.index) and len(ab) >= 4
    for term in ab.index:
        assert ba.loc[term, "z"] == pytest.approx(-ab.loc[term, "z"], abs=1e-12)
        assert ba.loc[term, "count_a"] == ab.loc[term, "count_b"]


def test_a_word_in_every_unit_is_compared():
    df = by_term(keyterms.compare_groups(counter_of(MIRROR), IN_A, ~IN_A))
    assert (df.loc["kazakhstan", "count_a"], df.loc["kazakhstan", "count_b"]) == (6, 2)
    assert df.loc["kazakhstan", "z"] > 0
    assert df.loc["troops", "z"] < 0  # 2 vs 3


def test_rates_are_per_1000_of_all_the_groups_tokens():
    # Filler words are too rare to be listed but still count in the group sizes.
    df = by_term(keyterms.compare_groups(counter_of(MIRROR), IN_A, ~IN_A))
    assert df.loc["kazakhstan", "rate_a"] == pytest.approx(6 / 40 * 1000)
    assert df.loc["kazakhstan", "rate_b"] == pytest.approx(2 / 40 * 1000)


def test_terms_below_the_minimum_count_are_left_out():
    df = keyterms.compare_groups(counter_of(MIRROR), IN_A, ~IN_A)
    assert ((df["count_a"] + df["count_b"]) >= keyterms.MIN_TERM_COUNT).all()
    assert "alpha kazakhstan" not in set(df["term"])  # twice in all
    everything = keyterms.compare_groups(counter_of(MIRROR), IN_A, ~IN_A, min_count=1)
    assert {"alpha kazakhstan", "axaa"} <= set(everything["term"])
    kept = by_term(everything).loc[df["term"], "z"].to_numpy()
    assert np.allclose(kept, df["z"])  # leaving terms out moves no other z


def test_ngram_order_limits_the_phrases_compared():
    texts = ["armed gangs attacked almaty airport"] * 3 + ["peaceful protest almaty square"] * 3
    mask = np.array([True] * 3 + [False] * 3)
    unigrams = keyterms.compare_groups(counter_of(texts, 1), mask, ~mask)
    assert not any(" " in t for t in unigrams["term"])
    trigrams = set(keyterms.compare_groups(counter_of(texts, 3), mask, ~mask)["term"])
    assert {"armed", "armed gangs", "armed gangs attacked"} <= trigrams


def test_prior_comes_from_the_background_units():
    # A fifth unit, in neither group, makes "troops" common in the background:
    # the prior then pulls A's lead on troops toward zero.
    texts = MIRROR + [" ".join(["troops"] * 30)]
    groups = np.array([True, True, False, False, False]), np.array([False, False, True, True, False])
    with_extra = by_term(keyterms.compare_groups(counter_of(texts), *groups))
    without = by_term(keyterms.compare_groups(counter_of(texts, background=[1, 1, 1, 1, 0]), *groups))
    assert with_extra.loc["troops", "count_b"] == without.loc["troops", "count_b"] == 3
    assert abs(with_extra.loc["troops", "z"]) < abs(without.loc["troops", "z"])


def test_compare_groups_masks_and_indices_agree():
    counter = counter_of(MIRROR)
    by_index = keyterms.compare_groups(counter, np.array([0, 1]), np.array([2, 3]))
    by_mask = keyterms.compare_groups(counter, IN_A, ~IN_A)
    assert by_index.equals(by_mask)


def test_compare_groups_rejects_empty_and_identical_groups():
    counter = counter_of(MIRROR)
    with pytest.raises(ValueError, match="group A is empty"):
        keyterms.compare_groups(counter, [], [1, 2])
    with pytest.raises(ValueError, match="group B is empty"):
        keyterms.compare_groups(counter, [0], np.zeros(4, dtype=bool))
    with pytest.raises(ValueError, match="same units"):
        keyterms.compare_groups(counter, [0, 1], [1, 0])
    with pytest.raises(ValueError, match="length 3"):
        keyterms.compare_groups(counter, np.array([True, False, True]), [1])
    with pytest.raises(ValueError, match="out of range"):
        keyterms.compare_groups(counter, [7], [1])


def test_overlapping_groups_are_allowed():
    df = keyterms.compare_groups(counter_of(MIRROR), [0], [0, 1, 2, 3])
    assert by_term(df).loc["kazakhstan", "count_b"] == 8


def test_top_terms_sides():
    df = keyterms.log_odds(COUNTS_A, COUNTS_B, BACKGROUND, TERMS, prior_scale=20)
    assert list(keyterms.top_terms(df, 5, "a")["term"]) == ["troops"]
    assert list(keyterms.top_terms(df, 5, "b")["term"]) == ["protest", "gangs"]
    assert list(keyterms.top_terms(df, 1, "b")["term"]) == ["protest"]
    with pytest.raises(ValueError):
        keyterms.top_terms(df, 5, "c")


# --- seeds ------------------------------------------------------------------


def seed_texts():
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module")
def seed_counts():
    texts = seed_texts()
    vectorizer = CountVectorizer(analyzer=lambda t: tokens.ngrams(tokens.tokenize(t)))
    counts = vectorizer.fit_transform(texts).tocsr()
    return counts, vectorizer.get_feature_names_out()


def only(i, n=5):
    return np.arange(n) == i


def test_seed_003_is_about_zas_and_militants():
    df = keyterms.compare_groups(counter_of(seed_texts()), only(3), ~only(3))
    top = set(keyterms.top_terms(df, 15, "a")["term"])
    # 003 quotes CSTO Secretary General Zas and blames "militants"; no other seed does.
    assert {"zas", "militants"} & top


def test_seed_004_is_about_tweets_and_protests():
    df = keyterms.compare_groups(counter_of(seed_texts()), only(4), ~only(4))
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


# --- outlets naming themselves ------------------------------------------------


def test_outlet_name_words_keep_the_name_and_its_web_address_form():
    assert {"fox", "foxnews"} <= keyterms.outlet_name_words("Fox Online News")
    assert "cnn" in keyterms.outlet_name_words("CNN (Web News)")
    assert not {"news", "web", "online"} & keyterms.outlet_name_words("CNN (Web News)")


def outlets_corpus():
    """Two outlets that name themselves in every article, and a third that writes about one of them."""
    texts = (["Senators debated the border wall, a source told CNN. CNN reported the vote."] * 4
             + ["Fox News learned that senators blocked the budget. Budget talks, Fox News said, stalled."] * 4
             + ["Critics said Fox News coverage of the budget and the border wall was one-sided."] * 3)
    sources = np.array(["CNN (Web News)"] * 4 + ["Fox News"] * 4 + ["Vox"] * 3, dtype=object)
    return counter_of(texts), sources


def test_an_outlet_naming_itself_is_not_a_top_term_of_its_side_and_is_reported():
    counter, sources = outlets_corpus()
    cnn, others = sources == "CNN (Web News)", sources != "CNN (Web News)"
    terms = keyterms.mark_outlet_names(counter, keyterms.compare_groups(counter, cnn, others, min_count=1),
                                       cnn, others, sources)
    named = by_term(terms)["names_outlet"]
    assert named["cnn"] and named["fox news"] and named["fox"]  # each mostly written by the outlet it names
    assert not named["border wall"] and not named["budget"]
    ranked = set(keyterms.top_terms(terms, 50, "a")["term"]) | set(keyterms.top_terms(terms, 50, "b")["term"])
    assert "cnn" not in ranked and "fox news" not in ranked and "border wall" in ranked
    assert "cnn" in keyterms.outlet_names_left_out(terms)["a"]
    assert by_term(terms).loc["cnn", "z"] > 0  # kept in the table with its score, only not ranked


def test_an_outlet_name_other_outlets_mostly_use_stays_ranked():
    counter, sources = outlets_corpus()
    vox = sources == "Vox"
    fox_less = sources != "Fox News"  # without Fox's own articles, "fox news" is Vox's subject, not a self-reference
    terms = keyterms.mark_outlet_names(counter, keyterms.compare_groups(counter, vox, fox_less & ~vox, min_count=1),
                                       vox, fox_less & ~vox, sources)
    assert not by_term(terms)["names_outlet"]["fox news"]
    assert "fox news" in set(keyterms.top_terms(terms, 50, "a")["term"])
