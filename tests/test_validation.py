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
