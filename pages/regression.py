"""Regression: KNN predicts a number as the mean of its k nearest neighbours' values."""

import streamlit as st

from knn_core.lessons.regression import explain_regression
from knn_ui import regression as rv
from knn_ui import router, state, step_by_step, style
from knn_ui.canvas import knn_canvas

router.ensure_routed()  # see knn_ui.router

st.title("KNN for numbers: regression")
st.markdown(
    "**Learning goal:** see that to predict a number, KNN takes the mean of the values of "
    "the k nearest training points, and that k decides how smooth the prediction is."
)

# 1. Widgets -> one state object (from the table, kept in the URL).
params = rv.controls()
top_left, top_right = st.columns([1, 3], vertical_alignment="bottom")
query_x = rv.query_input(top_left)
top_right.markdown(
    "Click or tap either plot to move the query. KNN looks for the k points nearest to the "
    "query **along x** (ringed), and predicts the **mean of their y values** (the thick line "
    'and the star). The tutorial calls this `mode="r"`: `np.mean(values)` instead of the most '
    "common label (the marked line below)."
)
with st.expander('The tutorial\'s knn(): the `mode="r"` line', expanded=True):
    st.html(style.CODE_CSS)  # code colours readable at WCAG AA
    st.code(
        step_by_step.marked_code(step_by_step.FUNCTION_LINES, step_by_step.MODE_R_LINE),
        language="python",
    )

# 2. knn_core computes everything (cached on scalars).
data_key = (params.r_n, params.r_noise, params.r_seed)
x, y, y_range = rv.sine_data(*data_key)
panels = {}
for weights in ("uniform", "distance"):
    model = rv.regressor(*data_key, params.r_k, weights)
    panels[weights] = (rv.curve(*data_key, params.r_k, weights), explain_regression(model, query_x))
big_k = max(params.r_n // 2, 1)
ks = tuple(dict.fromkeys((1, params.r_k, big_k)))
comparison = rv.k_comparison(*data_key, ks)


def values_sentence(trace, k):
    values = f"{trace.y[0]:.2f}" + "".join(
        f" − {-v:.2f}" if v < 0 else f" + {v:.2f}" for v in trace.y[1:]
    )
    if trace.weighting == "uniform":
        if k <= 8:
            return f"({values}) / {k} = **{trace.prediction:.2f}**"
        return f"the mean of the {k} values = **{trace.prediction:.2f}**"
    return f"weighted mean = **{trace.prediction:.2f}**"


# 3 + 4. Figures and display.
titles = {
    "uniform": (
        "Uniform weights: the plain mean",
        "Every neighbour counts the same, so the curve is a staircase: it only jumps where "
        "the set of the k nearest points changes.",
    ),
    "distance": (
        "Distance weights: nearer counts more",
        "Each value weighs 1 / distance, so the curve passes through every training point "
        "(right on a point, that point alone decides).",
    ),
}
columns = st.columns(2, gap="medium")
for col, weights in zip(columns, ("uniform", "distance"), strict=True):
    (curve_xs, curve_ys), trace = panels[weights]
    fig = rv.regression_figure(
        x, y, curve_xs, curve_ys, trace, k=params.r_k, y_range=y_range, steps=weights == "uniform"
    )
    with col:
        st.header(titles[weights][0])
        knn_canvas(fig, key=f"r_canvas_{weights}", height=480, on_click=rv.place_x)
        st.markdown(
            f"Prediction at x = {trace.query:.2f}: {values_sentence(trace, params.r_k)}. "
            f"{titles[weights][1]}"
        )

st.header(f"The {params.r_k} nearest neighbours of x = {query_x:.2f}")
uniform_trace = panels["uniform"][1]
distance_trace = panels["distance"][1]
st.dataframe(
    {
        "rank": list(range(1, params.r_k + 1)),
        "point #": [int(i) for i in uniform_trace.neighbors],
        "x": [float(v) for v in uniform_trace.x],
        "y (its value)": [float(v) for v in uniform_trace.y],
        "distance |x − query|": [float(d) for d in uniform_trace.distances],
        "share, uniform": [float(s) for s in uniform_trace.shares],
        "share, distance-weighted": [float(s) for s in distance_trace.shares],
    },
    hide_index=True,
    width="stretch",
    column_config={
        "x": st.column_config.NumberColumn(format="%.2f"),
        "y (its value)": st.column_config.NumberColumn(format="%.3f"),
        "distance |x − query|": st.column_config.NumberColumn(format="%.3f"),
        "share, uniform": st.column_config.NumberColumn(format="%.3f"),
        "share, distance-weighted": st.column_config.NumberColumn(format="%.3f"),
    },
)
st.caption(
    "Each prediction is the sum of value × share. Both weightings use the same neighbours; "
    "only how much each one counts differs."
)

st.header("k = 1 versus a large k")
labels = []
for k in ks:
    if k == 1:
        labels.append("k = 1")
    elif k == params.r_k:
        labels.append(f"k = {k} (yours)")
    else:
        labels.append(f"k = {k} (half the points)")
cmp_col, text_col = st.columns([3, 2], gap="medium")
with cmp_col:
    st.plotly_chart(
        rv.k_comparison_figure(x, y, comparison, y_range=y_range, labels=labels),
        config={"displayModeBar": False},
        key="r_compare",
        theme=None,
    )
with text_col:
    st.markdown(
        "**k = 1** copies the value of the single nearest point, noise included: the curve "
        "jumps at every point (too wiggly). **A large k** averages over points far away, "
        "where the wave has already turned: the curve flattens towards the overall mean "
        "(too smooth). A k in between follows the wave and averages the noise away."
    )
    st.markdown("How far each curve is from the noise-free sin(x) (mean squared difference):")
    st.dataframe(
        {"curve": labels, "error": [float(e) for e in comparison.error]},
        hide_index=True,
        column_config={"error": st.column_config.NumberColumn(format="%.4f")},
        key="r_errors",
    )

state.share_link()
