"""A real server and a real browser for tests/browser.

One `streamlit run app.py` per session on a free localhost port (a second
one on a real corpus only for the corpus-marked test), Debian's Chromium
driven by pytest-playwright. Every test gets a new tab, i.e. a new Streamlit
session; tabs share one browser context unless a fresh context is the point
(fresh_page, the concurrency test). The servers' memory is sampled the whole
time; the peaks are printed at the end of the run and written to
artifacts/browser-report.txt. No server outlives the run, also when a test
or a server start fails or the run is interrupted (servers.py and the
session-finish hook below).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import expect

from servers import ARTIFACTS, SAMPLE_EVERY, STARTED, start_server, stop_all, survivors
from shared_corpora import in_ci
from streamlit_page import CHROMIUM_ARGS, RERUN_TIMEOUT, VIEWPORT, main, open_view, runs_started, sidebar, wait_idle

expect.set_options(timeout=30_000)
NOTES: list[str] = []  # measurements tests report, for the summary


def _executable(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def find_chromium(playwright_own: str | None) -> tuple[str | None, str]:
    """(executable, how it was found): FRAMELENS_CHROMIUM, Debian's, PATH, then Playwright's own."""
    configured = os.environ.get("FRAMELENS_CHROMIUM")
    if configured:
        if not _executable(configured):
            pytest.fail(f"FRAMELENS_CHROMIUM={configured} is not an executable file")
        return configured, "FRAMELENS_CHROMIUM"
    for path, how in (("/usr/bin/chromium", "Debian's chromium"), (shutil.which("chromium"), "chromium on PATH")):
        if _executable(path):
            return path, how
    if _executable(playwright_own):
        return playwright_own, "Playwright's own chromium"
    return None, ""


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def chromium_executable(playwright) -> str:
    """The Chromium to drive; without one the browser tests fail in CI and skip elsewhere."""
    path, how = find_chromium(playwright.chromium.executable_path)
    if path is None:
        reason = ("no Chromium found for the browser tests: set FRAMELENS_CHROMIUM, install Debian's chromium "
                  "(apt-get install chromium) or run `python -m playwright install chromium`")
        if in_ci():
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    print(f"browser tests use {how}: {path}")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    return {**browser_type_launch_args, "executable_path": chromium_executable, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def shared_context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def page(shared_context):
    """A new tab, so a new Streamlit session, in a context whose script cache is warm.

    Chromium needs 10-15 s on this kind of machine to evaluate Streamlit's
    chunks for a fresh context (about 5 s with a warm one), so tests share a
    context unless they are about a fresh one (see fresh_page).
    """
    tab = shared_context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def overview_tab(shared_context, server):
    tab = shared_context.new_page()
    tab.set_default_timeout(30_000)
    open_view(tab, server.url)
    yield tab
    tab.close()


@pytest.fixture
def overview(overview_tab, server):
    """The Overview on the sample corpus, in a tab the module's tests share (a reload costs 5-10 s).

    Between tests the app's own "Back to the sample corpus" button forgets
    the previous upload; a tab left elsewhere, with URL parameters or with a
    traceback is reloaded instead.
    """
    tab = overview_tab
    query = {key for key, _ in parse_qsl(urlsplit(tab.url).query)}
    clean = (urlsplit(tab.url).path in ("", "/") and query <= {"ws"}  # the button below forgets a workspace too
             and not tab.locator('[data-testid="stException"]').count())
    if clean:
        expander = main(tab).get_by_test_id("stExpander").filter(has_text="Use your own articles")
        if expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").click()
        before = runs_started(tab)
        expander.get_by_role("button", name="Back to the sample corpus").click()
        wait_idle(tab, after=before)
        # the uploader forgets its files on a rerun of its own; on a busy machine it can come after idleness
        expect(expander.get_by_test_id("stFileChip")).to_have_count(0, timeout=RERUN_TIMEOUT * 1000)
    else:
        open_view(tab, server.url)
    expect(sidebar(tab).get_by_text("Corpus: the sample corpus")).to_be_visible()
    return tab


@pytest.fixture
def fresh_page(browser):
    """Pages in brand-new browser contexts (no cookies, no Streamlit session): a link opened elsewhere."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        new = context.new_page()
        new.set_default_timeout(30_000)
        return new

    yield make
    for context in contexts:
        context.close()


# ---------------------------------------------------------------- the server


@pytest.fixture(scope="session")
def server(chromium_executable):
    """The app on the sample corpus, shared by the session (not started when there is no browser)."""
    running = start_server("sample", [])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def corpus_server(chromium_executable, shared_corpus):
    """The app on a real corpus (allsides_events: about 5,000 articles); skips when it is absent (fails in CI)."""
    path = shared_corpus("allsides_events.jsonl.gz")
    running = start_server("allsides_events", ["--", "--corpus", str(path)])
    yield running
    running.stop()


def _terminate_like_ctrl_c(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_sessionstart(session):
    """A SIGTERM to pytest (a CI timeout, kill) unwinds like Ctrl-C, so fixture teardown and the hook below run."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate_like_ctrl_c)


@pytest.hookimpl(trylast=True)  # after pytest's own session teardown has run the fixtures' finalizers
def pytest_sessionfinish(session):
    """Every server is gone by now; one still running is a teardown bug: kill it and fail the run."""
    leaked = survivors()
    stop_all()
    left = survivors()
    if not (leaked or left):
        return
    message = "; ".join(([f"streamlit servers outlived their fixtures (killed at session end): {leaked}"]
                         if leaked else []) + ([f"streamlit servers could not be killed: {left}"] if left else []))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, red=True)
    print(message, file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# ---------------------------------------------------------------- the report


@pytest.fixture
def report():
    """Add a line to the end-of-run summary (terminal and artifacts/browser-report.txt)."""
    return NOTES.append


def pytest_terminal_summary(terminalreporter):
    """The servers' peak memory and what tests measured, on the terminal and in artifacts/browser-report.txt."""
    if not STARTED:
        return
    lines = [f"browser tests: server '{s.name}' peak RSS {s.peak_mb():,.0f} MB "
             f"({len(s.samples)} samples every {SAMPLE_EVERY} s)" for s in STARTED]
    lines += [f"browser tests: {note}" for note in NOTES]
    terminalreporter.section("framelens browser tests")
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
