"""Two articles side by side: which sentences report the same thing, which are their own.

Outlets seldom copy each other; they report the same fact in their own words
("The Justice Department has filed criminal charges against Libyan militia
leader Ahmed Khatallah" / "Federal authorities have filed the first criminal
charges in the investigation of the deadly terror attack"). So every sentence
of A is scored against every sentence of B on the terms they share, each term
weighted by how much it tells:

Terms. A sentence's content words as the analysis tokenises them (its aliases
folded, its stop words dropped), each reduced to its Snowball stem so that
"charges" and "charged" agree; and its numbers, which the tokenizer drops,
normalised so that "1,200" = "1200", "5%" = "5 percent" and "$1.5 million" =
"1,500,000".

Rarity in the corpus. A word weighs its inverse document frequency over the
analysis' units, ln((1 + N) / (1 + df)), with N at least MIN_DOCUMENTS: a
small corpus cannot tell common words from rare ones, so there every word
counts nearly alike (without a corpus, all alike). A number counts as a word
found in 1 document in 100; a year, or a number up to 31 (days, small
counts), as one in 10.

Rarity in the pair. Two articles on one story repeat the story's words
("Kavanaugh", "vote") in sentence after sentence; sharing them says the
sentences are on the story, not that they report one fact. A term found in s
of the pair's S sentences is multiplied by min(1, ln((1+S)/s) / ln((1+S)/2)):
a term only the two compared sentences hold counts fully, one in every
sentence counts nothing.

Names. A capitalised word that does not open its sentence (or opens it but
is capitalised inside some sentence of the pair) is a name. Who a fact is
about is half of it, so a name both sentences carry counts NAME_WEIGHT times
in what they share.

Score. The shared weight over the geometric mean of the two sentences' own
weights, capped at 1: roughly, the share of each sentence's information the
other one carries (more when names are shared).

Matches. Two sentences are a copy when their words (stop words included)
nearly coincide: a Dice coefficient of at least COPY_DICE, as a syndicated
or quoted sentence does. Otherwise they report the same fact when the score
reaches the threshold and rests on at least MIN_SHARED_TERMS terms, one of
them not a name: a fact is who did what, and a title with a name ("White
House Press Secretary Jay Carney") is only who. Each sentence's partner is
its copy when it has one, else its best-scoring match; a sentence with
neither is unique to its article.

Thresholds. DEFAULT_THRESHOLD = 0.4: about two fifths of each sentence's
weighted information shared, which sentences of articles on different
events seldom reach. Two articles on the same story make the same fact
likelier before any word is read, so less evidence is asked of their
sentences: the threshold is multiplied by SAME_STORY_FACTOR = 0.5. Measured
by `python -m dashboard.bench --align` on the AllSides event corpus (median
share of A's sentences matched: 0.35 for same-event pairs, 0.015 for other
events of the same topic within a week). Read, the matches between 0.2 and
0.4 are mostly other statements on the same point of the story rather than
the same fact: words alone do not tell them apart. Such a match is therefore
labelled RELATED ("related statement"), and only a score of at least
DEFAULT_THRESHOLD is called the same fact.

For each match, the content words found only in A's sentence and only in
B's are kept (compared by stem, shown as the tokenizer writes them): how
two outlets frame one fact is in those words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
import snowballstemmer
from sklearn.feature_extraction.text import CountVectorizer

from . import keyterms, tokens

DEFAULT_THRESHOLD = 0.4
SAME_STORY_FACTOR = 0.5
NAME_WEIGHT = 2.0
MIN_SHARED_TERMS = 2
COPY_DICE = 0.9
MIN_DOCUMENTS = 100
NUMBER_DOCUMENT_SHARE = 0.01  # a number counts as a word found in this share of documents
COMMON_NUMBER_DOCUMENT_SHARE = 0.1  # a year, or a number up to 31

COPY = "copy"
SAME_FACT = "same fact"
# A match that reaches only the same-story threshold, not DEFAULT_THRESHOLD: read,
# such pairs are mostly other statements on the same point of the story, not the
# same fact, so they are not called one.
RELATED = "related statement"

_STEMMER = snowballstemmer.stemmer("english")
_NUMBER_RE = re.compile(
    r"(?<![\w.,])[$€£]?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\w)"
    r"(\s*(?:%|percent\b|per cent\b))?"
    r"(\s*(?:thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """A content word's Snowball (Porter 2) stem: "charges", "charged" -> "charg"."""
    return _STEMMER.stemWord(word)


def numbers_in(sentence: str) -> list[str]:
    """The sentence's numbers, normalised: "1,200" and "1200" -> "1200", "5%" and "5 percent" -> "5%",
    "$1.5 million" -> "1500000"."""
    found = []
    for match in _NUMBER_RE.finditer(sentence):
        whole, fraction, percent, multiplier = match.groups()
        value = float(whole.replace(",", "") + ("." + fraction if fraction else ""))
        if multiplier:
            value *= _MULTIPLIERS[multiplier.strip().lower()]
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        found.append(text + ("%" if percent else ""))
    return found


def _is_common_number(number: str) -> bool:
    """A year or a number up to 31: days of the month and small counts, found in many sentences."""
    if number.endswith("%") or "." in number:
        return False
    value = int(number)
    return value <= 31 or 1900 <= value <= 2100


@dataclass(frozen=True)
class WordRarity:
    """How many of a corpus's documents hold each word (the tokenizer's forms), for inverse document frequency."""

    words: pd.Index
    document_frequency: np.ndarray
    n_documents: int

    @classmethod
    def from_counts(cls, document_frequency: Mapping[str, int], n_documents: int) -> "WordRarity":
        if n_documents < 0 or any(int(df) < 0 or int(df) > n_documents for df in document_frequency.values()):
            raise ValueError("document frequencies must lie between 0 and the number of documents")
        words = list(document_frequency)
        return cls(pd.Index(words, dtype=object), np.array([int(document_frequency[w]) for w in words]), n_documents)

    @classmethod
    def from_tokens(cls, table: tokens.TokenTable, rows: np.ndarray | None = None) -> "WordRarity":
        """Document frequencies over the units of a token table (all, or those in a boolean mask).

        One sort of (unit, word) codes: about 0.1 s for the 2.3 million
        content tokens of 5,000 articles.
        """
        if rows is not None:
            table = table.select(np.asarray(rows, dtype=bool))
        n_words = len(table.vocab)
        unit = np.repeat(np.arange(len(table), dtype=np.int64), table.lengths())
        codes = unit * max(n_words, 1) + table.ids
        codes.sort()
        first = np.ones(len(codes), dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        df = np.bincount(codes[first] % max(n_words, 1), minlength=n_words) if n_words else np.zeros(0, np.int64)
        return cls(pd.Index(table.vocab, dtype=object), df, len(table))

    @classmethod
    def none(cls) -> "WordRarity":
        """No corpus: every word counts alike."""
        return cls(pd.Index([], dtype=object), np.zeros(0, dtype=np.int64), 0)

    def _idf(self, df: np.ndarray | float) -> np.ndarray:
        n = max(self.n_documents, MIN_DOCUMENTS)
        return np.log((1.0 + n) / (1.0 + np.asarray(df, dtype=np.float64)))

    def word_idf(self, words: Sequence[str]) -> np.ndarray:
        """ln((1 + N) / (1 + df)) per word, N at least MIN_DOCUMENTS; a word the corpus lacks has df 0."""
        if not len(self.words):
            return self._idf(np.zeros(len(words)))
        where = self.words.get_indexer(pd.Index(list(words), dtype=object))
        return self._idf(np.where(where >= 0, self.document_frequency[np.maximum(where, 0)], 0))

    def number_idf(self, number: str) -> float:
        share = COMMON_NUMBER_DOCUMENT_SHARE if _is_common_number(number) else NUMBER_DOCUMENT_SHARE
        return float(self._idf(share * max(self.n_documents, MIN_DOCUMENTS)))


def _kind(is_copy: bool, score: float) -> str:
    if is_copy:
        return COPY
    return SAME_FACT if score >= DEFAULT_THRESHOLD else RELATED


@dataclass(frozen=True)
class SentenceMatch:
    """Sentence a of A and sentence b of B: a copy, the same fact or a related statement, its score, and the words each adds."""

    a: int
    b: int
    score: float
    kind: str  # COPY, SAME_FACT or RELATED (same story, below DEFAULT_THRESHOLD)
    only_a: tuple[str, ...]  # content words of A's sentence that B's lacks (compared by stem)
    only_b: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "kind": self.kind,
                "only_a": list(self.only_a), "only_b": list(self.only_b)}


@dataclass
class Alignment:
    """The comparison of article A with article B.

    a_best[i] is (index of A sentence i's partner in B, or None when it has
    none; the score of its best-scoring B sentence); b_best likewise. matches
    holds every pair either side chose, in A order. threshold is the one
    applied (lowered when same_story). similarity is the share of both
    texts' characters that lie in matched sentences (how much of the two
    articles is shared); cosine compares the whole-document vectors (how
    alike their vocabulary is, regardless of sentence order). distinctive:
    keyterms.log_odds columns, A's terms first, B's at the bottom.
    """

    a_sentences: list[str]
    b_sentences: list[str]
    a_best: list[tuple[int | None, float]]
    b_best: list[tuple[int | None, float]]
    matches: list[SentenceMatch]
    unique_a: list[int]
    unique_b: list[int]
    similarity: float
    cosine: float
    threshold: float
    same_story: bool
    distinctive: pd.DataFrame
    _by_pair: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def pairs(self) -> list[tuple[int, int, float]]:
        """(a index, b index, score) of every match, in A order."""
        return [(m.a, m.b, m.score) for m in self.matches]

    def match_kinds(self) -> dict[str, int]:
        """How many matches of each kind (copy, same fact, related statement), zeros included."""
        counts = dict.fromkeys((COPY, SAME_FACT, RELATED), 0)
        for m in self.matches:
            counts[m.kind] += 1
        return counts

    def match(self, a: int, b: int) -> SentenceMatch | None:
        """The match of A sentence a with B sentence b, or None when they are not matched."""
        if not self._by_pair and self.matches:
            self._by_pair.update({(m.a, m.b): m for m in self.matches})
        return self._by_pair.get((a, b))

    def to_dict(self) -> dict:
        """Plain lists and numbers for JSON, floats rounded to 4 places."""
        records = self.distinctive.to_dict(orient="records")
        distinctive = [
            {key: _plain(value) for key, value in record.items()} for record in records
        ]
        return {
            "a_sentences": list(self.a_sentences),
            "b_sentences": list(self.b_sentences),
            "a_best": [[index, round(score, 4)] for index, score in self.a_best],
            "b_best": [[index, round(score, 4)] for index, score in self.b_best],
            "matches": [m.to_dict() for m in self.matches],
            "unique_a": list(self.unique_a),
            "unique_b": list(self.unique_b),
            "similarity": round(self.similarity, 4),
            "cosine": round(self.cosine, 4),
            "threshold": round(self.threshold, 4),
            "same_story": self.same_story,
            "distinctive": distinctive,
        }


def _plain(value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return round(float(value), 4)
    return str(value)


@dataclass
class _Sentence:
    """One sentence's terms as the matching sees them."""

    words: list[str]  # content words as the tokenizer writes them, in order
    keys: list[str]  # their stems
    capitalised: list[bool]
    opening: list[bool]  # the sentence's first word
    numbers: list[str]
    every_word: set[str]  # all its words, stop words included, lower-case (for copies)

    def terms(self, pair_names: set[str]) -> dict[str, bool]:
        """term -> whether it is a name here; numbers are "#<value>", never names."""
        out: dict[str, bool] = {}
        for key, capital, first in zip(self.keys, self.capitalised, self.opening):
            is_name = capital and (not first or key in pair_names)
            out[key] = out.get(key, True) and is_name
        out.update((f"#{n}", False) for n in self.numbers)
        return out


def _parse(
    sentence: str, aliases: Mapping[str, str] | None, stop_words: frozenset[str], seen: dict[str, str | None]
) -> _Sentence:
    """A sentence's terms; `seen` caches each raw token's content word (None: not one) across the pair."""
    parsed = _Sentence([], [], [], [], numbers_in(sentence), set(tokens.words(sentence)))
    for position, match in enumerate(tokens.TOKEN_RE.finditer(sentence)):
        raw = match.group(0)
        if raw not in seen:
            content = tokens.tokenize(raw, aliases, stop_words)
            seen[raw] = content[0] if content else None
        word = seen[raw]
        if word is not None:
            parsed.words.append(word)
            parsed.keys.append(stem(word))
            parsed.capitalised.append(raw[0].isupper())
            parsed.opening.append(position == 0)
    return parsed


def _only(words: Sequence[str], keys: Sequence[str], other_keys: set[str]) -> tuple[str, ...]:
    """Words whose stem the other sentence lacks, each once, in order."""
    return tuple(dict.fromkeys(w for w, k in zip(words, keys) if k not in other_keys))


def _pair_specificity(present: sp.csr_matrix) -> np.ndarray:
    """Per term: 1 when only two of the pair's sentences hold it, falling to 0 when all do."""
    n_sentences = present.shape[0]
    held_by = np.maximum(np.asarray(present.sum(axis=0)).ravel(), 1.0)
    if n_sentences <= 2:
        return np.ones(present.shape[1])
    return np.minimum(1.0, np.log((1 + n_sentences) / held_by) / math.log((1 + n_sentences) / 2))


def _best(rows: np.ndarray, cols: np.ndarray, rank: np.ndarray, n_rows: int) -> np.ndarray:
    """Per row, the position (into rows/cols) of its highest rank, lowest column on ties; -1 for empty rows."""
    best = np.full(n_rows, -1, dtype=np.int64)
    if len(rows):
        order = np.lexsort((cols, -rank, rows))
        first = np.ones(len(order), dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        best[rows[order][first]] = order[first]
    return best


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to length 1 (all-zero rows stay zero), so dot products are cosines."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _sublinear(counts: sp.csr_matrix) -> sp.csr_matrix:
    """1 + log(tf), as the corpus vectors use, so a repeated word does not dominate."""
    damped = counts.copy()
    damped.data = 1.0 + np.log(damped.data)
    return damped


def _background_for(
    vocabulary: np.ndarray, background_counts: np.ndarray, terms: Sequence[str]
) -> np.ndarray:
    """Corpus counts of the two articles' terms (0 for terms the corpus lacks)."""
    columns = pd.Index(np.asarray(terms, dtype=object)).get_indexer(vocabulary)
    background_counts = np.asarray(background_counts, dtype=np.float64).ravel()
    return np.where(columns >= 0, background_counts[np.maximum(columns, 0)], 0.0)


def _identity(doc):
    return doc


@dataclass
class SentenceMatching:
    """Which sentence of B each sentence of A is matched with, and back (see Alignment for the fields)."""

    a_best: list[tuple[int | None, float]]
    b_best: list[tuple[int | None, float]]
    matches: list[SentenceMatch]
    unique_a: list[int]
    unique_b: list[int]
    threshold: float
    same_story: bool


def _check_thresholds(threshold: float, same_story_factor: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must lie in (0, 1], got {threshold}")
    if not 0.0 < same_story_factor <= 1.0:
        raise ValueError(f"same_story_factor must lie in (0, 1], got {same_story_factor}")


def _parse_all(
    sentences: Sequence[str], aliases: Mapping[str, str] | None, stop_words: frozenset[str]
) -> list[_Sentence]:
    seen: dict[str, str | None] = {}
    return [_parse(s, aliases, stop_words, seen) for s in sentences]


def match_sentences(
    a_sentences: Sequence[str],
    b_sentences: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    same_story: bool = False,
    rarity: WordRarity | None = None,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = tokens.STOP_WORDS,
    same_story_factor: float = SAME_STORY_FACTOR,
) -> SentenceMatching:
    """The sentence matching of align_sentences alone, without the articles' vocabulary comparison."""
    _check_thresholds(threshold, same_story_factor)
    parsed = _parse_all(list(a_sentences) + list(b_sentences), aliases, stop_words)
    return _match(parsed, len(a_sentences), threshold, same_story, rarity, same_story_factor)


def _match(
    parsed: list[_Sentence], n_a: int, threshold: float, same_story: bool, rarity: WordRarity | None,
    same_story_factor: float,
) -> SentenceMatching:
    """Score every pair of sentences sharing a term, then give each sentence its partner (see the module doc)."""
    rarity = rarity if rarity is not None else WordRarity.none()
    applied = threshold * same_story_factor if same_story else threshold
    n_b = len(parsed) - n_a

    # Terms and their weights.
    pair_names = {k for p in parsed for k, c, f in zip(p.keys, p.capitalised, p.opening) if c and not f}
    sentence_terms = [p.terms(pair_names) for p in parsed]
    column: dict[str, int] = {}
    rows, cols, names = [], [], []
    for r, found in enumerate(sentence_terms):
        for term, is_name in found.items():
            rows.append(r)
            cols.append(column.setdefault(term, len(column)))
            names.append(is_name)
    shape = (len(parsed), len(column))
    present = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    named = sp.csr_matrix((np.asarray(names, dtype=np.float64), (rows, cols)), shape=shape)
    named.eliminate_zeros()
    lowest_df_word: dict[str, str] = {}  # stem -> the pair's word of that stem the corpus finds most often
    pair_words = sorted({w for p in parsed for w in p.words})
    idf_of_word = dict(zip(pair_words, rarity.word_idf(pair_words)))
    for p in parsed:
        for word, key in zip(p.words, p.keys):
            if key not in lowest_df_word or idf_of_word[word] < idf_of_word[lowest_df_word[key]]:
                lowest_df_word[key] = word
    idf = np.zeros(len(column))
    for term, c in column.items():
        idf[c] = rarity.number_idf(term[1:]) if term.startswith("#") else idf_of_word[lowest_df_word[term]]
    weight = idf * _pair_specificity(present)

    # Scores, on the pairs of sentences that share a term.
    a_present, b_present = present[:n_a], present[n_a:]
    shared_terms = (a_present @ b_present.T).tocoo()
    i, j = shared_terms.row.astype(np.int64), shared_terms.col.astype(np.int64)
    diagonal = sp.diags(weight)
    shared = a_present @ diagonal @ b_present.T + (NAME_WEIGHT - 1) * (named[:n_a] @ diagonal @ named[n_a:].T)
    own = np.asarray(present @ weight).ravel()
    denominator = np.sqrt(own[i] * own[n_a + j])
    shared_weight = np.asarray(shared[i, j]).ravel() if len(i) else np.zeros(0)
    evidence = np.divide(shared_weight, denominator, out=np.zeros(len(i)), where=denominator > 0)
    score = np.minimum(1.0, evidence)  # shared names count twice, so evidence may pass 1
    shared_names = np.asarray((named[:n_a] @ named[n_a:].T)[i, j]).ravel() if len(i) else np.zeros(0)
    n_shared = shared_terms.data
    every = [p.every_word for p in parsed]
    copy_dice = np.array([2 * len(every[a] & every[n_a + b]) / (len(every[a]) + len(every[n_a + b]))
                          for a, b in zip(i, j)], dtype=np.float64)
    is_copy = copy_dice >= COPY_DICE
    is_fact = (score >= applied) & (n_shared >= MIN_SHARED_TERMS) & (n_shared - shared_names >= 1)
    eligible = is_copy | is_fact
    rank = np.where(is_copy, NAME_WEIGHT + 1.0 + evidence, evidence)  # a copy before any same fact

    def best_of(rows_: np.ndarray, cols_: np.ndarray, n_rows: int) -> tuple[list, np.ndarray]:
        top_any = _best(rows_, cols_, evidence, n_rows)
        chosen = _best(rows_[eligible], cols_[eligible], rank[eligible], n_rows)
        positions = np.flatnonzero(eligible)
        out, picked = [], []
        for r in range(n_rows):
            if chosen[r] >= 0:
                pos = positions[chosen[r]]
                out.append((int(cols_[pos]), float(score[pos])))
                picked.append(pos)
            else:
                out.append((None, float(score[top_any[r]]) if top_any[r] >= 0 else 0.0))
        return out, np.array(picked, dtype=np.int64)

    a_best, a_picked = best_of(i, j, n_a)
    b_best, b_picked = best_of(j, i, n_b)
    matches = []
    for pos in sorted(set(a_picked.tolist()) | set(b_picked.tolist()), key=lambda p: (i[p], j[p])):
        pa, pb = parsed[i[pos]], parsed[n_a + j[pos]]
        matches.append(SentenceMatch(
            int(i[pos]), int(j[pos]), float(score[pos]), _kind(bool(is_copy[pos]), float(score[pos])),
            _only(pa.words, pa.keys, set(pb.keys)), _only(pb.words, pb.keys, set(pa.keys)),
        ))
    unique_a = [r for r, (partner, _) in enumerate(a_best) if partner is None]
    unique_b = [r for r, (partner, _) in enumerate(b_best) if partner is None]

    return SentenceMatching(a_best, b_best, matches, unique_a, unique_b, applied, bool(same_story))


def align_sentences(
    a_sentences: Sequence[str],
    b_sentences: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    same_story: bool = False,
    rarity: WordRarity | None = None,
    aliases: Mapping[str, str] | None = None,
    background_counts: np.ndarray | None = None,
    terms: Sequence[str] | None = None,
    stop_words: frozenset[str] = tokens.STOP_WORDS,
    ngram_max: int = 2,
    same_story_factor: float = SAME_STORY_FACTOR,
) -> Alignment:
    """Match the sentences of two articles (copies and same facts) and find the terms that set them apart.

    threshold: the score a same-fact match needs; multiplied by
    same_story_factor when same_story (the caller knows whether the two
    articles are on one story). rarity: the corpus's document frequencies
    (WordRarity.from_tokens over the analysis' units); without it every
    word counts alike. background_counts with terms (the corpus vocabulary)
    give keyterms its informative prior, the single words' counts its size;
    without them the two articles are their own background. aliases,
    stop_words and ngram_max tokenise the sentences as the analysis did
    (queries.align passes the analysis' own). A sentence with no content
    words scores 0 and is unique to its article.
    """
    if (background_counts is None) != (terms is None):
        raise ValueError("background_counts and terms go together: pass both or neither")
    _check_thresholds(threshold, same_story_factor)
    a_sentences, b_sentences = list(a_sentences), list(b_sentences)
    parsed = _parse_all(a_sentences + b_sentences, aliases, stop_words)
    matching = _match(parsed, len(a_sentences), threshold, same_story, rarity, same_story_factor)
    unique_a, unique_b = matching.unique_a, matching.unique_b

    a_chars = np.array([len(s.strip()) for s in a_sentences], dtype=np.float64)
    b_chars = np.array([len(s.strip()) for s in b_sentences], dtype=np.float64)
    total_chars = a_chars.sum() + b_chars.sum()
    shared_chars = a_chars.sum() - a_chars[unique_a].sum() + b_chars.sum() - b_chars[unique_b].sum()
    similarity = float(shared_chars / total_chars) if total_chars else 0.0

    cosine, distinctive = _vocabulary_comparison(parsed, len(a_sentences), ngram_max, background_counts, terms)
    return Alignment(
        a_sentences=a_sentences,
        b_sentences=b_sentences,
        a_best=matching.a_best,
        b_best=matching.b_best,
        matches=matching.matches,
        unique_a=unique_a,
        unique_b=unique_b,
        similarity=similarity,
        cosine=cosine,
        threshold=matching.threshold,
        same_story=matching.same_story,
        distinctive=distinctive,
    )


def _vocabulary_comparison(
    parsed: list[_Sentence], n_a: int, ngram_max: int, background_counts: np.ndarray | None,
    terms: Sequence[str] | None,
) -> tuple[float, pd.DataFrame]:
    """The articles' whole-vocabulary cosine (TF-IDF over their sentences) and their distinctive n-grams."""
    grams = [tokens.ngrams(p.words, tokens.ngram_order(ngram_max)) for p in parsed]
    # Monroe et al.'s group sizes: the articles' content tokens, whatever the n-gram order.
    token_totals = (sum(len(p.words) for p in parsed[:n_a]), sum(len(p.words) for p in parsed[n_a:]))
    if any(grams):
        vectorizer = CountVectorizer(analyzer=_identity, dtype=np.float64)
        counts = vectorizer.fit_transform(grams).tocsr()
        vocabulary = vectorizer.get_feature_names_out().astype(object)
    else:
        counts = sp.csr_matrix((len(grams), 0))
        vocabulary = np.array([], dtype=object)
    # Smoothed idf over the two articles' sentences: a term in every sentence separates nothing.
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
    a_counts = np.asarray(counts[:n_a].sum(axis=0)).ravel()
    b_counts = np.asarray(counts[n_a:].sum(axis=0)).ravel()
    weights = sp.diags(idf, shape=(len(vocabulary), len(vocabulary)))
    doc_vectors = _unit_rows(_sublinear(sp.csr_matrix(np.vstack([a_counts, b_counts]))) @ weights)
    cosine = float((doc_vectors[0] @ doc_vectors[1].T).toarray()[0, 0]) if len(vocabulary) else 0.0

    if background_counts is None:
        background, background_total = a_counts + b_counts, float(sum(token_totals))
    else:
        background = _background_for(vocabulary, background_counts, terms)
        single_words = np.array([" " not in str(t) for t in terms], dtype=bool)
        background_total = float(np.asarray(background_counts, dtype=np.float64).ravel()[single_words].sum())
    distinctive = keyterms.log_odds(
        a_counts, b_counts, background, vocabulary, token_totals=token_totals, background_total=background_total
    )
    return cosine, distinctive
