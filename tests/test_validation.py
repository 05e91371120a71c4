"""Tests of knn_core._validation: the messages every bad input produces."""

import numpy as np
import pytest

from knn_core._validation import (
    NotFittedError,
    check_array,
    check_fitted,
    check_metric,
    check_n_neighbors,
    check_weights,
)


def test_check_array_converts_to_contiguous_float64():
    out = check_array(np.arange(6).reshape(3, 2).T)  # Fortran-ordered int view
    assert out.dtype == np.float64 and out.flags.c_contiguous
    assert out.tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    assert check_array([[True, False]]).tolist() == [[1.0, 0.0]]
    assert check_array(np.array([[1, 2.5]], dtype=object)).tolist() == [[1.0, 2.5]]
    assert check_array([1, 2], ensure_2d=False).shape == (2,)
    assert check_array(np.empty((0, 2)), allow_empty=True).shape == (0, 2)


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        ([[1.0, np.nan], [0.0, 0.0]], {}, r"X contains NaN or infinity at row 0, column 1"),
        ([[1.0, 0.0], [0.0, -np.inf]], {}, r"at row 1, column 1"),
        ([1.0, np.inf], {"ensure_2d": False}, r"at position 1"),
        ([1.0, 2.0], {}, r"Expected X to be a 2-D array.*1-D array with shape \(2,\)"),
        (np.zeros((2, 2, 2)), {"ensure_2d": False}, r"1-D or 2-D array.*3-D"),
        (np.empty((0, 3)), {}, r"X to have at least 1 row"),
        (np.empty((3, 0)), {}, r"X to have at least 1 feature"),
        ([["a", "b"]], {}, r"X to contain only numbers, but got dtype <U1"),
        (np.array([[1, "x"]], dtype=object), {}, r"X to contain only numbers.*object"),
        ([[1.0, 2.0], [3.0]], {}, r"Expected X to be an array of numbers"),
        ([[1.0, np.nan]], {"name": "Q"}, r"^Q contains NaN"),
    ],
)
def test_check_array_errors(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_array(X, **kwargs)


@pytest.mark.parametrize(
    ("k", "match"),
    [
        (0, r"Expected n_neighbors > 0, but got n_neighbors = 0"),
        (6, r"Expected n_neighbors <= n_samples, but n_samples = 5, n_neighbors = 6"),
        (2.0, r"integer >= 1, but got n_neighbors = 2.0 of type float"),
        (True, r"integer >= 1, but got n_neighbors = True of type bool"),
        (None, r"integer >= 1, but got n_neighbors = None"),
    ],
)
def test_check_n_neighbors_errors(k, match):
    with pytest.raises(ValueError, match=match):
        check_n_neighbors(k, 5)


def test_check_n_neighbors_accepts_numpy_ints_and_names_the_parameter():
    assert check_n_neighbors(np.int64(3), 5) == 3
    with pytest.raises(ValueError, match=r"Expected k <= n_samples, but n_samples = 2, k = 3"):
        check_n_neighbors(3, 2, name="k")


def test_check_metric_and_weights():
    assert check_metric("euclidean") == ("euclidean", 2.0)
    assert check_metric("minkowski", np.inf) == ("minkowski", np.inf)
    with pytest.raises(ValueError, match=r"but got metric = 'Euclidean'"):
        check_metric("Euclidean")
    with pytest.raises(ValueError, match=r"Expected p >= 1, but got p = 0.0"):
        check_metric("minkowski", 0)
    with pytest.raises(ValueError, match=r"p to be a number >= 1, but got p = True"):
        check_metric("minkowski", True)
    assert check_weights("uniform") == "uniform"
    with pytest.raises(ValueError, match=r"'uniform', 'distance', but got weights = None"):
        check_weights(None)


def test_check_fitted():
    class Model:
        _index = None

    with pytest.raises(NotFittedError, match=r"This Model instance is not fitted yet"):
        check_fitted(Model())
    fitted = Model()
    fitted._index = object()
    check_fitted(fitted)  # no error


# ------------------------------------------------------------------ values too large or too close


@pytest.mark.parametrize("value", [1e308, -1e308, 1e200, 1.5e154, 2e25])
def test_values_whose_distances_overflow_are_refused(value):
    with pytest.raises(ValueError, match=r"^X holds .* at row 1, column 0, which is too large: "):
        check_array([[0.0, 0.0], [value, 1.0]])


def test_largest_accepted_values_give_finite_distances_for_every_metric():
    from knn_core._validation import MAX_ABS_VALUE, MAX_TRAINING_VALUE
    from knn_core.models import KNNClassifier

    big = MAX_TRAINING_VALUE
    X = np.array([[-big, big], [big, -big], [0.0, 0.0]])
    for metric, p in [("euclidean", 2), ("manhattan", 1), ("chebyshev", 2), ("minkowski", 10)]:
        model = KNNClassifier(3, metric=metric, p=p, weights="distance").fit(X, [0, 1, 0])
        far = [[-MAX_ABS_VALUE, MAX_ABS_VALUE]]  # the farthest query a page lets through
        dist, _ = model.kneighbors(far)
        assert np.isfinite(dist).all() and (dist > 0).all()
        assert np.isfinite(model.predict_proba(far)).all()
    with pytest.raises(ValueError, match=r"^X holds 2e\+24 at row 1, column 0, which is too"):
        KNNClassifier(1).fit([[0.0, 0.0], [2 * big, 0.0]], [0, 1])


def test_training_features_that_vary_by_a_vanishing_amount_are_refused():
    from knn_core.models import KNNClassifier

    with pytest.raises(ValueError, match=r"^X column 1 spans only .* vanish to 0"):
        KNNClassifier(1).fit([[0.0, 1e-320], [1.0, 0.0]], [0, 1])
    KNNClassifier(1).fit([[0.0, 5.0], [1.0, 5.0]], [0, 1])  # a constant feature is fine


def test_a_distance_whose_inverse_overflows_counts_as_zero():
    from knn_core.neighbors import neighbor_weights

    w = neighbor_weights(np.array([[1e-320, 1.0], [0.5, 2.0]]), "distance")
    assert w.tolist() == [[1.0, 0.0], [2.0, 0.5]]
