"""Input checks shared by the engine: every bad input becomes one clear ``ValueError``.

Each message names the parameter, says what is allowed and shows what was received, in the style
of scikit-learn (``"Expected n_neighbors <= n_samples, but n_samples = 3, n_neighbors = 4"``).
"""

from __future__ import annotations

import numbers

import numpy as np

from knn_core.metrics import METRICS as _METRIC_REGISTRY
from knn_core.metrics import check_metric

__all__ = [
    "NotFittedError",
    "check_array",
    "check_fitted",
    "check_metric",
    "check_n_neighbors",
    "check_weights",
]

#: Names of the distance metrics of the registry (:mod:`knn_core.metrics`).
METRICS = tuple(_METRIC_REGISTRY)
#: Vote weightings understood by the engine.
WEIGHTS = ("uniform", "distance")


class NotFittedError(ValueError, AttributeError):
    """Raised when a model is used before ``fit`` (a ValueError and an AttributeError).

    Examples
    --------
    >>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    True
    """


def _shape_text(a: np.ndarray) -> str:
    return f"a {a.ndim}-D array with shape {a.shape}"


def check_array(X, name="X", *, ensure_2d=True, allow_empty=False) -> np.ndarray:
    """Return ``X`` as a finite, C-contiguous float64 array, or raise ``ValueError``.

    Parameters
    ----------
    X : array-like
        Numbers: a list of rows, a numpy array, anything ``np.asarray`` turns into numbers.
    name : str, default="X"
        The parameter name used in error messages.
    ensure_2d : bool, default=True
        If True, ``X`` must be 2-D ``(n_samples, n_features)``; if False, 1-D or 2-D.
    allow_empty : bool, default=False
        If False, ``X`` must hold at least one row (and a 2-D ``X`` at least one column).

    Returns
    -------
    ndarray of float64
        A C-contiguous copy or view of ``X``.

    Raises
    ------
    ValueError
        If ``X`` is not numeric, has the wrong number of dimensions, is empty, or contains NaN
        or infinity (the message gives the first offending row and column).

    Examples
    --------
    >>> check_array([[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> check_array([[1.0, float("nan")]])
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinity at row 0, column 1; all values must be finite numbers.
    """
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as exc:  # ragged nested lists, for example
        raise ValueError(
            f"Expected {name} to be an array of numbers, but could not read it as one: {exc}"
        ) from None
    if arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Expected {name} to contain only numbers, but got values of dtype object "
                    "that are not all numbers"
                ) from None
        else:
            raise ValueError(
                f"Expected {name} to contain only numbers, but got dtype {arr.dtype} "
                f"(for example {arr.ravel()[:1].tolist()})"
            )
    allowed_ndim = (2,) if ensure_2d else (1, 2)
    if arr.ndim not in allowed_ndim:
        want = "a 2-D array (n_samples, n_features)" if ensure_2d else "a 1-D or 2-D array"
        hint = ""
        if ensure_2d and arr.ndim == 1:
            hint = "; reshape a single feature with X.reshape(-1, 1) or one point with "
            hint += "X.reshape(1, -1)"
        raise ValueError(f"Expected {name} to be {want}, but got {_shape_text(arr)}{hint}")
    if not allow_empty:
        if arr.shape[0] == 0:
            raise ValueError(
                f"Expected {name} to have at least 1 row, but got {_shape_text(arr)} (empty)"
            )
        if arr.ndim == 2 and arr.shape[1] == 0:
            raise ValueError(
                f"Expected {name} to have at least 1 feature (column), but got {_shape_text(arr)}"
            )
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if arr.size and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = f"row {bad[0]}, column {bad[1]}" if arr.ndim == 2 else f"position {bad[0]}"
        raise ValueError(
            f"{name} contains NaN or infinity at {where}; all values must be finite numbers."
        )
    return arr


def check_n_neighbors(k, n_samples, name="n_neighbors") -> int:
    """Return ``k`` as an int with ``1 <= k <= n_samples``, or raise ``ValueError``.

    Parameters
    ----------
    k : int
        The number of neighbours; bools and non-integers (``3.0`` included) are rejected.
    n_samples : int
        The number of training rows.
    name : str, default="n_neighbors"
        The parameter name used in error messages.

    Returns
    -------
    int

    Examples
    --------
    >>> check_n_neighbors(3, 10)
    3
    >>> check_n_neighbors(4, 3)
    Traceback (most recent call last):
    ...
    ValueError: Expected n_neighbors <= n_samples, but n_samples = 3, n_neighbors = 4
    """
    if isinstance(k, bool | np.bool_) or not isinstance(k, numbers.Integral):
        raise ValueError(
            f"Expected {name} to be an integer >= 1, but got {name} = {k!r} "
            f"of type {type(k).__name__}"
        )
    k = int(k)
    if k < 1:
        raise ValueError(f"Expected {name} > 0, but got {name} = {k}")
    if k > n_samples:
        raise ValueError(f"Expected {name} <= n_samples, but n_samples = {n_samples}, {name} = {k}")
    return k


def check_weights(weights) -> str:
    """Return ``weights`` if it is ``"uniform"`` or ``"distance"``, else raise ``ValueError``.

    Parameters
    ----------
    weights : {"uniform", "distance"}
        How neighbours' votes are weighted.

    Returns
    -------
    str

    Examples
    --------
    >>> check_weights("distance")
    'distance'
    """
    if not isinstance(weights, str) or weights not in WEIGHTS:
        allowed = ", ".join(repr(w) for w in WEIGHTS)
        raise ValueError(f"Expected weights to be one of {allowed}, but got weights = {weights!r}")
    return weights


def check_fitted(model) -> None:
    """Raise ``NotFittedError`` unless ``model`` has been fitted.

    Parameters
    ----------
    model : object
        A model whose ``fit`` sets the attribute ``_index``.

    Examples
    --------
    >>> class Model:
    ...     pass
    >>> check_fitted(Model())
    Traceback (most recent call last):
    ...
    knn_core._validation.NotFittedError: This Model instance is not fitted yet. Call 'fit' \
with appropriate arguments before using this estimator.
    """
    if getattr(model, "_index", None) is None:
        raise NotFittedError(
            f"This {type(model).__name__} instance is not fitted yet. Call 'fit' with "
            "appropriate arguments before using this estimator."
        )
