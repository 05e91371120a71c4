"""Feature scaling: why a feature measured in bigger numbers takes over the distance.

A distance adds up the differences of every feature in that feature's raw units. Measure one
feature in millimetres instead of metres (multiply it by 1,000) and its differences dwarf all the
others: the nearest neighbours become "whatever is closest along that one feature".
:func:`stretch` does exactly that to one column, :class:`ZScore` (fitted by :func:`standardize`)
rescales every feature to mean 0 and standard deviation 1, and :func:`scaling_effect` runs one
query through both, so a page can show the neighbours change and come back.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array, check_metric, check_n_neighbors
from knn_core.lessons.neighbor_sets import SetChange, set_change
from knn_core.neighbors import NeighborIndex

__all__ = ["ScalingEffect", "ZScore", "scaling_effect", "standardize", "stretch"]


def _check_axis(axis, n_features: int) -> int:
    if isinstance(axis, bool | np.bool_) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"Expected axis to be an integer, but got axis = {axis!r}")
    if not 0 <= axis < n_features:
        raise ValueError(
            f"Expected 0 <= axis < n_features = {n_features}, but got axis = {int(axis)}"
        )
    return int(axis)


def _check_factor(factor) -> float:
    ok = isinstance(factor, numbers.Real) and not isinstance(factor, bool | np.bool_)
    if not ok or not (np.isfinite(factor) and factor > 0):
        raise ValueError(f"Expected factor to be a finite number > 0, but got factor = {factor!r}")
    return float(factor)


def stretch(X, factor, axis=0):
    """Multiply one feature (column) of ``X`` by ``factor``, as a change of units would.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; not modified.
    factor : float
        The stretch, a finite number > 0 (``1`` changes nothing, ``100`` is metres -> cm).
    axis : int, default=0
        The column to stretch.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        A stretched copy of ``X``.

    Examples
    --------
    >>> stretch([[1.0, 2.0], [3.0, 4.0]], 10, axis=0).tolist()
    [[10.0, 2.0], [30.0, 4.0]]
    """
    X = check_array(X, "X").copy()
    axis = _check_axis(axis, X.shape[1])
    X[:, axis] *= _check_factor(factor)
    return X


@dataclass(frozen=True)
class ZScore:
    """A fitted z-score standardisation: ``(x - mean_) / scale_`` per feature.

    Parameters
    ----------
    mean_ : ndarray of shape (n_features,)
        The mean of each training feature.
    scale_ : ndarray of shape (n_features,)
        The standard deviation of each training feature (population, ``ddof=0``, as
        scikit-learn's ``StandardScaler``); a feature with no spread (beyond rounding error)
        gets ``1`` so it is only centred, never divided by zero.
    """

    mean_: np.ndarray
    scale_: np.ndarray

    def transform(self, X):
        """Standardise rows with the training mean and scale.

        Parameters
        ----------
        X : array-like of shape (n_points, n_features) or (n_features,)
            Rows (or one row) with the fitted features, e.g. a query point.

        Returns
        -------
        ndarray of the same shape as ``X``

        Examples
        --------
        >>> z = standardize([[0.0, 10.0], [2.0, 30.0]])
        >>> z.transform([1.0, 40.0]).tolist()
        [0.0, 2.0]
        """
        X = check_array(X, "X", ensure_2d=False)
        if X.shape[-1] != self.mean_.shape[0]:
            raise ValueError(
                f"Expected X with {self.mean_.shape[0]} features like the fitted data, but got "
                f"X with shape {X.shape}"
            )
        return (X - self.mean_) / self.scale_


def standardize(X):
    """Fit a z-score standardisation to the columns of ``X``.

    After it every feature has mean 0 and standard deviation 1, whatever units it was measured
    in, so that each feature adds the same kind of number to a distance. Stretching a feature
    before standardising changes nothing afterwards.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The training data.

    Returns
    -------
    ZScore
        The fitted standardisation; ``standardize(X).transform(X)`` is the standardised data.

    Examples
    --------
    >>> z = standardize([[1.0, 100.0], [3.0, 300.0]])
    >>> z.mean_.tolist(), z.scale_.tolist()
    ([2.0, 200.0], [1.0, 100.0])
    >>> z.transform([[1.0, 100.0], [3.0, 300.0]]).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    X = check_array(X, "X")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    # A column of equal values can get a spread of ~1e-17 from rounding in the mean; dividing
    # by it would blow rounding noise up to +-1. Treat such a spread as none at all.
    rounding = 4.0 * len(X) * np.finfo(np.float64).eps * np.abs(X).max(axis=0)
    scale = np.where(scale > rounding, scale, 1.0)
    return ZScore(mean_=mean, scale_=scale)


@dataclass(frozen=True)
class ScalingEffect:
    """The neighbours of one query before and after a change of units (see :func:`scaling_effect`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The data as the distance sees it: stretched, then standardised if asked.
    query : ndarray of shape (n_features,)
        The query, transformed the same way.
    original : ndarray of shape (k,)
        Neighbour indices on the original data (no stretch, no standardising), nearest first.
    neighbors : ndarray of shape (k,)
        Neighbour indices on the transformed data, nearest first.
    distances : ndarray of shape (k,)
        Their distances in the transformed units.
    change : SetChange
        Which of the original neighbours were kept, lost and which points were gained.
    factor : float
        The stretch.
    axis : int
        The stretched column.
    standardized : bool
        Whether the stretched data were standardised.
    """

    X: np.ndarray
    query: np.ndarray
    original: np.ndarray
    neighbors: np.ndarray
    distances: np.ndarray
    change: SetChange
    factor: float
    axis: int
    standardized: bool

    @property
    def radius(self) -> float:
        """The distance to the k-th neighbour, in the transformed units."""
        return float(self.distances[-1])


def scaling_effect(
    X, query, n_neighbors, *, factor=1.0, axis=0, standardized=False, metric="euclidean"
):
    """Find the neighbours of ``query`` after stretching one feature (and maybe standardising).

    The query is stretched (and standardised, with the training mean and scale) exactly like the
    data, so only the units change, never the points. Neighbours come from the engine's own
    search (:class:`knn_core.neighbors.NeighborIndex`: equal distances, lower index first).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The original data.
    query : array-like of shape (n_features,)
        The query point in the original units.
    n_neighbors : int
        Number of neighbours, ``1 <= n_neighbors <= n_samples``.
    factor : float, default=1.0
        The stretch of column ``axis`` (> 0).
    axis : int, default=0
        The stretched column.
    standardized : bool, default=False
        Standardise (z-score) the stretched data before measuring distances.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        The distance metric (Minkowski with p = 2).

    Returns
    -------
    ScalingEffect

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 3.0], [2.0, 0.0]]
    >>> scaling_effect(X, [0.0, 0.1], 2).neighbors.tolist()
    [0, 2]
    >>> effect = scaling_effect(X, [0.0, 0.1], 2, factor=10)
    >>> effect.neighbors.tolist(), effect.change.lost.tolist(), effect.change.gained.tolist()
    ([0, 1], [2], [1])
    >>> a = scaling_effect(X, [0.0, 0.1], 2, factor=1, standardized=True)
    >>> b = scaling_effect(X, [0.0, 0.1], 2, factor=10, standardized=True)
    >>> a.neighbors.tolist() == b.neighbors.tolist()  # standardised: the stretch is undone
    True
    """
    X = check_array(X, "X")
    query = check_array(query, "query", ensure_2d=False).ravel()
    if query.shape[0] != X.shape[1]:
        raise ValueError(
            f"Expected query with {X.shape[1]} features like X, but got {query.shape[0]}"
        )
    k = check_n_neighbors(n_neighbors, len(X))
    metric, p = check_metric(metric)
    standardized = bool(standardized)

    def search(data, q):
        dist, ind = NeighborIndex(data, metric=metric, p=p).query(q[None, :], k)
        return dist[0], ind[0]

    _, original = search(X, query)
    Xs = stretch(X, factor, axis)
    qs = stretch(query[None, :], factor, axis)[0]
    if standardized:
        z = standardize(Xs)
        Xs, qs = z.transform(Xs), z.transform(qs)
    distances, neighbors = search(Xs, qs)
    return ScalingEffect(
        X=Xs,
        query=qs,
        original=original,
        neighbors=neighbors,
        distances=distances,
        change=set_change(original, neighbors),
        factor=_check_factor(factor),
        axis=int(axis),
        standardized=standardized,
    )
