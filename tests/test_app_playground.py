"""AppTest of the Playground: real script runs, real widgets, no browser."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.neighbour_rows import app_prediction, app_rows, app_tie_note

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def prediction_text(at) -> str:
    return app_prediction(at)


def neighbour_rows(at):
    return app_rows(at)


def test_default_page_renders_without_exception(app):
    assert app.title[0].value == "KNN Playground"
    assert prediction_text(app) in {"red", "blue"}
    assert len(neighbour_rows(app)) == 3  # default k = 3


def test_changing_k_changes_the_table_and_vote(app):
    app.slider(key="k").set_value(7).run()
    assert not app.exception
    assert len(neighbour_rows(app)) == 7
    assert "7" in app.session_state["k"].__str__()


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev", "minkowski"])
def test_changing_metric_keeps_the_page_working(app, metric):
    app.selectbox(key="metric").set_value(metric).run()
    assert not app.exception
    assert len(neighbour_rows(app)) == 3


def test_distance_weights_add_a_weight_column(app):
    app.radio(key="weights").set_value("distance").run()
    assert not app.exception
    assert "weight" in neighbour_rows(app).columns


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral", "uniform"])
def test_every_data_set_renders(app, name):
    app.selectbox(key="data").set_value(name).run()
    assert not app.exception
    assert len(neighbour_rows(app)) == 3


def test_query_inputs_move_the_query_and_change_the_vote(app):
    # The blobs: red around (1, 1), blue around (5, 5).
    app.number_input(key="qx").set_value(1.0)
    app.number_input(key="qy").set_value(1.0).run()
    assert prediction_text(app) == "red"
    app.number_input(key="qx").set_value(5.0)
    app.number_input(key="qy").set_value(5.0).run()
    assert prediction_text(app) == "blue"
    rows = neighbour_rows(app)
    assert list(rows["class"]) == ["blue"] * 3


def test_k_larger_than_the_data_is_lowered_and_explained(app):
    app.slider(key="k").set_value(40).run()
    app.select_slider(key="n").set_value(20).run()
    assert not app.exception
    assert app.slider(key="k").value == 20
    assert any("lowered to 20" in i.value for i in app.sidebar.info)


def test_even_k_tie_is_reported(app):
    # k = 2 between the blobs: one red and one blue neighbour tie somewhere on the line
    # between them; search a few spots for a tie and check the note when it happens.
    app.slider(key="k").set_value(2).run()
    found = False
    for t in [i / 10 for i in range(15, 46)]:
        app.number_input(key="qx").set_value(t)
        app.number_input(key="qy").set_value(t).run()
        note = app_tie_note(app)
        if note:
            found = True
            assert "Tied vote" in note
            assert "first" in note
            break
    assert found, "no tie found along the diagonal with k = 2"


def test_link_parameters_restore_the_view():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"k": "5", "metric": "Manhattan", "qx": "4.5", "qy": "4.5"})
    at.run()
    assert not at.exception
    assert at.slider(key="k").value == 5
    assert at.selectbox(key="metric").value == "manhattan"
    assert len(neighbour_rows(at)) == 5


def test_malformed_link_values_fall_back_to_defaults():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"k": "banana", "metric": "<script>", "n": "-5", "noise": "9"})
    at.run()
    assert not at.exception
    assert at.slider(key="k").value == 3
    assert at.selectbox(key="metric").value == "euclidean"


def test_query_outside_the_plot_is_explained(app):
    app.number_input(key="qx").set_value(100.0).run()
    assert not app.exception
    assert any("outside the plot" in i.value for i in app.info)
    assert len(neighbour_rows(app)) == 3


def test_share_link_holds_the_view():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"k": "5", "metric": "Chebyshev"})
    at.run()
    link = at.sidebar.code[0].value
    assert "k=5" in link and "metric=Chebyshev" in link


def test_k_buttons_step_k_within_range(app):
    plus = next(b for b in app.button if b.label == "k + 1")
    plus.click().run()
    assert app.slider(key="k").value == 4
    assert len(neighbour_rows(app)) == 4
    app.slider(key="k").set_value(1).run()
    minus = next(b for b in app.button if b.label == "k − 1")
    minus.click().run()
    assert app.slider(key="k").value == 1  # never below 1


def test_presenter_mode_renders(app):
    app.toggle(key="present").set_value(True).run()
    assert not app.exception
    assert len(neighbour_rows(app)) == 3


def test_a_link_to_100000_points_renders_and_caps_k():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"n": "100000", "k": "5000"})
    at.run()
    assert not at.exception, at.exception
    assert at.select_slider(key="n").value == 100_000
    # k's slider stops at 1,000; the link's k = 5000 is out of its range, so the default stays.
    assert at.slider(key="k").max == 1000
    assert len(neighbour_rows(at)) == 3
    at.slider(key="k").set_value(1000).run()
    assert not at.exception, at.exception
    assert len(neighbour_rows(at)) == 1000
