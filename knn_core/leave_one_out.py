"""Leave-one-out predictions: classify every training point by all the *other* points.

Predicting the training points with the model that memorised them is no test at all: with
``k = 1`` every point is its own nearest neighbour and the "accuracy" is always 100 %. Leaving
each point out of its own vote asks the honest question, "what would KNN say about this point
if it had never seen it?", and costs one neighbour search for the whole data set: the
``k + 1`` nearest neighbours of every training point are searched once and the point itself is
dropped from its own list.

The result is exactly what refitting the model ``n`` times, each time without one row, would
predict, ties included: equal distances keep the lower training index first, and deleting a
row does not change the order of the others.

:func:`predict_training` gives the plain (not left-out) predictions in the same form, for when
leave-one-out is impossible (``k = n``) or to show how much better the model looks on points
it has seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_fitted
from knn_core.neighbors import neighbor_weights, resolve_vote, tally

__all__ = ["PointPredictions", "leave_one_out", "predict_training"]


@dataclass(frozen=True, eq=False)
class PointPredictions:
    """The vote on every training point (see :func:`leave_one_out`, :func:`predict_training`).

    Attributes
    ----------
    prediction : ndarray of shape (n_samples,)
        Label predicted for each training point by the other points.
    winner : ndarray of shape (n_samples,)
        The same as class codes (indices into the model's ``classes_``).
    tied : ndarray of bool, shape (n_samples,)
        Whether the vote tied (broken by :data:`knn_core.neighbors.TIE_RULE`).
    correct : ndarray of bool, shape (n_samples,)
        Whether the prediction equals the point's own label.
    left_out : bool
        True when each point was left out of its own vote (leave-one-out), False when it
        voted for itself (plain predictions).
    """

    prediction: np.ndarray
    winner: np.ndarray
    tied: np.ndarray
    correct: np.ndarray
    left_out: bool

    @property
    def accuracy(self) -> float:
        """Fraction of training points predicted correctly."""
        return float(self.correct.mean())

    @property
    def n_correct(self) -> int:
        """Number of training points predicted correctly."""
        return int(self.correct.sum())

    @property
    def n_tied(self) -> int:
        """Number of votes that tied."""
        return int(self.tied.sum())


def leave_one_out(model) -> PointPredictions:
    """Predict every training point of a fitted classifier from all the other points.

    Parameters
    ----------
    model : KNNClassifier
        A fitted classifier with ``n_neighbors <= n_samples - 1`` (a point left out of its own
        vote has only ``n_samples - 1`` others to ask). Its metric, ``p`` and ``weights`` are
        used.

    Returns
    -------
    PointPredictions
        ``prediction``, ``winner`` (class codes), ``tied`` and ``correct`` for every training
        point, in training order, and the ``accuracy``; ``left_out`` is True.

    Raises
    ------
    ValueError
        If ``n_neighbors > n_samples - 1``.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> X = [[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]]
    >>> model = KNNClassifier(1).fit(X, ["a", "a", "b", "b", "b"])
    >>> result = leave_one_out(model)
    >>> result.prediction.tolist(), result.accuracy
    (['a', 'a', 'a', 'b', 'b'], 0.8)
    """
    check_fitted(model)
    X = model._fit_X
    n = len(X)
    k = int(model.n_neighbors)
    if k > n - 1:
        raise ValueError(
            "Expected n_neighbors <= n_samples - 1 for leave-one-out (each point is left out "
            f"of its own vote), but n_samples = {n}, n_neighbors = {k}"
        )
    dist, ind = model.kneighbors(X, n_neighbors=k + 1)
    # Drop each point from its own list. It is at distance 0, so it is among the k + 1 nearest
    # unless more than k other points sit exactly on it with lower indices; then the first k
    # are already the k nearest others.
    keep = ind != np.arange(n)[:, None]
    no_self = keep.all(axis=1)
    keep[no_self, -1] = False
    dist = dist[keep].reshape(n, k)
    ind = ind[keep].reshape(n, k)
    codes = np.asarray(model._y_codes)[ind]
    scores = tally(codes, neighbor_weights(dist, model.weights), len(model.classes_))
    winner, tied = resolve_vote(scores)
    correct = winner == np.asarray(model._y_codes)
    return PointPredictions(model.classes_[winner], winner, tied, correct, left_out=True)


def predict_training(model) -> PointPredictions:
    """Predict every training point with the model that contains it (plain predictions).

    Each point takes part in its own vote, so with ``k = 1`` every point predicts itself; use
    :func:`leave_one_out` for an honest test.

    Parameters
    ----------
    model : KNNClassifier
        A fitted classifier.

    Returns
    -------
    PointPredictions
        As :func:`leave_one_out`, with ``left_out`` False.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> X = [[0, 0], [1, 0], [2, 0], [10, 0], [11, 0]]
    >>> model = KNNClassifier(1).fit(X, ["a", "a", "b", "b", "b"])
    >>> predict_training(model).accuracy
    1.0
    """
    check_fitted(model)
    vote = model.vote(model._fit_X)
    correct = vote.winner == np.asarray(model._y_codes)
    return PointPredictions(
        model.classes_[vote.winner], vote.winner, vote.tied, correct, left_out=False
    )
