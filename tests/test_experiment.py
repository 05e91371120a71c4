"""Tests of knn_core.lessons.experiment: the second tutorial's 10-D experiment."""

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsRegressor

from knn_core.lessons.experiment import NEW_VALUES, TUTORIAL, tutorial_experiment
from knn_core.lessons.tutorial import KNN, gen_data


def by_hand(seed, mu0=1.0, mu1=5.0, sigma=3.0, n0=30, n1=20, d=10, k=5):
    # The tutorial's own steps.
    rng = np.random.default_rng(seed)
    X0, y0 = gen_data(mu=mu0, sigma=sigma, y=0, size=(n0, d), seed=rng)
    X1, y1 = gen_data(mu=mu1, sigma=sigma, y=1, size=(n1, d), seed=rng)
    X = np.vstack([X0, X1])
    y = np.concatenate([y0, y1])
    X_new = np.array([np.full(d, v) for v in (1.0, 2.0, 4.0, 5.0)])
    return X, y, X_new, KNN(num_neighbors=k).fit(X, y).predict(X_new)


def test_defaults_are_the_tutorials():
    assert TUTORIAL == {
        "mu0": 1.0,
        "mu1": 5.0,
        "sigma": 3.0,
        "n0": 30,
        "n1": 20,
        "n_features": 10,
        "k": 5,
    }
    assert NEW_VALUES == (1.0, 2.0, 4.0, 5.0)


@pytest.mark.parametrize("seed", range(5))
def test_experiment_is_the_tutorials_code(seed):
    result = tutorial_experiment(seed=seed)
    X, y, X_new, preds = by_hand(seed)
    np.testing.assert_array_equal(result.X, X)
    np.testing.assert_array_equal(result.y, y)
    np.testing.assert_array_equal(result.X_new, X_new)
    np.testing.assert_allclose(result.predictions, preds)
    ref = KNeighborsRegressor(n_neighbors=5).fit(X, y)
    np.testing.assert_allclose(result.predictions, ref.predict(X_new))
    dist, ind = ref.kneighbors(X_new)
    for row in range(4):
        got = result.neighbors[row]
        assert [i for i, _ in got] == ind[row].tolist()
        np.testing.assert_allclose([d for _, d in got], dist[row])
        # The prediction is the mean label of the listed neighbours.
        assert result.predictions[row] == pytest.approx(np.mean(y[[i for i, _ in got]]))


def test_predictions_rise_from_about_0_to_about_1():
    preds = np.array([tutorial_experiment(seed=s).predictions for s in range(20)])
    assert np.all((preds >= 0) & (preds <= 1))
    mean = preds.mean(axis=0)
    assert mean[0] < 0.15 and mean[-1] > 0.85
    assert np.all(np.diff(mean) > 0)


def test_parameters_are_passed_through():
    result = tutorial_experiment(mu0=-2.0, mu1=8.0, sigma=1.0, n0=7, n1=9, n_features=3, k=4)
    X, y, X_new, preds = by_hand(0, -2.0, 8.0, 1.0, 7, 9, 3, 4)
    np.testing.assert_array_equal(result.X, X)
    np.testing.assert_allclose(result.predictions, preds)
    assert result.X.shape == (16, 3) and result.y.tolist() == [0] * 7 + [1] * 9
    assert all(len(n) == 4 for n in result.neighbors)


def test_projection_matches_scikit_learn_up_to_sign():
    result = tutorial_experiment(seed=3)
    ref = PCA(n_components=2).fit(result.X)
    np.testing.assert_allclose(
        result.projection.explained_variance_ratio, ref.explained_variance_ratio_
    )
    ours = result.X_2d
    theirs = ref.transform(result.X)
    for j in range(2):
        sign = np.sign(ours[:, j] @ theirs[:, j])
        np.testing.assert_allclose(ours[:, j], sign * theirs[:, j], atol=1e-9)
    assert result.new_2d.shape == (4, 2)


def test_one_feature_gives_a_one_axis_projection():
    result = tutorial_experiment(n_features=1)
    assert result.X_2d.shape == (50, 1)
    assert result.projection.explained_variance_ratio.tolist() == [1.0]


def test_sweep_runs_along_the_diagonal():
    result = tutorial_experiment(seed=1)
    assert result.sweep_values[0] < 1.0 < 5.0 < result.sweep_values[-1]
    rows = np.repeat(result.sweep_values[:, None], 10, axis=1)
    np.testing.assert_allclose(result.sweep_predictions, result.model.predict(rows))
    # Far on the label-0 side every neighbour is label 0, far on the other side label 1.
    assert result.sweep_predictions[0] == 0.0
    assert result.sweep_predictions[-1] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 51}, "Expected 1 <= k <= 50, but got k = 51"),
        ({"n0": 0}, "Expected 1 <= n0 <= 10000, but got n0 = 0"),
        ({"n_features": 2.5}, "n_features to be an integer"),
        ({"seed": -1}, "seed to be an integer >= 0"),
        ({"sigma": -1.0}, "sigma to be a finite number >= 0"),
        ({"new_values": []}, "new_values to be a non-empty sequence"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tutorial_experiment(**kwargs)


def test_rising_flags_a_steady_climb_only():
    assert tutorial_experiment(seed=0).rising
    # Swap the means: the all-1 row now sits among the label-1 rows.
    swapped = tutorial_experiment(mu0=5.0, mu1=1.0, seed=0)
    assert swapped.predictions[0] > swapped.predictions[-1]
    assert not swapped.rising
