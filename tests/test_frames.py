from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import tokens
from dashboard.frames import (
    Frame,
    FrameLexiconError,
    frame_evidence,
    lexicon_entries,
    lexicon_hits,
    lexicon_term_hits,
    load_frames,
    score_frames,
    source_frame_table,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def frame(name, *terms):
    return Frame(name, name.title(), "", tuple(terms))


def hits_of(texts, frames, aliases=None):
    """Lexicon hits per text (one unit each) and the texts' content-token counts."""
    table = tokens.tokenize_many(texts, aliases)
    return lexicon_hits(table, frames, aliases), table.lengths()


def test_wildcard_matches_words_with_the_prefix_and_each_word_once():
    texts = ["error", "terrain", "terror", "terrorism", "terrorist", "counterterrorism", "terrorist attack"]
    hits, _ = hits_of(texts, [frame("t", "terror*")])
    assert hits[:, 0].tolist() == [0, 0, 1, 1, 1, 0, 1]


def test_phrase_wildcard_ends_on_its_last_word():
    texts = ["armed", "armed gang", "armed gangs", "armed guards", "gangs", "heavily armed gangs", "gangs armed"]
    hits, _ = hits_of(texts, [frame("t", "armed gang*")])
    assert hits[:, 0].tolist() == [0, 1, 1, 0, 0, 1, 0]


def test_lexicon_phrases_are_normalised_like_the_texts():
    hits, _ = hits_of(["a state of emergency", "the state", "emergency"], [frame("o", "State of Emergency")])
    assert hits[:, 0].tolist() == [1, 0, 0]


@pytest.mark.parametrize("n_words", [3, 4, 5])
def test_phrases_of_any_length_match(n_words):
    phrase = " ".join(["collective", "security", "treaty", "organization", "members"][:n_words])
    hits, _ = hits_of([f"The {phrase} met.", f"The {phrase}, the {phrase}.", "collective security"],
                      [frame("t", phrase)])
    assert hits[:, 0].tolist() == [1, 2, 0]


def test_a_phrase_does_not_match_across_two_units():
    hits, _ = hits_of(["the armed", "gangs left"], [frame("t", "armed gangs")])
    assert hits[:, 0].tolist() == [0, 0]


def test_a_run_matched_by_two_entries_of_one_frame_counts_once():
    hits, _ = hits_of(["terrorist"], [frame("t", "terror*", "terrorist")])
    assert hits.tolist() == [[1]]


def test_overlapping_phrases_of_one_frame_count_once():
    """One mention of the treaty is one hit, though two listed phrases of the frame share its middle word."""
    sovereignty = frame("s", "collective security", "security treaty")
    hits, _ = hits_of(["relying on a collective security treaty", "collective security and a security treaty"],
                      [sovereignty, frame("t", "security treaty")])
    assert hits.tolist() == [[1, 1], [2, 1]]


def test_entries_of_different_frames_each_count():
    hits, _ = hits_of(["terrorist gangs"], [frame("t", "terror*"), frame("g", "gangs", "terrorist gangs")])
    assert hits.tolist() == [[1, 2]]


def test_lexicon_words_are_folded_by_the_alias_table():
    aliases = {"tokaev": "tokayev"}
    hits, _ = hits_of(["Tokaev spoke", "Tokayev spoke"], [frame("p", "Tokayev"), frame("q", "Tokaev spoke")], aliases)
    assert hits.tolist() == [[1, 1], [1, 1]]


def test_phrase_entry_is_not_counted_again_through_its_words():
    hits, n_tokens = hits_of(["collective security, collective security"], [frame("s", "collective security")])
    scores, _ = score_frames(hits, n_tokens, [frame("s", "collective security")])
    assert n_tokens[0] == 4 and scores.loc[0, "s"] == pytest.approx(100 * 2 / 4)


def test_each_entry_is_counted_wherever_its_words_follow_one_another_in_a_unit():
    """lexicon_term_hits against a plain scan of every unit, on entries sharing first words and prefixes."""
    frames = [frame("a", "armed gangs", "armed gang*", "armed forc*", "gangs", "armed"),
              frame("b", "armed gangs", "gang* armed", "police forces attacked", "police")]
    pool = ["armed", "gangs", "gang", "forces", "force", "police", "attacked", "city"]
    rng = np.random.default_rng(7)
    texts = [" ".join(rng.choice(pool, size=rng.integers(0, 12))) for _ in range(300)]
    table = tokens.tokenize_many(texts)
    counts, names = lexicon_term_hits(table, frames)
    entries = lexicon_entries(frames)
    assert names == [(frames[e.frame].name, e.term) for e in entries]

    def matches(words, e):
        form = e.form.split(" ")
        return words[:-1] == form[:-1] and (words[-1].startswith(form[-1]) if e.wildcard else words[-1] == form[-1])

    expected = np.zeros(counts.shape, dtype=np.int64)
    for u in range(len(table)):
        words = table.unit_tokens(u)
        for i, e in enumerate(entries):
            expected[u, i] = sum(matches(words[s:s + e.n_words], e) for s in range(len(words) - e.n_words + 1))
    assert expected[:, [e.n_words > 1 for e in entries]].sum() > 50  # the phrases did occur
    assert (counts.toarray() == expected).all()


def test_score_is_hits_per_hundred_content_tokens():
    frames = [frame("t", "terror*")]
    hits, n_tokens = hits_of(["The terrorists attacked the city; a terrorist gang was seen."], frames)
    scores, _ = score_frames(hits, n_tokens, frames)
    assert n_tokens[0] == 6  # terrorists attacked city terrorist gang seen
    assert scores.loc[0, "t"] == pytest.approx(100 * 2 / 6)


def test_dominant_frame_needs_enough_hits_and_a_clear_margin():
    frames = [frame("a", "alpha"), frame("b", "beta")]
    hits = np.array(
        [
            [3, 0],  # clearly a
            [1, 0],  # one stray hit: none
            [3, 3],  # tie: none
            [4, 3],  # 4 vs 3 is no clear margin: none
            [0, 0],  # nothing: none
        ]
    )
    _, dominant = score_frames(hits, hits.sum(axis=1) + 10, frames)
    assert list(dominant) == ["a", "none", "none", "none", "none"]


def test_empty_unit_scores_zero():
    scores, dominant = score_frames(np.zeros((1, 1)), np.array([0]), [frame("a", "alpha")])
    assert scores.loc[0, "a"] == 0 and dominant[0] == "none"


def test_bundled_lexicon_loads_cleanly_with_labels_and_descriptions():
    frames, warnings = load_frames()
    assert warnings == []
    names = [f.name for f in frames]
    assert {"sovereignty", "terrorism", "legitimacy", "protests", "military", "power_struggle"} <= set(names)
    assert all(f.label and f.description and f.terms for f in frames)


def test_user_lexicon_replaces_the_defaults():
    frames, warnings = load_frames('[frames.economy]\nlabel = "Economy"\ndescription = "Money."\nterms = ["inflation", "price*"]\n')
    assert [f.name for f in frames] == ["economy"] and warnings == []
    assert frames[0].terms == ("inflation", "price*")


def test_bad_toml_is_reported_clearly():
    with pytest.raises(FrameLexiconError, match="not valid TOML"):
        load_frames('[frames.x]\nterms = ["unclosed"\n')


def test_frame_without_terms_is_an_error_naming_it():
    with pytest.raises(FrameLexiconError, match='"empty"'):
        load_frames('[frames.empty]\nlabel = "Empty"\nterms = []\n')
    with pytest.raises(FrameLexiconError, match='"stopwords"'):
        load_frames('[frames.stopwords]\nlabel = "S"\nterms = ["the", "of it"]\n')


def test_vanishing_and_shrinking_terms_are_warnings_and_the_rest_still_works():
    frames, warnings = load_frames('[frames.x]\nlabel = "X"\nterms = ["the", "first president", "riot*"]\n')
    assert frames[0].terms == ("first president", "riot*")
    assert any('"the"' in w and "dropped" in w for w in warnings)
    assert any('"first president"' in w and '"president"' in w for w in warnings)


def test_reserved_frame_name_is_rejected():
    with pytest.raises(FrameLexiconError, match="reserved"):
        load_frames('[frames.none]\nlabel = "N"\nterms = ["x"]\n')


def test_evidence_lists_terms_with_their_sentences():
    frames = [frame("terrorism", "terror*", "armed gang*"), frame("order", "state of emergency")]
    text = "Armed gangs attacked the airport. Calm returned later.\nA state of emergency was declared after terrorist raids."
    evidence = frame_evidence(text, frames)
    assert list(evidence.columns) == ["frame", "term", "matched", "sentence"]
    rows = set(evidence.itertuples(index=False, name=None))
    assert rows == {
        ("terrorism", "armed gang*", "armed gangs", "Armed gangs attacked the airport."),
        ("terrorism", "terror*", "terrorist", "A state of emergency was declared after terrorist raids."),
        ("order", "state of emergency", "state emergency", "A state of emergency was declared after terrorist raids."),
    }


def test_evidence_holds_only_what_the_analysis_counted():
    # With the analysis' own stop words, a word the user removed is no evidence.
    frames = [frame("terrorism", "terrorist", "armed gang*"), frame("order", "state of emergency")]
    text = "Armed gangs attacked the airport. A state of emergency followed terrorist raids."
    assert len(frame_evidence(text, frames)) == 3
    stop = tokens.stop_words_with(["terrorist"])
    assert set(frame_evidence(text, frames, stop_words=stop)["matched"]) == {"armed gangs", "state emergency"}


def test_source_frame_table_gives_shares_per_outlet():
    units = pd.DataFrame(
        {
            "source": ["A", "A", "A", "A", "B"],
            "frame": ["terrorism", "terrorism", "none", "military", "military"],
            "tokens": [10, 10, 20, 60, 5],
        }
    )
    table = source_frame_table(units, ["terrorism", "military"])
    assert list(table.columns) == ["source", "terrorism", "military", "none", "units"]
    a = table.set_index("source").loc["A"]
    assert (a["terrorism"], a["military"], a["none"], a["units"]) == (0.5, 0.25, 0.25, 4)
    weighted = source_frame_table(units, ["terrorism", "military"], weight_col="tokens").set_index("source")
    assert weighted.loc["A", "military"] == pytest.approx(0.6)
    assert weighted.loc["B", "military"] == 1.0
    with pytest.raises(ValueError, match="not in the lexicon"):
        source_frame_table(units, ["military"])


# --- the seed articles -------------------------------------------------------


def seed(prefix):
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def between(text, start, stop):
    a = text.index(start)
    return text[a : text.index(stop, a)]


@pytest.fixture(scope="module")
def seed_passages():
    s0, s3 = seed("000"), seed("003")
    passages = {
        "behind_the_riots": between(s3, "Who is behind the riots", "In Kazakhstan itself"),
        "militants_paragraph": between(s3, "Trained militants", "Political scientist"),
        "doubts_about_legitimacy": between(s3, "Doubts about legitimacy", "Later, the official"),
        "article_4_quote": between(s0, '"In connection with', "Observers"),
        "article_4_text": between(s0, "Article 4 of the treaty states", "The UN Security"),
    }
    paragraphs = [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
    frames, _ = load_frames()
    hits, n_tokens = hits_of(list(passages.values()) + paragraphs, frames)
    scores, dominant = score_frames(hits, n_tokens, frames)
    scores.index = list(passages) + [f"p{i}" for i in range(len(paragraphs))]
    dominant.index = scores.index
    return scores, dominant


def test_seed_terrorism_passage_scores_terrorism_claims(seed_passages):
    scores, dominant = seed_passages
    assert dominant["militants_paragraph"] == "terrorism"
    assert scores.loc["behind_the_riots"].idxmax() == "terrorism"


def test_seed_legitimacy_passage_scores_legitimacy_doubts(seed_passages):
    _, dominant = seed_passages
    assert dominant["doubts_about_legitimacy"] == "legitimacy"


def test_seed_article_4_passages_score_sovereignty(seed_passages):
    _, dominant = seed_passages
    assert dominant["article_4_quote"] == "sovereignty"
    assert dominant["article_4_text"] == "sovereignty"


def test_seed_evidence_points_at_the_militants_sentences():
    frames, _ = load_frames()
    evidence = frame_evidence(between(seed("003"), "Trained militants", "Political scientist"), frames)
    terror = evidence[evidence["frame"] == "terrorism"]
    assert set(terror["matched"]) == {"militants"}
    assert terror["sentence"].str.startswith("Trained militants from several countries").any()
