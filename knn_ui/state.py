"""Page state: the shared controls, drawn from the parameter table (:mod:`knn_ui.params`).

Every control is drawn by :func:`knn_ui.params.draw` from its row of the table, so the
address bar always holds the view, a copied link reproduces it, and a value set on one page is
the value on the next. Widget keys double as query-parameter names, so they are short and
stable: they are part of every link a teacher has ever shared.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from knn_core.datasets import DATASETS
from knn_core.geometry import QUERY_REACH, query_limits
from knn_core.metrics import METRICS
from knn_ui import links, params
from knn_ui.params import (
    DATASET_LABELS,
    LARGE_MAX_POINTS,
    MAX_K,
    MAX_POINTS,
    POINT_OPTIONS,
    WEIGHT_LABELS,
)

__all__ = [
    "DATASET_LABELS",
    "MAX_K",
    "MAX_POINTS",
    "METRIC_LABELS",
    "POINT_OPTIONS",
    "WEIGHT_LABELS",
]

#: The metric labels (also what a link holds), from the registry.
METRIC_LABELS = {m.name: m.label for m in METRICS.values()}

#: The Playground: up to 100,000 points.
PLAYGROUND = params.Page("playground", bounds={"n": (10, LARGE_MAX_POINTS)})
#: Every other page that shows the generated data: up to 1,000 points.
DATA_PAGE = params.Page("data", bounds={"n": (10, MAX_POINTS)})


def metric_caption(metric: str) -> str:
    """Return e.g. ``"Euclidean: circle"``: the metric and the shape of its neighbourhood."""
    return METRICS[metric].caption


def _forget_query() -> None:
    # A new data set lives elsewhere on the plane: the page re-centres the query on it.
    params.forget("qx", "qy")


def data_controls(page: params.Page = DATA_PAGE) -> params.Values:
    """Draw the data set controls in the sidebar; return them as one read-only object.

    Its fields: ``data``, ``n``, ``noise``, ``classes`` and ``seed``, and ``data_key`` for
    :func:`knn_ui.cache.dataset`.
    """
    sb = st.sidebar
    sb.header("Data")
    dataset = params.draw("data", sb, page, on_change=_forget_query)
    sb.caption(f"{DATASETS[dataset].title}: {DATASETS[dataset].description}")
    large = page.bounds.get("n", (0, MAX_POINTS))[1] > MAX_POINTS
    params.draw(
        "n",
        sb,
        page,
        help="Up to 100,000 points. Past a few thousand, the points are drawn with WebGL and "
        "the plot takes a moment longer to update."
        if large
        else None,
    )
    params.draw("noise", sb, page)
    if DATASETS[dataset].supports_n_classes:
        params.draw("classes", sb, page)
    seed_control(sb, page)
    return params.frozen(page, "classes")


def seed_control(
    container,
    page: params.Page,
    key: str = "seed",
    *,
    label: str = "New sample",
    help: str = "Draw a new random sample (seed + 1).",
    button_key: str | None = None,
) -> int:
    """Draw a seed (``key``) and the button that adds one to it; return the seed."""
    seed = params.draw(key, container, page)
    container.button(label, key=button_key, on_click=params.bump, args=(key,), help=help)
    return int(seed)


def k_control(
    n_samples: int,
    page: params.Page = DATA_PAGE,
    *,
    key: str = "k",
    what: str = "points",
    **kw,
) -> int:
    """Draw a k slider (``key``) in the sidebar: at most ``n_samples`` and the page's largest k.

    The one place k is kept within the data, for the shared k and the pages' own (``d_k``,
    ``r_k``, ``e_k``): a k the page cannot use is lowered for this page, with the same note
    everywhere (:func:`knn_ui.params.fit`), and comes back on a page that can use it.
    """
    param = params.TABLE[key]
    page_top = page.bounds.get(key, (None, None))[1]
    top = min(v for v in (MAX_K, param.high, page_top, *param.options[-1:]) if v is not None)
    if n_samples <= top:
        reason = f"there are only {n_samples:,} {what}"
    else:
        reason = f"{top:,} is the largest k on this page"
    return int(params.draw(key, st.sidebar, page, high=n_samples, reason=reason, **kw))


def model_controls(n_samples: int, page: params.Page = DATA_PAGE) -> params.Values:
    """Draw k, metric and weights in the sidebar; return everything the page drew so far.

    ``k`` is kept within ``1..n_samples``: when the data shrinks below the chosen k, k is lowered
    and the user is told why, instead of an error. ``p`` is the page's default unless the
    metric is Minkowski.
    """
    st.sidebar.header("Model")
    k_control(n_samples, page)
    metric = params.draw("metric", st.sidebar, page)
    if metric == "minkowski":
        params.draw("p", st.sidebar, page)
    params.draw("weights", st.sidebar, page, horizontal=True)
    return params.frozen(page, "p")


def query_controls(container, bounds, page: params.Page = DATA_PAGE) -> tuple[float, float]:
    """Draw the two number inputs of the query point; return its coordinates.

    A click on the plot sets the same keys (see :func:`place_query`), so the inputs always show
    where the query is. A new query starts at the centre of ``bounds``. The query may lie up to
    :data:`knn_core.geometry.QUERY_REACH` plot widths beyond the plot
    (:func:`knn_core.geometry.query_limits`); farther out its distances could not be computed
    or seen, so a query from elsewhere is brought back, with the table's note, and a link value
    out there is ignored.
    """
    left, right = container.columns(2)
    limits = query_limits(bounds)
    out = []
    for key, (lo, hi), (low, high), column in zip(
        ("qx", "qy"), bounds, limits, (left, right), strict=True
    ):
        value = params.draw(
            key,
            column,
            page,
            low=low,
            high=high,
            reason=f"it lay more than {QUERY_REACH:g} plot widths from the data",
            default=round((lo + hi) / 2, 2),
            help=f"Type a value, or click on the plot. The plot shows {lo:.1f} to {hi:.1f}.",
        )
        out.append(float(value))
    return out[0], out[1]


def place_query(x: float, y: float) -> None:
    """Move the query to ``(x, y)``; call from a click callback, before the inputs are drawn.

    The spot is kept exactly as clicked (the inputs show it to two decimals): the plot's preview
    computed the neighbours of exactly this spot, and the click must say the same.
    """
    params.set_value("qx", float(x))
    params.set_value("qy", float(y))


def _step_k(delta: int, n_samples: int) -> None:
    k = int(st.session_state.get("k", params.get("k"))) + delta
    params.set_value("k", min(max(k, 1), n_samples, MAX_K))


def k_buttons(container, n_samples: int) -> None:
    """Two buttons that step k down and up, with keyboard shortcuts J and K."""
    left, right = container.columns(2)
    left.button(
        "k − 1",
        shortcut="J",
        on_click=_step_k,
        args=(-1, n_samples),
        width="stretch",
        help="Fewer neighbours (keyboard: J)",
    )
    right.button(
        "k + 1",
        shortcut="K",
        on_click=_step_k,
        args=(1, n_samples),
        width="stretch",
        help="More neighbours (keyboard: K)",
    )


PRESENTER_CSS = """
<style>
  .stApp { font-size: 1.3rem; }
  .stApp h1 { font-size: 3.2rem; }
  .stApp [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
  .stApp [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p { font-size: 3.2rem; }
  .stApp .knn-vote, .stApp .knn-nt, .stApp .knn-pred { zoom: 1.3; }
  .stApp .knn-pred-value { font-size: 2.5rem; }
  .stApp .knn-canvas-status { font-size: 1.5rem; min-height: 2rem; line-height: 2rem; }
  .stApp [data-testid="stMainBlockContainer"] { padding-top: 3.75rem; padding-bottom: 2rem; }
</style>
"""


_SIDEBAR_TUCKED = "_presenter_tucked"


def presenter_control(page: params.Page = PLAYGROUND) -> bool:
    """Draw the presenter-mode toggle; when on, enlarge text for the back of a classroom.

    Turning it on (or opening a link with it on) also tucks the sidebar away, once: the
    sidebar's » button brings it back, and it stays open after that.
    """
    on = bool(params.draw("present", st.sidebar, page))
    if on:
        # A fixed style sheet written here, never user text.
        st.html(PRESENTER_CSS)
        if not st.session_state.get(_SIDEBAR_TUCKED):
            st.set_page_config(initial_sidebar_state="collapsed")
            st.session_state[_SIDEBAR_TUCKED] = True
    elif st.session_state.pop(_SIDEBAR_TUCKED, None):
        st.set_page_config(initial_sidebar_state="expanded")
    return on


def regions_control(page: params.Page = DATA_PAGE) -> bool:
    """Draw the decision-regions toggle; return whether regions are shown."""
    st.sidebar.header("Display")
    return bool(params.draw("regions", st.sidebar, page))


def share_link() -> None:
    """Show the link to the current view, with a copy button (the address bar holds it too).

    It sits in a popover: its content is only drawn when opened, so the code block's syntax
    highlighter (1.5 MB of JavaScript) is not part of every page's first render.
    """
    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    with st.sidebar.popover("Share this view", icon=":material/link:"):
        st.caption("Anyone who opens this link sees this page exactly as it is now.")
        st.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
        st.caption(
            "To embed this view in a course page or a slide deck, paste this HTML (the view "
            "opens without the app's menus):"
        )
        st.code(
            links.embed_snippet(base, st.query_params.to_dict(), title="KNN Classroom"),
            language="html",
            wrap_lines=True,
        )


def playground_params() -> params.Values:
    """Draw every Playground sidebar control and return the view as one read-only object.

    Its fields are the table's keys (``data``, ``n``, ``k``, ``present``, ...). The query point
    is not included until the page knows where the data lies; see :func:`query_controls`.
    """
    model_controls(data_controls(PLAYGROUND).n, PLAYGROUND)
    regions_control(PLAYGROUND)
    presenter_control(PLAYGROUND)
    return params.frozen(PLAYGROUND, "classes", "p")
