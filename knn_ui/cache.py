"""Cached calls into ``knn_core``, keyed on hashable scalars.

Streamlit reruns a page on every interaction; these wrappers make a rerun that only moved the
query cost almost nothing. Data and fitted models are cached as resources (they are only read,
never changed), so no copy is made per rerun.
"""

from __future__ import annotations

import streamlit as st

from knn_core.datasets import make_dataset
from knn_core.edits import apply_edits, data_tag, decode_edits, edited_bounds
from knn_core.geometry import plot_bounds
from knn_core.models import KNNClassifier
from knn_core.surface import neighbor_grid

#: Grid of the shaded decision regions (cells per side).
REGION_RESOLUTION = 120
#: The neighbour grid keeps this many neighbours per cell, so k up to it only re-votes.
GRID_K_MAX = 50
#: Most neighbours one grid keeps in all (cells x k_max): about 24 MB of distances and indices.
GRID_ENTRIES = 2_000_000


def grid_resolution(resolution: int, k_max: int) -> int:
    """Return ``resolution``, coarsened when ``k_max`` is so large the grid would be too big.

    With ``k_max`` up to 138 nothing changes at 120 cells a side; at k = 1,000 a grid has
    44 cells a side: the regions of so large a k are smooth.
    """
    return max(10, min(int(resolution), int((GRID_ENTRIES / max(k_max, 1)) ** 0.5)))


@st.cache_resource(max_entries=64, show_spinner=False)
def dataset(name: str, n_samples: int, noise: float, seed: int, n_classes: int, edits: str = ""):
    """Return ``(X, y, bounds)`` of a built-in data set; ``bounds`` are the plot ranges.

    ``edits`` is a log of hand edits as ``knn_core.edits.encode_edits`` writes it (the
    Playground's ``?edits=``), made on the data in order. ``bounds`` stay those of the unedited
    data, grown only if an edited point lies outside them, so the plot does not jump while a
    student edits. A data key is these arguments as a tuple, with or without ``edits``.
    """
    X, y = make_dataset(name, n_samples, noise, seed, n_classes=n_classes)
    bounds = plot_bounds(X)
    if not edits:
        return X, y, bounds
    log = decode_edits(edits, tag=data_tag(name, n_samples, noise, seed, n_classes))
    X, y = apply_edits(X, y, log, n_classes)
    return X, y, edited_bounds(bounds, X)


@st.cache_resource(max_entries=64, show_spinner=False)
def model(data_key: tuple, k: int, metric: str, p: float, weights: str) -> KNNClassifier:
    """Return a classifier fitted on the data set named by ``data_key``."""
    X, y, _ = dataset(*data_key)
    return KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y)


@st.cache_resource(max_entries=16, show_spinner=False)
def grid(data_key: tuple, metric: str, p: float, weights: str, resolution: int, k_max: int):
    """Return the neighbour grid over the plot area, searched once at ``k_max``.

    Any ``k <= k_max`` is then answered by a re-vote, without a new neighbour search.
    """
    X, y, bounds = dataset(*data_key)
    return search_grid(X, y, bounds, metric, p, weights, resolution, k_max)


def search_grid(X, y, bounds, metric: str, p: float, weights: str, resolution: int, k_max: int):
    """Search the neighbour grid of ``(X, y)`` over ``bounds`` (uncached; see :func:`grid`).

    ``k_max`` is capped at the number of points, and the grid coarsened to stay within
    :data:`GRID_ENTRIES` (see :func:`grid_resolution`).
    """
    k_max = min(k_max, len(X))
    fitted = KNNClassifier(k_max, metric=metric, p=p, weights=weights).fit(X, y)
    return neighbor_grid(fitted, bounds[0], bounds[1], grid_resolution(resolution, k_max), k_max)


@st.cache_resource(max_entries=32, show_spinner=False)
def decision_regions(data_key: tuple, k: int, metric: str, p: float, weights: str):
    """Return the :class:`knn_ui.figures.Regions` of ``k``, built once per view.

    From :func:`grid` (re-voted), with the exact boundary and shading, which cost tens of
    milliseconds: a rerun that only moves the query reuses them.
    """
    from knn_ui import figures

    surface = grid(data_key, metric, p, weights, REGION_RESOLUTION, max(k, GRID_K_MAX))
    return figures.Regions.of(surface, k)


@st.cache_resource(max_entries=32, show_spinner=False)
def playground_layer(
    data_key: tuple, k: int, metric: str, p: float, weights: str, regions: bool, scale: float
):
    """Return the Playground plot's :class:`knn_ui.canvas.PlotLayer`, built once per view.

    Everything the plot shows but the query: the points, the decision regions of ``k`` (from
    :func:`decision_regions`) and the legend, and the preview's points and model. A click only
    moves the query, so it costs neither a figure nor its serialisation.
    """
    from knn_core.metrics import METRICS
    from knn_ui import figures, style
    from knn_ui.canvas import plot_layer, preview_payload

    X, _, bounds = dataset(*data_key)
    fitted = model(data_key, k, metric, p, weights)
    names = style.display_names(fitted.classes_)
    shaded = decision_regions(data_key, k, metric, p, weights) if regions else None
    figure = figures.playground_figure(
        X,
        fitted.y_codes_,
        names,
        x_range=bounds[0],
        y_range=bounds[1],
        regions=shaded,
        scale=scale,
        neighbourhood_key=(k, METRICS[metric].caption),
    )
    preview = preview_payload(
        X, fitted.y_codes_, k=k, metric=metric, p=p, weights=weights, class_names=names
    )
    return plot_layer(figure, preview)
