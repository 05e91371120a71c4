"""Comparing neighbour sets: which points each metric picks, and what a change of units did.

"Nearest" depends on how distance is measured. :func:`compare_metrics` finds the k nearest
neighbours of one query under several metrics at once (Euclidean, Manhattan and Chebyshev by
default) and records, for every point that any of them picked, its distance and rank under each
metric and which metrics picked it, so a page can mark the points the metrics disagree on.
:func:`set_change` compares two neighbour lists (before and after a change), as the feature
scaling lesson does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array, check_metric, check_n_neighbors
from knn_core.metrics import METRICS
from knn_core.neighbors import NeighborIndex

__all__ = ["DEFAULT_METRICS", "MetricComparison", "SetChange", "compare_metrics", "set_change"]

#: The metrics with a fixed exponent: their neighbourhoods are a circle, a diamond and a square.
DEFAULT_METRICS = tuple(m.name for m in METRICS.values() if m.p is not None)


@dataclass(frozen=True)
class SetChange:
    """How a neighbour list changed (see :func:`set_change`).

    Parameters
    ----------
    kept : ndarray of intp
        Indices in both lists, in the order of the new list.
    lost : ndarray of intp
        Indices only in the old list, in its order.
    gained : ndarray of intp
        Indices only in the new list, in its order.
    """

    kept: np.ndarray
    lost: np.ndarray
    gained: np.ndarray

    @property
    def same(self) -> bool:
        """Whether both lists hold the same points (in any order)."""
        return len(self.lost) == 0 and len(self.gained) == 0


def _as_indices(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(
            f"Expected {name} to be a 1-D sequence of integer indices, but got shape {arr.shape} "
            f"and dtype {arr.dtype}"
        )
    return arr.astype(np.intp)


def set_change(before, after):
    """Compare two neighbour lists: which points were kept, lost and gained.

    Parameters
    ----------
    before : sequence of int
        The old neighbour indices (for example on the original data).
    after : sequence of int
        The new neighbour indices (for example after stretching one feature).

    Returns
    -------
    SetChange

    Examples
    --------
    >>> change = set_change([4, 1, 7], [1, 9, 4])
    >>> change.kept.tolist(), change.lost.tolist(), change.gained.tolist(), change.same
    ([1, 4], [7], [9], False)
    """
    before = _as_indices(before, "before")
    after = _as_indices(after, "after")
    in_before = np.isin(after, before)
    return SetChange(
        kept=after[in_before],
        lost=before[~np.isin(before, after)],
        gained=after[~in_before],
    )


@dataclass(frozen=True)
class MetricComparison:
    """The k nearest neighbours of one query under several metrics (see :func:`compare_metrics`).

    Parameters
    ----------
    metrics : tuple of str
        The metrics compared, in column order.
    query : ndarray of shape (n_features,)
        The query point.
    neighbors : tuple of ndarray
        For each metric, the ``k`` neighbour indices, nearest first (equal distances: lower
        index first).
    radius : ndarray of shape (n_metrics,)
        For each metric, the distance to its k-th neighbour (the size of its neighbourhood).
    candidates : ndarray of shape (n_candidates,)
        Every point picked by at least one metric, ordered by its distance under the first
        metric (then by index).
    picked : ndarray of bool, shape (n_candidates, n_metrics)
        Whether each metric picked each candidate.
    distances : ndarray of shape (n_candidates, n_metrics)
        The distance of each candidate under each metric.
    ranks : ndarray of shape (n_candidates, n_metrics)
        The rank (1 = nearest) of each candidate among all points under each metric.
    """

    metrics: tuple[str, ...]
    query: np.ndarray
    neighbors: tuple[np.ndarray, ...]
    radius: np.ndarray
    candidates: np.ndarray
    picked: np.ndarray
    distances: np.ndarray
    ranks: np.ndarray

    def _column(self, metric: str) -> int:
        if metric not in self.metrics:
            allowed = ", ".join(repr(m) for m in self.metrics)
            raise ValueError(f"Expected metric to be one of {allowed}, but got {metric!r}")
        return self.metrics.index(metric)

    def of(self, metric: str) -> np.ndarray:
        """Return the neighbours ``metric`` picked, nearest first."""
        return self.neighbors[self._column(metric)]

    @property
    def common(self) -> np.ndarray:
        """Points picked by every metric, in candidate order."""
        return self.candidates[self.picked.all(axis=1)]

    @property
    def disputed(self) -> np.ndarray:
        """Points picked by some metrics but not all, in candidate order."""
        return self.candidates[~self.picked.all(axis=1)]

    def only(self, metric: str) -> np.ndarray:
        """Return the points picked by ``metric`` and by no other metric."""
        j = self._column(metric)
        alone = self.picked[:, j] & (self.picked.sum(axis=1) == 1)
        return self.candidates[alone]

    def difference(self, a: str, b: str) -> np.ndarray:
        """Return the points metric ``a`` picked and metric ``b`` did not."""
        ja, jb = self._column(a), self._column(b)
        return self.candidates[self.picked[:, ja] & ~self.picked[:, jb]]


def compare_metrics(X, query, n_neighbors, metrics=DEFAULT_METRICS):
    """Find the k nearest neighbours of one query under several metrics and compare them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training points.
    query : array-like of shape (n_features,)
        The query point.
    n_neighbors : int
        Number of neighbours, ``1 <= n_neighbors <= n_samples``.
    metrics : sequence of str, default=("euclidean", "manhattan", "chebyshev")
        At least one metric, each one of "euclidean", "manhattan", "chebyshev" (Minkowski needs
        a ``p`` and is left out), no repeats.

    Returns
    -------
    MetricComparison

    Examples
    --------
    >>> X = [[1.0, 1.0], [1.2, 0.0], [1.05, 0.3]]
    >>> result = compare_metrics(X, [0.0, 0.0], 1)
    >>> [result.of(m).tolist() for m in result.metrics]
    [[2], [1], [0]]
    >>> result.disputed.tolist(), result.only("chebyshev").tolist()
    ([2, 1, 0], [0])
    >>> result.radius.round(3).tolist()
    [1.092, 1.2, 1.0]
    """
    X = check_array(X, "X")
    query = check_array(query, "query", ensure_2d=False).ravel()
    if query.shape[0] != X.shape[1]:
        raise ValueError(
            f"Expected query with {X.shape[1]} features like X, but got {query.shape[0]}"
        )
    k = check_n_neighbors(n_neighbors, len(X))
    metrics = tuple(metrics) if not isinstance(metrics, str) else (metrics,)
    if not metrics or len(set(metrics)) != len(metrics):
        raise ValueError(
            f"Expected metrics to be a non-empty sequence without repeats, but got {metrics!r}"
        )
    for metric in metrics:
        check_metric(metric)
        if metric == "minkowski":
            raise ValueError(
                "Expected metrics among 'euclidean', 'manhattan', 'chebyshev', but got "
                "'minkowski' (it needs a p)"
            )
    n = len(X)
    all_dist = np.empty((n, len(metrics)))
    all_rank = np.empty((n, len(metrics)), dtype=np.intp)
    neighbors = []
    radius = np.empty(len(metrics))
    for j, metric in enumerate(metrics):
        dist, order = NeighborIndex(X, metric=metric).query(query[None, :], n)
        dist, order = dist[0], order[0]
        all_dist[order, j] = dist
        all_rank[order, j] = np.arange(1, n + 1)
        neighbors.append(order[:k].copy())
        radius[j] = dist[k - 1]
    picked_all = all_rank <= k
    union = np.flatnonzero(picked_all.any(axis=1))
    union = union[np.lexsort((union, all_dist[union, 0]))]
    return MetricComparison(
        metrics=metrics,
        query=query,
        neighbors=tuple(neighbors),
        radius=radius,
        candidates=union,
        picked=picked_all[union],
        distances=all_dist[union],
        ranks=all_rank[union],
    )
