import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from knn_core.lessons.projection import DEFAULT_DIMS, PCAResult, distance_ratio_curve, pca

# ------------------------------------------------------------------ PCA


def test_hand_case_points_on_a_line():
    # Points on the line y = 2x: one axis along (1, 2)/sqrt(5) carries all the variance.
    t = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    X = np.column_stack([t, 2 * t]) + [3.0, -1.0]
    result = pca(X, n_components=2)
    assert isinstance(result, PCAResult)
    np.testing.assert_allclose(result.mean, [3.0, -1.0])
    np.testing.assert_allclose(result.components[0], np.array([1.0, 2.0]) / np.sqrt(5))
    np.testing.assert_allclose(np.abs(result.components[1]), np.array([2.0, 1.0]) / np.sqrt(5))
    np.testing.assert_allclose(result.explained_variance_ratio, [1.0, 0.0], atol=1e-15)
    # variance along the line: |(1, 2)|^2 * var(t) with the n - 1 divisor = 5 * 2.5
    np.testing.assert_allclose(result.explained_variance[0], 12.5)
    # the projection is the signed distance along the line from the mean
    np.testing.assert_allclose(result.transform(X)[:, 0], t * np.sqrt(5))
    np.testing.assert_allclose(result.transform(X)[:, 1], 0.0, atol=1e-12)


def test_hand_case_axis_aligned_cross():
    X = [[0.0, 2.0], [0.0, -2.0], [1.0, 0.0], [-1.0, 0.0]]
    result = pca(X)
    np.testing.assert_allclose(result.components, [[0.0, 1.0], [1.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(result.explained_variance, [8 / 3, 2 / 3])
    np.testing.assert_allclose(result.explained_variance_ratio, [0.8, 0.2])


@pytest.mark.parametrize(("n_samples", "n_features"), [(10, 2), (50, 10), (7, 12), (200, 3)])
def test_explained_variance_sums_to_one_at_full_rank(n_samples, n_features):
    rng = np.random.default_rng(n_samples)
    X = rng.normal(size=(n_samples, n_features)) * rng.uniform(0.1, 5, size=n_features)
    full = min(n_samples, n_features)
    result = pca(X, n_components=full)
    assert result.explained_variance_ratio.sum() == pytest.approx(1.0, rel=1e-12)
    assert np.all(np.diff(result.explained_variance_ratio) <= 1e-15)  # decreasing
    # the axes are orthonormal
    np.testing.assert_allclose(result.components @ result.components.T, np.eye(full), atol=1e-12)
    two = pca(X, n_components=2)
    assert two.explained_variance_ratio.sum() <= 1.0 + 1e-12
    np.testing.assert_allclose(two.components, result.components[:2])


def test_sign_rule_largest_entry_is_positive():
    rng = np.random.default_rng(0)
    result = pca(rng.normal(size=(30, 6)), n_components=6)
    biggest = result.components[np.arange(6), np.abs(result.components).argmax(axis=1)]
    assert np.all(biggest > 0)
    # flipping the data flips nothing in the (sign-fixed) axes
    flipped = pca(-rng.normal(size=(30, 6)), n_components=6)
    assert np.all(flipped.components[np.arange(6), np.abs(flipped.components).argmax(1)] > 0)


@pytest.mark.parametrize(("n_samples", "n_features", "k"), [(50, 10, 2), (30, 3, 3), (8, 20, 5)])
def test_matches_scikit_learn_up_to_sign(n_samples, n_features, k):
    decomposition = pytest.importorskip("sklearn.decomposition")
    rng = np.random.default_rng(n_features)
    X = rng.normal(size=(n_samples, n_features)) @ rng.normal(size=(n_features, n_features))
    ours = pca(X, n_components=k)
    ref = decomposition.PCA(n_components=k, svd_solver="full").fit(X)
    signs = np.sign(np.sum(ours.components * ref.components_, axis=1))
    assert np.all(signs != 0)
    np.testing.assert_allclose(ours.components, ref.components_ * signs[:, None], atol=1e-10)
    np.testing.assert_allclose(ours.explained_variance, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(
        ours.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-10
    )
    np.testing.assert_allclose(ours.mean, ref.mean_)
    Z = rng.normal(size=(5, n_features))
    np.testing.assert_allclose(ours.transform(Z), ref.transform(Z) * signs, atol=1e-10)


def test_tutorial_ten_dimensional_blobs_separate_along_the_first_axis():
    # The tutorial's experiment: 30 points around 1 and 20 around 5 in 10-D, sigma = 3.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(1, 3, size=(30, 10)), rng.normal(5, 3, size=(20, 10))])
    y = np.repeat([0, 1], [30, 20])
    Z = pca(X).transform(X)
    first = Z[:, 0]
    assert abs(first[y == 0].mean() - first[y == 1].mean()) > first.std()


@settings(max_examples=60, deadline=None)
@given(
    n_samples=st.integers(2, 20),
    n_features=st.integers(1, 6),
    seed=st.integers(0, 1000),
    shift=st.floats(-1e3, 1e3),
)
def test_full_rank_transform_is_a_rotation(n_samples, n_features, seed, shift):
    X = np.random.default_rng(seed).normal(size=(n_samples, n_features)) + shift
    k = min(n_samples, n_features)
    result = pca(X, n_components=k)
    Z = result.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-9 * (1 + abs(shift)))
    if k == n_features:  # nothing dropped: distances between points are kept
        np.testing.assert_allclose(cdist(Z, Z), cdist(X, X), atol=1e-8 * (1 + abs(shift)))


def test_constant_data_has_zero_ratios():
    result = pca(np.ones((5, 3)), n_components=3)
    np.testing.assert_array_equal(result.explained_variance_ratio, 0.0)
    np.testing.assert_allclose(result.transform(np.ones((1, 3))), 0.0)


@pytest.mark.parametrize(
    ("X", "kwargs", "match"),
    [
        (np.zeros(5), {}, r"shape \(n_samples, n_features\) with n_samples >= 2.*\(5,\)"),
        (np.zeros((1, 3)), {}, r"n_samples >= 2.*shape \(1, 3\)"),
        ([[0, 1], [np.nan, 2]], {}, r"NaN or infinity at row 1, column 0"),
        (np.zeros((4, 3)), {"n_components": 0}, r"from 1 to min\(n_samples, n_features\) = 3.*= 0"),
        (np.zeros((4, 3)), {"n_components": 4}, r"= 3, but got n_components = 4"),
        (np.zeros((2, 3)), {"n_components": 3}, r"= 2, but got n_components = 3"),
        (np.zeros((4, 3)), {"n_components": 1.0}, r"n_components = 1\.0"),
        (np.zeros((4, 3)), {"n_components": True}, r"n_components = True"),
    ],
)
def test_pca_rejects_bad_input(X, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pca(X, **kwargs)


def test_transform_rejects_wrong_shape():
    result = pca(np.random.default_rng(0).normal(size=(6, 3)))
    with pytest.raises(ValueError, match=r"Z of shape \(n_points, 3\).*\(2, 2\)"):
        result.transform(np.zeros((2, 2)))


# ------------------------------------------------------------------ curse of dimensionality


def test_ratio_rises_with_dimension():
    dims, mean, std = distance_ratio_curve()
    assert dims.tolist() == list(DEFAULT_DIMS)
    assert mean.shape == std.shape == (len(DEFAULT_DIMS),)
    assert np.all(np.diff(mean) > 0)
    assert mean[0] < 0.02 and mean[-1] > 0.85  # 1-D: nearest is close; 1000-D: all alike
    assert np.all((mean > 0) & (mean < 1)) and np.all(std >= 0)


def test_ratio_against_scipy_distances():
    # Same draws in the same order, distances from scipy instead of the matrix product.
    dims, mean, std = distance_ratio_curve(dims=(3, 40, 700), n_samples=120, n_queries=15, seed=4)
    rng = np.random.default_rng(4)
    for i, d in enumerate(dims):
        points = rng.random((120, d))
        queries = rng.random((15, d))
        dist = cdist(queries, points)
        ratio = dist.min(axis=1) / dist.max(axis=1)
        assert mean[i] == pytest.approx(ratio.mean(), rel=1e-9)
        assert std[i] == pytest.approx(ratio.std(), rel=1e-6, abs=1e-12)


def test_ratio_curve_is_reproducible():
    a = distance_ratio_curve(dims=(2, 10), n_samples=50, n_queries=5, seed=1)
    b = distance_ratio_curve(dims=(2, 10), n_samples=50, n_queries=5, seed=1)
    c = distance_ratio_curve(dims=(2, 10), n_samples=50, n_queries=5, seed=2)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dims": ()}, r"dims to be a non-empty sequence of integers from 1 to 100,000"),
        ({"dims": (0, 2)}, r"but got dims = \(0, 2\)"),
        ({"dims": (1.5,)}, r"dims = \(1\.5,\)"),
        ({"dims": [[1, 2]]}, r"dims = \[\[1, 2\]\]"),
        ({"n_samples": 1}, r"n_samples to be an integer >= 2, but got 1"),
        ({"n_queries": 0}, r"n_queries to be an integer >= 1, but got 0"),
        ({"seed": -3}, r"seed to be an integer >= 0, but got seed = -3"),
    ],
)
def test_ratio_curve_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        distance_ratio_curve(**kwargs)
