"""AppTest of the Regression page (real script runs, real widgets), and its figure builders."""

import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from knn_core.datasets import noisy_sine
from knn_core.lessons.regression import compare_k, explain_regression, prediction_curve
from knn_core.models import KNNRegressor
from knn_ui import regression as rv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/regression.py")
    at.run()
    assert not at.exception, at.exception
    return at


def predictions(at) -> list[float]:
    """The two shown predictions (uniform, distance), parsed from the sentences under the plots."""
    found = []
    for m in at.markdown:
        if m.value.startswith("Prediction at x ="):
            found.append(float(re.search(r"= \*\*(-?[\d.]+)\*\*", m.value).group(1)))
    return found


def neighbours(at):
    return at.dataframe[0].value


def test_page_renders_with_its_learning_goal_and_two_predictions(app):
    assert app.title[0].value == "KNN for numbers: regression"
    assert any(m.value.startswith("**Learning goal:**") for m in app.markdown)
    assert len(predictions(app)) == 2
    rows = neighbours(app)
    assert len(rows) == 5  # default k
    # The uniform prediction is the plain mean of the listed values, and the sentence shows it.
    assert predictions(app)[0] == pytest.approx(rows["y (its value)"].mean(), abs=0.005)
    assert rows["share, uniform"].tolist() == [0.2] * 5
    assert rows["share, distance-weighted"].sum() == pytest.approx(1.0)
    assert list(rows["distance |x − query|"]) == sorted(rows["distance |x − query|"])


def test_changing_k_changes_the_table_and_the_comparison(app):
    app.slider(key="r_k").set_value(9).run()
    assert not app.exception
    assert len(neighbours(app)) == 9
    assert list(app.dataframe[1].value["curve"]) == [
        "k = 1",
        "k = 9 (yours)",
        "k = 20 (half the points)",
    ]


def test_moving_the_query_follows_the_sine(app):
    app.slider(key="r_noise").set_value(0.0)
    app.slider(key="r_n").set_value(100)
    app.slider(key="r_k").set_value(3).run()
    app.number_input(key="r_x").set_value(1.5).run()
    high = predictions(app)
    app.number_input(key="r_x").set_value(4.7).run()
    low = predictions(app)
    assert not app.exception
    # Without noise the prediction is close to sin(x): about 1 at 1.5, about -1 at 4.7.
    assert all(p == pytest.approx(np.sin(1.5), abs=0.05) for p in high)
    assert all(p == pytest.approx(np.sin(4.7), abs=0.05) for p in low)
    assert neighbours(app)["x"].between(4.4, 5.0).all()


def test_more_noise_and_a_new_seed_change_the_data(app):
    before = neighbours(app)["y (its value)"].tolist()
    app.button(key="r_new_sample").click().run()
    assert app.number_input(key="r_seed").value == 1
    after_seed = neighbours(app)["y (its value)"].tolist()
    assert after_seed != before
    app.slider(key="r_noise").set_value(1.0).run()
    assert neighbours(app)["y (its value)"].tolist() != after_seed


def test_k_above_the_number_of_points_is_lowered_and_explained(app):
    app.slider(key="r_k").set_value(30).run()
    app.slider(key="r_n").set_value(20).run()
    assert not app.exception
    assert app.slider(key="r_k").value == 20
    assert any("lowered to 20" in i.value for i in app.sidebar.info)
    assert len(neighbours(app)) == 20


def test_k_one_shows_the_nearest_value_itself(app):
    app.slider(key="r_k").set_value(1).run()
    rows = neighbours(app)
    assert len(rows) == 1
    assert predictions(app)[0] == pytest.approx(rows["y (its value)"][0], abs=0.005)
    assert list(app.dataframe[1].value["curve"]) == ["k = 1", "k = 20 (half the points)"]


def validated(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_plotly_json())  # Plotly's own validation of every property
    return fig


def test_regression_figure_draws_the_curve_the_neighbours_and_their_mean():
    x, y = noisy_sine(30, 0.3, 2)
    for weights, shape in (("uniform", "hv"), ("distance", "linear")):
        model = KNNRegressor(4, weights=weights).fit(x[:, None], y)
        xs, ys = prediction_curve(model, rv.X_RANGE, 200)
        trace = explain_regression(model, 3.0)
        fig = validated(
            rv.regression_figure(x, y, xs, ys, trace, k=4, y_range=(-2, 2), steps=shape == "hv")
        )
        by_name = {t.name: t for t in fig.data}
        curve = by_name["prediction curve"]
        assert curve.line.shape == shape
        np.testing.assert_array_equal(curve.y, ys)
        rings = by_name["4 nearest" + (" (size = weight)" if weights == "distance" else "")]
        np.testing.assert_array_equal(rings.x, x[trace.neighbors])
        mean = by_name["their weighted mean" if weights == "distance" else "their mean"]
        assert list(mean.y) == [trace.prediction] * 2
        assert fig.layout.xaxis.title.text == "x"
        assert list(fig.layout.xaxis.range) == list(rv.X_RANGE)


def test_k_comparison_figure_draws_every_curve_and_the_truth():
    x, y = noisy_sine(40, 0.3, 0)
    comparison = compare_k(x, y, (1, 5, 20), x_range=rv.X_RANGE, n_grid=100)
    fig = validated(rv.k_comparison_figure(x, y, comparison, y_range=(-2, 2)))
    names = [t.name for t in fig.data]
    assert names == [
        "training points",
        "sin(x), the curve without noise",
        "k = 1",
        "k = 5",
        "k = 20",
    ]
    np.testing.assert_array_equal(fig.data[-1].y, comparison.curves[-1])
