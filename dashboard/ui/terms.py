"""Key terms: the words that set group A apart from group B, and where they occur."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import evidence, keyterms, queries
from dashboard.errors import FramelensError
from dashboard.groups import GroupSpec
from dashboard.ui import safe, shell, state, views

LABELLED_PER_SIDE = 15
PLOT_MAX_TERMS = 2_500  # the most frequent terms, plus every labelled one
TABLE_ROWS = 30
TERM_CHOICES_PER_SIDE = 100
KWIC_LIMIT = 100
CHOSEN_ARTICLES = "doc:"  # the picker entry that opens an article chooser
LABEL_CHARS = 90  # a picker label; an uploaded outlet name can be any length
PAGE_PATH = "terms"  # this page's url_path in app.py, for the evidence pack's link

st.title("Key terms")
st.caption("Which words one group of articles or passages uses more than another, weighed by how sure we can be "
           "(Fightin' Words: log-odds with an informative prior; |z| ≥ 1.96 is marked significant).")
app = state.app()
a = app.analysis
labels = state.doc_labels(app.key, app.settings, a)


def usable(text: str, side: str) -> str | None:
    """A spec from the URL or an earlier run as the analysis spells it, or None when it names nothing."""
    try:
        return GroupSpec.parse(text).canonical(a, side).to_string()
    except FramelensError:
        return None


def group_picker(title: str, key: str, side: str, default: str, where) -> str | None:
    """A group spec, kept in the URL as the spec itself (e.g. bias:left or doc:ID,ID).

    The picker lists GroupSpec.options; a valid spec it does not list (a
    date range, a column shown only by id) is added for as long as it is chosen.
    """
    docs_key = f"{key}_docs"
    choices = dict(state.group_options(app.key, app.settings, side, a))
    choices[CHOSEN_ARTICLES] = "Chosen articles…"
    incoming = shell.incoming(key)
    if incoming is not None and incoming[-1].startswith(CHOSEN_ARTICLES):
        ids = [i.strip() for i in incoming[-1][len(CHOSEN_ARTICLES):].split(",") if i.strip()]
        valid = [i for i in dict.fromkeys(ids) if i in labels]
        if valid:
            st.session_state[key] = CHOSEN_ARTICLES
            st.session_state[docs_key] = valid
        if len(valid) < len(ids) or not ids:
            shell.url_notice(key, where)
    elif incoming is not None and (spec := usable(incoming[-1], side)) is not None:
        st.session_state[key] = spec  # seeded here in its real spelling; url_select leaves it
    current = st.session_state.get(key)
    if current and current not in choices and usable(current, side) == current:
        choices[current] = GroupSpec.parse(current).describe(a)
    spec = shell.url_select(title, list(choices), key, default=default, where=where,
                            format_func=lambda option: safe.truncate(choices[option], LABEL_CHARS))
    if spec != CHOSEN_ARTICLES:
        return spec
    chosen = where.multiselect("Articles", list(labels), key=docs_key, format_func=labels.get,
                               placeholder="Choose one or more articles")
    if not chosen:
        shell.sync_param(key, None)
        where.info("Choose at least one article for this group.")
        return None
    spec = CHOSEN_ARTICLES + ",".join(chosen)
    shell.sync_param(key, spec)
    return spec


left, right = st.columns(2)
spec_a = group_picker("Group A", "group_a", "a", "cluster:1", left)
spec_b = group_picker("Group B", "group_b", "b", "rest", right)
if spec_a is None or spec_b is None:
    state.halt()

try:
    df = state.key_terms(app.key, app.settings, spec_a, spec_b, a)
    nothing = queries.why_no_term_is_distinctive(a, spec_a, spec_b, df)
except FramelensError as exc:
    st.error("These two groups cannot be compared:")
    st.text(str(exc))
    state.halt()
if nothing is not None:
    st.info(nothing)
evidence_slot = st.container()  # the evidence pack's downloads, filled at the end when the view's link is known
if keyterms.top_terms(df, 1, "a").empty and keyterms.top_terms(df, 1, "b").empty:
    state.halt()  # no term leans either way: no scatter, tables or contexts to show

top_a = keyterms.top_terms(df, LABELLED_PER_SIDE, "a")
top_b = keyterms.top_terms(df, LABELLED_PER_SIDE, "b")

# ---------------------------------------------------------------- scatter
st.subheader("Term rates in A and B")
frequent = df.assign(total=df["count_a"] + df["count_b"]).nlargest(PLOT_MAX_TERMS, "total", keep="first")
plot = pd.concat([frequent, df[df["term"].isin(set(top_a["term"]) | set(top_b["term"]))]]).drop_duplicates("term")
positive = np.concatenate([plot["rate_a"][plot["rate_a"] > 0], plot["rate_b"][plot["rate_b"] > 0]])
floor = float(positive.min()) / 2 if len(positive) else 0.01  # where a zero rate sits on the log axes
labelled = set(top_a["term"]) | set(top_b["term"])
# Counts are whole numbers, so many terms share a point: spread them a little,
# along the diagonal (the ratio of A to B stays exact) by an amount fixed per term.
spread = np.array([1.0 + 0.16 * ((zlib.crc32(t.encode("utf-8")) % 1000) / 1000 - 0.5) for t in plot["term"]])
z_span = float(min(6.0, max(2.0, plot["z"].abs().max())))
fig = go.Figure(go.Scatter(
    x=np.maximum(plot["rate_b"], floor) * spread, y=np.maximum(plot["rate_a"], floor) * spread,
    mode="markers+text",
    text=[safe.plot_label(t, 25) if t in labelled else "" for t in plot["term"]],
    textposition="top center", textfont=dict(size=11),
    customdata=np.column_stack([plot["term"].astype(str), plot["z"].round(2).astype(str)]),
    hovertext=[safe.hover([("term", t), ("z", f"{z:.2f}"), ("count in A", ca), ("count in B", cb),
                           ("per 1,000 in A", f"{ra:.2f}"), ("per 1,000 in B", f"{rb:.2f}")])
               for t, z, ca, cb, ra, rb in zip(plot["term"], plot["z"], plot["count_a"], plot["count_b"],
                                               plot["rate_a"], plot["rate_b"])],
    hovertemplate="%{hovertext}<extra></extra>",
    marker=dict(size=7, color=plot["z"].clip(-z_span, z_span), colorscale="RdBu_r", cmin=-z_span, cmax=z_span,
                colorbar=dict(title="z"), opacity=0.8),
))
fig.update_layout(height=560, margin=dict(l=10, r=10, t=10, b=10),
                  xaxis=dict(type="log", title="rate in B (per 1,000)"),
                  yaxis=dict(type="log", title="rate in A (per 1,000)"))
event = st.plotly_chart(fig, width="stretch", key="terms_scatter", on_select="rerun", selection_mode=("points",))
picked = views.first_selected(event, bool)
st.caption("Above the diagonal: used more in A (red); below: more in B (blue). Terms one group never uses sit on "
           "the edge. Labelled: the most distinctive terms of each side. Click a point to see its contexts.")

# ---------------------------------------------------------------- tables
cols = ["term", "z", "count_a", "count_b", "rate_a", "rate_b", "significant"]
config = {"z": st.column_config.NumberColumn("z", format="%.2f"),
          "rate_a": st.column_config.NumberColumn("per 1,000 in A", format="%.2f"),
          "rate_b": st.column_config.NumberColumn("per 1,000 in B", format="%.2f"),
          "count_a": "count in A", "count_b": "count in B"}
t1, t2 = st.columns(2)
with t1:
    st.subheader("Most distinctive of A")
    st.dataframe(keyterms.top_terms(df, TABLE_ROWS, "a")[cols], hide_index=True, width="stretch", column_config=config)
with t2:
    st.subheader("Most distinctive of B")
    st.dataframe(keyterms.top_terms(df, TABLE_ROWS, "b")[cols], hide_index=True, width="stretch", column_config=config)
views.download(df, "key_terms.csv", "Download every term (CSV)", key="dl_terms")

# ---------------------------------------------------------------- keyword in context
st.subheader("Keyword in context")
choices = list(keyterms.top_terms(df, TERM_CHOICES_PER_SIDE, "a")["term"]) + \
    list(keyterms.top_terms(df, TERM_CHOICES_PER_SIDE, "b")["term"])
vocabulary = set(df["term"])
for extra in (picked, st.session_state.get("term"), (shell.incoming("term") or [None])[-1]):
    if extra and extra in vocabulary and extra not in choices:
        choices.append(extra)
if picked is not None and picked in vocabulary and st.session_state.get("_fl_scatter_pick") != picked:
    st.session_state["_fl_scatter_pick"] = picked
    st.session_state["term"] = picked  # before the selectbox is drawn
term = shell.bound_selectbox("Term", choices, "term", help="The most distinctive terms of both sides; "
                                                           "or click a point in the scatter.")
row = df[df["term"] == term].iloc[0]
st.text(f"{term}: {int(row['count_a'])} times in A, {int(row['count_b'])} in B, z = {row['z']:.2f}")
for title, side, file_name in (("In group A", "a", "kwic_a.csv"), ("In group B", "b", "kwic_b.csv")):
    st.markdown(f"**{title}**")
    lines = state.kwic(app.key, app.settings, spec_a, spec_b, term, side, KWIC_LIMIT, a)
    if lines.empty:
        st.caption("No occurrences.")
        continue
    safe.render(safe.kwic_table(lines))
    if len(lines) >= KWIC_LIMIT:
        st.caption(f"The first {KWIC_LIMIT} occurrences.")
    views.download(lines, file_name, "Download these lines (CSV)", key=f"dl_{file_name}")

# ---------------------------------------------------------------- evidence pack
view_link = shell.current_link(PAGE_PATH)  # every control of this view has run


def evidence_pack():
    """Built once, on the first click of either download (a term's context is looked up for each term)."""
    if "pack" not in built:
        built["pack"] = evidence.build(a, spec_a, spec_b, df, view_link)
    return built["pack"]


built: dict[str, evidence.Evidence] = {}
with evidence_slot:
    e1, e2, _ = st.columns([1, 1, 2])
    e1.download_button("Evidence pack (Markdown)", data=lambda: evidence.to_markdown(evidence_pack()),
                       file_name="framelens_evidence.md", mime="text/markdown", on_click="ignore", key="dl_evidence_md",
                       icon=":material/download:",
                       help="The two groups, the top terms with z and counts, a line in context per term with its "
                            "outlet, date and link, the frame shares, the method and settings, and this view's link.")
    e2.download_button("Evidence pack (HTML)", data=lambda: evidence.to_html(evidence_pack()),
                       file_name="framelens_evidence.html", mime="text/html", on_click="ignore", key="dl_evidence_html",
                       icon=":material/download:",
                       help="The same as one self-contained web page: it loads nothing and runs no script.")

