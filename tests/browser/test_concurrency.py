"""Ten people at once on one server: every view renders, an upload stays in its session, memory stays bounded.

The sync Playwright API is not thread-safe, so this test drives its ten
browser contexts with playwright.async_api inside asyncio.run, on a thread
of its own (the session's sync Playwright owns the main thread's loop).
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from playwright.async_api import async_playwright

from corpora import ARTICLES, write_corpus
from dashboard.loading import load_seed_corpus
from streamlit_page import CHROMIUM_ARGS, RERUN_TIMEOUT, VIEWPORT, wait_idle_async

pytestmark = pytest.mark.browser

MEMORY_LIMIT_MB = 1_500
MARKER = "Zqvorbleximat"  # a word in no corpus but the one user 0 uploads
SEED_IDS = [a.id for a in load_seed_corpus().articles]  # seeds/, file order
# (path and query, the page title it must show, a text that proves the view was drawn). Chromium needs
# 3-15 s of this machine's two cores to draw a page in a fresh context (the Overview is the slowest),
# so the mix leans on the lighter pages.
VIEWS = [
    ("/", "Overview", "Duplicate groups"),  # this one uploads
    ("/clusters", "Framing clusters", "Map of the units"),
    ("/clusters?cluster=1&unit=article", "Framing clusters", "Open an article"),
    ("/terms?group_a=source:Dnevnik", "Key terms", "Term rates in A and B"),
    (f"/compare?a={SEED_IDS[1]}&b={SEED_IDS[3]}", "Side by side", "Words that set them apart"),
    (f"/compare?a={SEED_IDS[4]}&b={SEED_IDS[0]}", "Side by side", "Matched sentence pairs"),
    (f"/compare?a={SEED_IDS[2]}&b={SEED_IDS[2]}", "Side by side", "Choose two different articles"),
    ("/settings", "Settings", "Frame lexicon"),
    ("/about", "How it works", "What it cannot tell you"),
    ("/about?k=3&method=agglomerative", "How it works", "k=3"),  # in the sidebar's copy link
]


async def open_user(browser, url: str):
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(RERUN_TIMEOUT * 1000)
    await page.goto(url)
    await wait_idle_async(page)
    return context, page


async def check_view(page, title: str, proof: str) -> list[str]:
    """Problems with one user's view (empty when it is right)."""
    problems = []
    heading = (await page.locator('[data-testid="stMain"] h1').first.inner_text()).strip()
    if heading != title:
        problems.append(f"{page.url}: heading {heading!r}, expected {title!r}")
    if await page.get_by_text(proof).count() == 0:
        problems.append(f"{page.url}: {proof!r} is not shown")
    if await page.locator('[data-testid="stException"]').count():
        problems.append(f"{page.url}: a traceback is shown")
    return problems


async def ten_users(base: str, executable: str, upload_files: list, marker: str) -> list[str]:
    problems: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            users = await asyncio.gather(*(open_user(browser, base + path) for path, _, _ in VIEWS))
            pages = [page for _context, page in users]
            for page, (_path, title, proof) in zip(pages, VIEWS):
                problems += await check_view(page, title, proof)

            # User 0 uploads a corpus whose outlet is a word nobody else has, while the others keep working.
            uploader, others = pages[0], pages[1:]

            async def do_upload():
                expander = uploader.get_by_test_id("stExpander").filter(has_text="Use your own articles")
                await expander.locator("summary").click()
                await expander.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload_files)
                await uploader.get_by_text("Corpus: your upload, 3 articles.").wait_for()
                await wait_idle_async(uploader)
                # Side by side names each article by its outlet: the marker must show here ...
                await uploader.get_by_test_id("stSidebarNav").get_by_role("link", name="Side by side").click()
                await uploader.get_by_role("heading", name="Side by side", level=1).wait_for()
                await wait_idle_async(uploader)

            async def keep_working(page, target):
                # ... and never here: each other user switches page (a rerun with their own session state).
                await page.get_by_test_id("stSidebarNav").get_by_role("link", name=target).click()
                await page.get_by_role("heading", name=target, level=1).wait_for()
                await wait_idle_async(page)

            # Side by side names every article by its outlet; who is there already goes to Key terms.
            targets = [("Key terms", "Keyword in context") if title == "Side by side"
                       else ("Side by side", "Words that set them apart") for _path, title, _proof in VIEWS[1:]]
            await asyncio.gather(do_upload(), *(keep_working(p, t) for p, (t, _) in zip(others, targets)))
            if marker not in await uploader.content():
                problems.append("the uploading user does not see their own upload")
            for page, (target, proof) in zip(others, targets):
                if marker in await page.content():
                    problems.append(f"{page.url}: another user's upload is visible")
                if await page.get_by_text("Corpus: the sample corpus, 5 articles.").count() != 1:
                    problems.append(f"{page.url}: not on the sample corpus any more")
                problems += await check_view(page, target, proof)
        finally:
            await browser.close()
    return problems


def test_ten_users_at_once_keep_their_own_views(server, chromium_executable, tmp_path, record_property, report):
    articles = [dict(a, source=f"{MARKER} {a['source']}", text=f"{a['text']} {MARKER}.") for a in ARTICLES]
    files = write_corpus(tmp_path, "jsonl", articles)
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["problems"] = asyncio.run(ten_users(server.url, chromium_executable, files, MARKER))
        except BaseException as exc:  # re-raised on the test's thread below
            outcome["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)  # a hung browser must not keep pytest alive
    worker.start()
    worker.join(timeout=300)
    elapsed = time.monotonic() - started
    peak = server.peak_mb(since=started)
    record_property("server_peak_rss_mb_10_users", round(peak))
    report(f"10 concurrent users took {elapsed:.0f} s; server peak RSS meanwhile {peak:,.0f} MB "
           f"(limit {MEMORY_LIMIT_MB:,} MB)")
    assert not worker.is_alive(), "the ten users did not finish in 300 s"
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["problems"] == []
    assert 0 < peak < MEMORY_LIMIT_MB, f"server peak RSS {peak:,.0f} MB with ten users"
