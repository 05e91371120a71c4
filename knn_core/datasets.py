"""Toy data sets for the classroom: small 2-D classification pictures and a 1-D regression set.

Every generator is a plain function ``(n_samples=..., noise=..., seed=0)`` in the style of the
TensorFlow Playground's ``dataset.ts``: it imports nothing but numpy, fetches nothing, and gives
exactly the same points for the same arguments (it draws from ``np.random.default_rng(seed)``).

The classification generators return ``(X, y)`` where ``X`` is a float64 array of shape
``(n_samples, 2)`` and ``y`` holds intp class codes ``0 .. n_classes - 1``. The rows come in a
random order (drawn from the same seed), so that no class is always drawn on top of the other and
the "lower index first" tie rule does not favour one class. Class sizes are as equal as possible
(``blobs`` keeps the tutorial's 60/40 split) and every class gets at least one point.

``noise`` is always a number in ``[0, 1]``; what it means for each picture is documented on the
function. ``noise=0`` gives the clean shape.

Names and colours of the classes are not decided here: the user interface chooses them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DATASETS",
    "MAX_N_SAMPLES",
    "DatasetSpec",
    "blobs",
    "circles",
    "make_dataset",
    "moons",
    "noisy_sine",
    "spiral",
    "train_test_indices",
    "train_test_split",
    "uniform",
    "xor",
]

MAX_N_SAMPLES = 100_000
_MIN_CLASSES, _MAX_CLASSES = 2, 5


# --------------------------------------------------------------------------------------------
# Parameter checks (messages name the parameter, what is allowed and what was received)
# --------------------------------------------------------------------------------------------


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _check_n_classes(n_classes) -> int:
    if not _is_int(n_classes) or not _MIN_CLASSES <= n_classes <= _MAX_CLASSES:
        raise ValueError(
            f"Expected n_classes to be an integer from {_MIN_CLASSES} to {_MAX_CLASSES}, "
            f"but got n_classes = {n_classes!r}"
        )
    return int(n_classes)


def _check_n_samples(n_samples, n_classes: int = 2) -> int:
    low = max(2, n_classes)
    if not _is_int(n_samples) or not low <= n_samples <= MAX_N_SAMPLES:
        why = f" (at least one point for each of the {n_classes} classes)" if n_classes > 2 else ""
        raise ValueError(
            f"Expected n_samples to be an integer from {low} to {MAX_N_SAMPLES:,}{why}, "
            f"but got n_samples = {n_samples!r}"
        )
    return int(n_samples)


def _check_noise(noise) -> float:
    ok = isinstance(noise, numbers.Real) and not isinstance(noise, bool | np.bool_)
    if not ok or not 0.0 <= float(noise) <= 1.0:  # also rejects NaN
        raise ValueError(
            f"Expected noise to be a number from 0 to 1 (inclusive), but got noise = {noise!r}"
        )
    return float(noise)


def _check_seed(seed) -> int:
    if not _is_int(seed) or seed < 0:
        raise ValueError(f"Expected seed to be an integer >= 0, but got seed = {seed!r}")
    return int(seed)


def _class_sizes(n_samples: int, n_classes: int) -> np.ndarray:
    """Split ``n_samples`` into ``n_classes`` sizes that differ by at most one."""
    sizes = np.full(n_classes, n_samples // n_classes, dtype=np.intp)
    sizes[: n_samples % n_classes] += 1
    return sizes


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray):
    order = rng.permutation(len(y))
    return np.ascontiguousarray(X[order], dtype=np.float64), y[order].astype(np.intp)


# --------------------------------------------------------------------------------------------
# 2-D classification sets
# --------------------------------------------------------------------------------------------


def blobs(n_samples=50, noise=0.3, seed=0):
    """Two Gaussian blobs: the 2-D picture of the tutorial's ``gen_data`` experiment.

    Class 0 is centred on (1, 1) and class 1 on (5, 5). As in the tutorial (30 points with
    label 0 and 20 with label 1) 60 % of the points belong to class 0 and 40 % to class 1.

    Parameters
    ----------
    n_samples : int, default=50
        Number of points, from 2 to 100,000.
    noise : float, default=0.3
        Spread of each blob: the standard deviation of both coordinates is
        ``sigma = 0.2 + 3 * noise``. ``noise=0`` gives two tight, well separated blobs
        (sigma 0.2); the default 0.3 (sigma 1.1) gives the tutorial's slightly overlapping
        picture; ``noise=1`` (sigma 3.2, the tutorial's sigma = 3) mixes them heavily.
    seed : int, default=0
        Seed of the random generator; the same seed gives the same points.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The points.
    y : ndarray of shape (n_samples,), intp
        Class codes: 0 around (1, 1), 1 around (5, 5).

    Examples
    --------
    >>> X, y = blobs(n_samples=50, noise=0.3, seed=0)
    >>> X.shape, X.dtype.name, np.bincount(y).tolist()
    ((50, 2), 'float64', [30, 20])
    """
    n = _check_n_samples(n_samples)
    sigma = 0.2 + 3.0 * _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    n0 = min(max(round(0.6 * n), 1), n - 1)
    y = np.repeat(np.array([0, 1], dtype=np.intp), [n0, n - n0])
    centres = np.array([[1.0, 1.0], [5.0, 5.0]])
    X = centres[y] + rng.normal(0.0, sigma, size=(n, 2))
    return _shuffled(rng, X, y)


def moons(n_samples=200, noise=0.25, seed=0):
    """Two interleaving half circles ("moons"), like scikit-learn's ``make_moons``.

    Class 0 is the upper half of the unit circle around (0, 0); class 1 is the lower half circle
    around (1, 0.5). The angle of each point along its moon is drawn uniformly at random.

    Parameters
    ----------
    n_samples : int, default=200
        Number of points, from 2 to 100,000, split evenly between the two moons.
    noise : float, default=0.25
        Gaussian jitter added to both coordinates, with standard deviation ``0.4 * noise``.
        ``noise=0`` puts every point exactly on its half circle; ``noise=1`` (jitter 0.4)
        makes the moons overlap.
    seed : int, default=0
        Seed of the random generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp
        0 for the upper moon, 1 for the lower moon.

    Examples
    --------
    >>> X, y = moons(n_samples=8, noise=0.0, seed=1)
    >>> np.allclose(np.hypot(*X[y == 0].T), 1.0)
    True
    """
    n = _check_n_samples(n_samples)
    jitter = 0.4 * _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    y = np.repeat(np.arange(2, dtype=np.intp), _class_sizes(n, 2))
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where((y == 0)[:, None], upper, lower)
    X = X + rng.normal(0.0, jitter, size=(n, 2))
    return _shuffled(rng, X, y)


def circles(n_samples=200, noise=0.2, seed=0):
    """Make a small circle inside a big one, like scikit-learn's ``make_circles``.

    Class 0 lies on the circle of radius 1 around the origin and class 1 on the circle of radius
    0.5. The angle of each point is drawn uniformly at random.

    Parameters
    ----------
    n_samples : int, default=200
        Number of points, from 2 to 100,000, split evenly between the two circles.
    noise : float, default=0.2
        Gaussian jitter added to both coordinates, with standard deviation ``0.3 * noise``.
        ``noise=0`` puts every point exactly on its circle; at ``noise=1`` (jitter 0.3) the
        rings run into each other.
    seed : int, default=0
        Seed of the random generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp
        0 for the outer circle (radius 1), 1 for the inner circle (radius 0.5).

    Examples
    --------
    >>> X, y = circles(n_samples=6, noise=0.0, seed=0)
    >>> np.round(np.hypot(X[:, 0], X[:, 1]), 12)[np.argsort(y, kind="stable")].tolist()
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    """
    n = _check_n_samples(n_samples)
    jitter = 0.3 * _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    y = np.repeat(np.arange(2, dtype=np.intp), _class_sizes(n, 2))
    t = rng.uniform(0.0, 2.0 * np.pi, size=n)
    radius = np.where(y == 0, 1.0, 0.5)
    X = radius[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    X = X + rng.normal(0.0, jitter, size=(n, 2))
    return _shuffled(rng, X, y)


def xor(n_samples=200, noise=0.1, seed=0):
    """Make the exclusive-or pattern: four squares, opposite corners share a class.

    Points are uniform in the four squares ``0.05 <= |x1|, |x2| <= 1`` (a thin gap keeps the
    clean picture off the axes). Class 0 is where ``x1`` and ``x2`` have the same sign (bottom
    left and top right), class 1 where their signs differ.

    Parameters
    ----------
    n_samples : int, default=200
        Number of points, from 2 to 100,000, split evenly between the two classes.
    noise : float, default=0.1
        Gaussian jitter added to both coordinates after the labels are decided, with standard
        deviation ``0.5 * noise``. ``noise=0`` keeps every point in its own quadrant; with more
        noise points wander across the axes into the other class's squares.
    seed : int, default=0
        Seed of the random generator.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp
        0 where ``x1 * x2 > 0``, 1 where ``x1 * x2 < 0`` (exactly so when ``noise=0``).

    Examples
    --------
    >>> X, y = xor(n_samples=100, noise=0.0, seed=0)
    >>> bool(np.all((X[:, 0] * X[:, 1] < 0) == (y == 1)))
    True
    """
    n = _check_n_samples(n_samples)
    jitter = 0.5 * _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    y = np.repeat(np.arange(2, dtype=np.intp), _class_sizes(n, 2))
    magnitude = rng.uniform(0.05, 1.0, size=(n, 2))
    sign_x = rng.choice(np.array([-1.0, 1.0]), size=n)
    sign_y = np.where(y == 0, sign_x, -sign_x)
    X = magnitude * np.column_stack([sign_x, sign_y])
    X = X + rng.normal(0.0, jitter, size=(n, 2))
    return _shuffled(rng, X, y)


def spiral(n_samples=300, noise=0.2, seed=0, n_classes=2):
    """Interleaved spiral arms, one arm per class.

    Arm ``c`` starts near the origin at angle ``2 * pi * c / n_classes`` and winds outwards
    through one and a half turns: a point at position ``t`` (uniform in [0.08, 1]) along the arm
    sits at radius ``t`` and angle ``2 * pi * c / n_classes + 3 * pi * t``.

    Parameters
    ----------
    n_samples : int, default=300
        Number of points, from ``max(2, n_classes)`` to 100,000, split evenly between the arms.
    noise : float, default=0.2
        Gaussian jitter added to both coordinates, with standard deviation ``0.1 * noise``.
        ``noise=0`` puts every point exactly on its arm; with 2 arms the gap between
        neighbouring arms is about 0.33, so ``noise=1`` blurs the arms into each other.
    seed : int, default=0
        Seed of the random generator.
    n_classes : int, default=2
        Number of arms (classes), from 2 to 5.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp
        The arm of each point, ``0 .. n_classes - 1``.

    Examples
    --------
    >>> X, y = spiral(n_samples=300, noise=0.0, seed=0, n_classes=3)
    >>> np.bincount(y).tolist(), bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0))
    ([100, 100, 100], True)
    """
    n_classes = _check_n_classes(n_classes)
    n = _check_n_samples(n_samples, n_classes)
    jitter = 0.1 * _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    y = np.repeat(np.arange(n_classes, dtype=np.intp), _class_sizes(n, n_classes))
    t = rng.uniform(0.08, 1.0, size=n)
    angle = 2.0 * np.pi * y / n_classes + 3.0 * np.pi * t
    X = t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = X + rng.normal(0.0, jitter, size=(n, 2))
    return _shuffled(rng, X, y)


def uniform(n_samples=100, noise=0.0, seed=0, n_classes=2):
    """Points spread uniformly over a square with random labels: the "no structure" case.

    Whatever ``k`` the student picks, KNN cannot do better than guessing here, which is the
    point of this set. The points are uniform in ``[-1, 1] x [-1, 1]``; the labels are a random
    permutation of (almost) equal class sizes, independent of where the points are.

    Parameters
    ----------
    n_samples : int, default=100
        Number of points, from ``max(2, n_classes)`` to 100,000.
    noise : float, default=0.0
        Accepted and checked (a number in [0, 1]) so that every set takes the same arguments,
        but it changes nothing: the labels are already pure noise.
    seed : int, default=0
        Seed of the random generator.
    n_classes : int, default=2
        Number of classes, from 2 to 5.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp

    Examples
    --------
    >>> X, y = uniform(n_samples=12, seed=3, n_classes=3)
    >>> np.bincount(y).tolist(), bool(np.all(np.abs(X) <= 1.0))
    ([4, 4, 4], True)
    """
    n_classes = _check_n_classes(n_classes)
    n = _check_n_samples(n_samples, n_classes)
    _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = rng.permutation(np.repeat(np.arange(n_classes, dtype=np.intp), _class_sizes(n, n_classes)))
    return np.ascontiguousarray(X, dtype=np.float64), y.astype(np.intp)


# --------------------------------------------------------------------------------------------
# 1-D regression set
# --------------------------------------------------------------------------------------------


def noisy_sine(n_samples=60, noise=0.2, seed=0):
    """Make a noisy sine wave for KNN regression (the tutorial's ``mode="r"``).

    ``x`` is uniform on ``[0, 2 * pi]`` and sorted; ``y = sin(x) + e`` with Gaussian
    ``e`` of standard deviation ``noise``.

    Parameters
    ----------
    n_samples : int, default=60
        Number of points, from 2 to 100,000.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to ``sin(x)``; ``noise=0`` puts every
        point on the curve, ``noise=1`` is as large as the wave itself.
    seed : int, default=0
        Seed of the random generator.

    Returns
    -------
    x : ndarray of shape (n_samples,), float64
        Inputs, sorted ascending.
    y : ndarray of shape (n_samples,), float64
        Targets.

    Examples
    --------
    >>> x, y = noisy_sine(n_samples=5, noise=0.0, seed=0)
    >>> bool(np.all(np.diff(x) >= 0)), bool(np.allclose(y, np.sin(x)))
    (True, True)
    """
    n = _check_n_samples(n_samples)
    sd = _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    x = np.sort(rng.uniform(0.0, 2.0 * np.pi, size=n))
    y = np.sin(x) + rng.normal(0.0, sd, size=n)
    return x, y


# --------------------------------------------------------------------------------------------
# Train / test split
# --------------------------------------------------------------------------------------------


def _stratified_test_counts(class_sizes: np.ndarray, n_test: int) -> np.ndarray:
    """Count test points per class.

    Proportional to the class sizes, summing to ``n_test``, with each class in both parts when
    the budget allows it.
    """
    n = int(class_sizes.sum())
    ideal = class_sizes * (n_test / n)
    splittable = class_sizes >= 2
    lo = np.where(splittable, 1, 0)
    hi = np.where(splittable, class_sizes - 1, class_sizes)
    if lo.sum() > n_test:  # too few test points for one of every class
        lo = np.zeros_like(lo)
    if hi.sum() < n_test:  # too few training points for one of every class
        hi = class_sizes.copy()
    counts = np.clip(np.floor(ideal).astype(np.intp), lo, hi)
    while counts.sum() < n_test:  # give to the class furthest below its share
        gap = np.where(counts < hi, ideal - counts, -np.inf)
        counts[np.argmax(gap)] += 1
    while counts.sum() > n_test:  # take from the class furthest above its share
        gap = np.where(counts > lo, counts - ideal, -np.inf)
        counts[np.argmax(gap)] -= 1
    return counts


def train_test_indices(y, *, test_size=0.25, seed=0, stratify=True):
    """Choose which rows go to the training part and which to the test part.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels (integers or strings); used for stratification.
    test_size : float, default=0.25
        Fraction of the rows that go to the test part, strictly between 0 and 1. The test part
        gets ``ceil(test_size * n_samples)`` rows, as in scikit-learn.
    seed : int, default=0
        Seed of the random generator; the same seed gives the same split.
    stratify : bool, default=True
        If True, each class is split in the same proportion, and every class that has at least
        two rows appears in both parts whenever both parts are large enough to hold one row
        of each class.

    Returns
    -------
    train_idx, test_idx : ndarray of intp
        Sorted row indices of the two parts; together they hold every row exactly once.

    Examples
    --------
    >>> train_idx, test_idx = train_test_indices([0, 0, 0, 0, 1, 1, 1, 1], test_size=0.25)
    >>> len(train_idx), len(test_idx)
    (6, 2)
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"Expected y to be one-dimensional, but got y with shape {y.shape}")
    n = len(y)
    ok = isinstance(test_size, numbers.Real) and not isinstance(test_size, bool | np.bool_)
    if not ok or not 0.0 < float(test_size) < 1.0:
        raise ValueError(
            f"Expected test_size to be a number strictly between 0 and 1, "
            f"but got test_size = {test_size!r}"
        )
    rng = np.random.default_rng(_check_seed(seed))
    n_test = math.ceil(float(test_size) * n - 1e-9)
    n_train = n - n_test
    if n_test < 1 or n_train < 1:
        raise ValueError(
            f"Expected both the training part and the test part to be non-empty, but with "
            f"n_samples = {n} and test_size = {test_size!r} they would hold "
            f"n_train = {n_train} and n_test = {n_test} rows"
        )
    if not stratify:
        test = rng.permutation(n)[:n_test]
    else:
        _, codes = np.unique(y, return_inverse=True)
        codes = codes.reshape(-1)
        sizes = np.bincount(codes)
        counts = _stratified_test_counts(sizes, n_test)
        parts = []
        for c, count in enumerate(counts):
            members = np.flatnonzero(codes == c)
            parts.append(rng.permutation(members)[:count])
        test = np.concatenate(parts)
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    return np.flatnonzero(~is_test).astype(np.intp), np.flatnonzero(is_test).astype(np.intp)


def train_test_split(X, y, *, test_size=0.25, seed=0, stratify=True):
    """Split a data set into a training part and a test part, reproducibly.

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
        The points (any number of features).
    y : array-like of shape (n_samples,)
        The labels (or regression targets when ``stratify=False``).
    test_size : float, default=0.25
        Fraction of the rows that go to the test part, strictly between 0 and 1.
    seed : int, default=0
        Seed of the random generator; the same seed gives the same split.
    stratify : bool, default=True
        Keep the class proportions in both parts, with every class in both parts when possible
        (see :func:`train_test_indices`).

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        The rows of each part, in their original order.

    Examples
    --------
    >>> X, y = blobs(n_samples=40, seed=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    >>> X_train.shape, X_test.shape, np.bincount(y_test).tolist()
    ((30, 2), (10, 2), [6, 4])
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"Expected X and y to have the same number of rows, but got "
            f"X with shape {X.shape} and y with shape {y.shape}"
        )
    train_idx, test_idx = train_test_indices(y, test_size=test_size, seed=seed, stratify=stratify)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSpec:
    """Description of one 2-D classification set, for menus and for :func:`make_dataset`.

    Parameters
    ----------
    name : str
        Key in :data:`DATASETS` and in URLs, e.g. ``"moons"``.
    title : str
        Short human-readable name for a menu.
    description : str
        One student-friendly sentence.
    function : callable
        The generator, ``function(n_samples, noise, seed[, n_classes]) -> (X, y)``.
    default_noise : float
        A good starting noise level, in [0, 1].
    supports_n_classes : bool
        Whether the generator takes ``n_classes`` (2 to 5); otherwise it always has 2 classes.
    default_n_samples : int
        A good starting number of points.
    """

    name: str
    title: str
    description: str
    function: Callable
    default_noise: float
    supports_n_classes: bool
    default_n_samples: int


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "blobs",
            "Two blobs",
            "Two round clouds of points, like the tutorial's red and blue groups; more noise "
            "makes the clouds spread out and overlap.",
            blobs,
            0.3,
            False,
            50,
        ),
        DatasetSpec(
            "moons",
            "Moons",
            "Two curved half-moons that hook into each other, so no straight line can "
            "separate them, but nearest neighbours can.",
            moons,
            0.25,
            False,
            200,
        ),
        DatasetSpec(
            "circles",
            "Circles",
            "A small ring of points inside a bigger ring: the neighbours of a point are "
            "mostly from its own ring.",
            circles,
            0.2,
            False,
            200,
        ),
        DatasetSpec(
            "xor",
            "XOR",
            "Four squares where opposite corners share a colour, like a tiny chessboard.",
            xor,
            0.1,
            False,
            200,
        ),
        DatasetSpec(
            "spiral",
            "Spiral",
            "Arms of points that wind around the centre, one arm per class: a hard pattern "
            "that small k follows closely.",
            spiral,
            0.2,
            True,
            300,
        ),
        DatasetSpec(
            "uniform",
            "Random (no pattern)",
            "Points scattered at random with random colours: there is nothing to learn, so "
            "no k can do better than guessing.",
            uniform,
            0.0,
            True,
            100,
        ),
    )
}


def make_dataset(name, n_samples=None, noise=None, seed=0, n_classes=2):
    """Generate one of the registered 2-D classification sets by name.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`: "blobs", "moons", "circles", "xor", "spiral" or "uniform".
    n_samples : int or None, default=None
        Number of points; None uses the set's ``default_n_samples``.
    noise : float or None, default=None
        Noise level in [0, 1]; None uses the set's ``default_noise``.
    seed : int, default=0
        Seed of the random generator.
    n_classes : int, default=2
        Number of classes; only "spiral" and "uniform" accept a value other than 2.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), intp

    Examples
    --------
    >>> X, y = make_dataset("spiral", n_samples=30, noise=0.1, seed=2, n_classes=3)
    >>> X.shape, sorted(set(y.tolist()))
    ((30, 2), [0, 1, 2])
    """
    spec = DATASETS.get(name) if isinstance(name, str) else None
    if spec is None:
        allowed = ", ".join(repr(k) for k in DATASETS)
        raise ValueError(f"Expected name to be one of {allowed}, but got name = {name!r}")
    n_samples = spec.default_n_samples if n_samples is None else n_samples
    noise = spec.default_noise if noise is None else noise
    if spec.supports_n_classes:
        return spec.function(n_samples=n_samples, noise=noise, seed=seed, n_classes=n_classes)
    if not (_is_int(n_classes) and n_classes == 2):
        multi = ", ".join(repr(k) for k, s in DATASETS.items() if s.supports_n_classes)
        raise ValueError(
            f"Expected n_classes = 2 for the {name!r} data set (only {multi} accept other "
            f"numbers of classes), but got n_classes = {n_classes!r}"
        )
    return spec.function(n_samples=n_samples, noise=noise, seed=seed)
