"""Overview: the corpus, its load report, the articles table, a timeline and sources x frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import queries, tables
from dashboard.errors import FramelensError
from dashboard.loading import EXTENSIONS, article_from_paste
from dashboard import groups as groups_mod
from dashboard.ui import palette, safe, shell, state, views, workspace

UPLOAD_TYPES = [ext.lstrip(".") for ext in EXTENSIONS] + ["gz"]  # what the loader reads
VIEWS = ("Articles", "Articles by date and source", "Sources and frames", "Frames over time")  # the Overview's tabs
MAX_TIMELINE_SOURCES = 12
COPIES_PAGE = "dashboard/ui/copies.py"
HEATMAP_COUNTS_UP_TO = 6  # frames; with more, a cell is too narrow for "31% (116)"
# The articles table's columns on screen (the CSV has them all, id and cleaned length too).
ARTICLE_COLUMNS_SHOWN = ["source", "date", "title", "language", "cluster", "cluster label", "dominant frame",
                         "duplicate group", "originality"]


def corpus_controls() -> None:
    """Upload, paste, back to the sample: kept in this session and its saved workspace (ui/workspace.py)."""
    with st.expander("Use your own articles", expanded=False):
        st.markdown(
            "Upload text files (`.txt`, `.md`), tables (`.csv`, `.tsv`), `.json` / `.jsonl`, "
            "their `.gz` forms or `.zip` archives, or paste an article below."
        )
        st.caption(workspace.where_it_is_kept())
        names = st.session_state.get(state.UPLOAD_NAMES)
        if names:
            st.caption(f"In use: your upload of {len(names)} file(s):")
            st.text(safe.truncate(", ".join(names), 400))
        files = st.file_uploader("Article files", type=UPLOAD_TYPES, accept_multiple_files=True,
                                 key=f"fl_files_{st.session_state.get('fl_uploader_n', 0)}")
        if files:
            signature = tuple((f.name, f.size, f.file_id) for f in files)
            if st.session_state.get(state.UPLOAD_SIG) != signature:
                st.session_state[state.UPLOAD_SIG] = signature
                with st.spinner("Reading the uploaded files…"):
                    state.set_upload([(f.name, f.getvalue()) for f in files])
                st.rerun()
        failed = st.session_state.get(state.UPLOAD_ERROR)
        if failed:
            message, issues = failed
            st.error("The uploaded files could not be used; the previous corpus is still shown.")
            st.text(message)
            if issues:
                st.dataframe(_issue_frame(issues), hide_index=True, width="stretch")

        with st.form("fl_paste_form", clear_on_submit=True):
            st.markdown("**Paste an article**")
            text = st.text_area("Article text", height=150)
            c1, c2, c3 = st.columns(3)
            source = c1.text_input("Outlet (optional)")
            title = c2.text_input("Title (optional)")
            date = c3.text_input("Date (optional, e.g. 2022-01-07)")
            if st.form_submit_button("Add the article"):
                try:
                    article = article_from_paste(text, source=source.strip() or "unknown",
                                                 title=title.strip() or "unknown", date=date.strip() or None)
                except FramelensError as exc:
                    st.error("The pasted article was not added:")
                    st.text(str(exc))
                else:
                    st.session_state[state.PASTED] = [*st.session_state.get(state.PASTED, []), article]
                    st.rerun()

        if st.button("Back to the sample corpus", help="Forget uploads, pasted articles and corrections."):
            state.reset_to_sample()
            st.session_state["fl_uploader_n"] = st.session_state.get("fl_uploader_n", 0) + 1  # an empty uploader
            st.rerun()


def _issue_frame(issues) -> pd.DataFrame:
    return pd.DataFrame([{"item": i.item, "what happened": i.action, "why": i.problem} for i in issues],
                        columns=["item", "what happened", "why"])


def load_report(cs: state.CorpusState) -> None:
    """Every skipped item and why, and the encodings assumed (shown whenever there is any)."""
    issues = cs.report
    encodings = cs.corpus.encodings
    unusual = {item: enc for item, enc in encodings.items() if enc.lower().replace("-", "") not in ("utf8", "ascii")}
    if not issues and not unusual:
        return
    skipped = sum(1 for i in issues if i.action == "skipped")
    with st.expander(f"Load report: {skipped} skipped, {len(issues) - skipped} warnings, "
                     f"{len(unusual)} non-UTF-8 encodings", expanded=skipped > 0):
        if issues:
            views.table(_issue_frame(issues), "load_report.csv", key="dl_report")
        if unusual:
            st.caption("Encodings assumed for files that were not UTF-8:")
            enc = pd.DataFrame(sorted(unusual.items()), columns=["item", "encoding assumed"])
            st.dataframe(enc, hide_index=True, width="stretch")


def _apply_edits(editor_key: str, ids: list[str]) -> None:
    """on_change of the articles table: cell edits become corrections by article id, as typed.

    The core checks them (state.current_corpus -> corrections.apply_corrections):
    valid fields are applied, the rest shown under the table until fixed.
    """
    edits = st.session_state[editor_key].get("edited_rows", {})
    corrections = dict(st.session_state.get(state.OVERRIDES, {}))
    for row, changes in edits.items():
        doc_id = ids[int(row)]
        typed = {field: changes[field] for field in ("source", "date") if field in changes}
        corrections[doc_id] = {**corrections.get(doc_id, {}), **typed}
    st.session_state[state.OVERRIDES] = corrections
    st.session_state["fl_editor_n"] = st.session_state.get("fl_editor_n", 0) + 1  # fresh editor next run


def _correction_problems(cs: state.CorpusState) -> None:
    """Corrections the core refused, with the value as typed (shown as table text, never markdown)."""
    problems = cs.correction_problems
    if not problems:
        return
    st.warning(f"{len(problems)} correction(s) were not applied; the other corrections were. "
               "Edit the cell again or undo the corrections.")
    st.dataframe(pd.DataFrame([{"article": p.article_id, "field": p.field, "typed": str(p.value),
                                "why": p.problem} for p in problems]),
                 hide_index=True, width="stretch")


def articles_table(app: state.App) -> None:
    table = tables.article_table(app.analysis)
    shown = table[app.doc_mask()].reset_index(drop=True)
    shown["duplicate group"] = shown["duplicate group"].map(lambda g: "" if pd.isna(g) else str(g))  # not "None"
    if app.frame_filter != "all":
        st.caption(f"Showing the {len(shown):,} articles whose dominant frame matches the sidebar's frame filter.")
    editor_key = f"fl_editor_{st.session_state.get('fl_editor_n', 0)}"
    ids = list(shown["id"])
    editable = () if state.spark_result() is not None else ("source", "date")  # Spark's result: only Spark reruns it
    st.data_editor(
        shown, key=editor_key, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)),
        disabled=[c for c in shown.columns if c not in editable],
        column_order=ARTICLE_COLUMNS_SHOWN,
        # Pixel widths that add up to the main column of a 1,400-pixel window: no column is cut off.
        column_config={
            "source": st.column_config.TextColumn("source", width=110, help="Edit to correct the outlet name"),
            "date": st.column_config.TextColumn("date", width=90, help="Edit to correct the date (e.g. 2022-01-07)"),
            "title": st.column_config.TextColumn("title", width=220),
            "language": st.column_config.TextColumn(
                "lang.", width=50, help="Language: ISO 639-1 code, detected from the text (blank: too short to tell)"),
            "cluster": st.column_config.NumberColumn("cluster", width=58),
            "cluster label": st.column_config.TextColumn("cluster label", width=120),
            "dominant frame": st.column_config.TextColumn("dominant frame", width=115),
            "duplicate group": st.column_config.TextColumn(
                "copies", width=60, help="Duplicate group: articles with the same number publish one text (see Copies)"),
            "originality": st.column_config.ProgressColumn("originality", min_value=0.0, max_value=1.0, format="%.2f",
                                                           width=90),
        },
        on_change=_apply_edits, args=(editor_key, ids),
    )
    if editable:
        st.caption("Outlet and date cells can be edited: the analysis reruns with your corrections, which are saved "
                   "with your workspace like an upload. Article ids do not change. The CSV also holds each article's "
                   "id and its length after cleaning.")
    else:
        st.caption("Computed by Spark: corrections to outlets and dates need a new Spark run on the corrected "
                   "corpus. The CSV also holds each article's id and its length after cleaning.")
    _correction_problems(app.corpus_state)
    if st.session_state.get(state.OVERRIDES):
        if st.button("Undo all corrections"):
            st.session_state[state.OVERRIDES] = {}
            st.rerun()
    views.download(table, "articles.csv", "Download articles (CSV)", key="dl_articles")


HOVER_DATES = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%b %Y", "quarter": "quarter from %b %Y",
               "year": "%Y"}


def timeline(app: state.App) -> None:
    line = tables.timeline(app.analysis, MAX_TIMELINE_SOURCES)
    if line.counts.empty:
        st.info("No article has a date, so there is no timeline.")
        return
    counts = line.counts.assign(source=line.counts["source"].map(lambda s: safe.plot_label(s, 30)))
    totals = counts.groupby("source")["articles"].sum()
    order = sorted(totals.index, key=lambda s: (s == "other sources", -totals[s], s))  # largest first, the rest last
    fig = px.bar(counts, x="date", y="articles", color="source", title=None, category_orders={"source": order},
                 color_discrete_map=palette.colour_map(order, other="other sources"))
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=10, b=10), bargap=0.15, legend=palette.BOTTOM_LEGEND,
                      xaxis_title=None)
    if counts.groupby("date")["articles"].sum().max() <= 10:
        fig.update_yaxes(dtick=1)  # whole articles: no "1.5" tick
    fig.update_traces(hovertemplate=f"%{{x|{HOVER_DATES[line.period]}}}: %{{y}} articles<extra>%{{fullData.name}}</extra>")
    st.plotly_chart(fig, width="stretch", key="timeline")
    st.caption(f"Articles per {line.period}." + (f" {line.undated:,} articles without a date are not on the timeline."
                                                  if line.undated else ""))


FRAMES_BY_MAX_VALUES = 12  # a column with more values than this is not offered as a split
FRAMES_OVER_TIME_GROUPS = 6
PERIODS = ["auto", "day", "week", "month", "quarter", "year"]
ALL_ARTICLES = "all articles"  # the Split by choice of one panel


def frames_over_time(app: state.App) -> None:
    """Per outlet (or rating, or any short column): the share of each frame by day, week or month."""
    a = app.analysis
    docs = a.documents

    def splits(column: str) -> bool:
        """A column of a few plain values (bias, country), not one per article or a list (authors)."""
        values = docs[column].dropna()
        if column in ("source", "date", *groups_mod.NOT_OFFERED) or values.map(lambda v: isinstance(v, (list, dict))).any():
            return False
        return 2 <= values.nunique() <= min(FRAMES_BY_MAX_VALUES, len(docs) - 1)

    columns = ["source"] + [c for c in groups_mod.metadata_columns(a) if splits(c)]
    c1, c2 = st.columns([2, 1])
    choice = shell.bound_selectbox("Split by", [*columns, ALL_ARTICLES], "frames_by", where=c1,
                                   help="One panel per outlet (the largest), per value of another column, or one "
                                        "for all articles.")
    by = "all" if choice == ALL_ARTICLES else choice
    period = shell.bound_selectbox("Period", PERIODS, "period", where=c2,
                                   help=f"auto: the shortest period whose bars mostly rest on {tables.MIN_UNITS_PER_BAR} "
                                        f"{a.unit}s or more.")
    line = tables.frame_timeline(a, by, period, FRAMES_OVER_TIME_GROUPS, app.unit_mask())
    if line.shares.empty:
        st.info("No article has a date, so there is no timeline of frames.")
        return
    shares = line.shares.assign(
        panel=line.shares["group"].map(lambda g: safe.plot_label(g, 40)),
        frame_label=line.shares["frame"].map(lambda f: safe.plot_label(tables.frame_label(a, f), 40)))
    colours = {safe.plot_label(k, 40): v for k, v in palette.frame_colours(a).items()}
    panels = [safe.plot_label(g, 40) for g in line.groups]
    fig = px.bar(shares, x="date", y="share", color="frame_label", facet_row="panel", custom_data=["units"],
                 facet_row_spacing=min(0.06, 0.3 / len(panels)),
                 color_discrete_map=colours, category_orders={"panel": panels, "frame_label": list(colours)})
    fig.update_traces(hovertemplate=f"%{{x|{HOVER_DATES[line.period]}}}<br>%{{fullData.name}}: %{{y:.0%}} "
                                    "(%{customdata[0]} units)<extra></extra>")
    tops = [axis.domain[1] for axis in fig.select_yaxes()]

    def title_above(note) -> None:  # a panel's name over its panel, not across its bars
        top = min((t for t in tops if t >= note.y), default=note.y)
        note.update(text=note.text.split("=", 1)[-1], textangle=0, x=0.0, y=top, xanchor="left", yanchor="bottom",
                    font=dict(size=12))

    fig.for_each_annotation(title_above)
    fig.update_yaxes(tickformat=".0%", title=None, range=[0, 1], dtick=0.5)
    fig.update_xaxes(title=None)
    fig.update_layout(height=110 + 160 * len(panels), margin=dict(l=10, r=10, t=24, b=10), bargap=0.05,
                      legend=palette.BOTTOM_LEGEND)
    st.plotly_chart(fig, width="stretch", key="frames_over_time")
    notes = [f"Each bar: the share of the {a.unit}s published that {line.period} whose dominant frame is each frame "
             "(grey: no clear frame); hover for how many units a bar rests on."]
    if line.left_out:
        notes.append(f"{line.left_out:,} smaller group{'s are' if line.left_out != 1 else ' is'} not shown.")
    if line.undated:
        notes.append(f"{line.undated:,} {a.unit}s of undated articles are not counted.")
    st.caption(" ".join(notes))
    views.download(line.shares, "frames_over_time.csv", "Download frames over time (CSV)", key="dl_frames_time")


def heatmap(app: state.App) -> None:
    a = app.analysis
    if not a.frame_names:
        st.info("The frame lexicon has no frames.")
        return
    cells = tables.source_frame_cells(a, app.unit_mask())
    if cells.empty:
        st.info("No units to show.")
        return
    sources = list(dict.fromkeys(cells["source"]))[:30]
    frames = list(dict.fromkeys(cells["frame"]))
    grid = cells[cells["source"].isin(sources)].set_index(["source", "frame"])
    shares = grid["share"].unstack("frame").reindex(index=sources, columns=frames)
    units = grid["units"].unstack("frame").reindex(index=sources, columns=frames)
    base = grid["source_units"].unstack("frame").reindex(index=sources, columns=frames)
    thin = grid["thin"].unstack("frame").reindex(index=sources, columns=frames)
    # Each cell shows its share and count; a share resting on too few units is marked with an asterisk.
    # The count goes in the cell only while cells are wide enough to hold it (the hover always has it).
    text = (shares.map(lambda v: f"{v:.0%}")
            + ((" (" + units.astype(int).astype(str) + ")") if len(frames) <= HEATMAP_COUNTS_UP_TO else "")
            + thin.map(lambda t: "*" if t else ""))
    fig = px.imshow(
        shares.to_numpy(dtype=float),
        x=[safe.plot_label(a.frame_labels.get(f, f), 30) for f in frames],  # "none" has no label
        y=[safe.plot_label(s, 30) for s in sources],
        color_continuous_scale="Blues", aspect="auto", zmin=0, zmax=1,
        labels=dict(color="share"),
    )
    fig.update_traces(text=text.to_numpy(), texttemplate="%{text}", textfont=dict(size=10),
                      customdata=np.dstack([units.to_numpy(dtype=float), base.to_numpy(dtype=float)]),
                      hovertemplate="%{y}<br>%{x}: %{z:.0%} (%{customdata[0]:.0f} of %{customdata[1]:.0f})"
                                    "<extra></extra>")
    fig.update_layout(height=max(260, 40 + 28 * len(sources)), margin=dict(l=10, r=10, t=10, b=10))
    st.plotly_chart(fig, width="stretch", key="frame_heatmap")
    st.caption("Each cell: the share of the source's units whose dominant frame is that frame (\"none\": no "
               f"frame), with the number of units when the cell has room for it (the hover always has it). * marks a source with fewer than {tables.THIN_CELL_UNITS} units: "
               "its shares say little. At most 30 sources, the largest first.")
    views.download(cells, "source_frames.csv", "Download sources x frames (CSV)", key="dl_heat")


st.title("Overview")
st.caption("How different outlets frame the same event: articles, clusters of framing, frames by lexicon.")
corpus_controls()
app = state.app()
load_report(app.corpus_state)
views.analysis_notices(app.analysis)
advice = tables.lexicon_advice(app.analysis)
if advice:
    safe.render(safe.note_box([advice], "The frame lexicon and this corpus"))

a = app.analysis
c1, c2, c3, c4 = st.columns(4)
c1.metric("Articles", f"{len(a.documents):,}")
c2.metric("Sources", f"{a.documents['source'].nunique():,}")
c3.metric("Clusters", f"{len(a.clusters):,}")
c4.metric("Duplicate groups", f"{len(a.duplicate_groups):,}",
          help="Texts published more than once (wire copy, re-posts); each counts once in the analysis.")
if a.duplicate_groups:
    c4.page_link(COPIES_PAGE, label="See every copy and its original", icon=":material/content_copy:")
st.caption(f"Unit of analysis: {a.unit}s ({len(a.units):,}); clustering: {a.method}.")

# One view at a time: the articles table first; each chart is drawn when its tab is opened, so opening the
# app waits for no chart library (Plotly's took longer to load and draw than the rest of the page).
for tab, draw in zip(shell.bound_tabs(VIEWS, "overview"), (articles_table, timeline, heatmap, frames_over_time)):
    with tab:
        if tab.open:
            draw(app)

st.subheader("Everything as JSON")
st.download_button(
    "Download the whole analysis (JSON)",
    data=lambda: "".join(queries.analysis_json(a)),  # the text only, never the text and the whole object too
    file_name="framelens_analysis.json", mime="application/json", on_click="ignore", key="dl_json",
)
st.caption("The same shape as `python -m dashboard analyze`.")
