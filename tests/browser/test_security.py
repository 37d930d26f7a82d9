"""Untrusted text in a real browser: nothing runs, nothing is fetched, nothing covers the page, all of it readable.

The payloads come in two ways: inside an uploaded corpus (every field a
user can fill) and inside URL parameters (anyone can send a link).
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from corpora import ARTICLES, write_files
from streamlit_page import (PAGE_TITLES, alerts, choose, go_to, main, no_exception, open_view, options, upload,
                            value)

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_LINK = '<a href="javascript:window.__pwned=1">click me</a> [click](javascript:window.__pwned=1)'
MD_IMG = "![x](http://evil.example/pixel.png)"
OVERLAY = '<div style="position:fixed;inset:0;background:red;z-index:99999">covered</div>'
PAYLOAD = f"{SCRIPT} {IMG} {JS_LINK} {MD_IMG} {OVERLAY}"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# Elements that sit fixed over the page and are large: a corpus overlay would be one of them.
COVERING_JS = """() => {
  const vw = innerWidth, vh = innerHeight, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.position !== 'fixed' || style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    const w = Math.min(r.right, vw) - Math.max(r.left, 0), h = Math.min(r.bottom, vh) - Math.max(r.top, 0);
    const area = Math.max(0, w) * Math.max(0, h);
    if (area > 0.25 * vw * vh) found.push(el.outerHTML.slice(0, 200));
  }
  return found;
}"""


def evil_upload(folder) -> list:
    rows = [
        {"source": f"Evil {SCRIPT}", "title": f"{IMG} {MD_IMG}", "date": "2022-01-05",
         "text": f"{ARTICLES[0]['text']} {PAYLOAD}"},
        {"source": "Plain Daily", "title": f"Protests {JS_LINK}", "date": "2022-01-06",
         "text": f"{ARTICLES[1]['text']}\n\n{OVERLAY} {MD_IMG}"},
        {"source": MD_IMG, "title": "Third", "date": "2022-01-07", "text": f"{ARTICLES[2]['text']} {SCRIPT}"},
    ]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=["source", "title", "date", "text"])
    writer.writeheader()
    writer.writerows(rows)
    title_line = f"{OVERLAY}\n\n{ARTICLES[0]['text']} {IMG}\n".encode("utf-8")  # a .txt title is its first line
    return write_files(folder, {"evil.csv": table.getvalue().encode("utf-8"), "evil.txt": title_line})


def record_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def assert_local(requests: list[str]) -> None:
    """Every request went to the app's own server (or stayed inside the browser)."""
    outside = [u for u in requests
               if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS]
    assert not outside, outside


# Where page text is rendered as markdown or HTML, found by test id: inline styles there must not pin anything.
RENDERED_TEXT = re.compile(r"^(stHtml|stMarkdownContainer|stCaptionContainer)$")
FIXED_INSIDE_JS = """els => els.flatMap(box => [...box.querySelectorAll('[style]')])
  .filter(e => /position\\s*:\\s*fixed/i.test(e.getAttribute('style')))
  .map(e => e.outerHTML.slice(0, 300))"""
LINK_TARGETS_JS = "els => els.map(e => (e.getAttribute('href') || '').trim())"


def assert_inert(page: Page) -> None:
    """Nothing ran, no image points away, no link runs script, nothing covers the page, no traceback.

    Every check looks at elements it first finds by role or test id, and fails
    when it finds none, so a renamed element cannot make it pass unseen.
    """
    no_exception(page)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('[src*="evil.example"]').count() == 0  # any element of the document
    links = page.get_by_role("link")  # the sidebar's page links at least
    assert links.count() > 0, "no link found on the page"
    targets = links.evaluate_all(LINK_TARGETS_JS)
    assert not [t for t in targets if t.lower().startswith("javascript:")], targets
    assert page.locator('[href^="javascript:" i]').count() == 0  # nor anything else with an href
    rendered = page.get_by_test_id(RENDERED_TEXT)
    assert rendered.count() > 0, "no markdown or HTML element found on the page"
    assert rendered.evaluate_all(FIXED_INSIDE_JS) == []
    assert page.evaluate(COVERING_JS) == []
    heading = main(page).get_by_role("heading", level=1)
    heading.scroll_into_view_if_needed()
    box = heading.bounding_box()
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('h1')?.innerText ?? null",
                        [box["x"] + 5, box["y"] + box["height"] / 2])
    assert hit == heading.inner_text()  # the title is what a click there reaches, not an overlay


def test_an_uploaded_corpus_cannot_run_fetch_or_cover_anything(overview, tmp_path):
    page = overview
    requests = record_requests(page)
    upload(page, evil_upload(tmp_path))
    assert_inert(page)
    body = main(page)

    for title in PAGE_TITLES[1:]:
        go_to(page, title)
        assert_inert(page)
        if title == "Framing clusters":
            evil_id = next(o for o in options(page, body, "Article") if "Evil" in o)
            choose(page, body, "Article", evil_id, search="Evil")
            assert_inert(page)
            # The opened article's line shows the title exactly as written.
            opened_line = body.get_by_test_id("stText").filter(has_text=f"{SCRIPT} · 2022-01-05 · {IMG}")
            expect(opened_line).to_be_visible()
            # Cleaning takes the markup out of the article's text; its list shows each piece as written.
            removed = body.get_by_test_id("stExpander").filter(has_text="Removed by cleaning")
            removed.locator("summary").click()
            grid = removed.get_by_test_id("stDataFrame")
            expect(grid.locator("td").first).to_be_attached()  # glide-data-grid's accessible table
            cells = [t.strip() for t in grid.locator("td").all_inner_texts()]
            for tag in (SCRIPT, IMG, OVERLAY.removesuffix("covered</div>")):
                assert tag in cells, (tag, cells)
            assert_inert(page)
        if title == "Side by side":
            labels = options(page, body, "Article A")
            assert any(label.startswith(f"{MD_IMG} — Third") for label in labels), labels  # an outlet as written
            evil = next(label for label in labels if "Evil" in label)
            choose(page, body, "Article A", evil, search="Evil")
            assert_inert(page)
            assert value(body, "Article A").startswith("Evil <script>")
            aligned = body.get_by_test_id("stHtml").filter(has=page.locator("table")).first
            text = aligned.inner_text()
            # What cleaning leaves of the payload (it takes HTML tags and bare URLs out of article text) reads
            # as written: a markdown link to script stays text, the words inside tags stay.
            for leftover in ("click me [click](javascript:window.__pwned=1)", "covered"):
                assert leftover in text, (leftover, text)
    assert_local(requests)


URL_PAYLOADS = {
    "": {"k": SCRIPT, "unit": IMG, "source": MD_IMG, "frame": JS_LINK},
    "clusters": {"cluster": IMG, "doc": SCRIPT, "profile": OVERLAY},
    "terms": {"group_a": SCRIPT, "group_b": f"source:{IMG}", "term": MD_IMG},
    "compare": {"a": IMG, "b": OVERLAY},
}


@pytest.mark.parametrize("path", list(URL_PAYLOADS), ids=lambda p: p or "overview")
def test_payloads_in_url_parameters_fall_back_with_a_notice(page, server, path):
    requests = record_requests(page)
    params = URL_PAYLOADS[path]
    open_view(page, f"{server.url}/{path}?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()))
    assert_inert(page)
    notices = alerts(page)
    for key in params:
        assert any(f"{key} parameter" in n for n in notices), (key, notices)
    for payload in params.values():
        assert all(payload not in n for n in notices)  # the notice names the parameter, never repeats it
    assert_local(requests)
