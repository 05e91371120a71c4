"""The neighbour table (knn_ui.neighbour_table) in a real browser: the app served by Streamlit,
driven by Playwright in headless Chromium. Expected cells are computed here with numpy from the
Playground's data set and formatted with format_cell (the browser's toFixed, checked in
test_neighbour_table.py), not read from the table's own data."""

import numpy as np
import pytest

from knn_core.datasets import make_dataset
from tests.browser_support import (
    MARKUP_CLASS_NAMES,
    SCREENSHOTS,
    VIEWPORT,
    assert_no_exception,
    upload_markup_classes,
    wait_for_app,
)
from tests.neighbour_rows import format_cell

pytestmark = pytest.mark.browser

APP = "app.py"
NAMES = ["red", "blue"]
QUERY = (2.8, 3.1)  # between the blobs: both classes among the neighbours
HEAD = ["rank", "#", "x₁", "x₂", "class", "distance"]

TABLE = """() => {
    const box = document.querySelector('.knn-nt');
    const table = box.querySelector('table');
    const style = (node) => {
        const s = getComputedStyle(node);
        return {align: s.textAlign, figures: s.fontVariantNumeric, color: s.color,
                weight: s.fontWeight, position: s.position};
    };
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    return {
        role: box.getAttribute('role'),
        label: box.getAttribute('aria-label'),
        tabIndex: box.tabIndex,
        renders: Number(box.dataset.renders),
        caption: table.caption ? table.caption.textContent : null,
        head: Array.from(table.querySelectorAll('thead th')).map(th => th.textContent),
        scopes: Array.from(table.querySelectorAll('thead th')).map(th => th.scope),
        headNames: Array.from(table.querySelectorAll('thead th'))
            .map(th => th.getAttribute('aria-label')),
        headStyle: style(table.querySelector('thead th')),
        cells: rows.map(r => Array.from(r.cells).map(c => c.textContent)),
        markup: rows.reduce((n, r) => n + Array.from(r.cells)
            .reduce((m, c) => m + c.children.length, 0), 0),
        cellStyles: rows.length ? Array.from(rows[0].cells).map(style) : [],
        background: getComputedStyle(box).backgroundColor,
        box: {clientWidth: box.clientWidth, scrollWidth: box.scrollWidth,
              clientHeight: box.clientHeight, scrollHeight: box.scrollHeight},
    };
}"""

HEADER_IN_VIEW = """() => {
    const box = document.querySelector('.knn-nt');
    const th = box.querySelector('thead th:nth-child(2)');
    const b = box.getBoundingClientRect();
    const h = th.getBoundingClientRect();
    const hit = document.elementFromPoint(h.left + h.width / 2, h.top + h.height / 2);
    const last = box.querySelector('tbody tr:last-child').getBoundingClientRect();
    return {scrollTop: box.scrollTop, boxTop: b.top, boxBottom: b.bottom, headTop: h.top,
            headOnTop: hit === th, lastBottom: last.bottom};
}"""


def expected_cells(n, k, *, weighted=False, query=QUERY):
    """The table's cells computed here: numpy distances, stable order, toFixed formatting."""
    X, y = make_dataset("blobs", n, 0.3, 0)  # the Playground's default data, n points
    d = np.hypot(*(X - np.asarray(query)).T)
    order = np.argsort(d, kind="stable")[:k]
    rows = []
    for rank, i in enumerate(order.tolist(), 1):
        row = [
            format_cell(rank),
            format_cell(i),
            format_cell(float(X[i, 0]), 2),
            format_cell(float(X[i, 1]), 2),
            NAMES[int(y[i])],
            format_cell(float(d[i]), 3),
        ]
        if weighted:
            row.append(format_cell(1 / float(d[i]), 3))
        rows.append(row)
    return rows


def open_playground(page, url, query):
    page.goto(url + query)
    wait_for_app(page)
    page.wait_for_selector(".knn-nt[data-renders]", timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)


def table(page):
    return page.evaluate(TABLE)


def side_screenshot(page, name):
    """The Playground's side column, in a viewport tall enough to hold it unscrolled."""
    page.set_viewport_size({"width": VIEWPORT["width"], "height": 1500})
    SCREENSHOTS.mkdir(exist_ok=True)
    side = page.locator('[data-testid="stColumn"]:has(.knn-nt)').last
    side.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(VIEWPORT)


def check_looks(t, n_columns):
    """Semantics and style of a drawn table (both are what axe and readers rely on)."""
    assert t["role"] == "region" and t["tabIndex"] == 0 and t["label"].startswith("Nearest")
    assert t["scopes"] == ["col"] * n_columns
    assert t["headNames"][1] == "point number"  # the "#" header's words
    assert t["headStyle"]["weight"] == "600" and t["headStyle"]["position"] == "sticky"
    for j, s in enumerate(t["cellStyles"]):
        assert s["color"] == "rgb(14, 17, 23)"
        if j == 4:  # class
            assert s["align"] == "left"
        else:
            assert s["align"] == "right" and s["figures"] == "tabular-nums"
    assert t["background"] == "rgb(255, 255, 255)"
    assert t["markup"] == 0  # text only in every cell
    # It fits the side column: no horizontal scrolling.
    assert t["box"]["scrollWidth"] <= t["box"]["clientWidth"], t["box"]


def test_cells_show_the_raw_values_and_k_plus_one_adds_a_row_in_place(page, streamlit_url):
    url = streamlit_url(APP)
    open_playground(page, url, f"?n=200&k=3&qx={QUERY[0]}&qy={QUERY[1]}")
    t = table(page)
    assert t["head"] == HEAD
    assert t["caption"] == "The 3 nearest neighbours of the query, nearest first"
    assert t["cells"] == expected_cells(200, 3)
    assert {row[4] for row in expected_cells(200, 9)} == set(NAMES)  # both classes near
    check_looks(t, 6)
    # Three rows need no scroll box.
    assert t["box"]["scrollHeight"] <= t["box"]["clientHeight"] < 200
    side_screenshot(page, "neighbour_table_k3")

    page.evaluate(
        "window.__nt = document.querySelector('.knn-nt table');"
        "window.__ntRow = document.querySelector('.knn-nt tbody tr');"
    )
    renders = t["renders"]
    page.get_by_role("button", name="k + 1").click()
    page.wait_for_function(
        "document.querySelectorAll('.knn-nt tbody tr').length === 4"
        f" && Number(document.querySelector('.knn-nt').dataset.renders) > {renders}"
    )
    wait_for_app(page)
    # The same table and the same first row, redrawn in place; one row added.
    assert page.evaluate("window.__nt === document.querySelector('.knn-nt table')")
    assert page.evaluate("window.__ntRow === document.querySelector('.knn-nt tbody tr')")
    assert page.locator(".knn-nt table").count() == 1
    t = table(page)
    assert t["cells"] == expected_cells(200, 4)
    assert t["caption"] == "The 4 nearest neighbours of the query, nearest first"
    assert not page.console_errors, page.console_errors


def test_forty_rows_scroll_in_a_box_and_distance_weights_add_a_column(page, streamlit_url):
    url = streamlit_url(APP)
    open_playground(page, url, f"?n=200&k=40&qx={QUERY[0]}&qy={QUERY[1]}")
    t = table(page)
    assert t["cells"] == expected_cells(200, 40)
    check_looks(t, 6)
    assert 380 <= t["box"]["clientHeight"] <= 400 < t["box"]["scrollHeight"]
    side_screenshot(page, "neighbour_table_k40")

    open_playground(page, url, f"?n=200&k=40&qx={QUERY[0]}&qy={QUERY[1]}&weights=Distance")
    t = table(page)
    assert t["head"] == [*HEAD, "weight"]
    assert t["cells"] == expected_cells(200, 40, weighted=True)
    check_looks(t, 7)  # seven columns still fit the side column
    side_screenshot(page, "neighbour_table_k40_weights")
    assert not page.console_errors, page.console_errors


def test_many_rows_scroll_inside_the_box_with_the_header_in_view(page, streamlit_url):
    k = 300
    open_playground(page, streamlit_url(APP), f"?n=500&k={k}&qx={QUERY[0]}&qy={QUERY[1]}")
    t = table(page)
    assert len(t["cells"]) == k
    assert t["cells"][-1] == expected_cells(500, k)[-1]
    assert t["box"]["clientHeight"] <= 400 < t["box"]["scrollHeight"]
    # The box is reachable by keyboard, and keys scroll it.
    box = page.locator(".knn-nt")
    box.focus()
    assert page.evaluate("document.activeElement === document.querySelector('.knn-nt')")
    page.keyboard.press("End")
    page.wait_for_function("document.querySelector('.knn-nt').scrollTop > 0")
    box.evaluate("b => { b.scrollTop = b.scrollHeight; }")
    view = page.evaluate(HEADER_IN_VIEW)
    assert view["scrollTop"] > 1000
    # The header sticks to the top of the box and is drawn over the rows.
    assert view["headTop"] == pytest.approx(view["boxTop"] + 1, abs=1)
    assert view["headOnTop"]
    assert view["lastBottom"] <= view["boxBottom"]
    assert not page.console_errors, page.console_errors


def test_class_names_with_markup_from_a_csv_are_shown_as_text(page, streamlit_url):
    names = MARKUP_CLASS_NAMES
    upload_markup_classes(page, streamlit_url(APP), ".knn-nt[data-renders]")
    t = table(page)
    assert t["head"] == HEAD
    classes = [row[4] for row in t["cells"]]
    assert len(classes) == 3 and set(classes) <= set(names)
    assert t["markup"] == 0
    assert page.locator(".knn-nt b, .knn-nt img").count() == 0
    assert page.evaluate("window.__pwned") is None
    # Integer coordinates are shown with two decimals, like any other.
    assert all(row[2].endswith(".00") and row[3].endswith(".00") for row in t["cells"])
