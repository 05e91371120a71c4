"""The "Choosing k" page's Streamlit side: controls, cached calls and figure builders.

Every number drawn comes from :func:`knn_core.lessons.choosing_k.k_selection` (train, test and
cross-validated accuracy, tie rate) and :func:`knn_core.surface.neighbor_grid` (the decision
regions). Figure builders take arrays and return ``go.Figure`` objects; they call no Streamlit
function. Controls are drawn from the parameter table: the data keys are the Playground's
(``data``, ``n``, ``noise``, ``classes``, ``seed``) with defaults that make the lesson visible
(noisy moons), plus ``test_ratio``, ``split_seed`` and ``k``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from knn_core.datasets import make_dataset, train_test_split
from knn_core.evaluation import confusion_matrix
from knn_core.geometry import plot_bounds
from knn_core.lessons.choosing_k import k_selection, region_ks
from knn_core.models import KNNClassifier
from knn_core.surface import neighbor_grid
from knn_ui import figures, params, state
from knn_ui.params import MAX_POINTS
from knn_ui.style import FONT, NEIGHBOR_RING, class_text_color

__all__ = [
    "K_MAX",
    "TIE_K_MAX",
    "accuracy_figure",
    "confusion",
    "controls",
    "k_control",
    "region_figure",
    "regions",
    "selection",
    "split",
    "split_key",
    "tie_figure",
]

#: The accuracy curves run over k = 1 .. K_MAX (capped at the training size).
K_MAX = 50
#: The tie-rate chart covers k = 1 .. TIE_K_MAX.
TIE_K_MAX = 20
#: Cells per side of each small decision-region map.
REGION_RESOLUTION = 90
#: Folds of the cross-validation on the training part.
N_FOLDS = 5
TRAIN_COLOR = "#E69F00"
TEST_COLOR = "#0072B2"
CV_COLOR = "#009E73"
BEST_COLOR = "#009E73"
DEFAULT_K = 5


#: Choosing k shows the lesson best on noisy moons, unless the student chose other data.
PAGE = params.Page(
    "choosing_k",
    defaults={"data": "moons", "n": 200, "noise": 0.7, "k": DEFAULT_K},
    bounds={"n": (20, MAX_POINTS), "k": (1, K_MAX)},
)  # fmt: skip


def controls() -> params.Values:
    """Draw the sidebar's data and split controls; return them as one read-only object.

    The data controls are the shared ones (:func:`knn_ui.state.data_controls`), with this
    page's defaults; k comes from :func:`k_control`, drawn once the training size is known.
    """
    state.data_controls(PAGE)
    sb = st.sidebar
    sb.header("Train/test split")
    params.draw("test_ratio", sb, PAGE)
    state.seed_control(sb, PAGE, "split_seed", label="New split", help="Split seed + 1.")
    return params.frozen(PAGE, "classes")


def split_key(values: params.Values) -> tuple:
    """Return the data key plus the split: the cache key of everything on the page but k."""
    return (*values.data_key, values.test_ratio, values.split_seed)


def k_control(n_train: int) -> int:
    """Draw "Your k" in the sidebar (key ``k``), from 1 to min(50, n_train); return it."""
    st.sidebar.header("Model")
    return state.k_control(
        n_train,
        PAGE,
        what="points in the training part",
        label="Your k",
        help="Marked on the chart, to compare with the chosen k.",
    )


# --------------------------------------------------------------------------------------------
# Cached calls
# --------------------------------------------------------------------------------------------
@st.cache_resource(max_entries=32, show_spinner=False)
def split(dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed):
    """Return ``(X_train, X_test, y_train, y_test, bounds)``; bounds cover all the points."""
    X, y = make_dataset(dataset, n_samples, noise, seed, n_classes=n_classes)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_ratio, seed=split_seed)
    return X_train, X_test, y_train, y_test, plot_bounds(X)


@st.cache_resource(max_entries=32, show_spinner=False)
def selection(dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed):
    """Return the :class:`knn_core.lessons.choosing_k.KSelection` of this split (k = 1 .. 50)."""
    X_train, X_test, y_train, y_test, _ = split(
        dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed
    )
    return k_selection(
        X_train, y_train, X_test, y_test, k_max=K_MAX, n_folds=N_FOLDS, cv_seed=split_seed
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def confusion(dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed, k):
    """Return the test part's :class:`knn_core.evaluation.ConfusionMatrix` at ``k``."""
    X_train, X_test, y_train, y_test, _ = split(
        dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed
    )
    model = KNNClassifier(k).fit(X_train, y_train)
    return confusion_matrix(y_test, model.predict(X_test), classes=model.classes_)


@st.cache_resource(max_entries=16, show_spinner=False)
def regions(dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed):
    """Return ``(ks, maps, classes, codes)`` of a model fitted on the training part.

    ``maps`` holds one :class:`knn_ui.figures.Regions` per k of ``ks``; ``codes`` are the
    training points' class codes.
    """
    X_train, _, y_train, _, bounds = split(
        dataset, n_samples, noise, seed, n_classes, test_ratio, split_seed
    )
    ks = region_ks(len(X_train))
    model = KNNClassifier(max(ks)).fit(X_train, y_train)
    grid = neighbor_grid(model, bounds[0], bounds[1], REGION_RESOLUTION, k_max=max(ks))
    maps = []
    for k in ks:
        maps.append(figures.Regions.of(grid, k))
    return ks, maps, model.classes_, model.y_codes_


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def _percent(values) -> list[float]:
    return [round(100.0 * float(v), 2) for v in values]


def accuracy_figure(sel, current_k: int, *, height=420) -> go.Figure:
    """Train, test (and cross-validated) accuracy against k, with the best and current k marked.

    Parameters
    ----------
    sel : KSelection
        From :func:`knn_core.lessons.choosing_k.k_selection`.
    current_k : int
        The user's k, marked with a grey line.
    height : int, default=420
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    k = [int(v) for v in sel.k]
    traces = [
        dict(
            type="scatter",
            x=k,
            y=_percent(sel.train_accuracy),
            mode="lines+markers",
            # The k = 1 lesson in the legend, not as an arrow across the curves.
            name=f"training data (seen): {100 * sel.train_accuracy[0]:.0f}% at k = 1, memorised",
            line=dict(color=TRAIN_COLOR, width=2, dash="dash"),
            marker=dict(size=5, symbol="square"),
            hovertemplate="k = %{x}: %{y:.1f}% on the training data<extra></extra>",
        ),
        dict(
            type="scatter",
            x=k,
            y=_percent(sel.test_accuracy),
            mode="lines+markers",
            name="test data (unseen)",
            line=dict(color=TEST_COLOR, width=3),
            marker=dict(size=6),
            hovertemplate="k = %{x}: %{y:.1f}% on the test data<extra></extra>",
        ),
    ]
    cv = [None if np.isnan(v) else round(100.0 * float(v), 2) for v in sel.cv_accuracy]
    if any(v is not None for v in cv):
        traces.append(
            dict(
                type="scatter",
                x=k,
                y=cv,
                mode="lines",
                name=f"{N_FOLDS}-fold cross-validation (training part)",
                line=dict(color=CV_COLOR, width=2, dash="dot"),
                hovertemplate="k = %{x}: %{y:.1f}% cross-validated<extra></extra>",
            )
        )
    chosen = int(sel.chosen_k)
    chosen_acc = 100.0 * float(sel.test_accuracy[chosen - 1])
    lows = [sel.train_accuracy.min(), sel.test_accuracy.min()]
    y_low = max(0.0, np.floor(100.0 * min(lows) / 10.0) * 10.0 - 5.0)
    # The two k lines stop at 100%; their labels sit above, in two rows of headroom, where
    # no line or curve can cross them.
    y_top = 100.0 + 0.25 * (100.0 - y_low)
    line_end = dict(y0=y_low, y1=100.0)
    label = dict(y=100.0, yanchor="bottom", showarrow=False)
    shapes = [
        dict(
            type="line", x0=chosen, x1=chosen, **line_end,
            line=dict(color=BEST_COLOR, width=2), name="chosen k",
        ),
    ]  # fmt: skip
    annotations = [
        dict(
            label, x=chosen, text=f"chosen k = {chosen}", xanchor="center",
            font=dict(color=class_text_color(2), size=13), name="chosen k",
        ),
    ]  # fmt: skip
    if current_k != chosen:
        shapes.append(
            dict(
                type="line", x0=current_k, x1=current_k, **line_end,
                line=dict(color=NEIGHBOR_RING, width=1.5, dash="dash"), name="your k",
            )
        )  # fmt: skip
        annotations.append(
            dict(
                label, x=current_k, text=f"your k = {current_k}", xanchor="center", yshift=20,
                font=dict(color=NEIGHBOR_RING, size=12), name="your k",
            )
        )  # fmt: skip
    traces.append(
        dict(
            type="scatter",
            x=[chosen],
            y=[chosen_acc],
            mode="markers",
            marker=dict(
                size=14, color=BEST_COLOR, symbol="star", line=dict(width=1, color="black")
            ),
            name=f"test accuracy at the chosen k ({chosen_acc:.0f}%)",
            hoverinfo="skip",
        )
    )
    layout = dict(
        height=height,
        margin=dict(l=60, r=15, t=40, b=55),
        font=dict(family=FONT, size=14),
        xaxis=dict(
            title=dict(text="k (number of neighbours)"), range=[0, max(k) + 1], fixedrange=True
        ),
        yaxis=dict(
            title=dict(text="accuracy (%)"),
            range=[y_low, y_top],
            fixedrange=True,
            tickvals=list(range(int(y_low), 101, 5 if 100 - y_low <= 40 else 10)),
        ),  # fmt: skip
        plot_bgcolor="white",
        paper_bgcolor="white",
        shapes=shapes,
        annotations=annotations,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, font=dict(size=12)),
        hovermode="x unified",
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


def region_figure(X_train, codes, names: Sequence[str], regions_, *, title: str, x_range, y_range):
    """One small decision-region map: the shaded regions and the training points.

    Parameters
    ----------
    X_train : ndarray of shape (n_train, 2)
        Training points.
    codes : ndarray of shape (n_train,)
        Their class codes.
    names : sequence of str
        Display name of each class.
    regions_ : figures.Regions
        The decision regions at one k.
    title : str
        Shown above the map (plain text).
    x_range, y_range : tuple of float
        Fixed axis ranges.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = figures.playground_figure(
        X_train, codes, names, x_range=x_range, y_range=y_range, regions=regions_, height=300,
        scale=0.6,
    )  # fmt: skip
    fig.update_layout(
        showlegend=False,
        title=dict(text=figures.plain(title), x=0.5, xanchor="center", font=dict(size=14)),
        margin=dict(l=30, r=5, t=35, b=30),
        xaxis=dict(title=None),
        yaxis=dict(title=None),
    )
    return fig


def tie_figure(k, tie_rate, *, n_test: int, height=260) -> go.Figure:
    """Bar chart of the share of test points whose vote tied, for each k; odd k in one colour.

    Parameters
    ----------
    k : array-like of int
        The k values.
    tie_rate : array-like of float
        Fraction of tied votes at each k.
    n_test : int
        Number of test points (for the hover text).
    height : int, default=260
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    k = [int(v) for v in k]
    rate = _percent(tie_rate)
    counts = [round(float(r) * n_test) for r in tie_rate]
    bar = dict(
        type="bar",
        x=k,
        y=rate,
        marker=dict(color=["#0072B2" if v % 2 else "#D55E00" for v in k]),
        text=[f"{r:.0f}%" if r > 0 else "0" for r in rate],
        textposition="outside",
        customdata=counts,
        hovertemplate="k = %{x}: %{customdata} of " + str(n_test) + " test points tied"
        "<extra></extra>",
    )
    top = max(rate) if rate else 0.0
    layout = dict(
        height=height,
        margin=dict(l=50, r=10, t=20, b=45),
        font=dict(family=FONT, size=13),
        xaxis=dict(title=dict(text="k (blue: odd, orange: even)"), dtick=1, fixedrange=True),
        yaxis=dict(
            title=dict(text="tied votes (%)"), range=[0, max(top * 1.3, 5.0)], fixedrange=True
        ),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        bargap=0.25,
    )
    return go.Figure(data=[bar], layout=layout, _validate=False)
