"""The Regression page's Streamlit side: sidebar controls, cached calls, figure builders.

Controls are drawn from the parameter table (:mod:`knn_ui.params`, keys prefixed ``r_``). The figure
builders take arrays and return ``go.Figure`` objects; they call no Streamlit function and do
no maths: every number drawn comes from :mod:`knn_core.lessons.regression`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.datasets import noisy_sine
from knn_core.lessons.regression import compare_k, plot_ranges, prediction_curve
from knn_core.models import KNNRegressor
from knn_ui import params, state
from knn_ui.figures import base_layout
from knn_ui.style import FONT, NEIGHBOR_RING, SPOKE

#: The x axis of every regression plot: the sine's period [0, 2 pi] and a margin.
X_RANGE = (-0.3, 6.6)
#: Grid points of each prediction curve.
N_GRID = 1201
POINT_COLOR = "#0072B2"
CURVE_COLOR = "#D55E00"
MEAN_COLOR = "#1b1b1b"
GAP_COLOR = "#333333"
#: Curve colours of the k comparison: k = 1, your k, large k (Okabe-Ito).
COMPARE_COLORS = ("#E69F00", "#D55E00", "#0072B2")
MAX_POINTS = 300


#: Regression: its own data (points around a sine) and k; nothing shared with other pages.
PAGE = params.Page("regression")


def controls() -> params.Values:
    """Draw the sidebar controls (data and k); return the view without the query x.

    Its fields are the table's keys: ``r_n``, ``r_noise``, ``r_seed`` and ``r_k``.
    """
    sb = st.sidebar
    sb.header("Data")
    sb.caption("Points scattered around a sine wave: y = sin(x) + noise.")
    n = params.draw("r_n", sb, PAGE)
    params.draw("r_noise", sb, PAGE)
    state.seed_control(sb, PAGE, "r_seed", button_key="r_new_sample")
    sb.header("Model")
    state.k_control(n, PAGE, key="r_k")
    return params.frozen(PAGE)


def place_x(x: float, _y: float = 0.0) -> None:
    """Move the query to ``x`` (clamped to the plot); use as the canvas click callback."""
    params.set_value("r_x", round(min(max(float(x), X_RANGE[0]), X_RANGE[1]), 2))


def query_input(container) -> float:
    """Draw the number input of the query x in ``container``; return it."""
    return float(params.draw("r_x", container, PAGE))


# -- cached calls into knn_core ----------------------------------------------------------------


@st.cache_resource(max_entries=32, show_spinner=False)
def sine_data(n_samples: int, noise: float, seed: int):
    """Return ``(x, y, y_range)``: the noisy sine and the y range of its plots."""
    x, y = noisy_sine(n_samples=n_samples, noise=noise, seed=seed)
    return x, y, plot_ranges(x, y, pad=0.08)[1]


@st.cache_resource(max_entries=64, show_spinner=False)
def regressor(n_samples: int, noise: float, seed: int, k: int, weights: str) -> KNNRegressor:
    """Return a 1-D regressor fitted on the noisy sine."""
    x, y, _ = sine_data(n_samples, noise, seed)
    return KNNRegressor(k, weights=weights).fit(x[:, None], y)


@st.cache_resource(max_entries=64, show_spinner=False)
def curve(n_samples: int, noise: float, seed: int, k: int, weights: str):
    """Return ``(xs, ys)``: the model's prediction on a fine grid over the plot."""
    model = regressor(n_samples, noise, seed, k, weights)
    return prediction_curve(model, X_RANGE, N_GRID)


@st.cache_resource(max_entries=32, show_spinner=False)
def k_comparison(n_samples: int, noise: float, seed: int, ks: tuple[int, ...]):
    """Return :func:`knn_core.lessons.regression.compare_k` of ``ks`` on the noisy sine."""
    x, y, _ = sine_data(n_samples, noise, seed)
    return compare_k(x, y, ks, x_range=X_RANGE, n_grid=N_GRID)


# -- figure builders ------------------------------------------------------------------------------


def _layout(y_range, *, height: int, legend_bottom: bool = False) -> dict:
    layout = base_layout(X_RANGE, y_range, height=height, equal_axes=False)
    layout["xaxis"]["title"] = dict(text="x")
    layout["yaxis"]["title"] = dict(text="y")
    layout["margin"] = dict(l=45, r=10, t=10, b=40)
    if legend_bottom:
        layout["legend"] = dict(
            orientation="h",
            yanchor="top",
            y=-0.2,
            xanchor="left",
            x=0.0,
            entrywidth=0.5,
            entrywidthmode="fraction",
            font=dict(size=13),
        )
        layout["margin"]["b"] = 95
    return layout


def _points(x, y, *, color=POINT_COLOR, size=8, name="training points") -> dict:
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="markers",
        name=name,
        marker=dict(color=color, size=size, line=dict(color="white", width=1)),
    )


def regression_figure(x, y, curve_xs, curve_ys, trace, *, k, y_range, steps, height=480):
    """Draw the data, the prediction curve and one explained prediction.

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)
        The training points.
    curve_xs, curve_ys : ndarray of shape (n_grid,)
        The model's prediction on a grid (from
        :func:`knn_core.lessons.regression.prediction_curve`).
    trace : knn_core.lessons.regression.RegressionTrace
        The explained prediction at the query.
    k : int
        Number of neighbours (for the legend).
    y_range : tuple of float
        Fixed y axis range.
    steps : bool
        Draw the curve as steps (uniform weights: the prediction only jumps where the set of
        neighbours changes) rather than as a line.
    height : int, default=480
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    q, pred = trace.query, trace.prediction
    lo, hi = y_range
    weighted = trace.weighting == "distance"
    # Segment of the mean: across the neighbours and the query, a little wider to be seen.
    left = min(float(trace.x.min()), q) - 0.1
    right = max(float(trace.x.max()), q) + 0.1
    gap_x = np.column_stack([trace.x, trace.x, np.full(len(trace.x), np.nan)]).ravel()
    gap_y = np.column_stack([trace.y, np.full(len(trace.y), pred), np.full(len(trace.y), np.nan)])
    ring_size = 14 + 30 * trace.shares if weighted else np.full(len(trace.x), 18.0)
    traces = [
        dict(
            type="scatter",
            x=[q, q],
            y=[lo, hi],
            mode="lines",
            line=dict(color=SPOKE, width=1, dash="dot"),
            name=f"query x = {q:.2f}",
            showlegend=False,
        ),
        _points(x, y),
        dict(
            type="scatter",
            x=curve_xs,
            y=curve_ys,
            mode="lines",
            line=dict(color=CURVE_COLOR, width=2.5, shape="hv" if steps else "linear"),
            name="prediction curve",
        ),
        dict(
            type="scatter",
            x=gap_x,
            y=gap_y.ravel(),
            mode="lines",
            line=dict(color=GAP_COLOR, width=2),
            name="gap from each value to the mean",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=[left, right],
            y=[pred, pred],
            mode="lines",
            line=dict(color=MEAN_COLOR, width=3),
            name="their weighted mean" if weighted else "their mean",
        ),
        dict(
            type="scatter",
            x=trace.x,
            y=trace.y,
            mode="markers",
            marker=dict(
                symbol="circle-open",
                size=ring_size,
                color=NEIGHBOR_RING,
                line=dict(width=2.5, color=NEIGHBOR_RING),
            ),
            name=f"{k} nearest" + (" (size = weight)" if weighted else ""),
        ),
        dict(
            type="scatter",
            x=[q],
            y=[pred],
            mode="markers",
            marker=dict(
                symbol="star", size=22, color=CURVE_COLOR, line=dict(color="black", width=1.5)
            ),
            name=f"prediction {pred:.2f}",
        ),
    ]
    layout = _layout(y_range, height=height, legend_bottom=True)
    return go.Figure(data=traces, layout=layout, _validate=False)


def k_comparison_figure(x, y, comparison, *, y_range, labels=None, height=380):
    """Draw the prediction curves of several k over the data, with the noise-free sine.

    Parameters
    ----------
    x, y : ndarray of shape (n_samples,)
        The training points.
    comparison : knn_core.lessons.regression.KComparison
        Curves of each k on one grid, the truth and each curve's error.
    y_range : tuple of float
        Fixed y axis range.
    labels : sequence of str, optional
        Legend entry of each curve; default ``"k = ..."``.
    height : int, default=380
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    traces = [_points(x, y, color="#9a9a9a", size=6)]
    traces.append(
        dict(
            type="scatter",
            x=comparison.xs,
            y=comparison.truth,
            mode="lines",
            line=dict(color="black", width=1.5, dash="dot"),
            name="sin(x), the curve without noise",
        )
    )
    for i, k in enumerate(comparison.ks.tolist()):
        traces.append(
            dict(
                type="scatter",
                x=comparison.xs,
                y=comparison.curves[i],
                mode="lines",
                line=dict(color=COMPARE_COLORS[i % len(COMPARE_COLORS)], width=2.2, shape="hv"),
                name=labels[i] if labels is not None else f"k = {k}",
            )
        )
    layout = _layout(y_range, height=height, legend_bottom=True)
    layout["font"] = dict(family=FONT, size=13)
    return go.Figure(data=traces, layout=layout, _validate=False)
