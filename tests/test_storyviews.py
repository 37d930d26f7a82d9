"""The Stories page's numbers: which stories, who covered them, and how each outlet told one of them."""

from __future__ import annotations

import pytest

from dashboard import storyviews as sv
from dashboard.errors import SpecError
from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze

SHARED_FACT = "The Kessel Bridge carried 40,000 vehicles a day before engineers closed it in 2019 for repairs."

# (outlet, bias, event, date, title, url, text)
ROWS = [
    ("Left Daily", "left", "bridge", "2021-03-01", "Kessel Bridge collapse leaves commuters stranded",
     "https://left.example/bridge",
     f"The Kessel Bridge in Maraton collapsed on Monday. {SHARED_FACT} Commuters waited for hours in the cold "
     "as buses were rerouted. \u201cWe will rebuild every bridge in this city,\u201d said Mayor Ilse Brandt. "
     "Union leaders blamed years of underfunding for the corroded girders."),
    ("Centre Post", "center", "bridge", "2021-03-01", "Maraton's Kessel Bridge falls into the Vell River",
     "javascript:alert(1)",
     "A span of the Kessel Bridge fell into the Vell River in Maraton. Divers searched the water through the "
     "night. \u201cThe inspection reports will be published in full,\u201d Brandt said on Tuesday. Engineers "
     "will examine the girders."),
    ("Right Herald", "right", "bridge", "2021-03-02", "Taxpayers face bill after Kessel Bridge failure",
     "http://right.example/bridge",
     f"Taxpayers in Maraton face a repair bill after the Kessel Bridge collapse. {SHARED_FACT} Council "
     "spending on consultants tripled while the girders rusted, and taxpayers will cover the spending again, "
     "as taxpayers always do. \u201cThis was mismanagement, plain and "
     "simple,\u201d said council member Otto Varga. Mayor Ilse Brandt told reporters: \u201cWe will rebuild "
     "every bridge in this city.\u201d"),
    ("Left Daily", "left", "strike", "2021-04-10", "Nurses strike over unsafe staffing at Alvor hospital", "",
     "Nurses at Alvor General walked out on Saturday over unsafe staffing and stagnant wages. \u201cWe cannot "
     "care for patients when one nurse covers twelve beds,\u201d said union steward Mara Quist."),
    ("Left Wire", "left", "strike", "2021-04-11", "Alvor hospital nurses vow to stay out until wages rise", "",
     "Striking nurses at Alvor General said they would stay out until the hospital board raised wages. "
     "Picket lines grew on Sunday as patients' families brought food to the nurses."),
    ("Right Herald", "right", "tariff", "2021-05-20", "Steel tariff lifts Norland mills", "",
     "Norland's new steel tariff lifted orders at the country's mills, producers said. Shares in Norland "
     "Steel rose 4 percent."),
    ("Centre Post", "center", "tariff", "2021-05-21", "Norland steel tariff draws protest from importers", "",
     "Importers protested Norland's steel tariff, saying it would raise prices for builders and carmakers."),
    ("Left Wire", "left", "parade", "2021-06-01", "Harbour parade returns after three years", "",
     "The harbour parade returned to Velo on Sunday with forty boats and a brass band."),
]


@pytest.fixture(scope="module")
def analysis():
    arts = []
    for i, (source, bias, event, date, title, url, text) in enumerate(ROWS):
        arts.append(Article(id=article_id(text, source), text=text, source=source, title=title, date=date, url=url,
                            origin=f"row {i}", extra={"bias": bias, "event_id": event}))
    return analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article"))


def story_of(analysis, event: str) -> int:
    """The story id of an input event (the article ids come from ROWS, not from the code under test)."""
    ids = {article_id(r[6], r[0]) for r in ROWS if r[2] == event}
    found = set(analysis.documents.loc[analysis.documents["id"].isin(ids), "story"])
    assert len(found) == 1
    return found.pop()


def rows_of(event: str):
    return [r for r in ROWS if r[2] == event]


# ---------------------------------------------------------------- the list


def test_stories_table_counts_each_storys_articles_outlets_and_sides(analysis):
    table = sv.stories_table(analysis).set_index("story")
    assert len(table) == 4 and table["articles"].sum() == len(ROWS)
    bridge = table.loc[story_of(analysis, "bridge")]
    assert (bridge["articles"], bridge["outlets"]) == (3, 3)
    assert bridge["ratings"] == "left 1 · center 1 · right 1"
    assert (bridge["bias:left"], bridge["bias:center"], bridge["bias:right"]) == (1, 1, 1)
    assert bridge["spread"] == pytest.approx(1.0)  # every side equally
    strike = table.loc[story_of(analysis, "strike")]
    assert strike["spread"] == 0.0 and strike["ratings"] == "left 2"  # one side only
    assert 0 < table.loc[story_of(analysis, "tariff"), "spread"] < 1  # two of three sides
    assert bridge["label"].startswith(bridge["title"]) and "2021-03-01 to 2021-03-02" in bridge["label"]


def test_stories_sort_as_asked_with_ties_by_id(analysis):
    by_spread = sv.stories_table(analysis, sort="spread")
    assert list(by_spread["story"])[:2] == [story_of(analysis, e) for e in ("bridge", "tariff")]
    assert sorted(by_spread["story"][2:]) == sorted(story_of(analysis, e) for e in ("strike", "parade"))
    newest = sv.stories_table(analysis, sort="newest")
    assert list(newest["story"]) == [story_of(analysis, e) for e in ("parade", "tariff", "strike", "bridge")]
    oldest = sv.stories_table(analysis, sort="oldest")
    assert list(oldest["story"]) == list(newest["story"])[::-1]
    with pytest.raises(SpecError, match="sort stories by one of"):
        sv.stories_table(analysis, sort="size")


@pytest.mark.parametrize("query, events", [
    ("Kessel", ["bridge"]),  # a title word
    ("divers", ["bridge"]),  # a word of one member's text only
    ("nurses wages", ["strike"]),  # every word must occur in the story
    ("nurses tariff", []),
    ("STEEL", ["tariff"]),  # as the analysis tokenises: case folded
])
def test_a_story_is_found_by_words_of_its_titles_and_texts(analysis, query, events):
    found = sv.stories_table(analysis, search=query)
    assert sorted(found["story"]) == sorted(story_of(analysis, e) for e in events)


def test_a_search_without_words_says_so(analysis):
    with pytest.raises(SpecError, match="no words to look for"):
        sv.stories_table(analysis, search="the of 2021")


# ---------------------------------------------------------------- coverage


def test_coverage_by_rating_reads_left_to_right_and_counts_articles(analysis):
    matrix = sv.coverage_matrix(analysis, "bias").set_index("story")
    assert list(matrix.columns) == ["label", "left", "center", "right"]
    assert matrix.loc[story_of(analysis, "strike"), ["left", "center", "right"]].tolist() == [2, 0, 0]
    assert matrix.loc[story_of(analysis, "tariff"), ["left", "center", "right"]].tolist() == [0, 1, 1]
    by_source = sv.coverage_matrix(analysis, "source")
    assert list(by_source.columns[2:]) == ["Centre Post", "Left Daily", "Left Wire", "Right Herald"]  # most first
    assert by_source.iloc[:, 2:].to_numpy().sum() == len(ROWS)
    assert sv.coverage_options(analysis) == ["source", "bias"]
    with pytest.raises(SpecError, match="source, bias"):
        sv.coverage_matrix(analysis, "colour")


def test_one_side_covered_the_other_did_not(analysis):
    left_only = sv.one_sided(analysis, "bias", "left", "right")
    assert sorted(left_only["story"]) == sorted(story_of(analysis, e) for e in ("strike", "parade"))
    right_only = sv.one_sided(analysis, "bias", "Right", "left")
    assert list(right_only["story"]) == [story_of(analysis, "tariff")]
    with pytest.raises(SpecError, match="no bias 'purple'"):
        sv.one_sided(analysis, "bias", "purple", "left")


# ---------------------------------------------------------------- one story


def test_a_storys_articles_read_side_by_side_with_safe_links(analysis):
    table = sv.story_outlets(analysis, story_of(analysis, "bridge"))
    assert list(table["source"]) == ["Left Daily", "Centre Post", "Right Herald"]  # left, center, right
    assert list(table["bias"]) == ["left", "center", "right"]
    assert dict(zip(table["source"], table["url"])) == {
        "Left Daily": "https://left.example/bridge", "Centre Post": "", "Right Herald": "http://right.example/bridge"}
    frames = sv.story_frames(analysis, story_of(analysis, "bridge"))
    assert sorted(frames["source"]) == ["Centre Post", "Left Daily", "Right Herald"]
    with pytest.raises(SpecError, match="numbered 1 to 4"):
        sv.story_outlets(analysis, 5)


def test_an_outlets_key_terms_are_set_against_the_other_outlets_on_the_story(analysis):
    story = story_of(analysis, "bridge")
    terms = sv.story_outlet_terms(analysis, story, "Right Herald", limit=10)
    assert "taxpayers" in set(terms["term"]) and (terms["z"] > 0).all()
    assert "kessel" not in set(terms["term"])  # every outlet on the story names the bridge
    with pytest.raises(SpecError, match="did not report"):
        sv.story_outlet_terms(analysis, story, "Left Wire")
    with pytest.raises(SpecError, match="only one outlet"):
        sv.story_outlet_terms(analysis, story_of(analysis, "parade"), "Left Wire")


def test_statements_several_outlets_share_come_first_with_their_outlets(analysis):
    table = sv.story_statements(analysis, story_of(analysis, "bridge"))
    shared = table[table["shared"]]
    assert any("40,000 vehicles" in s for s in shared["statement"])
    fact = shared[shared["statement"].str.contains("40,000 vehicles")].iloc[0]
    assert fact["sources"] == "Left Daily; Right Herald" and fact["n_sources"] == 2
    divers = table[table["statement"].str.contains("Divers searched")].iloc[0]
    assert divers["sources"] == "Centre Post" and not divers["shared"]
    assert table["shared"].tolist() == sorted(table["shared"].tolist(), reverse=True)  # shared first


def test_who_is_quoted_by_whom(analysis):
    quotes = sv.story_quotes(analysis, story_of(analysis, "bridge"))
    brandt = quotes[quotes["speaker"] == "Ilse Brandt"]
    # "Brandt said" alone is the same person as Mayor Ilse Brandt; the title is not part of the name
    assert dict(zip(brandt["source"], brandt["quotes"])) == {"Left Daily": 1, "Centre Post": 1, "Right Herald": 1}
    assert quotes.iloc[0]["speaker"] == "Ilse Brandt"  # the most quoted first
    varga = quotes[quotes["speaker"] == "Otto Varga"]
    assert varga["source"].tolist() == ["Right Herald"] and "mismanagement" in varga["example"].iloc[0]
    assert "council member Otto Varga" not in set(quotes["speaker"])


@pytest.mark.parametrize("text, expected", [
    ("\u201cWe are ready for this,\u201d said Gov. Ana Ruiz.", [("Ana Ruiz", "We are ready for this,")]),
    ('"Nobody saw it coming at all," Ruiz told reporters.', [("Ruiz", "Nobody saw it coming at all,")]),
    ('Sen. Tom Hale said: "The vote comes next week."', [("Tom Hale", "The vote comes next week.")]),
    ('"It is too early to tell," he said.', []),  # a pronoun names nobody
    ('"Prices will rise again this year", according to Lena Ott.', [("Lena Ott", "Prices will rise again this year")]),
])
def test_quotes_are_words_in_quotation_marks_next_to_a_named_speaker(text, expected):
    assert sv.quotes_in(text) == expected


def test_an_outlet_naming_itself_is_not_among_its_words_on_a_story():
    rows = [("Right Herald", "Taxpayers will pay for the Kessel Bridge again, the mayor told the Herald. Herald "
             "readers asked why taxpayers pay twice; the Herald found consultants billed taxpayers."),
            ("Left Daily", "Commuters waited for hours after the Kessel Bridge collapse; buses were rerouted."),
            ("Centre Post", "Divers searched the river after the Kessel Bridge collapse; engineers examined girders.")]
    arts = [Article(id=article_id(text, source), text=text, source=source, title=f"Kessel Bridge {i}",
                    date="2021-03-01", origin=f"row {i}", extra={"event_id": "bridge"})
            for i, (source, text) in enumerate(rows)]
    analysis = analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article"))
    terms = set(sv.story_outlet_terms(analysis, 1, "Right Herald", limit=20)["term"])
    assert "taxpayers" in terms and "herald" not in terms
