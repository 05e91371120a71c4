"""Figure builders: arrays in, ``plotly.graph_objects.Figure`` out.

No Streamlit calls and no KNN maths here: every number drawn was computed by ``knn_core``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from knn_ui.style import FONT, NEIGHBOR_RING, SPOKE, class_color, class_symbol, tint

__all__ = [
    "Neighbourhood",
    "Regions",
    "base_layout",
    "class_traces",
    "neighbour_rings",
    "plain",
    "playground_figure",
    "vote_bar",
]


@dataclass(frozen=True)
class Regions:
    """A decision surface to shade: class codes and winning share on a grid."""

    xs: np.ndarray
    ys: np.ndarray
    codes: np.ndarray  # (len(ys), len(xs)) class codes
    confidence: np.ndarray  # (len(ys), len(xs)) winning share in [1/C, 1]


@dataclass(frozen=True)
class Neighbourhood:
    """One query, its prediction, its kept neighbours and the metric ball through the k-th."""

    query: tuple[float, float]
    prediction_code: int
    prediction_name: str
    neighbor_index: np.ndarray  # (k,) training indices, nearest first
    outline: tuple[np.ndarray, np.ndarray]  # closed outline at the k-th distance
    metric_label: str


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    # The builders write plain dicts that match Plotly's schema; skipping Plotly's per-property
    # validation (as plotly.express does) saves ~20 ms per rerun. The tests check the figures.
    return go.Figure(data=traces, layout=layout, _validate=False)


def base_layout(x_range, y_range, *, height=560, equal_axes=True, scale=1.0) -> dict:
    """Return the shared layout: fixed ranges, equal scaling, no drag-zoom, readable fonts."""
    # constrain="domain": equal scaling shrinks the plot area instead of widening a range, so
    # the visible area is exactly the one the hover grid covers.
    yaxis = dict(
        range=list(y_range),
        fixedrange=True,
        zeroline=False,
        title=dict(text="x₂"),
        constrain="domain",
    )
    if equal_axes:
        yaxis.update(scaleanchor="x", scaleratio=1)
    return dict(
        height=height,
        margin=dict(l=45, r=10, t=40, b=40),
        font=dict(family=FONT, size=round(14 * scale)),
        xaxis=dict(
            range=list(x_range),
            fixedrange=True,
            zeroline=False,
            title=dict(text="x₁"),
            constrain="domain",
        ),
        yaxis=yaxis,
        dragmode=False,
        # Point tooltips would cover the live neighbour preview drawn by the canvas.
        hovermode=False,
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            xanchor="center",
            x=0.5,
            font=dict(size=round(13 * scale)),
        ),
    )


def _regions_trace(regions: Regions, n_classes: int) -> dict:
    # One heatmap: z = class code + intensity, so each class owns the colour band
    # [code, code + 1) from a light tint (a close vote) to a stronger tint (a unanimous one).
    lowest = 1.0 / n_classes
    intensity = np.clip((regions.confidence - lowest) / max(1.0 - lowest, 1e-12), 0.0, 1.0)
    z = (regions.codes + 0.999 * intensity).astype(np.float32)  # half the bytes per rerun
    # Plotly needs the colour scale to run from exactly 0 to exactly 1.
    scale = []
    for c in range(n_classes):
        scale.append([c / n_classes, tint(class_color(c), 0.10)])
        end = 1.0 if c == n_classes - 1 else (c + 0.999) / n_classes
        scale.append([end, tint(class_color(c), 0.45)])
    return dict(
        type="heatmap",
        x=regions.xs,
        y=regions.ys,
        z=z,
        zmin=0,
        zmax=n_classes,
        colorscale=scale,
        showscale=False,
        hoverinfo="skip",
        zsmooth=False,
        name="decision regions",
    )


def plain(text: str) -> str:
    """Return ``text`` with the characters Plotly would read as markup escaped.

    Plotly renders a small subset of HTML (``<b>``, ``<br>``...) in names and titles; class
    names from a user's CSV file must show exactly as typed.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: From this many points on, markers are drawn with WebGL (SVG slows down past a few thousand).
WEBGL_FROM = 5_000


def _marker_size(n_points: int, size: float) -> float:
    # Dense clouds need small markers to stay readable: full size up to 1,000 points, then
    # shrinking with the square root of the count, never below 3 pixels.
    return max(3.0, min(size, size * (1_000 / max(n_points, 1)) ** 0.5))


def class_traces(X, codes, names: Sequence[str], *, size=10, opacity=None) -> list[dict]:
    """One marker trace per class: its colour, its own shape, its name in the legend.

    ``opacity``, if given, holds one value per point (to fade the points that do not vote).
    From :data:`WEBGL_FROM` points on, the traces are WebGL (``scattergl``) with smaller
    markers and single-precision coordinates, so 100,000 points still draw quickly.
    """
    large = len(X) >= WEBGL_FROM
    traces = []
    for c, name in enumerate(names):
        mask = codes == c
        marker = dict(color=class_color(c), symbol=class_symbol(c))
        if large:
            marker["size"] = round(_marker_size(len(X), size), 1)
        else:
            marker.update(size=size, line=dict(color="white", width=1))
        if opacity is not None:
            marker["opacity"] = opacity[mask]
        coords = X[mask].astype(np.float32) if large else X[mask]
        traces.append(
            dict(
                type="scattergl" if large else "scatter",
                x=coords[:, 0],
                y=coords[:, 1],
                mode="markers",
                name=plain(name),
                marker=marker,
            )
        )
    return traces


def neighbour_rings(points, *, name: str, size=22, width=2.5, **extra) -> dict:
    """Open rings around ``points`` (shape ``(k, 2)``): the neighbours that vote."""
    return (
        dict(
            type="scatter",
            x=points[:, 0],
            y=points[:, 1],
            mode="markers",
            marker=dict(
                symbol="circle-open",
                size=size,
                color=NEIGHBOR_RING,
                line=dict(width=width, color=NEIGHBOR_RING),
            ),
            name=name,
            hoverinfo="skip",
        )
        | extra
    )


def playground_figure(
    X,
    codes,
    names: Sequence[str],
    *,
    x_range,
    y_range,
    neighbourhood: Neighbourhood | None = None,
    regions: Regions | None = None,
    height=560,
    scale=1.0,
) -> go.Figure:
    """Draw the training points, the decision regions and one query with its neighbours.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Training points.
    codes : ndarray of shape (n_samples,)
        Class code of each point, an index into ``names``.
    names : sequence of str
        Display name of each class.
    x_range, y_range : tuple of float
        Fixed axis ranges (the hover grid and the click mapping depend on them).
    neighbourhood : Neighbourhood, optional
        The query to draw: a star in the predicted colour, rings on its neighbours, spokes and
        the metric ball out to the k-th neighbour.
    regions : Regions, optional
        Decision regions, shaded by predicted class, stronger where the vote is more unanimous.
    height : int, default=560
        Figure height in pixels.
    scale : float, default=1.0
        Multiplies fonts and marker sizes (presenter mode uses about 1.5).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    codes = np.asarray(codes)
    # WebGL draws above every SVG trace, so with WebGL points the query's traces are WebGL
    # too, or the points would cover them.
    kind = "scattergl" if len(X) >= WEBGL_FROM else "scatter"
    traces = []
    if regions is not None:
        traces.append(_regions_trace(regions, len(names)))
    if neighbourhood is not None:
        ox, oy = neighbourhood.outline
        traces.append(
            dict(
                type=kind,
                x=ox,
                y=oy,
                mode="lines",
                line=dict(color=SPOKE, width=1.5, dash="dash"),
                fill="toself",
                fillcolor="rgba(80,80,80,0.06)",
                name=f"neighbourhood: {neighbourhood.metric_label}",
                hoverinfo="skip",
            )
        )
        qx, qy = neighbourhood.query
        nb = X[neighbourhood.neighbor_index]
        sx = np.column_stack([np.full(len(nb), qx), nb[:, 0], np.full(len(nb), np.nan)]).ravel()
        sy = np.column_stack([np.full(len(nb), qy), nb[:, 1], np.full(len(nb), np.nan)]).ravel()
        traces.append(
            dict(
                type=kind,
                x=sx,
                y=sy,
                mode="lines",
                line=dict(color=SPOKE, width=1.5),
                name="distance to each neighbour",
                hoverinfo="skip",
                showlegend=False,
            )
        )
    traces.extend(class_traces(X, codes, names, size=round(10 * scale)))
    if neighbourhood is not None:
        nb = X[neighbourhood.neighbor_index]
        traces.append(
            neighbour_rings(
                nb,
                name=f"{len(nb)} nearest",
                size=round(22 * scale),
                # WebGL places text off its marker; the table beside the plot has the ranks.
                mode="markers+text" if kind == "scatter" else "markers",
                text=[str(r + 1) for r in range(len(nb))],
                textposition="top right",
                textfont=dict(size=round(12 * scale), color=NEIGHBOR_RING),
                type=kind,
            )
        )
        traces.append(
            dict(
                type=kind,
                x=[qx],
                y=[qy],
                mode="markers",
                marker=dict(
                    symbol="star",
                    size=round(24 * scale),
                    color=class_color(neighbourhood.prediction_code),
                    line=dict(color="black", width=1.5),
                ),
                name=f"query → {plain(neighbourhood.prediction_name)}",
            )
        )
    return _figure(traces, base_layout(x_range, y_range, height=height, scale=scale))


def vote_bar(names: Sequence[str], tally, *, winner_code: int, weighted=False, height=240):
    """Bar chart of the vote: one bar per class, the winner outlined.

    Parameters
    ----------
    names : sequence of str
        Display name of each class.
    tally : array-like of shape (n_classes,)
        Votes per class (summed weights when ``weighted``).
    winner_code : int
        The class that won (after the tie rule).
    weighted : bool, default=False
        Whether the tally holds summed distance weights rather than counts.
    height : int, default=240
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    tally = np.asarray(tally, dtype=float)
    labels = [f"{v:.2f}" if weighted else f"{v:.0f}" for v in tally]
    bar = dict(
        type="bar",
        x=[plain(n) for n in names],
        y=tally,
        text=labels,
        textposition="outside",
        marker=dict(
            color=[class_color(c) for c in range(len(names))],
            line=dict(
                color=["black" if c == winner_code else "white" for c in range(len(names))],
                width=[3 if c == winner_code else 0 for c in range(len(names))],
            ),
        ),
        hovertemplate="%{x}: %{y}<extra></extra>",
    )
    top = float(tally.max()) if len(tally) else 1.0
    layout = dict(
        height=height,
        margin=dict(l=40, r=10, t=30, b=30),
        font=dict(family=FONT, size=14),
        yaxis=dict(
            title=dict(text="summed weight" if weighted else "votes"),
            range=[0, top * 1.25 + 1e-9],
            fixedrange=True,
            dtick=None if weighted else 1,
        ),
        xaxis=dict(fixedrange=True),
        plot_bgcolor="white",
        showlegend=False,
        title=dict(text="The vote", x=0, font=dict(size=15)),
    )
    return _figure([bar], layout)
