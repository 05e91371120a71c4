"""Tests of knn_core.lessons.neighbor_sets: neighbours under several metrics, and set changes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neighbors import NearestNeighbors

from knn_core.datasets import make_dataset
from knn_core.geometry import ball_outline
from knn_core.lessons.neighbor_sets import compare_metrics, set_change


def test_set_change_hand_worked():
    change = set_change([3, 1, 2], [2, 5, 3])
    assert change.kept.tolist() == [2, 3]
    assert change.lost.tolist() == [1]
    assert change.gained.tolist() == [5]
    assert not change.same
    assert set_change([1, 2], [2, 1]).same


def test_set_change_rejects_non_indices():
    with pytest.raises(ValueError, match="before to be a 1-D sequence of integer indices"):
        set_change([0.5, 1.0], [1])


def test_three_metrics_pick_three_different_points():
    # Chebyshev likes the diagonal, Manhattan the axes, Euclidean is in between.
    X = [[1.0, 1.0], [1.2, 0.0], [1.05, 0.3]]
    result = compare_metrics(X, [0.0, 0.0], 1)
    assert result.metrics == ("euclidean", "manhattan", "chebyshev")
    assert [result.of(m).tolist() for m in result.metrics] == [[2], [1], [0]]
    assert result.common.tolist() == []
    assert result.only("euclidean").tolist() == [2]
    assert result.only("manhattan").tolist() == [1]
    assert result.difference("chebyshev", "euclidean").tolist() == [0]
    np.testing.assert_allclose(result.radius, [np.hypot(1.05, 0.3), 1.2, 1.0])
    # Candidates are ordered by Euclidean distance; ranks are 1-based among all points.
    assert result.candidates.tolist() == [2, 1, 0]
    assert result.ranks[:, 0].tolist() == [1, 2, 3]
    assert result.picked.tolist() == [
        [True, False, False],
        [False, True, False],
        [False, False, True],
    ]


@pytest.mark.parametrize("k", [1, 4, 9])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_metric_agrees_with_scikit_learn(k, seed):
    X, _ = make_dataset("uniform", 60, 0.0, seed=seed)
    query = np.array([0.1, -0.2])
    result = compare_metrics(X, query, k)
    for metric in result.metrics:
        name = "cityblock" if metric == "manhattan" else metric
        dist, ind = NearestNeighbors(n_neighbors=k, metric=name).fit(X).kneighbors(query[None])
        assert result.of(metric).tolist() == ind[0].tolist()
        j = result.metrics.index(metric)
        assert result.radius[j] == pytest.approx(dist[0, -1])
        # Every candidate's recorded distance is its true distance under that metric.
        ref = NearestNeighbors(n_neighbors=60, metric=name).fit(X)
        all_d, all_i = ref.kneighbors(query[None])
        true = np.empty(60)
        true[all_i[0]] = all_d[0]
        np.testing.assert_allclose(result.distances[:, j], true[result.candidates])
    # The union holds exactly the points some metric picked; picked matches the lists.
    union = set().union(*(set(result.of(m).tolist()) for m in result.metrics))
    assert set(result.candidates.tolist()) == union
    for j, metric in enumerate(result.metrics):
        picked = set(result.candidates[result.picked[:, j]].tolist())
        assert picked == set(result.of(metric).tolist())
    assert set(result.common.tolist()) | set(result.disputed.tolist()) == union


def test_picked_points_lie_inside_their_metric_ball():
    X, _ = make_dataset("blobs", 50, 0.3, seed=0)
    query = (2.72, 3.41)
    result = compare_metrics(X, query, 5)
    for j, metric in enumerate(result.metrics):
        inside = result.distances[:, j] <= result.radius[j] + 1e-12
        assert (inside == result.picked[:, j]).all()
        # The drawn outline is at exactly that radius.
        xs, ys = ball_outline(query, result.radius[j], metric)
        d = compare_metrics(np.column_stack([xs, ys]), query, len(xs), metrics=[metric])
        np.testing.assert_allclose(d.distances[:, 0], result.radius[j], rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 20), perm_seed=st.integers(0, 100))
def test_permuting_the_rows_permutes_the_answer(seed, k, perm_seed):
    X, _ = make_dataset("uniform", 20, 0.0, seed=seed)
    perm = np.random.default_rng(perm_seed).permutation(20)
    a = compare_metrics(X, [0.0, 0.0], k)
    b = compare_metrics(X[perm], [0.0, 0.0], k)
    for metric in a.metrics:
        assert sorted(a.of(metric).tolist()) == sorted(perm[b.of(metric)].tolist())


def test_equal_distances_keep_the_lower_index():
    X = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]
    result = compare_metrics(X, [0.0, 0.0], 2)
    for metric in result.metrics:
        assert result.of(metric).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("metrics", "match"),
    [
        ([], "non-empty sequence without repeats"),
        (["euclidean", "euclidean"], "without repeats"),
        (["cosine"], "Expected metric to be one of"),
        (["minkowski"], "it needs a p"),
    ],
)
def test_compare_metrics_rejects_bad_metrics(metrics, match):
    with pytest.raises(ValueError, match=match):
        compare_metrics([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], 1, metrics=metrics)


def test_compare_metrics_rejects_bad_k_and_query():
    with pytest.raises(ValueError, match="n_samples = 2, n_neighbors = 3"):
        compare_metrics([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], 3)
    with pytest.raises(ValueError, match="Expected query with 2 features like X, but got 1"):
        compare_metrics([[0.0, 0.0], [1.0, 1.0]], [0.0], 1)
    result = compare_metrics([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], 1)
    with pytest.raises(ValueError, match="Expected metric to be one of 'euclidean'"):
        result.of("cosine")
