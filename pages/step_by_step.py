"""Step by step: walk through how KNN classifies one point, stage by stage."""

import streamlit as st

from knn_core.geometry import ball_outline
from knn_core.lessons.step_by_step import STAGE_TITLES, algorithm_stages
from knn_core.lessons.trace import trace_query
from knn_ui import cache, router, state, step_by_step, style, views
from knn_ui.canvas import knn_canvas
from knn_ui.vote_chart import vote_chart

router.ensure_routed()  # see knn_ui.router

# 1. Widgets -> one state (drawn from the table, kept in the URL). Containers fix the order;
#    they are filled in the order the values are needed.
data = state.data_controls(step_by_step.PAGE)
k = step_by_step.k_control(data.n)
presenter = state.presenter_control(step_by_step.PAGE)

if not presenter:  # on a projector the step, the plot, k and the vote come first
    st.title("Step by step")
    st.markdown(
        "**Learning goal:** follow the stages of k-nearest neighbours (measure, sort, keep, "
        "count, predict) for one point, and match each stage to a line of the tutorial's code."
    )
st.html(style.CODE_CSS)  # code colours readable at WCAG AA
nav_slot = st.container()
heading_slot = st.container()
plot_col, side_col = st.columns([1, 1], gap="small")
plot_slot = plot_col.container()

# 2. knn_core computes everything: ONE trace feeds the plot, the table, the tally and the code.
data_key = data.data_key
X, y, bounds = cache.dataset(*data_key)
model = cache.model(data_key, k, "euclidean", 2.0, "uniform")
names = style.display_names(model.classes_)
query = state.query_controls(plot_col, bounds, step_by_step.PAGE)
trace = trace_query(model, query, class_names=names)
stages = algorithm_stages(trace.tied)
index = step_by_step.step_navigation(nav_slot, stages)
stage = stages[index]
outline = ball_outline(query, trace.radius, "euclidean")

# 3. Figures.
fig = step_by_step.step_figure(
    X, model.y_codes_, names, trace, stage, outline=outline, x_range=bounds[0], y_range=bounds[1]
)
columns, column_config, table_caption = step_by_step.step_table(
    trace, X, model.y_codes_, names, stage
)

# 4. Display.
explanation = step_by_step.stage_explanation(trace, stage, names)
with heading_slot:
    st.header(f"Step {index + 1} of {len(stages)}: {STAGE_TITLES[stage]}")
    if not presenter:  # on a projector it sits beside the plot, so the plot fits the screen
        st.markdown(explanation)
        if stage == "predict":
            st.success(f"Prediction: {names[int(trace.winner_code)]}", icon=":material/check:")

with plot_slot:
    knn_canvas(fig, key="sbs_canvas", height=440 if presenter else 530, on_click=state.place_query)
    st.caption("Click or tap anywhere on the plot, or type below, to move the query.")
with plot_col:
    views.outside_note(query, bounds)

with side_col:
    if presenter:  # k, and once the vote is counted the prediction, in large type
        st.metric("k, the neighbours that vote", k)
        if stage == "predict":
            views.prediction_box(trace, names, weighted=False, key="sbs_prediction")
        st.markdown(explanation)
    if stage in ("count", "tie", "predict"):
        # At "count" a tied vote has no winner yet: no bar is outlined.
        winner = -1 if stage == "count" and trace.tied else int(trace.winner_code)
        vote_chart(names, trace.tally, winner_code=winner, key="sbs_vote")
    st.markdown("**The tutorial's code**")
    tutorial = step_by_step.tutorial_control(st)
    st.code(step_by_step.code_text(stage, tutorial), language="python", wrap_lines=True)
    st.markdown(step_by_step.code_note(stage, tutorial))
    st.markdown("**Its variables after this step**")
    st.code(
        step_by_step.variables_text(trace, stage, names, tutorial),
        language="python",
        wrap_lines=True,
    )
    if tutorial == "function":
        st.caption(
            "The tutorial's `distances` are squared, (Δx₁)² + (Δx₂)²: squaring keeps the order, "
            "so ranking needs no square root. The plot and the table show the true distance."
        )
    else:
        st.caption(
            "The class's labels are the class numbers (red 0, blue 1, ...), as in the tutorial, "
            "where every label is 0 or 1."
        )

st.dataframe(
    columns,
    hide_index=True,
    width="stretch",
    height=step_by_step.table_height(len(columns["point #"])),
    column_config=column_config,
)
st.caption(table_caption)

st.divider()
step_by_step.held_out_section(data_key, k, bounds)
state.share_link()
