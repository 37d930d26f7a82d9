"""Saved workspaces in a real browser: an upload, a correction and a lexicon travel in the link, across a restart.

The server here is this module's own, on a temporary data folder, so a
restart keeps the store and nothing else sees it. It listens on one port
across the restart: the link is used exactly as the page gave it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from corpora import ARTICLES, write_corpus
from servers import Server, free_port, streamlit_command
from streamlit_page import (go_to, main, metric, no_exception, open_view, options, runs_started, sidebar, upload,
                            value, wait_idle)

pytestmark = pytest.mark.browser

CORRECTED = "Corrected Outlet"
OWN_LEXICON = ('[frames.fuel_anger]\nlabel = "Fuel anger"\nterms = ["fuel price*", "gas", "protest*"]\n\n'
               '[frames.foreign_hand]\nlabel = "Foreign hand"\nterms = ["foreign*", "terrorist*", "gangs"]\n')
OWN_FRAMES = ["fuel_anger", "foreign_hand"]
OWN_LEXICON_LABEL = "your own lexicon (below)"


class WorkspaceServer:
    """`streamlit run` on a temporary data folder and a fixed port, restartable."""

    def __init__(self, data_dir, monkeypatch_context):
        self.data_dir = data_dir
        self.patch = monkeypatch_context
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Server | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.patch.setenv("FRAMELENS_DATA_DIR", str(self.data_dir))  # the server inherits the environment
        server = Server(f"workspaces-{self.starts}", [], command=lambda _port, args: streamlit_command(self.port, args))
        self.server = server
        server.port, server.url = self.port, self.url  # the command ignores the port Server picked
        try:
            server.wait_healthy()
        except BaseException:
            server.stop()
            raise

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def workspace_server(chromium_executable, tmp_path):
    with pytest.MonkeyPatch.context() as patch:
        running = WorkspaceServer(tmp_path / "store", patch)
        try:
            running.start()
            yield running
        finally:
            running.stop()


def share_link(page) -> str:
    return sidebar(page).get_by_test_id("stCode").inner_text().strip()


def table_cells(page) -> list[str]:
    """The articles table's cells (glide-data-grid's accessible table: the canvas has no text)."""
    grid = main(page).get_by_test_id("stDataFrame").first
    expect(grid.locator("td").first).to_be_attached()
    return [t.strip() for t in grid.locator("td").all_inner_texts()]


def correct_first_outlet(page, new: str) -> str:
    """Edit the outlet cell the grid opens first, as a user does (Enter, type, Enter); the outlet it had."""
    grid = main(page).get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    grid.get_by_test_id("glide-cell-0-0").focus()  # the outlet column of the first row
    page.keyboard.press("Enter")
    editor = page.get_by_test_id("portal").locator("textarea.gdg-input")
    expect(editor).to_be_visible()
    old = editor.input_value()
    before = runs_started(page)
    editor.fill(new)
    page.keyboard.press("Enter")
    wait_idle(page, after=before)
    return old


def apply_own_lexicon(page) -> None:
    go_to(page, "Settings")
    before = runs_started(page)
    main(page).get_by_label("Lexicon (TOML)").fill(OWN_LEXICON)
    main(page).get_by_role("button", name="Apply the lexicon").click()
    wait_idle(page, after=before)
    expect(main(page).get_by_role("combobox", name="Lexicon in use")).to_have_value(OWN_LEXICON_LABEL)


def assert_reopened(page, replaced: str) -> None:
    """What the sender saw: the uploaded articles, the correction and the user's own lexicon."""
    no_exception(page)
    expect(sidebar(page).get_by_text("Corpus: your upload, 3 articles.")).to_be_visible()
    assert value(main(page), "Lexicon in use") == OWN_LEXICON_LABEL  # the link opened on Settings
    assert options(page, sidebar(page), "Frame") == ["all", *OWN_FRAMES, "none"]
    go_to(page, "Overview")
    assert metric(page, "Articles") == "3"
    cells = table_cells(page)
    assert {a["title"] for a in ARTICLES} <= set(cells)
    assert CORRECTED in cells and replaced not in cells
    assert set(options(page, sidebar(page), "Sources")) == (
        {a["source"] for a in ARTICLES} - {replaced} | {CORRECTED, "Select all"})


def test_an_upload_its_correction_and_lexicon_reopen_from_the_link_also_after_a_restart(
        workspace_server, fresh_page, tmp_path):
    sender = open_view(fresh_page(), workspace_server.url)
    upload(sender, write_corpus(tmp_path / "corpus", "csv"))
    replaced = correct_first_outlet(sender, CORRECTED)
    assert replaced in {a["source"] for a in ARTICLES}
    apply_own_lexicon(sender)
    no_exception(sender)

    link = share_link(sender)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == workspace_server.url and parts.path == "/settings"
    assert list(parse_qs(parts.query)) == ["ws"]  # the key only: no article, outlet or lexicon text
    assert CORRECTED.split()[0] not in link and "fuel" not in link
    expect(sidebar(sender).get_by_text("anyone holding the link can see the articles")).to_be_visible()

    assert_reopened(open_view(fresh_page(), link), replaced)

    workspace_server.restart()
    assert_reopened(open_view(fresh_page(), link), replaced)
