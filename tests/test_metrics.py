"""The metric registry, and the one vote rule: every reader agrees with them."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from knn_core import metrics
from knn_core.datasets import make_dataset
from knn_core.evaluation import evaluate_by_k
from knn_core.geometry import ball_outline
from knn_core.leave_one_out import leave_one_out
from knn_core.lessons.neighbor_sets import DEFAULT_METRICS
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier
from knn_core.neighbors import METRICS, NeighborIndex, resolve_vote, top_classes
from knn_core.surface import decision_surface, neighbor_grid

CASES = [(name, 3.0) for name in metrics.METRICS] + [("minkowski", 1.5), ("minkowski", np.inf)]


def test_the_registry_is_the_engines_list_of_metrics():
    assert METRICS == tuple(metrics.METRICS)
    labels = [m.label for m in metrics.METRICS.values()]
    assert len(set(labels)) == len(labels)
    assert all(label.isalpha() for label in labels)  # one word: it is written into links
    assert DEFAULT_METRICS == ("euclidean", "manhattan", "chebyshev")
    assert [m.shape for m in metrics.METRICS.values()][:3] == ["circle", "diamond", "square"]


@pytest.mark.parametrize(("name", "p"), CASES)
def test_distance_norm_and_power_sum_agree_with_scipy(name, p):
    rng = np.random.default_rng(0)
    Q, X = rng.normal(size=(7, 2)), rng.normal(size=(11, 2))
    q = metrics.exponent(name, p)
    want = cdist(Q, X, "minkowski", p=q) if np.isfinite(q) else cdist(Q, X, "chebyshev")
    np.testing.assert_allclose(metrics.distance(Q, X, name, p), want, rtol=1e-12)
    diff = Q[:, None, :] - X[None, :, :]
    np.testing.assert_allclose(metrics.norm(q, diff[..., 0], diff[..., 1]), want, rtol=1e-12)
    ranked = metrics.power_sum(q, diff[..., 0], diff[..., 1])
    assert (np.argsort(ranked, axis=1) == np.argsort(want, axis=1)).all()


@pytest.mark.parametrize(("name", "p"), CASES)
def test_every_outline_vertex_is_at_the_radius_in_the_registrys_metric(name, p):
    xs, ys = ball_outline((0.5, -1.0), 2.0, name, p=p)
    d = metrics.distance(np.column_stack([xs, ys]), np.array([[0.5, -1.0]]), name, p)
    np.testing.assert_allclose(d.ravel(), 2.0, rtol=1e-9)


@pytest.mark.parametrize("name", list(metrics.METRICS))
def test_the_tree_is_used_exactly_when_the_registry_says_it_is_exact(name, monkeypatch):
    X, _ = make_dataset("moons", 200, 0.3, seed=1)
    Q = np.round(np.random.default_rng(2).normal(size=(50, 2)), 1)
    index = NeighborIndex(X, metric=name, p=3.0)
    assert (index.tree is not None) == metrics.METRICS[name].tree_exact
    brute = NeighborIndex(X[:49], metric=name, p=3.0)  # below the tree's size: brute force
    assert brute.tree is None
    tree_dist, tree_ind = index.query(Q, 9)
    monkeypatch.setattr(index, "tree", None)
    brute_dist, brute_ind = index.query(Q, 9)
    assert (tree_ind == brute_ind).all()
    np.testing.assert_allclose(tree_dist, brute_dist, rtol=1e-12)


def test_check_metric_names_what_is_allowed():
    with pytest.raises(ValueError, match="'euclidean', 'manhattan', 'chebyshev', 'minkowski'"):
        metrics.check_metric("cosine")
    with pytest.raises(ValueError, match="p >= 1"):
        ball_outline((0, 0), 1.0, "minkowski", p=0.5)


# --------------------------------------------------------------------------------------------
# One vote rule
# --------------------------------------------------------------------------------------------
def test_resolve_vote_breaks_ties_among_top_classes():
    scores = np.array([[2.0, 2.0, 1.0], [0.1 + 0.2, 0.3, 0.0], [0.0, 3.0, 1.0]])
    winner, tied = resolve_vote(scores)
    top = top_classes(scores)
    assert tied.tolist() == (top.sum(axis=1) > 1).tolist() == [True, True, False]
    assert winner.tolist() == np.argmax(top, axis=1).tolist() == [0, 0, 1]


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_every_vote_counter_agrees_with_the_classifiers_vote(weights):
    # Integer-valued data with 3 classes and even k: many exact distance and vote ties.
    X, y = make_dataset("uniform", 120, 0.0, seed=3, n_classes=3)
    X = np.round(X * 4)
    k = 4
    model = KNNClassifier(k, weights=weights).fit(X, y)
    gx = np.linspace(X[:, 0].min(), X[:, 0].max(), 23).round()
    gy = np.linspace(X[:, 1].min(), X[:, 1].max(), 19).round()
    cells = np.column_stack([np.repeat(gy, len(gx)), np.tile(gx, len(gy))])[:, ::-1]
    vote = model.vote(cells)
    assert vote.tied.any()  # the check below would be empty without ties

    # The trace (tie detection for the Step-by-step page) uses the same rule.
    for i in np.flatnonzero(vote.tied)[:20]:
        trace = trace_query(model, cells[i])
        assert trace.tied and trace.winner_code == vote.winner[i]
        top = top_classes(vote.scores[i])
        assert trace.tied_classes.tolist() == model.classes_[top].tolist()

    # The neighbour grid (decision regions and the hover preview) and the decision surface.
    grid = neighbor_grid(model, (gx[0], gx[-1]), (gy[0], gy[-1]), resolution=(23, 19), k_max=k)
    gxx, gyy = np.meshgrid(grid.xs, grid.ys)
    expect = model.vote(np.column_stack([gxx.ravel(), gyy.ravel()]))
    votes = grid.surface(k)
    assert (votes.codes.ravel() == expect.winner).all()
    assert (votes.tied.ravel() == expect.tied).all()
    _, _, labels = decision_surface(model, (gx[0], gx[-1]), (gy[0], gy[-1]), resolution=(23, 19))
    assert (labels.ravel() == model.classes_[expect.winner]).all()

    # Test accuracy and tie rate for every k (a running tally), and leave-one-out.
    sweep = evaluate_by_k(X, y, cells, model.predict(cells), k, weights=weights)
    assert sweep.accuracy[k - 1] == 1.0
    assert sweep.tie_rate[k - 1] == pytest.approx(vote.tied.mean())
    loo = leave_one_out(model)
    for i in range(0, len(X), 7):
        alone = KNNClassifier(k, weights=weights).fit(np.delete(X, i, 0), np.delete(y, i))
        one = alone.vote(X[i : i + 1])
        assert loo.tied[i] == one.tied[0]
        assert loo.prediction[i] == alone.classes_[one.winner[0]]
