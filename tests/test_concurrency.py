"""Twenty sessions at once: each edits its own settings; none errors, none sees another's state.

AppTest is not thread-safe (Streamlit 1.67): every ``AppTest.run`` installs a mock runtime in the
process-global ``Runtime._instance`` and sets it back to ``None`` when it ends, so a session that
finishes first breaks the others ("Runtime hasn't been created!", from the canvas component).
So the test uses what users use: one real server and twenty Chromium browser contexts (each
its own session, cookies and URL), all loaded and edited at the same time. The expected
prediction of each session comes from a single-session AppTest of its final link.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from knn_core.edits import Edit, data_tag, link_text
from tests.neighbour_rows import app_prediction
from tests.test_links import open_link

SESSIONS = 20
DATA = ["Blobs", "Moons", "Circles", "XOR", "Spiral", "Uniform"]
DEFAULTS = {"data": "Blobs", "k": "3", "seed": "0"}


def plan(i: int) -> dict:
    """Session ``i``'s own link and edits: a different data set, k, seed, points and query.

    Each session starts from a link that carries one hand-added point of its own (class
    ``i % 2``, right where its query will be, so it takes part in the vote).
    """
    data = DATA[i % len(DATA)]
    query = (round(-1 + 0.3 * i, 1), round(2.5 - 0.2 * i, 1))
    tag = data_tag(data.lower(), 50, 0.3, i, 2)  # the Playground's default n, noise, classes
    edits = link_text([Edit.add(*query, i % 2)], tag=tag)
    return {
        "link": {"data": data, "k": str(1 + 2 * (i % 7)), "seed": str(i), "edits": edits},
        "k_plus": 1 + i % 3,
        "query": query,
    }


def final_link(i: int) -> dict:
    steps = plan(i)
    link = dict(steps["link"])
    link["k"] = str(int(link["k"]) + steps["k_plus"])
    link["qx"], link["qy"] = (str(v) for v in steps["query"])
    return link


def expected(i: int) -> str:
    """The prediction a single session shows for session ``i``'s final link."""
    at = open_link(final_link(i))
    assert not at.exception
    return app_prediction(at)


@pytest.mark.browser
def test_twenty_sessions_at_once_each_see_exactly_their_own_state(browser, streamlit_url):
    from tests.browser_support import VIEWPORT, assert_no_exception, screenshot, wait_for_app

    base = streamlit_url("app.py")
    want = [expected(i) for i in range(SESSIONS)]
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(SESSIONS)]
    try:
        pages = [context.new_page() for context in contexts]
        for i, page in enumerate(pages):  # all sessions load at once
            page.goto(f"{base}/?{urlencode(plan(i)['link'])}", wait_until="commit")
        for page in pages:
            wait_for_app(page, timeout=240)
        for step in range(3):  # k + 1 up to three times, every session in turn
            for i, page in enumerate(pages):
                if step < plan(i)["k_plus"]:
                    page.bring_to_front()  # background tabs get no animation frames
                    page.get_by_role("button", name=re.compile(r"^k \+ 1")).dispatch_event("click")
            for page in pages:
                wait_for_app(page, timeout=240)
        for axis, label in enumerate(("Query x₁", "Query x₂")):  # each types its own query
            for i, page in enumerate(pages):
                page.bring_to_front()
                box = page.get_by_role("spinbutton", name=label)
                box.fill(str(plan(i)["query"][axis]))
                box.press("Enter")
            for page in pages:
                wait_for_app(page, timeout=240)
        for i, page in enumerate(pages):
            assert_no_exception(page)
            query = {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}
            link = final_link(i)
            # Streamlit leaves a setting out of the URL while it has its default value.
            assert {k: query.get(k, DEFAULTS[k]) for k in DEFAULTS} == {
                k: link[k] for k in ("data", "k", "seed")
            }, f"session {i}: {page.url}"
            assert float(query["qx"]) == float(link["qx"]), f"session {i}: {page.url}"
            assert float(query["qy"]) == float(link["qy"]), f"session {i}: {page.url}"
            assert query.get("edits") == link["edits"], f"session {i}: {page.url}"
            assert page.get_by_text("51 points").count() == 1, f"session {i}: its own point"
            shown = page.locator(".knn-pred-value").first.inner_text()
            assert shown.strip() == want[i], f"session {i}"
    except Exception:
        for i, page in enumerate(pages):  # what each session showed, for the failure report
            screenshot(page, f"concurrency_session_{i}")
        raise
    finally:
        for context in contexts:
            context.close()
