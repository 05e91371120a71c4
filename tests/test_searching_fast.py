"""The traced KD-tree search: the engine's neighbours, in the engine's order, with less work.

Three independent references: the engine (:class:`NeighborIndex`, which itself uses cKDTree
plus an explicit tie step), a brute-force lexicographic sort of every distance, and scipy's
own ``cKDTree.query`` distances. Counts of measured distances are worked out by hand on a
tiny tree.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from knn_core.lessons.searching_fast import (
    cost_by_features,
    cost_by_size,
    recall_by_budget,
    trace_search,
    tree_height,
    tree_splits,
)
from knn_core.neighbors import NeighborIndex, build_tree

METRICS = [
    ("euclidean", 2.0),
    ("manhattan", 1.0),
    ("chebyshev", np.inf),
    ("minkowski", 3.0),
    ("minkowski", 1.5),
]


def random_data(n=300, d=2, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


def duplicate_data(n=300, d=2, seed=1):
    # Every point four times over: equal distances everywhere.
    base = np.random.default_rng(seed).normal(size=(n // 4, d))
    return np.repeat(base, 4, axis=0)[np.random.default_rng(seed).permutation(n // 4 * 4)]


def lattice_data(side=12, d=2):
    # An integer grid, as in students' CSV files: ties at every distance.
    axes = np.meshgrid(*[np.arange(side, dtype=float)] * d, indexing="ij")
    return np.stack([a.ravel() for a in axes], axis=1)


DATA = {"random": random_data, "duplicates": duplicate_data, "lattice": lattice_data}


def queries_for(X, seed=5):
    rng = np.random.default_rng(seed)
    lo, hi = X.min(axis=0), X.max(axis=0)
    inside = rng.uniform(lo, hi, size=(15, X.shape[1]))
    rounded = np.round(inside * 2) / 2  # on lattice points and half-way between them
    outside = hi + rng.uniform(0.5, 3.0, size=(3, X.shape[1]))
    return np.vstack([inside, rounded, X[:5], outside])


def brute(X, q, k, p):
    dist = cdist(q[None, :], X, "minkowski", p=p)[0] if np.isfinite(p) else None
    if dist is None:
        dist = np.abs(X - q).max(axis=1)
    order = np.lexsort((np.arange(len(X)), dist))[:k]
    return order, dist[order]


@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("kind", list(DATA))
@pytest.mark.parametrize("k", [1, 4, 15])
def test_same_neighbours_in_the_same_order_as_the_engine(kind, metric, p, k):
    X = DATA[kind]()
    index = NeighborIndex(X, metric=metric, p=p)
    assert index.tree is not None  # the engine itself searches with a tree here
    for q in queries_for(X):
        search = trace_search(index.tree, X, q, k, metric=metric, p=p)
        dist, ind = index.query(q[None, :], k)
        assert search.indices.tolist() == ind[0].tolist()
        np.testing.assert_array_equal(search.distances, dist[0])
        b_ind, b_dist = brute(X, q, k, search.p)
        assert search.indices.tolist() == b_ind.tolist()
        np.testing.assert_allclose(search.distances, b_dist, rtol=1e-12)
        # scipy's own search agrees on the distances (its order of equal ones is its own).
        t_dist, _ = index.tree.query(q, k, p=search.p)
        np.testing.assert_allclose(search.distances, np.atleast_1d(t_dist), rtol=1e-12)
        assert search.complete


@pytest.mark.parametrize("d", [1, 3, 5])
def test_other_dimensions(d):
    X = random_data(400, d, seed=d)
    tree = build_tree(X)
    for q in queries_for(X):
        search = trace_search(tree, X, q, 5)
        assert search.indices.tolist() == brute(X, q, 5, 2.0)[0].tolist()


@pytest.mark.parametrize("kind", list(DATA))
def test_every_step_is_consistent(kind):
    X = DATA[kind]()
    tree = build_tree(X)
    q = np.array([3.3, 4.1]) if kind == "lattice" else np.array([0.1, -0.2])
    k = 5
    search = trace_search(tree, X, q, k)
    measured = np.concatenate([s.measured for s in search.steps if s.kind == "measure"])
    assert len(np.unique(measured)) == len(measured) == search.n_measured  # none twice
    assert search.n_measured < len(X)
    assert search.n_leaves == sum(s.kind == "measure" for s in search.steps)
    counts = [s.n_measured for s in search.steps]
    assert counts == sorted(counts) and counts[-1] == search.n_measured
    assert search.steps[0].kind == "descend" and search.steps[1].kind == "measure"
    dist = np.sqrt(((X - q) ** 2).sum(axis=1))
    for s in search.steps:
        in_box = np.all((X >= s.lo) & (X <= s.hi), axis=1)
        if s.kind == "measure":  # a leaf holds its points inside its box
            assert np.all(in_box[s.measured])
        if s.kind == "prune":  # nothing in a pruned box could have been a neighbour
            assert s.box_distance > s.bound
            assert np.all(dist[in_box] >= s.box_distance - 1e-12)
            assert np.all(dist[in_box] > s.bound - 1e-12)
        if s.kind == "visit":
            assert s.box_distance <= s.bound
        # the best so far is sorted and is the best of what was measured up to this step
        assert np.all(np.diff(s.best_distances) >= 0)
        assert len(s.best_indices) == min(k, s.n_measured)


def line_tree():
    # Points 0, 1, 10, 11 on a line, one per leaf. Sliding-midpoint splits: x = 5.5 at the
    # top (the middle of 0..11); the left box 0..5.5 has its middle 2.75 beyond both of its
    # points, so the split slides to the nearer point, x = 1; likewise the right box splits at
    # x = 10. Leaf boxes: {0} 0..1, {1} 1..5.5, {2} 5.5..10, {3} 10..11.
    X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    return X, cKDTree(X, leafsize=1, balanced_tree=False, compact_nodes=False)


def test_the_tiny_tree_splits_where_worked_out():
    X, tree = line_tree()
    splits = tree_splits(tree, 5)
    assert splits.depth.tolist() == [0, 1, 1]
    assert splits.dim.tolist() == [0, 0, 0]
    np.testing.assert_allclose(splits.value, [5.5, 1.0, 10.0])
    assert tree_height(tree) == 2
    assert tree_splits(tree, 0).value.tolist() == [5.5]


def test_hand_counted_search_query_on_a_point():
    # Query (0, 0), k = 1: down to leaf {0} (0 < 5.5, 0 < 1), measure 1 point at distance 0;
    # leaf {1} starts 1 away and the right half 5.5 away: both pruned. 1 of 4 measured.
    X, tree = line_tree()
    s = trace_search(tree, X, [0.0, 0.0], 1)
    assert [step.kind for step in s.steps] == ["descend", "measure", "prune", "prune"]
    assert s.steps[0].path == ((0, 5.5, "<"), (0, 1.0, "<"))
    assert [step.box_distance for step in s.steps[2:]] == [1.0, 5.5]
    # each decision names the split backed up to and the side decided on
    assert [step.path for step in s.steps[2:]] == [((0, 1.0, ">="),), ((0, 5.5, ">="),)]
    assert [step.depth for step in s.steps[2:]] == [2, 1]
    assert s.n_measured == 1 and s.indices.tolist() == [0]


def test_hand_counted_search_fewer_than_k_visits():
    # Query (0.2, 0), k = 2: leaf {0} gives one point, fewer than k, so leaf {1} (0.8 away)
    # must be visited; then the k-th best is 0.8 and the right half (5.3 away) is pruned.
    X, tree = line_tree()
    s = trace_search(tree, X, [0.2, 0.0], 2)
    assert [step.kind for step in s.steps] == ["descend", "measure", "visit", "measure", "prune"]
    assert s.steps[2].bound == np.inf and s.steps[2].box_distance == pytest.approx(0.8)
    assert s.steps[4].bound == pytest.approx(0.8) and s.steps[4].box_distance == pytest.approx(5.3)
    assert s.n_measured == 2 and s.indices.tolist() == [0, 1]


def test_hand_counted_search_crossing_the_top_split():
    # Query (5, 0), k = 1: 5 < 5.5, then 5 >= 1: leaf {1}, distance 4. Leaf {0} (box 0..1)
    # is exactly 4 away: not farther than the best, so visited (a point there at distance 4
    # with a lower index would win the tie); point 0 is 5 away. The right half is 0.5 away:
    # visited, down to leaf {2} (5 < 10), distance 5, no better. Leaf {3} is 5 away (> 4):
    # pruned. 3 of 4 measured; the neighbour is point 1.
    X, tree = line_tree()
    s = trace_search(tree, X, [5.0, 0.0], 1)
    kinds = [step.kind for step in s.steps]
    assert kinds == [
        "descend", "measure", "visit", "measure", "visit", "descend", "measure", "prune"
    ]  # fmt: skip
    assert s.steps[0].path == ((0, 5.5, "<"), (0, 1.0, ">="))
    np.testing.assert_allclose([s.steps[i].box_distance for i in (2, 4, 7)], [4.0, 0.5, 5.0])
    assert [s.steps[i].n_measured for i in (1, 3, 6)] == [1, 2, 3]
    assert s.n_measured == 3 and s.indices.tolist() == [1] and s.distances.tolist() == [4.0]


def test_a_box_exactly_as_far_as_the_kth_is_visited_for_a_lower_index():
    # Query (5.5, 0) halfway: points 1 and 2 are both 4.5 away. Scipy sends 5.5 >= 5.5 to the
    # right, where point 2 is found first; the left half must still be visited, and point 1,
    # with the lower index, wins the tie, as in the engine.
    X, tree = line_tree()
    s = trace_search(tree, X, [5.5, 0.0], 1)
    assert s.steps[0].path[0] == (0, 5.5, ">=")
    assert s.indices.tolist() == [1]
    assert NeighborIndex(X).query(np.array([[5.5, 0.0]]), 1)[1].tolist() == [[1]]


def test_a_leaf_budget_gives_a_prefix_of_the_full_search():
    X = random_data(2_000)
    tree = build_tree(X)
    q = np.array([0.05, 0.1])
    full = trace_search(tree, X, q, 10)
    work, recall = recall_by_budget(full, full.indices)
    assert len(work) == full.n_leaves and recall[-1] == 1.0
    for budget in range(1, full.n_leaves + 1):
        cut = trace_search(tree, X, q, 10, max_leaves=budget)
        assert cut.n_leaves == budget and cut.n_measured == work[budget - 1]
        assert np.isin(full.indices, cut.indices).mean() == recall[budget - 1]
        assert cut.complete == (budget == full.n_leaves) or cut.steps[-1].kind == "stop"
    assert recall[0] < 1.0  # one leaf is not enough here: the curve has something to show


def test_whole_tree_in_one_leaf():
    X = random_data(10)
    s = trace_search(build_tree(X), X, [0.0, 0.0], 3)  # leafsize 16: the top box is the leaf
    assert [step.kind for step in s.steps] == ["measure"]
    assert s.n_measured == 10 and s.n_leaves_total == 1


def test_bad_input_names_the_parameter():
    X = random_data(60)
    tree = build_tree(X)
    with pytest.raises(ValueError, match="1 <= k <= n_samples"):
        trace_search(tree, X, [0.0, 0.0], 61)
    with pytest.raises(ValueError, match="query of 2 values"):
        trace_search(tree, X, [0.0, 0.0, 0.0], 1)
    with pytest.raises(ValueError, match="tree over X"):
        trace_search(tree, X[:30], [0.0, 0.0], 1)
    with pytest.raises(ValueError, match="max_leaves"):
        trace_search(tree, X, [0.0, 0.0], 1, max_leaves=0)


def test_cost_grows_slowly_with_size_and_fades_with_features():
    rng = np.random.default_rng(0)
    queries = rng.random((10, 2))
    sizes = [100, 1_000, 10_000]
    cost = cost_by_size(lambda n: rng.random((n, 2)), sizes, queries, 3)
    assert np.all(cost < np.array(sizes))
    assert cost[-1] < 0.02 * sizes[-1]  # a hundredth of brute force's work, or less
    by_dim = cost_by_features(2_000, [1, 2, 4, 8, 12], 3, n_queries=5)
    assert by_dim[0] < by_dim[2] < by_dim[4]
    assert by_dim[4] > 0.5 * 2_000  # the advantage has faded: most points are measured


@pytest.mark.parametrize("n", [10, 50, 1_000, 20_000])
def test_the_leaf_total_counts_the_trees_leaves(n):
    X = random_data(n)
    tree = build_tree(X)
    stack, leaves = [tree.tree], 0
    while stack:
        node = stack.pop()
        if node.split_dim == -1:
            leaves += 1
        else:
            stack.extend((node.lesser, node.greater))
    assert trace_search(tree, X, [0.0, 0.0], 1).n_leaves_total == leaves


@settings(max_examples=80, deadline=None)
@given(
    hst.integers(1, 200),  # points
    hst.integers(1, 5),  # spread of the integer grid: small spreads give many ties
    hst.integers(1, 40),  # k
    hst.sampled_from(METRICS),
    hst.integers(1, 8),  # leaf size
    hst.integers(0, 2**32 - 1),
)
def test_any_small_integer_data_gives_the_engines_neighbours(n, spread, k, metric_p, leaf, seed):
    # Integer coordinates on a small grid: duplicates and equal distances everywhere, the
    # case where the order of equal distances decides the answer.
    metric, p = metric_p
    rng = np.random.default_rng(seed)
    X = rng.integers(-spread, spread + 1, size=(n, 2)).astype(float)
    q = rng.integers(-spread - 1, spread + 2, size=2) / 2.0
    k = min(k, n)
    tree = cKDTree(X, leafsize=leaf, balanced_tree=False, compact_nodes=False)
    search = trace_search(tree, X, q, k, metric=metric, p=p)
    dist, ind = NeighborIndex(X, metric=metric, p=p).query(q[None, :], k)
    assert search.indices.tolist() == ind[0].tolist()
    np.testing.assert_array_equal(search.distances, dist[0])
    assert search.n_measured <= n
