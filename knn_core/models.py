"""K-nearest-neighbours models with a scikit-learn-like interface.

``__init__`` only stores parameters; ``fit`` validates, memorises the training data (KNN learns
nothing else) and returns ``self``; learned attributes end in ``_``. Every prediction goes
through :meth:`KNNClassifier.vote`, the one place a vote is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core._validation import (
    check_array,
    check_fitted,
    check_metric,
    check_n_neighbors,
    check_training_scale,
    check_weights,
)
from knn_core.neighbors import NeighborIndex, neighbor_weights, resolve_vote, tally

__all__ = ["KNNClassifier", "KNNRegressor", "VoteResult"]


@dataclass(frozen=True)
class VoteResult:
    """The vote of every query: neighbours, their weights, the tally and the winner.

    Attributes
    ----------
    dist, ind : ndarray of shape (n_queries, k)
        Neighbour distances (ascending) and training indices.
    codes : ndarray of shape (n_queries, k)
        Class codes of the neighbours (indices into ``classes_``).
    weights : ndarray of shape (n_queries, k)
        Vote weight of each neighbour.
    scores : ndarray of shape (n_queries, n_classes)
        Votes (or summed weights) per class.
    winner : ndarray of shape (n_queries,)
        Class code of the prediction (ties broken by :data:`knn_core.neighbors.TIE_RULE`).
    tied : ndarray of bool, shape (n_queries,)
        Whether several classes shared the highest score.
    """

    dist: np.ndarray
    ind: np.ndarray
    codes: np.ndarray
    weights: np.ndarray
    scores: np.ndarray
    winner: np.ndarray
    tied: np.ndarray


class _KNNBase:
    def __init__(self, n_neighbors=5, *, metric="euclidean", weights="uniform", p=2.0):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.weights = weights
        self.p = p

    def _fit_X_y(self, X, y, check_y):
        """Validate everything, then memorise; ``check_y(y)`` returns the checked targets."""
        X = check_array(X, "X")
        check_training_scale(X, "X")
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"Expected y to be a 1-D array of labels, but got shape {y.shape}")
        if len(y) != len(X):
            raise ValueError(
                "Expected X and y to have the same number of samples, but got "
                f"len(X) = {len(X)}, len(y) = {len(y)}"
            )
        self.metric, self.p = check_metric(self.metric, self.p)
        self.weights = check_weights(self.weights)
        check_n_neighbors(self.n_neighbors, len(X))
        y = check_y(y)
        self._fit_X = X
        self.n_features_in_ = X.shape[1]
        self.n_samples_fit_ = X.shape[0]
        self._index = NeighborIndex(X, metric=self.metric, p=self.p)
        return X, y

    def _check_query(self, Q):
        check_fitted(self)
        Q = check_array(Q, "X", ensure_2d=False)
        if Q.ndim == 1:
            Q = Q.reshape(1, -1)
        if Q.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {Q.shape[1]} features, but {type(self).__name__} was fitted with "
                f"{self.n_features_in_} features"
            )
        return Q

    def kneighbors(self, X, n_neighbors=None, return_distance=True):
        """Find the nearest training points of every query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or (n_features,)
            Query points; a 1-D array is one point.
        n_neighbors : int, optional
            Number of neighbours; defaults to the model's ``n_neighbors``.
        return_distance : bool, default=True
            If False, return only the indices.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Distances, ascending; only when ``return_distance`` is True.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Training indices; equal distances list the lower index first.

        Examples
        --------
        >>> model = KNNClassifier(2).fit([[0, 0], [3, 0], [1, 0]], ["a", "b", "a"])
        >>> dist, ind = model.kneighbors([[0.9, 0]])
        >>> ind.tolist(), dist.round(2).tolist()
        ([[2, 0]], [[0.1, 0.9]])
        """
        Q = self._check_query(X)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        k = check_n_neighbors(k, self.n_samples_fit_)
        dist, ind = self._index.query(Q, k)
        return (dist, ind) if return_distance else ind


class KNNClassifier(_KNNBase):
    """Classify a point by the vote of its k nearest training points.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours that vote, ``1 <= n_neighbors <= n_samples``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        ``"uniform"``: one vote each. ``"distance"``: weight ``1 / distance``; a query exactly
        on training points is decided by those points alone.
    p : float, default=2.0
        Minkowski exponent (>= 1), used with ``metric="minkowski"``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted class labels (ints or strings).
    n_features_in_ : int
        Number of features seen in ``fit``.
    n_samples_fit_ : int
        Number of training points.

    Examples
    --------
    >>> X = [[1, 1], [1, 2], [5, 5], [6, 5]]
    >>> model = KNNClassifier(3).fit(X, ["red", "red", "blue", "blue"])
    >>> model.classes_.tolist(), model.predict([[1.5, 1.5], [5, 6]]).tolist()
    (['blue', 'red'], ['red', 'blue'])
    >>> model.predict_proba([[1.5, 1.5]]).round(3).tolist()
    [[0.333, 0.667]]
    """

    def fit(self, X, y):
        """Memorise the training data; return ``self``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points.
        y : array-like of shape (n_samples,)
            Their labels (ints or strings).

        Returns
        -------
        self : KNNClassifier
        """
        self._fit_X_y(X, y, self._set_classes)
        return self

    def _set_classes(self, y):
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            bad = int(np.flatnonzero(~np.isfinite(y))[0])
            raise ValueError(
                f"y contains NaN or infinity at position {bad}; labels must be finite numbers "
                "or strings."
            )
        try:
            classes, codes = np.unique(y, return_inverse=True)
        except TypeError:
            raise ValueError(
                "Expected y to hold labels of one comparable kind (all numbers or all strings), "
                f"but got a mix: {sorted({type(v).__name__ for v in y.tolist()})}"
            ) from None
        self.classes_ = classes
        self._y_codes = codes.astype(np.intp).ravel()
        return y

    @property
    def y_codes_(self):
        """Class code (index into ``classes_``) of every training point."""
        check_fitted(self)
        return self._y_codes

    def vote(self, X, n_neighbors=None):
        """Count the vote of every query: the single place where votes are counted.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or (n_features,)
            Query points.
        n_neighbors : int, optional
            Number of voters; defaults to the model's ``n_neighbors``.

        Returns
        -------
        VoteResult

        Examples
        --------
        >>> model = KNNClassifier(2).fit([[0, 0], [2, 0]], [0, 1])
        >>> result = model.vote([[1, 0]])
        >>> result.scores.tolist(), result.winner.tolist(), result.tied.tolist()
        ([[1.0, 1.0]], [0], [True])
        """
        dist, ind = self.kneighbors(X, n_neighbors)
        codes = self._y_codes[ind]
        w = neighbor_weights(dist, self.weights)
        scores = tally(codes, w, len(self.classes_))
        winner, tied = resolve_vote(scores)
        return VoteResult(dist, ind, codes, w, scores, winner, tied)

    def predict_proba(self, X):
        """Return each class's share of the vote (of the summed weights for ``"distance"``).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        ndarray of shape (n_queries, n_classes)
            Columns in ``classes_`` order; rows sum to 1.
        """
        scores = self.vote(X).scores
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Return the predicted label of every query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        ndarray of shape (n_queries,)
            Labels from ``classes_``.
        """
        winner = self.vote(X).winner  # checks fit before classes_ is touched
        return self.classes_[winner]


class KNNRegressor(_KNNBase):
    """Predict a number as the (weighted) mean of the k nearest training targets.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours averaged.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        ``"uniform"``: plain mean. ``"distance"``: mean weighted by ``1 / distance``; a query
        exactly on training points takes the mean of those points alone.
    p : float, default=2.0
        Minkowski exponent (>= 1), used with ``metric="minkowski"``.

    Examples
    --------
    >>> model = KNNRegressor(2).fit([[0.0], [1.0], [10.0]], [0.0, 2.0, 5.0])
    >>> model.predict([[0.4]]).tolist()
    [1.0]
    """

    def fit(self, X, y):
        """Memorise the training data and targets; return ``self``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points.
        y : array-like of shape (n_samples,)
            Numeric targets.

        Returns
        -------
        self : KNNRegressor
        """
        self._fit_X_y(X, y, self._set_targets)
        return self

    def _set_targets(self, y):
        self._y = check_array(y, "y", ensure_2d=False).ravel()
        return self._y

    def predict(self, X):
        """Return the mean (or distance-weighted mean) target of the neighbours of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        Returns
        -------
        ndarray of shape (n_queries,)
        """
        dist, ind = self.kneighbors(X)
        w = neighbor_weights(dist, self.weights)
        return (w * self._y[ind]).sum(axis=1) / w.sum(axis=1)
