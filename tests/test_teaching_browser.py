"""Teaching details in a real browser: the embed snippet, colour-named classes, the Quiz plot.

Each test drives the real app (Streamlit server + Debian's Chromium) and saves a screenshot to
screenshots/ for a person to look at.
"""

import html
import re

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"


@pytest.fixture
def app_url(streamlit_url):
    return streamlit_url(APP)


def share_box_codes(page) -> list[str]:
    button = page.locator('[data-testid="stPopover"] button').filter(has_text="Share this view")
    expand = page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.is_visible():  # a phone: the sidebar starts closed
        expand.click()
        page.wait_for_timeout(800)  # the sidebar slides in
    button.scroll_into_view_if_needed()
    button.click()
    codes = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    codes.last.wait_for()
    return [codes.nth(i).inner_text() for i in range(codes.count())]


def snippet_src(snippet: str) -> str:
    return html.unescape(re.search(r'src="([^"]+)"', snippet).group(1))


@pytest.mark.parametrize(
    "viewport",
    [
        dict(viewport={"width": 1440, "height": 900}),
        dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True),
    ],
    ids=["desktop", "phone"],
)
def test_the_embed_snippet_shows_the_view_inside_an_iframe_and_works(browser, app_url, viewport):
    context = browser.new_context(**viewport)
    page = context.new_page()
    try:
        page.goto(f"{app_url}/step_by_step?k=5&step=2")
        wait_for_app(page)
        link, snippet = share_box_codes(page)
        assert snippet.startswith("<iframe ") and snippet.endswith("></iframe>")
        src = snippet_src(snippet)
        assert src.startswith(f"{app_url}/step_by_step?") and src.endswith("&embed=true")
        assert "k=5" in src and "step=2" in src and "k=5" in link
        name = "phone" if viewport["viewport"]["width"] < 500 else "desktop"
        screenshot(page, f"teach_share_box_{name}", full_page=False)

        # A course page on another origin, holding the snippet as pasted.
        host = context.new_page()
        host.set_content(
            '<!doctype html><meta name="viewport" content="width=device-width">'
            f"<h1>Week 3: nearest neighbours</h1>{snippet}"
        )
        frame_element = host.locator("iframe")
        frame_element.wait_for()
        assert frame_element.get_attribute("title") == "KNN Classroom"
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
        wait_for_app(frame)
        assert_no_exception(frame)
        heading = frame.get_by_text(re.compile(r"^Step 2 of \d: Sort the points by distance$"))
        heading.wait_for()
        # Embed mode: no app toolbar (no Deploy button, no main menu) inside the frame.
        assert frame.locator('[data-testid="stMainMenu"]').count() == 0
        # It works: a button in the frame reruns the app there.
        frame.get_by_role("button", name="Next").first.click()
        frame.get_by_text(re.compile(r"^Step 3 of \d: Keep the k closest$")).wait_for()
        wait_for_app(frame)
        assert_no_exception(frame)
        screenshot(host, f"teach_embedded_{name}", full_page=False)
    finally:
        context.close()


def open_app(page, url):
    page.goto(url)
    wait_for_app(page)
    assert_no_exception(page)


def boxes_overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


HEADING_LEVELS = """() => Array.from(
    document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')
).filter(h => h.offsetParent !== null).map(h => [Number(h.tagName[1]), h.innerText.trim()])"""


@pytest.mark.parametrize(
    "path",
    ["", "step_by_step", "choosing_k", "regression", "distances", "experiment", "your_data",
     "quiz", "searching_fast", "class_mode"],
)  # fmt: skip
def test_page_headings_go_down_one_level_at_a_time(page, app_url, path):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, f"{app_url}/{path}")
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0][0] == 1, levels
    for (before, _), (level, text) in zip(levels, levels[1:], strict=False):
        assert level <= before + 1, f"{path or 'playground'}: h{before} then h{level} {text!r}"


def test_step_table_has_no_empty_rows(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    for step, rows in ((4, 3), (1, 8)):  # the 3 voters; every point (scrolls past 8 rows)
        open_app(page, f"{app_url}/step_by_step?step={step}")
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        height = grid.bounding_box()["height"]
        assert abs(height - (35 * (rows + 1) + 2)) <= 3, (step, height)


def test_the_stretched_axis_title_is_clear_of_the_legend(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, f"{app_url}/distances?d_stretch=100x")
    page.get_by_text("Feature scaling: the units").scroll_into_view_if_needed()
    title = page.locator(".xtitle", has_text="× 100").first
    title.wait_for()
    page.wait_for_timeout(1000)  # Plotly draws the figure twice as it sizes it
    wait_for_app(page)
    plot = page.locator(".js-plotly-plot", has=title)
    legend = plot.locator(".legend").first
    assert not boxes_overlap(title.bounding_box(), legend.bounding_box())
    screenshot(page, "teach_distances_stretched", full_page=False)


def test_the_fifth_class_choice_is_clear_of_undo(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, f"{app_url}/?data=Spiral&classes=5")
    orange = page.locator('[data-testid="stButtonGroup"] button', has_text="orange")
    undo = page.get_by_role("button", name="Undo")
    orange.scroll_into_view_if_needed()  # the edit controls sit under the plot
    box = orange.bounding_box()
    assert box["width"] > 40 and not boxes_overlap(box, undo.bounding_box())
    assert orange.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)"
        ".closest('button') === el; }"
    )  # nothing covers it
    screenshot(page, "teach_playground_five_classes", full_page=False)


def test_colour_named_classes_are_drawn_in_their_colours(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 900})
    open_app(page, f"{app_url}/your_data")
    page.locator("input[type=file]").set_input_files("tests/data/good_comma.csv")
    page.wait_for_selector(".knn-canvas-plot", timeout=60_000)
    wait_for_app(page)
    colours = page.evaluate(
        """() => Object.fromEntries(document.querySelector('.knn-canvas-plot')._fullData
            .filter(t => t.name === 'red' || t.name === 'blue')
            .map(t => [t.name, t.marker.color]))"""
    )
    assert colours == {"blue": "#0072B2", "red": "#D55E00"}  # "blue" sorts first
    screenshot(page, "teach_colour_named_classes", full_page=False)


@pytest.mark.parametrize(
    "viewport",
    [
        dict(viewport={"width": 1440, "height": 900}),
        dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True),
    ],
    ids=["desktop", "phone"],
)
def test_the_quiz_plot_is_the_canvas_and_the_pick_shows_beside_the_answer(
    browser, app_url, viewport
):
    context = browser.new_context(**viewport)
    page = context.new_page()
    try:
        open_app(page, f"{app_url}/quiz")
        plot = page.locator(".knn-canvas-plot")
        plot.wait_for()
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
        zoom = page.locator('.modebar-btn[data-val="zoom"], .modebar-btn[data-val="pan"]')
        assert zoom.count() == 0
        page.get_by_role("button", name=re.compile("red")).first.click()
        wait_for_app(page)
        page.get_by_role("button", name="Reveal").click()
        wait_for_app(page)
        assert_no_exception(page)
        verdict = page.get_by_text(re.compile(r"you picked red")).first
        verdict.wait_for()
        assert page.get_by_role("button", name=re.compile("red .*you picked this")).count() == 1
        name = "phone" if viewport["viewport"]["width"] < 500 else "desktop"
        verdict.scroll_into_view_if_needed()
        screenshot(page, f"teach_quiz_revealed_{name}", full_page=False)
    finally:
        context.close()
