"""Neighbour search and vote counting: the engine every model, surface and trace uses.

Search
    :class:`NeighborIndex` answers "which k training rows are closest to each query?" with
    ``scipy.spatial.cKDTree`` in low dimensions and vectorised brute force (``cdist``) for tiny
    training sets or many features. Equal distances are ordered by the lower training index,
    exactly, on every path.
Votes
    :func:`neighbor_weights`, :func:`tally` (one ``np.bincount``) and :func:`resolve_vote`, with
    the single tie rule :data:`TIE_RULE`.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from knn_core import metrics
from knn_core._validation import METRICS, WEIGHTS

__all__ = [
    "METRICS",
    "TIE_RULE",
    "WEIGHTS",
    "NeighborIndex",
    "build_tree",
    "cumulative_tally",
    "neighbor_weights",
    "resolve_vote",
    "tally",
    "top_classes",
]

#: The one rule for tied votes, shown in the UI and used everywhere.
TIE_RULE = (
    "A tied vote goes to the tied class that comes first in the class order (the smallest "
    "label), as in scikit-learn and in the tutorial's scipy.stats.mode."
)

# cKDTree sums squared differences in another order from cdist from 8 features on, so its
# Euclidean distances can differ in the last bit and mathematically equal distances (decimal
# data) would be ordered differently on the two paths; up to 7 features they are identical.
_TREE_MAX_FEATURES = 7
_TREE_MIN_SAMPLES = 50
_CHUNK_CELLS = 4_000_000  # distance-matrix cells per brute-force chunk (32 MB of float64)


def build_tree(X) -> cKDTree:
    """Return the engine's ``cKDTree`` over the rows of ``X`` (the faster build, see DESIGN).

    :class:`NeighborIndex` searches with it; :mod:`knn_core.lessons.searching_fast` walks the
    same tree.
    """
    return cKDTree(np.asarray(X, dtype=np.float64), balanced_tree=False, compact_nodes=False)


def _order_rows(dist, ind):
    """Sort each row by (distance, index): equal distances keep the lower index first."""
    # Row-wise lexsort: stable argsort by index, then stable argsort by distance.
    by_index = np.argsort(ind, axis=1, kind="stable")
    dist = np.take_along_axis(dist, by_index, axis=1)
    ind = np.take_along_axis(ind, by_index, axis=1)
    by_dist = np.argsort(dist, axis=1, kind="stable")
    return np.take_along_axis(dist, by_dist, axis=1), np.take_along_axis(ind, by_dist, axis=1)


class NeighborIndex:
    """A search structure over training rows, fitted once, queried many times.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training rows, float64, already validated.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    p : float, default=2.0
        Minkowski exponent, used when ``metric="minkowski"``.

    Examples
    --------
    >>> import numpy as np
    >>> index = NeighborIndex(np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0]]))
    >>> dist, ind = index.query(np.array([[0.0, 0.0]]), 3)
    >>> dist.tolist(), ind.tolist()  # the two points at distance 1: lower index first
    ([[0.0, 1.0, 1.0]], [[0, 1, 2]])
    """

    def __init__(self, X, *, metric="euclidean", p=2.0):
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.metric = metric
        self.p = metrics.exponent(metric, p)
        n, d = self.X.shape
        self.tree = None
        exact = metrics.METRICS[metric].tree_exact
        if exact and d <= _TREE_MAX_FEATURES and n >= _TREE_MIN_SAMPLES:
            self.tree = build_tree(self.X)

    def _brute(self, Q, k):
        n = len(self.X)
        dist = np.empty((len(Q), k))
        ind = np.empty((len(Q), k), dtype=np.intp)
        step = max(1, _CHUNK_CELLS // max(n, 1))
        for start in range(0, len(Q), step):
            D = metrics.distance(Q[start : start + step], self.X, self.metric, self.p)
            if k < n:
                part = np.argpartition(D, k - 1, axis=1)[:, :k]
                d_part = np.take_along_axis(D, part, axis=1)
                # Points exactly as far as the k-th may have been left out in favour of a
                # higher index: keep the lowest indices among the points at the boundary.
                kth = d_part.max(axis=1, keepdims=True)
                ties = (D == kth).sum(axis=1) > (d_part == kth).sum(axis=1)
                if ties.any():
                    rows = np.flatnonzero(ties)
                    full = np.argsort(D[rows], axis=1, kind="stable")[:, :k]
                    part[rows] = full
                    d_part[rows] = np.take_along_axis(D[rows], full, axis=1)
            else:
                part = np.broadcast_to(np.arange(n), D.shape).copy()
                d_part = D
            d_sorted, i_sorted = _order_rows(d_part, part)
            dist[start : start + step] = d_sorted
            ind[start : start + step] = i_sorted
        return dist, ind

    def query(self, Q, k):
        """Return the ``k`` nearest training rows of every query row.

        Parameters
        ----------
        Q : ndarray of shape (n_queries, n_features)
            Query rows, float64, already validated.
        k : int
            Number of neighbours, ``1 <= k <= n_samples``.

        Returns
        -------
        dist : ndarray of shape (n_queries, k)
            Distances, ascending along each row.
        ind : ndarray of shape (n_queries, k)
            Training indices; equal distances list the lower index first.
        """
        Q = np.ascontiguousarray(Q, dtype=np.float64)
        n, d = self.X.shape
        if Q.ndim != 2 or Q.shape[1] != d:
            raise ValueError(f"Expected Q of shape (n_queries, {d}), but got shape {Q.shape}")
        k = int(k)
        if not 1 <= k <= n:
            raise ValueError(f"Expected 1 <= k <= n_samples, but n_samples = {n}, k = {k}")
        if self.tree is None or len(Q) == 0:
            return self._brute(Q, k)
        # One extra neighbour tells whether a point at the same distance as the k-th was cut.
        extra = 1 if k < n else 0
        dist, ind = self.tree.query(Q, k + extra, p=self.p, workers=-1)
        dist = dist.reshape(len(Q), k + extra)
        ind = ind.reshape(len(Q), k + extra).astype(np.intp, copy=False)
        if extra:
            boundary = dist[:, k] == dist[:, k - 1]
            dist, ind = dist[:, :k], ind[:, :k]
            if boundary.any():
                rows = np.flatnonzero(boundary)
                dist = dist.copy()
                ind = ind.copy()
                dist[rows], ind[rows] = self._brute(Q[rows], k)
        # The tree does not order equal distances by index; a stable re-sort does, and is only
        # needed in rows that have an equal pair.
        if k > 1:
            equal = (np.diff(dist, axis=1) == 0).any(axis=1)
            if equal.any():
                rows = np.flatnonzero(equal)
                dist = dist.copy()
                ind = ind.copy()
                dist[rows], ind[rows] = _order_rows(dist[rows], ind[rows])
        return dist, ind


def neighbor_weights(dist, weights):
    """Return the vote weight of every neighbour.

    Parameters
    ----------
    dist : ndarray of shape (n_queries, k)
        Neighbour distances, ascending along each row.
    weights : {"uniform", "distance"}
        ``"uniform"``: every neighbour weighs 1. ``"distance"``: weight ``1 / d``, except in
        rows where the query sits exactly on training points (``d == 0``, or so close that
        ``1 / d`` overflows): then those points weigh 1 and all others 0 (scikit-learn's rule).

    Returns
    -------
    ndarray of shape (n_queries, k)

    Examples
    --------
    >>> import numpy as np
    >>> neighbor_weights(np.array([[0.5, 2.0], [0.0, 1.0]]), "distance").tolist()
    [[2.0, 0.5], [1.0, 0.0]]
    """
    dist = np.asarray(dist, dtype=np.float64)
    if weights == "uniform":
        return np.ones_like(dist)
    with np.errstate(divide="ignore", over="ignore"):
        w = 1.0 / dist
    # A distance so small that 1 / d overflows (below about 5.6e-309) counts as 0: the query
    # is on that point as far as floating point can tell.
    exact = np.isinf(w)
    on_point = exact.any(axis=-1, keepdims=True)
    return np.where(on_point, exact.astype(np.float64), w)


def tally(codes, w, n_classes):
    """Sum the weights of the neighbours per class, for every query, in one ``np.bincount``.

    Parameters
    ----------
    codes : ndarray of shape (n_queries, k)
        Class codes ``0..n_classes-1`` of the neighbours.
    w : ndarray of shape (n_queries, k)
        Their weights (see :func:`neighbor_weights`).
    n_classes : int
        Number of classes.

    Returns
    -------
    ndarray of shape (n_queries, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> tally(np.array([[0, 1, 1], [2, 2, 0]]), np.ones((2, 3)), 3).tolist()
    [[1.0, 2.0, 0.0], [1.0, 0.0, 2.0]]
    """
    codes = np.asarray(codes, dtype=np.intp)
    n_q = codes.shape[0]
    offsets = codes + n_classes * np.arange(n_q, dtype=np.intp)[:, None]
    flat = np.bincount(
        offsets.ravel(), weights=np.asarray(w, float).ravel(), minlength=n_q * n_classes
    )
    return flat.reshape(n_q, n_classes)


def cumulative_tally(codes, w, n_classes):
    """Return the running tally: entry ``[:, j, :]`` counts only the first ``j + 1`` neighbours.

    Parameters
    ----------
    codes, w : ndarray of shape (n_queries, k)
        Neighbour class codes and weights.
    n_classes : int
        Number of classes.

    Returns
    -------
    ndarray of shape (n_queries, k, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> cumulative_tally(np.array([[1, 0, 1]]), np.ones((1, 3)), 2)[0].tolist()
    [[0.0, 1.0], [1.0, 1.0], [1.0, 2.0]]
    """
    codes = np.asarray(codes, dtype=np.intp)
    onehot = np.zeros((*codes.shape, n_classes))
    np.put_along_axis(onehot, codes[..., None], np.asarray(w, float)[..., None], axis=-1)
    return np.cumsum(onehot, axis=1)


def top_classes(scores):
    """Return which classes share the top of every tally: the one test of a tied vote.

    A class is at the top when its score is within rounding (a relative ``1e-12``) of the
    highest score, so summed distance weights that are equal on paper count as equal.
    :func:`resolve_vote` picks its winner among these classes by :data:`TIE_RULE`, and the
    vote is tied when there is more than one; every vote of the app goes through it.

    Parameters
    ----------
    scores : ndarray of shape (..., n_classes)
        Votes or summed weights per class.

    Returns
    -------
    ndarray of bool, shape (..., n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> top_classes(np.array([0.1 + 0.2, 0.3, 0.1])).tolist()
    [True, True, False]
    """
    scores = np.asarray(scores, dtype=np.float64)
    top = scores.max(axis=-1, keepdims=True)
    # np.isclose(scores, top, rtol=1e-12, atol=0) written out: scores <= top, so |top - s| is
    # top - s, and two array operations are much cheaper than isclose's general path.
    return (top - scores) <= 1e-12 * np.abs(top)


def resolve_vote(scores):
    """Pick the winning class of every tally, by :data:`TIE_RULE`, and flag ties.

    Parameters
    ----------
    scores : ndarray of shape (..., n_classes)
        Votes or summed weights per class.

    Returns
    -------
    winner : ndarray of shape (...)
        The first class of :func:`top_classes` (``np.argmax``).
    tied : ndarray of bool, shape (...)
        True where :func:`top_classes` holds more than one class.

    Examples
    --------
    >>> import numpy as np
    >>> winner, tied = resolve_vote(np.array([[2.0, 2.0, 1.0], [0.0, 3.0, 1.0]]))
    >>> winner.tolist(), tied.tolist()
    ([0, 1], [True, False])
    """
    at_top = top_classes(scores)
    # The first class within rounding of the top score: a near-tie that rounding broke the
    # other way is still resolved by TIE_RULE, consistently with the tied flag.
    winner = np.argmax(at_top, axis=-1)
    return winner.astype(np.intp), at_top.sum(axis=-1) > 1
