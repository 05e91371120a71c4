"""The Searching-fast page's Streamlit side: cached calls, controls, texts and figures.

Everything about one search comes from ONE
:class:`knn_core.lessons.searching_fast.TreeSearch`, traced on the engine's own ``cKDTree``
(:func:`tree`). Figure builders take arrays and return
``go.Figure`` objects without calling Streamlit. In the search figure, everything that changes
from step to step is a layout shape, so a step redraws the shapes alone (see
:mod:`knn_ui.canvas`), even over 100,000 points. Its own controls (``sstep``, ``zoom``,
``depth``, ``budget``) are drawn from the parameter table (:mod:`knn_ui.params`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.datasets import make_dataset
from knn_core.geometry import ball_outline
from knn_core.lessons.searching_fast import (
    Splits,
    TreeSearch,
    cost_by_features,
    cost_by_size,
    recall_by_budget,
    search_window,
    trace_search,
    tree_height,
    tree_splits,
)
from knn_core.neighbors import build_tree
from knn_ui import cache, params, state, views
from knn_ui.figures import _figure, _path, _star_path, base_layout, class_traces
from knn_ui.params import DEFAULT_DRAWN_DEPTH
from knn_ui.style import CLASS_TEXT_COLORS, NEIGHBOR_RING, SPOKE

#: At most this many split lines are drawn, the shallowest first: a tree over 100,000
#: points has about 9,000 leaves, and all its splits at once would be a grey smear. Zoomed in
#: on the search, only the splits of boxes in view are read, so deep levels fit.
MAX_DRAWN_SPLITS = 2_047
#: Splits are labelled (axis and value) on the top levels only, at most this many labels.
MAX_SPLIT_LABELS = 31
#: Rings are drawn on the nearest this many of the best k (a ring a shape: a thousand of them
#: would slow every step down, and would overlap into one blot anyway).
MAX_RINGS = 25
#: The cost and recall curves search with k at most this (each searches hundreds of queries).
CURVE_MAX_K = 10
#: Sizes and dimensions of the cost curves.
COST_SIZES = (100, 300, 1_000, 3_000, 10_000, 30_000, 100_000)
COST_FEATURES = (1, 2, 3, 4, 6, 8, 12, 16)
COST_FEATURES_N = 5_000
COST_QUERIES = 20
#: Queries averaged in the recall-against-work curve.
RECALL_QUERIES = 50

VISITED = "#009E73"  # Okabe-Ito green: a leaf box whose points were measured
PRUNED = "#6b6b6b"  # grey: a box ruled out unmeasured
CURRENT = "#E69F00"  # orange: the box this step is about
MEASURED = "#1b1b1b"
SPLIT_LINE = "#8a8a8a"
AXIS_NAMES = ("x₁", "x₂")

STEP_TITLES = {
    "descend": "Descend to the query's leaf",
    "measure": "Measure the points in the leaf",
    "visit": "Back up: this box could hold a closer point, visit it",
    "prune": "Back up: this box is too far, prune it",
    "stop": "Budget spent: stop",
}


def curve_k(k: int) -> int:
    """Return the k the curves search with: the page's k, at most :data:`CURVE_MAX_K`."""
    return min(int(k), CURVE_MAX_K)


# --------------------------------------------------------------------------------------------
# Cached calls into knn_core
# --------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=16, show_spinner=False)
def tree(data_key: tuple):
    """Return the engine's ``cKDTree`` over the data set (built as the engine builds it)."""
    X, _, _ = cache.dataset(*data_key)
    return build_tree(X)


@st.cache_resource(max_entries=16, show_spinner=False)
def height(data_key: tuple) -> int:
    """Return the depth of the tree's deepest leaf."""
    return tree_height(tree(data_key))


def splits(data_key: tuple, depth: int, window) -> Splits:
    """Return the splits of the top ``depth`` levels (0: none) that cross ``window``."""
    return tree_splits(tree(data_key), depth - 1, window=window, max_splits=MAX_DRAWN_SPLITS)


def window(data_key: tuple, search: TreeSearch, bounds, zoom: bool):
    """Return the plot ranges: around the whole search if ``zoom``, else the whole plot."""
    if not zoom:
        return bounds
    X, _, _ = cache.dataset(*data_key)
    return search_window(search, X, bounds)


@st.cache_resource(max_entries=32, show_spinner=False)
def search(data_key: tuple, query: tuple, k: int, metric: str, p: float) -> TreeSearch:
    """Trace the search for ``query`` on the data set's tree, kept while the student steps.

    A millisecond or less for small k; at k = 1,000 over 100,000 points it takes half a
    second, so a step reuses it. Read-only, so it is kept as a resource (no copy per run).
    """
    X, _, _ = cache.dataset(*data_key)
    return trace_search(tree(data_key), X, query, k, metric=metric, p=p)


@st.cache_data(max_entries=16, show_spinner="Timing the tree at seven sizes…")
def size_costs(dataset: str, noise: float, seed: int, n_classes: int, k: int, metric: str, p):
    """Mean distances the tree measures per query at :data:`COST_SIZES` points of the set.

    The queries are points of a second sample of the same data set (the next seed).
    """
    queries, _ = make_dataset(dataset, COST_QUERIES, noise, seed + 1, n_classes=n_classes)
    return cost_by_size(
        lambda n: make_dataset(dataset, n, noise, seed, n_classes=n_classes)[0],
        COST_SIZES,
        queries,
        k,
        metric=metric,
        p=p,
    )


@st.cache_data(max_entries=16, show_spinner="Timing the tree in more dimensions…")
def feature_costs(k: int, metric: str, p: float):
    """Mean distances the tree measures per query at :data:`COST_FEATURES` dimensions."""
    return cost_by_features(
        COST_FEATURES_N, COST_FEATURES, k, n_queries=COST_QUERIES // 2, metric=metric, p=p
    )


@st.cache_data(max_entries=16, show_spinner=False)
def recall_curve(data_key: tuple, k: int, metric: str, p: float):
    """Mean (leaves, distances measured, recall) after each leaf, over :data:`RECALL_QUERIES`.

    Queries are points of a second sample of the same data set. Past the end of a search
    (it needed fewer leaves) its work and recall stay as they ended.
    """
    dataset, _, noise, seed, n_classes = data_key
    queries, _ = make_dataset(dataset, RECALL_QUERIES, noise, seed + 1, n_classes=n_classes)
    X, _, _ = cache.dataset(*data_key)
    t = tree(data_key)
    curves = []
    for q in queries:
        full = trace_search(t, X, q, k, metric=metric, p=p)
        curves.append(recall_by_budget(full, full.indices))
    longest = max(len(w) for w, _ in curves)
    work = np.array([np.pad(w, (0, longest - len(w)), mode="edge") for w, _ in curves])
    recall = np.array([np.pad(r, (0, longest - len(r)), mode="edge") for _, r in curves])
    return np.arange(1, longest + 1), work.mean(axis=0), recall.mean(axis=0)


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------
#: Searching fast's declaration: it shares the Playground's data (up to 100,000 points).
PAGE = state.PLAYGROUND


def step_navigation(container, n_steps: int) -> int:
    """Draw Previous, the step slider (key ``sstep``) and Next; return the 0-based step.

    A new query or data set changes the number of steps; a step past the end shows the last.
    """
    step = views.step_slider(
        container,
        "sstep",
        PAGE,
        n_steps,
        what="search",
        widths=[1.6, 4, 1.6],
        keys=("ss_prev", "ss_next"),
        single="The whole tree is one leaf: the search is a single step.",
    )
    return step - 1


def zoom_control(container) -> bool:
    """Draw the "zoom in on the search" toggle (key ``zoom``)."""
    return bool(params.draw("zoom", container, PAGE))


def depth_control(container, tree_depth: int) -> int:
    """Draw the "levels of splits drawn" slider (key ``depth``); return the number of levels."""
    top = max(1, tree_depth)
    return params.draw(
        "depth",
        container,
        PAGE,
        high=top,
        reason=f"this tree is {tree_depth} levels deep",
        default=min(DEFAULT_DRAWN_DEPTH, top),
        help=f"This tree is {tree_depth} levels deep below its top box. The plot draws "
        f"the splits of the top levels, at most {MAX_DRAWN_SPLITS:,} lines; labels name "
        "the axis and value of the top ones.",
    )


def budget_control(n_leaves: int) -> int:
    """Draw the leaf-budget slider (key ``budget``); return the budget (1..``n_leaves``)."""
    if n_leaves <= 1:
        st.caption("Every search here needs a single leaf: there is nothing to cut.")
        return 1
    return params.draw(
        "budget", st, PAGE, high=n_leaves, reason=f"these searches end within {n_leaves} leaves"
    )


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def _fmt(v: float) -> str:
    return "∞" if not np.isfinite(v) else f"{v:.3f}"


def _split_text(dim: int, value: float, side: str) -> str:
    axis = AXIS_NAMES[dim] if dim < len(AXIS_NAMES) else f"x{dim + 1}"
    return f"{axis} {side} {value:.2f}"


def step_title(step) -> str:
    """Return the heading of one step."""
    return STEP_TITLES[step.kind]


def step_explanation(search: TreeSearch, index: int) -> str:
    """Return the Markdown explaining step ``index`` of ``search`` (numbers only, no user text)."""
    step = search.steps[index]
    k = search.k
    if step.kind == "descend":
        turns = ", then ".join(_split_text(*turn) for turn in step.path)
        where = "From the top box" if step.depth == 0 else f"Inside the box at depth {step.depth}"
        return (
            f"{where}, follow the splits on the query's side: {turns}. That leads to the leaf "
            "box (orange) that holds the query, after only "
            f"{len(step.path)} comparisons and no distance measured yet."
        )
    if step.kind == "measure":
        m = len(step.measured)
        found = len(step.best_indices)
        text = (
            f"Measure the distance from the query to the **{m}** points in this leaf (black "
            f"crosses). The best {found} so far are ringed"
        )
        if found == k:
            text += f"; the k-th best is **{_fmt(step.bound)}** away, the dashed outline."
        else:
            text += f": fewer than k = {k}, so every box will be visited until {k} are found."
        return text
    if step.kind in ("visit", "prune"):
        gap, bound = step.box_distance, step.bound
        dim, value, side = step.path[0]
        back = (
            f"Back up to the split {_split_text(dim, value, '=')} (depth {step.depth - 1}). "
            f"The box on its other side ({_split_text(dim, value, side)})"
        )
        if step.kind == "prune":
            return (
                f"{back} starts "
                f"**{_fmt(gap)}** away, farther than the k-th best so far (**{_fmt(bound)}**): "
                "no point inside it can be closer, so none of them is measured (grey box)."
            )
        if not np.isfinite(bound):
            reason = f"fewer than k = {k} points have been measured, so it must be searched"
        elif gap == bound:
            reason = (
                f"exactly as far as the k-th best ({_fmt(bound)}): a point there at the same "
                "distance with a lower number would come first, so it is searched"
            )
        else:
            reason = (
                f"closer than the k-th best so far ({_fmt(bound)}): it could hold a nearer point"
            )
        return f"{back} starts **{_fmt(gap)}** away, {reason}. Visit it."
    return (
        f"The budget of leaves is spent after {step.n_leaves}: the search stops with the best "
        f"{k} found so far, which may miss some of the true neighbours."
    )


def best_table(step, names: Sequence[str], codes) -> dict:
    """Columns of the best k so far after ``step``: rank, point number, class, distance."""
    idx = step.best_indices
    return {
        "rank": list(range(1, len(idx) + 1)),
        "point #": [int(i) for i in idx],
        "class": [names[int(codes[i])] for i in idx],
        "distance": [round(float(d), 4) for d in step.best_distances],
    }


def result_sentence(search: TreeSearch, engine_indices) -> str:
    """Say how the traced result compares with the engine's (the page's proof, in numbers)."""
    same = np.array_equal(search.indices, np.asarray(engine_indices))
    share = search.n_measured / search.n_samples
    share_text = f"{share:.2%}" if share < 0.01 else f"{share:.1%}"
    verdict = (
        "the same k neighbours, in the same order, as the engine's search"
        if same
        else "NOT the engine's neighbours"  # never expected: the tests check it
    )
    return (
        f"The search measured **{search.n_measured:,}** of {search.n_samples:,} distances "
        f"({share_text}), in {search.n_leaves} of {search.n_leaves_total:,} leaves, and found "
        f"{verdict}. Brute force measures all {search.n_samples:,}."
    )


def budget_sentence(budget: int, work, recall, k: int) -> str:
    """Say what a budget of leaves costs and finds, on average (``recall_curve``'s numbers)."""
    i = min(max(budget, 1), len(work)) - 1
    leaves = f"{i + 1} leaf" if i == 0 else f"{i + 1} leaves"
    return (
        f"Stopping after **{leaves}**, the search measures **{work[i]:.0f}** distances per "
        f"query on average and finds **{recall[i]:.0%}** of the true {k} neighbours "
        f"({RECALL_QUERIES} queries of this data set)."
    )


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def _rect(lo, hi, **style) -> dict:
    return dict(
        type="rect",
        xref="x",
        yref="y",
        x0=float(lo[0]),
        x1=float(hi[0]),
        y0=float(lo[1]),
        y1=float(hi[1]),
        **style,
    )


def _segments_path(splits: Splits, mask) -> str:
    parts = []
    for j, v, lo, hi in zip(
        splits.dim[mask], splits.value[mask], splits.lo[mask], splits.hi[mask], strict=True
    ):
        if j == 0:
            parts.append(f"M{v:.8g},{lo[1]:.8g}L{v:.8g},{hi[1]:.8g}")
        else:
            parts.append(f"M{lo[0]:.8g},{v:.8g}L{hi[0]:.8g},{v:.8g}")
    return "".join(parts)


def split_shapes(splits: Splits) -> list[dict]:
    """One path per level of split lines, thinner and lighter the deeper."""
    shapes = []
    for level in np.unique(splits.depth):
        mask = splits.depth == level
        shapes.append(
            dict(
                type="path",
                xref="x",
                yref="y",
                layer="below",
                path=_segments_path(splits, mask),
                line=dict(color=SPLIT_LINE, width=max(0.6, 2.2 - 0.25 * level)),
                name=f"splits depth {int(level)}",
            )
        )
    return shapes


def split_labels(splits: Splits, x_range, y_range, query, scale: float = 1.0) -> list[dict]:
    """Return annotations naming the axis and value of the splits of the top levels.

    Every split is labelled while there are at most :data:`MAX_SPLIT_LABELS`; otherwise only
    the levels that fit. A label sits at the end of its line that is in view; a label that
    would be out of view, or would cover the query, is left out (the step's text names the
    splits the query passes).
    """
    (x0, x1), (y0, y1) = x_range, y_range
    near = 0.06 * max(x1 - x0, y1 - y0)
    order = np.argsort(splits.depth, kind="stable")[:MAX_SPLIT_LABELS]
    if len(splits.depth) > MAX_SPLIT_LABELS:
        last = splits.depth[order[-1]]
        order = order[splits.depth[order] < last] if np.any(splits.depth[order] < last) else order
    notes = []
    for i in order:
        j, v, lo = int(splits.dim[i]), float(splits.value[i]), splits.lo[i]
        # At the line's bottom (a vertical split) or left end (a horizontal one): away from
        # the middle of the box, where the query and its neighbours tend to be.
        place = (
            dict(x=v, y=max(lo[1], y_range[0]), yanchor="bottom", textangle=-90)
            if j == 0
            else dict(x=max(lo[0], x_range[0]), y=v, xanchor="left")
        )
        x, y = place["x"], place["y"]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        if abs(x - query[0]) < near and abs(y - query[1]) < near:
            continue
        notes.append(
            dict(
                place,
                xref="x",
                yref="y",
                text=f"{AXIS_NAMES[j]} = {v:.2f}",
                showarrow=False,
                font=dict(size=round(max(9, 12 - int(splits.depth[i])) * scale), color="#333"),
                bgcolor="rgba(255,255,255,0.8)",
                borderpad=1,
            )
        )
    return notes


def _crosses(points, arm: float) -> str:
    return "".join(
        f"M{x - arm:.8g},{y - arm:.8g}L{x + arm:.8g},{y + arm:.8g}"
        f"M{x - arm:.8g},{y + arm:.8g}L{x + arm:.8g},{y - arm:.8g}"
        for x, y in points
    )


def step_shapes(X, search: TreeSearch, index: int, *, metric: str, x_range, y_range, scale=1.0):
    """Return the shapes of step ``index``: leaves, pruned boxes, measured points, best k.

    Also the counter of distances measured so far, just above the plot area.
    """
    steps = search.steps[: index + 1]
    step = search.steps[index]
    (x0, x1), (y0, y1) = x_range, y_range
    arm = 0.006 * max(x1 - x0, y1 - y0) * scale  # half the size of a measured point's cross
    q = search.query
    shapes = []
    for s in steps:
        if s.kind == "measure":
            shapes.append(
                _rect(
                    s.lo,
                    s.hi,
                    layer="below",
                    line=dict(color=VISITED, width=1.5),
                    fillcolor="rgba(0,158,115,0.14)",
                    name="measured leaf",
                )
            )
        elif s.kind == "prune":
            shapes.append(
                _rect(
                    s.lo,
                    s.hi,
                    layer="below",
                    line=dict(color=PRUNED, width=1, dash="dot"),
                    fillcolor="rgba(107,107,107,0.16)",
                    name="pruned box",
                )
            )
    measured = [s.measured for s in steps if s.kind == "measure"]
    if measured:
        pts = X[np.concatenate(measured)]
        shapes.append(
            dict(
                type="path",
                xref="x",
                yref="y",
                layer="above",
                path=_crosses(pts, arm),
                line=dict(color=MEASURED, width=1.2),
                name="measured points",
            )
        )
    if np.isfinite(step.bound) and step.bound > 0:
        ox, oy = ball_outline(q, step.bound, metric, p=search.p)
        shapes.append(
            dict(
                type="path",
                xref="x",
                yref="y",
                path=_path(ox, oy, close=True),
                line=dict(color=SPOKE, width=1.5, dash="dash"),
                name="k-th best so far",
            )
        )
    # A descent ends in the leaf that holds the query: that box (the next step's) is the one
    # this step is about.
    box = search.steps[index + 1] if step.kind == "descend" else step
    shapes.append(
        _rect(box.lo, box.hi, line=dict(color=CURRENT, width=3.5), name="this step's box")
    )
    if step.kind in ("visit", "prune"):
        spot = np.clip(q, step.lo, step.hi)
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="y",
                x0=float(q[0]),
                y0=float(q[1]),
                x1=float(spot[0]),
                y1=float(spot[1]),
                line=dict(color=CURRENT, width=2.5),
                name="distance to the box",
                label=dict(
                    text=f"{_fmt(step.box_distance)}",
                    font=dict(size=round(13 * scale), color="#8F6300"),
                ),
            )
        )
    ring = 10 * scale
    for rank, i in enumerate(step.best_indices[:MAX_RINGS], start=1):
        x, y = X[i]
        shapes.append(
            dict(
                type="circle",
                xref="x",
                yref="y",
                xsizemode="pixel",
                ysizemode="pixel",
                xanchor=float(x),
                yanchor=float(y),
                x0=-ring,
                x1=ring,
                y0=-ring,
                y1=ring,
                line=dict(color=NEIGHBOR_RING, width=2.5),
                name=f"best {rank}",
            )
        )
    shapes.append(
        dict(
            type="path",
            xref="x",
            yref="y",
            xsizemode="pixel",
            ysizemode="pixel",
            xanchor=float(q[0]),
            yanchor=float(q[1]),
            path=_star_path(13 * scale),
            fillcolor=MEASURED,
            line=dict(color="white", width=1.5),
            name="query",
        )
    )
    # The counter, just above the plot area (in its top margin, placed by the area's own
    # domain, so every screen shows it with the plot): inside the area it hid the points
    # under it. A shape, so a step still redraws the shapes alone.
    shapes.append(
        dict(
            type="rect",
            xref="x domain",
            yref="y domain",
            x0=0,
            x1=1,
            ysizemode="pixel",
            yanchor=1,
            y0=4,
            y1=4 + round(22 * scale),
            fillcolor="rgba(0,0,0,0)",
            line=dict(width=0),
            name="counter",
            label=dict(
                text=f"measured so far: {step.n_measured:,} of {search.n_samples:,}",
                textposition="middle left",
                font=dict(size=round(14 * scale), color="#1b1b1b"),
            ),
        )
    )
    return shapes


#: What the marks mean, said under the plot (a legend in the figure took up to five rows of a
#: phone's screen). Plain text, no user input.
KEY = (
    "**Key:** grey lines are the tree's splits, each box cut in two at the labelled value; "
    "the **orange** box is this step's; **green** boxes are leaves whose points were measured "
    "(**×**); **grey** boxes were pruned unmeasured; **rings** mark the best k so far (the "
    f"nearest {MAX_RINGS} of them when k is larger) and the "
    "dashed outline reaches the k-th; the **black star** is the query."
)


def search_figure(
    X,
    codes,
    names: Sequence[str],
    splits: Splits,
    search: TreeSearch,
    index: int,
    *,
    metric: str,
    x_range,
    y_range,
    height=560,
    scale=1.0,
) -> go.Figure:
    """Draw the data, the tree's split lines and step ``index`` of the search.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    codes : ndarray of shape (n_samples,)
        Class code of each point (an index into ``names``).
    names : sequence of str
    splits : Splits
        The split lines to draw (the top levels of the tree), each labelled on the top levels.
    search : TreeSearch
        The traced search.
    index : int
        The step to draw: boxes measured and pruned up to it, the measured points (crosses),
        the best k so far (rings) and the k-th best distance (dashed outline), the box of this
        step (orange) and, for a decision, the distance from the query to the box.
    metric : str
        The metric (the dashed outline has its shape).
    x_range, y_range : tuple of float
    height : int, default=560
    scale : float, default=1.0
        Multiplies fonts and markers (presenter mode).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    # Only the points in view: zoomed in, they are few, and drawn large.
    (x0, x1), (y0, y1) = x_range, y_range
    seen = (X[:, 0] >= x0) & (X[:, 0] <= x1) & (X[:, 1] >= y0) & (X[:, 1] <= y1)
    traces = class_traces(X[seen], np.asarray(codes)[seen], names, size=round(8 * scale))
    for t in traces:  # faded: the search's marks are the subject here (see KEY)
        t["marker"]["opacity"] = 0.45
    layout = base_layout(x_range, y_range, height=height, scale=scale)
    layout["showlegend"] = False
    # On a narrow screen equal scales shrink the plot area's height: keep it at the top, by
    # the step controls, and leave the spare room below.
    layout["yaxis"]["constraintoward"] = "top"
    layout["shapes"] = split_shapes(splits) + step_shapes(
        X, search, index, metric=metric, x_range=x_range, y_range=y_range, scale=scale
    )
    layout["annotations"] = split_labels(splits, x_range, y_range, search.query, scale)
    return _figure(traces, layout)


def _log_layout(x_title: str, height: int, scale: float, *, log_x=True) -> dict:
    return dict(
        height=height,
        margin=dict(l=60, r=10, t=30, b=50),
        font=dict(size=round(14 * scale)),
        xaxis=dict(title=dict(text=x_title), type="log" if log_x else "linear"),
        yaxis=dict(title=dict(text="distances measured per query"), type="log"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        plot_bgcolor="white",
        paper_bgcolor="white",
    )


def _lines(x, brute, tree_cost) -> list[dict]:
    return [
        dict(
            type="scatter",
            x=list(x),
            y=list(brute),
            mode="lines+markers",
            name="brute force: every point",
            line=dict(color=CLASS_TEXT_COLORS[0], dash="dash"),
            marker=dict(symbol="square"),
        ),
        dict(
            type="scatter",
            x=list(x),
            y=[float(v) for v in tree_cost],
            mode="lines+markers",
            name="KD-tree",
            line=dict(color=CLASS_TEXT_COLORS[1]),
            marker=dict(symbol="circle"),
        ),
    ]


def size_figure(sizes, tree_cost, *, height=360, scale=1.0) -> go.Figure:
    """Distances measured per query against the number of points (log-log)."""
    layout = _log_layout("number of training points", height, scale)
    return _figure(_lines(sizes, sizes, tree_cost), layout)


def features_figure(features, tree_cost, n_samples: int, *, height=360, scale=1.0) -> go.Figure:
    """Distances measured per query against the number of features, at a fixed size."""
    layout = _log_layout("number of features", height, scale, log_x=False)
    return _figure(_lines(features, [n_samples] * len(features), tree_cost), layout)


def recall_figure(work, recall, budget: int, *, height=360, scale=1.0) -> go.Figure:
    """Recall (share of the true k neighbours found) against distances measured."""
    b = min(max(budget, 1), len(work)) - 1
    traces = [
        dict(
            type="scatter",
            x=[float(v) for v in work],
            y=[float(v) for v in recall],
            mode="lines+markers",
            name="stop after 1, 2, 3… leaves",
            line=dict(color=CLASS_TEXT_COLORS[1]),
        ),
        dict(
            type="scatter",
            x=[float(work[b])],
            y=[float(recall[b])],
            mode="markers",
            name=f"budget: {b + 1} leaf" + ("" if b == 0 else "s"),
            marker=dict(symbol="star", size=round(16 * scale), color=CURRENT, line=dict(width=1)),
        ),
    ]
    layout = _log_layout("distances measured per query", height, scale, log_x=False)
    layout["yaxis"] = dict(title=dict(text="recall: share of the true k found"), range=[0, 1.05])
    return _figure(traces, layout)
