"""Frames: editable lexicons of words and phrases, scored per unit of text.

A frame is an angle on a story ("terrorism claims", "legitimacy doubts").
Its lexicon is plain TOML a user can read and replace, and every score can be
traced back to the sentences that produced it (`frame_evidence`).

Counting rule: each vocabulary term that equals a lexicon entry (after the
same normalisation as the texts) adds its occurrences to that frame. A phrase
entry counts only as the phrase: "collective security" adds one hit per
occurrence, not three for the phrase plus its two words. Its words add hits
only if they are entries themselves; then one occurrence of the phrase scores
for the phrase and for each such word, deliberately: a listed phrase is
stronger evidence than a listed word alone.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .models import UNKNOWN
from .tokens import ngrams, normalise_phrase, tokenize

BUNDLED_LEXICON = Path(__file__).with_name("frames.toml")
NO_FRAME = "none"
RESERVED_NAMES = (NO_FRAME, "units")  # used as columns next to frame names
# Entries longer than this many content words only match when the vocabulary
# is built with longer n-grams (Settings.ngram_max), so they get a warning.
DEFAULT_NGRAM_MAX = 2

# A unit's dominant frame must clearly apply (otherwise it is "none"):
MIN_HITS = 2  # one stray word is not a framing
MIN_SCORE = 0.5  # hits per 100 content tokens: 3 hits in a 600-word article
MIN_MARGIN = 1.5  # top score at least 1.5 x the runner-up, else the unit is mixed

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


class FrameLexiconError(ValueError):
    """A frame lexicon that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Frame:
    name: str
    label: str
    description: str
    terms: tuple[str, ...]  # lexicon entries as written (shown to users)


@dataclass(frozen=True)
class _Entry:
    """One lexicon entry in vocabulary form."""

    frame: int
    term: str  # as written
    form: str  # normalised; for a wildcard, the prefix including its last partial word
    n_words: int
    wildcard: bool


def _normalise_entry(term: str) -> tuple[str, int, bool] | None:
    """(vocabulary form, words, wildcard) or None when nothing is left after normalising."""
    raw = term.strip()
    if "*" in raw[:-1]:
        return None  # "*" only ends a term
    if not raw.endswith("*"):
        form = normalise_phrase(raw)
        return (form, form.count(" ") + 1, False) if form else None
    parts = raw[:-1].split()
    if not parts:
        return None
    # The last word is a prefix, not a word: it is not stop-word filtered ("every*" stays).
    prefix = parts[-1].lower().replace("’", "'")
    if not re.search(r"\w", prefix):
        return None
    head = normalise_phrase(" ".join(parts[:-1]))
    form = f"{head} {prefix}" if head else prefix
    return form, form.count(" ") + 1, True


def _entries(frames: Sequence[Frame]) -> list[_Entry]:
    out = []
    for j, frame in enumerate(frames):
        seen = set()
        for term in frame.terms:
            norm = _normalise_entry(term)
            if norm is None or (norm[0], norm[2]) in seen:
                continue  # load_frames reported vanishing terms; same-form entries add nothing
            seen.add((norm[0], norm[2]))
            out.append(_Entry(j, term, norm[0], norm[1], norm[2]))
    return out


def load_frames(toml_text: str | None = None) -> tuple[list[Frame], list[str]]:
    """Frames from TOML text (None: the bundled lexicon) and warnings about entries that were dropped."""
    if toml_text is None:
        toml_text = BUNDLED_LEXICON.read_text(encoding="utf-8")
        where = "the bundled frame lexicon"
    else:
        where = "the frame lexicon"
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameLexiconError(f"{where} is not valid TOML: {exc}") from None
    table = data.get("frames")
    if not isinstance(table, dict) or not table:
        raise FrameLexiconError(
            f'{where} defines no frames: expected sections like [frames.name] with label, description and terms'
        )
    frames: list[Frame] = []
    warnings: list[str] = []
    for name, spec in table.items():
        if name in RESERVED_NAMES:
            raise FrameLexiconError(f'frame name "{name}" is reserved; choose another name')
        if not isinstance(spec, dict):
            raise FrameLexiconError(f'[frames.{name}] must be a table with label, description and terms')
        terms = spec.get("terms")
        if not isinstance(terms, list) or not terms:
            raise FrameLexiconError(f'frame "{name}" has no terms: give terms = ["word", "a phrase", "prefix*"]')
        bad = [t for t in terms if not isinstance(t, str)]
        if bad:
            raise FrameLexiconError(f'frame "{name}": every term must be a quoted string, not {bad[0]!r}')
        unknown = sorted(set(spec) - {"label", "description", "terms"})
        if unknown:
            warnings.append(f'Frame "{name}": ignored unknown key(s) {", ".join(unknown)}.')
        kept = []
        for term in terms:
            norm = _normalise_entry(term)
            if "*" in term.strip()[:-1]:
                warnings.append(f'Frame "{name}": term "{term}" was dropped: "*" may only end a term.')
                continue
            if norm is None:
                warnings.append(
                    f'Frame "{name}": term "{term}" was dropped: it has only stop words, '
                    "numbers or punctuation, which the texts do not keep."
                )
                continue
            if norm[1] == 1 and len(term.split()) > 1:
                warnings.append(
                    f'Frame "{name}": term "{term}" becomes the single word "{norm[0]}" after stop-word '
                    "removal and will match it wherever it occurs."
                )
            elif norm[1] > DEFAULT_NGRAM_MAX:
                warnings.append(
                    f'Frame "{name}": term "{term}" becomes "{norm[0]}" ({norm[1]} words) and only matches '
                    f"when n-grams of {norm[1]} words are counted."
                )
            kept.append(term.strip())
        if not kept:
            raise FrameLexiconError(f'frame "{name}" has no usable terms: all of them vanish after stop-word removal')
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            warnings.append(f'Frame "{name}" has no label; its name is shown instead.')
            label = name
        description = spec.get("description", "")
        frames.append(Frame(name, label.strip(), str(description).strip(), tuple(kept)))
    return frames, warnings


def frame_term_matrix(frames: Sequence[Frame], terms: Sequence[str]) -> sp.csr_matrix:
    """(n_terms x n_frames) 0/1: vocabulary term i matches an entry of frame j.

    Binary search on the sorted vocabulary serves exact entries and wildcard
    prefixes alike (a prefix is a contiguous range), so a million terms cost
    one sort, or none when the terms come sorted (as from `build_vectors`).
    """
    vocab = np.asarray(terms, dtype=str)
    n = len(vocab)
    is_sorted = n < 2 or bool(np.all(vocab[1:] >= vocab[:-1]))
    order = np.arange(n) if is_sorted else np.argsort(vocab, kind="stable")
    ordered = vocab if is_sorted else vocab[order]
    rows: list[int] = []
    cols: list[int] = []
    for e in _entries(frames):
        lo = int(np.searchsorted(ordered, e.form, side="left"))
        if not e.wildcard:
            if lo < n and ordered[lo] == e.form:
                rows.append(int(order[lo]))
                cols.append(e.frame)
            continue
        hi = int(np.searchsorted(ordered, e.form + "\U0010ffff", side="left"))
        for k in range(lo, hi):
            if ordered[k].count(" ") + 1 == e.n_words:
                rows.append(int(order[k]))
                cols.append(e.frame)
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(n, len(frames)),
    )
    matrix.data[:] = 1  # two entries of one frame matching one term still count it once
    return matrix


def dominant_frames(scores: pd.DataFrame, hits: np.ndarray) -> pd.Series:
    """The frame that clearly applies to each unit, else "none".

    Clearly: the top frame has at least MIN_HITS hits, a score of at least
    MIN_SCORE per 100 tokens and MIN_MARGIN times the runner-up's score.
    Ties therefore give "none".
    """
    values = scores.to_numpy(dtype=float)
    if values.shape[1] == 0:
        return pd.Series([NO_FRAME] * len(scores), name="frame", dtype=object)
    top = values.argmax(axis=1)
    rows = np.arange(len(values))
    best = values[rows, top]
    runner_up = np.sort(values, axis=1)[:, -2] if values.shape[1] > 1 else np.zeros(len(values))
    clear = (hits[rows, top] >= MIN_HITS) & (best >= MIN_SCORE) & (best >= MIN_MARGIN * runner_up)
    names = np.asarray(scores.columns, dtype=object)
    return pd.Series(np.where(clear, names[top], NO_FRAME), name="frame", dtype=object)


def score_frames(
    counts: sp.csr_matrix,
    n_tokens: np.ndarray,
    frames: Sequence[Frame],
    terms: Sequence[str],
) -> tuple[pd.DataFrame, pd.Series]:
    """Per unit: lexicon hits per 100 content tokens for each frame, and the dominant frame.

    Rates, not raw hits, so a long article does not outscore a paragraph just
    by being long. See the module docstring for how phrases are counted and
    `dominant_frames` for when a unit gets "none".
    """
    if counts.shape[1] != len(terms):
        raise ValueError(f"counts has {counts.shape[1]} term columns but {len(terms)} terms were given")
    n_tokens = np.asarray(n_tokens, dtype=float)
    if len(n_tokens) != counts.shape[0]:
        raise ValueError(f"counts has {counts.shape[0]} units but n_tokens has {len(n_tokens)}")
    hits = np.asarray((sp.csr_matrix(counts) @ frame_term_matrix(frames, terms)).todense(), dtype=float)
    hits = hits.reshape(counts.shape[0], len(frames))
    rates = 100.0 * hits / np.maximum(n_tokens, 1.0)[:, None]
    scores = pd.DataFrame(rates, columns=[f.name for f in frames])
    return scores, dominant_frames(scores, hits)


def split_sentences(text: str) -> list[str]:
    """Sentences for evidence display: line breaks, then ., ! or ? before a capital or digit."""
    out = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def frame_evidence(
    text: str,
    frames: Sequence[Frame],
    aliases: Mapping[str, str] | None = None,
    sentences: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every lexicon hit in `text`: frame, term (entry as written), matched (vocabulary form), sentence.

    One row per occurrence, in sentence order, so the rows of a unit add up to
    its hits. N-grams are built within each sentence, so a phrase split across
    a sentence boundary is not shown, though the unit's score may count it.
    """
    entries = _entries(frames)
    exact: dict[str, list[_Entry]] = {}
    wildcards: dict[int, list[_Entry]] = {}
    for e in entries:
        (wildcards.setdefault(e.n_words, []) if e.wildcard else exact.setdefault(e.form, [])).append(e)
    max_words = max((e.n_words for e in entries), default=1)
    records = []
    for sentence in split_sentences(text) if sentences is None else sentences:
        for gram in ngrams(tokenize(sentence, aliases), max_words):
            matched = list(exact.get(gram, ()))
            matched += [e for e in wildcards.get(gram.count(" ") + 1, ()) if gram.startswith(e.form)]
            for e in sorted(matched, key=lambda e: (e.frame, e.term)):
                records.append((frames[e.frame].name, e.term, gram, sentence))
    return pd.DataFrame(records, columns=["frame", "term", "matched", "sentence"])


def source_frame_table(
    units_df: pd.DataFrame,
    frame_names: Sequence[str],
    source_col: str = "source",
    weight_col: str | None = None,
    frame_col: str = "frame",
) -> pd.DataFrame:
    """Per outlet: share of its units whose dominant frame is each frame (or "none"), and its unit count.

    With `weight_col` (e.g. each unit's token count) shares are weighted, so
    long passages count more; "units" stays a plain count. Rows: most units
    first, then by name.
    """
    for col in (source_col, frame_col) + ((weight_col,) if weight_col else ()):
        if col not in units_df.columns:
            raise ValueError(f'units table has no column "{col}"')
    columns = list(frame_names) + [NO_FRAME]
    unit_frames = units_df[frame_col].astype(object)
    unknown = sorted(set(unit_frames.dropna()) - set(columns))
    if unknown:
        raise ValueError(f"units carry frames not in the lexicon: {', '.join(map(str, unknown))}")
    weights = (
        pd.to_numeric(units_df[weight_col], errors="coerce").to_numpy(dtype=float)
        if weight_col
        else np.ones(len(units_df))
    )
    if np.isnan(weights).any() or (weights < 0).any():
        raise ValueError(f'weights in "{weight_col}" must be numbers >= 0')
    frame_table = pd.DataFrame(
        {
            "source": units_df[source_col].fillna(UNKNOWN).astype(str).to_numpy(),
            "frame": pd.Categorical(unit_frames.fillna(NO_FRAME), categories=columns),
            "weight": weights,
        }
    )
    sums = frame_table.pivot_table(
        index="source", columns="frame", values="weight", aggfunc="sum", fill_value=0.0, observed=False
    ).reindex(columns=columns, fill_value=0.0)
    totals = sums.sum(axis=1)
    shares = sums.div(totals.where(totals > 0), axis=0)
    shares["units"] = frame_table.groupby("source").size().reindex(shares.index).astype(int)
    shares = shares.reset_index().rename(columns={"source": source_col})
    shares.columns.name = None
    return shares.sort_values(["units", source_col], ascending=[False, True], kind="stable").reset_index(drop=True)
