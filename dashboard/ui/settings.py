"""Settings: TF-IDF options, the frame lexicon and the alias table (kept for this session)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import aliases as aliases_mod
from dashboard import frames as frames_mod
from dashboard import tables
from dashboard.errors import FramelensError
from dashboard.ui import safe, state

LEXICON_ERROR = "fl_lexicon_error"
LEXICON_WARNINGS = "fl_lexicon_warnings"
ALIAS_TEXT = "fl_alias_text"
ALIAS_ERRORS = "fl_alias_errors"


def _store(**fields) -> None:
    """Replace some Settings fields; a field back at its default is dropped (keeps links honest)."""
    tuning = dict(st.session_state.get(state.TUNING, {}))
    defaults = state.Settings()
    for name, value in fields.items():
        if value == getattr(defaults, name):
            tuning.pop(name, None)
        else:
            tuning[name] = value
    st.session_state[state.TUNING] = tuning


st.title("Settings")
st.info("Unit of analysis, clustering method and number of clusters are in the sidebar, so that they travel "
        "in shared links. The options here apply to your session only.", icon=":material/info:")
tuning = st.session_state.get(state.TUNING, {})
defaults = state.Settings()

# ---------------------------------------------------------------- TF-IDF
st.subheader("Words and phrases (TF-IDF)")
with st.form("fl_tfidf_form"):
    c1, c2, c3 = st.columns(3)
    ngram = c1.selectbox("Longest phrase counted", [1, 2, 3], index=[1, 2, 3].index(tuning.get("ngram_max", 2)),
                         format_func=lambda n: f"{n} word{'s' if n > 1 else ''}")
    min_df = c2.number_input("Ignore terms in fewer than N units (0 = automatic)", min_value=0, max_value=10_000,
                             value=int(tuning.get("min_df") or 0), step=1)
    max_df = c3.number_input("Ignore terms in more than this share of units (0 = automatic)", min_value=0.0,
                             max_value=1.0, value=float(tuning.get("max_df") or 0.0), step=0.05, format="%.2f")
    stop_text = st.text_area("Extra stop words (separated by spaces, commas or new lines)",
                             value=" ".join(tuning.get("extra_stop_words", ())), height=80)
    collapse = st.checkbox("Leave syndicated copies out of clustering and key terms",
                           value=tuning.get("collapse_duplicates", defaults.collapse_duplicates))
    frame_weight = st.slider("Weight of the frame profile in clustering (0 = words only)", 0.0, 1.0,
                             value=float(tuning.get("frame_weight", defaults.frame_weight)), step=0.1,
                             help="Units are clustered on the words they share plus their frame scores; "
                                  "a higher weight groups passages that frame the event alike.")
    if st.form_submit_button("Apply"):
        words = tuple(sorted({w.lower() for w in re.split(r"[\s,;]+", stop_text) if w.strip()}))
        _store(ngram_max=ngram, min_df=int(min_df) or None, max_df=float(max_df) or None,
               extra_stop_words=words, collapse_duplicates=collapse, frame_weight=round(frame_weight, 2))
        st.rerun()

# ---------------------------------------------------------------- frame lexicon
st.subheader("Frame lexicon")
st.caption("Frames are lists of words and phrases (TOML: [frames.name] with label, description, terms). "
           "A trailing * matches word beginnings. An invalid lexicon is not applied: the previous one stays in use.")
bundled = frames_mod.BUNDLED_LEXICON.read_text(encoding="utf-8")
current_toml = tuning.get("frames_toml") or bundled
with st.form("fl_lexicon_form"):
    text = st.text_area("Lexicon (TOML)", value=current_toml, height=360)
    b1, b2 = st.columns(2)
    apply_lexicon = b1.form_submit_button("Apply the lexicon")
    reset_lexicon = b2.form_submit_button("Back to the bundled lexicon")
if apply_lexicon:
    try:
        _frames, warnings = frames_mod.load_frames(text)
    except FramelensError as exc:
        st.session_state[LEXICON_ERROR] = str(exc)
    else:
        st.session_state.pop(LEXICON_ERROR, None)
        st.session_state[LEXICON_WARNINGS] = warnings
        _store(frames_toml=None if text.strip() == bundled.strip() else text)
        st.rerun()
if reset_lexicon:
    st.session_state.pop(LEXICON_ERROR, None)
    st.session_state.pop(LEXICON_WARNINGS, None)
    _store(frames_toml=None)
    st.rerun()
if st.session_state.get(LEXICON_ERROR):
    st.error("That lexicon was not applied; the previous one is still in use. The problem:")
    st.code(st.session_state[LEXICON_ERROR], language=None, wrap_lines=True)
if st.session_state.get(LEXICON_WARNINGS):
    safe.render(safe.note_box(st.session_state[LEXICON_WARNINGS], "Applied, with these notes"))
frames, _ = frames_mod.load_frames(tuning.get("frames_toml"))
st.dataframe(pd.DataFrame([{"frame": f.name, "label": f.label, "description": f.description,
                            "terms": ", ".join(f.terms)} for f in frames]),
             hide_index=True, width="stretch")

# ---------------------------------------------------------------- aliases
st.subheader("Name variants (aliases)")
st.caption("Spellings of one name are merged before counting (e.g. Tokaev → tokayev). Detected merges apply "
           "automatically; your table adds merges, or removes one with 'variant -> -'.")
with st.form("fl_alias_form"):
    alias_text = st.text_area("Your alias table: one 'variant -> canonical' (or 'variant,canonical') per line",
                              value=st.session_state.get(ALIAS_TEXT, ""), height=120)
    if st.form_submit_button("Apply the alias table"):
        pairs, errors = aliases_mod.parse_alias_table(alias_text)
        try:
            aliases_mod.merge_tables([], pairs)
        except FramelensError as exc:  # a cycle or an empty variant
            errors = [*errors, str(exc)]
            pairs = None
        st.session_state[ALIAS_TEXT] = alias_text
        st.session_state[ALIAS_ERRORS] = errors
        if pairs is not None:
            _store(aliases=tuple(pairs))
        st.rerun()
if st.session_state.get(ALIAS_ERRORS):
    safe.render(safe.note_box(st.session_state[ALIAS_ERRORS],
                              "These lines were not used (the rest of the table was applied)"))

app = state.app()
merges = tables.alias_table(app.analysis)
if merges.empty:
    st.caption("No name variants are merged in this corpus.")
else:
    st.caption("The merges in effect, with the evidence detection found for each when the analysis ran.")
    st.dataframe(merges, hide_index=True, width="stretch")
