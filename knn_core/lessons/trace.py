"""A step-by-step trace of one query: every number the step-through page and vote panel show.

:func:`trace_query` runs one query through the fitted model's own engine and records each stage
of the algorithm in a frozen :class:`QueryTrace`:

1. **Distances** from the query to every training point, in training order.
2. **Sort** them (a stable sort: equal distances keep the lower training index first).
3. **Keep** the first k.
4. **Weigh** the kept neighbours (all 1, or ``1 / distance`` with ``weights="distance"``).
5. **Tally** the votes per class and pick the winner; a tied vote is broken by
   :data:`knn_core.neighbors.TIE_RULE` and explained in a sentence.

The kept neighbours, weights, tally and prediction are taken from the model's vote
(:meth:`KNNClassifier.vote <knn_core.models.KNNClassifier.vote>`), so the trace agrees exactly
with ``model.kneighbors`` and ``model.predict``; the full ranking comes from the same engine
(``model.kneighbors`` with every training point).

Tutorial variables
------------------
The trace also holds the variables of the tutorial's ``knn()`` function::

    distances = np.sum((new - train) ** 2, axis=1)      # squared: ranking needs no sqrt
    k_closest = distances.argsort()[:k]
    values = np.take(labels, k_closest)

``QueryTrace.tutorial_distances`` is the tutorial's ``distances``: for the Euclidean metric the
*squared* distance, which ranks the points exactly like the true distance (squaring is
increasing) but is not the distance itself. A page should show the true distance
(``QueryTrace.distances``, the radius of the drawn neighbourhood, the numbers in the neighbour
table) and, next to the tutorial's code, the squared value labelled as such, e.g.
"distance 2.0 (the tutorial's code compares the squared distance, 4.0)". For the other metrics
the same trick means leaving out the final root: ``sum |dx| ** p`` for Minkowski; Manhattan and
Chebyshev take no root, so there the two arrays are equal. ``k_closest`` and ``values`` are the
kept indices and their labels. The tutorial's plain ``argsort()`` is not stable, so with exactly
equal distances it may list tied points in another order; the app always keeps the lower index
first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from knn_core._validation import check_array, check_fitted
from knn_core.metrics import exponent, power_sum
from knn_core.neighbors import TIE_RULE, top_classes

__all__ = ["QueryTrace", "trace_query"]


@dataclass(frozen=True, eq=False)
class QueryTrace:
    """Every stage of classifying one query point (see :func:`trace_query`).

    All arrays are read-only. Indices are training-row indices (0-based); class codes are
    indices into ``classes``.

    Attributes
    ----------
    query : ndarray of shape (n_features,)
        The query point.
    k : int
        Number of neighbours that vote.
    metric : str
        Distance metric: "euclidean", "manhattan", "chebyshev" or "minkowski".
    p : float
        Minkowski exponent (meaningful for "minkowski").
    weights : str
        "uniform" (one vote each) or "distance" (weight ``1 / distance``).
    distances : ndarray of shape (n_samples,)
        True metric distance from the query to every training point, in training order.
    order : ndarray of shape (n_samples,)
        Training indices sorted by distance; equal distances keep the lower index first.
    ranks : ndarray of shape (n_samples,)
        ``ranks[i]`` is the 0-based position of training point ``i`` in ``order``.
    kept : ndarray of shape (k,)
        The k nearest training indices, ``order[:k]`` (exactly ``model.kneighbors``).
    kept_distances : ndarray of shape (k,)
        Their distances, ascending; ``kept_distances[-1]`` is the neighbourhood radius.
    kept_codes : ndarray of shape (k,)
        Their class codes.
    kept_labels : ndarray of shape (k,)
        Their labels, ``classes[kept_codes]``.
    kept_weights : ndarray of shape (k,)
        Their vote weights: all 1 for "uniform"; ``1 / distance`` for "distance", except that
        when the query sits exactly on training points only those points vote (weight 1, the
        others 0), as in scikit-learn.
    classes : ndarray of shape (n_classes,)
        The model's ``classes_``.
    tally : ndarray of shape (n_classes,)
        Votes (or summed weights) per class.
    tied : bool
        True when more than one class shares the top of the tally.
    tied_classes : ndarray
        The labels at the top of the tally (only the winner when not tied).
    tie_rule : str
        How a tied vote is broken (:data:`knn_core.neighbors.TIE_RULE`).
    tie_explanation : str or None
        A sentence for the UI saying which classes tied and who won, or None when not tied.
    winner_code : int
        Class code of the prediction.
    prediction : object
        The predicted label, ``classes[winner_code]`` (exactly ``model.predict``).
    share : float
        The winner's share of the tally, ``tally[winner_code] / tally.sum()``.
    left_out_at_radius : ndarray of int
        Training points exactly as far as the k-th neighbour that were *not* kept (equal
        distances go to the lower index); empty in the usual case.
    distance_tie_explanation : str or None
        A sentence explaining ``left_out_at_radius``, or None when it is empty.
    tutorial_distances : ndarray of shape (n_samples,)
        The tutorial's ``distances``: squared distance for "euclidean" (see the module notes).
    """

    query: np.ndarray
    k: int
    metric: str
    p: float
    weights: str
    distances: np.ndarray
    order: np.ndarray
    ranks: np.ndarray
    kept: np.ndarray
    kept_distances: np.ndarray
    kept_codes: np.ndarray
    kept_labels: np.ndarray
    kept_weights: np.ndarray
    classes: np.ndarray
    tally: np.ndarray
    tied: bool
    tied_classes: np.ndarray
    tie_rule: str
    tie_explanation: str | None
    winner_code: int
    prediction: object
    share: float
    left_out_at_radius: np.ndarray
    distance_tie_explanation: str | None
    tutorial_distances: np.ndarray = field(repr=False)

    def __post_init__(self):
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    @property
    def radius(self):
        """Distance to the k-th neighbour: the neighbourhood drawn around the query."""
        return float(self.kept_distances[-1])

    @property
    def k_closest(self):
        """The tutorial's ``k_closest``: the kept training indices, nearest first."""
        return self.kept

    @property
    def values(self):
        """The tutorial's ``values = np.take(labels, k_closest)``: the kept labels."""
        return self.kept_labels


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------
def _join(words):
    words = list(words)
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _number(value):
    return f"{value:.4g}"


def _class_namer(classes, class_names):
    if class_names is None:
        return lambda code: str(classes[code])
    if isinstance(class_names, Mapping):
        return lambda code: str(class_names.get(classes[code], classes[code]))
    names = list(class_names)
    if len(names) != len(classes):
        raise ValueError(
            f"Expected class_names to have one name per class ({len(classes)}), but got "
            f"{len(names)} names"
        )
    return lambda code: str(names[code])


def _tie_sentence(tied_codes, winner, tally, weights, name):
    names = [name(c) for c in tied_codes]
    both = "both" if len(names) == 2 else "all"
    top = tally[winner]
    if weights == "uniform":
        n_votes = int(round(top))
        amount = f"{n_votes} vote{'s' if n_votes != 1 else ''}"
    else:
        amount = f"a total weight of {_number(top)}"
    return (
        f"{_join(names)} {both} have {amount}, so the vote is tied. {TIE_RULE} "
        f"Here that is {name(winner)}."
    )


def _distance_tie_sentence(kept, left_out, radius, k):
    kept_word = "point" if len(kept) == 1 else "points"
    out_word = "point" if len(left_out) == 1 else "points"
    kept_txt = _join(f"#{int(i)}" for i in kept)
    out_txt = _join(f"#{int(i)}" for i in left_out)
    return (
        f"Training {out_word} {out_txt} {'is' if len(left_out) == 1 else 'are'} exactly as far "
        f"from the query ({_number(radius)}) as the k-th neighbour but "
        f"{'was' if len(left_out) == 1 else 'were'} left out: only k = {k} neighbours vote, and "
        f"equal distances go to the lower training index ({kept_word} {kept_txt} kept)."
    )


def _python_scalar(value):
    return value.item() if isinstance(value, np.generic) else value


# --------------------------------------------------------------------------------------------
# trace_query
# --------------------------------------------------------------------------------------------
def trace_query(model, query, *, class_names=None):
    """Trace how a fitted classifier predicts one query point, stage by stage.

    Parameters
    ----------
    model : KNNClassifier
        A fitted classifier.
    query : array-like of shape (n_features,) or (1, n_features)
        The point to classify.
    class_names : sequence of str or mapping, optional
        Display names used in the explanation sentences: one name per class code (in the order
        of ``model.classes_``), or a mapping from label to name. By default the labels.

    Returns
    -------
    QueryTrace
        Distances, the sorted order, the kept neighbours, their weights, the tally, the
        prediction and, when the vote tied, a sentence saying how the tie was broken.

    Raises
    ------
    ValueError
        If the model is not fitted or ``query`` is not one finite point with the model's
        number of features.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> X = [[0, 0], [3, 0], [0, 4], [6, 0]]
    >>> model = KNNClassifier(2).fit(X, ["red", "blue", "red", "blue"])
    >>> t = trace_query(model, [0, 0], class_names={"red": "Red", "blue": "Blue"})
    >>> t.distances.tolist()
    [0.0, 3.0, 4.0, 6.0]
    >>> t.kept.tolist(), t.kept_labels.tolist(), t.tally.tolist()
    ([0, 1], ['red', 'blue'], [1.0, 1.0])
    >>> t.tied, t.prediction, t.share
    (True, 'blue', 0.5)
    >>> t.tie_explanation.startswith("Blue and Red both have 1 vote, so the vote is tied.")
    True
    >>> t.tutorial_distances.tolist()  # the tutorial compares squared distances
    [0.0, 9.0, 16.0, 36.0]
    """
    check_fitted(model)
    q = check_array(query, "query", ensure_2d=False)
    n_features = int(model.n_features_in_)
    if q.ndim == 2 and q.shape[0] != 1:
        raise ValueError(
            f"Expected query to be one point, shape ({n_features},) or (1, {n_features}), but "
            f"got shape {q.shape}"
        )
    q = q.reshape(-1)
    if q.shape[0] != n_features:
        raise ValueError(
            f"Expected query to have {n_features} features (as the training data), but got "
            f"{q.shape[0]}"
        )

    classes = model.classes_
    n_samples = int(model.n_samples_fit_)
    k = int(model.n_neighbors)
    Q = q[None, :]

    # Stages 3-5 from the model's one vote: exactly what predict and kneighbors answer.
    vote = model.vote(Q)
    kept = np.asarray(vote.ind[0], dtype=np.intp)
    kept_distances = np.asarray(vote.dist[0], dtype=float)
    kept_codes = np.asarray(vote.codes[0], dtype=np.intp)
    kept_weights = np.asarray(vote.weights[0], dtype=float)
    tally_ = np.asarray(vote.scores[0], dtype=float)
    winner = int(vote.winner[0])
    tied = bool(vote.tied[0])

    # Stages 1-2: the whole ranking from the same engine. The kept neighbours lead it.
    all_dist, all_ind = model.kneighbors(Q, n_neighbors=n_samples)
    all_dist, all_ind = all_dist[0], np.asarray(all_ind[0], dtype=np.intp)
    distances = np.empty(n_samples)
    distances[all_ind] = all_dist
    distances[kept] = kept_distances
    rest = all_ind[~np.isin(all_ind, kept)]
    order = np.concatenate([kept, rest])
    ranks = np.empty(n_samples, dtype=np.intp)
    ranks[order] = np.arange(n_samples)

    name = _class_namer(classes, class_names)
    top = tally_[winner]
    if tied:
        tied_codes = np.flatnonzero(top_classes(tally_))
        tie_explanation = _tie_sentence(tied_codes, winner, tally_, model.weights, name)
    else:
        tied_codes = np.array([winner])
        tie_explanation = None

    radius = kept_distances[-1]
    left_out = rest[distances[rest] == radius]
    if len(left_out):
        kept_at_radius = kept[kept_distances == radius]
        distance_tie = _distance_tie_sentence(kept_at_radius, left_out, radius, k)
    else:
        distance_tie = None

    X = np.asarray(model._fit_X)
    return QueryTrace(
        query=q,
        k=k,
        metric=model.metric,
        p=float(model.p),
        weights=model.weights,
        distances=distances,
        order=order,
        ranks=ranks,
        kept=kept,
        kept_distances=kept_distances,
        kept_codes=kept_codes,
        kept_labels=classes[kept_codes],
        kept_weights=kept_weights,
        classes=classes,
        tally=tally_,
        tied=tied,
        tied_classes=classes[tied_codes],
        tie_rule=TIE_RULE,
        tie_explanation=tie_explanation,
        winner_code=winner,
        prediction=_python_scalar(classes[winner]),
        share=float(top / tally_.sum()),
        left_out_at_radius=left_out,
        distance_tie_explanation=distance_tie,
        tutorial_distances=power_sum(exponent(model.metric, model.p), *(q - X).T),
    )
