"""Distinctive terms of one group of units against another, and keyword in context.

Raw frequency differences favour common words and noisy one-off words; the
weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
and Quinn 2008, "Fightin' Words", section 3.5) shrinks rare terms toward the
corpus rate and scales each difference by its uncertainty, so the z-score says
how surely a term belongs to one side.

For each term w, with counts y_a, y_b, group totals n_a, n_b and prior
pseudo-counts alpha_w (alpha_0 = a0, their sum over single words):

    delta_w = log((y_aw + a_w) / (n_a + a_0 - y_aw - a_w))
            - log((y_bw + a_w) / (n_b + a_0 - y_bw - a_w))
    var_w  ~= 1 / (y_aw + a_w) + 1 / (y_bw + a_w)
    z_w     = delta_w / sqrt(var_w)

The prior has the background's proportions: alpha_w = a0 * bg_w / N, with N
the background's token total.

As in the paper, the groups' full word counts are compared: every word and
every n-gram up to the analysis' n-gram order (NgramCounter counts them from
the token ids), not the clustering vocabulary, whose document-frequency
cut-offs drop a word found in nearly every article ("Kazakhstan") however
unequally the groups use it. n_a and n_b are the groups' token totals, so the
z of a term does not depend on which other terms are listed; with groups of
equal size, mirror-image terms get exactly opposite z, and swapping the
groups negates every z. Only terms the groups use fewer than MIN_TERM_COUNT
times together are left out. The background is the whole corpus with
syndicated copies counted once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from . import tokens
from .tokens import TokenTable

# Pseudo-count for a term the background lacks (background not a superset of
# the groups): the uninformative prior of Monroe et al. section 3.4, so the
# term gets a finite log-odds instead of log(0).
MISSING_TERM_ALPHA = 0.01

NGRAMS_PER_SLICE = 2_000_000  # n-grams sorted at once when counting: bounds the memory it takes

# An n-gram the two groups use fewer times than this together is left out:
# such a term cannot reach |z| >= 1.96 between groups of similar size, and
# leaving out the one-off typos and phrases keeps the table readable.
MIN_TERM_COUNT = 3

# |z| at which a term is marked significant: a two-sided 5% test for one term (not corrected for the
# number of terms compared).
Z_CRITICAL = 1.96

KEYTERM_COLUMNS = ["term", "z", "delta", "count_a", "count_b", "rate_a", "rate_b", "significant", "favours"]


def log_odds(
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    background: np.ndarray,
    terms: Sequence[str],
    prior_scale: float | None = None,
    z_crit: float = Z_CRITICAL,
    token_totals: tuple[float, float] | None = None,
    background_total: float | None = None,
) -> pd.DataFrame:
    """Weighted log-odds with an informative Dirichlet prior, most A-ish term first.

    prior_scale (a0) defaults to n_a + n_b: the prior weighs as much as the
    two groups together. For "A vs the rest" with the corpus as background
    that is Monroe et al.'s choice (alpha_w = the corpus counts themselves);
    for two small groups inside a large corpus it keeps the corpus prior from
    swamping the evidence, which a0 = corpus total would do.

    token_totals are the group sizes n_a, n_b in tokens and background_total
    the background's (alpha_w = a0 * bg_w / background_total, alpha_0 = a0).
    They default to the summed counts, which is right when the counts cover
    every word once (a full unigram vocabulary). With n-grams among the terms
    each n-gram is weighed against the token totals, so a phrase and a word
    are on one scale and a pruned or filtered term list does not change the
    z of the terms kept.

    Terms neither group uses are dropped: their z would only reflect the
    groups' sizes. A term the background lacks gets the uninformative
    pseudo-count MISSING_TERM_ALPHA. Rates are per 1,000 tokens.
    """
    y_a = np.asarray(counts_a, dtype=np.float64).ravel()
    y_b = np.asarray(counts_b, dtype=np.float64).ravel()
    bg = np.asarray(background, dtype=np.float64).ravel()
    n_terms = len(terms)
    if not (len(y_a) == len(y_b) == len(bg) == n_terms):
        raise ValueError(
            f"counts_a ({len(y_a)}), counts_b ({len(y_b)}), background ({len(bg)}) "
            f"and terms ({n_terms}) must have the same length"
        )
    if (y_a < 0).any() or (y_b < 0).any() or (bg < 0).any():
        raise ValueError("counts and background must not be negative")
    n_a, n_b = (float(t) for t in token_totals) if token_totals is not None else (y_a.sum(), y_b.sum())
    if prior_scale is not None and prior_scale <= 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale}")
    a0 = float(n_a + n_b) if prior_scale is None else float(prior_scale)

    bg_total = bg.sum() if background_total is None else float(background_total)
    alpha = a0 * bg / bg_total if bg_total > 0 else np.zeros_like(bg)
    used = (y_a + y_b) > 0
    alpha[used & (alpha == 0)] = MISSING_TERM_ALPHA
    alpha_0 = a0

    keep = np.flatnonzero(used)
    y_a, y_b, alpha = y_a[keep], y_b[keep], alpha[keep]

    rest_a = n_a + alpha_0 - y_a - alpha
    rest_b = n_b + alpha_0 - y_b - alpha
    # With no other word in play (a one-term vocabulary) the odds are undefined: report 0.
    defined = (rest_a > 0) & (rest_b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(y_a + alpha) - np.log(rest_a) - (np.log(y_b + alpha) - np.log(rest_b))
    delta = np.where(defined, delta, 0.0)
    z = delta / np.sqrt(1.0 / (y_a + alpha) + 1.0 / (y_b + alpha))

    order = np.argsort(-z, kind="stable")
    z, delta = z[order], delta[order]
    y_a, y_b = y_a[order], y_b[order]
    picked = keep[order]
    # Object arrays convert to pandas strings several times faster than numpy "<U" arrays.
    if isinstance(terms, pd.api.extensions.ExtensionArray):
        term_array = terms.take(picked)
    elif isinstance(terms, np.ndarray):
        term_array = terms[picked].astype(object)
    else:
        term_array = np.asarray(terms, dtype=object)[picked]
    favours = pd.Categorical.from_codes(
        np.where(z > 0, 0, np.where(z < 0, 1, 2)), categories=["a", "b", "none"]
    )
    return pd.DataFrame(
        {
            "term": term_array,
            "z": z,
            "delta": delta,
            "count_a": y_a.astype(np.int64),
            "count_b": y_b.astype(np.int64),
            "rate_a": y_a * 1000.0 / n_a if n_a > 0 else np.zeros_like(y_a),
            "rate_b": y_b * 1000.0 / n_b if n_b > 0 else np.zeros_like(y_b),
            "significant": np.abs(z) >= z_crit,
            "favours": favours,
        },
        columns=KEYTERM_COLUMNS,
    )


def _row_mask(rows: np.ndarray, n_units: int, name: str) -> np.ndarray:
    """A boolean mask over units from int indices or a bool mask (duplicates count once)."""
    rows = np.asarray(rows)
    mask = np.zeros(n_units, dtype=bool)
    if rows.dtype == bool:
        if rows.shape != (n_units,):
            raise ValueError(
                f"{name}: boolean mask has length {rows.size}, expected {n_units} (one per unit)"
            )
        mask[rows] = True
    elif rows.size:
        if not np.issubdtype(rows.dtype, np.integer):
            raise ValueError(f"{name}: expected integer row indices or a boolean mask, got {rows.dtype}")
        if rows.min() < -n_units or rows.max() >= n_units:
            raise ValueError(f"{name}: row index out of range for {n_units} units")
        mask[rows] = True
    if not mask.any():
        raise ValueError(f"{name} is empty: choose at least one unit for each group")
    return mask


@dataclass(frozen=True)
class NgramCounts:
    """How often each n-gram occurs in a set of units.

    codes are packed n-grams (see NgramCounter), sorted and unique; n_tokens is
    the units' content-token total, the group size n of Monroe et al.
    """

    codes: np.ndarray  # int64
    counts: np.ndarray  # int32, > 0
    n_tokens: int

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """Counts of the given codes, 0 for codes not counted here."""
        if len(self.codes) == 0:
            return np.zeros(len(codes), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        return np.where(self.codes[pos] == codes, self.counts[pos], 0)


def _merge(a: NgramCounts, b: NgramCounts, min_count: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes, counts in a, counts in b) of the codes a and b use at least min_count times together.

    Only the smaller set is searched in the larger one: the larger one's codes
    qualify on their own counts, since adding the other side's only raises them.
    So "A vs the rest" of a large corpus costs one pass over the rest's codes.
    """
    swap = len(a.codes) < len(b.codes)
    big, small = (b, a) if swap else (a, b)
    big_at_small = big.lookup(small.codes)
    big_keep = big.counts >= min_count
    # Codes of the small side that qualify only together with the big side's count.
    added = (small.counts + big_at_small >= min_count) & (big_at_small < min_count)
    kept_codes = big.codes[big_keep]
    where = np.searchsorted(kept_codes, small.codes[added])
    codes = np.insert(kept_codes, where, small.codes[added])
    y_big = np.insert(big.counts[big_keep].astype(np.int64), where, big_at_small[added])
    y_small = np.zeros(len(codes), dtype=np.int64)
    at = np.minimum(np.searchsorted(codes, small.codes), max(len(codes) - 1, 0))
    listed = (codes[at] == small.codes) if len(codes) else np.zeros(len(small.codes), dtype=bool)
    y_small[at[listed]] = small.counts[listed]
    return (codes, y_small, y_big) if swap else (codes, y_big, y_small)


class NgramCounter:
    """Counts every n-gram (1 to ngram_max content words) of any set of units, on demand.

    Key terms compare the groups' full word counts (Monroe et al.), not the
    clustering vocabulary, which drops rare terms and terms found in most
    units. Counting from the token ids when two groups are chosen costs
    milliseconds for groups of a few hundred articles and keeps no second
    units x n-grams matrix in memory; only the background (the units in
    `background_rows`, i.e. with syndicated copies collapsed) is kept, counted
    on first use.

    An n-gram of token ids (t1, ..., tn) is packed as the base-(V+1) number
    with digits t1+1 ... tn+1 (V = vocabulary size), so unigrams, bigrams and
    trigrams occupy disjoint ranges of one sorted int64 array.
    """

    def __init__(self, table: TokenTable, ngram_max: int, background_rows: np.ndarray):
        self.table = table
        self.ngram_max = tokens.ngram_order(ngram_max)
        self.background_rows = _row_mask(background_rows, len(table), "background")
        self.base = len(table.vocab) + 1
        if self.base**self.ngram_max >= 2**63:
            raise ValueError(
                f"a vocabulary of {len(table.vocab):,} words is too large to count {self.ngram_max}-grams"
            )
        self._background: NgramCounts | None = None
        self._words: pd.api.extensions.ExtensionArray | None = None  # "" + vocab, for terms()
        self._ids: dict[str, int] | None = None  # vocab -> id, for codes_of()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def n_units(self) -> int:
        return len(self.table)

    @property
    def background(self) -> NgramCounts:
        """Counts over the background units, computed once (the informative prior)."""
        with self._lock:
            if self._background is None:
                self._background = self._count(self.background_rows)
        return self._background

    def count(self, rows: np.ndarray) -> NgramCounts:
        """Counts over the units in `rows` (indices or a boolean mask).

        A group bigger than what it differs from the background by (e.g. "the
        rest") is the background minus the units it lacks plus those it adds.
        """
        rows = _row_mask(rows, self.n_units, "group")
        lengths = self.table.lengths()
        missing, extra = self.background_rows & ~rows, rows & ~self.background_rows
        if lengths[missing].sum() + lengths[extra].sum() >= lengths[rows].sum():
            return self._count(rows)
        background = self.background
        counts = background.counts.copy()
        if missing.any():
            lacking = self._count(missing)
            counts[np.searchsorted(background.codes, lacking.codes)] -= lacking.counts
        n_tokens = background.n_tokens - int(lengths[missing].sum())
        kept = counts > 0
        result = NgramCounts(background.codes[kept], counts[kept], n_tokens)
        if extra.any():
            added = self._count(extra)
            codes, y_result, y_added = _merge(result, added)
            result = NgramCounts(codes, y_result + y_added, n_tokens + added.n_tokens)
        return result

    def _count(self, rows: np.ndarray) -> NgramCounts:
        table = self.table.select(rows)
        ids = table.ids
        unigrams = np.bincount(ids, minlength=len(table.vocab))
        present = np.flatnonzero(unigrams)
        code_parts = [present.astype(np.int64) + 1]
        count_parts = [unigrams[present].astype(np.int32)]
        # last[i]: token i ends its unit or a sentence, so no n-gram runs from it into the next.
        last = table.ends_phrase()
        crosses = np.zeros(len(ids), dtype=bool)  # an n-gram starting here would cross units
        # Sorting every n-gram at once would hold 40,000 articles' bigrams in
        # memory several times over; n-grams are sorted in slices by their first
        # word's id instead, each slice about NGRAMS_PER_SLICE long. Slices
        # cover increasing code ranges, so their results join already sorted.
        cumulative = np.cumsum(unigrams)
        n_slices = max(1, -(-len(ids) // NGRAMS_PER_SLICE))
        cuts = np.searchsorted(cumulative, np.arange(1, n_slices) * (len(ids) / n_slices))
        bounds = np.unique(np.concatenate([[0], cuts, [len(table.vocab)]]))
        for n in range(2, self.ngram_max + 1):
            span = len(ids) - n + 1
            if span <= 0:
                break
            crosses = crosses[:span] | last[n - 2 : n - 2 + span]
            usable, in_slice = ~crosses, np.empty(span, dtype=bool)
            for low, high in zip(bounds[:-1], bounds[1:]):
                np.greater_equal(ids[:span], low, out=in_slice)
                in_slice &= usable
                in_slice &= ids[:span] < high
                codes, counts = self._count_codes(ids, n, np.flatnonzero(in_slice))
                code_parts.append(codes)
                count_parts.append(counts)
        codes = np.concatenate(code_parts)
        code_parts.clear()  # freed before the counts are joined
        return NgramCounts(codes, np.concatenate(count_parts), int(len(ids)))

    def _count_codes(self, ids: np.ndarray, n: int, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct codes of the n-grams beginning at `starts`, and their counts."""
        code = ids[starts].astype(np.int64)
        code += 1
        for j in range(1, n):
            code *= self.base
            code += ids[starts + j]
            code += 1
        code.sort()
        if not len(code):
            return code, np.zeros(0, dtype=np.int32)
        changes = np.empty(len(code), dtype=bool)
        changes[0] = True
        np.not_equal(code[1:], code[:-1], out=changes[1:])
        first = np.flatnonzero(changes)
        del changes
        counts = np.diff(first, append=len(code)).astype(np.int32)
        return code[first], counts

    def codes_of(self, terms: Sequence[str]) -> np.ndarray:
        """The packed codes of n-grams written as terms() writes them; -1 for a word not in the vocabulary."""
        if getattr(self, "_ids", None) is None:
            self._ids = {w: i for i, w in enumerate(self.table.vocab)}
        out = np.empty(len(terms), dtype=np.int64)
        for k, term in enumerate(terms):
            code = 0
            for word in str(term).split():
                i = self._ids.get(word)
                if i is None:
                    code = -1
                    break
                code = code * self.base + i + 1
            out[k] = code
        return out

    def terms(self, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The n-grams of sorted codes as strings ("state emergency"), a pandas string array.

        Built with pandas' (Arrow-backed) string operations: for a million
        terms several times faster than joining Python strings.
        """
        codes = np.asarray(codes, dtype=np.int64)
        if len(codes) > 1 and (np.diff(codes) < 0).any():
            raise ValueError("codes must be sorted")
        if self._words is None:
            self._words = pd.array(np.concatenate([[""], self.table.vocab]).astype(object), dtype="str")
        parts = []
        low = 1
        for n in range(1, self.ngram_max + 1):
            high = self.base**n
            rest = codes[(codes >= low) & (codes < high)]
            low = high
            if not len(rest):
                continue
            text = None
            for _ in range(n):  # least significant digit (last word) first
                rest, digit = np.divmod(rest, self.base)
                text = self._words.take(digit) if text is None else self._words.take(digit) + " " + text
            parts.append(text)
        if not parts:
            return pd.array([], dtype="str")
        return parts[0] if len(parts) == 1 else pd.concat([pd.Series(p) for p in parts], ignore_index=True).array


def compare_groups(
    counter: NgramCounter,
    rows_a: np.ndarray,
    rows_b: np.ndarray,
    min_count: int = MIN_TERM_COUNT,
    **kw,
) -> pd.DataFrame:
    """Distinctive n-grams of units rows_a against units rows_b (see log_odds).

    Every n-gram the two groups use at least `min_count` times together is
    compared; n_a and n_b are the groups' content-token totals and the prior
    is the counter's background. Groups may overlap (A vs "everything" is
    allowed): shared units count on both sides and so pull differences toward
    zero. Identical groups have nothing to compare and raise.
    """
    in_a = _row_mask(rows_a, counter.n_units, "group A")
    in_b = _row_mask(rows_b, counter.n_units, "group B")
    if np.array_equal(in_a, in_b):
        raise ValueError("groups A and B are the same units: nothing to compare")
    group_a, group_b = counter.count(in_a), counter.count(in_b)
    codes, y_a, y_b = _merge(group_a, group_b, max(int(min_count), 1))
    background = counter.background
    return log_odds(
        y_a,
        y_b,
        background.lookup(codes),
        counter.terms(codes),
        token_totals=(group_a.n_tokens, group_b.n_tokens),
        background_total=background.n_tokens,
        **kw,
    )


# Words of outlet names that say what kind of outlet it is, not which one: the
# "news" of "Fox News" names no outlet.
NEWSROOM_WORDS = frozenset(
    """news online web opinion opinions editorial editorials guest writer writers blog magazine daily weekly
    times post journal media network tv radio com net org live report today the""".split()
)
OUTLET_SHARE = 0.5  # a term naming an outlet is its self-reference when that outlet supplies at least half its uses
SELF_REFERENCE_CANDIDATES = 300  # per side: only terms that can be listed are checked


def outlet_name_words(source: str) -> frozenset[str]:
    """The words a term must contain to name this outlet: its distinctive name words and their joins.

    "Fox Online News" gives fox and foxnews (as in "foxnews com"); "CNN (Web News)"
    gives cnn; generic newsroom words (NEWSROOM_WORDS) name no outlet alone.
    """
    raw = [w for w in tokens.words(source) if w]
    single = {w for w in raw if w not in NEWSROOM_WORDS and w not in tokens.STOP_WORDS and len(w) > 1}
    # "Fox Online News" is written foxnews in addresses: any two of its words in order, and all of them
    joined = {raw[i] + raw[j] for i in range(len(raw)) for j in range(i + 1, len(raw))} | {"".join(raw)}
    return frozenset(single | joined)


def mark_outlet_names(
    counter: NgramCounter,
    terms: pd.DataFrame,
    rows_a: np.ndarray,
    rows_b: np.ndarray,
    unit_sources: np.ndarray,
    share: float = OUTLET_SHARE,
    candidates: int = SELF_REFERENCE_CANDIDATES,
) -> pd.DataFrame:
    """`terms` with a `names_outlet` column: the term names an outlet and mostly comes from that outlet.

    Outlets name themselves in datelines, credits and "told CNN": compared by
    outlet or rating, "cnn" and "fox news" top the lists, saying who wrote
    rather than how. Such a term is kept in the table but not ranked among
    the top terms (top_terms skips it; the pages and the CLI say which were
    left out). A term naming an outlet that other outlets mostly use (Fox
    News as a subject of left-leaning coverage) stays ranked.
    """
    in_a = _row_mask(rows_a, counter.n_units, "group A")
    in_b = _row_mask(rows_b, counter.n_units, "group B")
    either = in_a | in_b
    unit_sources = np.asarray(unit_sources, dtype=object)
    names_outlet = np.zeros(len(terms), dtype=bool)
    word_outlets: dict[str, set[str]] = {}
    for source in pd.unique(unit_sources[either]):
        for word in outlet_name_words(str(source)):
            word_outlets.setdefault(word, set()).add(source)
    z = terms["z"].to_numpy()
    shown = np.concatenate([np.flatnonzero(z > 0)[:candidates], np.flatnonzero(z < 0)[::-1][:candidates]])
    by_outlets: dict[frozenset, list[int]] = {}
    for row in shown:
        named = set().union(*(word_outlets.get(w, set()) for w in str(terms["term"].iat[row]).split()))
        if named:
            by_outlets.setdefault(frozenset(named), []).append(int(row))
    if by_outlets:
        rows = np.concatenate([np.asarray(r) for r in by_outlets.values()])
        codes = counter.codes_of(terms["term"].to_numpy()[rows])
        total = dict(zip(rows.tolist(), counter.count(either).lookup(codes).tolist()))
        code_of = dict(zip(rows.tolist(), codes.tolist()))
        for outlets, members in by_outlets.items():
            own = counter.count(either & np.isin(unit_sources, list(outlets)))
            own_counts = own.lookup(np.array([code_of[r] for r in members], dtype=np.int64))
            for row, n in zip(members, own_counts.tolist()):
                names_outlet[row] = total[row] > 0 and n >= share * total[row]
    return terms.assign(names_outlet=names_outlet)


def outlet_names_left_out(df: pd.DataFrame, n: int = 15) -> dict[str, list[str]]:
    """Per side ("a", "b"), the terms top_terms skipped as outlets naming themselves, most distinctive first."""
    if "names_outlet" not in df.columns:
        return {"a": [], "b": []}
    named = df[df["names_outlet"]]
    return {"a": named[named["z"] > 0]["term"].head(n).tolist(),
            "b": named[named["z"] < 0]["term"].iloc[::-1].head(n).tolist()}


def top_terms(df: pd.DataFrame, n: int = 15, side: str = "a") -> pd.DataFrame:
    """The n terms that most favour one side, most distinctive first (outlets naming themselves skipped)."""
    if "names_outlet" in df.columns:
        df = df[~df["names_outlet"].to_numpy(dtype=bool)]
    if side == "a":
        return df[df["z"] > 0].head(n).reset_index(drop=True)
    if side == "b":
        return df[df["z"] < 0].iloc[::-1].head(n).reset_index(drop=True)
    raise ValueError(f'side must be "a" or "b", got {side!r}')


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _content_word(
    text: str, span: tuple[int, int], aliases: Mapping[str, str] | None, stop_words: frozenset[str]
) -> str | None:
    """The vocabulary form of one word token, or None when the tokenizer drops it."""
    word = tokens.tokenize(text[span[0] : span[1]], aliases, stop_words)
    return word[0] if word else None


def _word_starts(lowered: str, hits: re.Pattern) -> Iterator[tuple[int, int]]:
    """(start, end) of each word token that begins with a hit of `hits`.

    Searching the text for the surface forms and checking token boundaries
    only there is far cheaper than walking every token of a long article.
    """
    for hit in hits.finditer(lowered):
        start = hit.start()
        before = lowered[max(0, start - 2) : start]
        # A hit inside a longer token ("anti-trump", "retrump") is not a word start.
        if before[-1:].isalnum() or before[-1:] == "_":
            continue
        if len(before) == 2 and before[1] in "-'" and (before[0].isalnum() or before[0] == "_"):
            continue
        token = tokens.TOKEN_RE.match(lowered, start)
        if token:
            yield start, token.end()


def _match_rest(
    text: str, pos: int, wanted: list[str], aliases: Mapping[str, str] | None, stop_words: frozenset[str]
) -> int | None:
    """End of the match when the content words after `pos` spell `wanted`, else None."""
    words = tokens.TOKEN_RE.finditer(text, pos)
    for target in wanted:
        for token in words:
            word = _content_word(text, token.span(), aliases, stop_words)
            if word is not None:
                break
        else:
            return None
        if word != target:
            return None
        pos = token.end()
    return pos


def _left_start(text: str, start: int, window: int) -> int:
    """Start of the window-th word before `start`, scanning back only as far as needed."""
    if window <= 0:
        return start
    reach = 16 * window + 16
    while True:
        low = max(0, start - reach)
        starts = [m.start() for m in tokens.TOKEN_RE.finditer(text, low, start)]
        # The first word found may be cut by `low`; it counts only at the text's start.
        if len(starts) > window or low == 0:
            return starts[-window] if len(starts) >= window else (starts[0] if starts else start)
        reach *= 4


def _right_end(text: str, end: int, window: int) -> int:
    for _, token in zip(range(window), tokens.TOKEN_RE.finditer(text, end)):
        end = token.end()
    return end


def _same_length_lower(text: str) -> str:
    """Lower case with offsets kept, so positions in it are positions in `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters such as "İ" lower to two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("’", "'")


def kwic(
    texts: Sequence[str],
    term: str,
    labels: Sequence[dict] | None = None,
    window: int = 8,
    limit: int = 200,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = tokens.STOP_WORDS,
) -> pd.DataFrame:
    """Each occurrence of a vocabulary term with `window` words either side.

    Matching sees words as tokens.tokenize does (case, aliases, 's, stop
    words and numbers skipped, so "state of emergency" is an occurrence of
    "state emergency"), while left, match and right are cut from the original
    text so a reader sees the real words. Rows come in corpus order: unit (the
    position in texts), start/end character offsets, the label fields, then
    left, match, right.
    """
    if labels is not None and len(labels) != len(texts):
        raise ValueError(f"labels has {len(labels)} entries for {len(texts)} texts")
    wanted = tokens.tokenize(term, aliases, stop_words)
    if not wanted:
        raise ValueError(f"term {term!r} has no content words to look for")
    # Surface forms that can produce each wanted word, for a cheap substring
    # test that skips texts which cannot contain the term.
    surface = {w: {w} for w in wanted}
    for variant, canonical in (aliases or {}).items():
        if canonical in surface:
            surface[canonical].add(variant.lower())

    first_forms = sorted(surface[wanted[0]], key=len, reverse=True)
    first_hits = re.compile("|".join(re.escape(form) for form in first_forms))
    rows: list[dict] = []
    for unit, text in enumerate(texts):
        if len(rows) >= limit:
            break
        lowered = _same_length_lower(text)
        if not all(any(form in lowered for form in forms) for forms in surface.values()):
            continue
        for start, first_end in _word_starts(lowered, first_hits):
            if _content_word(text, (start, first_end), aliases, stop_words) != wanted[0]:
                continue
            end = _match_rest(text, first_end, wanted[1:], aliases, stop_words)
            if end is None:
                continue
            row = dict(labels[unit]) if labels is not None else {}
            row.update(
                unit=unit,
                start=start,
                end=end,
                left=_collapse(text[_left_start(text, start, window) : start]),
                match=_collapse(text[start:end]),
                right=_collapse(text[end : _right_end(text, end, window)]),
            )
            rows.append(row)
            if len(rows) >= limit:
                break
    context_fields = ["unit", "start", "end", "left", "match", "right"]
    label_fields = [key for key in dict.fromkeys(k for row in rows for k in row) if key not in context_fields]
    return pd.DataFrame(rows, columns=context_fields[:3] + label_fields + context_fields[3:])
