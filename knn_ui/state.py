"""Page state: one frozen dataclass per page, read from widgets that are bound to the URL.

Every control is a Streamlit widget created with ``bind="query-params"``, so the address bar
always holds the view and a copied link reproduces it. Streamlit drops malformed or
out-of-range values in a link and falls back to the default. Widget keys double as
query-parameter names, so they are short and stable: they are part of every link a teacher has
ever shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from knn_core.datasets import DATASETS
from knn_core.geometry import QUERY_REACH, clamp_query, query_limits
from knn_core.metrics import METRICS
from knn_ui import links

# Option labels double as the values written into share links (Streamlit binds a selectbox to
# the URL by its label), so they are short single words: the registry's labels.
METRIC_LABELS = {m.name: m.label for m in METRICS.values()}


def metric_caption(metric: str) -> str:
    """Return e.g. ``"Euclidean: circle"``: the metric and the shape of its neighbourhood."""
    return METRICS[metric].caption


WEIGHT_LABELS = {"uniform": "Uniform", "distance": "Distance"}
DATASET_LABELS = {
    "blobs": "Blobs",
    "moons": "Moons",
    "circles": "Circles",
    "xor": "XOR",
    "spiral": "Spiral",
    "uniform": "Uniform",
}
MAX_POINTS = 1000
#: The Playground also offers large data sets (WebGL markers, a compact hover table).
LARGE_MAX_POINTS = 100_000
#: Choices of the number of points: steps of 10 up to 1,000, then a few large sizes.
POINT_OPTIONS = (*range(10, MAX_POINTS + 1, 10), 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
#: k never goes past this, however many points there are (the grids keep k neighbours a cell).
MAX_K = 1000


@dataclass(frozen=True)
class PlaygroundParams:
    """Everything that defines one Playground view (and so one share link)."""

    dataset: str = "blobs"
    n_samples: int = 50
    noise: float = 0.3
    n_classes: int = 2
    seed: int = 0
    k: int = 3
    metric: str = "euclidean"
    p: float = 3.0
    weights: str = "uniform"
    regions: bool = True
    presenter: bool = False
    qx: float = 3.0
    qy: float = 3.0


_DEFAULT = PlaygroundParams()


def _new_sample() -> None:
    st.session_state["seed"] = int(st.session_state.get("seed", 0)) + 1


def _forget_query() -> None:
    # A new data set lives elsewhere on the plane: the page re-centres the query on it.
    for key in ("qx", "qy"):
        st.session_state.pop(key, None)


def data_controls(max_points: int = MAX_POINTS) -> tuple[str, int, float, int, int]:
    """Draw the data set controls in the sidebar; return (dataset, n, noise, n_classes, seed).

    ``max_points`` caps the "Number of points" choices (see :data:`POINT_OPTIONS`).
    """
    st.sidebar.header("Data")
    names = list(DATASETS)
    dataset = st.sidebar.selectbox(
        "Data set",
        names,
        index=names.index(_DEFAULT.dataset),
        format_func=lambda name: DATASET_LABELS.get(name, name),
        key="data",
        bind="query-params",
        on_change=_forget_query,
        help="The tutorial's two blobs come first; the others show shapes KNN handles well "
        "(moons, spiral) and one with no structure at all (uniform).",
    )
    st.sidebar.caption(f"{DATASETS[dataset].title}: {DATASETS[dataset].description}")
    n_samples = st.sidebar.select_slider(
        "Number of points",
        [n for n in POINT_OPTIONS if n <= max_points],
        value=_DEFAULT.n_samples,
        key="n",
        bind="query-params",
        help=None
        if max_points <= MAX_POINTS
        else "Up to 100,000 points. Past a few thousand, the points are drawn with WebGL and "
        "the plot takes a moment longer to update.",
    )
    noise = st.sidebar.slider(
        "Noise", 0.0, 1.0, _DEFAULT.noise, step=0.05, key="noise", bind="query-params"
    )
    n_classes = _DEFAULT.n_classes
    if DATASETS[dataset].supports_n_classes:
        n_classes = st.sidebar.slider(
            "Classes", 2, 5, _DEFAULT.n_classes, key="classes", bind="query-params"
        )
    seed = st.sidebar.number_input(
        "Seed",
        min_value=0,
        max_value=1_000_000,
        step=1,
        key="seed",
        bind="query-params",
        help="The same seed always draws the same points, so a shared link shows the same data.",
    )
    st.sidebar.button(
        "New sample", on_click=_new_sample, help="Draw a new random sample (seed + 1)."
    )
    return dataset, int(n_samples), float(noise), int(n_classes), int(seed)


def model_controls(n_samples: int) -> tuple[int, str, float, str]:
    """Draw k, metric and weights in the sidebar; return (k, metric, p, weights).

    ``k`` is kept within ``1..n_samples``: when the data shrinks below the chosen k, k is lowered
    and the user is told why, instead of an error.
    """
    st.sidebar.header("Model")
    k_now = st.session_state.get("k")
    if k_now is not None and k_now > n_samples:
        st.session_state["k"] = n_samples
        st.sidebar.info(f"k was lowered to {n_samples}: there are only {n_samples} points.")
    elif k_now is not None and k_now > MAX_K:
        st.session_state["k"] = MAX_K
        st.sidebar.info(f"k was lowered to {MAX_K}, the largest k this app offers.")
    k = st.sidebar.slider(
        "k (number of neighbours)",
        1,
        min(n_samples, MAX_K),
        min(_DEFAULT.k, n_samples),
        key="k",
        bind="query-params",
        help="How many of the closest training points vote. Small k follows every point; "
        "large k smooths the regions. With two classes an odd k can never tie.",
    )
    metric = st.sidebar.selectbox(
        "Distance",
        list(METRIC_LABELS),
        format_func=METRIC_LABELS.get,
        key="metric",
        bind="query-params",
        help="How distance is measured. The neighbourhood drawn around the query has the "
        "metric's own shape: "
        + "; ".join(f"{m.label}: {m.formula}, a {m.shape}" for m in METRICS.values())
        + ".",
    )
    p = _DEFAULT.p
    if metric == "minkowski":
        p = st.sidebar.slider(
            "Minkowski p", 1.0, 10.0, _DEFAULT.p, step=0.5, key="p", bind="query-params"
        )
    weights = st.sidebar.radio(
        "Votes",
        list(WEIGHT_LABELS),
        format_func=WEIGHT_LABELS.get,
        key="weights",
        bind="query-params",
        horizontal=True,
        help="Uniform: one vote per neighbour. Distance: each vote weighs 1 / distance, so "
        "closer neighbours count more.",
    )
    return int(k), str(metric), float(p), str(weights)


_QUERY_MOVED = "_query_moved"


def query_controls(container, bounds) -> tuple[float, float]:
    """Draw the two number inputs of the query point; return its coordinates.

    A click on the plot sets the same session-state keys (see :func:`place_query`), so the
    inputs always show where the query is. A new query starts at the centre of ``bounds``.
    A query far outside the data (typed in, or from a link such as ``?qx=1e308``) is moved
    back within :func:`knn_core.geometry.query_limits`, the inputs show where it went, and a
    note says why: its distances could otherwise not be computed or seen.
    """
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    moved = st.session_state.pop(_QUERY_MOVED, None)
    if moved is not None:
        st.session_state["qx"], st.session_state["qy"] = moved[0]
    st.session_state.setdefault("qx", round((x_lo + x_hi) / 2, 2))
    st.session_state.setdefault("qy", round((y_lo + y_hi) / 2, 2))
    left, right = container.columns(2)
    qx = left.number_input(
        "Query x₁", step=0.1, format="%.2f", key="qx", bind="query-params",
        help=f"Type a value, or click on the plot. The plot shows {x_lo:.1f} to {x_hi:.1f}.",
    )  # fmt: skip
    qy = right.number_input(
        "Query x₂", step=0.1, format="%.2f", key="qy", bind="query-params",
        help=f"Type a value, or click on the plot. The plot shows {y_lo:.1f} to {y_hi:.1f}.",
    )  # fmt: skip
    query, far = clamp_query((qx, qy), bounds)
    if far and moved is None:  # show the moved query in the inputs (and the link)
        st.session_state[_QUERY_MOVED] = (query, (float(qx), float(qy)))
        st.rerun()
    if moved is not None:
        (x0, x1), (y0, y1) = query_limits(bounds)
        (ax, ay), (bx, by) = moved[1], moved[0]
        container.info(
            f"The query ({ax:.6g}, {ay:.6g}) lay too far from the data: it was moved to "
            f"({bx:.6g}, {by:.6g}). A query may lie up to {QUERY_REACH:g} plot widths beyond "
            f"the plot (x₁ from {x0:.6g} to {x1:.6g}, x₂ from {y0:.6g} to {y1:.6g}); farther "
            "out, its distances could not be computed or shown.",
            icon=":material/open_in_full:",
        )
    return query


def place_query(x: float, y: float) -> None:
    """Move the query to ``(x, y)``; call from a click callback, before the inputs are drawn.

    The spot is kept exactly as clicked (the inputs show it to two decimals): the plot's preview
    computed the neighbours of exactly this spot, and the click must say the same.
    """
    st.session_state["qx"] = float(x)
    st.session_state["qy"] = float(y)


def _step_k(delta: int, n_samples: int) -> None:
    k = int(st.session_state.get("k", _DEFAULT.k)) + delta
    st.session_state["k"] = min(max(k, 1), n_samples, MAX_K)


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


def presenter_control() -> bool:
    """Draw the presenter-mode toggle; when on, enlarge text for the back of a classroom.

    Turning it on (or opening a link with it on) also tucks the sidebar away, once: the
    sidebar's » button brings it back, and it stays open after that.
    """
    on = bool(
        st.sidebar.toggle(
            "Presenter mode",
            key="present",
            bind="query-params",
            help="Large text and markers, readable from the back of a room; the sidebar is "
            "tucked away (» brings it back). J and K step k down and up.",
        )
    )
    if on:
        # A fixed style sheet written here, never user text.
        st.html(PRESENTER_CSS)
        if not st.session_state.get(_SIDEBAR_TUCKED):
            st.set_page_config(initial_sidebar_state="collapsed")
            st.session_state[_SIDEBAR_TUCKED] = True
    elif st.session_state.pop(_SIDEBAR_TUCKED, None):
        st.set_page_config(initial_sidebar_state="expanded")
    return on


def regions_control() -> bool:
    """Draw the decision-regions toggle; return whether regions are shown."""
    st.sidebar.header("Display")
    return bool(
        st.sidebar.toggle(
            "Decision regions",
            value=_DEFAULT.regions,
            key="regions",
            bind="query-params",
            help="Shade the plane by the class KNN would predict there; the stronger the "
            "colour, the more unanimous the vote.",
        )
    )


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


def playground_params() -> PlaygroundParams:
    """Draw every Playground sidebar control and return the view as one dataclass.

    The query point is not included until the page knows where the data lies; see
    :func:`query_controls`.
    """
    dataset, n_samples, noise, n_classes, seed = data_controls(LARGE_MAX_POINTS)
    k, metric, p, weights = model_controls(n_samples)
    regions = regions_control()
    presenter = presenter_control()
    return PlaygroundParams(
        dataset=dataset,
        n_samples=n_samples,
        noise=noise,
        n_classes=n_classes,
        seed=seed,
        k=k,
        metric=metric,
        p=p,
        weights=weights,
        regions=regions,
        presenter=presenter,
    )
