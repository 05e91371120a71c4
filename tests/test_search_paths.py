"""Engine neighbour search: hand-worked cases, scikit-learn as a reference, exact tie order.

Both search paths are covered: the k-d tree (n_features <= 7 and n_samples >= 50) and numpy
brute force (fewer samples or more features). Every test that depends on the path asserts which
path it actually took, so a change of threshold cannot silently stop testing one of them.
"""

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.neighbors import KNeighborsClassifier

from knn_core.models import KNNClassifier
from knn_core.neighbors import NeighborIndex

# (engine metric, engine p, scikit-learn keyword arguments, scipy cdist keyword arguments)
METRICS = [
    ("euclidean", 2.0, {"metric": "minkowski", "p": 2}, {"metric": "euclidean"}),
    ("manhattan", 2.0, {"metric": "minkowski", "p": 1}, {"metric": "cityblock"}),
    ("chebyshev", 2.0, {"metric": "chebyshev"}, {"metric": "chebyshev"}),
    ("minkowski", 3.0, {"metric": "minkowski", "p": 3}, {"metric": "minkowski", "p": 3.0}),
]
METRIC_IDS = [m[0] if m[0] != "minkowski" else "minkowski-p3" for m in METRICS]


def path_of(model):
    return "brute" if model._index.tree is None else "tree"


# --------------------------------------------------------------------------------------------
# Hand-worked case
# --------------------------------------------------------------------------------------------
# Five training points and the query q = (1, 1). Differences x - q and their norms:
#   index  point       x - q      euclid  manhattan  chebyshev  minkowski p=3
#   0      (0, 0)      (-1, -1)   √2      2          1          (1 + 1)^(1/3)  = 2^(1/3)
#   1      (3, 0)      ( 2, -1)   √5      3          2          (8 + 1)^(1/3)  = 9^(1/3)
#   2      (0, 4)      (-1,  3)   √10     4          3          (1 + 27)^(1/3) = 28^(1/3)
#   3      (2, 2)      ( 1,  1)   √2      2          1          2^(1/3)
#   4      (-1.5, 1)   (-2.5, 0)  2.5     2.5        2.5        2.5
# Numerically: √2 = 1.414, √5 = 2.236, √10 = 3.162; 2^(1/3) = 1.260, 9^(1/3) = 2.080,
# 28^(1/3) = 3.037. Points 0 and 3 always tie: the lower index (0) comes first.
HAND_X = np.array([[0, 0], [3, 0], [0, 4], [2, 2], [-1.5, 1]], dtype=float)
HAND_Q = np.array([[1.0, 1.0]])
HAND_EXPECTED = {
    # euclid: 1.414 (0), 1.414 (3), 2.236 (1), 2.5 (4), 3.162 (2)
    "euclidean": ([0, 3, 1, 4, 2], [2**0.5, 2**0.5, 5**0.5, 2.5, 10**0.5]),
    # manhattan: 2 (0), 2 (3), 2.5 (4), 3 (1), 4 (2): point 4 overtakes point 1 here
    "manhattan": ([0, 3, 4, 1, 2], [2.0, 2.0, 2.5, 3.0, 4.0]),
    # chebyshev: 1 (0), 1 (3), 2 (1), 2.5 (4), 3 (2)
    "chebyshev": ([0, 3, 1, 4, 2], [1.0, 1.0, 2.0, 2.5, 3.0]),
    # minkowski p=3: 1.260 (0), 1.260 (3), 2.080 (1), 2.5 (4), 3.037 (2)
    "minkowski": ([0, 3, 1, 4, 2], [2 ** (1 / 3), 2 ** (1 / 3), 9 ** (1 / 3), 2.5, 28 ** (1 / 3)]),
}


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev", "minkowski"])
def test_hand_worked_kneighbors(metric, k):
    model = KNNClassifier(k, metric=metric, p=3).fit(HAND_X, [0, 1, 1, 0, 1])
    assert path_of(model) == "brute"
    dist, ind = model.kneighbors(HAND_Q)
    want_ind, want_dist = HAND_EXPECTED[metric]
    assert ind.tolist() == [want_ind[:k]]
    np.testing.assert_allclose(dist, [want_dist[:k]], rtol=1e-12)
    assert model.kneighbors(HAND_Q, return_distance=False).tolist() == [want_ind[:k]]


def test_hand_worked_kneighbors_through_the_tree():
    # The same five points plus 60 far-away points (at x >= 100): the tree is used, and the five
    # nearest neighbours of q must still be the hand-worked ones, in the same order.
    far = np.column_stack([np.arange(100, 160, dtype=float), np.zeros(60)])
    X = np.vstack([HAND_X, far])
    for metric in HAND_EXPECTED:
        model = KNNClassifier(5, metric=metric, p=3).fit(X, np.arange(len(X)) % 2)
        assert path_of(model) == "tree"
        dist, ind = model.kneighbors(HAND_Q)
        want_ind, want_dist = HAND_EXPECTED[metric]
        assert ind.tolist() == [want_ind]
        np.testing.assert_allclose(dist, [want_dist], rtol=1e-12)


def test_one_dimensional_query_is_one_point():
    model = KNNClassifier(2).fit(HAND_X, [0, 1, 1, 0, 1])
    dist, ind = model.kneighbors([1.0, 1.0])
    assert ind.shape == (1, 2) and ind.tolist() == [[0, 3]]


def test_kneighbors_override_n_neighbors():
    model = KNNClassifier(1).fit(HAND_X, [0, 1, 1, 0, 1])
    assert model.kneighbors(HAND_Q, n_neighbors=3, return_distance=False).tolist() == [[0, 3, 1]]
    assert model.kneighbors(HAND_Q, return_distance=False).tolist() == [[0]]


# --------------------------------------------------------------------------------------------
# scikit-learn as an independent reference (tie-free random floats)
# --------------------------------------------------------------------------------------------
SIZES = [(30, 2, "brute"), (400, 2, "tree"), (120, 10, "brute")]


@pytest.mark.parametrize("k", [1, 4, 7])
@pytest.mark.parametrize(("n", "d", "path"), SIZES, ids=[f"{s[0]}x{s[1]}" for s in SIZES])
@pytest.mark.parametrize(("metric", "p", "sk_kwargs", "_cd"), METRICS, ids=METRIC_IDS)
def test_kneighbors_matches_sklearn(metric, p, sk_kwargs, _cd, n, d, path, k):
    rng = np.random.default_rng(n * 100 + d * 10 + k)
    X = rng.normal(size=(n, d))
    Q = rng.normal(size=(60, d)) * 1.3
    y = rng.integers(0, 3, n)
    model = KNNClassifier(k, metric=metric, p=p).fit(X, y)
    assert path_of(model) == path
    ref = KNeighborsClassifier(k, algorithm="brute", **sk_kwargs).fit(X, y)
    dist, ind = model.kneighbors(Q)
    ref_dist, ref_ind = ref.kneighbors(Q)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-9, atol=1e-12)
    assert ind.dtype.kind == "i" and dist.dtype == np.float64
    assert np.all(np.diff(dist, axis=1) >= 0)


# --------------------------------------------------------------------------------------------
# Exact tie order: integer grids, many equal distances
# --------------------------------------------------------------------------------------------
def grid(side, extra_zero_features=0):
    """All points of a side x side integer grid, row-major, optionally padded with zeros."""
    a = np.arange(side, dtype=float)
    pts = np.array([(x, y) for x in a for y in a])
    return np.hstack([pts, np.zeros((len(pts), extra_zero_features))])


def grid_queries(side, extra_zero_features=0):
    """Integer and half-integer points over and around the grid (every kind of tie)."""
    a = np.arange(-1.0, side + 0.5, 0.5)
    pts = np.array([(x, y) for x in a for y in a])
    return np.hstack([pts, np.zeros((len(pts), extra_zero_features))])


def lexsort_reference(X, Q, k, cdist_kwargs):
    """Independent answer: full cdist, then np.lexsort((index, distance)) per query row."""
    D = cdist(Q, X, **cdist_kwargs)
    index = np.arange(len(X))
    order = np.array([np.lexsort((index, row))[:k] for row in D])
    return np.take_along_axis(D, order, axis=1), order


# (description, training rows, number of padded zero features, expected path)
GRIDS = [
    ("7x7 grid, brute (n=49 < 50)", grid(7), 0, "brute"),
    ("8x8 grid, tree (n=64)", grid(8), 0, "tree"),
    ("8x8 grid in 10-D, brute (d > 8)", grid(8, 8), 8, "brute"),
    ("7x7 grid twice, tree (duplicates)", np.vstack([grid(7), grid(7)]), 0, "tree"),
]


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 8, 9, 13, 20, 49])
@pytest.mark.parametrize(("name", "X", "pad", "path"), GRIDS, ids=[g[0] for g in GRIDS])
@pytest.mark.parametrize(("metric", "p", "_sk", "cd_kwargs"), METRICS, ids=METRIC_IDS)
def test_equal_distances_lower_index_first(metric, p, _sk, cd_kwargs, name, X, pad, path, k):
    side = 7 if len(X) in (49, 98) else 8
    Q = grid_queries(side, pad)
    model = KNNClassifier(k, metric=metric, p=p).fit(X, np.arange(len(X)) % 3)
    assert path_of(model) == path
    dist, ind = model.kneighbors(Q)
    ref_dist, ref_ind = lexsort_reference(X, Q, k, cd_kwargs)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12)


@pytest.mark.parametrize("n", [20, 200])
def test_neighbor_index_all_duplicates(n):
    # Every training point identical: every query must list the indices 0, 1, 2, ... in order.
    X = np.ones((n, 2))
    index = NeighborIndex(X)
    assert (index.tree is None) == (n < 50)
    dist, ind = index.query(np.array([[0.0, 0.0], [1.0, 1.0]]), 10)
    assert ind.tolist() == [list(range(10))] * 2
    np.testing.assert_allclose(dist, [[2**0.5] * 10, [0.0] * 10])


def test_neighbor_index_rejects_bad_query_shape_and_k():
    index = NeighborIndex(grid(3))
    with pytest.raises(ValueError, match=r"Expected Q of shape \(n_queries, 2\)"):
        index.query(np.zeros((1, 3)), 1)
    with pytest.raises(ValueError, match="n_samples = 9, k = 10"):
        index.query(np.zeros((1, 2)), 10)
    with pytest.raises(ValueError, match="k = 0"):
        index.query(np.zeros((1, 2)), 0)


def test_brute_force_in_chunks_matches_one_block(monkeypatch):
    # Force many tiny chunks: the answer must not depend on the chunking.
    import knn_core.neighbors as nb

    rng = np.random.default_rng(3)
    X = rng.integers(0, 4, size=(40, 2)).astype(float)  # many ties
    Q = rng.integers(0, 4, size=(33, 2)).astype(float)
    whole = NeighborIndex(X).query(Q, 6)
    monkeypatch.setattr(nb, "_CHUNK_CELLS", 40 * 5)  # 5 query rows per chunk
    chunked = NeighborIndex(X).query(Q, 6)
    np.testing.assert_array_equal(whole[1], chunked[1])
    np.testing.assert_array_equal(whole[0], chunked[0])
    ref_dist, ref_ind = lexsort_reference(X, Q, 6, {"metric": "euclidean"})
    np.testing.assert_array_equal(chunked[1], ref_ind)


@pytest.mark.parametrize("d", range(1, 11))
@pytest.mark.parametrize(("metric", "p", "_sk", "_cd"), METRICS, ids=METRIC_IDS)
def test_tree_and_brute_agree_bit_for_bit_on_decimal_data(metric, p, _sk, _cd, d):
    # Decimal coordinates (0.1 steps): many distances are mathematically equal but need not be
    # equal in floating point. Whatever path the index takes, it must give exactly what brute
    # force gives, or the same data would show different neighbours depending on its size.
    # (With the tree allowed at 8 features, cKDTree's Euclidean sums differed from cdist's.)
    rng = np.random.default_rng(d)
    X = rng.integers(0, 6, size=(300, d)) * 0.1
    Q = rng.integers(0, 12, size=(1500, d)) * 0.05
    index = NeighborIndex(X, metric=metric, p=p)
    assert (index.tree is not None) == (d <= 7)
    dist, ind = index.query(Q, 5)
    index.tree = None  # the same index, forced onto brute force
    brute_dist, brute_ind = index.query(Q, 5)
    np.testing.assert_array_equal(ind, brute_ind)
    np.testing.assert_array_equal(dist, brute_dist)
    ref_dist, ref_ind = lexsort_reference(X, Q, 5, _cd)
    np.testing.assert_array_equal(ind, ref_ind)
