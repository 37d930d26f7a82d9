"""Frames for every passage: lexicon hits seed a model fitted on this corpus.

A lexicon finds a frame only where its words are used; a passage that makes
the same argument in other words gets nothing. Here the lexicon's clear
decisions teach a model of the corpus' own context, which then scores every
unit, so a passage about the same thing in other words can get its frame.

Per frame, independently (a unit can carry several):

1. Seeds. Positives: units whose lexicon evidence for the frame is clear (at
   least MIN_HITS hits and MIN_SCORE hits per 100 tokens, the lexicon's own
   rule). Negatives: units of at least MIN_NEGATIVE_TOKENS tokens with no
   hit at all for the frame. Units with weaker evidence do not train, and
   neither do syndicated copies (one text must not count twice). Seed sets
   larger than MAX_POSITIVES / MAX_NEGATIVES are thinned evenly, so the
   cost is bounded on any corpus.
2. Context. The units' TF-IDF vectors are reduced once, for all frames, to
   CONTEXT_DIMS latent dimensions (truncated SVD, i.e. latent semantic
   analysis, of the CONTEXT_TERMS most widely used terms, learnt on at most
   CONTEXT_ROWS units so the cost is bounded): words that occur
   in the same contexts share dimensions, which is what lets a model trained
   on "terrorists" and "militants" recognise "armed groups" in a passage
   that uses neither lexicon word.
3. Model. A logistic regression with an L2 penalty (C) per frame on those
   dimensions; deterministic (lbfgs; the SVD has a fixed seed). It is linear
   in the TF-IDF vector: its coefficient on a term is the SVD's loadings
   times the regression's weights, so a unit's decision value is exactly
   the intercept plus the sum over its terms of coefficient x TF-IDF. Those
   products are the "learned words" shown as evidence.
4. Calibration (Platt scaling). The seeds' decision values are taken out of
   fold (CV_FOLDS-fold stratified cross-validation: no seed is scored by a
   model that saw it); a one-dimensional logistic fit of the seed labels on
   them, with Platt's smoothed targets, maps a decision value to a
   probability; the thinning is undone in that map's intercept (the prior
   correction of King & Zeng 2001). The model refitted on all seeds gives
   the decision values that are mapped. The context score is therefore the
   probability that a unit belongs with the lexicon's clear examples of the
   frame rather than with the units that have none of its words: calibrated
   on held-out seeds, extrapolated elsewhere, never checked against human
   judgement (no labelled data is used).
5. Score = the stronger of the two kinds of evidence: max(lexicon score,
   context score). The context score counts only where the unit's learned
   weights add up to more than zero (its words, on balance, point to the
   frame); elsewhere it is 0, so a unit never gets a frame from the mere
   base rate of the seeds. The lexicon score (`lexicon_probability`) reaches
   SCORE_THRESHOLD exactly where the lexicon's own rule is clear, so a unit
   whose words clearly carry a frame keeps it, and the model adds the
   frames the words miss.
6. Too few seeds (fewer than MIN_SEEDS positives or negatives), or seeds the
   held-out model cannot tell apart: no model for that frame; its score is
   the lexicon score alone, and a notice says so.

A unit carries every frame whose score reaches SCORE_THRESHOLD; its dominant
frame is the one its lexicon words show most clearly when they are clear for
some frame, else the highest-scoring one, or "none" when no frame reaches it
(`dominant`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from .frames import MIN_HITS, MIN_SCORE, NO_FRAME

SCORE_THRESHOLD = 0.5  # a unit carries a frame when its score reaches this (stated on How it works)
MIN_SEEDS = 3  # fewer clear lexicon examples than this: the frame is scored by its lexicon alone
MIN_NEGATIVE_TOKENS = 10  # a negative seed has no hit for the frame in at least this many content tokens
MAX_POSITIVES = 4_000  # seeds per class beyond these are thinned evenly (bounded cost)
MAX_NEGATIVES = 8_000
CONTEXT_DIMS = 64  # latent dimensions of the context space
CONTEXT_TERMS = 20_000  # most widely used terms the context space is built from
CONTEXT_ROWS = 5_000  # units (evenly spaced) the context space is learnt from; every unit is then projected
CV_FOLDS = 3
C = 1.0  # inverse strength of the L2 penalty


@dataclass
class FrameModel:
    """What was learnt per frame: enough to score any TF-IDF row and to explain the score."""

    names: list[str]
    fitted: np.ndarray  # bool per frame: a context model was fitted (else: lexicon score only)
    n_positive: np.ndarray  # int per frame: positive seeds available (before thinning)
    n_negative: np.ndarray
    columns: np.ndarray  # the TF-IDF columns (terms) the context space reads
    coef: np.ndarray  # frames x len(columns): each term's coefficient; zero rows for frames without a model
    intercept: np.ndarray  # per frame
    slope: np.ndarray  # Platt: context score = sigmoid(slope * decision + offset)
    offset: np.ndarray
    unit_context: np.ndarray | None = None  # the fitted units' context scores (units x frames), computed while fitting
    notices: list[str] = field(default_factory=list)

    def decision(self, tfidf: sp.csr_matrix) -> np.ndarray:
        """(rows x frames) decision values: intercept + sum of coefficient x TF-IDF."""
        return project(tfidf, self.columns, self.coef) + self.intercept

    def context_scores(self, tfidf: sp.csr_matrix) -> np.ndarray:
        """(rows x frames) calibrated context scores; 0 for frames without a model and for rows without context."""
        return _context(self.decision(tfidf), self.fitted, self.intercept, self.slope, self.offset)


PROJECT_ROWS = 4_000  # TF-IDF rows projected at a time: selecting their columns copies them


def project(tfidf: sp.csr_matrix, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(rows x len(weights)) tfidf[:, columns] @ weights.T, a block of rows at a time.

    Every row's product is summed as in one product of the whole matrix, so
    the numbers are the same; only a block's column selection is held at
    once, not a copy of the whole TF-IDF (100 MB on 37,554 articles).
    """
    blocks = [tfidf[start:start + PROJECT_ROWS][:, columns] @ weights.T
              for start in range(0, tfidf.shape[0], PROJECT_ROWS)]
    return np.vstack(blocks) if blocks else np.zeros((0, len(weights)), dtype=np.result_type(tfidf.dtype, weights.dtype))


def _context(decision: np.ndarray, fitted: np.ndarray, intercept: np.ndarray, slope: np.ndarray,
             offset: np.ndarray) -> np.ndarray:
    """Calibrated context scores, 0 where the row's words do not on balance point to the frame.

    A row whose learned weights add up to zero or less (no words the model
    knows, or words that speak against the frame) has no context evidence
    for it. Without this rule such a row would get the seeds' base rate,
    above one half for a frame most seeds carry, and so the frame itself.
    """
    scores = _sigmoid(slope * decision + offset)
    return np.where(fitted[None, :] & (decision > intercept), scores, 0.0)


def lexicon_probability(hits: np.ndarray, n_tokens: np.ndarray) -> np.ndarray:
    """A [0, 1] score from lexicon evidence alone.

    rate / (rate + MIN_SCORE), rate = hits per 100 tokens, scaled down by
    hits / MIN_HITS below MIN_HITS hits: it reaches SCORE_THRESHOLD (0.5)
    exactly where the lexicon's own rule calls a frame clear and stays below
    it for one stray word. Not a calibrated probability: there is nothing to
    calibrate it on.
    """
    hits = np.asarray(hits, dtype=float)
    n = np.maximum(np.asarray(n_tokens, dtype=float), 1.0).reshape(-1, *([1] * (hits.ndim - 1)))
    rate = 100.0 * hits / n
    return rate / (rate + MIN_SCORE) * np.minimum(hits / MIN_HITS, 1.0)


def seed_labels(hits: np.ndarray, n_tokens: np.ndarray, train_mask: np.ndarray) -> np.ndarray:
    """(units x frames) int8: 1 positive seed, 0 negative seed, -1 not used for training."""
    hits = np.asarray(hits)
    n_tokens = np.asarray(n_tokens, dtype=float)
    labels = np.full(hits.shape, -1, dtype=np.int8)
    labels[lexicon_probability(hits, n_tokens) >= SCORE_THRESHOLD] = 1
    labels[(hits == 0) & (n_tokens >= MIN_NEGATIVE_TOKENS)[:, None]] = 0
    labels[~np.asarray(train_mask, dtype=bool)] = -1
    return labels


def _thin(rows: np.ndarray, limit: int) -> np.ndarray:
    """At most `limit` rows, evenly spaced: deterministic and spread over the corpus."""
    if len(rows) <= limit:
        return rows
    return rows[np.unique(np.linspace(0, len(rows) - 1, limit).astype(np.int64))]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function, without overflow


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid (slope, offset) for held-out decision values, with his smoothed targets.

    Targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2) instead of 1 and 0 keep the
    sigmoid finite when the seeds are separable, and keep a score from
    claiming more certainty than a handful of seeds can give.
    """
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    values = np.concatenate([decision, decision]).reshape(-1, 1)
    labels = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    fit = LogisticRegression(C=1e4, max_iter=500).fit(values, labels, sample_weight=np.concatenate([target, 1 - target]))
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def context_space(tfidf: sp.csr_matrix, fit_rows: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(columns, loadings): the terms the context space reads and its SVD loadings (dims x columns).

    Built on the fit rows (copies left out), at most CONTEXT_ROWS of them
    evenly spaced, from the CONTEXT_TERMS terms used by most of them; terms
    used by a single unit cannot relate two units.
    """
    fit_rows = _thin(np.asarray(fit_rows), CONTEXT_ROWS)
    sample = tfidf[fit_rows]
    df = np.bincount(sample.indices, minlength=tfidf.shape[1])
    columns = np.flatnonzero(df >= 2)
    if len(columns) < 2:
        columns = np.flatnonzero(df >= 1)
    if len(columns) > CONTEXT_TERMS:
        columns = np.sort(columns[np.argsort(-df[columns], kind="stable")[:CONTEXT_TERMS]])
    dims = min(CONTEXT_DIMS, len(columns) - 1, len(fit_rows) - 1)
    if dims < 1:
        return columns, np.zeros((0, len(columns)))
    sample = sample[:, columns]  # the fit rows' context columns only: the whole rows are let go before the SVD
    svd = TruncatedSVD(n_components=dims, random_state=seed, n_iter=2)
    svd.fit(sample)
    return columns, svd.components_


def fit_frame_model(
    tfidf: sp.csr_matrix,
    hits: np.ndarray,
    n_tokens: np.ndarray,
    train_mask: np.ndarray,
    names: Sequence[str],
    seed: int = 0,
) -> FrameModel:
    """One calibrated context model per frame, seeded by the lexicon (see the module docstring)."""
    k = len(names)
    labels = seed_labels(hits, n_tokens, train_mask)
    with threadpool_limits(limits=1, user_api="blas"):  # small dense algebra: threads only contend
        columns, loadings = context_space(tfidf, np.flatnonzero(train_mask), seed)
    latent = project(tfidf, columns, loadings)  # units x dims
    with threadpool_limits(limits=1, user_api="blas"):
        results = [_fit_frame(latent, labels[:, j]) for j in range(k)]
    model, latent_weights = assemble_model(names, results, columns, loadings, (labels == 1).sum(axis=0),
                                           (labels == 0).sum(axis=0))
    decision = latent @ latent_weights.T + model.intercept  # = the units' coefficient x TF-IDF sums, without a second pass
    model.unit_context = _context(decision, model.fitted, model.intercept, model.slope, model.offset)
    return model


def assemble_model(
    names: Sequence[str], results: Sequence[tuple | str], columns: np.ndarray, loadings: np.ndarray,
    n_positive: np.ndarray, n_negative: np.ndarray,
) -> tuple[FrameModel, np.ndarray]:
    """The FrameModel from each frame's fit (`fit_seeds` or why there is none), and the weights on the latent dimensions.

    The notices say which frames are scored by their lexicon alone. Apart
    from `fit_frame_model` so a model fitted elsewhere (the Spark engine
    fits on seeds it collected) is the same object.
    """
    k = len(names)
    fitted = np.zeros(k, dtype=bool)
    coef = np.zeros((k, len(columns)))
    latent_weights = np.zeros((k, loadings.shape[0]))
    intercept, slope, offset = np.zeros(k), np.ones(k), np.zeros(k)
    too_few, untold = [], []
    for j, (name, result) in enumerate(zip(names, results)):
        if isinstance(result, str) and result == "too few":
            too_few.append(f"{name} ({int(n_positive[j])})")
        elif isinstance(result, str):
            untold.append(name)
        else:
            latent_weights[j], intercept[j], slope[j], offset[j] = result
            coef[j] = latent_weights[j] @ loadings  # the regression on latent dimensions, as weights on terms
            fitted[j] = True
    notices = []
    if too_few:
        notices.append(
            f"Too few clear lexicon examples to learn the context of (fewer than {MIN_SEEDS} units): "
            f"{', '.join(too_few)}; these frames are scored by their lexicon words alone."
        )
    if untold:
        notices.append(
            f"The context of {', '.join(untold)} does not tell its lexicon examples from other units "
            "(cross-validated); scored by the lexicon words alone."
        )
    model = FrameModel(list(names), fitted, np.asarray(n_positive), np.asarray(n_negative),
                       columns, coef, intercept, slope, offset, None, notices)
    return model, latent_weights


def _fit_frame(latent: np.ndarray, seeds: np.ndarray) -> tuple[np.ndarray, float, float, float] | str:
    """(weights on the latent dimensions, intercept, Platt slope, Platt offset), or why there is no model.

    "too few": fewer than MIN_SEEDS positive or negative seeds; "untold": the
    held-out decision values do not rise with the seeds' labels.
    """
    pos, neg = np.flatnonzero(seeds == 1), np.flatnonzero(seeds == 0)
    if len(pos) < MIN_SEEDS or len(neg) < MIN_SEEDS or latent.shape[1] == 0:
        return "too few"
    return fit_seeds(latent[_thin(pos, MAX_POSITIVES)], latent[_thin(neg, MAX_NEGATIVES)], len(pos), len(neg))


def fit_seeds(
    positive: np.ndarray, negative: np.ndarray, n_positive: int, n_negative: int
) -> tuple[np.ndarray, float, float, float] | str:
    """One frame's model from the latent rows of its kept seeds (thinned, in corpus order), or "untold".

    `n_positive` and `n_negative` are the seeds there were before thinning:
    the thinning is undone in the calibration's intercept.
    """
    train = np.vstack([positive, negative])
    y = np.concatenate([np.ones(len(positive)), np.zeros(len(negative))])
    model = LogisticRegression(C=C, max_iter=500)
    folds = StratifiedKFold(n_splits=min(CV_FOLDS, len(positive), len(negative)))
    held_out = _held_out_decisions(model, train, y, folds)
    slope, offset = _platt(held_out, y)
    if slope <= 0:
        return "untold"
    model.fit(train, y)
    # Undo the thinning: the kept seeds' odds are the seeds' odds x (share of positives kept / share of negatives kept).
    offset += np.log(len(negative) / n_negative) - np.log(len(positive) / n_positive)
    return model.coef_[0], float(model.intercept_[0]), slope, float(offset)


def _held_out_decisions(model: LogisticRegression, X: np.ndarray, y: np.ndarray, folds: StratifiedKFold) -> np.ndarray:
    """Each row's decision value from a copy of `model` fitted on the other folds.

    The numbers cross_val_predict(method="decision_function") gives, without
    its validation and dispatch around every fold (a tenth of the frames'
    model fitting).
    """
    tested, values = [], []
    for fit_rows, test_rows in folds.split(X, y):
        tested.append(test_rows)
        values.append(clone(model).fit(X[fit_rows], y[fit_rows]).decision_function(X[test_rows]))
    return np.concatenate(values)[np.argsort(np.concatenate(tested))]


def frame_scores(
    model: FrameModel, tfidf: sp.csr_matrix | None, hits: np.ndarray, n_tokens: np.ndarray
) -> np.ndarray:
    """(rows x frames) scores in [0, 1]: the stronger of the lexicon score and the context score.

    Rows are any texts vectorised like the units (units, or articles pooled
    from their units), with their lexicon hits and content-token counts;
    `tfidf=None` means the units the model was fitted on (their context
    scores were computed while fitting).
    """
    context = model.unit_context if tfidf is None else model.context_scores(tfidf)
    return np.maximum(lexicon_probability(hits, n_tokens), context)


def frames_carried(scores: np.ndarray, names: Sequence[str], first: Sequence[str] | None = None) -> list[list[str]]:
    """Per row, the frames whose score reaches SCORE_THRESHOLD, highest score first (but see `first`).

    Ties keep the frames' order. `first` (each row's dominant frame, from
    `dominant`) is put at the head of its row's list, so the list always
    starts with the row's `frame`. All rows are ranked in one sort: a sort
    per row cost 0.4 s on 37,554 articles.
    """
    scores = np.asarray(scores, dtype=float)
    names = np.asarray([str(n) for n in names], dtype=object)
    order = np.argsort(-scores, axis=1, kind="stable")  # per row: every frame, highest score first
    reached = np.take_along_axis(scores, order, axis=1) >= SCORE_THRESHOLD
    carried = names[order[reached]].tolist()  # row by row
    ends = np.cumsum(reached.sum(axis=1)).tolist()
    out = [carried[start:end] for start, end in zip([0, *ends[:-1]], ends)]
    if first is not None:
        for frames, head in zip(out, first):
            if head in frames:
                frames.remove(head)
                frames.insert(0, str(head))
    return out


def dominant(scores: np.ndarray, names: Sequence[str], lexicon: np.ndarray | None = None) -> np.ndarray:
    """Per row, the dominant frame among those reaching SCORE_THRESHOLD, else "none".

    Without `lexicon`: the highest-scoring frame (ties: listed first). With
    the rows' lexicon scores (`lexicon_probability`): where the lexicon alone
    is clear for some frame, the frame the row's own words show most
    strongly is dominant (a tie between lexicon scores goes to the higher
    score, then the frame listed first); elsewhere the highest score. A
    context score is the model's reading of what the words leave open, and
    on a unit it was fitted on it is a seed's own label learnt back: it adds
    frames, but does not overrule what the words themselves say most.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or scores.shape[1] == 0:
        return np.full(len(scores), NO_FRAME, dtype=object)
    ranked = scores
    if lexicon is not None:
        lexicon = np.asarray(lexicon, dtype=float)
        # Lexicon score first, overall score to break its ties: one lexicographic key per frame.
        strongest = lexicon >= lexicon.max(axis=1, keepdims=True)
        clear = (lexicon >= SCORE_THRESHOLD).any(axis=1)
        ranked = np.where(clear[:, None], np.where(strongest, 2.0 + scores, -1.0), scores)
    top = ranked.argmax(axis=1)
    best = scores[np.arange(len(scores)), top]
    return np.where(best >= SCORE_THRESHOLD, np.asarray(names, dtype=object)[top], NO_FRAME)


def learned_words(
    model: FrameModel, tfidf: sp.csr_matrix, terms: np.ndarray, frame: int, rows: Sequence[int], n: int = 8
) -> list[list[tuple[str, float]]]:
    """For each of `rows`, the terms that moved frame `frame`'s context score most: (term, coefficient x TF-IDF).

    Largest absolute weight first (ties by term order); a positive weight
    pushed the score up, a negative one down. All the weights of a row add up
    to its decision value minus the intercept, so the top ones show what the
    score rests on. Empty lists for a frame without a model. The same words
    as top_learned_weights, one list per row.
    """
    rows = np.asarray(rows, dtype=np.int64)
    out: list[list[tuple[str, float]]] = [[] for _ in rows]
    model_tfidf = sp.csr_matrix(tfidf[rows][:, model.columns])
    row, column, weight = top_learned_weights(model, model_tfidf, frame, np.arange(len(rows)), n)
    for i, term, value in zip(row.tolist(), terms[model.columns[column]].tolist(), weight.tolist()):
        out[i].append((str(term), value))
    return out


ROWS_RANKED_AT_ONCE = 250  # top_learned_weights ranks this many rows' weights together: a few MB at a time


def top_learned_weights(
    model: FrameModel, model_tfidf: sp.csr_matrix, frame: int, rows: np.ndarray, n: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """learned_words for many rows at once, as arrays: (row, column, weight) of each row's top `n` terms.

    `model_tfidf` holds TF-IDF over the model's terms only (tfidf[:,
    model.columns], or some units' rows of it), so a caller asking about
    several frames selects those columns once; `rows` are the rows of it
    asked about. A weight is coefficient x TF-IDF; `row` is a position in
    `rows`, `column` a position in model.columns. Rows come in order, each
    with its (at most n) nonzero weights of largest absolute value, largest
    first, ties by column. Empty for a frame without a model.

    Sorting every row's weights one row at a time cost more than the rest of
    writing the analyze JSON; here ROWS_RANKED_AT_ONCE rows are ranked
    together (_top_weights), which keeps the memory this takes small.
    """
    found = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0))]
    if model.fitted[frame]:
        for start in range(0, len(rows), ROWS_RANKED_AT_ONCE):
            some = model_tfidf[rows[start:start + ROWS_RANKED_AT_ONCE]]
            row, column, weight = _top_weights(model.coef[frame], some, n)
            found.append((row + start, column, weight))
    row, column, weight = (np.concatenate(parts) for parts in zip(*found))
    return row, column, weight


def _top_weights(coef: np.ndarray, model_tfidf: sp.csr_matrix, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """top_learned_weights of some rows for one frame's coefficients.

    Only the weights that can be in a row's top n (those at least its n-th
    largest, found by _nth_largest_per_row) are sorted, all rows together.
    """
    indptr = model_tfidf.indptr
    weight = model_tfidf.data * coef[model_tfidf.indices]
    size = np.abs(weight)
    can_be_top = size >= np.repeat(_nth_largest_per_row(size, indptr, n), np.diff(indptr))
    can_be_top &= weight != 0
    position = np.flatnonzero(can_be_top)
    row = np.searchsorted(indptr, position, side="right") - 1
    column, weight, size = model_tfidf.indices[position], weight[position], size[position]
    order = np.lexsort((column, -size, row))
    row, column, weight = row[order], column[order], weight[order]
    rank_in_row = np.arange(len(row)) - np.searchsorted(row, row)  # row is sorted: its first position starts its run
    top = rank_in_row < n
    return row[top], column[top], weight[top]


def _nth_largest_per_row(values: np.ndarray, indptr: np.ndarray, n: int) -> np.ndarray:
    """Per row of a CSR matrix (its data and indptr), the n-th largest stored value; -inf for rows of at most n.

    Rows are padded with -inf into one dense block per range of lengths
    (up to twice the shortest), so np.partition finds every row's n-th
    value at once while the padding stays under half of each block.
    """
    lengths = np.diff(indptr)
    nth = np.full(len(lengths), -np.inf)
    long_rows = np.flatnonzero(lengths > n)
    length_class = np.ceil(np.log2(lengths[long_rows])).astype(np.int64)
    for cls in np.unique(length_class):
        rows = long_rows[length_class == cls]
        row_lengths = lengths[rows]
        width = int(row_lengths.max())
        ends = np.cumsum(row_lengths)
        stored_at = np.arange(ends[-1]) + np.repeat(indptr[rows] - (ends - row_lengths), row_lengths)
        block = np.full((len(rows), width), -np.inf)
        block[np.arange(width) < row_lengths[:, None]] = values[stored_at]  # the rows' values, row by row
        nth[rows] = np.partition(block, width - n, axis=1)[:, width - n]
    return nth
