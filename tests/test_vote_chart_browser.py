"""The vote chart (knn_ui.vote_chart) in a real browser: the app served by Streamlit, driven by
Playwright in headless Chromium. Expected counts come from the neighbour table on the same page
(the cells of knn_ui.neighbour_table's <table>), not from the chart's own data."""

from collections import Counter

import pytest

from tests.browser_support import (
    MARKUP_CLASS_NAMES,
    SCREENSHOTS,
    assert_no_exception,
    upload_markup_classes,
    wait_for_app,
)

pytestmark = pytest.mark.browser

APP = "app.py"

CHART = """() => {
    const root = document.querySelector('.knn-vote');
    const rows = Array.from(root.querySelectorAll('.knn-vote-row')).map(row => {
        const track = row.querySelector('.knn-vote-track').getBoundingClientRect();
        const bar = row.querySelector('.knn-vote-bar');
        return {
            name: row.querySelector('.knn-vote-name').textContent,
            nameElements: row.querySelector('.knn-vote-name').children.length,
            label: row.querySelector('.knn-vote-value').textContent,
            flag: row.querySelector('.knn-vote-flag').textContent,
            winnerClass: row.classList.contains('is-winner'),
            outline: getComputedStyle(bar).boxShadow,
            bar: bar.getBoundingClientRect().width,
            track: track.width,
        };
    });
    return {
        title: root.querySelector('.knn-vote-title').textContent,
        axis: root.querySelector('.knn-vote-axis').textContent,
        role: root.getAttribute('role'),
        name: root.getAttribute('aria-label'),
        renders: Number(root.dataset.renders),
        rows,
    };
}"""

NEIGHBOUR_COLUMN = """(name) => {
    const table = document.querySelector('.knn-nt table');
    const head = Array.from(table.querySelectorAll('thead th')).map(c => c.textContent);
    const col = head.indexOf(name);
    if (col < 0) throw new Error(`no column ${name} in ${head}`);
    return Array.from(table.querySelectorAll('tbody tr'))
        .map(r => r.querySelectorAll('td, th')[col].textContent);
}"""


def chart(page):
    return page.evaluate(CHART)


def neighbour_column(page, name):
    """One column of the neighbour table, as the text of its cells."""
    page.wait_for_selector(".knn-nt[data-renders] table", state="attached")
    return page.evaluate(NEIGHBOUR_COLUMN, name)


def prediction(page) -> str:
    return page.locator(".knn-pred-value").first.inner_text()


def open_playground(page, url, query=""):
    page.goto(url + query)
    wait_for_app(page)
    page.wait_for_selector(".knn-vote[data-renders]", timeout=60_000)
    assert_no_exception(page)


def check_against_the_table(page, k):
    """The chart shows the per-class counts of the neighbour table, the winner marked."""
    classes = neighbour_column(page, "class")
    assert len(classes) == k
    counts = Counter(classes)
    c = chart(page)
    assert c["title"] == "The vote" and c["axis"] == "votes"
    shown = {r["name"]: int(r["label"]) for r in c["rows"]}
    assert shown == {name: counts.get(name, 0) for name in shown}
    assert set(counts) <= set(shown)
    winners = [r for r in c["rows"] if r["flag"]]
    assert [r["name"] for r in winners] == [prediction(page)]
    assert [r["flag"] for r in winners] == ["winner"] and winners[0]["winnerClass"]
    # The winner's bar (and only it) has the thick dark outline.
    for r in c["rows"]:
        assert ("3px" in r["outline"]) == (r is winners[0])
    # Bar widths are proportional to the counts; every row has its track.
    top = max(shown.values())
    for r in c["rows"]:
        assert r["track"] > 40
        assert r["bar"] == pytest.approx(r["track"] * shown[r["name"]] / top, abs=1.0)
    # The accessible name reads the vote out.
    assert c["role"] == "img"
    parts = [
        f"{n} {v} {'vote' if v == 1 else 'votes'}"
        + (" (winner)" if n == winners[0]["name"] else "")
        for n, v in shown.items()
    ]
    assert c["name"] == "The vote: " + ", ".join(parts)
    return c


def test_rows_match_the_neighbour_table_and_update_in_place(page, streamlit_url):
    url = streamlit_url(APP)
    # Between the blobs, where both classes vote.
    open_playground(page, url, "?n=200&k=9&qx=3.2&qy=3.2")
    first = check_against_the_table(page, 9)
    assert len([r for r in first["rows"] if int(r["label"]) > 0]) == 2
    page.evaluate("window.__voteRoot = document.querySelector('.knn-vote')")

    side = page.locator('[data-testid="stColumn"]:has(.knn-vote)').last
    SCREENSHOTS.mkdir(exist_ok=True)
    side.screenshot(path=str(SCREENSHOTS / "vote_chart.png"))

    # k + 1 reruns the script: the same nodes are redrawn with the new counts.
    page.get_by_role("button", name="k + 1").click()
    page.wait_for_function(
        f"Number(document.querySelector('.knn-vote').dataset.renders) > {first['renders']}"
        " && document.querySelector('.knn-vote').getAttribute('aria-label') !== "
        f"{first['name']!r}"
    )
    wait_for_app(page)
    assert page.evaluate("window.__voteRoot === document.querySelector('.knn-vote')")
    assert page.locator(".knn-vote").count() == 1
    check_against_the_table(page, 10)
    assert not page.console_errors, page.console_errors


def test_distance_weights_show_summed_weights(page, streamlit_url):
    open_playground(page, streamlit_url(APP), "?n=200&k=9&qx=3.2&qy=3.2&weights=Distance")
    c = chart(page)
    assert c["axis"] == "summed weight"
    labels = [r["label"] for r in c["rows"]]
    assert all(len(label.split(".")[-1]) == 2 for label in labels), labels
    # Weight 1 / distance (no neighbour sits on the query here), summed per class, from the
    # neighbour table's distances (its weight column is checked in test_neighbour_table_browser).
    summed = Counter()
    distances = [float(d) for d in neighbour_column(page, "distance")]
    assert len(distances) == 9 and min(distances) > 0
    for name, distance in zip(neighbour_column(page, "class"), distances, strict=True):
        summed[name] += 1 / distance
    assert {r["name"]: r["label"] for r in c["rows"]} == {
        r["name"]: f"{summed[r['name']]:.2f}" for r in c["rows"]
    }
    values = [float(label) for label in labels]
    winner = max(range(len(values)), key=values.__getitem__)
    assert [r["flag"] for r in c["rows"]] == ["winner" if i == winner else "" for i in range(2)]
    assert c["rows"][winner]["name"] == prediction(page)
    for r, v in zip(c["rows"], values, strict=True):
        assert r["bar"] == pytest.approx(r["track"] * v / max(values), abs=1.0)
    assert c["name"].startswith("The vote (summed weight): ")


def test_class_names_with_markup_from_a_csv_are_shown_as_text(page, streamlit_url):
    names = MARKUP_CLASS_NAMES
    upload_markup_classes(page, streamlit_url(APP), ".knn-vote[data-renders]")
    c = chart(page)
    assert [r["name"] for r in c["rows"]] == names
    assert [r["nameElements"] for r in c["rows"]] == [0, 0]
    assert page.locator(".knn-vote b, .knn-vote img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert c["name"].startswith("The vote: <b>x</b> ")
    assert [r["name"] for r in c["rows"] if r["flag"] == "winner"] == [prediction(page)]
