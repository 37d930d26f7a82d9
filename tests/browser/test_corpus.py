"""The app on a real corpus (AllSides events, about 5,000 articles) started with --corpus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.loading import load_corpus
from streamlit_page import choose, go_to, main, metric, no_exception, open_list, sidebar, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

FIRST_ANALYSIS_TIMEOUT = 300  # seconds: the whole corpus is analysed once before anything shows


def test_a_real_corpus_from_the_command_line(page, corpus_server, shared_corpus):
    page.goto(corpus_server.url)
    wait_idle(page, timeout=FIRST_ANALYSIS_TIMEOUT)
    no_exception(page)
    expect(sidebar(page).get_by_text("Corpus: the --corpus folder")).to_be_visible()
    # The page counts what the core loads from the file.
    corpus = load_corpus([shared_corpus("allsides_events.jsonl.gz")])
    articles = int(metric(page, "Articles").replace(",", ""))
    assert articles == len(corpus.articles)
    assert int(metric(page, "Sources").replace(",", "")) == len({a.source for a in corpus.articles})
    assert "Unit of analysis: articles" in main(page).get_by_text("Unit of analysis:").inner_text()

    go_to(page, "Framing clusters")
    no_exception(page)
    expect(main(page).locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()


def test_a_real_corpus_filtered_to_one_event(page, corpus_server, shared_corpus):
    page.goto(corpus_server.url)
    wait_idle(page, timeout=FIRST_ANALYSIS_TIMEOUT)
    no_exception(page)
    articles = len(load_corpus([shared_corpus("allsides_events.jsonl.gz")]).articles)

    # One event: the filter applies before the analysis, which then works on passages.
    open_list(page, sidebar(page).get_by_role("combobox", name="Events", exact=True))
    first_event = page.get_by_role("option").first.inner_text().strip()
    page.keyboard.press("Escape")
    choose(page, sidebar(page), "Events", first_event)
    wait_idle(page, timeout=FIRST_ANALYSIS_TIMEOUT)
    no_exception(page)
    assert 2 <= int(metric(page, "Articles").replace(",", "")) < articles

    go_to(page, "Framing clusters")
    no_exception(page)
    expect(main(page).locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()
