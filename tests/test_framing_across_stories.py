"""Framing clusters group the ways stories are told, not the stories.

Four stories, each told by four outlets, two of them counting the cost
(budget, taxpayers, billions) and two the people (families, grief,
children). Plain TF-IDF groups these articles by story: the names and places
of a story are its heaviest words. With each story's shared content taken
out, what is left is the telling.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from streamlit.testing.v1 import AppTest

from dashboard import tables
from dashboard.clusters import story_residuals
from dashboard.loading import article_id, corpus_hash, load_seed_corpus
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze

# Each story's names and places; each outlet puts them in its own sentences (the same sentence in four
# articles would make them syndicated copies of one another).
STORIES = {
    "bridge": ("Kessel", "Maraton", "Vell", "Brandt", "girders"),
    "bank": ("Norland", "Lindqvist", "krona", "Centralbank", "mortgages"),
    "fire": ("Serra", "Alvor", "Matos", "wildfire", "hectares"),
    "cup": ("Riverton", "Highcastle", "Okafor", "Ostby", "stoppage"),
}
FACTS = [
    "{0} and {1} led the news on Monday, as {2} and {3} dominated talk of {4}; {0} and {2} again.",
    "In {1}, {3} spoke about {0} and {4}, while {2} waited; later {0}, {1} and {3} returned.",
    "Reports from {2} said {0} and {4} mattered most to {3} and {1}; {3} and {0} agreed.",
    "{3} described {4} at {1}, with {0} and {2} close by; {1} and {4} featured throughout.",
]
# Each article tells its story with its own sentence (an outlet repeating one line in every story would be
# boilerplate, and cleaning takes that out), in the shared words of its telling.
TELLINGS = {
    "cost": ["Taxpayers face a bill of billions as the budget deficit grows.",
             "The cost runs to billions, and the budget cannot absorb the spending.",
             "Spending cuts loom because taxpayers must cover a cost in the billions.",
             "Auditors put the cost at billions; taxpayers and the budget pay.",
             "The budget shortfall means taxpayers carry spending of billions.",
             "Billions in spending strain a budget that taxpayers already fund.",
             "Taxpayers ask who pays the cost when the budget is billions short.",
             "A deficit of billions leaves taxpayers facing cuts to spending."],
    "people": ["Families wept and neighbours mourned as children laid flowers.",
               "Grief filled the homes of families, and neighbours mourned the children.",
               "Children and their families mourned together, neighbours said through tears.",
               "Neighbours brought flowers to grieving families and their children.",
               "Families held one another in grief while children mourned with neighbours.",
               "Tears and grief: families and neighbours mourned, children beside them.",
               "The children drew pictures as families and neighbours mourned in grief.",
               "Grieving families thanked neighbours who mourned with their children."],
}
APP = str(Path(__file__).resolve().parents[1] / "app.py")
OUTLETS = ["Daily Ledger", "Evening Courier", "Metro Wire", "Harbour Times"]


def telling_corpus() -> tuple[Corpus, dict[str, str]]:
    """The corpus, and each article's telling (from the inputs, not from the code under test)."""
    arts, telling_of = [], {}
    for s, (story, names) in enumerate(STORIES.items()):
        for i, outlet in enumerate(OUTLETS):
            telling = "cost" if i % 2 == 0 else "people"
            text = f"{FACTS[i].format(*names)} {TELLINGS[telling][2 * s + i // 2]}"
            doc = Article(id=article_id(text, outlet), text=text, source=outlet, title=f"{story} {outlet}",
                          date="2021-03-01", origin=f"{story} {i}", extra={"event_id": story})
            arts.append(doc)
            telling_of[doc.id] = telling
    return Corpus(arts, content_hash=corpus_hash(arts)), telling_of


def partition(labels, keys) -> list[set]:
    groups: dict = {}
    for key, label in zip(keys, labels):
        groups.setdefault(label, set()).add(key)
    return sorted(groups.values(), key=sorted)


def test_clusters_group_the_tellings_across_stories():
    corpus, telling_of = telling_corpus()
    a = analyze(corpus, Settings(unit="article", k=2, frame_weight=0.0))
    docs = a.documents
    assert partition(docs["cluster"], docs["id"]) == partition([telling_of[d] for d in docs["id"]], docs["id"])
    for c in a.clusters:  # each cluster draws from every story, and says so
        assert len(c.stories) == len(STORIES) and sum(c.stories.values()) == c.size


def test_with_story_content_kept_the_clusters_are_the_stories():
    corpus, _ = telling_corpus()
    a = analyze(corpus, Settings(unit="article", k=4, frame_weight=0.0, remove_story_content=False))
    docs = a.documents
    assert partition(docs["cluster"], docs["id"]) == partition(docs["story"], docs["id"])
    assert all(len(c.stories) == 1 for c in a.clusters)  # a one-story cluster is visible as such


def test_on_one_story_nothing_is_taken_out():
    seeds = load_seed_corpus()
    removed = analyze(seeds)
    kept = analyze(seeds, Settings(remove_story_content=False))
    assert len(removed.stories) == 1
    assert removed.units["cluster"].tolist() == kept.units["cluster"].tolist()
    assert [c.label for c in removed.clusters] == [c.label for c in kept.clusters]


def test_story_residuals_take_out_what_a_story_shares_and_keep_what_a_unit_adds():
    # terms: 0 shared by the whole story, 1 only unit 0's, 2 the lone unit's, 3 used by both stories
    tfidf = sp.csr_matrix(np.array([
        [1.0, 1.0, 0.0, 0.5],
        [1.0, 0.0, 0.0, 0.5],
        [0.0, 0.0, 1.0, 0.5],
    ]))
    told = story_residuals(tfidf, np.array([1, 1, 2])).toarray()
    plain = normalize(tfidf).toarray()
    assert np.allclose(np.linalg.norm(told, axis=1), 1.0)
    assert np.allclose(told[2], plain[2])  # alone in its story: unchanged
    assert told[0, 1] / abs(told[0, 0]) > plain[0, 1] / plain[0, 0]  # its own word now outweighs the story's
    assert np.array_equal(story_residuals(tfidf, np.array([5, 5, 5])).toarray(), tfidf.toarray())  # one story


def test_dense_rows_are_centred_on_the_corpus_mean_story_by_story():
    rows = normalize(np.array([[1.0, 0.2, 0.0], [0.9, 0.0, 0.3], [0.0, 1.0, 0.1], [0.1, 0.9, 0.0], [0.5, 0.5, 0.5]]))
    told = story_residuals(rows, np.array([1, 1, 2, 2, 3]))
    assert np.allclose(np.linalg.norm(told, axis=1), 1.0)
    assert np.allclose(told[4], rows[4])  # alone in its story
    # before: the two stories sit apart; after: each story's units point away from each other, not to their story
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    assert told[0] @ told[1] < told[0] @ told[2] or told[0] @ told[1] < 0


def test_story_residuals_need_a_story_per_unit():
    with pytest.raises(ValueError, match="story ids for 3 units"):
        story_residuals(sp.csr_matrix(np.eye(3)), np.array([1, 2]))


def test_cluster_reach_says_which_clusters_are_one_story():
    corpus, _ = telling_corpus()
    told = analyze(corpus, Settings(unit="article", k=2, frame_weight=0.0))
    kept = analyze(corpus, Settings(unit="article", k=4, frame_weight=0.0, remove_story_content=False))
    told_reach, kept_reach = tables.cluster_reach(told), tables.cluster_reach(kept)
    assert told_reach["stories"].tolist() == [4, 4] and not told_reach["mostly_one_story"].any()
    assert kept_reach["stories"].tolist() == [1, 1, 1, 1] and kept_reach["mostly_one_story"].all()
    assert (kept_reach["largest_story_share"] == 1.0).all()
    assert set(kept_reach["largest_story_label"]) == {s.label for s in kept.stories}


def test_the_clusters_page_says_which_stories_and_outlets_each_cluster_draws_from(tmp_path, monkeypatch):
    corpus, _ = telling_corpus()
    path = tmp_path / "tellings.jsonl"
    path.write_text("\n".join(json.dumps({"text": a.text, "source": a.source, "title": a.title, "date": a.date,
                                          "event_id": a.extra["event_id"]}) for a in corpus.articles),
                    encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(path)])
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["k"] = "2"
    at.query_params["unit"] = "article"
    at.switch_page("dashboard/ui/clusters.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    reach = [t.value for t in at.text if t.value.startswith(("draws from", "MOSTLY ONE STORY"))]
    # two outlets tell every story by its cost, the other two by its people
    assert len(reach) == 2 and all(r.startswith("draws from 4 stories and 2 outlets") for r in reach)


def test_on_allsides_clusters_follow_the_stories_less_once_their_content_is_out(shared_corpus):
    """Measured when written (articles, k=100): adjusted mutual information of clusters with the
    corpus's events 0.26 with story content kept, 0.19 with it taken out (random clusters: 0)."""
    from sklearn.metrics import adjusted_mutual_info_score

    from dashboard import pipeline as P
    from dashboard.loading import load_corpus

    articles = load_corpus([shared_corpus("allsides_events.jsonl.gz")]).articles
    settings = Settings(unit="article", k=100)
    cleaned = P.clean_stage(articles, "article")
    langs = P.language_stage(articles, cleaned, ())
    aliases = P.alias_stage(cleaned, ())
    stop_words = [langs.stop_words[code] for code in langs.codes]
    units = P.unit_stage(cleaned, "article", aliases.table, stop_words)
    stories = P.story_stage(articles, cleaned, units, aliases.table, stop_words, settings)
    fitted = P.vector_stage(units, P.duplicate_stage([a.id for a in articles], units, "article"), settings)
    scores = P.frame_stage(units, fitted, len(articles), settings, aliases.table, "article")
    events = [a.extra["event_id"] for a in articles]
    agreement = {}
    for remove in (False, True):
        chosen = Settings(unit="article", k=100, remove_story_content=remove)
        labels = P.cluster_stage(fitted, scores, chosen, stories.doc_story[units.doc_pos]).labels
        agreement[remove] = adjusted_mutual_info_score(events, labels)
    assert agreement[True] < agreement[False] - 0.03, agreement
