"""Time the Searching-fast trace against the engine's own search, side by side in one process.

Run ``python -m benchmarks.bench_searching_fast``.

The page traces ONE query per rerun: :func:`knn_core.lessons.searching_fast.trace_search`
walks the engine's ``cKDTree`` in Python and records every step. Its reference is the engine
answering the same single query (``NeighborIndex.query``, scipy's compiled search plus the tie
step). Both are timed on the same queries, alternating which runs first; the table shows the
medians per query, their ratio (``trace / engine``: how much the teaching walk costs over the
compiled search) and the distances each measures on average (brute force: all N). The load
average is printed first: on a busy machine the absolute times grow, the ratio less so.
"""

from __future__ import annotations

import os
import time

import numpy as np

from knn_core.lessons.searching_fast import trace_search
from knn_core.neighbors import NeighborIndex

SIZES = (1_000, 100_000)
K = 5
QUERIES = 200


def blobs(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    half = n // 2
    return np.vstack([rng.normal(1.0, 1.0, (half, 2)), rng.normal(5.0, 1.0, (n - half, 2))])


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'N':>8} {'trace ms':>9} {'engine ms':>10} {'ratio':>6} {'measured':>9} {'of N':>8}")
    for n in SIZES:
        X = blobs(n, 0)
        queries = blobs(QUERIES, 1)
        index = NeighborIndex(X)
        tree = index.tree
        trace_search(tree, X, queries[0], K)  # first walk creates scipy's node objects
        ours, ref, measured = [], [], []
        for i, q in enumerate(queries):
            order = (0, 1) if i % 2 else (1, 0)
            for which in order:
                start = time.perf_counter()
                if which == 0:
                    search = trace_search(tree, X, q, K)
                    ours.append(time.perf_counter() - start)
                    measured.append(search.n_measured)
                else:
                    index.query(q[None, :], K)
                    ref.append(time.perf_counter() - start)
        t_ours, t_ref = np.median(ours) * 1e3, np.median(ref) * 1e3
        print(
            f"{n:>8,} {t_ours:>9.3f} {t_ref:>10.3f} {t_ours / t_ref:>6.1f} "
            f"{np.mean(measured):>9.1f} {n:>8,}"
        )


if __name__ == "__main__":
    main()
