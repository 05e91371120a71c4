"""A tiny app for the knn_canvas browser tests and benchmark.

Forty points in two classes on [0, 10] x [0, 10]. The hover table is computed HERE with plain
numpy brute force (the app itself gets it from knn_core). The page shows how often the script
ran, so a test can tell that hovering causes no rerun; the query placed by the last click (set
by ``on_click``, before the script runs); and the click ``knn_canvas`` returned on this run.

Query parameters: ``names=odd`` uses class names with markup characters (they must show as
plain text); ``regions=1`` adds a 160 x 160 heatmap like the Playground's decision regions;
``big=1`` is the Playground's largest case for the benchmark: 1000 points,
100 x 100 hover cells, k = 25 (use it with ``regions=1``).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_ui.canvas import hover_payload, knn_canvas

BIG = st.query_params.get("big") == "1"
K = 25 if BIG else 3
N_PER_CLASS = 500 if BIG else 20
N_CELLS = 100 if BIG else 50
LO, HI = 0.0, 10.0
COLORS = ["#D55E00", "#0072B2"]


@st.cache_data
def demo_data(n_per_class):
    rng = np.random.default_rng(7)
    a = rng.normal([3.0, 3.5], 1.2, size=(n_per_class, 2))
    b = rng.normal([6.5, 6.5], 1.2, size=(n_per_class, 2))
    X = np.clip(np.vstack([a, b]), LO + 0.3, HI - 0.3)
    y = np.repeat([0, 1], n_per_class)
    return X, y


@st.cache_data
def demo_grid(X, y, k, n_cells):
    step = (HI - LO) / n_cells
    centres = LO + step / 2 + step * np.arange(n_cells)
    gx, gy = np.meshgrid(centres, centres)  # row i runs along y
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    d2 = (cells[:, None, 0] - X[None, :, 0]) ** 2 + (cells[:, None, 1] - X[None, :, 1]) ** 2
    neighbors = np.argsort(d2, axis=1, kind="stable")[:, :k]
    votes = y[neighbors]
    prediction = (votes.sum(axis=1) * 2 > k).astype(int)
    return centres, neighbors.reshape(n_cells, n_cells, k), prediction.reshape(n_cells, n_cells)


st.session_state["runs"] = st.session_state.get("runs", 0) + 1
names = ["red <b>&amp;", "blue </i>"] if st.query_params.get("names") == "odd" else ["red", "blue"]
X, y = demo_data(N_PER_CLASS)
centres, neighbors, prediction = demo_grid(X, y, K, N_CELLS)
last = st.session_state.get("last_click")

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
        go.Scatter(
            x=X[y == c, 0],
            y=X[y == c, 1],
            mode="markers",
            name=name,
            marker=dict(color=COLORS[c], size=6 if BIG else 10, line=dict(color="white", width=1)),
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
    hover=hover_payload(
        x0=centres[0],
        y0=centres[0],
        dx=centres[1] - centres[0],
        dy=centres[1] - centres[0],
        nx=N_CELLS,
        ny=N_CELLS,
        neighbors=neighbors,
        prediction=prediction,
        points=X,
        class_colors=COLORS,
        class_names=names,
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
