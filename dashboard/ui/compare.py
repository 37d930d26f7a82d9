"""Side by side: two articles aligned sentence by sentence, what they share and what is their own."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import alignment, keyterms, queries, tables
from dashboard.errors import FramelensError
from dashboard.ui import safe, shell, state, views

HIGHLIGHT_PER_SIDE = 15

st.title("Side by side")
st.caption("Each sentence of one article is matched with the sentence of the other that copies it or reports the "
           "same fact, weighing shared words, names and numbers by how rare they are. Inside a matched pair, the "
           "words one sentence has and the other lacks are marked: how each outlet tells the shared fact. "
           "Sentences without a match are where the two articles part ways.")
app = state.app()
a = app.analysis
docs = a.documents.set_index("id", drop=False)
labels = state.doc_labels(app.key, app.settings, a)
ids = list(a.documents["id"])

c1, c2 = st.columns(2)
a_id = shell.url_select("Article A", ids, "a", default=ids[0], format_func=labels.get, where=c1)
b_default = ids[1] if a_id != ids[1] else ids[0]
b_id = shell.url_select("Article B", ids, "b", default=b_default, format_func=labels.get, where=c2)
if a_id == b_id:
    st.warning("Choose two different articles.")
    state.halt()

try:
    al = state.alignment(app.key, app.settings, a_id, b_id, a)
except FramelensError as exc:
    st.error("These two articles cannot be aligned:")
    st.text(str(exc))
    state.halt()

row_a, row_b = docs.loc[a_id], docs.loc[b_id]
m1, m2, m3, m4 = st.columns(4)
m1.metric("Shared text", f"{al.similarity:.0%}", help="Share of both articles' characters in matched sentences.")
m2.metric("Vocabulary cosine", f"{al.cosine:.2f}", help="How alike their words are, ignoring sentence order.")
kinds = al.match_kinds()
m3.metric("Matched sentence pairs", f"{len(al.matches):,}",
          help=f"{kinds[alignment.COPY]:,} copies (nearly the same words), {kinds[alignment.SAME_FACT]:,} reporting "
               f"the same fact and {kinds[alignment.RELATED]:,} related statements (same story, less shared).")
m4.metric("Sentences only in A / only in B", f"{len(al.unique_a)} / {len(al.unique_b)}")
st.caption((f"Both articles are on the same story, so sentences scoring {al.threshold:.2f} or more are matched: "
             f"from {alignment.DEFAULT_THRESHOLD:.2f} a same fact, below it a related statement (read, such pairs are "
             "mostly other statements on the same point of the story)." if al.same_story else
            f"The articles are not on one story: a same-fact match needs a score of at least {al.threshold:.2f}."))
group_a, group_b = row_a["dup_group"], row_b["dup_group"]
if pd.notna(group_a) and group_a == group_b:
    safe.render(safe.badge(f"Duplicate group {int(group_a)}: one text published more than once"))

h1, h2 = st.columns(2)
for where, row, tag in ((h1, row_a, "A"), (h2, row_b, "B")):
    with where:
        st.markdown(f"**Article {tag}**")
        st.text(f"{row['source']} · {state.date_text(row['date'])}\n{row['title']}")

# Highlights: the pair's most distinctive terms per side over the frame lexicon's matches.
marks = tables.side_by_side_marks(a, al, HIGHLIGHT_PER_SIDE)
pair_stop_words = queries.pair_stop_words(a, a_id, b_id)  # the words the alignment read the pair with
rows = tables.side_by_side_rows(al)


def cell(text: str | None, differs: str | None) -> str | None:
    """A sentence with the page's marks, and the words its matched sentence lacks marked over them."""
    if text is None:
        return None
    own = {word: "differs" for word in differs.split(", ")} if differs else {}
    return safe.highlight(text, {**marks, **own}, a.aliases, pair_stop_words)


safe.render(safe.legend())
safe.render(safe.aligned_table(
    [(cell(r.a_sentence, r.only_a), cell(r.b_sentence, r.only_b), r.label, r.kind)
     for r in rows.itertuples(index=False)],
    f"A: {safe.truncate(row_a['source'], 40)}", f"B: {safe.truncate(row_b['source'], 40)}"))
views.download(rows, "alignment.csv", "Download the alignment (CSV)", key="dl_alignment")

st.subheader("Words that set them apart")
cols = ["term", "z", "count_a", "count_b", "significant"]
config = {"z": st.column_config.NumberColumn("z", format="%.2f"), "count_a": "count in A", "count_b": "count in B"}
d1, d2 = st.columns(2)
with d1:
    st.markdown("**More in A**")
    st.dataframe(keyterms.top_terms(al.distinctive, 20, "a")[cols], hide_index=True, width="stretch",
                 column_config=config)
with d2:
    st.markdown("**More in B**")
    st.dataframe(keyterms.top_terms(al.distinctive, 20, "b")[cols], hide_index=True, width="stretch",
                 column_config=config)
views.download(al.distinctive, "pair_terms.csv", "Download every term (CSV)", key="dl_pair_terms")
