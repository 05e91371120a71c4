"""knn_core.lessons.tutorial: the tutorials' API, checked against the tutorials' own code."""

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from knn_core._validation import NotFittedError
from knn_core.lessons.tutorial import KNN, gen_data, knn


def tutorial_knn(new, train, labels, k=3, mode="c"):
    """Tutorial 1's function, written out inline (squared distances, argsort, stats.mode)."""
    distances = np.sum((new - train) ** 2, axis=1)
    k_closest = distances.argsort()[:k]
    values = np.take(labels, k_closest)
    if mode == "c":
        return scipy.stats.mode(values).mode
    if mode == "r":
        return np.mean(values)
    raise AssertionError(mode)


# --------------------------------------------------------------------------------------------
# knn()
# --------------------------------------------------------------------------------------------
def test_knn_hand_worked():
    # Query (1, 0): distances to (0,0), (3,0), (1,2), (1,-0.5) are 1, 2, 2, 0.5.
    # Nearest first: row 3 (0.5), row 0 (1), then rows 1 and 2 tie at 2 -> row 1 first.
    train = np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 2.0], [1.0, -0.5]])
    labels = np.array([0, 0, 2, 1])
    # k = 2: rows 3 (label 1) and 0 (label 0): a 1-1 tie -> smallest label 0.
    assert knn([1.0, 0.0], train, labels, k=2) == 0
    # k = 3: rows 3, 0, 1 -> labels 1, 0, 0 -> 0. Regression: (1 + 0 + 0) / 3.
    assert knn([1.0, 0.0], train, labels, k=3) == 0
    assert knn([1.0, 0.0], train, labels, k=3, mode="r") == pytest.approx(1 / 3)
    # k = 1: row 3 -> label 1.
    assert knn([1.0, 0.0], train, labels, k=1) == 1


def test_knn_one_point_gives_scalar_several_rows_give_array():
    train = [[0.0], [1.0], [5.0]]
    labels = ["a", "a", "b"]
    one = knn([4.5], train, labels, k=1)
    assert np.ndim(one) == 0 and one == "b"
    many = knn([[4.5], [0.2]], train, labels, k=1)
    assert isinstance(many, np.ndarray) and many.tolist() == ["b", "a"]
    r_one = knn([0.5], train, [0.0, 1.0, 5.0], k=2, mode="r")
    assert np.ndim(r_one) == 0 and r_one == pytest.approx(0.5)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 60),
    d=st.integers(1, 10),
    k_frac=st.floats(0.0, 1.0),
    n_classes=st.integers(1, 4),
)
def test_knn_equals_tutorial_code_on_tie_free_data(seed, n, d, k_frac, n_classes):
    rng = np.random.default_rng(seed)
    train = rng.normal(size=(n, d))  # continuous: no equal distances
    labels = rng.integers(0, n_classes, n)  # vote ties (even k) still happen: stats.mode rule
    targets = rng.normal(size=n)
    k = 1 + int(k_frac * (n - 1))
    queries = rng.normal(size=(8, d))
    ours_c = knn(queries, train, labels, k=k, mode="c")
    ours_r = knn(queries, train, targets, k=k, mode="r")
    for i, q in enumerate(queries):
        assert knn(q, train, labels, k=k) == tutorial_knn(q, train, labels, k)
        assert ours_c[i] == tutorial_knn(q, train, labels, k)
        assert ours_r[i] == pytest.approx(tutorial_knn(q, train, targets, k, mode="r"))


@pytest.mark.parametrize("mode", ["classification", "C", "", None, 1])
def test_knn_bad_mode(mode):
    with pytest.raises(
        ValueError, match=rf"Expected mode to be one of 'c'.* or 'r'.*but got mode = {mode!r}"
    ):
        knn([0.0], [[0.0], [1.0]], [0, 1], k=1, mode=mode)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, r"Expected k > 0, but got k = 0"),
        ({"k": 4}, r"Expected k <= n_samples, but n_samples = 3, k = 4"),
        ({"k": 1.5}, r"Expected k to be an integer >= 1"),
        ({"new": [[0.0, 1.0]]}, r"X has 2 features, but KNNClassifier was fitted with 1 features"),
        ({"new": [np.nan]}, r"new contains NaN or infinity at position 0"),
        ({"train": [[0.0], [np.inf], [2.0]]}, r"train contains NaN or infinity at row 1"),
        ({"labels": [0, 1]}, r"len\(X\) = 3, len\(y\) = 2"),
    ],
)
def test_knn_bad_input(kwargs, match):
    args = {"new": [0.0], "train": [[0.0], [1.0], [2.0]], "labels": [0, 1, 1], "k": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        knn(**args)


# --------------------------------------------------------------------------------------------
# KNN class
# --------------------------------------------------------------------------------------------
def test_get_distance_hand_worked():
    model = KNN()
    assert model.get_distance([0, 0], [3, 4]) == 5.0  # 3-4-5 triangle
    assert model.get_distance([1, 1, 1, 1], [2, 2, 2, 2]) == 2.0  # sqrt(4 * 1)
    with pytest.raises(ValueError, match=r"same number of features, but got 2 and 3"):
        model.get_distance([0, 0], [0, 0, 0])


def test_get_neighbors_and_predict_hand_worked():
    # Points 0, 1, 3, 4 (labels 0, 0, 1, 1). Example 2: distances 2, 1, 1, 2.
    # Nearest first, equal distances by lower index: (1, 1.0), (2, 1.0), (0, 2.0).
    model = KNN(num_neighbors=3).fit([[0.0], [1.0], [3.0], [4.0]], [0, 0, 1, 1])
    assert model.get_neighbors([2.0]) == [(1, 1.0), (2, 1.0), (0, 2.0)]
    # Mean of labels 0, 1, 0 = 1/3; for 3.9: rows 3, 2, 1 -> (1 + 1 + 0) / 3.
    np.testing.assert_allclose(model.predict([[2.0], [3.9]]), [1 / 3, 2 / 3])
    assert model.X.shape == (4, 1) and model.y.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_get_neighbors_matches_get_distance_brute_force():
    X, _ = gen_data(size=(40, 3), seed=7)
    y = np.arange(40) % 2
    model = KNN(num_neighbors=6).fit(X, y)
    example = np.array([0.1, -0.2, 0.3])
    all_d = [(i, model.get_distance(example, row)) for i, row in enumerate(X)]
    expected = sorted(all_d, key=lambda t: (t[1], t[0]))[:6]
    got = model.get_neighbors(example)
    assert [i for i, _ in got] == [i for i, _ in expected]
    np.testing.assert_allclose([d for _, d in got], [d for _, d in expected])
    assert model.predict([example])[0] == pytest.approx(np.mean(y[[i for i, _ in expected]]))


def test_knn_class_before_fit_and_bad_k():
    with pytest.raises(NotFittedError, match=r"This KNN instance is not fitted yet"):
        KNN().predict([[0.0]])
    with pytest.raises(NotFittedError, match=r"Call 'fit'"):
        KNN().get_neighbors([0.0])
    with pytest.raises(ValueError, match=r"n_samples = 2, n_neighbors = 5"):
        KNN().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match=r"Expected example to be one point of 1 features"):
        KNN(1).fit([[0.0], [1.0]], [0, 1]).get_neighbors([[0.0], [1.0]])


# --------------------------------------------------------------------------------------------
# gen_data and the tutorial's 10-D experiment
# --------------------------------------------------------------------------------------------
def test_gen_data_shape_labels_and_seeds():
    X, y = gen_data(mu=5, sigma=3, y=1, size=(20, 10), seed=3)
    assert X.shape == (20, 10) and y.shape == (20,)
    assert np.all(y == 1)
    X2, _ = gen_data(mu=5, sigma=3, y=1, size=(20, 10), seed=3)
    np.testing.assert_array_equal(X, X2)
    X3, _ = gen_data(mu=5, sigma=3, y=1, size=(20, 10), seed=np.random.default_rng(3))
    np.testing.assert_array_equal(X, X3)
    assert abs(X.mean() - 5) < 1.0 and 2.0 < X.std() < 4.0
    # A shared Generator is advanced, so two calls give different blobs.
    rng = np.random.default_rng(0)
    assert not np.array_equal(
        gen_data(size=(5, 2), seed=rng)[0], gen_data(size=(5, 2), seed=rng)[0]
    )
    # Default size as in the tutorial.
    assert gen_data(seed=0)[0].shape == (1000, 10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sigma": -1}, r"Expected sigma to be a finite number >= 0, but got sigma = -1"),
        ({"sigma": float("nan")}, r"sigma = nan"),
        ({"mu": float("inf")}, r"Expected mu to be a finite number, but got mu = inf"),
        ({"size": (0, 3)}, r"size = \(n_samples, n_features\) with both >= 1.*\(0, 3\)"),
        ({"size": 5}, r"size = \(n_samples, n_features\).*but got size = 5"),
        ({"size": (2, 3, 4)}, r"but got size = \(2, 3, 4\)"),
    ],
)
def test_gen_data_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        gen_data(**kwargs)


def tutorial_experiment(seed):
    rng = np.random.default_rng(seed)
    X0, y0 = gen_data(mu=1, sigma=3, y=0, size=(30, 10), seed=rng)
    X1, y1 = gen_data(mu=5, sigma=3, y=1, size=(20, 10), seed=rng)
    X = np.vstack([X0, X1])
    y = np.concatenate([y0, y1])
    X_new = np.array([np.full(10, v) for v in (1.0, 2.0, 4.0, 5.0)])
    return KNN(num_neighbors=5).fit(X, y).predict(X_new), (X, y, X_new)


def test_tutorial_10d_experiment_predictions_rise_from_0_to_1():
    preds = np.array([tutorial_experiment(seed)[0] for seed in range(20)])
    assert preds.shape == (20, 4)
    assert np.all((preds >= 0) & (preds <= 1))
    mean = preds.mean(axis=0)
    # All-1 rows look like class 0, all-5 rows like class 1, monotone-ish in between.
    assert mean[0] < 0.2 < 0.5 < 0.8 < mean[-1]
    assert mean[0] <= mean[1] <= mean[2] <= mean[3]


@pytest.mark.parametrize("seed", range(5))
def test_tutorial_10d_experiment_equals_tutorial_code(seed):
    preds, (X, y, X_new) = tutorial_experiment(seed)
    expected = [tutorial_knn(q, X, y, k=5, mode="r") for q in X_new]
    np.testing.assert_allclose(preds, expected)
    # And classification agrees with scipy.stats.mode.
    assert knn(X_new, X, y, k=5).tolist() == [tutorial_knn(q, X, y, k=5) for q in X_new]
