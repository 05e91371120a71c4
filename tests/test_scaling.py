"""Tests of knn_core.lessons.scaling: stretch, z-score standardisation and the scaling lesson."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from knn_core.datasets import make_dataset
from knn_core.lessons.scaling import scaling_effect, standardize, stretch


def test_stretch_multiplies_one_column_and_leaves_the_input_alone():
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = stretch(X, 10, axis=1)
    assert out.tolist() == [[1.0, 20.0, 3.0], [4.0, 50.0, 6.0]]
    assert X.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"factor": 0}, "factor to be a finite number > 0, but got factor = 0"),
        ({"factor": -2.0}, "factor = -2.0"),
        ({"factor": float("nan")}, "factor = nan"),
        ({"factor": True}, "factor = True"),
        ({"factor": 2, "axis": 2}, "0 <= axis < n_features = 2, but got axis = 2"),
        ({"factor": 2, "axis": 0.5}, "axis to be an integer"),
    ],
)
def test_stretch_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        stretch([[1.0, 2.0]], **kwargs)


def test_standardize_matches_scikit_learn():
    X, _ = make_dataset("blobs", 60, 0.5, seed=3)
    X = stretch(X, 37.0, axis=0)
    z = standardize(X)
    ref = StandardScaler().fit(X)
    np.testing.assert_allclose(z.mean_, ref.mean_)
    np.testing.assert_allclose(z.scale_, ref.scale_)
    np.testing.assert_allclose(z.transform(X), ref.transform(X))
    out = z.transform(X)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0)


def test_standardize_a_constant_column_is_only_centred():
    z = standardize([[1.0, 5.0], [3.0, 5.0]])
    assert z.scale_.tolist() == [1.0, 1.0]
    assert z.transform([[2.0, 7.0]]).tolist() == [[0.0, 2.0]]


def test_transform_checks_the_number_of_features():
    z = standardize([[1.0, 5.0], [3.0, 6.0]])
    with pytest.raises(ValueError, match="Expected X with 2 features"):
        z.transform([[1.0, 2.0, 3.0]])


@settings(max_examples=40, deadline=None)
@given(
    X=arrays(np.float64, (12, 2), elements=st.floats(-50, 50, allow_nan=False, width=32)),
    factor=st.floats(0.01, 1000),
    axis=st.integers(0, 1),
)
def test_standardised_data_do_not_depend_on_the_units(X, factor, axis):
    # z-scoring removes any stretch of a column: the same numbers come out.
    a = standardize(X).transform(X)
    Xs = stretch(X, factor, axis)
    b = standardize(Xs).transform(Xs)
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_stretching_changes_the_neighbours_and_standardising_brings_them_back():
    X, _ = make_dataset("blobs", 50, 0.3, seed=0)
    query = (2.72, 3.41)
    plain = scaling_effect(X, query, 5)
    assert plain.change.same
    assert plain.neighbors.tolist() == plain.original.tolist()
    stretched = scaling_effect(X, query, 5, factor=100)
    assert not stretched.change.same
    assert len(stretched.change.lost) == len(stretched.change.gained) > 0
    # With x1 a hundred times bigger, the neighbours are the points closest in x1 alone.
    by_x1 = np.argsort(np.abs(X[:, 0] - query[0]), kind="stable")[:5]
    assert sorted(stretched.neighbors.tolist()) == sorted(by_x1.tolist())
    restored = scaling_effect(X, query, 5, factor=100, standardized=True)
    unstretched = scaling_effect(X, query, 5, factor=1, standardized=True)
    assert restored.neighbors.tolist() == unstretched.neighbors.tolist()
    assert restored.change.same  # here the raw units were already comparable


@pytest.mark.parametrize("factor", [1.0, 3.0, 50.0])
@pytest.mark.parametrize("standardized", [False, True])
def test_scaling_effect_agrees_with_scikit_learn(factor, standardized):
    X, _ = make_dataset("moons", 80, 0.3, seed=1)
    query = np.array([0.3, 0.2])
    effect = scaling_effect(X, query, 7, factor=factor, standardized=standardized)
    Xs = X.copy()
    Xs[:, 0] *= factor
    qs = query.copy()
    qs[0] *= factor
    if standardized:
        ref = StandardScaler().fit(Xs)
        Xs, qs = ref.transform(Xs), ref.transform(qs[None, :])[0]
    np.testing.assert_allclose(effect.X, Xs)
    np.testing.assert_allclose(effect.query, qs)
    dist, ind = NearestNeighbors(n_neighbors=7).fit(Xs).kneighbors(qs[None, :])
    assert effect.neighbors.tolist() == ind[0].tolist()
    np.testing.assert_allclose(effect.distances, dist[0])
    assert effect.radius == pytest.approx(dist[0, -1])


def test_scaling_effect_rejects_bad_input():
    with pytest.raises(ValueError, match="Expected query with 2 features like X, but got 3"):
        scaling_effect([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0], 1)
    with pytest.raises(ValueError, match="n_samples = 2, n_neighbors = 3"):
        scaling_effect([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], 3)
