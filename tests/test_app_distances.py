"""AppTest of the Distances and scaling page, and its figure builders."""

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset
from knn_core.geometry import ball_outline, plot_bounds
from knn_core.lessons.neighbor_sets import compare_metrics
from knn_core.lessons.scaling import scaling_effect
from knn_ui import distances as dv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/distances.py")
    at.run()
    assert not at.exception, at.exception
    return at


def table_with(at, column):
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(tables) == 1, [list(d.value.columns) for d in at.dataframe]
    return tables[0]


def metric_rows(at):
    return table_with(at, "picked by")


def scaling_rows(at):
    return table_with(at, "original units")


def test_page_renders_the_three_metrics_and_who_picked_what(app):
    assert app.title[0].value == "Distances and scaling"
    rows = metric_rows(app)
    assert {"Euclidean", "Manhattan", "Chebyshev", "picked by"} <= set(rows.columns)
    # Each metric picked exactly k = 5 points among the rows.
    for metric in ("Euclidean", "Manhattan", "Chebyshev"):
        picked = rows["picked by"].map(lambda s, m=metric: s == "all three" or m in s)
        assert picked.sum() == 5
    # The default blobs query: the metrics disagree on two points, and the page says so.
    assert len(rows) == 6
    assert any("disagree on 2 points" in m.value for m in app.markdown)


def test_k_and_the_query_change_the_table(app):
    before = metric_rows(app)["point #"].tolist()
    app.slider(key="d_k").set_value(1).run()
    assert not app.exception
    assert 1 <= len(metric_rows(app)) <= 3
    app.slider(key="d_k").set_value(5).run()
    app.number_input(key="qx").set_value(5.0)
    app.number_input(key="qy").set_value(5.5).run()
    after = metric_rows(app)
    assert after["point #"].tolist() != before
    assert set(after["class"]) == {"blue"}


def test_stretching_changes_the_neighbours_and_standardising_restores_them(app):
    original = scaling_rows(app)
    assert (original["original units"] == original["now"]).all()
    assert set(original[""]) == {"kept"}
    app.select_slider(key="d_stretch").set_value(100).run()
    assert not app.exception
    stretched = scaling_rows(app)
    assert stretched["original units"].tolist() == original["original units"].tolist()
    assert stretched["now"].tolist() != original["now"].tolist()
    assert "NEW" in set(stretched[""])
    assert any("2 of the 5 neighbours changed" in m.value for m in app.markdown)
    app.toggle(key="d_std").set_value(True).run()
    restored = scaling_rows(app)
    assert sorted(restored["now"]) == sorted(original["now"])
    assert set(restored[""]) == {"kept"}
    # Standardised, the stretch no longer matters at all.
    app.select_slider(key="d_stretch").set_value(1).run()
    assert scaling_rows(app)["now"].tolist() == restored["now"].tolist()


def test_the_query_placed_on_the_playground_comes_along(app):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.number_input(key="qx").set_value(5.0)
    at.number_input(key="qy").set_value(5.5).run()
    at.switch_page("pages/distances.py")
    at.run()
    assert not at.exception
    assert at.number_input(key="qx").value == 5.0
    assert at.number_input(key="qy").value == 5.5
    assert set(metric_rows(at)["class"]) == {"blue"}


@pytest.mark.parametrize("name", ["moons", "spiral", "uniform"])
def test_other_data_sets_render(app, name):
    app.selectbox(key="data").set_value(name).run()
    assert not app.exception
    assert len(metric_rows(app)) >= 5
    assert len(scaling_rows(app)) == 5


def test_picked_by_names_the_metrics():
    metrics = ("euclidean", "manhattan", "chebyshev")
    assert dv.picked_by([True, True, True], metrics) == "all three"
    assert dv.picked_by([True, False, True], metrics) == "Euclidean, Chebyshev"
    assert dv.picked_by([False, True, False], metrics) == "Manhattan only"


def validated(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_plotly_json())  # Plotly's own validation of every property
    return fig


def test_metrics_figure_draws_three_outlines_and_marks_the_disputed_points():
    X, y = make_dataset("blobs", 50, 0.3, seed=0)
    bounds = plot_bounds(X)
    query = (2.72, 3.41)
    comparison = compare_metrics(X, query, 5)
    outlines = {
        m: ball_outline(query, comparison.radius[j], m) for j, m in enumerate(comparison.metrics)
    }
    fig = validated(
        dv.metrics_figure(
            X, y, ["red", "blue"], comparison, outlines, x_range=bounds[0], y_range=bounds[1]
        )
    )
    by_name = {t.name: t for t in fig.data}
    for label in ("Euclidean: circle", "Manhattan: diamond", "Chebyshev: square"):
        assert label in by_name
    marked = by_name["picked by some metrics, not all"]
    np.testing.assert_array_equal(marked.x, X[comparison.disputed, 0])
    tags = next(t for t in fig.data if t.mode == "text").text
    assert sorted(tags) == ["C", "E+M"]
    rings = by_name["among the 5 nearest for all three"]
    np.testing.assert_array_equal(rings.x, X[comparison.common, 0])


@pytest.mark.parametrize(("factor", "standardized"), [(1, False), (100, False), (100, True)])
def test_scaling_figure_draws_the_transformed_data(factor, standardized):
    X, y = make_dataset("blobs", 50, 0.3, seed=0)
    effect = scaling_effect(X, (2.72, 3.41), 5, factor=factor, standardized=standardized)
    outline = ball_outline(effect.query, effect.radius, "euclidean")
    fig = validated(dv.scaling_figure(effect, y, ["red", "blue"], outline))
    by_name = {t.name: t for t in fig.data}
    np.testing.assert_allclose(
        np.concatenate([by_name["red"].x, by_name["blue"].x]),
        np.concatenate([effect.X[y == 0, 0], effect.X[y == 1, 0]]),
    )
    assert ("new neighbour" in by_name) == (not effect.change.same)
    assert ("no longer a neighbour" in by_name) == (not effect.change.same)
    title = fig.layout.xaxis.title.text
    assert ("× 100" in title) == (factor == 100)
    assert ("z-score" in title) == standardized
    # Same scale on both axes unless raw stretched data would be squashed flat.
    assert (fig.layout.yaxis.scaleanchor == "x") == (factor == 1 or standardized)
