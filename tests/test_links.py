"""Bad share links: each one opens the page, tells the user what was ignored, and uses defaults.

AppTest runs the real app.py (with :func:`knn_ui.links.run`) through a small wrapper script
kept outside the repository, which gives the ``st.Page`` calls absolute paths and makes the page
under test the default one. Two AppTest quirks make it necessary (Streamlit 1.67):

* ``AppTest.from_file("app.py")`` starts every run in Streamlit's old ``pages/`` folder mode
  (``knn_ui.router`` then reruns the page through app.py);
* ``switch_page`` before the first run bypasses app.py.

A browser opening ``/quiz?k=0`` runs app.py with that page first; so does the wrapper.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from knn_ui import links
from tests.neighbour_rows import app_prediction, app_rows

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT = 60

_WRAPPER = """
import streamlit as st
def _page(path, **kw):
    kw["default"] = path == {page!r}
    return st.Page({repo!r} + "/" + path, **kw)
source = open({app!r}).read().replace("st.Page(", "_page(")
exec(compile(source, {app!r}, "exec"), {{"__name__": "__main__", "_page": _page}})
"""


_WRAPPERS = Path(tempfile.mkdtemp(prefix="knn_links_"))


def open_link(query: dict, page: str = "pages/playground.py", tmp_path: Path | None = None):
    """Open ``?query`` on ``page`` in a fresh session; return the AppTest after its first run."""
    script = _WRAPPERS / f"open_{Path(page).stem}.py"
    if not script.exists():
        script.write_text(_WRAPPER.format(page=page, repo=str(REPO), app=APP))
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notice(at) -> list[str]:
    """The lines of the link notice (plain text), or [] when there is none."""
    lines = []
    for element in at.text:
        if " in the link" in element.value:
            lines.extend(element.value.split("\n"))
    return lines


def url(at) -> dict:
    return {key: at.query_params[key] for key in at.query_params}


@pytest.fixture(scope="module")
def clean():
    """A session opened without a link: what "the default" means on the Playground."""
    return open_link({})


IGNORED = "Ignored {} in the link: not a valid value here; the default is used."
UNKNOWN = "Ignored {} in the link: not a setting of this page."

# (query, the notice lines, the key that falls back to its default)
BAD_PLAYGROUND_LINKS = [
    ({"k": "abc"}, [IGNORED.format("k=abc")], "k"),
    ({"k": "0"}, [IGNORED.format("k=0")], "k"),
    (  # k > n (50 points): the notice says why
        {"k": "200"},
        ["Ignored k=200 in the link: there are only 50 points; the default is used."],
        "k",
    ),
    ({"k": "3.5"}, [IGNORED.format("k=3.5")], "k"),
    ({"k": ""}, [IGNORED.format("k=")], "k"),
    ({"k": ["3", "5"]}, [IGNORED.format("k=3&k=5")], "k"),
    ({"n": "-5"}, [IGNORED.format("n=-5")], "n"),
    ({"n": "15"}, [IGNORED.format("n=15")], "n"),  # not on the slider's step
    ({"noise": "2"}, [IGNORED.format("noise=2")], "noise"),
    ({"noise": "-0.1"}, [IGNORED.format("noise=-0.1")], "noise"),
    ({"data": "nope"}, [IGNORED.format("data=nope")], "data"),
    ({"data": "moon"}, [IGNORED.format("data=moon")], "data"),  # no such data set
    ({"metric": "foo"}, [IGNORED.format("metric=foo")], "metric"),
    ({"weights": "xyz"}, [IGNORED.format("weights=xyz")], "weights"),
    ({"seed": "-1"}, [IGNORED.format("seed=-1")], "seed"),
    ({"seed": "99999999999"}, [IGNORED.format("seed=99999999999")], "seed"),
    ({"seed": ""}, [IGNORED.format("seed=")], "seed"),
    ({"qx": "nan"}, [IGNORED.format("qx=nan")], "qx"),
    ({"qx": "inf"}, [IGNORED.format("qx=inf")], "qx"),
    ({"qx": "-inf"}, [IGNORED.format("qx=-inf")], "qx"),
    ({"qx": "1e400"}, [IGNORED.format("qx=1e400")], "qx"),
    ({"qy": "abc"}, [IGNORED.format("qy=abc")], "qy"),
    ({"regions": "maybe"}, [IGNORED.format("regions=maybe")], "regions"),
    ({"k": "1\n2"}, [IGNORED.format("k=1\\n2")], "k"),  # a newline is shown escaped
    ({"k": "%00"}, [IGNORED.format("k=%00")], "k"),  # percent-encoded junk, literally
    ({"k": "\x00"}, [IGNORED.format("k=\\x00")], "k"),  # ... and decoded: a NUL
    ({"zz": "1"}, [UNKNOWN.format("zz=1")], None),
    ({"p": "2"}, [UNKNOWN.format("p=2")], None),  # Minkowski p, while the metric is Euclidean
    (
        {"k": "abc", "n": "-5", "zz": "1"},
        [IGNORED.format("k=abc"), IGNORED.format("n=-5"), UNKNOWN.format("zz=1")],
        "k",
    ),
]


@pytest.mark.parametrize(
    ("query", "lines", "key"), BAD_PLAYGROUND_LINKS, ids=[str(c[0]) for c in BAD_PLAYGROUND_LINKS]
)
def test_bad_playground_link_is_reported_and_the_default_used(clean, query, lines, key):
    at = open_link(query)
    assert notice(at) == lines
    if key is not None:
        assert at.session_state[key] == clean.session_state[key]
    # The same picture as without the link: the prediction and the neighbour table.
    assert app_prediction(at) == app_prediction(clean)
    assert app_rows(at).equals(app_rows(clean))
    # Dropped values and unknown keys leave the URL.
    assert url(at) == {}


@pytest.mark.parametrize(
    ("query", "lines", "kept"),
    [
        ({"seed": "2.5"}, ["Changed seed=2.5 in the link to seed=2: not a valid value here."], "2"),
        (
            {"seed": ["1", "2"]},
            ["Used seed=2, the last of 2 values for seed in the link."],
            "2",
        ),
    ],
)
def test_changed_or_repeated_values_are_reported_with_the_value_used(query, lines, kept):
    at = open_link(query)
    assert notice(at) == lines
    assert at.session_state["seed"] == int(kept)
    assert url(at) == {"seed": kept}


@pytest.mark.parametrize(
    ("query", "normalised", "state"),
    [
        ({"k": "7"}, {"k": "7"}, {"k": 7}),
        ({"k": "05"}, {"k": "5"}, {"k": 5}),
        ({"k": "3"}, {}, {"k": 3}),  # the default: Streamlit keeps defaults out of the URL
        ({"qx": "1.500", "qy": "2"}, {"qx": "1.5", "qy": "2.0"}, {"qx": 1.5, "qy": 2.0}),
        ({"regions": "FALSE"}, {"regions": "false"}, {"regions": False}),
        ({"data": "Moons", "k": "9"}, {"data": "Moons", "k": "9"}, {"data": "moons", "k": 9}),
        ({"metric": "Manhattan"}, {"metric": "Manhattan"}, {"metric": "manhattan"}),
        ({"weights": "distance"}, {"weights": "Distance"}, {"weights": "distance"}),  # typed
        ({"data": "SPIRAL"}, {"data": "Spiral"}, {"data": "spiral"}),
        ({"seed": "5"}, {"seed": "5"}, {"seed": 5}),
    ],
)
def test_good_links_get_no_notice_and_a_normalised_url(query, normalised, state):
    at = open_link(query)
    assert notice(at) == []
    assert url(at) == normalised
    for key, value in state.items():
        assert at.session_state[key] == value


PAYLOADS = [
    "**bold**",
    "<b>x</b>",
    "[a](javascript:alert(1))",
    "<script>alert(1)</script>",
    "$x$",
    ":red[red] :smile: :material/home:",
    "é✓ 漢字 🙂",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("key", ["k", "zz"])
def test_markup_in_a_link_is_shown_as_plain_text_never_rendered(key, payload):
    at = open_link({key: payload})
    template = IGNORED if key == "k" else UNKNOWN
    assert notice(at) == [template.format(f"{key}={payload}")]
    # The payload appears only in the plain-text element, in no Markdown, caption or HTML.
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    rendered += [getattr(h, "proto", h).body for h in at.get("html")]
    assert not any(payload in text for text in rendered)


def test_a_bidi_control_is_shown_escaped():
    at = open_link({"zz": "abc\u202edef"})
    assert notice(at) == [UNKNOWN.format("zz=abc\\u202edef")]


def test_a_very_long_value_is_shortened_in_the_notice_and_dropped_from_the_url():
    at = open_link({"k": "9" * 400, "zz": "x" * 5000})
    assert notice(at) == [
        IGNORED.format("k=" + "9" * 77 + "…"),
        UNKNOWN.format("zz=" + "x" * 76 + "…"),
    ]
    assert url(at) == {}
    assert at.session_state["k"] == 3


def test_reserved_and_streamlit_keys_are_left_to_their_owners():
    at = open_link({"edits": "anything", "embed": "false"})
    assert not [line for line in notice(at) if "edits=" in line or "embed=" in line]


def test_the_notice_stays_until_dismissed_and_does_not_come_back():
    at = open_link({"k": "abc"})
    at.slider(key="k").set_value(5).run()
    assert notice(at) == [IGNORED.format("k=abc")]  # still there after an interaction
    at.button(key="_links_dismiss").click().run()
    assert notice(at) == []
    at.slider(key="k").set_value(7).run()
    assert notice(at) == []
    assert not at.exception
    assert at.session_state["k"] == 7


def test_the_notice_belongs_to_the_page_the_link_opened(tmp_path):
    at = open_link({"zz": "1"})
    assert notice(at) == [UNKNOWN.format("zz=1")]
    at.switch_page(str(REPO / "pages/choosing_k.py")).run()
    assert not at.exception
    assert notice(at) == []


# --- other pages -------------------------------------------------------------------------------

OTHER_PAGES = [
    ("pages/step_by_step.py", {"k": "abc"}, [IGNORED.format("k=abc")]),
    ("pages/step_by_step.py", {"step": "-3"}, [IGNORED.format("step=-3")]),
    ("pages/step_by_step.py", {"zz": "<b>x</b>"}, [UNKNOWN.format("zz=<b>x</b>")]),
    ("pages/step_by_step.py", {"tutorial": "clas"}, [IGNORED.format("tutorial=clas")]),
    (
        "pages/step_by_step.py",
        {"tp": "500"},
        ["Ignored tp=500 in the link: 10 points are held out; the default is used."],
    ),
    ("pages/choosing_k.py", {"k": "0"}, [IGNORED.format("k=0")]),
    ("pages/choosing_k.py", {"test_ratio": "5"}, [IGNORED.format("test_ratio=5")]),
    ("pages/choosing_k.py", {"data": "nope", "qx": "1"}, None),  # qx is not a setting here
    ("pages/quiz.py", {"question": "0"}, [IGNORED.format("question=0")]),
    ("pages/quiz.py", {"question": "abc", "k": "2"}, [IGNORED.format("question=abc")]),
    ("pages/regression.py", {"r_k": "abc"}, [IGNORED.format("r_k=abc")]),
    ("pages/regression.py", {"k": "5"}, [UNKNOWN.format("k=5")]),
    ("pages/distances.py", {"zz": "**x**"}, [UNKNOWN.format("zz=**x**")]),
    ("pages/experiment.py", {"zz": "1"}, [UNKNOWN.format("zz=1")]),
    ("pages/searching_fast.py", {"sstep": "abc"}, [IGNORED.format("sstep=abc")]),
    ("pages/searching_fast.py", {"depth": "-4"}, [IGNORED.format("depth=-4")]),
    (
        "pages/searching_fast.py",
        {"sstep": "9999"},
        ["Ignored sstep=9999 in the link: this search has 12 steps; the default is used."],
    ),
    (
        "pages/searching_fast.py",
        {"budget": "x", "zoom": "maybe"},
        [IGNORED.format("budget=x"), IGNORED.format("zoom=maybe")],
    ),  # fmt: skip
]


@pytest.mark.parametrize(
    ("page", "query", "lines"), OTHER_PAGES, ids=[f"{p[6:-3]}-{q}" for p, q, _ in OTHER_PAGES]
)
def test_bad_links_on_other_pages(tmp_path, page, query, lines):
    at = open_link(query, page, tmp_path)
    if lines is None:
        lines = [IGNORED.format("data=nope"), UNKNOWN.format("qx=1")]
    assert notice(at) == lines
    for key in query:
        if not any(line.startswith(f"Ignored {key}=") for line in lines):
            continue
        assert key not in url(at)


# --- notices that match what the page did (issue 11, item 4) ------------------------------------


def _use_sample(at):
    next(b for b in at.button if b.label == "Use the sample file").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_on_your_own_data_waits_for_the_data_and_the_notice_matches():
    at = open_link({"k": "50", "metric": "Manhattan"}, "pages/your_data.py")
    assert notice(at) == []  # nothing drawn yet: the values wait for the data
    _use_sample(at)
    assert (at.session_state["k"], at.session_state["metric"]) == (50, "manhattan")
    assert notice(at) == []  # k=50 is what the control shows: no "ignored"
    assert url(at) == {"k": "50", "metric": "Manhattan"}


def test_a_link_value_your_own_data_cannot_use_is_reported_once_the_data_is_there():
    at = open_link({"k": "500", "weights": "Distance"}, "pages/your_data.py")
    _use_sample(at)
    assert notice(at) == [
        "Ignored k=500 in the link: 100 is the largest k on this page; the default is used."
    ]
    assert at.session_state["k"] == 3 and at.session_state["weights"] == "distance"
    assert "k" not in url(at)


def test_a_thousand_unknown_keys_are_summarised_in_one_line():
    at = open_link({f"z{i}": "1" for i in range(1000)})
    assert notice(at) == [
        *(UNKNOWN.format(f"z{i}=1") for i in range(3)),
        "… and 997 more keys this page does not use.",
    ]
    assert url(at) == {}


def test_five_hundred_keys_given_twice_are_summarised_and_the_good_ones_used():
    query = {f"z{i}": ["1", "2"] for i in range(498)}
    query.update({"k": "7", "n": "nope"})
    at = open_link(query)
    assert notice(at) == [
        IGNORED.format("n=nope"),
        *(UNKNOWN.format(f"z{i}=1&z{i}=2") for i in range(3)),
        "… and 495 more keys this page does not use.",
    ]
    assert at.session_state["k"] == 7
    assert url(at) == {"k": "7"}


def test_two_thousand_parameters_reach_the_app_as_no_link_and_the_browser_explains():
    # Streamlit drops a query string of more than 1,000 fields before the app sees it (the
    # browser test below checks the notice the page's script writes then).
    at = open_link({f"z{i}": ["1", "2"] for i in range(1000)})
    assert notice(at) == []
    scripts = [getattr(h, "proto", h).body for h in at.get("html")]
    assert any("knn-link-limit" in body for body in scripts)
    assert at.session_state["k"] == 3


def test_the_wrapper_really_opens_the_page(tmp_path):
    at = open_link({}, "pages/quiz.py", tmp_path)
    assert at.title[0].value == "Quiz"
    assert "_links" in at.session_state  # app.py's hook ran


# --- the pieces, on their own ------------------------------------------------------------------


def test_show_escapes_and_shortens():
    assert links.show("a\tb") == "a\\tb"
    assert links.show("é✓") == "é✓"
    assert links.show("y" * 41) == "y" * 39 + "…"


def test_address_bar_script_carries_link_text_only_base64_encoded():
    script = links.address_bar_script([("zz", ["</script><b>x"], [])])
    assert "</script><b>" not in script
    payload = re.search(r'atob\("([A-Za-z0-9+/=]*)"\)', script)
    assert payload is not None


# --- a real browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_a_bad_link_in_chromium_shows_the_notice_and_adds_no_history(page, streamlit_url):
    from tests.browser_support import assert_no_exception, screenshot, wait_for_app

    base = streamlit_url("app.py")

    def open_(query: str) -> tuple[str, int]:
        page.goto("about:blank")
        start = page.evaluate("history.length")
        page.goto(f"{base}/{query}")
        wait_for_app(page)
        page.wait_for_function("() => !/zz=|k=abc|k=05/.test(location.search)", timeout=20_000)
        wait_for_app(page)
        return page.evaluate("location.pathname + location.search"), (
            page.evaluate("history.length") - start
        )

    good_url, good_growth = open_("?k=7")
    assert good_url == "/?k=7"
    bad_url, bad_growth = open_("?k=abc&n=-5&zz=%3Cb%3Ex%3C/b%3E&qx=1.500")
    assert_no_exception(page)
    notice_box = page.get_by_text("Ignored k=abc in the link", exact=False)
    assert notice_box.is_visible()
    assert page.get_by_text("Ignored zz=<b>x</b> in the link", exact=False).is_visible()
    assert page.locator("b", has_text="x").count() == 0  # shown as text, not as bold HTML
    assert bad_url == "/?qx=1.5"
    assert bad_growth == good_growth  # loading the bad link pushed no extra entry
    screenshot(page, "links_notice", full_page=False)
    # Dismiss, then change k: the notice is gone and the URL follows the widget.
    page.locator(".st-key-_links_dismiss button").first.click()
    wait_for_app(page)
    assert page.get_by_text("in the link", exact=False).count() == 0
