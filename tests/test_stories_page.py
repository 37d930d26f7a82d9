"""The Stories page as a user meets it, driven by AppTest on a small hand-made corpus of four stories.

The corpus (written for these tests) has a story column (`event_id`) and the
outlets' `bias`, so which outlet covered which story is known here, not read
back from the code. AppTest cannot click a dataframe row (the browser test
does); a story is opened through its picker or its URL parameter.
"""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from test_app import APP, IMG, SCRIPT, no_exception, warnings

STORIES_PAGE = "dashboard/ui/stories.py"
LEFT, LEFT2, CENTER, RIGHT = "Left Ledger", "Morning Left", "Center Wire", "Right Review"
BIAS = {LEFT: "left", LEFT2: "left", CENTER: "center", RIGHT: "right"}
SHARED_FACT = "The bridge was closed at six in the morning after engineers found a crack in the main span."
QUOTE = '"We will rebuild the bridge within a year," said Mayor Alma Ortiz.'


def article(source, title, date, text, event, url=None):
    return {"source": source, "title": title, "date": date, "text": text, "event_id": event, "bias": BIAS[source],
            "url": url or f"https://{source.lower().replace(' ', '')}.example/{event}"}


CORPUS = [
    # The bridge: all three sides; two outlets carry the same fact and quote the mayor.
    article(LEFT, "Harbor bridge collapses into the bay", "2021-03-02",
            f"{SHARED_FACT} {QUOTE} Residents said years of deferred repairs by the state left the structure weak. "
            "Unions called for a public inquiry into the maintenance contracts.", "bridge"),
    article(CENTER, "Bridge closed after span gives way", "2021-03-02",
            f"{SHARED_FACT} {QUOTE} Traffic was diverted to the northern tunnel, adding an hour to commutes. "
            "Engineers will inspect the other harbor crossings this week.", "bridge"),
    article(RIGHT, "Commuters stranded as bridge fails", "2021-03-03",
            "Thousands of commuters were stranded after the harbor bridge failed on Tuesday. Business owners "
            "said the closure would cost them dearly. Critics blamed city spending on other projects.", "bridge",
            url="javascript:alert(3)"),
    # The recount: left and center only.
    article(LEFT, "Mayor wins the recount by 212 votes", "2021-04-10",
            "The mayor kept her office after a recount confirmed a lead of 212 votes. Election officials said the "
            "count was orderly and observers from both parties signed the results.", "recount"),
    article(CENTER, "Recount confirms the mayor's narrow win", "2021-04-11",
            "A recount confirmed the mayor's narrow win on Sunday. Her challenger conceded and thanked volunteers "
            "who had watched the ballots through the weekend.", "recount"),
    # The refinery strike: right and center only.
    article(RIGHT, "Refinery strike halts fuel deliveries", "2021-05-20",
            "A strike at the coastal refinery halted fuel deliveries across the region. Union leaders set up a "
            "picket line at the gates and said talks had broken down.", "strike"),
    article(CENTER, "Refinery workers walk out over pay", "2021-05-20",
            "Workers at the coastal refinery walked out over pay on Thursday, and a picket formed at dawn. The "
            "company said it would keep talking with the union.", "strike"),
    # The vaccine rollout: four outlets.
    article(LEFT, "Clinics open for the vaccine rollout", "2021-06-01",
            "Clinics opened across the city for the vaccine rollout. Nurses said demand was high among older "
            "residents and appointments filled within hours.", "vaccine"),
    article(LEFT2, "Long queues on the first day of vaccinations", "2021-06-01",
            "Long queues formed outside clinics on the first day of vaccinations. Volunteers handed out water to "
            "people waiting in the sun.", "vaccine"),
    article(CENTER, "Vaccine rollout begins in the city", "2021-06-02",
            "The city began its vaccine rollout with twelve clinics. Health officials expect to reach every adult "
            "by the end of summer.", "vaccine"),
    article(RIGHT, "Vaccine rollout starts amid supply worries", "2021-06-02",
            "The vaccine rollout started amid worries about supply. Pharmacies said deliveries were smaller than "
            "promised and asked for patience.", "vaccine"),
]
TITLES = {"bridge": "Harbor bridge", "recount": "recount", "strike": "Refinery", "vaccine": "vaccine rollout"}


def story_titles(event: str) -> set[str]:
    return {a["title"] for a in CORPUS if a["event_id"] == event}


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("stories") / "stories.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    return path


@pytest.fixture
def open_stories(corpus_path, monkeypatch):
    """Run the Stories page on the four-story corpus, with URL parameters."""
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(corpus_path)])

    def run(params: dict | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.switch_page(STORIES_PAGE)
        at.run()
        no_exception(at)
        return at

    return run


def listed_titles(at: AppTest, index: int = 0) -> list[str]:
    """The story titles of the index-th story table on the page."""
    tables = [d.value for d in at.dataframe if "title" in d.value.columns and "outlets" in d.value.columns]
    return list(tables[index]["title"])


def story_id(at: AppTest, event: str) -> str:
    """The story whose articles are `event`'s, chosen in the picker by its readable label as a user does."""
    picker = at.selectbox(key="story")
    index = next(i for i, label in enumerate(picker.options) if any(label.startswith(t) for t in story_titles(event)))
    picker.select_index(index).run()
    return at.session_state["story"]


def page_html(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html)


def share_params(at: AppTest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(at.sidebar.code[0].value).query)


# ---------------------------------------------------------------- the list


def test_the_list_shows_every_story_by_its_title_and_outlets(open_stories):
    at = open_stories()
    titles = listed_titles(at)
    assert len(titles) == 4
    for event in TITLES:
        assert len(set(titles) & story_titles(event)) == 1, event
    table = next(d.value for d in at.dataframe if "outlets" in d.value.columns)
    vaccine = table[table["title"].isin(story_titles("vaccine"))].iloc[0]
    assert (vaccine["articles"], vaccine["outlets"]) == (4, 4)
    # The picker names stories by their labels (title and dates), never by a raw id.
    options = at.selectbox(key="story").options
    assert all(not o.isdigit() for o in options)
    assert any("2021-03-02" in o and any(o.startswith(t) for t in story_titles("bridge")) for o in options)


@pytest.mark.parametrize("word,event", [("refinery", "strike"), ("Harbor", "bridge"), ("picket", "strike")])
def test_search_finds_a_story_by_a_word_of_its_title_or_text(open_stories, word, event):
    at = open_stories({"story_search": word})
    assert at.text_input(key="story_search").value == word
    titles = listed_titles(at)
    assert len(titles) == 1 and titles[0] in story_titles(event)


def test_a_search_nothing_matches_says_so(open_stories):
    at = open_stories({"story_search": "zeppelin"})
    assert any("No story matches" in i.value for i in at.info)


def test_sorting_by_outlets_puts_the_widest_story_first(open_stories):
    at = open_stories({"story_sort": "most outlets"})
    assert at.session_state["story_sort"] == "outlets"
    assert listed_titles(at)[0] in story_titles("vaccine")
    assert not warnings(at)


# ---------------------------------------------------------------- one story


def test_a_story_shows_each_outlet_side_by_side_with_titles_dates_and_safe_links(open_stories):
    at = open_stories()
    sid = story_id(at, "bridge")
    markup = page_html(at)
    for a in CORPUS:
        if a["event_id"] == "bridge":
            assert html.escape(a["source"]) in markup and html.escape(a["title"]) in markup and a["date"] in markup
    assert 'href="https://leftledger.example/bridge"' in markup
    assert "javascript:" not in markup  # a link that is not http(s) is not drawn
    for a in CORPUS:
        if a["event_id"] != "bridge":
            assert html.escape(a["title"]) not in markup  # only this story's articles
    # The pair sent to Side by side: two of this story's articles, from different outlets.
    link = next(p for p in at.get("page_link") if p.proto.page == "compare")
    pair = parse_qs(link.proto.query_string)
    assert set(pair) == {"a", "b"} and pair["a"] != pair["b"]
    assert share_params(at)["story"] == [sid]


def test_a_story_says_what_outlets_share_and_who_they_quote(open_stories):
    at = open_stories()
    story_id(at, "bridge")
    shared = [h.value for h in at.html if "as one outlet words it" in h.value]  # the table of shared statements
    assert len(shared) == 1 and html.escape(SHARED_FACT) in shared[0]
    assert html.escape(LEFT) in shared[0] and html.escape(CENTER) in shared[0]
    quoted = [h.value for h in at.html if "quoted by" in h.value]
    assert len(quoted) == 1 and "Alma Ortiz" in quoted[0]


def test_a_story_from_the_url_reopens_with_search_and_sort(open_stories):
    first = open_stories({"story_search": "bridge", "story_sort": "newest first"})
    sid = story_id(first, "bridge")
    link = share_params(first)
    assert link["story"] == [sid] and link["story_search"] == ["bridge"] and link["story_sort"] == ["newest first"]
    again = open_stories({k: v[-1] for k, v in link.items()})
    assert again.session_state["story"] == sid
    assert again.session_state["story_search"] == "bridge"
    assert again.session_state["story_sort"] == "newest"
    assert page_html(again) == page_html(first)


@pytest.mark.parametrize("value", ["999", "<b>x</b>", "-1"])
def test_an_unknown_story_in_the_url_falls_back_with_a_notice(open_stories, value):
    at = open_stories({"story": value})
    assert at.session_state["story"] == ""
    notices = warnings(at)
    assert any("`story`" in n for n in notices) and all(value not in n for n in notices)
    assert "The outlets side by side" not in [s.value for s in at.subheader]


# ---------------------------------------------------------------- coverage


def test_coverage_by_bias_lists_the_stories_one_side_missed(open_stories):
    at = open_stories({"coverage": "bias", "covered": "left", "missed": "right"})
    assert listed_titles(at, -1)[0] in story_titles("recount") and len(listed_titles(at, -1)) == 1
    at = open_stories({"coverage": "bias", "covered": "right", "missed": "left"})
    assert listed_titles(at, -1) == [t for t in listed_titles(at, -1) if t in story_titles("strike")]
    matrix = at.dataframe[-1].value
    assert {"left", "center", "right"} <= set(matrix.columns)
    assert share_params(at)["covered"] == ["right"]


def test_coverage_by_outlet_has_a_column_per_outlet(open_stories):
    at = open_stories({"coverage": "source"})
    matrix = at.dataframe[-1].value
    assert {LEFT, LEFT2, CENTER, RIGHT} <= set(matrix.columns)
    row = matrix[matrix["label"].map(lambda label: any(label.startswith(t) for t in story_titles("recount")))]
    assert (row[RIGHT] == 0).all() and (row[LEFT] == 1).all()


# ---------------------------------------------------------------- untrusted text


def test_corpus_text_on_a_story_is_escaped(tmp_path, monkeypatch):
    evil = [article(LEFT, f"{SCRIPT} Bridge", "2021-03-02", f"{SHARED_FACT} {IMG}", "x"),
            article(CENTER, f"Bridge {IMG}", "2021-03-02", f"{SHARED_FACT} {SCRIPT}", "x",
                    url='https://x.example/"><script>alert(4)</script>')]
    path = tmp_path / "evil.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in evil), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(path)])
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["story"] = "1"
    at.switch_page(STORIES_PAGE)
    at.run()
    no_exception(at)
    markup = page_html(at)
    assert html.escape(SCRIPT) in markup
    assert "<script" not in markup and "<img" not in markup


# ---------------------------------------------------------------- the sidebar's event filter


def test_the_sidebar_names_events_by_their_stories_and_keeps_ids_in_the_link(open_stories):
    at = open_stories({"event": ["recount", "no-such-event"]})
    events = at.sidebar.multiselect(key="event")
    assert events.value == ["recount"]  # the known id applies ...
    assert any("`event`" in n for n in warnings(at))  # ... the unknown one is reported, not silently dropped
    assert all(not o.startswith(("bridge", "recount", "strike", "vaccine")) for o in events.options)
    assert any(any(o.startswith(t) for t in story_titles("bridge")) for o in events.options)
    assert share_params(at)["event"] == ["recount"]
    assert len(listed_titles(at)) == 1 and listed_titles(at)[0] in story_titles("recount")
