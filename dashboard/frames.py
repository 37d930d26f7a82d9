"""Frames: editable lexicons of words and phrases, scored per unit of text.

A frame is an angle on a story ("terrorism claims", "legitimacy doubts").
Its lexicon is plain TOML a user can read and replace, and every score can be
traced back to the sentences that produced it (`frame_evidence`).

Counting rule: every run of content tokens that equals a lexicon entry
(after the same normalisation and alias folding as the texts) adds one hit to
that frame. Entries are matched on the units' token ids, not on the clustering
vocabulary, so a phrase of any length matches whatever n-gram order the
analysis counts, and a word that document-frequency pruning leaves out of the
vocabulary (a word in every article) still scores. A phrase entry counts only
as the phrase: "collective security" adds one hit per occurrence, not three
for the phrase plus its two words. Its words add hits only if they are entries
themselves; then one occurrence of the phrase scores for the phrase and for
each such word, deliberately: a listed phrase is stronger evidence than a
listed word alone. Two entries of one frame matching the same run count once,
and so do phrase entries of one frame whose runs overlap: "collective
security treaty" is one hit for a frame listing both "collective security"
and "security treaty", not two.
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

from .errors import FramelensError
from .models import UNKNOWN
from .segmenting import split_sentences
from .tokens import STOP_WORDS, TokenTable, normalise_phrase, tokenize

BUNDLED_LEXICON = Path(__file__).with_name("lexicons") / "crisis.toml"  # the default when no lexicon is given
NO_FRAME = "none"
RESERVED_NAMES = (NO_FRAME, "units")  # used as columns next to frame names

# A unit's dominant frame must clearly apply (otherwise it is "none"):
MIN_HITS = 2  # one stray word is not a framing
MIN_SCORE = 0.5  # hits per 100 content tokens: 3 hits in a 600-word article
MIN_MARGIN = 1.5  # top score at least 1.5 x the runner-up, else the unit is mixed

class FrameLexiconError(FramelensError, ValueError):
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


def _entries(frames: Sequence[Frame], aliases: Mapping[str, str] | None = None) -> list[_Entry]:
    """Every usable entry in token form; whole words are folded by the alias table like the texts."""
    out = []
    for j, frame in enumerate(frames):
        seen = set()
        for term in frame.terms:
            norm = _normalise_entry(term)
            if norm is None:
                continue  # load_frames reported vanishing terms
            form, n_words, wildcard = norm
            if aliases:
                words = form.split(" ")
                whole = words[:-1] if wildcard else words  # a wildcard's last word is a prefix, not a word
                form = " ".join([aliases.get(w, w) for w in whole] + (words[-1:] if wildcard else []))
            if (form, wildcard) in seen:
                continue  # same-form entries add nothing
            seen.add((form, wildcard))
            out.append(_Entry(j, term, form, n_words, wildcard))
    return out


def lexicon_entries(frames: Sequence[Frame], aliases: Mapping[str, str] | None = None) -> list[_Entry]:
    """Every usable entry in the form the texts are matched in (its frame's index, the term as written,
    its words, whether its last word is a prefix): what a term must look like to be counted."""
    return _entries(frames, aliases)


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


def read_lexicon(path: str | Path) -> str:
    """A lexicon file's text, checked before any analysis runs.

    TOML must be UTF-8 (a byte-order mark is accepted). An unreadable, non-UTF-8
    or invalid file raises FrameLexiconError naming the file, so a script gets
    one clear line instead of a traceback after minutes of analysis.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise FrameLexiconError(f"cannot read frame lexicon {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameLexiconError(
            f"frame lexicon {path} is not UTF-8 text (byte {exc.start} cannot be decoded); TOML files must be saved as UTF-8"
        ) from None
    try:
        load_frames(text)
    except FrameLexiconError as exc:
        raise FrameLexiconError(f"frame lexicon {path}: {exc}") from None
    return text


def _entry_word_ids(entries: Sequence[_Entry], table: TokenTable) -> list[list[np.ndarray]]:
    """For each entry, the token ids each of its words may take (empty when a word never occurs).

    A whole word takes one id; a wildcard's last word takes every id that
    starts with the prefix, found by binary search on the sorted vocabulary.
    """
    order, ordered = table.sorted_vocab()

    def ids_from(lo: int, hi: int) -> np.ndarray:
        return np.sort(order[lo:hi]).astype(np.int64)

    out = []
    for e in entries:
        parts = e.form.split(" ")
        slots = []
        for k, word in enumerate(parts):
            lo = int(np.searchsorted(ordered, word, side="left"))
            if e.wildcard and k == len(parts) - 1:
                slots.append(ids_from(lo, int(np.searchsorted(ordered, word + "\U0010ffff", side="left"))))
            else:
                slots.append(ids_from(lo, lo + 1) if lo < len(ordered) and ordered[lo] == word else ids_from(0, 0))
        out.append(slots)
    return out


@dataclass
class _Coded:
    """The units' lexicon tokens: where they are and their lexicon codes (1..L for the L token ids some entry can match).

    Only tokens some entry can match are kept, so the work and the memory
    grow with the lexicon's occurrences, not with the corpus' tokens.
    """

    word_ids: list[list[np.ndarray]]  # per entry, per word: the token ids it may take
    code_of: np.ndarray  # token id -> code, 0 for a token no entry can match
    positions: np.ndarray  # int64, ascending: the token positions whose token has a code
    codes: np.ndarray  # the code at each of those positions
    units: np.ndarray  # int64: the unit of each of those positions
    n_codes: int  # L + 1


def _coded(table: TokenTable, entries: Sequence[_Entry]) -> _Coded | None:
    if not entries or len(table.ids) == 0:
        return None
    word_ids = _entry_word_ids(entries, table)
    used = np.unique(np.concatenate([ids for slots in word_ids for ids in slots]))
    if len(used) == 0:
        return None
    code_of = np.zeros(len(table.vocab), dtype=np.int32)
    code_of[used] = np.arange(1, len(used) + 1, dtype=np.int32)
    positions = np.flatnonzero(code_of.astype(bool)[table.ids])
    per_unit = np.diff(np.searchsorted(positions, table.offsets))  # lexicon tokens in each unit, which hold them in order
    units = np.repeat(np.arange(len(table)), per_unit)
    return _Coded(word_ids, code_of, positions, code_of[table.ids[positions]], units, len(used) + 1)


def _word_counts(table: TokenTable, coded: _Coded) -> sp.csr_matrix:
    """(units x codes) how often each unit uses each lexicon word: the runs of one-word entries.

    The lexicon tokens come in unit order, so they are the matrix's rows as
    they are: no coordinate copy of every one is needed to build it.
    """
    indptr = np.searchsorted(coded.units, np.arange(len(table) + 1))
    counts = sp.csr_matrix((np.ones(len(coded.codes), dtype=np.int64), coded.codes.copy(), indptr),
                           shape=(len(table), coded.n_codes))
    counts.sum_duplicates()  # sorts the indices in place: hence the copy of the codes
    return counts


def _one_word_table(entries: Sequence[_Entry], coded: _Coded, columns: Sequence[int]) -> sp.csr_matrix:
    """(codes x columns) 1 where a one-word entry allows the code; columns[i] is entry i's column."""
    rows, cols = [], []
    for i, (e, slots) in enumerate(zip(entries, coded.word_ids)):
        if e.n_words == 1 and len(slots[0]):
            codes = coded.code_of[slots[0]]
            rows.append(codes)
            cols.append(np.full(len(codes), columns[i], dtype=np.int64))
    rows_ = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    cols_ = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    table = sp.csr_matrix((np.ones(len(rows_), dtype=np.int64), (rows_, cols_)), shape=(coded.n_codes, max(columns, default=-1) + 1))
    table.sum_duplicates()
    table.data[:] = 1  # two entries of one column allowing one code still count it once
    return table


def _allowed(entries: Sequence[_Entry], coded: _Coded, which: Sequence[int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(code, entry) of every code word k of an entry in `which` may take."""
    codes = [coded.code_of[coded.word_ids[i][k]] for i in which]
    entry = np.repeat(np.asarray(which, dtype=np.int64), [len(c) for c in codes])
    return np.concatenate(codes).astype(np.int64), entry


def _first_two_words(entries: Sequence[_Entry], coded: _Coded, which: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(key, entry) sorted by key, then entry: key = first word's code x n_codes + second word's code, for every
    pair of codes the first two words of an entry in `which` may take."""
    keys, owners = [], []
    for i in which:
        first, second = (coded.code_of[ids].astype(np.int64) for ids in coded.word_ids[i][:2])
        pairs = (first[:, None] * coded.n_codes + second[None, :]).ravel()
        keys.append(pairs)
        owners.append(np.full(len(pairs), i, dtype=np.int64))
    key, entry = np.concatenate(keys), np.concatenate(owners)
    order = np.lexsort((entry, key))
    return key[order], entry[order]


def _phrase_matches(entries: Sequence[_Entry], coded: _Coded):
    """For each phrase length n >= 2: (n, the lexicon token each match starts at, the entry matched), in no particular order.

    A match is a run of n lexicon tokens of one unit whose every word the
    entry allows. A run is looked up by its first two tokens among the
    entries' first two words, and only the entries found there are checked
    further, so the work grows with the runs and their matches, not with
    runs x entries.
    """
    for n in sorted({e.n_words for e in entries} - {1}):
        runs = _lexicon_runs(coded, n)
        which = [i for i, e in enumerate(entries) if e.n_words == n]
        if len(runs) == 0 or not which:
            continue
        keys, by_key = _first_two_words(entries, coded, which)
        run_keys = coded.codes[runs].astype(np.int64) * coded.n_codes + coded.codes[runs + 1]
        lo = np.searchsorted(keys, run_keys, side="left")
        found = np.searchsorted(keys, run_keys, side="right") - lo  # entries whose first two words the run's are
        run = np.repeat(np.arange(len(runs)), found)
        entry = by_key[np.repeat(lo, found) + _rank_in_group(found)]
        for k in range(2, n):
            codes, entries_k = _allowed(entries, coded, which, k)
            allowed = np.isin(entry * coded.n_codes + coded.codes[runs[run] + k], entries_k * coded.n_codes + codes)
            run, entry = run[allowed], entry[allowed]
        yield n, runs[run], entry


def _rank_in_group(sizes: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each of consecutive groups of the given sizes."""
    return np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def lexicon_hits(
    table: TokenTable, frames: Sequence[Frame], aliases: Mapping[str, str] | None = None
) -> np.ndarray:
    """(units x frames) lexicon hits, counted on the units' token ids.

    Counting on the tokens rather than on the clustering vocabulary makes a
    frame score independent of the n-gram order and of document-frequency
    pruning, which only concern clustering. Only tokens that some entry can
    match are looked at, so the work grows with the lexicon's occurrences,
    not with the corpus. `aliases` must be the table the texts were
    tokenised with.
    """
    hits = np.zeros((len(table), len(frames)), dtype=np.int64)
    entries = _entries(frames, aliases)
    coded = _coded(table, entries)
    if coded is None:
        return hits
    # One word: each occurrence counts once per frame that has an entry allowing it.
    one_word = _one_word_table(entries, coded, [e.frame for e in entries])
    if one_word.nnz:
        hits[:, : one_word.shape[1]] += (_word_counts(table, coded) @ one_word).toarray()
    # Phrases: per frame, each stretch of overlapping matches is one hit (matches that only touch are two).
    spans: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}  # frame -> (first token, token after) of matches
    entry_frame = np.array([e.frame for e in entries], dtype=np.int64)
    for n, token, entry in _phrase_matches(entries, coded):
        begins, frame = coded.positions[token], entry_frame[entry]
        for j in np.unique(frame).tolist():
            spans.setdefault(j, []).append((begins[frame == j], begins[frame == j] + n))
    for j, parts in spans.items():
        begins = np.sort(np.concatenate([b for b, _ in parts]))
        ends = np.sort(np.concatenate([e for _, e in parts]))
        # A stretch begins where a match begins and no match begun earlier is still running there
        # (runs never cross units). Only the matches' own positions are looked at: an array per token
        # and frame took 600 MB on 5,083 articles and several GB on 37,554.
        at = np.unique(begins)
        running = np.searchsorted(begins, at, side="left") - np.searchsorted(ends, at, side="right")
        first = at[running == 0]
        hits[:, j] += np.bincount(np.searchsorted(table.offsets, first, side="right") - 1, minlength=len(table))
    return hits


def lexicon_term_hits(
    table: TokenTable, frames: Sequence[Frame], aliases: Mapping[str, str] | None = None
) -> tuple[sp.csr_matrix, list[tuple[str, str]]]:
    """(units x entries) occurrences of each lexicon entry, and the entries as (frame name, term as written).

    The evidence behind `lexicon_hits`, counted the same way; a unit's counts
    add up to more than its frame hits only where two entries of one frame
    match the same words (the frame counts that once).
    """
    entries = _entries(frames, aliases)
    names = [(frames[e.frame].name, e.term) for e in entries]
    counts = sp.csr_matrix((len(table), len(entries)), dtype=np.int64)
    coded = _coded(table, entries)
    if coded is None:
        return counts, names
    one_word = _one_word_table(entries, coded, list(range(len(entries))))
    if one_word.nnz:
        found = _word_counts(table, coded) @ one_word
        counts = counts + sp.hstack([found, sp.csr_matrix((len(table), len(entries) - found.shape[1]))]).tocsr()
    rows, cols = [], []
    for _n, token, entry in _phrase_matches(entries, coded):
        rows.append(coded.units[token])
        cols.append(entry)
    if rows:
        rows_, cols_ = np.concatenate(rows), np.concatenate(cols)
        counts = counts + sp.csr_matrix(
            (np.ones(len(rows_), dtype=np.int64), (rows_, cols_)), shape=(len(table), len(entries))
        )
    counts = counts.tocsr().astype(np.int64)
    counts.eliminate_zeros()
    return counts, names


def _lexicon_runs(coded: _Coded, n: int) -> np.ndarray:
    """The lexicon tokens (indices into coded.positions) that start n consecutive lexicon tokens inside one unit."""
    starts = len(coded.positions) - n + 1
    if starts <= 0:
        return np.zeros(0, dtype=np.int64)
    # Positions ascend, so n lexicon tokens n - 1 positions apart have nothing between them.
    consecutive = coded.positions[n - 1:] - coded.positions[:starts] == n - 1
    consecutive &= coded.units[n - 1:] == coded.units[:starts]
    return np.flatnonzero(consecutive)


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
    hits: np.ndarray, n_tokens: np.ndarray, frames: Sequence[Frame]
) -> tuple[pd.DataFrame, pd.Series]:
    """Per row (unit, article or pooled cluster): lexicon hits per 100 content tokens for each frame, and the dominant frame.

    Rates, not raw hits, so a long article does not outscore a paragraph just
    by being long. Rows of `hits` add up: an article's hits are the sum of its
    units'. See `dominant_frames` for when a row gets "none".
    """
    hits = np.asarray(hits, dtype=float).reshape(-1, len(frames))
    n_tokens = np.asarray(n_tokens, dtype=float)
    if len(n_tokens) != len(hits):
        raise ValueError(f"hits has {len(hits)} rows but n_tokens has {len(n_tokens)}")
    rates = 100.0 * hits / np.maximum(n_tokens, 1.0)[:, None]
    scores = pd.DataFrame(rates, columns=[f.name for f in frames])
    return scores, dominant_frames(scores, hits)


def frame_evidence(
    text: str,
    frames: Sequence[Frame],
    aliases: Mapping[str, str] | None = None,
    sentences: Sequence[str] | None = None,
    stop_words: frozenset[str] = STOP_WORDS,
) -> pd.DataFrame:
    """Every lexicon hit in `text`: frame, term (entry as written), matched (token form), sentence.

    One row per hit, counted as `lexicon_hits` counts (so the rows of a unit
    add up to its hits when `aliases` and `stop_words` are the analysis'
    own): a word matched by several entries of one frame is one row, their
    terms joined by "; ", and so is a stretch of overlapping phrase matches
    of one frame ("collective security treaty" for "collective security;
    security treaty"). Phrases are matched within each sentence, so a phrase
    split across a sentence boundary is not shown, though the unit's score
    counts it. Rows in sentence order, then by position, then frame order.
    """
    entries = _entries(frames, aliases)
    exact: dict[str, list[_Entry]] = {}
    wildcards: dict[int, list[_Entry]] = {}
    for e in entries:
        (wildcards.setdefault(e.n_words, []) if e.wildcard else exact.setdefault(e.form, [])).append(e)
    max_words = max((e.n_words for e in entries), default=1)
    records = []
    for sentence in split_sentences(text) if sentences is None else sentences:
        words = tokenize(sentence, aliases, stop_words)
        found = []  # (start, end, frame, term)
        for n in range(1, max_words + 1):
            for i in range(len(words) - n + 1):
                gram = " ".join(words[i : i + n])
                matched = list(exact.get(gram, ()))
                matched += [e for e in wildcards.get(n, ()) if gram.startswith(e.form)]
                found += [(i, i + n, e.frame, e.term) for e in matched]
        rows = []
        for j in sorted({f for _, _, f, _ in found}):
            one_word: dict[int, list[str]] = {}
            phrases = []
            for start, end, frame, term in found:
                if frame == j:
                    (one_word.setdefault(start, []).append(term) if end - start == 1 else phrases.append((start, end, term)))
            rows += [(start, j, terms, start + 1) for start, terms in one_word.items()]
            stretch: list = []  # overlapping phrase matches joined: [start, end, terms]
            for start, end, term in sorted(phrases):
                if stretch and start < stretch[1]:
                    stretch[1] = max(stretch[1], end)
                    stretch[2].append(term)
                else:
                    if stretch:
                        rows.append((stretch[0], j, stretch[2], stretch[1]))
                    stretch = [start, end, [term]]
            if stretch:
                rows.append((stretch[0], j, stretch[2], stretch[1]))
        for start, j, terms, end in sorted(rows, key=lambda r: (r[0], r[1], r[3])):
            records.append((frames[j].name, "; ".join(dict.fromkeys(sorted(terms))), " ".join(words[start:end]), sentence))
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
