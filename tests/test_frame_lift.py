"""Labels that are earned: a group is named after a frame only when the frame is clearly more common in it."""

import numpy as np
import pandas as pd
import pytest

from dashboard import frame_lift, tables
from dashboard.loading import load_seed_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze


def groups_of(sizes):
    return np.repeat(np.arange(1, len(sizes) + 1), sizes)


def carried_column(per_group):
    """One frame: for each group, (units carrying it, group size)."""
    return np.concatenate([[True] * k + [False] * (n - k) for k, n in per_group])[:, None]


def test_a_group_whose_share_equals_the_corpus_share_earns_nothing():
    # 60% of every group carries the frame: most of each group, but no more than the corpus.
    carried = carried_column([(60, 100), (120, 200), (30, 50)])
    lifts = frame_lift.frame_lifts(carried, groups_of([100, 200, 50]), ["political"])
    assert np.allclose(lifts["lift"], 1.0) and not lifts["earned"].any()
    assert np.allclose(lifts["share"], 0.6) and np.allclose(lifts["corpus_share"], 0.6)


def test_a_group_with_a_strong_significant_lift_earns_the_frame():
    carried = carried_column([(45, 50), (10, 200), (5, 100)])
    lifts = frame_lift.frame_lifts(carried, groups_of([50, 200, 100]), ["terrorism"]).set_index("group")
    assert lifts.at[1, "earned"] and lifts.at[1, "lift"] == pytest.approx(0.9 / (60 / 350))
    assert lifts.at[1, "p"] < frame_lift.ALPHA / 3
    assert not lifts.loc[[2, 3], "earned"].any()


def test_a_lift_on_too_few_units_is_not_significant():
    # 2 of 3 units against 10% of the corpus: a lift near 7, but three units prove little.
    carried = carried_column([(2, 3), (38, 397)])
    lifts = frame_lift.frame_lifts(carried, groups_of([3, 397]), ["protests"]).set_index("group")
    assert lifts.at[1, "lift"] > frame_lift.EARNED_MIN_LIFT and not lifts.at[1, "earned"]


def test_a_frame_only_a_minority_of_the_group_carries_does_not_name_it():
    # 30% of a large group against 2% of the rest: significant and a large lift, but most of it is something else.
    carried = carried_column([(300, 1000), (40, 2000)])
    lifts = frame_lift.frame_lifts(carried, groups_of([1000, 2000]), ["morality"]).set_index("group")
    assert lifts.at[1, "p"] < 1e-10 and lifts.at[1, "lift"] > 2 and not lifts.at[1, "earned"]


def test_the_bonferroni_bound_grows_with_the_number_of_tests():
    # The same group and frame, tested alone or among 40 frames that are noise.
    rng = np.random.default_rng(0)
    carried = carried_column([(8, 10), (60, 190)])
    groups = groups_of([10, 190])
    alone = frame_lift.frame_lifts(carried, groups, ["f"]).set_index("group")
    noise = rng.random((200, 39)) < 0.3
    many = frame_lift.frame_lifts(np.hstack([carried, noise]), groups, ["f"] + [f"n{i}" for i in range(39)])
    many = many[many["frame"] == "f"].set_index("group")
    assert alone.at[1, "p"] == pytest.approx(many.at[1, "p"])
    assert alone.at[1, "earned"] and not many.at[1, "earned"]  # p ~ 1e-3 passes 0.05/2, not 0.05/80


def test_copies_do_not_count():
    carried = carried_column([(5, 10), (10, 100)])
    groups = groups_of([10, 100])
    counted = np.ones(110, dtype=bool)
    counted[:5] = False  # the carrying half of group 1 are copies
    lifts = frame_lift.frame_lifts(carried, groups, ["f"], counted=counted).set_index("group")
    assert lifts.at[1, "units"] == 0 and lifts.at[1, "group_units"] == 5


def test_the_best_frame_is_the_earned_one_with_the_highest_lift():
    carried = np.column_stack([carried_column([(40, 50), (20, 200)])[:, 0],
                               carried_column([(45, 50), (90, 200)])[:, 0]])
    best = frame_lift.best_frames(frame_lift.frame_lifts(carried, groups_of([50, 200]), ["rare", "common"]))
    assert best.at[1, "frame"] == "rare" and best.at[1, "earned"]
    assert not best.at[2, "earned"]  # group 2 earns nothing: its best candidate is still reported


@pytest.fixture(scope="module")
def seeds():
    return analyze(load_seed_corpus())


def test_seed_clusters_are_named_after_a_frame_only_when_they_earn_it(seeds):
    for c in seeds.clusters:
        t = c.frame_test
        assert set(t) >= {"frame", "share", "corpus_share", "lift", "p", "earned"}
        if c.frame == "none":
            assert not t["earned"] and c.label == ", ".join(c.top_terms[:3])  # named by its key terms
        else:
            assert t["earned"] and t["frame"] == c.frame and c.label.startswith(seeds.frame_labels[c.frame])
            assert t["share"] >= frame_lift.EARNED_MIN_SHARE and t["lift"] >= frame_lift.EARNED_MIN_LIFT
            assert t["p"] < t["alpha"]
    assert {"sovereignty", "terrorism"} <= {c.frame for c in seeds.clusters}


def test_the_cluster_table_and_card_note_show_lift_and_p(seeds):
    table = tables.cluster_table(seeds)
    assert {"tested frame", "share", "corpus share", "lift", "p"} <= set(table.columns)
    for c in seeds.clusters:
        note = tables.cluster_frame_note(seeds, c.id)
        assert "lift" in note and "p = " in note
        assert note.startswith("Named after") == (c.frame != "none")


def test_the_source_frame_cells_give_counts_and_flag_thin_sources(seeds):
    cells = tables.source_frame_cells(seeds)
    assert {"source", "frame", "units", "source_units", "share", "thin"} <= set(cells.columns)
    per_source = cells.groupby("source")["units"].sum()
    assert (per_source == cells.groupby("source")["source_units"].first()).all()  # the counts add up per source
    assert (cells["thin"] == (cells["source_units"] < tables.THIN_CELL_UNITS)).all()
    assert np.allclose(cells["share"], cells["units"] / cells["source_units"])


def test_thin_sources_are_flagged():
    from dashboard.loading import article_id, corpus_hash
    from dashboard.models import Article, Corpus

    texts = [("Big Daily", f"Troops were deployed to the airport, soldiers said, on day {i}. Paratroopers followed.")
             for i in range(6)] + [("Tiny Weekly", "Protesters rallied against fuel prices and corruption.")]
    arts = [Article(id=article_id(t, s), text=t, source=s) for s, t in texts]
    a = analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article", lexicon="crisis"))
    cells = tables.source_frame_cells(a).groupby("source")["thin"].all()
    assert cells["Tiny Weekly"] and not cells["Big Daily"]


def test_advice_names_a_better_lexicon_when_most_units_get_no_frame(seeds):
    assert tables.lexicon_advice(seeds) is None  # crisis frames most of the sample
    news = analyze(load_seed_corpus(), Settings(lexicon="news"))
    advice = tables.lexicon_advice(news)
    assert advice is not None and "no frame with the news lexicon" in advice
    assert "The crisis lexicon" in advice and f"{news.lexicon_coverage['crisis']:.0%}" in advice


def test_advice_says_so_when_one_frame_takes_most_units():
    from dashboard.loading import article_id, corpus_hash
    from dashboard.models import Article, Corpus

    texts = [f"Troops were deployed to the airport on day {i}; soldiers and paratroopers of the brigade followed, "
             f"and more troops are to be deployed." for i in range(8)] + [
        "Protesters rallied against fuel prices and corruption.", "Rioters looted shops before the curfew."]
    arts = [Article(id=article_id(t, f"S{i}"), text=t, source=f"S{i % 3}") for i, t in enumerate(texts)]
    a = analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article", lexicon="crisis"))
    share = (a.units["frame"] == "military").mean()
    assert share > tables.SINGLE_FRAME_SHARE and (a.units["frame"] == "none").mean() <= tables.MOSTLY_NONE
    advice = tables.lexicon_advice(a)
    assert advice is not None and f"{share:.0%} of articles get the same frame, Military deployment" in advice
