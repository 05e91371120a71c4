import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knn_core import datasets
from knn_core.datasets import (
    DATASETS,
    DatasetSpec,
    blobs,
    circles,
    make_dataset,
    moons,
    noisy_sine,
    spiral,
    train_test_indices,
    train_test_split,
    uniform,
    xor,
)

TWO_CLASS = [blobs, moons, circles, xor]
MULTI_CLASS = [spiral, uniform]
ALL = TWO_CLASS + MULTI_CLASS


def _call(fn, **kw):
    return fn(**kw)


# ------------------------------------------------------------------ shapes, dtypes, seeds


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n_samples", [2, 3, 7, 50, 201])
def test_shapes_and_dtypes(fn, n_samples):
    X, y = fn(n_samples=n_samples, noise=0.3, seed=4)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.intp
    assert X.flags.c_contiguous
    assert np.all(np.isfinite(X))
    assert set(y.tolist()) == {0, 1}  # every class has a point, even for n_samples = 2


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_same_seed_same_data_different_seed_different_data(fn):
    X1, y1 = fn(n_samples=100, noise=0.2, seed=7)
    X2, y2 = fn(n_samples=100, noise=0.2, seed=7)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = fn(n_samples=100, noise=0.2, seed=8)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_different_seed_differs_even_without_noise(fn):
    X1, _ = fn(n_samples=50, noise=0.0, seed=0)
    X2, _ = fn(n_samples=50, noise=0.0, seed=1)
    assert not np.array_equal(np.sort(X1, axis=0), np.sort(X2, axis=0))


def test_numpy_integer_seed_and_n_samples_are_accepted():
    X1, y1 = moons(n_samples=np.int64(20), noise=np.float32(0.25), seed=np.uint8(3))
    X2, y2 = moons(n_samples=20, noise=float(np.float32(0.25)), seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("fn", [moons, circles, xor], ids=lambda f: f.__name__)
@pytest.mark.parametrize("n_samples", [2, 9, 100, 101])
def test_two_class_sets_are_balanced(fn, n_samples):
    _, y = fn(n_samples=n_samples, noise=0.1, seed=0)
    counts = np.bincount(y, minlength=2)
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("fn", MULTI_CLASS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n_classes", [2, 3, 4, 5])
@pytest.mark.parametrize("n_samples", [5, 17, 300])
def test_multi_class_sets_are_balanced(fn, n_classes, n_samples):
    _, y = fn(n_samples=n_samples, noise=0.1, seed=0, n_classes=n_classes)
    counts = np.bincount(y, minlength=n_classes)
    assert len(counts) == n_classes and counts.min() >= 1
    assert counts.max() - counts.min() <= 1


@pytest.mark.parametrize("fn", MULTI_CLASS, ids=lambda f: f.__name__)
def test_n_samples_equal_to_n_classes_gives_one_point_per_class(fn):
    _, y = fn(n_samples=5, seed=0, n_classes=5)
    assert sorted(y.tolist()) == [0, 1, 2, 3, 4]


def test_rows_are_shuffled_not_sorted_by_class():
    for fn in ALL:
        _, y = fn(n_samples=200, noise=0.2, seed=0)
        assert np.any(np.diff(y) < 0), fn.__name__


def test_largest_allowed_n_samples():
    X, y = circles(n_samples=100_000, noise=0.1, seed=0)
    assert X.shape == (100_000, 2) and np.bincount(y).tolist() == [50_000, 50_000]


# ------------------------------------------------------------------ the shape of each picture


def test_blobs_follow_the_tutorial():
    X, y = blobs(n_samples=50, noise=0.3, seed=0)
    assert np.bincount(y).tolist() == [30, 20]  # the tutorial's 30 red + 20 blue
    X, y = blobs(n_samples=20_000, noise=0.3, seed=1)
    assert np.bincount(y).tolist() == [12_000, 8_000]
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [1, 1], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [5, 5], atol=0.05)
    # sigma = 0.2 + 3 * noise = 1.1 in both coordinates and both classes
    np.testing.assert_allclose(X[y == 0].std(axis=0), 1.1, rtol=0.03)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 1.1, rtol=0.03)


@pytest.mark.parametrize("noise", [0.0, 0.5, 1.0])
def test_blobs_sigma_grows_with_noise(noise):
    X, y = blobs(n_samples=20_000, noise=noise, seed=2)
    centres = np.array([[1.0, 1.0], [5.0, 5.0]])[y]
    np.testing.assert_allclose((X - centres).std(), 0.2 + 3 * noise, rtol=0.03)


def test_blobs_without_noise_are_separated_by_the_diagonal():
    X, y = blobs(n_samples=1000, noise=0.0, seed=0)
    assert np.all((X.sum(axis=1) > 6) == (y == 1))


def test_circles_without_noise_have_exact_radii():
    X, y = circles(n_samples=501, noise=0.0, seed=3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.5, rtol=1e-12)


@pytest.mark.parametrize("noise", [0.2, 0.6, 1.0])
def test_circles_jitter_is_0_3_times_noise(noise):
    X, y = circles(n_samples=40_000, noise=noise, seed=0)
    angle = np.arctan2(X[:, 1], X[:, 0])
    # the jitter is isotropic, so its component along the radius has sd 0.3 * noise on
    # average; compare the full 2-D offset from the clean circle through its mean square
    clean = np.where(y == 0, 1.0, 0.5)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    assert np.sqrt(np.mean(np.sum((X - clean) ** 2, axis=1))) <= 2 * 0.3 * noise
    r = np.hypot(X[:, 0], X[:, 1])
    radial_sd = np.std(r[y == 0] - 1.0)
    assert radial_sd == pytest.approx(0.3 * noise, rel=0.15)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = moons(n_samples=400, noise=0.0, seed=5)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= 0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(lower[:, 1] <= 0.5)


def test_xor_without_noise_labels_match_quadrants_and_leave_a_gap():
    X, y = xor(n_samples=1000, noise=0.0, seed=2)
    assert np.all((X[:, 0] * X[:, 1] > 0) == (y == 0))
    assert np.all(np.abs(X) >= 0.05) and np.all(np.abs(X) <= 1.0)
    quadrant = (X[:, 0] > 0) * 2 + (X[:, 1] > 0)
    assert np.bincount(quadrant).min() > 200  # all four squares used


def test_xor_noise_moves_points_across_the_axes():
    X, y = xor(n_samples=2000, noise=1.0, seed=0)
    wrong = np.mean((X[:, 0] * X[:, 1] > 0) != (y == 0))
    assert 0.2 < wrong < 0.5


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_spiral_without_noise_points_lie_on_their_arm(n_classes):
    X, y = spiral(n_samples=600, noise=0.0, seed=1, n_classes=n_classes)
    t = np.hypot(X[:, 0], X[:, 1])
    assert np.all((t >= 0.08 - 1e-12) & (t <= 1.0 + 1e-12))
    expected = 2 * np.pi * y / n_classes + 3 * np.pi * t
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(diff, 0.0, atol=1e-9)


def test_uniform_ignores_noise_and_stays_in_the_square():
    X1, y1 = uniform(n_samples=300, noise=0.0, seed=9, n_classes=4)
    X2, y2 = uniform(n_samples=300, noise=1.0, seed=9, n_classes=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert np.all(np.abs(X1) <= 1.0)


def test_uniform_labels_carry_no_information():
    # A point's nearest neighbour has the same class only about as often as chance (1/3).
    X, y = uniform(n_samples=3000, seed=0, n_classes=3)
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    agree = np.mean(y[d.argmin(axis=1)] == y)
    assert abs(agree - 1 / 3) < 0.04


def test_noisy_sine():
    x, y = noisy_sine(n_samples=40, noise=0.0, seed=0)
    assert x.shape == y.shape == (40,) and x.dtype == y.dtype == np.float64
    assert np.all(np.diff(x) >= 0) and x.min() >= 0 and x.max() <= 2 * np.pi
    np.testing.assert_allclose(y, np.sin(x), rtol=0, atol=1e-15)
    x, y = noisy_sine(n_samples=20_000, noise=0.4, seed=1)
    assert np.std(y - np.sin(x)) == pytest.approx(0.4, rel=0.03)
    a = noisy_sine(n_samples=30, noise=0.2, seed=5)
    b = noisy_sine(n_samples=30, noise=0.2, seed=5)
    c = noisy_sine(n_samples=30, noise=0.2, seed=6)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


# ------------------------------------------------------------------ parameter checks


GENERATORS = [*ALL, noisy_sine]


@pytest.mark.parametrize("fn", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1, "1"),
        (0, "0"),
        (-5, "-5"),
        (100_001, "100001"),
        (2.5, "2.5"),
        ("10", "'10'"),
        (True, "True"),
        (None, "None"),
    ],
)
def test_bad_n_samples(fn, value, shown):
    with pytest.raises(
        ValueError, match=rf"n_samples to be an integer from 2 to 100,000.*n_samples = {shown}$"
    ):
        fn(n_samples=value)


@pytest.mark.parametrize("fn", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.1, "-0.1"),
        (1.01, "1.01"),
        (float("nan"), "nan"),
        ("0.3", "'0.3'"),
        (True, "True"),
        (None, "None"),
    ],
)
def test_bad_noise(fn, value, shown):
    with pytest.raises(ValueError, match=rf"noise to be a number from 0 to 1 .*noise = {shown}$"):
        fn(noise=value)


@pytest.mark.parametrize("fn", GENERATORS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("value", "shown"), [(-1, "-1"), (1.0, "1.0"), ("3", "'3'"), (None, "None")]
)
def test_bad_seed(fn, value, shown):
    with pytest.raises(ValueError, match=rf"seed to be an integer >= 0, but got seed = {shown}$"):
        fn(seed=value)


@pytest.mark.parametrize("fn", MULTI_CLASS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("value", "shown"), [(1, "1"), (6, "6"), (2.0, "2.0"), ("3", "'3'")])
def test_bad_n_classes(fn, value, shown):
    with pytest.raises(
        ValueError, match=rf"n_classes to be an integer from 2 to 5.*n_classes = {shown}$"
    ):
        fn(n_classes=value)


@pytest.mark.parametrize("fn", MULTI_CLASS, ids=lambda f: f.__name__)
def test_too_few_points_for_the_classes(fn):
    with pytest.raises(
        ValueError,
        match=r"from 4 to 100,000 \(at least one point for each of the 4 classes\), "
        r"but got n_samples = 3",
    ):
        fn(n_samples=3, n_classes=4)


def test_noise_boundaries_are_allowed():
    for fn in GENERATORS:
        fn(n_samples=10, noise=0)
        fn(n_samples=10, noise=1)


# ------------------------------------------------------------------ train / test split


def test_split_sizes_and_reproducibility():
    X, y = moons(n_samples=101, noise=0.2, seed=0)
    parts = train_test_split(X, y, test_size=0.25, seed=3)
    again = train_test_split(X, y, test_size=0.25, seed=3)
    other = train_test_split(X, y, test_size=0.25, seed=4)
    X_train, X_test, y_train, y_test = parts
    assert len(X_test) == math.ceil(0.25 * 101) == len(y_test)
    assert len(X_train) + len(X_test) == 101
    for a, b in zip(parts, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(parts[1], other[1])


def test_split_is_a_partition_in_original_order():
    y = np.arange(40) % 3
    train_idx, test_idx = train_test_indices(y, test_size=0.3, seed=1)
    assert np.all(np.diff(train_idx) > 0) and np.all(np.diff(test_idx) > 0)
    assert sorted([*train_idx.tolist(), *test_idx.tolist()]) == list(range(40))
    X = np.arange(80.0).reshape(40, 2)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, seed=1)
    np.testing.assert_array_equal(X_train, X[train_idx])
    np.testing.assert_array_equal(y_test, y[test_idx])


def test_stratified_split_keeps_proportions():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    _, test_idx = train_test_indices(y, test_size=0.2, seed=0)
    assert np.bincount(y[test_idx]).tolist() == [12, 6, 2]


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 12), min_size=1, max_size=6),
    test_size=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**32),
)
def test_stratified_split_invariants(sizes, test_size, seed):
    y = np.repeat(np.arange(len(sizes)), sizes)
    n = len(y)
    n_test = math.ceil(test_size * n - 1e-9)
    if n_test < 1 or n_test >= n:
        with pytest.raises(ValueError, match="non-empty"):
            train_test_indices(y, test_size=test_size, seed=seed)
        return
    train_idx, test_idx = train_test_indices(y, test_size=test_size, seed=seed)
    assert len(test_idx) == n_test and len(train_idx) == n - n_test
    assert np.intersect1d(train_idx, test_idx).size == 0
    test_counts = np.bincount(y[test_idx], minlength=len(sizes))
    sizes = np.array(sizes)
    splittable = sizes >= 2
    if splittable.sum() <= min(n_test, n - n_test):
        # every class with two or more rows is in both parts
        assert np.all(test_counts[splittable] >= 1)
        assert np.all(test_counts[splittable] <= sizes[splittable] - 1)
    # each class is close to its proportional share
    assert np.all(np.abs(test_counts - sizes * n_test / n) < 2.0)


def test_stratified_split_matches_proportions_like_scikit_learn():
    sk = pytest.importorskip("sklearn.model_selection")
    y = np.array([0] * 37 + [1] * 23 + [2] * 11)
    X = np.zeros((len(y), 2))
    _, _, _, y_test_sk = sk.train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    _, _, _, y_test = train_test_split(X, y, test_size=0.3, seed=0)
    assert len(y_test) == len(y_test_sk)
    diff = np.bincount(y_test, minlength=3) - np.bincount(y_test_sk, minlength=3)
    assert np.abs(diff).max() <= 1


def test_split_with_string_labels_and_without_stratification():
    y = np.array(["cat", "dog"] * 10)
    X = np.arange(40.0).reshape(20, 2)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, seed=0)
    assert sorted(y_test.tolist()) == ["cat"] * 5 + ["dog"] * 5
    a = train_test_indices(y, test_size=0.5, seed=2, stratify=False)
    b = train_test_indices(y, test_size=0.5, seed=2, stratify=False)
    np.testing.assert_array_equal(a[1], b[1])
    assert len(a[1]) == 10


def test_split_of_the_smallest_set():
    X, y = blobs(n_samples=2, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5)
    assert len(X_train) == len(X_test) == 1


@pytest.mark.parametrize("test_size", [0, 1, -0.2, 1.5, "0.2", None, True, float("nan")])
def test_split_rejects_bad_test_size(test_size):
    with pytest.raises(
        ValueError,
        match=r"test_size to be a number strictly between 0 and 1, but got test_size = ",
    ):
        train_test_indices([0, 1, 0, 1], test_size=test_size)


def test_split_rejects_empty_parts_and_mismatched_lengths():
    with pytest.raises(ValueError, match=r"non-empty.*n_samples = 2.*n_train = 0 and n_test = 2"):
        train_test_indices([0, 1], test_size=0.9)
    with pytest.raises(ValueError, match=r"n_samples = 1"):
        train_test_indices([0], test_size=0.5)
    with pytest.raises(ValueError, match=r"same number of rows.*\(3, 2\).*\(2,\)"):
        train_test_split(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match=r"seed to be an integer >= 0"):
        train_test_indices([0, 1, 0, 1], seed=-1)
    with pytest.raises(ValueError, match=r"one-dimensional"):
        train_test_indices(np.zeros((2, 2)))


# ------------------------------------------------------------------ registry


def test_registry_order_and_contents():
    assert list(DATASETS) == ["blobs", "moons", "circles", "xor", "spiral", "uniform"]
    for name, spec in DATASETS.items():
        assert isinstance(spec, DatasetSpec) and spec.name == name
        assert spec.function is getattr(datasets, name)
        assert spec.title and spec.description.endswith(".")
        assert spec.description.count(". ") == 0  # one sentence
        assert 0 <= spec.default_noise <= 1
        assert spec.supports_n_classes == (name in ("spiral", "uniform"))
        X, y = spec.function(n_samples=spec.default_n_samples, noise=spec.default_noise)
        assert len(X) == spec.default_n_samples
    assert DATASETS["blobs"].default_n_samples == 50  # the tutorial's 30 + 20


def test_spec_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DATASETS["blobs"].default_noise = 0.5


@pytest.mark.parametrize("name", list(DATASETS))
def test_make_dataset_dispatches(name):
    spec = DATASETS[name]
    X, y = make_dataset(name, 60, 0.15, 4)
    Xd, yd = spec.function(n_samples=60, noise=0.15, seed=4)
    np.testing.assert_array_equal(X, Xd)
    np.testing.assert_array_equal(y, yd)
    X, _ = make_dataset(name)
    Xd, _ = spec.function(n_samples=spec.default_n_samples, noise=spec.default_noise, seed=0)
    np.testing.assert_array_equal(X, Xd)


def test_make_dataset_passes_n_classes():
    _, y = make_dataset("spiral", 40, 0.1, 0, n_classes=4)
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]


def test_make_dataset_errors():
    with pytest.raises(
        ValueError,
        match=r"name to be one of 'blobs', 'moons', 'circles', 'xor', 'spiral', 'uniform', "
        r"but got name = 'mooons'",
    ):
        make_dataset("mooons", 10, 0.1, 0)
    with pytest.raises(
        ValueError,
        match=r"n_classes = 2 for the 'moons' data set \(only 'spiral', 'uniform'.*n_classes = 3",
    ):
        make_dataset("moons", 10, 0.1, 0, n_classes=3)
    with pytest.raises(ValueError, match=r"noise = 2"):
        make_dataset("blobs", 10, 2, 0)
