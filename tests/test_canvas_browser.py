"""knn_canvas in a real browser: tests/apps/canvas_demo.py served by Streamlit, driven by
Playwright in headless Chromium. Expected values are computed here independently: pixel ->
data by the axis arithmetic, neighbours by numpy brute force over the points drawn."""

import re

import numpy as np
import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

DEMO = "tests/apps/canvas_demo.py"
K = 3
LO, HI = 0.0, 10.0

GEOMETRY = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const r = gd.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return {left: r.left, top: r.top, xo: xa._offset, xl: xa._length, yo: ya._offset,
            yl: ya._length, xr: xa.range, yr: ya.range};
}"""
POINTS = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    return gd._fullData.filter(t => t.name !== 'query' && t.type === 'scatter')
        .map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}));
}"""
PREVIEW = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const shapes = (gd.layout.shapes || []).filter(s => (s.name || '').startsWith('knn-preview'));
    const root = document.querySelector('.knn-canvas');
    const label = root.querySelector('.knn-canvas-label');
    return {
        rings: shapes.filter(s => s.name === 'knn-preview-ring')
            .map(s => [s.xanchor, s.yanchor]),
        spokes: shapes.filter(s => s.name === 'knn-preview-spokes').map(s => s.path),
        stars: shapes.filter(s => s.name === 'knn-preview-star')
            .map(s => [s.xanchor, s.yanchor, s.fillcolor]),
        status: root.querySelector('.knn-canvas-status').textContent,
        label: label.hidden ? null : label.textContent,
        at: root.dataset.previewAt,
        previews: Number(root.dataset.previews || 0),
    };
}"""


@pytest.fixture
def demo(page, streamlit_url):
    def open_demo(query: str = ""):
        page.goto(streamlit_url(DEMO) + query)
        wait_for_app(page)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=30_000)
        assert_no_exception(page)
        return page

    return open_demo


def geometry(page):
    return page.evaluate(GEOMETRY)


def to_pixel(g, x, y):
    """Data -> page pixel by the linear axis arithmetic (independent of Plotly's p2d)."""
    (x0, x1), (y0, y1) = g["xr"], g["yr"]
    return (
        g["left"] + g["xo"] + (x - x0) / (x1 - x0) * g["xl"],
        g["top"] + g["yo"] + (y1 - y) / (y1 - y0) * g["yl"],
    )


def to_data(g, px, py):
    (x0, x1), (y0, y1) = g["xr"], g["yr"]
    return (
        x0 + (px - g["left"] - g["xo"]) / g["xl"] * (x1 - x0),
        y1 - (py - g["top"] - g["yo"]) / g["yl"] * (y1 - y0),
    )


def pixel_size(g):
    return max((g["xr"][1] - g["xr"][0]) / g["xl"], (g["yr"][1] - g["yr"][0]) / g["yl"])


def texts(page):
    return page.locator('[data-testid="stText"]').all_inner_texts()


def runs(page) -> int:
    for line in texts(page):
        if line.startswith("runs: "):
            return int(line.split()[1])
    raise AssertionError(f"no run counter in {texts(page)}")


def shown_pair(page, prefix):
    for line in texts(page):
        if line.startswith(prefix):
            x, y = line[len(prefix) :].split(",")
            return float(x), float(y)
    return None


def click_and_wait(page, px, py):
    before = runs(page)
    renders = int(page.evaluate("document.querySelector('.knn-canvas').dataset.renders"))
    page.mouse.click(px, py)
    page.wait_for_function(
        "(before) => { const m = document.body.innerText.match(/runs: (\\d+)/);"
        " return m !== null && Number(m[1]) > before; }",
        arg=before,
    )
    wait_for_app(page)
    page.wait_for_function(
        f"Number(document.querySelector('.knn-canvas').dataset.renders) > {renders}"
    )
    return before


def training_points(page):
    traces = page.evaluate(POINTS)
    X = np.array([[x, y] for t in traces for x, y in zip(t["x"], t["y"], strict=True)])
    y = np.concatenate([[c] * len(t["x"]) for c, t in enumerate(traces)])
    return X, y, [t["name"] for t in traces]


def test_click_reports_exact_data_coordinates(demo):
    page = demo()
    g = geometry(page)
    assert g["xr"] == [LO, HI] and g["yr"] == [LO, HI]
    px, py = (round(v) for v in to_pixel(g, 3.0, 7.0))
    expected = to_data(g, px, py)
    before = click_and_wait(page, px, py)
    assert runs(page) == before + 1  # one click, one rerun

    returned = shown_pair(page, "returned click: ")
    placed = shown_pair(page, "query (set by on_click): ")
    assert returned is not None and placed == returned
    tol = pixel_size(g)
    assert abs(returned[0] - expected[0]) <= tol and abs(returned[1] - expected[1]) <= tol
    assert abs(returned[0] - 3.0) <= tol and abs(returned[1] - 7.0) <= tol

    # The figure was redrawn with the star where the click landed.
    star = page.evaluate(
        "Array.from(document.querySelector('.knn-canvas-plot')._fullData"
        ".find(t => t.name === 'query').x)"
    )
    assert star == pytest.approx([returned[0]], abs=1e-6)
    # The committed result replaced the preview: no preview rings, star or label stay on it.
    committed = page.evaluate(PREVIEW)
    assert committed["rings"] == [] and committed["stars"] == [] and committed["label"] is None
    assert_no_exception(page)
    screenshot(page, "canvas_click")
    # Moving on previews again.
    page.mouse.move(px + 15, py + 10)
    page.wait_for_function("document.querySelector('.knn-canvas').dataset.previewAt !== ''")
    assert len(page.evaluate(PREVIEW)["rings"]) == K

    # The return value is a trigger: gone on the next rerun, the placed query stays; the
    # figure did not change, so the plot is not redrawn.
    renders = page.evaluate("document.querySelector('.knn-canvas').dataset.renders")
    page.keyboard.press("r")
    page.wait_for_function(f"/runs: {before + 2}/.test(document.body.innerText)")
    wait_for_app(page)
    assert shown_pair(page, "returned click: ") is None
    assert shown_pair(page, "query (set by on_click): ") == placed
    assert page.evaluate("document.querySelector('.knn-canvas').dataset.renders") == renders


def test_click_on_a_marker_reports_the_spot_not_the_marker(demo):
    page = demo()
    g = geometry(page)
    X, _, _ = training_points(page)
    target = X[5]
    px, py = (round(v) for v in to_pixel(g, *target))
    expected = to_data(g, px + 2, py - 1)
    click_and_wait(page, px + 2, py - 1)  # on the marker, a little off its centre
    returned = shown_pair(page, "returned click: ")
    tol = pixel_size(g)
    assert returned is not None
    assert abs(returned[0] - expected[0]) <= tol and abs(returned[1] - expected[1]) <= tol
    assert abs(returned[0] - target[0]) > 0.5 * tol  # not snapped to the marker


def test_clicks_outside_the_axes_are_ignored(demo):
    page = demo()
    g = geometry(page)
    before = runs(page)
    left, top = g["left"] + g["xo"], g["top"] + g["yo"]
    outside = [
        (left - 25, top + g["yl"] / 2),  # y tick labels
        (left + g["xl"] / 2, top + g["yl"] + 20),  # x tick labels
        (left + g["xl"] / 2, top - 40),  # title
    ]
    for px, py in outside:
        page.mouse.click(px, py)
    page.wait_for_timeout(1500)
    wait_for_app(page)
    assert runs(page) == before
    assert shown_pair(page, "returned click: ") is None


def test_hover_preview_shows_the_spots_neighbours_without_a_rerun(demo):
    page = demo()
    g = geometry(page)
    X, labels, names = training_points(page)
    before = runs(page)
    last_previews = 0
    for x, y in [(4.33, 4.13), (2.03, 8.53), (7.13, 6.23), (5.07, 5.13), (9.83, 0.33)]:
        px, py = (round(v) for v in to_pixel(g, x, y))  # whole pixels, as the browser reports
        page.mouse.move(px, py)
        page.wait_for_function(
            f"Number(document.querySelector('.knn-canvas').dataset.previews) > {last_previews}"
        )
        preview = page.evaluate(PREVIEW)
        last_previews = preview["previews"]
        hx, hy = to_data(g, px, py)
        ax, ay = (float(v) for v in preview["at"].split(","))
        tol = pixel_size(g)
        assert abs(ax - hx) <= tol and abs(ay - hy) <= tol
        # The exact neighbours of the spot under the pointer (no grid in between).
        d2 = ((X - [ax, ay]) ** 2).sum(axis=1)
        nearest = np.argsort(d2, kind="stable")[:K]
        assert sorted(map(tuple, preview["rings"])) == sorted(map(tuple, X[nearest].tolist()))
        votes = np.bincount(labels[nearest], minlength=2)
        winner = int(votes.argmax())
        assert preview["status"] == (
            f"Preview: {names[winner]}: {votes[winner]} of {K} votes "
            "(click to place the query here)"
        )
        assert preview["label"] == names[winner]
        (spokes,) = preview["spokes"]
        assert spokes.count("M") == K
        sx, sy = (float(v) for v in re.match(r"M([^,]+),([^L]+)L", spokes).groups())
        assert (sx, sy) == (ax, ay)
        assert len(preview["stars"]) == 1
        if (x, y) == (4.33, 4.13):
            screenshot(page, "canvas_hover")
    page.wait_for_timeout(500)
    assert runs(page) == before  # hovering never reran the script
    assert_no_exception(page)
    assert not [e for e in page.console_errors if "knn" in e.lower() or "plotly" in e.lower()]

    # Leaving the plot area clears the preview.
    page.mouse.move(g["left"] + g["xo"] - 30, g["top"] + g["yo"] + 100)
    page.wait_for_function("document.querySelector('.knn-canvas').dataset.previewAt === ''")
    cleared = page.evaluate(PREVIEW)
    assert cleared["rings"] == [] and cleared["spokes"] == [] and cleared["stars"] == []
    assert cleared["status"] == "" and cleared["label"] is None
    page.mouse.move(5, 5)
    screenshot(page, "canvas_left")


def test_reruns_update_the_same_plot_and_do_not_pile_up_listeners(demo):
    page = demo()
    page.evaluate("document.querySelector('.knn-canvas-plot').__marker = 'first'")
    g = geometry(page)
    for i, (x, y) in enumerate([(2.0, 2.0), (8.0, 3.0), (5.0, 9.0)]):
        click_and_wait(page, *to_pixel(g, x, y))
        assert page.evaluate("document.querySelector('.knn-canvas').dataset.renders") == str(i + 2)
    assert page.locator(".knn-canvas").count() == 1
    assert page.evaluate("document.querySelector('.knn-canvas-plot').__marker") == "first"
    assert page.locator("script[data-knn-canvas=plotly]").count() == 1

    # One pointer move -> exactly one preview drawn (no listener added per rerun).
    before = page.evaluate(PREVIEW)["previews"]
    page.mouse.move(*to_pixel(g, 6.0, 6.0))
    page.wait_for_timeout(300)
    assert page.evaluate(PREVIEW)["previews"] == before + 1


def test_modebar_offers_png_download_and_no_zoom(demo):
    page = demo()
    g = geometry(page)
    page.mouse.move(*to_pixel(g, 5.0, 5.0))
    buttons = page.locator(".knn-canvas .modebar-btn")
    buttons.first.wait_for(state="attached")
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert len(titles) == 1 and "png" in titles[0].lower()
    layout = page.evaluate(
        "(() => { const l = document.querySelector('.knn-canvas-plot')._fullLayout;"
        " return [l.dragmode, l.xaxis.fixedrange, l.yaxis.fixedrange]; })()"
    )
    assert layout == [False, True, True]

    # A drag does not zoom: the ranges stay put.
    start, end = to_pixel(g, 2.0, 2.0), to_pixel(g, 6.0, 6.0)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    wait_for_app(page)
    assert geometry(page)["xr"] == [LO, HI] and geometry(page)["yr"] == [LO, HI]


def test_class_names_are_shown_as_text_not_markup(demo):
    page = demo("?names=odd")
    g = geometry(page)
    page.mouse.move(*to_pixel(g, 2.0, 2.5))  # deep in the red cluster
    page.wait_for_function("document.querySelector('.knn-canvas').dataset.previews > 0")
    preview = page.evaluate(PREVIEW)
    assert preview["label"] == "red <b>&amp;"
    assert preview["status"].startswith("Preview: red <b>&amp;: ")
    assert page.locator(".knn-canvas-label b, .knn-canvas-status b").count() == 0
    screenshot(page, "canvas_odd_names")


def test_the_small_plotly_js_is_loaded_once_from_the_app_static_folder(page, streamlit_url):
    from knn_ui.canvas import plotly_file_name, plotly_version

    loaded = []
    page.on("response", lambda r: "plotly" in r.url and loaded.append((r.url, r.body())))
    page.goto(streamlit_url(DEMO))
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=30_000)
    # A figure without WebGL: the smaller bundle, and only it.
    src = page.locator("script[data-knn-canvas=plotly]").get_attribute("src")
    assert src.endswith(f"/app/static/{plotly_file_name('small')}")
    assert page.locator("script[src*=plotly]").count() == 1
    assert page.evaluate("window.Plotly.version") == plotly_version()
    # What the page ran opens with V8's compile hint: compile every function while downloading.
    ((url, body),) = loaded
    assert url.endswith(src)
    hint, header = (
        b"//# allFunctionsCalledOnLoad\n",
        b"/**\n* plotly.js (small: scatter, contour, heatmap - minified) v",
    )
    assert body.startswith(hint + header + plotly_version().encode() + b"\n")


def test_a_plot_that_turns_to_webgl_is_drawn_again_by_the_full_plotly_js(demo):
    from knn_ui.canvas import plotly_file_name

    page = demo()
    bundle = "document.querySelector('.knn-canvas').knnCanvas.bundle.url"
    types = "Array.from(document.querySelector('.knn-canvas-plot')._fullData, t => t.type)"
    assert page.evaluate(bundle).endswith(plotly_file_name("small"))
    g = geometry(page)
    click_and_wait(page, *to_pixel(g, 2.0, 2.0))

    renders = int(page.evaluate("document.querySelector('.knn-canvas').dataset.renders"))
    page.get_by_text("Draw the points with WebGL").click()
    page.wait_for_function(
        f"Number(document.querySelector('.knn-canvas').dataset.renders) > {renders}",
        timeout=30_000,
    )
    wait_for_app(page)
    assert page.evaluate(bundle).endswith(f"/{plotly_file_name('full')}")
    assert page.locator("script[data-knn-canvas=plotly]").count() == 2
    assert set(page.evaluate(types)) == {"scattergl", "scatter"}  # the points; the query star
    assert page.locator(".knn-canvas-plot canvas").count() > 0  # drawn by WebGL
    assert page.locator(".knn-canvas .svg-container").count() == 1  # one plot, not two stacked

    # The plot drawn again still places the query exactly and previews.
    g = geometry(page)
    px, py = to_pixel(g, 7.25, 3.5)
    click_and_wait(page, px, py)
    x, y = shown_pair(page, "query (set by on_click): ")
    assert abs(x - 7.25) <= pixel_size(g) and abs(y - 3.5) <= pixel_size(g)
    before = page.evaluate(PREVIEW)["previews"]
    page.mouse.move(*to_pixel(g, 6.0, 6.0))
    page.wait_for_function(
        f"Number(document.querySelector('.knn-canvas').dataset.previews) > {before}"
    )
    assert page.evaluate(PREVIEW)["status"].startswith("Preview: ")

    # Back to SVG points: the full bundle draws those too, so it keeps the plot.
    page.get_by_text("Draw the points with WebGL").click()
    page.wait_for_function(f"!{types}.includes('scattergl')", timeout=30_000)
    wait_for_app(page)
    assert page.evaluate(bundle).endswith(f"/{plotly_file_name('full')}")
    assert page.locator("script[data-knn-canvas=plotly]").count() == 2
    assert_no_exception(page)
    screenshot(page, "canvas_back_from_webgl")


# Logs every call the page makes to Plotly.newPlot / react / relayout on a knn_canvas plot:
# how many traces it draws (not hidden, not "legendonly") and the height it asks for. (Other
# charts, such as st.plotly_chart's, may call the same window.Plotly.)
LOG_PLOTLY_CALLS = """(() => {
    window.__plotlyCalls = [];
    let plotly;
    Object.defineProperty(window, 'Plotly', {configurable: true, get: () => plotly, set: (p) => {
        for (const name of ['newPlot', 'react', 'relayout']) {
            const call = p[name];
            p[name] = function (gd, data, layout) {
                if (!gd.classList || !gd.classList.contains('knn-canvas-plot')) {
                    return call.apply(this, arguments);
                }
                const drawn = Array.isArray(data)
                    ? data.filter(t => t.visible !== false && t.visible !== 'legendonly').length
                    : null;
                const height = name === 'relayout' ? data && data.height : layout && layout.height;
                window.__plotlyCalls.push({name, drawn, height: height ?? null});
                return call.apply(this, arguments);
            };
        }
        plotly = p;
    }});
})()"""


def test_the_first_figure_is_drawn_once_at_its_fitted_height(browser, streamlit_url):
    # Narrow enough that the fitted height is below the most the plot may take (500 px).
    context = browser.new_context(viewport={"width": 420, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(LOG_PLOTLY_CALLS)
        page.goto(streamlit_url(DEMO))
        wait_for_app(page)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=30_000)
        page.wait_for_timeout(500)  # a late fit or resize would show up in the log
        calls = page.evaluate("window.__plotlyCalls")
        full = [c for c in calls if c["drawn"]]
        assert len(full) == 1, calls  # the traces are drawn once (the legend pass draws none)
        assert not [c for c in calls if c["name"] == "relayout"], calls
        fl = page.evaluate(
            "(() => { const fl = document.querySelector('.knn-canvas-plot')._fullLayout;"
            " return {h: fl.height, s: fl._size, x: fl.xaxis.range, y: fl.yaxis.range}; })()"
        )
        # Equal axis scales: the height is the square drawing area plus the margins.
        s = fl["s"]
        assert (fl["y"][1] - fl["y"][0]) == pytest.approx(fl["x"][1] - fl["x"][0])
        assert fl["h"] < 500
        assert abs(fl["h"] - (s["t"] + s["b"] + s["w"] + 1)) <= 2
        assert full[0]["height"] == fl["h"]
        assert page.locator(".knn-canvas-plot .scatterlayer .point").count() == 40
        assert_no_exception(page)
    finally:
        context.close()


def test_a_plot_without_equal_axis_scales_is_drawn_at_once(page, streamlit_url):
    # The Regression page's two plots keep their height: no legend pass, one draw each.
    page.add_init_script(LOG_PLOTLY_CALLS)
    page.goto(streamlit_url("app.py") + "/regression")
    wait_for_app(page)
    page.wait_for_function(
        "document.querySelectorAll('.knn-canvas[data-renders]').length === 2",
        timeout=30_000,
    )
    anchors = page.evaluate(
        "[...document.querySelectorAll('.knn-canvas-plot')]"
        ".map(gd => gd._fullLayout.yaxis.scaleanchor || null)"
    )
    assert anchors == [None, None]
    calls = page.evaluate("window.__plotlyCalls")
    assert [c["name"] for c in calls] == ["newPlot", "newPlot"], calls
    assert all(c["drawn"] for c in calls), calls
    assert_no_exception(page)


def test_a_plot_whose_plotly_js_fails_to_load_says_so(page, streamlit_url):
    page.route("**/app/static/plotly-*.min.js", lambda route: route.abort())
    page.goto(streamlit_url(DEMO))
    wait_for_app(page)
    status = page.locator(".knn-canvas-status")
    status.filter(has_text="could not be drawn").wait_for(timeout=30_000)
    assert "plotly.js did not load from /app/static/plotly-" in status.text_content()
    assert_no_exception(page)


def test_resizing_keeps_clicks_exact(demo):
    page = demo()
    wide = page.evaluate("document.querySelector('.knn-canvas-plot')._fullLayout.width")
    page.set_viewport_size({"width": 560, "height": 900})
    page.wait_for_function(f"document.querySelector('.knn-canvas-plot')._fullLayout.width < {wide}")
    page.wait_for_timeout(300)
    g = geometry(page)
    px, py = (round(v) for v in to_pixel(g, 6.5, 1.5))
    expected = to_data(g, px, py)
    click_and_wait(page, px, py)
    returned = shown_pair(page, "returned click: ")
    tol = pixel_size(g)
    assert abs(returned[0] - expected[0]) <= tol and abs(returned[1] - expected[1]) <= tol
    screenshot(page, "canvas_narrow")


def test_a_tap_places_the_query_once(browser, streamlit_url):
    context = browser.new_context(
        viewport={"width": 800, "height": 900}, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        page.goto(streamlit_url(DEMO))
        wait_for_app(page)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=30_000)
        g = geometry(page)
        before = runs(page)
        px, py = (round(v) for v in to_pixel(g, 4.0, 6.0))
        page.touchscreen.tap(px, py)
        page.wait_for_function(
            "document.querySelector('.knn-canvas').dataset.renders === '2'", timeout=15_000
        )
        page.wait_for_timeout(1000)
        wait_for_app(page)
        assert page.evaluate("document.querySelector('.knn-canvas').dataset.clicks") == "1"
        assert runs(page) == before + 1
        returned = shown_pair(page, "returned click: ")
        expected = to_data(g, px, py)
        tol = pixel_size(g)
        assert abs(returned[0] - expected[0]) <= tol and abs(returned[1] - expected[1]) <= tol
    finally:
        context.close()
