"""The numbers behind the Step-by-step page: the algorithm's stages and a held-out walk.

* :func:`algorithm_stages` lists the stages the step-by-step page walks through for one query
  (a "tie" stage only when the vote tied).
* :func:`held_out_walk` classifies a held-out set one point at a time and keeps the running
  accuracy, for "step through the toy data set".

Every number comes from :mod:`knn_core.models`; this module only arranges them for a lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array, check_fitted

__all__ = ["STAGE_TITLES", "HeldOutWalk", "algorithm_stages", "held_out_walk"]

#: Every stage of classifying one query, in order, with its title. "tie" is shown only when the
#: vote tied (see :func:`algorithm_stages`).
STAGE_TITLES = {
    "distances": "Measure the distance to every training point",
    "sort": "Sort the points by distance",
    "keep": "Keep the k closest",
    "count": "Count the vote",
    "tie": "Break the tie",
    "predict": "Predict",
}


def algorithm_stages(tied):
    """Return the stages the step-by-step walk shows for one query.

    Parameters
    ----------
    tied : bool
        Whether the query's vote tied (``QueryTrace.tied``).

    Returns
    -------
    tuple of str
        Keys of :data:`STAGE_TITLES`: distances, sort, keep, count, then "tie" when tied,
        then predict.

    Examples
    --------
    >>> algorithm_stages(False)
    ('distances', 'sort', 'keep', 'count', 'predict')
    >>> algorithm_stages(True)[-2:]
    ('tie', 'predict')
    """
    if not isinstance(tied, bool | np.bool_):
        raise TypeError(f"Expected tied to be a bool, but got {tied!r}")
    middle = ("tie",) if tied else ()
    return ("distances", "sort", "keep", "count", *middle, "predict")


# --------------------------------------------------------------------------------------------
# Held-out walk
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class HeldOutWalk:
    """Held-out points classified one at a time, with the running accuracy.

    Attributes
    ----------
    predictions : ndarray of shape (n_test,)
        The model's prediction for each held-out point, in order.
    correct : ndarray of bool, shape (n_test,)
        Whether each prediction equals the true label.
    n_correct : ndarray of int, shape (n_test,)
        ``n_correct[i]``: how many of the first ``i + 1`` points were right.
    running_accuracy : ndarray of shape (n_test,)
        ``n_correct[i] / (i + 1)``.
    """

    predictions: np.ndarray
    correct: np.ndarray
    n_correct: np.ndarray
    running_accuracy: np.ndarray

    def __post_init__(self):
        for value in vars(self).values():
            value.flags.writeable = False

    @property
    def accuracy(self):
        """Accuracy over the whole held-out set (the last running accuracy)."""
        return float(self.running_accuracy[-1])


def held_out_walk(model, X_test, y_test):
    """Classify held-out points one after another and keep the running accuracy.

    Parameters
    ----------
    model : KNNClassifier
        A classifier fitted on the training part.
    X_test : array-like of shape (n_test, n_features)
        Held-out points, in the order they are shown.
    y_test : array-like of shape (n_test,)
        Their true labels.

    Returns
    -------
    HeldOutWalk

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(1).fit([[0], [10]], ["a", "b"])
    >>> walk = held_out_walk(model, [[1], [9], [2]], ["a", "a", "a"])
    >>> walk.correct.tolist(), walk.n_correct.tolist()
    ([True, False, True], [1, 1, 2])
    >>> walk.running_accuracy.round(3).tolist(), round(walk.accuracy, 3)
    ([1.0, 0.5, 0.667], 0.667)
    """
    check_fitted(model)
    X_test = check_array(X_test, "X_test")
    y_test = np.asarray(y_test)
    if y_test.ndim != 1 or len(y_test) != len(X_test):
        raise ValueError(
            f"Expected y_test to hold one label per row of X_test ({len(X_test)} rows), but got "
            f"shape {y_test.shape}"
        )
    predictions = model.predict(X_test)
    correct = np.asarray(predictions == y_test, dtype=bool)
    n_correct = np.cumsum(correct)
    running = n_correct / np.arange(1, len(correct) + 1)
    return HeldOutWalk(predictions, correct, n_correct, running)
