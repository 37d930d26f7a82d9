"""The Streamlit app as a user meets it, driven by AppTest (no browser).

AppTest runs the real app.py with the real core on the sample corpus. It
cannot click plotly charts or read the browser's address bar, so URL state is
checked through the widgets and session state that the parameters seed.
"""

from __future__ import annotations

import base64
import html
import json
import random
from html.parser import HTMLParser
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import alignment, keyterms, queries, tables, tokens
from dashboard.loading import load_seed_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze
from dashboard.ui import safe, state

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = {
    "overview": "dashboard/ui/overview.py",
    "stories": "dashboard/ui/stories.py",
    "clusters": "dashboard/ui/clusters.py",
    "terms": "dashboard/ui/terms.py",
    "compare": "dashboard/ui/compare.py",
    "copies": "dashboard/ui/copies.py",
    "settings": "dashboard/ui/settings.py",
    "about": "dashboard/ui/about.py",
}
TITLES = {"overview": "Overview", "stories": "Stories", "clusters": "Framing clusters", "terms": "Key terms",
          "compare": "Side by side", "copies": "Copies", "settings": "Settings", "about": "How it works"}

SEED_IDS = [a.id for a in load_seed_corpus().articles]

# Untrusted input: what an uploaded corpus could carry into every view.
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
MD_IMG = "![x](http://evil.example/p.png)"
MD_LINK = "[click](http://evil.example/phish)"
RAW_MARKERS = ("<script", "<img", "onerror=\"alert")  # must never reach any page element unescaped
MARKDOWN_MARKERS = ("](http://evil.example",)  # must never reach an element that renders markdown


def run(page: str = "overview", params: dict | None = None, timeout: int = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(PAGES[page])
    at.run()
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_on_the_sample_corpus(page):
    at = run(page)
    no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == TITLES[page]


def test_overview_shows_metrics_and_table_first_and_each_chart_in_its_tab():
    at = run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles"] == str(len(SEED_IDS))
    assert int(metrics["Clusters"]) >= 1
    assert len(at.get("arrow_data_frame")) + len(at.dataframe) >= 1  # the articles table (a data editor)
    assert not at.get("plotly_chart")  # no chart until its tab is opened: the first page draws quickly
    for view in ("Articles by date and source", "Sources and frames", "Frames over time"):
        at = run(params={"overview": view})
        no_exception(at)
        assert len(at.get("plotly_chart")) == 1, view
        assert f"overview={view.replace(' ', '+')}" in at.sidebar.code[0].value  # the link keeps the open tab


def plotted(values) -> list[float]:
    """A plotly trace's numbers as sent to the browser (plotly 7 sends arrays as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def test_frames_over_time_split_and_period_come_from_the_url():
    at = run(params={"overview": "Frames over time", "frames_by": "all articles", "period": "week"})
    no_exception(at)
    assert (at.session_state["frames_by"], at.session_state["period"]) == ("all articles", "week")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {trace["type"] for trace in spec["data"]} == {"bar"}
    assert all(0 < max(plotted(trace["y"])) <= 1.0 for trace in spec["data"])  # shares, not counts
    link = at.sidebar.code[0].value
    assert "period=week" in link and "frames_by=" in link


def test_analysis_controls_come_from_the_url():
    at = run(params={"unit": "article", "method": "kmeans", "k": "3"})
    no_exception(at)
    assert at.session_state["unit"] == "article"
    assert at.session_state["method"] == "kmeans"
    assert at.session_state["k"] == "3"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Clusters"] == "3"
    assert not warnings(at)


def test_how_stories_are_made_comes_from_the_url_and_goes_into_the_link():
    at = run(params={"stories": "auto"})
    no_exception(at)
    assert at.session_state["stories"] == "auto"
    assert "stories=auto" in at.sidebar.code[0].value
    assert not any("story field" in h.value for h in at.html)  # automatic stories were asked for
    # by default stories follow the corpus's field; the sample has none, and the analysis says so
    at = run()
    assert at.session_state["stories"] == "column" and "stories=" not in at.sidebar.code[0].value
    assert any("story field" in h.value for h in at.html), "a notice about the missing story field"


def test_share_link_carries_the_non_default_controls():
    at = run(params={"unit": "article", "k": "3"})
    link = at.sidebar.code[0].value
    assert "unit=article" in link and "k=3" in link
    assert "method=" not in link  # defaults stay out of links


@pytest.mark.parametrize("key,value", [
    ("k", "999999999"), ("k", "two"), ("unit", "paragraph"), ("method", "<b>x</b>"), ("frame", "no-such-frame"),
    ("period", "fortnight"), ("stories", "topics"), ("overview", "<b>x</b>"),
])
def test_a_bad_sidebar_parameter_falls_back_with_a_notice(key, value):
    in_its_tab = {"overview": "Frames over time"} if key == "period" else {}  # read where it is drawn
    at = run(params={key: value, **in_its_tab})
    no_exception(at)
    assert at.session_state[key] in ("auto", "kmeans", "all", "column", "Articles")
    notices = warnings(at)
    assert any(f"`{key}`" in n for n in notices), notices
    assert all(value not in n for n in notices)  # the untrusted value is not echoed


def test_unknown_parameters_are_dropped_with_one_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    for i in range(300):
        at.query_params[f"p{i}"] = "<b>x</b>"
    at.query_params["k"] = "3"
    at.run()
    no_exception(at)
    assert [n for n in warnings(at) if "parameter(s)" in n] == [
        "The link had 300 parameter(s) this app does not use; they were ignored."
    ]
    assert at.session_state["k"] == "3"  # the known one still applies


def test_thousands_of_parameters_do_not_break_the_app():
    # Streamlit itself drops a query string of more than 1,000 parameters: defaults apply.
    at = AppTest.from_file(APP, default_timeout=60)
    for i in range(3000):
        at.query_params[f"p{i}"] = "x"
    at.query_params["k"] = "3"
    at.run()
    no_exception(at)
    assert at.session_state["k"] == "auto"


def test_unknown_article_id_on_compare_falls_back_with_a_notice():
    at = run("compare", {"a": "doesnotexist", "b": SEED_IDS[2]})
    no_exception(at)
    assert at.session_state["a"] == SEED_IDS[0]
    assert at.session_state["b"] == SEED_IDS[2]
    assert any("`a`" in n for n in warnings(at))


# ---------------------------------------------------------------- pages with URL state


def test_compare_page_shows_both_articles_aligned():
    at = run("compare", {"a": SEED_IDS[1], "b": SEED_IDS[3]})
    no_exception(at)
    assert (at.session_state["a"], at.session_state["b"]) == (SEED_IDS[1], SEED_IDS[3])
    seeds = {a.id: a for a in load_seed_corpus().articles}
    table = next(h.value for h in at.html if "<table" in h.value)
    for doc_id in (SEED_IDS[1], SEED_IDS[3]):
        # some words of each article's text appear in the aligned table
        words = [w for w in seeds[doc_id].text.split() if w.isalpha() and len(w) > 6][:20]
        assert sum(w in table for w in words) >= 10
    assert {m.label for m in at.metric} >= {"Shared text", "Matched sentence pairs"}


def test_compare_page_marks_what_a_matched_sentence_lacks():
    # The first two seed articles are two translations of one report: their sentences report the same facts
    # in other words, and the words each translation has alone are marked.
    at = run("compare", {"a": SEED_IDS[0], "b": SEED_IDS[1]})
    no_exception(at)
    table = next(h.value for h in at.html if "<table" in h.value)
    assert "same fact" in table
    assert f'<span style="{safe.STYLES["differs"]}">' in table
    legend = next(h.value for h in at.html if "word its matched sentence lacks" in h.value)
    assert safe.STYLES["differs"] in legend
    # the sample is one story, so a match between its articles needs less, and the page says what the lower band is
    same_story = alignment.DEFAULT_THRESHOLD * alignment.SAME_STORY_FACTOR
    assert any("same story" in c.value and f"scoring {same_story:.2f} or more" in c.value
               and "related statement" in c.value for c in at.caption)


def test_same_article_twice_asks_for_two():
    at = run("compare", {"a": SEED_IDS[0], "b": SEED_IDS[0]})
    no_exception(at)
    assert any("two different articles" in w for w in warnings(at))


def test_key_terms_from_url_groups_give_term_tables_and_contexts():
    at = run("terms", {"group_a": "source:Dnevnik", "group_b": "rest"})
    no_exception(at)
    assert at.session_state["group_a"] == "source:Dnevnik"
    frames = [d.value for d in at.dataframe]
    term_tables = [f for f in frames if "term" in f.columns and "z" in f.columns]
    assert len(term_tables) == 2
    top_a, top_b = term_tables
    assert len(top_a) > 0 and (top_a["z"] > 0).all()
    assert (top_b["z"] < 0).all()
    # The chosen term defaults to A's most distinctive and its contexts are shown.
    assert at.session_state["term"] == top_a["term"].iloc[0]
    assert any("<table" in h.value for h in at.html)


def test_key_terms_offer_the_evidence_pack_in_markdown_and_html():
    at = run("terms", {"group_a": "source:Dnevnik", "group_b": "rest"})
    no_exception(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Evidence pack (Markdown)" in labels and "Evidence pack (HTML)" in labels


def test_keyword_in_context_follows_the_groups():
    at = run("terms", {"group_a": "source:Dnevnik", "group_b": "rest"})
    no_exception(at)
    first = at.session_state["term"]
    other = next(o for o in at.selectbox(key="term").options if o != first)
    at.selectbox(key="term").set_value(other).run()
    assert at.session_state["term"] == other  # the reader's choice stays while the groups do
    at.selectbox(key="group_a").set_value("cluster:1").run()
    no_exception(at)
    analysis = analyze(load_seed_corpus())  # the sample with the default settings, as the app has it
    top = keyterms.top_terms(queries.key_terms(analysis, "cluster:1", "rest"), 1, "a")["term"].iloc[0]
    assert at.session_state["term"] == top  # a new comparison starts from its own most distinctive term
    assert any(t.value.startswith(f"{top}:") for t in at.text)


def term_tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if "term" in d.value.columns and "z" in d.value.columns]


def run_tuned(page: str, params: dict, tuning: dict) -> AppTest:
    """A page run with options from the Settings page in place."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.session_state[state.TUNING] = tuning
    at.switch_page(PAGES[page])
    at.run()
    return at


@pytest.mark.parametrize("page, params", [
    ("terms", {"group_a": "source:Dnevnik", "group_b": "rest"}),
    ("compare", {"a": SEED_IDS[1], "b": SEED_IDS[3]}),
])
def test_settings_stop_words_and_phrase_length_reach_the_term_tables(page, params):
    plain = run(page, params)
    no_exception(plain)
    top = next(t for t in term_tables(plain)[0]["term"] if " " not in t)
    tuned = run_tuned(page, params, {"extra_stop_words": (top,), "ngram_max": 1})
    no_exception(tuned)
    terms = [t for table in term_tables(tuned) for t in table["term"]]
    assert terms and top not in terms
    assert not any(" " in t for t in terms)


def test_key_terms_chosen_articles_spec_round_trips():
    spec = f"doc:{SEED_IDS[0]},{SEED_IDS[2]}"
    at = run("terms", {"group_a": spec, "group_b": "rest"})
    no_exception(at)
    assert at.session_state["group_a"] == "doc:"
    assert at.session_state["group_a_docs"] == [SEED_IDS[0], SEED_IDS[2]]
    assert parse_qs(urlsplit(at.sidebar.code[0].value).query)["group_a"] == [spec]


def test_key_terms_bad_group_and_term_fall_back():
    at = run("terms", {"group_a": "cluster:999", "term": "zzzz-not-a-term"})
    no_exception(at)
    assert at.session_state["group_a"] == "cluster:1"
    notices = warnings(at)
    assert any("`group_a`" in n for n in notices) and any("`term`" in n for n in notices)


def test_clusters_page_focus_and_opened_article_from_url():
    at = run("clusters", {"cluster": "1", "doc": SEED_IDS[4]})
    no_exception(at)
    assert at.session_state["cluster"] == "1"
    assert at.session_state["doc"] == SEED_IDS[4]
    assert any("Cluster 1" in m.value for m in at.markdown)
    assert not any(m.value.startswith("**Cluster 2**") for m in at.markdown)  # only the focused card


def test_an_opened_article_shows_its_frame_evidence_and_what_cleaning_removed():
    aggregator_copy = SEED_IDS[1]  # the copy with an ad script, a notice and image credits
    at = run("clusters", {"doc": aggregator_copy})
    no_exception(at)
    tables = [df.value for df in at.dataframe]
    removed = [t for t in tables if list(t.columns) == ["kind", "text"]]
    assert removed and removed[0]["text"].str.contains("adsbygoogle").any()
    evidence = [t for t in tables if {"frame", "term", "sentence"} <= set(t.columns)]
    assert evidence and len(evidence[0]) > 0
    passages = [t for t in tables if "copied" in t.columns]
    assert passages and passages[0]["copied"].str.startswith("copy group").any()


def test_source_filter_subsets_the_corpus_before_analysis():
    per_source = Counter(a.source for a in load_seed_corpus().articles)
    several = next(source for source, n in per_source.items() if n >= 2)  # "unknown": four of the seeds
    at = run(params={"source": several})
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == str(per_source[several])


def test_a_source_filter_leaving_one_article_says_so():
    per_source = Counter(a.source for a in load_seed_corpus().articles)
    single = next(source for source, n in per_source.items() if n == 1)  # "Dnevnik"
    at = run(params={"source": single})
    no_exception(at)
    assert any("fewer than two articles" in w for w in warnings(at))  # a visible message, no analysis
    assert not at.get("plotly_chart")


# ---------------------------------------------------------------- corpus controls


def _upload(at: AppTest, files: list[tuple[str, bytes, str]]) -> AppTest:
    at.file_uploader[0].set_value(files)
    at.run()
    return at


TINY = [
    ("one.txt", b"The troops arrived in Almaty on Friday.\n\nOfficials said the troops would protect airports and "
                b"power stations while the protests continue across the country.", "text/plain"),
    ("two.txt", b"Protesters in Almaty demanded lower fuel prices.\n\nThe government blamed foreign terrorists for "
                b"the violence and asked allies to send troops to restore order.", "text/plain"),
    ("three.txt", b"Fuel prices doubled overnight, and protests spread from the west to Almaty.\n\nMany protesters "
                  b"said the government ignored their economic grievances for years.", "text/plain"),
]


def test_a_small_corpus_uploads_and_is_analysed():
    at = _upload(run(), TINY)
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == "3"
    assert any("your upload" in c.value for c in at.sidebar.caption)
    assert "ws=" in _share_link(at)  # the upload travels as a saved workspace (more in the workspace tests)
    back = next(b for b in at.button if b.label == "Back to the sample corpus")
    back.click().run()
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS))


def test_an_unusable_upload_keeps_the_corpus_and_says_why():
    at = _upload(run(), [("empty.txt", b"   ", "text/plain")])
    no_exception(at)
    assert any("could not be used" in e.value for e in at.error)
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS))


def test_a_pasted_article_is_added():
    at = run()
    at.text_area[0].input("Kazakhstan's president asked the alliance for help as the unrest spread to Almaty. "
                          "Troops landed at the airport the next morning.")
    at.text_input[0].input("Pasted Times")
    next(b for b in at.button if b.label == "Add the article").click().run()
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS) + 1)


def test_an_invalid_lexicon_is_refused_and_the_old_one_kept():
    at = run("settings")
    lexicon = next(t for t in at.text_area if t.label == "Lexicon (TOML)")
    lexicon.input("[frames.broken\nterms = ")
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    no_exception(at)
    assert any("not applied" in e.value for e in at.error)
    assert "fl_tuning" not in at.session_state or "frames_toml" not in at.session_state["fl_tuning"]


def test_settings_page_shows_why_each_detected_name_merge_was_made():
    at = run("settings")
    no_exception(at)
    merges = next(df.value for df in at.dataframe if "why" in df.value.columns)
    detected = merges[merges["from"] == "detected"]
    assert len(detected) > 0 and detected["why"].str.contains("spelling key").all()


ECONOMY_LEXICON = '[frames.economy]\nlabel = "Economy"\nterms = ["fuel price*", "gas price*", "inflation"]\n'


@pytest.mark.parametrize("bad", ["[frames.broken\nterms = ", '[frames.none]\nlabel = "N"\nterms = ["x"]\n'])
def test_a_bad_lexicon_after_a_good_one_keeps_the_good_one_in_use(bad):
    at = run("settings")
    lexicon = next(t for t in at.text_area if t.label == "Lexicon (TOML)")
    lexicon.input(ECONOMY_LEXICON)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    assert at.session_state["fl_tuning"]["frames_toml"] == ECONOMY_LEXICON
    lexicon = next(t for t in at.text_area if t.label == "Lexicon (TOML)")
    lexicon.input(bad)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    no_exception(at)
    assert any("not applied" in e.value for e in at.error)
    assert at.session_state["fl_tuning"]["frames_toml"] == ECONOMY_LEXICON
    assert at.selectbox(key="frame").options == ["all", "economy", "none"]  # the analysis still uses it


# ---------------------------------------------------------------- untrusted text


EVIL_CSV = (
    "source,title,date,text\n"
    f'"{SCRIPT}Evil News","{IMG} {MD_IMG}",2022-01-05,"{SCRIPT} Troops arrived in Almaty. {IMG} The protests spread. '
    f'{MD_IMG} Officials blamed terrorists. {MD_LINK} Fuel prices doubled."\n'
    f'"Plain Daily","Protests {MD_LINK}",2022-01-06,"Protests spread across Almaty as fuel prices doubled. '
    f'Troops arrived to guard the airport. Officials blamed foreign terrorists. {MD_IMG}"\n'
    f'"{MD_IMG}","Third",2022-01-07,"The government asked allies for troops. Protesters in Almaty demanded lower '
    f'fuel prices. {SCRIPT} Terrorists were blamed for the unrest."\n'
).replace('"alert(2)"', "alert(2)")


# Found through AppTest's public element API. Streamlit renders markdown in these elements' values ...
MARKDOWN_VALUES = ("title", "header", "subheader", "markdown", "caption", "latex", "warning", "error", "info",
                   "success", "toast", "exception")
# ... and in the labels and help texts of these (widget labels take markdown too).
MARKDOWN_LABELS = ("metric", "expander", "tabs", "status", "button", "download_button", "checkbox", "toggle",
                   "radio", "selectbox", "multiselect", "select_slider", "slider", "number_input", "text_input",
                   "text_area", "date_input", "time_input", "file_uploader")
# Where untrusted text goes into markup: st.html, and plotly hover texts and labels (plotly renders HTML tags).
ESCAPED_PROOF = html.escape("<script>alert(1)</scr")  # long enough to name the payload, short enough to survive "…"


def _rendered_texts(at: AppTest) -> tuple[list[str], list[str]]:
    """(texts Streamlit renders as markdown, texts it renders as HTML) on the page, found by element kind."""
    markdown = [str(e.value) for kind in MARKDOWN_VALUES for e in at.get(kind)]
    for kind in MARKDOWN_LABELS:
        for element in at.get(kind):
            markdown += [t for t in (getattr(element, a, None) for a in ("label", "help", "placeholder"))
                         if isinstance(t, str)]
    markdown += [link.proto.label for link in at.get("page_link")]  # page links' labels are markdown too
    markup = [e.value for e in at.html]
    markup += [json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart")]
    return markdown, markup


@pytest.mark.parametrize("page", ["overview", "stories", "clusters", "terms", "compare", "settings"])
def test_untrusted_text_never_reaches_markdown_or_html_unescaped(page):
    at = _upload(run(), [("evil.csv", EVIL_CSV.encode("utf-8"), "text/csv")])
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == "3"
    if page != "overview":
        at.switch_page(PAGES[page]).run()
        no_exception(at)
        markdown, markup = _rendered_texts(at)
    else:  # every tab of the Overview, each drawn only when open
        markdown, markup = [], []
        for view in ("Articles", "Articles by date and source", "Sources and frames", "Frames over time"):
            at.session_state["overview"] = view
            at.run()
            no_exception(at)
            texts = _rendered_texts(at)
            markdown, markup = markdown + texts[0], markup + texts[1]
    # Nothing found means the lookup broke (an element renamed), not that the page is safe.
    assert markdown, f"no markdown-rendering element found on {page}"
    if page != "settings":  # the other pages draw the corpus into HTML tables or charts: it is there, escaped
        assert any(ESCAPED_PROOF in text for text in markup), f"the uploaded payload is in no HTML on {page}"
    for text in markdown + markup:
        for marker in RAW_MARKERS:
            assert marker not in text, (page, marker, text[:300])
    for text in markdown:
        for marker in MARKDOWN_MARKERS:
            assert marker not in text, (page, marker, text[:300])


# ---------------------------------------------------------------- copies


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_rows(markup: str) -> list[list[str]]:
    """The text of each body row's cells in an HTML table (header rows, which have no td, are left out)."""
    parser = _Cells()
    parser.feed(markup)
    return [row for row in parser.rows if row]


def copy_groups(at: AppTest) -> list[list[list[str]]]:
    """The Copies page's group tables: rows of (role, outlet, date, title, originality, link text)."""
    return [html_rows(h.value) for h in at.html if "<th" in h.value and ">originality<" in h.value]


def page_links(at: AppTest) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(page url path, label, query parameters) of every page link drawn."""
    return [(link.proto.page, link.proto.label, parse_qs(link.proto.query_string)) for link in at.get("page_link")]


def test_the_duplicate_groups_metric_leads_to_the_copies_page():
    at = run()
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Duplicate groups"] == "1"
    assert [p for p, _label, _q in page_links(at)] == ["copies"]


def test_copies_page_lists_each_group_and_opens_a_copy_beside_its_original():
    at = run("copies")
    no_exception(at)
    group = load_seed_corpus()  # the sample: Dnevnik's article and an undated re-post of it
    (shown,) = copy_groups(at)
    assert [row[0] for row in shown] == ["original", "copy 1"]
    assert shown[0][1] == "Dnevnik"
    links = [(label, q) for p, label, q in page_links(at) if p == "compare"]
    assert len(links) == 1
    params = {k: v[-1] for k, v in links[0][1].items()}
    assert set(params) == {"a", "b"} and params["a"] != params["b"]
    assert {params["a"], params["b"]} <= {a.id for a in group.articles}
    compare = run("compare", params)  # following the link: the pair is preselected
    no_exception(compare)
    assert (compare.session_state["a"], compare.session_state["b"]) == (params["a"], params["b"])
    assert any("Duplicate group" in h.value for h in compare.html)


def test_copies_page_says_so_when_no_text_was_published_twice():
    at = run("copies", {"source": "unknown"})  # the Dnevnik original filtered out: its re-post stands alone
    no_exception(at)
    assert any("No article in this corpus is a copy" in i.value for i in at.info)
    assert not copy_groups(at)


def test_copies_from_an_untrusted_upload_stay_text_and_script_links_are_dropped():
    body = "Troops arrived in Almaty on Friday to guard airports and power stations while protests continued. " * 3
    table = pd.DataFrame([
        {"source": "Plain", "title": "Other", "date": "2022-01-06", "url": "", "text": TINY[1][1].decode()},
        {"source": f"{SCRIPT} Wire", "title": f"{MD_IMG} {IMG}", "date": "2022-01-05", "url": "javascript:alert(1)",
         "text": body},
        {"source": MD_LINK, "title": f"Repost {SCRIPT}", "date": "2022-01-06", "url": "https://ok.example/a",
         "text": body},
    ])
    at = _upload(run(), [("copies.csv", table.to_csv(index=False).encode("utf-8"), "text/csv")])
    assert {m.label: m.value for m in at.metric}["Articles"] == "3"
    at.switch_page(PAGES["copies"]).run()
    no_exception(at)
    (shown,) = copy_groups(at)
    assert [row[1] for row in shown] == [f"{SCRIPT} Wire", MD_LINK]  # read as written, as text
    assert [row[5] for row in shown] == ["", "ok.example"]  # the script link is no link
    markdown, markup = _rendered_texts(at)
    assert 'href="https://ok.example/a"' in "".join(markup) and "javascript:" not in "".join(markup)
    assert any(ESCAPED_PROOF in text for text in markup)
    for text in markdown + markup:
        for marker in RAW_MARKERS:
            assert marker not in text, (marker, text[:300])
    for text in markdown:
        for marker in MARKDOWN_MARKERS:
            assert marker not in text, (marker, text[:300])
    # Following the copy's link puts it beside its original (neither is Side by side's default pair here).
    (params,) = [q for p, _label, q in page_links(at) if p == "compare"]
    for key, values in params.items():
        at.query_params[key] = values[-1]
    at.switch_page(PAGES["compare"]).run()
    no_exception(at)
    assert [at.session_state["a"], at.session_state["b"]] == [params["a"][-1], params["b"][-1]]


# ---------------------------------------------------------------- safe.py and row layout


def test_highlight_escapes_everything_and_marks_whole_terms():
    text = 'Troops <b>entered</b> the "state of emergency" zone & stayed.'
    out = safe.highlight(text, {"troops": "a", "state emergency": "frame"})
    assert "<b>" not in out and "&lt;b&gt;entered&lt;/b&gt;" in out
    assert "&amp; stayed." in out
    assert f'<span style="{safe.STYLES["a"]}">Troops</span>' in out
    # a two-word term spans the stop word between its words
    assert f'<span style="{safe.STYLES["frame"]}">state of emergency</span>' in out
    assert out.count("<span") == 2


def test_highlight_reads_words_with_the_analysis_stop_words():
    text = "Armed militants attacked the base."
    marks = {"armed attacked": "a"}
    assert "<span" not in safe.highlight(text, marks)
    out = safe.highlight(text, marks, stop_words=tokens.stop_words_with(["militants"]))
    assert f'<span style="{safe.STYLES["a"]}">Armed militants attacked</span>' in out


def test_highlight_does_not_mark_a_word_inside_another():
    out = safe.highlight("Troopship troops", {"troops": "b"})
    assert out.startswith("Troopship ") and out.count("<span") == 1


def test_hover_and_labels_escape_and_truncate():
    assert safe.hover([("title", SCRIPT)]) == "title: " + html.escape(SCRIPT)
    label = safe.plot_label("<i>" + "x" * 100, 20)
    assert "<i>" not in label and len(html.unescape(label)) == 20 and label.endswith("…")
    assert safe.tail("one two three four", 10) == "…hree four"  # 1 + 9 characters


def test_note_box_and_kwic_escape_their_input():
    box = safe.note_box([IMG], "title")
    assert "<img" not in box and html.escape(IMG) in box
    lines = pd.DataFrame({"source": [SCRIPT], "left": ["a " + IMG], "match": ["<u>x</u>"], "right": [MD_IMG]})
    out = safe.kwic_table(lines)
    assert "<script" not in out and "<img" not in out and "<u>" not in out


# ---------------------------------------------------------------- caching, --corpus, load report


def test_view_controls_rerender_without_rerunning_the_analysis(monkeypatch):
    from dashboard.ui import state

    calls = []
    real = state.analyze
    monkeypatch.setattr(state, "analyze", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = run("clusters", {"k": "4"})
    first = len(calls)  # 0 when an earlier test already analysed this corpus with k=4, else 1
    assert first <= 1
    at.selectbox(key="frame").set_value("none").run()
    at.selectbox(key="cluster").set_value("2").run()
    at.selectbox(key="profile").set_value("frame").run()
    no_exception(at)
    assert len(calls) == first


def test_corpus_path_from_the_command_line(monkeypatch):
    from dashboard.ui import state

    assert state.cli_corpus_path(["--corpus", "/data/news"]) == "/data/news"
    assert state.cli_corpus_path(["--other", "x"]) is None
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(seeds)])
    at = run()
    no_exception(at)
    assert any("--corpus folder" in c.value for c in at.sidebar.caption)


def test_a_bad_corpus_path_shows_an_error_and_falls_back_to_the_sample(monkeypatch):
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", "/no/such/folder/anywhere"])
    at = run()
    no_exception(at)
    assert any("--corpus could not be used" in e.value for e in at.error)
    assert any("/no/such/folder/anywhere" in t.value for t in at.text)  # the reason, as plain text
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS))


def test_the_load_report_lists_skipped_items():
    files = TINY[:2] + [("broken.json", b"{not json", "application/json")]
    at = _upload(run(), files)
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == "2"
    report = [e for e in at.expander if e.label.startswith("Load report")]
    assert report and "1 skipped" in report[0].label
    items = report[0].dataframe[0].value
    assert "broken.json" in set(items["item"])


def test_date_range_from_the_url_filters_articles():
    dated = sorted(a.date for a in load_seed_corpus().articles if a.date)
    day = dated[0]
    at = run(params={"dates": [day, day]})
    no_exception(at)
    assert not warnings(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == str(dated.count(day))
    assert parse_qs(urlsplit(at.sidebar.code[0].value).query)["dates"] == [day, day]


@pytest.mark.parametrize("value", [["2030-01-01", "2030-02-01"], "garbage"])
def test_a_bad_date_range_falls_back_with_a_notice(value):
    at = run(params={"dates": value})
    no_exception(at)
    assert any("`dates`" in w for w in warnings(at))
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS))


def test_share_link_uses_the_configured_public_url(monkeypatch):
    monkeypatch.setenv("FRAMELENS_PUBLIC_URL", "https://framelens.example.org/")
    at = run("compare", {"b": SEED_IDS[3]})
    assert at.sidebar.code[0].value == f"https://framelens.example.org/compare?b={SEED_IDS[3]}"


def test_share_link_uses_the_public_url_secret():
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["public_url"] = "https://news.example.net"
    at.query_params["k"] = "3"
    at.run()
    assert at.sidebar.code[0].value == "https://news.example.net?k=3"


def test_corrections_override_outlet_and_date_without_changing_ids():
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["fl_overrides"] = {SEED_IDS[1]: {"source": "Corrected Outlet", "date": "2022-01-09"}}
    at.run()
    no_exception(at)
    table = at.get("arrow_data_frame")[0].value if at.get("arrow_data_frame") else at.dataframe[0].value
    row = table[table["id"] == SEED_IDS[1]].iloc[0]
    assert (row["source"], row["date"]) == ("Corrected Outlet", "2022-01-09")
    assert list(table["id"]) == SEED_IDS
    assert "Corrected Outlet" in at.multiselect(key="source").options  # the filters see the correction


def test_a_bad_date_correction_is_reported_and_the_outlet_fixed_in_the_same_row_kept():
    dated = next(a for a in load_seed_corpus().articles if a.date)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["fl_overrides"] = {dated.id: {"source": "Corrected Outlet", "date": "not a date"}}
    at.run()
    no_exception(at)
    articles = next(t.value for t in at.dataframe if "id" in t.value.columns)
    row = articles[articles["id"] == dated.id].iloc[0]
    assert (row["source"], row["date"]) == ("Corrected Outlet", dated.date)  # the date is left as it was
    assert any("not applied" in w for w in warnings(at))
    problems = next(t.value for t in at.dataframe if "why" in t.value.columns)
    assert list(zip(problems["article"], problems["field"], problems["typed"])) == [
        (dated.id, "date", "not a date")]


def test_document_similarity_is_a_cosine_matrix_over_the_chosen_articles():
    from dashboard import queries
    from dashboard.pipeline import analyze

    analysis = analyze(load_seed_corpus())
    ids = SEED_IDS[:4]
    sims = queries.document_similarity(analysis, ids)
    assert list(sims.index) == ids and list(sims.columns) == ids
    values = sims.to_numpy()
    assert values.diagonal() == pytest.approx(1.0, abs=1e-5)
    assert values == pytest.approx(values.T)
    assert ((values >= 0) & (values <= 1 + 1e-6)).all()
    with pytest.raises(queries.SpecError):
        queries.document_similarity(analysis, ["nope"])


def test_topic_and_event_filters_subset_a_corpus_that_has_them(monkeypatch, tmp_path):
    rows = [
        {"text": f"Article {i} about {topic} with troops, protests and gas prices in {place}.",
         "source": f"Outlet {i % 3}", "topic": topic, "event_id": f"e{i % 2}"}
        for i, (topic, place) in enumerate([("energy", "Almaty"), ("energy", "Aktau"), ("security", "Astana"),
                                            ("security", "Taraz"), ("energy", "Zhanaozen"), ("security", "Shymkent")])
    ]
    path = tmp_path / "topics.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(path)])
    at = run(params={"topic": "energy"})
    no_exception(at)
    assert at.session_state["topic"] == ["energy"]
    assert at.multiselect(key="event").options  # the event facet is offered too
    shown = [m.value for m in at.metric if m.label == "Articles"]
    assert shown and str(shown[0]) == "3"
    at = run(params={"topic": "no-such-topic"})
    no_exception(at)
    assert at.session_state["topic"] == []
    assert any("`topic`" in n for n in warnings(at))


# ---------------------------------------------------------------- frame lexicons


def frame_filter_options(at: AppTest) -> list[str]:
    return at.selectbox(key="frame").options


def test_the_lexicon_comes_from_the_url_and_frames_follow_it():
    from dashboard.lexicons import bundled_frames

    at = run("overview", {"lexicon": "Policy"})
    no_exception(at)
    assert at.session_state["lexicon"] == "policy"
    assert frame_filter_options(at) == ["all", *[f.name for f in bundled_frames("policy")], "none"]
    assert any("policy frame lexicon is in use" in m for m in _notes(at))
    assert "lexicon=policy" in _share_link(at)


def test_a_bad_lexicon_parameter_falls_back_to_auto_with_a_notice():
    at = run("overview", {"lexicon": "<b>sports</b>"})
    no_exception(at)
    assert at.session_state["lexicon"] == "auto"
    notices = warnings(at)
    assert any("`lexicon`" in n for n in notices) and all("sports" not in n for n in notices)
    assert any("chosen automatically" in m for m in _notes(at))
    assert "crisis" in " ".join(_notes(at))  # auto picks crisis on the sample


def test_the_settings_chooser_switches_the_lexicon_and_it_travels_in_the_link():
    at = run("settings")
    no_exception(at)
    chooser = at.selectbox(key="fl_lexicon_chooser")
    assert chooser.value == "auto" and len(chooser.options) == 4  # auto and the three bundled lexicons
    chooser.set_value("news").run()
    no_exception(at)
    assert at.session_state["lexicon"] == "news"
    assert frame_filter_options(at) == ["all", "conflict", "human_interest", "economic", "morality", "resolution", "none"]
    assert "lexicon=news" in _share_link(at)


def test_settings_exports_the_lexicon_in_use():
    at = run("settings", {"lexicon": "news"})
    no_exception(at)
    export = [b for b in at.get("download_button") if "Export the lexicon" in b.proto.label]
    assert len(export) == 1
    lexicon = next(t for t in at.text_area if t.label == "Lexicon (TOML)")
    assert lexicon.value.startswith("# Generic news frames")  # the editor starts from the lexicon in use


def test_a_users_lexicon_becomes_a_choice_and_the_bundled_ones_come_back():
    at = run("settings")
    next(t for t in at.text_area if t.label == "Lexicon (TOML)").input(ECONOMY_LEXICON)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    assert at.selectbox(key="fl_lexicon_chooser").value == "custom"
    assert frame_filter_options(at) == ["all", "economy", "none"]
    assert "lexicon=" not in _share_link(at)  # a user's TOML cannot travel in a link
    at.selectbox(key="fl_lexicon_chooser").set_value("policy").run()
    no_exception(at)
    assert "frames_toml" not in at.session_state["fl_tuning"]
    assert "economic" in frame_filter_options(at)
    at.selectbox(key="fl_lexicon_chooser").set_value("custom").run()
    assert frame_filter_options(at) == ["all", "economy", "none"]


def _notes(at: AppTest) -> list[str]:
    """The text of the analysis notices box (escaped HTML, unescaped here for reading)."""
    return [html.unescape(h.proto.body) for h in at.get("html") if "Notes on this analysis" in h.proto.body]


def _share_link(at: AppTest) -> str:
    return at.sidebar.code[0].value


def test_how_it_works_documents_the_three_bundled_lexicons():
    at = run("about")
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    for name, source in [("crisis", "sample corpus"), ("policy", "Boydstun"), ("news", "Semetko and Valkenburg")]:
        assert f"**{name}**" in text and source in text
    assert "**auto**" in text
    from dashboard.frame_model import SCORE_THRESHOLD

    assert f"score is at least {SCORE_THRESHOLD}" in text  # the threshold a frame needs
    assert "**Frames the corpus suggests**" in text and "python -m dashboard suggest" in text


# ---------------------------------------------------------------- saved workspaces (dashboard/workspaces.py)


def _link_params(at: AppTest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(_share_link(at)).query)


def _open_link(at: AppTest, page: str = "overview") -> AppTest:
    """A new session (no state shared with `at`) opening the link `at` shows."""
    params = {k: v[-1] for k, v in _link_params(at).items()}
    return run(page, params)


def _articles_table(at: AppTest) -> pd.DataFrame:
    return next(t.value for t in at.dataframe if "id" in t.value.columns)


def test_an_upload_with_corrections_and_settings_reopens_from_its_link_in_a_new_session():
    at = _upload(run(), TINY)
    table = _articles_table(at)
    first = table["id"].iloc[0]
    at.session_state["fl_overrides"] = {first: {"source": "Corrected Outlet"}}  # what an edited cell leaves
    at.run()
    at.switch_page(PAGES["settings"]).run()
    next(t for t in at.text_area if t.label == "Lexicon (TOML)").input(ECONOMY_LEXICON)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    no_exception(at)
    params = _link_params(at)
    key = params["ws"][0]
    assert len(key) >= 22 and "Corrected" not in _share_link(at)  # a key, never the content
    assert any("anyone holding the link can see the articles" in c.value for c in at.sidebar.caption)
    at.switch_page(PAGES["overview"]).run()
    assert any("anyone holding that link can see them" in c.value for c in at.main.caption)

    other = _open_link(at)
    no_exception(other)
    assert {m.label: m.value for m in other.metric}["Articles"] == "3"
    assert any("your upload" in c.value for c in other.sidebar.caption)
    reopened = _articles_table(other)
    assert sorted(reopened["id"]) == sorted(table["id"])
    assert reopened.set_index("id").loc[first, "source"] == "Corrected Outlet"
    assert frame_filter_options(other) == ["all", "economy", "none"]  # the user's own lexicon came along
    assert _link_params(other)["ws"] == [key]  # opened, not copied: nothing changed yet
    other.switch_page(PAGES["settings"]).run()
    assert other.selectbox(key="fl_lexicon_chooser").value == "custom"


def test_a_recipient_who_changes_a_workspace_gets_a_copy_and_the_senders_link_stays():
    at = _upload(run(), TINY)
    key = _link_params(at)["ws"][0]
    other = _open_link(at)
    doc = _articles_table(other)["id"].iloc[1]
    other.session_state["fl_overrides"] = {doc: {"source": "Recipient Outlet"}}
    other.run()
    copy = _link_params(other)["ws"][0]
    assert copy != key
    sender_again = run(params={"ws": key})
    assert "Recipient Outlet" not in set(_articles_table(sender_again)["source"])
    assert "Recipient Outlet" in set(_articles_table(run(params={"ws": copy}))["source"])


def test_settings_page_options_and_a_pasted_article_on_the_sample_travel_too():
    at = run("settings", {"lexicon": "news"})
    alias = next(t for t in at.text_area if t.label.startswith("Your alias table"))
    alias.input("tokaev -> tokayev")
    next(b for b in at.button if b.label == "Apply the alias table").click().run()
    no_exception(at)
    assert "ws" in _link_params(at) and _link_params(at)["lexicon"] == ["news"]
    other = _open_link(at, "settings")
    no_exception(other)
    assert other.session_state["fl_tuning"]["aliases"] == (("tokaev", "tokayev"),)
    assert other.session_state["lexicon"] == "news"
    assert "tokaev -> tokayev" in next(t for t in other.text_area if t.label.startswith("Your alias table")).value


@pytest.mark.parametrize("key", ["A" * 32, "not-a-key", "<b>x</b>"])
def test_an_unknown_workspace_key_gives_a_notice_and_the_sample_corpus(key):
    at = run(params={"ws": key})
    no_exception(at)
    assert any("workspace" in w and "sample corpus is shown" in w for w in warnings(at)), warnings(at)
    assert all("<b>" not in w for w in warnings(at))  # the untrusted key is not echoed
    assert {m.label: m.value for m in at.metric}["Articles"] == str(len(SEED_IDS))
    assert "ws" not in _link_params(at)


def test_with_saving_off_the_link_box_says_why_uploads_cannot_travel(monkeypatch):
    monkeypatch.setenv("FRAMELENS_SAVE_WORKSPACES", "0")
    at = _upload(run(), TINY)
    no_exception(at)
    assert "ws" not in _link_params(at)
    assert any("does not save workspaces" in c.value for c in at.sidebar.caption)
    assert any("stay in your browser session" in c.value for c in at.main.caption)  # beside the uploader too
    opened = run(params={"ws": "A" * 32})
    assert any("does not keep saved workspaces" in w for w in warnings(opened))


def test_a_store_that_cannot_be_used_leaves_the_session_working_with_a_notice(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("FRAMELENS_DATA_DIR", str(blocker / "data"))
    at = _upload(run(), TINY)
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == "3"  # the session's own copy
    assert "ws" not in _link_params(at)
    notices = [w.value for w in at.sidebar.warning]
    assert any("workspace store cannot be used" in n for n in notices), notices
    assert any("cannot carry your articles" in c.value for c in at.sidebar.caption)


def test_a_workspace_over_the_limit_is_refused_with_a_notice(monkeypatch):
    monkeypatch.setenv("FRAMELENS_MAX_WORKSPACE_MB", "0.01")  # 10 KB: less than the three articles take
    rng = random.Random(0)
    words = " ".join("".join(rng.choice("abcdefghij") for _ in range(7)) for _ in range(4000))  # compresses little
    at = _upload(run(), TINY + [("big.txt", f"Troops in Almaty.\n\n{words}".encode(), "text/plain")])
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Articles"] == "4"
    assert "ws" not in _link_params(at)
    assert any("too large to save" in w.value for w in at.sidebar.warning)


def test_the_data_folder_can_come_from_the_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("FRAMELENS_DATA_DIR")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["data_dir"] = str(tmp_path / "from-secrets")
    at.run()
    _upload(at, TINY)
    no_exception(at)
    assert "ws" in _link_params(at)
    assert (tmp_path / "from-secrets" / "workspaces.sqlite3").is_file()


def test_why_these_frames_lists_lexicon_and_learned_evidence_for_an_opened_article():
    at = run("clusters", {"doc": SEED_IDS[3]})
    no_exception(at)
    reasons = next(df.value for df in at.dataframe if {"score", "evidence", "weight"} <= set(df.value.columns))
    assert set(reasons["evidence"]) == {"lexicon", "learned"}
    assert reasons["score"].between(0.5, 1).all()  # only the frames a passage carries are explained
    labels = set(load_seed_corpus_labels())
    assert set(reasons["frame"]) <= labels  # shown by label, not by key


def load_seed_corpus_labels():
    from dashboard.lexicons import bundled_frames

    return [f.label for f in bundled_frames("crisis")]


def test_the_overview_suggests_another_lexicon_when_most_units_get_no_frame():
    at = run("overview", {"lexicon": "news"})
    no_exception(at)
    advice = [html.unescape(h.proto.body) for h in at.get("html") if "The frame lexicon and this corpus" in h.proto.body]
    assert len(advice) == 1 and "no frame with the news lexicon" in advice[0] and "The crisis lexicon" in advice[0]
    plain = run("overview")
    assert not any("The frame lexicon and this corpus" in h.proto.body for h in plain.get("html"))


def test_cluster_cards_say_how_their_names_were_earned():
    at = run("clusters")
    no_exception(at)
    notes = [t.value for t in at.text if "lift" in t.value and "p = " in t.value]
    assert notes and any(n.startswith("Named after") for n in notes)


def test_an_opened_articles_passages_are_shown_in_full():
    at = run("clusters", {"doc": SEED_IDS[4]})
    no_exception(at)
    shown = {t.value for t in at.text}
    analysis = analyze(load_seed_corpus(), Settings())
    passages = analysis.units[analysis.units["doc_id"] == SEED_IDS[4]]["text"]
    assert len(passages) >= 2 and all(p in shown for p in passages)  # each passage whole, not a cut table cell
    assert any(len(p) > 200 for p in passages)


def test_a_chosen_clusters_representative_passages_are_whole():
    analysis = analyze(load_seed_corpus(), Settings())
    # a cluster with a representative passage longer than the preview a card shows of all clusters
    cluster, reps = next((c.id, r) for c in analysis.clusters
                         for r in [tables.representative_units(analysis, c.id, 5)] if (r["text"].str.len() > 320).any())
    at = run("clusters", {"cluster": str(cluster)})
    no_exception(at)
    shown = {t.value for t in at.text}
    assert all(f"[{s}] {t}" in shown for s, t in zip(reps["source"], reps["text"]))


# ---------------------------------------------------------------- frames the corpus suggests


def test_the_sample_says_why_no_frame_is_suggested():
    at = run("settings")
    no_exception(at)
    assert any(t.value.startswith("No frame is suggested") for t in at.text)


def test_the_framing_clusters_page_leads_to_the_suggestions():
    at = run("clusters")
    links = [p for p in at.get("page_link") if p.proto.label.startswith("Frames the corpus suggests")]
    assert len(links) == 1 and links[0].proto.page.endswith("settings")


def test_a_suggested_frame_is_named_edited_added_and_downloadable():
    import plant_closure

    at = _upload(run(), [(f"{i:02d}.txt", t.encode(), "text/plain") for i, t in enumerate(plant_closure.texts())])
    at.switch_page(PAGES["settings"]).run()
    next(t for t in at.text_area if t.label == "Lexicon (TOML)").input(plant_closure.LEXICON)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    no_exception(at)
    pick = at.selectbox(key="fl_suggestion")
    assert len(pick.options) == 1 and "not named after a frame" in pick.options[0]
    shown = " ".join(t.value for t in at.text)
    assert any(h in shown for h in plant_closure.HERITAGE)  # its example passages, as plain text
    terms = next(t for t in at.text_area if t.label.startswith("Its terms"))
    suggested = terms.value.splitlines()
    assert suggested and set(suggested) <= plant_closure.HERITAGE_WORDS
    next(t for t in at.text_input if t.label == "Name of the new frame").input("Town heritage")
    terms.input("\n".join(suggested + ["museum", "memories"]))
    next(b for b in at.button if b.label == "Add it to the lexicon in use").click().run()
    no_exception(at)
    assert any("Added the new frame" in s.value for s in at.success)
    assert frame_filter_options(at) == ["all", "jobs", "pollution", "town_heritage", "none"]
    assert at.selectbox(key="fl_lexicon_chooser").value == "custom"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the lexicon with the new frame (TOML)" in labels
    added = at.session_state["fl_tuning"]["frames_toml"]
    assert '[frames.town_heritage]\nlabel = "Town heritage"' in added and '"museum"' in added


def test_a_suggestion_without_a_name_is_not_added_and_says_why():
    import plant_closure

    at = _upload(run(), [(f"{i:02d}.txt", t.encode(), "text/plain") for i, t in enumerate(plant_closure.texts())])
    at.switch_page(PAGES["settings"]).run()
    next(t for t in at.text_area if t.label == "Lexicon (TOML)").input(plant_closure.LEXICON)
    next(b for b in at.button if b.label == "Apply the lexicon").click().run()
    next(t for t in at.text_input if t.label == "Name of the new frame").input("   ")
    next(b for b in at.button if b.label == "Add it to the lexicon in use").click().run()
    no_exception(at)
    assert any("not added" in e.value for e in at.error)
    assert any("Give the new frame a name" in t.value for t in at.text)
    assert frame_filter_options(at) == ["all", "jobs", "pollution", "none"]
