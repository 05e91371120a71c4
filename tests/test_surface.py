import zlib

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier

from knn_core import surface as surface_module
from knn_core.models import KNNClassifier
from knn_core.surface import (
    BOUNDARY_REFINE,
    NeighborGrid,
    decision_boundary,
    decision_surface,
    grid_axes,
    neighbor_grid,
    region_fields,
    vote_strength,
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
    assert grid.ind[:3, :2].tolist() == [[0, 1], [1, 0], [2, 1]]
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


@pytest.mark.parametrize("data", ["float", "integer"])
def test_neighbor_grid_matches_kneighbors_and_predict(data):
    X, y = float_blobs(n_classes=3) if data == "float" else integer_grid_data(n_classes=3)
    model = KNNClassifier(4).fit(X, y)
    grid = neighbor_grid(model, (0, 5), (-1, 4), (25, 20), k_max=4)
    Q = meshgrid_queries(grid.xs, grid.ys)
    _, ind = model.kneighbors(Q)
    np.testing.assert_array_equal(grid.ind, ind)
    np.testing.assert_array_equal(grid.labels(4).ravel(), model.predict(Q))


# --------------------------------------------------------------------------------------------
# decision_boundary: lines through points where the vote changes
# --------------------------------------------------------------------------------------------
def polylines(x, y):
    """Split decision_boundary's output at its NaN gaps: a list of (n, 2) arrays."""
    xy = np.column_stack([x, y])
    gaps = np.flatnonzero(np.isnan(x))
    assert len(gaps) and gaps[-1] == len(x) - 1  # every polyline ends with a gap
    assert np.array_equal(np.isnan(x), np.isnan(y))
    return [part[~np.isnan(part[:, 0])] for part in np.split(xy, gaps[:-1] + 1)]


def three_class_grid(metric, p, weights, data, k):
    """A model of three classes (float or integer-lattice data) and its grid, coarse on purpose."""
    X, y = float_blobs(n_classes=3) if data == "float" else integer_grid_data(n_classes=3)
    model = KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y)
    return model, neighbor_grid(model, (-1, 5), (-1, 5), (31, 29), k_max=k)


def test_a_straight_boundary_is_traced_exactly_not_by_cells():
    # 1-NN of two points: the boundary is their perpendicular bisector, x + y = 1.
    model = KNNClassifier(1).fit([[0.1, 0.1], [0.9, 0.9]], ["a", "b"])
    grid = neighbor_grid(model, (0, 1), (0, 1), 7)
    x, y = decision_boundary(model, grid.xs, grid.ys, grid.surface(1).codes)
    (line,) = polylines(x, y)
    cell = 1 / 6
    np.testing.assert_allclose(line.sum(axis=1), 1.0, atol=cell * 2.0**-BOUNDARY_REFINE)
    # End to end across the plot, one vertex on each crossed edge between cell centres.
    for end in line[[0, -1]]:
        assert np.isclose(end, 0.0, atol=0.01).any() or np.isclose(end, 1.0, atol=0.01).any()
    codes = grid.surface(1).codes
    assert len(line) == (codes[:, 1:] != codes[:, :-1]).sum() + (codes[1:] != codes[:-1]).sum()
    assert np.all(np.abs(np.diff(line, axis=0)) <= cell + 1e-12)  # never a jump across cells


def test_one_class_has_no_boundary():
    model = KNNClassifier(1).fit([[0, 0], [1, 1]], ["a", "a"])
    grid = neighbor_grid(model, (0, 1), (0, 1), 5)
    x, y = decision_boundary(model, grid.xs, grid.ys, grid.surface(1).codes)
    assert x.shape == y.shape == (0,)


def test_a_saddle_is_resolved_by_the_vote_at_its_centre():
    # Four points on a square's corners, a and b on the diagonals: the centre is equally far
    # from all four, and the tie rule gives it the lowest training index's class.
    X = [[0, 0], [1, 0], [1, 1], [0, 1]]
    xs = ys = np.array([0.0, 1.0])
    for labels, joined in ((["a", "b", "a", "b"], "a"), (["b", "a", "b", "a"], "b")):
        model = KNNClassifier(1).fit(X, labels)
        codes = model.vote(meshgrid_queries(xs, ys)).winner.reshape(2, 2)
        assert codes.tolist() == [[0, 1], [1, 0]] or codes.tolist() == [[1, 0], [0, 1]]
        lines = polylines(*decision_boundary(model, xs, ys, codes))
        assert len(lines) == 2 and all(len(line) == 2 for line in lines)
        centre_class = model.predict([[0.5, 0.5]])[0]
        assert centre_class == joined == labels[0]
        # The two corners of the other class are cut off, one by each line (which joins the
        # two edges next to that corner): the centre's class joins across the square.
        cut_off = {tuple(np.round(line.mean(axis=0))) for line in lines}
        assert len(cut_off) == 2
        assert all(model.predict([corner])[0] != joined for corner in cut_off)


@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("data,k", [("float", 1), ("float", 4), ("integer", 2), ("integer", 7)])
def test_every_boundary_vertex_sits_where_the_vote_changes(metric, p, weights, data, k):
    model, grid = three_class_grid(metric, p, weights, data, k)
    codes = grid.surface(k).codes
    x, y = decision_boundary(model, grid.xs, grid.ys, codes)
    lines = polylines(x, y)
    vertices = np.concatenate(lines)
    dx, dy = grid.xs[1] - grid.xs[0], grid.ys[1] - grid.ys[0]
    # Consecutive vertices share a square of four cell centres: no line jumps across cells.
    for line in lines:
        assert np.all(np.abs(np.diff(line[:, 0])) <= dx + 1e-9)
        assert np.all(np.abs(np.diff(line[:, 1])) <= dy + 1e-9)
    # A crossing lies on the edge between two cell centres, so on a grid line; a junction
    # (where three or more classes meet, the mean of its crossings) lies inside a square.
    on_row = np.isin(vertices[:, 1], grid.ys)
    on_column = np.isin(vertices[:, 0], grid.xs)
    crossings, along = vertices[on_row | on_column], np.where(on_row, dx, 0)[on_row | on_column]
    # On its edge, within 1/128 of a cell either side of a crossing, the vote changes (a
    # hair further: a change on a tie line, as lattice data has, may sit exactly at that end;
    # a tie can even make a cell centre alone differ, so a centre that near is probed too).
    half = 0.505 * 2.0**-BOUNDARY_REFINE
    direction = np.column_stack([along, np.where(along > 0, 0, dy)])
    probes = [crossings + t * direction for t in np.linspace(-half, half, 5)]
    snapped = crossings.copy()
    axis = np.where(along > 0, 0, 1)
    for a, centres in ((0, grid.xs), (1, grid.ys)):
        rows = axis == a
        nearest = centres[np.abs(crossings[rows, a][:, None] - centres).argmin(axis=1)]
        close = np.abs(nearest - crossings[rows, a]) <= half * (dx if a == 0 else dy)
        snapped[np.flatnonzero(rows)[close], a] = nearest[close]
    seen = [model.predict(points) for points in [*probes, snapped]]
    assert np.all(np.any([s != seen[0] for s in seen[1:]], axis=0))
    # Every pair of neighbouring cells of different classes has its crossing on the line.
    n_cut = (codes[:, 1:] != codes[:, :-1]).sum() + (codes[1:] != codes[:-1]).sum()
    assert len(np.unique(crossings, axis=0)) == n_cut


def test_junction_of_three_classes_is_near_where_they_meet():
    # 1-NN of three points: three bisectors meet at the circumcentre (0.5, 0.5).
    model = KNNClassifier(1).fit([[0, 0], [1, 0], [0, 1]], ["a", "b", "c"])
    grid = neighbor_grid(model, (-0.05, 1.05), (-0.05, 1.05), 12)
    lines = polylines(*decision_boundary(model, grid.xs, grid.ys, grid.surface(1).codes))
    assert len(lines) == 3
    vertices = np.unique(np.concatenate(lines), axis=0)
    inside = ~np.isin(vertices[:, 0], grid.xs) & ~np.isin(vertices[:, 1], grid.ys)
    (junction,) = vertices[inside]
    assert np.abs(junction - 0.5).max() < 0.1  # within one cell
    assert sum((line == junction).all(axis=1).sum() for line in lines) == 3


def test_boundary_rejects_codes_of_another_shape():
    model = KNNClassifier(1).fit([[0, 0], [1, 1]], ["a", "b"])
    with pytest.raises(ValueError, match="codes of shape"):
        decision_boundary(model, np.arange(3.0), np.arange(2.0), np.zeros((3, 2), dtype=int))


# --------------------------------------------------------------------------------------------
# region_fields: shaded areas whose edges meet the exact crossings
# --------------------------------------------------------------------------------------------
LEVELS = (0.0, 0.25, 0.5, 0.75)


def test_vote_strength_runs_from_the_closest_vote_to_a_unanimous_one():
    np.testing.assert_allclose(vote_strength(np.array([1 / 3, 2 / 3, 1.0]), 3), [0, 0.5, 1])
    assert vote_strength(np.array([1.0]), 1).tolist() == [1.0]


def interpolated_crossings(field, xs):
    """Where linear interpolation of ``field`` between cell centres along each row meets 0.5."""
    i, j = np.nonzero((field[:, :-1] > 0.5) != (field[:, 1:] > 0.5))
    a, b = field[i, j], field[i, j + 1]
    return i, j, xs[j] + (0.5 - a) / (b - a) * (xs[1] - xs[0])


def test_a_straight_region_edge_is_met_exactly_between_cell_centres():
    # 1-NN of two points: the regions' edge is the bisector x + y = 1, crossing cells.
    model = KNNClassifier(1).fit([[0.1, 0.1], [0.9, 0.9]], ["a", "b"])
    grid = neighbor_grid(model, (0, 1), (0, 1), 9)
    vote = grid.surface(1)
    fields = region_fields(model, grid.xs, grid.ys, vote.codes, vote.confidence, levels=LEVELS)
    assert fields.shape == (2, 4, 9, 9) and fields.dtype == np.float32
    for c in range(2):
        i, _, x = interpolated_crossings(fields[c, 0], grid.xs)
        assert len(x) >= 8
        # Within 1/64 of a cell (cells are 1/8 wide): the bisection's own precision.
        np.testing.assert_allclose(x + grid.ys[i], 1.0, atol=2.0**-BOUNDARY_REFINE / 8)
    # 1-NN votes are unanimous: every band of a class is its whole region.
    for band in range(4):
        np.testing.assert_array_equal(fields[:, band] > 0.5, fields[:, 0] > 0.5)


@pytest.mark.parametrize("metric,p", METRICS[:3])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("data,k", [("float", 1), ("float", 4), ("integer", 2), ("integer", 7)])
def test_region_fields_mark_each_area_and_meet_its_edge(metric, p, weights, data, k):
    model, grid = three_class_grid(metric, p, weights, data, k)
    vote = grid.surface(k)
    fields = region_fields(model, grid.xs, grid.ys, vote.codes, vote.confidence, levels=LEVELS)
    strength = vote_strength(vote.confidence, 3)
    step = grid.xs[1] - grid.xs[0]
    errors = []
    for c in range(3):
        for band, level in enumerate(LEVELS):
            inside = (vote.codes == c) & (strength >= level)
            # Above 0.5 exactly at the cell centres inside the area; the areas are nested.
            np.testing.assert_array_equal(fields[c, band] > 0.5, inside)
            if band:
                assert not (inside & (fields[c, band - 1] <= 0.5)).any()
            # Where linear interpolation between centres meets 0.5, against where the area
            # really ends on that edge (the vote at 257 points along it).
            i, j, x = interpolated_crossings(fields[c, band], grid.xs)
            if not len(i):
                continue
            along = np.linspace(0, 1, 257)
            points = np.column_stack([
                (grid.xs[j, None] * (1 - along) + grid.xs[j + 1, None] * along).ravel(),
                np.repeat(grid.ys[i], len(along)),
            ])  # fmt: skip
            seen = model.vote(points)
            share = seen.scores.max(axis=1) / seen.scores.sum(axis=1)
            area = ((seen.winner == c) & (vote_strength(share, 3) >= level)).reshape(len(i), -1)
            for row, at in zip(area, (x - grid.xs[j]) / step, strict=True):
                change = np.flatnonzero(row[1:] != row[:-1])
                errors.append(np.abs((along[change] + along[change + 1]) / 2 - at).min())
    # Mostly exact; a few cells where the edge bends stay within a cell (a cell edge's midpoint,
    # what a contour of the plain inside/outside grid gives, is a quarter cell off on average).
    assert np.median(errors) < 0.06 and max(errors) < 0.75


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
        neighbor_grid(model, (0, 1), (0, 1))


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
        grid.surface(0)
    with pytest.raises(ValueError, match="weights"):
        grid.surface(2, weights="gaussian")


# --------------------------------------------------------------------------------------------
# Block certificates: the fast labels path must equal the per-cell vote exactly
# --------------------------------------------------------------------------------------------
ALL_METRICS = [*METRICS, ("minkowski", 1.5), ("minkowski", np.inf)]


def certificate_data(kind, n, n_classes, rng):
    """Training sets that stress the certificate: ties, duplicates, clusters, plain noise."""
    y = rng.integers(0, n_classes, n)
    if kind == "blobs":
        centres = rng.normal(scale=2.0, size=(n_classes, 2))
        X = centres[y] + rng.normal(scale=rng.uniform(0.3, 1.5), size=(n, 2))
    elif kind == "uniform":
        X = rng.uniform(-3, 3, size=(n, 2))
    elif kind == "integer":  # many exactly equal distances, cells on training points
        X = rng.integers(-3, 4, size=(n, 2)).astype(float)
    elif kind == "duplicates":  # a few distinct points, repeated with different labels
        base = rng.normal(size=(max(2, n // 6), 2))
        X = base[rng.integers(0, len(base), n)]
    else:  # "separated": large pure regions, where whole blocks certify
        y = np.sort(y)
        X = np.c_[y * 3.0 + rng.normal(scale=0.5, size=n), rng.normal(size=n)]
    return X, y


def certified_codes(model, xs, ys):
    return surface_module._certified_winners(model, xs, ys)


def check_certificate(model, x_range, y_range, resolution):
    """The certified cells and the whole surface both equal model.predict cell by cell."""
    xs, ys, labels = decision_surface(model, x_range, y_range, resolution)
    expected = model.predict(meshgrid_queries(xs, ys)).reshape(len(ys), len(xs))
    np.testing.assert_array_equal(labels, expected)
    codes = certified_codes(model, xs, ys)
    sure = codes >= 0
    np.testing.assert_array_equal(model.classes_[codes[sure]], expected[sure])
    return sure.mean()


@pytest.mark.parametrize("metric,p", ALL_METRICS)
@pytest.mark.parametrize("kind", ["blobs", "uniform", "integer", "duplicates", "separated"])
def test_certified_surface_equals_per_cell_vote(metric, p, kind, monkeypatch):
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    rng = np.random.default_rng(zlib.crc32(repr((metric, p, kind)).encode()))
    certified = []
    for trial in range(6):
        n = int(rng.choice([5, 30, 49, 50, 120, 400]))  # both engine paths: brute and tree
        n_classes = int(rng.integers(2, 6))
        X, y = certificate_data(kind, n, n_classes, rng)
        k = int(rng.choice([1, 2, 3, 4, 5, 8, 15, n]))
        k = min(k, n)
        if trial == 0:
            y = np.array(["red", "green", "blue", "cyan", "pink"])[y]  # string labels
        model = KNNClassifier(k, metric=metric, p=p).fit(X, y)
        low = X.min(axis=0) - rng.uniform(0, 2, 2)
        high = X.max(axis=0) + rng.uniform(0, 2, 2)
        if kind == "integer" and trial % 2:  # cell centres on the integer lattice
            low, high = np.floor(low), np.ceil(high)
            resolution = (int(high[0] - low[0]) * 4 + 1, int(high[1] - low[1]) * 2 + 1)
        else:
            resolution = (int(rng.integers(2, 70)), int(rng.integers(2, 70)))  # non-square
        certified.append(check_certificate(model, (low[0], high[0]), (low[1], high[1]), resolution))
    # The certificate really ran and decided cells (many where classes form regions).
    assert max(certified) > (0.05 if kind in ("blobs", "separated") else 0.0)


@pytest.mark.parametrize(
    "settings",
    [
        # Down to single cells, asking the tree at every size, always.
        {"_CERTIFY_LAST_BLOCK": 1, "_CERTIFY_TREE_MIN_BLOCK": 1, "_CERTIFY_QUERY_SHARE": np.inf},
        # Tiny fetches (rows often incomplete) from big first blocks.
        {"_CERTIFY_FIRST_BLOCK": 16, "_CERTIFY_FETCH": (1, 1.5), "_CERTIFY_LAST_BLOCK": 1},
        # Only inherited candidate lists below the first level.
        {"_CERTIFY_FIRST_BLOCK": 4, "_CERTIFY_TREE_MIN_BLOCK": 8, "_CERTIFY_LAST_BLOCK": 1},
    ],
)
@pytest.mark.parametrize("kind", ["blobs", "uniform", "integer", "duplicates"])
def test_certificate_settings_do_not_change_the_labels(settings, kind, monkeypatch):
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    for name, value in settings.items():
        monkeypatch.setattr(surface_module, name, value)
    rng = np.random.default_rng(zlib.crc32(repr((sorted(settings), kind)).encode()))
    certified = []
    for metric, p in ALL_METRICS:
        n = int(rng.choice([20, 80, 300]))
        X, y = certificate_data(kind, n, int(rng.integers(2, 5)), rng)
        model = KNNClassifier(min(n, int(rng.choice([1, 3, 4, 9]))), metric=metric, p=p).fit(X, y)
        low, high = X.min(axis=0) - 1, X.max(axis=0) + 1
        resolution = (int(rng.integers(20, 60)), int(rng.integers(20, 60)))
        certified.append(check_certificate(model, (low[0], high[0]), (low[1], high[1]), resolution))
    assert max(certified) > 0


@pytest.mark.parametrize("k", [1, 2, 4, 6])
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_certified_surface_with_even_k_and_exact_vote_ties(k, n_classes, monkeypatch):
    # Integer data and a grid through the lattice points and half-way points: equal
    # distances decide ties at the k-th place and even k splits votes evenly.
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    rng = np.random.default_rng(10 * k + n_classes)
    for n in (12, 60, 200):
        X = rng.integers(0, 5, size=(n, 2)).astype(float)
        y = rng.integers(0, n_classes, n)
        model = KNNClassifier(k).fit(X, y)
        check_certificate(model, (-1, 5), (-1, 5), (25, 13))
        manhattan = KNNClassifier(k, metric="manhattan").fit(X, y)
        check_certificate(manhattan, (-1, 5), (-1, 5), (13, 25))


def test_certified_surface_k_equals_n_and_k_one(monkeypatch):
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    X, y = float_blobs(n=60, n_classes=3, seed=4)
    for k in (1, 59, 60):
        model = KNNClassifier(k).fit(X, y)
        share = check_certificate(model, (-3, 5), (-3, 5), (40, 33))
        assert share > 0.25
    # k = n: every cell sees every training point, so the whole grid is one certified class
    # (unless the overall vote is tied).
    model = KNNClassifier(60).fit(X, y)
    xs, ys = grid_axes((-3, 5), (-3, 5), 40)
    codes = certified_codes(model, xs, ys)
    counts = np.bincount(model.y_codes_, minlength=3)
    if (counts == counts.max()).sum() == 1:
        assert (codes == counts.argmax()).all()


@pytest.mark.parametrize(
    "x_range,y_range",
    [((0.0, 1e-9), (0.0, 1e-9)), ((1e6, 1e6 + 1e-3), (-1e6, -1e6 + 1e-3)), ((-1e-7, 1e-7), (0, 1))],
)
def test_certified_surface_on_tiny_and_offset_ranges(x_range, y_range, monkeypatch):
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    rng = np.random.default_rng(7)
    lo = np.array([x_range[0], y_range[0]])
    span = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]])
    for metric, p in ALL_METRICS:
        X = lo + span * rng.uniform(-0.2, 1.2, size=(80, 2))
        y = (X[:, 0] - lo[0] > span[0] / 2).astype(int) ^ (rng.random(80) < 0.2)
        model = KNNClassifier(5, metric=metric, p=p).fit(X, y)
        check_certificate(model, x_range, y_range, (48, 40))


def test_benchmark_sized_surface_is_mostly_certified():
    # The default settings (no monkeypatching) on the benchmark's kind of data.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    centres = 1.5 * np.sqrt(0.5) * np.where(y[:, None] == 1, 1, -1)
    X = centres + rng.normal(scale=1.3, size=(1000, 2))
    model = KNNClassifier(15).fit(X, y)
    assert check_certificate(model, (-5, 5), (-5, 5), 200) > 0.9


def test_weights_distance_and_confidence_keep_the_per_cell_path(monkeypatch):
    X, y = float_blobs(n=200, seed=2)
    calls = []
    original = surface_module._certified_winners

    def spy(model, xs, ys):
        out = original(model, xs, ys)
        calls.append((out >= 0).sum())
        return out

    monkeypatch.setattr(surface_module, "_certified_winners", spy)
    model = KNNClassifier(5, weights="distance").fit(X, y)
    xs, ys, labels = decision_surface(model, (-3, 4), (-3, 4), 50)
    np.testing.assert_array_equal(labels.ravel(), model.predict(meshgrid_queries(xs, ys)))
    assert calls == [0]  # distance weights: nothing certified
    uniform = KNNClassifier(5).fit(X, y)
    decision_surface(uniform, (-3, 4), (-3, 4), 50, return_confidence=True)
    assert len(calls) == 1  # confidence: the certificate is not even asked


def test_a_shrunken_certificate_radius_is_caught(monkeypatch):
    # The checks above can fail: certify with half the true block radius and some certified
    # cell disagrees with the per-cell vote.
    monkeypatch.setattr(surface_module, "_CERTIFY_MIN_CELLS", 0)
    original = surface_module._metric_norm
    monkeypatch.setattr(surface_module, "_metric_norm", lambda p, *parts: original(p, *parts) * 0.3)
    rng = np.random.default_rng(3)
    wrong = 0
    for _ in range(5):
        X, y = certificate_data("uniform", 300, 3, rng)
        model = KNNClassifier(7).fit(X, y)
        xs, ys = grid_axes((-3, 3), (-3, 3), 120)
        codes = certified_codes(model, xs, ys)
        expected = model._y_codes[0] * 0 + model.vote(meshgrid_queries(xs, ys)).winner
        expected = expected.reshape(codes.shape)
        wrong += int(((codes >= 0) & (codes != expected)).sum())
    assert wrong > 0
