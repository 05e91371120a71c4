"""A short description of a 2-D classification set, for a student who brought their own data.

:func:`summarize` counts the points per class and finds the two things that most often surprise
someone running KNN on their own table:

* **Very different scales.** KNN adds up raw differences, so a feature measured in thousands
  (income) drowns one measured in units (age): the neighbours are then decided by one feature
  alone. ``span_ratio`` says how much wider one feature's range is than the other's.
* **Points on top of each other.** Whole-number data (ages, counts, grades) often repeats the
  same coordinates; such points are exactly equally far from every query, so their order is
  decided by the tie rule (lower row first), and identical points with different labels can
  never both be predicted right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_array

__all__ = ["DataSummary", "summarize"]


@dataclass(frozen=True, eq=False)
class DataSummary:
    """Counts and checks of a 2-D classification set (see :func:`summarize`).

    Attributes
    ----------
    n_samples : int
        Number of points.
    classes : ndarray of shape (n_classes,)
        The sorted class labels.
    class_counts : ndarray of shape (n_classes,)
        Points per class, in the order of ``classes``.
    spans : ndarray of shape (2,)
        ``max - min`` of each feature.
    span_ratio : float
        The larger span divided by the smaller one (``inf`` when one feature is constant).
    n_duplicates : int
        Points whose coordinates exactly repeat those of an earlier point.
    n_conflicts : int
        Distinct coordinates that occur with more than one label.
    """

    n_samples: int
    classes: np.ndarray
    class_counts: np.ndarray
    spans: np.ndarray
    span_ratio: float
    n_duplicates: int
    n_conflicts: int

    @property
    def wider_feature(self) -> int:
        """Index (0 or 1) of the feature with the larger span."""
        return int(self.spans[1] > self.spans[0])


def summarize(X, y) -> DataSummary:
    """Count the classes, compare the feature ranges and find repeated points.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    DataSummary

    Examples
    --------
    >>> summary = summarize([[0, 0], [1, 100], [1, 100], [0, 0]], ["a", "b", "a", "a"])
    >>> summary.classes.tolist(), summary.class_counts.tolist()
    (['a', 'b'], [3, 1])
    >>> summary.span_ratio, summary.wider_feature
    (100.0, 1)
    >>> summary.n_duplicates, summary.n_conflicts
    (2, 1)
    """
    X = check_array(X, "X")
    if X.shape[1] != 2:
        raise ValueError(f"Expected X with 2 features, but got X with shape {X.shape}")
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(
            f"Expected y of shape ({len(X)},) to match X, but got y with shape {y.shape}"
        )
    classes, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    codes = codes.ravel()
    spans = X.max(axis=0) - X.min(axis=0)
    small, large = float(spans.min()), float(spans.max())
    if large == 0.0:
        ratio = 1.0
    elif small == 0.0:
        ratio = float("inf")
    else:
        ratio = large / small
    _, point_of, point_counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    point_of = point_of.ravel()
    n_duplicates = int((point_counts - 1).sum())
    # Distinct (point, label) pairs per distinct point: more than one means a conflict.
    pairs = np.unique(np.column_stack([point_of, codes]), axis=0)
    labels_per_point = np.bincount(pairs[:, 0], minlength=len(point_counts))
    return DataSummary(
        n_samples=len(X),
        classes=classes,
        class_counts=counts,
        spans=spans,
        span_ratio=ratio,
        n_duplicates=n_duplicates,
        n_conflicts=int((labels_per_point > 1).sum()),
    )
