"""The tutorial's experiment: KNN on 10-D data, four new rows, and what many features do."""

import streamlit as st

from knn_ui import experiment as ev
from knn_ui import router, state, style

router.ensure_routed()  # see knn_ui.router

st.title("The tutorial's experiment")
st.html(style.CODE_CSS)  # code colours readable at WCAG AA
st.markdown(
    "**Learning goal:** follow the second tutorial's experiment on data with 10 features, "
    'where the points cannot be drawn, and see why more features make "nearest" mean less.'
)

# 1. Widgets -> one state object (from the table, kept in the URL; the tutorial's defaults).
params = ev.controls()

# 2. knn_core runs the experiment (cached on scalars).
try:
    result = ev.experiment(params)
except ValueError as err:  # settings knn_core cannot compute with (say, from a link)
    st.warning(
        "The experiment cannot run with these settings (see below). Change them in the "
        "sidebar, or press *Back to the tutorial's values* there.",
        icon=":material/warning:",
    )
    st.text(str(err))
    st.stop()
dims, ratio_mean, ratio_std = ev.ratio_curve()

# 3 + 4. Figures and display.
st.markdown(
    f"Two groups of rows with {params.e_d} features each: {params.e_n0} rows around "
    f"{params.e_mu0:g} with label 0 and {params.e_n1} rows around {params.e_mu1:g} with label 1, "
    f"every feature spread with sigma {params.e_sigma:g}. `KNN.predict` returns the **mean label "
    f"of the {params.e_k} nearest rows**: 0 means all neighbours have label 0, 1 means all have "
    "label 1."
)
st.code(ev.tutorial_code(params, result.predictions), language="python")

st.header("The four new rows")
columns = st.columns(len(result.new_values))
for col, value, prediction, neighbors in zip(
    columns, result.new_values, result.predictions, result.neighbors, strict=True
):
    with col:
        st.metric(f"{ev.row_name(value)} row: prediction", f"{prediction:.2f}")
        st.dataframe(
            {
                "rank": list(range(1, len(neighbors) + 1)),
                "row": [i for i, _ in neighbors],
                "label": [int(result.y[i]) for i, _ in neighbors],
                "distance": [d for _, d in neighbors],
            },
            hide_index=True,
            width="stretch",
            height="auto" if len(neighbors) <= 10 else 390,
            column_config={"distance": st.column_config.NumberColumn(format="%.2f")},
        )
first, last = result.predictions[0], result.predictions[-1]
if result.rising:
    st.markdown(
        f"The predictions **rise from {first:.2f} to {last:.2f}**: a row of all "
        f"{result.new_values[0]:g}s sits among the label-0 rows, a row of all "
        f"{result.new_values[-1]:g}s among the label-1 rows, and the rows in between get a "
        "mix of both. The tables list each row's neighbours, as `knn.get_neighbors(row)` "
        "returns them: (training row, distance), nearest first."
    )
else:
    st.info(
        "With these settings the predictions do not rise steadily from the first row to the "
        "last: the groups overlap too much (large sigma), the means are close or reversed, or "
        "k is so large that every row sees much the same neighbours. The tutorial's values "
        "(button in the sidebar) give the clean picture."
    )

sweep_col, sweep_text = st.columns([3, 2], gap="medium")
with sweep_col:
    st.plotly_chart(
        ev.sweep_figure(result), config={"displayModeBar": False}, key="e_sweep", theme=None
    )
with sweep_text:
    st.markdown(
        "**Between the four rows.** The line is the prediction for a row filled with any value "
        "v, from far on the label-0 side to far on the label-1 side. It climbs in steps of "
        f"1/{params.e_k}, one neighbour changing label at a time."
    )

st.header(f"A 2-D view of the {params.e_d}-D data")
ratio = result.projection.explained_variance_ratio
view_col, view_text = st.columns([3, 2], gap="medium")
with view_col:
    st.plotly_chart(
        ev.projection_figure(result),
        config={"displayModeBar": False},
        key="e_projection",
        theme=None,
    )
with view_text:
    st.markdown(
        "Ten numbers per row cannot be drawn, so this picture is a **projection**: the "
        "shadow of the rows on the plane that shows the most spread (principal component "
        "analysis). It is only a view. **Distances in it are not the distances KNN used**: "
        "KNN measured them in all the features, so a neighbour joined by a line can look far "
        "away here while a point that looks near is not a neighbour."
    )
    st.markdown(
        f"The two axes keep **{ratio[0]:.0%} and {ratio[1]:.0%}** of the spread "
        f"(together {ratio[0] + ratio[1]:.0%}); the other {params.e_d - 2} directions, "
        "which this picture flattens, hold the rest."
    )

st.header("The curse of dimensionality")
curse_col, curse_text = st.columns([3, 2], gap="medium")
with curse_col:
    st.plotly_chart(
        ev.ratio_figure(dims, ratio_mean, ratio_std, n_features=params.e_d),
        config={"displayModeBar": False},
        key="e_curse",
        theme=None,
    )
with curse_text:
    st.markdown(
        "Random points in a cube with more and more features: for a random query, the distance "
        "to its **nearest** point divided by the distance to its **farthest**. With 2 features "
        f"the nearest point is far closer ({ratio_mean[1]:.2f}); with "
        f"{int(dims[-1]):,} features it is almost as far as the farthest "
        f"({ratio_mean[-1]:.2f})."
    )
    st.markdown(
        "**What it means for KNN:** with many features every point is about equally far "
        'away, so the "nearest" neighbours are hardly nearer than any others, and KNN needs '
        "far more data, or fewer, well-chosen features."
    )

state.share_link()
