"""How the browser tests drive a Streamlit page: waiting for reruns, widgets, reading what shows.

Streamlit 1.67 draws selectboxes and multiselects as react-aria comboboxes
(an <input role="combobox"> named by the widget label). A rerun is over when
the app is connected, its script state is "notRunning", the status widget is
gone and no element is still a loading skeleton (the script can finish seconds
before lazily loaded components such as charts and tables are drawn). A click
only requests a rerun, so "idle" must hold for a short quiet spell.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}
PAGE_TITLES = ["Overview", "Stories", "Framing clusters", "Key terms", "Side by side", "Copies", "Settings",
               "How it works"]
QUIET_SECONDS = 0.5  # idle this long in a row = no rerun pending
RERUN_TIMEOUT = 90  # seconds; the first analysis of a corpus takes a while on 2 cores

# True once the app has been idle for `quietMs` in a row (the start of the spell is kept on window).
IDLE_JS = """(quietMs) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]');
  const now = performance.now();
  if (!idle) { window.__flIdleSince = null; return false; }
  if (window.__flIdleSince == null) window.__flIdleSince = now;
  return now - window.__flIdleSince >= quietMs;
}"""
RESET_JS = "() => { window.__flIdleSince = null; }"


# Counts the runs this page has seen start (installed once per document, before an action).
RUN_COUNTER_JS = """() => {
  if (window.__flRuns === undefined) {
    window.__flRuns = 0;
    new MutationObserver(changes => {
      for (const c of changes)
        if (c.target.getAttribute('data-test-script-state') === 'running') window.__flRuns++;
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__flRuns;
}"""
RUN_START_TIMEOUT = 3  # seconds for a requested rerun to show up before falling back to the quiet spell
QUIET_AFTER_RUN = 0.2  # seconds; enough once a run is known to have started and ended


def runs_started(page: Page) -> int:
    """A token to take just before an action that makes the app rerun; give it to wait_idle."""
    return page.evaluate(RUN_COUNTER_JS)


def wait_idle(page: Page, timeout: float = RERUN_TIMEOUT, quiet: float = QUIET_SECONDS,
              after: int | None = None) -> None:
    """Return once no rerun has been running for `quiet` seconds in a row.

    With `after` (from runs_started, taken before a click) it first waits for
    the rerun that click asked for to start, so a short quiet spell suffices.
    """
    if after is not None:
        try:
            page.wait_for_function("(n) => window.__flRuns > n", arg=after, polling=20,
                                   timeout=RUN_START_TIMEOUT * 1000)
            quiet = QUIET_AFTER_RUN
        except PlaywrightTimeoutError:
            pass  # no run seen starting (a very quick one can be missed): the full quiet spell decides
    page.evaluate(RESET_JS)
    page.wait_for_function(IDLE_JS, arg=quiet * 1000, polling=50, timeout=timeout * 1000)


async def wait_idle_async(page, timeout: float = RERUN_TIMEOUT, quiet: float = QUIET_SECONDS) -> None:
    """wait_idle for playwright.async_api pages."""
    await page.evaluate(RESET_JS)
    await page.wait_for_function(IDLE_JS, arg=quiet * 1000, polling=50, timeout=timeout * 1000)


def open_view(page: Page, url: str) -> Page:
    """Load a URL and wait until its first run is over."""
    page.goto(url)
    wait_idle(page)
    return page


def query(page: Page) -> dict[str, list[str]]:
    """The address bar's query parameters (repeated keys keep every value)."""
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(urlsplit(page.url).query, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def combobox(scope: Locator | Page, label: str) -> Locator:
    return scope.get_by_role("combobox", name=label, exact=True)


def choose(page: Page, scope: Locator | Page, label: str, option: str, *, search: str | None = None) -> None:
    """Pick `option` (its full displayed text) in the selectbox or multiselect called `label`.

    Typing narrows the virtualised list so options far down can be clicked;
    `search` is what to type when the option's text is long.
    """
    box = combobox(scope, label)
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(search if search is not None else option)
    before = runs_started(page)
    page.get_by_role("option", name=option, exact=True).click()
    if box.get_attribute("aria-expanded") == "true":
        page.keyboard.press("Escape")  # a multiselect stays open, and hides the rest of the page from roles
    wait_idle(page, after=before)


def open_list(page: Page, box: Locator, tries: int = 3) -> None:
    """Click a selectbox or multiselect until its list is open.

    A click that lands while the script is rerunning (a tab opened on a warm
    server reruns once as its URL settles) focuses the input but the rerun
    closes the list again; a user clicks again, and so does this.
    """
    box.scroll_into_view_if_needed()
    for _ in range(tries):
        box.click()
        try:
            expect(page.get_by_role("option").first).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            page.keyboard.press("Escape")
            wait_idle(page)
    expect(page.get_by_role("option").first).to_be_visible()


def options(page: Page, scope: Locator | Page, label: str) -> list[str]:
    """Every option a selectbox offers (the list is virtualised: read it a screen at a time)."""
    open_list(page, combobox(scope, label))
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    seen: list[str] = []
    for _ in range(200):
        texts = [t.strip() for t in page.get_by_role("option").all_inner_texts()]
        new = [t for t in texts if t not in seen]
        if not new:
            break
        seen.extend(new)
        page.get_by_role("option").last.scroll_into_view_if_needed()
    page.keyboard.press("Escape")
    return seen


def value(scope: Locator | Page, label: str) -> str:
    """What a selectbox shows (its input's value)."""
    return combobox(scope, label).input_value()


def multiselect_values(scope: Locator | Page, label: str) -> list[str]:
    """The chosen options of a multiselect (its tags), in order."""
    widget = combobox(scope, label).locator('xpath=ancestor::*[@data-testid="stMultiSelect"]')
    return [t.strip() for t in widget.locator("[data-tag]").all_inner_texts()]


def go_to(page: Page, title: str) -> None:
    """Switch page the way a person does: the sidebar navigation link."""
    before = runs_started(page)
    sidebar(page).get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text(title, timeout=RERUN_TIMEOUT * 1000)
    wait_idle(page, after=before)


def heading(page: Page) -> str:
    return main(page).get_by_role("heading", level=1).inner_text().strip()


def metric(page: Page, label: str) -> str:
    label_el = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    item = page.get_by_test_id("stMetric").filter(has=label_el)
    return item.get_by_test_id("stMetricValue").inner_text().strip()


def alerts(page: Page) -> list[str]:
    """Text of every warning, error and info box on the page."""
    return [t.strip() for t in page.get_by_test_id("stAlert").all_inner_texts()]


def no_exception(page: Page) -> None:
    """No traceback box anywhere on the page."""
    shown = page.locator('[data-testid="stException"]')
    assert shown.count() == 0, shown.first.inner_text()[:2000]


def upload(page: Page, files: list, expect_text: str | None = "your upload") -> None:
    """Open "Use your own articles", give the uploader `files` (paths or payload dicts).

    An upload is an HTTP request before the rerun, so idleness alone does not
    say it is over: wait for what the user will see next (by default the
    sidebar's "Corpus: your upload" caption).
    """
    expander = main(page).get_by_test_id("stExpander").filter(has_text="Use your own articles")
    summary = expander.locator("summary")
    if expander.locator("details").get_attribute("open") is None:
        summary.click()
    before = runs_started(page)
    expander.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files)
    if expect_text is not None:
        expect(page.get_by_text(expect_text).first).to_be_visible(timeout=RERUN_TIMEOUT * 1000)
    wait_idle(page, after=before)


GRID_ROW_PX = 35  # st.dataframe's default row height (and its header's)


def click_table_row(page: Page, scope: Locator | Page, text: str) -> None:
    """Select the row of a selectable st.dataframe that shows a cell with exactly `text`, as a person clicks it.

    The grid draws on a canvas; its accessible table (cells `glide-cell-COL-ROW`,
    visible rows only) says which row holds the text, and the click lands on
    that row's selection box.
    """
    cell = next((c for c in scope.locator("td").all() if c.inner_text().strip() == text), None)
    assert cell is not None, f"no table row shows {text!r}"
    grid = cell.locator('xpath=ancestor::*[@data-testid="stDataFrame"]')
    row = int(cell.get_attribute("id").rsplit("-", 1)[1])
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    before = runs_started(page)
    page.mouse.click(box["x"] + GRID_ROW_PX / 2, box["y"] + GRID_ROW_PX * (row + 1) + GRID_ROW_PX / 2)
    wait_idle(page, after=before)
