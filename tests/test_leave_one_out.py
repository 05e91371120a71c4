"""Leave-one-out votes: checked against refitting without each row, and against scikit-learn."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import LeaveOneOut as SkLeaveOneOut
from sklearn.model_selection import cross_val_predict
from sklearn.neighbors import KNeighborsClassifier

from knn_core.leave_one_out import leave_one_out, predict_training
from knn_core.models import KNNClassifier


def refit_predictions(X, y, k, **params):
    """The definition: for each row, fit on the other rows and predict that row."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    out, tied = [], []
    for i in range(len(X)):
        rest = np.arange(len(X)) != i
        model = KNNClassifier(k, **params).fit(X[rest], y[rest])
        vote = model.vote(X[i : i + 1])
        out.append(model.classes_[vote.winner[0]])
        tied.append(bool(vote.tied[0]))
    return np.array(out), np.array(tied)


@pytest.mark.parametrize("k", [1, 2, 3, 6])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
def test_matches_refitting_without_each_row_on_integer_data_with_duplicates(k, weights, metric):
    # Whole-number data: many equal distances and repeated points (with different labels).
    rng = np.random.default_rng(3)
    X = rng.integers(0, 4, size=(40, 2))
    y = rng.integers(0, 3, size=40)
    model = KNNClassifier(k, metric=metric, weights=weights).fit(X, y)
    result = leave_one_out(model)
    expected, expected_tied = refit_predictions(X, y, k, metric=metric, weights=weights)
    np.testing.assert_array_equal(result.prediction, expected)
    np.testing.assert_array_equal(result.tied, expected_tied)
    np.testing.assert_array_equal(result.correct, expected == y)
    assert result.accuracy == pytest.approx(np.mean(expected == y))


def test_many_copies_of_one_point_before_it():
    # Point 5 has five exact copies with lower indices: with k = 2 its own row is not among
    # the k + 1 = 3 nearest, and its two nearest others are copies 0 and 1.
    X = [[0, 0]] * 6 + [[9, 9], [9, 8]]
    y = ["a", "b", "b", "a", "a", "a", "b", "b"]
    model = KNNClassifier(2).fit(X, y)
    result = leave_one_out(model)
    expected, _ = refit_predictions(X, y, 2)
    np.testing.assert_array_equal(result.prediction, expected)


@pytest.mark.parametrize("k", [1, 3, 5, 9])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_matches_scikit_learn_on_tie_free_data(k, weights):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(int)
    model = KNNClassifier(k, weights=weights).fit(X, y)
    sk = cross_val_predict(KNeighborsClassifier(k, weights=weights), X, y, cv=SkLeaveOneOut())
    np.testing.assert_array_equal(leave_one_out(model).prediction, sk)


def test_string_labels_and_accuracy_by_hand():
    X = [[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]]
    model = KNNClassifier(1).fit(X, ["a", "a", "b", "b", "b"])
    result = leave_one_out(model)
    assert result.prediction.tolist() == ["a", "a", "a", "b", "b"]
    assert result.correct.tolist() == [True, True, False, True, True]
    assert result.accuracy == pytest.approx(0.8)


def test_k_equal_to_n_is_rejected_with_the_numbers():
    model = KNNClassifier(3).fit([[0, 0], [1, 1], [2, 2]], [0, 1, 0])
    with pytest.raises(ValueError, match="n_samples = 3, n_neighbors = 3"):
        leave_one_out(model)


def test_unfitted_model_is_rejected():
    with pytest.raises(ValueError, match="fit"):
        leave_one_out(KNNClassifier(1))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 25),
    k=st.integers(1, 5),
)
def test_permuting_rows_permutes_predictions_on_distinct_distances(seed, n, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.integers(0, 2, size=n)
    k = min(k, n - 1)
    if k % 2 == 0:
        k -= 1  # odd k with two classes: no vote ties, so the order of rows cannot matter
    perm = rng.permutation(n)
    base = leave_one_out(KNNClassifier(k).fit(X, y)).prediction
    permuted = leave_one_out(KNNClassifier(k).fit(X[perm], y[perm])).prediction
    np.testing.assert_array_equal(permuted, base[perm])


def test_leave_one_out_is_flagged_and_plain_predictions_match_predict():
    rng = np.random.default_rng(11)
    X = rng.integers(0, 5, size=(30, 2))
    y = rng.integers(0, 3, size=30)
    model = KNNClassifier(4, weights="distance").fit(X, y)
    assert leave_one_out(model).left_out
    plain = predict_training(model)
    assert not plain.left_out
    np.testing.assert_array_equal(plain.prediction, model.predict(X))
    np.testing.assert_array_equal(plain.tied, model.vote(X).tied)
    assert plain.accuracy == pytest.approx(np.mean(model.predict(X) == y))


def test_k_1_plain_predictions_are_perfect_on_distinct_points_but_leave_one_out_is_not():
    X = [[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]]
    model = KNNClassifier(1).fit(X, ["a", "a", "b", "b", "b"])
    assert predict_training(model).accuracy == 1.0
    assert leave_one_out(model).accuracy == pytest.approx(0.8)
