"""`python -m dashboard.bench`: what Framelens costs, against its targets, and stage by stage.

With no arguments it runs every target of the performance issue and prints
each measurement beside its target (TARGETS): whole-process `analyze` on the
5,083- and 37,554-article corpora (--cli), key terms left against right
beside Scattertext on the same texts (--terms), the sample corpus in headless
Chromium (--app) and ten sessions on one analysis (--sessions). Given corpora
(`python -m dashboard.bench events`), it times each stage of the analysis.

Each run is a fresh subprocess so its peak memory is its own (ru_maxrss, or
the summed proportional set size of its process tree when that is larger:
a forked child's shared pages count once); times
are medians over the runs. The stage reference is one plain scikit-learn
TfidfVectorizer fit with the project's default settings on the same texts:
the single pass nothing can avoid, so the ratio says how much we add to it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
NAMED = {
    "seeds": ROOT / "seeds",
    "events": CORPORA / "allsides_events.jsonl.gz",
    "allsides": CORPORA / "allsides.jsonl.gz",
}
# The performance issue's targets on this 2-core machine (whole process, medians of several runs).
TARGETS = {
    "analyze_events_s": 8.0,  # python -m dashboard analyze, 5,083 articles, --unit article --out FILE
    "analyze_events_mb": 600.0,
    "analyze_allsides_s": 60.0,  # 37,554 articles, stories and frames included
    "analyze_allsides_mb": 1500.0,
    "terms_speedup": 10.0,  # key terms left vs right: Scattertext's seconds / ours, on the same texts
    "first_page_s": 3.0,  # sample corpus: opening the app until the first page is fully drawn (warm server)
    "interaction_script_s": 0.2,  # script time of a rerun on a cached analysis (slowest page)
    "sessions_mb": 1000.0,  # server memory with ten sessions on one 5,083-article analysis
}
STAGE_ORDER = (
    "load", "clean", "languages", "aliases", "tokens", "duplicates", "vectors", "clusters",
    "frames", "layout", "tables", "analysis", "key_terms", "alignment", "tfidf_reference",
)


def generated_corpus(n: int, seed: int = 0):
    """A deterministic synthetic corpus for when no real one is at hand."""
    from .loading import article_id
    from .models import Article

    rng = random.Random(seed)
    themes = {
        "security": "troops sovereignty treaty security council peacekeeping deployment border".split(),
        "terror": "terrorist militants gangs extremist attack trained abroad islamist".split(),
        "economy": "fuel prices gas protest workers wages inflation strike".split(),
        "doubt": "legitimacy questions evidence doubts observers critics occupation".split(),
    }
    filler = "city government president minister officials region country week statement capital".split()
    outlets = [f"Outlet {i}" for i in range(20)]
    articles = []
    for i in range(n):
        theme = rng.choice(list(themes))
        paras = []
        for _ in range(rng.randint(3, 8)):
            words = [rng.choice(themes[theme] if rng.random() < 0.3 else filler) for _ in range(rng.randint(40, 90))]
            paras.append(" ".join(words).capitalize() + ".")
        text = "\n\n".join(paras) + f"\n\nRef {i}."
        source = rng.choice(outlets)
        articles.append(Article(id=article_id(text, source), text=text, source=source, origin=f"generated {i}"))
    return articles


# Extreme inputs and what each may cost (seconds, on a 2-core machine with other work running). Tests
# check that these inputs give the right result; how long that takes is measured here, not asserted there.
LIMIT_BUDGETS_S = {
    "log_odds_1m_terms": 3.0,  # key terms over a million-term vocabulary
    "segment_1mb_paragraph": 1.0,  # one paragraph of 1 MB of short sentences cut into passages
    "analyze_1mb_article": 60.0,  # a corpus holding a 1 MB one-paragraph article, analysed by passage
}
UPLOAD_1MB_BUDGET_S = 60.0  # the same article uploaded through the browser, until the dashboard shows it


def one_megabyte_paragraph(seed: int = 7) -> str:
    """About 990,000 characters of news words in one paragraph, no line break (below the loader's cap)."""
    rng = random.Random(seed)
    vocabulary = ("troops protest fuel price government airport almaty alliance terrorist claim order power station "
                  "gas wage president sovereignty unrest curfew officials said talks").split()
    words, size = [], 0
    while size < 990_000:
        words.append(rng.choice(vocabulary))
        size += len(words[-1]) + 1
    return " ".join(words)


def _one_run(corpus_arg: str, size: int | None, unit: str) -> dict:
    """Runs in the child process: every stage once, timings in seconds."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .loading import corpus_hash, load_corpus
    from .models import Corpus, Settings
    from .pipeline import analyze
    from .queries import align, key_terms
    from .tokens import STOP_WORDS
    from .vectors import adaptive_df

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    if corpus_arg.startswith("generated"):
        articles = generated_corpus(size or 1000)
        corpus = Corpus(articles, content_hash=corpus_hash(articles))
    else:
        corpus = load_corpus([NAMED.get(corpus_arg, Path(corpus_arg))])
        if size and size < len(corpus.articles):
            arts = corpus.articles[:size]
            corpus = Corpus(arts, corpus.issues, corpus.encodings, corpus_hash(arts))
    times["load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    analysis = analyze(corpus, Settings(unit=unit))
    times["analysis"] = time.perf_counter() - t0
    times.update(analysis.timings)

    t0 = time.perf_counter()
    key_terms(analysis, "cluster:1", "rest")
    times["key_terms"] = time.perf_counter() - t0

    n_units, unit_used, n_clusters = len(analysis.units), analysis.unit, len(analysis.clusters)
    docs = analysis.documents["id"].tolist()
    t0 = time.perf_counter()
    align(analysis, docs[0], docs[1])
    times["alignment"] = time.perf_counter() - t0

    # Peak memory of the analysis itself, before the reference fit adds its own.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    texts = [a.text for a in corpus.articles] if analysis.unit == "article" else analysis.units["text"].tolist()
    del analysis
    min_df, max_df = adaptive_df(len(texts))
    t0 = time.perf_counter()
    TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words=list(STOP_WORDS), min_df=min_df, max_df=max_df
    ).fit(texts)
    times["tfidf_reference"] = time.perf_counter() - t0
    return {
        "articles": len(corpus.articles),
        "characters": sum(len(a.text) for a in corpus.articles),
        "units": n_units,
        "unit": unit_used,
        "clusters": n_clusters,
        "times": times,
        "peak_mb": peak_mb,
    }


def measure(corpus: str, size: int | None, unit: str, runs: int) -> dict:
    results = []
    for _ in range(runs):
        cmd = [sys.executable, "-m", "dashboard.bench", "--child", corpus, "--unit", unit]
        if size:
            cmd += ["--sizes", str(size)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"benchmark run failed on {corpus} ({size}): {proc.stderr.strip()[-500:]}")
        results.append(json.loads(proc.stdout))
    first = results[0]
    stages = {s: statistics.median(r["times"][s] for r in results) for s in STAGE_ORDER if s in first["times"]}
    return {
        "corpus": corpus,
        "articles": first["articles"],
        "characters": first["characters"],
        "unit": first["unit"],
        "units": first["units"],
        "clusters": first["clusters"],
        "runs": runs,
        "median_s": {k: round(v, 3) for k, v in stages.items()},
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "ratio_to_tfidf": round(stages["analysis"] / stages["tfidf_reference"], 2) if stages.get("tfidf_reference") else None,
    }


def table(rows: list[dict]) -> str:
    cols = ["corpus", "articles", "unit", "units", "analysis", "ratio", "peak MB"] + [
        s for s in STAGE_ORDER if s not in ("analysis",)
    ]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        t = r["median_s"]
        cells = [r["corpus"], f"{r['articles']:,}", r["unit"], f"{r['units']:,}", f"{t['analysis']:.2f}",
                 f"{r['ratio_to_tfidf']}", f"{r['peak_mb']:.0f}"]
        cells += [f"{t[s]:.2f}" if s in t else "" for s in STAGE_ORDER if s != "analysis"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def _proc_kb(field: str) -> float | None:
    """A VmRSS/VmHWM figure of this process in kB (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Start a new high-water mark of resident memory (Linux >= 4.0), so a stage's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _stories_run(corpus_arg: str, size: int | None, vary: float) -> dict:
    """Runs in the child process: stories on one corpus as the pipeline would call them.

    Cleaning and tokenising are timed apart ("prep"): the pipeline does them
    anyway and hands stories its tokens. NMI is against the corpus's story
    column when it has one; that column is never given to find_stories.
    With vary > 0, each numeric parameter is also set to (1 - vary) and
    (1 + vary) times its default, one at a time, and the NMI reported.
    """
    import dataclasses

    from sklearn.metrics import normalized_mutual_info_score

    from .cleaning import clean_article
    from .loading import load_corpus
    from .stories import StoryParams, find_stories, find_story_column
    from .tokens import tokenize_many

    t0 = time.perf_counter()
    if corpus_arg.startswith("generated"):
        articles = generated_corpus(size or 1000)
    else:
        articles = load_corpus([NAMED.get(corpus_arg, Path(corpus_arg))]).articles[: size or None]
    texts = [clean_article(a, passages=False).text for a in articles]
    tokens = tokenize_many(texts)
    titles, dates = [a.title for a in articles], [a.date for a in articles]
    prep = time.perf_counter() - t0
    column = find_story_column([a.extra for a in articles])
    reference = [a.extra.get(column) for a in articles] if column else None

    def nmi(labels) -> float | None:
        return round(float(normalized_mutual_info_score(reference, labels)), 4) if reference else None

    rss_before = _proc_kb("VmRSS")
    own_peak = _reset_peak_rss()
    t0, c0 = time.perf_counter(), time.process_time()
    result = find_stories(titles, texts, dates, text_tokens=tokens)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_after = _proc_kb("VmHWM")
    out = {
        "articles": len(articles),
        "prep_s": prep,
        "stories_s": wall,
        "stories_cpu_s": cpu,
        "stories_peak_mb": (peak_after - rss_before) / 1024 if own_peak and peak_after and rss_before else None,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stories": len(result.stories),
        "singletons": sum(s.size == 1 for s in result.stories),
        "largest": result.stories[0].size if result.stories else 0,
        "pairs_compared": result.candidate_pairs,
        "reference_column": column,
        "reference_groups": len(set(reference)) if reference else None,
        "nmi": nmi(result.labels),
    }
    if vary > 0 and reference:
        base = StoryParams()
        varied = {}
        for f in dataclasses.fields(StoryParams):
            default = getattr(base, f.name)
            for factor in (1 - vary, 1 + vary):
                value = type(default)(round(default * factor) if isinstance(default, int) else default * factor)
                r = find_stories(titles, texts, dates, text_tokens=tokens, params=dataclasses.replace(base, **{f.name: value}))
                varied[f"{f.name}={value:g}"] = {"nmi": nmi(r.labels), "stories": len(r.stories)}
        out["varied"] = varied
    return out


def measure_stories(corpus: str, size: int | None, runs: int, vary: float) -> dict:
    """Median time and largest peak of `runs` fresh processes; the parameter sweep only in the first."""
    results = []
    for run in range(runs):
        cmd = [sys.executable, "-m", "dashboard.bench", "--child", "--stories", corpus]
        if size:
            cmd += ["--sizes", str(size)]
        if vary and run == 0:
            cmd += ["--vary", str(vary)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"stories run failed on {corpus} ({size}): {proc.stderr.strip()[-500:]}")
        results.append(json.loads(proc.stdout))
    first = results[0]
    peaks = [r["stories_peak_mb"] for r in results if r["stories_peak_mb"] is not None]
    return {
        "corpus": corpus,
        **{k: first[k] for k in ("articles", "stories", "singletons", "largest", "pairs_compared",
                                 "reference_column", "reference_groups", "nmi")},
        "runs": runs,
        "median_prep_s": round(statistics.median(r["prep_s"] for r in results), 3),
        "median_stories_s": round(statistics.median(r["stories_s"] for r in results), 3),
        "median_stories_cpu_s": round(statistics.median(r["stories_cpu_s"] for r in results), 3),
        "stories_peak_mb": round(max(peaks), 1) if peaks else None,
        "process_peak_mb": round(max(r["process_peak_mb"] for r in results), 1),
        **({"varied": first["varied"]} if "varied" in first else {}),
    }


def stories_table(rows: list[dict]) -> str:
    cols = ["corpus", "articles", "stories", "singletons", "NMI", "stories s", "cpu s", "stories MB", "prep s", "pairs"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [r["corpus"], f"{r['articles']:,}", f"{r['stories']:,}", f"{r['singletons']:,}",
                 "" if r["nmi"] is None else f"{r['nmi']:.4f}", f"{r['median_stories_s']:.2f}",
                 f"{r['median_stories_cpu_s']:.2f}", "" if r["stories_peak_mb"] is None else f"{r['stories_peak_mb']:.0f}",
                 f"{r['median_prep_s']:.1f}", f"{r['pairs_compared']:,}"]
        lines.append("| " + " | ".join(cells) + " |")
        for name, v in r.get("varied", {}).items():
            lines.append(f"|   {name} | | {v['stories']:,} | | {v['nmi']:.4f} | | | | | |")
    return "\n".join(lines)


# A page is fully drawn when its run is over and every element the run sent is drawn: no loading
# skeleton, every Plotly chart has its SVG, every table its canvas (charts and tables load lazily,
# seconds after the script has finished on a slow machine).
FULLY_DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED'
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  // Only what can be seen: a chart or table in a collapsed expander is not drawn until it is opened.
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (chart.checkVisibility() && !chart.querySelector('.main-svg')) return false;
  for (const table of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (table.checkVisibility() && !table.querySelector('canvas')) return false;
  return true;
}"""
# Counts the runs the page has seen start, so a wait after a click is for the run that click caused.
RUN_COUNTER_JS = """() => {
  if (window.__benchRuns === undefined) {
    window.__benchRuns = 0;
    new MutationObserver(changes => {
      for (const c of changes)
        if (c.target.getAttribute('data-test-script-state') === 'running') window.__benchRuns++;
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__benchRuns;
}"""
APP_PAGES = ("Framing clusters", "Key terms", "Side by side", "Overview")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _AppServer:
    """`streamlit run app.py` on a free port in its own process group; a context manager that stops it."""

    def __init__(self, corpus: Path | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(self.port), "--browser.gatherUsageStats",
               "false", "--server.fileWatcherType", "none"]
        if corpus is not None:
            cmd += ["--", "--corpus", str(corpus)]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        self.start_s = time.perf_counter() - t0

    def _wait_healthy(self, timeout: float = 60) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited with {self.proc.returncode} before it answered")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the app did not answer within {timeout} s")

    def rss_mb(self) -> float:
        return _tree_rss_kb(self.proc.pid, "Pss") / 1024

    def stop(self) -> None:
        import signal

        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def __enter__(self) -> "_AppServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _open_fully_drawn(browser, url: str, timeout_s: float) -> tuple[object, float]:
    """A new browser context (a new visitor, a new session) on url; seconds until its page is fully drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(FULLY_DRAWN_JS, timeout=timeout_s * 1000, polling=20)
    return page, time.perf_counter() - t0


def _redraw_after(page, action) -> float:
    """Seconds from `action()` (a click) until the run it caused is over and the page is fully drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate(RUN_COUNTER_JS)
    t0 = time.perf_counter()
    action()
    try:
        page.wait_for_function("(n) => window.__benchRuns > n", arg=before, timeout=2_000, polling=10)
    except PlaywrightTimeout:  # a very short run can start and end between two polls
        pass
    page.wait_for_function(FULLY_DRAWN_JS, timeout=120_000, polling=10)
    return time.perf_counter() - t0


def measure_app(runs: int, chromium: str, upload: bool = True) -> dict:
    """The sample corpus in headless Chromium: first page, cached page switches, a 1 MB upload; script times.

    Per run a fresh server. "cold" is the first visit after the server
    started (imports and the sample's analysis included); "warm" is each of
    three later visitors, each a new browser context, i.e. a new session on
    the cached analysis: the issue's "opening the app". A page switch is timed
    from the click until the run it caused is over and the new page is fully
    drawn (FULLY_DRAWN_JS); the first lap warms the per-page caches, the
    second is reported.
    """
    from playwright.sync_api import sync_playwright

    colds, warms, switches, starts, uploads = [], [], {}, [], []
    for run in range(runs):
        with _AppServer() as server, sync_playwright() as pw:
            starts.append(server.start_s)
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page, seconds = _open_fully_drawn(browser, server.url, 300)
            colds.append(seconds)
            page.context.close()
            for _ in range(3):
                page, seconds = _open_fully_drawn(browser, server.url, 120)
                warms.append(seconds)
                page.context.close()
            page, _ = _open_fully_drawn(browser, server.url, 120)
            for lap in range(2):
                for name in APP_PAGES:
                    link = page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True)
                    seconds = _redraw_after(page, link.click)
                    if lap == 1:
                        switches.setdefault(name, []).append(seconds)
            if upload:
                uploads.append(_time_upload_of_1mb_article(page))
            browser.close()
        print(f"app run {run + 1}/{runs}: cold {colds[-1]:.2f} s, warm {statistics.median(warms[-3:]):.2f} s",
              file=sys.stderr)
    switch_medians = {k: round(statistics.median(v), 3) for k, v in switches.items()}
    script = measure_script_runs(runs)
    return {
        "runs": runs,
        "server_start_s": round(statistics.median(starts), 3),
        "first_page_cold_s": round(statistics.median(colds), 3),
        "first_page_warm_s": round(statistics.median(warms), 3),
        "first_page_warm_all_s": [round(t, 2) for t in warms],
        "page_switch_redrawn_s": switch_medians,
        **({"upload_1mb_article_s": round(statistics.median(uploads), 3),
            "upload_1mb_article_budget_s": UPLOAD_1MB_BUDGET_S} if uploads else {}),
        **script,
    }


def measure_sessions(n_sessions: int, chromium: str, corpus: str = "events") -> dict:
    """Server memory with n sessions open at once on one analysis of `corpus` (the app's --corpus).

    The first visitor waits for the analysis; each later one is a new
    browser context kept open, so the server holds every session together.
    Memory is the server's process tree (resident), read once each new
    page is fully drawn and once more after all are.
    """
    from playwright.sync_api import sync_playwright

    path = NAMED.get(corpus, Path(corpus))
    rss, opened = [], []
    with _AppServer(path) as server, sync_playwright() as pw:
        idle = server.rss_mb()
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        pages = []
        for i in range(n_sessions):
            page, seconds = _open_fully_drawn(browser, server.url, 900)
            pages.append(page)
            opened.append(seconds)
            rss.append(server.rss_mb())
            print(f"session {i + 1}/{n_sessions}: drawn in {seconds:.1f} s, server {rss[-1]:.0f} MB", file=sys.stderr)
        time.sleep(2)
        final = server.rss_mb()
        browser.close()
    per_session = (max(final, rss[-1]) - rss[0]) / max(n_sessions - 1, 1)
    return {
        "corpus": corpus,
        "sessions": n_sessions,
        "server_idle_mb": round(idle),
        "server_after_first_session_mb": round(rss[0]),
        "server_with_all_sessions_mb": round(max(final, *rss)),
        "per_extra_session_mb": round(per_session, 1),
        "first_session_drawn_s": round(opened[0], 1),
        "later_sessions_drawn_median_s": round(statistics.median(opened[1:]), 2) if len(opened) > 1 else None,
    }


def _time_upload_of_1mb_article(page) -> float:
    """Seconds from giving the Overview's uploader a 1 MB one-paragraph article (and two ordinary ones)
    until the analysed upload is fully drawn."""
    with tempfile.TemporaryDirectory() as folder:
        files = [Path(folder) / "huge.txt"]
        files[0].write_text(one_megabyte_paragraph(), encoding="utf-8")
        for i, article in enumerate(generated_corpus(2, seed=1)):
            files.append(Path(folder) / f"article_{i}.txt")
            files[-1].write_text(article.text, encoding="utf-8")
        overview = page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview", exact=True)
        _redraw_after(page, overview.click)
        expander = page.get_by_test_id("stExpander").filter(has_text="Use your own articles")
        expander.locator("summary").click()
        t0 = time.perf_counter()
        expander.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
        page.get_by_text("Corpus: your upload").first.wait_for(timeout=300_000)
        page.wait_for_function(FULLY_DRAWN_JS, timeout=300_000, polling=10)
        return time.perf_counter() - t0


def measure_script_runs(runs: int) -> dict:
    """Server-side script time (AppTest): the first run, then three reruns per page on the cached analysis."""
    from streamlit.testing.v1 import AppTest

    firsts, reruns = [], {}
    pages = {"overview": "dashboard/ui/overview.py", "clusters": "dashboard/ui/clusters.py",
             "terms": "dashboard/ui/terms.py", "compare": "dashboard/ui/compare.py"}
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        t0 = time.perf_counter()
        at.run()
        firsts.append(time.perf_counter() - t0)
        for name, path in pages.items():
            at.switch_page(path)
            at.run()  # the page's own caches (key terms, alignment) fill here
            for _ in range(3):  # an interaction on the cached analysis: several, the median counts
                t0 = time.perf_counter()
                at.run()
                reruns.setdefault(name, []).append(time.perf_counter() - t0)
    return {
        "script_first_run_s": round(statistics.median(firsts), 3),
        "script_cached_rerun_s": {k: round(statistics.median(v), 3) for k, v in reruns.items()},
    }


# ---------------------------------------------------------------- whole processes, as a user runs them


@dataclass(frozen=True)
class ProcessRun:
    seconds: float  # wall clock, start to exit
    cpu_s: float  # user + system time of the process and the children it waited for: steadier on a busy machine
    peak_mb: float  # the larger of ru_maxrss and the peak summed PSS of its process tree
    stdout: str
    stderr: str


def _tree_rss_kb(pid: int, field: str = "VmRSS") -> int:
    """Resident memory of pid and every descendant (Linux /proc), in kB; 0 once it is gone.

    field "Pss" (from smaps_rollup) splits pages shared between processes among them: a forked
    child shares its parent's pages, which VmRSS would count twice.
    """
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(parents.get(p, []))
        try:
            source = "smaps_rollup" if field == "Pss" else "status"
            for line in Path(f"/proc/{p}/{source}").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_process(cmd: list[str], cwd: Path = ROOT, sample_every: float = 0.1) -> ProcessRun:
    """Run cmd to its end; its wall time and peak memory, from the kernel's accounting and from sampling.

    ru_maxrss (os.wait4) is the largest single process; a process that hands
    work to a forked child is as big as the two together, counted without
    the pages they share (the proportional set size, PSS, summed), which
    the sampler sees. Raises RuntimeError with the end of stderr when it fails.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        sampled, done = [0], threading.Event()

        def sample() -> None:
            while not done.is_set():
                sampled[0] = max(sampled[0], _tree_rss_kb(proc.pid, "Pss"))
                done.wait(sample_every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd[:6]))} ... failed ({proc.returncode}): {stderr.strip()[-800:]}")
    return ProcessRun(seconds, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss, sampled[0]) / 1024, stdout, stderr)


def _summary(runs: list[ProcessRun]) -> dict:
    return {
        "runs": len(runs),
        "median_s": round(statistics.median(r.seconds for r in runs), 2),
        "all_s": [round(r.seconds, 2) for r in runs],
        "median_cpu_s": round(statistics.median(r.cpu_s for r in runs), 2),
        "median_peak_mb": round(statistics.median(r.peak_mb for r in runs)),
        "max_peak_mb": round(max(r.peak_mb for r in runs)),
    }


def measure_cli(corpora: list[str], runs: int) -> dict:
    """`python -m dashboard analyze CORPUS --unit article --out FILE`, whole process, `runs` times each."""
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for corpus in corpora:
            path = NAMED.get(corpus, Path(corpus))
            if not path.exists():
                print(f"skipping {corpus}: {path} is absent", file=sys.stderr)
                continue
            target = Path(folder) / "analysis.json"
            cmd = [sys.executable, "-m", "dashboard", "analyze", str(path), "--unit", "article", "--out", str(target)]
            print(f"analyze {corpus} x{runs} ...", file=sys.stderr)
            results = [run_process(cmd) for _ in range(runs)]
            out[corpus] = {"command": "python -m dashboard analyze " + _shown(path) + " --unit article --out FILE",
                           "json_mb": round(target.stat().st_size / 2**20, 1), **_summary(results)}
    return out


def _shown(path: Path) -> str:
    """A path as the README gives it: relative to the repository where it can be."""
    try:
        return os.path.relpath(path, ROOT)
    except ValueError:
        return str(path)


# Scattertext's own way from raw texts to Fightin' Words scores (its README): a corpus built with its
# whitespace tokenizer (no spaCy model needed), unigrams and bigrams counted, priors from both
# categories, the log-odds ratio with an informative Dirichlet prior; the top terms are printed.
SCATTERTEXT_SCRIPT = r"""
import gzip, json, sys
import pandas as pd
import scattertext as st
path, a, b, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
df = pd.DataFrame({"text": [r["text"] for r in rows], "bias": [r["bias"] for r in rows]})
corpus = st.CorpusFromPandas(df, category_col="bias", text_col="text", nlp=st.whitespace_nlp_with_sentences).build()
priors = st.PriorFactory(corpus, category=a, not_categories=[b], starting_count=0.01).use_all_categories().get_priors()
scorer = st.LogOddsRatioInformativeDirichletPrior(priors, 10, "class-size")
freq = corpus.get_term_freq_df()
z = pd.Series(scorer.get_zeta_i_j_given_separate_counts(freq[a + " freq"].values, freq[b + " freq"].values),
              index=freq.index).sort_values()
print(json.dumps({"terms": len(z), "a": list(z.index[::-1][:limit]), "b": list(z.index[:limit])}))
"""


def bench_python(given: str | None) -> str | None:
    """The interpreter that has Scattertext (requirements-bench.txt): given, or .venv-bench, or this one."""
    candidates = [given] if given else [str(ROOT / ".venv-bench" / "bin" / "python"), sys.executable]
    for python in candidates:
        if python and Path(python).exists() and subprocess.run(
            [python, "-c", "import scattertext"], capture_output=True
        ).returncode == 0:
            return python
    return None


def left_right_subset(source: Path, target: Path, column: str = "bias", values: tuple[str, ...] = ("left", "right")) -> int:
    """The rows of a JSON Lines corpus whose `column` is one of `values`, copied as they are; their number."""
    n = 0
    with gzip.open(source, "rt", encoding="utf-8") as inp, gzip.open(target, "wt", encoding="utf-8") as out:
        for line in inp:
            if line.strip() and json.loads(line).get(column) in values:
                out.write(line if line.endswith("\n") else line + "\n")
                n += 1
    return n


def measure_terms(runs: int, scattertext_python: str | None, corpus: str = "events", limit: int = 50) -> dict:
    """Key terms left against right, raw texts to scores, whole process: our CLI beside Scattertext.

    Both read the same file: the left- and right-rated articles of the corpus,
    copied once. The runs alternate (ours, theirs, ours, ...) so a busy spell
    of the machine falls on both; the speed-up is the ratio of the medians.
    """
    path = NAMED.get(corpus, Path(corpus))
    python = bench_python(scattertext_python)
    with tempfile.TemporaryDirectory() as folder:
        subset = Path(folder) / "left_right.jsonl.gz"
        n = left_right_subset(path, subset)
        ours_cmd = [sys.executable, "-m", "dashboard", "terms", str(subset), "--a", "bias:left", "--b", "bias:right",
                    "--limit", str(limit)]
        theirs_cmd = [python, "-c", SCATTERTEXT_SCRIPT, str(subset), "left", "right", str(limit)] if python else None
        ours, theirs = [], []
        for i in range(runs):
            print(f"key terms run {i + 1}/{runs} ...", file=sys.stderr)
            ours.append(run_process(ours_cmd))
            if theirs_cmd:
                theirs.append(run_process(theirs_cmd))
    top = json.loads(ours[0].stdout)
    result = {
        "articles": n,
        "command": f"python -m dashboard terms LEFT_RIGHT.jsonl.gz --a bias:left --b bias:right --limit {limit}",
        "ours": _summary(ours),
        "ours_top": {"a": [t["term"] for t in top if t["z"] > 0][:10], "b": [t["term"] for t in top if t["z"] < 0][:10]},
    }
    if theirs:
        listed = json.loads(theirs[0].stdout)
        result["scattertext"] = {**_summary(theirs), "terms_scored": listed["terms"]}
        result["scattertext_top"] = {"a": listed["a"][:10], "b": listed["b"][:10]}
        result["speedup"] = round(result["scattertext"]["median_s"] / result["ours"]["median_s"], 1)
    else:
        result["scattertext"] = ("not installed: python -m venv .venv-bench && "
                                 ".venv-bench/bin/pip install -r requirements-bench.txt")
    return result


def measure_limits(runs: int) -> dict:
    """Median seconds of each extreme input over `runs` runs, with its budget and whether it was kept."""
    import numpy as np

    from .keyterms import log_odds
    from .loading import article_id, corpus_hash
    from .models import Article, Corpus, Settings
    from .pipeline import analyze
    from .segmenting import segment

    rng = np.random.default_rng(0)
    n = 1_000_000
    a, b = rng.poisson(0.5, n), rng.poisson(0.5, n)
    background = a + b + rng.poisson(2, n)
    terms = np.array([f"t{i}" for i in range(n)])
    sentences = (("Officials said the talks went on. " * 10 + "x" * 50 + " ") * 2500)[:1_000_000]
    paragraph = one_megabyte_paragraph()
    articles = [*generated_corpus(2, seed=1),
                Article(id=article_id(paragraph, "Outlet"), text=paragraph, source="Outlet", origin="1 MB paragraph")]
    corpus = Corpus(articles, content_hash=corpus_hash(articles))
    cases = {
        "log_odds_1m_terms": lambda: log_odds(a, b, background, terms),
        "segment_1mb_paragraph": lambda: segment("d", sentences),
        "analyze_1mb_article": lambda: analyze(corpus, Settings(unit="passage")),
    }
    out = {}
    for name, case in cases.items():
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            case()
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        out[name] = {"median_s": round(median, 3), "budget_s": LIMIT_BUDGETS_S[name],
                     "within_budget": median <= LIMIT_BUDGETS_S[name]}
    return out


ALIGN_NEAR_DAYS = 7  # "near" pairs: other events of the same topic published at most this many days apart
ALIGN_TARGETS = {"same_event_median_at_least": 0.30, "other_event_median_at_most": 0.05}


def alignment_pairs(documents, n_pairs: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """Article pairs from different outlets, n_pairs of each kind, drawn with a fixed seed.

    same_event: both on one event (the corpus's event_id). near_other_event:
    different events of the same topic at most ALIGN_NEAR_DAYS apart, the
    hard case (same people, same words, another fact). random_other_event:
    any two articles of different events.
    """
    import itertools

    import pandas as pd

    missing = [c for c in ("event_id", "topic", "date", "source") if c not in documents.columns]
    if missing:
        raise SystemExit(f"--align needs a corpus with {', '.join(missing)} columns (e.g. events)")
    docs = documents[["id", "event_id", "topic", "date", "source"]].copy()
    docs["day"] = pd.to_datetime(docs["date"], errors="coerce")
    event, source = dict(zip(docs["id"], docs["event_id"])), dict(zip(docs["id"], docs["source"]))
    rng = random.Random(seed)
    same = sorted(
        (a, b)
        for _, group in docs.dropna(subset=["event_id"]).groupby("event_id", sort=True)
        for a, b in itertools.combinations(sorted(group["id"]), 2)
        if source[a] != source[b]
    )
    near = []
    for _, group in docs.dropna(subset=["day", "topic"]).groupby("topic", sort=True):
        rows = list(group.sort_values(["day", "id"])[["id", "day"]].itertuples(index=False))
        for k, (a, day_a) in enumerate(rows):
            for b, day_b in rows[k + 1:]:
                if (day_b - day_a).days > ALIGN_NEAR_DAYS:
                    break
                if event[a] != event[b] and source[a] != source[b]:
                    near.append((a, b))
    ids = sorted(docs["id"])
    far: list[tuple[str, str]] = []
    while len(far) < n_pairs:
        a, b = rng.sample(ids, 2)
        if event[a] != event[b] and source[a] != source[b]:
            far.append((a, b))
    near.sort()
    return {
        "same_event": rng.sample(same, min(n_pairs, len(same))),
        "near_other_event": rng.sample(near, min(n_pairs, len(near))),
        "random_other_event": far,
    }


def measure_alignment(corpus_arg: str, n_pairs: int, seed: int, vary: float, show: int) -> dict:
    """Side by side on pairs of articles: the share of A's sentences matched, per kind of pair.

    Share of sentences matched = A's sentences with a partner in B / A's
    sentences. Articles come from the corpus analysed as the CLI's align
    does (unit article); whether a pair shares a story is the corpus's
    event_id, as queries.align decides. The same pairs are also aligned as
    if the story were unknown (same-event pairs without the same-story
    threshold) and as if it were shared (near pairs with it), and with
    each threshold varied by `vary`.
    """
    import numpy as np

    from .alignment import DEFAULT_THRESHOLD, RELATED, SAME_FACT, SAME_STORY_FACTOR, match_sentences
    from .loading import load_corpus
    from .models import Settings
    from .pipeline import analyze
    from .queries import align, article_sentences, pair_stop_words, word_rarity

    analysis = analyze(load_corpus([NAMED.get(corpus_arg, Path(corpus_arg))]), Settings(unit="article"))
    pairs = alignment_pairs(analysis.documents, n_pairs, seed)
    sentences = {d: article_sentences(analysis, d) for d in sorted({d for ps in pairs.values() for p in ps for d in p})}
    rarity = word_rarity(analysis)

    def share(al) -> float:  # Alignment or SentenceMatching; A has sentences (see usable)
        return 1.0 - len(al.unique_a) / len(al.a_best)

    def aligned(a, b, same_story, threshold=DEFAULT_THRESHOLD, factor=SAME_STORY_FACTOR):
        """The matching alone (no vocabulary comparison), with the inputs queries.align gives."""
        return match_sentences(sentences[a], sentences[b], threshold=threshold, same_story=same_story, rarity=rarity,
                               aliases=analysis.aliases, stop_words=pair_stop_words(analysis, a, b),
                               same_story_factor=factor)

    usable = {kind: [p for p in ps if sentences[p[0]]] for kind, ps in pairs.items()}
    shares: dict[str, list[float]] = {}
    kinds = {"copy": 0, SAME_FACT: 0, RELATED: 0}
    examples, times = [], []
    for kind, ps in usable.items():
        shares[kind] = []
        for a, b in ps:
            t0 = time.perf_counter()
            al = align(analysis, a, b)  # the path the CLI and the page take
            times.append(time.perf_counter() - t0)
            shares[kind].append(share(al))
            if kind == "same_event":
                for m in al.matches:
                    kinds[m.kind] += 1
                    examples.append((a, b, m, al.a_sentences[m.a], al.b_sentences[m.b]))

    def medians(values: dict[str, list[float]]) -> dict[str, float]:
        return {k: round(statistics.median(v), 4) if v else None for k, v in values.items()}

    median = medians(shares)
    crossed = medians({
        "same_event_without_same_story": [share(aligned(a, b, False)) for a, b in usable["same_event"]],
        "near_other_event_as_if_same_story": [share(aligned(a, b, True)) for a, b in usable["near_other_event"]],
    })
    robustness = {}
    if vary:
        for scale in (1 - vary, 1 + vary):
            threshold = min(1.0, DEFAULT_THRESHOLD * scale)
            robustness[f"threshold={threshold:.3g}"] = medians({
                kind: [share(aligned(a, b, kind == "same_event", threshold=threshold)) for a, b in ps]
                for kind, ps in usable.items()
            })
            factor = min(1.0, SAME_STORY_FACTOR * scale)
            robustness[f"same_story_factor={factor:.3g}"] = medians({
                "same_event": [share(aligned(a, b, True, factor=factor)) for a, b in usable["same_event"]],
            })
    source = dict(zip(analysis.documents["id"], analysis.documents["source"]))
    picked = random.Random(seed).sample(examples, min(show, len(examples)))
    other = [v for k, v in median.items() if k != "same_event"]
    return {
        "corpus": corpus_arg,
        "articles": len(analysis.documents),
        "seed": seed,
        "pairs": {k: len(v) for k, v in usable.items()},
        "pairs_without_sentences_in_a": {k: len(pairs[k]) - len(usable[k]) for k in pairs},
        "share": "sentences of A with a partner in B / sentences of A",
        "threshold": DEFAULT_THRESHOLD,
        "same_story_factor": SAME_STORY_FACTOR,
        "median_share": median,
        "mean_share": {k: round(float(np.mean(v)), 4) if v else None for k, v in shares.items()},
        "targets": {**ALIGN_TARGETS, "met": bool(
            median["same_event"] is not None and median["same_event"] >= ALIGN_TARGETS["same_event_median_at_least"]
            and all(v is not None and v <= ALIGN_TARGETS["other_event_median_at_most"] for v in other))},
        "median_share_crossed": crossed,
        "median_share_varied": robustness,
        "same_event_matches": kinds,
        "align_median_ms": round(1000 * statistics.median(times), 1) if times else None,
        "examples": [
            {"a_source": source[a], "b_source": source[b], "kind": m.kind, "score": round(m.score, 3),
             "a": text_a, "b": text_b, "only_a": list(m.only_a), "only_b": list(m.only_b)}
            for a, b, m, text_a, text_b in picked
        ],
    }


def measure_targets(runs: int, chromium: str, scattertext_python: str | None, sessions: int,
                    partial: Path | None = None) -> dict:
    """Every target of the performance issue, each measured as its own mode measures it.

    A mode that fails is reported as its error and the others still run;
    with `partial`, the results so far are written there after each mode.
    """
    results: dict = {"load_average": {"start": [round(x, 2) for x in os.getloadavg()]}, "cpus": os.cpu_count()}
    modes = {
        "cli": lambda: measure_cli(["events", "allsides"], runs),
        "terms": lambda: measure_terms(runs, scattertext_python),
        "app": lambda: measure_app(runs, chromium, upload=False),
        "sessions": lambda: measure_sessions(sessions, chromium),
    }
    for name, measure_mode in modes.items():
        try:
            results[name] = measure_mode()
        except Exception as exc:  # reported in the results, and the exit code says a target was not shown met
            results[name] = {"error": f"{type(exc).__name__}: {str(exc)[:500]}"}
            print(f"{name} failed: {exc}", file=sys.stderr)
        results["load_average"][f"after_{name}"] = [round(x, 2) for x in os.getloadavg()]
        if partial:
            partial.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return results


def target_rows(results: dict) -> list[tuple[str, float | None, str, bool | None]]:
    """(what, measured, target, met) for every target the results hold; None where it was not measured."""
    rows: list[tuple[str, float | None, str, bool | None]] = []

    def add(what: str, value: float | None, target: float, at_least: bool = False) -> None:
        met = None if value is None else (value >= target if at_least else value <= target)
        rows.append((what, value, f"{'>=' if at_least else '<='} {target:g}", met))

    for mode, result in results.items():
        if isinstance(result, dict) and "error" in result:
            rows.append((f"{mode}: failed ({result['error'][:80]})", None, "", False))
    results = {k: v for k, v in results.items() if not (isinstance(v, dict) and "error" in v)}
    cli = results.get("cli", {})
    for corpus, name in (("events", "5,083"), ("allsides", "37,554")):
        if corpus in cli:
            add(f"analyze {name} articles, s", cli[corpus]["median_s"], TARGETS[f"analyze_{corpus}_s"])
            add(f"analyze {name} articles, peak MB", cli[corpus]["max_peak_mb"], TARGETS[f"analyze_{corpus}_mb"])
    terms = results.get("terms")
    if terms:
        add("key terms: Scattertext s / ours s", terms.get("speedup"), TARGETS["terms_speedup"], at_least=True)
    app = results.get("app")
    if app:
        add("first page fully drawn (warm server), s", app["first_page_warm_s"], TARGETS["first_page_s"])
        add("slowest cached rerun, script s", max(app["script_cached_rerun_s"].values()), TARGETS["interaction_script_s"])
    sessions = results.get("sessions")
    if sessions:
        add(f"{sessions['sessions']} sessions, server MB", sessions["server_with_all_sessions_mb"], TARGETS["sessions_mb"])
    return rows


def targets_table(results: dict) -> str:
    lines = ["| measurement | this run | target | met |", "|---|---|---|---|"]
    for what, value, target, met in target_rows(results):
        lines.append(f"| {what} | {'' if value is None else f'{value:g}'} | {target} | "
                     f"{'' if met is None else ('yes' if met else 'NO')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--spark-agreement" in argv or "--spark-scaling" in argv or "--spark-terms" in argv:  # the Spark engine's measurements: dashboard.spark.bench
        from .spark.bench import main as spark_main

        return spark_main(argv)
    p = argparse.ArgumentParser(prog="python -m dashboard.bench", description=__doc__.splitlines()[0])
    p.add_argument("corpora", nargs="*", default=[],
                   help="seeds, events, allsides, a path, or generated: time each stage of the analysis on these "
                        "(with --stages and no corpus: the three named ones; with no corpus and no mode: every target)")
    p.add_argument("--sizes", default="", help="comma-separated article counts (first N articles); default all")
    p.add_argument("--unit", choices=["auto", "article", "passage"], default="auto")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--stages", action="store_true", help="time each stage of the analysis (the default when corpora are given)")
    p.add_argument("--cli", action="store_true",
                   help="whole-process time and peak memory of `python -m dashboard analyze CORPUS --unit article "
                        "--out FILE` (default corpora: events allsides)")
    p.add_argument("--terms", action="store_true",
                   help="key terms left vs right on the corpus's left- and right-rated articles (default events), "
                        "raw texts to scores, whole process: our CLI beside Scattertext (requirements-bench.txt)")
    p.add_argument("--scattertext-python", default=None,
                   help="with --terms: an interpreter with Scattertext installed (default: .venv-bench/bin/python, "
                        "else this one)")
    p.add_argument("--app", action="store_true",
                   help="time the dashboard on the sample in headless Chromium: first page fully drawn (cold and "
                        "warm server), cached page switches until redrawn, a 1 MB upload; script times with AppTest "
                        "(needs playwright)")
    p.add_argument("--sessions", type=int, default=0, metavar="N",
                   help="server memory with N sessions open on one analysis of the corpus (default events)")
    p.add_argument("--chromium", default="/usr/bin/chromium", help="browser for --app and --sessions")
    p.add_argument("--limits", action="store_true",
                   help="time extreme inputs (a million key terms, a 1 MB paragraph) against their budgets; "
                        "exit 1 when one is over")
    p.add_argument("--stories", action="store_true",
                   help="time automatic stories alone (after cleaning and tokenising) and give their NMI "
                        "against the corpus's story column")
    p.add_argument("--vary", type=float, default=0.0,
                   help="with --stories: also vary each story parameter by this fraction (e.g. 0.3) and give the NMI; "
                        "with --align: vary each threshold by it (e.g. 0.2)")
    p.add_argument("--align", action="store_true",
                   help="side by side on article pairs of the named corpus (default events): median share of "
                        "sentences matched for same-event pairs and for pairs of other events; exit 1 when a "
                        "target is missed")
    p.add_argument("--pairs", type=int, default=300, help="with --align: pairs of each kind")
    p.add_argument("--seed", type=int, default=0, help="with --align: seed of the pair sample")
    p.add_argument("--show", type=int, default=0, help="with --align: also list this many same-event matches to read")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    def emit(result, ensure_ascii: bool = True) -> None:
        text = json.dumps(result, indent=1, ensure_ascii=ensure_ascii)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")

    modes = [args.cli, args.terms, args.app, bool(args.sessions), args.limits, args.stories, args.align, args.stages]
    if not args.corpora and not args.child and not any(modes):
        result = measure_targets(args.runs, args.chromium, args.scattertext_python, 10, partial=args.json)
        print(targets_table(result))
        emit(result)
        return 0 if all(met is not False for *_, met in target_rows(result)) else 1
    if args.cli:
        result = {"cli": measure_cli(args.corpora or ["events", "allsides"], args.runs)}
        print(targets_table(result))
        emit(result)
        return 0
    if args.terms:
        result = {"terms": measure_terms(args.runs, args.scattertext_python, (args.corpora or ["events"])[0])}
        print(targets_table(result))
        emit(result, ensure_ascii=False)
        return 0
    if args.sessions:
        result = {"sessions": measure_sessions(args.sessions, args.chromium, (args.corpora or ["events"])[0])}
        print(targets_table(result))
        emit(result)
        return 0
    if args.app:
        result = {"app": measure_app(args.runs, args.chromium)}
        print(targets_table(result))
        emit(result)
        return 0
    if args.align:
        corpus = args.corpora[0] if args.corpora else "events"
        result = measure_alignment(corpus, args.pairs, args.seed, args.vary, args.show)
        emit(result, ensure_ascii=False)
        return 0 if result["targets"]["met"] else 1
    if args.limits:
        result = measure_limits(args.runs)
        print(json.dumps(result, indent=1))
        return 0 if all(r["within_budget"] for r in result.values()) else 1
    if not args.corpora:
        args.corpora = ["seeds", "events", "allsides"]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] or [None]
    if args.child:
        if args.stories:
            print(json.dumps(_stories_run(args.corpora[0], sizes[0], args.vary)))
        else:
            print(json.dumps(_one_run(args.corpora[0], sizes[0], args.unit)))
        return 0
    rows = []
    for corpus in args.corpora:
        path = NAMED.get(corpus)
        if path is not None and not path.exists():
            print(f"skipping {corpus}: {path} is absent; try `generated` instead", file=sys.stderr)
            continue
        for size in sizes:
            if args.stories:
                print(f"running stories on {corpus} size={size or 'all'} x{args.runs} ...", file=sys.stderr)
                rows.append(measure_stories(corpus, size, args.runs, args.vary))
            else:
                print(f"running {corpus} size={size or 'all'} unit={args.unit} x{args.runs} ...", file=sys.stderr)
                rows.append(measure(corpus, size, args.unit, args.runs))
    print(stories_table(rows) if args.stories else table(rows))
    print(json.dumps(rows, indent=1))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
