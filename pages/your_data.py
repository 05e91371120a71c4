"""Your own data: upload a CSV file and run the Playground's KNN picture on it."""

import streamlit as st

from knn_core.geometry import ball_outline, plot_bounds
from knn_core.lessons.trace import trace_query
from knn_core.neighbors import TIE_RULE
from knn_ui import cache, figures, params, router, state, style, views, your_data
from knn_ui.canvas import knn_canvas, preview_payload

router.ensure_routed()  # see knn_ui.router
params.declare(your_data.PAGE)  # k, metric, ... are drawn once there is data

MB = your_data.MAX_BYTES // 1_000_000

st.title("Your own data")
st.markdown(
    "**Learning goal:** run k-nearest neighbours on a table you collected yourself and see "
    "which of your points it gets right, and why."
)

# 1. The file: upload (or the sample) -> session state. Nothing is half-loaded: the data in
#    use changes only when a whole file loads.
session = st.session_state
upload_col, format_col = st.columns([3, 2], gap="medium")
with upload_col:
    uploaded = st.file_uploader(
        "Upload a CSV file",
        type=your_data.FILE_TYPES,
        key=f"own_upload_{session.get(your_data.UPLOAD_VERSION, 0)}",
        max_upload_size=MB,
        help=f"A .csv, .tsv or .txt table of at most {MB} MB and {your_data.MAX_ROWS:,} rows. "
        "It stays in this browser session only; nothing is stored.",
    )
    st.caption(
        f"Limits: at most {MB} MB, {your_data.MAX_ROWS:,} rows and {your_data.MAX_CLASSES} "
        "classes. Values separated by commas, semicolons, tabs, | or aligned spaces; decimal "
        "commas are fine; UTF-8 text (Excel: *CSV UTF-8*)."
    )
your_data.handle_upload(session, uploaded)
with format_col:
    st.markdown(
        "**The format.** The first row holds column names. Then one row per point: two "
        "columns of numbers (where the point is) and one label column (its class: words "
        "such as *cat* or whole numbers). Other columns are allowed and ignored."
    )
    sample_col, download_col = st.columns(2)
    sample_col.button(
        "Use the sample file",
        on_click=your_data.use_sample,
        help="Load a small example: 120 points in two classes, top and bottom.",
    )
    download_col.download_button(
        "Download the sample",
        data=your_data.sample_bytes(),
        file_name=your_data.SAMPLE_NAME,
        mime="text/csv",
        on_click="ignore",
        help="Open it in a spreadsheet to see the expected format.",
    )

problem = session.get(your_data.PROBLEM)
if problem is not None:
    # The loader's message quotes the file: shown as plain text, never as Markdown.
    with st.container(border=True):
        headline = {
            "file": "**This file was not loaded.** Nothing from it is used.",
            "file_columns": "**This file was not loaded** with the columns suggested below. "
            "Fix the file and upload it again, or choose other columns.",
            "columns": "**These columns could not be loaded.** Choose others, or fix the file.",
        }[problem.origin]
        if problem.kept_previous:
            headline += " Your previous data is still loaded."
        st.error(headline, icon=":material/block:")
        st.text(f"File: {problem.name}")
        st.text(problem.message)
        if problem.kept_previous:
            in_use = session[your_data.DATA]
            st.caption("Still in use:")
            st.text(f"{in_use.name} ({len(in_use.X):,} points)")

source = session.get(your_data.SOURCE)
if source is not None:
    your_data.sync_column_widgets(session)
    options = list(source.table.columns)
    numeric = set(source.table.numeric_columns)

    def describe(column: str) -> str:
        return f"{column}  (numbers)" if column in numeric else f"{column}  (text)"

    st.markdown("**Columns to use**")
    x1_col, x2_col, label_col = st.columns(3)
    for container, key, label in (
        (x1_col, "own_x1", "Feature x₁ (horizontal axis)"),
        (x2_col, "own_x2", "Feature x₂ (vertical axis)"),
        (label_col, "own_label", "Label (the class)"),
    ):
        container.selectbox(
            label, options, format_func=describe, key=key, on_change=your_data.columns_changed
        )
    if source.table.notes:
        # What the loader detected; the notes quote column names: plain text only.
        st.caption("How the file was read:")
        for note in source.table.notes:
            st.text(note)

data = session.get(your_data.DATA)
if data is None:
    st.info(
        "Upload a CSV file, or press **Use the sample file**, to see KNN on your own data.",
        icon=":material/upload_file:",
    )
    st.stop()

# 2. knn_core computes everything (cached on the file's hash, the columns and the settings).
n = len(data.X)
summary = your_data.summary(data.key, data)
view = state.model_controls(n, your_data.PAGE)
k, metric, p, weights = view.k, view.metric, view.p, view.weights
if n > your_data.K_LIMIT:
    st.sidebar.caption(f"On this page k goes up to {your_data.K_LIMIT}.")
show_regions = state.regions_control(your_data.PAGE)

bounds = plot_bounds(data.X)
model = your_data.model(data.key, k, metric, p, weights, data)
names = [str(label) for label in model.classes_.tolist()]  # the file's own labels
x_name, y_name = data.loaded.feature_names
k_max = min(max(k, cache.GRID_K_MAX), n)

with st.expander("The data in use", expanded=problem is None):
    about_col, classes_col = st.columns([3, 2])
    about_col.dataframe(
        {
            "": ["file", "points", "x₁ (horizontal)", "x₂ (vertical)", "label"],
            "value": [data.name, f"{n:,}", x_name, y_name, data.loaded.label_name],
        },
        hide_index=True,
        width="stretch",
    )
    classes_col.dataframe(
        {
            "class": names,
            "marker": [" ".join(style.shape_of(c, names)[::-1]) for c in range(len(names))],
            "points": summary.class_counts.tolist(),
        },
        hide_index=True,
        width="stretch",
    )
    if summary.span_ratio >= 10:
        wide, narrow = ("x₂", "x₁") if summary.wider_feature else ("x₁", "x₂")
        ratio = (
            "infinitely"
            if summary.span_ratio == float("inf")
            else (f"{summary.span_ratio:,.0f} times")
        )
        st.warning(
            f"{wide} spreads {ratio} wider than {narrow}. KNN adds up raw differences, so "
            f"the neighbours are decided almost only by {wide}; the plot keeps both axes on "
            "the same scale to show this. The *Distances and scaling* page shows what "
            "rescaling the features does.",
            icon=":material/straighten:",
        )
    if summary.n_duplicates:
        conflicts = (
            f" {summary.n_conflicts} of these spots carry more than one label, so no k can "
            "get all of their points right."
            if summary.n_conflicts
            else ""
        )
        st.info(
            f"{summary.n_duplicates} point{'s' if summary.n_duplicates != 1 else ''} sit "
            "exactly on top of an earlier point (common with whole numbers). They are equally "
            "far from every query; among equal distances the lower row counts as nearer."
            + conflicts,
            icon=":material/layers:",
        )

plot_col, side_col = st.columns([3, 2], gap="medium")
side_col.header("Query point")
query = state.query_controls(side_col, bounds, your_data.PAGE)
trace = trace_query(model, query)
outline = ball_outline(query, trace.kept_distances[-1], metric, p=p)

regions = None
if show_regions:
    regions = your_data.decision_regions(data.key, k, metric, p, weights, k_max, bounds, data)

# 3. Figure.
fig = your_data.own_figure(
    data.X,
    model.y_codes_,
    names,
    (x_name, y_name),
    x_range=bounds[0],
    y_range=bounds[1],
    neighbourhood=figures.Neighbourhood(
        query=query,
        prediction_code=int(trace.winner_code),
        prediction_name=names[int(trace.winner_code)],
        neighbor_index=trace.kept,
        outline=outline,
        metric_label=state.METRIC_LABELS[metric],
    ),
    regions=regions,
)

# 4. Display.
with plot_col:
    knn_canvas(
        fig,
        preview=preview_payload(
            data.X,
            model.y_codes_,
            k=k,
            metric=metric,
            p=p,
            weights=weights,
            class_names=names,
            query=query,
        ),
        key="own_canvas",
        on_click=state.place_query,
    )
    views.plot_hint(
        "Move the pointer over the plot to preview the neighbours of any spot; click to place "
        "the query there. To save the picture as a PNG file, use the camera button in the "
        "plot's toolbar (top right of the plot).",
        "Touch the plot and slide your finger to preview the neighbours of any spot; lift it "
        "to place the query there. To save the picture as a PNG file, use the camera button "
        "in the plot's toolbar (top right of the plot).",
    )

with side_col:
    views.vote_panel(trace, names, weighted=weights == "distance")
    views.neighbour_table(trace, data.X, names)
    rows = ", ".join(str(r) for r in data.loaded.row_numbers[trace.kept].tolist())
    st.caption(f"In your file these neighbours are rows {rows} (the header is row 1).")

st.header("How well does KNN know your points?")
result = your_data.point_predictions(data.key, k, metric, p, weights, data)
column = your_data.prediction_column_name(data)
score_col, text_col = st.columns([1, 3])
tie_note = f" {result.n_tied:,} of these votes tied. {TIE_RULE}" if result.n_tied else ""
if result.left_out:
    score_col.metric("Leave-one-out accuracy", f"{result.accuracy:.1%}")
    text_col.markdown(
        "Each point is hidden in turn and predicted by the **other** points, with the k, "
        "distance and votes chosen in the sidebar: would KNN get it right if it had never "
        f"seen it? {result.n_correct:,} of {n:,} points are predicted right." + tie_note
    )
else:
    score_col.metric("Points predicted right", f"{result.accuracy:.1%}")
    text_col.markdown(
        f"With k = {k}, every one of the {n:,} points votes on every query, so no point can "
        "be left out of its own vote. These are **plain predictions** (each point votes for "
        "itself too); lower k for an honest leave-one-out test." + tie_note
    )
views.confusion_view(
    your_data.confusion(data.key, k, metric, p, weights, data),
    names,
    points="the points, each predicted by the others"
    if result.left_out
    else "the points, each predicted with its own vote",
    key="own_confusion",
)
st.download_button(
    "Download the data with predictions (CSV)",
    data=lambda: your_data.predictions_csv(data, result.prediction),
    file_name=your_data.download_name(data.name),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
st.caption(
    f"The file holds your two feature columns, your label column and a column “{column}”: "
    + (
        "the leave-one-out prediction of each point (from the other points only)."
        if result.left_out
        else "the plain prediction of each point (the point itself votes too)."
    )
    + " Other columns of your file are left out."
)
