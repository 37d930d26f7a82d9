"""Framing clusters: a map of the units, one card per cluster, article profiles, similarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import frame_model, queries, tables
from dashboard.ui import palette, safe, shell, state, views

MAP_MAX_POINTS = 15_000  # more points make the browser slow; every n-th is drawn
PROFILE_MAX = 60
SIMILARITY_MAX = 60
COMPARE_PAGE = "dashboard/ui/compare.py"
SETTINGS_PAGE = "dashboard/ui/settings.py"

st.title("Framing clusters")
app = state.app()
a = app.analysis
docs = a.documents.set_index("id", drop=False)
views.analysis_notices(a)
labels = state.doc_labels(app.key, app.settings, a)
cluster_label = {c.id: c.label for c in a.clusters}

focus = shell.url_select(
    "Cluster", ["all"] + [str(c.id) for c in a.clusters], "cluster", default="all",
    format_func=lambda c: "all clusters" if c == "all" else f"{c} · {safe.truncate(cluster_label[int(c)], 80)}",
    help="Pick one cluster to see only its card and its points on the map.",
)
st.caption(f"{len(a.clusters)} clusters of {a.unit}s, numbered by size (1 = largest). Method: {a.method}.")

# ---------------------------------------------------------------- map
st.subheader("Map of the units")
mask = app.unit_mask()
points = state.map_points(app.key, app.settings, a)[mask]
if points.empty:
    st.info("No units match the sidebar's frame filter.")
else:
    spots = points[points["drawn"]] if mask.all() else points  # a frame filter breaks the stacks: draw each unit
    step = max(1, int(np.ceil(len(spots) / MAP_MAX_POINTS)))
    frame = spots.iloc[::step].copy()
    if step > 1:
        st.caption(f"Showing every {step}th of {len(spots):,} points to keep the map responsive.")
    if focus != "all":
        frame["cluster"] = frame["cluster"].where(frame["cluster_id"] == int(focus), "other clusters")
    frame["cluster"] = frame["cluster"].map(lambda s: safe.plot_label(s, 60))
    names = {c.id: safe.plot_label(f"{c.id} · {safe.truncate(c.label, 50)}", 60) for c in a.clusters}
    colours = {names[c.id]: palette.cluster_colour(c.id) for c in a.clusters} | {"other clusters": palette.OTHER}
    base = 8 if len(frame) <= 1000 else 5
    stacked = frame["stacked"] if mask.all() else pd.Series(1, index=frame.index)
    frame["size"] = base * np.sqrt(np.minimum(stacked.to_numpy(), 25))  # area grows with the units on a spot
    fig = px.scatter(frame, x="x", y="y", color="cluster", size="size", size_max=base * 5,
                     custom_data=["doc_id", "unit", "hover"], render_mode="webgl" if len(frame) > 3000 else "svg",
                     color_discrete_map=colours, category_orders={"cluster": [*names.values(), "other clusters"]})
    fig.update_traces(hovertemplate="%{customdata[2]}<extra></extra>",
                      marker=dict(sizemode="diameter", sizeref=1, opacity=0.65, line=dict(width=0.5, color="white")))
    fig.update_layout(height=560, margin=dict(l=10, r=10, t=10, b=10), legend=palette.BOTTOM_LEGEND,
                      xaxis=dict(showticklabels=False, title=None), yaxis=dict(showticklabels=False, title=None))
    event = st.plotly_chart(fig, width="stretch", key="cluster_map", on_select="rerun", selection_mode=("points",))
    picked = views.first_selected(event, lambda doc_id: doc_id in docs.index)
    if picked is not None and st.session_state.get("_fl_map_pick") != picked:
        st.session_state["_fl_map_pick"] = picked
        st.session_state["doc"] = picked  # before the selectbox below is drawn
    st.caption("Each point is a unit; nearby points use similar words. A larger point is several units on one "
               "spot (copies, near-copies): its hover says how many. Click a point to open its article below.")

# ---------------------------------------------------------------- opened article
st.subheader("Open an article")
doc_options = [""] + list(a.documents["id"])
opened = shell.url_select("Article", doc_options, "doc", default="",
                          format_func=lambda d: "— choose an article or click a point —" if not d else labels[d])
if opened:
    row = docs.loc[opened]
    st.text(f"{row['source']} · {state.date_text(row['date'])} · {row['title']}")
    parts = tables.article_units(a, opened)
    st.dataframe(parts.drop(columns="text"), hide_index=True, width="stretch")
    # The text itself in full and wrapped (a table cell would cut it off): what a reader quotes from.
    with st.container(height=min(520, 140 + 90 * len(parts)), border=True):
        for _, part in parts.iterrows():
            if len(parts) > 1:
                st.caption(f"Passage {part['passage']} · {part['frame']}")
            st.text(part["text"])
    with st.expander("Why these frames"):
        reasons = tables.frame_reasons(a, opened)
        if reasons.empty:
            st.text(f"No passage of this article carries a frame (no score reaches {frame_model.SCORE_THRESHOLD}).")
        else:
            st.caption("For each passage, every frame it carries, its score, and what the score rests on: lexicon "
                       "terms found (weight: occurrences) and the words the frame's model learnt from this corpus "
                       "(weight: coefficient × TF-IDF; positive raises the score, negative lowers it).")
            reasons["frame"] = reasons["frame"].map(lambda f: tables.frame_label(a, f))
            st.dataframe(reasons, hide_index=True, width="stretch",
                         column_config={"score": st.column_config.NumberColumn(format="%.2f"),
                                        "weight": st.column_config.NumberColumn(format="%.3f")})
        evidence = tables.frame_evidence(a, opened)
        st.caption("The lexicon terms found, sentence by sentence:")
        if evidence.empty:
            st.text("No lexicon term of any frame occurs in this article.")
        else:
            evidence["frame"] = evidence["frame"].map(lambda f: tables.frame_label(a, f))
            st.dataframe(evidence, hide_index=True, width="stretch")
    removed = a.removed.get(opened, [])
    with st.expander(f"Removed by cleaning ({len(removed)})"):
        st.caption("Text taken out before analysis (ads, notices, credits, captions, links, headers). "
                   "Nothing is edited silently: every removal is listed here.")
        if removed:
            st.dataframe(pd.DataFrame([{"kind": r.kind, "text": r.text} for r in removed]),
                         hide_index=True, width="stretch")
    if st.button("Compare it on Side by side (as article A)", key="open_compare"):
        st.switch_page(COMPARE_PAGE, query_params={"a": opened})

# ---------------------------------------------------------------- cluster cards
st.subheader("Clusters")
shown_clusters = [c for c in a.clusters if focus == "all" or str(c.id) == focus]
reach = tables.cluster_reach(a).set_index("cluster")
if len(a.stories) > 1:
    st.caption(f"The corpus holds {len(a.stories):,} stories. "
               + ("Each story's own names and events were taken out before clustering, so a cluster groups a way "
                  "of telling stories; one made mostly of one story is marked." if a.settings.remove_story_content
                  else "Clustered on all words, so clusters may be single stories or topics."))
cols = st.columns(2)
for i, c in enumerate(shown_clusters):
    with cols[i % 2].container(border=True):
        st.markdown(f"**Cluster {c.id}** · {c.size:,} {a.unit}s")
        safe.render(f'<div style="font-weight:600">{safe.esc(c.label)}</div>'
                    f'<div style="margin-top:4px">{safe.chips(c.top_terms)}</div>')
        st.text(tables.cluster_frame_note(a, c.id))  # text: a user's lexicon labels are not markdown
        st.caption("Sources (units):")
        st.text(", ".join(f"{s} ({n})" for s, n in list(c.sources.items())[:8])
                + (f", … {len(c.sources) - 8} more" if len(c.sources) > 8 else ""))
        r = reach.loc[c.id]
        if len(a.stories) > 1:
            st.caption("Stories:")
            story_text = (f"draws from {int(r['stories']):,} stories and {int(r['outlets']):,} outlets; largest: "
                          f"{safe.truncate(str(r['largest_story_label']), 90)} ({r['largest_story_share']:.0%})")
            if r["mostly_one_story"]:
                story_text = f"MOSTLY ONE STORY: {story_text}"
            st.text(story_text)
        st.caption("Representative passages:" if focus != "all" else
                   "Representative passages (the start of each; choose this cluster above to read them whole):")
        reps = tables.representative_units(a, c.id, 5 if focus != "all" else 2)
        for source, text in zip(reps["source"], reps["text"]):
            st.text(f"[{source}] {text if focus != 'all' else safe.truncate(text, 320)}")
views.download(tables.cluster_table(a), "clusters.csv", "Download clusters (CSV)", key="dl_clusters")
st.page_link(SETTINGS_PAGE, label="Frames the corpus suggests: what sets each cluster apart that the lexicon lacks",
             icon=":material/lightbulb:")

# ---------------------------------------------------------------- profiles
st.subheader("Framing profile of each article")
profile_by = shell.bound_selectbox("Profile by", list(queries.PROFILE_KINDS), "profile",
                                   help="The share of the article's units in each cluster, or whose dominant frame "
                                        "is each frame (\"none\": no clear frame). The same numbers as `profile` in "
                                        "the analyze JSON.")
doc_mask = app.doc_mask()
profile_docs = a.documents[doc_mask].head(PROFILE_MAX)
if len(a.documents[doc_mask]) > PROFILE_MAX:
    st.caption(f"The first {PROFILE_MAX} of {int(doc_mask.sum()):,} articles; narrow the sidebar filters to see others.")
if a.unit == "article":
    st.caption("With articles as the unit, each article is one unit: its profile is its cluster or its frame. "
               "Choose passages in the sidebar to see how the parts of an article differ.")
short = {d: safe.plot_label(f"{i + 1}. {labels[d]}", 60) for i, d in enumerate(profile_docs["id"])}
profile = queries.framing_profiles(a, profile_by, list(profile_docs["id"]))
shares = (profile.rename_axis(index="doc_id", columns="part").reset_index()
          .melt(id_vars="doc_id", value_name="share"))
shares = shares[shares["share"] > 0]
part_name = ((lambda c: f"{c} · {cluster_label.get(c, c)}") if profile_by == "cluster"
             else (lambda f: tables.frame_label(a, f)))
shares["part"] = shares["part"].map(lambda p: safe.plot_label(part_name(p), 50))
shares["article"] = shares["doc_id"].map(short)
if not shares.empty:
    if profile_by == "cluster":
        parts = {c.id: safe.plot_label(part_name(c.id), 50) for c in a.clusters}
        colours = {parts[c.id]: palette.cluster_colour(c.id) for c in a.clusters}  # as on the map
    else:
        colours = {safe.plot_label(label, 50): hue for label, hue in palette.frame_colours(a).items()}
    fig = px.bar(shares, x="share", y="article", color="part", orientation="h", color_discrete_map=colours,
                 category_orders={"article": [short[d] for d in profile_docs["id"]], "part": list(colours)})
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x:.0%}<extra></extra>")
    fig.update_layout(height=max(300, 120 + 24 * len(profile_docs)), margin=dict(l=10, r=10, t=10, b=10),
                      xaxis=dict(tickformat=".0%", title=None), yaxis=dict(title=None), legend=palette.BOTTOM_LEGEND)
    st.plotly_chart(fig, width="stretch", key="profiles")

# ---------------------------------------------------------------- similarity
st.subheader("How alike the articles are")
sim_ids = list(a.documents[doc_mask]["id"].head(SIMILARITY_MAX))
if len(a.documents[doc_mask]) > SIMILARITY_MAX:
    st.caption(f"The first {SIMILARITY_MAX} of {int(doc_mask.sum()):,} articles; narrow the sidebar filters to see others.")
if len(sim_ids) >= 2:
    sims = queries.document_similarity(a, sim_ids)
    ticks = [safe.plot_label(f"{i + 1}. {labels[d]}", 40) for i, d in enumerate(sim_ids)]
    fig = go.Figure(go.Heatmap(z=sims.to_numpy(), x=ticks, y=ticks, colorscale="Blues", zmin=0, zmax=1,
                               hovertemplate="%{y}<br>%{x}<br>cosine %{z:.2f}<extra></extra>"))
    fig.update_layout(height=max(320, 60 + 18 * len(sim_ids)), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed"), xaxis=dict(showticklabels=len(sim_ids) <= 20))
    st.plotly_chart(fig, width="stretch", key="similarity")
    st.caption("Cosine similarity of the articles' average TF-IDF vectors: 1 means the same words in the same "
               "proportions. Syndicated copies show up as dark squares off the diagonal.")
    out = sims.copy()
    out.insert(0, "id", out.index)
    views.download(out, "similarity.csv", "Download similarities (CSV)", key="dl_sims")
