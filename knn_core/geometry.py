"""Plot geometry that depends on the metric: neighbourhood outlines and plot bounds.

The Playground draws the neighbourhood out to the k-th neighbour "in the metric's own shape"
(``Metric.shape`` in :mod:`knn_core.metrics`): a circle for Euclidean distance, a diamond for
Manhattan, a square for Chebyshev and the superellipse ``|dx|**p + |dy|**p = r**p`` for
Minkowski. These outlines are the sets of points at exactly distance ``r`` from the centre.
"""

from __future__ import annotations

import math

import numpy as np

from knn_core._validation import MAX_ABS_VALUE
from knn_core.metrics import exponent

__all__ = ["QUERY_REACH", "ball_outline", "clamp_query", "plot_bounds", "query_limits"]

#: How far beyond the plot a query may lie, in plot widths, before a page moves it back.
QUERY_REACH = 10.0


def ball_outline(center, radius, metric="euclidean", *, p=2.0, n_points=241):
    """Return the closed outline of the 2-D ball ``{z : d(z, center) = radius}``.

    Parameters
    ----------
    center : array-like of shape (2,)
        The centre of the ball, for example the query point.
    radius : float
        The distance to the k-th neighbour; ``0`` gives a single point.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        The metric whose ball is drawn.
    p : float, default=2.0
        The Minkowski exponent, used only when ``metric="minkowski"``; must be >= 1.
    n_points : int, default=241
        Number of vertices of the outline (the first vertex is repeated at the end).

    Returns
    -------
    xs, ys : ndarray of shape (n_points,)
        Coordinates of the outline; every vertex lies at distance ``radius`` from ``center``.

    Examples
    --------
    >>> xs, ys = ball_outline((0.0, 0.0), 1.0, "manhattan", n_points=5)
    >>> [(float(x), float(y)) for x, y in zip(xs, ys)]
    [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (-0.0, -1.0), (1.0, -0.0)]
    """
    q = exponent(metric, p)
    cx, cy = (float(v) for v in np.asarray(center, dtype=float).reshape(2))
    radius = float(radius)
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"Expected a finite radius >= 0, but got radius = {radius!r}")
    t = np.linspace(0.0, 2.0 * np.pi, int(n_points))
    c, s = np.cos(t), np.sin(t)
    # Scale each direction (cos t, sin t) onto the unit sphere of the p-norm.
    if np.isinf(q):
        norm = np.maximum(np.abs(c), np.abs(s))
    else:
        norm = (np.abs(c) ** q + np.abs(s) ** q) ** (1.0 / q)
    xs = cx + radius * c / norm
    ys = cy + radius * s / norm
    return np.round(xs, 12), np.round(ys, 12)


def plot_bounds(X, *, pad=0.08, min_span=1.0):
    """Return square-ish padded ``(x_range, y_range)`` that contain every 2-D point of ``X``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points to show.
    pad : float, default=0.08
        Margin added on each side, as a fraction of the larger span.
    min_span : float, default=1.0
        Smallest span of an axis, so that a single point or a line still gets an area.

    Returns
    -------
    x_range, y_range : tuple of float
        ``(low, high)`` for each axis. Both axes get the same span, so that a circle drawn with
        equal axis scaling fills the plot evenly.

    Examples
    --------
    >>> plot_bounds([[0, 0], [10, 4]], pad=0.0)
    ((0.0, 10.0), (-3.0, 7.0))
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"Expected X of shape (n_samples, 2) with n_samples >= 1, got {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = max(float((hi - lo).max()), min_span)
    mid = (lo + hi) / 2.0
    half = span / 2.0 * (1.0 + 2.0 * pad)
    return (
        (float(mid[0] - half), float(mid[0] + half)),
        (float(mid[1] - half), float(mid[1] + half)),
    )


def query_limits(bounds, *, reach=QUERY_REACH):
    """Return the ``(x_range, y_range)`` a query point may take for a plot of ``bounds``.

    The plot's ranges widened by ``reach`` times their span on each side, and never past
    :data:`knn_core._validation.MAX_ABS_VALUE` in size: distances from a query in these limits
    to the data can always be computed.

    Examples
    --------
    >>> query_limits(((0.0, 1.0), (-1.0, 1.0)), reach=2.0)
    ((-2.0, 3.0), (-5.0, 5.0))
    """
    out = []
    for lo, hi in bounds:
        lo, hi = float(lo), float(hi)
        span = hi - lo
        out.append((max(lo - reach * span, -MAX_ABS_VALUE), min(hi + reach * span, MAX_ABS_VALUE)))
    return out[0], out[1]


def clamp_query(query, bounds, *, reach=QUERY_REACH):
    """Move a query into :func:`query_limits`; return ``(point, moved)``.

    A query far outside the data (from a link, or typed in) would not be seen on the plot,
    and values such as ``1e308`` make every distance infinite. A coordinate beyond the limits
    goes to the nearest limit; a NaN coordinate goes to the middle of the plot.

    Parameters
    ----------
    query : pair of float
        The query point.
    bounds : pair of (low, high)
        The plot's ranges, as :func:`plot_bounds` returns them.
    reach : float, default=QUERY_REACH
        How many plot widths beyond the plot a query may lie.

    Returns
    -------
    point : tuple of two float
        The query, moved if needed.
    moved : bool
        Whether it was moved.

    Examples
    --------
    >>> clamp_query((1e308, 0.5), ((0.0, 1.0), (0.0, 1.0)))
    ((11.0, 0.5), True)
    >>> clamp_query((float("nan"), 0.5), ((0.0, 1.0), (0.0, 1.0)))
    ((0.5, 0.5), True)
    >>> clamp_query((2.0, 3.0), ((0.0, 1.0), (0.0, 1.0)))
    ((2.0, 3.0), False)
    """
    limits = query_limits(bounds, reach=reach)
    point = []
    for value, (lo, hi), (plot_lo, plot_hi) in zip(query, limits, bounds, strict=True):
        value = float(value)
        if math.isnan(value):
            point.append((float(plot_lo) + float(plot_hi)) / 2.0)
        else:
            point.append(min(max(value, lo), hi))
    moved = any(not (a == b) for a, b in zip(point, (float(v) for v in query), strict=True))
    return (point[0], point[1]), moved
