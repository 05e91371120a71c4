"""Unit tests of knn_ui.canvas without a browser: the preview payload, the component's data and
the copy of plotly.js the app serves (through AppTest, which runs the script but no JS)."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from knn_ui import canvas
from knn_ui.canvas import preview_payload
from tests.canvas_data import sent

REPO = Path(__file__).resolve().parents[1]
DEMO = str(REPO / "tests" / "apps" / "canvas_demo.py")


def decode(spec, shape):
    dtype = np.dtype(spec["dtype"]).newbyteorder("<")
    return np.frombuffer(base64.b64decode(spec["data"]), dtype=dtype).reshape(shape)


def make_args(n=30, n_classes=2, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return dict(
        X=rng.normal(size=(n, 2)),
        codes=rng.integers(0, n_classes, size=n),
        k=k,
        metric="minkowski",
        p=3.0,
        weights="distance",
        class_names=["red", "blue", "green"][:n_classes],
    )


def test_round_trip_of_the_points_and_the_model():
    args = make_args()
    payload = preview_payload(**args, query=(0.5, 2.5))
    np.testing.assert_array_equal(decode(payload["points"], (-1, 2)), args["X"])
    np.testing.assert_array_equal(decode(payload["codes"], (-1,)), args["codes"])
    assert payload["points"]["dtype"] == "f8" and payload["codes"]["dtype"] == "u1"
    assert (payload["k"], payload["metric"], payload["p"], payload["weights"]) == (
        3,
        "minkowski",
        3.0,
        "distance",
    )
    assert payload["query"] == [0.5, 2.5]
    assert payload["class_names"] == ["red", "blue"]
    assert payload["class_colors"] == ["#D55E00", "#0072B2"]  # the app's class colours
    # Strictly JSON: no NaN, no numpy scalars.
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload


def test_p_travels_only_for_minkowski():
    args = make_args()
    args["metric"] = "chebyshev"
    assert preview_payload(**args)["p"] is None


def test_the_id_changes_with_everything_the_search_depends_on():
    args = make_args()
    base = preview_payload(**args)["id"]
    assert preview_payload(**args, query=(1.0, 1.0))["id"] == base  # the query is not
    X = args["X"].copy()
    X[3, 1] = np.nextafter(X[3, 1], 9)
    codes = args["codes"].copy()
    codes[0] = 1 - codes[0]
    for change in [dict(X=X), dict(codes=codes), dict(k=4), dict(p=3.5), dict(weights="uniform")]:
        assert preview_payload(**(args | change))["id"] != base, change


def test_default_size_payload_is_small():
    # 1000 points: 16 kB of float64 coordinates and 1 kB of codes; base64 adds a third.
    text = json.dumps(preview_payload(**make_args(n=1000)))
    assert len(text) < 1.35 * 17_000 + 1_000


def test_big_endian_input_is_sent_little_endian():
    args = make_args()
    args["X"] = args["X"].astype(">f8")
    args["codes"] = args["codes"].astype(">i4")
    payload = preview_payload(**args)
    np.testing.assert_array_equal(decode(payload["points"], (-1, 2)), args["X"])
    np.testing.assert_array_equal(decode(payload["codes"], (-1,)), args["codes"])


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (dict(X=np.zeros((30, 3))), ValueError, "X of shape (n_samples, 2)"),
        (dict(X=np.full((30, 2), np.inf)), ValueError, "X to be finite"),
        (dict(codes=np.zeros(29, int)), ValueError, "codes of shape (n_samples,) = (30,)"),
        (dict(codes=np.zeros(30)), TypeError, "codes to hold integers"),
        (dict(codes=np.full(30, 2)), ValueError, "n_classes = 2"),
        (dict(class_names=[]), ValueError, "1 to 65,536 class names"),
        (dict(class_colors=["#000"]), ValueError, "len(class_colors) = 1"),
        (dict(k=0), ValueError, "k to be an integer >= 1"),
        (dict(k=31), ValueError, "n_samples = 30, k = 31"),
        (dict(metric="cosine"), ValueError, "but got 'cosine'"),
        (dict(p=0.5), ValueError, "p >= 1"),
        (dict(p=float("nan")), ValueError, "p to be finite"),
        (dict(weights="gaussian"), ValueError, "but got 'gaussian'"),
        (dict(query=(1.0, float("inf"))), ValueError, "query[1]"),
    ],
)
def test_bad_input_names_the_parameter(change, error, words):
    args = make_args()
    args.update(change)
    with pytest.raises(error) as info:
        preview_payload(**args)
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


def vendored_small_js() -> Path:
    return REPO / "knn_ui" / "vendor" / f"plotly-small-{canvas.plotly_version()}.min.js"


#: What the app serves: V8's compile hint as the first line, then the bundle's file unchanged.
def served_plotly_js(bundle="full") -> bytes:
    source = installed_plotly_js() if bundle == "full" else vendored_small_js()
    return b"//# allFunctionsCalledOnLoad\n" + source.read_bytes()


def plotly_urls(*bundles):
    return [f"/app/static/{canvas.plotly_file_name(b)}" for b in bundles]


def test_both_bundles_are_copied_with_the_compile_hint(tmp_path):
    from plotly.offline import get_plotlyjs_version

    version = get_plotlyjs_version()
    copies = canvas.install_plotly(tmp_path / "static")
    assert copies == {
        "small": tmp_path / "static" / f"plotly-small-{version}.min.js",
        "full": tmp_path / "static" / f"plotly-{version}.min.js",
    }
    for bundle, copy in copies.items():
        assert copy.read_bytes() == served_plotly_js(bundle)
    assert sorted(p.name for p in copy.parent.iterdir()) == sorted(c.name for c in copies.values())


@pytest.mark.parametrize("bundle", ["small", "full"])
@pytest.mark.parametrize("old", ["damaged", "without the hint"])
def test_a_damaged_or_older_copy_of_plotly_js_is_replaced(tmp_path, old, bundle):
    static = tmp_path / "static"
    static.mkdir()
    hint = len(canvas.COMPILE_HINT)
    body = b"/* cut short */" if old == "damaged" else served_plotly_js(bundle)[hint:]
    (static / canvas.plotly_file_name(bundle)).write_bytes(body)
    canvas.install_plotly.cache_clear()
    try:
        copies = canvas.install_plotly(static)
    finally:
        canvas.install_plotly.cache_clear()
    assert copies[bundle].read_bytes() == served_plotly_js(bundle)


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
    assert component_data(at)["plotly"] == plotly_urls("small", "full")


def test_the_only_plotly_js_kept_is_the_small_bundle_of_the_installed_version():
    # The full bundle is copied at run time from the plotly package into static/ folders,
    # which git ignores; the small one is built from npm (scripts/build_plotly_small.sh).
    assert "static/" in (REPO / ".gitignore").read_text().split()
    skip = {".git", "node_modules", "static"}  # node_modules: test tools from npm
    big_js = [p for p in REPO.rglob("*.js") if not skip & set(p.parts) and p.stat().st_size > 1e6]
    assert big_js == [vendored_small_js()]
    head = vendored_small_js().read_text()[:400]
    version = canvas.plotly_version()
    assert f"* plotly.js (small: scatter, contour, heatmap - minified) v{version}\n" in head
    assert f"from npm plotly.js@{version} " in head
    assert "MIT License" in (REPO / "knn_ui" / "vendor" / "LICENSE-plotly.js.txt").read_text()


@pytest.mark.parametrize(
    ("types", "bundles"),
    [
        (["scatter"], ("small", "full")),
        (["contour", "scatter", "heatmap"], ("small", "full")),
        ([None], ("small", "full")),  # a trace without a type is a scatter
        (["contour", "scattergl"], ("full",)),
        (["scatter3d"], ("full",)),
        (["scatter", "bar"], ("full",)),
    ],
)
def test_a_figure_names_the_bundles_that_can_draw_it(types, bundles):
    from knn_ui.canvas import plot_layer

    data = [{"x": [0, 1], "y": [0, 1]} | ({"type": t} if t else {}) for t in types]
    assert plot_layer({"data": data, "layout": {}}).bundles == bundles


def test_component_code_never_writes_markup():
    js = (REPO / "knn_ui" / "canvas.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in js


def component_data(at):
    assert len(at.get("bidi_component")) == 2  # the plot and its layer
    return sent(at, "canvas")


def test_the_component_gets_the_figure_the_preview_points_and_where_plotly_js_is():
    at = AppTest.from_file(DEMO, default_timeout=60)
    at.run()
    assert not at.exception
    meta = component_data(at)
    assert meta["height"] == 500
    assert meta["preview"]["k"] == 3 and meta["preview"]["points"]["dtype"] == "f8"
    assert {t["type"] for t in meta["figure"]["data"]} == {"scatter"}
    # Served by Streamlit from the static folder next to the running script; a figure without
    # WebGL is drawn by the small bundle, or by the full one if the page has it already.
    assert meta["plotly"] == plotly_urls("small", "full")
    for bundle in ("small", "full"):
        served = Path(DEMO).parent / "static" / canvas.plotly_file_name(bundle)
        assert served.read_bytes() == served_plotly_js(bundle)

    at.run()  # the same payload again: the browser skips it without parsing
    assert component_data(at) == meta


def test_the_layer_holds_what_stays_put_and_the_payload_what_moves():
    import plotly.graph_objects as go

    from knn_ui.canvas import plot_layer, preview_payload

    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.add_shape(type="circle", x0=0, x1=1, y0=0, y1=1)
    args = make_args()
    here = plot_layer(fig, preview_payload(**args, query=(0.5, 0.5)))
    there = plot_layer(fig, preview_payload(**args, query=(2.0, 1.0)))
    # The query is not part of the layer: moving it sends the same bytes again.
    assert here == there
    assert [s["type"] for s in here.shapes] == ["circle"]
    body = json.loads(here.data[24:])
    assert "shapes" not in body["figure"]["layout"] and "query" not in body["preview"]
    # Anything else that changes makes another layer.
    assert plot_layer(fig, preview_payload(**{**args, "k": 5})).id != here.id


def test_bad_arguments_are_reported():
    import plotly.graph_objects as go

    from knn_ui.canvas import knn_canvas

    # Checked before anything is drawn (the app shows no error details to its users).
    with pytest.raises(ValueError, match="Expected height to be an integer >= 100 pixels"):
        knn_canvas(go.Figure(), key="c", height=50)
    with pytest.raises(TypeError, match="Expected preview to be a dict"):
        knn_canvas(go.Figure(), preview=[1], key="c", height=400)
