"""Frames the corpus suggests: terms that set a cluster apart within its stories, missing from the lexicon."""

import numpy as np
import pytest

import plant_closure
from dashboard import frame_suggestions as fs
from dashboard.frames import Frame, load_frames
from dashboard.keyterms import Z_CRITICAL, compare_groups
from dashboard.lexicons import lexicon_text
from dashboard.loading import load_seed_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze
from dashboard.tokens import capital_counts


@pytest.fixture(scope="module")
def plant():
    return analyze(plant_closure.corpus(), Settings(frames_toml=plant_closure.LEXICON))


def heritage_cluster(analysis) -> int:
    """The cluster holding most of the heritage passages (the framing the lexicon lacks)."""
    heritage = analysis.units["text"].isin(plant_closure.HERITAGE)
    return int(analysis.units.loc[heritage, "cluster"].mode()[0])


def test_the_framing_the_lexicon_lacks_is_suggested_with_its_words(plant):
    suggestions = fs.suggest_frames(plant)
    assert [s.cluster for s in suggestions] == [heritage_cluster(plant)]  # jobs and pollution are in the lexicon
    [heritage] = suggestions
    assert heritage.named_after == "none"
    assert len(heritage.terms) >= fs.MIN_SUGGESTION_TERMS
    assert set(heritage.term_list) <= plant_closure.HERITAGE_WORDS
    assert all(t.z >= Z_CRITICAL and t.count_cluster > t.count_rest for t in heritage.terms)
    assert [t.z for t in heritage.terms] == sorted((t.z for t in heritage.terms), reverse=True)


def test_each_suggestion_comes_with_example_passages_that_use_its_terms(plant):
    [heritage] = fs.suggest_frames(plant)
    assert 1 <= len(heritage.examples) <= fs.EXAMPLES
    assert len({e.doc_id for e in heritage.examples}) == len(heritage.examples)  # one per article
    for example in heritage.examples:
        assert example.text in plant_closure.HERITAGE
        assert example.terms and all(t in example.text.lower() for t in example.terms)
        assert plant.units.at[example.unit, "text"] == example.text


def test_a_name_that_sets_the_cluster_apart_is_not_suggested(plant):
    a, b, _ = fs.contrast_groups(plant, heritage_cluster(plant))
    distinctive = compare_groups(plant.term_counter, a, b)
    assert distinctive.set_index("term").at["millbrook", "z"] >= Z_CRITICAL  # the town's name stands out ...
    assert "millbrook" not in fs.suggest_frames(plant)[0].term_list  # ... but names a place, not a framing


def test_the_contrast_is_with_the_rest_of_the_same_stories(plant):
    cluster = heritage_cluster(plant)
    a, b, stories = fs.contrast_groups(plant, cluster)
    assert stories == 1 and a.sum() + b.sum() == plant.units["in_fit"].sum()  # no story column: one story
    # Put the heritage cluster's passages in a story of their own: nothing is left to compare them with.
    units = plant.units.copy()
    units["story"] = np.where(units["cluster"] == cluster, "heritage", "closure")
    alone = type(plant)(**{**plant.__dict__, "units": units})
    a, b, stories = fs.contrast_groups(alone, cluster)
    assert stories == 0 and not a.any() and not b.any()
    assert cluster not in [s.cluster for s in fs.suggest_frames(alone)]


def test_suggestions_are_deterministic(plant):
    again = analyze(plant.corpus, plant.settings)
    assert [s.to_dict() for s in fs.suggest_frames(again)] == [s.to_dict() for s in fs.suggest_frames(plant)]


def test_on_the_small_sample_nothing_is_suggested_and_the_reason_says_why():
    a = analyze(load_seed_corpus())
    assert fs.suggest_frames(a) == []
    reason = fs.no_suggestion_reason(a)
    assert reason.startswith("No frame is suggested") and f"{len(a.units)} passages" in reason


# ---------------------------------------------------------------- what counts as known, and names


@pytest.mark.parametrize("term, known", [
    ("terrorist gangs", True),  # an entry (terror*) matches inside it
    ("sovereignty", True),
    ("collective", True),  # a word of the phrase "collective security"
    ("security treaty", True),  # itself an entry
    ("territorial", True),
    ("armed gangsters", True),  # inside the wildcard phrase "armed gang*"
    ("armed", True),
    ("security council", False),  # "security" and "council" never run together in an entry
    ("heritage", False),
])
def test_a_term_the_lexicon_has_is_known(term, known):
    frames, _ = load_frames(lexicon_text("crisis"))
    assert fs.known_to_lexicon([term], frames).tolist() == [known]


def test_a_word_mostly_capitalised_inside_sentences_is_a_name():
    texts = ["Officials in Millbrook met. The Millbrook museum opened.", "Millbrook is small, said a Millbrook man.",
             "Steel made the town. The steel works closed, and steel prices fell."]
    counts = capital_counts(texts, ["millbrook", "steel", "museum"])
    assert counts["millbrook"] == (3, 3)  # the text-initial one is not counted
    assert counts["steel"] == (2, 0)  # the two at sentence starts are not counted
    assert fs.looks_like_name("millbrook museum", counts) and not fs.looks_like_name("steel", counts)
    assert not fs.looks_like_name("unseen", counts)


# ---------------------------------------------------------------- into the lexicon


def test_a_suggestion_named_and_edited_is_added_and_scores_its_passages(plant):
    [heritage] = fs.suggest_frames(plant)
    terms = heritage.term_list + ["museum", "  ", "memories", "museum"]
    toml, key, warnings = fs.add_frame(plant.lexicon_toml, "Town heritage", terms, 'The "soul" of the town')
    assert key == "town_heritage" and warnings == []
    frames, _ = load_frames(toml)
    assert [f.name for f in frames] == ["jobs", "pollution", "town_heritage"]
    added = frames[-1]
    assert added.label == "Town heritage" and added.description == 'The "soul" of the town'
    assert added.terms == tuple(heritage.term_list + ["museum", "memories"])  # blanks dropped, repeats once
    rerun = analyze(plant.corpus, Settings(frames_toml=toml))
    on_heritage = rerun.units.loc[rerun.units["text"].isin(plant_closure.HERITAGE), "frame"]
    assert (on_heritage == "town_heritage").mean() > 0.5


def test_the_added_frame_keeps_the_lexicon_as_it_was_written():
    crisis = lexicon_text("crisis")
    toml, key, _ = fs.add_frame(crisis, "Economic hardship", ["hardship", "savings"])
    assert toml.startswith(crisis.rstrip("\n")) and f"[frames.{key}]" in toml
    assert [f.name for f in load_frames(toml)[0]][:-1] == [f.name for f in load_frames(crisis)[0]]


@pytest.mark.parametrize("label, key", [
    ("Economic hardship", "economic_hardship"), ("  Città & Stato!  ", "citt_stato"), ("2022 events", "frame_2022_events"),
    ("Санкции", "frame"), ("None", "none_2"), ("sovereignty", "sovereignty_2"),
])
def test_a_frame_key_is_a_bare_toml_key_unique_in_the_lexicon(label, key):
    assert fs.frame_key(label, ["sovereignty"]) == key


def test_labels_and_terms_with_quotes_backslashes_and_any_script_survive_the_toml():
    label = 'The "law" \\ order\tof things — Закон'
    terms = ['the "iron" curtain', "back\\slash", "Gesetz*"]
    toml, key, _ = fs.add_frame(lexicon_text("news"), label, terms, "line one\nline two")
    frame = load_frames(toml)[0][-1]
    assert frame.name == key and frame.label == " ".join(label.split())
    assert frame.terms == tuple(terms) and frame.description == "line one line two"


@pytest.mark.parametrize("label, terms, message", [
    ("  ", ["word"], "Give the new frame a name"),
    ("Heritage", ["", "  "], "has no terms"),
    ("Terrorism claims", ["word"], "already has a frame labelled"),
    ("Only stop words", ["the", "of and"], "cannot be added"),
])
def test_a_frame_that_cannot_be_added_says_why(label, terms, message):
    with pytest.raises(fs.SuggestionError, match=message):
        fs.add_frame(lexicon_text("crisis"), label, terms)


def test_a_term_that_shrinks_is_added_with_a_warning():
    _, key, warnings = fs.add_frame(lexicon_text("crisis"), "Heritage", ["of the heritage", "museum"])
    assert len(warnings) == 1 and f'Frame "{key}"' in warnings[0] and '"of the heritage" becomes' in warnings[0]


def test_the_json_of_a_suggestion_carries_its_toml(plant):
    [heritage] = fs.suggest_frames(plant)
    data = heritage.to_dict()
    assert {"key", "label", "cluster", "named_after", "terms", "examples", "description", "toml"} <= set(data)
    frames, _ = load_frames(data["toml"])
    assert frames == [Frame(heritage.key, heritage.label, heritage.description, tuple(heritage.term_list))]
