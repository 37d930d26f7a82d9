"""One tokenizer for the whole core.

Vectors, frames, key terms, keyword-in-context and alignment all see the same
tokens, so a term a user clicks in one view means the same thing in another.
Text is tokenised once per unit and the token lists are reused everywhere.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words kept whole: letters/digits, with inner hyphens or apostrophes
# ("kassym-jomart", "anti-government", "don't").
TOKEN_RE = re.compile(r"(?u)\b\w[\w]*(?:[-'’]\w+)*\b")

# Words that fill news copy without carrying framing.
NEWS_FILLER = frozenset(
    """
    said says say saying told tells according reported reports report reportedly
    also would could may might one two three first last new year years percent
    mr mrs ms dr per cent just like get got make made many much well still even
    week weeks day days today yesterday tomorrow time times people way ago
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    s t don didn doesn isn wasn aren weren won ve ll re m d
    """.split()
)

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | NEWS_FILLER


def words(text: str) -> list[str]:
    """Lower-cased word tokens with no filtering (for contexts and matching)."""
    return [w.replace("’", "'") for w in TOKEN_RE.findall(text.lower())]


def tokenize(
    text: str,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = STOP_WORDS,
) -> list[str]:
    """Content tokens: lower-cased, aliases folded, stop words and bare numbers dropped."""
    out = []
    for w in TOKEN_RE.findall(text.lower()):
        if "’" in w:
            w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if aliases:
            w = aliases.get(w, w)
        if w in stop_words or w.isdigit() or len(w) < 2:
            continue
        out.append(w)
    return out


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


def stop_words_with(extra: Iterable[str]) -> frozenset[str]:
    extra = {w.strip().lower() for w in extra if w.strip()}
    return STOP_WORDS | extra if extra else STOP_WORDS
