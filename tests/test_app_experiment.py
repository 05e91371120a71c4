"""AppTest of the tutorial's experiment page, and its figure builders."""

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from knn_core.lessons.experiment import tutorial_experiment
from knn_core.lessons.projection import distance_ratio_curve
from knn_ui import experiment as ev

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/experiment.py")
    at.run()
    assert not at.exception, at.exception
    return at


def shown_predictions(at) -> list[float]:
    return [float(m.value) for m in at.metric]


def neighbour_tables(at):
    return [d.value for d in at.dataframe]


def test_page_shows_the_tutorials_experiment_and_rising_predictions(app):
    assert app.title[0].value == "The tutorial's experiment"
    assert [m.label for m in app.metric] == [
        "all-1 row: prediction",
        "all-2 row: prediction",
        "all-4 row: prediction",
        "all-5 row: prediction",
    ]
    preds = shown_predictions(app)
    assert preds[0] < 0.25 and preds[-1] > 0.75
    assert preds == sorted(preds)
    # Exactly the tutorial's run (seed 0), done independently here.
    assert preds == pytest.approx(tutorial_experiment(seed=0).predictions.tolist(), abs=0.005)
    code = app.code[0].value
    assert "gen_data(mu=1, sigma=3, y=0, size=(30, 10))" in code
    assert "gen_data(mu=5, sigma=3, y=1, size=(20, 10))" in code
    assert "KNN(num_neighbors=5)" in code
    tables = neighbour_tables(app)
    assert len(tables) == 4 and all(len(t) == 5 for t in tables)
    # Each prediction is the mean label of the listed neighbours.
    for table, pred in zip(tables, preds, strict=True):
        assert table["label"].mean() == pytest.approx(pred, abs=0.005)
        assert list(table["distance"]) == sorted(table["distance"])
    assert any("rise from 0.00 to 1.00" in m.value for m in app.markdown)
    assert any("41% and 12%" in m.value for m in app.markdown)


def test_k_changes_the_tables_and_the_code(app):
    app.select_slider(key="e_k").set_value(9).run()
    assert not app.exception
    assert all(len(t) == 9 for t in neighbour_tables(app))
    assert "KNN(num_neighbors=9)" in app.code[0].value
    assert any("steps of 1/9" in m.value for m in app.markdown)


def test_swapping_the_means_reverses_the_predictions_and_says_so(app):
    app.number_input(key="e_mu0").set_value(5.0)
    app.number_input(key="e_mu1").set_value(1.0).run()
    assert not app.exception
    preds = shown_predictions(app)
    assert preds[0] > preds[-1]
    assert any("do not rise steadily" in i.value for i in app.info)


def test_small_sigma_separates_the_groups_cleanly(app):
    app.slider(key="e_sigma").set_value(0.5).run()
    assert shown_predictions(app) == [0.0, 0.0, 1.0, 1.0]


def test_seed_sizes_and_features_change_the_data(app):
    before = neighbour_tables(app)[0]["row"].tolist()
    app.number_input(key="e_seed").set_value(7).run()
    assert neighbour_tables(app)[0]["row"].tolist() != before
    app.number_input(key="e_n0").set_value(12)
    app.number_input(key="e_n1").set_value(8)
    app.slider(key="e_d").set_value(50).run()
    assert not app.exception
    code = app.code[0].value
    assert "size=(12, 50)" in code and "size=(8, 50)" in code
    assert "[1] * 50" in code
    assert any("the other 48 directions" in m.value for m in app.markdown)
    assert all(t["row"].max() < 20 for t in neighbour_tables(app))


def test_k_above_the_number_of_rows_is_lowered_then_reset_restores_the_tutorial(app):
    app.select_slider(key="e_k").set_value(40).run()
    app.number_input(key="e_n0").set_value(10).run()
    assert not app.exception
    assert app.select_slider(key="e_k").value == 30
    assert any("lowered to 30" in i.value for i in app.sidebar.info)
    app.slider(key="e_sigma").set_value(1.0).run()
    app.button(key="e_reset").click().run()
    assert app.select_slider(key="e_k").value == 5
    assert app.slider(key="e_sigma").value == 3.0
    assert app.number_input(key="e_n0").value == 30
    assert "KNN(num_neighbors=5)" in app.code[0].value


def validated(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_plotly_json())  # Plotly's own validation of every property
    return fig


def test_figures_are_valid_and_draw_the_experiment():
    result = tutorial_experiment(seed=2)
    fig = validated(ev.projection_figure(result))
    by_name = {t.name: t for t in fig.data}
    stars = by_name["new rows → prediction"]
    np.testing.assert_allclose(np.column_stack([stars.x, stars.y]), result.new_2d)
    assert stars.text[0].startswith("all-1 → ")
    assert "of the variance" in fig.layout.xaxis.title.text
    sweep = validated(ev.sweep_figure(result))
    np.testing.assert_array_equal(sweep.data[0].y, result.sweep_predictions)
    dims, mean, std = distance_ratio_curve(dims=(1, 10, 100), n_samples=50, n_queries=5)
    curve = validated(ev.ratio_figure(dims, mean, std, n_features=10))
    assert curve.layout.xaxis.type == "log"
    np.testing.assert_array_equal(curve.data[1].y, mean)
