"""The Playground on the four screens a class uses, measured by element boxes in Chromium.

Projector 1280 x 720 in presenter mode, desktop 1440 x 900, tablet 820 x 1180 and phone
390 x 844 (touch). Each test saves a full-page screenshot (``screenshots/screen_<name>.png``)
for a person to look at; the assertions measure the boxes the issue asks about.
"""

import re

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

SCREENS = {
    "projector": dict(viewport={"width": 1280, "height": 720}),
    "desktop": dict(viewport={"width": 1440, "height": 900}),
    "tablet": dict(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True),
    "phone": dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True),
}

BOXES = """() => {
    const box = (el) => {
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                width: r.width, height: r.height};
    };
    const q = (s) => document.querySelector(s);
    const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : 0;
    const visible = (el) => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden';
    return {
        area: box(q('.knn-canvas-plot .nsewdrag')),
        plot: box(q('.knn-canvas-plot')),
        legend: box(q('.knn-canvas-plot .legend')),
        verdict: box(q('.knn-canvas-status')),
        verdictText: q('.knn-canvas-status').textContent,
        verdictPx: px(q('.knn-canvas-status')),
        vote: box(q('.knn-vote')),
        prediction: box(q('.knn-pred')),
        predictionPx: px(q('.knn-pred-value')),
        k: box(q('[data-testid="stMetric"]')),
        kText: q('[data-testid="stMetric"]') ? q('[data-testid="stMetric"]').innerText : '',
        kPx: px(q('[data-testid="stMetricValue"] p')),
        sidebar: box(q('[data-testid="stSidebar"]')),
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        kbd: Array.from(document.querySelectorAll('.stApp kbd')).filter(visible).length,
        tooWide: Array.from(document.querySelectorAll(
            '.stMain button, .stMain input, .stMain [data-testid="stButtonGroup"], .stMain table'))
            .filter(visible).map(e => [e.innerText || e.tagName, box(e)])
            .filter(([, b]) => b.width > 0 && (b.right > innerWidth + 0.5 || b.left < -0.5))
            .map(([t]) => t),
    };
}"""


# The caption under the plot, as shown: (mouse wording, touch wording), None when hidden.
HINTS = """() => ['knn_hint_mouse', 'knn_hint_touch'].map((key) => {
    const el = document.querySelector('.st-key-' + key);
    return el && el.getClientRects().length > 0 ? el.innerText : null;
})"""


@pytest.fixture
def open_screen(browser, streamlit_url):
    contexts = []

    def open_(name, query=""):
        context = browser.new_context(**SCREENS[name])
        contexts.append(context)
        page = context.new_page()
        page.goto(streamlit_url("app.py") + ("/" + query if query[:1].isalpha() else query))
        wait_for_app(page)
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
        page.wait_for_timeout(800)  # the sidebar's slide and the plot's fit to its width
        wait_for_app(page)
        assert_no_exception(page)
        return page

    yield open_
    for context in contexts:
        context.close()


def inside(box, viewport):
    return (
        box is not None
        and box["top"] >= 0
        and box["left"] >= 0
        and box["bottom"] <= viewport["height"]
        and box["right"] <= viewport["width"]
    )


def test_projector_shows_plot_k_prediction_and_vote_without_scrolling(open_screen):
    page = open_screen("projector", "?present=true")
    view = SCREENS["projector"]["viewport"]
    b = page.evaluate(BOXES)
    screenshot(page, "screen_projector", full_page=False)
    for part in ("area", "k", "prediction", "vote", "verdict"):
        assert inside(b[part], view), f"{part} {b[part]} is not on the 1280 x 720 screen"
    assert b["kText"].split()[-1] == "3"  # the current k, said in large type
    assert b["kPx"] >= 40 and b["predictionPx"] >= 36 and b["verdictPx"] >= 22
    assert b["area"]["height"] >= 450
    assert b["sidebar"]["right"] <= 0  # tucked away


def test_desktop_plot_is_600_pixels_tall_with_the_vote_beside_it(open_screen):
    page = open_screen("desktop")
    view = SCREENS["desktop"]["viewport"]
    b = page.evaluate(BOXES)
    screenshot(page, "screen_desktop")
    assert b["area"]["height"] >= 600 and b["area"]["width"] >= 600
    assert b["vote"]["left"] >= b["plot"]["right"]  # beside the plot, not under it
    for part in ("area", "verdict", "prediction", "vote"):  # the first screen holds them all
        assert inside(b[part], view), f"{part} {b[part]} is not on the 1440 x 900 screen"
    assert b["legend"]["bottom"] <= b["area"]["top"]  # the key sits above, taking no height
    assert re.fullmatch(r"(red|blue): [23] of 3 votes", b["verdictText"])
    mouse, touch = page.evaluate(HINTS)
    assert mouse.startswith("Move the pointer over the plot") and touch is None
    # The rank labels are readable: none overlaps another, nor the query's star.
    labels, star = page.evaluate(
        """() => {
        const box = (e) => { const r = e.getBoundingClientRect();
                             return [r.left, r.top, r.right, r.bottom]; };
        const groups = Array.from(document.querySelectorAll('.knn-canvas-plot .shape-group'));
        const names = document.querySelector('.knn-canvas-plot').layout.shapes.map(s => s.name);
        return [groups.filter(g => g.querySelector('text')).map(g => box(g.querySelector('text'))),
                box(groups[names.indexOf('query')])];
    }"""
    )
    assert len(labels) == 3

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for i, a in enumerate(labels):
        assert not overlap(a, star), f"rank {i + 1} label under the query's star"
        for j in range(i):
            assert not overlap(a, labels[j]), f"rank labels {j + 1} and {i + 1} overlap"


VOTE_TEXT = """() => {
    const box = (e) => e.getBoundingClientRect();
    const names = Array.from(document.querySelectorAll('.knn-vote-name'));
    const title = box(document.querySelector('.knn-vote-title'));
    const axis = box(document.querySelector('.knn-vote-axis'));
    return {
        width: box(document.querySelector('.knn-vote')).width,
        cut: names.filter(e => e.scrollWidth > e.clientWidth + 0.5).map(e => e.textContent),
        overlap: title.right > axis.left && axis.right > title.left
            && title.bottom > axis.top && axis.bottom > title.top,
    };
}"""


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_a_narrow_side_column_keeps_the_class_names_and_the_vote_heading(open_screen, weights):
    # 1280 px with the sidebar open: the side column is about 230 px wide.
    query = "?weights=Distance" if weights == "distance" else ""
    page = open_screen("projector", query)
    vote = page.evaluate(VOTE_TEXT)
    screenshot(page, f"screen_narrow_vote_{weights}", full_page=False)
    assert vote["width"] < 260  # the case in question
    assert vote["cut"] == [], f"class names cut: {vote['cut']}"
    assert not vote["overlap"], "the vote's title overlaps its axis word"


@pytest.mark.parametrize("name", ["tablet", "phone"])
def test_touch_screens_show_the_plot_full_width_with_its_verdict(open_screen, name):
    page = open_screen(name)
    view = SCREENS[name]["viewport"]
    b = page.evaluate(BOXES)
    assert b["sidebar"]["right"] <= 0, "the sidebar did not start collapsed"
    assert b["plot"]["width"] >= view["width"] - 40  # as wide as the screen allows
    # The verdict sits right under the plot: both fit on the screen at once.
    assert 0 <= b["verdict"]["top"] - b["plot"]["bottom"] <= 12
    assert b["verdict"]["bottom"] - b["plot"]["top"] <= view["height"]
    assert re.fullmatch(r"(red|blue): [23] of 3 votes", b["verdictText"])
    assert b["kbd"] == 0, "keyboard hints shown on a touch screen"
    mouse, touch = page.evaluate(HINTS)
    assert mouse is None and touch.startswith("Touch the plot and slide your finger")
    assert b["tooWide"] == [] and b["scrollWidth"] <= view["width"]
    page.locator(".knn-canvas").scroll_into_view_if_needed()
    screenshot(page, f"screen_{name}", full_page=False)
    screenshot(page, f"screen_{name}_full")


def test_touch_drag_previews_and_lifting_commits(open_screen):
    page = open_screen("phone")
    page.locator(".knn-canvas").scroll_into_view_if_needed()
    area = page.evaluate(BOXES)["area"]
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    x0, y0 = area["left"] + 0.3 * area["width"], area["top"] + 0.3 * area["height"]
    x1, y1 = area["left"] + 0.7 * area["width"], area["top"] + 0.6 * area["height"]
    touch("touchStart", x0, y0)
    seen = set()
    for i in range(1, 11):
        touch("touchMove", x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
        page.wait_for_timeout(30)
        seen.add(page.evaluate("document.querySelector('.knn-canvas').dataset.previewAt"))
    assert len(seen - {"", None}) >= 5, "dragging a finger did not move the preview"
    assert page.evaluate("document.querySelector('.knn-canvas').dataset.clicks") is None
    previewed = page.evaluate("document.querySelector('.knn-canvas').dataset.previewAt")
    status = page.evaluate("document.querySelector('.knn-canvas-status').textContent")
    assert status.startswith("Preview: ") and status.endswith(
        "(lift your finger to place the query here)"
    )
    screenshot(page, "screen_phone_drag", full_page=False)
    touch("touchEnd", x1, y1)
    page.wait_for_function(
        "document.querySelector('.knn-canvas').dataset.renders > '1'", timeout=30_000
    )
    wait_for_app(page)
    page.wait_for_timeout(500)
    ds = page.evaluate("Object.assign({}, document.querySelector('.knn-canvas').dataset)")
    assert ds["clicks"] == "1"  # one commit, not a second one from the tap's click
    assert ds["lastClick"] == previewed  # lifting committed the spot the preview showed
    star = page.evaluate(
        "(document.querySelector('.knn-canvas-plot').layout.shapes || [])"
        ".filter(s => s.name === 'query').map(s => [s.xanchor, s.yanchor])"
    )
    assert star == [[float(v) for v in previewed.split(",")]]
    assert_no_exception(page)


@pytest.mark.parametrize("path", ["step_by_step", "quiz"])
def test_presenter_mode_on_the_pages_a_teacher_projects(open_screen, path):
    page = open_screen("projector", f"{path}?present=true")
    view = SCREENS["projector"]["viewport"]
    b = page.evaluate(BOXES)
    screenshot(page, f"screen_projector_{path}", full_page=False)
    assert inside(b["k"], view) and b["kText"].split()[-1] == "3" and b["kPx"] >= 40
    assert b["sidebar"]["right"] <= 0  # tucked away
    assert b["area"]["top"] < view["height"] - 200  # the plot starts on the first screen
    if path == "quiz":
        assert inside(b["area"], view)


def test_step_by_step_presenter_shows_plot_k_prediction_and_vote_without_scrolling(open_screen):
    page = open_screen("projector", "step_by_step?present=true&step=5")
    view = SCREENS["projector"]["viewport"]
    b = page.evaluate(BOXES)
    screenshot(page, "screen_projector_step_by_step_predict", full_page=False)
    for part in ("area", "k", "prediction", "vote"):
        assert inside(b[part], view), f"{part} {b[part]} is not on the 1280 x 720 screen"
    assert b["kPx"] >= 40 and b["predictionPx"] >= 36


def test_a_sidebar_a_student_opens_on_a_phone_stays_open(browser, streamlit_url):
    """Opened before the plot is first drawn, the sidebar must not be closed by the plot.

    The plot tucks the sidebar away on a touch tablet; on a phone Streamlit starts it
    collapsed already, and a student who opens it while the plot is still loading keeps it.
    """
    context = browser.new_context(**SCREENS["phone"])
    try:
        page = context.new_page()
        page.goto(streamlit_url("app.py"))
        expand = page.locator('[data-testid="stExpandSidebarButton"]')
        expand.wait_for(timeout=60_000)
        assert page.locator(".knn-canvas[data-renders] .main-svg").count() == 0  # not drawn yet
        expand.tap()
        page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(1000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "false"
        assert sidebar.bounding_box()["x"] == 0
        assert_no_exception(page)
    finally:
        context.close()


def test_searching_fast_presenter_shows_the_steps_and_the_whole_plot_without_scrolling(
    open_screen,
):
    page = open_screen("projector", "searching_fast?present=true")
    view = SCREENS["projector"]["viewport"]
    b = page.evaluate(BOXES)
    screenshot(page, "screen_projector_searching_fast", full_page=False)
    assert inside(b["area"], view) and inside(b["verdict"], view)
    nav = page.get_by_role("button", name="Next").bounding_box()
    assert nav is not None and inside(
        {**nav, "right": nav["x"] + nav["width"], "bottom": nav["y"] + nav["height"],
         "left": nav["x"], "top": nav["y"]},
        view,
    )  # fmt: skip
