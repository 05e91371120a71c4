import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from knn_core import surface as surface_module
from knn_core.models import KNNClassifier
from knn_core.surface import (
    HoverLookup,
    NeighborGrid,
    decision_surface,
    grid_axes,
    hover_lookup,
    neighbor_grid,
)

METRICS = [("euclidean", 2.0), ("manhattan", 2.0), ("chebyshev", 2.0), ("minkowski", 3.0)]


def float_blobs(n=120, n_classes=2, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = rng.normal(size=(n, 2)) + 1.5 * y[:, None]
    return X, y


def integer_grid_data(n=60, seed=1, n_classes=2):
    """Integer coordinates on a small grid: many exactly equal distances and tied votes."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 6, size=(n, 2)).astype(float)
    y = rng.integers(0, n_classes, n)
    return X, y


def meshgrid_queries(xs, ys):
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()]


# --------------------------------------------------------------------------------------------
# Hand-worked grids
# --------------------------------------------------------------------------------------------
def test_one_neighbour_two_points_hand_worked():
    model = KNNClassifier(1).fit([[0, 0], [4, 0]], ["red", "blue"])
    xs, ys, labels = decision_surface(model, (0, 4), (-1, 1), (5, 3))
    assert xs.tolist() == [0, 1, 2, 3, 4]
    assert ys.tolist() == [-1, 0, 1]
    # x = 2 is equally far from both: the lower training index (red, #0) is nearer first.
    assert labels.tolist() == [["red", "red", "red", "blue", "blue"]] * 3


def test_rows_run_along_y_and_columns_along_x():
    # The label depends on y only: rows must change, columns must not.
    model = KNNClassifier(1).fit([[0, 0], [0, 10]], ["low", "high"])
    xs, ys, labels = decision_surface(model, (0, 1), (0, 10), (3, 5))
    assert labels.shape == (5, 3)
    assert labels[:, 0].tolist() == ["low", "low", "low", "high", "high"]
    assert (labels == labels[:, :1]).all()


def test_three_point_vote_hand_worked():
    # Points on a line at x = 0, 1, 2 (class a, b, b); k = 2.
    # x = 0: neighbours #0 (a), #1 (b): tie -> a (first class). x = 2: #2, #1 -> b.
    # x = 1: #1 (d=0), then #0 and #2 both at 1 -> #0 (lower index): a, b tie -> a.
    model = KNNClassifier(2).fit([[0, 0], [1, 0], [2, 0]], ["a", "b", "b"])
    _, _, labels, conf = decision_surface(model, (0, 2), (0, 1), (3, 2), return_confidence=True)
    assert labels[0].tolist() == ["a", "a", "b"]
    assert conf[0].tolist() == [0.5, 0.5, 1.0]
    grid = neighbor_grid(model, (0, 2), (0, 1), (3, 2), k_max=3)
    vote = grid.surface(2)
    assert vote.tied[0].tolist() == [True, True, False]
    assert grid.hover(2).neighbors[0].tolist() == [[0, 1], [1, 0], [2, 1]]
    # k = 3: everyone votes, b wins 2 : 1 everywhere.
    assert grid.labels(3)[0].tolist() == ["b", "b", "b"]
    np.testing.assert_allclose(grid.surface(3).confidence, 2 / 3)


def test_grid_axes_include_both_ends():
    xs, ys = grid_axes((-1.0, 1.0), (2.0, 3.0), (5, 3))
    np.testing.assert_array_equal(xs, [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_array_equal(ys, [2, 2.5, 3])


# --------------------------------------------------------------------------------------------
# decision_surface against independent answers
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("k", [1, 4, 7])
@pytest.mark.parametrize("data", ["float", "integer"])
def test_surface_equals_predict_on_meshgrid(metric, p, weights, k, data):
    X, y = float_blobs(n_classes=3) if data == "float" else integer_grid_data(n_classes=3)
    model = KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y)
    # The integer grid puts cells on training points and at equal distances from several.
    x_range, y_range = ((-3.0, 4.5), (-2.5, 5.0)) if data == "float" else ((0, 5), (0, 5))
    res = (31, 23) if data == "float" else (11, 21)
    xs, ys, labels, conf = decision_surface(model, x_range, y_range, res, return_confidence=True)
    Q = meshgrid_queries(xs, ys)
    np.testing.assert_array_equal(labels.ravel(), model.predict(Q))
    np.testing.assert_allclose(conf.ravel(), model.predict_proba(Q).max(axis=1), rtol=1e-12)
    assert labels.shape == (len(ys), len(xs))


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
@pytest.mark.parametrize("k", [1, 5, 15])
def test_surface_equals_sklearn_on_tie_free_data(weights, metric, k):
    # Continuous data and odd k with 2 classes: no distance ties, no vote ties.
    X, y = float_blobs(n=300, seed=3)
    model = KNNClassifier(k, metric=metric, weights=weights).fit(X, y)
    xs, ys, labels = decision_surface(model, (-3, 4), (-3, 4), 40)
    ref = KNeighborsClassifier(k, metric=metric, weights=weights).fit(X, y)
    np.testing.assert_array_equal(labels.ravel(), ref.predict(meshgrid_queries(xs, ys)))


def test_surface_keeps_string_labels_and_chunks(monkeypatch):
    X, y = float_blobs(n=80, seed=5)
    names = np.array(["blue", "red"])[y]
    model = KNNClassifier(3).fit(X, names)
    whole = decision_surface(model, (-2, 3), (-2, 3), 30, return_confidence=True)
    monkeypatch.setattr(surface_module, "_CHUNK_ENTRIES", 50)  # many small engine calls
    chunked = decision_surface(model, (-2, 3), (-2, 3), 30, return_confidence=True)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(a, b)
    assert set(np.unique(whole[2])) <= {"blue", "red"}


# --------------------------------------------------------------------------------------------
# NeighborGrid: a re-vote equals a fresh search
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("data", ["float", "integer"])
def test_revote_equals_fresh_model_for_every_k(metric, p, weights, data):
    X, y = float_blobs(n_classes=3) if data == "float" else integer_grid_data(n_classes=3)
    k_max = 12
    model = KNNClassifier(k_max, metric=metric, p=p, weights=weights).fit(X, y)
    x_range, y_range, res = (-1, 5), (-1, 5), (13, 17)
    grid = neighbor_grid(model, x_range, y_range, res, k_max=k_max)
    assert isinstance(grid, NeighborGrid)
    assert grid.shape == (17, 13)
    Q = meshgrid_queries(grid.xs, grid.ys)
    for k in (1, 2, 3, 4, 7, 8, 12):
        fresh = KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y)
        vote = fresh.vote(Q)
        codes, confidence, tied = grid.surface(k)
        np.testing.assert_array_equal(codes.ravel(), vote.winner)
        np.testing.assert_array_equal(tied.ravel(), vote.tied)
        np.testing.assert_allclose(confidence.ravel(), fresh.predict_proba(Q).max(axis=1))
        np.testing.assert_array_equal(grid.labels(k).ravel(), fresh.predict(Q))
        _, _, labels = decision_surface(fresh, x_range, y_range, res)
        np.testing.assert_array_equal(grid.labels(k), labels)


def test_revote_can_switch_weights_without_a_new_search():
    X, y = integer_grid_data(n_classes=2)
    model = KNNClassifier(10, weights="uniform").fit(X, y)
    grid = neighbor_grid(model, (0, 5), (0, 5), 16, k_max=10)
    Q = meshgrid_queries(grid.xs, grid.ys)
    for k in (2, 5, 10):
        fresh = KNNClassifier(k, weights="distance").fit(X, y)
        np.testing.assert_array_equal(grid.labels(k, weights="distance").ravel(), fresh.predict(Q))


def test_uniform_two_classes_odd_k_never_ties_even_k_can():
    X, y = integer_grid_data(n_classes=2)
    model = KNNClassifier(6).fit(X, y)
    grid = neighbor_grid(model, (0, 5), (0, 5), 21, k_max=6)
    for k in (1, 3, 5):
        assert not grid.surface(k).tied.any()
    assert any(grid.surface(k).tied.any() for k in (2, 4, 6))


def test_neighbor_grid_defaults_to_model_k_and_compact_indices():
    X, y = float_blobs(n=50)
    model = KNNClassifier(4).fit(X, y)
    grid = neighbor_grid(model, (-2, 2), (-2, 2), 10)
    assert grid.k_max == 4
    assert grid.dist.shape == grid.ind.shape == grid.codes.shape == (100, 4)
    assert grid.ind.dtype == np.int32
    assert np.all(np.diff(grid.dist, axis=1) >= 0)


# --------------------------------------------------------------------------------------------
# Hover lookup
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", ["float", "integer"])
def test_hover_lookup_matches_kneighbors_and_predict(data):
    X, y = float_blobs(n_classes=3) if data == "float" else integer_grid_data(n_classes=3)
    model = KNNClassifier(4).fit(X, y)
    lookup = hover_lookup(model, (0, 5), (-1, 4), (25, 20))
    assert isinstance(lookup, HoverLookup)
    assert lookup.neighbors.shape == (20, 25, 4)
    assert lookup.prediction.shape == (20, 25)
    assert lookup.k == 4
    Q = meshgrid_queries(lookup.xs, lookup.ys)
    _, ind = model.kneighbors(Q)
    np.testing.assert_array_equal(lookup.neighbors.reshape(-1, 4), ind)
    np.testing.assert_array_equal(lookup.labels.ravel(), model.predict(Q))
    np.testing.assert_array_equal(model.classes_[lookup.prediction].ravel(), model.predict(Q))


def test_hover_from_a_wider_grid_equals_hover_lookup():
    X, y = integer_grid_data()
    model = KNNClassifier(3).fit(X, y)
    direct = hover_lookup(model, (0, 5), (0, 5), 26)
    wide = neighbor_grid(model, (0, 5), (0, 5), 26, k_max=20).hover(3)
    np.testing.assert_array_equal(direct.neighbors, wide.neighbors)
    np.testing.assert_array_equal(direct.prediction, wide.prediction)


def test_hover_cell_lookup_rule():
    model = KNNClassifier(1).fit([[0, 0], [1, 1]], [0, 1])
    lookup = hover_lookup(model, (0, 10), (0, 5), (11, 6))  # spacing 1 on both axes
    assert lookup.cell(0.0, 0.0) == (0, 0)
    assert lookup.cell(3.4, 1.6) == (2, 3)
    assert lookup.cell(-7.0, 99.0) == (5, 0)  # clipped to the grid
    assert lookup.cell(10.0, 5.0) == (5, 10)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------
def test_unfitted_model_is_rejected():
    with pytest.raises(ValueError, match="not fitted"):
        decision_surface(KNNClassifier(3), (0, 1), (0, 1))
    with pytest.raises(AttributeError, match="not fitted"):
        neighbor_grid(KNNClassifier(3), (0, 1), (0, 1))


def test_model_must_have_two_features():
    model = KNNClassifier(1).fit(np.eye(3), [0, 1, 2])
    with pytest.raises(ValueError, match="n_features_in_ = 3"):
        decision_surface(model, (0, 1), (0, 1))
    with pytest.raises(ValueError, match="n_features_in_ = 3"):
        hover_lookup(model, (0, 1), (0, 1))


@pytest.mark.parametrize(
    "x_range,resolution,match",
    [
        ((1, 0), 10, r"x_range with low < high, but got x_range = \(1.0, 0.0\)"),
        ((0, np.inf), 10, "Expected x_range to be finite"),
        ("ab", 10, "Expected x_range to be a pair"),
        ((0, 1), 1, r"resolution to be an integer in \[2, 2000\], but got resolution = 1"),
        ((0, 1), 2.5, "of type float"),
        ((0, 1), (10, 1), r"resolution\[1\] \(ny\)"),
        ((0, 1), (10, 10, 10), "pair"),
        ((0, 1), True, "of type bool"),
    ],
)
def test_bad_ranges_and_resolutions(x_range, resolution, match):
    model = KNNClassifier(1).fit([[0, 0], [1, 1]], [0, 1])
    with pytest.raises(ValueError, match=match):
        decision_surface(model, x_range, (0, 1), resolution)


def test_k_limits_of_a_neighbor_grid():
    X, y = float_blobs(n=10)
    model = KNNClassifier(3).fit(X, y)
    with pytest.raises(ValueError, match="Expected k_max <= n_samples, but n_samples = 10"):
        neighbor_grid(model, (0, 1), (0, 1), 5, k_max=11)
    grid = neighbor_grid(model, (0, 1), (0, 1), 5, k_max=4)
    with pytest.raises(ValueError, match=r"Expected k <= k_max .*, but k_max = 4, k = 5"):
        grid.surface(5)
    with pytest.raises(ValueError, match="Expected k > 0"):
        grid.hover(0)
    with pytest.raises(ValueError, match="weights"):
        grid.surface(2, weights="gaussian")
