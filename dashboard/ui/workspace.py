"""The session's saved workspace: opened from a link's `ws` parameter, saved whenever the session changes it.

What a URL cannot carry (an upload, pasted articles, corrections, the
Settings page's options) is saved by dashboard.workspaces under a random
key, and the share link carries `ws=<key>`. Saving happens once per change,
at the end of a run (shell.share_link), by comparing a fingerprint of those
parts with the one last saved, so no upload, paste, correction or Settings
form has to remember to save.

A workspace this session created is updated in place (its link shows the
latest state); one opened from someone else's link is copied to a new key on
the first change, so a recipient never rewrites the sender's workspace. A
store that cannot be used leaves the session working on its own copy, with
the reason in the link box.
"""

from __future__ import annotations

import hashlib
import json
import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard import lexicons
from dashboard.loading import corpus_hash
from dashboard.models import Corpus, Settings
from dashboard.workspaces import (SETTINGS, SavingDisabled, StoreConfig, Workspace, WorkspaceError,
                                  WorkspaceNotFound, WorkspaceStore, encode_options)
from dashboard.ui import state

PARAM = "ws"  # the URL parameter (see shell.URL_KEYS)
KEY = "fl_workspace"  # the key of the workspace holding this session's state, or absent
OWNED = "fl_ws_owned"  # key -> (corpus kind, base hash) of the workspaces this session created
SAVED = "fl_ws_saved"  # fingerprint of what was last saved, or tried (a failure is not retried every rerun)
PROBLEM = "fl_ws_problem"  # why the last save failed, for the link box
CHECKED = "_fl_ws_checked"  # the link's `ws` was handled for this session


def config() -> tuple[StoreConfig, list[str]]:
    """The store's configuration from the environment and .streamlit/secrets.toml, and settings it could not use."""
    try:
        secrets = {name: st.secrets.get(name) for name in SETTINGS}
    except StreamlitSecretNotFoundError:
        secrets = {}  # no secrets file: local use
    return StoreConfig.from_settings(os.environ, secrets)


def session_options() -> dict[str, object]:
    """The Settings-page options of this session as Settings fields (the lexicon choice among them)."""
    options = dict(st.session_state.get(state.TUNING, {}))
    choice = state.lexicon_choice()
    if choice != Settings().lexicon:
        options["lexicon"] = choice
    return options


def _fingerprint(cs: state.CorpusState) -> str | None:
    """What a save would hold, as a digest; None when a plain link reproduces the session (nothing to save).

    The lexicon choice alone needs no workspace: it travels as `lexicon`.
    """
    pasted = st.session_state.get(state.PASTED, [])
    corrections = st.session_state.get(state.OVERRIDES, {})
    if cs.kind != "upload" and not pasted and not corrections and not st.session_state.get(state.TUNING):
        return None
    parts = [cs.kind, cs.base_hash, corpus_hash(pasted), json.dumps(corrections, sort_keys=True, default=str),
             encode_options(session_options())]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _store(cfg: StoreConfig) -> WorkspaceStore:
    return WorkspaceStore(cfg)


# ---------------------------------------------------------------- opening a link


def open_from_link() -> None:
    """Once per session: restore the workspace the link names, or say why not and show the default corpus."""
    if st.session_state.get(CHECKED):
        return
    st.session_state[CHECKED] = True
    keys = st.query_params.get_all(PARAM)
    if not keys:
        return
    fallback = "the server's corpus" if state.cli_corpus_path() else "the sample corpus"
    cfg, _problems = config()
    try:
        if not cfg.enabled:
            raise SavingDisabled("This server does not keep saved workspaces (its operator turned saving off).")
        saved = _store(cfg).load(keys[-1])
    except WorkspaceError as exc:
        state.reset_to_sample()
        st.warning(f"{exc} So {fallback} is shown instead.")
        return
    _restore(saved, keys[-1], fallback)


def _restore(saved: Workspace, key: str, fallback: str) -> None:
    notes = list(saved.problems)
    options = dict(saved.options)
    choice = options.pop("lexicon", None)
    if choice is not None:
        try:
            choice = lexicons.normalise_choice(str(choice))
        except lexicons.UnknownLexiconError:
            notes.append(f"The saved lexicon choice is not one of this version's ({', '.join(lexicons.CHOICES)}); "
                         "auto is used.")
            choice = None
        if choice is not None and state.LEXICON not in st.query_params:  # the link's own parameter wins
            st.session_state[state.LEXICON] = choice
    if options.get("frames_toml") is not None:
        st.session_state[state.USER_LEXICON] = options["frames_toml"]
    state.reset_to_sample()
    if saved.base == "upload":
        st.session_state[state.UPLOADED] = Corpus(saved.articles, saved.issues, saved.encodings,
                                                  corpus_hash(saved.articles))
        st.session_state[state.UPLOAD_NAMES] = saved.upload_names
    st.session_state[state.PASTED] = saved.pasted
    st.session_state[state.OVERRIDES] = saved.corrections
    st.session_state[state.TUNING] = options
    st.session_state[KEY] = key
    cs = state.current_corpus()
    if saved.base != "upload" and (cs.kind, cs.base_hash) != (saved.base, saved.base_hash):
        made_on = "the sample corpus" if saved.base == "sample" else "a corpus given to the server"
        notes.append(f"This workspace was made on {made_on}, which is not the same here now; its pasted articles, "
                     f"corrections and settings are applied to {fallback} as it is.")
    st.session_state[SAVED] = _fingerprint(cs)  # restored as saved: nothing to save until the user changes it
    for note in notes:
        st.warning(note)


# ---------------------------------------------------------------- saving


def sync(cs: state.CorpusState) -> str | None:
    """Save what changed since the last save; the key the link should carry, or None."""
    cfg, _problems = config()
    fingerprint = _fingerprint(cs)
    if not cfg.enabled or fingerprint is None:
        st.session_state.pop(KEY, None)
        st.session_state.pop(PROBLEM, None)
        st.session_state[SAVED] = fingerprint
        return None
    if st.session_state.get(SAVED) == fingerprint:
        return st.session_state.get(KEY)
    st.session_state[SAVED] = fingerprint
    store = _store(cfg)
    key = st.session_state.get(KEY)
    owned: dict = st.session_state.setdefault(OWNED, {})
    pasted = list(st.session_state.get(state.PASTED, []))
    corrections = dict(st.session_state.get(state.OVERRIDES, {}))
    options = session_options()
    try:
        if key is not None and owned.get(key) == (cs.kind, cs.base_hash):
            try:
                with st.spinner("Saving your changes…"):
                    store.update(key, pasted, corrections, options)
                st.session_state.pop(PROBLEM, None)
                return key
            except WorkspaceNotFound:
                pass  # expired or gone since: saved anew below
        uploaded = st.session_state.get(state.UPLOADED) if cs.kind == "upload" else None
        saved = Workspace(
            base=cs.kind, base_hash=cs.base_hash,
            articles=list(uploaded.articles) if uploaded else [], issues=list(uploaded.issues) if uploaded else [],
            encodings=dict(uploaded.encodings) if uploaded else {},
            upload_names=list(st.session_state.get(state.UPLOAD_NAMES, [])) if uploaded else [],
            pasted=pasted, corrections=corrections, options=options)
        with st.spinner("Saving the workspace…"):
            new = store.create(saved)
    except WorkspaceError as exc:
        st.session_state[PROBLEM] = str(exc)
        if key is not None and owned.get(key) != (cs.kind, cs.base_hash):
            st.session_state.pop(KEY, None)  # the old key holds another corpus: the link must not send it
        return st.session_state.get(KEY)
    owned[new] = (cs.kind, cs.base_hash)
    st.session_state[KEY] = new
    st.session_state.pop(PROBLEM, None)
    return new


def where_it_is_kept() -> str:
    """One sentence for the upload and correction controls: saved on the server (and who can see it), or not."""
    cfg, _problems = config()
    if not cfg.enabled:
        return "This server does not save them: they stay in your browser session."
    return ("They are saved on this server so that the \"Copy link\" box's link can reopen them: anyone holding "
            f"that link can see them. Workspaces not opened for {cfg.retention_days:g} days are deleted.")


def link_notes(cs: state.CorpusState) -> None:
    """What the link box says about the workspace: who can see it, or why the link cannot carry this session."""
    cfg, problems = config()
    for problem in problems:
        st.warning(problem)
    key = st.session_state.get(KEY)
    private = _fingerprint(cs) is not None
    if private and not cfg.enabled:
        st.caption("This server does not save workspaces (its operator turned saving off), so uploaded or pasted "
                   "articles, corrections and Settings-page options cannot travel in a link: it reopens on the "
                   "sample corpus (or the server's --corpus folder) with the view's other choices.")
        return
    problem = st.session_state.get(PROBLEM)
    if problem and private:
        st.warning(problem)
        st.caption("The link opens the workspace as it was last saved." if key else
                   "So this link cannot carry your articles, corrections or settings: it reopens on the sample "
                   "corpus (or the server's --corpus folder).")
    if key:
        st.caption("This link opens a saved copy of your articles (uploaded and pasted), corrections and settings: "
                   "anyone holding the link can see the articles. Workspaces not opened for "
                   f"{cfg.retention_days:g} days are deleted.")
