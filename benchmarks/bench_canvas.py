"""Benchmark knn_canvas: Python-side encoding, bytes per rerun, click -> redraw and hover
latency in headless Chromium, and the alternative of shipping plotly.js in the component's
``js`` (resent on every rerun).

Run from the repository root: ``python -m benchmarks.bench_canvas [--clicks 15 --moves 80]``.
Uses tests/apps/canvas_demo.py with ``?big=1&regions=1``: 1000 points, a 160 x 160 heatmap,
k = 25 (the Playground's largest case); ``--query ''`` runs the small demo (40 points, k = 3).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_support import (  # noqa: E402
    launch_chromium,
    start_streamlit,
    wait_for_app,
)

GEOMETRY = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const r = gd.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return {left: r.left + xa._offset, top: r.top + ya._offset, w: xa._length, h: ya._length};
}"""


def median_ms(values) -> str:
    return f"median {statistics.median(values):7.1f} ms (min {min(values):.1f}, n={len(values)})"


def bench_python(repeats: int = 20) -> None:
    import plotly.graph_objects as go

    from knn_ui.canvas import _figure_json, preview_payload

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 10, (1000, 2))
    xs = np.linspace(0, 10, 160)
    fig = go.Figure(go.Heatmap(x=xs, y=xs, z=rng.random((160, 160)), showscale=False))
    fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers"))
    codes = rng.integers(0, 2, 1000)
    timings = {"figure -> JSON": [], "preview_payload": [], "frame": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        figure = _figure_json(fig)
        t1 = time.perf_counter()
        preview = preview_payload(X, codes, k=25, class_names=["red", "blue"])
        t2 = time.perf_counter()
        import json

        frame = ('{"figure":' + figure + ',"preview":' + json.dumps(preview) + "}").encode()
        t3 = time.perf_counter()
        timings["figure -> JSON"].append((t1 - t0) * 1e3)
        timings["preview_payload"].append((t2 - t1) * 1e3)
        timings["frame"].append((t3 - t2) * 1e3)
    print("Python side, Playground's largest case:")
    for name, values in timings.items():
        print(f"  {name:16s} {median_ms(values)}")
    print(f"  frame size       {len(frame) / 1e3:7.0f} kB (figure {len(figure) / 1e3:.0f} kB)")


class FrameCounter:
    """Count the bytes the browser receives on Streamlit's websocket."""

    def __init__(self, page):
        self.bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload):
        self.bytes += len(payload)


def bench_canvas(playwright, clicks: int, moves: int, query: str) -> None:
    with start_streamlit("tests/apps/canvas_demo.py") as url:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        counter = FrameCounter(page)
        t0 = time.perf_counter()
        page.goto(url + query)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=120_000)
        wait_for_app(page)
        print(f"\nknn_canvas in Chromium (demo {query or 'small'}):")
        print(f"  first page load to plot drawn   {time.perf_counter() - t0:6.2f} s")
        print(f"  websocket bytes on first load    {counter.bytes / 1e6:6.2f} MB (plotly.js: HTTP)")
        g = page.evaluate(GEOMETRY)
        page.evaluate(
            "document.addEventListener('mousedown', e => { window.__down = performance.now(); },"
            " true)"
        )
        rng = np.random.default_rng(1)
        latencies, sizes, render_ms = [], [], []
        for _ in range(clicks):
            px = g["left"] + rng.uniform(0.1, 0.9) * g["w"]
            py = g["top"] + rng.uniform(0.1, 0.9) * g["h"]
            renders = page.evaluate("Number(document.querySelector('.knn-canvas').dataset.renders)")
            counter.bytes = 0
            page.mouse.click(px, py)
            page.wait_for_function(
                f"Number(document.querySelector('.knn-canvas').dataset.renders) > {renders}"
            )
            done = page.evaluate(
                "(() => { const d = document.querySelector('.knn-canvas').dataset;"
                " return [Number(d.renderedAt) - window.__down, Number(d.renderMs)]; })()"
            )
            latencies.append(done[0])
            render_ms.append(done[1])
            wait_for_app(page)
            sizes.append(counter.bytes)
        print(f"  click -> figure redrawn          {median_ms(latencies)}")
        print(f"    of which data -> Plotly.react  {median_ms(render_ms)}")
        print(f"  websocket bytes per click rerun  {statistics.median(sizes) / 1e3:6.0f} kB")

        preview = []
        for i in range(moves):
            px = g["left"] + (0.1 + 0.8 * (i % 40) / 40) * g["w"]
            py = g["top"] + (0.2 + 0.6 * ((i * 7) % 40) / 40) * g["h"]
            before = page.evaluate("Number(document.querySelector('.knn-canvas').dataset.previews)")
            page.mouse.move(px, py)
            page.wait_for_function(
                f"Number(document.querySelector('.knn-canvas').dataset.previews) > {before}"
            )
            page.wait_for_timeout(20)
            preview.append(
                float(page.evaluate("document.querySelector('.knn-canvas').dataset.previewMs"))
            )
        print(f"  pointer move -> preview drawn    {median_ms(preview[5:])}")
        browser.close()


INLINE_APP = textwrap.dedent(
    '''
    """plotly.js inside the component's js: the alternative knn_canvas avoids."""
    import streamlit as st
    from plotly.offline import get_plotlyjs

    MODULE = """
    export default function ({ data, parentElement }) {
        window.__benchRenders = (window.__benchRenders || 0) + 1;
        parentElement.textContent = "run " + data.run + ", Plotly " + (window.Plotly ? "ok" : "-");
    }
    """
    INLINE = get_plotlyjs() + "\\n" + MODULE
    mode = st.query_params.get("mode", "inline")
    component = st.components.v2.component(
        "bench_" + mode, js=INLINE if mode == "inline" else MODULE, isolate_styles=False
    )
    st.session_state["run"] = st.session_state.get("run", 0) + 1
    st.button("rerun")
    component(key="c", data={"run": st.session_state["run"]})
    '''
)


def bench_inline_js(playwright, reruns: int) -> None:
    print("\nAlternative: plotly.js as the component's js (resent on every rerun):")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "inline_app.py"
        script.write_text(INLINE_APP)
        with start_streamlit(script) as url:
            browser = launch_chromium(playwright)
            for mode in ("inline", "small"):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                counter = FrameCounter(page)
                page.goto(f"{url}?mode={mode}")
                page.wait_for_function("window.__benchRenders >= 1", timeout=120_000)
                wait_for_app(page)
                sizes, times = [], []
                for _ in range(reruns):
                    count = page.evaluate("window.__benchRenders")
                    counter.bytes = 0
                    t0 = time.perf_counter()
                    page.get_by_role("button", name="rerun").click()
                    page.wait_for_function(f"window.__benchRenders > {count}")
                    times.append((time.perf_counter() - t0) * 1e3)
                    wait_for_app(page)
                    sizes.append(counter.bytes)
                label = "js = plotly.js + module" if mode == "inline" else "js = module only     "
                print(
                    f"  {label}  rerun -> component updated {median_ms(times)}; "
                    f"{statistics.median(sizes) / 1e3:.0f} kB per rerun"
                )
                page.close()
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--moves", type=int, default=80)
    parser.add_argument("--query", default="?big=1&regions=1", help="demo options; '' = small")
    parser.add_argument("--skip-inline", action="store_true", help="skip the js comparison")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    bench_python()
    with sync_playwright() as playwright:
        bench_canvas(playwright, args.clicks, args.moves, args.query)
        if not args.skip_inline:
            bench_inline_js(playwright, max(5, args.clicks // 2))


if __name__ == "__main__":
    main()
