"""One tokenizer for the whole core.

Vectors, frames, key terms, keyword-in-context and alignment all see the same
tokens, so a term a user clicks in one view means the same thing in another.
Text is tokenised once per unit and the token lists are reused everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words kept whole: letters/digits, with inner hyphens or apostrophes
# ("kassym-jomart", "anti-government", "don't").
TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*")  # greedy \w runs: word boundaries are implied

# Words that fill news copy without carrying framing.
NEWS_FILLER = frozenset(
    """
    said says say saying told tells according reported reports report reportedly
    also would could may might one two three first last new year years percent
    mr mrs ms dr per cent just like get got make made many much well still even
    week weeks day days today yesterday tomorrow time times people way ago
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    jan feb apr aug sep sept oct nov dec
    et edt est pdt pst cdt cst gmt bst utc
    s t don didn doesn isn wasn aren weren won ve ll re m d
    """.split()
)

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | NEWS_FILLER

MAX_NGRAM = 3  # n-gram codes are packed into int64: vocab**3 still fits


def words(text: str) -> list[str]:
    """Lower-cased word tokens with no filtering (for contexts and matching)."""
    return [w.replace("’", "'") for w in TOKEN_RE.findall(text.lower())]


def _normalise_token(w: str, aliases: Mapping[str, str] | None, stop_words: frozenset[str]) -> str | None:
    if "’" in w:
        w = w.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if aliases:
        w = aliases.get(w, w)
    if w in stop_words or w.isdigit() or len(w) < 2 or _is_clock_time(w):
        return None
    return w


def _is_clock_time(w: str) -> bool:
    """ "8pm", "30am" (from "7.30pm"): a time of day, like a bare number."""
    return w[0].isdigit() and w.endswith(("am", "pm")) and w[:-2].isdigit()


def tokenize(
    text: str,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = STOP_WORDS,
) -> list[str]:
    """Content tokens: lower-cased, aliases folded, stop words and bare numbers dropped."""
    out = []
    for w in TOKEN_RE.findall(text.lower()):
        w = _normalise_token(w, aliases, stop_words)
        if w is not None:
            out.append(w)
    return out


@dataclass
class TokenTable:
    """Content tokens of many units as integer ids: one flat array plus offsets.

    Integer ids keep 40,000 articles' tokens in a few hundred MB and let
    n-grams, shingles and counts be built with numpy instead of Python loops.
    """

    ids: np.ndarray  # int32, all units' token ids back to back
    offsets: np.ndarray  # int64, n_units + 1; unit i is ids[offsets[i]:offsets[i+1]]
    vocab: np.ndarray  # object array, id -> token string

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def unit_ids(self, i: int) -> np.ndarray:
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def unit_tokens(self, i: int) -> list[str]:
        return list(self.vocab[self.unit_ids(i)])

    def select(self, rows: np.ndarray) -> "TokenTable":
        """The units in a boolean mask, in order, as a table of their own (same vocab)."""
        rows = np.asarray(rows, dtype=bool)
        if rows.all():
            return self
        lengths = self.lengths()[rows]
        starts = self.offsets[:-1][rows]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        # Position p of kept unit k comes from starts[k] + (p - offsets[k]).
        take = np.arange(offsets[-1], dtype=np.int64) + np.repeat(starts - offsets[:-1], lengths)
        return TokenTable(self.ids[take], offsets, self.vocab)

    def regroup(self, groups: np.ndarray, n_groups: int) -> "TokenTable":
        """Concatenate units per group (e.g. passages into articles); groups must be non-decreasing."""
        counts = np.bincount(groups, weights=self.lengths(), minlength=n_groups).astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        return TokenTable(self.ids, offsets, self.vocab)


TOKENIZE_CHUNK = 500  # units per vectorised batch: bounds the memory of raw token strings


def tokenize_many(
    texts: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = STOP_WORDS,
) -> TokenTable:
    """`tokenize` over many texts, normalising each distinct raw token only once."""
    id_of: dict[str, int] = {}
    vocab: list[str] = []
    raw_to_id: dict[str, int] = {}  # raw token -> content id, or -1 when dropped
    id_chunks: list[np.ndarray] = []
    lengths = np.zeros(len(texts), dtype=np.int64)
    for start in range(0, len(texts), TOKENIZE_CHUNK):
        raw = [TOKEN_RE.findall(t.lower()) for t in texts[start : start + TOKENIZE_CHUNK]]
        flat = np.fromiter(chain.from_iterable(raw), dtype=object, count=sum(map(len, raw)))
        codes, uniques = pd.factorize(flat)
        mapped = np.empty(len(uniques), dtype=np.int32)
        for j, w in enumerate(uniques):
            cid = raw_to_id.get(w)
            if cid is None:
                norm = _normalise_token(w, aliases, stop_words)
                if norm is None:
                    cid = -1
                else:
                    cid = id_of.get(norm)
                    if cid is None:
                        cid = id_of[norm] = len(vocab)
                        vocab.append(norm)
                raw_to_id[w] = cid
            mapped[j] = cid
        chunk_ids = mapped[codes] if len(codes) else np.zeros(0, dtype=np.int32)
        unit_of = np.repeat(np.arange(len(raw)), [len(r) for r in raw])
        keep = chunk_ids >= 0
        lengths[start : start + len(raw)] = np.bincount(unit_of[keep], minlength=len(raw))
        id_chunks.append(chunk_ids[keep])
    ids = np.concatenate(id_chunks) if id_chunks else np.zeros(0, dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return TokenTable(ids.astype(np.int32), offsets, np.array(vocab, dtype=object))


def ngrams(tokens: list[str], ngram_max: int = 2) -> list[str]:
    """Unigrams plus joined n-grams up to ngram_max, built over the filtered tokens."""
    if ngram_max <= 1:
        return list(tokens)
    out = list(tokens)
    for n in range(2, ngram_max + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def normalise_phrase(phrase: str, aliases: Mapping[str, str] | None = None) -> str:
    """A lexicon or query phrase in the same form as vocabulary terms."""
    return " ".join(tokenize(phrase, aliases))


def ngram_order(requested: int) -> int:
    """The longest n-gram actually counted for a requested order: 1 to MAX_NGRAM."""
    return max(1, min(int(requested), MAX_NGRAM))


def stop_words_with(extra: Iterable[str]) -> frozenset[str]:
    extra = {w.strip().lower() for w in extra if w.strip()}
    return STOP_WORDS | extra if extra else STOP_WORDS
