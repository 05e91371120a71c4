"""Playground: click anywhere, watch the k nearest neighbours light up and vote."""

from contextlib import nullcontext

import streamlit as st

from knn_core.geometry import ball_outline
from knn_core.lessons.trace import trace_query
from knn_ui import cache, edits, figures, links, router, state, style, views
from knn_ui.canvas import knn_canvas

router.ensure_routed()  # see knn_ui.router

# 1. Widgets -> one state object (from the table, kept in the URL: a link reproduces the view).
params = state.playground_params()
presenter = params.present
SCALE = 1.5 if presenter else 1.0  # marker and text size: larger on a projector

if not presenter:  # on a projector the plot, k and the vote take the whole screen
    views.compact_header(
        "KNN Playground",
        "**Learning goal:** see that k-nearest neighbours predicts a point's class by letting "
        "the k closest training points vote.",
    )

# 2. knn_core computes everything (cached on scalars).
edited = edits.prepare(params)  # hand edits (session + ?edits=) on top of the data
# What the plot shows but the query: the points, regions and legend, and the preview's model.
layer = cache.playground_layer(
    edited.key,
    edited.params.k,
    params.metric,
    params.p,
    params.weights,
    params.regions,
    SCALE,
)
# Values only a full run shows (the sidebar, the regions): a change of one reruns it all.
SHAPING = ("data", "n", "noise", "classes", "seed", "k", "metric", "p", "weights", "regions")


def shaping_values() -> tuple:
    """The values of :data:`SHAPING` now."""
    return tuple(st.session_state.get(key) for key in SHAPING)


@st.fragment
def plot_and_vote(edited, layer, shaping) -> None:
    """The plot, the query and the vote: a click or a typed query reruns only this."""
    if edits.changed_since(edited) or shaping != shaping_values():
        st.rerun()  # an edit, k +/- 1 or "back to the edited data": the whole page
    X, params = edited.X, edited.params
    model = cache.model(edited.key, params.k, params.metric, params.p, params.weights)
    names = style.display_names(model.classes_)

    # A wide plot column: at 1440 x 900 its drawing area is over 600 pixels tall.
    plot_col, side_col = st.columns([3, 2] if presenter else [7, 3], gap="medium")
    if presenter:
        side_col.metric("k, the neighbours that vote", params.k)
        side = side_col.container()  # the vote goes here, above the query inputs
    else:
        side = None
        side_col.header("Query point")
    query = state.query_controls(side_col, edited.bounds)
    trace = trace_query(model, query, class_names=names)
    outline = ball_outline(query, trace.kept_distances[-1], params.metric, p=params.p)
    shapes = figures.neighbourhood_shapes(
        X,
        figures.Neighbourhood(
            query=query,
            prediction_code=int(trace.winner_code),
            prediction_name=names[int(trace.winner_code)],
            neighbor_index=trace.kept,
            outline=outline,
            metric_label=state.metric_caption(params.metric),
        ),
        SCALE,
        names=names,
    )

    # 3. Display. The height is the most the plot takes: the canvas fits it to the width.
    plot_height = 600 if presenter else 760
    weighted = params.weights == "distance"
    with plot_col:
        knn_canvas(
            layer,
            shapes=shapes,
            query=query,
            key="canvas",
            height=plot_height,
            on_click=edited.on_click,
            click_hint=edits.click_hint(edited),
            verdict=views.verdict(trace, names, weighted=weighted),
        )
        # Below the plot, so that the whole plot fits on the first screen.
        with st.expander("Edit the points") if presenter else nullcontext():
            edits.controls(edited)
        edits.notices(edited)
        views.plot_hint(
            "Move the pointer over the plot to preview the neighbours of any spot; click to "
            "place the query there. The dashed outline reaches the k-th neighbour.",
            "Touch the plot and slide your finger to preview the neighbours of any spot; lift "
            "it to place the query there. The dashed outline reaches the k-th neighbour.",
        )

    with side_col:
        state.k_buttons(side_col, params.n)
        views.outside_note(query, edited.bounds)
        with side or nullcontext():
            views.vote_panel(trace, names, weighted=weighted)
        views.neighbour_table(trace, X, names)
    links.follow_fragment()  # the address bar follows a query moved by this fragment alone


plot_and_vote(edited, layer, shaping_values())
views.playground_explanations()
state.share_link()
edits.share_note(edited)
