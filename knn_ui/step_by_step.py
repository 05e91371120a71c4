"""The Step-by-step page's Streamlit side: controls, cached calls, views and figure builders.

Everything shown for one query comes from ONE :class:`knn_core.lessons.trace.QueryTrace`; the stages
come from :func:`knn_core.lessons.step_by_step.algorithm_stages`. Figure builders (``step_figure``,
``held_out_figure``) take arrays and return ``go.Figure`` objects without calling Streamlit;
the text builders (``code_text``, ``variables_text``, ``stage_explanation``) return plain
strings. Its controls (``k``, ``step``, ``tutorial``, ``tp``) are drawn from the parameter
table (:mod:`knn_ui.params`), which keeps them in the URL.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.datasets import train_test_split
from knn_core.geometry import ball_outline
from knn_core.lessons.step_by_step import held_out_walk
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier
from knn_ui import cache, figures, links, params, state, views
from knn_ui.figures import base_layout, plain
from knn_ui.params import MAX_POINTS, TUTORIAL_LABELS
from knn_ui.style import NEIGHBOR_RING, SPOKE, class_color
from knn_ui.style import display_names as style_names

__all__ = [
    "CLASS_LINES",
    "FUNCTION_LINES",
    "MODE_R_LINE",
    "TUTORIALS",
    "HELD_OUT_RATIO",
    "code_note",
    "code_text",
    "held_out",
    "held_out_split",
    "held_out_figure",
    "held_out_section",
    "held_out_trace",
    "k_control",
    "marked_code",
    "stage_explanation",
    "step_figure",
    "step_navigation",
    "step_table",
    "table_height",
    "tutorial_control",
    "variables_text",
]

#: Fraction of the toy data held out for "step through the toy data set".
HELD_OUT_RATIO = 0.2
#: Plot labels rank numbers on at most this many points in the "sort" stage.
MAX_RANK_LABELS = 20
DEFAULT_K = 3

#: Tutorial 1's knn() function, line by line, both modes.
FUNCTION_LINES = (
    'def knn(new, train, labels, k=3, mode="c"):',
    "    distances = np.sum((new - train) ** 2, axis=1)",
    "    k_closest = distances.argsort()[:k]",
    "    values = np.take(labels, k_closest)",
    '    if mode == "c":',
    "        return scipy.stats.mode(values)[0]",
    '    if mode == "r":',
    "        return np.mean(values)",
)
#: The line of FUNCTION_LINES that predicts a number (the Regression page marks it).
MODE_R_LINE = 7
#: Tutorial 2's KNN class, line by line.
CLASS_LINES = (
    "class KNN:",
    "    def __init__(self, num_neighbors=5):",
    "        self.num_neighbors = num_neighbors",
    "",
    "    def fit(self, X, y):",
    "        self.X, self.y = X, y  # memorise: KNN learns nothing else",
    "        return self",
    "",
    "    def get_distance(self, a, b):",
    "        return np.sqrt(np.sum((a - b) ** 2))",
    "",
    "    def get_neighbors(self, example):",
    "        distances = []",
    "        for i, x in enumerate(self.X):",
    "            distances.append((i, self.get_distance(example, x)))",
    "        distances.sort(key=lambda pair: pair[1])",
    "        return distances[: self.num_neighbors]",
    "",
    "    def predict(self, X):",
    "        predictions = []",
    "        for example in X:",
    "            neighbors = self.get_neighbors(example)",
    "            labels = [self.y[i] for i, _ in neighbors]",
    "            predictions.append(np.mean(labels))",
    "        return np.array(predictions)",
)
#: The tutorials Step by step can walk: key -> (label, code lines, {stage: (line, note)}).
TUTORIALS = {
    "function": (
        TUTORIAL_LABELS["function"],
        FUNCTION_LINES,
        {
            "distances": (
                1,
                "`np.sum((new - train) ** 2, axis=1)` measures every distance at once.",
            ),
            "sort": (2, "`distances.argsort()` lists the point numbers from nearest to farthest."),
            "keep": (2, "`[:k]` keeps the first k of that list."),
            "count": (3, "`np.take(labels, k_closest)` fetches the k labels that vote."),
            "tie": (5, "`scipy.stats.mode` counts them; on a tie it returns the smallest label."),
            "predict": (5, "`scipy.stats.mode(values)` returns the most common label."),
        },
    ),
    "class": (
        TUTORIAL_LABELS["class"],
        CLASS_LINES,
        {
            "distances": (
                14,
                "`self.get_distance(example, x)` (line 10: the square root of the summed "
                "squares) runs for every training point; each distance keeps its point's number.",
            ),
            "sort": (15, "`sort` orders the (number, distance) pairs by distance, nearest first."),
            "keep": (16, "`[: self.num_neighbors]` keeps the first k pairs."),
            "count": (
                22,
                "`[self.y[i] for i, _ in neighbors]` looks up the kept neighbours' labels.",
            ),
            "tie": (
                23,
                "`np.mean(labels)` is exactly 0.5 when the two labels are equally common: "
                "the mean itself cannot choose.",
            ),
            "predict": (
                23,
                "`np.mean(labels)` averages the labels: with labels 0 and 1 it is the share of "
                "1s, so above 0.5 means class 1 has the majority.",
            ),
        },
    ),
}
DEFAULT_TUTORIAL = params.TABLE["tutorial"].default


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------
#: Step by step: the tutorial's knn(), k = 5 unless the student chose another k elsewhere.
PAGE = params.Page("step_by_step", defaults={"k": DEFAULT_K}, bounds={"n": (10, MAX_POINTS)})


def k_control(n_samples: int) -> int:
    """Draw the k slider in the sidebar (key ``k``); lower k, and say so, when data shrinks."""
    st.sidebar.header("Model")
    k = state.k_control(
        n_samples,
        PAGE,
        help="How many of the closest training points vote. With two classes an odd k can "
        "never tie; try k = 2 or 4 to see a tie broken.",
    )
    st.sidebar.caption(
        "This page follows the tutorial's knn(): Euclidean distance, one vote per neighbour. "
        "The Playground lets you change both."
    )
    return k


def _wanted_step(stages: tuple[str, ...]) -> int | None:
    """Return the step showing the same stage after a tie step appeared or vanished, or None."""
    before = st.session_state.get("_sbs_stages")
    st.session_state["_sbs_stages"] = stages
    step = st.session_state.get("step")
    if not isinstance(step, int):
        return None
    if before is not None and tuple(before) != stages:
        name = before[min(max(step, 1), len(before)) - 1]
        if name not in stages:  # the tie step vanished: show the prediction
            name = "predict"
        return stages.index(name) + 1
    if step > len(stages):
        return len(stages)
    return None


def step_navigation(container, stages: tuple[str, ...]) -> int:
    """Draw Previous, the step slider (key ``step``) and Next; return the 0-based step.

    When the query moves and a tie step appears or vanishes, the walk stays on the same stage
    (at "predict", say): the step is set before the slider is drawn from the table.
    """
    step = views.step_slider(
        container,
        "step",
        PAGE,
        len(stages),
        what="walk",
        widths=[1.3, 5, 1.3],
        keys=("sbs_prev", "sbs_next"),
        wanted=_wanted_step(stages),
    )
    return step - 1


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------
def _names_of(codes, names: Sequence[str]) -> list[str]:
    return [names[int(c)] for c in codes]


def _count_sentence(trace, names: Sequence[str]) -> str:
    return ", ".join(f"{names[c]} {int(v)}" for c, v in enumerate(trace.tally))


def stage_explanation(trace, stage: str, names: Sequence[str]) -> str:
    """Return the Markdown sentence(s) explaining ``stage`` for this query (numbers included)."""
    n = len(trace.distances)
    k = trace.k
    qx, qy = (float(v) for v in trace.query)
    if stage == "distances":
        return (
            f"The query sits at ({qx:.2f}, {qy:.2f}). KNN measures how far it is from **every** "
            f"one of the {n} training points (the grey spokes); the table lists each distance "
            "in training order. Nothing was learned in advance: this is the work, every time."
        )
    if stage == "sort":
        return (
            "Sort the training points from nearest to farthest. The numbers on the plot are the "
            f"ranks (1 = nearest); the nearest point is #{int(trace.order[0])}, at distance "
            f"{trace.distances[trace.order[0]]:.3f}. Equal distances keep the lower point "
            "number first."
            + (f" (The plot numbers the {MAX_RANK_LABELS} nearest.)" if n > MAX_RANK_LABELS else "")
        )
    if stage == "keep":
        text = (
            f"Only the **k = {k}** nearest points get a vote (ringed). The dashed circle "
            f"passes through the {_ordinal(k)} nearest, at distance {trace.radius:.3f}; every "
            "point outside it is ignored."
        )
        if trace.distance_tie_explanation:
            text += " " + trace.distance_tie_explanation
        return text
    if stage == "count":
        kept = ", ".join(_names_of(trace.kept_codes, names))
        counts = _count_sentence(trace, names)
        text = f"The {k} kept points are {kept}. Count them per class: {counts}."
        if trace.tied:
            text += " The top is shared: the vote is **tied** (next step)."
        return text
    if stage == "tie":
        return f"**Tied vote.** {trace.tie_explanation}"
    winner = names[int(trace.winner_code)]
    votes = int(trace.tally[int(trace.winner_code)])
    if trace.tied:
        return (
            f"After the tie rule, the query is predicted **{winner}** ({votes} of {k} votes, "
            "the same as the other tied class)."
        )
    return f"**{winner}** has the most votes ({votes} of {k}), so the query is predicted {winner}."


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def tutorial_control(container) -> str:
    """Draw the choice of tutorial code to walk through (key ``tutorial``); return its key.

    A link holds the label: ``tutorial=KNN+class``.
    """
    return params.draw("tutorial", container, PAGE)


def marked_code(lines: Sequence[str], marked: int) -> str:
    """Return ``lines`` as one listing with an arrow in front of line ``marked`` (0-based)."""
    return "\n".join(
        f"{'→' if i == marked else ' '} {text}".rstrip() for i, text in enumerate(lines)
    )


def code_text(stage: str, tutorial: str = DEFAULT_TUTORIAL) -> str:
    """Return the tutorial's code with an arrow in front of the line that runs ``stage``."""
    _, lines, stage_lines = TUTORIALS[tutorial]
    return marked_code(lines, stage_lines[stage][0])


def code_note(stage: str, tutorial: str = DEFAULT_TUTORIAL) -> str:
    """Return a Markdown sentence on what the marked line does at ``stage``."""
    line, note = TUTORIALS[tutorial][2][stage]
    return f"→ line {line + 1}: {note}"


def _array(values, fmt: str, limit: int = 5) -> str:
    items = [format(v, fmt) for v in values]
    if len(items) > limit:
        items = [*items[: limit - 2], "...", items[-1]]
    return "array([" + ", ".join(items) + "])"


def _pairs(indices, distances, limit: int = 4) -> str:
    items = [f"({int(i)}, {float(distances[i]):.2f})" for i in indices]
    if len(items) > limit:
        items = [*items[: limit - 1], "...", items[-1]]
    return "[" + ", ".join(items) + "]"


def variables_text(trace, stage: str, names: Sequence[str], tutorial=DEFAULT_TUTORIAL) -> str:
    """Return the tutorial's variables as they stand after ``stage`` (Python-like lines)."""
    if tutorial == "class":
        return _class_variables(trace, stage, names)
    done = list(TUTORIALS[tutorial][2]).index(stage)
    n = len(trace.tutorial_distances)
    q = ", ".join(f"{v:.2f}" for v in trace.query)
    lines = [f"new = array([{q}])", f"k = {trace.k}", f"# {n} squared distances, training order:"]
    lines.append(f"distances = {_array(trace.tutorial_distances, '.2f')}")
    if done >= 1:
        lines.append("# point numbers, nearest first:")
        lines.append(f"distances.argsort() = {_array(trace.order, 'd')}")
    lines.append(f"k_closest = {_array(trace.k_closest, 'd', 8)}" if done >= 2 else "k_closest = ?")
    if done >= 3:
        lines.append(f"values = {_array(trace.values, '', 8)}")
        counts = ", ".join(
            f"{trace.classes[c]} ({names[c]}) × {int(v)}" for c, v in enumerate(trace.tally)
        )
        lines.append(f"# counted: {counts}")
    else:
        lines.append("values = ?")
    if stage == "tie":
        tied = ", ".join(str(v) for v in trace.tied_classes.tolist())
        lines.append(f"# tie between {tied}: the smallest label wins")
    if stage == "predict":
        lines.append(f"result = {trace.prediction}   # {names[int(trace.winner_code)]}")
    else:
        lines.append("result = ?")
    return "\n".join(lines)


def _class_variables(trace, stage: str, names: Sequence[str]) -> str:
    # The class version works on class codes 0, 1, ... as labels (the tutorial's 0/1 labels).
    done = list(TUTORIALS["class"][2]).index(stage)
    n = len(trace.distances)
    q = ", ".join(f"{v:.2f}" for v in trace.query)
    lines = [f"example = array([{q}])", f"self.num_neighbors = {trace.k}"]
    if done == 0:
        lines.append(f"# {n} (point number, distance) pairs, training order:")
        lines.append(f"distances = {_pairs(range(n), trace.distances)}")
    else:
        lines.append(f"# {n} pairs, sorted by distance:")
        lines.append(f"distances = {_pairs(trace.order, trace.distances)}")
    if done >= 2:
        lines.append(f"neighbors = {_pairs(trace.kept, trace.distances, 8)}")
    else:
        lines.append("neighbors = ?")
    if done >= 3:
        codes = [int(c) for c in trace.kept_codes]
        lines.append(f"labels = {codes}   # " + ", ".join(names[c] for c in codes))
    else:
        lines.append("labels = ?")
    if stage in ("tie", "predict"):
        mean = float(np.mean(trace.kept_codes))
        lines.append(f"np.mean(labels) = {mean:.3f}")
        if len(names) == 2:
            verdict = (
                "exactly 0.5: a tie"
                if np.isclose(mean, 0.5)
                else f"{'above' if mean > 0.5 else 'below'} 0.5: the majority is "
                f"{names[1 if mean > 0.5 else 0]}"
            )
            lines.append(f"# {verdict}")
        else:
            lines.append(
                f"# with {len(names)} classes a mean of labels is no class: the vote counts them"
            )
    else:
        lines.append("np.mean(labels) = ?")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------------------------
#: Rows the step table shows before it scrolls.
TABLE_ROWS = 8


def table_height(n_rows: int) -> int:
    """Return the step table's height in pixels: its rows and no empty ones, at most 8 rows.

    Streamlit's data grid draws 35-pixel rows under a 35-pixel header (plus a 2-pixel border);
    a fixed height taller than the rows leaves empty rows below them.

    Examples
    --------
    >>> table_height(3), table_height(50)
    (142, 317)
    """
    return 35 * (min(n_rows, TABLE_ROWS) + 1) + 2


def step_table(trace, X, codes, names: Sequence[str], stage: str) -> tuple[dict, dict, str]:
    """Return ``(columns, column_config, caption)`` of the table shown at ``stage``.

    distances: every point in training order; sort: every point by rank; keep: every point by
    rank with a "kept" column; count and later: the k kept points only. ``codes`` are the
    training points' class codes (``model.y_codes_``).
    """
    if stage == "distances":
        rows = range(len(trace.distances))
        caption = "Every training point, in training order (the order of the data)."
    elif stage in ("sort", "keep"):
        rows = trace.order
        caption = "Every training point, sorted by distance: rank 1 is the nearest."
    else:
        rows = trace.kept
        caption = f"The {trace.k} kept points: they are the voters."
    columns: dict[str, list] = {}
    if stage != "distances":
        columns["rank"] = [int(trace.ranks[i]) + 1 for i in rows]
    columns["point #"] = [int(i) for i in rows]
    columns["x₁"] = [float(X[i, 0]) for i in rows]
    columns["x₂"] = [float(X[i, 1]) for i in rows]
    columns["class"] = [names[int(codes[i])] for i in rows]
    columns["distance"] = [float(trace.distances[i]) for i in rows]
    columns["squared (tutorial)"] = [float(trace.tutorial_distances[i]) for i in rows]
    if stage == "keep":
        columns["kept"] = [bool(trace.ranks[i] < trace.k) for i in rows]
        caption += f" The first {trace.k} rows are kept."
    config = {
        "x₁": st.column_config.NumberColumn(format="%.2f"),
        "x₂": st.column_config.NumberColumn(format="%.2f"),
        "distance": st.column_config.NumberColumn(format="%.3f"),
        "squared (tutorial)": st.column_config.NumberColumn(
            format="%.3f", help="What the tutorial's code compares: the distance squared."
        ),
    }
    return columns, config, caption


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def _spokes(query, targets, *, color, width, name) -> dict:
    qx, qy = query
    n = len(targets)
    sx = np.column_stack([np.full(n, qx), targets[:, 0], np.full(n, np.nan)]).ravel()
    sy = np.column_stack([np.full(n, qy), targets[:, 1], np.full(n, np.nan)]).ravel()
    return dict(
        type="scatter",
        x=sx,
        y=sy,
        mode="lines",
        line=dict(color=color, width=width),
        name=name,
        hoverinfo="skip",
        showlegend=False,
    )


def _ranks(points, ranks, *, size, offset=10) -> dict:
    # Invisible markers of width ``offset`` push the labels clear of the points and rings.
    return dict(
        type="scatter",
        x=points[:, 0],
        y=points[:, 1],
        mode="markers+text",
        marker=dict(size=offset, color="rgba(0,0,0,0)"),
        text=[str(int(r)) for r in ranks],
        textposition="top right",
        textfont=dict(size=size, color=NEIGHBOR_RING),
        hoverinfo="skip",
        showlegend=False,
        name="rank",
    )


def _star(query, color, name, *, size=18) -> dict:
    return dict(
        type="scatter",
        x=[query[0]],
        y=[query[1]],
        mode="markers",
        marker=dict(symbol="star", size=size, color=color, line=dict(color="black", width=1.5)),
        name=name,
        hoverinfo="skip",
    )


def step_figure(
    X,
    codes,
    names: Sequence[str],
    trace,
    stage: str,
    *,
    outline,
    x_range,
    y_range,
    height=520,
) -> go.Figure:
    """Draw one stage of classifying ``trace.query``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Training points.
    codes : ndarray of shape (n_samples,)
        Class code of each point.
    names : sequence of str
        Display name of each class.
    trace : QueryTrace
        The query's trace; every number drawn comes from it.
    stage : str
        One of ``knn_core.lessons.step_by_step.STAGE_TITLES``: distances (spokes to every point),
        sort (rank numbers), keep (rings on the k nearest, the circle through the k-th, the rest
        faded), count and tie (the same), predict (the star takes the predicted colour).
    outline : tuple of ndarray
        The circle through the k-th neighbour (``knn_core.geometry.ball_outline``).
    x_range, y_range : tuple of float
        Fixed axis ranges.
    height : int, default=520
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    X = np.asarray(X, dtype=float)
    codes = np.asarray(codes)
    query = (float(trace.query[0]), float(trace.query[1]))
    kept = np.asarray(trace.kept)
    early = stage in ("distances", "sort")
    traces: list[dict] = []
    if early:
        traces.append(_spokes(query, X, color="rgba(77,77,77,0.35)", width=1, name="distances"))
        opacity = None
    else:
        ox, oy = outline
        traces.append(
            dict(
                type="scatter",
                x=ox,
                y=oy,
                mode="lines",
                line=dict(color=SPOKE, width=1.5, dash="dash"),
                fill="toself",
                fillcolor="rgba(80,80,80,0.06)",
                name=f"reach of the {_ordinal(trace.k)} nearest",
                hoverinfo="skip",
            )
        )
        traces.append(_spokes(query, X[kept], color=SPOKE, width=2, name="kept distances"))
        opacity = np.full(len(X), 0.25)
        opacity[kept] = 1.0
    # The star goes under the points, so the nearest point and its rank stay visible.
    if stage == "predict":
        winner = int(trace.winner_code)
        traces.append(_star(query, class_color(winner, names), f"query → {plain(names[winner])}"))
    else:
        traces.append(_star(query, "white", "query (class not known yet)"))
    traces.extend(figures.class_traces(X, codes, names, opacity=opacity))
    if stage == "sort":
        first = np.asarray(trace.order[:MAX_RANK_LABELS])
        traces.append(_ranks(X[first], trace.ranks[first] + 1, size=12))
    elif not early:
        traces.append(figures.neighbour_rings(X[kept], name=f"{trace.k} nearest"))
        traces.append(_ranks(X[kept], trace.ranks[kept] + 1, size=13, offset=22))
    layout = base_layout(x_range, y_range, height=height)
    layout["legend"]["font"] = dict(size=12)
    layout["margin"] = dict(l=40, r=5, t=60, b=40)
    return go.Figure(data=traces, layout=layout, _validate=False)


def held_out_figure(
    X_train,
    train_codes,
    names: Sequence[str],
    trace,
    *,
    outline,
    done_points,
    done_correct,
    x_range,
    y_range,
    height=480,
) -> go.Figure:
    """Draw one held-out point being classified, and the held-out points already done.

    Parameters
    ----------
    X_train : ndarray of shape (n_train, 2)
        Training points (the ones that vote).
    train_codes : ndarray of shape (n_train,)
        Their class codes.
    names : sequence of str
        Display name of each class.
    trace : QueryTrace
        Trace of the current held-out point.
    outline : tuple of ndarray
        The circle through its k-th neighbour.
    done_points : ndarray of shape (m, 2)
        Held-out points classified before this one.
    done_correct : ndarray of bool, shape (m,)
        Whether each of them was predicted right.
    x_range, y_range : tuple of float
        Fixed axis ranges.
    height : int, default=480
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    winner = int(trace.winner_code)
    fig = figures.playground_figure(
        X_train,
        train_codes,
        names,
        x_range=x_range,
        y_range=y_range,
        neighbourhood=figures.Neighbourhood(
            query=(float(trace.query[0]), float(trace.query[1])),
            prediction_code=winner,
            prediction_name=names[winner],
            neighbor_index=trace.kept,
            outline=outline,
            metric_label="Euclidean: circle",
        ),
        height=height,
    )
    done_points = np.asarray(done_points, dtype=float).reshape(-1, 2)
    done_correct = np.asarray(done_correct, dtype=bool)
    for mask, symbol, color, name in (
        (done_correct, "circle-open-dot", "#555555", "held out, done: right"),
        (~done_correct, "x-thin-open", "black", "held out, done: wrong"),
    ):
        fig.add_trace(
            go.Scatter(
                x=done_points[mask, 0],
                y=done_points[mask, 1],
                mode="markers",
                marker=dict(symbol=symbol, size=11, color=color, line=dict(width=2, color=color)),
                name=name,
                hoverinfo="skip",
            )
        )
    return fig


# --------------------------------------------------------------------------------------------
# Cached calls
# --------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=32, show_spinner=False)
def held_out_split(data_key: tuple):
    """Return ``(X_train, X_test, y_train, y_test)``: the toy data with some points held out.

    The split's seed is the data set's seed, so a link reproduces it.
    """
    X, y, _ = cache.dataset(*data_key)
    return train_test_split(X, y, test_size=HELD_OUT_RATIO, seed=int(data_key[3]))


@st.cache_resource(max_entries=32, show_spinner=False)
def held_out(data_key: tuple, k: int):
    """Fit on the training part (``k`` at most its size); return the split, model and walk.

    Returns ``(X_train, X_test, y_train, y_test, model, walk)``.
    """
    X_train, X_test, y_train, y_test = held_out_split(data_key)
    model = KNNClassifier(k).fit(X_train, y_train)
    return X_train, X_test, y_train, y_test, model, held_out_walk(model, X_test, y_test)


def held_out_trace(data_key: tuple, k: int, index: int, names: Sequence[str]):
    """Return the trace of held-out point ``index`` and the circle through its k-th neighbour."""
    _, X_test, _, _, model, _ = held_out(data_key, k)
    trace = trace_query(model, X_test[index], class_names=list(names))
    return trace, ball_outline(trace.query, trace.radius, "euclidean")


# --------------------------------------------------------------------------------------------
# The held-out walk
# --------------------------------------------------------------------------------------------
@st.fragment
def held_out_section(data_key: tuple, k: int, bounds) -> None:
    """Show "step through the toy data set": held-out points classified one at a time.

    A fragment: Next point reruns only this section. The point number (key ``tp``) is drawn
    from the parameter table; the fragment writes it to the URL itself
    (:func:`knn_ui.links.follow_fragment`), since its reruns skip the page's own URL update.
    """
    n_train = len(held_out_split(data_key)[0])
    st.header("Step through the toy data set")
    k = params.fit(
        "k", k, high=n_train, reason=f"{n_train} points vote in this walk", container=st
    )  # with the same note as anywhere else; the slider above keeps its k
    X_train, X_test, y_train, y_test, model, walk = held_out(data_key, k)
    names = style_names(model.classes_)
    n_test = len(X_test)
    st.markdown(
        f"Hide {HELD_OUT_RATIO:.0%} of the points ({n_test} of them), let the other "
        f"{len(X_train)} vote with k = {model.n_neighbors}, and classify the hidden points one "
        "at a time. Each hidden point's true class is known, so every prediction is right or "
        "wrong, and the running accuracy builds up point by point."
    )
    if n_test < 2:
        st.info("There are too few points to hold some out; add points in the sidebar.")
        return
    params.last_step("tp", n_test)
    nav, button_col, restart_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    point = params.draw("tp", nav, PAGE, high=n_test, reason=f"{n_test} points are held out")
    links.follow_fragment()
    i = point - 1
    button_col.button(
        "Next point",
        key="sbs_next_point",
        on_click=params.bump,
        args=("tp",),
        disabled=point >= n_test,
        type="primary",
        width="stretch",
    )
    restart_col.button(
        "Restart", key="sbs_restart", on_click=params.forget, args=("tp",), width="stretch"
    )

    trace, outline = held_out_trace(data_key, k, i, names)
    true_code = model.classes_.tolist().index(y_test[i])
    right = bool(walk.correct[i])
    fig = held_out_figure(
        X_train,
        model.y_codes_,
        names,
        trace,
        outline=outline,
        done_points=X_test[:i],
        done_correct=walk.correct[:i],
        x_range=bounds[0],
        y_range=bounds[1],
    )
    plot_col, text_col = st.columns([3, 2], gap="medium")
    plot_col.plotly_chart(fig, config={"displayModeBar": False}, key="sbs_held_out", theme=None)
    with text_col:
        st.subheader(f"Held-out point {point} of {n_test}")
        kept = ", ".join(_names_of(trace.kept_codes, names))
        st.markdown(
            f"Its {trace.k} nearest training points are {kept}: {_count_sentence(trace, names)}."
        )
        if trace.tied:
            st.markdown(f"Tied vote. {trace.tie_explanation}")
        predicted = names[int(trace.winner_code)]
        truth = names[true_code]
        if right:
            st.success(
                f"Predicted {predicted}, true class {truth}: right.", icon=":material/check_circle:"
            )
        else:
            st.error(f"Predicted {predicted}, true class {truth}: wrong.", icon=":material/cancel:")
        n_right = int(walk.n_correct[i])
        st.metric(
            "Running accuracy",
            f"{walk.running_accuracy[i]:.0%}",
            help="Right predictions so far divided by points classified so far.",
        )
        st.caption(f"{n_right} of {point} held-out points right so far.")
        if point >= n_test:
            st.success(
                f"Done: all {n_test} held-out points classified. Final accuracy "
                f"{walk.accuracy:.0%} ({n_right} of {n_test} right). Press Restart to go "
                "again, or change k in the sidebar and compare.",
                icon=":material/flag:",
            )
