"""The distance metrics, declared once: every part of the app reads this registry.

Each :class:`Metric` says what a metric is called (``name`` in code, ``label`` on screen and in
share links), its exponent ``p`` (``None``: the user's Minkowski ``p``), the shape of its
neighbourhood in the plane, and whether ``scipy.spatial.cKDTree`` finds exactly the same
neighbours as brute force for it. The search (:mod:`knn_core.neighbors`), the outlines
(:mod:`knn_core.geometry`), the surfaces' certificates (:mod:`knn_core.surface`), the traces
(:mod:`knn_core.lessons.trace`) and the pages all take their metric from here, so adding a
metric means adding one entry (and its tests).

Examples
--------
>>> METRICS["manhattan"].label, METRICS["manhattan"].shape, exponent("manhattan", 3.0)
('Manhattan', 'diamond', 1.0)
>>> import numpy as np
>>> distance(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]), "euclidean").tolist()
[[5.0]]
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

__all__ = [
    "METRICS",
    "Metric",
    "check_metric",
    "distance",
    "exponent",
    "norm",
    "power_sum",
]


@dataclass(frozen=True)
class Metric:
    """One distance metric of the registry.

    Attributes
    ----------
    name : str
        The engine's name (``KNNClassifier(metric=name)``).
    label : str
        The name shown on screen and written into share links (one short word).
    p : float or None
        The exponent of the p-norm: 2 Euclidean, 1 Manhattan, ``inf`` Chebyshev; ``None`` for
        Minkowski, which takes the user's ``p``.
    shape : str
        The shape of its neighbourhood in the plane (the set at one distance from a point).
    formula : str
        The distance between two 2-D points, in words a student can check.
    tree_exact : bool
        Whether a ``cKDTree`` search with this metric returns the same neighbours as brute
        force (so the engine may use the tree).
    """

    name: str
    label: str
    p: float | None
    shape: str
    formula: str
    tree_exact: bool = True

    def exponent(self, p: float = 2.0) -> float:
        """Return this metric's p-norm exponent (``p`` itself for Minkowski)."""
        return float(p) if self.p is None else self.p

    @property
    def caption(self) -> str:
        """``"Euclidean: circle"``: the metric and the shape of its neighbourhood."""
        return f"{self.label}: {self.shape}"


#: Every metric, in the order the app offers them.
METRICS = {
    m.name: m
    for m in (
        Metric("euclidean", "Euclidean", 2.0, "circle", "√(Δx₁² + Δx₂²)"),
        Metric("manhattan", "Manhattan", 1.0, "diamond", "|Δx₁| + |Δx₂|"),
        Metric("chebyshev", "Chebyshev", np.inf, "square", "the larger of |Δx₁|, |Δx₂|"),
        Metric("minkowski", "Minkowski", None, "rounded square", "(|Δx₁|ᵖ + |Δx₂|ᵖ)^(1/p)"),
    )
}


def check_metric(metric, p=2.0) -> tuple[str, float]:
    """Return ``(metric, p)`` after checking the metric name and the Minkowski exponent.

    Parameters
    ----------
    metric : str
        A key of :data:`METRICS`.
    p : float, default=2.0
        The Minkowski exponent; must be a number >= 1 (``inf`` allowed). It is only used by
        ``"minkowski"`` but is checked for every metric, as scikit-learn does.

    Returns
    -------
    metric : str
    p : float

    Examples
    --------
    >>> check_metric("minkowski", 3)
    ('minkowski', 3.0)
    >>> check_metric("cosine")
    Traceback (most recent call last):
    ...
    ValueError: Expected metric to be one of 'euclidean', 'manhattan', 'chebyshev', \
'minkowski', but got metric = 'cosine'
    """
    if not isinstance(metric, str) or metric not in METRICS:
        allowed = ", ".join(repr(m) for m in METRICS)
        raise ValueError(f"Expected metric to be one of {allowed}, but got metric = {metric!r}")
    if isinstance(p, bool | np.bool_) or not isinstance(p, numbers.Real):
        raise ValueError(f"Expected p to be a number >= 1, but got p = {p!r}")
    p = float(p)
    if not p >= 1:  # also catches NaN
        raise ValueError(f"Expected p >= 1, but got p = {p!r}")
    return metric, p


def exponent(metric: str, p: float = 2.0) -> float:
    """Return the p-norm exponent of ``metric`` (checked), ``p`` itself for Minkowski.

    Examples
    --------
    >>> exponent("chebyshev"), exponent("minkowski", 3)
    (inf, 3.0)
    """
    metric, p = check_metric(metric, p)
    return METRICS[metric].exponent(p)


def norm(p: float, *parts):
    """Return the p-norm of the vectors with components ``parts`` (one array per coordinate).

    ``p`` is an exponent (see :func:`exponent`). Written out for 1, 2 and infinity, the usual
    cases, so that a 2-D norm over a large grid costs a few array operations and no stacking.

    Examples
    --------
    >>> [float(norm(p, 3.0, -4.0)) for p in (2.0, 1.0, float("inf"))]
    [5.0, 7.0, 4.0]
    """
    a = [np.abs(x) for x in parts]
    if p == 1.0:
        return sum(a[1:], a[0])
    if np.isinf(p):
        return functools.reduce(np.maximum, a)
    if p == 2.0:
        return np.sqrt(sum((x * x for x in a[1:]), a[0] * a[0]))
    return sum((x**p for x in a[1:]), a[0] ** p) ** (1.0 / p)


def power_sum(p: float, *parts):
    """Return the p-norm without its root: what the tutorial ranks by ("no sqrt needed").

    ``sum |d| ** p`` (for ``p = 2`` the squared Euclidean distance), and the largest ``|d|``
    for ``p = inf``. It orders points exactly as :func:`norm` does.

    Examples
    --------
    >>> float(power_sum(2.0, 3.0, -4.0)), float(power_sum(3.0, 1.0, 2.0))
    (25.0, 9.0)
    """
    a = [np.abs(x) for x in parts]
    if np.isinf(p):
        return functools.reduce(np.maximum, a)
    return sum((x**p for x in a[1:]), a[0] ** p)


def distance(Q, X, metric: str, p: float = 2.0):
    """Return the matrix of distances from every row of ``Q`` to every row of ``X``.

    ``scipy.spatial.distance.cdist`` with the metric's own kernel (the brute-force search path).
    """
    q = exponent(metric, p)
    if q == 2.0:
        return cdist(Q, X, "euclidean")
    if q == 1.0:
        return cdist(Q, X, "cityblock")
    if np.isinf(q):
        return cdist(Q, X, "chebyshev")
    return cdist(Q, X, "minkowski", p=q)
