"""The canvas preview's exact search (canvas.js, ``Neighbours``) against knn_core, in Chromium.

The preview must say what a click says. Each configuration (every metric, both weights, k = 1,
an even k and a large k, scattered and whole-number data with many equal distances and
duplicate points, the tree and the brute-force paths of knn_core) is sent to the browser as
``preview_payload`` builds it for the app, searched there at 2,000 or more spots, and compared
with ``KNNClassifier.vote`` at the same spots: the neighbours in order, their distances and
weights to the last bit, the tally, the winner and the tie flag. Zero disagreements allowed.
"""

import base64

import numpy as np
import pytest

from knn_core.datasets import make_dataset
from knn_core.models import KNNClassifier
from knn_ui.canvas import preview_payload
from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

DEMO = "tests/apps/canvas_demo.py"
N_SPOTS = 2_000

# Results travel back as base64 of typed arrays: as JSON lists they took seconds to transfer.
SEARCH = """([spec, xs, ys]) => {
    const canvas = document.querySelector('.knn-canvas').knnCanvas;
    const Neighbours = canvas.model.constructor;
    const model = new Neighbours(spec);
    const n = xs.length, k = model.k, c = model.nClasses;
    const ind = new Int32Array(n * k), dist = new Float64Array(n * k);
    const weights = new Float64Array(n * k), scores = new Float64Array(n * c);
    const winner = new Int32Array(n), tied = new Int32Array(n);
    for (let q = 0; q < n; q++) {
        const r = model.query(xs[q], ys[q]);
        ind.set(r.ind, q * k);
        dist.set(r.dist, q * k);
        weights.set(r.weights, q * k);
        scores.set(r.scores, q * c);
        winner[q] = r.winner;
        tied[q] = r.tied ? 1 : 0;
    }
    const b64 = (a) => {
        const u8 = new Uint8Array(a.buffer);
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000)
            s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
        return btoa(s);
    };
    return {ind: b64(ind), dist: b64(dist), weights: b64(weights), scores: b64(scores),
            winner: b64(winner), tied: b64(tied)};
}"""
DTYPES = {"ind": "<i4", "dist": "<f8", "weights": "<f8", "scores": "<f8", "winner": "<i4"}


def scattered(n, n_classes=2, seed=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, size=n)
    centres = rng.uniform(-3, 3, size=(n_classes, 2))
    return centres[y] + rng.normal(0, 1.5, size=(n, 2)), y


def lattice(n, n_classes=3, seed=5):
    rng = np.random.default_rng(seed)
    return rng.integers(-4, 5, size=(n, 2)).astype(float), rng.integers(0, n_classes, size=n)


def spots(X, seed=11):
    """Random spots over and around the data, plus spots that make ties likely: on training
    points, on whole and half-whole coordinates, and on midpoints between two points."""
    rng = np.random.default_rng(seed)
    lo, hi = X.min(axis=0) - 1, X.max(axis=0) + 1
    random = rng.uniform(lo, hi, size=(N_SPOTS, 2))
    on_points = X[rng.integers(0, len(X), size=300)]
    halves = np.round(rng.uniform(lo, hi, size=(300, 2)) * 2) / 2
    a, b = X[rng.integers(0, len(X), size=200)], X[rng.integers(0, len(X), size=200)]
    return np.vstack([random, on_points, halves, (a + b) / 2])


def disagreements(page, X, y, k, metric, p, weights):
    names = [f"class {c}" for c in range(int(y.max()) + 1)]
    spec = preview_payload(X, y, k=k, metric=metric, p=p, weights=weights, class_names=names)
    Q = spots(X)
    raw = page.evaluate(SEARCH, [spec, Q[:, 0].tolist(), Q[:, 1].tolist()])
    got = {
        name: np.frombuffer(base64.b64decode(raw[name]), DTYPES.get(name, "<i4")) for name in raw
    }
    want = KNNClassifier(k, metric=metric, p=p, weights=weights).fit(X, y).vote(Q)
    checks = {
        "neighbours": got["ind"].reshape(want.ind.shape) != want.ind,
        "distances": got["dist"].reshape(want.dist.shape) != want.dist,
        "weights": got["weights"].reshape(want.weights.shape) != want.weights,
        "tally": got["scores"].reshape(want.scores.shape) != want.scores,
        "winner": got["winner"] != want.winner,
        "tie flag": got["tied"].astype(bool) != want.tied,
    }
    found = {}
    for what, wrong in checks.items():
        rows = np.flatnonzero(wrong.reshape(len(Q), -1).any(axis=1))
        if len(rows):
            found[what] = (len(rows), Q[rows[0]].tolist())
    return found, len(Q), int(want.tied.sum())


@pytest.fixture(scope="module")
def demo_page(browser, streamlit_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(streamlit_url(DEMO))
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=30_000)
    yield page
    context.close()


METRICS = [("euclidean", 2.0), ("manhattan", 1.0), ("chebyshev", 2.0), ("minkowski", 3.0)]
DATA = {
    "scattered 300 (tree path)": scattered(300),
    "scattered 30 (brute force)": scattered(30, seed=4),
    "lattice 400, 3 classes": lattice(400),
}


@pytest.mark.parametrize("data", list(DATA))
@pytest.mark.parametrize("metric,p", METRICS)
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_preview_search_equals_knn_core(demo_page, data, metric, p, weights):
    X, y = DATA[data]
    for k in (1, 4, 25):
        found, n_spots, n_tied = disagreements(demo_page, X, y, k, metric, p, weights)
        assert n_spots >= N_SPOTS
        assert not found, f"k = {k}: {found} (rows, first spot) out of {n_spots} spots"
        if data.startswith("lattice") and weights == "uniform" and k == 4:
            assert n_tied > 0  # the even k on whole numbers does exercise the tie rule


@pytest.mark.parametrize("p", [1.5, 2.0, 4.5, 10.0])
def test_preview_search_equals_knn_core_for_minkowski_p(demo_page, p):
    for X, y in (scattered(300), lattice(400)):
        found, n_spots, _ = disagreements(demo_page, X, y, 6, "minkowski", p, "distance")
        assert not found, f"p = {p}: {found} out of {n_spots} spots"


def test_preview_search_equals_knn_core_at_100000_points(demo_page):
    X, y = make_dataset("blobs", 100_000, 0.3, 1)
    for k, metric, weights in [(3, "euclidean", "uniform"), (50, "manhattan", "distance")]:
        found, n_spots, _ = disagreements(demo_page, X, y, k, metric, 2.0, weights)
        assert not found, f"k = {k}, {metric}: {found} out of {n_spots} spots"


def test_k_equal_to_n_is_the_overall_vote(demo_page):
    X, y = scattered(30, seed=9)
    found, _, _ = disagreements(demo_page, X, y, 30, "euclidean", 2.0, "uniform")
    assert not found


def test_a_click_commits_exactly_what_the_preview_showed(browser, streamlit_url):
    """The Playground: hover a spot, read the preview; click it; the committed vote agrees."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(streamlit_url("app.py") + "?k=4&n=200")
        wait_for_app(page)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
        page.locator(".knn-canvas").scroll_into_view_if_needed()
        gd = page.locator(".knn-canvas-plot .nsewdrag").first
        box = gd.bounding_box()
        rng = np.random.default_rng(2)
        for fx, fy in rng.uniform(0.1, 0.9, size=(3, 2)):
            px, py = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
            page.mouse.move(px, py)
            page.wait_for_function("document.querySelector('.knn-canvas').dataset.previewAt !== ''")
            ds = page.evaluate("Object.assign({}, document.querySelector('.knn-canvas').dataset)")
            renders = int(ds["renders"])
            page.mouse.click(px, py)
            page.wait_for_function(
                f"Number(document.querySelector('.knn-canvas').dataset.renders) > {renders}",
                timeout=30_000,
            )
            wait_for_app(page)
            # The committed figure rings the previewed neighbours, in rank order, and fills
            # the query's star with the previewed class's colour.
            committed = page.evaluate(
                """() => {
                const root = document.querySelector('.knn-canvas');
                const shapes = root.querySelector('.knn-canvas-plot').layout.shapes || [];
                return {
                  rings: shapes.filter(s => /^neighbour \\d+$/.test(s.name || ''))
                      .map(s => [s.xanchor, s.yanchor]),
                  star: shapes.find(s => s.name === 'query').fillcolor,
                  at: [shapes.find(s => s.name === 'query').xanchor,
                       shapes.find(s => s.name === 'query').yanchor],
                  colors: root.knnCanvas.spec.class_colors,
                  preview: shapes.filter(s => (s.name || '').startsWith('knn-preview')).length,
                  labelHidden: root.querySelector('.knn-canvas-label').hidden,
                };
            }"""
            )
            previewed = page.evaluate(
                """(ind) => { const m = document.querySelector('.knn-canvas').knnCanvas.model;
                return ind.map(i => [m.xs[i], m.ys[i]]); }""",
                [int(i) for i in ds["previewNeighbours"].split(",")],
            )
            # The query sits exactly where the preview was computed.
            assert committed["at"] == [float(v) for v in ds["previewAt"].split(",")]
            assert committed["rings"] == previewed
            assert committed["star"] == committed["colors"][int(ds["previewClass"])]
            # No stale preview rings or label stay on top of the committed result.
            assert committed["preview"] == 0 and committed["labelHidden"] is True
        assert_no_exception(page)
        screenshot(page, "preview_committed")
    finally:
        context.close()
