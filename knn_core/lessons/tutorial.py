"""The two tutorials' API, kept alive as thin layers over the same engine.

Tutorial 1 teaches a function, ``knn(new, train, labels, k=3, mode="c")``; tutorial 2 a class,
``KNN(num_neighbors=5)`` with ``fit`` / ``get_distance`` / ``get_neighbors`` / ``predict``, and a
toy data generator, ``gen_data``. Their answers come from :mod:`knn_core.models`, so the
tutorials, the app and the tests can never disagree (ties included: see
:data:`knn_core.neighbors.TIE_RULE`, which is also what ``scipy.stats.mode`` does).
"""

from __future__ import annotations

import numbers

import numpy as np

from knn_core._validation import check_array, check_fitted, check_n_neighbors
from knn_core.models import KNNClassifier, KNNRegressor

__all__ = ["KNN", "gen_data", "knn"]

_MODES = ("c", "r")


def knn(new, train, labels, k=3, mode="c"):
    """Predict with the k nearest training points, as tutorial 1 does.

    Parameters
    ----------
    new : array-like of shape (n_features,) or (n_queries, n_features)
        One point (a 1-D array of length ``n_features``), or several rows.
    train : array-like of shape (n_samples, n_features)
        Training points.
    labels : array-like of shape (n_samples,)
        Their labels (``mode="c"``) or numeric targets (``mode="r"``).
    k : int, default=3
        Number of neighbours (Euclidean distance; equal distances: lower training index first).
    mode : {"c", "r"}, default="c"
        ``"c"``: classification, the most common label (ties: the smallest label, as
        ``scipy.stats.mode``). ``"r"``: regression, the mean of the neighbours' values.

    Returns
    -------
    scalar or ndarray
        One prediction for one point, an array of predictions for several rows.

    Raises
    ------
    ValueError
        For an unknown ``mode``, a bad ``k`` or bad data.

    Examples
    --------
    >>> train = [[0, 0], [0, 1], [5, 5], [6, 5]]
    >>> str(knn([0.2, 0.4], train, ["red", "red", "blue", "blue"], k=3))
    'red'
    >>> float(knn([5.5, 5.0], train, [0.0, 0.0, 1.0, 3.0], k=2, mode="r"))
    2.0
    >>> knn([[0, 0], [6, 6]], train, [0, 0, 1, 1], k=1).tolist()
    [0, 1]
    """
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(
            "Expected mode to be one of 'c' (classification) or 'r' (regression), "
            f"but got mode = {mode!r}"
        )
    train = check_array(train, "train")
    k = check_n_neighbors(k, len(train), name="k")
    Q = check_array(new, "new", ensure_2d=False)
    one = Q.ndim == 1
    model_cls = KNNClassifier if mode == "c" else KNNRegressor
    out = model_cls(k).fit(train, labels).predict(Q.reshape(1, -1) if one else Q)
    return out[0] if one else out


class KNN:
    """Tutorial 2's k-nearest-neighbours class: the mean of the neighbours' labels.

    A thin layer over :class:`knn_core.models.KNNRegressor` (Euclidean, uniform weights).

    Parameters
    ----------
    num_neighbors : int, default=5
        Number of neighbours averaged.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        The memorised training points (after ``fit``).
    y : ndarray of shape (n_samples,)
        The memorised labels, as floats.

    Examples
    --------
    >>> model = KNN(num_neighbors=2).fit([[0.0], [1.0], [9.0]], [0, 0, 1])
    >>> model.get_neighbors([8.0])
    [(2, 1.0), (1, 7.0)]
    >>> model.predict([[8.0], [0.5]]).tolist()
    [0.5, 0.0]
    """

    def __init__(self, num_neighbors=5):
        self.num_neighbors = num_neighbors

    def __repr__(self) -> str:
        return f"KNN(num_neighbors={self.num_neighbors!r})"

    def fit(self, X, y):
        """Memorise the training data, as the tutorial does (KNN learns nothing else).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training points.
        y : array-like of shape (n_samples,)
            Numeric labels.

        Returns
        -------
        self : KNN
        """
        self._model = KNNRegressor(self.num_neighbors).fit(X, y)
        self._index = self._model._index
        self.X = self._model._fit_X
        self.y = self._model._y
        return self

    def get_distance(self, a, b):
        """Return the Euclidean distance between two points.

        Parameters
        ----------
        a, b : array-like of shape (n_features,)
            The two points.

        Returns
        -------
        float

        Examples
        --------
        >>> KNN().get_distance([0, 0], [3, 4])
        5.0
        """
        a = check_array(a, "a", ensure_2d=False).ravel()
        b = check_array(b, "b", ensure_2d=False).ravel()
        if a.shape != b.shape:
            raise ValueError(
                "Expected a and b to have the same number of features, but got "
                f"{a.size} and {b.size}"
            )
        return float(np.sqrt(np.sum((a - b) ** 2)))

    def get_neighbors(self, example):
        """Return the nearest training points of one example, nearest first.

        Parameters
        ----------
        example : array-like of shape (n_features,)
            One point.

        Returns
        -------
        list of (int, float)
            ``(train_index, distance)`` of the first ``num_neighbors`` neighbours; equal
            distances list the lower index first.
        """
        check_fitted(self)
        dist, ind = self._model.kneighbors(example)
        if len(ind) != 1:
            raise ValueError(
                f"Expected example to be one point of {self._model.n_features_in_} features, "
                f"but got {len(ind)} rows"
            )
        return [(int(i), float(d)) for i, d in zip(ind[0], dist[0], strict=True)]

    def predict(self, X):
        """Return the mean label of the neighbours of every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or (n_features,)
            Query rows (a 1-D array is one point).

        Returns
        -------
        ndarray of shape (n_queries,)
        """
        check_fitted(self)
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
        Where the randomness comes from; ``None`` draws fresh numbers. A Generator is used
        (and advanced) as given.

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
    if not isinstance(sigma, numbers.Real) or not (np.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"Expected sigma to be a finite number >= 0, but got sigma = {sigma!r}")
    if not isinstance(mu, numbers.Real) or not np.isfinite(mu):
        raise ValueError(f"Expected mu to be a finite number, but got mu = {mu!r}")
    try:
        shape = tuple(int(s) for s in size)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(
            f"Expected size = (n_samples, n_features) with both >= 1, but got size = {size!r}"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    X = rng.normal(mu, sigma, shape)
    return X, np.full(shape[0], y)
