"""The whole app in a real browser: Streamlit server + Playwright + Debian's Chromium.

The Playground: a click on the plot moves the query (the inputs, the vote and the table
change); moving the pointer previews neighbours with no rerun. Every page in the navigation
opens without an exception box. Screenshots go to screenshots/.
"""

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"

GEOMETRY = """() => {
    const gd = document.querySelector('.knn-canvas-plot');
    const r = gd.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    return {left: r.left, top: r.top, xo: xa._offset, xl: xa._length, yo: ya._offset,
            yl: ya._length, xr: xa.range, yr: ya.range};
}"""

# Counts script runs by watching Streamlit's run-state attribute.
WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runs = 0;
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def to_pixel(g, x, y):
    (x0, x1), (y0, y1) = g["xr"], g["yr"]
    return (
        g["left"] + g["xo"] + (x - x0) / (x1 - x0) * g["xl"],
        g["top"] + g["yo"] + (y1 - y) / (y1 - y0) * g["yl"],
    )


def query_inputs(page):
    values = page.locator('[data-testid="stNumberInput"] input').evaluate_all(
        "els => els.map(e => e.value)"
    )
    # The seed input comes first in the sidebar; the query inputs are the last two.
    return float(values[-2]), float(values[-1])


def prediction(page) -> str:
    return page.locator(".knn-pred-value").first.inner_text()


@pytest.fixture
def playground(page, streamlit_url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(streamlit_url(APP))
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
    assert_no_exception(page)
    return page


def test_click_on_the_plot_moves_the_query(playground):
    page = playground
    screenshot(page, "playground_default")
    g = page.evaluate(GEOMETRY)
    before = query_inputs(page)
    # Remember Plotly's computed traces: moving the query must redraw only its shapes.
    page.evaluate("window.__calcdata = document.querySelector('.knn-canvas-plot').calcdata")
    # The blue blob sits around (5, 5); click exactly there.
    px, py = to_pixel(g, 5.0, 5.0)
    page.mouse.click(px, py)
    page.wait_for_function(
        "(b) => { const v = Array.from(document.querySelectorAll("
        "'[data-testid=\"stNumberInput\"] input')).map(e => e.value);"
        " return v.length >= 2 && v[v.length - 2] !== String(b); }",
        arg=f"{before[0]:.2f}",
        timeout=30_000,
    )
    wait_for_app(page)
    assert_no_exception(page)
    qx, qy = query_inputs(page)
    pixel = max((g["xr"][1] - g["xr"][0]) / g["xl"], (g["yr"][1] - g["yr"][0]) / g["yl"])
    assert abs(qx - 5.0) <= pixel + 0.01 and abs(qy - 5.0) <= pixel + 0.01
    assert "blue" in prediction(page)
    # The query sits exactly where the click landed; the inputs show it to two decimals.
    page.wait_for_function(
        "(q) => { const s = (document.querySelector('.knn-canvas-plot').layout.shapes || [])"
        ".find(s => s.name === 'query'); return s && Math.abs(s.xanchor - q[0]) <= 0.005"
        " && Math.abs(s.yanchor - q[1]) <= 0.005; }",
        arg=[qx, qy],
        timeout=10_000,
    )
    assert page.evaluate(
        "window.__calcdata === document.querySelector('.knn-canvas-plot').calcdata"
    ), "the click redrew every trace instead of the query's shapes"
    screenshot(page, "playground_after_click")


def test_hover_previews_without_a_rerun(playground):
    page = playground
    page.evaluate(WATCH_RUNS)
    renders = page.evaluate("document.querySelector('.knn-canvas').dataset.renders")
    g = page.evaluate(GEOMETRY)
    shapes_seen = []
    for x, y in [(1.0, 1.0), (3.0, 3.0), (5.0, 5.0)]:
        page.mouse.move(*to_pixel(g, x, y))
        page.wait_for_timeout(150)
        shapes_seen.append(
            page.evaluate(
                "JSON.stringify((document.querySelector('.knn-canvas-plot').layout.shapes"
                " || []).filter(s => (s.name || '').startsWith('knn-preview')))"
            )
        )
    screenshot(page, "playground_hover")
    assert all(s != "[]" for s in shapes_seen), "no preview drawn"
    assert len(set(shapes_seen)) == 3, "the preview did not follow the pointer"
    status = page.locator(".knn-canvas-status").inner_text()
    assert "blue" in status or "red" in status
    assert page.evaluate("window.__runs") == 0, "hovering reran the script"
    assert page.evaluate("document.querySelector('.knn-canvas').dataset.renders") == renders


# The plotly.js bundle each plot on the page was drawn with (knn_ui/canvas.js), once drawn.
PLOT_BUNDLES = """() => Array.from(document.querySelectorAll('.knn-canvas'),
    c => c.dataset.renders && c.knnCanvas.bundle ? c.knnCanvas.bundle.url : null)"""


def drawn_plot_bundles(page) -> list[str]:
    """The bundle of every plot on the page, once all are drawn and no other plot came."""
    last = None
    for _ in range(20):  # a page's plots may appear one after the other
        page.wait_for_function(f"({PLOT_BUNDLES})().every(url => url !== null)", timeout=60_000)
        page.wait_for_timeout(500)
        bundles = page.evaluate(PLOT_BUNDLES)
        if bundles == last and None not in bundles:
            return bundles
        last = bundles
    raise AssertionError(f"the plots kept changing: {last}")


def test_every_page_opens_without_an_exception_and_plots_with_the_small_plotly_js(
    page, streamlit_url
):
    from knn_ui.canvas import plotly_file_name

    small = f"/app/static/{plotly_file_name('small')}"
    page.set_viewport_size({"width": 1400, "height": 1000})
    base = streamlit_url(APP)
    page.goto(base)
    wait_for_app(page)
    links = page.locator('[data-testid="stSidebarNav"] a')
    # A one-page app shows no navigation; then the root page is the only page.
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))") or [base]
    for href in hrefs:
        url = href if href.startswith("http") else base.rstrip("/") + "/" + href.lstrip("/")
        page.goto(url)
        wait_for_app(page)
        assert_no_exception(page)
        name = href.rstrip("/").rsplit("/", 1)[-1] or "playground"
        # Every plot a page opens with has no WebGL trace: the small bundle draws it, and the
        # page loads no other (the first render waits for it).
        assert all(url.endswith(small) for url in drawn_plot_bundles(page)), name
        scripts = page.locator("script[data-knn-canvas=plotly]")
        assert scripts.evaluate_all("els => els.map(e => new URL(e.src).pathname)") in (
            [],
            [small],
        ), name
        screenshot(page, f"page_{name}")


def test_a_deep_link_is_the_first_visit_to_a_fresh_server(page):
    # Streamlit starts a server in its old pages/ folder mode; knn_ui.router sends that first
    # visit through app.py, so the student who opens /quiz first sees the app's own menu.
    from tests.browser_support import start_streamlit

    with start_streamlit(APP) as base:
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(base + "/quiz")
        wait_for_app(page)
        assert_no_exception(page)
        page.get_by_role("heading", name="Quiz").first.wait_for(timeout=30_000)
        # Each link's text is its icon's name, then the page title.
        links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        nav = [text.split("\n")[-1].strip() for text in links]
        screenshot(page, "deep_link_first_visit")
    assert "Playground" in nav and "Choosing k" in nav, nav
    assert "app" not in nav, nav


def test_presenter_mode_tucks_the_sidebar_away_and_enlarges_the_vote(playground):
    page = playground
    sidebar_right = (
        "Math.round(document.querySelector('[data-testid=stSidebar]')"
        ".getBoundingClientRect().right)"
    )
    size = "parseFloat(getComputedStyle(document.querySelector('.knn-pred-value')).fontSize)"
    # The vote bars and the neighbour table (their own components) grow with the page's text.
    drawn = "(sel) => document.querySelector(sel).getBoundingClientRect().height"
    assert page.evaluate(sidebar_right) > 0
    before = page.evaluate(size)
    parts_before = [page.evaluate(drawn, sel) for sel in (".knn-vote-track", ".knn-nt td")]
    page.get_by_role("switch", name="Presenter mode").click(force=True)
    wait_for_app(page)
    page.wait_for_function(f"{sidebar_right} <= 0", timeout=10_000)
    assert page.evaluate(size) > before
    parts = [page.evaluate(drawn, sel) for sel in (".knn-vote-track", ".knn-nt td")]
    assert all(after > 1.2 * old for after, old in zip(parts, parts_before, strict=True))
    assert_no_exception(page)
    screenshot(page, "presenter_mode")
