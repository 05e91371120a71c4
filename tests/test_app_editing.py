"""AppTest of editing points on the Playground (issue 5): real script runs, real widgets.

AppTest cannot click inside the canvas component, so ``knn_canvas`` is replaced by a text input
whose ``on_change`` callback calls the page's ``on_click`` with the typed coordinates. That is
the canvas's own path: its ``on_click_change`` callback calls ``on_click(x, y)`` before the
script reruns, with the callback the page registered on the run that drew the plot.
"""

from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import knn_ui.canvas
from knn_core.datasets import make_dataset
from knn_core.edits import (
    LINK_MAX_EDITS,
    Edit,
    apply_edits,
    data_tag,
    decode_edits,
    encode_edits,
)
from tests.neighbour_rows import app_prediction, app_rows

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
FAKE = "_test_canvas_click"
DATA_KEY = ("blobs", 50, 0.3, 0, 2)  # the Playground's default data
TAG = data_tag(*DATA_KEY)


def fake_canvas(figure, *, key, on_click=None, click_hint="", **_):
    """Stand-in for knn_canvas: typing "x,y,n" calls on_click(x, y) like a click would."""

    def clicked():
        x, y, _ = st.session_state[FAKE].split(",")
        on_click(float(x), float(y))

    st.text_input("canvas click (test)", key=FAKE, on_change=clicked, help=click_hint)


@pytest.fixture(autouse=True)
def canvas_stand_in(monkeypatch):
    monkeypatch.setattr(knn_ui.canvas, "knn_canvas", fake_canvas)


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app():
    return new_app()


_clicks = iter(range(10**9))


def click(at, x, y):
    at.text_input(key=FAKE).set_value(f"{x},{y},{next(_clicks)}").run()
    assert not at.exception, at.exception


def set_mode(at, mode, code=None):
    at.button_group(key="edit_mode").set_value(mode).run()
    if code is not None:
        at.button_group(key="edit_class").set_value(code).run()


def set_query(at, x, y):
    at.number_input(key="qx").set_value(x)
    at.number_input(key="qy").set_value(y).run()


def edit_caption(at) -> str:
    return next(c.value for c in at.caption if " points · a link holds" in c.value)


def n_points(at) -> int:
    # "3 edits · 53 points · a link holds up to 100 edits"
    return int(edit_caption(at).split(" · ")[1].split()[0].replace(",", ""))


def n_edits(at) -> int:
    return int(edit_caption(at).split()[0].replace("No", "0"))


def prediction(at) -> str:
    return app_prediction(at)


def neighbours(at):
    return app_rows(at)


def button(at, label):
    return next(b for b in at.button if b.label == label)


def base_data():
    return make_dataset("blobs", 50, 0.3, 0)


def test_controls_start_in_move_mode_with_nothing_to_undo(app):
    assert app.button_group(key="edit_mode").value == "move"
    assert n_edits(app) == 0 and n_points(app) == 50
    assert button(app, "Undo").disabled and button(app, "Reset").disabled
    assert "edits" not in app.query_params
    # In move mode a click still places the query.
    click(app, 1.0, 1.0)
    assert app.number_input(key="qx").value == 1.0 and prediction(app) == "red"
    assert n_points(app) == 50


def test_adding_points_changes_the_points_the_vote_and_the_link(app):
    set_query(app, 1.0, 1.0)  # inside the red blob
    assert prediction(app) == "red"
    set_mode(app, "add", code=1)
    for dy in (0.0, 0.02, -0.02):
        click(app, 1.0, 1.0 + dy)
    assert n_points(app) == 53 and n_edits(app) == 3
    assert prediction(app) == "blue"  # k = 3: the three new blue points are the nearest
    rows = neighbours(app)
    assert sorted(rows["point #"]) == [50, 51, 52]
    assert list(rows["class"]) == ["blue"] * 3
    assert app.query_params["edits"] == f"1_d{TAG}_a1.100.100_a1.100.102_a1.100.98"
    assert app.number_input(key="qx").value == 1.0  # adding does not move the query
    assert any("Added a blue point at (1.00, 0.98)" in t.value for t in app.toast)


def test_removing_the_nearest_points_changes_the_neighbours(app):
    set_query(app, 1.0, 1.0)
    first = neighbours(app).iloc[0]
    set_mode(app, "remove")
    click(app, first["x₁"] + 0.01, first["x₂"] - 0.01)  # near, not exactly on, the point
    assert n_points(app) == 49
    X, y = base_data()
    expected_X = np.delete(X, int(first["point #"]), axis=0)
    # The new nearest neighbours are those of the data without that point.
    d = np.hypot(*(expected_X - [1.0, 1.0]).T)
    assert list(neighbours(app)["point #"]) == list(np.argsort(d, kind="stable")[:3])
    assert app.query_params["edits"] == f"1_d{TAG}_r{int(first['point #'])}"


def test_flipping_the_neighbours_flips_the_vote(app):
    set_query(app, 1.0, 1.0)
    rows = neighbours(app)
    assert list(rows["class"]) == ["red"] * 3
    set_mode(app, "flip")
    for _, row in rows.iterrows():
        click(app, row["x₁"], row["x₂"])
    assert n_points(app) == 50 and n_edits(app) == 3
    assert list(neighbours(app)["class"]) == ["blue"] * 3
    assert prediction(app) == "blue"
    flips = [Edit.flip(int(i)) for i in rows["point #"]]
    assert decode_edits(app.query_params["edits"], tag=TAG) == flips


def test_undo_and_reset(app):
    set_mode(app, "add", code=0)
    click(app, 5.0, 5.0)
    click(app, 5.1, 5.0)
    assert n_edits(app) == 2 and not button(app, "Undo").disabled
    button(app, "Undo").click().run()
    assert n_edits(app) == 1 and n_points(app) == 51
    assert app.query_params["edits"] == f"1_d{TAG}_a0.500.500"
    button(app, "Reset").click().run()
    assert n_edits(app) == 0 and n_points(app) == 50
    assert "edits" not in app.query_params
    assert button(app, "Reset").disabled
    button(app, "Undo").click().run()  # a reset can be undone too
    assert n_edits(app) == 1 and n_points(app) == 51
    button(app, "Undo").click().run()
    assert n_edits(app) == 0 and button(app, "Undo").disabled


def test_edits_survive_reruns_and_a_visit_to_another_page(app):
    set_query(app, 1.0, 1.0)
    set_mode(app, "add", code=1)
    for dy in (0.0, 0.02, -0.02):
        click(app, 1.0, 1.0 + dy)
    link = app.query_params["edits"]
    app.run()
    assert n_edits(app) == 3 and prediction(app) == "blue"
    app.switch_page("pages/choosing_k.py").run()
    assert not app.exception
    app.switch_page("pages/playground.py").run()
    assert not app.exception
    assert n_edits(app) == 3 and n_points(app) == 53
    assert app.query_params["edits"] == link


def test_a_fresh_session_with_the_link_reproduces_the_edited_data(app):
    set_query(app, 1.0, 1.0)
    set_mode(app, "add", code=1)
    click(app, 1.0, 1.0)
    set_mode(app, "flip")
    first = neighbours(app).iloc[1]
    click(app, first["x₁"], first["x₂"])
    set_mode(app, "remove")
    click(app, 5.0, 5.0)
    table = neighbours(app)
    link = app.query_params["edits"]

    other = new_app(edits=link, qx="1.0", qy="1.0")
    assert n_edits(other) == 3 and n_points(other) == 50
    assert neighbours(other).equals(table)
    assert prediction(other) == prediction(app)
    # The same edits replayed by the core give the same data.
    X, y = base_data()
    X2, y2 = apply_edits(X, y, decode_edits(link, tag=TAG), 2)
    table_rows = neighbours(other)
    for _, row in table_rows.iterrows():
        i = int(row["point #"])
        assert (X2[i, 0], X2[i, 1]) == pytest.approx((row["x₁"], row["x₂"]))


def test_undo_walks_back_through_the_edits_of_a_link_one_by_one():
    X, y = base_data()
    log = [Edit.add(5.0, 5.0, 0), Edit.flip(3), Edit.remove(7)]
    at = new_app(edits=encode_edits(log, tag=TAG))
    assert n_edits(at) == 3 and n_points(at) == 50
    assert not button(at, "Undo").disabled
    for kept in (2, 1, 0):
        button(at, "Undo").click().run()
        assert n_edits(at) == kept
        X2, _ = apply_edits(X, y, log[:kept], 2)
        assert n_points(at) == len(X2)
        if kept:
            assert decode_edits(at.query_params["edits"], tag=TAG) == log[:kept]
    assert "edits" not in at.query_params and button(at, "Undo").disabled


@pytest.mark.parametrize(
    "text",
    ["banana", "1_zz", "2_a0.1.1", "1_a0.1", "1_r1__f2", "<b>bold</b>", "1_r999", "1_a7.0.0"],
)
def test_a_malformed_link_gives_a_plain_notice_and_no_edits(text):
    at = new_app(edits=text)
    assert n_edits(at) == 0 and n_points(at) == 50
    assert any("were not used" in w.value for w in at.warning)
    assert any("see the note under the plot" in t.value for t in at.toast)
    detail = " ".join(c.value for c in at.code)
    assert detail  # the reason, shown as plain text in st.code
    assert "edits" not in at.query_params  # the bad value leaves the link
    # The page still works: an edit clears the notice.
    set_mode(at, "add", code=0)
    click(at, 3.0, 3.0)
    assert n_edits(at) == 1
    assert not any("were not used" in w.value for w in at.warning)


def test_a_link_made_on_other_data_is_refused():
    text = encode_edits([Edit.remove(0)], tag=TAG)
    at = new_app(edits=text, seed="7")
    assert n_edits(at) == 0 and n_points(at) == 50
    assert any("different data set" in c.value for c in at.code)


def test_the_last_point_of_a_class_cannot_be_flipped_or_removed():
    X, y = base_data()
    reds = np.flatnonzero(y == 0)
    link = encode_edits([Edit.flip(int(i)) for i in reds[:-1]], tag=TAG)
    at = new_app(edits=link)
    assert n_edits(at) == len(reds) - 1
    last = X[reds[-1]]
    for mode in ("flip", "remove"):
        set_mode(at, mode)
        click(at, last[0], last[1])
        assert n_edits(at) == len(reds) - 1
        assert any("last one" in t.value and "red" in t.value for t in at.toast)


def test_removal_below_k_is_refused_and_a_larger_k_is_lowered(app):
    app.slider(key="k").set_value(50).run()
    set_mode(app, "remove")
    click(app, 1.0, 1.0)
    assert n_points(app) == 50
    assert any("k = 50 needs at least 50 points" in t.value for t in app.toast)
    app.slider(key="k").set_value(5).run()
    click(app, 1.0, 1.0)
    assert n_points(app) == 49
    app.slider(key="k").set_value(50).run()
    assert not app.exception
    assert any("lowered to 49" in i.value for i in app.sidebar.info)
    assert len(neighbours(app)) == 49


def test_changing_the_data_puts_the_edits_aside_and_brings_them_back(app):
    set_mode(app, "add", code=1)
    click(app, 1.0, 1.0)
    click(app, 1.2, 1.0)
    app.number_input(key="seed").set_value(3).run()
    assert not app.exception
    assert n_edits(app) == 0 and n_points(app) == 50
    assert "edits" not in app.query_params
    assert any("put aside" in t.value for t in app.toast)
    button(app, "Back to the edited data (2 edits)").click().run()
    assert not app.exception
    assert app.number_input(key="seed").value == 0
    assert n_edits(app) == 2 and n_points(app) == 52
    # Changing the data and setting it back by hand brings them back as well.
    app.number_input(key="seed").set_value(4).run()
    app.number_input(key="seed").set_value(0).run()
    assert n_edits(app) == 2
    assert any("are back" in t.value for t in app.toast)


def many_adds(count):
    return [Edit.add(1.0 + i / 100, 2.0, i % 2) for i in range(count)]


def test_a_link_holds_the_limit_and_no_more():
    at = new_app(edits=encode_edits(many_adds(LINK_MAX_EDITS), tag=TAG))
    assert n_edits(at) == LINK_MAX_EDITS
    assert decode_edits(at.query_params["edits"], tag=TAG) == many_adds(LINK_MAX_EDITS)
    assert any(f"includes your {LINK_MAX_EDITS} edits" in c.value for c in at.sidebar.caption)
    assert not at.download_button

    set_mode(at, "add", code=0)
    click(at, 4.0, 4.0)  # one more than a link holds
    assert n_edits(at) == LINK_MAX_EDITS + 1
    marker = at.query_params["edits"]
    assert marker == f"1_d{TAG}_x{LINK_MAX_EDITS + 1}"
    assert any("could not fit in the link" in w.value for w in at.sidebar.warning)
    assert [b.label for b in at.download_button] == ["Download the edited data (CSV)"]

    # Whoever opens that link is told the data did not fit, and sees it unedited.
    other = new_app(edits=marker)
    assert n_edits(other) == 0
    assert any("more than a link can hold" in c.value for c in other.code)
    assert any("CSV" in c.value for c in other.code)


@pytest.mark.parametrize(
    ("mode", "code", "hint"),
    [
        ("move", None, "click to place the query here"),
        ("add", 1, "click to add a blue point here"),
        ("remove", None, "click to remove the point nearest to here"),
        ("flip", None, "click to flip the class of the point nearest to here"),
    ],
)
def test_the_preview_line_says_what_a_click_will_do(app, mode, code, hint):
    set_mode(app, mode, code)
    assert app.text_input(key=FAKE).help == hint
