"""knn_core.lessons.regression: the 1-D prediction curve, one explained prediction, k compared."""

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsRegressor

from knn_core.datasets import noisy_sine
from knn_core.lessons.regression import (
    compare_k,
    explain_regression,
    plot_ranges,
    prediction_curve,
    sine_truth,
)
from knn_core.models import KNNClassifier, KNNRegressor


def tutorial_r(new, train, labels, k):
    # Tutorial 1's mode="r", written out.
    distances = np.sum((new - train) ** 2, axis=1)
    k_closest = distances.argsort(kind="stable")[:k]
    return np.mean(np.take(labels, k_closest))


@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_curve_matches_scikit_learn(k, weights):
    x, y = noisy_sine(n_samples=40, noise=0.3, seed=2)
    model = KNNRegressor(k, weights=weights).fit(x[:, None], y)
    xs, ys = prediction_curve(model, (-0.5, 7.0), n_grid=777)
    assert xs[0] == -0.5 and xs[-1] == 7.0 and len(xs) == 777
    ref = KNeighborsRegressor(n_neighbors=k, weights=weights).fit(x[:, None], y)
    np.testing.assert_allclose(ys, ref.predict(xs[:, None]))


def test_uniform_curve_is_a_staircase_of_neighbour_means():
    x, y = noisy_sine(n_samples=30, noise=0.2, seed=0)
    model = KNNRegressor(4).fit(x[:, None], y)
    xs, ys = prediction_curve(model, (0.0, 2 * np.pi), n_grid=301)
    expected = [tutorial_r(np.array([q]), x[:, None], y, 4) for q in xs]
    np.testing.assert_allclose(ys, expected)
    # Few distinct values: in 1-D the 4 nearest are a window of 4 sorted points, so at most
    # n - k + 1 different means.
    assert len(np.unique(ys.round(12))) <= 30 - 4 + 1


def test_distance_weighted_curve_passes_through_the_training_points():
    x, y = noisy_sine(n_samples=25, noise=0.4, seed=1)
    model = KNNRegressor(5, weights="distance").fit(x[:, None], y)
    np.testing.assert_allclose(model.predict(x[:, None]), y)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_explain_regression_agrees_with_predict_and_kneighbors(weights):
    x, y = noisy_sine(n_samples=50, noise=0.3, seed=4)
    model = KNNRegressor(6, weights=weights).fit(x[:, None], y)
    trace = explain_regression(model, 2.3)
    dist, ind = model.kneighbors([[2.3]])
    assert trace.neighbors.tolist() == ind[0].tolist()
    np.testing.assert_allclose(trace.distances, np.abs(x[ind[0]] - 2.3))
    np.testing.assert_allclose(trace.x, x[ind[0]])
    np.testing.assert_allclose(trace.y, y[ind[0]])
    assert trace.prediction == pytest.approx(model.predict([[2.3]])[0])
    assert trace.prediction == pytest.approx(np.sum(trace.shares * trace.y))
    assert trace.shares.sum() == pytest.approx(1.0)
    if weights == "uniform":
        assert trace.weights.tolist() == [1.0] * 6
        assert trace.prediction == pytest.approx(tutorial_r(np.array([2.3]), x[:, None], y, 6))
    else:
        np.testing.assert_allclose(trace.weights, 1.0 / trace.distances)
        assert np.all(np.diff(trace.shares) <= 1e-12)  # nearer weighs more


def test_explain_regression_on_a_training_point_with_distance_weights():
    model = KNNRegressor(2, weights="distance").fit([[0.0], [1.0], [3.0]], [1.0, 3.0, 10.0])
    trace = explain_regression(model, 1.0)
    assert trace.prediction == 3.0
    assert trace.shares.tolist() == [1.0, 0.0]


def test_explain_regression_rejects_bad_models_and_queries():
    with pytest.raises(ValueError, match="fitted KNNRegressor, but got KNNClassifier"):
        explain_regression(KNNClassifier(1).fit([[0.0]], [0]), 0.0)
    two_d = KNNRegressor(1).fit([[0.0, 1.0]], [0.0])
    with pytest.raises(ValueError, match="fitted on one feature.*n_features_in_ = 2"):
        explain_regression(two_d, 0.0)
    model = KNNRegressor(1).fit([[0.0]], [0.0])
    with pytest.raises(ValueError, match="query to be a finite number, but got query = nan"):
        explain_regression(model, float("nan"))
    with pytest.raises(ValueError, match="low < high"):
        prediction_curve(model, (1.0, 1.0))
    with pytest.raises(ValueError, match="n_grid to be an integer >= 2, but got n_grid = 1"):
        prediction_curve(model, (0.0, 1.0), n_grid=1)


def test_k_one_overfits_and_k_n_flattens():
    x, y = noisy_sine(n_samples=120, noise=0.4, seed=0)
    result = compare_k(x, y, [1, 9, 120])
    assert result.curves.shape == (3, 501)
    np.testing.assert_allclose(result.truth, sine_truth(result.xs))
    # k = n predicts the overall mean everywhere.
    np.testing.assert_allclose(result.curves[2], y.mean())
    # A middle k is closer to the truth than both extremes.
    assert result.error[1] < result.error[0]
    assert result.error[1] < result.error[2]
    np.testing.assert_allclose(result.error, ((result.curves - result.truth) ** 2).mean(axis=1))


def test_compare_k_rejects_bad_k():
    x, y = noisy_sine(n_samples=10, noise=0.1, seed=0)
    with pytest.raises(ValueError, match="Expected k <= n_samples, but n_samples = 10, k = 11"):
        compare_k(x, y, [1, 11])
    with pytest.raises(ValueError, match="at least one k"):
        compare_k(x, y, [])


def test_plot_ranges_pad_each_axis():
    assert plot_ranges([0.0, 10.0], [-1.0, 1.0], pad=0.1) == ((-1.0, 11.0), (-1.2, 1.2))
    assert plot_ranges([2.0, 2.0], [0.0, 0.0], pad=0.5) == ((1.5, 2.5), (-0.5, 0.5))
