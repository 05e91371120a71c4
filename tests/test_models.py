"""Tests of knn_core.models: KNNClassifier and KNNRegressor against hand-worked cases,
scikit-learn as an independent reference, tie rules, invariants and every bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

from knn_core._validation import NotFittedError
from knn_core.models import KNNClassifier, KNNRegressor, VoteResult
from knn_core.neighbors import METRICS, WEIGHTS

METRIC_CASES = [("euclidean", 2.0), ("manhattan", 2.0), ("chebyshev", 2.0), ("minkowski", 3.0)]
# (n_samples, n_features): 30 -> brute force, 400 x 2 -> k-d tree, 300 x 10 -> brute force
SIZES = [(30, 2), (400, 2), (300, 10)]


def tie_free_data(n, d, n_classes=3, seed=0, labels=None):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_classes, n)
    X = rng.normal(size=(n, d)) + 0.8 * codes[:, None]
    Q = rng.normal(size=(200, d)) * 1.5 + 0.8
    y = codes if labels is None else np.asarray(labels)[codes]
    return X, y, Q


# --------------------------------------------------------------------------------------------
# Hand-worked cases
# --------------------------------------------------------------------------------------------
def test_classifier_hand_worked():
    # Training points on a line: 0 (a), 1 (a), 2 (b), 5 (b), 6 (b).
    X = [[0.0], [1.0], [2.0], [5.0], [6.0]]
    y = ["a", "a", "b", "b", "b"]
    model = KNNClassifier(3).fit(X, y)
    assert model.classes_.tolist() == ["a", "b"]
    # Query 0.4: distances 0.4, 0.6, 1.6, 4.6, 5.6 -> neighbours rows 0, 1, 2 -> a, a, b.
    dist, ind = model.kneighbors([[0.4]])
    assert ind.tolist() == [[0, 1, 2]]
    np.testing.assert_allclose(dist, [[0.4, 0.6, 1.6]])
    assert model.predict([[0.4]]).tolist() == ["a"]
    np.testing.assert_allclose(model.predict_proba([[0.4]]), [[2 / 3, 1 / 3]])
    # Query 3: distances 3, 2, 1, 2, 3 -> row 2 (1), then rows 1 and 3 tie at 2 -> row 1 first.
    # Neighbours 2, 1, 3 -> b, a, b -> b with 2/3.
    dist, ind = model.kneighbors([[3.0]])
    assert ind.tolist() == [[2, 1, 3]]
    assert model.predict([[3.0]]).tolist() == ["b"]


def test_classifier_distance_weights_hand_worked():
    # Query 0 against 1 (class 0), -2 (class 1), 3 (class 1) with k = 3:
    # uniform: 1 vs 2 -> class 1. distance: 1/1 = 1 vs 1/2 + 1/3 = 0.833 -> class 0.
    X = [[1.0], [-2.0], [3.0]]
    y = [0, 1, 1]
    assert KNNClassifier(3).fit(X, y).predict([[0.0]]).tolist() == [1]
    model = KNNClassifier(3, weights="distance").fit(X, y)
    assert model.predict([[0.0]]).tolist() == [0]
    np.testing.assert_allclose(model.predict_proba([[0.0]]), [[1 / (11 / 6), (5 / 6) / (11 / 6)]])


def test_regressor_hand_worked():
    # Targets 10, 20, 40 at 0, 1, 3. Query 0.5, k = 2: rows 0 and 1 at 0.5 each.
    # uniform: (10 + 20) / 2 = 15; distance: (10/0.5 + 20/0.5) / (2 + 2) = 15.
    # Query 2.5, k = 2: row 2 at 0.5, row 1 at 1.5. uniform: 30;
    # distance: (40 * 2 + 20 / 1.5) / (2 + 1 / 1.5) = (80 + 13.33) / 2.667 = 35.
    X = [[0.0], [1.0], [3.0]]
    y = [10.0, 20.0, 40.0]
    uni = KNNRegressor(2).fit(X, y)
    dis = KNNRegressor(2, weights="distance").fit(X, y)
    np.testing.assert_allclose(uni.predict([[0.5], [2.5]]), [15.0, 30.0])
    np.testing.assert_allclose(dis.predict([[0.5], [2.5]]), [15.0, 35.0])


def test_one_dimensional_query_is_one_point():
    model = KNNClassifier(1).fit([[0, 0], [5, 5]], [0, 1])
    assert model.predict([4, 4]).tolist() == [1]
    dist, ind = model.kneighbors(np.array([1.0, 0.0]))
    assert ind.tolist() == [[0]] and dist.tolist() == [[1.0]]


def test_integer_and_string_labels_and_class_order():
    X = np.arange(12, dtype=float).reshape(6, 2)
    assert KNNClassifier(1).fit(X, [3, 1, 2, 3, 1, 10]).classes_.tolist() == [1, 2, 3, 10]
    model = KNNClassifier(1).fit(X, ["pear", "apple", "fig", "pear", "apple", "Zed"])
    assert model.classes_.tolist() == ["Zed", "apple", "fig", "pear"]  # sorted as np.unique
    assert model.predict(X).tolist() == ["pear", "apple", "fig", "pear", "apple", "Zed"]


def test_fit_returns_self_and_init_only_stores():
    model = KNNClassifier(4, metric="cosine", weights="nope", p=0.5)  # no error yet
    assert (model.n_neighbors, model.metric, model.weights, model.p) == (4, "cosine", "nope", 0.5)
    good = KNNClassifier(2)
    assert good.fit([[0.0], [1.0]], [0, 1]) is good
    assert good.n_features_in_ == 1 and good.n_samples_fit_ == 2
    reg = KNNRegressor(2)
    assert reg.fit([[0.0], [1.0]], [0, 1]) is reg


def test_vote_result_is_consistent_with_predict_and_proba():
    X, y, Q = tie_free_data(60, 2, seed=5, labels=["x", "y", "z"])
    model = KNNClassifier(6, weights="distance").fit(X, y)
    result = model.vote(Q)
    assert isinstance(result, VoteResult)
    dist, ind = model.kneighbors(Q)
    np.testing.assert_array_equal(result.ind, ind)
    np.testing.assert_array_equal(result.dist, dist)
    np.testing.assert_array_equal(result.codes, model.y_codes_[ind])
    np.testing.assert_array_equal(model.classes_[result.codes], np.asarray(y)[ind])
    np.testing.assert_allclose(result.weights, 1.0 / dist)
    assert result.scores.shape == (len(Q), 3)
    np.testing.assert_array_equal(model.predict(Q), model.classes_[result.winner])
    np.testing.assert_allclose(
        model.predict_proba(Q), result.scores / result.scores.sum(axis=1, keepdims=True)
    )
    # n_neighbors can be overridden per call.
    assert model.vote(Q, n_neighbors=2).ind.shape == (len(Q), 2)
    assert model.kneighbors(Q, n_neighbors=9)[1].shape == (len(Q), 9)
    assert model.kneighbors(Q, return_distance=False).shape == (len(Q), 6)


# --------------------------------------------------------------------------------------------
# scikit-learn as an independent reference (tie-free random data, brute force there)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric", "p"), METRIC_CASES)
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize(("n", "d"), SIZES)
@pytest.mark.parametrize("k", [1, 4, 7])
def test_classifier_matches_sklearn(metric, p, weights, n, d, k):
    X, y, Q = tie_free_data(n, d, seed=n + k, labels=["blue", "green", "red"])
    ours = KNNClassifier(k, metric=metric, weights=weights, p=p).fit(X, y)
    ref = KNeighborsClassifier(k, metric=metric, weights=weights, p=p, algorithm="brute")
    ref.fit(X, y)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    dist, ind = ours.kneighbors(Q)
    ref_dist, ref_ind = ref.kneighbors(Q)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(Q), ref.predict_proba(Q), rtol=1e-9)
    np.testing.assert_array_equal(ours.predict(Q), ref.predict(Q))


@pytest.mark.parametrize(("metric", "p"), METRIC_CASES)
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize(("n", "d"), SIZES)
@pytest.mark.parametrize("k", [1, 5])
def test_regressor_matches_sklearn(metric, p, weights, n, d, k):
    rng = np.random.default_rng(n * d + k)
    X = rng.normal(size=(n, d))
    y = np.sin(X).sum(axis=1) + rng.normal(scale=0.1, size=n)
    Q = rng.normal(size=(200, d))
    ours = KNNRegressor(k, metric=metric, weights=weights, p=p).fit(X, y)
    ref = KNeighborsRegressor(k, metric=metric, weights=weights, p=p, algorithm="brute")
    ref.fit(X, y)
    np.testing.assert_array_equal(ours.kneighbors(Q)[1], ref.kneighbors(Q)[1])
    np.testing.assert_allclose(ours.predict(Q), ref.predict(Q), rtol=1e-9, atol=1e-12)


def test_classifier_matches_sklearn_on_a_surface_grid():
    # The app's main use: a fine grid of queries over 2-D blobs, through the k-d tree path.
    X, y, _ = tie_free_data(1000, 2, n_classes=2, seed=11)
    gx, gy = np.meshgrid(np.linspace(-3, 4, 60), np.linspace(-3, 4, 60))
    Q = np.c_[gx.ravel(), gy.ravel()]
    ours = KNNClassifier(15).fit(X, y)
    assert ours._index.tree is not None
    ref = KNeighborsClassifier(15, algorithm="brute").fit(X, y)
    np.testing.assert_array_equal(ours.predict(Q), ref.predict(Q))


# --------------------------------------------------------------------------------------------
# Ties
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("labels", "expected"), [([1, 0], 0), (["b", "a"], "a"), ([7, 3], 3)])
def test_vote_tie_even_k_goes_to_smallest_class(labels, expected):
    # Query 0 between -1 (first label) and 1 (second label), k = 2: one vote each -> tie.
    model = KNNClassifier(2).fit([[-1.0], [1.0]], labels)
    result = model.vote([[0.0]])
    assert result.tied.tolist() == [True]
    assert model.predict([[0.0]]).tolist() == [expected]
    np.testing.assert_allclose(model.predict_proba([[0.0]]), [[0.5, 0.5]])
    # Off-centre, distance weights break the tie, and the flag says so.
    weighted = KNNClassifier(2, weights="distance").fit([[-1.0], [1.0]], labels)
    assert weighted.vote([[0.5]]).tied.tolist() == [False]
    assert weighted.predict([[0.5]]).tolist() == [labels[1]]


def test_three_way_vote_tie():
    # k = 3, three classes, one neighbour each: class "a" (first in order) wins, tied.
    model = KNNClassifier(3).fit([[0.0], [1.0], [2.0], [10.0]], ["c", "b", "a", "a"])
    result = model.vote([[1.0]])
    assert result.scores.tolist() == [[1.0, 1.0, 1.0]]
    assert result.tied.tolist() == [True]
    assert model.predict([[1.0]]).tolist() == ["a"]


def test_distance_weights_query_on_a_training_point():
    # Query 0 sits on row 0 (class 0); rows 1, 2 (class 1) are close but only row 0 votes.
    X = [[0.0], [0.1], [0.2]]
    y = [0, 1, 1]
    model = KNNClassifier(3, weights="distance").fit(X, y)
    result = model.vote([[0.0]])
    assert result.weights.tolist() == [[1.0, 0.0, 0.0]]
    assert model.predict([[0.0]]).tolist() == [0]
    assert model.predict_proba([[0.0]]).tolist() == [[1.0, 0.0]]
    assert KNNClassifier(3).fit(X, y).predict([[0.0]]).tolist() == [1]  # uniform: majority


def test_distance_weights_query_on_duplicate_points_of_different_classes():
    # Rows 0 and 1 are both at 0 with classes 1 and 0: they alone vote, 1-1, a tie -> class 0.
    # (Without the exact-match rule 1/0.5 + 1/0.6 would hand the vote to class 1.)
    X = [[0.0], [0.0], [0.5], [0.6]]
    y = [1, 0, 1, 1]
    model = KNNClassifier(4, weights="distance").fit(X, y)
    result = model.vote([[0.0]])
    assert result.ind.tolist() == [[0, 1, 2, 3]]
    assert result.weights.tolist() == [[1.0, 1.0, 0.0, 0.0]]
    assert result.tied.tolist() == [True]
    assert model.predict([[0.0]]).tolist() == [0]
    np.testing.assert_allclose(model.predict_proba([[0.0]]), [[0.5, 0.5]])


def test_regressor_query_on_training_points_uses_only_them():
    X = [[0.0], [0.0], [1.0]]
    y = [2.0, 4.0, 100.0]
    model = KNNRegressor(3, weights="distance").fit(X, y)
    np.testing.assert_allclose(model.predict([[0.0], [1.0]]), [3.0, 100.0])
    np.testing.assert_allclose(KNNRegressor(3).fit(X, y).predict([[0.0]]), [106 / 3])


def test_equal_distances_lower_index_first_in_the_model():
    # Points 2 away from the query in four directions, plus one at 1: order 4, then 0, 1, 2, 3.
    X = np.array([[2.0, 0], [0, 2.0], [-2.0, 0], [0, -2.0], [1.0, 0]])
    model = KNNClassifier(3).fit(X, [0, 1, 1, 1, 0])
    assert model.kneighbors([[0.0, 0.0]])[1].tolist() == [[4, 0, 1]]
    assert model.predict([[0.0, 0.0]]).tolist() == [0]


# --------------------------------------------------------------------------------------------
# Invariants (hypothesis, tie-free float data from a Generator)
# --------------------------------------------------------------------------------------------
model_params = {
    "seed": st.integers(0, 2**32 - 1),
    "n": st.integers(2, 120),
    "d": st.integers(1, 10),
    "k_frac": st.floats(0.0, 1.0),
    "metric": st.sampled_from(METRICS),
    "weights": st.sampled_from(WEIGHTS),
}


def draw_model_data(seed, n, d, k_frac):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 3, n)
    Q = rng.normal(size=(25, d)) * 1.5
    k = 1 + int(k_frac * (n - 1))
    return rng, X, y, Q, k


@settings(max_examples=60, deadline=None)
@given(**model_params)
def test_permuting_training_rows_changes_nothing(seed, n, d, k_frac, metric, weights):
    rng, X, y, Q, k = draw_model_data(seed, n, d, k_frac)
    perm = rng.permutation(n)
    a = KNNClassifier(k, metric=metric, weights=weights, p=3.0).fit(X, y)
    b = KNNClassifier(k, metric=metric, weights=weights, p=3.0).fit(X[perm], y[perm])
    np.testing.assert_array_equal(a.predict(Q), b.predict(Q))
    np.testing.assert_allclose(a.predict_proba(Q), b.predict_proba(Q), rtol=1e-9)
    # Same neighbours, renamed by the permutation.
    np.testing.assert_array_equal(perm[b.kneighbors(Q)[1]], a.kneighbors(Q)[1])


@settings(max_examples=60, deadline=None)
@given(**model_params, shift=st.integers(-50, 50))
def test_translating_train_and_query_changes_nothing(seed, n, d, k_frac, metric, weights, shift):
    rng, X, y, Q, k = draw_model_data(seed, n, d, k_frac)
    t = shift * rng.random(d)
    a = KNNClassifier(k, metric=metric, weights=weights).fit(X, y)
    b = KNNClassifier(k, metric=metric, weights=weights).fit(X + t, y)
    np.testing.assert_array_equal(a.kneighbors(Q)[1], b.kneighbors(Q + t)[1])
    np.testing.assert_array_equal(a.predict(Q), b.predict(Q + t))
    ra = KNNRegressor(k, metric=metric, weights=weights).fit(X, y.astype(float))
    rb = KNNRegressor(k, metric=metric, weights=weights).fit(X + t, y.astype(float))
    np.testing.assert_allclose(ra.predict(Q), rb.predict(Q + t), rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 90),
    n_classes=st.integers(1, 4),
    metric=st.sampled_from(METRICS),
)
def test_k_equals_n_predicts_the_overall_majority(seed, n, n_classes, metric):
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, size=(n, 2)).astype(float)  # integer data: ties are welcome here
    y = rng.integers(0, n_classes, n)
    Q = rng.normal(size=(10, 2)) * 3
    classes, counts = np.unique(y, return_counts=True)
    majority = classes[np.flatnonzero(counts == counts.max())[0]]  # tie -> smallest label
    result = KNNClassifier(n, metric=metric).fit(X, y).vote(Q)
    assert np.all(classes[result.winner] == majority)
    assert np.all(result.tied == (np.count_nonzero(counts == counts.max()) > 1))


# --------------------------------------------------------------------------------------------
# Bad input: every message names the parameter, what is allowed and what was received
# --------------------------------------------------------------------------------------------
X4 = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
Y4 = [0, 0, 1, 1]


@pytest.mark.parametrize("model_cls", [KNNClassifier, KNNRegressor])
@pytest.mark.parametrize(
    ("kwargs", "X", "y", "match"),
    [
        ({"n_neighbors": 0}, X4, Y4, r"Expected n_neighbors > 0, but got n_neighbors = 0"),
        ({"n_neighbors": -2}, X4, Y4, r"Expected n_neighbors > 0, but got n_neighbors = -2"),
        (
            {"n_neighbors": 5},
            X4,
            Y4,
            r"Expected n_neighbors <= n_samples, but n_samples = 4, n_neighbors = 5",
        ),
        ({"n_neighbors": 2.0}, X4, Y4, r"n_neighbors to be an integer >= 1.*2\.0.*float"),
        ({"n_neighbors": True}, X4, Y4, r"n_neighbors to be an integer >= 1.*True.*bool"),
        ({"n_neighbors": "3"}, X4, Y4, r"n_neighbors to be an integer >= 1.*'3'"),
        ({}, X4, Y4[:3], r"same number of samples.*len\(X\) = 4, len\(y\) = 3"),
        ({"n_neighbors": 1}, np.empty((0, 2)), [], r"X to have at least 1 row.*\(0, 2\)"),
        ({}, [[0.0, np.nan]] * 5, [0] * 5, r"X contains NaN or infinity at row 0, column 1"),
        ({}, X4 + [[np.inf, 0.0]], Y4 + [1], r"X contains NaN or infinity at row 4, column 0"),
        ({}, [0.0, 1.0, 2.0, 3.0, 4.0], [0] * 5, r"Expected X to be a 2-D array.*\(5,\)"),
        ({}, [["a", "b"]] * 5, [0] * 5, r"X to contain only numbers"),
        (
            {"metric": "cosine"},
            X4,
            Y4,
            r"Expected metric to be one of 'euclidean', 'manhattan', 'chebyshev', 'minkowski', "
            r"but got metric = 'cosine'",
        ),
        (
            {"weights": "inverse"},
            X4,
            Y4,
            r"Expected weights to be one of 'uniform', 'distance', but got weights = 'inverse'",
        ),
        ({"metric": "minkowski", "p": 0.5}, X4, Y4, r"Expected p >= 1, but got p = 0.5"),
        ({"metric": "minkowski", "p": float("nan")}, X4, Y4, r"Expected p >= 1, but got p = nan"),
        ({"p": "two"}, X4, Y4, r"Expected p to be a number >= 1, but got p = 'two'"),
        ({}, X4, [[0, 1]] * 4, r"Expected y to be a 1-D array.*\(4, 2\)"),
    ],
)
def test_bad_fit_input(model_cls, kwargs, X, y, match):
    kwargs = {"n_neighbors": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        model_cls(**kwargs).fit(X, y)


def test_regressor_rejects_non_numeric_or_non_finite_targets():
    with pytest.raises(ValueError, match=r"y to contain only numbers"):
        KNNRegressor(1).fit(X4, ["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"y contains NaN or infinity at position 2"):
        KNNRegressor(1).fit(X4, [0.0, 1.0, np.nan, 2.0])


@pytest.mark.parametrize("model_cls", [KNNClassifier, KNNRegressor])
@pytest.mark.parametrize(
    ("Q", "match"),
    [
        ([[0.0, 1.0, 2.0]], r"X has 3 features, but {name} was fitted with 2 features"),
        ([0.0, 1.0, 2.0], r"X has 3 features, but {name} was fitted with 2 features"),
        ([[0.0, np.nan]], r"X contains NaN or infinity at row 0, column 1"),
        ([[0.0, 1.0], [np.inf, 1.0]], r"X contains NaN or infinity at row 1, column 0"),
        (np.empty((0, 2)), r"X to have at least 1 row"),
    ],
)
@pytest.mark.parametrize("method", ["kneighbors", "predict"])
def test_bad_queries(model_cls, Q, match, method):
    model = model_cls(2).fit(X4, Y4)
    with pytest.raises(ValueError, match=match.format(name=model_cls.__name__)):
        getattr(model, method)(Q)


def test_bad_n_neighbors_in_kneighbors_and_vote():
    model = KNNClassifier(2).fit(X4, Y4)
    with pytest.raises(ValueError, match=r"n_samples = 4, n_neighbors = 9"):
        model.kneighbors(X4, n_neighbors=9)
    with pytest.raises(ValueError, match=r"n_neighbors > 0, but got n_neighbors = 0"):
        model.vote(X4, n_neighbors=0)


@pytest.mark.parametrize(
    ("model_cls", "method"),
    [
        (KNNClassifier, "kneighbors"),
        (KNNClassifier, "predict"),
        (KNNClassifier, "predict_proba"),
        (KNNClassifier, "vote"),
        (KNNRegressor, "kneighbors"),
        (KNNRegressor, "predict"),
    ],
)
def test_use_before_fit(model_cls, method):
    model = model_cls(2)
    with pytest.raises(NotFittedError, match=rf"This {model_cls.__name__} instance is not fitted"):
        getattr(model, method)(X4)
    with pytest.raises(AttributeError, match=r"Call 'fit'"):
        getattr(model, method)(X4)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0.0, 1.0, np.nan, 1.0], r"y contains NaN or infinity at position 2"),
        (np.array([1, "a", None, 2], dtype=object), r"labels of one comparable kind.*NoneType"),
    ],
)
def test_classifier_rejects_bad_labels_and_stays_unfitted(y, match):
    model = KNNClassifier(2)
    with pytest.raises(ValueError, match=match):
        model.fit(X4, y)
    with pytest.raises(NotFittedError):
        model.predict(X4)
