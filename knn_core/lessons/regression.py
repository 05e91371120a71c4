"""KNN for numbers, in one dimension: the tutorial's ``mode="r"`` made visible.

For a number instead of a class, KNN predicts the mean of the values of the k nearest training
points (tutorial 1: ``np.mean(values)``), or a mean weighted by ``1 / distance``. In one dimension
the whole model is a curve: :func:`prediction_curve` evaluates a fitted
:class:`knn_core.models.KNNRegressor` on a fine grid, :func:`explain_regression` records the
neighbours, weights and mean behind one prediction, and :func:`compare_k` puts k = 1 next to a
large k, measured against the noise-free curve the data was drawn around
(:func:`knn_core.datasets.noisy_sine`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array, check_n_neighbors, check_weights
from knn_core.models import KNNRegressor
from knn_core.neighbors import neighbor_weights

__all__ = [
    "KComparison",
    "RegressionTrace",
    "compare_k",
    "explain_regression",
    "plot_ranges",
    "prediction_curve",
    "sine_truth",
]


def _check_1d_model(model) -> None:
    if not isinstance(model, KNNRegressor):
        raise ValueError(
            f"Expected model to be a fitted KNNRegressor, but got {type(model).__name__}"
        )
    if getattr(model, "n_features_in_", None) != 1:
        raise ValueError(
            "Expected a KNNRegressor fitted on one feature (X of shape (n_samples, 1)), but got "
            f"n_features_in_ = {getattr(model, 'n_features_in_', None)}"
        )


def _check_grid(x_range, n_grid) -> tuple[float, float, int]:
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValueError(f"Expected x_range = (low, high), but got x_range = {x_range!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"Expected finite low < high in x_range, but got x_range = {x_range!r}")
    if isinstance(n_grid, bool) or not isinstance(n_grid, numbers.Integral) or n_grid < 2:
        raise ValueError(f"Expected n_grid to be an integer >= 2, but got n_grid = {n_grid!r}")
    return lo, hi, int(n_grid)


def sine_truth(x):
    """Return ``sin(x)``: the noise-free curve that :func:`~knn_core.datasets.noisy_sine` samples.

    Parameters
    ----------
    x : array-like
        Inputs.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> sine_truth([0.0, np.pi / 2]).round(12).tolist()
    [0.0, 1.0]
    """
    return np.sin(np.asarray(x, dtype=np.float64))


def plot_ranges(x, y, *, pad=0.06):
    """Return padded ``(x_range, y_range)`` around points, each axis padded on its own.

    Unlike :func:`knn_core.geometry.plot_bounds` the two axes keep their own spans, for plots
    whose axes are not drawn to the same scale (a regression curve, stretched data).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        The coordinates of the points.
    pad : float, default=0.06
        Margin on each side, as a fraction of the axis span (a span of 0 counts as 1).

    Returns
    -------
    x_range, y_range : tuple of float

    Examples
    --------
    >>> plot_ranges([0.0, 10.0], [-1.0, 1.0], pad=0.1)
    ((-1.0, 11.0), (-1.2, 1.2))
    """
    out = []
    for name, values in (("x", x), ("y", y)):
        arr = check_array(values, name, ensure_2d=False).ravel()
        lo, hi = float(arr.min()), float(arr.max())
        margin = pad * ((hi - lo) or 1.0)
        out.append((lo - margin, hi + margin))
    return out[0], out[1]


def prediction_curve(model, x_range, n_grid=1001):
    """Evaluate a 1-D KNN regressor on an evenly spaced grid: the model's whole curve.

    With uniform weights the curve is a staircase: it only changes where the set of the k
    nearest points changes (half-way between two training points), so draw it as steps. With
    distance weights it passes through every training point.

    Parameters
    ----------
    model : KNNRegressor
        Fitted on one feature.
    x_range : tuple of float
        ``(low, high)`` of the grid.
    n_grid : int, default=1001
        Number of grid points (>= 2).

    Returns
    -------
    xs : ndarray of shape (n_grid,)
        The grid.
    ys : ndarray of shape (n_grid,)
        ``model.predict`` at every grid point.

    Examples
    --------
    >>> model = KNNRegressor(1).fit([[0.0], [1.0]], [0.0, 4.0])
    >>> xs, ys = prediction_curve(model, (0.0, 1.0), n_grid=5)
    >>> ys.tolist()  # x = 0.5 is as close to both points: the lower index wins
    [0.0, 0.0, 0.0, 4.0, 4.0]
    """
    _check_1d_model(model)
    lo, hi, n = _check_grid(x_range, n_grid)
    xs = np.linspace(lo, hi, n)
    return xs, model.predict(xs[:, None])


@dataclass(frozen=True)
class RegressionTrace:
    """One regression prediction explained (see :func:`explain_regression`).

    Parameters
    ----------
    query : float
        The query input x.
    neighbors : ndarray of shape (k,)
        Training indices of the k nearest points, nearest first.
    distances : ndarray of shape (k,)
        Their distances ``|x_i - query|``.
    x, y : ndarray of shape (k,)
        Their inputs and target values.
    weights : ndarray of shape (k,)
        Their weights: all 1 (uniform), or ``1 / distance`` (a query exactly on training points
        is decided by those points alone).
    prediction : float
        The weighted mean of ``y``: exactly ``model.predict([[query]])``.
    weighting : str
        ``"uniform"`` or ``"distance"``.
    """

    query: float
    neighbors: np.ndarray
    distances: np.ndarray
    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    prediction: float
    weighting: str

    @property
    def shares(self) -> np.ndarray:
        """Each neighbour's share of the prediction, ``weights / weights.sum()`` (sums to 1)."""
        return self.weights / self.weights.sum()


def explain_regression(model, query):
    """Explain the prediction of a 1-D KNN regressor at one input.

    Parameters
    ----------
    model : KNNRegressor
        Fitted on one feature.
    query : float
        The input x.

    Returns
    -------
    RegressionTrace

    Examples
    --------
    >>> model = KNNRegressor(2).fit([[0.0], [1.0], [3.0]], [1.0, 3.0, 10.0])
    >>> trace = explain_regression(model, 0.4)
    >>> trace.neighbors.tolist(), trace.prediction
    ([0, 1], 2.0)
    >>> model = KNNRegressor(2, weights="distance").fit([[0.0], [1.0], [3.0]], [1.0, 3.0, 10.0])
    >>> explain_regression(model, 0.25).shares.tolist()
    [0.75, 0.25]
    """
    _check_1d_model(model)
    if isinstance(query, bool) or not isinstance(query, numbers.Real) or not np.isfinite(query):
        raise ValueError(f"Expected query to be a finite number, but got query = {query!r}")
    dist, ind = model.kneighbors([[float(query)]])
    w = neighbor_weights(dist, model.weights)[0]
    X = model._fit_X[:, 0]
    y = model._y
    prediction = float(model.predict([[float(query)]])[0])
    return RegressionTrace(
        query=float(query),
        neighbors=ind[0],
        distances=dist[0],
        x=X[ind[0]],
        y=y[ind[0]],
        weights=w,
        prediction=prediction,
        weighting=model.weights,
    )


@dataclass(frozen=True)
class KComparison:
    """Prediction curves of several k on one grid, with their error (see :func:`compare_k`).

    Parameters
    ----------
    ks : ndarray of shape (n_k,)
        The values of k.
    xs : ndarray of shape (n_grid,)
        The grid.
    curves : ndarray of shape (n_k, n_grid)
        The prediction of each k at each grid point.
    truth : ndarray of shape (n_grid,)
        The noise-free curve on the grid.
    error : ndarray of shape (n_k,)
        Mean squared difference between each curve and the truth, over the grid.
    """

    ks: np.ndarray
    xs: np.ndarray
    curves: np.ndarray
    truth: np.ndarray
    error: np.ndarray


def compare_k(x, y, ks, *, weights="uniform", x_range=(0.0, 2.0 * np.pi), n_grid=501):
    """Fit one regressor per k and measure each curve against the noise-free sine.

    k = 1 copies every noisy point (the curve jumps around: too wiggly); a very large k
    averages over points far away (the curve flattens towards the overall mean: too smooth).

    Parameters
    ----------
    x, y : array-like of shape (n_samples,)
        Training inputs and targets (from :func:`~knn_core.datasets.noisy_sine`).
    ks : sequence of int
        Values of k, each from 1 to ``n_samples``.
    weights : {"uniform", "distance"}, default="uniform"
        How the neighbours' values are averaged.
    x_range : tuple of float, default=(0, 2 pi)
        Where the curves are compared with the truth.
    n_grid : int, default=501
        Number of grid points.

    Returns
    -------
    KComparison

    Examples
    --------
    >>> from knn_core.datasets import noisy_sine
    >>> x, y = noisy_sine(n_samples=100, noise=0.3, seed=0)
    >>> result = compare_k(x, y, [1, 7, 100])
    >>> bool(result.error[1] < result.error[0] and result.error[1] < result.error[2])
    True
    """
    x = check_array(x, "x", ensure_2d=False).ravel()
    y = check_array(y, "y", ensure_2d=False).ravel()
    if len(x) != len(y):
        raise ValueError(
            f"Expected x and y of the same length, but got len(x) = {len(x)}, len(y) = {len(y)}"
        )
    weights = check_weights(weights)
    ks = [check_n_neighbors(k, len(x), name="k") for k in ks]
    if not ks:
        raise ValueError("Expected at least one k in ks, but got an empty sequence")
    lo, hi, n = _check_grid(x_range, n_grid)
    xs = np.linspace(lo, hi, n)
    curves = np.empty((len(ks), n))
    for i, k in enumerate(ks):
        curves[i] = KNNRegressor(k, weights=weights).fit(x[:, None], y).predict(xs[:, None])
    truth = sine_truth(xs)
    error = ((curves - truth) ** 2).mean(axis=1)
    return KComparison(np.asarray(ks, dtype=np.intp), xs, curves, truth, error)
