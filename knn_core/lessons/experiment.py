"""The second tutorial's experiment, run end to end with the tutorial's own API.

The tutorial draws 30 points around mean 1 (label 0) and 20 around mean 5 (label 1), with
``sigma = 3`` and 10 features, fits ``KNN(num_neighbors=5)`` and predicts four new rows: all 1s,
all 2s, all 4s and all 5s. The predictions (the mean label of the 5 neighbours) rise from about
0 to about 1. :func:`tutorial_experiment` does exactly that with
:func:`knn_core.lessons.tutorial.gen_data` and :class:`knn_core.lessons.tutorial.KNN`, and adds what
a page needs to show it: the neighbours of every new row, a 2-D PCA view of the 10-D data, and the
prediction along the whole diagonal.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core.lessons.projection import PCAResult, pca
from knn_core.lessons.tutorial import KNN, gen_data

__all__ = ["NEW_VALUES", "TUTORIAL", "ExperimentResult", "tutorial_experiment"]

#: The tutorial's parameters.
TUTORIAL = {
    "mu0": 1.0,
    "mu1": 5.0,
    "sigma": 3.0,
    "n0": 30,
    "n1": 20,
    "n_features": 10,
    "k": 5,
}
#: The tutorial's new rows are all-1, all-2, all-4 and all-5.
NEW_VALUES = (1.0, 2.0, 4.0, 5.0)


@dataclass(frozen=True, eq=False)
class ExperimentResult:
    """Everything the tutorial's experiment computed (see :func:`tutorial_experiment`).

    Parameters
    ----------
    X : ndarray of shape (n0 + n1, n_features)
        Training rows: the label-0 blob first, then the label-1 blob (as the tutorial stacks
        them).
    y : ndarray of shape (n0 + n1,)
        Labels, 0 then 1.
    model : KNN
        The tutorial's model, fitted on ``X, y``.
    new_values : ndarray of shape (n_new,)
        The value that fills each new row.
    X_new : ndarray of shape (n_new, n_features)
        The new rows.
    predictions : ndarray of shape (n_new,)
        ``model.predict(X_new)``: the mean label of each row's neighbours.
    neighbors : tuple of list of (int, float)
        ``model.get_neighbors(row)`` for every new row: (training index, distance), nearest
        first.
    projection : PCAResult
        Principal axes of ``X`` (2, or 1 with a single feature).
    X_2d, new_2d : ndarray
        Training rows and new rows projected on those axes.
    sweep_values, sweep_predictions : ndarray of shape (n_sweep,)
        The prediction for a row filled with each value ``v`` (the diagonal through the data).
    """

    X: np.ndarray
    y: np.ndarray
    model: KNN
    new_values: np.ndarray
    X_new: np.ndarray
    predictions: np.ndarray
    neighbors: tuple
    projection: PCAResult
    X_2d: np.ndarray
    new_2d: np.ndarray
    sweep_values: np.ndarray
    sweep_predictions: np.ndarray

    @property
    def rising(self) -> bool:
        """Whether the predictions never fall from one new row to the next, and end higher."""
        p = self.predictions
        return bool(np.all(np.diff(p) >= 0) and p[-1] > p[0])


def _count(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"Expected {name} to be an integer, but got {name} = {value!r}")
    if not low <= value <= high:
        raise ValueError(f"Expected {low} <= {name} <= {high}, but got {name} = {int(value)}")
    return int(value)


def tutorial_experiment(
    *,
    mu0=1.0,
    mu1=5.0,
    sigma=3.0,
    n0=30,
    n1=20,
    n_features=10,
    k=5,
    seed=0,
    new_values=NEW_VALUES,
    n_sweep=121,
):
    """Run the second tutorial's experiment (defaults: exactly the tutorial's parameters).

    The data come from one random generator seeded with ``seed``: first
    ``gen_data(mu=mu0, sigma=sigma, y=0, size=(n0, n_features))``, then
    ``gen_data(mu=mu1, sigma=sigma, y=1, size=(n1, n_features))``, stacked in that order.

    Parameters
    ----------
    mu0, mu1 : float, default=1.0, 5.0
        Mean of every feature of the label-0 and the label-1 rows.
    sigma : float, default=3.0
        Standard deviation of every feature (>= 0).
    n0, n1 : int, default=30, 20
        Number of label-0 and label-1 rows, each from 1 to 10,000.
    n_features : int, default=10
        Number of features, from 1 to 1,000.
    k : int, default=5
        The tutorial's ``num_neighbors``, from 1 to ``n0 + n1``.
    seed : int, default=0
        Seed of the random generator (>= 0).
    new_values : sequence of float, default=(1, 2, 4, 5)
        Each new row is filled with one of these values.
    n_sweep : int, default=121
        Number of values in the diagonal sweep (>= 2).

    Returns
    -------
    ExperimentResult

    Examples
    --------
    >>> result = tutorial_experiment(seed=0)
    >>> result.X.shape, result.X_new[1].tolist() == [2.0] * 10
    ((50, 10), True)
    >>> result.predictions.tolist(), result.rising
    ([0.0, 0.2, 1.0, 1.0], True)
    >>> row, distance = result.neighbors[0][0]  # the all-1 row's nearest training row
    >>> row, round(distance, 3), int(result.y[row])
    (18, 6.372, 0)
    """
    n0 = _count("n0", n0, 1, 10_000)
    n1 = _count("n1", n1, 1, 10_000)
    n_features = _count("n_features", n_features, 1, 1_000)
    k = _count("k", k, 1, n0 + n1)
    n_sweep = _count("n_sweep", n_sweep, 2, 100_000)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"Expected seed to be an integer >= 0, but got seed = {seed!r}")
    values = np.asarray(new_values, dtype=np.float64).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(
            f"Expected new_values to be a non-empty sequence of finite numbers, but got "
            f"new_values = {new_values!r}"
        )

    rng = np.random.default_rng(int(seed))
    X0, y0 = gen_data(mu=mu0, sigma=sigma, y=0, size=(n0, n_features), seed=rng)
    X1, y1 = gen_data(mu=mu1, sigma=sigma, y=1, size=(n1, n_features), seed=rng)
    X = np.vstack([X0, X1])
    y = np.concatenate([y0, y1])
    model = KNN(num_neighbors=k).fit(X, y)

    X_new = np.repeat(values[:, None], n_features, axis=1)
    predictions = model.predict(X_new)
    neighbors = tuple(model.get_neighbors(row) for row in X_new)

    projection = pca(X, n_components=min(2, n_features))
    lo = min(float(mu0), float(mu1), float(values.min())) - float(sigma) / 2 - 1.0
    hi = max(float(mu0), float(mu1), float(values.max())) + float(sigma) / 2 + 1.0
    sweep = np.linspace(lo, hi, n_sweep)
    sweep_predictions = model.predict(np.repeat(sweep[:, None], n_features, axis=1))
    return ExperimentResult(
        X=X,
        y=y,
        model=model,
        new_values=values,
        X_new=X_new,
        predictions=predictions,
        neighbors=neighbors,
        projection=projection,
        X_2d=projection.transform(X),
        new_2d=projection.transform(X_new),
        sweep_values=sweep,
        sweep_predictions=sweep_predictions,
    )
