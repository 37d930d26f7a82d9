"""One tokenizer for the whole core.

Vectors, frames, key terms, keyword-in-context and alignment all see the same
tokens, so a term a user clicks in one view means the same thing in another.
Text is tokenised once per unit and the token lists are reused everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .parallel import in_halves



def _combining_marks() -> str:
    """A regex class body of the combining marks of the Basic Multilingual Plane.

    Python's \\w leaves them out, so without them "हिन्दी" splits into
    letters and Arabic with vowel signs or Thai into pieces.
    """
    runs, start = [], None
    for cp in range(0x10000):
        mark = unicodedata.category(chr(cp))[0] == "M"
        if mark and start is None:
            start = cp
        elif not mark and start is not None:
            runs.append((start, cp - 1))
            start = None
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs)


_LETTER = rf"[\w{_combining_marks()}]"
# Words kept whole: letters/digits of any script with their combining marks, with inner hyphens
# or apostrophes ("kassym-jomart", "anti-government", "don't", "हिन्दी"). Scripts written without
# spaces (Chinese, Japanese, Thai) come out as whole runs of text, not words: a known limit.
TOKEN_RE = re.compile(rf"{_LETTER}+(?:[-'’]{_LETTER}+)*")  # greedy runs: word boundaries are implied

# Abbreviations after which a period does not end a phrase (lower case: matched
# against lowered text). Kept short: a missed break only joins two words.
_NO_BREAK_AFTER = "mr mrs ms dr prof gen col lt sgt capt maj adm gov sen rep st mt ft rev jr sr vs no inc co".split()
# Punctuation that ends a sentence or clause: "?", "!", ";", ":", and a period
# followed by space (not after an initial or a listed abbreviation). N-grams
# never run across such a break: 'the president?" Trump' has no bigram
# "president trump".
_BREAK_PUNCTUATION = ".!?;:…"
_NO_BREAK_BY_LENGTH = {n: [a for a in _NO_BREAK_AFTER if len(a) == n] for n in sorted(set(map(len, _NO_BREAK_AFTER)))}
PHRASE_BREAK_RE = re.compile(
    # one character class first: the regex engine then skips to candidates fast
    rf"[{re.escape(_BREAK_PUNCTUATION)}]+" r"(?=[\"'”’)\]]*(?:\s|$))"
    + r"(?<!(?<![^\W\d_])[^\W\d_]\.)"  # not after a one-letter word ("J. Scott", "U.S. Army")
    # one look-behind per abbreviation length (a look-behind has one width), not one per abbreviation
    + "".join(rf"(?<!(?<![^\W\d_])(?:{'|'.join(words)})\.)" for words in _NO_BREAK_BY_LENGTH.values())
)
# Words and breaks are found in one scan: a word never starts with break punctuation
# and a break never holds a letter, so each position matches at most one of the two,
# and a break comes out as its punctuation ("." or "?!"), a raw token of its own. A run
# of underscores in a text is a separator line and a break too (see _is_word_start).
_WORD_OR_BREAK_RE = re.compile(TOKEN_RE.pattern + "|" + PHRASE_BREAK_RE.pattern)


def words_and_breaks(lowered: str) -> list[str]:
    """Raw tokens of a lower-cased text, in order, each phrase end as the punctuation that ends it."""
    return _WORD_OR_BREAK_RE.findall(lowered)


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

# The same kind of filler in other languages: verbs of saying, dates, units. Russian: "заявил" is "said".
NEWS_FILLER_BY_LANGUAGE = {
    "en": NEWS_FILLER,
    "ru": frozenset(
        """
        заявил заявила заявили заявило заявляет заявляют заявив сообщил сообщила сообщили сообщило сообщает
        сообщают сообщается сказал сказала сказали отметил отметила отметили отмечает подчеркнул подчеркнула
        подчеркнули добавил добавила добавили рассказал рассказала рассказали пояснил пояснила пояснили
        уточнил уточнила уточнили заметил заметила говорится передает передаёт пишет пишут словам данным
        также ранее году года год лет месяца неделе среду пятницу субботу понедельник вторник четверг
        воскресенье понедельника вторника среды четверга пятницы субботы воскресенья
        января февраля марта апреля мая июня июля августа сентября октября ноября декабря
        январе феврале марте апреле мае июне июле августе сентябре октябре ноябре декабре
        процента процентов млн млрд тыс руб из-за из-под по-прежнему
        """.split()
    ),
    "uk": frozenset(
        """
        заявив заявила заявили повідомив повідомила повідомили повідомляє сказав сказала сказали зазначив
        зазначила зазначили додав додала додали розповів розповіла також раніше році року
        січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня
        відсотків млн млрд тис
        """.split()
    ),
}
# stop-words' names for the languages it has under another code.
_STOP_LIST_CODE = {"no": "nb"}

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
    if w in stop_words or w.isdigit() or len(w) < 2 or _is_clock_time(w) or not w.strip("_"):
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


_OPENS_SENTENCE = frozenset(".!?:;\"“”«»—–([\n")  # after these a capital says nothing about the word


def capital_counts(
    texts: Sequence[str], words: Iterable[str], aliases: Mapping[str, str] | None = None
) -> dict[str, tuple[int, int]]:
    """token -> (occurrences inside a sentence, how many of those start with a capital letter), for `words`.

    `words` are tokens in the analysis' form (lower case, aliases folded);
    every spelling the alias table folds into one is looked for. An
    occurrence at the start of a text, or after sentence or quote
    punctuation, is not counted: its capital is the sentence's. A word
    mostly capitalised inside sentences is a name or part of one.
    """
    wanted = set(words)
    spellings = {w: w for w in wanted} | {v: c for v, c in (aliases or {}).items() if c in wanted}
    counts = {w: [0, 0] for w in wanted}
    if not spellings:
        return {}
    alternatives = "|".join(re.escape(v) for v in sorted(spellings, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'’-])({alternatives})(?:['’]s)?(?![\w'’-])", re.IGNORECASE)
    for text in texts:
        for match in pattern.finditer(text):
            i = match.start() - 1
            while i >= 0 and text[i].isspace() and text[i] != "\n":
                i -= 1
            if i < 0 or text[i] in _OPENS_SENTENCE:
                continue
            seen = counts[spellings[match.group(1).lower().replace("’", "'")]]
            seen[0] += 1
            seen[1] += match.group(1)[0].isupper()
    return {w: (n, caps) for w, (n, caps) in counts.items()}


@dataclass
class TokenTable:
    """Content tokens of many units as integer ids: one flat array plus offsets.

    Integer ids keep 40,000 articles' tokens in a few hundred MB and let
    n-grams, shingles and counts be built with numpy instead of Python loops.
    """

    ids: np.ndarray  # int32, all units' token ids back to back
    offsets: np.ndarray  # int64, n_units + 1; unit i is ids[offsets[i]:offsets[i+1]]
    vocab: np.ndarray  # object array, id -> token string
    # bool per token: a sentence or clause ends after it, so no n-gram continues
    # past it; None when the table was built without punctuation.
    breaks: np.ndarray | None = None

    def ends_phrase(self) -> np.ndarray:
        """bool per token: no n-gram may run from this token into the next (phrase or unit end)."""
        last = np.zeros(len(self.ids), dtype=bool) if self.breaks is None else self.breaks.copy()
        ends = self.offsets[1:][self.lengths() > 0] - 1
        last[ends] = True
        return last

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
        breaks = None if self.breaks is None else self.breaks[take]
        return TokenTable(self.ids[take], offsets, self.vocab, breaks)

    def sorted_vocab(self) -> tuple[np.ndarray, np.ndarray]:
        """(order, vocab[order]): the vocabulary sorted, for prefix search; computed once per table.

        The sorted words stay Python strings (an object array): a numpy string
        array is as wide as the longest token in every row (183 characters,
        120 MB held and twice that while sorting, on 37,554 articles).
        """
        cached = getattr(self, "_sorted_vocab", None)
        if cached is None or len(cached[0]) != len(self.vocab):
            words = np.asarray(self.vocab, dtype=object)
            order = np.array(sorted(range(len(words)), key=words.__getitem__), dtype=np.int64)
            cached = self._sorted_vocab = (order, words[order])
        return cached

    def regroup(self, groups: np.ndarray, n_groups: int) -> "TokenTable":
        """Concatenate units per group (e.g. passages into articles); groups must be non-decreasing."""
        counts = np.bincount(groups, weights=self.lengths(), minlength=n_groups).astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        return TokenTable(self.ids, offsets, self.vocab, self.breaks)


TOKENIZE_CHUNK = 500  # units per vectorised batch: bounds the memory of raw token strings


def tokenize_many(
    texts: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] | Sequence[frozenset[str]] = STOP_WORDS,
) -> TokenTable:
    """`tokenize` over many texts, normalising each distinct raw token only once.

    `stop_words` is one set for every text, or one set per text (each article's
    language's): the texts of each set are mapped through that set's own cache,
    into one shared vocabulary. Token ids are numbered in order of first
    occurrence. A large corpus is tokenised in two processes
    (parallel.in_halves); the table is the same.
    """
    if isinstance(stop_words, (frozenset, set)):
        per_text = None
    else:
        per_text = list(stop_words)
        if len(per_text) != len(texts):
            raise ValueError(f"{len(per_text)} stop-word sets for {len(texts)} texts")
        if all(sw is per_text[0] for sw in per_text):
            stop_words, per_text = (per_text[0] if per_text else STOP_WORDS), None

    def part(rows: range) -> TokenTable:
        sets = stop_words if per_text is None else per_text[rows.start:rows.stop]
        return _tokenize_part(texts[rows.start:rows.stop], aliases, sets)

    halves = in_halves(part, range(len(texts)))
    table = halves[0] if len(halves) == 1 else _joined(*halves)
    return table if per_text is None else _numbered_by_first_occurrence(table)


def _joined(first: TokenTable, second: TokenTable) -> TokenTable:
    """Two tables of consecutive texts as one: the second's words take the first's ids, new ones follow."""
    id_of = {w: i for i, w in enumerate(first.vocab.tolist())}
    new = [w for w in second.vocab.tolist() if w not in id_of]
    id_of.update((w, len(first.vocab) + k) for k, w in enumerate(new))
    mapping = np.fromiter((id_of[w] for w in second.vocab.tolist()), dtype=np.int32, count=len(second.vocab))
    return TokenTable(
        np.concatenate([first.ids, mapping[second.ids]]).astype(np.int32),
        np.concatenate([first.offsets, second.offsets[1:] + first.offsets[-1]]),
        np.concatenate([first.vocab, np.array(new, dtype=object)]),
        np.concatenate([first.breaks, second.breaks]),
    )


def _numbered_by_first_occurrence(table: TokenTable) -> TokenTable:
    """The same table with ids renumbered in order of first occurrence (where texts of several
    languages were numbered a language at a time), so the ids do not depend on how the work was cut."""
    if len(table.ids) == 0:
        return table
    used, first = np.unique(table.ids, return_index=True)
    order = used[np.argsort(first, kind="stable")]
    if len(order) == len(table.vocab) and (order == np.arange(len(order))).all():
        return table
    renumber = np.zeros(len(table.vocab), dtype=np.int32)
    renumber[order] = np.arange(len(order), dtype=np.int32)
    return TokenTable(renumber[table.ids], table.offsets, table.vocab[order], table.breaks)


def _tokenize_part(
    texts: Sequence[str], aliases: Mapping[str, str] | None, stop_words: frozenset[str] | Sequence[frozenset[str]]
) -> TokenTable:
    """tokenize_many in this process: `stop_words` is one set, or one per text."""
    per_text = None if isinstance(stop_words, (frozenset, set)) else list(stop_words)
    id_of: dict[str, int] = {}
    vocab: list[str] = []
    caches: dict[int, dict[str, int]] = {}  # per stop-word set: raw token -> content id, or -1 when dropped
    id_chunks: list[np.ndarray] = []
    break_chunks: list[np.ndarray] = []
    lengths = np.zeros(len(texts), dtype=np.int64)

    def content_ids(
        raw: list[list[str]], words_to_drop: frozenset[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept ids of the texts' raw tokens back to back, how many each text keeps, and
        which kept tokens end a phrase (a break follows them before the next kept token)."""
        raw_to_id = caches.setdefault(id(words_to_drop), {})
        flat = np.fromiter(chain.from_iterable(raw), dtype=object, count=sum(map(len, raw)))
        codes, uniques = pd.factorize(flat)
        # Raw tokens seen in an earlier chunk are looked up in one pass in C; only new ones are normalised,
        # in order of first occurrence (which numbers the vocabulary).
        mapped = np.fromiter(map(raw_to_id.get, uniques, repeat(_UNSEEN)), dtype=np.int32, count=len(uniques))
        for j in np.flatnonzero(mapped == _UNSEEN).tolist():
            w = uniques[j]
            if not _is_word_start(w):
                cid = _BREAK
            else:
                norm = _normalise_token(w, aliases, words_to_drop)
                if norm is None:
                    cid = -1
                else:
                    cid = id_of.get(norm)
                    if cid is None:
                        cid = id_of[norm] = len(vocab)
                        vocab.append(norm)
            raw_to_id[w] = mapped[j] = cid
        chunk_ids = mapped[codes] if len(codes) else np.zeros(0, dtype=np.int32)
        unit_of = np.repeat(np.arange(len(raw)), [len(r) for r in raw])
        keep = chunk_ids >= 0
        kept_at = np.flatnonzero(keep)
        ends = np.zeros(len(kept_at), dtype=bool)
        before_break = np.searchsorted(kept_at, np.flatnonzero(chunk_ids == _BREAK)) - 1
        ends[before_break[before_break >= 0]] = True
        return chunk_ids[keep], np.bincount(unit_of[keep], minlength=len(raw)), ends

    for start in range(0, len(texts), TOKENIZE_CHUNK):
        raw = [words_and_breaks(t.lower()) for t in texts[start : start + TOKENIZE_CHUNK]]
        if per_text is None:
            ids, counts, breaks = content_ids(raw, stop_words)
        else:
            sets = per_text[start : start + len(raw)]
            pieces: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(raw)
            counts = np.zeros(len(raw), dtype=np.int64)
            for key in dict.fromkeys(id(sw) for sw in sets):
                members = [i for i, sw in enumerate(sets) if id(sw) == key]
                group_ids, group_counts, group_breaks = content_ids([raw[i] for i in members], sets[members[0]])
                ends = np.cumsum(group_counts)
                for i, end, n in zip(members, ends, group_counts):
                    pieces[i] = (group_ids[end - n : end], group_breaks[end - n : end])
                counts[members] = group_counts
            ids = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, dtype=np.int32)
            breaks = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, dtype=bool)
        lengths[start : start + len(raw)] = counts
        id_chunks.append(ids)
        break_chunks.append(breaks)
    ids = np.concatenate(id_chunks) if id_chunks else np.zeros(0, dtype=np.int32)
    breaks = np.concatenate(break_chunks) if break_chunks else np.zeros(0, dtype=bool)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return TokenTable(ids.astype(np.int32), offsets, np.array(vocab, dtype=object), breaks)


_BREAK = -2  # a raw token that is a phrase break, not a word
_UNSEEN = -3  # a raw token not normalised yet


def _is_word_start(raw_token: str) -> bool:
    """Whether a raw token of words_and_breaks is a word, not a phrase end (punctuation or a run of underscores)."""
    return raw_token[0] not in _BREAK_PUNCTUATION and raw_token.strip("_") != ""


def phrase_ngrams(
    text: str,
    ngram_max: int = 2,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = STOP_WORDS,
) -> list[str]:
    """The text's unigrams and n-grams, no n-gram running across a sentence or clause break.

    The plain reference for what `tokenize_many` + the n-gram counters build from ids.
    """
    out: list[str] = []
    for phrase in PHRASE_BREAK_RE.split(text.lower()):
        out.extend(ngrams(tokenize(phrase, aliases, stop_words), ngram_max))
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


def ngram_order(requested: int) -> int:
    """The longest n-gram actually counted for a requested order: 1 to MAX_NGRAM."""
    return max(1, min(int(requested), MAX_NGRAM))


@lru_cache(maxsize=None)
def language_stop_words(language: str) -> frozenset[str] | None:
    """A language's stop words, or None when no list for it is at hand.

    English (and an undetermined language, ""): the project's list, scikit-learn's
    English words plus news filler. Other languages: the list of the `stop-words`
    package (python-stop-words, 33 languages, read from its own files) plus the
    news filler above. `stop-words` rather than stopwords-iso: the latter's Russian
    list drops "война", "россия", "москва", "народ", the very words framing turns on.
    """
    if language in ("", "en"):
        return STOP_WORDS
    from stop_words import LANGUAGE_MAPPING, get_stop_words

    code = _STOP_LIST_CODE.get(language, language)
    if code not in LANGUAGE_MAPPING:
        filler = NEWS_FILLER_BY_LANGUAGE.get(language)
        return filler or None
    listed = {w.strip().lower() for w in get_stop_words(code)}
    return frozenset(listed) | NEWS_FILLER_BY_LANGUAGE.get(language, frozenset())


def stop_words_with(extra: Iterable[str], language: str = "en") -> frozenset[str]:
    """The stop words of a language (none if it has no list) plus a user's extra words."""
    base = language_stop_words(language) or frozenset()
    extra = {w.strip().lower() for w in extra if w.strip()}
    return base | extra if extra else base
