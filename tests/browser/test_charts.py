"""Clicking the charts: a point on the cluster map opens its article, a term shows its keyword in context."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from streamlit_page import choose, main, no_exception, open_view, options, query, runs_started, value, wait_idle

pytestmark = pytest.mark.browser

# The point of a plotly chart farthest from its nearest neighbour (so a click hits it alone), in
# viewport pixels, with its customdata. calcdata holds each drawn point's data coordinates (x, y)
# and its index i in the trace; the axes turn them into pixels inside the plot area.
LONELY_POINT_JS = """(gd) => {
  const full = gd._fullLayout, xa = full.xaxis, ya = full.yaxis;
  const box = gd.getBoundingClientRect();
  const points = [];
  gd.calcdata.forEach((trace, t) => trace.forEach(pt => {
    if (!Number.isFinite(pt.x) || !Number.isFinite(pt.y)) return;
    const custom = gd._fullData[t].customdata;
    const text = gd._fullData[t].text;
    points.push({
      x: box.left + xa._offset + xa.c2p(pt.x), y: box.top + ya._offset + ya.c2p(pt.y),
      custom: custom ? custom[pt.i] : null, text: Array.isArray(text) ? text[pt.i] : null,
    });
  }));
  let best = null, bestGap = -1;
  for (const p of points) {
    if (p.x < box.left + xa._offset + 5 || p.y < box.top + ya._offset + 5) continue;  // not on an edge
    let gap = Infinity;
    for (const q of points) if (q !== p) gap = Math.min(gap, Math.hypot(p.x - q.x, p.y - q.y));
    if (gap > bestGap) { bestGap = gap; best = p; }
  }
  return best && {...best, gap: bestGap, count: points.length};
}"""


def click_lonely_point(page: Page, chart: Locator) -> dict:
    """Click the most isolated point of a plotly chart as a person would; return what it carries."""
    chart.scroll_into_view_if_needed()
    plot = chart.locator(".js-plotly-plot")
    expect(plot).to_be_visible()
    point = plot.evaluate(LONELY_POINT_JS)
    assert point is not None and point["gap"] >= 6, point  # at least one point can be hit on its own
    page.mouse.move(point["x"], point["y"])
    before = runs_started(page)
    page.mouse.click(point["x"], point["y"])
    wait_idle(page, after=before)
    return point


def test_clicking_a_point_on_the_cluster_map_opens_its_article(page, server):
    open_view(page, f"{server.url}/clusters")
    body = main(page)
    assert value(body, "Article").startswith("— choose an article")
    chart = body.locator('[data-testid="stPlotlyChart"]').first
    point = click_lonely_point(page, chart)
    doc_id = point["custom"][0]
    no_exception(page)
    assert value(body, "Article").endswith(f"({doc_id})")
    assert query(page).get("doc") == [doc_id]
    # The opened article: its "source · date · title" line and its passages table.
    expect(body.get_by_test_id("stText").filter(has_text=" · ").first).to_be_visible()
    expect(body.get_by_role("button", name="Compare it on Side by side (as article A)")).to_be_visible()


def kwic_tables(page: Page) -> list[list[list[str]]]:
    """Keyword-in-context tables (group A's, then B's), each a list of (source, left, match, right) rows."""
    tables = []
    for table in main(page).get_by_test_id("stHtml").locator("table").all():
        rows = [[c.strip() for c in r.locator("td").all_inner_texts()] for r in table.locator("tr").all()]
        if rows and all(len(r) == 4 for r in rows):
            tables.append(rows)
    return tables


def test_choosing_a_term_shows_its_keyword_in_context(page, server):
    open_view(page, f"{server.url}/terms")
    body = main(page)
    terms = [t for t in options(page, body, "Term") if t.isalpha()]  # one plain word: it shows in its matches
    term = terms[1] if len(terms) > 1 else terms[0]
    choose(page, body, "Term", term)
    no_exception(page)
    assert query(page).get("term") == [term]
    stats = body.get_by_test_id("stText").filter(has_text=f"{term}:").inner_text()
    counts = re.search(r"(\d[\d,]*) times in A, (\d[\d,]*) in B", stats)
    assert counts, stats
    count_a, count_b = (int(n.replace(",", "")) for n in counts.groups())
    tables = kwic_tables(page)
    assert len(tables) == (count_a > 0) + (count_b > 0), (stats, len(tables))
    matches = [match.lower() for rows in tables for _source, _left, match, _right in rows]
    assert any(term in match for match in matches), (term, matches)  # as written, e.g. with a possessive 's
    for rows in tables:  # (a merged name variant shows as spelled, e.g. Alma-Ata for almaty)
        for _source, left, match, right in rows:
            assert match and (left or right), (term, left, match, right)  # the word in a context


def test_clicking_a_term_in_the_scatter_selects_it(page, server):
    open_view(page, f"{server.url}/terms")
    body = main(page)
    before = value(body, "Term")
    chart = body.locator('[data-testid="stPlotlyChart"]').first
    point = click_lonely_point(page, chart)
    term = point["custom"][0]
    no_exception(page)
    assert value(body, "Term") == term
    assert term != before or query(page).get("term") is None  # the default term stays out of the URL
    expect(body.get_by_test_id("stText").filter(has_text=f"{term}:")).to_be_visible()
    assert kwic_tables(page)
