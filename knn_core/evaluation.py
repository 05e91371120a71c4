"""Accuracy and tie rate for every k at once, from one neighbour search.

The k nearest neighbours are the first k of the ``k_max`` nearest (the engine orders them
deterministically: ascending distance, equal distances by lower training index), so one query at
``k_max`` and a running tally of the votes (:func:`knn_core.neighbors.cumulative_tally`) give
the prediction of *every* ``k = 1 .. k_max``: exactly what ``k_max`` separate fits would
predict, at the cost of one.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array, check_n_neighbors
from knn_core.models import KNNClassifier
from knn_core.neighbors import cumulative_tally, neighbor_weights, resolve_vote

__all__ = [
    "ConfusionMatrix",
    "KSweep",
    "accuracy_by_k",
    "confusion_matrix",
    "cross_val_accuracy_by_k",
    "evaluate_by_k",
    "tie_rate_by_k",
]

#: Entries (queries x k_max x n_classes) of the running tally held in memory at once.
_CHUNK_ENTRIES = 4_000_000


@dataclass(frozen=True, eq=False)
class KSweep:
    """Test accuracy and tie rate for every ``k = 1 .. k_max``.

    Attributes
    ----------
    k : ndarray of shape (k_max,)
        ``1, 2, ..., k_max``.
    accuracy : ndarray of shape (k_max,)
        ``accuracy[k - 1]``: fraction of test points predicted correctly with k neighbours.
    tie_rate : ndarray of shape (k_max,)
        ``tie_rate[k - 1]``: fraction of test points whose vote tied with k neighbours (the
        tie is then broken by :data:`knn_core.neighbors.TIE_RULE`).
    """

    k: np.ndarray
    accuracy: np.ndarray
    tie_rate: np.ndarray

    @property
    def best_k(self):
        """The smallest k with the highest accuracy."""
        return int(self.k[np.argmax(self.accuracy)])


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _check_targets(y, n_rows, name, x_name):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"Expected {name} to be 1-D, but got an array with shape {y.shape}")
    if len(y) != n_rows:
        raise ValueError(
            f"Expected {name} to have one label per row of {x_name}, but {x_name} has "
            f"{n_rows} rows and {name} has {len(y)}"
        )
    return y


def _encode(y, classes):
    """Class codes of ``y`` in ``classes``; -1 for labels the model never saw."""
    codes = np.full(len(y), -1, dtype=np.intp)
    try:
        idx = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
        match = np.asarray(classes[idx] == y, dtype=bool)
    except (TypeError, ValueError):  # labels of another kind (text vs numbers): none match
        return codes
    codes[match] = idx[match]
    return codes


def _fit(X_train, y_train, k_max, metric, weights, p):
    X_train = check_array(X_train, "X_train")
    y_train = _check_targets(y_train, len(X_train), "y_train", "X_train")
    k_max = check_n_neighbors(k_max, len(X_train), name="k_max")
    model = KNNClassifier(k_max, metric=metric, weights=weights, p=p).fit(X_train, y_train)
    return model


def _check_queries(X, model, name):
    X = check_array(X, name)
    if X.shape[1] != model.n_features_in_:
        raise ValueError(
            f"Expected {name} to have {model.n_features_in_} features (as X_train), but got "
            f"{X.shape[1]}"
        )
    return X


def _votes_by_k(model, X):
    """Winner codes and tie flags, each (n_queries, k_max), for every k at once."""
    k_max = int(model.n_neighbors)
    n_classes = len(model.classes_)
    winners = np.empty((len(X), k_max), dtype=np.intp)
    tied = np.empty((len(X), k_max), dtype=bool)
    step = max(1, _CHUNK_ENTRIES // (k_max * n_classes))
    for start in range(0, len(X), step):
        part = slice(start, start + step)
        dist, ind = model.kneighbors(X[part])
        codes = np.asarray(model._y_codes)[ind]
        w = neighbor_weights(dist, model.weights)
        winners[part], tied[part] = resolve_vote(cumulative_tally(codes, w, n_classes))
    return winners, tied


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def evaluate_by_k(
    X_train, y_train, X_test, y_test, k_max, *, metric="euclidean", weights="uniform", p=2.0
):
    """Test accuracy and tie rate of a KNN classifier for every ``k = 1 .. k_max``.

    One neighbour search at ``k_max`` and a running tally of the votes, not ``k_max`` fits.
    Entry ``k - 1`` equals what ``KNNClassifier(k, ...).fit(X_train, y_train)`` gives on the
    test set, ties included.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        Training points.
    y_train : array-like of shape (n_train,)
        Training labels.
    X_test : array-like of shape (n_test, n_features)
        Test points.
    y_test : array-like of shape (n_test,)
        Test labels; a label absent from ``y_train`` is always predicted wrongly.
    k_max : int
        Largest k, ``1 <= k_max <= n_train``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        Vote weighting.
    p : float, default=2.0
        Minkowski exponent, ``p >= 1``.

    Returns
    -------
    KSweep
        ``k``, ``accuracy`` and ``tie_rate``, each of shape ``(k_max,)``.

    Examples
    --------
    >>> X_train = [[0], [1], [2], [10], [11]]
    >>> sweep = evaluate_by_k(X_train, [0, 0, 0, 1, 1], [[0.4], [10.6]], [0, 1], 4)
    >>> sweep.accuracy.tolist(), sweep.tie_rate.tolist()
    ([1.0, 1.0, 1.0, 0.5], [0.0, 0.0, 0.0, 0.5])
    >>> sweep.best_k
    1
    """
    model = _fit(X_train, y_train, k_max, metric, weights, p)
    X_test = _check_queries(X_test, model, "X_test")
    y_test = _check_targets(y_test, len(X_test), "y_test", "X_test")
    winners, tied = _votes_by_k(model, X_test)
    correct = winners == _encode(y_test, model.classes_)[:, None]
    k_max = int(model.n_neighbors)
    return KSweep(
        k=np.arange(1, k_max + 1),
        accuracy=correct.mean(axis=0),
        tie_rate=tied.mean(axis=0),
    )


def accuracy_by_k(
    X_train, y_train, X_test, y_test, k_max, *, metric="euclidean", weights="uniform", p=2.0
):
    """Test accuracy of a KNN classifier for every ``k = 1 .. k_max``, from one search.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        Training points.
    y_train : array-like of shape (n_train,)
        Training labels.
    X_test : array-like of shape (n_test, n_features)
        Test points.
    y_test : array-like of shape (n_test,)
        Test labels.
    k_max : int
        Largest k, ``1 <= k_max <= n_train``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        Vote weighting.
    p : float, default=2.0
        Minkowski exponent, ``p >= 1``.

    Returns
    -------
    ndarray of shape (k_max,)
        Entry ``k - 1`` is the fraction of test points predicted correctly with k neighbours.

    See Also
    --------
    evaluate_by_k : the same sweep with the tie rate.

    Examples
    --------
    >>> X_train = [[0, 0], [1, 0], [5, 5], [6, 5], [0, 1]]
    >>> accuracy_by_k(X_train, ["a", "a", "b", "b", "b"], [[0.2, 0], [5.5, 5]], ["a", "b"], 5)
    array([1. , 1. , 1. , 1. , 0.5])
    """
    return evaluate_by_k(
        X_train, y_train, X_test, y_test, k_max, metric=metric, weights=weights, p=p
    ).accuracy


def tie_rate_by_k(
    X_train, y_train, X_query, k_max, *, metric="euclidean", weights="uniform", p=2.0
):
    """Fraction of query points whose vote ties, for every ``k = 1 .. k_max``.

    With two classes and uniform weights only even k can tie; this shows how often.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        Training points.
    y_train : array-like of shape (n_train,)
        Training labels.
    X_query : array-like of shape (n_queries, n_features)
        Points to classify (no labels needed).
    k_max : int
        Largest k, ``1 <= k_max <= n_train``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        Vote weighting.
    p : float, default=2.0
        Minkowski exponent, ``p >= 1``.

    Returns
    -------
    ndarray of shape (k_max,)
        Entry ``k - 1`` is the fraction of queries with a tied vote at k.

    Examples
    --------
    >>> tie_rate_by_k([[0], [1], [2], [3]], [0, 1, 0, 1], [[0.1], [2.9]], 4)
    array([0., 1., 0., 1.])
    """
    model = _fit(X_train, y_train, k_max, metric, weights, p)
    X_query = _check_queries(X_query, model, "X_query")
    return _votes_by_k(model, X_query)[1].mean(axis=0)


def cross_val_accuracy_by_k(
    X,
    y,
    k_max,
    *,
    n_folds=5,
    seed=0,
    metric="euclidean",
    weights="uniform",
    p=2.0,
    return_folds=False,
):
    """Cross-validated accuracy for every ``k = 1 .. k_max`` (shuffled k-fold).

    The rows are shuffled with ``numpy.random.default_rng(seed)`` and cut into ``n_folds``
    nearly equal folds (``np.array_split``); each fold is the test set once, the rest the
    training set, and each fold costs one neighbour search at ``k_max``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Points.
    y : array-like of shape (n_samples,)
        Labels.
    k_max : int
        Largest k; every training part must hold at least ``k_max`` rows.
    n_folds : int, default=5
        Number of folds, ``2 <= n_folds <= n_samples``.
    seed : int, default=0
        Seed of the shuffle; the same seed gives the same folds.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    weights : {"uniform", "distance"}, default="uniform"
        Vote weighting.
    p : float, default=2.0
        Minkowski exponent, ``p >= 1``.
    return_folds : bool, default=False
        Also return the accuracy of every fold.

    Returns
    -------
    mean : ndarray of shape (k_max,)
        Mean over folds of the fold accuracy at each k.
    folds : ndarray of shape (n_folds, k_max), optional
        Accuracy of each fold, only with ``return_folds=True``.

    Examples
    --------
    >>> X = [[0], [1], [2], [3], [10], [11], [12], [13]]
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> cross_val_accuracy_by_k(X, y, 3, n_folds=4).tolist()
    [1.0, 1.0, 1.0]
    """
    X = check_array(X, "X")
    y = _check_targets(y, len(X), "y", "X")
    n = len(X)
    if isinstance(n_folds, bool | np.bool_) or not isinstance(n_folds, numbers.Integral):
        raise ValueError(f"Expected n_folds to be an integer >= 2, but got n_folds = {n_folds!r}")
    n_folds = int(n_folds)
    if not 2 <= n_folds <= n:
        raise ValueError(
            f"Expected 2 <= n_folds <= n_samples, but n_samples = {n}, n_folds = {n_folds}"
        )
    folds = np.array_split(np.random.default_rng(seed).permutation(n), n_folds)
    smallest_train = n - max(len(f) for f in folds)
    check_n_neighbors(k_max, n, name="k_max")
    if k_max > smallest_train:
        raise ValueError(
            f"Expected k_max <= the smallest training part (n_samples - largest fold), but "
            f"n_samples = {n}, n_folds = {n_folds}, smallest training part = {smallest_train}, "
            f"k_max = {k_max}"
        )
    scores = np.empty((n_folds, int(k_max)))
    for i, test in enumerate(folds):
        train = np.setdiff1d(np.arange(n), test, assume_unique=True)
        scores[i] = accuracy_by_k(
            X[train], y[train], X[test], y[test], k_max, metric=metric, weights=weights, p=p
        )
    mean = scores.mean(axis=0)
    return (mean, scores) if return_folds else mean


# --------------------------------------------------------------------------------------------
# Which classes are mistaken for which
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ConfusionMatrix:
    """Counts of true class against predicted class.

    Attributes
    ----------
    classes : ndarray of shape (n_classes,)
        The labels, in the order of the rows and the columns.
    counts : ndarray of int, shape (n_classes, n_classes)
        ``counts[i, j]``: points of true class ``classes[i]`` predicted as ``classes[j]``;
        the diagonal holds the right predictions.
    """

    classes: np.ndarray
    counts: np.ndarray

    def __post_init__(self):
        self.classes.flags.writeable = False
        self.counts.flags.writeable = False

    @property
    def total(self) -> int:
        """Number of points counted."""
        return int(self.counts.sum())

    @property
    def n_correct(self) -> int:
        """Number of right predictions (the diagonal)."""
        return int(np.trace(self.counts))

    @property
    def accuracy(self) -> float:
        """Fraction of right predictions (NaN when nothing was counted)."""
        return self.n_correct / self.total if self.total else float("nan")

    def mistakes(self) -> list[tuple[int, int, int]]:
        """Return ``(true_index, predicted_index, count)`` of every mix-up, most frequent first.

        Equal counts keep the row order, then the column order.
        """
        off = self.counts.copy()
        np.fill_diagonal(off, 0)
        rows, cols = np.nonzero(off)
        order = np.argsort(-off[rows, cols], kind="stable")
        return [(int(rows[i]), int(cols[i]), int(off[rows[i], cols[i]])) for i in order]


def confusion_matrix(y_true, y_pred, classes=None):
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    classes : array-like of shape (n_classes,), optional
        The labels of the rows and columns, in that order (say a model's ``classes_``).
        Default: the sorted labels found in ``y_true`` and ``y_pred``.

    Returns
    -------
    ConfusionMatrix
        Rows are true classes, columns predicted classes (scikit-learn's convention).

    Raises
    ------
    ValueError
        If the two label arrays differ in length, or hold a label that is not in ``classes``.

    Examples
    --------
    >>> cm = confusion_matrix(["a", "a", "b", "b", "b"], ["a", "b", "b", "b", "a"])
    >>> cm.classes.tolist(), cm.counts.tolist()
    (['a', 'b'], [[1, 1], [1, 2]])
    >>> cm.n_correct, cm.total, cm.mistakes()
    (3, 5, [(0, 1, 1), (1, 0, 1)])
    """
    y_true = np.asarray(y_true)
    y_pred = _check_targets(y_pred, len(y_true), "y_pred", "y_true")
    if y_true.ndim != 1:
        raise ValueError(f"Expected y_true to be 1-D, but got an array with shape {y_true.shape}")
    if classes is None:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    classes = np.asarray(classes)
    order = np.argsort(classes, kind="stable")  # _encode searches sorted labels

    def codes_of(labels):
        codes = _encode(labels, classes[order])
        return np.where(codes >= 0, order[codes], -1)

    true_codes, pred_codes = codes_of(y_true), codes_of(y_pred)
    unknown = np.concatenate([y_true[true_codes < 0], y_pred[pred_codes < 0]])
    if len(unknown):
        raise ValueError(
            f"Expected every label in classes = {classes.tolist()!r}, but got {unknown[0].item()!r}"
        )
    n = len(classes)
    counts = np.bincount(true_codes * n + pred_codes, minlength=n * n).reshape(n, n)
    return ConfusionMatrix(classes=classes.copy(), counts=counts)
