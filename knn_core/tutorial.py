"""The two tutorials' API, kept alive as thin layers over the same engine.

Tutorial 1 teaches a function, ``knn(new, train, labels, k=3, mode="c")``; tutorial 2 a class,
``KNN(num_neighbors=5)`` with ``fit`` / ``get_distance`` / ``get_neighbors`` / ``predict``, and a
toy data generator, ``gen_data``. Their answers come from :mod:`knn_core.models`, so the
tutorials, the app and the tests can never disagree (ties included: see
:data:`knn_core.neighbors.TIE_RULE`, which is also what ``scipy.stats.mode`` does).
"""

from __future__ import annotations

import numpy as np

from knn_core._validation import check_array
from knn_core.models import KNNClassifier, KNNRegressor

__all__ = ["KNN", "gen_data", "knn"]

_MODES = ("c", "r")


def knn(new, train, labels, k=3, mode="c"):
    """Predict with the k nearest training points, as tutorial 1 does.

    Parameters
    ----------
    new : array-like of shape (n_features,) or (n_queries, n_features)
        One point, or several rows.
    train : array-like of shape (n_samples, n_features)
        Training points.
    labels : array-like of shape (n_samples,)
        Their labels (``mode="c"``) or numeric targets (``mode="r"``).
    k : int, default=3
        Number of neighbours.
    mode : {"c", "r"}, default="c"
        ``"c"``: classification, the most common label (ties: the smallest label, as
        ``scipy.stats.mode``). ``"r"``: regression, the mean of the neighbours' values.

    Returns
    -------
    scalar or ndarray
        One prediction for one point, an array for several rows.

    Examples
    --------
    >>> train = [[0, 0], [0, 1], [5, 5], [6, 5]]
    >>> str(knn([0.2, 0.4], train, ["red", "red", "blue", "blue"], k=3))
    'red'
    >>> float(knn([5.5, 5.0], train, [0.0, 0.0, 1.0, 3.0], k=2, mode="r"))
    2.0
    """
    if mode not in _MODES:
        raise ValueError(
            f"Expected mode to be one of 'c' (classification) or 'r' (regression), "
            f"but got mode = {mode!r}"
        )
    Q = check_array(new, "new", ensure_2d=False)
    one = Q.ndim == 1
    model_cls = KNNClassifier if mode == "c" else KNNRegressor
    out = model_cls(k).fit(train, labels).predict(Q.reshape(1, -1) if one else Q)
    return out[0] if one else out


class KNN:
    """Tutorial 2's k-nearest-neighbours class: the mean of the neighbours' labels.

    Parameters
    ----------
    num_neighbors : int, default=5
        Number of neighbours averaged.

    Examples
    --------
    >>> model = KNN(num_neighbors=2)
    >>> model.fit([[0.0], [1.0], [9.0]], [0, 0, 1])
    >>> model.get_neighbors([8.0])
    [(2, 1.0), (1, 7.0)]
    >>> model.predict([[8.0], [0.5]]).tolist()
    [0.5, 0.0]
    """

    def __init__(self, num_neighbors=5):
        self.num_neighbors = num_neighbors

    def fit(self, X, y):
        """Memorise the training data, as the tutorial does (KNN learns nothing else)."""
        self._model = KNNRegressor(self.num_neighbors).fit(X, y)
        self.X = self._model._fit_X
        self.y = self._model._y

    def get_distance(self, a, b):
        """Return the Euclidean distance between two points."""
        a = check_array(a, "a", ensure_2d=False).ravel()
        b = check_array(b, "b", ensure_2d=False).ravel()
        if a.shape != b.shape:
            raise ValueError(
                f"Expected a and b to have the same number of features, but got "
                f"{a.size} and {b.size}"
            )
        return float(np.sqrt(np.sum((a - b) ** 2)))

    def get_neighbors(self, example):
        """Return ``[(train_index, distance), ...]`` of the nearest points, nearest first."""
        if not hasattr(self, "_model"):
            raise ValueError("This KNN instance is not fitted yet. Call 'fit' first.")
        dist, ind = self._model.kneighbors(example)
        return [(int(i), float(d)) for i, d in zip(ind[0], dist[0], strict=True)]

    def predict(self, X):
        """Return the mean label of the neighbours of every row of ``X``."""
        if not hasattr(self, "_model"):
            raise ValueError("This KNN instance is not fitted yet. Call 'fit' first.")
        return self._model.predict(X)


def gen_data(mu=0, sigma=1, y=0, size=(1000, 10), seed=None):
    """Draw a Gaussian blob with one constant label, as tutorial 2 does.

    Parameters
    ----------
    mu : float, default=0
        Mean of every feature.
    sigma : float, default=1
        Standard deviation of every feature (>= 0).
    y : int or float, default=0
        The label given to every row.
    size : tuple of int, default=(1000, 10)
        ``(n_samples, n_features)``.
    seed : int, numpy.random.Generator or None, default=None
        Where the randomness comes from; ``None`` draws fresh numbers.

    Returns
    -------
    X : ndarray of shape size
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> X, y = gen_data(mu=1, sigma=3, y=0, size=(30, 10), seed=0)
    >>> X.shape, y[:3].tolist()
    ((30, 10), [0, 0, 0])
    """
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"Expected sigma to be a finite number >= 0, but got sigma = {sigma!r}")
    size = tuple(int(s) for s in size)
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"Expected size = (n_samples, n_features) >= 1, but got size = {size}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    X = rng.normal(mu, sigma, size)
    return X, np.full(size[0], y)
