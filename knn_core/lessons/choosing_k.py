"""The numbers behind the "Choosing k" page.

* :func:`k_selection` gathers every curve of the page from one train/test split: train and test
  accuracy for every k, the test points' tie rate, an optional cross-validated accuracy on the
  training part, and the best k.
* :func:`region_ks` picks the k values of the small multiples of decision regions.

Every number comes from :mod:`knn_core.evaluation`; this module only arranges them for a lesson.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array
from knn_core.evaluation import cross_val_accuracy_by_k, evaluate_by_k

__all__ = ["KSelection", "k_selection", "region_ks"]


@dataclass(frozen=True, eq=False)
class KSelection:
    """Everything the "Choosing k" page plots, for ``k = 1 .. k_max``.

    Attributes
    ----------
    k : ndarray of shape (k_max,)
        ``1, 2, ..., k_max``.
    train_accuracy : ndarray of shape (k_max,)
        Accuracy on the training part itself (k = 1 is 100 % unless identical points carry
        different labels: every point is its own nearest neighbour).
    test_accuracy : ndarray of shape (k_max,)
        Accuracy on the held-out test part.
    tie_rate : ndarray of shape (k_max,)
        Fraction of test points whose vote tied at each k.
    cv_accuracy : ndarray of shape (k_max,)
        Mean accuracy of a k-fold cross-validation on the training part; NaN where k is too
        large for the folds' training parts (or everywhere when cross-validation was skipped).
    best_k : int
        The smallest k with the highest test accuracy.
    n_train, n_test : int
        Sizes of the two parts.
    """

    k: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    tie_rate: np.ndarray
    cv_accuracy: np.ndarray
    best_k: int
    n_train: int
    n_test: int

    def __post_init__(self):
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    @property
    def ties_at_odd_k(self):
        """Whether any test vote tied at an odd k (impossible with two classes, uniform votes)."""
        return bool((self.tie_rate[0::2] > 0).any())

    @property
    def chosen_k(self):
        """The k to use: :attr:`best_cv_k`, chosen without the test part.

        Only when cross-validation could not run is it :attr:`best_k`, which the test part
        chose (and whose test accuracy is then an optimistic estimate).
        """
        cv_k = self.best_cv_k
        return self.best_k if cv_k is None else cv_k

    @property
    def best_cv_k(self):
        """The smallest k with the highest cross-validated accuracy, or None without it."""
        valid = ~np.isnan(self.cv_accuracy)
        if not valid.any():
            return None
        return int(self.k[np.flatnonzero(valid)[np.argmax(self.cv_accuracy[valid])]])


def _check_count(value, name, low):
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(f"Expected {name} to be an integer >= {low}, but got {name} = {value!r}")
    if value < low:
        raise ValueError(f"Expected {name} >= {low}, but got {name} = {value}")
    return int(value)


def k_selection(
    X_train,
    y_train,
    X_test,
    y_test,
    *,
    k_max=50,
    n_folds=5,
    cv_seed=0,
    metric="euclidean",
    weights="uniform",
    p=2.0,
):
    """Train, test and cross-validated accuracy for every k, and the best k.

    ``k_max`` is capped at the training size. Train accuracy scores the training part against
    itself (each point is then among its own neighbours); test accuracy scores the held-out
    part; the tie rate counts tied votes among the test points. Cross-validation
    (:func:`knn_core.evaluation.cross_val_accuracy_by_k`) runs on the training part only, so
    the test part stays unseen; it covers the k that fit into every fold's training part.

    Parameters
    ----------
    X_train, y_train : array-like
        Training points ``(n_train, n_features)`` and labels.
    X_test, y_test : array-like
        Test points ``(n_test, n_features)`` and labels.
    k_max : int, default=50
        Largest k wanted, ``>= 1``; the curves stop at ``min(k_max, n_train)``.
    n_folds : int or None, default=5
        Folds of the cross-validation; None (or a training part too small to cut into
        ``n_folds`` folds) skips it and leaves ``cv_accuracy`` all NaN.
    cv_seed : int, default=0
        Seed of the folds' shuffle.
    metric, weights, p
        As for :class:`knn_core.models.KNNClassifier`.

    Returns
    -------
    KSelection

    Examples
    --------
    >>> X_train = [[0], [1], [2], [3], [10], [11], [12], [13]]
    >>> y_train = [0, 0, 0, 1, 1, 1, 1, 1]
    >>> sel = k_selection(X_train, y_train, [[0.5], [2.4], [12.5]], [0, 0, 1], k_max=4,
    ...                   n_folds=2)
    >>> sel.k.tolist(), sel.train_accuracy.tolist()
    ([1, 2, 3, 4], [1.0, 0.875, 0.875, 0.875])
    >>> sel.test_accuracy.round(3).tolist(), sel.best_k
    ([1.0, 1.0, 1.0, 1.0], 1)
    >>> sel.tie_rate.round(3).tolist()  # k = 2 ties at 2.4 (one red, one blue neighbour)
    [0.0, 0.333, 0.0, 0.0]
    >>> sel.cv_accuracy.tolist(), sel.best_cv_k, sel.chosen_k
    ([0.875, 0.875, 0.625, 0.375], 1, 1)
    """
    X_train = check_array(X_train, "X_train")
    X_test = check_array(X_test, "X_test")
    n_train = len(X_train)
    k_max = min(_check_count(k_max, "k_max", 1), n_train)
    params = dict(metric=metric, weights=weights, p=p)
    test = evaluate_by_k(X_train, y_train, X_test, y_test, k_max, **params)
    train = evaluate_by_k(X_train, y_train, X_train, y_train, k_max, **params)
    cv = np.full(k_max, np.nan)
    if n_folds is not None:
        n_folds = _check_count(n_folds, "n_folds", 2)
        if n_folds <= n_train:
            smallest_train = n_train - -(-n_train // n_folds)  # n_train - largest fold
            cv_k = min(k_max, smallest_train)
            if cv_k >= 1:
                cv[:cv_k] = cross_val_accuracy_by_k(
                    X_train, y_train, cv_k, n_folds=n_folds, seed=cv_seed, **params
                )
    return KSelection(
        k=test.k,
        train_accuracy=train.accuracy,
        test_accuracy=test.accuracy,
        tie_rate=test.tie_rate,
        cv_accuracy=cv,
        best_k=test.best_k,
        n_train=n_train,
        n_test=len(X_test),
    )


def region_ks(n_train, ks=(1, 5, 15, 45)):
    """Return the k values of the small multiples, capped at the training size, without repeats.

    Parameters
    ----------
    n_train : int
        Training points (the largest possible k).
    ks : sequence of int, default=(1, 5, 15, 45)
        The k values wanted, from jagged (1) to smooth.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> region_ks(200)
    (1, 5, 15, 45)
    >>> region_ks(12)
    (1, 5, 12)
    """
    n_train = _check_count(n_train, "n_train", 1)
    return tuple(dict.fromkeys(min(_check_count(k, "k", 1), n_train) for k in ks))
