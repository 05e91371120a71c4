"""A tiny app for the knn_canvas browser tests and benchmark.

Forty points in two classes on [0, 10] x [0, 10], k = 3. The page shows how often the script
ran, so a test can tell that hovering causes no rerun; the query placed by the last click (set
by ``on_click``, before the script runs); and the click ``knn_canvas`` returned on this run.

Query parameters: ``names=odd`` uses class names with markup characters (they must show as
plain text); ``regions=1`` adds a 160 x 160 heatmap like the Playground's decision regions;
``big=1`` is the Playground's largest case for the benchmark: 1000 points, k = 25 (use it
with ``regions=1``). For the preview's comparison with knn_core: ``n`` (points),
``classes``, ``data=lattice`` (whole-number coordinates, many equal distances and duplicate
points), ``k``, ``metric``, ``p`` and ``weights``.

A checkbox under the plot draws the points as WebGL traces (``scattergl``), which only the full
bundle of plotly.js draws.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_ui.canvas import knn_canvas, preview_payload
from knn_ui.style import class_color

params = st.query_params
BIG = params.get("big") == "1"
N = int(params.get("n", 1000 if BIG else 40))
N_CLASSES = int(params.get("classes", 2))
LATTICE = params.get("data") == "lattice"
K = int(params.get("k", 25 if BIG else 3))
METRIC = params.get("metric", "euclidean")
P = float(params.get("p", 3.0))
WEIGHTS = params.get("weights", "uniform")
LO, HI = 0.0, 10.0
COLORS = [class_color(c) for c in range(N_CLASSES)]


@st.cache_data
def demo_data(n, n_classes, lattice):
    rng = np.random.default_rng(7)
    y = np.arange(n) % n_classes
    if lattice:
        return rng.integers(1, 10, size=(n, 2)).astype(float), y
    centres = np.array([[3.0, 3.5], [6.5, 6.5], [3.0, 7.0], [7.0, 3.0], [5.0, 5.0]])
    X = rng.normal(centres[y % len(centres)], 1.2)
    return np.clip(X, LO + 0.3, HI - 0.3), y


st.session_state["runs"] = st.session_state.get("runs", 0) + 1
names = [f"class {c}" for c in range(N_CLASSES)]
names[:2] = ["red <b>&amp;", "blue </i>"] if params.get("names") == "odd" else ["red", "blue"]
names = names[:N_CLASSES]
X, y = demo_data(N, N_CLASSES, LATTICE)
last = st.session_state.get("last_click")

webgl = st.session_state.get("webgl", False)  # the checkbox under the plot
fig = go.Figure()
if st.query_params.get("regions") == "1":
    xs = np.linspace(LO, HI, 160)
    z = (xs[None, :] + xs[:, None] > 10).astype(float) + 0.5 * np.sin(xs)[:, None]
    fig.add_trace(
        go.Heatmap(
            x=xs,
            y=xs,
            z=z,
            colorscale=[[0, "#fbe3d6"], [1, "#d6e6f4"]],
            showscale=False,
            hoverinfo="skip",
        )
    )
for c, name in enumerate(names):
    fig.add_trace(
        (go.Scattergl if webgl else go.Scatter)(
            x=X[y == c, 0],
            y=X[y == c, 1],
            mode="markers",
            name=name,
            marker=dict(
                color=COLORS[c], size=6 if N > 100 else 10, line=dict(color="white", width=1)
            ),
        )
    )
if last is not None:
    fig.add_trace(
        go.Scatter(
            x=[last["x"]],
            y=[last["y"]],
            mode="markers",
            name="query",
            marker=dict(symbol="star", size=22, color="gold", line=dict(color="black", width=1)),
        )
    )
fig.update_layout(
    title="Canvas demo <i>(titles go through Plotly)</i>",
    height=500,
    margin=dict(l=50, r=20, t=80, b=45),
    xaxis=dict(range=[LO, HI], fixedrange=True, constrain="domain", title="x₁"),
    yaxis=dict(range=[LO, HI], fixedrange=True, scaleanchor="x", constrain="domain", title="x₂"),
    plot_bgcolor="white",
    legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
)


def place(x: float, y: float) -> None:
    # Runs before the script, like the Playground's callback, so this run already draws it.
    st.session_state["last_click"] = {"x": x, "y": y}


clicked = knn_canvas(
    fig,
    preview=preview_payload(
        X,
        y,
        k=K,
        metric=METRIC,
        p=P,
        weights=WEIGHTS,
        class_names=names,
        class_colors=COLORS,
        query=None if last is None else (last["x"], last["y"]),
    ),
    key="canvas",
    height=500,
    on_click=place,
)
st.text(f"runs: {st.session_state['runs']}")
if last is not None:
    st.text(f"query (set by on_click): {last['x']:.6f}, {last['y']:.6f}")
if clicked is not None:
    st.text(f"returned click: {clicked['x']:.6f}, {clicked['y']:.6f}")
st.checkbox("Draw the points with WebGL", key="webgl")
