import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion
from sklearn.neighbors import KNeighborsClassifier

from knn_core import evaluation as evaluation_module
from knn_core.evaluation import (
    KSweep,
    accuracy_by_k,
    confusion_matrix,
    cross_val_accuracy_by_k,
    evaluate_by_k,
    tie_rate_by_k,
)
from knn_core.models import KNNClassifier

METRICS = [("euclidean", 2.0), ("manhattan", 2.0), ("chebyshev", 2.0), ("minkowski", 3.0)]


def split(X, y, n_train):
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def float_data(n=200, n_classes=2, seed=0, d=2):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = rng.normal(size=(n, d)) + 1.2 * y[:, None]
    return X, y


def integer_data(n=120, n_classes=3, seed=1):
    """Integer coordinates: exactly equal distances, test points on training points, ties."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 5, size=(n, 2)).astype(float)
    y = rng.integers(0, n_classes, n)
    return X, y


def loop_of_fits(Xtr, ytr, Xte, yte, k_max, **params):
    """The slow, obviously-right answer: one fresh model per k."""
    acc, ties = [], []
    for k in range(1, k_max + 1):
        model = KNNClassifier(k, **params).fit(Xtr, ytr)
        acc.append(np.mean(model.predict(Xte) == yte))
        ties.append(np.mean(model.vote(Xte).tied))
    return np.array(acc), np.array(ties)


# --------------------------------------------------------------------------------------------
# Against independent implementations
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("data", ["float", "integer"])
def test_equals_a_loop_of_fresh_fits(metric, p, weights, data):
    X, y = float_data(n_classes=3) if data == "float" else integer_data()
    Xtr, ytr, Xte, yte = split(X, y, 80)
    k_max = 20
    sweep = evaluate_by_k(Xtr, ytr, Xte, yte, k_max, metric=metric, weights=weights, p=p)
    acc, ties = loop_of_fits(Xtr, ytr, Xte, yte, k_max, metric=metric, weights=weights, p=p)
    np.testing.assert_array_equal(sweep.accuracy, acc)
    np.testing.assert_array_equal(sweep.tie_rate, ties)
    np.testing.assert_array_equal(sweep.k, np.arange(1, k_max + 1))
    np.testing.assert_array_equal(
        accuracy_by_k(Xtr, ytr, Xte, yte, k_max, metric=metric, weights=weights, p=p), acc
    )
    np.testing.assert_array_equal(
        tie_rate_by_k(Xtr, ytr, Xte, k_max, metric=metric, weights=weights, p=p), ties
    )
    if data == "integer" and weights == "uniform":
        assert ties[1::2].max() > 0  # the integer data really do tie


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("d", [2, 5])
def test_equals_sklearn_on_tie_free_data(weights, metric, d):
    # Continuous data: no equal distances. Two classes and uniform weights tie only at even k,
    # and scikit-learn breaks a vote tie like us (first class), so every k is compared.
    X, y = float_data(n=400, d=d, seed=4)
    Xtr, ytr, Xte, yte = split(X, y, 300)
    k_max = 30
    ours = accuracy_by_k(Xtr, ytr, Xte, yte, k_max, metric=metric, weights=weights)
    ref = [
        KNeighborsClassifier(k, metric=metric, weights=weights).fit(Xtr, ytr).score(Xte, yte)
        for k in range(1, k_max + 1)
    ]
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)


def test_hand_worked_sweep():
    # Train: 0, 1, 2 are class 0; 10, 11 class 1. Query 10.6 (class 1): neighbours 11, 10, 2, 1.
    # k = 4 ties 2 : 2 and the tie goes to class 0, which is wrong.
    sweep = evaluate_by_k([[0], [1], [2], [10], [11]], [0, 0, 0, 1, 1], [[10.6]], [1], 5)
    assert isinstance(sweep, KSweep)
    assert sweep.accuracy.tolist() == [1, 1, 1, 0, 0]
    assert sweep.tie_rate.tolist() == [0, 0, 0, 1, 0]
    assert sweep.best_k == 1


def test_two_classes_uniform_odd_k_never_tie():
    X, y = integer_data(n_classes=2)
    rates = tie_rate_by_k(X[:90], y[:90], X[90:], 25)
    assert rates[0::2].max() == 0  # k = 1, 3, 5, ...
    assert rates[1::2].max() > 0


def test_k_equal_n_predicts_the_overall_majority():
    X, y = float_data(n=41, seed=9)
    Xte = np.random.default_rng(0).normal(size=(30, 2))
    majority = np.bincount(y).argmax()
    acc = accuracy_by_k(X, y, Xte, np.full(30, majority), len(X))
    assert acc[-1] == 1.0


def test_string_labels_and_unseen_test_labels():
    X, y = float_data(n=60, seed=2)
    names = np.array(["cat", "dog"])[y]
    yte = names[40:].copy()
    yte[:5] = "fox"  # never predicted: always wrong
    acc = accuracy_by_k(X[:40], names[:40], X[40:], yte, 10)
    ref, _ = loop_of_fits(X[:40], names[:40], X[40:], yte, 10)
    np.testing.assert_array_equal(acc, ref)
    assert acc.max() <= 15 / 20
    # Labels of another kind entirely never match.
    assert accuracy_by_k(X[:40], names[:40], X[40:], np.zeros(20), 3).tolist() == [0, 0, 0]


def test_chunked_running_tally_gives_the_same_answer(monkeypatch):
    X, y = integer_data()
    Xtr, ytr, Xte, yte = split(X, y, 70)
    whole = evaluate_by_k(Xtr, ytr, Xte, yte, 15, weights="distance")
    monkeypatch.setattr(evaluation_module, "_CHUNK_ENTRIES", 100)
    chunked = evaluate_by_k(Xtr, ytr, Xte, yte, 15, weights="distance")
    np.testing.assert_array_equal(whole.accuracy, chunked.accuracy)
    np.testing.assert_array_equal(whole.tie_rate, chunked.tie_rate)


# --------------------------------------------------------------------------------------------
# Cross-validation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_cross_val_equals_manual_folds(weights):
    X, y = integer_data(n=53)
    mean, folds = cross_val_accuracy_by_k(
        X, y, 12, n_folds=4, seed=3, weights=weights, return_folds=True
    )
    assert folds.shape == (4, 12)
    order = np.random.default_rng(3).permutation(len(X))
    for i, test in enumerate(np.array_split(order, 4)):
        train = np.setdiff1d(np.arange(len(X)), test)
        ref, _ = loop_of_fits(X[train], y[train], X[test], y[test], 12, weights=weights)
        np.testing.assert_array_equal(folds[i], ref)
    np.testing.assert_allclose(mean, folds.mean(axis=0))


def test_cross_val_is_reproducible_and_depends_on_seed():
    X, y = float_data(n=90, seed=6)
    a = cross_val_accuracy_by_k(X, y, 10, seed=1)
    b = cross_val_accuracy_by_k(X, y, 10, seed=1)
    c = cross_val_accuracy_by_k(X, y, 10, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# --------------------------------------------------------------------------------------------
# Validation: messages name the parameter, what is allowed and what was received
# --------------------------------------------------------------------------------------------
def test_k_max_larger_than_training_set():
    X, y = float_data(n=10)
    with pytest.raises(
        ValueError, match="Expected k_max <= n_samples, but n_samples = 6, k_max = 7"
    ):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:], 7)


@pytest.mark.parametrize(
    "k_max,match", [(0, "Expected k_max > 0"), (2.0, "k_max to be an integer")]
)
def test_bad_k_max(k_max, match):
    X, y = float_data(n=10)
    with pytest.raises(ValueError, match=match):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:], k_max)


def test_length_and_feature_mismatches():
    X, y = float_data(n=10)
    with pytest.raises(ValueError, match="X_train has 6 rows and y_train has 5"):
        accuracy_by_k(X[:6], y[:5], X[6:], y[6:], 3)
    with pytest.raises(ValueError, match="X_test has 4 rows and y_test has 3"):
        accuracy_by_k(X[:6], y[:6], X[6:], y[7:], 3)
    with pytest.raises(ValueError, match="Expected X_test to have 2 features"):
        accuracy_by_k(X[:6], y[:6], X[6:, :1], y[6:], 3)
    with pytest.raises(ValueError, match="Expected X_query to have 2 features"):
        tie_rate_by_k(X[:6], y[:6], np.ones((2, 3)), 3)
    with pytest.raises(ValueError, match="X_test contains NaN"):
        accuracy_by_k(X[:6], y[:6], [[0.0, np.nan]], [0], 3)
    with pytest.raises(ValueError, match="y_test to be 1-D"):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:, None], 3)


def test_bad_engine_parameters_are_reported_by_name():
    X, y = float_data(n=10)
    with pytest.raises(ValueError, match="metric"):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:], 3, metric="cosine")
    with pytest.raises(ValueError, match="weights"):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:], 3, weights="gaussian")
    with pytest.raises(ValueError, match="p >= 1"):
        accuracy_by_k(X[:6], y[:6], X[6:], y[6:], 3, metric="minkowski", p=0.5)


def test_cross_val_validation():
    X, y = float_data(n=10)
    with pytest.raises(ValueError, match="n_samples = 10, n_folds = 11"):
        cross_val_accuracy_by_k(X, y, 2, n_folds=11)
    with pytest.raises(ValueError, match="n_folds to be an integer"):
        cross_val_accuracy_by_k(X, y, 2, n_folds=2.5)
    with pytest.raises(ValueError, match="smallest training part = 8, k_max = 9"):
        cross_val_accuracy_by_k(X, y, 9, n_folds=5)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    n_train=st.integers(1, 40),
    n_test=st.integers(1, 15),
    metric=st.sampled_from(METRICS),
    weights=st.sampled_from(["uniform", "distance"]),
)
def test_sweep_equals_loop_on_random_small_integer_data(data, n_train, n_test, metric, weights):
    point = st.tuples(st.integers(-2, 2), st.integers(-2, 2))
    Xtr = np.array(data.draw(st.lists(point, min_size=n_train, max_size=n_train)), float)
    Xte = np.array(data.draw(st.lists(point, min_size=n_test, max_size=n_test)), float)
    ytr = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n_train, max_size=n_train)))
    yte = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n_test, max_size=n_test)))
    k_max = data.draw(st.integers(1, n_train))
    params = dict(metric=metric[0], p=metric[1], weights=weights)
    sweep = evaluate_by_k(Xtr, ytr, Xte, yte, k_max, **params)
    acc, ties = loop_of_fits(Xtr, ytr, Xte, yte, k_max, **params)
    np.testing.assert_array_equal(sweep.accuracy, acc)
    np.testing.assert_array_equal(sweep.tie_rate, ties)


# --------------------------------------------------------------------------------------------
# Confusion matrix
# --------------------------------------------------------------------------------------------
def test_confusion_matrix_matches_scikit_learn_and_counts_every_point():
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 4, 300)
    y_pred = np.where(rng.random(300) < 0.7, y_true, rng.integers(0, 4, 300))
    cm = confusion_matrix(y_true, y_pred)
    assert cm.counts.tolist() == sk_confusion(y_true, y_pred).tolist()
    assert cm.total == 300 and cm.n_correct == int((y_true == y_pred).sum())
    assert cm.accuracy == pytest.approx((y_true == y_pred).mean())
    # Rows follow the classes given, in the order given (also unsorted, also absent ones).
    labels = ["blue", "red", "green"]
    cm = confusion_matrix(["red", "red", "blue"], ["blue", "red", "blue"], classes=labels)
    assert cm.counts.tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    assert cm.mistakes() == [(1, 0, 1)]


def test_confusion_matrix_refuses_mismatched_or_unknown_labels():
    with pytest.raises(ValueError, match="y_pred"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="'c'"):
        confusion_matrix(["a", "b"], ["a", "c"], classes=["a", "b"])


def test_mistakes_are_listed_most_frequent_first():
    cm = confusion_matrix([0, 0, 0, 1, 2, 2], [1, 2, 2, 0, 0, 2])
    assert cm.mistakes() == [(0, 2, 2), (0, 1, 1), (1, 0, 1), (2, 0, 1)]
