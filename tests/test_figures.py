"""Figure builders: valid Plotly figures (checked with Plotly's own validation) that draw what
knn_core computed."""

import numpy as np
import plotly.graph_objects as go
import pytest

from knn_core.datasets import make_dataset
from knn_core.geometry import ball_outline, plot_bounds
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier
from knn_core.surface import neighbor_grid
from knn_ui import figures, style
from knn_ui.style import class_color, display_names


@pytest.fixture
def scene():
    X, y = make_dataset("spiral", 90, 0.2, 3, n_classes=3)
    model = KNNClassifier(5).fit(X, y)
    bounds = plot_bounds(X)
    trace = trace_query(model, (0.1, 0.2))
    grid = neighbor_grid(model, bounds[0], bounds[1], 30, 5)
    return X, model, bounds, trace, figures.Regions.of(grid, 5)


def validated(fig: go.Figure) -> go.Figure:
    # The builders skip Plotly's validation for speed; rebuilding the same traces and layout
    # through the validating constructor raises on any invalid property.
    go.Figure(fig.to_plotly_json())
    return fig


def test_playground_figure_is_valid_and_draws_the_neighbours(scene):
    X, model, bounds, trace, regions = scene
    names = display_names(model.classes_)
    fig = figures.playground_figure(
        X,
        model.y_codes_,
        names,
        x_range=bounds[0],
        y_range=bounds[1],
        neighbourhood=figures.Neighbourhood(
            query=(0.1, 0.2),
            prediction_code=int(trace.winner_code),
            prediction_name=names[int(trace.winner_code)],
            neighbor_index=trace.kept,
            outline=ball_outline((0.1, 0.2), trace.radius),
            metric_label="Euclidean: circle",
        ),
        regions=regions,
    )
    fig = validated(fig)
    by_name = {t.name: t for t in fig.data}
    assert {"red", "blue", "green"} <= set(by_name)
    for code, name in enumerate(names):
        drawn = np.column_stack([by_name[name].x, by_name[name].y])
        np.testing.assert_array_equal(drawn, X[model.y_codes_ == code])
    # The query's parts are layout shapes (so moving it redraws only them), with legend
    # entries that are traces without points.
    shapes = {s.name: s for s in fig.layout.shapes}
    for rank, index in enumerate(trace.kept, start=1):
        ring = shapes[f"neighbour {rank}"]
        assert (ring.xanchor, ring.yanchor) == tuple(X[index])
        assert ring.label.text == str(rank)
    assert (shapes["query"].xanchor, shapes["query"].yanchor) == (0.1, 0.2)
    assert shapes["query"].fillcolor == class_color(trace.winner_code)
    spokes = shapes["spokes"].path
    assert spokes.count("M") == 5 and spokes.count("M0.1,0.2L") == 5
    assert shapes["neighbourhood"].path.startswith("M") and shapes["neighbourhood"].path[-1] == "Z"
    legend = {t.name: t for t in fig.data if list(t.x) == [None]}
    assert set(legend) == {
        "Euclidean neighbourhood (circle)",
        "5 nearest",
        "query (its prediction's colour)",
    }
    assert list(fig.layout.xaxis.range) == list(bounds[0])
    # The legend is a key: clicking an entry cannot hide a class whose points still vote.
    assert fig.layout.legend.itemclick is False and fig.layout.legend.itemdoubleclick is False
    # The regions: a filled contour per class and band of vote strength, each over a field
    # whose 0.5 contour is its exact edge (one byte a cell, 100 the edge, never on it), sent
    # over the cells around the area; bands with the same area are one fill.
    fills = [t for t in fig.data if t.name == "decision regions"]
    assert fills == list(fig.data[: len(fills)]) and len(fills) >= 3
    for fill in fills:
        assert fill.type == "contour" and fill.contours.coloring == "fill"
        assert fill.contours.start == fill.contours.end == 100 and fill.line.smoothing == 0
        assert np.asarray(fill.z).dtype == np.uint8 and 100 not in np.asarray(fill.z)
    for code in range(3):
        areas = [inside_of(fill, regions) for fill in fills if fill_class(fill) == code]
        wanted = unique_areas(regions.fields[code] > 0.5)
        assert len(areas) == len(wanted)
        for area, inside in zip(areas, wanted, strict=True):
            np.testing.assert_array_equal(area, inside)
        # Stacked, the tints run from the closest vote's to REGION_TINT where it was clearest.
        opacities = [fill.opacity for fill in fills if fill_class(fill) == code]
        if (regions.fields[code, -1] > 0.5).any():  # the clearest band is drawn too
            assert 1 - np.prod(1 - np.array(opacities)) == pytest.approx(figures.REGION_TINT, 1e-3)


def fill_class(fill) -> int:
    return style.CLASS_COLORS.index(fill.colorscale[-1][1])


def inside_of(fill, regions) -> np.ndarray:
    """A fill's inside cells (z above the edge) placed back on the whole grid."""
    full = np.zeros(regions.fields.shape[2:], dtype=bool)
    rows = np.searchsorted(regions.ys, np.asarray(fill.y))
    cols = np.searchsorted(regions.xs, np.asarray(fill.x))
    full[np.ix_(rows, cols)] = np.asarray(fill.z) > 100
    return full


def unique_areas(bands: np.ndarray) -> list[np.ndarray]:
    """The non-empty areas of successive bands, a band equal to the one before it left out."""
    areas = []
    for area in bands:
        if area.any() and not (areas and np.array_equal(areas[-1], area)):
            areas.append(area)
    return areas


@pytest.mark.parametrize("n_classes", [2, 3])
def test_the_decision_boundary_is_a_line_between_the_regions(n_classes):
    # The regions read without colour: one line trace through the boundary knn_core traced,
    # over the fills and under the points.
    X = np.array([[0.1, 0.1], [0.9, 0.9], [0.1, 0.9]])[:n_classes]
    model = KNNClassifier(1).fit(X, np.arange(n_classes))
    grid = neighbor_grid(model, (0, 1), (0, 1), 9, 1)
    regions = figures.Regions.of(grid, 1)
    names = ["red", "blue", "green"][:n_classes]
    fig = validated(
        figures.playground_figure(X, np.arange(n_classes), names, x_range=(0, 1),
                                  y_range=(0, 1), regions=regions)
    )  # fmt: skip
    (line,) = [t for t in fig.data if t.name == "decision boundary"]
    assert line.type == "scatter" and line.mode == "lines" and line.showlegend is False
    np.testing.assert_array_equal(line.x, regions.boundary[0])
    np.testing.assert_array_equal(line.y, regions.boundary[1])
    # 1-NN of two points: the boundary is the perpendicular bisector x + y = 1.
    if n_classes == 2:
        np.testing.assert_allclose(np.nansum([line.x, line.y], axis=0)[:-1], 1.0, atol=1 / 64)
    # The shading stays: the fills first, the line over them, the points on top.
    fills = [t for t in fig.data if t.name == "decision regions"]
    assert fig.data[: len(fills)] == tuple(fills) and len(fills) >= n_classes
    for c in range(n_classes):
        (first, *_) = [fill for fill in fills if fill_class(fill) == c]
        np.testing.assert_array_equal(inside_of(first, regions), regions.fields[c, 0] > 0.5)
    assert fig.data[len(fills)] is line and fig.data[len(fills) + 1].name == names[0]


def test_user_class_names_are_not_markup():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    fig = figures.playground_figure(
        X, np.array([0, 1]), ["<b>bold</b>", "a&b"], x_range=(-1, 2), y_range=(-1, 2)
    )
    names = [t.name for t in validated(fig).data]
    assert names == ["&lt;b&gt;bold&lt;/b&gt;", "a&amp;b"]


@pytest.mark.parametrize("n", [figures.WEBGL_FROM - 1, figures.WEBGL_FROM, 100_000])
def test_large_data_switches_to_webgl_with_every_point_drawn(n):
    X, y = make_dataset("blobs", n, 0.3, 0, n_classes=2)
    traces = figures.class_traces(X, y, ["red", "blue"])
    large = n >= figures.WEBGL_FROM
    assert {t["type"] for t in traces} == {"scattergl" if large else "scatter"}
    for code, t in enumerate(traces):
        drawn = np.column_stack([t["x"], t["y"]])
        expected = X[y == code].astype(np.float32) if large else X[y == code]
        np.testing.assert_array_equal(drawn, expected)
        # Shapes still tell the classes apart, and dense clouds get smaller markers.
        assert t["marker"]["symbol"] == ("circle", "square")[code]
        assert 3 <= t["marker"]["size"] <= 10
        assert (t["marker"]["size"] < 10) == large
    validated(figures._figure(traces, {}))


@pytest.mark.parametrize(
    ("names", "colors"),
    [
        (["blue", "red"], ["#0072B2", "#D55E00"]),  # a file labelled in colour names
        (["Orange", "green", "purple"], ["#E69F00", "#009E73", "#CC79A7"]),
        (["blue", "cat"], ["#D55E00", "#0072B2"]),  # not all colours: the palette in order
        (["0", "1"], ["#D55E00", "#0072B2"]),
    ],
)
def test_class_names_that_are_colour_names_get_those_colours(names, colors):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])[: len(names)]
    codes = np.arange(len(names))
    fields = np.zeros((len(names), figures.CONFIDENCE_BANDS, 2, 2))
    fields[0] = 1.0  # class 0 wins everywhere, unanimously
    regions = figures.Regions(np.arange(2.0), np.arange(2.0), fields, (np.empty(0), np.empty(0)))
    fig = validated(
        figures.playground_figure(
            X, codes, names, x_range=(-1, 3), y_range=(-1, 2), regions=regions,
            neighbourhood=figures.Neighbourhood(
                query=(0.1, 0.1), prediction_code=0, prediction_name=names[0],
                neighbor_index=np.array([0]), outline=(np.zeros(3), np.zeros(3)),
                metric_label="Euclidean",
            ),
        )
    )  # fmt: skip
    points = [t for t in fig.data if t.name in names]
    assert [t.marker.color for t in points] == colors
    shape_of = dict(zip(style.CLASS_COLORS, style.CLASS_SYMBOLS, strict=True))
    assert [t.marker.symbol for t in points] == [shape_of[c] for c in colors]
    # Class 0's region in its colour, its bands stacked up to REGION_TINT (a tint: white and
    # the grid lines show through).
    (fill,) = [t for t in fig.data if t.name == "decision regions"]  # all bands: one area
    assert fill.colorscale[-1][1] == colors[0]
    assert fill.opacity == pytest.approx(figures.REGION_TINT, abs=1e-3)
    star = next(s for s in fig.layout.shapes if s.name == "query")
    assert star.fillcolor == colors[0]
