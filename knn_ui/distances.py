"""The Distances page's Streamlit side: controls, cached calls, tables and figure builders.

Page-specific controls are bound to the URL with keys prefixed ``d_``; the data set and the
query reuse the Playground's controls (:mod:`knn_ui.state`). The figure builders take arrays
and return ``go.Figure`` objects, with no Streamlit call and no maths: the neighbour sets, the
radii and the scaled coordinates come from :mod:`knn_core.lessons.neighbor_sets` and
:mod:`knn_core.lessons.scaling`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from knn_core.lessons.neighbor_sets import compare_metrics
from knn_core.lessons.regression import plot_ranges
from knn_core.lessons.scaling import scaling_effect
from knn_core.metrics import METRICS
from knn_ui import cache, params, state
from knn_ui.figures import class_traces, neighbour_rings, playground_figure
from knn_ui.state import METRIC_LABELS
from knn_ui.style import FONT

#: Outline style of each metric: colour and dash (colours outside the class palette).
METRIC_STYLES = {
    "euclidean": ("#1b1b1b", "solid"),
    "manhattan": ("#0a8fd6", "dash"),
    "chebyshev": ("#7a5c00", "dot"),
}
#: Short tags written next to the points the metrics disagree on.
METRIC_TAGS = {"euclidean": "E", "manhattan": "M", "chebyshev": "C"}
HIGHLIGHT = "rgba(240,228,66,0.85)"  # Okabe-Ito yellow: a highlighter pen behind a point
QUERY_COLOR = "#444444"


#: Distances and scaling: its own k (5), up to 1,000 points.
PAGE = params.Page("distances", bounds={"n": (10, params.MAX_POINTS)})


def k_control(n_samples: int) -> int:
    """Draw the k slider in the sidebar (kept within ``1..n_samples``); return k."""
    st.sidebar.header("Neighbours")
    return state.k_control(n_samples, PAGE, key="d_k")


def scaling_controls(container) -> tuple[int, bool]:
    """Draw the stretch slider and the standardise toggle; return ``(factor, standardized)``."""
    left, right = container.columns([3, 2], vertical_alignment="bottom")
    factor = params.draw("d_stretch", left, PAGE)
    standardized = params.draw("d_std", right, PAGE)
    return int(factor), bool(standardized)


# -- cached calls into knn_core ----------------------------------------------------------------


@st.cache_resource(max_entries=64, show_spinner=False)
def metric_comparison(data_key: tuple, qx: float, qy: float, k: int):
    """Return :func:`knn_core.lessons.neighbor_sets.compare_metrics` for one query."""
    X, _, _ = cache.dataset(*data_key)
    return compare_metrics(X, (qx, qy), k)


@st.cache_resource(max_entries=64, show_spinner=False)
def scaling(data_key: tuple, qx: float, qy: float, k: int, factor: int, standardized: bool):
    """Return :func:`knn_core.lessons.scaling.scaling_effect` for one query (x₁ stretched)."""
    X, _, _ = cache.dataset(*data_key)
    return scaling_effect(X, (qx, qy), k, factor=factor, axis=0, standardized=standardized)


# -- sentences and tables --------------------------------------------------------------------------


def picked_by(row: Sequence[bool], metrics: Sequence[str]) -> str:
    """Return who picked a point: ``"all three"`` or e.g. ``"Euclidean, Chebyshev"``."""
    if all(row):
        return "all three" if len(metrics) == 3 else "all"
    names = [METRIC_LABELS[m] for m, p in zip(metrics, row, strict=True) if p]
    return ", ".join(names) + (" only" if len(names) == 1 else "")


def agreement_sentence(comparison) -> str:
    """Say in one sentence whether and how much the metrics agree (markdown)."""
    k = len(comparison.neighbors[0])
    if len(comparison.disputed) == 0:
        return (
            f"Here all three metrics pick **the same {k} neighbours**. Move the query or change "
            "k to find a spot where they disagree: near the edge of a neighbourhood, where a "
            "point sits on a diagonal or straight along an axis."
        )
    pairs = []
    metrics = comparison.metrics
    for a, b in ((0, 1), (0, 2), (1, 2)):
        shared = k - len(comparison.difference(metrics[a], metrics[b]))
        pairs.append(f"{METRIC_LABELS[metrics[a]]} and {METRIC_LABELS[metrics[b]]} share {shared}")
    return (
        f"The metrics **disagree on {len(comparison.disputed)} points**. Of the {k} "
        f"neighbours, {pairs[0]}, {pairs[1]}, {pairs[2]}."
    )


def scaling_sentence(effect) -> str:
    """Say in a few words what the change of units did to the neighbours (markdown)."""
    k = len(effect.neighbors)
    changed = len(effect.change.lost)
    if effect.standardized:
        if effect.change.same:
            return (
                "**Standardised:** every feature now has mean 0 and standard deviation 1, so the "
                f"stretch is undone, whatever it is: the {k} neighbours are the original ones."
            )
        return (
            "**Standardised:** the stretch no longer matters (try any factor: these neighbours "
            f"stay). They differ from the raw original in {changed} of {k}, because "
            "standardising also evens out how much x₁ and x₂ varied to begin with."
        )
    if effect.factor == 1:
        return "At 1× nothing has changed: these are the neighbours in the original units."
    if effect.change.same:
        return (
            f"Stretched {effect.factor:g}×, the {k} neighbours happen to be the same here, but "
            "the circle has become a thin strip: x₁ now counts far more than x₂."
        )
    return (
        f"Stretched {effect.factor:g}×: **{changed} of the {k} neighbours changed**. Every "
        f"difference in x₁ is now {effect.factor:g} times bigger, so the nearest points are "
        "simply those closest in x₁, however far away they are in x₂."
    )


def metric_table(comparison, codes, names: Sequence[str]) -> None:
    """Show every point any metric picked: its distance under each metric and who picked it."""
    rows = {
        "point #": [int(i) for i in comparison.candidates],
        "class": [names[int(codes[i])] for i in comparison.candidates],
    }
    for j, metric in enumerate(comparison.metrics):
        rows[METRIC_LABELS[metric]] = [float(d) for d in comparison.distances[:, j]]
    rows["picked by"] = [picked_by(r, comparison.metrics) for r in comparison.picked.tolist()]
    config = {
        METRIC_LABELS[m]: st.column_config.NumberColumn(format="%.3f") for m in comparison.metrics
    }
    st.dataframe(rows, hide_index=True, width="stretch", column_config=config, key="d_metrics")


def scaling_table(effect, codes, names: Sequence[str]) -> None:
    """Show the neighbours before and after the change of units, rank by rank."""
    before = effect.original.tolist()
    now = effect.neighbors.tolist()
    rows = {
        "rank": list(range(1, len(now) + 1)),
        "original units": [f"#{i} ({names[int(codes[i])]})" for i in before],
        "now": [f"#{i} ({names[int(codes[i])]})" for i in now],
        "": ["kept" if i in before else "NEW" for i in now],
    }
    st.dataframe(rows, hide_index=True, width="stretch", key="d_scaling")


# -- figure builders ------------------------------------------------------------------------------


def metrics_figure(X, codes, names, comparison, outlines: Mapping, *, x_range, y_range, height=640):
    """Draw the data, one query and the neighbourhood of each metric at its k-th distance.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Training points.
    codes : ndarray of shape (n_samples,)
        Class code of each point.
    names : sequence of str
        Display name of each class.
    comparison : knn_core.lessons.neighbor_sets.MetricComparison
        The neighbours each metric picked, and who picked which candidate.
    outlines : mapping of str to (ndarray, ndarray)
        The closed outline of each metric's ball through its k-th neighbour.
    x_range, y_range : tuple of float
        Fixed axis ranges (the click mapping depends on them).
    height : int, default=640
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    base = playground_figure(X, codes, names, x_range=x_range, y_range=y_range, height=height)
    k = len(comparison.neighbors[0])
    under, over = [], []
    for metric in comparison.metrics:
        color, dash = METRIC_STYLES[metric]
        ox, oy = outlines[metric]
        under.append(
            dict(
                type="scatter",
                x=ox,
                y=oy,
                mode="lines",
                line=dict(color=color, width=2.2, dash=dash),
                name=METRICS[metric].caption,
                hoverinfo="skip",
            )
        )
    disputed = ~comparison.picked.all(axis=1)
    if disputed.any():
        pts = X[comparison.candidates[disputed]]
        tags = [
            "+".join(METRIC_TAGS[m] for m, p in zip(comparison.metrics, row, strict=True) if p)
            for row in comparison.picked[disputed].tolist()
        ]
        under.append(
            dict(
                type="scatter",
                x=pts[:, 0],
                y=pts[:, 1],
                mode="markers",
                marker=dict(color=HIGHLIGHT, size=30, line=dict(width=0)),
                name="picked by some metrics, not all",
                hoverinfo="skip",
            )
        )
        over.append(
            dict(
                type="scatter",
                x=pts[:, 0],
                y=pts[:, 1],
                mode="text",
                text=tags,
                textposition="top right",
                textfont=dict(size=14, color="#1b1b1b", family=FONT),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    common = X[comparison.common]
    over.append(neighbour_rings(common, name=f"among the {k} nearest for all three"))
    qx, qy = comparison.query
    over.append(
        dict(
            type="scatter",
            x=[qx],
            y=[qy],
            mode="markers",
            marker=dict(
                symbol="star", size=22, color=QUERY_COLOR, line=dict(color="black", width=1)
            ),
            name="query",
        )
    )
    layout = base.layout.to_plotly_json()
    return go.Figure(data=[*under, *base.data, *over], layout=layout, _validate=False)


def scaling_figure(effect, codes, names, outline, *, height=470):
    """Draw the data as the distance sees it after the change of units.

    The axes are not drawn to the same scale, so the points keep their places on the screen
    while the numbers on the x₁ axis grow: the Euclidean circle through the k-th neighbour then
    shows as a thin ellipse, the strip of points that are close in x₁.

    Parameters
    ----------
    effect : knn_core.lessons.scaling.ScalingEffect
        The transformed data and query, the neighbours before and after.
    codes : ndarray of shape (n_samples,)
        Class code of each point.
    names : sequence of str
        Display name of each class.
    outline : tuple of ndarray
        The Euclidean circle through the k-th neighbour, in the transformed units.
    height : int, default=470
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = effect.X
    traces = [
        dict(
            type="scatter",
            x=outline[0],
            y=outline[1],
            mode="lines",
            line=dict(color="#1b1b1b", width=1.8, dash="dash"),
            fill="toself",
            fillcolor="rgba(80,80,80,0.06)",
            name="Euclidean circle through the k-th",
            hoverinfo="skip",
        )
    ]
    gained = X[effect.change.gained]
    if len(gained):
        traces.append(
            dict(
                type="scatter",
                x=gained[:, 0],
                y=gained[:, 1],
                mode="markers",
                marker=dict(color=HIGHLIGHT, size=28, line=dict(width=0)),
                name="new neighbour",
                hoverinfo="skip",
            )
        )
    traces.extend(class_traces(X, codes, names, size=9))
    nb = X[effect.neighbors]
    traces.append(neighbour_rings(nb, name=f"{len(nb)} nearest now", size=20, width=2.2))
    lost = X[effect.change.lost]
    if len(lost):
        traces.append(
            dict(
                type="scatter",
                x=lost[:, 0],
                y=lost[:, 1],
                mode="markers",
                marker=dict(symbol="x-thin-open", size=16, color="#1b1b1b", line=dict(width=2)),
                name="no longer a neighbour",
                hoverinfo="skip",
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=[effect.query[0]],
            y=[effect.query[1]],
            mode="markers",
            marker=dict(
                symbol="star", size=20, color=QUERY_COLOR, line=dict(color="black", width=1)
            ),
            name="query",
        )
    )
    unit = " (z-score)" if effect.standardized else ""
    stretch = f" × {effect.factor:g}" if effect.factor != 1 else ""
    # Raw stretched data are drawn with each axis fitted to the plot (else at 100x the picture
    # is a line); otherwise both axes keep the same scale, so a circle looks round.
    same_scale = effect.standardized or effect.factor == 1
    x_range, y_range = plot_ranges(X[:, 0], X[:, 1], pad=0.08)
    layout = dict(
        height=height,
        margin=dict(l=55, r=10, t=10, b=50),
        font=dict(family=FONT, size=14),
        xaxis=dict(
            title=dict(text=f"x₁{stretch}{unit}"),
            zeroline=False,
            fixedrange=True,
            **({} if same_scale else dict(range=list(x_range))),
        ),
        yaxis=dict(
            title=dict(text=f"x₂{unit}"),
            zeroline=False,
            fixedrange=True,
            **(dict(scaleanchor="x", scaleratio=1) if same_scale else dict(range=list(y_range))),
        ),
        plot_bgcolor="white",
        paper_bgcolor="white",
        hovermode=False,
        dragmode=False,
        # Above the plot (margins grow to hold it), clear of the x-axis title below.
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0.0),
    )
    return go.Figure(data=traces, layout=layout, _validate=False)
