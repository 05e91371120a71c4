"""Editing points in a real browser: choose "Add a point", click the plot, the data grows.

Also checks that the edits reach the address bar without adding browser-history entries, and
that opening that address in a new page shows the same edited data. Screenshots go to
screenshots/.
"""

import re

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app
from tests.test_browser_app import GEOMETRY, to_pixel

pytestmark = pytest.mark.browser

APP = "app.py"
CAPTION = re.compile(r"(\w+) edits? · ([\d,]+) points")


def edit_caption(page):
    text = page.get_by_text(CAPTION).first.inner_text()
    edits, points = CAPTION.search(text).groups()
    return (0 if edits == "No" else int(edits)), int(points.replace(",", ""))


def added_points(url):
    """The added points in ``url``'s ``edits=`` value, as (class code, x, y)."""
    value = re.search(r"[?&]edits=(1_d[0-9a-f]{4}(?:_[a-z0-9.-]+)*)(?:&|$)", url)
    assert value, url
    items = value[1].split("_")[2:]
    return [
        (int(c), int(x) / 100, int(y) / 100)
        for c, x, y in (item[1:].split(".") for item in items if item.startswith("a"))
    ]


def open_playground(page, url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)


def click_plot(page, x, y, *, expect_points):
    g = page.evaluate(GEOMETRY)  # measured again: nothing above the plot may have moved
    page.mouse.click(*to_pixel(g, x, y))
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
        ".some(e => e.textContent.includes(' · ' + n.toLocaleString('en-US') + ' points'))",
        arg=expect_points,
        timeout=30_000,
    )
    wait_for_app(page)


def test_add_a_point_by_clicking_the_plot(page, streamlit_url):
    base = streamlit_url(APP)
    open_playground(page, base)
    assert edit_caption(page) == (0, 50)
    history = page.evaluate("history.length")

    page.locator(".st-key-edit_mode").get_by_role("radio", name="Add a point").click()
    wait_for_app(page)
    page.locator(".st-key-edit_class").get_by_role("radio").filter(has_text="blue").click()
    wait_for_app(page)
    click_plot(page, 1.0, 1.0, expect_points=51)
    click_plot(page, 1.4, 0.6, expect_points=52)
    assert_no_exception(page)
    assert edit_caption(page) == (2, 52)
    added = added_points(page.url)
    assert [code for code, _, _ in added] == [1, 1]  # blue
    # A click lands within a pixel (about 0.02 here) of the spot aimed at.
    assert added[0][1:] == pytest.approx((1.0, 1.0), abs=0.03)
    assert added[1][1:] == pytest.approx((1.4, 0.6), abs=0.03)
    assert page.evaluate("history.length") == history  # the edits add no history entries
    screenshot(page, "editing_added_points", full_page=False)

    # The address reproduces the edited data in a new session.
    other = page.context.new_page()
    open_playground(other, page.url)
    assert edit_caption(other) == (2, 52)
    other.close()

    # Remove the nearest point: one click near the first added point.
    page.locator(".st-key-edit_mode").get_by_role("radio", name="Remove nearest").click()
    wait_for_app(page)
    click_plot(page, 1.05, 1.0, expect_points=51)
    assert edit_caption(page) == (3, 51)
    assert page.url.endswith("_r50") or "_r50&" in page.url, page.url
    assert_no_exception(page)
