"""Unit tests of knn_ui.canvas without a browser: the hover payload, the component's data and
the copy of plotly.js the app serves (through AppTest, which runs the script but no JS)."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from knn_ui import canvas
from knn_ui.canvas import hover_payload

REPO = Path(__file__).resolve().parents[1]
DEMO = str(REPO / "tests" / "apps" / "canvas_demo.py")


def decode(spec, shape):
    dtype = np.dtype(spec["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(spec["data"]), dtype=dtype).reshape(shape)


def make_args(ny=4, nx=5, k=3, n=30, n_classes=2, seed=0):
    rng = np.random.default_rng(seed)
    return dict(
        x0=-1.0,
        y0=2.0,
        dx=0.5,
        dy=0.25,
        nx=nx,
        ny=ny,
        neighbors=rng.integers(0, n, size=(ny, nx, k)),
        prediction=rng.integers(0, n_classes, size=(ny, nx)),
        points=rng.normal(size=(n, 2)),
        class_colors=["#D55E00", "#0072B2", "#009E73"][:n_classes],
        class_names=["red", "blue", "green"][:n_classes],
    )


@pytest.mark.parametrize("shape", [(1, 1, 1), (4, 5, 3), (7, 2, 25)])
def test_round_trip_of_every_array(shape):
    ny, nx, k = shape
    args = make_args(ny=ny, nx=nx, k=k)
    payload = hover_payload(**args, query=(0.5, 2.5))
    assert (payload["nx"], payload["ny"], payload["k"]) == (nx, ny, k)
    np.testing.assert_array_equal(decode(payload["neighbors"], (ny, nx, k)), args["neighbors"])
    np.testing.assert_array_equal(decode(payload["prediction"], (ny, nx)), args["prediction"])
    np.testing.assert_array_equal(decode(payload["points"], (-1, 2)), args["points"])
    assert payload["neighbors"]["dtype"] == "u2"
    assert payload["prediction"]["dtype"] == "u1"
    assert payload["points"]["dtype"] == "f8"
    assert (payload["x0"], payload["y0"], payload["dx"], payload["dy"]) == (-1.0, 2.0, 0.5, 0.25)
    assert payload["query"] == [0.5, 2.5]
    assert payload["class_names"] == args["class_names"]
    # Strictly JSON: no NaN, no numpy scalars.
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload


def test_cell_order_is_row_major_with_rows_along_y():
    # Cell (i, j) is the j-th along x of the i-th row along y: the browser reads i * nx + j.
    ny, nx = 3, 4
    neighbors = np.arange(ny * nx).reshape(ny, nx, 1)
    args = make_args(ny=ny, nx=nx, k=1, n=ny * nx)
    args["neighbors"] = neighbors
    flat = np.frombuffer(base64.b64decode(hover_payload(**args)["neighbors"]["data"]), "<u2")
    i, j = 2, 1
    assert flat[i * nx + j] == neighbors[i, j, 0]


def test_more_than_65536_points_switch_to_uint32():
    n = 70_000
    args = make_args(ny=2, nx=2, k=2, n=n)
    args["neighbors"] = np.array([[[0, n - 1], [1, 2]], [[65_536, 3], [4, 5]]])
    payload = hover_payload(**args)
    assert payload["neighbors"]["dtype"] == "u4"
    np.testing.assert_array_equal(decode(payload["neighbors"], (2, 2, 2)), args["neighbors"])


def test_big_grid_stays_compact():
    # The Playground's hover grid: 100 x 100 cells, k = 25, 1000 points: 500 kB of uint16
    # neighbours, 10 kB of uint8 predictions, 16 kB of float64 points; base64 adds a third.
    args = make_args(ny=100, nx=100, k=25, n=1000)
    text = json.dumps(hover_payload(**args))
    assert len(text) < 1.35 * (500_000 + 10_000 + 16_000)


def test_big_endian_input_is_sent_little_endian():
    args = make_args()
    args["neighbors"] = args["neighbors"].astype(">i4")
    args["points"] = args["points"].astype(">f8")
    payload = hover_payload(**args)
    np.testing.assert_array_equal(decode(payload["neighbors"], (4, 5, 3)), args["neighbors"])
    np.testing.assert_array_equal(decode(payload["points"], (-1, 2)), args["points"])


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (dict(dx=0.0), ValueError, "dx > 0"),
        (dict(dy=-1.0), ValueError, "dy > 0"),
        (dict(x0=float("nan")), ValueError, "x0"),
        (dict(y0="a"), TypeError, "y0"),
        (dict(nx=0), ValueError, "nx"),
        (dict(ny=2.5), ValueError, "ny"),
        (dict(neighbors=np.zeros((4, 5), int)), ValueError, "neighbors of shape (ny, nx, k)"),
        (dict(neighbors=np.zeros((5, 4, 3), int)), ValueError, "(4, 5, k)"),
        (dict(neighbors=np.zeros((4, 5, 3))), TypeError, "neighbors to hold integers"),
        (dict(neighbors=np.full((4, 5, 3), 30)), ValueError, "n_samples = 30"),
        (dict(neighbors=np.full((4, 5, 3), -1)), ValueError, "0 <= index"),
        (dict(prediction=np.zeros((5, 4), int)), ValueError, "prediction of shape"),
        (dict(prediction=np.full((4, 5), 2)), ValueError, "n_classes = 2"),
        (dict(prediction=np.zeros((4, 5))), TypeError, "prediction to hold integers"),
        (dict(points=np.zeros((30, 3))), ValueError, "points of shape (n_samples, 2)"),
        (dict(points=np.full((30, 2), np.inf)), ValueError, "points to be finite"),
        (dict(class_names=["red"]), ValueError, "len(class_names) = 1"),
        (dict(class_colors=[], class_names=[]), ValueError, "length >= 1"),
        (dict(query=(1.0, float("inf"))), ValueError, "query[1]"),
    ],
)
def test_bad_input_names_the_parameter(change, error, words):
    args = make_args()
    args.update(change)
    with pytest.raises(error) as info:
        hover_payload(**args)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"x": 1, "y": -2.5}, {"x": 1.0, "y": -2.5}),
        ({"x": "3.5", "y": 0}, {"x": 3.5, "y": 0.0}),
        ({"x": float("nan"), "y": 0}, None),
        ({"x": 1}, None),
        ({"x": None, "y": 1}, None),
        ("1,2", None),
        (None, None),
    ],
)
def test_click_values_are_checked(value, expected):
    assert canvas._click_value(value) == expected


def installed_plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def test_plotly_js_is_a_copy_of_the_installed_package(tmp_path):
    from plotly.offline import get_plotlyjs_version

    copy = canvas.install_plotly(tmp_path / "static")
    assert copy == tmp_path / "static" / f"plotly-{get_plotlyjs_version()}.min.js"
    assert copy.read_bytes() == installed_plotly_js().read_bytes()
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no partial file left


def test_a_damaged_copy_of_plotly_js_is_replaced(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / canvas.plotly_file_name()).write_text("/* cut short */")
    canvas.install_plotly.cache_clear()
    try:
        copy = canvas.install_plotly(static)
    finally:
        canvas.install_plotly.cache_clear()
    assert copy.read_bytes() == installed_plotly_js().read_bytes()


def test_a_static_folder_that_cannot_be_written_is_explained(monkeypatch):
    def read_only(static_dir):
        raise PermissionError(13, "Permission denied", str(static_dir))

    monkeypatch.setattr(canvas, "install_plotly", read_only)
    at = AppTest.from_file(DEMO, default_timeout=60)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "could not be written there (Permission denied)" in error.value
    assert str(Path(DEMO).parent / "static") in error.value
    assert component_data(at)["plotly"] == f"/app/static/{canvas.plotly_file_name()}"


def test_no_copy_of_plotly_js_is_kept_in_the_repository():
    # The copies the app serves are made at run time into static/ folders, which git ignores.
    assert "static/" in (REPO / ".gitignore").read_text().split()
    skip = {".git", "node_modules", "static"}  # node_modules: test tools from npm
    big_js = [p for p in REPO.rglob("*.js") if not skip & set(p.parts) and p.stat().st_size > 1e6]
    assert big_js == []


def test_component_code_never_writes_markup():
    js = (REPO / "knn_ui" / "canvas.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in js


def component_data(at):
    elements = at.get("bidi_component")
    assert len(elements) == 1
    return json.loads(elements[0].proto.bytes.decode("utf-8"))


def test_the_component_gets_the_figure_the_hover_table_and_where_plotly_js_is():
    at = AppTest.from_file(DEMO, default_timeout=60)
    at.run()
    assert not at.exception
    meta = component_data(at)
    assert meta["height"] == 500
    assert meta["hover"]["nx"] == 50 and meta["hover"]["k"] == 3
    assert {t["type"] for t in meta["figure"]["data"]} == {"scatter"}
    # Served by Streamlit from the static folder next to the running script.
    assert meta["plotly"] == f"/app/static/{canvas.plotly_file_name()}"
    served = Path(DEMO).parent / "static" / canvas.plotly_file_name()
    assert served.read_bytes() == installed_plotly_js().read_bytes()

    at.run()  # the same payload again: the browser skips it without parsing
    assert component_data(at) == meta


def test_bad_arguments_are_reported():
    def app(height, hover):
        import plotly.graph_objects as go

        from knn_ui.canvas import knn_canvas

        knn_canvas(go.Figure(), hover=hover, key="c", height=height)

    at = AppTest.from_function(app, kwargs=dict(height=50, hover=None), default_timeout=60)
    at.run()
    assert "Expected height to be an integer >= 100 pixels, but got 50" in at.exception[0].message
    at = AppTest.from_function(app, kwargs=dict(height=400, hover=[1]), default_timeout=60)
    at.run()
    assert "Expected hover to be a dict" in at.exception[0].message


def test_lookup_payload_sends_only_the_points_some_cell_needs():
    from knn_core.datasets import make_dataset
    from knn_core.geometry import plot_bounds
    from knn_core.models import KNNClassifier
    from knn_core.surface import neighbor_grid

    X, y = make_dataset("blobs", 70_000, 0.3, 1)
    bounds = plot_bounds(X)
    lookup = neighbor_grid(KNNClassifier(3).fit(X, y), bounds[0], bounds[1], 40).hover(3)
    payload = canvas.lookup_payload(lookup, X, ["red", "blue"])
    points = decode(payload["points"], (-1, 2))
    neighbors = decode(payload["neighbors"], lookup.neighbors.shape)
    # Fewer points travel, renumbered so that every cell still names the same coordinates.
    assert len(points) < 40 * 40 * 3 < len(X)
    assert payload["neighbors"]["dtype"] == "u2"
    np.testing.assert_array_equal(points[neighbors], X[lookup.neighbors])
    np.testing.assert_array_equal(decode(payload["prediction"], (40, 40)), lookup.prediction)
