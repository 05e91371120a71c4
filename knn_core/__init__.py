"""knn_core: the tested k-nearest-neighbours engine behind every picture of KNN Classroom.

numpy and scipy only; this package never imports streamlit or plotly.
"""
