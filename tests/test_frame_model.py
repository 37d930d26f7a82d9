"""A frame for every passage that has one: lexicon seeds, a context model, calibrated scores."""

import numpy as np
import pytest
import scipy.sparse as sp

from dashboard import frame_model as fm
from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze
from dashboard.queries import analysis_to_dict

LEXICON = """
[frames.storm]
label = "Storm damage"
terms = ["hurricane*", "flood*"]

[frames.budget]
label = "Budget fight"
terms = ["budget*", "deficit*"]
"""

# Hand-written news passages. Storm passages use a lexicon word and talk of evacuations, shelters and
# power lines; budget passages use a lexicon word and talk of the treasury, spending and taxes.
STORM_SEEDS = [
    "The hurricane forced the evacuation of coastal towns and flooding followed; residents crowded into shelters "
    "while power lines came down.",
    "Flooding closed the coastal highway after the hurricane. Emergency shelters filled as the evacuation order "
    "spread and power lines fell.",
    "After the hurricane and the floods, crews restored power lines and residents left the shelters; the "
    "evacuation order was lifted.",
    "Flood water reached the shelters, and a second evacuation of coastal residents began as the hurricane's "
    "winds brought power lines down.",
    "The hurricane knocked down power lines across the coastal county and flooded roads; shelters took in "
    "residents under evacuation.",
    "Officials said the flooding left by the hurricane would keep shelters open and the evacuation of coastal "
    "neighbourhoods in force, with power lines still down.",
]
BUDGET_SEEDS = [
    "The budget vote split the council over the deficit: the treasury warned that spending cuts and higher taxes "
    "were unavoidable.",
    "A deficit of two billion wrecked the budget and forced the treasury to propose spending cuts; the mayor "
    "ruled out new taxes.",
    "Council members fought over the budget and its deficit as the treasury reported lower tax receipts and "
    "rising spending.",
    "The deficit grew again, the treasury said, so the budget will cut spending on roads unless taxes rise.",
    "The budget hearing ran late; treasury officials blamed the deficit and defended spending cuts and a freeze "
    "on taxes.",
    "Critics of the budget said the treasury hid the deficit and spending, and that taxes would rise next year.",
]
# No lexicon word at all, but the context of the storm seeds.
STORM_IN_OTHER_WORDS = (
    "Residents of the coastal villages spent a second night in shelters; the evacuation order stands and crews "
    "are still working on the power lines."
)
BUDGET_IN_OTHER_WORDS = "The treasury wants spending cuts this year, and the council argued about taxes until midnight."
BOTH = (
    "The bill for the hurricane and the flooding came in: the treasury says the evacuation and shelters pushed "
    "the budget into deficit, and spending cuts or new taxes must follow."
)
NEITHER = "The chess club meets on Thursdays in the library; beginners are welcome and tea is served."


def corpus_of(*texts):
    articles = [Article(id=article_id(t, f"S{i}"), text=t, source=f"S{i % 3}") for i, t in enumerate(texts)]
    return Corpus(articles, content_hash=corpus_hash(articles))


@pytest.fixture(scope="module")
def storm_analysis():
    texts = STORM_SEEDS + BUDGET_SEEDS + [STORM_IN_OTHER_WORDS, BUDGET_IN_OTHER_WORDS, BOTH, NEITHER]
    return analyze(corpus_of(*texts), Settings(unit="article", frames_toml=LEXICON))


def unit_of(a, text):
    return a.units.index[a.units["text"] == text][0]


def test_a_passage_in_other_words_gets_the_frame_its_context_shares(storm_analysis):
    a = storm_analysis
    storm, budget = unit_of(a, STORM_IN_OTHER_WORDS), unit_of(a, BUDGET_IN_OTHER_WORDS)
    assert a.lexicon_hits[storm].sum() == 0 and a.lexicon_hits[budget].sum() == 0  # no lexicon word in either
    assert a.units.at[storm, "frame"] == "storm" and a.units.at[budget, "frame"] == "budget"
    assert a.units.at[storm, "frame:storm"] >= fm.SCORE_THRESHOLD > a.units.at[storm, "frame:budget"]


def test_scores_are_in_zero_one_and_every_frame_has_a_column(storm_analysis):
    for table in (storm_analysis.units, storm_analysis.documents):
        scores = table[["frame:storm", "frame:budget"]].to_numpy()
        assert ((scores >= 0) & (scores <= 1)).all()


def test_a_passage_can_carry_several_frames(storm_analysis):
    a = storm_analysis
    both = unit_of(a, BOTH)
    assert set(a.units.at[both, "frames"]) == {"storm", "budget"}
    assert a.units.at[both, "frame"] in ("storm", "budget")


def test_none_when_no_score_reaches_the_threshold(storm_analysis):
    a = storm_analysis
    neither = unit_of(a, NEITHER)
    assert a.units.at[neither, "frame"] == "none" and list(a.units.at[neither, "frames"]) == []
    assert a.units.loc[neither, ["frame:storm", "frame:budget"]].max() < fm.SCORE_THRESHOLD


def test_the_json_explains_each_carried_frame(storm_analysis):
    data = analysis_to_dict(storm_analysis)
    by_text = {u["text"]: u for u in data["units"]}
    other_words = by_text[STORM_IN_OTHER_WORDS]
    assert other_words["frames"] == ["storm"] and list(other_words["evidence"]) == ["storm"]
    assert other_words["evidence"]["storm"]["lexicon"] == {}  # it has no lexicon word ...
    learned = other_words["evidence"]["storm"]["learned"]  # ... but the words it shares with the seeds
    assert max(learned, key=learned.get) in {"evacuation", "shelters", "power lines", "coastal", "residents",
                                             "power", "lines", "evacuation order"}
    seeded = by_text[STORM_SEEDS[0]]["evidence"]["storm"]
    assert seeded["lexicon"] == {"hurricane*": 1, "flood*": 1}
    for u in data["units"]:
        assert set(u["evidence"]) == set(u["frames"])
        assert all(f"frame:{k}" in u and k in u["frame_scores"] for k in ("storm", "budget"))
    for d in data["documents"]:
        assert isinstance(d["frames"], list) and all(f"frame:{k}" in d for k in ("storm", "budget"))


def test_learned_weights_add_up_to_the_decision_value(storm_analysis):
    a = storm_analysis
    model = a.frame_model
    row = unit_of(a, STORM_IN_OTHER_WORDS)
    [words] = fm.learned_words(model, a.vectors.tfidf, a.vectors.terms, 0, [row], n=10_000)
    decision = model.decision(a.vectors.tfidf[row])[0, 0]
    assert sum(w for _, w in words) == pytest.approx(decision - model.intercept[0], abs=1e-6)


def test_the_top_learned_words_are_the_largest_weights_ties_by_term_order_zeros_left_out():
    terms = np.array([f"t{c}" for c in range(12)])
    coef = np.array([[2.0, -1.0, 1.0, 0.5, -1.0, 0.0, 0.25, 3.0, -0.5, 1.0, 0.1, 0.2]])
    model = fm.FrameModel(names=["f"], fitted=np.array([True]), n_positive=np.array([9]), n_negative=np.array([9]),
                          columns=np.arange(12), coef=coef, intercept=np.zeros(1), slope=np.ones(1),
                          offset=np.zeros(1))
    tfidf = sp.csr_matrix(np.array([
        np.ones(12),  # longer than n: weights are the coefficients
        [0, 0, 0, 1.0, 0, 1.0, 0, 0, 0, 0, 0, 0],  # one nonzero weight and one zero (coefficient 0)
        np.zeros(12),  # no words
        [1.0, 0, 2.0, 0, 0, 0, 0, 0, 0, 0, 4.0, 0],  # 1.0 x 2.0 ties 2.0 x 1.0
    ]))
    words = fm.learned_words(model, tfidf, terms, 0, [0, 1, 2, 3], n=4)
    assert words[0] == [("t7", 3.0), ("t0", 2.0), ("t1", -1.0), ("t2", 1.0)]  # |-1| = |1|: t1, t2, then t4, t9
    assert words[1] == [("t3", 0.5)]
    assert words[2] == []
    assert words[3] == [("t0", 2.0), ("t2", 2.0), ("t10", pytest.approx(0.4))]
    assert fm.learned_words(model, tfidf, terms, 0, [3, 0], n=4) == [words[3], words[0]]  # the rows asked, in order


def test_the_top_n_learned_words_start_every_units_full_ranking(storm_analysis, monkeypatch):
    a = storm_analysis
    rows = np.arange(len(a.units))
    monkeypatch.setattr(fm, "ROWS_RANKED_AT_ONCE", 5)  # rows ranked a few at a time, as a large corpus' are
    for frame in range(len(a.frame_model.names)):
        every = fm.learned_words(a.frame_model, a.vectors.tfidf, a.vectors.terms, frame, rows, n=10_000)
        top = fm.learned_words(a.frame_model, a.vectors.tfidf, a.vectors.terms, frame, rows, n=3)
        assert any(len(words) > 3 for words in every)  # rows longer than n are cut
        assert top == [words[:3] for words in every]


def test_too_few_seeds_leave_the_frame_to_its_lexicon_with_a_notice():
    lexicon = LEXICON + '\n[frames.chess]\nlabel = "Chess"\nterms = ["chess"]\n'
    texts = STORM_SEEDS + BUDGET_SEEDS + [NEITHER, "Chess is played here; chess sets are provided, chess clocks too."]
    a = analyze(corpus_of(*texts), Settings(unit="article", frames_toml=lexicon))
    assert list(a.frame_model.fitted) == [True, True, False]
    assert any("Too few clear lexicon examples" in n and "chess (1)" in n for n in a.notices)
    chess_club = a.units.index[a.units["text"].str.startswith("Chess is played")][0]
    assert a.units.at[chess_club, "frame"] == "chess"  # its words alone still give it the frame
    assert a.units.at[unit_of(a, NEITHER), "frame:chess"] < fm.SCORE_THRESHOLD  # one mention is not enough


def test_lexicon_score_reaches_the_threshold_exactly_where_the_lexicon_is_clear():
    from dashboard.frames import MIN_HITS, MIN_SCORE

    n = np.array([100, 100, 100, 400])
    hits = np.array([[MIN_HITS], [MIN_HITS - 1], [0], [MIN_HITS]])  # clear; one stray word; none; too thin
    scores = fm.lexicon_probability(hits, n)[:, 0]
    assert scores[0] >= fm.SCORE_THRESHOLD > scores[1] > scores[2] == 0
    assert (100 * MIN_HITS / 400 >= MIN_SCORE) == (scores[3] >= fm.SCORE_THRESHOLD)


def test_the_model_is_deterministic(storm_analysis):
    again = analyze(storm_analysis.corpus, storm_analysis.settings)
    assert np.array_equal(again.units[["frame:storm", "frame:budget"]].to_numpy(),
                          storm_analysis.units[["frame:storm", "frame:budget"]].to_numpy())


def test_seeds_come_from_clear_lexicon_evidence_and_copies_never_train():
    hits = np.array([[3], [1], [0], [0], [3]])
    n_tokens = np.array([100, 100, 100, 5, 100])
    train = np.array([True, True, True, True, False])
    assert list(fm.seed_labels(hits, n_tokens, train)[:, 0]) == [1, -1, 0, -1, -1]


def test_thinning_is_even_and_keeps_the_limit():
    rows = np.arange(10_000)
    kept = fm._thin(rows, 1_000)
    assert len(kept) == 1_000 and kept[0] == 0 and kept[-1] == 9_999
    assert np.all(np.diff(kept) > 0)
    assert np.array_equal(fm._thin(rows[:10], 1_000), rows[:10])


def test_platt_scores_rise_with_the_decision_and_stay_below_certainty_with_few_seeds():
    decision = np.array([-2.0, -1.5, -1.0, 1.0, 1.5, 2.0])
    slope, offset = fm._platt(decision, np.array([0, 0, 0, 1, 1, 1.0]))
    assert slope > 0  # separable seeds: without Platt's smoothed targets the slope would run off to infinity
    assert 0.5 < fm._sigmoid(slope * 2 + offset) < 0.9 and fm._sigmoid(slope * 10 + offset) < 1.0


def test_the_dominant_frame_is_the_one_the_words_show_most_where_they_are_clear():
    names = ["storm", "budget"]
    scores = np.array([[0.99, 0.95], [0.30, 0.60], [0.90, 0.95], [0.40, 0.30]])
    lexicon = np.array([[0.10, 0.95], [0.30, 0.20], [0.90, 0.90], [0.40, 0.30]])
    # 1: the model is surer of storm, but only budget's words are clear; 2: no clear words, the higher
    # score wins; 3: the words are tied, the higher score breaks the tie; 4: no frame reaches the threshold.
    assert list(fm.dominant(scores, names, lexicon)) == ["budget", "budget", "budget", "none"]
    assert list(fm.dominant(scores, names)) == ["storm", "budget", "budget", "none"]


def test_a_units_frame_list_starts_with_its_dominant_frame(storm_analysis):
    for table in (storm_analysis.units, storm_analysis.documents):
        for frame, carried in zip(table["frame"], table["frames"]):
            assert (carried[0] == frame) if carried else (frame == "none")
