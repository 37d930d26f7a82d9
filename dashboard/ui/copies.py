"""Copies: every group of articles that publish one text, with a link to put each copy beside its original."""

from __future__ import annotations

import math

import streamlit as st

from dashboard import tables
from dashboard.ui import safe, state, views

COMPARE_PAGE = "dashboard/ui/compare.py"
GROUPS_PER_PAGE = 20

st.title("Copies")
st.caption("Articles that publish one text more than once: syndicated wire copy, re-posts, lightly edited versions. "
           "They count once in the clusters and key terms, so an outlet that reprints a story does not frame it twice.")
app = state.app()
a = app.analysis
table = tables.copy_table(a)
if table.empty:
    st.info("No article in this corpus is a copy of another: every text was published once.")
    state.halt()

groups = list(dict.fromkeys(table["group"]))
copies = table[table["role"] == "copy"]
m1, m2, m3 = st.columns(3)
m1.metric("Duplicate groups", f"{len(groups):,}")
m2.metric("Copies", f"{len(copies):,}", help="Articles in a group that are not its original.")
m3.metric("Outlets involved", f"{table['source'].nunique():,}")
st.caption("Original: the earliest-dated article of a group (the first in the corpus when dates tie or are missing). "
           "Originality: the share of an article's text found in no other article of the corpus.")
views.download(table, "copies.csv", "Download every group (CSV)", key="dl_copies")

pages = math.ceil(len(groups) / GROUPS_PER_PAGE)
first = 0
if pages > 1:
    spans = [f"groups {i * GROUPS_PER_PAGE + 1}–{min((i + 1) * GROUPS_PER_PAGE, len(groups))}" for i in range(pages)]
    first = spans.index(st.selectbox("Show", spans, key="copies_span")) * GROUPS_PER_PAGE

for number in groups[first:first + GROUPS_PER_PAGE]:
    members = table[table["group"] == number].reset_index(drop=True)
    members["role"] = ["original"] + [f"copy {i}" for i in range(1, len(members))]
    with st.container(border=True):
        st.markdown(f"**Group {int(number)}** · {len(members)} articles · "
                    f"{members['source'].nunique()} outlet{'s' if members['source'].nunique() != 1 else ''}")
        safe.render(safe.copy_group_table(members))
        links = st.columns(min(len(members) - 1, 4))
        for i, row in enumerate(members.iloc[1:].itertuples(index=False)):
            links[i % len(links)].page_link(
                COMPARE_PAGE, label=f"Side by side: original and {row.role}", icon=":material/view_column:",
                query_params={"a": row.original, "b": row.id},
            )
