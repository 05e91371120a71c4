"""KNN Classroom: the router. Page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="KNN Classroom", page_icon="⭐", layout="wide")

pages = [
    st.Page(
        "pages/playground.py", title="Playground", icon=":material/scatter_plot:", default=True
    ),
]
st.navigation(pages).run()
