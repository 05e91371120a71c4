"""The Playground's decision boundary as Chromium draws it: on the vote's edge, not on the grid.

The line's rendered SVG path is read back, each vertex turned into data coordinates by the axis
arithmetic, and checked against a model fitted here on the points the page drew: within a pixel
and a half of every vertex the vote must change (a staircase along 120 grid cells is up to half
a cell, more than two pixels, off it).
"""

import re

import numpy as np
import pytest

from knn_core.models import KNNClassifier
from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

DRAWN = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const scatter = gd._fullData.filter(t => t.type === 'scatter' && t.visible !== false);
    const line = scatter.findIndex(t => t.name === 'decision boundary');
    const paths = document.querySelectorAll('.knn-canvas-plot .scatterlayer .trace');
    return {
        xr: xa.range, yr: ya.range, xl: xa._length, yl: ya._length,
        d: line < 0 ? null : paths[line].querySelector('path.js-line').getAttribute('d'),
        points: scatter.filter(t => t.mode === 'markers' && t.x.length > 1
                                 && t.name !== 'decision boundary')
            .map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)})),
        fills: document.querySelectorAll('.knn-canvas-plot .contourlayer .contour').length,
    };
}"""


def polylines(d: str) -> list[np.ndarray]:
    """The ``M x,y L x,y ...`` subpaths of an SVG path, as arrays of pixel coordinates."""
    return [
        np.array([[float(a), float(b)] for a, b in re.findall(r"(-?[\d.]+),(-?[\d.]+)", part)])
        for part in re.split(r"(?=M)", d)
        if part
    ]


def test_the_boundary_line_lies_on_the_votes_edge(page, streamlit_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(streamlit_url("app.py"))
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
    assert_no_exception(page)
    drawn = page.evaluate(DRAWN)
    screenshot(page, "regions_boundary")
    assert drawn["d"], "no decision boundary was drawn"
    # Fills: a contour per class and band of vote strength (the default k = 3 of 2 classes
    # gives two strengths, 2 of 3 and 3 of 3, so at least two areas per class).
    assert drawn["fills"] >= 4
    X = np.concatenate([np.column_stack([t["x"], t["y"]]) for t in drawn["points"]])
    y = np.concatenate([[t["name"]] * len(t["x"]) for t in drawn["points"]])
    assert len(X) == 50 and set(y) == {"red", "blue"}
    model = KNNClassifier(3).fit(X, y)

    (x0, x1), (y0, y1) = drawn["xr"], drawn["yr"]
    per_px = np.array([(x1 - x0) / drawn["xl"], (y1 - y0) / drawn["yl"]])
    lines = polylines(drawn["d"])
    vertices = np.concatenate(lines)
    data = np.column_stack([x0 + vertices[:, 0] * per_px[0], y1 - vertices[:, 1] * per_px[1]])
    # Plotly leaves out vertices on a straight run; the ones it keeps are crossings.
    assert len(vertices) > 20
    reach = 1.5 * per_px
    seen = [
        model.predict(data + offset)
        for offset in ((reach[0], 0), (-reach[0], 0), (0, reach[1]), (0, -reach[1]))
    ]
    changes = np.any([s != seen[0] for s in seen[1:]], axis=0)
    # Vertices at the plot's border may sit where the line leaves the grid's last cell.
    inside = (
        (vertices[:, 0] > 2)
        & (vertices[:, 0] < drawn["xl"] - 2)
        & (vertices[:, 1] > 2)
        & (vertices[:, 1] < drawn["yl"] - 2)
    )
    assert changes[inside].all(), data[inside & ~changes][:5]
    # Not a staircase: most strokes between vertices are neither horizontal nor vertical.
    steps = np.concatenate([np.diff(line, axis=0) for line in lines])
    slanted = (np.abs(steps) > 0.05).all(axis=1)
    assert slanted.mean() > 0.5
