"""Shared values in a real browser: every page, both directions, with and without clicks.

A student's data set, k, metric, weights and query are set once (by a shared link, or by
clicking), then the student walks through every page with the sidebar navigation, forwards and
back. On each page the address bar (written from the parameter table) and the widgets show the
same shared values.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"
#: Navigation title -> the shared keys that page draws.
PAGES = {
    "Playground": ("data", "n", "k", "metric", "weights", "qx", "qy"),
    "Step by step": ("data", "n", "k", "qx", "qy"),
    "Choosing k": ("data", "n", "k"),
    "Distances and scaling": ("data", "n", "qx", "qy"),
    "Quiz": ("data", "n", "k", "metric", "weights"),
}
LINK = {
    "data": "Spiral",
    "n": "300",
    "k": "7",
    "metric": "Manhattan",
    "weights": "Distance",
    "qx": "0.5",
    "qy": "-0.25",
}


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _ready(page) -> None:
    """Wait for the run to end and every lazily loaded widget to replace its skeleton."""
    wait_for_app(page)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000
    )
    wait_for_app(page)


def _number(page, label: str):
    return page.locator('[data-testid="stNumberInput"]', has_text=label).locator("input").first


def _go(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_function(
        "(t) => document.title !== '' && document.querySelector('h1')?.innerText.length",
        arg=title,
        timeout=30_000,
    )
    _ready(page)
    assert_no_exception(page)


def _walk(page, shared: dict) -> None:
    titles = list(PAGES)
    for title in [*titles[1:], *reversed(titles[:-1])]:
        _go(page, title)
        page.wait_for_function(
            "(want) => want.every(([k, v]) => new URLSearchParams(location.search).get(k) === v)",
            arg=[[k, shared[k]] for k in PAGES[title] if shared[k] is not None],
            timeout=60_000,
        )
        got = _query(page)
        for key in PAGES[title]:
            assert got.get(key) == shared[key], (title, key, got)
        if "qx" in PAGES[title]:
            shown = float(_number(page, "Query x₁").input_value())  # two decimals
            assert shown == round(float(shared["qx"]), 2), title
        if "k" in PAGES[title]:
            value = page.locator(".st-key-k [data-testid='stSliderThumbValue']").first
            assert value.inner_text() == shared["k"], title


def test_a_shared_link_keeps_its_values_on_every_page_both_ways(page, streamlit_url):
    base = streamlit_url(APP)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "/?" + "&".join(f"{k}={v}" for k, v in LINK.items()))
    _ready(page)
    assert_no_exception(page)
    assert page.get_by_text("in the link", exact=False).count() == 0
    _walk(page, LINK)
    screenshot(page, "params_walk_link", full_page=False)


def test_values_set_by_typing_and_clicks_keep_their_values_on_every_page_both_ways(
    page, streamlit_url
):
    base = streamlit_url(APP)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "/step_by_step")
    _ready(page)
    # Without a click: type the query on Step by step, then go to the Playground.
    for label, value in (("Query x₁", "1.5"), ("Query x₂", "-0.5")):
        box = _number(page, label)
        box.fill(value)
        box.press("Enter")
        wait_for_app(page)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('qy') === '-0.5'",
        timeout=60_000,
    )
    _go(page, "Playground")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('qy') === '-0.5'",
        timeout=60_000,
    )
    assert float(_number(page, "Query x₁").input_value()) == 1.5
    # With clicks: k + 1 four times, then a click on the plot moves the query.
    for _ in range(4):
        page.get_by_role("button", name="k + 1").click()
        wait_for_app(page)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('k') === '7'",
        timeout=60_000,
    )
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
    box = page.locator(".knn-canvas-plot").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4)
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('qx') !== '1.5'",
        timeout=60_000,
    )
    wait_for_app(page)
    clicked = _query(page)
    assert set(clicked) == {"qx", "qy", "k"}, clicked
    shared = {**clicked, "metric": None, "weights": None, "data": None, "n": None}
    _walk(page, shared)
    screenshot(page, "params_walk_clicks", full_page=False)


def test_a_link_too_long_for_streamlit_is_explained(page, streamlit_url):
    base = streamlit_url(APP)
    page.goto(base + "/?" + "&".join(f"z{i}=1" for i in range(2000)))
    wait_for_app(page)
    assert_no_exception(page)
    note = page.locator("#knn-link-limit")
    note.wait_for(timeout=20_000)
    assert "made of 2,000 values" in note.inner_text()
    page.wait_for_function("() => location.search === ''")
    screenshot(page, "params_link_too_long", full_page=False)


def test_a_thousand_unknown_keys_get_one_short_notice(page, streamlit_url):
    base = streamlit_url(APP)
    page.goto(base + "/?" + "&".join(f"z{i}=1" for i in range(1000)))
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("and 997 more keys this page does not use", exact=False).wait_for()
    page.wait_for_function("() => location.search === ''", timeout=20_000)


def _held_out_heading(page) -> str:
    return page.get_by_role("heading", name=re.compile(r"^Held-out point \d+")).inner_text()


def test_the_address_bar_follows_the_held_out_point_inside_its_fragment(page, streamlit_url):
    # "Next point" reruns only the held-out section (an st.fragment): the URL must still follow,
    # without a history entry, and a link with the point opens on it.
    url = streamlit_url(APP) + "/step_by_step"
    page.goto(url + "?tp=3&tutorial=KNN+class")
    _ready(page)
    assert _held_out_heading(page) == "Held-out point 3 of 10"
    assert _query(page) == {"tp": "3", "tutorial": "KNN class"}
    length = page.evaluate("() => history.length")
    next_point = page.get_by_role("button", name="Next point")
    for want in (4, 5):
        next_point.click()
        page.wait_for_function(
            "(want) => new URLSearchParams(location.search).get('tp') === want",
            arg=str(want),
            timeout=30_000,
        )
        page.get_by_role("heading", name=f"Held-out point {want} of 10").wait_for()
    assert _query(page) == {"tp": "5", "tutorial": "KNN class"}
    assert page.evaluate("() => history.length") == length  # replaceState: no new entry
    page.get_by_role("button", name="Restart").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('tp')")
    page.get_by_role("heading", name="Held-out point 1 of 10").wait_for()
    page.goto(url + "?tp=5")  # the address bar's link opens on that point
    _ready(page)
    assert _held_out_heading(page) == "Held-out point 5 of 10"
    assert_no_exception(page)


def test_a_query_typed_far_off_the_plot_changes_nothing_and_breaks_nothing(page, streamlit_url):
    # The query inputs live in the Playground's fragment, where a note could not be written
    # to the sidebar: the browser already refuses a value beyond the inputs' limits, so no
    # run gets one. A typed value inside them moves the query and the link.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(streamlit_url(APP))
    _ready(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
    box = _number(page, "Query x₁")
    box.fill("100000")
    box.press("Enter")
    page.wait_for_timeout(500)
    wait_for_app(page)
    assert_no_exception(page)
    assert "qx" not in _query(page)
    assert not page.locator('[data-testid="stAlert"]').count()
    box.fill("1.5")
    box.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('qx') === '1.5'", timeout=60_000
    )
    assert_no_exception(page)
    assert page.locator(".knn-canvas-status").inner_text().endswith("votes")
