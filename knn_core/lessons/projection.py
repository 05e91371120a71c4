"""Looking at many dimensions: a PCA projection to 2-D and the curse of dimensionality.

:func:`pca` projects data with many features (like the tutorial's 10-D blobs) onto the plane that
keeps the most variance, so it can be drawn. :func:`distance_ratio_curve` measures why KNN gets
harder in high dimensions: the nearest and the farthest point end up almost equally far away.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_DIMS", "PCAResult", "distance_ratio_curve", "pca"]

DEFAULT_DIMS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


@dataclass(frozen=True)
class PCAResult:
    """A fitted principal component analysis.

    Parameters
    ----------
    components : ndarray of shape (n_components, n_features)
        Unit-length principal axes, in order of decreasing variance. The sign of each axis is
        fixed so that its entry of largest absolute value is positive (as in scikit-learn).
    mean : ndarray of shape (n_features,)
        Mean of the data, subtracted before projecting.
    explained_variance : ndarray of shape (n_components,)
        Variance of the data along each axis (with the ``n_samples - 1`` divisor).
    explained_variance_ratio : ndarray of shape (n_components,)
        Fraction of the total variance along each axis; sums to 1 when every axis is kept.
        All zeros for data with no variance at all.
    """

    components: np.ndarray
    mean: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray

    def transform(self, Z):
        """Project points onto the principal axes.

        Parameters
        ----------
        Z : array-like of shape (n_points, n_features)
            Points with the same features as the fitted data.

        Returns
        -------
        ndarray of shape (n_points, n_components)
            Coordinates of the points along the principal axes.

        Examples
        --------
        >>> result = pca([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]], n_components=1)
        >>> result.transform([[3.0, 5.0]]).tolist()
        [[1.0]]
        """
        Z = np.asarray(Z, dtype=np.float64)
        n_features = self.mean.shape[0]
        if Z.ndim != 2 or Z.shape[1] != n_features:
            raise ValueError(
                f"Expected Z of shape (n_points, {n_features}) like the fitted data, but got Z "
                f"with shape {Z.shape}"
            )
        return (Z - self.mean) @ self.components.T


def pca(X, n_components=2):
    """Find the principal axes of ``X`` with a singular value decomposition of centred data.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; at least 2 rows, all values finite.
    n_components : int, default=2
        Number of axes to keep, from 1 to ``min(n_samples, n_features)``.

    Returns
    -------
    PCAResult
        Axes, mean, variances and the ``transform`` method.

    Examples
    --------
    >>> X = [[0.0, 2.0], [0.0, -2.0], [1.0, 0.0], [-1.0, 0.0]]
    >>> result = pca(X, n_components=2)
    >>> (np.abs(np.round(result.components, 12)) + 0.0).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    >>> np.round(result.explained_variance_ratio, 12).tolist()
    [0.8, 0.2]
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 1:
        raise ValueError(
            f"Expected X of shape (n_samples, n_features) with n_samples >= 2 and "
            f"n_features >= 1, but got X with shape {X.shape}"
        )
    if not np.all(np.isfinite(X)):
        row, col = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"Expected finite values in X, but X contains NaN or infinity at row {row}, "
            f"column {col}"
        )
    n_samples, n_features = X.shape
    limit = min(n_samples, n_features)
    if (
        not isinstance(n_components, numbers.Integral)
        or isinstance(n_components, bool)
        or not 1 <= n_components <= limit
    ):
        raise ValueError(
            f"Expected n_components from 1 to min(n_samples, n_features) = {limit}, but got "
            f"n_components = {n_components!r}"
        )
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    # Fix the signs: the largest entry (in absolute value) of each axis is positive.
    biggest = np.argmax(np.abs(vt), axis=1)
    signs = np.sign(vt[np.arange(len(vt)), biggest])
    vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
    variance = s**2 / (n_samples - 1)
    total = variance.sum()
    ratio = variance / total if total > 0 else np.zeros_like(variance)
    k = int(n_components)
    return PCAResult(
        components=np.ascontiguousarray(vt[:k]),
        mean=mean,
        explained_variance=variance[:k],
        explained_variance_ratio=ratio[:k],
    )


def distance_ratio_curve(dims=DEFAULT_DIMS, n_samples=500, n_queries=50, seed=0):
    """Measure how the nearest and the farthest point become equally far in high dimensions.

    For each dimension ``d``, ``n_samples`` points and ``n_queries`` query points are drawn
    uniformly from the unit cube ``[0, 1]^d``. For each query the ratio
    ``nearest distance / farthest distance`` (Euclidean) to the points is computed. In 2-D the
    nearest point is much closer than the farthest (a ratio near 0); as ``d`` grows the ratio
    climbs towards 1, so "nearest" means less and less: the curse of dimensionality.

    Parameters
    ----------
    dims : sequence of int, default=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
        Dimensions to measure, each from 1 to 100,000.
    n_samples : int, default=500
        Number of data points per dimension, at least 2.
    n_queries : int, default=50
        Number of query points per dimension, at least 1.
    seed : int, default=0
        Seed of the random generator; the same seed gives the same curve.

    Returns
    -------
    dims : ndarray of shape (n_dims,), intp
        The dimensions.
    ratio_mean : ndarray of shape (n_dims,), float64
        Mean over the queries of nearest / farthest distance.
    ratio_std : ndarray of shape (n_dims,), float64
        Standard deviation of that ratio over the queries.

    Examples
    --------
    >>> dims, mean, std = distance_ratio_curve(dims=(2, 1000), n_samples=200, n_queries=20)
    >>> bool(mean[0] < 0.1 < 0.7 < mean[1] < 1.0)
    True
    """
    dims_arr = np.asarray(dims)
    if (
        dims_arr.ndim != 1
        or dims_arr.size == 0
        or not np.issubdtype(dims_arr.dtype, np.integer)
        or np.any(dims_arr < 1)
        or np.any(dims_arr > 100_000)
    ):
        raise ValueError(
            f"Expected dims to be a non-empty sequence of integers from 1 to 100,000, but got "
            f"dims = {dims!r}"
        )
    for name, value, low in (("n_samples", n_samples, 2), ("n_queries", n_queries, 1)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            raise ValueError(f"Expected {name} to be an integer >= {low}, but got {value!r}")
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"Expected seed to be an integer >= 0, but got seed = {seed!r}")
    rng = np.random.default_rng(int(seed))
    means = np.empty(len(dims_arr))
    stds = np.empty(len(dims_arr))
    for i, d in enumerate(dims_arr.tolist()):
        points = rng.random((int(n_samples), d))
        queries = rng.random((int(n_queries), d))
        # |q - x|^2 = |q|^2 + |x|^2 - 2 q.x, one matrix product for all pairs.
        sq = (
            np.einsum("ij,ij->i", queries, queries)[:, None]
            + np.einsum("ij,ij->i", points, points)[None, :]
            - 2.0 * queries @ points.T
        )
        dist = np.sqrt(np.maximum(sq, 0.0))
        ratio = dist.min(axis=1) / dist.max(axis=1)
        means[i] = ratio.mean()
        stds[i] = ratio.std()
    return dims_arr.astype(np.intp), means, stds
