"""summarize(): class counts, feature spans and repeated points, by hand and against loops."""

import numpy as np
import pytest

from knn_core.lessons.data_summary import summarize


def test_hand_worked_example():
    X = [[0, 0], [1, 100], [1, 100], [0, 0], [0.5, 50]]
    summary = summarize(X, ["a", "b", "a", "a", "c"])
    assert summary.n_samples == 5
    assert summary.classes.tolist() == ["a", "b", "c"]
    assert summary.class_counts.tolist() == [3, 1, 1]
    assert summary.spans.tolist() == [1.0, 100.0]
    assert summary.span_ratio == 100.0
    assert summary.wider_feature == 1
    assert summary.n_duplicates == 2  # rows 2 and 3 repeat rows 1 and 0
    assert summary.n_conflicts == 1  # (1, 100) is both "b" and "a"; (0, 0) is "a" twice


def test_constant_feature_gives_infinite_ratio_and_constant_data_ratio_one():
    assert summarize([[1, 0], [1, 5]], [0, 1]).span_ratio == float("inf")
    assert summarize([[1, 1], [1, 1]], [0, 1]).span_ratio == 1.0


def test_against_plain_python_loops():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(50, 2)).astype(float)
    y = rng.integers(0, 2, size=50)
    summary = summarize(X, y)
    seen, duplicates, labels = set(), 0, {}
    for point, label in zip(map(tuple, X), y, strict=True):
        duplicates += point in seen
        seen.add(point)
        labels.setdefault(point, set()).add(int(label))
    assert summary.n_duplicates == duplicates
    assert summary.n_conflicts == sum(len(v) > 1 for v in labels.values())
    assert summary.class_counts.tolist() == [int((y == 0).sum()), int((y == 1).sum())]


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        ([[0, 0, 0]], [0], "2 features"),
        ([[0, 0], [1, 1]], [0], "y of shape"),
        ([[0, np.nan]], [0], "X"),
    ],
)
def test_bad_input_is_named(X, y, message):
    with pytest.raises(ValueError, match=message):
        summarize(X, y)
