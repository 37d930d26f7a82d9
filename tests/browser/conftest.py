"""A real server and a real browser for tests/browser.

One `streamlit run app.py` per session on a free localhost port (a second
one on a real corpus only for the corpus-marked test), Debian's Chromium
driven by pytest-playwright. Every test gets a new tab, i.e. a new Streamlit
session; tabs share one browser context unless a fresh context is the point
(fresh_page, the concurrency test). The servers' memory is sampled the whole
time; the peaks are printed at the end of the run and written to
artifacts/browser-report.txt.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from streamlit_page import CHROMIUM_ARGS, VIEWPORT, main, open_view, runs_started, sidebar, wait_idle

REPO = Path(__file__).resolve().parents[2]
CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
ARTIFACTS = REPO / "artifacts"
SERVER_START_TIMEOUT = 60  # seconds until /_stcore/health must answer "ok"
SAMPLE_EVERY = 0.2  # seconds between memory samples

expect.set_options(timeout=30_000)
SERVERS: list["Server"] = []  # every server started this session, for the summary
NOTES: list[str] = []  # measurements tests report, for the summary


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


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
    clean = (urlsplit(tab.url).path in ("", "/") and not urlsplit(tab.url).query
             and not tab.locator('[data-testid="stException"]').count())
    if clean:
        expander = main(tab).get_by_test_id("stExpander").filter(has_text="Use your own articles")
        if expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").click()
        before = runs_started(tab)
        expander.get_by_role("button", name="Back to the sample corpus").click()
        wait_idle(tab, after=before)
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Every descendant of pid (scanning /proc: works without CONFIG_PROC_CHILDREN)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while scanning
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out.extend(kids)
        todo.extend(kids)
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (VmRSS), in MB."""
    total_kb = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue  # exited between the scan and the read
    return total_kb / 1024


class Server:
    """A `streamlit run app.py` in its own process group, with its memory sampled in the background."""

    def __init__(self, name: str, extra_args: list[str]):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{name}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args],
            cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.samples: list[tuple[float, float]] = []  # (monotonic time, MB)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.is_set() and self.proc.poll() is None:
            self.samples.append((time.monotonic(), rss_mb(self.proc.pid)))
            self._stop.wait(SAMPLE_EVERY)

    def peak_mb(self, since: float = 0.0) -> float:
        return max((mb for t, mb in self.samples if t >= since), default=0.0)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not answer on {self.url} in {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._sampler.join(timeout=2)
        self._log.close()


def start_server(name: str, extra_args: list[str]) -> Server:
    server = Server(name, extra_args)
    SERVERS.append(server)
    try:
        server.wait_healthy()
    except RuntimeError:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def server(chromium_executable):
    """The app on the sample corpus, shared by the session (not started when there is no browser)."""
    running = start_server("sample", [])
    yield running
    running.stop()


@pytest.fixture(scope="module")
def corpus_server(chromium_executable):
    """The app on a real corpus (allsides_events: about 5,000 articles); skips when the corpora are absent."""
    path = CORPORA / "allsides_events.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    running = start_server("allsides_events", ["--", "--corpus", str(path)])
    yield running
    running.stop()


# ---------------------------------------------------------------- the report


@pytest.fixture
def report():
    """Add a line to the end-of-run summary (terminal and artifacts/browser-report.txt)."""
    return NOTES.append


def pytest_terminal_summary(terminalreporter):
    """The servers' peak memory and what tests measured, on the terminal and in artifacts/browser-report.txt."""
    if not SERVERS:
        return
    lines = [f"browser tests: server '{s.name}' peak RSS {s.peak_mb():,.0f} MB "
             f"({len(s.samples)} samples every {SAMPLE_EVERY} s)" for s in SERVERS]
    lines += [f"browser tests: {note}" for note in NOTES]
    terminalreporter.section("framelens browser tests")
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
