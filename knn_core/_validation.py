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
    "MAX_ABS_VALUE",
    "MAX_TRAINING_VALUE",
    "MIN_SPREAD",
    "NotFittedError",
    "TOO_LARGE",
    "check_array",
    "check_fitted",
    "check_metric",
    "check_n_neighbors",
    "check_training_scale",
    "check_weights",
    "spread_problem",
]

#: Names of the distance metrics of the registry (:mod:`knn_core.metrics`).
METRICS = tuple(_METRIC_REGISTRY)
#: Vote weightings understood by the engine.
WEIGHTS = ("uniform", "distance")

#: Largest magnitude of any value the engine accepts. Distances are sums of powers of
#: differences: a difference d squared overflows float64 past about 1.3e154, and the Minkowski
#: distance the app offers (p up to 10) computes d**10, which overflows past about 1e30. Values
#: within +-1e25 keep every difference below 2e25, so every distance (and every 1 / distance
#: weight) of every metric the app offers, on every feature, stays finite and exact enough.
MAX_ABS_VALUE = 1e25
#: Largest magnitude of a training value: a tenth of :data:`MAX_ABS_VALUE`, so that the plot
#: around the data, the grids over it and a query near it stay within :data:`MAX_ABS_VALUE`.
MAX_TRAINING_VALUE = 1e24
#: Smallest non-zero spread (largest minus smallest value) of a training feature. Below it,
#: powers of the differences vanish to 0 (d**2 underflows past about 1e-162, d**10 past about
#: 1e-32): points that differ would all be "at distance 0".
MIN_SPREAD = 1e-25


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
    if arr.size:
        big = np.abs(arr) > MAX_ABS_VALUE
        if big.any():
            bad = np.argwhere(big)[0]
            where = f"row {bad[0]}, column {bad[1]}" if arr.ndim == 2 else f"position {bad[0]}"
            value = float(arr[tuple(bad)])
            raise ValueError(
                f"{name} holds {value:.6g} at {where}, which is too large: distances between "
                "numbers this large cannot be computed in floating point (their squares "
                "overflow to infinity). Use numbers between -1e25 and 1e25."
            )
    return arr


#: Why a training value beyond :data:`MAX_TRAINING_VALUE` is refused (follows "holds 1e+200,
#: which ").
TOO_LARGE = (
    "is too large: distances between numbers this large cannot be computed in floating point "
    "(their squares overflow to infinity). Use numbers between -1e24 and 1e24: change the "
    "unit, or divide the whole column by a power of ten."
)


def spread_problem(low: float, high: float) -> str:
    """Explain why values spread from ``low`` to ``high`` (less than :data:`MIN_SPREAD`) fail.

    Examples
    --------
    >>> spread_problem(0.0, 1e-300)[:50]
    'spans only 1e-300 (from 0 to 1e-300): differences '
    """
    return (
        f"spans only {high - low:.3g} (from {low:.6g} to {high:.6g}): differences this small "
        "vanish to 0 when distances are computed in floating point, so every point would be at "
        f"distance 0. The values must differ by at least 1e-25: change the unit, or "
        "multiply the whole column by a power of ten."
    )


def check_training_scale(X, name="X") -> None:
    """Raise ``ValueError`` if training points are too large or too close to measure.

    Values beyond :data:`MAX_TRAINING_VALUE` in size, and a feature that varies but by less
    than :data:`MIN_SPREAD`, are refused. A constant feature is fine (it adds 0 to every
    distance).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training points, already checked by :func:`check_array`.
    name : str, default="X"
        The parameter name used in error messages.

    Examples
    --------
    >>> check_training_scale(np.array([[0.0, 1.0], [1e-320, 1.0]]))
    Traceback (most recent call last):
    ...
    ValueError: X column 0 spans only 1e-320 (from 0 to 9.99989e-321): ...
    """
    if X.size == 0:
        return
    big = np.abs(X) > MAX_TRAINING_VALUE
    if big.any():
        i, j = np.argwhere(big)[0]
        value = float(X[i, j])
        raise ValueError(f"{name} holds {value:.6g} at row {i}, column {j}, which {TOO_LARGE}")
    low, high = X.min(axis=0), X.max(axis=0)
    spread = high - low
    bad = np.flatnonzero((spread > 0) & (spread < MIN_SPREAD))
    if len(bad):
        j = int(bad[0])
        raise ValueError(f"{name} column {j} {spread_problem(float(low[j]), float(high[j]))}")


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
