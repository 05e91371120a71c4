"""KNN Classroom: the router. Page config and navigation, nothing else."""

import streamlit as st

from knn_ui import router

st.set_page_config(page_title="KNN Classroom", page_icon="⭐", layout="wide")

pages = [
    st.Page(
        "pages/playground.py", title="Playground", icon=":material/scatter_plot:", default=True
    ),
    st.Page("pages/step_by_step.py", title="Step by step", icon=":material/footprint:"),
    st.Page("pages/choosing_k.py", title="Choosing k", icon=":material/tune:"),
    st.Page("pages/regression.py", title="Regression", icon=":material/show_chart:"),
    st.Page("pages/distances.py", title="Distances and scaling", icon=":material/straighten:"),
    st.Page("pages/experiment.py", title="The tutorial's experiment", icon=":material/science:"),
    st.Page("pages/searching_fast.py", title="Searching fast", icon=":material/speed:"),
    st.Page("pages/your_data.py", title="Your own data", icon=":material/upload_file:"),
    st.Page("pages/quiz.py", title="Quiz", icon=":material/quiz:"),
    st.Page("pages/class_mode.py", title="Class mode", icon=":material/groups:"),
]
router.run(pages)  # run the page in the URL, then report what its link could not set
