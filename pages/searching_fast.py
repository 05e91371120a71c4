"""Searching fast: how a KD-tree finds the k nearest neighbours without measuring every distance."""

from pathlib import Path

import streamlit as st

from knn_ui import cache, router, state, style
from knn_ui import searching_fast as sf
from knn_ui.canvas import knn_canvas

router.ensure_routed()  # see knn_ui.router

header_slot = st.container()  # the title, unless on a projector (presenter mode)

# 1. Widgets -> parameters (drawn from the table, kept in the URL). Containers fix the order.
data = state.data_controls(sf.PAGE)
view = state.model_controls(data.n, sf.PAGE)
n_samples, k, metric, p = data.n, view.k, view.metric, view.p
st.sidebar.caption("The votes do not change the search: it finds the same neighbours either way.")
presenter = state.presenter_control(sf.PAGE)
if not presenter:  # on a projector the step controls and the plot take the whole screen
    header_slot.title("Searching fast")
    header_slot.markdown(
        "**Learning goal:** see how a KD-tree finds exactly the same k nearest neighbours as "
        "measuring every distance, while measuring only a few of them."
    )
nav_slot = st.container()
plot_col, side_col = st.columns([3, 2], gap="medium")
text_slot = side_col.container()  # the step, beside the picture
controls_slot = side_col.container()

# 2. knn_core computes everything: ONE traced search on the engine's own tree.
data_key = data.data_key
X, y, bounds = cache.dataset(*data_key)
model = cache.model(data_key, k, metric, p, "uniform")
names = style.display_names(model.classes_)
query = state.query_controls(controls_slot, bounds, sf.PAGE)
search = sf.search(data_key, tuple(query), k, metric, p)
engine = model.kneighbors([query], return_distance=False)[0]
index = sf.step_navigation(nav_slot, len(search.steps))
step = search.steps[index]
zoom = sf.zoom_control(controls_slot)
depth = sf.depth_control(controls_slot, sf.height(data_key))
x_range, y_range = sf.window(data_key, search, bounds, zoom)

# 3. Figures.
# Presenter mode: the step controls and the plot fit one 720-pixel-high projector screen.
height = 520 if presenter else 560
scale = 1.3 if presenter else 1.0
fig = sf.search_figure(
    X,
    model.y_codes_,
    names,
    sf.splits(data_key, depth, (x_range, y_range)),
    search,
    index,
    metric=metric,
    x_range=x_range,
    y_range=y_range,
    height=height,
    scale=scale,
)

# 4. Display.
with text_slot:
    st.header(f"Step {index + 1} of {len(search.steps)}: {sf.step_title(step)}")
    st.markdown(sf.step_explanation(search, index))
    st.metric(
        "Distances measured so far",
        f"{step.n_measured:,} of {n_samples:,}",
        border=True,
        help="Brute force measures the distance to every one of the points.",
    )
    st.progress(step.n_measured / n_samples)
    st.markdown(f"**Best {k} so far**" if step.best_indices.size else "**Nothing measured yet**")
    if step.best_indices.size:
        st.dataframe(sf.best_table(step, names, model.y_codes_), hide_index=True, width="stretch")
    st.markdown(sf.result_sentence(search, engine))

with plot_col:
    knn_canvas(
        fig,
        key="sf_canvas",
        height=height,
        on_click=state.place_query,
        click_hint="click to search from here",
    )
    st.caption(sf.KEY + " Click or tap anywhere on the plot, or type a query, to move it.")
    if n_samples < 50:
        st.caption(
            "Below 50 points the engine itself measures every distance (it is faster than "
            "any tree at that size); this tree is built the same way it builds one above."
        )

st.divider()
st.header("How the cost grows")
k_curves = sf.curve_k(k)  # the curves search many queries: a large k would take minutes
if k_curves < k:
    st.caption(f"These curves search with k = {k_curves}, so that they take seconds, not minutes.")
size_col, feat_col = st.columns(2, gap="medium")
sizes_cost = sf.size_costs(data.data, data.noise, data.seed, data.classes, k_curves, metric, p)
features_cost = sf.feature_costs(k_curves, metric, p)
with size_col:
    st.plotly_chart(
        sf.size_figure(sf.COST_SIZES, sizes_cost, scale=scale),
        config={"displayModeBar": False},
        key="sf_sizes",
        theme=None,
    )
    st.markdown(
        f"**More points.** Brute force measures every point: 1,000 times the points, 1,000 "
        f"times the work. The tree measures about {sizes_cost[0]:.0f} distances per query at "
        f"{sf.COST_SIZES[0]:,} points and {sizes_cost[-1]:.0f} at {sf.COST_SIZES[-1]:,} "
        "(this data set, averaged over queries): it grows far more slowly than the data."
    )
with feat_col:
    st.plotly_chart(
        sf.features_figure(sf.COST_FEATURES, features_cost, sf.COST_FEATURES_N, scale=scale),
        config={"displayModeBar": False},
        key="sf_features",
        theme=None,
    )
    st.markdown(
        f"**More features.** {sf.COST_FEATURES_N:,} random points in a cube: with 2 features "
        f"the tree measures {features_cost[1]:.0f} per query, with {sf.COST_FEATURES[-1]} "
        f"features {features_cost[-1]:,.0f}. In many dimensions every box is close to the "
        "query, nothing can be pruned, and the advantage fades."
    )
    st.page_link(
        str(Path(__file__).with_name("experiment.py")),  # absolute: wherever app.py runs from
        label="The curse of dimensionality, on the tutorial's experiment page",
        icon=":material/science:",
    )

st.divider()
st.header("Approximate search: stop early")
leaves, work, recall = sf.recall_curve(data_key, k_curves, metric, p)
curve_col, curve_text = st.columns([3, 2], gap="medium")
with curve_text:
    budget = sf.budget_control(len(leaves))
    st.markdown(sf.budget_sentence(budget, work, recall, k_curves))
    st.markdown(
        "Vector databases and approximate nearest-neighbour indexes make this trade on "
        "purpose: a little less recall for much less work."
    )
with curve_col:
    st.plotly_chart(
        sf.recall_figure(work, recall, budget, scale=scale),
        config={"displayModeBar": False},
        key="sf_recall",
        theme=None,
    )

state.share_link()
