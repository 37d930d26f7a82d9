"""Settings: TF-IDF options, the frame lexicon and the alias table (kept in the session and its saved workspace)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard import aliases as aliases_mod
from dashboard import frame_suggestions as suggestions_mod
from dashboard import frames as frames_mod
from dashboard import lexicons
from dashboard import tables
from dashboard.errors import FramelensError
from dashboard.ui import safe, state

LEXICON_ERROR = "fl_lexicon_error"
LEXICON_WARNINGS = "fl_lexicon_warnings"
ALIAS_TEXT = "fl_alias_text"
ALIAS_ERRORS = "fl_alias_errors"
CHOOSER = "fl_lexicon_chooser"
SUGGESTION_PICK = "fl_suggestion"
SUGGESTION_ADDED = "fl_suggestion_added"  # (label, key, warnings) of the frame just added from a suggestion
SUGGESTION_ERROR = "fl_suggestion_error"


def _analysis_or_none() -> state.App | None:
    """This run's analysis, or None after app() has said why there is none (the options stay editable)."""
    try:
        return state.app()
    except state.Halt:
        return None


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
        "in shared links. The options here are saved with your workspace when you change them, so the "
        "\"Copy link\" box's link carries them too.", icon=":material/info:")
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
    remove_story = st.checkbox("Cluster ways of telling, not stories: take each story's own names and events "
                               "out of its units before clustering",
                               value=tuning.get("remove_story_content", defaults.remove_story_content),
                               help="On a corpus of many stories, plain word clusters are the stories or their "
                                    "topics. With this on, what is left after each story's shared words are "
                                    "taken out is clustered: angle, emphasis, wording. A corpus of one story is "
                                    "clustered the same either way.")
    if st.form_submit_button("Apply"):
        words = tuple(sorted({w.lower() for w in re.split(r"[\s,;]+", stop_text) if w.strip()}))
        _store(ngram_max=ngram, min_df=int(min_df) or None, max_df=float(max_df) or None,
               extra_stop_words=words, collapse_duplicates=collapse, frame_weight=round(frame_weight, 2),
               remove_story_content=remove_story)
        st.rerun()

# ---------------------------------------------------------------- frame lexicon
st.subheader("Frame lexicon")
st.caption("Frames are lists of words and phrases (TOML: [frames.name] with label, description, terms). "
           "A trailing * matches word beginnings. Bundled: crisis (one crisis, unrest or intervention), policy "
           "(the 14 frames of the Policy Frames Codebook) and news (the five generic news frames); auto uses the "
           "one whose words frame the most of this corpus. How it works describes them.")
user_toml = st.session_state.get(state.USER_LEXICON)
custom_in_use = tuning.get("frames_toml") is not None
CUSTOM = lexicons.CUSTOM
options = list(lexicons.CHOICES) + ([CUSTOM] if user_toml is not None else [])
chooser_labels = {lexicons.AUTO: "auto: the bundled lexicon that covers this corpus best", CUSTOM: "your own lexicon (below)",
                  "crisis": "crisis", "policy": "policy: Policy Frames Codebook (14 frames)",
                  "news": "news: generic news frames (5 frames)"}


def _choose() -> None:
    """The chooser's on_change: a bundled choice replaces the user's lexicon in use (kept to switch back)."""
    picked = st.session_state[CHOOSER]
    if picked == CUSTOM:
        _store(frames_toml=st.session_state.get(state.USER_LEXICON))
    else:
        _store(frames_toml=None)
        st.session_state[state.LEXICON] = picked


st.session_state[CHOOSER] = CUSTOM if custom_in_use else state.lexicon_choice()  # follows the URL and the editor
st.selectbox("Lexicon in use", options, key=CHOOSER, on_change=_choose,
             format_func=chooser_labels.get,
             help="The choice of a bundled lexicon travels in shared links (parameter `lexicon`); your own "
                  "travels in the saved workspace the link names (parameter `ws`).")

app = _analysis_or_none()
if app is not None:
    a = app.analysis
    st.caption(a.lexicon_reason)
    st.download_button("Export the lexicon in use (TOML)", data=a.lexicon_toml.encode("utf-8"),
                       file_name=f"framelens_{a.lexicon}.toml", mime="application/toml", on_click="ignore",
                       key="dl_lexicon", icon=":material/download:")
    st.dataframe(pd.DataFrame([{"frame": f.name, "label": f.label, "description": f.description,
                                "terms": ", ".join(f.terms)} for f in a.frames]),
                 hide_index=True, width="stretch")

st.caption("To write your own, edit the lexicon in use here and apply it. An invalid lexicon is not applied: "
           "the previous one stays in use.")
editor_text = tuning.get("frames_toml") or (app.analysis.lexicon_toml if app is not None else None) \
    or lexicons.lexicon_text("crisis")
with st.form("fl_lexicon_form"):
    text = st.text_area("Lexicon (TOML)", value=editor_text, height=360)
    b1, b2 = st.columns(2)
    apply_lexicon = b1.form_submit_button("Apply the lexicon")
    reset_lexicon = b2.form_submit_button("Back to the bundled lexicons")
if apply_lexicon:
    try:
        _frames, warnings = frames_mod.load_frames(text)
    except FramelensError as exc:
        st.session_state[LEXICON_ERROR] = str(exc)
    else:
        st.session_state.pop(LEXICON_ERROR, None)
        st.session_state[LEXICON_WARNINGS] = warnings
        same_as = next((n for n in lexicons.BUNDLED if lexicons.lexicon_text(n).strip() == text.strip()), None)
        if same_as is not None:  # unedited: that bundled lexicon by name, so it travels in links
            st.session_state[state.LEXICON] = same_as
            _store(frames_toml=None)
        else:
            st.session_state[state.USER_LEXICON] = text
            _store(frames_toml=text)
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

# ---------------------------------------------------------------- frames the corpus suggests
st.subheader("Frames the corpus suggests")
added = st.session_state.pop(SUGGESTION_ADDED, None)
if added is not None:
    added_label, added_key, added_warnings = added
    st.success("Added the new frame to the lexicon in use, and the analysis was run again with it. Download "
               "the lexicon below, or edit it above.", icon=":material/check:")
    st.text(f"{added_label} (key: {added_key})")  # the user's own words: text, not markdown
    if added_warnings:
        safe.render(safe.note_box(added_warnings, "Notes on its terms"))
if app is not None:
    a = app.analysis
    if added is not None:
        st.download_button("Download the lexicon with the new frame (TOML)", data=a.lexicon_toml.encode("utf-8"),
                           file_name="framelens_lexicon.toml", mime="application/toml", on_click="ignore",
                           key="dl_lexicon_suggested", icon=":material/download:")
    suggestions = state.frame_suggestions(app.key, app.settings, a)
    st.caption("Words that set a framing cluster apart from the other passages of the same stories, and that the "
               "lexicon in use does not have (names left out): a way of telling the stories the lexicon may lack. "
               "Read the examples, name the frame, edit its terms, and add it to the lexicon in use.")
    if not suggestions:
        st.text(suggestions_mod.no_suggestion_reason(a))
    else:
        by_key = {sug.key: sug for sug in suggestions}

        def _suggestion_name(key: str) -> str:
            sug = by_key[key]
            named = ("not named after a frame" if sug.named_after == frames_mod.NO_FRAME
                     else f"named after {tables.frame_label(a, sug.named_after)}")
            return f"Cluster {sug.cluster} ({named}): {safe.truncate(', '.join(sug.term_list[:4]), 60)}"

        if st.session_state.get(SUGGESTION_PICK) not in by_key:
            st.session_state.pop(SUGGESTION_PICK, None)
        pick = st.selectbox("Suggestion", list(by_key), key=SUGGESTION_PICK, format_func=_suggestion_name)
        sug = by_key[pick]
        st.caption(f"Cluster {sug.cluster}'s {sug.units:,} {a.unit}s against the other {sug.rest_units:,} of the "
                   f"{sug.stories:,} stories it shares with other clusters: z says how surely the cluster uses a "
                   "term more (1.96 and above: unlikely to be chance).")
        st.dataframe(pd.DataFrame([{"term": t.term, "z": round(t.z, 2), f"in cluster {sug.cluster}": t.count_cluster,
                                    "in the rest of its stories": t.count_rest} for t in sug.terms]),
                     hide_index=True, width="stretch")
        st.caption("Example passages (those using the most of these terms):")
        for ex in sug.examples:
            st.text(f"[{ex.source} · {safe.truncate(ex.title, 80)}] uses: {', '.join(ex.terms)}\n"
                    f"{safe.truncate(ex.text, 600)}")
        with st.form(f"fl_suggestion_form_{sug.key}"):
            name = st.text_input("Name of the new frame", value=sug.label)
            description = st.text_input("Description (what the frame says the events are)", value=sug.description)
            terms_text = st.text_area("Its terms, one per line (a trailing * matches word beginnings)",
                                      value="\n".join(sug.term_list), height=200)
            if st.form_submit_button("Add it to the lexicon in use"):
                try:
                    toml_text, key, term_warnings = suggestions_mod.add_frame(
                        a.lexicon_toml, name, terms_text.splitlines(), description)
                except suggestions_mod.SuggestionError as exc:
                    st.session_state[SUGGESTION_ERROR] = str(exc)
                else:
                    st.session_state.pop(SUGGESTION_ERROR, None)
                    st.session_state[state.USER_LEXICON] = toml_text
                    _store(frames_toml=toml_text)
                    st.session_state[SUGGESTION_ADDED] = (" ".join(name.split()), key, term_warnings)
                    st.rerun()
        if st.session_state.get(SUGGESTION_ERROR):
            st.error("The frame was not added:")
            st.text(st.session_state[SUGGESTION_ERROR])

# ---------------------------------------------------------------- aliases
st.subheader("Name variants (aliases)")
st.caption("Spellings of one name are merged before counting (e.g. Tokaev → tokayev). Detected merges apply "
           "automatically; your table adds merges, or removes one with 'variant -> -'.")
with st.form("fl_alias_form"):
    alias_text = st.text_area("Your alias table: one 'variant -> canonical' (or 'variant,canonical') per line",
                              value=st.session_state.get(ALIAS_TEXT)
                              or "\n".join(f"{v} -> {c}" for v, c in tuning.get("aliases", ())), height=120)
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

if app is None:
    st.caption("The merges in effect are shown once the corpus can be analysed.")
    state.halt()
merges = tables.alias_table(app.analysis)
if merges.empty:
    st.caption("No name variants are merged in this corpus.")
else:
    st.caption("The merges in effect, with the evidence detection found for each when the analysis ran.")
    st.dataframe(merges, hide_index=True, width="stretch")
