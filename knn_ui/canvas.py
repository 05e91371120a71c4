"""The Playground's interactive plot: exact clicks and a hover preview, as a Streamlit component.

:func:`knn_canvas` draws a Plotly figure built in Python with ``st.components.v2.component``
(inline JavaScript, no build step). A click anywhere on the plot area comes back to Python as
exact data coordinates; moving the pointer draws a preview of the neighbours of the spot under
it in the browser, with no round trip to Python. The browser only looks up: the neighbour
table of a grid of cells and the predicted class of each cell come from
:func:`hover_payload`, computed by ``knn_core``. The JavaScript and CSS live next to this file
(``canvas.js``, ``canvas.css``), declared by :mod:`knn_ui.components`.

How plotly.js gets to the browser
---------------------------------
plotly.js comes from the installed ``plotly`` package (``package_data/plotly.min.js``,
4.8 MB); nothing is fetched from a CDN and no copy is kept in this repository. On first use,
:func:`install_plotly` copies it into the running app's ``static/`` folder (ignored by git),
named by its version, and Streamlit's static file serving (``server.enableStaticServing`` in
``.streamlit/config.toml``) serves it at ``app/static/plotly-<version>.min.js``. The
component adds it to the page as an async classic ``<script>``, once per page: the browser
downloads and compiles it off the main thread, keeps it in its HTTP cache across pages and
visits, and it defines ``window.Plotly`` for the life of the page.

Before, plotly.js travelled inside the first run's component data (as a component's ``js`` it
would be resent on every rerun) and was run from a Blob URL: the page load then waited for
the whole script run, the 4.8 MB websocket message and an uncached compile on the main
thread.

Measured with ``benchmarks/bench_canvas.py`` (2-core machine, headless Chromium, the
Playground's largest case: 1000 points, a 160 x 160 heatmap, a 100 x 100 hover grid, k = 25):
building the data takes about 6 ms in Python; each rerun sends about 1.1 MB (figure 0.38 MB,
hover table 0.7 MB) and the first load draws in about 4 s, of which executing plotly.js takes
about 1 s of the browser's main thread.

A payload identical to the one drawn (a rerun caused by another widget) is not redrawn. A
payload that differs from the drawn one only in its layout shapes (see
``figures.neighbourhood_shapes``), which is all a click changes, is drawn with
``Plotly.relayout`` on the shapes alone, in about 5 ms: ``Plotly.react`` would treat moved
shapes as a reason to recompute and redraw every trace, decision regions included (~100 ms),
and restyling even one legend entry makes Plotly redo every trace's defaults (~30 ms), so the
figure's legend does not change with the query. The hover table is decoded again
only when it changed.

Interaction details
-------------------
The figure is redrawn with ``Plotly.react`` on the same ``<div>`` after every rerun, and the
listeners are attached once per mounted element. Drag zoom and pan are off
(``dragmode=False``, fixed axis ranges, no double-click autoscale); the modebar keeps its
"download as PNG" button. The preview (dotted rings on the neighbours of the cell under the
pointer, dotted spokes from the pointer to each, a small star and label in the predicted
class's colour, and a line of text below the plot) is drawn as layout shapes: Plotly redraws
those alone, while restyling extra preview traces made it recompute and
redraw every trace, heatmap included (70 ms against 3 ms), and a Plotly annotation for the label
cost 25 ms, so the label is a plain element. Preview latency, pointer event to shapes drawn:
13-14 ms median (3-5 ms at best) in both the largest case and the small demo, where a click is
redrawn in 130 ms. Text is never inserted as markup: the
label and the status line are set with ``textContent``.

The plot area is the primary ``xaxis``/``yaxis`` subplot; keep its ranges fixed (with equal
scaling, ``constrain="domain"`` keeps Plotly from widening a range) so the hover grid covers
it. Outside the grid there is no preview, but a click still reports where it landed.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knn_ui.components import declare
from knn_ui.style import class_color

__all__ = ["hover_payload", "knn_canvas", "lookup_payload"]

_HERE = Path(__file__).resolve().parent
PAYLOAD_VERSION = 1


@functools.cache
def plotly_file_name() -> str:
    """Name of the copy of plotly.js the app serves: ``plotly-<version>.min.js``."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


@functools.cache
def install_plotly(static_dir: Path) -> Path:
    """Copy the installed package's plotly.js into ``static_dir``; return the copy's path.

    Done once per process and folder; an existing copy of the same size is kept. The copy is
    written to a temporary file and renamed, so a page load never sees half a file.

    Parameters
    ----------
    static_dir : pathlib.Path
        The ``static`` folder next to the app's main script, which Streamlit serves at
        ``app/static/`` when ``server.enableStaticServing`` is on.

    Returns
    -------
    pathlib.Path
    """
    import plotly

    source = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    target = Path(static_dir) / plotly_file_name()
    if not target.is_file() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    return target


def _plotly_url() -> str:
    """Install plotly.js for the running app and return the path the browser loads it from.

    If the copy cannot be written (a read-only app folder), the page says so and why; the
    plot's own status line then reports that plotly.js did not load.
    """
    import streamlit as st
    from streamlit import config
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    main_script = Path(ctx.main_script_path) if ctx else _HERE.parent / "app.py"
    static_dir = main_script.resolve().parent / "static"
    try:
        install_plotly(static_dir)
    except OSError as error:
        st.error(
            f"The plot needs a copy of plotly.js in {static_dir}, and it could not be "
            f"written there ({error.strerror or error}). Make that folder writable, or copy "
            f"plotly.min.js from the installed plotly package there as {plotly_file_name()}."
        )
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/app/static/{plotly_file_name()}"


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


def hover_payload(
    *,
    x0,
    y0,
    dx,
    dy,
    nx,
    ny,
    neighbors,
    prediction,
    points,
    class_colors: Sequence[str],
    class_names: Sequence[str],
    query=None,
) -> dict:
    """Build the JSON-safe hover table that :func:`knn_canvas` looks the preview up in.

    The grid has ``ny`` rows and ``nx`` columns of cells whose centres are
    ``(x0 + j * dx, y0 + i * dy)``; row ``i`` runs along y. The browser maps the pointer to the
    nearest cell centre and draws that cell's neighbours and predicted class: it computes no
    distance and counts no vote.

    Parameters
    ----------
    x0, y0 : float
        Centre of cell ``(0, 0)``.
    dx, dy : float
        Spacing of the cell centres along x and y, both > 0.
    nx, ny : int
        Number of columns (along x) and rows (along y).
    neighbors : array-like of int, shape (ny, nx, k)
        Training indices of the ``k`` nearest neighbours of each cell centre, nearest first.
    prediction : array-like of int, shape (ny, nx)
        Predicted class code of each cell, an index into ``class_colors``/``class_names``.
    points : array-like of float, shape (n_samples, 2)
        Training coordinates; ``neighbors`` index into its rows.
    class_colors : sequence of str
        Colour of each class code (any CSS colour Plotly accepts).
    class_names : sequence of str
        Display name of each class code, shown as plain text.
    query : tuple of float, optional
        Where the query point is placed; the hover star is hidden near it so it does not cover
        the placed query.

    Returns
    -------
    dict
        JSON-safe: scalars, lists of strings, and the arrays as base64 of little-endian bytes
        (``neighbors`` as uint16, or uint32 past 65,535 points; ``prediction`` as uint8;
        ``points`` as float64). 100 x 100 cells with k = 25 take about 0.67 MB.

    Examples
    --------
    >>> import numpy as np
    >>> payload = hover_payload(
    ...     x0=0.0, y0=0.0, dx=1.0, dy=1.0, nx=2, ny=1,
    ...     neighbors=np.array([[[0], [1]]]), prediction=np.array([[0, 1]]),
    ...     points=np.array([[0.0, 0.0], [1.0, 0.0]]),
    ...     class_colors=["#D55E00", "#0072B2"], class_names=["red", "blue"],
    ... )
    >>> payload["k"], payload["neighbors"]["dtype"], payload["prediction"]["data"]
    (1, 'u2', 'AAE=')
    """
    x0, y0 = _finite("x0", x0), _finite("y0", y0)
    dx, dy = _finite("dx", dx), _finite("dy", dy)
    if dx <= 0 or dy <= 0:
        raise ValueError(f"Expected dx > 0 and dy > 0, but got dx = {dx}, dy = {dy}")
    nx, ny = _count("nx", nx), _count("ny", ny)

    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(
            f"Expected points of shape (n_samples, 2) with n_samples >= 1, "
            f"but got shape {points.shape}"
        )
    if not np.isfinite(points).all():
        raise ValueError("Expected points to be finite, but got NaN or infinity")
    n_samples = len(points)

    neighbors = _integer_array("neighbors", neighbors)
    if neighbors.ndim != 3 or neighbors.shape[:2] != (ny, nx) or neighbors.shape[2] < 1:
        raise ValueError(
            f"Expected neighbors of shape (ny, nx, k) = ({ny}, {nx}, k) with k >= 1, "
            f"but got shape {neighbors.shape}"
        )
    if neighbors.size and (neighbors.min() < 0 or neighbors.max() >= n_samples):
        raise ValueError(
            f"Expected neighbors to index points, 0 <= index < n_samples = {n_samples}, "
            f"but got values from {neighbors.min()} to {neighbors.max()}"
        )

    names = [str(name) for name in class_names]
    colors = [str(color) for color in class_colors]
    if not names or len(names) != len(colors):
        raise ValueError(
            f"Expected class_colors and class_names of the same length >= 1, but got "
            f"len(class_colors) = {len(colors)}, len(class_names) = {len(names)}"
        )
    if len(names) > 256:
        raise ValueError(f"Expected at most 256 classes, but got {len(names)}")

    prediction = _integer_array("prediction", prediction)
    if prediction.shape != (ny, nx):
        raise ValueError(
            f"Expected prediction of shape (ny, nx) = ({ny}, {nx}), "
            f"but got shape {prediction.shape}"
        )
    if prediction.min() < 0 or prediction.max() >= len(names):
        raise ValueError(
            f"Expected prediction codes 0 <= code < n_classes = {len(names)}, "
            f"but got values from {prediction.min()} to {prediction.max()}"
        )

    if query is not None:
        qx, qy = query
        query = [_finite("query[0]", qx), _finite("query[1]", qy)]

    return {
        "version": PAYLOAD_VERSION,
        "x0": x0,
        "y0": y0,
        "dx": dx,
        "dy": dy,
        "nx": nx,
        "ny": ny,
        "k": int(neighbors.shape[2]),
        "neighbors": _encode(neighbors, "<u2" if n_samples <= 65536 else "<u4"),
        "prediction": _encode(prediction, "<u1"),
        "points": _encode(points, "<f8"),
        "class_colors": colors,
        "class_names": names,
        "query": query,
    }


def lookup_payload(lookup, points, class_names: Sequence[str]) -> dict:
    """Build :func:`hover_payload` from a ``knn_core`` hover lookup on a regular grid.

    ``lookup`` has ``xs``, ``ys`` (the cell centres), ``neighbors`` and ``prediction``, as
    returned by ``NeighborGrid.hover(k)`` or ``knn_core.surface.hover_lookup``.
    """
    xs, ys = lookup.xs, lookup.ys
    # Only the points that are some cell's neighbour travel to the browser, renumbered: with
    # 100,000 points and k = 3 that is a few thousand instead of all of them.
    used, neighbors = np.unique(lookup.neighbors, return_inverse=True)
    return hover_payload(
        x0=float(xs[0]),
        y0=float(ys[0]),
        dx=float(xs[1] - xs[0]),
        dy=float(ys[1] - ys[0]),
        nx=len(xs),
        ny=len(ys),
        neighbors=neighbors.reshape(lookup.neighbors.shape),
        prediction=lookup.prediction,
        points=np.asarray(points)[used],
        class_colors=[class_color(c, class_names) for c in range(len(class_names))],
        class_names=class_names,
    )


def _figure_json(figure) -> str:
    import plotly.io as pio

    if isinstance(figure, dict):
        return pio.to_json(figure, validate=False)
    if hasattr(figure, "to_plotly_json"):
        return pio.to_json(figure, validate=False)
    raise TypeError(
        f"Expected figure to be a plotly.graph_objects.Figure or a dict, "
        f"but got {type(figure).__name__}"
    )


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
    hover: dict | None = None,
    key: str,
    height: int = 560,
    on_click: Callable[[float, float], None] | None = None,
    click_hint: str = "click to place the query here",
) -> dict | None:
    """Draw ``figure``; return the data coordinates of a click on the plot area.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure or dict
        The figure to draw; its ``xaxis``/``yaxis`` define the clickable plot area. Drag zoom
        and pan are switched off and the axis ranges fixed.
    hover : dict, optional
        The hover table from :func:`hover_payload`; without it there is no preview.
    key : str
        Streamlit widget key; keep it stable so reruns update the same plot.
    height : int, default=560
        Height of the plot in pixels (it overrides the figure's own height); a line of preview
        text is shown below it.
    on_click : callable, optional
        Called as ``on_click(x, y)`` when a click arrives, before the script reruns, so it may
        set the session state of widgets drawn earlier on the page.
    click_hint : str, default="click to place the query here"
        What a click does, shown (as plain text) in the preview line under the plot.

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
    if hover is not None and not isinstance(hover, dict):
        raise TypeError(
            f"Expected hover to be a dict from hover_payload() or None, "
            f"but got {type(hover).__name__}"
        )

    meta = (
        '{"figure":'
        + _figure_json(figure)
        + ',"hover":'
        + json.dumps(hover, separators=(",", ":"), allow_nan=False)
        + f',"height":{int(height)},"filename":"knn-plot","hint":'
        + json.dumps(str(click_hint))
        + ',"plotly":'
        + json.dumps(_plotly_url())
        + "}"
    )

    def _clicked() -> None:
        if on_click is None:
            return
        value = _click_value(st.session_state[key].get("click"))
        if value is not None:
            on_click(value["x"], value["y"])

    result = declare("canvas")(
        key=key,
        # Sent as bytes: the browser compares them with the last payload before parsing.
        data=meta.encode("utf-8"),
        height="content",
        on_click_change=_clicked,
    )
    return _click_value(result.get("click") if hasattr(result, "get") else None)
