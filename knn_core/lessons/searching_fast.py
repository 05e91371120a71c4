"""Searching fast: how a KD-tree finds the neighbours without measuring every distance.

The engine (:class:`knn_core.neighbors.NeighborIndex`) hands the search to
``scipy.spatial.cKDTree``. This module walks **that same tree** (its ``tree`` attribute:
``cKDTreeNode`` objects with ``split_dim``, ``split``, ``lesser``, ``greater`` and
``indices``) the way a KD-tree search works, and records every step:

1. *descend*: from the top box, follow the splits to the leaf box that holds the query;
2. *measure*: measure the distance to every point of that leaf, keep the best k so far;
3. *back up*: at each split passed on the way down, the other side is a box. The distance from
   the query to the nearest spot of that box (in the chosen metric) is a lower bound on the
   distance to any point inside it. If it is larger than the k-th best distance so far, no
   point in the box can be closer: *prune* it unmeasured. Otherwise *visit* it (descend into
   it, measure its leaves, back up inside it) and carry on.

The result is exactly the engine's: the same k neighbours in the same order, equal distances
listing the lower training index first. (A box exactly as far as the k-th best is visited, not
pruned: a point at that same distance with a lower index would come first.) Distances are
measured with the same function as the engine's brute force, so ties are decided on the same
numbers.

With ``max_leaves`` the search stops after measuring that many leaves: an *approximate*
search, the trade-off behind approximate nearest-neighbour indexes. Because the search is
depth-first, stopping after ``b`` leaves gives exactly the first ``b`` leaves of the full
search, so one full trace yields the whole recall-against-work curve
(:func:`recall_by_budget`).

Examples
--------
>>> import numpy as np
>>> from knn_core.neighbors import build_tree
>>> X = np.random.default_rng(0).random((200, 2))
>>> search = trace_search(build_tree(X), X, [0.5, 0.5], 3)
>>> search.indices.tolist() == [int(i) for i in np.argsort(((X - 0.5) ** 2).sum(1))[:3]]
True
>>> search.n_measured < len(X)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knn_core import metrics
from knn_core.neighbors import build_tree

__all__ = [
    "SearchStep",
    "Splits",
    "TreeSearch",
    "cost_by_features",
    "cost_by_size",
    "recall_by_budget",
    "search_window",
    "trace_search",
    "tree_height",
    "tree_splits",
]

#: Kinds of :class:`SearchStep`, in the words the page uses.
STEP_KINDS = ("descend", "measure", "visit", "prune", "stop")


@dataclass(frozen=True)
class SearchStep:
    """One step of the search.

    Attributes
    ----------
    kind : {"descend", "measure", "visit", "prune", "stop"}
        ``descend``: follow the splits from ``box`` down to the leaf on the query's side
        (``path``). ``measure``: measure every point of the leaf ``box`` (``measured``).
        ``visit`` / ``prune``: the decision about the box on the other side of a split, from
        ``box_distance`` against ``bound``. ``stop``: the leaf budget is spent.
    depth : int
        Depth in the tree of the node whose box this is (the top box is depth 0).
    lo, hi : ndarray of shape (n_features,)
        The node's box (the top box is the bounding box of the training points).
    box_distance : float
        Distance from the query to the nearest spot of the box (``visit`` / ``prune``; NaN
        otherwise).
    bound : float
        The k-th best distance so far when the step was taken (``inf`` while fewer than k
        points were measured).
    path : tuple of (int, float, str)
        ``descend``: the splits followed, as (feature, split value, ``"<"`` or ``">="``).
        ``visit`` / ``prune``: the one split backed up to, with the side of the box decided
        on (the side the query is not on).
    measured : ndarray of int
        ``measure`` only: the training indices measured in this step.
    best_indices, best_distances : ndarray
        The best k (or fewer) so far, after this step, nearest first.
    n_measured : int
        Distances measured so far, this step included.
    n_leaves : int
        Leaves measured so far, this step included.
    """

    kind: str
    depth: int
    lo: np.ndarray
    hi: np.ndarray
    box_distance: float
    bound: float
    path: tuple
    measured: np.ndarray
    best_indices: np.ndarray
    best_distances: np.ndarray
    n_measured: int
    n_leaves: int


@dataclass(frozen=True)
class TreeSearch:
    """A traced KD-tree search for one query (see :func:`trace_search`).

    Attributes
    ----------
    query : ndarray of shape (n_features,)
    k : int
    p : float
        Minkowski exponent of the metric (2 Euclidean, 1 Manhattan, ``inf`` Chebyshev).
    n_samples : int
        Training points: what a brute-force search measures.
    steps : tuple of SearchStep
    indices, distances : ndarray of shape (k,)
        The neighbours found, nearest first (equal distances: lower index first).
    n_measured : int
        Distances measured in all.
    n_leaves : int
        Leaves measured.
    n_leaves_total : int
        Leaves in the tree.
    complete : bool
        False if the leaf budget stopped the search early (the result may then miss some of
        the true neighbours).
    """

    query: np.ndarray
    k: int
    p: float
    n_samples: int
    steps: tuple[SearchStep, ...]
    indices: np.ndarray
    distances: np.ndarray
    n_measured: int
    n_leaves: int
    n_leaves_total: int
    complete: bool


class _Budget(Exception):
    """Raised inside the walk when the leaf budget is spent."""


def trace_search(tree, X, query, k, *, metric="euclidean", p=2.0, max_leaves=None) -> TreeSearch:
    """Search the k nearest training points of ``query`` in ``tree``, recording every step.

    Parameters
    ----------
    tree : scipy.spatial.cKDTree
        The engine's tree over ``X`` (see :func:`knn_core.neighbors.build_tree`).
    X : ndarray of shape (n_samples, n_features)
        The training points the tree was built on.
    query : array-like of shape (n_features,)
        The query point.
    k : int
        Number of neighbours, ``1 <= k <= n_samples``.
    metric : {"euclidean", "manhattan", "chebyshev", "minkowski"}, default="euclidean"
        Distance metric, as in the engine.
    p : float, default=2.0
        Minkowski exponent, used when ``metric="minkowski"``.
    max_leaves : int, optional
        Stop after measuring this many leaves (an approximate search). None: search until
        every box is visited or pruned (exact).

    Returns
    -------
    TreeSearch

    Examples
    --------
    A tree of 4 points with one point per leaf; the query sits on point 0:

    >>> import numpy as np
    >>> from scipy.spatial import cKDTree
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    >>> tree = cKDTree(X, leafsize=1, balanced_tree=False, compact_nodes=False)
    >>> s = trace_search(tree, X, [0.0, 0.0], 1)
    >>> s.indices.tolist(), s.n_measured, [step.kind for step in s.steps]
    ([0], 1, ['descend', 'measure', 'prune', 'prune'])
    """
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    q = np.asarray(query, dtype=np.float64).reshape(-1)
    if q.shape != (d,):
        raise ValueError(f"Expected query of {d} values, but got shape {q.shape}")
    k = int(k)
    if not 1 <= k <= n:
        raise ValueError(f"Expected 1 <= k <= n_samples, but n_samples = {n}, k = {k}")
    if tree.n != n or tree.m != d:
        raise ValueError(
            f"Expected a tree over X of shape {X.shape}, but the tree holds {tree.n} points "
            f"of {tree.m} features"
        )
    if max_leaves is not None and int(max_leaves) < 1:
        raise ValueError(f"Expected max_leaves >= 1 or None, but got {max_leaves}")
    exponent = metrics.exponent(metric, p)
    q_row = q[None, :]

    steps: list[SearchStep] = []
    best_i = np.empty(0, dtype=np.intp)
    best_d = np.empty(0, dtype=np.float64)
    counts = {"measured": 0, "leaves": 0}
    no_index = np.empty(0, dtype=np.intp)

    def bound() -> float:
        return float(best_d[k - 1]) if len(best_d) == k else np.inf

    def record(kind, depth, lo, hi, *, box_distance=np.nan, path=(), measured=no_index):
        steps.append(
            SearchStep(
                kind=kind,
                depth=depth,
                lo=lo.copy(),
                hi=hi.copy(),
                box_distance=float(box_distance),
                bound=bound(),
                path=tuple(path),
                measured=measured,
                best_indices=best_i.copy(),
                best_distances=best_d.copy(),
                n_measured=counts["measured"],
                n_leaves=counts["leaves"],
            )
        )

    def measure(node, lo, hi):
        nonlocal best_i, best_d
        if max_leaves is not None and counts["leaves"] >= max_leaves:
            record("stop", node.level, lo, hi)
            raise _Budget
        idx = np.asarray(node.indices, dtype=np.intp)
        dist = metrics.distance(q_row, X[idx], metric, p)[0]
        cand_i = np.concatenate([best_i, idx])
        cand_d = np.concatenate([best_d, dist])
        order = np.lexsort((cand_i, cand_d))[:k]  # by distance, then by index
        best_i, best_d = cand_i[order], cand_d[order]
        counts["measured"] += len(idx)
        counts["leaves"] += 1
        record("measure", node.level, lo, hi, measured=np.sort(idx))

    def enter(node, lo, hi):
        # Descend along the query's side to a leaf, remembering the other sides.
        others = []
        path = []
        top, top_lo, top_hi = node.level, lo, hi
        while node.split_dim != -1:
            dim, split = int(node.split_dim), float(node.split)
            lesser_hi, greater_lo = hi.copy(), lo.copy()
            lesser_hi[dim] = split
            greater_lo[dim] = split
            lesser = (node.lesser, lo, lesser_hi)
            greater = (node.greater, greater_lo, hi)
            if q[dim] < split:  # the side scipy's own query takes first
                (near, near_lo, near_hi), (far, far_lo, far_hi) = lesser, greater
                path.append((dim, split, "<"))
            else:
                (near, near_lo, near_hi), (far, far_lo, far_hi) = greater, lesser
                path.append((dim, split, ">="))
            far_side = (dim, split, ">=" if path[-1][2] == "<" else "<")
            others.append((far, far_lo, far_hi, far_side))
            node, lo, hi = near, near_lo, near_hi
        if path:
            record("descend", top, top_lo, top_hi, path=path)
        measure(node, lo, hi)
        # Back up: the deepest other side first.
        for far, far_lo, far_hi, far_side in reversed(others):
            nearest_spot = np.clip(q, far_lo, far_hi)[None, :]
            gap = float(metrics.distance(q_row, nearest_spot, metric, p)[0, 0])
            if gap > bound():
                record("prune", far.level, far_lo, far_hi, box_distance=gap, path=[far_side])
            else:
                record("visit", far.level, far_lo, far_hi, box_distance=gap, path=[far_side])
                enter(far, far_lo, far_hi)

    complete = True
    try:
        enter(tree.tree, np.asarray(tree.mins, float).copy(), np.asarray(tree.maxes, float).copy())
    except _Budget:
        complete = False
    return TreeSearch(
        query=q,
        k=k,
        p=exponent,
        n_samples=n,
        steps=tuple(steps),
        indices=best_i,
        distances=best_d,
        n_measured=counts["measured"],
        n_leaves=counts["leaves"],
        n_leaves_total=(int(tree.size) + 1) // 2,  # a binary tree of `size` nodes
        complete=complete,
    )


@dataclass(frozen=True)
class Splits:
    """The split lines of a tree's top levels (see :func:`tree_splits`).

    Attributes
    ----------
    depth, dim : ndarray of int, shape (n_splits,)
        Depth of the node (0 = top) and the feature it splits.
    value : ndarray of float, shape (n_splits,)
        Split value.
    lo, hi : ndarray of shape (n_splits, n_features)
        The box each split cuts in two.
    """

    depth: np.ndarray
    dim: np.ndarray
    value: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def tree_splits(tree, max_depth: int, *, window=None, max_splits=None) -> Splits:
    """Return the splits of the nodes down to depth ``max_depth`` (0 = the top split only).

    Nodes are read level by level, shallowest first, and only as far as needed, so a tree
    over 100,000 points costs little.

    Parameters
    ----------
    tree : scipy.spatial.cKDTree
    max_depth : int
        Deepest level read.
    window : tuple of (lo, hi) pairs, optional
        Plot ranges per feature: only nodes whose box meets the window are read (a zoomed
        view shows the deep splits near the query without reading the whole tree).
    max_splits : int, optional
        Stop after this many splits (the shallowest ones are kept).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.spatial import cKDTree
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 1.0], [11.0, 1.0]])
    >>> s = tree_splits(cKDTree(X, leafsize=1, balanced_tree=False, compact_nodes=False), 0)
    >>> s.depth.tolist(), s.dim.tolist(), s.value.tolist()
    ([0], [0], [5.5])
    """
    depth, dim, value, los, his = [], [], [], [], []
    if window is not None:
        w_lo = np.array([lo for lo, _ in window], dtype=np.float64)
        w_hi = np.array([hi for _, hi in window], dtype=np.float64)
    level = [(tree.tree, np.asarray(tree.mins, float), np.asarray(tree.maxes, float))]
    while level and (max_splits is None or len(depth) < max_splits):
        deeper = []
        for node, lo, hi in level:
            if node.split_dim == -1 or node.level > max_depth:
                continue
            if window is not None and (np.any(lo > w_hi) or np.any(hi < w_lo)):
                continue
            if max_splits is not None and len(depth) >= max_splits:
                break
            j, v = int(node.split_dim), float(node.split)
            depth.append(int(node.level))
            dim.append(j)
            value.append(v)
            los.append(lo)
            his.append(hi)
            lesser_hi, greater_lo = hi.copy(), lo.copy()
            lesser_hi[j] = v
            greater_lo[j] = v
            deeper.append((node.lesser, lo, lesser_hi))
            deeper.append((node.greater, greater_lo, hi))
        level = deeper
    m = tree.m
    return Splits(
        depth=np.asarray(depth, dtype=np.intp),
        dim=np.asarray(dim, dtype=np.intp),
        value=np.asarray(value, dtype=np.float64),
        lo=np.asarray(los, dtype=np.float64).reshape(-1, m),
        hi=np.asarray(his, dtype=np.float64).reshape(-1, m),
    )


def tree_height(tree) -> int:
    """Return the depth of the deepest leaf (0 when the whole tree is one leaf).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.spatial import cKDTree
    >>> X = np.arange(8.0).reshape(4, 2)
    >>> tree_height(cKDTree(X, leafsize=1, balanced_tree=False, compact_nodes=False))
    2
    """
    deepest = 0
    stack = [tree.tree]
    while stack:
        node = stack.pop()
        if node.split_dim == -1:
            deepest = max(deepest, int(node.level))
        else:
            stack.extend((node.lesser, node.greater))
    return deepest


def search_window(search: TreeSearch, X, bounds, *, pad=0.25, reach=4.0):
    """Return square plot ranges ``((x0, x1), (y0, y1))`` around what a 2-D search measured.

    The window holds the query, every measured point, the ball out to the k-th distance and
    the nearest spot of every box decided on within ``reach`` times that distance (a box
    farther away can be far across the plot; only its near edge shows), widened by ``pad`` of
    its size on each side, made square (the plot keeps equal scales) and kept within
    ``bounds`` (the whole plot's ranges) where it fits.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).random((5_000, 2))
    >>> s = trace_search(build_tree(X), X, [0.5, 0.5], 3)
    >>> (x0, x1), (y0, y1) = search_window(s, X, ((0.0, 1.0), (0.0, 1.0)))
    >>> bool(x1 - x0 < 0.2 and x0 < 0.5 < x1 and np.isclose(x1 - x0, y1 - y0))
    True
    """
    measured = [s.measured for s in search.steps if s.kind == "measure"]
    points = np.asarray(X, dtype=np.float64)[np.concatenate(measured)][:, :2]
    q = search.query[:2]
    kth = float(search.distances[-1])
    spots = [
        np.clip(search.query, s.lo, s.hi)[:2]
        for s in search.steps
        if s.kind in ("visit", "prune") and s.box_distance <= reach * kth
    ]
    points = np.vstack([points, *spots]) if spots else points
    lo = np.minimum(points.min(axis=0), q - kth)
    hi = np.maximum(points.max(axis=0), q + kth)
    (bx0, bx1), (by0, by1) = bounds
    full = np.array([bx1 - bx0, by1 - by0], dtype=np.float64)
    side = max(float((hi - lo).max()) * (1 + 2 * pad), 0.02 * float(full.max()))
    side = min(side, float(full.max()))
    centre = (lo + hi) / 2
    start = centre - side / 2
    # Slide the window back inside the plot where it fits, so no empty margin is shown.
    start = np.clip(start, [bx0, by0], np.maximum([bx1 - side, by1 - side], [bx0, by0]))
    return (
        (float(start[0]), float(start[0] + side)),
        (float(start[1]), float(start[1] + side)),
    )


def recall_by_budget(search: TreeSearch, true_indices) -> tuple[np.ndarray, np.ndarray]:
    """Return (distances measured, recall) after each leaf of a full search.

    Stopping the depth-first search after ``b`` leaves gives exactly its first ``b`` leaves,
    so entry ``b - 1`` is what a search with ``max_leaves=b`` measures and finds. Recall is
    the share of ``true_indices`` (the exact k neighbours) among the best k found so far.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(1).random((500, 2))
    >>> s = trace_search(build_tree(X), X, [0.3, 0.6], 5)
    >>> work, recall = recall_by_budget(s, s.indices)
    >>> bool(recall[-1] == 1.0 and np.all(np.diff(work) > 0))
    True
    """
    truth = np.asarray(true_indices)
    leaves = [s for s in search.steps if s.kind == "measure"]
    work = np.array([s.n_measured for s in leaves], dtype=np.intp)
    recall = np.array([np.isin(truth, s.best_indices).mean() for s in leaves], dtype=np.float64)
    return work, recall


def _mean_measured(X, queries, k, metric, p) -> float:
    tree = build_tree(X)
    measured = [trace_search(tree, X, q, k, metric=metric, p=p).n_measured for q in queries]
    return float(np.mean(measured))


def cost_by_size(make_points, sizes, queries, k, *, metric="euclidean", p=2.0) -> np.ndarray:
    """Return the mean number of distances the tree measures per query, for each size.

    Parameters
    ----------
    make_points : callable
        ``make_points(n)`` returns ``n`` training points (an ndarray of shape ``(n, d)``).
    sizes : sequence of int
        Numbers of training points. Brute force measures exactly that many per query.
    queries : ndarray of shape (n_queries, d)
        The queries, the same at every size.
    k : int
        Number of neighbours (capped at each size).
    metric, p
        As in :func:`trace_search`.

    Returns
    -------
    ndarray of shape (len(sizes),)

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> cost = cost_by_size(lambda n: rng.random((n, 2)), [100, 10_000], rng.random((5, 2)), 1)
    >>> bool(cost[1] < 0.01 * 10_000)
    True
    """
    return np.array(
        [_mean_measured(make_points(int(n)), queries, min(k, int(n)), metric, p) for n in sizes]
    )


def cost_by_features(
    n_samples, features, k, *, n_queries=10, metric="euclidean", p=2.0, seed=0
) -> np.ndarray:
    """Return the mean number of distances the tree measures per query, for each dimension.

    Training points and queries are uniform in the unit cube of each dimension (the classic
    setting of the curse of dimensionality). As the dimension grows, the boxes next to the
    query's leaf stop being far enough to prune, and the tree measures a growing share of the
    ``n_samples`` points, all of them in the end.

    Examples
    --------
    >>> cost = cost_by_features(2_000, [2, 12], 1, n_queries=3)
    >>> bool(cost[0] < 0.05 * 2_000 < cost[1])
    True
    """
    rng = np.random.default_rng(seed)
    out = []
    for d in features:
        X = rng.random((int(n_samples), int(d)))
        Q = rng.random((int(n_queries), int(d)))
        out.append(_mean_measured(X, Q, k, metric, p))
    return np.asarray(out)
