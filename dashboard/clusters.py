"""Clustering units by framing, choosing k, and a 2D map.

Clusters are fitted on the units of canonical documents only (syndicated
copies collapsed) and the copies are then placed in the nearest cluster, so a
text printed five times cannot form a cluster of its own. Cluster ids are
canonical (1 = largest, ties by first appearance) so that a shared URL naming
cluster 2 names the same cluster tomorrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import cut_tree, fcluster, linkage
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from .errors import SettingsError

K_MIN, K_MAX_AUTO = 2, 12
MAX_K = 200  # largest k the sidebar offers; any k up to the number of distinct units is honoured
AGGLOMERATIVE_MAX_UNITS = 4_000  # above: the condensed distance matrix gets too big
LSA_DIMS = 50  # dimensions of the dense reduction used for large corpora
MINIBATCH_ABOVE = 10_000


@dataclass
class ClusterResult:
    labels: np.ndarray  # per unit, canonical ids 1..k
    k: int
    method: str
    silhouettes: dict[int, float] = field(default_factory=dict)  # k -> score tried
    notices: list[str] = field(default_factory=list)
    embedding: np.ndarray | None = None  # the dense space clustered in (rows = units)


FRAME_WEIGHT = 0.5  # share of the clustering space given to the frame profile
STORY_TERMS = 300  # heaviest shared terms of a story taken out of its units


def story_residuals(
    vectors: sp.csr_matrix | np.ndarray, unit_story: np.ndarray, story_terms: int = STORY_TERMS
) -> sp.csr_matrix | np.ndarray:
    """Each unit's vector with its story's shared content taken out, L2-renormalised.

    Framing clusters should group the ways stories are told, not the
    stories: on a corpus of many stories, plain TF-IDF groups units by the
    names and events they report. A story's shared content is the mean vector
    of its units less the corpus mean (what every story has is nobody's own);
    it is subtracted from every unit of the story, so each story's units are
    centred on the corpus mean and what remains is what each unit says that
    the rest of its story does not: its angle, emphasis and wording. A unit
    alone in its story keeps its vector. On a corpus of one story the story
    mean is the corpus mean, nothing is taken out, and the vectors are
    returned as they are: framing inside one story is clustered as before.

    Dense rows (LSA coordinates) are centred exactly. Sparse rows (TF-IDF
    terms) keep their sparsity: a story's content there is its terms that at
    least two of its units use, where the story mean exceeds the corpus mean,
    cut to its `story_terms` heaviest, so each row gains at most
    `story_terms` entries and the cost is one sparse product.
    """
    n = vectors.shape[0]
    unit_story = np.asarray(unit_story)
    if len(unit_story) != n:
        raise ValueError(f"{len(unit_story)} story ids for {n} units: they must pair up one to one")
    if n == 0 or not _has_story_groups(unit_story):
        return vectors
    stories, story_row = np.unique(unit_story, return_inverse=True)
    sizes = np.bincount(story_row, minlength=len(stories))
    rows = np.flatnonzero(sizes[story_row] >= 2)
    member = sp.csr_matrix((np.ones(len(rows)), (story_row[rows], rows)), shape=(len(stories), n))
    pick = member.T.tocsr()
    if not sp.issparse(vectors):
        X = normalize(np.asarray(vectors, dtype=np.float64))
        own = (member @ X) / np.maximum(sizes, 1)[:, None] - X.mean(axis=0)
        return normalize(X - pick @ own)
    X = sp.csr_matrix(normalize(vectors), dtype=np.float64)
    X.eliminate_zeros()
    sums = (member @ X).tocsr()
    used = X.copy()
    used.data[:] = 1.0
    users = (member @ used).tocsr()  # per story and term: how many units use it (the same entries as sums)
    sums.sort_indices(), users.sort_indices()
    corpus_mean = np.asarray(X.mean(axis=0)).ravel()
    story_of_entry = np.repeat(np.arange(len(stories)), np.diff(sums.indptr))
    own = sums.data / sizes[story_of_entry] - corpus_mean[sums.indices]
    own[(users.data < 2) | (own < 0)] = 0.0
    shared = sp.csr_matrix((own, sums.indices, sums.indptr), shape=sums.shape)
    shared.eliminate_zeros()
    residual = (X - pick @ _top_per_row(shared, story_terms)).tocsr()
    residual.eliminate_zeros()
    return sp.csr_matrix(normalize(residual))


def _top_per_row(M: sp.csr_matrix, top: int) -> sp.csr_matrix:
    """Each row's `top` largest entries (ties: the lower column)."""
    lengths = np.diff(M.indptr)
    if not (lengths > top).any():
        return M
    row = np.repeat(np.arange(M.shape[0]), lengths)
    order = np.lexsort((M.indices, -M.data, row))
    rank = np.arange(len(order)) - M.indptr[row[order]]
    keep = np.sort(order[rank < top])
    indptr = np.concatenate([[0], np.cumsum(np.minimum(lengths, top))])
    return sp.csr_matrix((M.data[keep], M.indices[keep], indptr), shape=M.shape)


def framing_features(
    tfidf: sp.csr_matrix,
    frame_scores: np.ndarray,
    frame_weight: float = FRAME_WEIGHT,
    unit_story: np.ndarray | None = None,
    seed: int = 0,
) -> sp.csr_matrix:
    """The space units are clustered in: shared words plus the frames they carry.

    Plain TF-IDF groups passages by topic and names; appending each unit's
    frame profile (its lexicon scores, L2-normalised) pulls passages that frame
    the event alike together even when they share few words. Terms found in a
    single unit are left out here: they cannot make two units similar, only
    dilute every similarity. frame_weight=0 gives plain TF-IDF clustering.

    With `unit_story` (each unit's story id) the words are the ways each unit
    tells its story: its story's shared content is taken out (story_residuals)
    in the space the clustering happens in. For a large corpus that is the
    LSA space of the words (see embed), where articles on one story sit
    together even where their words differ; taking the story out of the raw
    term columns there left each article's own words, which still spoke of
    the story's topic (on AllSides events, k=100: the adjusted mutual
    information of clusters with stories fell from 0.26 to 0.21 in term space,
    to 0.19 in LSA space). The frame profile is appended after, untouched: a
    frame every outlet gives a story is still a way of telling it.
    """
    w = float(min(max(frame_weight, 0.0), 1.0))
    df = np.bincount(tfidf.indices, minlength=tfidf.shape[1])
    shared = np.flatnonzero(df >= min(2, tfidf.shape[0]))
    if len(shared) == 0:  # no unit shares a term with another: keep them all
        shared = np.arange(tfidf.shape[1])
    if len(shared) > LSA_MAX_TERMS and tfidf.shape[0] * len(shared) > DENSE_MAX_CELLS:
        # A large corpus is reduced by SVD over its most widely shared columns anyway.
        shared = np.sort(shared[np.argsort(-df[shared], kind="stable")[:LSA_MAX_TERMS]])
    text = normalize(tfidf[:, shared])
    if unit_story is not None and _has_story_groups(unit_story):
        if text.shape[0] * text.shape[1] > DENSE_MAX_CELLS and text.shape[0] > LSA_DIMS:
            text = embed(sp.csr_matrix(text), seed)  # dense LSA rows: the story is taken out there
        text = story_residuals(text, unit_story)
    text = sp.csr_matrix(text) * math.sqrt(1.0 - w)
    if w == 0.0 or frame_scores.size == 0:
        return sp.csr_matrix(text)
    profile = sp.csr_matrix(normalize(np.asarray(frame_scores, dtype=np.float64)) * math.sqrt(w))
    return sp.hstack([text, profile], format="csr")


def _has_story_groups(unit_story: np.ndarray) -> bool:
    """More than one story, and some story of two units or more: there is story content to take out."""
    _, row = np.unique(np.asarray(unit_story), return_inverse=True)
    sizes = np.bincount(row)
    return len(sizes) > 1 and bool((sizes >= 2).any())


DENSE_MAX_CELLS = 20_000_000  # below this the features are used as they are
LSA_MAX_TERMS = 20_000  # most widely shared columns kept for the SVD of a large corpus


def embed(features: sp.csr_matrix, seed: int = 0, dims: int = LSA_DIMS) -> np.ndarray:
    """Dense, L2-normalised rows to cluster in; LSA when the matrix is large.

    For a large corpus, a 50-dimensional truncated SVD of the 20,000 most widely
    shared columns keeps the structure k-means and silhouettes need at a
    fraction of the cost: on 5,083 articles the SVD takes 0.8 s and the whole k
    search 2 s, against 50 s for k-means on the 145,000 sparse columns.
    """
    n, m = features.shape
    if n * m <= DENSE_MAX_CELLS or n <= dims:
        return normalize(features.toarray().astype(np.float64))
    if m > LSA_MAX_TERMS + 100:
        df = np.bincount(features.indices, minlength=m)
        features = features[:, np.sort(np.argsort(-df, kind="stable")[:LSA_MAX_TERMS])]
    svd = TruncatedSVD(n_components=min(dims, features.shape[1] - 1), random_state=seed, n_iter=2)
    return normalize(svd.fit_transform(features))


def canonical_ids(raw: np.ndarray) -> np.ndarray:
    """Relabel 1..k by size (largest first), ties by first appearance."""
    uniq, first, counts = np.unique(raw, return_index=True, return_counts=True)
    order = sorted(range(len(uniq)), key=lambda i: (-counts[i], first[i]))
    mapping = {uniq[i]: rank + 1 for rank, i in enumerate(order)}
    return np.array([mapping[v] for v in raw], dtype=np.int64)


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Silhouette from a precomputed cosine-distance matrix (computed once per k search)."""
    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return -1.0
    return float(silhouette_score(distances, labels, metric="precomputed"))


def _cosine_distances(X: np.ndarray) -> np.ndarray:
    """Rows are L2-normalised, so cosine distance is 1 - dot product."""
    d = 1.0 - X @ X.T
    np.fill_diagonal(d, 0.0)
    return np.clip(d, 0.0, 2.0)


def _kmeans(X: np.ndarray, k: int, seed: int, n_init: int = 3) -> np.ndarray:
    if X.shape[0] > MINIBATCH_ABOVE:
        model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=n_init, batch_size=2048)
    else:
        model = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
    return model.fit_predict(X)


K_SEARCH_SAMPLE = 2_000  # units the automatic k search looks at in a large corpus


def _search_sample(n: int) -> np.ndarray:
    """Evenly spaced rows: deterministic, and spread over the whole corpus."""
    if n <= K_SEARCH_SAMPLE:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, K_SEARCH_SAMPLE).astype(np.int64))


def k_range(n_fit: int) -> range:
    """Candidate k for the silhouette search, up to the rule of thumb sqrt(n/2).

    On sparse text vectors the silhouette tends to keep rising with k, so an
    open range ends at its top; the cap keeps 60 passages from becoming 12
    clusters of five while leaving large corpora the full range.
    """
    k_max = min(K_MAX_AUTO, n_fit - 1, max(K_MIN, int(round(math.sqrt(n_fit / 2)))))
    return range(K_MIN, max(K_MIN, k_max) + 1)


def _possible_k(k: int, X: np.ndarray, notices: list[str]) -> int:
    """The user's k, unless no partition has k non-empty clusters: then the nearest possible, with a notice.

    Units with identical vectors cannot be told apart, so the distinct rows
    bound k, not only the number of units; any k within that is honoured.
    """
    if k < 1:
        notices.append(f"k={k} is not a number of clusters; used k=1.")
        return 1
    distinct = len(np.unique(X, axis=0)) if k > 1 else 1
    if k > distinct:
        units = f"{X.shape[0]} units" + ("" if distinct == X.shape[0] else f" ({distinct} distinct)")
        notices.append(f"k={k} is more clusters than there are {units}; used k={distinct}.")
        return distinct
    return k


Cutter = Callable[[int], np.ndarray]  # k -> a label per row


@dataclass(frozen=True)
class Method:
    """A clustering method: how to prepare a fit on dense rows, then cut it at any k.

    `prepare(X, seed)` returns a function giving k labels for the rows of X.
    `search(X_sample, k, seed)` labels the k-search sample; None means cutting
    the prepared fit is cheap enough to search with (a tree is cut at every k
    for free). `max_units` bounds what the method can hold in memory; above it
    k-means is used, with a notice. Adding a method is one entry in METHODS.
    """

    name: str
    help: str
    prepare: Callable[[np.ndarray, int], Cutter]
    search: Callable[[np.ndarray, int, int], np.ndarray] | None = None
    max_units: int | None = None


def _kmeans_cutter(X: np.ndarray, seed: int) -> Cutter:
    return lambda k: _kmeans(X, k, seed)


def _agglomerative_cutter(X: np.ndarray, seed: int) -> Cutter:
    tree = linkage(X, method="average", metric="cosine")

    def cut(k: int) -> np.ndarray:
        flat = fcluster(tree, t=k, criterion="maxclust")
        # Tied merge heights can leave maxclust short of k; cutting the
        # merge sequence itself always gives exactly k.
        return flat if flat.max() == k else cut_tree(tree, n_clusters=k).ravel()

    return cut


METHODS: dict[str, Method] = {
    "kmeans": Method(
        "kmeans",
        "k-means on the cosine-normalised rows; scales to large corpora",
        _kmeans_cutter,
        search=lambda X, k, seed: _kmeans(X, k, seed, n_init=1),
    ),
    "agglomerative": Method(
        "agglomerative",
        "average-linkage agglomerative clustering with cosine distance",
        _agglomerative_cutter,
        max_units=AGGLOMERATIVE_MAX_UNITS,
    ),
}
DEFAULT_METHOD = "kmeans"


def fit_clusters(
    features: sp.csr_matrix,
    fit_rows: np.ndarray,
    method: str = "kmeans",
    k: int | None = None,
    seed: int = 0,
) -> ClusterResult:
    """Cluster the fit rows, place the other rows at their nearest centroid."""
    notices: list[str] = []
    if method not in METHODS:
        raise SettingsError(f"unknown clustering method {method!r}; use one of {', '.join(METHODS)}")
    X_all = embed(features, seed)
    X = X_all[fit_rows]
    n_fit = len(fit_rows)
    if n_fit < 2:
        return ClusterResult(np.ones(features.shape[0], dtype=np.int64), 1, method, {}, ["Fewer than two distinct units: one cluster."], X_all)
    limit = METHODS[method].max_units
    if limit is not None and n_fit > limit:
        notices.append(
            f"The {method} method is limited to {limit:,} units "
            f"(memory grows with the square); used {DEFAULT_METHOD} for {n_fit:,} units."
        )
        method = DEFAULT_METHOD
    if k is not None:
        k = _possible_k(k, X, notices)

    chosen = METHODS[method]
    cutter = chosen.prepare(X, seed)

    def cut(kk: int) -> np.ndarray:
        return np.zeros(n_fit, dtype=np.int64) if kk == 1 else cutter(kk)

    silhouettes: dict[int, float] = {}
    if k is None:
        # A method with a `search` labels a sample with it (k-means: one
        # initialisation per k) and fits the chosen k on every unit; a tree
        # is cut at each k for free.
        sample = _search_sample(n_fit)
        distances = _cosine_distances(X[sample])
        best_k, best_score = 1, -2.0
        for kk in k_range(n_fit):
            labels = cut(kk)[sample] if chosen.search is None else chosen.search(X[sample], kk, seed)
            score = _silhouette(distances, labels)
            silhouettes[kk] = round(score, 4)
            if score > best_score + 1e-9:
                best_k, best_score = kk, score
        k = best_k
    fit_labels = cut(k)

    labels = np.empty(features.shape[0], dtype=np.int64)
    labels[fit_rows] = fit_labels
    others = np.setdiff1d(np.arange(features.shape[0]), fit_rows)
    if len(others):
        ids = np.unique(fit_labels)
        centroids = normalize(np.vstack([X[fit_labels == c].mean(axis=0) for c in ids]))
        labels[others] = ids[np.argmax(X_all[others] @ centroids.T, axis=1)]
    labels = canonical_ids(labels)
    return ClusterResult(labels, int(labels.max()), method, silhouettes, notices, X_all)


def layout_2d(embedding: np.ndarray, seed: int = 0) -> np.ndarray:
    """2D coordinates for the map: the two leading principal axes of the embedding."""
    n = embedding.shape[0]
    if n == 0:
        return np.zeros((0, 2))
    centred = embedding - embedding.mean(axis=0)
    if n < 3 or centred.shape[1] < 2:
        out = np.zeros((n, 2))
        out[:, : min(2, centred.shape[1])] = centred[:, :2]
        return out
    coords = TruncatedSVD(n_components=2, random_state=seed).fit_transform(centred)
    # Fix the sign of each axis so the picture does not flip between runs.
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    signs[signs == 0] = 1
    return coords * signs


def representatives(embedding: np.ndarray, labels: np.ndarray, cluster: int, n: int = 3) -> list[int]:
    """Rows closest to a cluster's centroid: the passages that speak for it."""
    rows = np.flatnonzero(labels == cluster)
    if len(rows) == 0:
        return []
    centroid = embedding[rows].mean(axis=0)
    sims = embedding[rows] @ centroid
    order = np.lexsort((rows, -sims))
    return [int(r) for r in rows[order[:n]]]


def column_means(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The mean of the rows in the bool mask `rows`, per column: matrix[rows].mean(axis=0), without copying them.

    One product with a vector weighing each chosen row 1/len(rows) (the others 0),
    in the matrix's float type: scipy's mean scales each stored value by
    1/len(rows) and sums the rows in order the same way, so the result is the
    same to the last bit. Copying the rows (most of them for "elsewhere") cost
    the size of the matrix for every cluster.
    """
    weights = np.zeros(matrix.shape[0], dtype=matrix.dtype)
    weights[rows] = 1.0 / int(np.count_nonzero(rows))
    return matrix.T @ weights


def distinctive_terms(tfidf: sp.csr_matrix, terms: np.ndarray, labels: np.ndarray, cluster: int, n: int = 8) -> list[str]:
    """Terms whose mean TF-IDF in the cluster most exceeds their mean elsewhere."""
    inside = labels == cluster
    mean_in = column_means(tfidf, inside)
    mean_out = column_means(tfidf, ~inside) if (~inside).any() else 0.0
    score = mean_in - mean_out
    top = np.argsort(-score, kind="stable")[: n * 3]
    picked: list[str] = []
    for i in top:
        if score[i] <= 0:
            break
        t = str(terms[i])
        # Skip a unigram already covered by a picked bigram, and vice versa, to vary the label.
        if any(t in p.split(" ") or p in t.split(" ") for p in picked):
            continue
        picked.append(t)
        if len(picked) == n:
            break
    return picked
