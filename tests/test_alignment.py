import json
from pathlib import Path

import numpy as np
import pytest

from dashboard import alignment, queries, tokens
from dashboard.alignment import COPY, RELATED, SAME_FACT, WordRarity
from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze
from dashboard.segmenting import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed_sentences(number):
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return list(split_sentences(path.read_text(encoding="utf-8")))


# A newsroom's worth of document frequencies (out of 1,000 articles): everyday
# news words are in hundreds of articles, the words of one story in a few.
NEWSROOM = WordRarity.from_counts(
    {
        "city": 600, "government": 550, "officials": 500, "public": 450, "new": 900, "open": 300,
        "council": 300, "voted": 250, "approved": 200, "councillors": 30, "ban": 40, "plastic": 8,
        "bags": 10, "grocery": 12, "stores": 80, "longer": 300, "hand": 200, "raise": 150, "parking": 20,
        "fees": 60, "downtown": 50, "library": 25, "homes": 90, "lost": 150, "power": 120, "storm": 60,
        "electricity": 40, "lopez": 3, "criticised": 60, "plan": 250, "proposal": 180, "senator": 150,
        "protesters": 70, "demonstrators": 60, "stormed": 20, "building": 150, "tax": 200, "rate": 180,
    },
    1000,
)


def align(a, b, **kw):
    return alignment.align_sentences(a, b, rarity=NEWSROOM, **kw)


# --- same facts, different words ----------------------------------------------


def test_the_same_fact_in_other_words_matches_as_a_fact():
    a = ["The city council voted on Tuesday to ban plastic bags from grocery stores."]
    b = ["Grocery stores will no longer hand out plastic bags after councillors approved a ban."]
    result = align(a, b)
    (match,) = result.matches
    assert (match.a, match.b, match.kind) == (0, 0, SAME_FACT)
    assert result.threshold == alignment.DEFAULT_THRESHOLD  # not even the same-story allowance was needed
    assert result.unique_a == [] and result.unique_b == []


def test_different_facts_sharing_everyday_words_do_not_match():
    a = ["The city government said on Tuesday it would raise parking fees downtown."]
    b = ["The city government said on Tuesday it would open a new public library."]
    for same_story in (False, True):
        result = align(a, b, same_story=same_story)
        assert result.matches == []
        assert result.unique_a == [0] and result.unique_b == [0]


def test_words_the_whole_pair_repeats_say_less_than_words_two_sentences_share():
    # Six sentences about one storm: "storm" and "power" are everywhere, so a
    # sentence sharing only those with another is not the same fact...
    a = [
        "The storm knocked out power across the county.",
        "The storm left power lines on the roads.",
        "Crews worked through the night to restore power after the storm.",
    ]
    b = [
        "Power cuts followed the storm in several towns.",
        "After the storm, schools stayed closed without power.",
        "The storm toppled a church steeple in Millbrook.",
    ]
    result = alignment.align_sentences(a, b)
    assert result.matches == []
    # ... while the same two words in a two-sentence pair are all the pair has in common.
    assert alignment.align_sentences(a[:1], b[:1]).a_best[0][1] > result.a_best[0][1]


def test_numbers_count_whatever_their_spelling():
    a = ["Officials said 1,200 homes lost power."]
    same_number = align(a, ["About 1200 homes were without electricity."])
    other_number = align(a, ["About 3400 homes were without electricity."])
    assert [(m.a, m.b) for m in same_number.matches] == [(0, 0)]
    assert other_number.matches == []  # "homes" alone is not a fact
    percent = align(["The tax rate rose by 5%."], ["Councillors approved a 5 percent rise in the tax rate."])
    assert percent.a_best[0][1] > align(["The tax rate rose by 7%."], ["Councillors approved a 5 percent rise in "
                                                                        "the tax rate."]).a_best[0][1]


def test_numbers_are_normalised():
    assert alignment.numbers_in("1,200 and 1200, 5% and 5 percent, $1.5 million, 0.25") == [
        "1200", "1200", "5%", "5%", "1500000", "0.25"]


def test_a_shared_name_counts_more_than_the_same_word_uncapitalised():
    b = ["On Monday, Senator Lopez criticised the proposal."]
    as_name = align(["The plan was criticised by Lopez and others."], b)
    as_word = align(["The plan was criticised by lopez and others."], b)  # a lower-case word is not a name
    assert as_name.a_best[0][1] > as_word.a_best[0][1]


def test_names_alone_are_not_a_fact():
    # Both sentences are about Jay Carney, but share no word saying what happened.
    a = ["White House Press Secretary Jay Carney arrived in Ohio."]
    b = ["Jay Carney, the White House Press Secretary, declined to comment."]
    for same_story in (False, True):
        assert align(a, b, same_story=same_story).matches == []


def test_sentence_opening_words_are_names_only_when_capitalised_elsewhere():
    # "Lopez" opens the first sentence but is capitalised inside another, so it is a name there too.
    b = ["Lopez criticised it in a long speech to farmers."]
    result = align(["Lopez criticised the plan.", "The plan came from Lopez."], b)
    plain = align(["Lopez criticised the plan.", "The plan came from a clerk."], b)
    assert result.a_best[0][1] > plain.a_best[0][1]


# --- the same-story allowance -------------------------------------------------


def test_the_same_story_lowers_the_threshold_and_only_then():
    # Who and what are shared, the rest is told differently: a fact only a story's context makes likely.
    a = ["Senator Lopez criticised the tax plan in a fiery speech on the Senate floor, warning of job losses in "
         "rural districts."]
    b = ["Lopez criticised the plan, saying families would pay for it through higher grocery bills."]
    alone, in_story = align(a, b), align(a, b, same_story=True)
    score = alone.a_best[0][1]
    assert in_story.threshold == pytest.approx(alignment.DEFAULT_THRESHOLD * alignment.SAME_STORY_FACTOR)
    assert in_story.threshold <= score < alone.threshold
    # matched only thanks to the allowance: called a related statement, not the same fact
    assert alone.matches == [] and [(m.a, m.b, m.kind) for m in in_story.matches] == [(0, 0, RELATED)]
    assert in_story.match_kinds() == {COPY: 0, SAME_FACT: 0, RELATED: 1}
    assert in_story.same_story and not alone.same_story
    # The allowance never makes a match of sentences that share nothing.
    assert align(a, ["Grocery stores stopped handing out plastic bags."], same_story=True).matches == []


def test_thresholds_must_be_fractions():
    with pytest.raises(ValueError, match="threshold"):
        align(["a b"], ["a b"], threshold=0)
    with pytest.raises(ValueError, match="same_story_factor"):
        align(["a b"], ["a b"], same_story_factor=1.5)


# --- copies -------------------------------------------------------------------


ARTICLE = [
    "Russian paratroopers landed in Almaty on Thursday.",
    "The president blamed foreign-trained terrorist gangs for the unrest.",
    "Fuel prices doubled at the start of the year, sparking protests in Zhanaozen.",
    "The government resigned after the clashes.",
]


def test_identical_articles_match_one_to_one_as_copies():
    result = align(ARTICLE, ARTICLE)
    for i, (j, score) in enumerate(result.a_best):
        assert j == i and score == pytest.approx(1.0)
    assert [(m.a, m.b, m.kind) for m in result.matches] == [(i, i, COPY) for i in range(len(ARTICLE))]
    assert all(m.only_a == () and m.only_b == () for m in result.matches)
    assert result.unique_a == [] and result.unique_b == []
    assert result.similarity == pytest.approx(1.0)
    assert result.cosine == pytest.approx(1.0)


def test_a_near_copy_is_a_copy_and_is_chosen_before_a_retelling():
    long = ("The central bank raised its main interest rate by half a point on Wednesday, the largest increase "
            "in two decades, and signalled that more rises would follow this year.")
    near = long.replace("Wednesday", "Thursday")
    retold = "Interest rates went up by half a point, the central bank said, its largest increase in two decades."
    result = align([long], [retold, near])
    assert result.a_best[0][0] == 1
    assert [(m.b, m.kind) for m in result.matches] == [(0, SAME_FACT), (1, COPY)]  # the retelling still points at A


def test_a_copy_of_a_short_sentence_with_one_word_changed_is_a_fact_not_a_copy():
    result = align(["Protesters stormed the government building."], ["Demonstrators stormed the government building."])
    assert [m.kind for m in result.matches] == [SAME_FACT]


def test_sentences_without_content_words_are_unique_even_when_identical():
    result = align(["…", ARTICLE[0]], ["…", ARTICLE[0]])
    assert result.a_best[0] == (None, 0.0)
    assert result.unique_a == [0] and result.unique_b == [0]
    assert result.a_best[1][0] == 1


def test_empty_inputs_give_an_empty_alignment():
    result = align([], ["…"])
    assert result.a_best == [] and result.b_best == [(None, 0.0)]
    assert result.matches == [] and result.similarity == 0.0 and result.cosine == 0.0
    assert result.distinctive.empty


# --- what differs inside a matched pair -----------------------------------------


def test_each_match_lists_the_words_only_one_side_has():
    result = align(["Protesters stormed the government building on Tuesday."],
                   ["Demonstrators stormed the government buildings."])
    (match,) = result.matches
    # Compared by stem ("buildings" = "building"); stop words ("on", "tuesday") are not words of a fact.
    assert match.only_a == ("protesters",)
    assert match.only_b == ("demonstrators",)


def test_differences_use_the_callers_aliases_and_stop_words():
    a = ["Tokaev asked the alliance for peacekeepers, officials said."]
    b = ["President Tokayev asked the alliance to send peacekeepers."]
    plain = alignment.align_sentences(a, b)
    folded = alignment.align_sentences(a, b, aliases={"tokaev": "tokayev"},
                                       stop_words=tokens.stop_words_with(["officials", "president"]))
    assert set(plain.matches[0].only_a) == {"tokaev", "officials"}
    assert set(plain.matches[0].only_b) == {"president", "tokayev", "send"}
    assert folded.matches[0].only_a == ()
    assert folded.matches[0].only_b == ("send",)


def test_to_dict_is_json_serialisable_and_carries_each_match():
    result = align(ARTICLE, ARTICLE[::-1] + ["Something else entirely."], same_story=True)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["a_sentences"] == ARTICLE
    assert all(len(str(score).split(".")[-1]) <= 4 for _, score in data["a_best"])
    assert data["distinctive"][0].keys() >= {"term", "z", "count_a", "count_b", "favours"}
    assert data["unique_b"] == [4]
    assert data["same_story"] is True
    assert data["matches"][0] == {"a": 0, "b": 3, "score": 1.0, "kind": COPY, "only_a": [], "only_b": []}


# --- determinism ----------------------------------------------------------------


def test_alignment_is_deterministic_and_ties_go_to_the_first_sentence():
    a, b = seed_sentences(0), seed_sentences(1)
    first, again = align(a, b, same_story=True), align(a, b, same_story=True)
    assert json.dumps(first.to_dict()) == json.dumps(again.to_dict())
    tie = align(["Lopez criticised the tax plan."], ["Lopez criticised the tax plan."] * 2)
    assert tie.a_best[0][0] == 0


# --- corpus rarity ----------------------------------------------------------------


def test_word_rarity_counts_documents_not_occurrences():
    table = tokens.tokenize_many(["storm storm power", "storm homes", "library"])
    rarity = WordRarity.from_tokens(table)
    df = dict(zip(rarity.words, rarity.document_frequency))
    assert df == {"storm": 2, "power": 1, "homes": 1, "library": 1}
    assert rarity.n_documents == 3
    only_first_two = WordRarity.from_tokens(table, np.array([True, True, False]))
    assert dict(zip(only_first_two.words, only_first_two.document_frequency))["library"] == 0


def test_a_tiny_corpus_cannot_make_a_word_worthless():
    tiny = WordRarity.from_counts({"storm": 5, "library": 1}, 5)
    storm, library = tiny.word_idf(["storm", "library"])
    assert 0 < storm < library
    assert storm > 0.5 * library  # five documents cannot tell common from rare: both still count
    large = WordRarity.from_counts({"storm": 500, "library": 100}, 500)
    assert large.word_idf(["storm"])[0] == pytest.approx(0.0)  # in every one of 500 documents: says nothing
    assert 0 < large.number_idf("2019") < large.number_idf("1200")  # a year is commoner than a count of 1,200


def test_word_rarity_rejects_impossible_counts():
    with pytest.raises(ValueError, match="between 0 and the number of documents"):
        WordRarity.from_counts({"storm": 7}, 5)


# --- the analysis' corpus decides ---------------------------------------------------


def story_corpus():
    texts = [
        ("Councillors approved a ban on plastic bags at grocery stores. The mayor welcomed the vote.", "Daily A", "e1"),
        ("Grocery stores must stop handing out plastic bags after the city council voted for a ban. "
         "Shop owners said costs would rise.", "Daily B", "e1"),
        ("The city council voted to raise parking fees downtown. Drivers complained.", "Daily C", "e2"),
    ]
    articles = [Article(id=article_id(t, s), text=t, source=s, extra={"event_id": e}) for t, s, e in texts]
    return Corpus(articles, content_hash=corpus_hash(articles))


def test_queries_align_lowers_the_threshold_for_articles_of_one_event():
    analysis = analyze(story_corpus(), Settings(unit="article"))
    ids = list(analysis.documents["id"])
    assert queries.share_a_story(analysis, ids[0], ids[1])
    assert not queries.share_a_story(analysis, ids[0], ids[2])
    same, other = queries.align(analysis, ids[0], ids[1]), queries.align(analysis, ids[0], ids[2])
    assert same.same_story and same.threshold < other.threshold and not other.same_story
    assert queries.align(analysis, ids[0], ids[2], same_story=True).same_story  # the caller may say so
    # The corpus's document frequencies are the ones the alignment weighs words by.
    rarity = queries.word_rarity(analysis)
    assert rarity is queries.word_rarity(analysis)  # counted once per analysis
    assert rarity.n_documents == 3
    assert dict(zip(rarity.words, rarity.document_frequency))["bags"] == 2


def test_articles_without_a_story_value_are_not_on_one_story():
    corpus = story_corpus()
    corpus.articles[1] = Article(id=corpus.articles[1].id, text=corpus.articles[1].text, source="Daily B")
    analysis = analyze(Corpus(corpus.articles, content_hash=corpus_hash(corpus.articles)), Settings(unit="article"))
    ids = list(analysis.documents["id"])
    assert not queries.share_a_story(analysis, ids[0], ids[1])


# --- seeds --------------------------------------------------------------------------


def test_seed_translations_000_and_001_match_nearly_every_sentence():
    # 001 is another translation of 000's report: most sentences are reworded, not new.
    a, b = seed_sentences(0), seed_sentences(1)
    result = alignment.align_sentences(a, b, same_story=True)
    matched_share = 1 - len(result.unique_a) / len(a)
    assert matched_share >= 0.8


def test_seeds_003_and_004_are_mostly_unique():
    # Two different reports: Zas's interview vs a tweet-laden news roundup. Both quote the CSTO's decision,
    # which the same-story allowance finds; without it they are mostly their own.
    a, b = seed_sentences(3), seed_sentences(4)
    result = alignment.align_sentences(a, b)
    assert len(result.unique_a) / len(a) >= 0.7
    assert len(result.unique_b) / len(b) >= 0.7


def test_similarity_ranks_the_translation_pair_above_unrelated_reports():
    same = alignment.align_sentences(seed_sentences(0), seed_sentences(1))
    different = alignment.align_sentences(seed_sentences(3), seed_sentences(4))
    assert same.similarity > different.similarity
    assert same.cosine > different.cosine


# --- distinctive terms of the pair ----------------------------------------------------


def test_distinctive_terms_come_from_one_side():
    a = ["Militants stormed the airport.", "Militants attacked the akimat."]
    b = ["Protesters gathered peacefully.", "Protesters demanded lower fuel prices."]
    result = alignment.align_sentences(a, b)
    df = result.distinctive.set_index("term")
    assert df.loc["militants", "favours"] == "a" and df.loc["militants", "count_b"] == 0
    assert df.loc["protesters", "favours"] == "b" and df.loc["protesters", "count_a"] == 0
    assert result.distinctive.iloc[0]["term"] == "militants"
    assert result.distinctive.iloc[-1]["term"] == "protesters"


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
    assert np.isfinite(df.loc["gathered", "z"])
    assert abs(df.loc["protesters", "delta"]) < abs(df.loc["militants", "delta"])
    with pytest.raises(ValueError, match="together"):
        alignment.align_sentences(a, b, terms=terms)


def test_seed_distinctive_terms_favour_the_side_that_uses_them():
    result = alignment.align_sentences(seed_sentences(3), seed_sentences(4))
    df = result.distinctive.set_index("term")
    for term in ("zas", "militants"):  # only 003 mentions them
        assert df.loc[term, "favours"] == "a" and df.loc[term, "count_b"] == 0
    assert df.loc["twitter", "favours"] == "b" and df.loc["twitter", "count_a"] == 0


def test_the_matching_alone_is_the_alignments_matching():
    a, b = seed_sentences(0), seed_sentences(1)
    full = align(a, b, same_story=True)
    alone = alignment.match_sentences(a, b, same_story=True, rarity=NEWSROOM)
    assert (alone.a_best, alone.b_best, alone.matches) == (full.a_best, full.b_best, full.matches)
    assert (alone.unique_a, alone.unique_b, alone.threshold) == (full.unique_a, full.unique_b, full.threshold)
