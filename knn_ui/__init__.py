"""Streamlit views, figures, state and the plot component of KNN Classroom (no KNN maths)."""

# Plotly looks pandas up in sys.modules without importing it. Were another session's thread
# halfway through importing pandas at that moment, Plotly would read a half-made module
# ("partially initialized module 'pandas' has no attribute 'Series'"; seen with 20 sessions
# opening at once). Importing it here, under Python's import lock, before any page draws a
# figure, rules that out.
import pandas  # noqa: F401
