"""The tutorial's experiment page, Streamlit side: controls, cached calls, figure builders.

Controls are drawn from the parameter table, keys prefixed ``e_``; their defaults are the tutorial's
(:data:`knn_core.lessons.experiment.TUTORIAL`). The figure builders take arrays and return
``go.Figure`` objects, with no Streamlit call and no maths: the data, predictions, neighbours,
projection and distance ratios come from :mod:`knn_core.lessons.experiment` and
:mod:`knn_core.lessons.projection`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.lessons.experiment import NEW_VALUES, tutorial_experiment
from knn_core.lessons.projection import distance_ratio_curve
from knn_core.lessons.regression import plot_ranges
from knn_ui import params, state
from knn_ui.figures import base_layout
from knn_ui.style import FONT, SPOKE, class_color, class_symbol, class_text_color

LABEL_NAMES = ("label 0", "label 1")
NEW_COLOR = "#333333"


#: The experiment page: the tutorial's values unless the student changed them.
PAGE = params.Page("experiment")
#: The keys "Back to the tutorial's values" resets (the seed is kept).
_TUTORIAL_KEYS = ("e_mu0", "e_mu1", "e_sigma", "e_n0", "e_n1", "e_d", "e_k")


def controls() -> params.Values:
    """Draw the tutorial's parameters in the sidebar; return them as one read-only object.

    Its fields are the table's keys: ``e_mu0``, ``e_mu1``, ``e_sigma``, ``e_n0``, ``e_n1``,
    ``e_d`` (features), ``e_k`` and ``e_seed``.
    """
    sb = st.sidebar
    sb.header("The tutorial's parameters")
    sb.caption("The defaults are exactly the tutorial's.")
    left, right = sb.columns(2)
    params.draw("e_mu0", left, PAGE)
    n0 = params.draw("e_n0", right, PAGE)
    left, right = sb.columns(2)
    params.draw("e_mu1", left, PAGE)
    n1 = params.draw("e_n1", right, PAGE)
    params.draw("e_sigma", sb, PAGE)
    params.draw("e_d", sb, PAGE)
    n = int(n0) + int(n1)
    state.k_control(n, PAGE, key="e_k", what="rows")
    params.draw("e_seed", sb, PAGE)
    sb.button(
        "Back to the tutorial's values",
        on_click=params.forget,
        args=_TUTORIAL_KEYS,
        key="e_reset",
        help="mu 1 and 5, sigma 3, 30 and 20 rows, 10 features, k = 5 (the seed is kept).",
    )
    return params.frozen(PAGE)


def tutorial_code(values: params.Values, predictions) -> str:
    """Return the tutorial's experiment as Python code, with these parameters filled in."""
    d = values.e_d
    rows = ", ".join(f"[{v:g}] * {d}" for v in NEW_VALUES)
    preds = ", ".join(f"{p:.1f}" for p in predictions)
    return (
        f"X0, y0 = gen_data(mu={values.e_mu0:g}, sigma={values.e_sigma:g}, y=0, "
        f"size=({values.e_n0}, {d}))\n"
        f"X1, y1 = gen_data(mu={values.e_mu1:g}, sigma={values.e_sigma:g}, y=1, "
        f"size=({values.e_n1}, {d}))\n"
        "X, y = np.concatenate([X0, X1]), np.concatenate([y0, y1])\n\n"
        f"knn = KNN(num_neighbors={values.e_k})\n"
        "knn.fit(X, y)\n"
        f"X_new = np.array([{rows}])\n"
        f"knn.predict(X_new)  # -> [{preds}]"
    )


# -- cached calls into knn_core ----------------------------------------------------------------


@st.cache_resource(max_entries=32, show_spinner=False)
def _experiment(
    mu0: float, mu1: float, sigma: float, n0: int, n1: int, n_features: int, k: int, seed: int
):
    return tutorial_experiment(
        mu0=mu0, mu1=mu1, sigma=sigma, n0=n0, n1=n1, n_features=n_features, k=k, seed=seed
    )


def experiment(values: params.Values):
    """Return :func:`~knn_core.lessons.experiment.tutorial_experiment` for these parameters."""
    return _experiment(
        values.e_mu0,
        values.e_mu1,
        values.e_sigma,
        values.e_n0,
        values.e_n1,
        values.e_d,
        values.e_k,
        values.e_seed,
    )


@st.cache_resource(show_spinner=False)
def ratio_curve():
    """Return :func:`knn_core.lessons.projection.distance_ratio_curve` on its default dimensions."""
    return distance_ratio_curve()


# -- figure builders ------------------------------------------------------------------------------


def row_name(value: float) -> str:
    """Return the name of the new row filled with ``value``, e.g. ``"all-2"``."""
    return f"all-{value:g}"


def projection_figure(result, *, height=460):
    """Draw the training rows and the new rows on the first two principal axes.

    Parameters
    ----------
    result : knn_core.lessons.experiment.ExperimentResult
        The experiment, with ``X_2d``, ``new_2d`` and the PCA's explained variance.
    height : int, default=460
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X2, new2 = result.X_2d, result.new_2d
    ratio = result.projection.explained_variance_ratio
    traces = []
    # Spokes from each new row to its neighbours: the neighbours KNN found in all the features.
    for r, neighbors in enumerate(result.neighbors):
        idx = [i for i, _ in neighbors]
        nb = X2[idx]
        sx = np.column_stack([np.full(len(nb), new2[r, 0]), nb[:, 0], np.full(len(nb), np.nan)])
        sy = np.column_stack([np.full(len(nb), new2[r, 1]), nb[:, 1], np.full(len(nb), np.nan)])
        traces.append(
            dict(
                type="scatter",
                x=sx.ravel(),
                y=sy.ravel(),
                mode="lines",
                line=dict(color=SPOKE, width=1),
                opacity=0.6,
                name="to its neighbours (found in all features)",
                legendgroup="spokes",
                showlegend=r == 0,
                hoverinfo="skip",
            )
        )
    for c, name in enumerate(LABEL_NAMES):
        mask = result.y == c
        traces.append(
            dict(
                type="scatter",
                x=X2[mask, 0],
                y=X2[mask, 1],
                mode="markers",
                name=f"training rows, {name}",
                marker=dict(
                    color=class_color(c),
                    symbol=class_symbol(c),
                    size=10,
                    line=dict(color="white", width=1),
                ),
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=new2[:, 0],
            y=new2[:, 1],
            mode="markers+text",
            text=[
                f"{row_name(v)} → {p:.1f}"
                for v, p in zip(result.new_values, result.predictions, strict=True)
            ],
            # Alternate above and below: the new rows lie close together on one line.
            textposition=[("bottom center", "top center")[r % 2] for r in range(len(new2))],
            textfont=dict(size=13, color="#1b1b1b"),
            marker=dict(symbol="star", size=20, color=NEW_COLOR, line=dict(color="white", width=1)),
            name="new rows → prediction",
        )
    )
    both = np.vstack([X2, new2])
    x_range, y_range = plot_ranges(both[:, 0], both[:, 1], pad=0.1)
    layout = base_layout(x_range, y_range, height=height)
    layout["xaxis"]["title"] = dict(text=f"first principal axis ({ratio[0]:.0%} of the variance)")
    layout["yaxis"]["title"] = dict(text=f"second principal axis ({ratio[1]:.0%})")
    return go.Figure(data=traces, layout=layout, _validate=False)


def sweep_figure(result, *, height=360):
    """Draw the prediction for a row filled with one value ``v``, for a range of ``v``.

    Parameters
    ----------
    result : knn_core.lessons.experiment.ExperimentResult
        The experiment, with ``sweep_values`` and ``sweep_predictions``.
    height : int, default=360
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    traces = [
        dict(
            type="scatter",
            x=result.sweep_values,
            y=result.sweep_predictions,
            mode="lines",
            line=dict(color="#0072B2", width=2.5, shape="hv"),
            name="prediction for a row of all v",
        ),
        dict(
            type="scatter",
            x=result.new_values,
            y=result.predictions,
            mode="markers+text",
            text=[row_name(v) for v in result.new_values],
            textposition="top left",
            marker=dict(symbol="star", size=16, color=NEW_COLOR),
            name="the tutorial's four rows",
        ),
    ]
    layout = dict(
        height=height,
        margin=dict(l=55, r=10, t=10, b=50),
        font=dict(family=FONT, size=14),
        xaxis=dict(
            title=dict(text="v (the value in every feature of the new row)"), fixedrange=True
        ),
        yaxis=dict(title=dict(text="prediction"), range=[-0.08, 1.12], fixedrange=True, dtick=0.2),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="x",
        dragmode=False,
        showlegend=False,
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def ratio_figure(dims, mean, std, *, n_features=None, height=360):
    """Draw the nearest / farthest distance ratio against the number of features (log x).

    Parameters
    ----------
    dims : ndarray of shape (n_dims,)
        Numbers of features.
    mean, std : ndarray of shape (n_dims,)
        Mean and standard deviation of the ratio over the queries.
    n_features : int, optional
        Mark this number of features (the experiment's) with a vertical line.
    height : int, default=360
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    dims = np.asarray(dims, dtype=float)
    upper = np.asarray(mean) + np.asarray(std)
    lower = np.asarray(mean) - np.asarray(std)
    traces = [
        dict(
            type="scatter",
            x=np.concatenate([dims, dims[::-1]]),
            y=np.concatenate([upper, lower[::-1]]),
            fill="toself",
            fillcolor="rgba(0,114,178,0.15)",
            line=dict(width=0),
            name="± one standard deviation",
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=dims,
            y=mean,
            mode="lines+markers",
            line=dict(color="#0072B2", width=2.5),
            marker=dict(size=8),
            name="nearest / farthest distance",
        ),
    ]
    shapes = []
    annotations = []
    if n_features is not None:
        shapes.append(
            dict(
                type="line",
                x0=n_features,
                x1=n_features,
                y0=0,
                y1=1,
                yref="paper",
                line=dict(color="#D55E00", width=2, dash="dot"),
            )
        )
        annotations.append(
            dict(
                x=np.log10(n_features),
                y=0.06,
                yref="paper",
                text=f"{n_features} features",
                showarrow=False,
                xanchor="left",
                xshift=6,
                font=dict(color=class_text_color(0), size=13),
            )
        )
    layout = dict(
        height=height,
        margin=dict(l=55, r=10, t=10, b=50),
        font=dict(family=FONT, size=14),
        xaxis=dict(type="log", title=dict(text="number of features (log scale)"), fixedrange=True),
        yaxis=dict(
            title=dict(text="nearest ÷ farthest distance"), range=[0, 1.02], fixedrange=True
        ),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode="x",
        dragmode=False,
        showlegend=False,
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout, _validate=False)
