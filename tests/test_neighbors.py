"""Tests of knn_core.neighbors: exact neighbour search (both paths), weights, tallies, votes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors

from knn_core.neighbors import (
    METRICS,
    TIE_RULE,
    WEIGHTS,
    NeighborIndex,
    cumulative_tally,
    neighbor_weights,
    resolve_vote,
    tally,
)

# (metric, p, the cdist call that computes the same distances independently)
METRIC_CASES = [
    ("euclidean", 2.0, {"metric": "euclidean"}),
    ("manhattan", 2.0, {"metric": "cityblock"}),
    ("chebyshev", 2.0, {"metric": "chebyshev"}),
    ("minkowski", 3.0, {"metric": "minkowski", "p": 3.0}),
    ("minkowski", 1.5, {"metric": "minkowski", "p": 1.5}),
]
# (n_samples, n_features, path the index should choose)
SIZES = [(30, 2, "brute"), (400, 2, "kdtree"), (300, 10, "brute"), (2000, 3, "kdtree")]


def method_of(index):
    return "brute" if index.tree is None else "kdtree"


def reference_neighbors(X, Q, k, cdist_kwargs):
    """Independent exact answer: full cdist, then np.lexsort by (distance, index) per row."""
    D = cdist(Q, X, **cdist_kwargs)
    idx = np.broadcast_to(np.arange(len(X)), D.shape)
    order = np.lexsort((idx, D), axis=-1)[:, :k]
    return np.take_along_axis(D, order, axis=1), order


# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------
def test_constants():
    assert METRICS == ("euclidean", "manhattan", "chebyshev", "minkowski")
    assert WEIGHTS == ("uniform", "distance")
    assert "smallest label" in TIE_RULE


# --------------------------------------------------------------------------------------------
# Hand-worked search
# --------------------------------------------------------------------------------------------
def test_query_hand_worked_1d():
    # Points on a line: 0, 4, 1, 6, 2.5. Query 2: distances 2, 2, 1, 4, 0.5.
    # Sorted by (distance, index): 2.5 (row 4, 0.5), 1 (row 2, 1.0), 0 (row 0, 2.0),
    # 4 (row 1, 2.0; tied with row 0, comes after it), 6 (row 3, 4.0).
    X = np.array([[0.0], [4.0], [1.0], [6.0], [2.5]])
    dist, ind = NeighborIndex(X).query(np.array([[2.0]]), 5)
    assert ind.tolist() == [[4, 2, 0, 1, 3]]
    assert dist.tolist() == [[0.5, 1.0, 2.0, 2.0, 4.0]]
    # k = 3 cuts between the tied rows 0 and 1: row 0 (lower index) is kept.
    dist, ind = NeighborIndex(X).query(np.array([[2.0]]), 3)
    assert ind.tolist() == [[4, 2, 0]]


@pytest.mark.parametrize(
    ("metric", "p", "expected"),
    [
        # Query (0, 0) to the point (3, 4): Euclidean sqrt(9 + 16) = 5, Manhattan 3 + 4 = 7,
        # Chebyshev max(3, 4) = 4, Minkowski p=3: (27 + 64) ** (1/3) = 91 ** (1/3).
        ("euclidean", 2.0, 5.0),
        ("manhattan", 2.0, 7.0),
        ("chebyshev", 2.0, 4.0),
        ("minkowski", 3.0, 91.0 ** (1 / 3)),
    ],
)
@pytest.mark.parametrize("n_copies", [1, 60])  # 1 -> brute force, 60 copies -> k-d tree
def test_query_hand_worked_metrics(metric, p, expected, n_copies):
    X = np.repeat([[3.0, 4.0]], n_copies, axis=0)
    index = NeighborIndex(X, metric=metric, p=p)
    assert method_of(index) == ("brute" if n_copies == 1 else "kdtree")
    dist, ind = index.query(np.zeros((1, 2)), 1)
    assert dist[0, 0] == pytest.approx(expected, rel=1e-12)
    assert ind.tolist() == [[0]]


@pytest.mark.parametrize("n", [10, 100])
@pytest.mark.parametrize("k", [1, 5, 10])
def test_all_points_identical_lowest_indices_first(n, k):
    # Every training point is the same, so every distance ties: the answer is rows 0..k-1.
    X = np.ones((n, 2))
    dist, ind = NeighborIndex(X).query(np.array([[0.0, 0.0], [1.0, 1.0]]), k)
    assert ind.tolist() == [list(range(k))] * 2
    assert np.all(dist[0] == np.sqrt(2.0)) and np.all(dist[1] == 0.0)


# --------------------------------------------------------------------------------------------
# Path selection and agreement with an independent reference
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "d", "path"), SIZES)
def test_path_selection(n, d, path):
    X = np.random.default_rng(0).normal(size=(n, d))
    assert method_of(NeighborIndex(X)) == path


@pytest.mark.parametrize(("metric", "p", "cdist_kwargs"), METRIC_CASES)
@pytest.mark.parametrize(("n", "d", "path"), SIZES)
@pytest.mark.parametrize("k", [1, 4, 15])
def test_matches_sklearn_and_cdist_on_tie_free_data(metric, p, cdist_kwargs, n, d, path, k):
    rng = np.random.default_rng(n + d + k)
    X = rng.normal(size=(n, d))
    Q = rng.normal(size=(257, d)) * 1.3
    index = NeighborIndex(X, metric=metric, p=p)
    assert method_of(index) == path
    dist, ind = index.query(Q, k)
    assert dist.shape == ind.shape == (len(Q), k)
    assert ind.dtype == np.intp and dist.dtype == np.float64
    assert np.all(np.diff(dist, axis=1) >= 0)
    sk = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric, p=p).fit(X)
    sk_dist, sk_ind = sk.kneighbors(Q)
    np.testing.assert_array_equal(ind, sk_ind)
    np.testing.assert_allclose(dist, sk_dist, rtol=1e-9, atol=1e-12)
    ref_dist, ref_ind = reference_neighbors(X, Q, k, cdist_kwargs)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12)


@pytest.mark.parametrize(("n", "d"), [(7, 2), (80, 2)])
def test_k_equals_n_returns_every_point_in_order(n, d):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(n, d))
    Q = rng.normal(size=(20, d))
    dist, ind = NeighborIndex(X).query(Q, n)
    ref_dist, ref_ind = reference_neighbors(X, Q, n, {"metric": "euclidean"})
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist)


# --------------------------------------------------------------------------------------------
# Ties: integer-valued data with many exactly equal distances
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric", "p", "cdist_kwargs"), METRIC_CASES)
@pytest.mark.parametrize(
    ("n", "d", "path"),
    [(25, 2, "brute"), (500, 2, "kdtree"), (300, 3, "kdtree"), (200, 9, "brute")],
)
@pytest.mark.parametrize("k", [1, 2, 7, 20])
def test_integer_grid_ties_lower_index_first(metric, p, cdist_kwargs, n, d, path, k):
    rng = np.random.default_rng(n * 31 + k)
    X = rng.integers(0, 5, size=(n, d)).astype(float)  # many duplicates and equal distances
    # Integer queries (on and between training points) and half-integer ones.
    Q = np.vstack([rng.integers(-1, 6, size=(150, d)), rng.integers(0, 10, size=(50, d)) / 2])
    index = NeighborIndex(X, metric=metric, p=p)
    assert method_of(index) == path
    dist, ind = index.query(Q, k)
    ref_dist, ref_ind = reference_neighbors(X, Q, k, cdist_kwargs)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12)
    # The data really had ties at the cut (otherwise this test would prove nothing).
    if k < n:
        D = np.sort(cdist(Q, X, **cdist_kwargs), axis=1)
        assert np.any(D[:, k - 1] == D[:, k])


def test_query_input_checks():
    index = NeighborIndex(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"n_samples = 4, k = 5"):
        index.query(np.zeros((1, 2)), 5)
    with pytest.raises(ValueError, match=r"shape"):
        index.query(np.zeros((1, 3)), 1)


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------
def test_neighbor_weights_hand_worked():
    dist = np.array([[0.5, 1.0, 4.0], [0.0, 0.0, 2.0], [0.0, 3.0, 3.0]])
    assert neighbor_weights(dist, "uniform").tolist() == [[1.0] * 3] * 3
    # 1/0.5 = 2, 1/1 = 1, 1/4 = 0.25; rows with zero distances: only those points weigh 1.
    assert neighbor_weights(dist, "distance").tolist() == [
        [2.0, 1.0, 0.25],
        [1.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
    ]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 8),
    weights=st.sampled_from(WEIGHTS),
)
def test_neighbor_weights_prefix_property(seed, k, weights):
    # Weights of the first j columns equal the weights computed with k = j (cumulative votes).
    rng = np.random.default_rng(seed)
    dist = np.sort(rng.integers(0, 3, size=(10, k)) * rng.random((10, k)), axis=1)
    full = neighbor_weights(dist, weights)
    assert np.all(full >= 0)
    for j in range(1, k + 1):
        np.testing.assert_array_equal(full[:, :j], neighbor_weights(dist[:, :j], weights))


# --------------------------------------------------------------------------------------------
# Tallies and votes
# --------------------------------------------------------------------------------------------
def test_tally_hand_worked():
    codes = np.array([[0, 1, 1, 2], [2, 2, 2, 0]])
    w = np.array([[1.0, 0.5, 0.25, 2.0], [1.0, 1.0, 1.0, 3.0]])
    # Row 0: class 0 -> 1, class 1 -> 0.5 + 0.25, class 2 -> 2. Row 1: class 0 -> 3, class 2 -> 3.
    assert tally(codes, w, 3).tolist() == [[1.0, 0.75, 2.0], [3.0, 0.0, 3.0]]
    # An unused class still gets its column.
    assert tally(codes, w, 4).shape == (2, 4)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_q=st.integers(1, 12),
    k=st.integers(1, 9),
    n_classes=st.integers(1, 5),
)
def test_tally_and_cumulative_tally_match_loops(seed, n_q, k, n_classes):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_classes, size=(n_q, k))
    w = rng.random((n_q, k))
    expected = np.zeros((n_q, k, n_classes))
    for q in range(n_q):
        running = np.zeros(n_classes)
        for j in range(k):
            running[codes[q, j]] += w[q, j]
            expected[q, j] = running
    np.testing.assert_allclose(tally(codes, w, n_classes), expected[:, -1], rtol=1e-12)
    np.testing.assert_allclose(cumulative_tally(codes, w, n_classes), expected, rtol=1e-12)


def test_resolve_vote_hand_worked():
    scores = np.array([[2, 2, 1], [0, 1, 3], [1, 3, 3], [4, 0, 0]])
    winner, tied = resolve_vote(scores)
    # Ties go to the first class in class order.
    assert winner.tolist() == [0, 2, 1, 0]
    assert tied.tolist() == [True, False, True, False]


def test_resolve_vote_float_rounding_still_a_tie():
    # 0.1 + 0.2 != 0.3 in floating point, yet the two classes got equal weight: a tie, and the
    # winner is the first class even though its sum rounded slightly lower.
    scores = np.array([[0.1 + 0.2, 0.3], [0.3, 0.1 + 0.2], [0.3, 0.31]])
    assert scores[1, 1] > scores[1, 0]
    winner, tied = resolve_vote(scores)
    assert winner.tolist() == [0, 0, 1]
    assert tied.tolist() == [True, True, False]


def test_resolve_vote_works_on_cumulative_shapes():
    codes = np.array([[1, 0, 0, 1]])
    scores = cumulative_tally(codes, np.ones((1, 4)), 2)  # (1, 4, 2)
    winner, tied = resolve_vote(scores)
    # After 1: class 1 alone; after 2: 1-1 tie -> 0; after 3: 2-1 -> 0; after 4: 2-2 tie -> 0.
    assert winner.tolist() == [[1, 0, 0, 0]]
    assert tied.tolist() == [[False, True, False, True]]
