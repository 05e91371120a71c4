"""Time knn_core against scikit-learn and the tutorials' code, side by side in one process.

Run ``python -m benchmarks.bench_core`` (about a minute and a half on a 2-core machine) or
``python -m benchmarks.bench_core --quick`` (fewer repetitions, a smaller tutorial sample).

Every case times "ours" and a reference in the same process, alternating the two on each
repetition (the order flips every repetition, so neither always runs on a warm cache), and
reports the median of each and the ratio ``ours / reference`` (below 1 means ours is faster).

Cases
-----
* Decision surface, 200 x 200 grid, k = 15, N = 1,000 and N = 10,000: our ``fit`` +
  ``decision_surface`` against scikit-learn's ``KNeighborsClassifier(15)`` (default algorithm)
  ``fit`` + ``predict`` on the same grid. Target <= 0.5x, aim 0.3x. Also printed: the share of
  cells decided by block certificates (the rest are searched one by one).
* Accuracy for every k = 1..50, N = 10,000 split 75/25: our ``accuracy_by_k`` (one neighbour
  query at k = 50 and cumulative votes) against a loop of 50 scikit-learn fits + ``score``.
  Target <= 0.1x, aim 0.03x.
* The tutorial's per-query ``knn()`` (squared distances, ``argsort()[:k]``,
  ``scipy.stats.mode``), called once per grid cell, against our surface. Calling it 40,000
  times would take tens of seconds per repetition, so it is timed on a random sample of cells
  and the time per cell is multiplied by the number of cells (stated in the table).
  Target: ours >= 200x faster.
* Moving the k slider: a re-vote from a kept ``NeighborGrid`` (built once at k_max = 50)
  against a fresh ``fit`` + ``decision_surface`` at the new k.

Every row shows wall-clock medians (what a user waits for; the targets are judged on these) and
the ratio of CPU-time medians (all threads of this process). Our search runs ``cKDTree.query``
on every core (``workers=-1``) while scikit-learn's k-d tree query and the tutorial's loop use
one, so when other processes keep the cores busy the wall-clock ratio moves towards the CPU
ratio; the load average is printed first for that reason.

The data are 2-D Gaussian blobs generated inline with numpy, so that this file depends on no
other helper's module except the knn_core functions it measures.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.neighbors import KNeighborsClassifier

from knn_core.evaluation import accuracy_by_k
from knn_core.models import KNNClassifier
from knn_core.surface import _certified_winners, decision_surface, neighbor_grid

X_RANGE = (-5.0, 5.0)
Y_RANGE = (-5.0, 5.0)


# --------------------------------------------------------------------------------------------
# Data and references
# --------------------------------------------------------------------------------------------
def blobs(n, *, seed=0, n_classes=2, spread=1.3):
    """Return ``(X, y)``: ``n`` 2-D points in overlapping Gaussian blobs, shuffled."""
    rng = np.random.default_rng(seed)
    angles = 2.0 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    centres = 1.5 * np.c_[np.cos(angles), np.sin(angles)]
    y = rng.integers(0, n_classes, size=n)
    X = centres[y] + rng.normal(scale=spread, size=(n, 2))
    return X, y


def grid_points(x_range, y_range, nx, ny):
    """The cell centres of a surface grid, row-major over (y, x) like ``decision_surface``."""
    xs = np.linspace(*x_range, nx)
    ys = np.linspace(*y_range, ny)
    gx, gy = np.meshgrid(xs, ys)
    return np.c_[gx.ravel(), gy.ravel()]


def tutorial_knn(new, train, labels, k=3):
    """Tutorial 1's ``knn`` (classification), verbatim apart from the return value."""
    distances = np.sum((new - train) ** 2, axis=1)
    k_closest = distances.argsort()[:k]
    values = np.take(labels, k_closest)
    return scipy.stats.mode(values).mode


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------
@dataclass
class Samples:
    """Wall-clock and CPU seconds (all threads of this process) of each repetition."""

    wall: list = field(default_factory=list)
    cpu: list = field(default_factory=list)

    def ms(self, scale=1.0):
        return 1e3 * scale * statistics.median(self.wall)

    def cpu_ms(self, scale=1.0):
        return 1e3 * scale * statistics.median(self.cpu)


def time_alternating(contenders: dict[str, Callable[[], object]], reps: int, warmup: int = 1):
    """Run each contender ``warmup + reps`` times, alternating; return ``{name: Samples}``."""
    names = list(contenders)
    times = {name: Samples() for name in names}
    for rep in range(warmup + reps):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            c0, t0 = time.process_time(), time.perf_counter()
            contenders[name]()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if rep >= warmup:
                times[name].wall.append(wall)
                times[name].cpu.append(cpu)
    return times


class Table:
    """Collect rows and print them as one aligned table."""

    header = (
        "case",
        "ours ms",
        "reference",
        "ref ms",
        "ours/ref",
        "target",
        "result",
        "cpu ours/ref",
    )

    def __init__(self):
        self.rows = []

    def add(self, case, ours, ref_name, ref, *, ref_scale=1.0, target=None, aim=None):
        """Add a row; ``ref_scale`` multiplies the reference's times (extrapolation)."""
        ours_ms, ref_ms = ours.ms(), ref.ms(ref_scale)
        ratio = ours_ms / ref_ms
        cpu_ratio = ours.cpu_ms() / ref.cpu_ms(ref_scale)
        if target is None:
            target_txt, result = "-", "-"
        else:
            target_txt = f"<= {target:g}x" + (f" (aim {aim:g}x)" if aim is not None else "")
            if aim is not None and ratio <= aim:
                result = "MET (aim too)"
            elif ratio <= target:
                result = "MET"
            else:
                result = "MISSED"
        self.rows.append(
            (
                case,
                f"{ours_ms:.1f}",
                ref_name,
                f"{ref_ms:.1f}",
                f"{ratio:.3g}x",
                target_txt,
                result,
                f"{cpu_ratio:.3g}x",
            )
        )
        print(
            f"  -> {case}: ours {ours_ms:.1f} ms, {ref_name} {ref_ms:.1f} ms, {ratio:.3g}x "
            f"(CPU time {ours.cpu_ms():.1f} vs {ref.cpu_ms(ref_scale):.1f} ms, {cpu_ratio:.3g}x)"
        )
        return ratio

    def show(self):
        rows = [self.header, *self.rows]
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(self.header))]
        line = "  ".join("-" * w for w in widths)
        print()
        print(line)
        for i, row in enumerate(rows):
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
            if i == 0:
                print(line)
        print(line)


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------
def case_surface(table, n, *, k=15, res=200, reps=7):
    X, y = blobs(n, seed=n)
    G = grid_points(X_RANGE, Y_RANGE, res, res)

    def ours():
        return decision_surface(KNNClassifier(k).fit(X, y), X_RANGE, Y_RANGE, res)

    def sk():
        return KNeighborsClassifier(k).fit(X, y).predict(G)

    _, _, labels = ours()
    agree = float(np.mean(labels.ravel() == sk()))
    print(f"surface N={n:,}: agreement with scikit-learn on {res}x{res} cells = {agree:.4%}")
    model = KNNClassifier(k).fit(X, y)
    xs, ys = np.linspace(*X_RANGE, res), np.linspace(*Y_RANGE, res)
    certified = float(np.mean(_certified_winners(model, xs, ys) >= 0))
    print(f"  cells decided by block certificates (no per-cell search): {certified:.1%}")
    times = time_alternating({"ours": ours, "sklearn": sk}, reps)
    table.add(
        f"surface {res}x{res}, k={k}, N={n:,} (fit+surface)",
        times["ours"],
        "sklearn fit+predict",
        times["sklearn"],
        target=0.5,
        aim=0.3,
    )
    return X, y


def surface_breakdown(n, *, k=15, res=200, reps=5):
    """Where the time of our surface goes: index build, neighbour query, vote.

    The raw ``cKDTree.query`` (k + 1 neighbours, as the engine asks for one extra to detect
    distance ties at the k-th place) is the floor any cKDTree-based engine pays.
    """
    from scipy.spatial import cKDTree

    from knn_core import neighbors as nb

    X, y = blobs(n, seed=n)
    G = grid_points(X_RANGE, Y_RANGE, res, res)
    model = KNNClassifier(k).fit(X, y)
    tree = cKDTree(X, balanced_tree=False, compact_nodes=False)
    n_classes = len(model.classes_)

    def vote():
        dist, ind = model.kneighbors(G)
        codes = model._y_codes[ind]
        return nb.resolve_vote(nb.tally(codes, nb.neighbor_weights(dist, "uniform"), n_classes))

    steps = {
        "fit (index build)": lambda: KNNClassifier(k).fit(X, y),
        "kneighbors": lambda: model.kneighbors(G),
        "raw cKDTree.query(k+1)": lambda: tree.query(G, k + 1, workers=-1),
        "kneighbors+vote": vote,
        "fit+decision_surface": lambda: decision_surface(
            KNNClassifier(k).fit(X, y), X_RANGE, Y_RANGE, res
        ),
    }
    times = time_alternating(steps, reps)
    desc = ", ".join(f"{name} {v.ms():.1f}" for name, v in times.items())
    print(f"  breakdown N={n:,} (ms): {desc}")


def case_accuracy_by_k(table, *, n=10_000, k_max=50, reps=5):
    X, y = blobs(n, seed=7)
    n_train = int(0.75 * n)
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    def ours():
        return accuracy_by_k(Xtr, ytr, Xte, yte, k_max)

    def sk():
        return np.array(
            [KNeighborsClassifier(k).fit(Xtr, ytr).score(Xte, yte) for k in range(1, k_max + 1)]
        )

    a, b = ours(), sk()
    # Even k can tie; scikit-learn breaks vote ties the same way (first class) but orders
    # equal distances differently, which cannot happen with these continuous data.
    print(f"accuracy_by_k: max |ours - sklearn| over k = {np.max(np.abs(a - b)):.2e}")
    times = time_alternating({"ours": ours, "sklearn": sk}, reps)
    table.add(
        f"accuracy_by_k k=1..{k_max}, N={n:,} 75/25",
        times["ours"],
        f"{k_max} sklearn fit+score",
        times["sklearn"],
        target=0.1,
        aim=0.03,
    )


def case_tutorial(table, n, *, k=15, res=200, sample=1000, reps=5, seed=0):
    X, y = blobs(n, seed=n)
    G = grid_points(X_RANGE, Y_RANGE, res, res)
    rng = np.random.default_rng(seed)
    cells = G[rng.choice(len(G), size=sample, replace=False)]

    def ours():
        return decision_surface(KNNClassifier(k).fit(X, y), X_RANGE, Y_RANGE, res)

    def tutorial_sample():
        return [tutorial_knn(q, X, y, k) for q in cells]

    # The tutorial agrees with us wherever no distance tie straddles the k-th place.
    model = KNNClassifier(k).fit(X, y)
    ours_cells = model.predict(cells)
    agree = float(np.mean(np.asarray(tutorial_sample()) == ours_cells))
    print(f"tutorial knn() N={n:,}: agreement with ours on {sample} sampled cells = {agree:.2%}")
    times = time_alternating({"ours": ours, "tutorial": tutorial_sample}, reps)
    ratio = table.add(
        f"surface {res}x{res}, k={k}, N={n:,} vs tutorial knn() per cell"
        f" ({sample:,} cells timed, x{len(G) / sample:g})",
        times["ours"],
        "tutorial knn() loop",
        times["tutorial"],
        ref_scale=len(G) / sample,
        target=1 / 200,
    )
    print(f"  -> ours is {1 / ratio:,.0f}x faster than the tutorial's per-cell loop")


def case_revote(table, n, *, k_max=50, k=15, res=200, reps=7):
    X, y = blobs(n, seed=n)
    model = KNNClassifier(k_max).fit(X, y)
    t0 = time.perf_counter()
    grid = neighbor_grid(model, X_RANGE, Y_RANGE, res, k_max)
    build_ms = 1e3 * (time.perf_counter() - t0)

    def revote():
        return grid.surface(k)

    def fresh():
        return decision_surface(KNNClassifier(k).fit(X, y), X_RANGE, Y_RANGE, res)

    same = np.array_equal(model.classes_[revote()[0]], fresh()[2])
    print(
        f"re-vote N={n:,} {res}x{res}: NeighborGrid(k_max={k_max}) built once in "
        f"{build_ms:.0f} ms; re-vote equals fresh surface: {same}"
    )
    times = time_alternating({"revote": revote, "fresh": fresh}, reps)
    table.add(
        f"k slider {res}x{res}, N={n:,}: re-vote k={k} from kept grid",
        times["revote"],
        "fresh fit+surface",
        times["fresh"],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller sample")
    args = parser.parse_args(argv)
    reps = 3 if args.quick else 7
    sample = 200 if args.quick else 1000

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__},"
        f" scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs, {platform.machine()}"
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"load average before the run: {load} (other processes slow the 2-thread search most)")
    print(f"medians of {reps} alternating repetitions after 1 warm-up each\n")
    table = Table()
    for n in (1_000, 10_000):
        case_surface(table, n, reps=reps)
        surface_breakdown(n, reps=reps)
    case_accuracy_by_k(table, reps=max(3, reps - 2))
    for n in (1_000, 10_000):
        case_tutorial(table, n, sample=sample, reps=max(3, reps - 2))
    for n, res in ((1_000, 200), (10_000, 200), (1_000, 400)):
        case_revote(table, n, res=res, reps=reps)
    table.show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
