"""Searching fast in a real browser: stepping redraws only the search's shapes, even over
100,000 points; a click moves the query; the step controls and the plot fit a projector
screen and a phone. Screenshots go to screenshots/.
"""

import re

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"
PLOT = ".knn-canvas-plot"

GEOMETRY = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const r = gd.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return {left: r.left, top: r.top, xo: xa._offset, xl: xa._length, yo: ya._offset,
            yl: ya._length, xr: xa.range, yr: ya.range};
}"""

COUNTER = """() => (document.querySelector('.knn-canvas-plot').layout.shapes || [])
    .find(s => s.name === 'counter').label.text"""


def open_page(page, url, query=""):
    page.goto(url + "/searching_fast" + query)
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=90_000)
    assert_no_exception(page)


def heading(page) -> str:
    return page.get_by_role("heading", name=re.compile(r"^Step \d+ of \d+")).inner_text()


def next_step(page):
    before = heading(page)
    page.get_by_role("button", name="Next").click()
    page.wait_for_function(
        "(b) => Array.from(document.querySelectorAll('h2')).some("
        "h => /^Step \\d+ of/.test(h.innerText) && h.innerText !== b)",
        arg=before,
        timeout=30_000,
    )
    wait_for_app(page)
    assert_no_exception(page)


@pytest.mark.parametrize("n", [1_000, 100_000])
def test_a_step_redraws_only_the_shapes(page, streamlit_url, n):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, streamlit_url(APP), f"?n={n}&k=5")
    page.evaluate(f"window.__calcdata = document.querySelector('{PLOT}').calcdata")
    counters = [page.evaluate(COUNTER)]
    for _ in range(3):
        next_step(page)
        # The plot's counter follows the page's (a redraw of the shapes).
        metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        page.wait_for_function(
            f"(m) => ({COUNTER})() === 'measured so far: ' + m", arg=metric, timeout=10_000
        )
        counters.append(page.evaluate(COUNTER))
    assert heading(page).startswith("Step 4 of")
    assert counters[0] == f"measured so far: 0 of {n:,}"
    assert any(c != counters[0] for c in counters[1:]), counters
    assert page.evaluate(f"window.__calcdata === document.querySelector('{PLOT}').calcdata"), (
        "a step redrew every trace instead of the shapes"
    )
    # Not a line per node of the tree: a few paths per level and a few boxes per step.
    shapes = page.evaluate(f"document.querySelector('{PLOT}').layout.shapes.length")
    assert shapes < 100
    # The counter is drawn above the plot area, where it hides no point.
    counter, area = page.evaluate(
        f"""() => {{
        const text = Array.from(document.querySelectorAll('{PLOT} text'))
            .find(t => t.textContent.startsWith('measured so far'));
        const area = document.querySelector('{PLOT} .nsewdrag').getBoundingClientRect();
        return [text.getBoundingClientRect().bottom, area.top];
    }}"""
    )
    assert counter <= area
    points = page.evaluate(
        f"document.querySelector('{PLOT}').calcdata.reduce((s, t) => s + t.length, 0)"
    )
    assert points < n  # zoomed in on the search: only the points in view are sent
    screenshot(page, f"searching_fast_{n}", full_page=False)


def test_a_click_moves_the_query_and_the_search(page, streamlit_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, streamlit_url(APP), "?n=1000&zoom=false")
    g = page.evaluate(GEOMETRY)
    (x0, x1), (y0, y1) = g["xr"], g["yr"]
    # Click a quarter of the way in from the top-left corner.
    x, y = x0 + 0.25 * (x1 - x0), y1 - 0.25 * (y1 - y0)
    page.mouse.click(g["left"] + g["xo"] + 0.25 * g["xl"], g["top"] + g["yo"] + 0.25 * g["yl"])
    page.wait_for_function(
        "(x) => { const v = Array.from(document.querySelectorAll("
        "'[data-testid=\"stNumberInput\"] input')).map(e => e.value);"
        " return Math.abs(parseFloat(v[v.length - 2]) - x) < 0.05; }",
        arg=x,
        timeout=30_000,
    )
    wait_for_app(page)
    assert_no_exception(page)
    values = page.locator('[data-testid="stNumberInput"] input').evaluate_all(
        "els => els.map(e => parseFloat(e.value))"
    )
    assert abs(values[-1] - y) < 0.05
    star = page.evaluate(
        f"document.querySelector('{PLOT}').layout.shapes.find(s => s.name === 'query')"
    )
    # The star sits where the click landed (the inputs show it to two decimals).
    pixel = max((x1 - x0) / g["xl"], (y1 - y0) / g["yl"])
    assert abs(star["xanchor"] - x) <= pixel and abs(star["yanchor"] - y) <= pixel
    assert abs(star["xanchor"] - values[-2]) <= 0.005 and abs(star["yanchor"] - values[-1]) <= 0.005


def test_presenter_mode_fits_the_steps_and_the_plot_on_a_projector(page, streamlit_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, streamlit_url(APP), "?n=1000&present=true")
    # The teacher scrolls the step controls up to Streamlit's fixed header: Previous, Next
    # and the whole plot are then on the 720-pixel screen, none of them under the header.
    header = page.locator('[data-testid="stHeader"]').bounding_box()
    top = header["y"] + header["height"]
    label = page.get_by_text("Step of the search", exact=True)
    y = label.bounding_box()["y"]
    page.evaluate(
        "(dy) => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, dy)",
        y - top - 4,
    )
    page.wait_for_timeout(300)
    prev = page.get_by_role("button", name="Previous").bounding_box()
    nxt = page.get_by_role("button", name="Next").bounding_box()
    plot = page.locator(PLOT).bounding_box()
    assert label.bounding_box()["y"] >= top - 1
    assert prev["y"] >= top and nxt["y"] >= top
    assert plot["y"] + plot["height"] <= 720, (top, prev, plot)
    screenshot(page, "searching_fast_presenter", full_page=False)


def test_phone_taps_through_the_search(browser, streamlit_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        open_page(page, streamlit_url(APP), "?n=1000")
        page.get_by_role("button", name="Next").tap()
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('h2'))"
            ".some(h => h.innerText.startsWith('Step 2 of'))",
            timeout=30_000,
        )
        wait_for_app(page)
        assert_no_exception(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width} px)"
        plot = page.locator(PLOT).bounding_box()
        assert plot["x"] >= 0 and plot["x"] + plot["width"] <= 390
        screenshot(page, "searching_fast_phone", full_page=False)
    finally:
        context.close()
