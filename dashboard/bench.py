"""`python -m dashboard.bench`: what each stage costs, on real or generated corpora.

Each run is a fresh subprocess so peak memory (ru_maxrss) is that run's own;
times are medians over the runs. The reference is one plain scikit-learn
TfidfVectorizer fit with the project's default settings on the same texts:
the single pass nothing can avoid, so the ratio says how much we add to it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
NAMED = {
    "seeds": ROOT / "seeds",
    "events": CORPORA / "allsides_events.jsonl.gz",
    "allsides": CORPORA / "allsides.jsonl.gz",
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


APP_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]');
}"""
APP_RUNNING_JS = """() => document.querySelector('[data-testid="stApp"]')
  ?.getAttribute('data-test-script-state') === 'running'"""
APP_PAGES = ("Framing clusters", "Key terms", "Side by side", "Overview")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_app(runs: int, chromium: str) -> dict:
    """Start the app on the seeds, time its first complete render, cached page switches and a 1 MB upload.

    Needs playwright and a Chromium (the test dependencies). A page switch is
    timed from the click until the rerun it starts has finished and every
    element is drawn.
    """
    import urllib.request

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage"]
    first_renders, switches, starts, uploads = [], [], [], []
    for _ in range(runs):
        port = _free_port()
        t0 = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats",
             "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.05)
                if time.perf_counter() - t0 > 60:
                    raise RuntimeError("the app did not start within 60 s")
            starts.append(time.perf_counter() - t0)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=args)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                t1 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_function(APP_IDLE_JS, timeout=60_000, polling=20)
                page.get_by_text("Articles by date and source").wait_for(timeout=60_000)
                first_renders.append(time.perf_counter() - t1)
                for name in APP_PAGES * 2:  # first lap warms the per-page caches
                    link = page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True)
                    t2 = time.perf_counter()
                    link.click()
                    try:
                        page.wait_for_function(APP_RUNNING_JS, timeout=1_000, polling=10)
                    except PlaywrightTimeout:  # the rerun may already be over
                        pass
                    page.wait_for_function(APP_IDLE_JS, timeout=60_000, polling=10)
                    if name in [p for p in APP_PAGES] and len(switches) >= 0:
                        switches.append((name, time.perf_counter() - t2))
                uploads.append(_time_upload_of_1mb_article(page))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    cached = [t for i, (_, t) in enumerate(switches) if (i // len(APP_PAGES)) % 2 == 1]
    script = measure_script_runs(runs)
    return {
        "runs": runs,
        "server_start_s": round(statistics.median(starts), 3),
        "browser_first_render_s": round(statistics.median(first_renders), 3),
        "browser_cached_page_switch_median_s": round(statistics.median(cached), 3),
        "browser_cached_page_switch_max_s": round(max(cached), 3),
        "browser_upload_1mb_article_s": round(statistics.median(uploads), 3),
        "browser_upload_1mb_article_budget_s": UPLOAD_1MB_BUDGET_S,
        **script,
    }


def _time_upload_of_1mb_article(page) -> float:
    """Seconds from giving the Overview's uploader a 1 MB one-paragraph article (and two ordinary ones)
    until the analysed upload is drawn."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        files = [Path(folder) / "huge.txt"]
        files[0].write_text(one_megabyte_paragraph(), encoding="utf-8")
        for i, article in enumerate(generated_corpus(2, seed=1)):
            files.append(Path(folder) / f"article_{i}.txt")
            files[-1].write_text(article.text, encoding="utf-8")
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview", exact=True).click()
        page.wait_for_function(APP_IDLE_JS, timeout=60_000, polling=10)
        expander = page.get_by_test_id("stExpander").filter(has_text="Use your own articles")
        expander.locator("summary").click()
        t0 = time.perf_counter()
        expander.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(f) for f in files])
        page.get_by_text("Corpus: your upload").first.wait_for(timeout=300_000)
        page.wait_for_function(APP_IDLE_JS, timeout=300_000, polling=10)
        return time.perf_counter() - t0


def measure_script_runs(runs: int) -> dict:
    """Server-side script time (AppTest): the first run, then reruns on the cached analysis."""
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
            t0 = time.perf_counter()
            at.run()
            reruns.setdefault(name, []).append(time.perf_counter() - t0)
    return {
        "script_first_run_s": round(statistics.median(firsts), 3),
        "script_cached_rerun_s": {k: round(statistics.median(v), 3) for k, v in reruns.items()},
    }


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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--spark-agreement" in argv or "--spark-scaling" in argv:  # the Spark engine's measurements: dashboard.spark.bench
        from .spark.bench import main as spark_main

        return spark_main(argv)
    p = argparse.ArgumentParser(prog="python -m dashboard.bench", description=__doc__.splitlines()[0])
    p.add_argument("corpora", nargs="*", default=["seeds", "events", "allsides"],
                   help="seeds, events, allsides, a path, or generated (default: the three named ones)")
    p.add_argument("--sizes", default="", help="comma-separated article counts (first N articles); default all")
    p.add_argument("--unit", choices=["auto", "article", "passage"], default="auto")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--app", action="store_true",
                   help="time the dashboard instead: start, first render, cached page switches, a 1 MB upload "
                        "(needs playwright)")
    p.add_argument("--chromium", default="/usr/bin/chromium", help="browser for --app")
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
    if args.app:
        result = measure_app(args.runs, args.chromium)
        print(json.dumps(result, indent=1))
        return 0
    if args.align:
        corpus = args.corpora[0] if args.corpora != p.get_default("corpora") else "events"
        result = measure_alignment(corpus, args.pairs, args.seed, args.vary, args.show)
        print(json.dumps(result, indent=1, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return 0 if result["targets"]["met"] else 1
    if args.limits:
        result = measure_limits(args.runs)
        print(json.dumps(result, indent=1))
        return 0 if all(r["within_budget"] for r in result.values()) else 1
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
