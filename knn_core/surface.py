"""Decision surfaces and neighbour grids over a 2-D plot area.

Everything here asks the fitted model's own engine for neighbours and votes
(:meth:`KNNClassifier.vote <knn_core.models.KNNClassifier.vote>`,
:meth:`~knn_core.models.KNNClassifier.kneighbors` and the vote helpers of
:mod:`knn_core.neighbors`), so a shaded region and a prediction can never disagree about
ties.

Grid convention
---------------
A grid over ``x_range`` x ``y_range`` with ``resolution = (nx, ny)`` has the cell centres
``xs = np.linspace(*x_range, nx)`` and ``ys = np.linspace(*y_range, ny)`` (both ends included).
Arrays over the grid have shape ``(ny, nx)``: entry ``[i, j]`` belongs to the point
``(xs[j], ys[i])``, so row ``i`` runs along x at height ``ys[i]`` (the layout Plotly's
``Heatmap(x=xs, y=ys, z=...)`` and ``np.meshgrid(xs, ys)`` use). Flattened, cell ``(i, j)`` is
query ``i * nx + j``.

Three entry points:

* :func:`decision_surface` - the predicted label (and the winning share) of every cell.
* :func:`neighbor_grid` - a :class:`NeighborGrid` that keeps the ``k_max`` nearest neighbours of
  every cell, so that moving a k slider (or switching the vote weights) only re-counts votes.
* :func:`decision_boundary` - the lines between a grid's classes, through points where the
  model's own vote changes, found between cell centres to a small fraction of a cell.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from knn_core._validation import check_fitted, check_n_neighbors, check_weights
from knn_core.metrics import norm as _metric_norm
from knn_core.neighbors import neighbor_weights, resolve_vote, tally

__all__ = [
    "GridVote",
    "NeighborGrid",
    "decision_boundary",
    "decision_surface",
    "grid_axes",
    "neighbor_grid",
    "region_fields",
    "vote_strength",
]

#: Upper bound on grid cells per axis (a 2,000 x 2,000 grid is already far finer than a screen).
MAX_RESOLUTION = 2000
#: Halvings of a cell edge when a boundary crossing is looked for on it: the crossing is then
#: within 1/64 of a cell of a point where the vote changes (a hundredth of a pixel at 120 cells
#: across a 500-pixel plot).
BOUNDARY_REFINE = 6
#: Rounds that fit a region field's values to its exact crossings (see _fit_crossings).
FIT_ROUNDS = 6
#: Cells x neighbours handled per engine call, to bound memory on fine grids with large k.
_CHUNK_ENTRIES = 2_000_000


# --------------------------------------------------------------------------------------------
# Validation and grid helpers
# --------------------------------------------------------------------------------------------
def _check_range(value, name):
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"Expected {name} to be a pair (low, high) of numbers, but got {name} = {value!r}"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"Expected {name} to be finite, but got {name} = ({low!r}, {high!r})")
    if not low < high:
        raise ValueError(f"Expected {name} with low < high, but got {name} = ({low!r}, {high!r})")
    return low, high


def _check_count(value, name):
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"Expected {name} to be an integer in [2, {MAX_RESOLUTION}], but got "
            f"{name} = {value!r} of type {type(value).__name__}"
        )
    value = int(value)
    if not 2 <= value <= MAX_RESOLUTION:
        raise ValueError(
            f"Expected {name} to be an integer in [2, {MAX_RESOLUTION}], but got {name} = {value}"
        )
    return value


def _check_resolution(resolution):
    if isinstance(resolution, tuple | list | np.ndarray):
        if len(resolution) != 2:
            raise ValueError(
                "Expected resolution to be an int or a pair (nx, ny), but got "
                f"resolution = {resolution!r}"
            )
        return (
            _check_count(resolution[0], "resolution[0] (nx)"),
            _check_count(resolution[1], "resolution[1] (ny)"),
        )
    n = _check_count(resolution, "resolution")
    return n, n


def grid_axes(x_range, y_range, resolution=200):
    """Return the cell-centre coordinates ``(xs, ys)`` of a grid over a plot area.

    Parameters
    ----------
    x_range, y_range : pair of float
        ``(low, high)`` of each axis, ``low < high``; both ends are cell centres.
    resolution : int or pair of int, default=200
        Cells per axis, or ``(nx, ny)``; each between 2 and :data:`MAX_RESOLUTION`.

    Returns
    -------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)

    Examples
    --------
    >>> xs, ys = grid_axes((0, 1), (0, 2), (3, 2))
    >>> xs.tolist(), ys.tolist()
    ([0.0, 0.5, 1.0], [0.0, 2.0])
    """
    x0, x1 = _check_range(x_range, "x_range")
    y0, y1 = _check_range(y_range, "y_range")
    nx, ny = _check_resolution(resolution)
    return np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)


def _grid_queries(xs, ys):
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _check_2d_model(model):
    check_fitted(model)
    n_features = getattr(model, "n_features_in_", None)
    if n_features != 2:
        raise ValueError(
            "Expected a model fitted on 2 features (a surface is drawn over a plane), but "
            f"the model was fitted on n_features_in_ = {n_features}"
        )


def _chunks(n_rows, k):
    step = max(1, _CHUNK_ENTRIES // max(1, k))
    return [slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def _winning_share(scores, winner):
    total = scores.sum(axis=-1)
    won = np.take_along_axis(scores, winner[..., None], axis=-1)[..., 0]
    return won / total


# --------------------------------------------------------------------------------------------
# Block certificates (decision_surface with uniform votes)
# --------------------------------------------------------------------------------------------
# Neighbouring cells of a grid mostly share their vote. Take a block of cells with centre c
# and circumradius r in the model's metric: for every cell q of the block and every training
# point x, |d(q, x) - d(c, x)| <= d(q, c) <= r (triangle inequality). Let D(x) = d(c, x) over a
# row of points known to contain every training point with D < R, and D_k, D_k+1 the k-th and
# (k+1)-th smallest D in the row. Then, for every cell q of the block:
#
# * the k nearest neighbours of q are among the candidates C = {x : D(x) <= D_k + 2r} (the k
#   nearest of c are within D_k + r of q), provided D_k + 2r < R: every candidate is known;
# * x is surely one of them if D(x) + 2r < D_k+1: at most k points (x included) can then be
#   as near to q as x, however equal distances are ordered.
#
# So q's neighbours are the sure ones plus the (k - #sure) nearest of the open candidates
# (C minus the sure ones). If one class beats every other for every such choice (strictly, so
# no vote tie is ever involved), the block is certified and all its cells get that class.
# Otherwise its four sub-blocks inherit the problem "sure class counts + choose the kk nearest
# among the open candidates", which holds for each of their cells too, and solve it the same
# way from their own centres in numpy, down to single cells (r = 0). A block whose candidates
# were not all fetched has its sub-blocks ask the tree again, if that is expected to be
# cheaper than the per-cell search; the cells left go through the model's own per-cell vote.
# r is inflated by a margin thousands of times the rounding error of any distance (tree,
# cdist or numpy), so a certified cell equals the per-cell vote exactly, ties included.

#: Grids with fewer cells skip the certificate (its set-up costs more than it saves).
_CERTIFY_MIN_CELLS = 1024
#: Block edge (in cells) of the first, coarsest level; each further level halves it.
_CERTIFY_FIRST_BLOCK = 8
#: Block edge of the last level (1 would let single cells re-rank their block's candidates;
#: measured slower than the per-cell search here).
_CERTIFY_LAST_BLOCK = 2
#: Blocks smaller than this never ask the tree (a query would cost about as much as the
#: per-cell votes it might save); they only re-rank the candidates of their parent.
_CERTIFY_TREE_MIN_BLOCK = 2
#: Neighbours a block may fetch from the tree, in multiples of k (a block expected to need
#: more is not queried: its sub-blocks are).
_CERTIFY_FETCH = (2, 4, 8)
#: Expected candidates of a sub-block: ``_CERTIFY_WANT * k * ((d_k + 2r) / d_k)**2 + 4``.
_CERTIFY_WANT = 1.25
#: A block asks the tree only if it expects to need at most this share of the neighbours
#: its cells would fetch one by one.
_CERTIFY_QUERY_SHARE = 0.5
#: Minkowski exponents above this skip the certificate (|d|^p under- and overflows).
_CERTIFY_MAX_P = 32.0


def _distance_margin(model, xs, ys, p):
    """Return a bound, far above rounding, on the error of any computed distance.

    None if the distances may under- or overflow (no certificate then).
    """
    X = model._fit_X
    scale = max(float(np.abs(X).max()), abs(xs[0]), abs(xs[-1]), abs(ys[0]), abs(ys[-1]))
    # A computed distance (cKDTree, cdist or numpy) is within a few ulps of the true one, and
    # every distance here is at most 4 * scale: 4e-12 * scale is thousands of ulps.
    margin = 4e-12 * scale + 1e-300
    if p == 1.0 or np.isinf(p):
        return margin
    if p > _CERTIFY_MAX_P:
        return None
    with np.errstate(over="ignore"):
        if not np.isfinite((8.0 * scale) ** p):
            return None
    # Sums of |diff| ** p lose their precision below the smallest normal number.
    return margin + 10.0 * (1e-290) ** (1.0 / p)


def _blocks(xs, ys, bi, bj, b):
    """Return centres and half-extents of the blocks ``(bi, bj)`` of ``b x b`` cells."""
    i0, j0 = bi * b, bj * b
    i1, j1 = np.minimum(i0 + b, len(ys)) - 1, np.minimum(j0 + b, len(xs)) - 1
    cx, cy = 0.5 * (xs[j0] + xs[j1]), 0.5 * (ys[i0] + ys[i1])
    hx = np.maximum(xs[j1] - cx, cx - xs[j0])
    hy = np.maximum(ys[i1] - cy, cy - ys[i0])
    return np.column_stack([cx, cy]), hx, hy


def _certify_rows(D, codes, R, radius, kk, base, n_classes, presorted=False):
    """Certify blocks from the distances ``D`` (rows padded with inf) of their centres.

    Every cell of block ``i`` has as neighbours the ones already sure (their class counts are
    ``base[i]``) plus the ``kk[i]`` nearest of the points in row ``i``, and every training
    point missing from the row is at least ``R[i]`` from the centre. Returns ``(winner,
    complete, open_, sure_counts, free, d_kk)``: the certified class code (-1 if none),
    whether every candidate is in the row, the candidates not yet sure, the new sure class
    counts, the number of neighbours still to choose and the kk-th smallest distance.
    ``presorted``: the rows of ``D`` are ascending.
    """
    B, W = D.shape
    ordered = D if presorted else np.sort(D, axis=1)
    reach = 2.0 * radius
    row = np.arange(B)
    d_kk = ordered[row, kk - 1]
    above = np.minimum(np.where(kk < W, ordered[row, np.minimum(kk, W - 1)], np.inf), R)
    bound = d_kk + reach
    complete = bound < R
    cand = D <= bound[:, None]
    sure = D < (above - reach)[:, None]  # among the first kk, and surely among q's nearest
    open_ = cand & ~sure
    flat = codes + n_classes * np.arange(B)[:, None]
    size = B * n_classes
    s = base + np.bincount(flat[sure], minlength=size).reshape(B, n_classes)
    u = np.bincount(flat[open_], minlength=size).reshape(B, n_classes)
    free = kk - sure.sum(axis=1)
    low = s + np.maximum(0, free[:, None] - (u.sum(axis=1, keepdims=True) - u))  # fewest votes
    high = s + np.minimum(u, free[:, None])  # most votes per class
    best = np.argmax(low, axis=1)
    high[row, best] = -1
    ok = complete & (low[row, best] > high.max(axis=1))
    return np.where(ok, best, -1), complete, open_, s, free, d_kk


def _padded(starts, lengths, flat, width):
    """Return the lists ``flat[starts[i] : starts[i] + lengths[i]]`` as -1-padded rows."""
    cols = np.arange(width)
    valid = cols < lengths[:, None]
    return np.where(valid, flat[np.where(valid, starts[:, None] + cols, 0)], -1)


def _certified_winners(model, xs, ys):
    """Return the ``(ny, nx)`` class codes certified by blocks, -1 where a cell needs a vote."""
    nx, ny = len(xs), len(ys)
    winner = np.full((ny, nx), -1, dtype=np.intp)
    if model.weights != "uniform" or nx * ny < _CERTIFY_MIN_CELLS:
        return winner
    p = float(model._index.p)
    margin = _distance_margin(model, xs, ys, p)
    if margin is None:
        return winner
    X = model._fit_X
    y_codes = model._y_codes
    n = int(model.n_samples_fit_)
    k = int(model.n_neighbors)
    n_classes = len(model.classes_)
    tree = model._index.tree

    def query(centres, K):
        if tree is None:
            return model._index.query(centres, K)
        D, ind = tree.query(centres, K, p=p, workers=-1)
        return D.reshape(len(centres), K), ind.reshape(len(centres), K)

    # Row widths: neighbours fetched from the tree, and bins of inherited candidate lists.
    widths = np.unique([min(n, int(np.ceil(f * k)) + 4) for f in _CERTIFY_FETCH])
    quadrants = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])

    b = _CERTIFY_FIRST_BLOCK
    bi, bj = (a.ravel() for a in np.mgrid[0 : -(-ny // b), 0 : -(-nx // b)])
    # Blocks [:n_tree] ask the tree for about as many neighbours as they are expected to need
    # (from their parent's d_k, dk_hint). Blocks [n_tree:] lie in a parent block whose sure
    # neighbours (class counts in_base) they share: they choose the in_kk nearest among the
    # parent's open candidates, in_flat[in_start : in_start + in_len].
    n_tree = len(bi)
    dk_hint = None
    in_start = in_len = in_kk = in_flat = np.zeros(0, dtype=np.intp)
    in_base = np.zeros((0, n_classes), dtype=np.intp)
    while len(bi):
        centres, hx, hy = _blocks(xs, ys, bi, bj, b)
        radius = _metric_norm(p, hx, hy) * (1.0 + 1e-9) + margin
        if dk_hint is None:
            want = np.full(n_tree, widths[min(1, len(widths) - 1)])
        else:
            hint = dk_hint[:n_tree]
            with np.errstate(divide="ignore", invalid="ignore"):
                grow = np.where(hint > 0, (hint + 2.0 * radius[:n_tree]) / hint, np.inf)
            want = _CERTIFY_WANT * k * grow**2 + 4
            # Not worth a query: about as costly as the per-cell searches of the block.
            want[want > _CERTIFY_QUERY_SHARE * (k + 1) * b * b] = np.inf
        # Groups of rows of one width: (block positions, D, training indices, R, kk, base,
        # whether D is sorted).
        groups = []
        fetch = np.searchsorted(widths, want)  # len(widths): too many to fetch, not asked
        for g, K in enumerate(widths.tolist()):
            rows = np.flatnonzero(fetch == g)
            if len(rows):
                D, ind = query(centres[rows], K)
                R = np.full(len(rows), np.inf) if K == n else D[:, -1]
                kk = np.full(len(rows), k)
                base = np.zeros((len(rows), n_classes), dtype=np.intp)
                groups.append((rows, D, ind, R, kk, base, True))
        size_bin = np.searchsorted(widths, in_len)
        for g in range(len(widths)):
            local = np.flatnonzero(size_bin == g)
            if len(local):
                ind = _padded(in_start[local], in_len[local], in_flat, int(in_len[local].max()))
                rows = n_tree + local
                Xi = X[ind]
                c = centres[rows]
                D = _metric_norm(p, Xi[..., 0] - c[:, 0, None], Xi[..., 1] - c[:, 1, None])
                D[ind < 0] = np.inf
                R = np.full(len(local), np.inf)  # the open candidates hold every choice left
                groups.append((rows, D, ind, R, in_kk[local], in_base[local], False))
        got = np.full(len(bi), -1, dtype=np.intp)
        complete = np.zeros(len(bi), dtype=bool)
        d_k = np.full(len(bi), np.inf)
        c_len, c_start, c_free = (np.zeros(len(bi), dtype=np.intp) for _ in range(3))
        c_base = np.zeros((len(bi), n_classes), dtype=np.intp)
        c_parts, offset = [], 0
        for rows, D, ind, R, kk, base, presorted in groups:
            g_got, g_complete, open_, s, free, g_dk = _certify_rows(
                D, y_codes[ind], R, radius[rows], kk, base, n_classes, presorted
            )
            got[rows], complete[rows], d_k[rows] = g_got, g_complete, g_dk
            c_base[rows], c_free[rows] = s, free
            lengths = open_.sum(axis=1)
            c_len[rows] = lengths
            c_start[rows] = offset + np.cumsum(lengths) - lengths
            offset += int(lengths.sum())
            c_parts.append(ind[open_])  # row by row: the open candidate lists, concatenated
        c_flat = np.concatenate(c_parts) if c_parts else np.zeros(0, dtype=np.intp)
        good = got >= 0
        level = np.full((-(-ny // b), -(-nx // b)), -1, dtype=np.intp)
        level[bi[good], bj[good]] = got[good]
        cells = np.repeat(np.repeat(level, b, axis=0), b, axis=1)[:ny, :nx]
        np.copyto(winner, cells, where=cells >= 0)
        if b <= _CERTIFY_LAST_BLOCK:
            break
        # Sub-blocks of the blocks left undecided: choose among the open candidates of a parent
        # that knew them all (and not too many), else ask the tree (not below the smallest
        # size). A parent with nothing left to choose is an exact vote tie: the engine's.
        b //= 2
        pass_on = ~good & complete & (c_free > 0) & (c_len <= widths[-1])
        ask = ~good & ~complete & (b >= _CERTIFY_TREE_MIN_BLOCK)
        if dk_hint is not None:
            d_k = np.where(np.isfinite(d_k), d_k, dk_hint)  # not asked: keep the hint
        src = np.repeat(np.concatenate([np.flatnonzero(ask), np.flatnonzero(pass_on)]), 4)
        quad = np.tile(quadrants, (len(src) // 4, 1))
        bi, bj = 2 * bi[src] + quad[:, 0], 2 * bj[src] + quad[:, 1]
        keep = (bi * b < ny) & (bj * b < nx)
        n_tree = int(keep[: 4 * int(ask.sum())].sum())
        bi, bj, src = bi[keep], bj[keep], src[keep]
        parent = src[n_tree:]
        in_len, in_kk, in_base = c_len[parent], c_free[parent], c_base[parent]
        in_start = np.cumsum(in_len) - in_len
        in_flat = c_flat[np.repeat(c_start[parent] - in_start, in_len) + np.arange(in_len.sum())]
        dk_hint = d_k[src]
    return winner


# --------------------------------------------------------------------------------------------
# decision_surface
# --------------------------------------------------------------------------------------------
def decision_surface(model, x_range, y_range, resolution=200, *, return_confidence=False):
    """Predict every cell of a grid over a 2-D plot area.

    The grid cells go through the model's own vote (:meth:`KNNClassifier.vote`), so each cell
    gets exactly the label ``model.predict`` gives that point, ties included. With uniform
    weights and ``return_confidence=False``, blocks of neighbouring cells whose vote is proven
    to be the same for every cell (by the triangle inequality, from one neighbour search at the
    block centre) get that label without a search per cell; only the cells no block could
    decide go through the vote one by one. The labels are the same either way.

    Parameters
    ----------
    model : KNNClassifier
        A classifier fitted on 2 features.
    x_range, y_range : pair of float
        ``(low, high)`` of each axis, ``low < high``; both ends are cell centres.
    resolution : int or pair of int, default=200
        Cells per axis, or ``(nx, ny)``.
    return_confidence : bool, default=False
        Also return the winning share of every cell.

    Returns
    -------
    xs : ndarray of shape (nx,)
        x of the cell centres, ``np.linspace(*x_range, nx)``.
    ys : ndarray of shape (ny,)
        y of the cell centres, ``np.linspace(*y_range, ny)``.
    labels : ndarray of shape (ny, nx)
        ``labels[i, j]`` is the predicted label (an element of ``model.classes_``) at
        ``(xs[j], ys[i])``.
    confidence : ndarray of shape (ny, nx), optional
        The winning class's share of the votes (or of the summed weights with
        ``weights="distance"``), the maximum of ``predict_proba``: 1 where the neighbours agree,
        ``1 / n_classes`` at worst. Only returned with ``return_confidence=True``.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(1).fit([[0, 0], [4, 0]], ["red", "blue"])
    >>> xs, ys, labels = decision_surface(model, (0, 4), (0, 1), (5, 2))
    >>> xs.tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0]
    >>> labels.tolist()
    [['red', 'red', 'red', 'blue', 'blue'], ['red', 'red', 'red', 'blue', 'blue']]

    ``x = 2`` is equally far from both points: the lower training index (red) is nearer first.
    """
    xs, ys = grid_axes(x_range, y_range, resolution)
    _check_2d_model(model)
    Q = _grid_queries(xs, ys)
    shape = (len(ys), len(xs))
    if return_confidence:
        winner = np.empty(len(Q), dtype=np.intp)
        share = np.empty(len(Q))
        for part in _chunks(len(Q), int(model.n_neighbors)):
            vote = model.vote(Q[part])
            winner[part] = vote.winner
            share[part] = _winning_share(vote.scores, vote.winner)
    else:
        winner = _certified_winners(model, xs, ys).ravel()
        rest = np.flatnonzero(winner < 0)
        for part in _chunks(len(rest), int(model.n_neighbors)):
            winner[rest[part]] = model.vote(Q[rest[part]]).winner
    labels = model.classes_[winner].reshape(shape)
    if return_confidence:
        return xs, ys, labels, share.reshape(shape)
    return xs, ys, labels


# --------------------------------------------------------------------------------------------
# NeighborGrid
# --------------------------------------------------------------------------------------------
class GridVote(NamedTuple):
    """The vote of every grid cell at one k (a tuple: ``codes, confidence, tied``)."""

    #: ``(ny, nx)`` intp: the winning class code of each cell, an index into ``classes``.
    codes: np.ndarray
    #: ``(ny, nx)`` float: the winning share of the votes (or of the summed weights).
    confidence: np.ndarray
    #: ``(ny, nx)`` bool: True where more than one class shared the top of the vote.
    tied: np.ndarray


class NeighborGrid:
    """The ``k_max`` nearest neighbours of every cell of a grid, searched once.

    Build it with :func:`neighbor_grid`. Any ``k <= k_max`` (and either vote weighting) is then
    answered by re-counting the kept neighbours' votes, without a new neighbour search: the
    k nearest neighbours are the first k of the ``k_max`` nearest, because the engine's order
    is deterministic (ascending distance, equal distances by lower training index).

    Attributes
    ----------
    model : KNNClassifier
        The fitted classifier that was searched (for :func:`decision_boundary`).
    xs : ndarray of shape (nx,)
        x of the cell centres.
    ys : ndarray of shape (ny,)
        y of the cell centres.
    k_max : int
        Neighbours kept per cell.
    classes : ndarray of shape (n_classes,)
        The model's ``classes_``.
    weights : str
        The model's vote weighting, used when :meth:`surface` is not given one.
    dist : ndarray of shape (ny * nx, k_max)
        Distances to the kept neighbours, ascending along each row.
    ind : ndarray of shape (ny * nx, k_max)
        Training indices of the kept neighbours.
    codes : ndarray of shape (ny * nx, k_max)
        Class codes of the kept neighbours (the smallest unsigned integer type that fits).

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> X = [[0, 0], [1, 0], [3, 0], [4, 0]]
    >>> model = KNNClassifier(3).fit(X, [0, 0, 1, 1])
    >>> grid = neighbor_grid(model, (0, 4), (0, 1), (5, 2), k_max=3)
    >>> grid.surface(1).codes[0].tolist()
    [0, 0, 0, 1, 1]
    >>> grid.surface(3).codes[0].tolist()
    [0, 0, 0, 1, 1]
    >>> grid.ind[2, :2].tolist()  # x = 2 is equally far from points 1 and 2
    [1, 2]
    """

    def __init__(self, model, xs, ys, dist, ind, codes, k_max):
        self.model = model
        self.xs = xs
        self.ys = ys
        self.dist = dist
        self.ind = ind
        self.codes = codes
        self.classes = model.classes_
        self.weights = model.weights
        self.k_max = k_max

    @property
    def shape(self):
        """``(ny, nx)``, the shape of every per-cell array."""
        return len(self.ys), len(self.xs)

    def _check_k(self, k):
        k = check_n_neighbors(k, np.iinfo(np.int64).max, name="k")  # an integer >= 1
        if k > self.k_max:
            raise ValueError(
                f"Expected k <= k_max (the neighbours kept per cell), but k_max = {self.k_max}, "
                f"k = {k}; build the grid with a larger k_max"
            )
        return k

    def surface(self, k, *, weights=None):
        """Re-vote every cell with its ``k`` nearest kept neighbours.

        Parameters
        ----------
        k : int
            Number of neighbours that vote, ``1 <= k <= k_max``.
        weights : {"uniform", "distance"}, optional
            Vote weighting; by default the model's.

        Returns
        -------
        GridVote
            ``(codes, confidence, tied)``, each of shape ``(ny, nx)``: the winning class code
            (an index into ``classes``), its share of the vote, and whether the vote tied
            (broken by :data:`knn_core.neighbors.TIE_RULE`).

        Examples
        --------
        >>> from knn_core.models import KNNClassifier
        >>> model = KNNClassifier(2).fit([[0, 0], [2, 0]], ["a", "b"])
        >>> vote = neighbor_grid(model, (0, 2), (0, 1), (3, 2), k_max=2).surface(2)
        >>> vote.codes[0].tolist(), vote.tied[0].tolist()
        ([0, 0, 0], [True, True, True])
        """
        k = self._check_k(k)
        weights = self.weights if weights is None else check_weights(weights)
        n_classes = len(self.classes)
        winner = np.empty(len(self.dist), dtype=np.intp)
        share = np.empty(len(self.dist))
        tied = np.empty(len(self.dist), dtype=bool)
        for part in _chunks(len(self.dist), k):
            dist = self.dist[part, :k]
            scores = tally(self.codes[part, :k], neighbor_weights(dist, weights), n_classes)
            winner[part], tied[part] = resolve_vote(scores)
            share[part] = _winning_share(scores, winner[part])
        shape = self.shape
        return GridVote(winner.reshape(shape), share.reshape(shape), tied.reshape(shape))

    def labels(self, k, *, weights=None):
        """Return the ``(ny, nx)`` predicted labels at ``k``, ``classes[surface(k).codes]``.

        Parameters
        ----------
        k : int
            Number of neighbours that vote, ``1 <= k <= k_max``.
        weights : {"uniform", "distance"}, optional
            Vote weighting; by default the model's.

        Returns
        -------
        ndarray of shape (ny, nx)
        """
        return self.classes[self.surface(k, weights=weights).codes]


def neighbor_grid(model, x_range, y_range, resolution=200, k_max=None):
    """Search the ``k_max`` nearest neighbours of every cell of a grid, once.

    Parameters
    ----------
    model : KNNClassifier
        A classifier fitted on 2 features. Its metric is used for the search and its
        ``weights`` become the grid's default vote weighting; its ``n_neighbors`` does not
        limit ``k_max``.
    x_range, y_range : pair of float
        ``(low, high)`` of each axis, ``low < high``; both ends are cell centres.
    resolution : int or pair of int, default=200
        Cells per axis, or ``(nx, ny)``.
    k_max : int, optional
        Neighbours to keep per cell, ``1 <= k_max <= n_samples``; by default the model's
        ``n_neighbors``.

    Returns
    -------
    NeighborGrid

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(1).fit([[0, 0], [1, 1], [2, 0]], [0, 1, 0])
    >>> grid = neighbor_grid(model, (0, 2), (0, 1), 20, k_max=3)
    >>> grid.dist.shape, grid.shape
    ((400, 3), (20, 20))
    """
    xs, ys = grid_axes(x_range, y_range, resolution)
    _check_2d_model(model)
    n_samples = int(model.n_samples_fit_)
    k_max = int(model.n_neighbors) if k_max is None else k_max
    k_max = check_n_neighbors(k_max, n_samples, name="k_max")
    Q = _grid_queries(xs, ys)
    index_dtype = np.int32 if n_samples < np.iinfo(np.int32).max else np.intp
    dist = np.empty((len(Q), k_max))
    ind = np.empty((len(Q), k_max), dtype=index_dtype)
    for part in _chunks(len(Q), k_max):
        dist[part], ind[part] = model.kneighbors(Q[part], n_neighbors=k_max)
    # Class codes in the smallest unsigned type (memory: a 160 x 160 grid at k_max = 50 keeps
    # 1.3 million neighbours; the tally widens them again).
    code_dtype = np.min_scalar_type(max(len(model.classes_) - 1, 0))
    codes = np.asarray(model._y_codes).astype(code_dtype)[ind]
    return NeighborGrid(model, xs, ys, dist, ind, codes, k_max)


# --------------------------------------------------------------------------------------------
# Decision boundary
# --------------------------------------------------------------------------------------------
def decision_boundary(model, xs, ys, codes, *, n_neighbors=None, refine=BOUNDARY_REFINE):
    """Trace the lines between a grid's predicted classes through exact crossings.

    Wherever two neighbouring cell centres (along a row or a column) get different classes,
    the edge between them is halved ``refine`` times by the model's own vote
    (:meth:`KNNClassifier.vote <knn_core.models.KNNClassifier.vote>`, ties included), so the
    crossing lies within ``2**-refine`` of a cell of a point where the vote changes. Inside
    each square of four cell centres the crossings are joined (marching squares): two
    crossings by a segment; at a saddle (two classes on the diagonals) the vote at the
    square's centre decides which corners are cut off; where three or four classes meet, every
    crossing is joined to their mean, a junction. Segments are then chained into polylines.

    The lines cut across cells, so they show no staircase of the grid however coarse it is;
    a boundary that turns inside one cell is drawn straight across it.

    Parameters
    ----------
    model : KNNClassifier
        The classifier fitted on 2 features that gave ``codes``.
    xs, ys : ndarray of shape (nx,) and (ny,)
        Cell centres, ascending (see :func:`grid_axes`).
    codes : ndarray of shape (ny, nx)
        Class code of each cell centre (an index into ``model.classes_``), e.g.
        ``NeighborGrid.surface(k).codes``.
    n_neighbors : int, optional
        Voters; by default the model's ``n_neighbors``. Must be the k that gave ``codes``.
    refine : int, default=BOUNDARY_REFINE
        Halvings of each crossed edge.

    Returns
    -------
    x, y : ndarray of shape (n_vertices,)
        The polylines' vertices one after another, each polyline followed by a NaN in both
        (a gap, as Plotly draws it). Empty when the grid holds one class.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(1).fit([[0, 0], [3, 0]], ["red", "blue"])
    >>> xs, ys = np.linspace(0, 3, 4), np.linspace(0, 1, 2)
    >>> codes = neighbor_grid(model, (0, 3), (0, 1), (4, 2)).surface(1).codes
    >>> x, y = decision_boundary(model, xs, ys, codes, refine=10)
    >>> np.round(x, 3).tolist(), y.tolist()
    ([1.5, 1.5, nan], [0.0, 1.0, nan])
    """
    xs, ys, codes, k = _check_traced(model, xs, ys, codes, n_neighbors)

    def vote(points):
        return _vote(model, points, k).winner

    start, end, edge_ids = _cut_edges(xs, ys, codes)
    start_code = _grid_at(codes, edge_ids, len(xs))
    crossings = _bisect(start, end, lambda mid: vote(mid) == start_code, refine)
    points, segments, _ = _march(xs, ys, codes, crossings, edge_ids, vote)
    return _chain(points, segments)


def vote_strength(share, n_classes):
    """Return how clear a vote was: 0 at the closest possible vote, 1 when it was unanimous.

    ``share`` is the winning class's share of the vote (of the summed weights), at least
    ``1 / n_classes``; the strength rescales it to [0, 1] (one class: always 1).

    Examples
    --------
    >>> vote_strength(np.array([0.5, 0.75, 1.0]), 2).tolist()
    [0.0, 0.5, 1.0]
    """
    if n_classes == 1:
        return np.ones_like(share, dtype=float)
    lowest = 1.0 / n_classes
    return np.clip((share - lowest) / (1.0 - lowest), 0.0, 1.0)


def region_fields(model, xs, ys, codes, share, *, levels, n_neighbors=None, refine=BOUNDARY_REFINE):
    """Fields over a grid whose 0.5 contours are the exact edges of a class's vote-strength areas.

    For every class ``c`` and level ``t`` of ``levels``, the area where the model predicts
    ``c`` with :func:`vote_strength` at least ``t`` (with ``t = 0``, the class's region) has
    its edge found like :func:`decision_boundary`'s: crossings on the edges between cell
    centres, halved ``refine`` times by the model's own vote, joined inside each square. The
    field is then 0.5 plus half the signed distance to that edge (positive inside) in units of
    the longer cell edge, clipped to [0, 1]. Along an edge between two cell centres a signed
    distance to a straight line varies linearly, so a contour drawn by linear interpolation
    between cell centres (Plotly's) passes through the exact crossings: shaded areas with
    straight edges, no staircase of the grid, meeting the boundary line.

    Parameters
    ----------
    model : KNNClassifier
        The classifier fitted on 2 features that gave ``codes`` and ``share``.
    xs, ys : ndarray of shape (nx,) and (ny,)
        Cell centres, ascending (see :func:`grid_axes`).
    codes, share : ndarray of shape (ny, nx)
        The winning class code and its share of the vote at each cell centre, e.g.
        ``NeighborGrid.surface(k)``'s ``codes`` and ``confidence``.
    levels : sequence of float
        Vote strengths in [0, 1], ascending.
    n_neighbors : int, optional
        Voters; by default the model's ``n_neighbors``. Must be the k that gave ``codes``.
    refine : int, default=BOUNDARY_REFINE
        Halvings of each crossed edge.

    Returns
    -------
    ndarray of shape (n_classes, len(levels), ny, nx), float32
        In [0, 1]; above 0.5 inside the area.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(1).fit([[0, 0], [3, 0]], ["red", "blue"])
    >>> vote = neighbor_grid(model, (0, 3), (0, 1), (4, 2)).surface(1)
    >>> xs, ys = np.linspace(0, 3, 4), np.linspace(0, 1, 2)
    >>> field = region_fields(model, xs, ys, vote.codes, vote.confidence, levels=[0.0])
    >>> model.classes_.tolist()
    ['blue', 'red']
    >>> np.round(field[1, 0, 0], 2).tolist()  # red's region ends at x = 1.5, halfway
    [1.0, 0.75, 0.25, 0.0]
    """
    xs, ys, codes, k = _check_traced(model, xs, ys, codes, n_neighbors)
    n_classes = len(model.classes_)
    levels = np.asarray(levels, dtype=float)
    strength = vote_strength(np.asarray(share, dtype=float), n_classes)
    ny, nx = codes.shape
    # One binary area per (class, level); their crossed edges are bisected together, so the
    # model votes once per halving for all of them.
    areas = [(c, t) for c in range(n_classes) for t in range(len(levels))]
    inside = [(codes == c) & (strength >= levels[t]) for c, t in areas]
    cuts = [_cut_edges(xs, ys, area.astype(np.int8)) for area in inside]
    rows = np.repeat(np.arange(len(areas)), [len(ids) for _, _, ids in cuts])
    start = np.concatenate([s for s, _, _ in cuts]) if len(rows) else np.empty((0, 2))
    end = np.concatenate([e for _, e, _ in cuts]) if len(rows) else np.empty((0, 2))
    row_class = np.array([c for c, _ in areas])[rows]
    row_level = levels[np.array([t for _, t in areas])[rows]]
    start_inside = np.concatenate(
        [_grid_at(area, ids, nx) for area, (_, _, ids) in zip(inside, cuts, strict=True)]
    ).astype(bool)

    def same_side(mid):
        # Areas that cut the same edge share its first midpoints: each point is voted once.
        keys, back = np.unique(mid.view(np.complex128).ravel(), return_inverse=True)
        vote = _vote(model, np.column_stack([keys.real, keys.imag]), k)
        winner = vote.winner[back.ravel()]
        strong = vote_strength(_winning_share(vote.scores, vote.winner), n_classes)[back.ravel()]
        return ((winner == row_class) & (strong >= row_level)) == start_inside

    crossings = _bisect(start, end, same_side, refine)
    scale = max(xs[1] - xs[0], ys[1] - ys[0])
    fields = np.empty((n_classes, len(levels), ny, nx), dtype=np.float32)
    for r, ((c, t), area, (_, _, ids)) in enumerate(zip(areas, inside, cuts, strict=True)):

        def area_at(points, c=c, t=t):
            vote = _vote(model, points, k)
            strong = vote_strength(_winning_share(vote.scores, vote.winner), n_classes)
            return ((vote.winner == c) & (strong >= levels[t])).astype(np.int8)

        points, segments, squares = _march(
            xs, ys, area.astype(np.int8), crossings[rows == r], ids, area_at
        )
        distance = _distance_near(xs, ys, points, segments, squares, scale)
        distance = _fit_crossings(xs, ys, distance, crossings[rows == r], ids)
        fields[c, t] = 0.5 + 0.5 * np.where(area, distance, -distance) / scale
    return np.clip(fields, 0.0, 1.0, out=fields)


def _check_traced(model, xs, ys, codes, n_neighbors):
    _check_2d_model(model)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    codes = np.asarray(codes)
    if codes.shape != (len(ys), len(xs)):
        raise ValueError(f"Expected codes of shape {(len(ys), len(xs))}, but got {codes.shape}")
    k = int(model.n_neighbors) if n_neighbors is None else n_neighbors
    return xs, ys, codes, k


def _vote(model, points, k):
    """``model.vote(points, k)`` in chunks; returns an object with ``winner`` and ``scores``."""
    winner = np.empty(len(points), dtype=np.intp)
    scores = np.empty((len(points), len(model.classes_)))
    for part in _chunks(len(points), k):
        vote = model.vote(points[part], n_neighbors=k)
        winner[part], scores[part] = vote.winner, vote.scores
    return _Vote(winner, scores)


class _Vote(NamedTuple):
    winner: np.ndarray
    scores: np.ndarray


# Edges between cell centres: "h" joins (i, j) and (i, j + 1), "v" joins (i, j) and (i + 1, j).
# Edge ids number the h edges first (i * (nx - 1) + j), then the v edges (h_count + i * nx + j).
def _cut_edges(xs, ys, codes):
    """Return ``(start, end, ids)`` of the edges whose two cell centres differ in ``codes``."""
    ny, nx = codes.shape
    hi, hj = np.nonzero(codes[:, :-1] != codes[:, 1:])
    vi, vj = np.nonzero(codes[:-1, :] != codes[1:, :])
    start = np.concatenate([np.column_stack([xs[hj], ys[hi]]), np.column_stack([xs[vj], ys[vi]])])
    end = np.concatenate(
        [np.column_stack([xs[hj + 1], ys[hi]]), np.column_stack([xs[vj], ys[vi + 1]])]
    )
    ids = np.concatenate([hi * (nx - 1) + hj, ny * (nx - 1) + vi * nx + vj])
    return start, end, ids


def _edge_starts(ids, ny, nx):
    """Return ``(i, j, along_x)``: each edge's start cell (lower or left) and its direction."""
    h_count = ny * (nx - 1)
    along_x = ids < h_count
    i = np.where(along_x, ids // (nx - 1), (ids - h_count) // nx)
    j = np.where(along_x, ids % (nx - 1), (ids - h_count) % nx)
    return i, j, along_x


def _grid_at(codes, ids, nx):
    """Return ``codes`` at the start (lower or left centre) of each edge in ``ids``."""
    i, j, _ = _edge_starts(ids, codes.shape[0], nx)
    return codes[i, j]


def _bisect(start, end, same_side, refine):
    """Halve each edge ``refine`` times, keeping a change of ``same_side`` inside; midpoints."""
    start, end = start.copy(), end.copy()
    for _ in range(refine if len(start) else 0):
        mid = 0.5 * (start + end)
        same = same_side(mid)
        start[same] = mid[same]
        end[~same] = mid[~same]
    return 0.5 * (start + end)


def _march(xs, ys, codes, crossings, ids, classify):
    """Join the crossings inside each square of four cell centres (marching squares).

    Returns ``(points, segments, squares)``: the crossings and any junctions, pairs of indices
    into them, and the ``(i, j)`` square of each segment. Two crossings in a square are
    joined; at a saddle of two codes ``classify`` (points -> codes) at the square's centre
    tells which diagonal pair is joined; three or four codes meet at the crossings' mean.
    """
    ny, nx = codes.shape
    h_count = ny * (nx - 1)
    crossing = np.full(h_count + (ny - 1) * nx, -1, dtype=np.intp)
    crossing[ids] = np.arange(len(ids))
    points = list(crossings)
    # Squares: corners (i, j), (i, j+1), (i+1, j+1), (i+1, j) and their edges bottom (h i, j),
    # right (v i, j+1), top (h i+1, j), left (v i, j), in that turn order.
    si, sj = np.divmod(np.arange((ny - 1) * (nx - 1)), nx - 1)
    edges = np.column_stack(
        [
            si * (nx - 1) + sj,
            h_count + si * nx + sj + 1,
            (si + 1) * (nx - 1) + sj,
            h_count + si * nx + sj,
        ]
    )
    cut = crossing[edges]
    n_cut = (cut >= 0).sum(axis=1)
    keep = n_cut > 0
    si, sj, cut, n_cut = si[keep], sj[keep], cut[keep], n_cut[keep]
    corners = np.column_stack(
        [codes[si, sj], codes[si, sj + 1], codes[si + 1, sj + 1], codes[si + 1, sj]]
    )
    two = np.flatnonzero(n_cut == 2)
    pairs = cut[two]
    segments = list(map(tuple, pairs[pairs >= 0].reshape(-1, 2).tolist()))
    squares = two.tolist()
    # A saddle of two codes: the centre tells which diagonal pair is joined; the two corners
    # of the other code are cut off, each by the segment between its two edges.
    four = np.flatnonzero(n_cut == 4)
    kinds = np.array([len(set(row)) for row in corners[four]], dtype=int)
    saddle = four[kinds == 2]
    if len(saddle):
        centres = np.column_stack(
            [
                0.5 * (xs[sj[saddle]] + xs[sj[saddle] + 1]),
                0.5 * (ys[si[saddle]] + ys[si[saddle] + 1]),
            ]
        )
        for square, centre in zip(saddle, classify(centres), strict=True):
            e = cut[square]
            # Corner c sits between edges c - 1 and c (turn order): cut off corners 1 and 3
            # when the centre is like corner 0, else corners 0 and 2.
            if centre == corners[square, 0]:
                segments += [(e[0], e[1]), (e[2], e[3])]
            else:
                segments += [(e[3], e[0]), (e[1], e[2])]
            squares += [square, square]
    for square in np.concatenate([np.flatnonzero(n_cut == 3), four[kinds != 2]]):
        ids_here = cut[square][cut[square] >= 0]
        junction = len(points)
        points.append(np.mean([points[i] for i in ids_here], axis=0))
        segments += [(i, junction) for i in ids_here]
        squares += [square] * len(ids_here)
    squares = np.column_stack([si, sj])[np.asarray(squares, dtype=np.intp)].reshape(-1, 2)
    return np.asarray(points, dtype=float).reshape(-1, 2), segments, squares


def _fit_crossings(xs, ys, distance, crossings, ids, rounds=FIT_ROUNDS):
    """Fit the distances at crossed edges' ends so linear interpolation meets the crossings.

    Along an edge from cell centre P to Q crossed at a fraction f from P, linear interpolation
    of a signed distance meets zero at ``d_P / (d_P + d_Q)``: exactly f when the edge is
    crossed by a straight line. Where the boundary bends, or a centre is nearer another part
    of it, the two disagree; each round sets every such centre's distance to the geometric
    mean of what its crossed edges ask of it, given its neighbours' distances.
    """
    ny, nx = distance.shape
    if not len(ids):
        return distance
    i, j, h = _edge_starts(ids, ny, nx)
    p = i * nx + j
    q = np.where(h, p + 1, p + nx)
    step = np.where(h, xs[1] - xs[0], ys[1] - ys[0])
    f = np.where(h, crossings[:, 0] - xs[j], crossings[:, 1] - ys[i]) / step
    f = np.clip(f, 1e-3, 1 - 1e-3)
    d = distance.ravel().copy()
    floor = 1e-3 * step.min()
    ends = np.concatenate([p, q])
    count = np.bincount(ends, minlength=d.size)
    for _ in range(rounds):
        wanted = np.concatenate([d[q] * f / (1 - f), d[p] * (1 - f) / f])
        logs = np.bincount(ends, np.log(np.maximum(wanted, floor)), minlength=d.size)
        moved = count > 0
        d[moved] = np.minimum(np.exp(logs[moved] / count[moved]), distance.ravel()[moved] * 4)
    return d.reshape(ny, nx)


def _distance_near(xs, ys, points, segments, squares, limit):
    """Return each cell centre's distance to the nearest segment of its squares, at most ``limit``.

    A cell centre with no segment in the four squares around it gets ``limit``.
    """
    ny, nx = len(ys), len(xs)
    distance = np.full(ny * nx, float(limit))
    if not segments:
        return distance.reshape(ny, nx)
    pairs = np.asarray(segments, dtype=np.intp)
    a, b = points[pairs[:, 0]], points[pairs[:, 1]]
    for di, dj in ((0, 0), (0, 1), (1, 0), (1, 1)):
        i, j = squares[:, 0] + di, squares[:, 1] + dj
        p = np.column_stack([xs[j], ys[i]])
        ab = b - a
        t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-300), 0, 1)
        d = np.hypot(*(a + t[:, None] * ab - p).T)
        np.minimum.at(distance, i * nx + j, d)
    return distance.reshape(ny, nx)


def _chain(points, segments):
    """Join segments (pairs of indices into ``points``) into polylines; see decision_boundary."""
    links: dict[int, list[int]] = {}
    for a, b in segments:
        links.setdefault(int(a), []).append(int(b))
        links.setdefault(int(b), []).append(int(a))
    # Start at line ends and junctions (any vertex not of degree 2), then walk the loops left;
    # a line stops at an end or a junction.
    through = {v for v, near in links.items() if len(near) == 2}
    starts = [v for v in links if v not in through] + list(links)
    lines = []
    for first in starts:
        while links[first]:
            line = [first]
            here = first
            while links[here]:
                there = links[here].pop()
                links[there].remove(here)
                line.append(there)
                here = there
                if here not in through:
                    break
            lines.append(line)
    if not lines:
        return np.empty(0), np.empty(0)
    order = np.concatenate([np.append(line, -1) for line in lines])
    xy = np.vstack([points, [np.nan, np.nan]])[order]
    return xy[:, 0], xy[:, 1]
