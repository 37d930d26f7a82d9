"""Where the pages get the corpus and the analysis: one place for caching and session state.

Heavy results live in st.cache_resource keyed on a content hash plus the
frozen Settings, never on texts (hashing 40,000 texts on every rerun costs
more than the lookup saves). The corpus itself is passed as an underscore
parameter so Streamlit does not hash it. Uploaded and pasted articles and
metadata corrections live in st.session_state, so one session never sees
another's corpus; the shared cache can only be hit with the same content.
A link carries them only as the key of a saved workspace (ui/workspace.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass
from typing import NoReturn
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import filters, lexicons, queries, storyviews, tables
from dashboard import frame_suggestions as frame_suggestions_mod
from dashboard import frames as frames_mod
from dashboard.corrections import CorrectionProblem, apply_corrections
from dashboard.errors import FramelensError
from dashboard.groups import GroupSpec
from dashboard.loading import CorpusError, corpus_hash, load_corpus, load_seed_corpus, load_uploads
from dashboard.models import Analysis, Article, Corpus, LoadIssue, Settings
from dashboard.pipeline import analyze
from dashboard.ui import safe

# Session-state keys that are not widgets (widget keys double as URL parameters; see shell.py).
UPLOADED = "fl_uploaded"  # Corpus built from uploads, or absent
UPLOAD_NAMES = "fl_upload_names"  # file names of that upload (shown, never trusted)
UPLOAD_SIG = "fl_upload_sig"  # which uploader contents were last loaded
UPLOAD_ERROR = "fl_upload_error"  # (message, issues) of the last failed upload
PASTED = "fl_pasted"  # list[Article] pasted by the user
OVERRIDES = "fl_overrides"  # article id -> {"source": ..., "date": ...} as typed (checked by the core)
TUNING = "fl_tuning"  # Settings fields chosen on the Settings page
LEXICON = "lexicon"  # the frame lexicon choice (auto or a bundled name); also its URL parameter (see shell.py)
USER_LEXICON = "fl_user_lexicon"  # the TOML text of the user's own lexicon, once applied (in use when TUNING has it)
VIEW = "fl_view"  # the sidebar's View for this run
TERM_CHOICES_PER_SIDE = 100  # Key terms keeps each side's most distinctive terms (its term picker) ...
PLOT_MAX_TERMS = 2_500  # ... and the most used ones (its scatter)

STAGE_TEXT = {
    "clean": "cleaning articles",
    "aliases": "merging name variants",
    "tokens": "splitting into words",
    "stories": "grouping articles into stories",
    "duplicates": "finding syndicated copies",
    "vectors": "building TF-IDF vectors",
    "clusters": "clustering",
    "frames": "scoring frames",
    "layout": "laying out the map",
    "tables": "building tables",
}


class Halt(Exception):
    """A page stops early after saying why; app.py still draws the share link.

    Unlike st.stop(), which also ends app.py's own code after the page.
    """


def halt() -> NoReturn:
    raise Halt


# ---------------------------------------------------------------- the corpus


def cli_corpus_path(argv: list[str] | None = None) -> str | None:
    """`streamlit run app.py -- --corpus PATH`: the path, or None."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--corpus", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return args.corpus


def _path_stamp(path: Path) -> tuple[float, int]:
    """Newest modification time and file count under a path: changes when the folder does."""
    if path.is_file():
        return path.stat().st_mtime, 1
    newest, count = path.stat().st_mtime, 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            try:
                newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
            except OSError:
                continue  # vanished while walking; the loader will report what it finds
            count += 1
    return newest, count


@st.cache_resource(max_entries=2, show_spinner="Loading the corpus…")
def _load_path(path: str, stamp: tuple[float, int]) -> Corpus:
    return load_corpus([path])


@st.cache_resource(max_entries=2, show_spinner="Opening the Spark result…")
def _open_result(path: str, stamp: tuple[float, int]) -> Analysis:
    from dashboard.spark.result import open_result  # pyarrow only: the app never imports pyspark

    return open_result(path)


def spark_result() -> Analysis | None:
    """The analysis a Spark result folder given with --corpus holds (computed by Spark, read, not redone), or None."""
    path = cli_corpus_path()
    if not path or st.session_state.get(UPLOADED) is not None:
        return None
    p = Path(path).expanduser()
    if not (p / "manifest.json").is_file():
        return None
    return _open_result(str(p.resolve()), _path_stamp(p))


@st.cache_resource(show_spinner=False)
def _seed_corpus() -> Corpus:
    return load_seed_corpus()


@dataclass
class CorpusState:
    corpus: Corpus  # pasted articles added and corrections applied; filters not yet
    key: str  # content hash of exactly that corpus
    kind: str  # "sample", "path" or "upload"
    errors: list[str]  # problems the user should see (may quote input: show as text)
    report: list[LoadIssue]  # the loader's per-item report, pasted items included
    correction_problems: list[CorrectionProblem] = dataclasses.field(default_factory=list)  # not applied
    base_hash: str = ""  # content hash of the base corpus as loaded (before pasted articles and corrections)


def _base() -> tuple[Corpus, str, list[str], list[LoadIssue]]:
    errors: list[str] = []
    extra_issues: list[LoadIssue] = []
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        return uploaded, "upload", errors, extra_issues
    path = cli_corpus_path()
    if path:
        p = Path(path).expanduser()
        try:
            if not p.exists():
                raise CorpusError(f"{path} does not exist (no such file or folder).")
            result = spark_result()
            if result is not None:
                return result.corpus, "path", errors, extra_issues
            return _load_path(str(p.resolve()), _path_stamp(p)), "path", errors, extra_issues
        except FramelensError as exc:
            errors.append(f"The corpus given with --corpus could not be used, so the sample corpus is shown: {exc}")
            extra_issues.extend(getattr(exc, "issues", ()))
    return _seed_corpus(), "sample", errors, extra_issues


def current_corpus() -> CorpusState:
    """The corpus this session looks at, before the sidebar filters."""
    base, kind, errors, extra = _base()
    pasted: list[Article] = st.session_state.get(PASTED, [])
    overrides: dict = st.session_state.get(OVERRIDES, {})
    signature = (base.content_hash, tuple(a.id for a in pasted), repr(sorted(overrides.items())))
    cached = st.session_state.get("_fl_corpus_cache")
    if cached is None or cached[0] != signature:
        known = {a.id for a in base.articles}
        articles = list(base.articles) + [a for a in pasted if a.id not in known]
        articles, problems = apply_corrections(articles, overrides)
        corpus = Corpus(articles, list(base.issues), dict(base.encodings), corpus_hash(articles))
        st.session_state["_fl_corpus_cache"] = (signature, corpus, problems)
    _, corpus, problems = st.session_state["_fl_corpus_cache"]
    return CorpusState(corpus, corpus.content_hash, kind, errors, extra + list(corpus.issues), problems,
                       base.content_hash)


@st.cache_resource(max_entries=4, show_spinner=False)
def corpus_facets(key: str, _corpus: Corpus) -> tuple[list[str], dt.date | None, dt.date | None]:
    """Sources (most articles first) and the date span, for the sidebar filters."""
    found = filters.facets(_corpus)
    return found.sources, found.first_date, found.last_date


# Article columns (from a corpus's extra fields) offered as sidebar filters: URL key -> column.
FACETS = {"topic": "topic", "event": "event_id"}
FACET_MAX_VALUES = 5_000  # more distinct values than this is not a useful filter


@st.cache_resource(max_entries=4, show_spinner=False)
def corpus_extra_facets(key: str, _corpus: Corpus) -> dict[str, list[str]]:
    """URL key -> values of each facet column the corpus has (most articles first), e.g. AllSides topics and events."""
    found = filters.column_facets(_corpus, FACETS.values(), FACET_MAX_VALUES)
    return {url_key: found[column] for url_key, column in FACETS.items() if column in found}


STORY_FACETS = {"event"}  # facets whose values are story ids: shown by their stories' labels


@st.cache_resource(max_entries=4, show_spinner=False)
def corpus_facet_labels(key: str, _corpus: Corpus) -> dict[str, dict[str, str]]:
    """URL key -> {value: readable label} for the facets whose values are ids (a story column's event ids)."""
    return {url_key: filters.story_value_labels(_corpus, FACETS[url_key]) for url_key in STORY_FACETS}


def filtered_corpus(
    cs: CorpusState,
    sources: tuple[str, ...],
    dates: tuple[str, str] | None,
    facets: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> tuple[Corpus, str]:
    """The sidebar's filters applied by the core (filters.filter_corpus), kept for the session while they stay."""
    facets = tuple((k, v) for k, v in facets if v)
    if not sources and dates is None and not facets:
        return cs.corpus, cs.key
    signature = (cs.key, sources, dates, facets)
    cached = st.session_state.get("_fl_filter_cache")
    if cached is None or cached[0] != signature:
        sub = filters.filter_corpus(cs.corpus, sources, dates, {FACETS[k]: v for k, v in facets})
        st.session_state["_fl_filter_cache"] = (signature, sub)
    sub = st.session_state["_fl_filter_cache"][1]
    return sub, sub.content_hash


def set_upload(files: list[tuple[str, bytes]]) -> None:
    """Load uploaded files into this session; on failure keep the current corpus."""
    try:
        corpus = load_uploads(files)
    except FramelensError as exc:
        st.session_state[UPLOAD_ERROR] = (str(exc), list(getattr(exc, "issues", ())))
        return
    st.session_state.pop(UPLOAD_ERROR, None)
    st.session_state[UPLOADED] = corpus
    st.session_state[UPLOAD_NAMES] = [name for name, _ in files]
    st.session_state[PASTED] = []
    st.session_state[OVERRIDES] = {}


def reset_to_sample() -> None:
    """Forget uploads, pasted articles and corrections (the --corpus path, if any, comes back)."""
    for key in (UPLOADED, UPLOAD_NAMES, UPLOAD_SIG, UPLOAD_ERROR, PASTED, OVERRIDES):
        st.session_state.pop(key, None)


# ---------------------------------------------------------------- settings and analysis


def lexicon_choice() -> str:
    """auto or a bundled lexicon's name: what the `lexicon` parameter and the Settings page's chooser hold."""
    return st.session_state.get(LEXICON, lexicons.AUTO)


def settings_for(unit: str, method: str, k: str, stories: str = "column") -> Settings:
    """The sidebar's analysis controls plus the Settings page's options (a user's lexicon among them)."""
    tuning = st.session_state.get(TUNING, {})
    return Settings(unit=unit, method=method, k=None if k == "auto" else int(k), stories=stories,
                    lexicon=lexicon_choice(), **tuning)


def frame_names_for_filter(cs: CorpusState, view_inputs: tuple, unit: str, method: str, k: str,
                           stories: str = "column") -> list[str]:
    """The frames the sidebar's frame filter offers: those of the lexicon this run's analysis uses.

    A user's lexicon or a named one gives its own frames. With "auto" only
    the analysis knows which lexicon covers the corpus best, so it is asked
    here (cached: the page's own call then costs nothing); if the corpus
    cannot be analysed the page says why, and every bundled lexicon's frames
    are offered meanwhile. `view_inputs` is (sources, dates, facets).
    """
    settings = settings_for(unit, method, k, stories)
    if settings.frames_toml is not None:
        try:
            return [f.name for f in frames_mod.load_frames(settings.frames_toml)[0]]
        except FramelensError:
            pass  # not silent: the Settings page refuses such a lexicon; the bundled names stand in
    names = list(lexicons.BUNDLED) if settings.lexicon == lexicons.AUTO else [settings.lexicon]
    if settings.lexicon == lexicons.AUTO:
        corpus, key = filtered_corpus(cs, *view_inputs)
        if len(corpus.articles) >= 2:
            try:
                return analysis(corpus, key, settings).frame_names
            except FramelensError:
                pass  # not silent: the page asks for the same analysis and shows the message
    return list(dict.fromkeys(f.name for name in names for f in lexicons.bundled_frames(name)))


@st.cache_resource(max_entries=4, show_spinner=False)
def _analysis(corpus_key: str, settings: Settings, _corpus: Corpus) -> Analysis:
    bar = st.progress(0.0, text="Starting the analysis…")

    def progress(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"Analysing: {STAGE_TEXT.get(stage, stage)}…")

    try:
        return analyze(_corpus, settings, progress)
    finally:
        bar.empty()


def analysis(corpus: Corpus, key: str, settings: Settings) -> Analysis:
    """The cached analysis; raises a FramelensError with a message for the user.

    A Spark result folder given with --corpus is its own analysis, whatever is asked (see spark_result).
    """
    computed = spark_result()
    if computed is not None:
        return computed
    return _analysis(key, settings, corpus)


@st.cache_data(max_entries=32, show_spinner="Comparing the two groups…")
def key_terms(corpus_key: str, settings: Settings, spec_a: str, spec_b: str,
              _analysis: Analysis) -> tables.TermComparison:
    """Only what Key terms shows of a comparison (a few thousand rows): "A vs rest" compares ~1 M terms."""
    return tables.term_comparison(_analysis, spec_a, spec_b, TERM_CHOICES_PER_SIDE, PLOT_MAX_TERMS)


@st.cache_resource(max_entries=8, show_spinner=False)
def group_options(corpus_key: str, settings: Settings, side: str, _analysis: Analysis) -> dict[str, str]:
    """GroupSpec.options for a picker (spec -> label), once per analysis: it reads every column."""
    return GroupSpec.options(_analysis, side)


@st.cache_resource(max_entries=4, show_spinner="Looking for frames the corpus suggests…")
def frame_suggestions(corpus_key: str, settings: Settings, _analysis: Analysis) -> list:
    """frame_suggestions.suggest_frames for an analysis, once (it compares every cluster with its stories)."""
    return frame_suggestions_mod.suggest_frames(_analysis)


@st.cache_resource(max_entries=16, show_spinner="Aligning sentences…")
def alignment(corpus_key: str, settings: Settings, a_id: str, b_id: str, _analysis: Analysis):
    return queries.align(_analysis, a_id, b_id)


@st.cache_data(max_entries=32, show_spinner="Searching the stories…")
def stories_table(corpus_key: str, settings: Settings, search: str, sort: str, _analysis: Analysis) -> pd.DataFrame:
    return storyviews.stories_table(_analysis, search, sort)


@st.cache_data(max_entries=64, show_spinner="Finding each outlet's key terms…")
def story_outlet_terms(corpus_key: str, settings: Settings, story_id: int, source: str, limit: int,
                       _analysis: Analysis) -> pd.DataFrame:
    return storyviews.story_outlet_terms(_analysis, story_id, source, limit)


@st.cache_data(max_entries=16, show_spinner="Comparing what the outlets report…")
def story_statements(corpus_key: str, settings: Settings, story_id: int, _analysis: Analysis) -> pd.DataFrame:
    return storyviews.story_statements(_analysis, story_id)


@st.cache_data(max_entries=16, show_spinner="Finding who is quoted…")
def story_quotes(corpus_key: str, settings: Settings, story_id: int, _analysis: Analysis) -> pd.DataFrame:
    return storyviews.story_quotes(_analysis, story_id)


@st.cache_data(max_entries=8, show_spinner="Counting coverage…")
def coverage_matrix(corpus_key: str, settings: Settings, by: str, _analysis: Analysis) -> pd.DataFrame:
    return storyviews.coverage_matrix(_analysis, by)


@dataclass
class App:
    """Everything a page needs for this run."""

    corpus_state: CorpusState
    corpus: Corpus  # after the sidebar filters: what was analysed
    key: str
    settings: Settings
    analysis: Analysis
    frame_filter: str  # "all" or a frame name: a view filter on units

    def unit_mask(self) -> np.ndarray:
        """The sidebar's frame filter over units."""
        return tables.frame_mask(self.analysis, self.frame_filter, "units")

    def doc_mask(self) -> np.ndarray:
        """The sidebar's frame filter over articles (by their dominant frame)."""
        return tables.frame_mask(self.analysis, self.frame_filter, "documents")


def app() -> App:
    """The analysis for this run, or a visible message and halt()."""
    view = st.session_state.get(VIEW)
    if view is None:  # a page run outside app.py (should not happen)
        st.error("The app must be started from app.py.")
        halt()
    cs = current_corpus()
    computed = spark_result()
    if computed is not None:  # a Spark result: shown as computed, since only Spark can compute it again
        asked = view.changes_a_spark_result_cannot_take(bool(st.session_state.get(OVERRIDES)))
        if asked:
            st.info("This is an analysis computed by Spark (a --corpus result folder): it is shown whole, as "
                    f"Spark computed it. These do not apply to it: {', '.join(asked)}. To change them, run "
                    "`python -m dashboard analyze ... --engine spark` again with other options.")
        frame = view.frame if view.frame in computed.frame_names or view.frame == "none" else "all"
        return App(cs, computed.corpus, cs.base_hash, computed.settings, computed, frame)
    corpus, key = filtered_corpus(cs, view.sources, view.dates, view.facets)
    settings = settings_for(view.unit, view.method, view.k, view.stories)
    if len(corpus.articles) < 2:
        st.warning("The sidebar filters leave fewer than two articles. Widen them in the sidebar.")
        halt()
    try:
        result = analysis(corpus, key, settings)
    except FramelensError as exc:
        st.error("The corpus cannot be analysed with these settings:")
        st.text(str(exc))
        halt()
    frame = view.frame if view.frame in result.frame_names or view.frame == "none" else "all"
    return App(cs, corpus, key, settings, result, frame)


def doc_label(docs: pd.DataFrame, limit: int = 70) -> dict[str, str]:
    """Article id -> "source — title (id)" for selectboxes (plain text, never markdown)."""
    text = (docs["source"].astype(str) + " — " + docs["title"].astype(str)).str.replace(r"\s+", " ", regex=True)
    text = text.where(text.str.len() <= limit, text.str.slice(0, limit - 1) + "…")
    return dict(zip(docs["id"], text + " (" + docs["id"] + ")"))


@st.cache_resource(max_entries=4, show_spinner=False)
def doc_labels(corpus_key: str, settings: Settings, _analysis: Analysis) -> dict[str, str]:
    """doc_label for an analysis, computed once (40,000 labels take most of a second)."""
    return doc_label(_analysis.documents)


@st.cache_resource(max_entries=4, show_spinner="Preparing the map…")
def map_points(corpus_key: str, settings: Settings, _analysis: Analysis) -> pd.DataFrame:
    """Every unit's map position with escaped hover text, built once per analysis.

    `drawn` marks the one unit drawn for each spot of the map (tables.map_stacks), `stacked` how many units
    are there: the map draws that point larger, and its hover says how many.
    """
    units, docs = _analysis.units, _analysis.documents
    names = {c.id: f"{c.id} · {safe.truncate(c.label, 50)}" for c in _analysis.clusters}
    source = units["doc_id"].map(dict(zip(docs["id"], docs["source"].astype(str))))
    title = units["doc_id"].map(dict(zip(docs["id"], docs["title"].astype(str))))
    cluster = units["cluster"].map(names)
    hover = ("source: " + safe.esc_series(safe.truncate_series(source, 60))
             + "<br>title: " + safe.esc_series(safe.truncate_series(title, 90))
             + "<br>cluster: " + safe.esc_series(cluster)
             + "<br>" + safe.esc_series(safe.truncate_series(units["text"], 160)))
    stacks = tables.map_stacks(_analysis)
    many = stacks["stacked"] > 1
    hover = hover.where(~many, hover + "<br><b>" + stacks["stacked"].map("{:,}".format) + " units on this spot</b>"
                        + stacks["clusters"].map(lambda n: f" ({n} clusters)" if n > 1 else ""))
    return pd.DataFrame({
        "x": units["x"], "y": units["y"], "cluster_id": units["cluster"], "cluster": cluster,
        "doc_id": units["doc_id"].astype(str), "unit": units["unit"].astype(str), "hover": hover,
        "frame": units["frame"], "drawn": (stacks["spot"] == np.arange(len(units))).to_numpy(),
        "stacked": stacks["stacked"].to_numpy(),
    })


@st.cache_data(max_entries=32, show_spinner="Finding the term in context…")
def kwic(corpus_key: str, settings: Settings, spec_a: str, spec_b: str, term: str, side: str, limit: int,
         _analysis: Analysis) -> pd.DataFrame:
    mask_a, mask_b = queries.group_masks(_analysis, spec_a, spec_b)
    return queries.keyword_in_context(_analysis, term, mask_a if side == "a" else mask_b, limit=limit)


def date_text(value: object) -> str:
    """An article's date for display; missing dates (None or NaN) read "no date"."""
    return "no date" if value is None or pd.isna(value) else str(value)
