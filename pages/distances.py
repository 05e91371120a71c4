"""Distances and scaling: "nearest" depends on how distance is measured, and in which units."""

import streamlit as st

from knn_core.geometry import ball_outline
from knn_ui import cache, router, state, style
from knn_ui import distances as dv
from knn_ui.canvas import knn_canvas

router.ensure_routed()  # see knn_ui.router

st.title("Distances and scaling")
st.markdown(
    "**Learning goal:** see that the k nearest neighbours depend on how distance is measured "
    "(Euclidean, Manhattan, Chebyshev) and on the units of each feature."
)

# 1. Widgets -> state, from the parameter table (the data controls are shared).
data = state.data_controls(dv.PAGE)
k = dv.k_control(data.n)
data_key = data.data_key
X, y, bounds = cache.dataset(*data_key)
names = style.display_names(list(range(data.classes)))

plot_col, side_col = st.columns([3, 2], gap="medium")
side_col.header("Query point")
query = state.query_controls(side_col, bounds, dv.PAGE)

# 2. knn_core computes the neighbours of every metric (cached on scalars).
comparison = dv.metric_comparison(data_key, query[0], query[1], k)
outlines = {
    metric: ball_outline(query, comparison.radius[j], metric)
    for j, metric in enumerate(comparison.metrics)
}

# 3 + 4. Figure and display.
with plot_col:
    knn_canvas(
        dv.metrics_figure(X, y, names, comparison, outlines, x_range=bounds[0], y_range=bounds[1]),
        key="d_canvas",
        height=640,
        on_click=state.place_query,
    )
    st.caption(
        "Click or tap anywhere to move the query. Each outline is one metric's neighbourhood, "
        "grown until it holds k points. Highlighted points are picked by some metrics but not "
        "all; the letters say which (E = Euclidean, M = Manhattan, C = Chebyshev)."
    )

with side_col:
    st.markdown(dv.agreement_sentence(comparison))
    st.markdown(
        "**Euclidean** is the straight-line distance √(dx² + dy²): its neighbourhood is a "
        "circle. **Manhattan** adds the steps along each axis, |dx| + |dy|, like walking a "
        "city grid: a diamond. **Chebyshev** takes only the larger step, max(|dx|, |dy|), "
        "like a king on a chessboard: a square."
    )

st.markdown(
    "**Every point any metric picked**, with its distance under each metric (nearest first by "
    "Euclidean distance):"
)
dv.metric_table(comparison, y, names)

st.divider()
st.header("Feature scaling: the units decide who is near")
st.markdown(
    "A distance adds up the raw differences of every feature, so **a feature measured in "
    "bigger numbers dominates**: measure x₁ in centimetres instead of metres and only x₁ "
    "decides who is near. Stretch x₁ and watch the neighbours change (Euclidean distance, "
    "the same query and k); then standardise."
)
factor, standardized = dv.scaling_controls(st.container())
effect = dv.scaling(data_key, query[0], query[1], k, factor, standardized)
outline = ball_outline(effect.query, effect.radius, "euclidean")
scale_plot, scale_side = st.columns([3, 2], gap="medium")
with scale_plot:
    st.plotly_chart(
        dv.scaling_figure(effect, y, names, outline),
        config={"displayModeBar": False},
        key="d_scaling_plot",
        theme=None,
    )
with scale_side:
    st.markdown(dv.scaling_sentence(effect))
    dv.scaling_table(effect, y, names)
    if factor > 1 and not standardized:
        st.caption(
            f"The x₁ axis is squeezed {factor}× to fit the plot, so the points stay where they "
            "were on screen: in these units the dashed circle is really round."
        )

state.share_link()
