"""knn_ui.neighbour_table without a browser: the data it sends, its formatting (checked against
the browser code run in Node), its input checks, and the Playground's table checked against
distances computed here with numpy."""

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier
from knn_ui import neighbour_table as nt
from knn_ui.neighbour_table import neighbour_table_data
from tests.neighbour_rows import app_rows, format_cell, rows_frame

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
JS = REPO / "knn_ui" / "neighbour_table.js"
TIMEOUT = 60
NAMES = ["red", "blue"]


def traced(X, y, query, *, k=3, weights="uniform", metric="euclidean", names=None):
    model = KNNClassifier(k, weights=weights, metric=metric).fit(X, y)
    return trace_query(model, query, class_names=names)


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", 50, 0.3, 0)


# --- The data ---------------------------------------------------------------------------------


def test_columns_without_weights_and_their_formats(blobs):
    X, y = blobs
    data = neighbour_table_data(traced(X, y, [2.0, 2.5], k=4), X, NAMES)
    cols = data["columns"]
    assert [c["name"] for c in cols] == ["rank", "point #", "x₁", "x₂", "class", "distance"]
    assert [c["label"] for c in cols] == ["rank", "#", "x₁", "x₂", "class", "distance"]
    assert [c["kind"] for c in cols] == ["integer", "integer", "number", "number", "text", "number"]
    assert [c["decimals"] for c in cols] == [None, None, 2, 2, None, 3]
    assert cols[1]["title"] == "point number"  # the words behind the "#" header
    assert data["caption"] == "The 4 nearest neighbours of the query, nearest first"
    assert data["label"] == "Nearest neighbours (4 rows)"
    assert len(data["rows"]) == 4 and all(len(r) == 6 for r in data["rows"])


def test_rows_carry_the_raw_values_at_full_precision(blobs):
    X, y = blobs
    query = np.array([2.0, 2.5])
    trace = traced(X, y, query, k=5)
    rows = neighbour_table_data(trace, X, NAMES)["rows"]
    d = np.hypot(*(X - query).T)
    order = np.argsort(d, kind="stable")[:5]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[1] for r in rows] == order.tolist()
    # Exactly the training coordinates, not rounded for display.
    assert [(r[2], r[3]) for r in rows] == [(X[i, 0], X[i, 1]) for i in order]
    assert any(r[2] != round(r[2], 6) for r in rows)
    assert [r[4] for r in rows] == [NAMES[int(c)] for c in y[order]]
    assert [r[5] for r in rows] == pytest.approx(d[order].tolist(), rel=1e-12)
    assert all(type(v) is int for r in rows for v in r[:2])
    assert all(type(v) is float for r in rows for v in (r[2], r[3], r[5]))


def test_distance_weights_add_a_weight_column(blobs):
    X, y = blobs
    trace = traced(X, y, [3.0, 3.0], k=6, weights="distance")
    data = neighbour_table_data(trace, X, NAMES)
    assert [c["name"] for c in data["columns"]][-2:] == ["distance", "weight"]
    assert data["columns"][-1]["decimals"] == 3
    rows = data["rows"]
    assert [r[6] for r in rows] == trace.kept_weights.tolist()
    assert [r[6] for r in rows] == pytest.approx([1 / r[5] for r in rows], rel=1e-12)


def test_a_query_on_a_training_point_gives_it_weight_one_and_the_others_zero(blobs):
    X, y = blobs
    rows = neighbour_table_data(traced(X, y, X[7], k=3, weights="distance"), X, NAMES)["rows"]
    assert [(r[1], r[5], r[6]) for r in rows][0] == (7, 0.0, 1.0)
    assert [r[6] for r in rows[1:]] == [0.0, 0.0]


def test_one_neighbour_gets_a_singular_caption(blobs):
    X, y = blobs
    data = neighbour_table_data(traced(X, y, [1.0, 1.0], k=1), X, NAMES)
    assert data["caption"] == "The nearest neighbour of the query"
    assert data["label"] == "Nearest neighbours (1 row)"


def test_markup_in_a_class_name_is_kept_verbatim_and_the_data_is_json_safe():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    names = ["<b>x</b>", "a&b <img src=x onerror=alert(1)>"]
    data = neighbour_table_data(traced(X, [0, 1, 1], [0.1, 0.0], k=3), X, names)
    assert [r[4] for r in data["rows"]] == [names[0], names[1], names[1]]
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_values_that_are_not_finite_travel_as_words_and_come_back_as_floats():
    class Trace:  # a hand-made trace: the core never returns such values
        kept = np.array([0, 1])
        kept_codes = np.array([0, 1])
        kept_distances = np.array([1.0, np.inf])
        kept_weights = np.array([np.nan, 0.0])
        weights = "distance"

    X = np.array([[np.inf, 0.5], [-np.inf, 2.0]])
    data = neighbour_table_data(Trace(), X, NAMES)
    assert data["rows"] == [
        [1, 0, "inf", 0.5, "red", 1.0, "nan"],
        [2, 1, "-inf", 2.0, "blue", "inf", 0.0],
    ]
    json.dumps(data, allow_nan=False)  # no NaN / Infinity tokens, which JSON.parse rejects
    frame = rows_frame(data)
    assert frame["x₁"].tolist() == [math.inf, -math.inf]
    assert math.isnan(frame.loc[0, "weight"]) and frame.loc[1, "distance"] == math.inf
    assert [format_cell(v, 3) for v in data["rows"][1][2:]] == [
        "-inf",
        "2.000",
        "blue",
        "inf",
        "0.000",
    ]


@pytest.mark.parametrize(
    ("X", "kept", "names", "message"),
    [
        (
            np.zeros(4),
            [0],
            NAMES,
            "Expected X of shape (n_samples, 2) or more columns, but got shape (4,)",
        ),
        (np.zeros((3, 1)), [0], NAMES, "but got shape (3, 1)"),
        (np.zeros((3, 2)), [3], NAMES, "Expected every kept index in 0..2 (rows of X), but got 3"),
        (np.zeros((3, 2)), [0], ["red"], "len(names) = 1 and a neighbour has class code 1"),
    ],
)
def test_bad_input_is_reported(X, kept, names, message):
    class Trace:
        kept_codes = np.array([1])
        kept_distances = np.array([0.5])
        kept_weights = np.array([1.0])
        weights = "uniform"

    trace = Trace()
    trace.kept = np.array(kept)
    with pytest.raises(ValueError, match=re.escape(message)):
        neighbour_table_data(trace, X, names)


def test_neighbour_table_validates_before_drawing():
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    trace = traced(X, [0, 1], [0.0, 0.0], k=2)
    with pytest.raises(ValueError, match="len\\(names\\) = 1"):
        nt.neighbour_table(trace, X, ["red"])


def test_rows_frame_has_numeric_columns_named_as_before(blobs):
    X, y = blobs
    data = neighbour_table_data(traced(X, y, [3.0, 3.0], k=7, weights="distance"), X, NAMES)
    frame = rows_frame(json.loads(json.dumps(data)))
    assert list(frame.columns) == ["rank", "point #", "x₁", "x₂", "class", "distance", "weight"]
    assert [str(t) for t in frame.dtypes] == [
        "int64",
        "int64",
        "float64",
        "float64",
        "str",
        "float64",
        "float64",
    ]
    assert frame.values.tolist() == data["rows"]


# --- Formatting: Python's format_cell is the browser's toFixed --------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.125, 2, "0.13"),  # an exact half rounds away from zero (Python's f"" gives 0.12)
        (-0.125, 2, "-0.13"),
        (1.005, 2, "1.00"),  # 1.005 is 1.00499999... in binary
        (2.5, 0, "3"),
        (0.0005, 3, "0.001"),  # 0.0005 is 0.000500000000000000010... in binary
        (-0.001, 2, "0.00"),  # never "-0.00"
        (-0.0, 3, "0.000"),
        (-12.3456, 2, "-12.35"),
        (3.0, 3, "3.000"),
        (1e21, 2, "1e+21"),
        (123456789.123456, 3, "123456789.123"),
        (17, None, "17"),
        (np.int64(99999), None, "99999"),
        ("blue", None, "blue"),
        ("<i>x</i>", None, "<i>x</i>"),
        (math.inf, 3, "inf"),
    ],
)
def test_format_cell(value, decimals, text):
    assert format_cell(value, decimals) == text


def _js_function(name: str) -> str:
    source = JS.read_text(encoding="utf-8")
    match = re.search(rf"^function {name}\(.*?^\}}$", source, flags=re.S | re.M)
    assert match, f"no function {name} in {JS}"
    return match.group(0)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_format_cell_matches_the_browser_code_on_many_values():
    rng = np.random.default_rng(0)
    values = [0.125, -0.125, 1.005, 2.675, -0.0, 0.0, -0.0004, 0.0015, 1e20, -1e-300]
    values += rng.uniform(-50, 50, 5000).tolist()
    values += (rng.integers(-40_000, 40_000, 5000) / 1000).tolist()  # many exact-looking ties
    values += (rng.integers(-4_000, 4_000, 2000) / 8).tolist()  # exact binary halves
    columns = [{"decimals": 2}, {"decimals": 3}, {"decimals": None}]
    script = (
        _js_function("show")
        + "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        + "\nconsole.log(JSON.stringify(input.values.map("
        + "v => input.columns.map(c => show(v, c)))));"
    )
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"values": values, "columns": columns}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    shown = json.loads(out)
    expected = [[format_cell(v, c["decimals"]) for c in columns] for v in values]
    mismatches = [(v, s, e) for v, s, e in zip(values, shown, expected, strict=True) if s != e]
    assert not mismatches, mismatches[:5]


def test_the_browser_code_never_writes_markup():
    js = JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "DOMParser"):
        assert sink not in js
    assert "textContent" in js


# --- The Playground's table, through a real script run ----------------------------------------


@pytest.fixture(scope="module")
def playground():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def expected_rows(X, y, query, k, metric):
    diff = X - np.asarray(query, dtype=float)
    d = {
        "euclidean": np.sqrt((diff**2).sum(axis=1)),
        "manhattan": np.abs(diff).sum(axis=1),
        "chebyshev": np.abs(diff).max(axis=1),
    }[metric]
    order = np.argsort(d, kind="stable")[:k]  # equal distances: the lower index first
    return order, d[order]


@pytest.mark.parametrize(("k", "metric"), [(3, "euclidean"), (8, "manhattan"), (15, "chebyshev")])
def test_playground_rows_match_distances_computed_here(playground, k, metric):
    at = playground
    at.slider(key="k").set_value(k)
    at.selectbox(key="metric").set_value(metric)
    at.radio(key="weights").set_value("uniform").run()
    assert not at.exception, at.exception
    X, y = make_dataset("blobs", 50, 0.3, 0)  # the Playground's default data
    query = (at.number_input(key="qx").value, at.number_input(key="qy").value)
    order, d = expected_rows(X, y, query, k, metric)
    rows = app_rows(at)
    assert list(rows.columns) == ["rank", "point #", "x₁", "x₂", "class", "distance"]
    assert rows["rank"].tolist() == list(range(1, k + 1))
    assert rows["point #"].tolist() == order.tolist()
    assert rows["x₁"].tolist() == X[order, 0].tolist()  # exact: full precision
    assert rows["x₂"].tolist() == X[order, 1].tolist()
    assert rows["class"].tolist() == [NAMES[int(c)] for c in y[order]]
    assert rows["distance"].to_numpy() == pytest.approx(d, rel=1e-12, abs=1e-15)


def test_playground_weight_column_holds_one_over_distance(playground):
    at = playground
    at.slider(key="k").set_value(9)
    at.selectbox(key="metric").set_value("euclidean")
    at.radio(key="weights").set_value("distance").run()
    assert not at.exception, at.exception
    rows = app_rows(at)
    assert list(rows.columns)[-1] == "weight" and len(rows) == 9
    assert (rows["distance"] > 0).all()
    assert rows["weight"].to_numpy() == pytest.approx(1 / rows["distance"].to_numpy(), rel=1e-12)
    at.radio(key="weights").set_value("uniform").run()
    assert "weight" not in app_rows(at).columns


def test_app_rows_reports_a_missing_table(playground):
    with pytest.raises(LookupError, match="Expected one neighbour table with key='other'"):
        app_rows(playground, key="other")
