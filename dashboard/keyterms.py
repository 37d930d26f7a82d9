"""Distinctive terms of one group of units against another, and keyword in context.

Raw frequency differences favour common words and noisy one-off words; the
weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
and Quinn 2008, "Fightin' Words", section 3.5) shrinks rare terms toward the
corpus rate and scales each difference by its uncertainty, so the z-score says
how surely a term belongs to one side.

For each term w, with counts y_a, y_b, group totals n_a, n_b and prior
pseudo-counts alpha_w (alpha_0 their sum):

    delta_w = log((y_aw + a_w) / (n_a + a_0 - y_aw - a_w))
            - log((y_bw + a_w) / (n_b + a_0 - y_bw - a_w))
    var_w  ~= 1 / (y_aw + a_w) + 1 / (y_bw + a_w)
    z_w     = delta_w / sqrt(var_w)

The prior has the background's proportions: alpha_w = a0 * bg_w / sum(bg).
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import tokens

# Pseudo-count for a term the background lacks (background not a superset of
# the groups): the uninformative prior of Monroe et al. section 3.4, so the
# term gets a finite log-odds instead of log(0).
MISSING_TERM_ALPHA = 0.01

KEYTERM_COLUMNS = ["term", "z", "delta", "count_a", "count_b", "rate_a", "rate_b", "significant", "favours"]


def log_odds(
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    background: np.ndarray,
    terms: Sequence[str],
    prior_scale: float | None = None,
    z_crit: float = 1.96,
    token_totals: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Weighted log-odds with an informative Dirichlet prior, most A-ish term first.

    prior_scale (a0) defaults to n_a + n_b: the prior weighs as much as the
    two groups together. For "A vs the rest" with the corpus as background
    that is Monroe et al.'s choice (alpha_w = the corpus counts themselves);
    for two small groups inside a large corpus it keeps the corpus prior from
    swamping the evidence, which a0 = corpus total would do.

    Terms neither group uses are dropped: their z would only reflect the
    groups' sizes. A term the background lacks gets the uninformative
    pseudo-count MISSING_TERM_ALPHA. Rates are per 1,000 tokens; token_totals
    gives the groups' token counts (default: the summed counts, i.e. per 1,000
    counted n-grams).
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
    n_a, n_b = y_a.sum(), y_b.sum()
    if prior_scale is not None and prior_scale <= 0:
        raise ValueError(f"prior_scale must be positive, got {prior_scale}")
    a0 = float(n_a + n_b) if prior_scale is None else float(prior_scale)

    bg_total = bg.sum()
    alpha = a0 * bg / bg_total if bg_total > 0 else np.zeros_like(bg)
    used = (y_a + y_b) > 0
    alpha[used & (alpha == 0)] = MISSING_TERM_ALPHA
    alpha_0 = alpha.sum()

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

    tokens_a, tokens_b = token_totals if token_totals is not None else (n_a, n_b)
    order = np.argsort(-z, kind="stable")
    z, delta = z[order], delta[order]
    y_a, y_b = y_a[order], y_b[order]
    picked = keep[order]
    # Object arrays convert to pandas strings several times faster than numpy "<U" arrays.
    if isinstance(terms, np.ndarray):
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
            "rate_a": y_a * 1000.0 / tokens_a if tokens_a > 0 else np.zeros_like(y_a),
            "rate_b": y_b * 1000.0 / tokens_b if tokens_b > 0 else np.zeros_like(y_b),
            "significant": np.abs(z) >= z_crit,
            "favours": favours,
        },
        columns=KEYTERM_COLUMNS,
    )


def _row_indicator(rows: np.ndarray, n_units: int, name: str) -> np.ndarray:
    """A 0/1 vector over units from int indices or a bool mask (duplicates count once)."""
    rows = np.asarray(rows)
    indicator = np.zeros(n_units, dtype=np.float64)
    if rows.dtype == bool:
        if rows.shape != (n_units,):
            raise ValueError(
                f"{name}: boolean mask has length {rows.size}, expected {n_units} (one per unit)"
            )
        indicator[rows] = 1.0
    elif rows.size:
        if not np.issubdtype(rows.dtype, np.integer):
            raise ValueError(f"{name}: expected integer row indices or a boolean mask, got {rows.dtype}")
        if rows.min() < -n_units or rows.max() >= n_units:
            raise ValueError(f"{name}: row index out of range for {n_units} units")
        indicator[rows] = 1.0
    if not indicator.any():
        raise ValueError(f"{name} is empty: choose at least one unit for each group")
    return indicator


def _group_sum(counts: sp.csr_matrix, indicator: np.ndarray, total: np.ndarray | None) -> np.ndarray:
    """Column sums over a group's rows, touching at most half the rows.

    A large group ("the rest") is the total minus its small complement.
    """
    n_units = counts.shape[0]
    if total is None or indicator.sum() <= n_units / 2:
        return np.asarray(counts[np.flatnonzero(indicator)].sum(axis=0)).ravel()
    return total - np.asarray(counts[np.flatnonzero(indicator == 0)].sum(axis=0)).ravel()


def compare_groups(
    counts: sp.csr_matrix,
    rows_a: np.ndarray,
    rows_b: np.ndarray,
    terms: Sequence[str],
    background: np.ndarray | None = None,
    n_tokens: np.ndarray | None = None,
    **kw,
) -> pd.DataFrame:
    """Distinctive terms of units rows_a against units rows_b (see log_odds).

    Groups may overlap (the usual case is A vs "the rest", which does not, but
    A vs "everything" is allowed): shared units count on both sides and so
    pull differences toward zero. Identical groups have nothing to compare and
    raise. background defaults to the counts of all units; n_tokens (content
    tokens per unit) makes the rates per 1,000 tokens.
    """
    n_units = counts.shape[0]
    in_a = _row_indicator(rows_a, n_units, "group A")
    in_b = _row_indicator(rows_b, n_units, "group B")
    if np.array_equal(in_a, in_b):
        raise ValueError("groups A and B are the same units: nothing to compare")
    counts = sp.csr_matrix(counts)
    big_group = max(in_a.sum(), in_b.sum()) > n_units / 2
    total = np.asarray(counts.sum(axis=0)).ravel() if background is None or big_group else None
    counts_a = _group_sum(counts, in_a, total)
    counts_b = _group_sum(counts, in_b, total)
    if background is None:
        background = total
    token_totals = None
    if n_tokens is not None:
        n_tokens = np.asarray(n_tokens, dtype=np.float64)
        token_totals = (float(n_tokens @ in_a), float(n_tokens @ in_b))
    return log_odds(counts_a, counts_b, background, terms, token_totals=token_totals, **kw)


def top_terms(df: pd.DataFrame, n: int = 15, side: str = "a") -> pd.DataFrame:
    """The n terms that most favour one side, most distinctive first."""
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
