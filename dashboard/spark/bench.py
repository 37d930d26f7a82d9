"""Measurements of the Spark engine: agreement with the local engine, and cost as the corpus grows.

`python -m dashboard.bench --spark-agreement [CORPUS]` analyses one corpus
with both engines (articles as units, stories found from the text, so both
engines do the work) and reports how far they agree: duplicate pairs (two
articles in one copy group) as F1 of Spark's against the local engine's,
stories as normalised mutual information, dominant frames as the share of
articles given the same one; clusters are reported too (adjusted Rand
index), without a target: the engines cluster in differently reduced spaces.
Exits 1 when an agreement is below its target.

`python -m dashboard.bench --spark-scaling` runs `python -m dashboard analyze
--engine spark --stories auto --out DIR` as a fresh process on each size (the AllSides event
corpus, the full corpus, and a synthetic corpus of the full one repeated with
perturbed text) and reports wall time, peak memory of the whole process tree
(driver, JVM and Python workers, sampled from /proc) and each stage's time.

`python -m dashboard.bench --spark-terms DIR/` opens a result folder as the
dashboard does (pyarrow alone, no Spark) and times key-term questions on
it: opening the folder, the stored background's one-time read (the first
question pays it), then each new comparison (left against right ratings,
the largest outlet, story and cluster against the rest), each asked --runs
times in a fresh reader so no answer is cached.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
TARGETS = {"duplicate_pairs_f1": 0.9, "stories_nmi": 0.85, "dominant_frames_agree": 0.95}


def co_member_pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    """Every unordered pair of articles that share a copy group."""
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}


def f1(found: set, reference: set) -> float:
    if not found and not reference:
        return 1.0
    hit = len(found & reference)
    precision = hit / len(found) if found else 0.0
    recall = hit / len(reference) if reference else 0.0
    return 0.0 if hit == 0 else 2 * precision * recall / (precision + recall)


def agreement(local, spark) -> dict:
    """The agreement numbers between two Analyses of one corpus (matched by article id)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    a = local.documents.set_index("id")
    b = spark.documents.set_index("id").reindex(a.index)
    if b["frame"].isna().any():
        raise SystemExit(f"the engines loaded different articles ({int(b['frame'].isna().sum())} missing from Spark's)")
    local_pairs, spark_pairs = co_member_pairs(local.duplicate_groups), co_member_pairs(spark.duplicate_groups)
    return {
        "articles": len(a),
        "duplicate_pairs_local": len(local_pairs),
        "duplicate_pairs_spark": len(spark_pairs),
        "duplicate_pairs_f1": round(f1(spark_pairs, local_pairs), 4),
        "stories_local": int(a["story"].nunique()),
        "stories_spark": int(b["story"].nunique()),
        "stories_nmi": round(float(normalized_mutual_info_score(a["story"], b["story"])), 4),
        "dominant_frames_agree": round(float((a["frame"] == b["frame"]).mean()), 4),
        "lexicon_local": local.lexicon,
        "lexicon_spark": spark.lexicon,
        "clusters_local": len(local.clusters),
        "clusters_spark": len(spark.clusters),
        "clusters_ari": round(float(adjusted_rand_score(a["cluster"], b["cluster"])), 4),
    }


def run_agreement(corpus: Path, master: str | None, out: Path | None) -> int:
    from ..loading import load_corpus
    from ..models import Settings
    from ..pipeline import analyze
    from . import run
    from .result import open_result

    settings = Settings(unit="article", stories="auto")
    t0 = time.perf_counter()
    local = analyze(load_corpus([corpus]), settings)
    local_seconds = time.perf_counter() - t0
    folder = out or Path(tempfile.mkdtemp(prefix="framelens-agreement-")) / "result"
    t0 = time.perf_counter()
    run.write_result([str(corpus)], folder, settings, master)
    spark_seconds = time.perf_counter() - t0
    result = agreement(local, open_result(folder))
    result.update(local_seconds=round(local_seconds, 1), spark_seconds=round(spark_seconds, 1), corpus=corpus.name)
    print(json.dumps(result, indent=1))
    missed = [f"{k} {result[k]} < {target}" for k, target in TARGETS.items() if result[k] < target]
    if missed:
        print("below target: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------- scaling


_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


def perturbed(text: str, rng: random.Random) -> str:
    """The text with the words of each sentence shuffled: the same words (vocabulary, lexicon hits), no shared
    3-word shingle, so the copy is not a syndicated copy of the original."""
    out = []
    for paragraph in text.split("\n"):
        sentences = []
        for sentence in _SENTENCE_RE.split(paragraph):
            words = sentence.split()
            rng.shuffle(words)
            sentences.append(" ".join(words))
        out.append(" ".join(sentences))
    return "\n".join(out)


def synthetic_corpus(source: Path, target: Path, n: int, files: int = 8, seed: int = 0) -> Path:
    """A folder of `files` JSON Lines files holding n articles: the source corpus, then repeats of it with
    perturbed text, each repeat dated three years later (its stories stay its own)."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in gzip.open(source, "rt", encoding="utf-8") if line.strip()]
    target.mkdir(parents=True, exist_ok=True)
    handles = [gzip.open(target / f"part-{i:02d}.jsonl.gz", "wt", encoding="utf-8") for i in range(files)]
    try:
        for i in range(n):
            repeat, row = divmod(i, len(rows))
            row = dict(rows[row])
            if repeat:
                row["text"] = perturbed(row.get("text") or "", rng)
                row["id"] = f"{row.get('id')}~{repeat}"
                if row.get("date"):
                    year = int(str(row["date"])[:4]) + 3 * repeat
                    row["date"] = f"{year}{str(row['date'])[4:]}"
                for key in ("event_id", "duplicate_of"):
                    row.pop(key, None)
            handles[i * files // n].write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        for h in handles:
            h.close()
    return target


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def measure(paths: list[str], out: Path, master: str | None, conf: list[str]) -> dict:
    """Wall time and peak tree memory of one `analyze --engine spark --out` process."""
    cmd = [sys.executable, "-m", "dashboard", "analyze", *paths, "--engine", "spark", "--unit", "article",
           "--stories", "auto", "--out", str(out)]
    if master:
        cmd += ["--master", master]
    for c in conf:
        cmd += ["--spark-conf", c]
    peak = 0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {stderr.strip()[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    return {"articles": manifest["articles"], "seconds": round(seconds, 1), "peak_mb": round(peak / 2**20),
            "stages": manifest["timings"], "copies": manifest["copies"], "stories": manifest["stories_count"],
            "k": manifest["k"]}


def run_scaling(sizes: list[str], work: Path, master: str | None, conf: list[str]) -> int:
    events, full = CORPORA / "allsides_events.jsonl.gz", CORPORA / "allsides.jsonl.gz"
    rows = []
    for size in sizes:
        if size == "events":
            paths = [str(events)]
        elif size == "allsides":
            paths = [str(full)]
        else:
            n = int(size)
            folder = work / f"synthetic-{n}"
            if not folder.exists():
                synthetic_corpus(full, folder, n)
            paths = [str(folder)]
        result = measure(paths, work / f"result-{size}", master, conf)
        result["corpus"] = size
        rows.append(result)
        print(json.dumps(result), flush=True)
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        per = (last["seconds"] - first["seconds"]) / max(last["articles"] - first["articles"], 1) * 100_000
        mem = (last["peak_mb"] - first["peak_mb"]) / max(last["articles"] - first["articles"], 1) * 100_000
        print(json.dumps({"seconds_per_100k": round(per), "peak_mb_per_100k": round(mem)}))
    return 0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def terms_questions(analysis) -> list[tuple[str, str]]:
    """Comparisons a user asks of a folder: ratings left against right where the corpus has them, then the
    largest outlet, story and cluster against the rest."""
    docs = analysis.documents
    questions = []
    if "bias" in docs.columns and {"left", "right"} <= set(docs["bias"].dropna().astype(str)):
        questions.append(("bias:left", "bias:right"))
    questions.append((f"source:{docs['source'].value_counts().index[0]}", "rest"))
    for kind in ("story", "cluster"):
        questions.append((f"{kind}:{int(analysis.units[kind].value_counts().index[0])}", "rest"))
    return questions


def run_terms(folder: Path, runs: int) -> int:
    """Seconds to open a result folder and to answer each key-term question on it (medians of `runs`)."""
    from ..queries import key_terms
    from .result import open_result

    opened, background, answers = [], [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        analysis = open_result(folder)  # a fresh reader: nothing read or cached by an earlier run
        opened.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        analysis.term_counter.stored_background  # read once per opened folder, by the first question
        background.append(time.perf_counter() - t0)
        for a, b in terms_questions(analysis):
            t0 = time.perf_counter()
            terms = key_terms(analysis, a, b)
            answers.setdefault(f"{a} vs {b}", []).append(time.perf_counter() - t0)
            if terms.empty:
                raise SystemExit(f"{a} vs {b}: no terms")
    result = {"folder": str(folder), "articles": int(len(analysis.documents)),
              "open_s": round(_median(opened), 2),
              "background_read_s (once, by the first question)": round(_median(background), 2),
              "questions_s": {k: round(_median(v), 2) for k, v in answers.items()}}
    print(json.dumps(result, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard.bench --spark-agreement|--spark-scaling",
                                description=__doc__.splitlines()[0])
    p.add_argument("--spark-agreement", action="store_true")
    p.add_argument("--spark-scaling", action="store_true")
    p.add_argument("--spark-terms", type=Path, default=None, metavar="DIR",
                   help="time key-term questions on a result folder")
    p.add_argument("--runs", type=int, default=3, help="with --spark-terms: runs of each question")
    p.add_argument("corpus", nargs="?", default=str(CORPORA / "allsides_events.jsonl.gz"),
                   help="with --spark-agreement: the corpus file or folder")
    p.add_argument("--sizes", default="events,allsides,150000",
                   help="with --spark-scaling: events, allsides and article counts of the synthetic corpus")
    p.add_argument("--work", type=Path, default=None, help="folder for synthetic corpora and results (kept)")
    p.add_argument("--master", default=None)
    p.add_argument("--spark-conf", action="append", default=[])
    p.add_argument("--out", type=Path, default=None, help="with --spark-agreement: keep Spark's result folder here")
    args = p.parse_args(argv)
    if args.spark_terms is not None:
        return run_terms(args.spark_terms, args.runs)
    if args.spark_agreement:
        return run_agreement(Path(args.corpus), args.master, args.out)
    work = args.work or Path(tempfile.mkdtemp(prefix="framelens-scaling-"))
    try:
        return run_scaling([s.strip() for s in args.sizes.split(",") if s.strip()], work, args.master, args.spark_conf)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
