"""Entrypoint-level controls, URL parameters and the share link.

The sidebar controls run in app.py, before the page, so their query
parameters survive page switches. Every control that changes what is shown
is in the URL under a short key (see URL_KEYS):

- Plain values (unit, method, k, stories, source, dates, frame, cluster, term) use
  Streamlit's own binding (`bind="query-params"`).
- Choices shown with a friendly label but identified by an id (articles,
  groups) are synced by `url_select`: a bound selectbox would put the
  displayed label, i.e. an untrusted title, into the URL instead of the id.

Values a link brings in that cannot be used fall back to the default with
a notice that names the parameter and never repeats the value.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Callable, Sequence
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard import clusters as cluster_mod
from dashboard import groups
from dashboard import lexicons
from dashboard.models import Settings
from dashboard.ui import safe, state, workspace

UNITS = ["auto", "article", "passage"]
STORIES = ["column", "auto"]
METHODS = list(cluster_mod.METHODS)
K_CHOICES = ["auto"] + [str(k) for k in range(cluster_mod.K_MIN, cluster_mod.MAX_K + 1)]
# What the sidebar's analysis controls start at (and leave out of links).
ANALYSIS_DEFAULTS = {"unit": UNITS[0], "method": Settings().method, "k": K_CHOICES[0], "stories": STORIES[0]}

# Every URL parameter the app reads, in the order links list them.
URL_KEYS = {
    "ws": "saved workspace: uploaded and pasted articles, corrections and Settings-page options",
    "unit": "unit of analysis: auto, article or passage",
    "method": "clustering method",
    "k": f"number of clusters (auto or {cluster_mod.K_MIN}..{cluster_mod.MAX_K})",
    "stories": "how articles are grouped into stories: column (the corpus's event field when it has one) or auto (from the text)",
    "source": "source filter (repeatable)",
    "dates": "date filter: two ISO dates",
    "topic": "topic filter (repeatable), when the corpus has topics",
    "event": "event filter (repeatable), when the corpus has event ids",
    "frame": "frame view filter: all, a frame name or none",
    "lexicon": "frame lexicon: auto, crisis, policy or news (chosen on Settings)",
    "cluster": "cluster shown on Framing clusters",
    "doc": "article opened on Framing clusters",
    "profile": "article profiles on Framing clusters: by cluster or by frame",
    "group_a": f"group A on Key terms, a group spec ({groups.short_syntax('a')})",
    "group_b": "group B on Key terms: the same kinds, or rest",
    "term": "term whose contexts Key terms shows",
    "overview": "view shown on the Overview: Articles, Articles by date and source, Sources and frames or Frames over time",
    "frames_by": "Frames over time on the Overview: split by source, another document column, or all",
    "period": "Frames over time on the Overview: auto, day, week or month",
    "a": "article A on Side by side",
    "b": "article B on Side by side",
    "story_search": "words searched in story titles and texts on Stories",
    "story_sort": "order of the story list on Stories",
    "story": "story opened on Stories (its id)",
    "pair_a": "first article of the story's pair sent to Side by side",
    "pair_b": "second article of the story's pair sent to Side by side",
    "coverage": "coverage matrix on Stories: by outlet or by a rating column such as bias",
    "covered": "on Stories: stories this outlet or rating covered ...",
    "missed": "... and this one did not",
}
RESERVED = {"embed", "embed_options"}
LINK = "_fl_link"  # key -> serialized non-default values, rebuilt every run


@dataclass(frozen=True)
class View:
    """The sidebar's choices for this run."""

    unit: str
    method: str
    k: str
    sources: tuple[str, ...]
    dates: tuple[str, str] | None
    frame: str
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (url key, chosen values): topic, event
    stories: str = "column"  # how articles are grouped into stories (Settings.stories)

    def changes_a_spark_result_cannot_take(self, corrected: bool) -> list[str]:
        """What was asked that only a new Spark run could give a Spark result (said, never ignored silently)."""
        asked = []
        if self.sources or self.dates or any(v for _, v in self.facets):
            asked.append("the sidebar's filters")
        if any(getattr(self, name) != default for name, default in ANALYSIS_DEFAULTS.items()):
            asked.append("the sidebar's analysis settings")
        if corrected:
            asked.append("corrections to outlets and dates")
        return asked


# ---------------------------------------------------------------- URL helpers


def incoming(key: str) -> list[str] | None:
    """What the URL says about a control that has not been drawn yet in this session."""
    if key in st.session_state or key not in st.query_params:
        return None
    return st.query_params.get_all(key)


def url_notice(key: str, where=None) -> None:
    """Tell the user a link parameter was not usable (the name only: values are untrusted)."""
    (where or st).warning(
        f"The link's `{key}` parameter does not match anything here, so the default is shown instead."
    )


def _register(key: str, values: list[str] | None) -> None:
    links = st.session_state.setdefault(LINK, {})
    if values:
        links[key] = values
    else:
        links.pop(key, None)


def bound_selectbox(label: str, options: Sequence[str], key: str, *, default: str | None = None,
                    where=None, help: str | None = None, format_func: Callable[[str], str] = str) -> str:
    """A selectbox whose value is its URL parameter (the options are plain, safe strings)."""
    where = where or st
    options = list(options)
    default = default if default in options else options[0]
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default  # stale (e.g. k changed); set, not deleted, so the browser follows
    raw = incoming(key)
    value = where.selectbox(label, options, index=options.index(default), key=key, bind="query-params",
                            help=help, format_func=format_func)
    if raw is not None and format_func(value) != raw[-1]:
        url_notice(key, where)
    _register(key, None if value == default else [format_func(value)])
    return value


def bound_tabs(labels: Sequence[str], key: str) -> Sequence:
    """Tabs whose choice is its URL parameter; only the open tab's content runs (on_change="rerun").

    Draw a tab's content under `if tab.open:`: a view behind a closed tab
    then costs nothing, on the server or in the browser, until it is opened.
    """
    labels = list(labels)
    raw = incoming(key)
    tabs = st.tabs(labels, key=key, on_change="rerun", bind="query-params")
    value = st.session_state.get(key, labels[0])
    if raw is not None and raw[-1] not in labels:
        url_notice(key)
    _register(key, None if value == labels[0] else [value])
    return tabs


def bound_text_input(label: str, key: str, *, where=None, placeholder: str | None = None,
                     help: str | None = None, live: str | bool = False) -> str:
    """A text input whose value is its URL parameter (left out of the URL while empty)."""
    value = (where or st).text_input(label, key=key, bind="query-params", placeholder=placeholder, help=help,
                                     type="search", live=live)
    _register(key, [value] if value else None)
    return value or ""


def url_select(label: str, options: Sequence[str], key: str, *, format_func: Callable[[str], str],
               default: str | None = None, where=None, help: str | None = None) -> str | None:
    """A selectbox of ids with readable labels, kept in the URL by id.

    Seeded from the URL the first time it is drawn in a session (or after a
    page switch), written back to the URL after every run.
    """
    where = where or st
    options = list(options)
    if not options:
        return None
    default = default if default in options else options[0]
    raw = incoming(key)
    if raw is not None:
        if raw[-1] in options:
            st.session_state[key] = raw[-1]
        else:
            url_notice(key, where)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    value = where.selectbox(label, options, key=key, format_func=format_func, help=help)
    sync_param(key, None if value == default else value)
    return value


def url_multiselect(label: str, options: Sequence[str], key: str, *, format_func: Callable[[str], str],
                    where=None, help: str | None = None, placeholder: str | None = None) -> list[str]:
    """A multiselect of ids with readable labels, kept in the URL as repeated ids (url_select for several).

    A bound multiselect would put the labels in the URL. Ids the link brings
    that name nothing here are dropped with a notice; the others apply.
    """
    where = where or st
    options = list(options)
    raw = incoming(key)
    if raw is not None:
        known = set(options)
        asked = list(dict.fromkeys(v for v in raw if v))
        st.session_state[key] = [v for v in asked if v in known]
        if len(st.session_state[key]) < len(asked):
            url_notice(key, where)
    _sanitize_multi(key, options)
    chosen = where.multiselect(label, options, key=key, format_func=format_func, help=help, placeholder=placeholder,
                               wrap=True)
    if chosen and st.query_params.get_all(key) != list(chosen):
        st.query_params[key] = list(chosen)
    elif not chosen and key in st.query_params:
        del st.query_params[key]
    _register(key, list(chosen) or None)
    return list(chosen)


def sync_param(key: str, value: str | None) -> None:
    """Write an unbound parameter to the URL (None removes it) and to the share link."""
    if value is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    _register(key, None if value is None else [value])


def _check_unknown_params() -> None:
    """Once per session: drop parameters the app does not read, with one notice."""
    if st.session_state.get("_fl_params_checked"):
        return
    st.session_state["_fl_params_checked"] = True
    unknown = [k for k in st.query_params.keys() if k not in URL_KEYS and k not in RESERVED]
    if not unknown:
        return
    for k in unknown:
        del st.query_params[k]
    st.warning(f"The link had {len(unknown):,} parameter(s) this app does not use; they were ignored.")


# ---------------------------------------------------------------- the sidebar


def lexicon_param() -> str:
    """The frame lexicon choice, kept in the URL from the entrypoint so it survives page switches.

    Seeded from the `lexicon` parameter once per session (any case); the
    Settings page's chooser changes it in session state. A user's own TOML
    cannot travel in a link, so while it is in use the parameter is left out.
    """
    raw = incoming(state.LEXICON)
    if raw is not None:
        value = raw[-1].strip().lower()
        if value not in lexicons.CHOICES:
            url_notice(state.LEXICON)
            value = lexicons.AUTO
        st.session_state[state.LEXICON] = value
    value = state.lexicon_choice()
    custom = st.session_state.get(state.TUNING, {}).get("frames_toml") is not None
    sync_param(state.LEXICON, None if value == lexicons.AUTO or custom else value)
    return value


def _sanitize_multi(key: str, options: Sequence[str]) -> None:
    if key in st.session_state:
        allowed = set(options)
        kept = [v for v in st.session_state[key] if v in allowed]
        if kept != list(st.session_state[key]):
            st.session_state[key] = kept


def _date_filter(first: dt.date | None, last: dt.date | None) -> tuple[str, str] | None:
    if first is None or last is None:
        st.caption("No article has a date, so there is no date filter.")
        _register("dates", None)
        return None
    span = (first, last)
    if st.session_state.get("_fl_date_span", span) != span and "dates" in st.session_state:
        st.session_state["dates"] = span  # another corpus: a range chosen for the old one means nothing here
    st.session_state["_fl_date_span"] = span
    raw = incoming("dates")
    chosen = st.date_input("Dates", value=(first, last), min_value=first, max_value=last, key="dates",
                           bind="query-params", help="Articles without a date drop out when this range is narrowed.")
    chosen = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)
    if raw is not None and len(raw) == 2 and raw[0] == raw[1] and [d.isoformat() for d in chosen] == raw[:1]:
        st.session_state["_fl_single_day"] = raw[0]  # Streamlit reads a one-day range from a URL as one date
    elif raw is not None and [d.isoformat() for d in chosen] != raw:
        url_notice("dates")
    if len(chosen) == 1 and chosen[0].isoformat() == st.session_state.get("_fl_single_day"):
        chosen = (chosen[0], chosen[0])
    if len(chosen) != 2 or (chosen[0] <= first and chosen[1] >= last):
        _register("dates", None)
        return None  # mid-selection, or the whole span: no filter
    _register("dates", [chosen[0].isoformat(), chosen[1].isoformat()])
    return chosen[0].isoformat(), chosen[1].isoformat()


def sidebar() -> View:
    """Draw the analysis controls and filters; remember them for the page."""
    st.session_state[LINK] = {}
    safe.render(safe.PAGE_CSS)
    _check_unknown_params()
    workspace.open_from_link()
    cs = state.current_corpus()
    for message in cs.errors:
        st.error("The corpus given with --corpus could not be used; the sample corpus is shown instead.")
        st.text(message)
    sources, first, last = state.corpus_facets(cs.key, cs.corpus)
    lexicon_param()

    with st.sidebar:
        st.subheader("Analysis")
        unit = bound_selectbox("Unit of analysis", UNITS, "unit", default=ANALYSIS_DEFAULTS["unit"],
                               help="Passages show framing inside articles; articles scale to large corpora. "
                                    "Auto uses passages up to 300 articles.")
        method = bound_selectbox("Clustering method", METHODS, "method", default=ANALYSIS_DEFAULTS["method"],
                                 help="; ".join(f"{m.name}: {m.help}" + (f" (up to {m.max_units:,} units)" if m.max_units else "")
                                                for m in cluster_mod.METHODS.values()))
        k = bound_selectbox("Number of clusters", K_CHOICES, "k", default=ANALYSIS_DEFAULTS["k"],
                            help="auto picks the number with the best silhouette score.")
        stories = bound_selectbox("Stories", STORIES, "stories", default=ANALYSIS_DEFAULTS["stories"],
                                  help="How articles are grouped into stories (the same event told by several "
                                       "outlets). column follows the corpus's event_id, event or story field when "
                                       "it has one (else the text); auto finds stories from titles, texts and dates.")
        st.subheader("Filters")
        _sanitize_multi("source", sources)
        raw = incoming("source")
        chosen_sources = st.multiselect("Sources", sources, key="source", bind="query-params",
                                        placeholder="All sources")
        if raw is not None and sorted(chosen_sources) != sorted(set(raw)):
            url_notice("source")
        _register("source", list(chosen_sources) or None)
        dates = _date_filter(first, last)
        facets = []
        facet_labels = state.corpus_facet_labels(cs.key, cs.corpus)
        for facet_key, values in state.corpus_extra_facets(cs.key, cs.corpus).items():
            if facet_key in facet_labels:  # ids (events): chosen by their stories' labels, kept in the URL as ids
                labels = facet_labels[facet_key]
                chosen = url_multiselect(facet_key.capitalize() + "s", values, facet_key,
                                         format_func=lambda v, labels=labels: labels.get(v, v),
                                         placeholder=f"All {facet_key}s",
                                         help="Filters the corpus before analysis, so passage-level work stays "
                                              "quick. Each event is named by its story's title and dates; the "
                                              "Stories page finds stories by any word.")
                if chosen:
                    safe.render(safe.chosen_list([labels.get(v, v) for v in chosen]))
                facets.append((facet_key, tuple(chosen)))
                continue
            _sanitize_multi(facet_key, values)
            raw_facet = incoming(facet_key)
            chosen = st.multiselect(facet_key.capitalize() + "s", values, key=facet_key, bind="query-params",
                                    placeholder=f"All {facet_key}s",
                                    help="Filters the corpus before analysis, so passage-level work stays quick.")
            if raw_facet is not None and sorted(chosen) != sorted(set(raw_facet)):
                url_notice(facet_key)
            _register(facet_key, list(chosen) or None)
            facets.append((facet_key, tuple(chosen)))
    # Outside the sidebar: with lexicon "auto" this may run the analysis, whose progress belongs on the page.
    frame_names = state.frame_names_for_filter(cs, (tuple(chosen_sources), dates, tuple(facets)), unit, method, k,
                                               stories)
    with st.sidebar:
        frame = bound_selectbox("Frame", ["all", *frame_names, "none"], "frame",
                                help="Show only passages (or articles) whose dominant frame is this one.")
        n = len(cs.corpus.articles)
        origin = {"sample": "the sample corpus", "path": "the --corpus folder", "upload": "your upload"}[cs.kind]
        if cs.kind == "path" and state.spark_result() is not None:
            origin = "the Spark result folder given with --corpus, shown as Spark computed it (the settings above " \
                     "and these filters do not change it)"
        st.caption(f"Corpus: {origin}, {n:,} article{'s' if n != 1 else ''}.")

    view = View(unit, method, k, tuple(chosen_sources), dates, frame, tuple(facets), stories)
    st.session_state[state.VIEW] = view
    return view


# ---------------------------------------------------------------- the share link


def _configured_base() -> str | None:
    """FRAMELENS_PUBLIC_URL or the `public_url` secret, when it is an http(s) URL."""
    value = os.environ.get("FRAMELENS_PUBLIC_URL", "").strip()
    if not value:
        try:
            value = str(st.secrets.get("public_url", "")).strip()
        except StreamlitSecretNotFoundError:
            value = ""  # no secrets file: local use
    return value.rstrip("/") if value.startswith(("http://", "https://")) else None


def view_url(page_path: str) -> str:
    """The address of this view: base URL, page path, non-default parameters."""
    base = _configured_base()
    if base is not None:
        url = f"{base}/{page_path}" if page_path else base
    else:
        url = (st.context.url or f"http://localhost:8501/{page_path}").rstrip("/")
    links = st.session_state.get(LINK, {})
    pairs = [(k, v) for k in URL_KEYS for v in links.get(k, [])]
    return f"{url}?{urlencode(pairs, safe=':,()')}" if pairs else url


def current_link(page_path: str) -> str:
    """The link to this view, its workspace saved first; call it after the page's controls have run."""
    sync_param(workspace.PARAM, workspace.sync(state.current_corpus()))  # saves what changed; the link carries the key
    return view_url(page_path)


def share_link(page) -> None:
    """The copyable link, drawn last so every control has registered its value."""
    link = current_link(page.url_path)
    with st.sidebar:
        st.subheader("Copy link to this view")
        st.code(link, language=None, wrap_lines=True)
        workspace.link_notes(state.current_corpus())
