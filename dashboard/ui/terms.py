"""Key terms: the words that set group A apart from group B, and where they occur."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboard import evidence, keyterms, queries, tables
from dashboard.errors import FramelensError
from dashboard.groups import GroupSpec
from dashboard.ui import safe, shell, state, views

LABELLED_PER_SIDE = 8  # named on the scatter at most; the others of the top are listed under it
PLOT_WIDTH_PX, PLOT_HEIGHT_PX = 900, 480  # the scatter's plot area on a 1,400-pixel window (label spacing)
POINT_TERMS_SHOWN = 12  # names in the hover of a point many terms share
TABLE_ROWS = 30
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
    comparison = state.key_terms(app.key, app.settings, spec_a, spec_b, a)
except FramelensError as exc:
    st.error("These two groups cannot be compared:")
    st.text(str(exc))
    state.halt()
df = comparison.shown  # the rows this page shows; the whole table only for the CSV download
evidence_slot = st.container()  # the evidence pack's downloads, filled at the end when the view's link is known
if keyterms.top_terms(df, 1, "a").empty and keyterms.top_terms(df, 1, "b").empty:
    st.info(comparison.notice or "No term leans either way.")
    state.halt()  # no term leans either way: no scatter, tables or contexts to show

# Keyword in context follows the groups: a new comparison starts from its own most distinctive term.
groups_now = (spec_a, spec_b)
if st.session_state.get("_fl_term_groups", groups_now) != groups_now and shell.incoming("term") is None:
    st.session_state["term"] = (keyterms.top_terms(df, 1, "a")["term"].tolist()
                                or keyterms.top_terms(df, 1, "b")["term"].tolist())[0]
st.session_state["_fl_term_groups"] = groups_now

if comparison.notice is not None:
    st.info(comparison.notice)
left_out = comparison.outlets_left_out
if left_out["a"] or left_out["b"]:
    st.caption("Not ranked: terms naming an outlet that mostly come from that outlet itself (datelines, credits, "
               "\"told CNN\"), so they say who wrote, not how. "
               + "; ".join(f"{side.upper()}: {', '.join(terms)}" for side, terms in left_out.items() if terms)
               + ". They stay in the CSV download (column names_outlet).")

# ---------------------------------------------------------------- scatter
st.subheader("Term rates in A and B")
scatter = tables.term_scatter(df, LABELLED_PER_SIDE, PLOT_WIDTH_PX, PLOT_HEIGHT_PX)
points, labels = scatter.points, scatter.labels
z_span = float(min(6.0, max(2.0, df["z"].abs().max())))
colours = dict(colorscale="RdBu_r", cmin=-z_span, cmax=z_span)


def point_hover(row) -> str:
    names = row.terms[:POINT_TERMS_SHOWN]
    more = f" and {row.n - len(names):,} more" if row.n > len(names) else ""
    head = [("term", row.term)] if row.n == 1 else [(f"{row.n:,} terms", ", ".join(names) + more)]
    return safe.hover(head + [("count in A", row.count_a), ("count in B", row.count_b),
                              ("per 1,000 in A", f"{row.y:.2f}" if row.count_a else "0"),
                              ("per 1,000 in B", f"{row.x:.2f}" if row.count_b else "0")], limit=200)


fig = go.Figure()
fig.add_trace(go.Scatter(  # equal rates; drawn first, under the points, and not clickable
    x=list(scatter.span), y=list(scatter.span), mode="lines", hoverinfo="skip", showlegend=False,
    line=dict(color="#9ca3af", width=1, dash="dash")))
fig.add_trace(go.Scatter(
    x=points["x"], y=points["y"], mode="markers", showlegend=False,
    customdata=np.column_stack([points["term"].astype(str), points["n"].astype(str)]),
    hovertext=[point_hover(r) for r in points.itertuples(index=False)], hovertemplate="%{hovertext}<extra></extra>",
    marker=dict(size=np.clip(6 + 3 * np.log2(points["n"].to_numpy()), 6, 22), color=points["z"].clip(-z_span, z_span),
                opacity=0.55, line=dict(width=0), colorbar=dict(title="z", thickness=12, len=0.6), **colours),
))
fig.add_trace(go.Scatter(
    x=labels["x"], y=labels["y"], mode="markers+text", showlegend=False,
    text=[safe.plot_label(t, 40) for t in labels["term"]], textposition="top center",
    textfont=dict(size=tables.LABEL_FONT_PX, shadow="auto"), cliponaxis=False,  # shadow: readable over points
    customdata=np.column_stack([labels["term"].astype(str), np.ones(len(labels), dtype=int).astype(str)])
    if len(labels) else None,
    hovertext=[safe.hover([("term", r.term), ("z", f"{r.z:.2f}"), ("count in A", r.count_a),
                           ("count in B", r.count_b)]) for r in labels.itertuples(index=False)],
    hovertemplate="%{hovertext}<extra></extra>",
    marker=dict(size=9, color=labels["z"].clip(-z_span, z_span), line=dict(width=1, color="#1f2937"), **colours),
))
tick_text = ["0"] + [f"{t:g}" for t in scatter.ticks]
axis = dict(type="log", range=[np.log10(scatter.span[0]), np.log10(scatter.span[1])],
            tickvals=[scatter.floor, *scatter.ticks], ticktext=tick_text, showgrid=True, gridcolor="#eef0f3",
            zeroline=False)
fig.update_layout(height=PLOT_HEIGHT_PX + 80, margin=dict(l=10, r=10, t=10, b=10), hovermode="closest",
                  xaxis=dict(axis, title="per 1,000 words in B"), yaxis=dict(axis, title="per 1,000 words in A"))
# One chart per comparison, so a point picked in the last comparison is not picked again in this one.
event = st.plotly_chart(fig, width="stretch", key=f"terms_scatter:{spec_a}|{spec_b}", on_select="rerun",
                        selection_mode=("points",))
picked = views.first_selected(event, bool)
st.caption("Each point: how often a term occurs per 1,000 words in B (across) and in A (up), on log scales. "
           "On the dashed diagonal both groups use it equally; above it A uses it more (red), below it B does "
           "(blue). \"0\": the group never uses it. Terms with the same counts share a point, larger when more "
           "share it. Named: the most distinctive significant terms of each side whose names fit. "
           "Click a point to see its contexts.")
if scatter.unlabelled:
    st.caption("Also among the most distinctive, not named on the chart to keep the names readable:")
    st.text(", ".join(scatter.unlabelled))

# ---------------------------------------------------------------- tables
cols = ["term", "z", "count_a", "count_b", "rate_a", "rate_b"]
# Pixel widths that fit half of the main column of a 1,400-pixel window; the headings say A and B first.
config = {"term": st.column_config.TextColumn("term", width=140),
          "z": st.column_config.NumberColumn("z", format="%.2f", width=54),
          "count_a": st.column_config.NumberColumn("A count", width=60, help="times group A uses it"),
          "count_b": st.column_config.NumberColumn("B count", width=60, help="times group B uses it"),
          "rate_a": st.column_config.NumberColumn("A /1,000", format="%.2f", width=66,
                                                  help="per 1,000 words of group A"),
          "rate_b": st.column_config.NumberColumn("B /1,000", format="%.2f", width=66,
                                                  help="per 1,000 words of group B")}


def term_tables() -> None:
    t1, t2 = st.columns(2)
    for where, side, name, n_sig in ((t1, "a", "A", comparison.n_significant[0]),
                                     (t2, "b", "B", comparison.n_significant[1])):
        with where:
            st.subheader(f"Most distinctive of {name}")
            top = keyterms.top_terms(df, TABLE_ROWS, side)
            if comparison.notice is None:  # a ranked list of significant terms only
                top = top[top["significant"]]
            st.caption(f"{n_sig:,} significant term{'s' if n_sig != 1 else ''} of {comparison.n_terms:,} compared"
                       + (f"; the first {TABLE_ROWS}." if n_sig > TABLE_ROWS else "."))
            st.dataframe(top[cols], hide_index=True, width="stretch", column_config=config)


if comparison.notice is None:
    term_tables()
else:  # said above the chart; the ranked lists only on request, labelled for what they are
    with st.expander("The terms that lean each way anyway (none is significant: read them as chance)"):
        term_tables()
st.download_button("Download every term (CSV)", data=lambda: queries.key_terms(a, spec_a, spec_b).to_csv(index=False),
                   file_name="key_terms.csv", mime="text/csv", on_click="ignore", key="dl_terms",
                   icon=":material/download:", help=f"All {comparison.n_terms:,} terms compared, with z and counts.")

# ---------------------------------------------------------------- keyword in context
st.subheader("Keyword in context")
choices = list(keyterms.top_terms(df, state.TERM_CHOICES_PER_SIDE, "a")["term"]) + \
    list(keyterms.top_terms(df, state.TERM_CHOICES_PER_SIDE, "b")["term"])
vocabulary = set(df["term"])  # what this page keeps: the choices and the scatter's terms
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
        built["pack"] = evidence.build(a, spec_a, spec_b, df, view_link)  # df holds each side's top terms
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

