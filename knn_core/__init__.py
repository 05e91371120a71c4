"""knn_core: the tested k-nearest-neighbours engine behind every picture of KNN Classroom.

numpy and scipy only; this package never imports streamlit or plotly.

Examples
--------
>>> from knn_core import KNNClassifier, make_dataset
>>> X, y = make_dataset("blobs", 50, 0.3, seed=0)
>>> KNNClassifier(3).fit(X, y).predict([[1.0, 1.0], [5.0, 5.0]]).tolist()
[0, 1]
"""

from knn_core.csv_io import CSVError, inspect_csv, load_csv, to_csv
from knn_core.datasets import (
    DATASETS,
    blobs,
    circles,
    make_dataset,
    moons,
    noisy_sine,
    spiral,
    train_test_split,
    uniform,
    xor,
)
from knn_core.edits import Edit, EditRefused, apply_edits, decode_edits, encode_edits
from knn_core.evaluation import accuracy_by_k, cross_val_accuracy_by_k, tie_rate_by_k
from knn_core.geometry import ball_outline, plot_bounds
from knn_core.lessons.projection import distance_ratio_curve, pca
from knn_core.lessons.trace import QueryTrace, trace_query
from knn_core.lessons.tutorial import KNN, gen_data, knn
from knn_core.models import KNNClassifier, KNNRegressor, VoteResult
from knn_core.neighbors import TIE_RULE
from knn_core.surface import decision_surface, neighbor_grid

__all__ = [
    "DATASETS",
    "KNN",
    "TIE_RULE",
    "CSVError",
    "Edit",
    "EditRefused",
    "KNNClassifier",
    "KNNRegressor",
    "QueryTrace",
    "VoteResult",
    "accuracy_by_k",
    "apply_edits",
    "ball_outline",
    "blobs",
    "circles",
    "cross_val_accuracy_by_k",
    "decision_surface",
    "decode_edits",
    "distance_ratio_curve",
    "encode_edits",
    "gen_data",
    "inspect_csv",
    "knn",
    "load_csv",
    "make_dataset",
    "moons",
    "neighbor_grid",
    "noisy_sine",
    "pca",
    "plot_bounds",
    "spiral",
    "tie_rate_by_k",
    "to_csv",
    "trace_query",
    "train_test_split",
    "uniform",
    "xor",
]
