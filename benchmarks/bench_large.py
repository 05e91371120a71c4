"""Benchmark the Playground's maths on large data: up to 100,000 points.

What a student waits for when they pick a large data set, computed exactly as the Playground
computes it (``knn_ui.cache``): the data, the fitted model, the shaded decision regions (the
neighbour grid of ``REGION_RESOLUTION`` cells a side, searched once at ``GRID_K_MAX``, then the
vote at k = 15), their exact boundary line and shading (``figures.Regions.of``, per view) and
the preview payload the browser receives (the points it searches exactly). Side by side,
alternating, in one process: scikit-learn's ``KNeighborsClassifier(15)`` fit + predict on the
same region grid (against the regions' grid and vote, which is what it also computes).

Target from the issue: the decision surface stays under half a second at 100,000 points.
Run from the repository root: ``python -m benchmarks.bench_large``; the browser side is
``python -m benchmarks.bench_playground --points 100000``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

from knn_core.datasets import make_dataset
from knn_core.geometry import plot_bounds
from knn_core.models import KNNClassifier
from knn_core.surface import grid_axes, neighbor_grid
from knn_ui.cache import GRID_K_MAX, REGION_RESOLUTION
from knn_ui.canvas import preview_payload
from knn_ui.figures import Regions

K = 15


def regions(X, y, bounds):
    """The Playground's decision regions: one grid search at GRID_K_MAX, then the k = 15 vote."""
    fitted = KNNClassifier(GRID_K_MAX).fit(X, y)
    grid = neighbor_grid(fitted, bounds[0], bounds[1], REGION_RESOLUTION, GRID_K_MAX)
    return grid, grid.surface(K).codes


def preview(X, y, bounds):
    """The preview payload at k = 15 and the bytes the browser gets for it."""
    return len(json.dumps(preview_payload(X, y, k=K, class_names=["red", "blue"])))


def sklearn_regions(X, y, bounds):
    xs, ys = grid_axes(bounds[0], bounds[1], REGION_RESOLUTION)
    gx, gy = np.meshgrid(xs, ys)
    model = KNeighborsClassifier(K).fit(X, y)
    return model.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - t0) * 1000, out


def run(n: int, reps: int) -> None:
    data_ms, (X, y) = timed(make_dataset, "blobs", n, 0.3, 0)
    bounds = plot_bounds(X)
    ours, ref, hov, edges = [], [], [], []
    for _ in range(reps):
        ms, (grid, codes) = timed(regions, X, y, bounds)
        ours.append(ms)
        ms, _ = timed(Regions.of, grid, K)
        edges.append(ms)
        ms, labels = timed(sklearn_regions, X, y, bounds)
        ref.append(ms)
        ms, payload_bytes = timed(preview, X, y, bounds)
        hov.append(ms)
    agree = np.mean(codes == labels) * 100
    o, r = statistics.median(ours), statistics.median(ref)
    verdict = "MET" if o <= 500 else "MISSED"
    print(f"\nN = {n:,} points ({reps} alternating repetitions, medians)")
    print(f"  data set                                   {data_ms:8.1f} ms")
    print(
        f"  decision regions {REGION_RESOLUTION}x{REGION_RESOLUTION}, k={K} (fit+grid+vote) "
        f"{o:8.1f} ms   target <= 500 ms: {verdict}"
    )
    print(f"  scikit-learn fit+predict, same grid         {r:8.1f} ms   ours/ref {o / r:.3f}x")
    print(f"  exact boundary and shading (Regions.of)     {statistics.median(edges):8.1f} ms")
    print(f"  agreement with scikit-learn                 {agree:8.4f} %")
    print(
        "  preview payload (points and model)          "
        f"{statistics.median(hov):8.1f} ms   {payload_bytes / 1e6:.2f} MB to the browser"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.reps)


if __name__ == "__main__":
    main()
