"""The Stories page in a real browser on the AllSides events corpus (about 5,000 articles, 1,228 events).

Issue 9's "Done when": a user finds a story by a word of its title and
compares its outlets in at most three clicks; and the story view's address
reopens the same view in a fresh browser. The story is chosen from the corpus
file (the event with the most outlets), the word is the one of its titles
that the fewest articles contain, so the search leaves a short list.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from streamlit_page import (RERUN_TIMEOUT, click_table_row, go_to, heading, main, no_exception, open_view, query,
                            runs_started, value, wait_idle)

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

FIRST_ANALYSIS_TIMEOUT = 300  # seconds: the whole corpus is analysed once before anything shows
WORD = re.compile(r"[A-Za-z]{5,}")


def target_story(path) -> tuple[list[dict], str]:
    """The event most outlets reported (its articles) and the word of its titles found in the fewest articles."""
    events: dict[str, list[dict]] = defaultdict(list)
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            texts.append(f"{row.get('title') or ''} {row.get('text') or ''}".lower())
            if row.get("event_id"):
                events[row["event_id"]].append(row)
    event = max(sorted(events), key=lambda e: len({r["source"] for r in events[e]}))
    words = {w for r in events[event] for w in WORD.findall(r["title"] or "")}
    rarest = min(sorted(words), key=lambda w: sum(w.lower() in t for t in texts))
    return events[event], rarest


def story_view_text(page) -> str:
    """What the story view shows of its outlets: every outlet card or row (escaped HTML, read as text)."""
    return " ".join(t.strip() for t in main(page).get_by_test_id("stHtml").all_inner_texts())


def test_a_story_found_by_a_word_of_its_title_compares_its_outlets_in_three_clicks(
        page, corpus_server, shared_corpus, report):
    articles, word = target_story(shared_corpus("allsides_events.jsonl.gz"))
    titles = {a["title"] for a in articles}
    sources = {a["source"] for a in articles}
    open_view(page, corpus_server.url)
    wait_idle(page, timeout=FIRST_ANALYSIS_TIMEOUT)
    clicks = 0

    go_to(page, "Stories")  # click 1: the page in the sidebar
    clicks += 1
    before = runs_started(page)
    main(page).get_by_role("searchbox", name="Search titles and texts").fill(word)  # typing, not a click
    wait_idle(page, after=before)
    assert query(page)["story_search"] == [word]
    grid = main(page).get_by_test_id("stDataFrame").first
    expect(grid.locator("td").first).to_be_attached()
    shown = [t.strip() for t in grid.locator("td").all_inner_texts()]
    title = next(t for t in shown if t in titles)  # the story is listed under one of its articles' titles
    click_table_row(page, main(page), title)  # click 2: its row
    clicks += 1
    no_exception(page)
    assert value(main(page), "Story").startswith(title)
    opened = story_view_text(page)
    missing = [s for s in sources if s not in opened]
    assert not missing, f"outlets of the story not shown side by side: {missing}"
    story = query(page)["story"]

    link = main(page).get_by_role("link", name="Compare these two sentence by sentence on Side by side")
    before = runs_started(page)
    link.click()  # click 3: the pair on Side by side
    clicks += 1
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Side by side", timeout=RERUN_TIMEOUT * 1000)
    wait_idle(page, after=before)
    no_exception(page)
    assert heading(page) == "Side by side"
    shown_a, shown_b = value(main(page), "Article A"), value(main(page), "Article B")
    source_a, source_b = (next(s for s in sources if shown.startswith(s)) for shown in (shown_a, shown_b))
    assert source_a != source_b  # two outlets of the story, not one outlet twice
    assert clicks <= 3
    report(f"Stories: story {story[0]} found by '{word}' and compared ({len(sources)} outlets) in {clicks} clicks")


def test_the_story_view_address_reopens_it_in_a_fresh_browser(page, corpus_server, shared_corpus, fresh_page):
    articles, word = target_story(shared_corpus("allsides_events.jsonl.gz"))
    titles = {a["title"] for a in articles}
    open_view(page, f"{corpus_server.url}/stories?story_search={word}&story_sort=most+outlets&coverage=source")
    wait_idle(page, timeout=FIRST_ANALYSIS_TIMEOUT)
    grid = main(page).get_by_test_id("stDataFrame").first
    expect(grid.locator("td").first).to_be_attached()
    title = next(t.strip() for t in grid.locator("td").all_inner_texts() if t.strip() in titles)
    click_table_row(page, main(page), title)
    no_exception(page)
    sent = {"story": value(main(page), "Story"), "coverage": value(main(page), "Coverage by"),
            "sort": value(main(page), "Sort by"), "view": story_view_text(page)}
    address = page.url
    assert set(query(page)) >= {"story", "story_search", "story_sort", "coverage"}

    other = open_view(fresh_page(), address)
    wait_idle(other, timeout=FIRST_ANALYSIS_TIMEOUT)
    no_exception(other)
    assert heading(other) == "Stories"
    assert main(other).get_by_role("searchbox", name="Search titles and texts").input_value() == word
    assert {"story": value(main(other), "Story"), "coverage": value(main(other), "Coverage by"),
            "sort": value(main(other), "Sort by"), "view": story_view_text(other)} == sent
    assert query(other) == query(page)
