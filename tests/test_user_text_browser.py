"""Nothing a user typed is rendered: labels, column names and file names from a CSV in Chromium.

Two CSV files whose class names are Markdown, Streamlit directives, LaTeX, links, images, HTML,
a quoted newline with a code fence, a very long name and bidirectional / zero-width characters
are uploaded to "Your own data" in a real browser, with column names and a file name of the
same kind. The page then shows them in every display path it has (the prediction and its tie
note, the vote bars, the neighbour table, the plot's legend and axis titles, the hover
preview, the data tables, the column pickers, the notes on how the file was read, the
confusion matrix and its mix-ups). The test checks that

* no element is created from a label: no link, image, bold, italic, code, heading, KaTeX or
  coloured span holds a marker from one (each label carries a unique marker such as ``Q1``);
* nothing is requested from another host (every request is watched), and no script ran;
* the prediction, the vote bars and the neighbour table show the labels exactly as typed.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.browser_support import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

APP = "app.py"

#: Labels that Markdown, HTML, KaTeX or Streamlit's directives would turn into elements. Each
#: carries a marker (Q1, Q2, ...) to find any element made from it.
HOSTILE = [
    "**Q1 bold**",
    "*Q2 it*",
    ":red[Q3 x]",
    "$Q4 x^2$",
    "[Q5 click](https://example.com/)",
    "[Q6 x](javascript:window.__pwned=1)",
    "![Q7 i](https://example.com/p.png)",
    "<img src=x onerror=window.__pwned=1>Q8",
    'Q9 line\n```\nprint("code")\n```',
    "Q10 " + "long" * 80,
]
HOSTILE_2 = [
    "\u202eQ11 rtl \u200b\u200dzero",
    "# Q12 heading",
    "<script>window.__pwned=1</script>Q13",
    "`Q14 code`",
    "https://example.com/Q15",
    ":material/home: Q16",
    "~~Q17 del~~",
    "Q18 &amp; &lt;b&gt;",
    "\\(Q19 x\\)",
    "<a href='https://example.com'>Q20</a>",
]
COLUMNS = ["**Q21 x1**", "<b>Q22 x2</b>", "$Q23 y$"]
FILE_NAME = "[Q24](https://example.com) <b>data</b>.csv"

#: Elements that only markup could have made; none may contain a marker.
FORMATTING = (
    "a, img, strong, b, em, i, code, pre, h1, h2, h3, h4, h5, h6, del, s, mark, script, "
    ".katex, .katex-mathml, [data-testid='stMarkdownColoredText'], span[style*='color']"
)

FOUND = """(selector) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const hits = [];
    for (const el of app.querySelectorAll(selector)) {
        const text = (el.textContent || '') + ' ' + (el.getAttribute('href') || '') + ' ' +
            (el.getAttribute('src') || '');
        if (/Q\\d\\d?\\b/.test(text)) {
            const owner = el.closest('[data-testid^="st"]');
            const where = owner ? owner.getAttribute('data-testid') : '?';
            hits.push(el.tagName + ' in ' + where + ': ' + text.slice(0, 80));
        }
    }
    return hits;
}"""


def hostile_csv(labels: list[str], columns: list[str] = COLUMNS) -> bytes:
    """Points of every class around the origin; the first four tie at distance 1 from it."""
    ring = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    far = [(4, 4), (-4, 4), (4, -4), (-4, -4), (6, 0), (-6, 0), (0, 6), (0, -6)]
    rows = []
    for i, label in enumerate(labels):
        spots = [ring[i]] if i < 4 else []
        spots += [far[(2 * i + j) % len(far)] for j in range(2)]
        for x, y in spots:
            rows.append((x, y, label))
    quoted = ['"' + c.replace('"', '""') + '"' for c in columns]
    lines = [",".join(quoted)]
    lines += [f'{x},{y},"{label.replace(chr(34), chr(34) * 2)}"' for x, y, label in rows]
    return ("\n".join(lines) + "\n").encode()


def upload(page, data: bytes, name: str = FILE_NAME) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    page.wait_for_selector(".knn-pred[data-renders]", timeout=60_000)
    wait_for_app(page)


def shown_names(page) -> dict:
    return page.evaluate(
        """() => ({
        prediction: document.querySelector('.knn-pred-value').textContent,
        tie: document.querySelector('.knn-pred-tie').textContent,
        votes: Array.from(document.querySelectorAll('.knn-vote-name')).map(e => e.textContent),
        table: Array.from(document.querySelectorAll('.knn-nt tbody tr')).map(
            r => Array.from(r.cells).map(c => c.textContent)),
    })"""
    )


def check_nothing_rendered(page, foreign: list[str]) -> None:
    assert_no_exception(page)
    assert page.evaluate(FOUND, FORMATTING) == []
    assert page.evaluate("window.__pwned") is None
    assert foreign == [], foreign


@pytest.mark.parametrize("labels", [HOSTILE, HOSTILE_2], ids=["markdown-html", "more"])
def test_hostile_labels_are_shown_as_typed_and_never_rendered(page, streamlit_url, labels):
    url = streamlit_url(APP)
    host = urlsplit(url).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlsplit(r.url).netloc not in (host, "") and not r.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    page.goto(url + "/your_data")
    wait_for_app(page)
    upload(page, hostile_csv(labels))
    check_nothing_rendered(page, foreign)

    shown = shown_names(page)
    # The query starts at the centre, (0, 0): the first three rows (k = 3) are one point of
    # each of three classes, all at distance 1, so the vote ties three ways.
    assert shown["prediction"] in labels[:3]
    assert shown["tie"].startswith("⚖️ Tied vote.")
    assert sorted(shown["votes"]) == sorted(labels)  # every class, exactly as typed
    assert sorted(row[4] for row in shown["table"]) == sorted(labels[:3])  # the class column
    # The column pickers show the column names as typed.
    pickers = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stSelectbox"]')).map(
            e => e.textContent + ' ' + Array.from(e.querySelectorAll('input')).map(
                i => i.value + ' ' + (i.getAttribute('aria-label') || '')).join(' '))"""
    )
    for column in COLUMNS:
        assert any(column in p for p in pickers), (column, pickers)

    # The hover preview names classes too: move over the plot.
    plot = page.locator(".knn-canvas-plot").first
    box = plot.bounding_box()
    for fx, fy in ((0.5, 0.5), (0.3, 0.3), (0.7, 0.6)):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(150)
    check_nothing_rendered(page, foreign)

    # Settings that redraw everything: distance weights, k = 1.
    page.locator('[data-testid="stRadio"] label').filter(has_text="Distance").click()
    wait_for_app(page)
    check_nothing_rendered(page, foreign)
    screenshot(page, f"user_text_{'one' if labels is HOSTILE else 'two'}")


def test_hostile_file_name_and_columns_in_a_refused_file_are_text(page, streamlit_url):
    url = streamlit_url(APP)
    page.goto(url + "/your_data")
    wait_for_app(page)
    bad = "**Q1**,<img src=x onerror=window.__pwned=1>Q2,$Q3$\n1,[Q4](https://example.com),a\n"
    upload_bad = bad.encode()
    page.locator("input[type=file]").set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "text/csv", "buffer": upload_bad}]
    )
    page.get_by_text("This file was not loaded").first.wait_for(timeout=60_000)
    wait_for_app(page)
    check_nothing_rendered(page, [])
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert FILE_NAME in text
    assert json.dumps("[Q4](https://example.com)")[1:-1] in text
