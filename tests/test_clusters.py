"""Clustering: canonical ids, automatic k, copies placed, k out of range."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from dashboard.errors import FramelensError
from dashboard.clusters import canonical_ids, column_means, distinctive_terms, fit_clusters, layout_2d, representatives


def blobs(sizes, dims=30, seed=0):
    """Well-separated groups: each group uses its own block of columns."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, n in enumerate(sizes):
        for _ in range(n):
            v = np.zeros(dims)
            v[g * 5 : g * 5 + 5] = rng.random(5) + 1
            v += rng.random(dims) * 0.05
            rows.append(v)
    return sp.csr_matrix(normalize(np.array(rows)))


def test_canonical_ids_order_by_size_then_first_appearance():
    assert list(canonical_ids(np.array([7, 3, 3, 7, 5, 5, 5]))) == [2, 3, 3, 2, 1, 1, 1]
    # equal sizes: the one seen first gets the lower id
    assert list(canonical_ids(np.array([9, 4, 9, 4]))) == [1, 2, 1, 2]


@pytest.mark.parametrize("method", ["agglomerative", "kmeans"])
def test_automatic_k_recovers_separated_groups(method):
    X = blobs([6, 4, 3])
    res = fit_clusters(X, np.arange(X.shape[0]), method=method)
    assert res.k == 3
    assert list(res.labels[:6]) == [1] * 6 and set(res.labels[6:10]) == {2} and set(res.labels[10:]) == {3}


def test_results_are_deterministic():
    X = blobs([5, 5, 5], seed=3)
    a = fit_clusters(X, np.arange(15), method="kmeans", seed=0)
    b = fit_clusters(X, np.arange(15), method="kmeans", seed=0)
    assert np.array_equal(a.labels, b.labels)
    assert np.allclose(layout_2d(a.embedding), layout_2d(b.embedding))


def test_copies_do_not_form_their_own_cluster_and_are_placed_with_their_original():
    X = blobs([4, 4])
    # three exact copies of row 0 appended; they are left out of the fit
    X = sp.vstack([X, X[[0, 0, 0]]]).tocsr()
    fit_rows = np.arange(8)
    res = fit_clusters(X, fit_rows, method="agglomerative", k=2)
    assert set(res.labels[8:]) == {res.labels[0]}
    assert res.k == 2


def test_k_beyond_the_units_is_clipped_with_a_notice():
    X = blobs([3, 3])
    res = fit_clusters(X, np.arange(6), k=10_000)
    assert res.k == 6
    assert any("k=10000" in n and "6 units" in n for n in res.notices)


def test_k_beyond_the_distinct_units_counts_the_distinct_ones():
    X = sp.vstack([blobs([2, 2])] * 3).tocsr()  # 12 units, 4 distinct vectors
    res = fit_clusters(X, np.arange(12), k=6)
    assert res.k == 4
    assert any("4 distinct" in n for n in res.notices)


def generated_tfidf(n_docs, seed=0):
    """TF-IDF rows of n distinct generated articles over one shared vocabulary, as clustering sees them."""
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(2_000)]
    texts = [" ".join(rng.choice(vocab, size=120)) for _ in range(n_docs)]
    return sp.csr_matrix(TfidfVectorizer().fit_transform(texts))


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_a_possible_k_is_honoured_exactly_and_silently(method):
    X = generated_tfidf(300)
    res = fit_clusters(X, np.arange(300), method=method, k=100)
    assert res.k == 100
    assert len(np.unique(res.labels)) == 100
    assert res.notices == []


def test_tied_merge_heights_still_give_k_agglomerative_clusters():
    # Four equidistant pairs: every cut between 1 and 8 clusters meets ties.
    base = np.eye(4)
    X = sp.csr_matrix(np.vstack([base, base * 0.999 + 0.001]))
    res = fit_clusters(X, np.arange(8), method="agglomerative", k=3)
    assert res.k == 3


def test_unknown_method_is_a_clear_error():
    with pytest.raises(FramelensError, match="unknown clustering method"):
        fit_clusters(blobs([2, 2]), np.arange(4), method="dbscan")


def test_representatives_are_members_of_their_cluster():
    X = blobs([5, 3])
    res = fit_clusters(X, np.arange(8), k=2)
    for c in (1, 2):
        reps = representatives(res.embedding, res.labels, c)
        assert reps and all(res.labels[r] == c for r in reps)


def test_a_method_added_to_the_table_is_usable_everywhere_without_other_changes(monkeypatch, capsys):
    """Adding a clustering method is one entry in clusters.METHODS: the pipeline and the CLI take it."""
    import json

    from dashboard import cli, clusters
    from dashboard.loading import load_seed_corpus
    from dashboard.models import Settings
    from dashboard.pipeline import analyze

    def by_position(X, seed):  # a deliberately simple method: rows cut into k contiguous runs
        return lambda k: np.arange(X.shape[0]) * k // X.shape[0]

    table = dict(clusters.METHODS)
    table["runs"] = clusters.Method("runs", "contiguous runs of rows", by_position)
    monkeypatch.setattr(clusters, "METHODS", table)
    monkeypatch.setattr(cli, "METHODS", table)

    analysis = analyze(load_seed_corpus(), Settings(method="runs", k=3))
    assert analysis.method == "runs" and len(analysis.clusters) == 3

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    capsys.readouterr()
    assert cli.run(["analyze", str(seeds), "--method", "runs", "--k", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "runs"



def test_column_means_are_the_chosen_rows_means_to_the_last_bit():
    # Cluster labels rank terms by these means: a last-bit difference could reorder tied terms.
    rng = np.random.default_rng(3)
    X = sp.random(400, 900, density=0.05, format="csr", dtype=np.float32, random_state=3)
    X.data = rng.random(len(X.data)).astype(np.float32) ** 3
    for rows in (rng.random(400) < 0.1, rng.random(400) < 0.9, np.arange(400) == 7):
        expected = np.asarray(X[rows].mean(axis=0)).ravel()
        got = column_means(X, rows)
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes()


def test_distinctive_terms_are_the_clusters_own_words():
    X = sp.csr_matrix(normalize(np.array([[3, 1, 0, 0], [2, 1, 0, 0], [0, 1, 2, 0], [0, 0, 3, 1]], dtype=np.float32)))
    terms = np.array(["army", "city", "protest", "strike"])
    labels = np.array([1, 1, 2, 2])
    assert distinctive_terms(X, terms, labels, 1)[0] == "army"
    assert distinctive_terms(X, terms, labels, 2)[0] == "protest"
    assert "army" not in distinctive_terms(X, terms, labels, 2)
