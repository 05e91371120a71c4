"""The Playground's interactive plot: exact clicks and a hover preview, as a Streamlit component.

:func:`knn_canvas` draws a Plotly figure built in Python with ``st.components.v2.component``
(inline JavaScript, no build step). A click anywhere on the plot area comes back to Python as
exact data coordinates; moving the pointer (or a finger: lifting it places the query) draws a
preview of the neighbours and the vote of the spot under it in the browser, with no round trip
to Python. The preview is exact: the browser searches the training points of
:func:`preview_payload` by ``knn_core``'s rules (the same float arithmetic as scipy, equal
distances in training order, the same weights and tie rule), and
``tests/test_preview_browser.py`` checks it against ``knn_core`` at thousands of spots. The
JavaScript and CSS live next to this file (``canvas.js``, ``canvas.css``), declared by
:mod:`knn_ui.components`.

How plotly.js gets to the browser
---------------------------------
Two bundles of the same plotly.js, neither fetched from a CDN:

- the full one from the installed ``plotly`` package (``package_data/plotly.min.js``,
  4.8 MB), and
- a small one (1.2 MB, MIT licence) with only the trace types in :data:`SMALL_TRACES`,
  which are all the app's plots use but WebGL (``scattergl``, from ``figures.WEBGL_FROM``
  points on). It is built from npm's plotly.js of the same version in plotly.js's
  documented modular way (``lib/core`` and ``Plotly.register``) by
  ``scripts/build_plotly_small.sh`` and kept in ``knn_ui/vendor/``.

A payload names the bundles that can draw its figure, the small one first; the page loads
the first unless one of them is already loaded. Loading the small bundle takes a quarter of
the main thread's time (run alone in Chromium: 0.28 s against 1.14 s for the full bundle,
and 0.63 s for plotly.js's published cartesian bundle, whose other trace types cost more
than they weigh), and a quarter of the bytes to download and compress. A plot whose figure
later needs WebGL loads the full bundle, which defines ``window.Plotly`` anew, and is drawn
again from scratch with it; other plots keep the Plotly that drew them.

On first use, :func:`install_plotly` copies both into the running app's ``static/`` folder
(ignored by git), named by bundle and version, and Streamlit's static file serving
(``server.enableStaticServing`` in ``.streamlit/config.toml``) serves them at
``app/static/``. The component adds a bundle to the page as an async classic ``<script>``,
once per page: the browser downloads and compiles it off the main thread and keeps it in its
HTTP cache across pages and visits.

Each copy opens with V8's explicit compile hint (:data:`COMPILE_HINT`), which asks Chromium
(136 and later; other browsers read a comment) to compile every function of the file on a
background thread while it downloads. Without it, running plotly.js compiles each function
on the main thread when it is first called, which is most of them: the main thread's task
took 1.15 s, with the hint 0.65 s (headless Chromium, the full bundle alone); on the
Playground's first load, from the script tag to the plot drawn took 1.72 s, with the hint
1.55 s (medians of 6 loads side by side, load average 2.5-3 on 2 cores; the gain shrinks
on a busier machine, where the extra compiling competes for the cores). The price is
memory: the page keeps about 5.6 MB more compiled code (V8 drops what stays unused).

Before, plotly.js travelled inside the first run's component data (as a component's ``js`` it
would be resent on every rerun) and was run from a Blob URL: the page load then waited for
the whole script run, the 4.8 MB websocket message and an uncached compile on the main
thread.

Measured with ``benchmarks/bench_canvas.py`` (2-core machine, headless Chromium, the
Playground's largest case before the exact preview: 1000 points, a 160 x 160 heatmap, a
100 x 100 hover lookup table, k = 25): each rerun sent about 1.1 MB (figure 0.38 MB, lookup
table 0.7 MB); the preview's points now take 22 kB at 1000 points. The first load draws in
about 4 s, of which executing plotly.js takes about 1 s of the browser's main thread.

What stays put while the query moves (the figure without its layout shapes, the preview's
points and model) travels as a :class:`PlotLayer`, an element of its own just before the plot
(``canvas_layer.js``); the plot's own payload holds only the layout shapes, the query, the
verdict and a few settings, and names its layer by id. A click on the Playground changes only
the shapes: the layer's bytes are the same as before, so Streamlit's message cache sends a
reference of a few bytes in their place, and a page may cache the layer itself (no figure is
built or serialised for a click). Measured with ``benchmarks/bench_server.py``: a Playground
click sent 254 kB, now about 65 kB, half of which is this component's own JavaScript, which
Streamlit sends with every element of a components-v2 component. A payload identical to the
one drawn (a rerun caused by another widget) is not redrawn. A payload whose layer and height
are those drawn is drawn with ``Plotly.relayout`` on the shapes alone, in about 5 ms:
``Plotly.react`` would treat moved shapes as a reason to recompute and redraw every trace,
decision regions included (~100 ms), and restyling even one legend entry makes Plotly redo
every trace's defaults (~30 ms), so the figure's legend does not change with the query. The
preview's search index is built again only when its points or model changed.

Interaction details
-------------------
The figure is redrawn with ``Plotly.react`` on the same ``<div>`` after every rerun, and the
listeners are attached once per mounted element. Drag zoom and pan are off
(``dragmode=False``, fixed axis ranges, no double-click autoscale); the modebar keeps its
"download as PNG" button. The preview (dotted rings on the neighbours of the spot under the
pointer, dotted spokes from the pointer to each, a small star and label in the predicted
class's colour, and a line of text below the plot saying the vote) is drawn as layout
shapes: Plotly redraws those alone, while restyling extra preview traces made it recompute
and redraw every trace, heatmap included (70 ms against 3 ms), and a Plotly annotation for the
label cost 25 ms, so the label is a plain element. Preview latency, pointer event to shapes drawn:
13-14 ms median (3-5 ms at best) in both the largest case and the small demo, where a click is
redrawn in 130 ms. Text is never inserted as markup: the
label and the status line are set with ``textContent``.

The plot area is the primary ``xaxis``/``yaxis`` subplot; keep its ranges fixed (with equal
scaling, ``constrain="domain"`` keeps Plotly from widening a range). The committed result of a
click replaces the preview as soon as it is drawn; the preview returns when the pointer moves.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knn_ui.components import declare
from knn_ui.style import class_color

__all__ = ["PlotLayer", "knn_canvas", "plot_layer", "preview_payload"]

_HERE = Path(__file__).resolve().parent
PAYLOAD_VERSION = 2
#: First line of the app's copy of plotly.js: V8's "explicit compile hints" magic comment
#: (compile every function while downloading; see the module's notes). It must open the file.
COMPILE_HINT = b"//# allFunctionsCalledOnLoad\n"


#: The trace types of the small bundle (``scripts/build_plotly_small.sh``); a figure with
#: any other type needs the full bundle.
SMALL_TRACES = frozenset({"scatter", "contour", "heatmap"})
#: Where the small bundle is kept.
VENDOR = _HERE / "vendor"


@functools.cache
def plotly_version() -> str:
    """Return the version of plotly.js the installed ``plotly`` package ships."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def plotly_bundles() -> dict[str, Path]:
    """Where each bundle of plotly.js comes from: ``{"small": ..., "full": ...}``."""
    import plotly

    return {
        "small": VENDOR / plotly_file_name("small"),
        "full": Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js",
    }


def plotly_file_name(bundle: str = "full") -> str:
    """Name the app's copy of a bundle of plotly.js.

    ``plotly-<version>.min.js`` for the full one, ``plotly-small-<version>.min.js`` for the
    small one.
    """
    if bundle not in ("small", "full"):
        raise ValueError(f"Expected bundle 'small' or 'full', but got {bundle!r}")
    infix = "" if bundle == "full" else f"{bundle}-"
    return f"plotly-{infix}{plotly_version()}.min.js"


@functools.cache
def install_plotly(static_dir: Path) -> dict[str, Path]:
    """Copy both bundles of plotly.js into ``static_dir``; return the copies' paths by bundle.

    Each copy opens with :data:`COMPILE_HINT`. Done once per process and folder; an existing
    copy of the expected size is kept. A copy is written to a temporary file and renamed,
    so a page load never sees half a file.

    Parameters
    ----------
    static_dir : pathlib.Path
        The ``static`` folder next to the app's main script, which Streamlit serves at
        ``app/static/`` when ``server.enableStaticServing`` is on.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"small": ..., "full": ...}``.
    """
    copies = {}
    for bundle, source in plotly_bundles().items():
        target = Path(static_dir) / plotly_file_name(bundle)
        size = len(COMPILE_HINT) + source.stat().st_size
        if not target.is_file() or target.stat().st_size != size:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
            with source.open("rb") as original, partial.open("wb") as copy:
                copy.write(COMPILE_HINT)
                shutil.copyfileobj(original, copy)
            os.replace(partial, target)
        copies[bundle] = target
    return copies


def _plotly_urls(bundles: Sequence[str]) -> list[str]:
    """Install plotly.js for the running app; return where the browser loads ``bundles`` from.

    If the copies cannot be written (a read-only app folder), the page says so and why; the
    plot's own status line then reports that plotly.js did not load.
    """
    import streamlit as st
    from streamlit import config

    from knn_ui.streamlit_internals import main_script_path

    main_script = Path(main_script_path() or _HERE.parent / "app.py")
    static_dir = main_script.resolve().parent / "static"
    try:
        install_plotly(static_dir)
    except OSError as error:
        st.error(
            f"The plot needs copies of plotly.js in {static_dir}, and they could not be "
            f"written there ({error.strerror or error}). Make that folder writable."
        )
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return [f"{'/' + base if base else ''}/app/static/{plotly_file_name(b)}" for b in bundles]


def _encode(array: np.ndarray, dtype: str) -> dict:
    data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype.lstrip("<"), "data": base64.b64encode(data.tobytes()).decode("ascii")}


def _finite(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"Expected {name} to be a real number, but got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"Expected {name} to be finite, but got {number}")
    return number


def _count(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"Expected {name} to be an integer >= 1, but got {value!r}")
    return int(value)


def _integer_array(name: str, values) -> np.ndarray:
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"Expected {name} to hold integers, but got dtype {array.dtype}")
    return array


def preview_payload(
    X,
    codes,
    *,
    k,
    metric: str = "euclidean",
    p: float = 2.0,
    weights: str = "uniform",
    class_names: Sequence[str],
    class_colors: Sequence[str] | None = None,
    query=None,
) -> dict:
    """Build the JSON-safe data :func:`knn_canvas` previews from: the points and the model.

    The browser searches these points exactly as ``knn_core`` does (see ``canvas.js``,
    ``Neighbours``): the same distances to the last bit, equal distances in training order,
    the same weights and the same tie rule, so a preview is what a click on that spot gives.

    Parameters
    ----------
    X : array-like of float, shape (n_samples, 2)
        Training points, in training order (indices matter for ties).
    codes : array-like of int, shape (n_samples,)
        Class code of each point, an index into ``class_names``.
    k : int
        Number of neighbours that vote, ``1 <= k <= n_samples``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric.
    p : float, default=2.0
        Minkowski exponent (>= 1), used with ``metric="minkowski"``.
    weights : {"uniform", "distance"}, default="uniform"
        As in ``knn_core.models.KNNClassifier``.
    class_names : sequence of str
        Display name of each class code, shown as plain text.
    class_colors : sequence of str, optional
        Colour of each class code; by default the app's class colours (``style.class_color``).
    query : tuple of float, optional
        Where the query point is placed; the preview star is hidden near it.

    Returns
    -------
    dict
        JSON-safe: scalars, lists of strings, the points as base64 of little-endian float64,
        the codes as uint8 (uint16 past 256 classes), and ``id``, a digest of everything the
        search depends on (the browser rebuilds its index only when it changes).

    Examples
    --------
    >>> payload = preview_payload(
    ...     [[0.0, 0.0], [1.0, 0.0]], [0, 1], k=1, class_names=["red", "blue"]
    ... )
    >>> payload["k"], payload["metric"], payload["codes"]["data"]
    (1, 'euclidean', 'AAE=')
    """
    points = np.asarray(X, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(
            f"Expected X of shape (n_samples, 2) with n_samples >= 1, but got shape {points.shape}"
        )
    if not np.isfinite(points).all():
        raise ValueError("Expected X to be finite, but got NaN or infinity")
    n_samples = len(points)
    codes = _integer_array("codes", codes)
    if codes.shape != (n_samples,):
        raise ValueError(
            f"Expected codes of shape (n_samples,) = ({n_samples},), but got shape {codes.shape}"
        )
    names = [str(name) for name in class_names]
    if not names or len(names) > 65536:
        raise ValueError(f"Expected 1 to 65,536 class names, but got {len(names)}")
    if codes.min() < 0 or codes.max() >= len(names):
        raise ValueError(
            f"Expected codes 0 <= code < n_classes = {len(names)}, "
            f"but got values from {codes.min()} to {codes.max()}"
        )
    if class_colors is None:
        class_colors = [class_color(c, names) for c in range(len(names))]
    colors = [str(color) for color in class_colors]
    if len(colors) != len(names):
        raise ValueError(
            f"Expected as many class_colors as class_names, but got "
            f"len(class_colors) = {len(colors)}, len(class_names) = {len(names)}"
        )
    k = _count("k", k)
    if k > n_samples:
        raise ValueError(f"Expected k <= n_samples, but n_samples = {n_samples}, k = {k}")
    if metric not in ("euclidean", "manhattan", "chebyshev", "minkowski"):
        raise ValueError(
            "Expected metric to be one of 'euclidean', 'manhattan', 'chebyshev', 'minkowski', "
            f"but got {metric!r}"
        )
    p = _finite("p", p)
    if metric == "minkowski" and p < 1:
        raise ValueError(f"Expected p >= 1, but got p = {p}")
    if weights not in ("uniform", "distance"):
        raise ValueError(f"Expected weights to be 'uniform' or 'distance', but got {weights!r}")
    if query is not None:
        qx, qy = query
        query = [_finite("query[0]", qx), _finite("query[1]", qy)]

    encoded_points = _encode(points, "<f8")
    encoded_codes = _encode(codes, "<u1" if len(names) <= 256 else "<u2")
    digest = hashlib.blake2b(digest_size=12)
    for part in (encoded_points["data"], encoded_codes["data"], k, metric, p, weights):
        digest.update(f"{part}|".encode())
    return {
        "version": PAYLOAD_VERSION,
        "id": digest.hexdigest(),
        "points": encoded_points,
        "codes": encoded_codes,
        "k": k,
        "metric": metric,
        "p": p if metric == "minkowski" else None,
        "weights": weights,
        "class_names": names,
        "class_colors": colors,
        "query": query,
    }


def _figure_json(figure) -> str:
    import plotly.io as pio

    if isinstance(figure, dict) or hasattr(figure, "to_plotly_json"):
        return pio.to_json(figure, validate=False)
    raise TypeError(
        f"Expected figure to be a plotly.graph_objects.Figure, a dict or a PlotLayer, "
        f"but got {type(figure).__name__}"
    )


@dataclass(frozen=True)
class PlotLayer:
    """What a plot shows that stays put while the query moves, ready to send.

    The figure without its layout shapes, and the preview's points and model (without the
    query). :func:`knn_canvas` sends it as an element of its own, before the plot: a rerun
    that only moved the query sends the same bytes again, which Streamlit's message cache
    turns into a reference of a few bytes (messages of 10 kB and more the browser already
    holds), and the browser parses and draws it only when ``id`` changes. Build it with
    :func:`plot_layer`; a page may cache it on the scalars it depends on.
    """

    id: str
    data: bytes = field(repr=False)
    shapes: tuple  # the figure's own layout shapes, drawn with the query's
    bundles: tuple  # the plotly.js bundles that can draw the figure, the smaller first


def plot_layer(figure, preview: dict | None = None) -> PlotLayer:
    """Serialise ``figure`` (its shapes apart) and ``preview`` into a :class:`PlotLayer`.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure or dict
        The figure; its ``layout.shapes``, if any, are kept apart (:attr:`PlotLayer.shapes`).
    preview : dict, optional
        From :func:`preview_payload`; its ``query`` is not part of the layer.

    Returns
    -------
    PlotLayer

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> layer = plot_layer(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])))
    >>> len(layer.id), layer.data[:24].decode() == layer.id
    (24, True)
    """
    if preview is not None and not isinstance(preview, dict):
        raise TypeError(
            f"Expected preview to be a dict from preview_payload() or None, "
            f"but got {type(preview).__name__}"
        )
    figure_json = _figure_json(figure)
    parsed = json.loads(figure_json)
    layout = parsed.get("layout") or {}
    shapes = tuple(layout.pop("shapes", None) or ())
    types = {trace.get("type", "scatter") for trace in parsed.get("data") or ()}
    bundles = ("small", "full") if types <= SMALL_TRACES else ("full",)
    if shapes:
        figure_json = json.dumps(parsed, separators=(",", ":"))
    if preview is not None:
        preview = {name: value for name, value in preview.items() if name != "query"}
    body = (
        '{"figure":'
        + figure_json
        + ',"preview":'
        + json.dumps(preview, separators=(",", ":"), allow_nan=False)
        + "}"
    ).encode("utf-8")
    layer_id = hashlib.blake2b(body, digest_size=12).hexdigest()
    data = layer_id.encode("ascii") + body
    return PlotLayer(id=layer_id, data=data, shapes=shapes, bundles=bundles)


def _shapes_json(shapes: list) -> str:
    from plotly.io.json import to_json_plotly  # numpy numbers and arrays as Plotly writes them

    return to_json_plotly(shapes)


def _click_value(value) -> dict | None:
    if not isinstance(value, dict):
        return None
    try:
        x, y = float(value["x"]), float(value["y"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return {"x": x, "y": y}


def knn_canvas(
    figure: Any,
    *,
    preview: dict | None = None,
    shapes: Sequence[dict] = (),
    query: Sequence[float] | None = None,
    key: str,
    height: int = 560,
    on_click: Callable[[float, float], None] | None = None,
    click_hint: str = "click to place the query here",
    verdict: str = "",
) -> dict | None:
    """Draw ``figure``; return the data coordinates of a click on the plot area.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure, dict or PlotLayer
        The figure to draw; its ``xaxis``/``yaxis`` define the clickable plot area. Drag zoom
        and pan are switched off and the axis ranges fixed. A :class:`PlotLayer` (from
        :func:`plot_layer`, which a page may cache) already holds the figure and the preview.
    preview : dict, optional
        The points and model from :func:`preview_payload`; without it there is no preview.
        Not with a :class:`PlotLayer`, which holds its own.
    shapes : sequence of dict, optional
        Layout shapes drawn over the figure's own: what moves with the query (see
        ``figures.neighbourhood_shapes``). A rerun that changed only these redraws only these.
    query : (float, float), optional
        Where the query is (the preview star hides near it); by default the preview's.
    key : str
        Streamlit widget key; keep it stable so reruns update the same plot.
    height : int, default=560
        Most height the plot takes, in pixels (it overrides the figure's own height); with
        equal axis scales the browser shrinks it to what the width allows. A line of text
        is shown below it: the verdict, or the preview's while the pointer is on the plot.
    on_click : callable, optional
        Called as ``on_click(x, y)`` when a click arrives, before the script reruns, so it may
        set the session state of widgets drawn earlier on the page.
    click_hint : str, default="click to place the query here"
        What a click does, shown (as plain text) in the preview line under the plot.
    verdict : str, optional
        The committed result in one line (plain text), such as ``"blue: 2 of 3 votes"``,
        shown under the plot whenever no preview is.

    Returns
    -------
    dict or None
        ``{"x": float, "y": float}`` of the click that caused this rerun, else ``None``.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> knn_canvas(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), key="demo") is None
    True
    """
    import streamlit as st

    if not isinstance(height, (int, np.integer)) or isinstance(height, bool) or height < 100:
        raise ValueError(f"Expected height to be an integer >= 100 pixels, but got {height!r}")
    if isinstance(figure, PlotLayer):
        if preview is not None:
            raise ValueError("Expected preview=None with a PlotLayer, which holds its preview")
        layer = figure
    else:
        layer = plot_layer(figure, preview)
        if query is None and preview is not None:
            query = preview.get("query")
    if query is not None:
        qx, qy = query
        query = [_finite("query[0]", qx), _finite("query[1]", qy)]

    meta = (
        '{"layer":'
        + json.dumps(layer.id)
        + ',"shapes":'
        + _shapes_json([*layer.shapes, *shapes])
        + ',"query":'
        + json.dumps(query)
        + f',"height":{int(height)},"filename":"knn-plot","hint":'
        + json.dumps(str(click_hint))
        + ',"verdict":'
        + json.dumps(str(verdict))
        + ',"plotly":'
        + json.dumps(_plotly_urls(layer.bundles))
        + "}"
    )

    def _clicked() -> None:
        if on_click is None:
            return
        value = _click_value(st.session_state[key].get("click"))
        if value is not None:
            on_click(value["x"], value["y"])

    # The layer first: the plot's element finds it in the browser by its id. Its bytes are
    # the same from run to run while only the query moves, so Streamlit sends a reference.
    declare("canvas_layer")(key=f"{key}_layer", data=layer.data)
    result = declare("canvas")(
        key=key,
        # Sent as bytes: the browser compares them with the last payload before parsing.
        data=meta.encode("utf-8"),
        height="content",
        on_click_change=_clicked,
    )
    return _click_value(result.get("click") if hasattr(result, "get") else None)
