"""knn_ui.vote_chart without a browser: the data it sends, its input checks, and the Playground's
chart checked against a vote counted here from the neighbour table."""

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from knn_ui import style, vote_chart
from knn_ui.components import component_name
from knn_ui.vote_chart import vote_chart_data
from tests.neighbour_rows import app_prediction, app_rows

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
VOTE_CHART = component_name("vote_chart")


def rows(data):
    return [(r["name"], r["value"], r["label"], r["color"], r["winner"]) for r in data["rows"]]


def test_counts_are_whole_number_labels_and_the_winner_is_flagged():
    data = vote_chart_data(["red", "blue", "green"], np.array([3.0, 1.0, 0.0]), winner_code=0)
    assert data["title"] == "The vote"
    assert data["axis"] == "votes"
    assert rows(data) == [
        ("red", 3, "3", style.class_color(0), True),
        ("blue", 1, "1", style.class_color(1), False),
        ("green", 0, "0", style.class_color(2), False),
    ]
    assert data["description"] == "The vote: red 3 votes (winner), blue 1 vote, green 0 votes"


def test_summed_weights_get_two_decimals_and_another_axis_word():
    data = vote_chart_data(["a", "b"], [0.5, 1.254], winner_code=1, weighted=True, title="Vote")
    assert data["axis"] == "summed weight"
    assert [r["label"] for r in data["rows"]] == ["0.50", "1.25"]
    assert [r["value"] for r in data["rows"]] == [0.5, 1.254]
    assert [r["winner"] for r in data["rows"]] == [False, True]
    assert data["description"] == "Vote (summed weight): a 0.50, b 1.25 (winner)"


@pytest.mark.parametrize(
    ("value", "label"), [(999.994, "999.99"), (12345.6, "12,346"), (2.5e7, "2.5e+07")]
)
def test_large_weights_stay_short(value, label):
    data = vote_chart_data(["a"], [value], winner_code=0, weighted=True)
    assert data["rows"][0]["label"] == label


def test_minus_one_marks_no_winner():
    data = vote_chart_data(["red", "blue"], [2, 2], winner_code=-1)
    assert [r["winner"] for r in data["rows"]] == [False, False]
    assert "winner" not in data["description"]


def test_colours_cycle_past_the_palette_for_many_classes():
    n = 12
    data = vote_chart_data([f"c{i}" for i in range(n)], range(n), winner_code=n - 1)
    assert [r["color"] for r in data["rows"]] == [style.class_color(i) for i in range(n)]
    assert [r["winner"] for r in data["rows"]] == [False] * (n - 1) + [True]


def test_markup_in_a_class_name_is_kept_verbatim_as_text():
    names = ["<b>x</b>", "a&b <img src=x onerror=alert(1)>"]
    data = vote_chart_data(names, [1, 2], winner_code=1)
    assert [r["name"] for r in data["rows"]] == names
    assert data["description"].startswith("The vote: <b>x</b> 1 vote, a&b <img")
    # JSON-safe: it survives a round trip unchanged.
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_the_browser_code_never_writes_markup():
    js = (REPO / "knn_ui" / "vote_chart.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in js
    assert "textContent" in js


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(names=["a", "b"], tally=[1]), ValueError, "len(names) = 2, len(tally) = 1"),
        (dict(names=[], tally=[]), ValueError, "at least one class"),
        (dict(names=["a", "b"], tally=[1, -1]), ValueError, "tally[1] = -1"),
        (dict(names=["a", "b"], tally=[1, np.nan]), ValueError, "finite and >= 0"),
        (dict(names=["a", "b"], tally=[np.inf, 1]), ValueError, "tally[0] = inf"),
        (dict(names=["a", "b"], tally=[1.5, 1]), ValueError, "whole-number vote counts"),
        (dict(names=["a", "b"], tally=[[1, 2]]), ValueError, "one-dimensional"),
        (dict(names=["a", "b"], tally=["x", "y"]), TypeError, "array of numbers"),
        (dict(names=["a", "b"], tally=[1, 2], winner_code=2), ValueError, "0..1 or -1"),
        (dict(names=["a", "b"], tally=[1, 2], winner_code=-2), ValueError, "but got -2"),
        (dict(names=["a", "b"], tally=[1, 2], winner_code=1.0), TypeError, "integer"),
        (dict(names=["a", "b"], tally=[1, 2], winner_code=True), TypeError, "integer"),
    ],
)
def test_bad_input_is_reported(kwargs, error, message):
    kwargs.setdefault("winner_code", 0)
    with pytest.raises(error, match=re.escape(message)):
        vote_chart_data(**kwargs)


def test_numpy_integer_winner_and_fractional_counts_from_float_rounding_are_accepted():
    data = vote_chart_data(["a", "b"], [0.1 + 0.2 + 2.7, 1], winner_code=np.int64(0))
    assert [r["label"] for r in data["rows"]] == ["3", "1"]


def test_vote_chart_validates_before_drawing():
    with pytest.raises(ValueError, match="len"):
        vote_chart.vote_chart(["a"], [1, 2], winner_code=0, key="bad")


# --- The Playground's chart, through a real script run ---------------------------------------


def chart_data(at, key: str) -> dict:
    """The data of the vote chart element (a BidiComponent) with Streamlit key ``key``."""
    found = [
        json.loads(e.proto.json)
        for e in at.get("bidi_component")
        if e.proto.component_name == VOTE_CHART and e.proto.id.endswith("-" + key)
    ]
    assert len(found) == 1, [e.proto.component_name for e in at.get("bidi_component")]
    return found[0]


def test_playground_chart_matches_the_prediction_and_the_neighbour_counts():
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    for k in (7, 4, 12):
        at.slider(key="k").set_value(k).run()
        assert not at.exception, at.exception
        table = app_rows(at)
        assert len(table) == k
        counts = Counter(table["class"])
        data = chart_data(at, "vote_chart")
        assert data["axis"] == "votes"
        by_name = {r["name"]: r for r in data["rows"]}
        assert set(by_name) == {"red", "blue"}
        assert {n: r["value"] for n, r in by_name.items()} == {n: counts.get(n, 0) for n in by_name}
        assert sum(r["value"] for r in data["rows"]) == k
        winners = [r["name"] for r in data["rows"] if r["winner"]]
        assert winners == [app_prediction(at)]


def test_step_by_step_marks_no_winner_while_a_tie_is_undecided():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({"k": "2"})
    at.switch_page("pages/step_by_step.py")
    at.run()
    for t in np.linspace(1.5, 4.5, 31):  # along the diagonal until the k = 2 vote ties
        at.number_input(key="qx").set_value(float(t))
        at.number_input(key="qy").set_value(float(t)).run()
        assert not at.exception, at.exception
        if at.slider(key="step").max == 6:
            break
    else:
        pytest.fail("no tie found along the diagonal with k = 2")
    at.slider(key="step").set_value(3).run()  # keep: no vote yet
    assert not [e for e in at.get("bidi_component") if e.proto.id.endswith("-sbs_vote")]
    at.slider(key="step").set_value(4).run()  # count: tied, no winner yet
    data = chart_data(at, "sbs_vote")
    assert [r["value"] for r in data["rows"]] == [1, 1]
    assert not any(r["winner"] for r in data["rows"])
    at.slider(key="step").set_value(6).run()  # predict: the tie rule picked one
    data = chart_data(at, "sbs_vote")
    winners = [r["name"] for r in data["rows"] if r["winner"]]
    assert len(winners) == 1
    assert f"Prediction: {winners[0]}" in [s.value for s in at.success]
