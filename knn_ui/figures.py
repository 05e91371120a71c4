"""Figure builders: arrays in, ``plotly.graph_objects.Figure`` out.

No Streamlit calls and no KNN maths here: every number drawn was computed by ``knn_core``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from knn_core.surface import NeighborGrid, decision_boundary, region_fields
from knn_ui.style import (
    FONT,
    NEIGHBOR_RING,
    SPOKE,
    class_color,
    class_outline,
    class_symbol,
)

__all__ = [
    "Neighbourhood",
    "Regions",
    "base_layout",
    "class_traces",
    "confusion_figure",
    "neighbour_rings",
    "plain",
    "playground_figure",
]


@dataclass(frozen=True)
class Regions:
    """Decision regions to shade and their boundary: build them with :meth:`Regions.of`."""

    xs: np.ndarray
    ys: np.ndarray
    #: ``(n_classes, CONFIDENCE_BANDS, len(ys), len(xs))``: the 0.5 contour of ``[c, b]`` is
    #: the exact edge of the area where class c wins with at least band b's vote strength
    #: (knn_core.surface.region_fields).
    fields: np.ndarray
    #: The decision boundary's polylines, NaN between them (knn_core.surface.decision_boundary).
    boundary: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, grid: NeighborGrid, k: int) -> Regions:
        """Return the regions of ``k`` on ``grid`` (re-voted), with their exact edges."""
        codes, confidence, _ = grid.surface(k)
        levels = np.arange(CONFIDENCE_BANDS) / CONFIDENCE_BANDS
        fields = region_fields(
            grid.model, grid.xs, grid.ys, codes, confidence, levels=levels, n_neighbors=k
        )
        boundary = decision_boundary(grid.model, grid.xs, grid.ys, codes, n_neighbors=k)
        return cls(grid.xs, grid.ys, fields, boundary)


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
            # A hidden class would still vote: the legend is a key, not a filter.
            itemclick=False,
            itemdoubleclick=False,
        ),
    )


#: Tint of a class's region where the vote was closest, and where it was unanimous.
CLOSE_VOTE_TINT, REGION_TINT = 0.10, 0.45
#: Bands of vote strength inside a region (more bands: a finer gradient, a slower plot).
CONFIDENCE_BANDS = 4


def _band_opacities() -> list[float]:
    # Band b's area lies inside band b - 1's, so their fills stack: band b's opacity makes
    # the stack's tint (1 - product of (1 - opacity)) run evenly from CLOSE_VOTE_TINT in the
    # first band to REGION_TINT in the last.
    tints = np.linspace(CLOSE_VOTE_TINT, REGION_TINT, CONFIDENCE_BANDS)
    below = np.concatenate([[0.0], tints[:-1]])
    return list(1.0 - (1.0 - tints) / (1.0 - below))


def _in_200ths(field: np.ndarray) -> np.ndarray:
    # One byte a cell; never exactly the contour level (100), so no cell sits on an edge.
    z = np.round(200 * field)
    return np.where(field > 0.5, np.maximum(z, 101), np.minimum(z, 99)).astype(np.uint8)


def _region_traces(regions: Regions, names: Sequence[str]) -> list[dict]:
    # One filled contour per class and band of vote strength, stacked: a class's region, then
    # the areas where its vote was clearer, each a little more tinted. Each field's 0.5
    # contour is the exact edge of its area (knn_core.surface.region_fields), interpolated
    # linearly between cell centres, so the fills have straight edges (no staircase of the
    # grid) and meet the boundary line. Bands with the same area (k = 3 of two classes has
    # only two strengths) are one fill with their tints combined, and each fill is sent over
    # the cells around its area only, one byte a cell in 200ths.
    traces = []
    for c in range(len(names)):
        color = class_color(c, names)
        drawn = []  # [z, opacity] of this class's distinct areas
        for band, opacity in enumerate(_band_opacities()):
            z = _in_200ths(regions.fields[c, band])
            if drawn and np.array_equal(drawn[-1][0], z):
                drawn[-1][1] = 1.0 - (1.0 - drawn[-1][1]) * (1.0 - opacity)
            else:
                drawn.append([z, opacity])
        for z, opacity in drawn:
            rows, cols = _around(z > 100)
            if rows is None:
                continue
            traces.append(
                dict(
                    type="contour",
                    x=regions.xs[cols],
                    y=regions.ys[rows],
                    z=z[rows, cols],
                    zmin=0,
                    zmax=200,
                    autocontour=False,
                    contours=dict(coloring="fill", start=100, end=100, size=1, showlines=False),
                    colorscale=[[0.0, "rgba(255,255,255,0)"], [0.5, "rgba(255,255,255,0)"],
                                [0.5, color], [1.0, color]],
                    opacity=round(float(opacity), 4),
                    line=dict(width=0, smoothing=0),
                    showscale=False,
                    showlegend=False,
                    hoverinfo="skip",
                    name="decision regions",
                )
            )  # fmt: skip
    return traces


def _around(inside: np.ndarray) -> tuple[slice, slice] | tuple[None, None]:
    # The rows and columns of the cells inside, and one more on each side (outside, so the
    # fill closes within them), or (None, None) when no cell is inside.
    rows, cols = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    if not len(rows):
        return None, None
    ny, nx = inside.shape
    return (
        slice(max(rows[0] - 1, 0), min(rows[-1] + 2, ny)),
        slice(max(cols[0] - 1, 0), min(cols[-1] + 2, nx)),
    )


def _boundary_trace(regions: Regions) -> dict:
    # The decision boundary as a line, so regions read without colour: polylines through
    # points where the model's vote changes, found between cell centres to 1/64 of a cell
    # (knn_core.surface.decision_boundary), so the line cuts across cells without a staircase.
    x, y = regions.boundary
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        line=dict(color="#1b1b1b", width=1.5),
        showlegend=False,
        hoverinfo="skip",
        name="decision boundary",
    )


#: Longest name a figure shows in full (legend entries, axis titles): a longer class or column
#: name from a user's file is cut with "…", so that it cannot squeeze the plot to nothing.
NAME_CHARS = 40


def plain(text: str, limit: int = NAME_CHARS) -> str:
    """Return ``text`` with the characters Plotly would read as markup escaped.

    Plotly renders a small subset of HTML (``<b>``, ``<br>``...) in names and titles; class
    names from a user's CSV file must show exactly as typed. Names longer than ``limit``
    characters are cut with "…"; line breaks and tabs become spaces.

    Examples
    --------
    >>> plain("<b>x</b> & y")
    '&lt;b&gt;x&lt;/b&gt; &amp; y'
    >>> plain("a" * 50)
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…'
    """
    text = " ".join(str(text).splitlines()).replace("\t", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        marker = dict(color=class_color(c, names), symbol=class_symbol(c, names))
        if large:
            marker["size"] = round(_marker_size(len(X), size), 1)
        else:
            marker.update(size=size, line=dict(color=class_outline(c, names), width=1))
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
    neighbourhood_key: tuple[int, str] | None = None,
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
    neighbourhood_key : (int, str), optional
        ``(k, metric_label)`` of a neighbourhood drawn later (its shapes by
        :func:`neighbourhood_shapes`): the legend shows its entries, the figure no shapes.
        Taken from ``neighbourhood`` when that is given.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    codes = np.asarray(codes)
    traces = []
    if regions is not None:
        traces.extend(_region_traces(regions, names))
        traces.append(_boundary_trace(regions))
    traces.extend(class_traces(X, codes, names, size=round(10 * scale)))
    layout = base_layout(x_range, y_range, height=height, scale=scale)
    if neighbourhood is not None:
        neighbourhood_key = (len(neighbourhood.neighbor_index), neighbourhood.metric_label)
        layout["shapes"] = neighbourhood_shapes(X, neighbourhood, scale, names=names)
    if neighbourhood_key is not None and scale == 1.0:
        # Presenter mode (scale > 1) keeps the legend to one row of classes.
        traces.extend(_neighbourhood_legend(*neighbourhood_key, scale))
    return _figure(traces, layout)


def _path(xs, ys, *, close=False) -> str:
    points = enumerate(zip(xs, ys, strict=True))
    d = "".join(f"{'L' if i else 'M'}{x:.8g},{y:.8g}" for i, (x, y) in points)
    return d + ("Z" if close else "")


def _star_path(radius: float) -> str:
    # Five points, drawn in pixels around the shape's anchor (y grows downwards).
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    r = np.where(np.arange(10) % 2, 0.45 * radius, radius)
    return _path(r * np.cos(angles), r * np.sin(angles), close=True)


def neighbourhood_shapes(X, neighbourhood: Neighbourhood, scale=1.0, *, names=None) -> list[dict]:
    """Draw the query, its neighbours and its metric ball as layout shapes.

    Layout shapes rather than traces: when only the query moves, Plotly redraws the shapes
    alone (a few milliseconds) instead of every trace, decision regions included. Each shape
    has a ``name``: ``"neighbourhood"``, ``"spokes"``, ``"neighbour 1"`` ... ``"neighbour k"``
    (labelled with its rank) and ``"query"``.
    """
    qx, qy = neighbourhood.query
    nb = np.asarray(X, dtype=float)[neighbourhood.neighbor_index]
    ox, oy = neighbourhood.outline
    data = dict(xref="x", yref="y", layer="above")
    pixels = dict(data, xsizemode="pixel", ysizemode="pixel")
    shapes = [
        dict(
            data,
            type="path",
            path=_path(ox, oy, close=True),
            line=dict(color=SPOKE, width=1.5, dash="dash"),
            fillcolor="rgba(80,80,80,0.06)",
            name="neighbourhood",
        ),
        dict(
            data,
            type="path",
            path="".join(f"M{qx:.8g},{qy:.8g}L{x:.8g},{y:.8g}" for x, y in nb),
            line=dict(color=SPOKE, width=1.5),
            name="spokes",
        ),
    ]
    ring = 11 * scale
    for rank, (x, y) in enumerate(nb, start=1):
        # The rank sits outside the ring's corner that faces away from the query, clear of the
        # point, the query's star and the spokes (which all lie on the query's side).
        right, top = x >= qx, y >= qy
        shapes.append(
            dict(
                pixels,
                type="circle",
                xanchor=float(x),
                yanchor=float(y),
                x0=-ring,
                x1=ring,
                y0=-ring,
                y1=ring,
                line=dict(color=NEIGHBOR_RING, width=2.5),
                name=f"neighbour {rank}",
                label=dict(
                    text=str(rank),
                    textposition=f"{'top' if top else 'bottom'} {'right' if right else 'left'}",
                    xanchor="left" if right else "right",
                    yanchor="bottom" if top else "top",
                    padding=1,
                    font=dict(size=round(12 * scale), color=NEIGHBOR_RING),
                ),
            )
        )
    shapes.append(
        dict(
            pixels,
            type="path",
            xanchor=float(qx),
            yanchor=float(qy),
            path=_star_path(12 * scale),
            fillcolor=class_color(neighbourhood.prediction_code, names),
            line=dict(color="black", width=1.5),
            name="query",
        )
    )
    return shapes


def _neighbourhood_name(metric_label: str) -> str:
    """Return the legend text of the metric ball: ``"Manhattan neighbourhood (diamond)"``.

    ``metric_label`` is a metric name, optionally with its shape after a colon
    (``"Manhattan: diamond"``), as the pages pass it.

    Examples
    --------
    >>> _neighbourhood_name("Manhattan: diamond"), _neighbourhood_name("Euclidean")
    ('Manhattan neighbourhood (diamond)', 'Euclidean neighbourhood')
    """
    metric, _, shape = str(metric_label).partition(": ")
    return f"{metric} neighbourhood" + (f" ({shape})" if shape else "")


def _neighbourhood_legend(k: int, metric_label: str, scale: float) -> list[dict]:
    # Legend entries for the shapes: traces with no points. They do not depend on where the
    # query is, so a click changes the layout shapes and nothing else, and the canvas redraws
    # just those (see canvas.js); the query's own prediction is in its star's fill colour.
    empty = dict(type="scatter", x=[None], y=[None], hoverinfo="skip")
    return [
        dict(
            empty,
            mode="lines",
            line=dict(color=SPOKE, width=1.5, dash="dash"),
            name=_neighbourhood_name(metric_label),
        ),
        dict(
            empty,
            mode="markers",
            marker=dict(
                symbol="circle-open",
                size=round(22 * scale),
                color=NEIGHBOR_RING,
                line=dict(width=2.5, color=NEIGHBOR_RING),
            ),
            name=f"{k} nearest",
        ),
        dict(
            empty,
            mode="markers",
            marker=dict(
                symbol="star",
                size=round(24 * scale),
                color="white",
                line=dict(color="black", width=1.5),
            ),
            name="query (its prediction's colour)",
        ),
    ]


def confusion_figure(counts, names: Sequence[str], *, height=None) -> go.Figure:
    """Draw a confusion matrix: true class down, predicted class across, a count in every cell.

    The count is written in each cell, and the right answers (the diagonal) say so with a
    tick, so the chart reads without colour; the grey shade (each row's share) only helps
    the eye find the large cells.

    Parameters
    ----------
    counts : ndarray of int, shape (n_classes, n_classes)
        ``counts[i, j]``: points of true class i predicted as class j
        (``knn_core.evaluation.ConfusionMatrix.counts``).
    names : sequence of str
        Display name of each class (a user's labels are shown as plain text).
    height : int, optional
        Figure height in pixels; by default it grows with the number of classes.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    counts = np.asarray(counts, dtype=int)
    n = len(names)
    labels = [plain(name) for name in names]
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
    text = [
        [f"✓ {counts[i, j]}" if i == j else str(counts[i, j]) for j in range(n)] for i in range(n)
    ]
    hover = [
        [
            f"true {labels[i]}, predicted {labels[j]}: {counts[i, j]} point"
            + ("" if counts[i, j] == 1 else "s")
            + (" (right)" if i == j else "")
            for j in range(n)
        ]
        for i in range(n)
    ]
    trace = dict(
        type="heatmap",
        z=share,
        x=labels,
        y=labels,
        zmin=0,
        zmax=1,
        colorscale=[[0, "#ffffff"], [1, "#3b4a5a"]],
        showscale=False,
        text=text,
        texttemplate="%{text}",
        textfont=dict(size=16),
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        xgap=2,
        ygap=2,
    )
    layout = dict(
        height=height or 110 + 60 * n,
        margin=dict(l=10, r=10, t=10, b=10),
        font=dict(family=FONT, size=14),
        xaxis=dict(
            title=dict(text="predicted class", standoff=6),
            side="top",
            fixedrange=True,
            type="category",
            automargin=True,
            ticks="",
        ),
        yaxis=dict(
            title=dict(text="true class", standoff=6),
            autorange="reversed",
            fixedrange=True,
            type="category",
            automargin=True,
            ticks="",
        ),
        plot_bgcolor="#d0d4da",
        paper_bgcolor="white",
    )
    return _figure([trace], layout)
