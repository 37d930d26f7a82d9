"""Whether a group of units earns a frame's name: lift over the corpus, with a significance test.

A cluster (or an outlet's coverage) is named after a frame only when the
frame is clearly more common in it than in the whole corpus. Otherwise a
frame most units carry anyway ("political" in US political news) or a
handful of stray passages would name groups that do not differ from the
corpus at all, and a reader would take the name for a finding.

For each group and frame, on unit counts (a unit counts for every frame it
carries, `frame_model.SCORE_THRESHOLD`):

- share: units of the group carrying the frame / units of the group;
- corpus share: the same over every unit counted;
- lift: share / corpus share;
- p: one-sided Fisher exact test of "the group carries the frame more often
  than the rest of the corpus" (the hypergeometric tail P(X >= units)).

The name is earned when share >= EARNED_MIN_SHARE (most of the group carries
the frame), lift >= EARNED_MIN_LIFT and p < ALPHA / (groups x frames): a
Bonferroni bound, so among all the groups and frames tested the chance of
naming even one group by luck stays below ALPHA. Of several earned frames
the one with the highest lift names the group.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

ALPHA = 0.05  # family-wise error rate over every (group, frame) tested
EARNED_MIN_LIFT = 1.5  # the frame must be at least this many times as common in the group as in the corpus
EARNED_MIN_SHARE = 0.5  # and carried by at least this share of the group's units

LIFT_COLUMNS = ["group", "frame", "units", "group_units", "share", "corpus_share", "lift", "p", "earned"]


def frame_lifts(carried: np.ndarray, groups: np.ndarray, names: Sequence[str], counted: np.ndarray | None = None) -> pd.DataFrame:
    """One row per (group, frame): units, group_units, share, corpus_share, lift, p and earned (see the module).

    `carried` is (units x frames) bool, `groups` each unit's group (any
    hashable labels), `counted` the units that count (e.g. syndicated copies
    left out, so one text printed five times weighs once).
    """
    carried = np.asarray(carried, dtype=bool)
    groups = np.asarray(groups)
    counted = np.ones(len(groups), dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    carried, groups = carried[counted], groups[counted]
    total = len(groups)
    if total == 0 or carried.shape[1] == 0:
        return pd.DataFrame(columns=LIFT_COLUMNS)
    ids, group_of = np.unique(groups, return_inverse=True)
    group_units = np.bincount(group_of, minlength=len(ids))
    in_group = np.column_stack([np.bincount(group_of, weights=carried[:, j], minlength=len(ids)) for j in range(carried.shape[1])])
    in_corpus = carried.sum(axis=0)
    share = in_group / group_units[:, None]
    corpus_share = in_corpus / total
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.where(corpus_share > 0, share / np.where(corpus_share > 0, corpus_share, 1), np.nan)
    # P(X >= observed) for X ~ hypergeometric(total, frame units in corpus, group size): one-sided Fisher.
    p = hypergeom.sf(in_group - 1, total, in_corpus[None, :], group_units[:, None])
    alpha = ALPHA / max(share.size, 1)
    earned = (share >= EARNED_MIN_SHARE) & (np.nan_to_num(lift) >= EARNED_MIN_LIFT) & (p < alpha)
    rows = {
        "group": np.repeat(ids, len(names)),
        "frame": np.tile(np.asarray(names, dtype=object), len(ids)),
        "units": in_group.ravel().astype(np.int64),
        "group_units": np.repeat(group_units, len(names)),
        "share": share.ravel(),
        "corpus_share": np.tile(corpus_share, len(ids)),
        "lift": lift.ravel(),
        "p": p.ravel(),
        "earned": earned.ravel(),
    }
    return pd.DataFrame(rows, columns=LIFT_COLUMNS)


def best_frames(lifts: pd.DataFrame) -> pd.DataFrame:
    """Per group, the frame that names it (earned, highest lift) or, if none is earned, its highest-lift frame.

    Columns as `frame_lifts`; `earned` says which of the two a row is.
    """
    if lifts.empty:
        return lifts
    ordered = lifts.assign(_lift=lifts["lift"].fillna(0.0)).sort_values(
        ["group", "earned", "_lift", "p"], ascending=[True, False, False, True], kind="stable"
    )
    return ordered.groupby("group", sort=True).head(1).drop(columns="_lift").set_index("group", drop=False)
