"""KNN Classroom: the router. Page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="KNN Classroom", page_icon="⭐", layout="wide")

pages = [
    st.Page(
        "pages/playground.py", title="Playground", icon=":material/scatter_plot:", default=True
    ),
    st.Page("pages/your_data.py", title="Your own data", icon=":material/upload_file:"),
    st.Page("pages/quiz.py", title="Quiz", icon=":material/quiz:"),
]
st.navigation(pages).run()
