"""Quiz questions: where to put a query point so that guessing its class is worth a thought.

:func:`quiz_query` picks a spot in the plot area, reproducibly from a seed. Half of the time
(``boundary_share``) it picks a spot *near the decision boundary*, where the vote is close and
a student has to count the neighbours; otherwise a spot *near the data* (a training point moved
a little), where the vote is usually clear. Spots whose vote ties are avoided whenever possible,
so that every question has one answer without knowing the tie rule.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from knn_core._validation import check_fitted

__all__ = ["QuizQuestion", "quiz_query"]

#: The kinds of question :func:`quiz_query` asks.
KINDS = ("boundary", "data")
#: Fraction of the candidate spots, the closest votes, that a boundary question draws from.
_CLOSEST_SHARE = 0.1
#: Shrink the plot area by this fraction of its span on every side before placing candidates.
_INSET = 0.05
#: Standard deviation of the move of a training point, as a fraction of the plot span.
_JITTER = 0.04


@dataclass(frozen=True)
class QuizQuestion:
    """One quiz question: where the query is and how it was chosen.

    Attributes
    ----------
    query : tuple of float
        The query point ``(x, y)``, rounded to ``decimals`` places.
    kind : str
        ``"boundary"`` (a spot with a close vote) or ``"data"`` (near a training point).
    margin : float
        Lead of the winning class over the runner-up, as a share of the whole vote
        (0 = a tie, 1 = unanimous).
    """

    query: tuple[float, float]
    kind: str
    margin: float


def _check_range(value, name):
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"Expected {name} to be a pair (low, high), but got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"Expected {name} to be finite with low < high, but got {name} = ({low}, {high})"
        )
    return low, high


def _check_share(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(
            f"Expected boundary_share to be a number in [0, 1], but got boundary_share = {value!r}"
        )
    return float(value)


def _check_count(value, name, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"Expected {name} to be an integer >= {low}, but got {name} = {value!r}")
    return int(value)


def quiz_query(
    model, bounds, seed=0, *, boundary_share=0.5, n_candidates=400, decimals=2
) -> QuizQuestion:
    """Pick a query point for a quiz question, reproducibly from ``seed``.

    ``n_candidates`` spots are drawn and voted on by ``model`` (at its own ``n_neighbors``,
    metric and weights); spots with a tied vote are dropped unless every spot ties.

    * A *boundary* question (probability ``boundary_share``) draws the spots uniformly over
      the plot area (less a 5 % margin) and picks at random among the 10 % with the closest
      vote (the smallest lead of the winner over the runner-up).
    * A *data* question moves a random training point by a small random step (4 % of the plot
      span) and keeps it inside the area: a spot among the data, usually with a clear vote.

    Parameters
    ----------
    model : KNNClassifier
        A classifier fitted on 2 features.
    bounds : pair of pairs of float
        ``(x_range, y_range)``, each ``(low, high)``: the plot area, as from
        :func:`knn_core.geometry.plot_bounds`.
    seed : int, sequence of int or numpy.random.Generator, default=0
        Seed of the random choices (passed to ``numpy.random.default_rng``); the same seed,
        model and bounds give the same question. A sequence such as ``(data_seed, question)``
        gives each question number its own stream.
    boundary_share : float, default=0.5
        Probability of a boundary question, in [0, 1].
    n_candidates : int, default=400
        Spots drawn per question, >= 1.
    decimals : int, default=2
        The query is rounded to this many decimal places before the vote, so the point shown
        to a student is exactly the point asked about.

    Returns
    -------
    QuizQuestion
        ``query``, ``kind`` ("boundary" or "data") and the vote's ``margin``.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> X = [[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 6]]
    >>> model = KNNClassifier(3).fit(X, ["red", "red", "red", "blue", "blue", "blue"])
    >>> question = quiz_query(model, ((-1, 7), (-1, 7)), seed=(0, 1))
    >>> question == quiz_query(model, ((-1, 7), (-1, 7)), seed=(0, 1))
    True
    >>> question.kind in ("boundary", "data"), -1 <= question.query[0] <= 7
    (True, True)
    """
    check_fitted(model)
    if model.n_features_in_ != 2:
        raise ValueError(
            f"Expected a model fitted on 2 features, but it has {model.n_features_in_}"
        )
    try:
        x_range, y_range = bounds
    except (TypeError, ValueError):
        raise ValueError(
            f"Expected bounds to be (x_range, y_range), but got bounds = {bounds!r}"
        ) from None
    (x_lo, x_hi), (y_lo, y_hi) = _check_range(x_range, "x_range"), _check_range(y_range, "y_range")
    boundary_share = _check_share(boundary_share)
    n_candidates = _check_count(n_candidates, "n_candidates", 1)
    decimals = _check_count(decimals, "decimals", 0)

    rng = np.random.default_rng(seed)
    kind = "boundary" if rng.random() < boundary_share else "data"
    lo = np.array([x_lo, y_lo]) + _INSET * np.array([x_hi - x_lo, y_hi - y_lo])
    hi = np.array([x_hi, y_hi]) - _INSET * np.array([x_hi - x_lo, y_hi - y_lo])
    if kind == "boundary":
        spots = rng.uniform(lo, hi, size=(n_candidates, 2))
    else:
        X = model._fit_X
        rows = rng.integers(0, len(X), size=n_candidates)
        step = rng.normal(0.0, _JITTER, size=(n_candidates, 2)) * (hi - lo)
        spots = np.clip(X[rows] + step, lo, hi)
    spots = np.clip(np.round(spots, decimals), [x_lo, y_lo], [x_hi, y_hi])

    vote = model.vote(spots)
    ordered = np.sort(vote.scores, axis=1)
    total = ordered.sum(axis=1)
    runner_up = ordered[:, -2] if ordered.shape[1] > 1 else np.zeros(len(spots))
    margin = (ordered[:, -1] - runner_up) / total
    pool = np.flatnonzero(~vote.tied)
    if len(pool) == 0:
        pool = np.arange(len(spots))
    if kind == "boundary":
        n_close = max(1, int(np.ceil(_CLOSEST_SHARE * len(pool))))
        pool = pool[np.argsort(margin[pool], kind="stable")[:n_close]]
    pick = int(rng.choice(pool))
    return QuizQuestion(
        query=(float(spots[pick, 0]), float(spots[pick, 1])),
        kind=kind,
        margin=float(max(margin[pick], 0.0)),
    )
