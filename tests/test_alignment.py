import json
import re
from pathlib import Path

import numpy as np
import pytest

from dashboard import alignment, tokens

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

try:
    from dashboard.segmenting import split_sentences
except ModuleNotFoundError:  # segmenting is written in parallel; a plain split is enough here

    def split_sentences(text):
        return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def seed_sentences(number):
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return list(split_sentences(path.read_text(encoding="utf-8")))


ARTICLE = [
    "Russian paratroopers landed in Almaty on Thursday.",
    "The president blamed foreign-trained terrorist gangs for the unrest.",
    "Fuel prices doubled at the start of the year, sparking protests in Zhanaozen.",
    "The government resigned after the clashes.",
]


def test_identical_articles_match_one_to_one():
    result = alignment.align_sentences(ARTICLE, ARTICLE)
    for i, (j, score) in enumerate(result.a_best):
        assert j == i and score == pytest.approx(1.0)
    assert [(i, j) for i, j, _ in result.pairs] == [(i, i) for i in range(len(ARTICLE))]
    assert result.unique_a == [] and result.unique_b == []
    assert result.similarity == pytest.approx(1.0)
    assert result.cosine == pytest.approx(1.0)


def test_reworded_sentences_match_their_counterparts():
    reworded = [
        "The government resigned following the clashes.",
        "Russian paratroopers arrived in Almaty on Thursday.",
        "The president blamed terrorist gangs trained abroad for the unrest.",
    ]
    result = alignment.align_sentences(ARTICLE, reworded)
    assert result.a_best[0][0] == 1
    assert result.a_best[1][0] == 2
    assert result.a_best[3][0] == 0
    assert result.unique_a == [2]  # the fuel-price sentence has no counterpart
    assert result.unique_b == []
    assert [(i, j) for i, j, _ in result.pairs] == [(0, 1), (1, 2), (3, 0)]


def test_unrelated_articles_are_mostly_unique():
    other = [
        "The central bank raised interest rates by half a point.",
        "Analysts expect inflation to ease next spring.",
        "Mortgage lenders welcomed the decision.",
    ]
    result = alignment.align_sentences(ARTICLE, other)
    assert result.pairs == []
    assert result.unique_a == list(range(len(ARTICLE)))
    assert result.unique_b == [0, 1, 2]
    assert result.similarity == 0.0


def test_sentences_without_content_words_are_unique():
    result = alignment.align_sentences(["…", ARTICLE[0]], ["…", ARTICLE[0]])
    assert result.a_best[0] == (None, 0.0)
    assert result.unique_a == [0] and result.unique_b == [0]
    assert result.a_best[1][0] == 1


def test_empty_inputs_give_an_empty_alignment():
    result = alignment.align_sentences([], ["…"])
    assert result.a_best == [] and result.b_best == [(None, 0.0)]
    assert result.similarity == 0.0 and result.cosine == 0.0
    assert result.distinctive.empty


def test_threshold_decides_what_counts_as_a_match():
    other = ["Russian troops flew to Kazakhstan."]  # shares only "russian"
    loose = alignment.align_sentences(ARTICLE[:1], other, threshold=0.01)
    strict = alignment.align_sentences(ARTICLE[:1], other, threshold=0.99)
    assert 0 < loose.a_best[0][1] == strict.a_best[0][1] < 0.99
    assert loose.a_best[0][0] == 0
    assert strict.a_best[0][0] is None


def test_corpus_idf_decides_what_similarity_rests_on():
    a = ["Kazakhstan troops arrived."]
    b = ["Kazakhstan prices rose."]
    # Only "kazakhstan" is shared. Terms missing from a corpus idf count as its rarest.
    everywhere = alignment.align_sentences(a, b, idf={"kazakhstan": 0.0, "troops": 5.0})
    assert everywhere.a_best[0] == (None, 0.0)
    rare = {"kazakhstan": 20.0, "troops": 1.0, "arrived": 1.0, "prices": 1.0, "rose": 1.0}
    bigrams = ["kazakhstan troops", "troops arrived", "kazakhstan prices", "prices rose"]
    rare.update(dict.fromkeys(bigrams, 1.0))
    # Cosine of [20, 1, 1, 1, 1] and [20, 1, 1, 1, 1] sharing the first term: 400 / 404.
    assert alignment.align_sentences(a, b, idf=rare).a_best[0] == (0, pytest.approx(400 / 404))


def test_aliases_fold_spelling_variants():
    a = ["Tokaev asked the alliance for help."]
    b = ["Tokayev asked the alliance for help."]
    plain = alignment.align_sentences(a, b)
    folded = alignment.align_sentences(a, b, aliases={"tokaev": "tokayev"})
    assert folded.a_best[0][1] == pytest.approx(1.0)
    assert plain.a_best[0][1] < 1.0


def test_distinctive_terms_come_from_one_side():
    a = ["Militants stormed the airport.", "Militants attacked the akimat."]
    b = ["Protesters gathered peacefully.", "Protesters demanded lower fuel prices."]
    result = alignment.align_sentences(a, b)
    df = result.distinctive.set_index("term")
    assert df.loc["militants", "favours"] == "a" and df.loc["militants", "count_b"] == 0
    assert df.loc["protesters", "favours"] == "b" and df.loc["protesters", "count_a"] == 0
    assert result.distinctive.iloc[0]["term"] == "militants"
    assert result.distinctive.iloc[-1]["term"] == "protesters"


def test_mirror_image_terms_of_equally_long_articles_get_opposite_z():
    # Four words each, cut into sentences differently (so their bigram counts differ).
    a = ["Militants stormed.", "Airport closed."]
    b = ["Protesters stormed airport closed."]
    df = alignment.align_sentences(a, b).distinctive.set_index("term")
    assert df.loc["militants", "z"] > 0
    assert df.loc["protesters", "z"] == -df.loc["militants", "z"]


def test_stop_words_and_ngram_order_are_the_callers():
    a = ["Armed militants stormed the airport."]
    b = ["Protesters gathered at the airport."]
    terms = set(alignment.align_sentences(a, b).distinctive["term"])
    assert {"militants", "armed militants"} <= terms
    stop = alignment.align_sentences(a, b, stop_words=tokens.stop_words_with(["militants"]))
    assert "armed stormed" in set(stop.distinctive["term"])
    assert not any("militants" in t for t in stop.distinctive["term"])
    unigrams = alignment.align_sentences(a, b, ngram_max=1)
    assert not any(" " in t for t in unigrams.distinctive["term"])


def test_background_counts_feed_the_prior():
    a = ["Militants stormed the airport."]
    b = ["Protesters gathered at the airport."]
    terms = np.array(["airport", "militants", "protesters"])
    result = alignment.align_sentences(a, b, background_counts=np.array([50, 1, 500]), terms=terms)
    df = result.distinctive.set_index("term")
    # "gathered" is absent from the background and still gets a finite score.
    assert np.isfinite(df.loc["gathered", "z"])
    # A common background term is shrunk toward 0 more than a rare one with the same counts.
    assert abs(df.loc["protesters", "delta"]) < abs(df.loc["militants", "delta"])
    with pytest.raises(ValueError, match="together"):
        alignment.align_sentences(a, b, terms=terms)


def test_to_dict_is_json_serialisable_and_rounded():
    result = alignment.align_sentences(ARTICLE, ARTICLE[::-1] + ["Something else entirely."])
    data = json.loads(json.dumps(result.to_dict()))
    assert data["a_sentences"] == ARTICLE
    assert all(len(str(score).split(".")[-1]) <= 4 for _, score in data["a_best"])
    assert data["distinctive"][0].keys() >= {"term", "z", "count_a", "count_b", "favours"}
    assert data["unique_b"] == [4]


# --- seeds --------------------------------------------------------------------


def test_seed_translations_000_and_001_match_nearly_every_sentence():
    # 001 is another translation of 000's report: most sentences are reworded, not new.
    a, b = seed_sentences(0), seed_sentences(1)
    result = alignment.align_sentences(a, b)
    matched_share = 1 - len(result.unique_a) / len(a)
    assert matched_share >= 0.8


def test_seeds_003_and_004_are_mostly_unique():
    # Two different reports: Zas's interview vs a tweet-laden news roundup.
    a, b = seed_sentences(3), seed_sentences(4)
    result = alignment.align_sentences(a, b)
    assert len(result.unique_a) / len(a) >= 0.7
    assert len(result.unique_b) / len(b) >= 0.7


def test_similarity_ranks_the_translation_pair_above_unrelated_reports():
    same = alignment.align_sentences(seed_sentences(0), seed_sentences(1))
    different = alignment.align_sentences(seed_sentences(3), seed_sentences(4))
    assert same.similarity > different.similarity
    assert same.cosine > different.cosine


def test_seed_distinctive_terms_favour_the_side_that_uses_them():
    result = alignment.align_sentences(seed_sentences(3), seed_sentences(4))
    df = result.distinctive.set_index("term")
    for term in ("zas", "militants"):  # only 003 mentions them
        assert df.loc[term, "favours"] == "a" and df.loc[term, "count_b"] == 0
    assert df.loc["twitter", "favours"] == "b" and df.loc["twitter", "count_a"] == 0
