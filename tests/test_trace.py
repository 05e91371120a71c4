import dataclasses

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist
from sklearn.neighbors import KNeighborsClassifier

from knn_core.lessons.trace import QueryTrace, trace_query
from knn_core.models import KNNClassifier
from knn_core.neighbors import TIE_RULE

METRICS = [("euclidean", 2.0), ("manhattan", 2.0), ("chebyshev", 2.0), ("minkowski", 3.0)]


def reference_distances(q, X, metric, p):
    """Distances computed independently of the engine, with scipy."""
    name = {"euclidean": "euclidean", "manhattan": "cityblock", "chebyshev": "chebyshev"}
    if metric == "minkowski":
        return cdist(q[None, :], X, "minkowski", p=p)[0]
    return cdist(q[None, :], X, name[metric])[0]


def integer_data(n=40, n_classes=3, seed=0, d=2):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 5, size=(n, d)).astype(float), rng.integers(0, n_classes, n)


def float_data(n=60, n_classes=3, seed=0, d=2):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, n_classes, n)


def check_consistent(t, model, X, y, q):
    """Everything a trace says, checked against the model and against independent sums."""
    n, k = len(X), model.n_neighbors
    dist, ind = model.kneighbors(q[None, :])
    # Agrees exactly with the engine.
    np.testing.assert_array_equal(t.kept, ind[0])
    np.testing.assert_array_equal(t.kept_distances, dist[0])
    assert t.prediction == model.predict(q[None, :])[0]
    np.testing.assert_allclose(t.share, model.predict_proba(q[None, :])[0].max(), rtol=1e-12)
    # The ranking is a permutation led by the kept points, sorted by distance.
    np.testing.assert_array_equal(np.sort(t.order), np.arange(n))
    np.testing.assert_array_equal(t.order[:k], t.kept)
    np.testing.assert_array_equal(t.ranks[t.order], np.arange(n))
    assert np.all(np.diff(t.distances[t.order]) >= 0)
    np.testing.assert_array_equal(t.distances[t.kept], t.kept_distances)
    # Distances agree with scipy.
    ref = reference_distances(q, X, model.metric, model.p)
    np.testing.assert_allclose(t.distances, ref, rtol=1e-12, atol=1e-12)
    # Labels, weights and the tally, recomputed by hand.
    np.testing.assert_array_equal(t.kept_labels, y[t.kept])
    np.testing.assert_array_equal(t.values, y[t.k_closest])
    np.testing.assert_array_equal(t.classes[t.kept_codes], t.kept_labels)
    if model.weights == "uniform":
        np.testing.assert_array_equal(t.kept_weights, np.ones(k))
    elif (t.kept_distances == 0).any():
        np.testing.assert_array_equal(t.kept_weights, (t.kept_distances == 0).astype(float))
    else:
        np.testing.assert_allclose(t.kept_weights, 1 / t.kept_distances, rtol=1e-12)
    by_hand = np.array([t.kept_weights[t.kept_labels == c].sum() for c in t.classes])
    np.testing.assert_allclose(t.tally, by_hand, rtol=1e-12)
    top = np.isclose(t.tally, t.tally.max(), rtol=1e-12, atol=0)
    assert t.tied == (top.sum() > 1)
    assert t.winner_code == np.flatnonzero(top)[0]  # the first tied class wins
    assert t.prediction == t.classes[t.winner_code]
    np.testing.assert_allclose(t.share, t.tally[t.winner_code] / t.tally.sum())
    np.testing.assert_array_equal(t.tied_classes, t.classes[top])
    # The tie explanation is there exactly when the vote tied.
    assert (t.tie_explanation is not None) == t.tied
    if t.tied:
        assert TIE_RULE in t.tie_explanation
        assert str(t.prediction) in t.tie_explanation
    # Points at the k-th distance that were left out.
    radius = t.kept_distances[-1]
    left_out = np.setdiff1d(np.flatnonzero(t.distances == radius), t.kept)
    np.testing.assert_array_equal(np.sort(t.left_out_at_radius), left_out)
    assert (t.distance_tie_explanation is not None) == (len(left_out) > 0)
    assert t.radius == radius


@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("k", [1, 2, 4, 5])
@pytest.mark.parametrize("n", [40, 150])  # brute force and k-d tree paths of the engine
def test_trace_agrees_with_model_on_integer_grid_data(metric, p, weights, k, n):
    # Integer data and integer queries: equal distances, queries on training points, even k.
    X, y = integer_data(n=n)
    model = KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y)
    rng = np.random.default_rng(k)
    queries = np.vstack([rng.integers(-1, 6, size=(25, 2)), X[:5], rng.uniform(-1, 6, (10, 2))])
    n_tied = n_left_out = 0
    for q in queries.astype(float):
        t = trace_query(model, q)
        check_consistent(t, model, X, y, q)
        # Exact integer distances (Manhattan, Chebyshev, squared Euclidean): the order is
        # exactly a stable sort, lower training index first among equal distances.
        if metric != "minkowski" and np.all(q == np.round(q)):
            key = t.tutorial_distances if metric == "euclidean" else t.distances
            np.testing.assert_array_equal(t.order, np.argsort(key, kind="stable"))
        n_tied += t.tied
        n_left_out += len(t.left_out_at_radius) > 0
    assert n_left_out > 0  # these data really exercise distance ties
    if weights == "uniform" and k in (2, 4):
        assert n_tied > 0


@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("d", [2, 10])
def test_trace_agrees_with_model_and_sklearn_on_float_data(metric, p, weights, d):
    X, y = float_data(d=d, seed=d)
    model = KNNClassifier(5, metric=metric, p=p, weights=weights).fit(X, y)
    ref = KNeighborsClassifier(5, metric="minkowski" if metric == "minkowski" else metric, p=p)
    ref.set_params(weights=weights).fit(X, y)
    for q in np.random.default_rng(1).normal(size=(20, d)):
        t = trace_query(model, q)
        check_consistent(t, model, X, y, q)
        np.testing.assert_array_equal(t.kept, ref.kneighbors(q[None, :])[1][0])
        if not t.tied:
            assert t.prediction == ref.predict(q[None, :])[0]


def test_hand_worked_trace_with_a_vote_tie():
    X = [[0, 0], [3, 0], [0, 4], [6, 0], [0, -3]]
    y = ["red", "blue", "red", "blue", "blue"]
    model = KNNClassifier(4).fit(X, y)
    t = trace_query(model, [0, 0], class_names={"red": "Red", "blue": "Blue"})
    assert isinstance(t, QueryTrace)
    assert t.distances.tolist() == [0, 3, 4, 6, 3]
    assert t.tutorial_distances.tolist() == [0, 9, 16, 36, 9]
    assert t.order.tolist() == [0, 1, 4, 2, 3]  # 1 and 4 both at 3: lower index first
    assert t.ranks.tolist() == [0, 1, 3, 4, 2]
    assert t.kept.tolist() == [0, 1, 4, 2]
    assert t.k_closest.tolist() == [0, 1, 4, 2]
    assert t.kept_labels.tolist() == ["red", "blue", "blue", "red"]
    assert t.values.tolist() == ["red", "blue", "blue", "red"]
    assert t.classes.tolist() == ["blue", "red"]
    assert t.tally.tolist() == [2, 2]
    assert t.tied and t.winner_code == 0 and t.prediction == "blue" and t.share == 0.5
    assert t.tied_classes.tolist() == ["blue", "red"]
    assert t.tie_rule == TIE_RULE
    assert t.tie_explanation == (
        f"Blue and Red both have 2 votes, so the vote is tied. {TIE_RULE} Here that is Blue."
    )
    assert t.left_out_at_radius.size == 0 and t.distance_tie_explanation is None
    assert t.radius == 4.0
    # The tutorial's own function gives the same prediction (scipy.stats.mode: smallest label).
    codes = np.unique(y, return_inverse=True)[1]
    k_closest = np.sum((np.zeros(2) - np.asarray(X)) ** 2, axis=1).argsort(kind="stable")[:4]
    assert t.classes[scipy.stats.mode(codes[k_closest]).mode] == t.prediction


def test_hand_worked_trace_left_out_at_the_radius():
    X = [[1, 0], [0, 1], [-1, 0], [0, -1], [5, 5]]
    model = KNNClassifier(3).fit(X, [0, 1, 1, 0, 0])
    t = trace_query(model, [0, 0])
    assert t.kept.tolist() == [0, 1, 2]
    assert t.left_out_at_radius.tolist() == [3]
    assert t.distance_tie_explanation == (
        "Training point #3 is exactly as far from the query (1) as the k-th neighbour but was "
        "left out: only k = 3 neighbours vote, and equal distances go to the lower training "
        "index (points #0, #1 and #2 kept)."
    )
    assert not t.tied and t.tie_explanation is None
    assert t.tally.tolist() == [1, 2] and t.prediction == 1
    assert t.tied_classes.tolist() == [1]


def test_three_way_tie_and_weighted_wording():
    X = [[1, 0], [-1, 0], [0, 1]]
    t = trace_query(KNNClassifier(3).fit(X, ["c", "b", "a"]), [0, 0])
    assert t.tie_explanation.startswith("a, b and c all have 1 vote, so the vote is tied.")
    assert t.prediction == "a"
    t = trace_query(KNNClassifier(2, weights="distance").fit(X, [0, 1, 1]), [0, 0])
    assert t.tie_explanation.startswith("0 and 1 both have a total weight of 1, so")
    t = trace_query(KNNClassifier(2).fit(X, [0, 1, 1]), [0, 0], class_names=["red", "blue"])
    assert t.tie_explanation.endswith("Here that is red.")


def test_query_on_training_points_with_distance_weights():
    X = [[0, 0], [0, 0], [1, 0], [2, 0]]
    model = KNNClassifier(3, weights="distance").fit(X, [1, 0, 0, 1])
    t = trace_query(model, [0, 0])
    assert t.kept.tolist() == [0, 1, 2]
    assert t.kept_weights.tolist() == [1, 1, 0]  # only the exact matches vote
    assert t.tied and t.prediction == 0


def test_trace_is_frozen_and_read_only():
    model = KNNClassifier(2).fit([[0, 0], [1, 1], [2, 2]], [0, 1, 1])
    t = trace_query(model, [[0.5, 0.5]])  # a single row is accepted too
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.k = 3
    with pytest.raises(ValueError, match="read-only"):
        t.distances[0] = 9.0
    assert t.query.tolist() == [0.5, 0.5]


def test_bad_queries():
    model = KNNClassifier(1).fit([[0, 0], [1, 1]], [0, 1])
    with pytest.raises(ValueError, match="Expected query to have 2 features"):
        trace_query(model, [1, 2, 3])
    with pytest.raises(ValueError, match=r"one point, .* got shape \(2, 2\)"):
        trace_query(model, [[0, 0], [1, 1]])
    with pytest.raises(ValueError, match="query contains NaN"):
        trace_query(model, [0, np.nan])
    with pytest.raises(ValueError, match="not fitted"):
        trace_query(KNNClassifier(1), [0, 0])
    with pytest.raises(ValueError, match="one name per class"):
        trace_query(model, [0, 0], class_names=["only one"])


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n=st.integers(1, 70),
    n_classes=st.integers(1, 4),
    metric=st.sampled_from(METRICS),
    weights=st.sampled_from(["uniform", "distance"]),
)
def test_trace_invariants_on_random_small_integer_data(data, n, n_classes, metric, weights):
    coords = st.integers(-3, 3)
    X = np.array(data.draw(st.lists(st.tuples(coords, coords), min_size=n, max_size=n)), float)
    y = np.array(data.draw(st.lists(st.integers(0, n_classes - 1), min_size=n, max_size=n)))
    k = data.draw(st.integers(1, n))
    q = np.array(data.draw(st.tuples(coords, coords)), float)
    model = KNNClassifier(k, metric=metric[0], p=metric[1], weights=weights).fit(X, y)
    check_consistent(trace_query(model, q), model, X, y, q)
