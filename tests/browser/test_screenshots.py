"""A full-page screenshot of every page on the sample corpus, for people to look at (artifacts/screenshots/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamlit_page import PAGE_TITLES, VIEWPORT, go_to, no_exception, open_view, wait_idle

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
FILE_NAMES = dict(zip(PAGE_TITLES, ["overview", "stories", "clusters", "terms", "compare", "copies", "settings",
                                    "about"]))
MAX_HEIGHT = 12_000  # pixels

# Streamlit scrolls inside its main block, so a "full page" screenshot needs a viewport as tall as that block.
CONTENT_HEIGHT_JS = """() => Math.max(
  document.querySelector('[data-testid="stMain"]').scrollHeight,
  document.querySelector('[data-testid="stSidebarContent"]')?.scrollHeight ?? 0)"""


def full_page_screenshot(page, path: Path) -> None:
    height = min(MAX_HEIGHT, int(page.evaluate(CONTENT_HEIGHT_JS)) + 40)
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, VIEWPORT["height"])})
    wait_idle(page)  # charts redraw for the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


def test_every_page_is_photographed(page, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_view(page, server.url)
    for title in PAGE_TITLES:
        if title != "Overview":
            go_to(page, title)
        no_exception(page)
        path = SCREENSHOTS / f"{FILE_NAMES[title]}.png"
        full_page_screenshot(page, path)
        assert path.stat().st_size > 20_000, path  # a drawn page, not a blank one
