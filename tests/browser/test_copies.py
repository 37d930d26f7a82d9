"""Copies you can find: from the Overview's duplicate count to a copy beside its original, in two clicks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from dashboard.loading import load_seed_corpus
from streamlit_page import RERUN_TIMEOUT, go_to, heading, main, metric, no_exception, open_view, runs_started, \
    value, wait_idle

pytestmark = pytest.mark.browser

SEED_IDS = [a.id for a in load_seed_corpus().articles]  # seeds/, file order


def click_and_wait(page, link, title: str) -> None:
    before = runs_started(page)
    link.click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text(title, timeout=RERUN_TIMEOUT * 1000)
    wait_idle(page, after=before)


def test_the_duplicate_count_leads_to_the_copies_and_a_copy_opens_beside_its_original(page, server):
    # Two other articles were on Side by side before: the link's pair must replace them.
    open_view(page, f"{server.url}/compare?a={SEED_IDS[3]}&b={SEED_IDS[4]}")
    assert value(main(page), "Article A").endswith(f"({SEED_IDS[3]})")
    go_to(page, "Overview")
    assert metric(page, "Duplicate groups") == "1"  # the sample: Dnevnik's article and a re-post of it
    click_and_wait(page, main(page).get_by_role("link", name="See every copy and its original"), "Copies")
    no_exception(page)
    body = main(page)
    expect(body.get_by_text("Group 1", exact=True)).to_be_visible()
    rows = body.get_by_test_id("stHtml").locator("table tr").filter(has=page.locator("td"))
    expect(rows).to_have_count(2)  # the group's table: the original and its copy
    expect(rows.first).to_contain_text("Dnevnik")
    link = body.get_by_role("link", name="Side by side: original and copy 1")
    params = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert set(params) == {"a", "b"} and params["a"] != params["b"], params
    click_and_wait(page, link, "Side by side")
    no_exception(page)
    # The pair is preselected (the URL then leaves out what equals the defaults, as for any view).
    assert value(main(page), "Article A").startswith("Dnevnik")  # the original, as article A
    assert value(main(page), "Article A").endswith(f"({params['a'][0]})")
    assert value(main(page), "Article B").endswith(f"({params['b'][0]})")
    expect(main(page).get_by_text("Duplicate group 1: one text published more than once")).to_be_visible()
    assert heading(page) == "Side by side"
