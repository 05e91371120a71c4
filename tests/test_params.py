"""The parameter table: its rows, its link parsing, and shared values across pages (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from knn_core.datasets import DATASETS
from knn_core.metrics import METRICS
from knn_ui import params, state
from knn_ui.params import TABLE
from tests.test_links import notice, open_link, url

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT = 60


# --------------------------------------------------------------------------------------------
# The rows
# --------------------------------------------------------------------------------------------
def test_the_table_keeps_every_shared_link_key():
    shared = {"data", "n", "noise", "classes", "seed", "k", "metric", "p", "weights", "qx", "qy"}
    assert shared <= set(TABLE)
    assert TABLE["metric"].options == tuple(METRICS)
    assert TABLE["data"].options == tuple(DATASETS)


@pytest.mark.parametrize("key", list(TABLE))
def test_every_default_is_allowed_and_reads_back_from_its_own_link_text(key):
    param = TABLE[key]
    if param.default is None:  # the query: the page computes it (the centre of the data)
        assert key in ("qx", "qy")
        return
    assert param.allows(param.default)
    assert param.parse([param.text(param.default)]) == (param.default, "")


@pytest.mark.parametrize(
    ("key", "raw", "want"),
    [
        ("k", ["7"], (7, "")),
        ("k", ["05"], (5, "")),
        ("k", [" 9 "], (9, "")),
        ("k", ["3.5"], (None, "invalid")),
        ("k", ["0"], (None, "invalid")),
        ("k", ["1001"], (None, "invalid")),  # above MAX_K
        ("k", ["3", "5"], (None, "invalid")),  # a slider takes one value
        ("k", [""], (None, "invalid")),
        ("k", ["9" * 400], (None, "invalid")),
        ("seed", ["2.5"], (2, "changed")),  # a number input keeps the whole part
        ("seed", ["1", "2"], (2, "repeated")),  # ... and the last of several values
        ("seed", ["-1"], (None, "invalid")),
        ("seed", ["99999999999"], (None, "invalid")),
        ("n", ["300"], (300, "")),
        ("n", ["15"], (None, "invalid")),  # not one of the offered sizes
        ("noise", ["0.45"], (0.45, "")),
        ("noise", ["2"], (None, "invalid")),
        ("noise", ["nan"], (None, "invalid")),
        ("qx", ["1.500"], (1.5, "")),
        ("qx", ["1e400"], (None, "invalid")),
        ("qx", ["-inf"], (None, "invalid")),
        ("data", ["Moons"], ("moons", "")),
        ("data", ["moons"], ("moons", "")),  # a typed link: any case, or the option's name
        ("data", ["SPIRAL"], ("spiral", "")),
        ("data", ["moon"], (None, "invalid")),
        ("metric", ["Manhattan"], ("manhattan", "")),
        ("metric", ["foo"], (None, "invalid")),
        ("weights", ["Distance"], ("distance", "")),
        ("weights", ["distance"], ("distance", "")),
        ("regions", ["FALSE"], (False, "")),
        ("regions", ["maybe"], (None, "invalid")),
        ("p", ["0.5"], (None, "invalid")),
        ("classes", ["6"], (None, "invalid")),
        # Step by step and Searching fast's own controls
        ("tutorial", ["KNN class"], ("class", "")),  # links hold the label
        ("tutorial", ["class"], ("class", "")),
        ("tutorial", ["knn class"], ("class", "")),
        ("tutorial", ["KNN"], (None, "invalid")),
        ("tutorial", ["knn() function", "KNN class"], (None, "invalid")),
        ("tp", ["7"], (7, "")),
        ("tp", ["0"], (None, "invalid")),
        ("tp", ["1001"], (None, "invalid")),  # more than any page holds out
        ("tp", ["2.5"], (None, "invalid")),
        ("sstep", ["40"], (40, "")),  # how many steps a search has, the page says
        ("sstep", ["0"], (None, "invalid")),
        ("sstep", ["abc"], (None, "invalid")),
        ("zoom", ["false"], (False, "")),
        ("zoom", ["maybe"], (None, "invalid")),
        ("depth", ["0"], (0, "")),
        ("depth", ["-4"], (None, "invalid")),
        ("depth", ["65"], (None, "invalid")),
        ("budget", ["3"], (3, "")),
        ("budget", ["x"], (None, "invalid")),
        ("budget", ["0"], (None, "invalid")),
    ],
)
def test_link_values_are_read_by_the_table(key, raw, want):
    assert TABLE[key].parse(raw) == want


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("k", 5, "5"),
        ("qx", 2.0, "2.0"),
        ("regions", False, "false"),
        ("data", "xor", "XOR"),
        ("tutorial", "class", "KNN class"),
        ("zoom", False, "false"),
        ("sstep", 12, "12"),
    ],
)
def test_canonical_link_text(key, value, text):
    assert TABLE[key].text(value) == text


def test_a_typed_spelling_of_an_option_names_one_option_only():
    for param in TABLE.values():
        spellings = [
            {param.text(option).casefold(), str(option).casefold()} for option in param.options
        ]
        for i, mine in enumerate(spellings):
            others = set().union(*(s for j, s in enumerate(spellings) if j != i))
            assert not mine & others, (param.key, mine & others)


def test_a_pages_values_are_one_read_only_object():
    values = params.Values({"data": "moons", "n": 200, "noise": 0.7, "seed": 4, "classes": 2})
    assert values.data_key == ("moons", 200, 0.7, 4, 2)
    with pytest.raises(AttributeError):
        values.k = 5
    with pytest.raises(AttributeError):
        _ = values.k  # not drawn: no silent default
    assert values.replace(k=5).k == 5 and "k" not in values


def test_a_page_declares_its_own_defaults():
    from knn_ui import choosing_k, step_by_step

    assert choosing_k.PAGE.default("data") == "moons"
    assert choosing_k.PAGE.default("metric") == TABLE["metric"].default
    assert step_by_step.PAGE.default("k") == step_by_step.DEFAULT_K
    assert state.PLAYGROUND.bounds["n"][1] == params.LARGE_MAX_POINTS


# --------------------------------------------------------------------------------------------
# Shared values, page to page (AppTest through app.py)
# --------------------------------------------------------------------------------------------
PAGES = [
    "pages/playground.py",
    "pages/step_by_step.py",
    "pages/choosing_k.py",
    "pages/distances.py",
    "pages/quiz.py",
]
#: Which shared keys each page draws (Step by step: Euclidean, uniform votes, by design).
DRAWS = {
    "pages/playground.py": ("data", "n", "seed", "k", "metric", "weights", "qx", "qy"),
    "pages/step_by_step.py": ("data", "n", "seed", "k", "qx", "qy"),
    "pages/choosing_k.py": ("data", "n", "seed", "k"),
    "pages/distances.py": ("data", "n", "seed", "qx", "qy"),
    "pages/quiz.py": ("data", "n", "seed", "k", "metric", "weights"),
}
CHOSEN = {
    "data": "spiral",
    "n": 300,
    "seed": 4,
    "k": 7,
    "metric": "manhattan",
    "weights": "distance",
    "qx": 0.5,
    "qy": -0.25,
}


def _go(at, page):
    at.switch_page(str(REPO / page)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _set(at, key, value):
    widget = next(w for w in _widgets(at) if getattr(w, "key", None) == key)
    widget.set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]


def _widgets(at):
    for kind in ("selectbox", "select_slider", "slider", "number_input", "radio"):
        yield from at.get(kind)


def _check(at, page, chosen):
    for key in DRAWS[page]:
        assert at.session_state[key] == chosen[key], (page, key)


def _fresh():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("start", ["pages/playground.py", "pages/step_by_step.py"])
def test_shared_values_follow_the_student_in_both_directions(start):
    at = _go(_fresh(), start)
    for key in ("data", "n", "seed", "k", "qx", "qy"):
        _set(at, key, CHOSEN[key])
    if start == "pages/playground.py":
        _set(at, "metric", CHOSEN["metric"])
        _set(at, "weights", CHOSEN["weights"])
        chosen = CHOSEN
    else:
        chosen = {**CHOSEN, "metric": "euclidean", "weights": "uniform"}
    _check(at, start, chosen)
    order = [p for p in PAGES if p != start]
    for page in [*order, start, *reversed(order), start]:
        _go(at, page)
        _check(at, page, chosen)
    # The URL holds the shared values the page uses, in their link spelling.
    assert url(at)["data"] == "Spiral" and url(at)["k"] == "7"


def test_untouched_values_show_each_pages_own_default():
    at = _go(_fresh(), "pages/choosing_k.py")
    assert at.session_state["data"] == "moons"  # Choosing k's own default
    _go(at, "pages/playground.py")
    assert at.session_state["data"] == "blobs"
    _set(at, "data", "xor")
    _go(at, "pages/choosing_k.py")
    assert at.session_state["data"] == "xor"  # set once: shared


def test_a_value_a_page_cannot_use_is_adjusted_there_with_a_note_and_kept_elsewhere():
    at = _go(_fresh(), "pages/playground.py")
    _set(at, "n", 2000)
    _set(at, "k", 900)
    _go(at, "pages/step_by_step.py")  # at most 1,000 points here
    assert at.session_state["n"] == 1000
    notes = [i.value for i in at.sidebar.info]
    assert any("Number of points was lowered to 1000" in n for n in notes), notes
    _go(at, "pages/choosing_k.py")  # k at most 50 here
    assert at.session_state["k"] == 50
    assert any("k was lowered to 50" in i.value for i in at.sidebar.info)
    _go(at, "pages/playground.py")  # both come back where the student left them
    assert at.session_state["n"] == 2000
    assert at.session_state["k"] == 900


def test_a_shared_link_carries_its_values_to_the_next_page():
    at = open_link({"qx": "1.25", "qy": "-0.5", "k": "6"}, "pages/step_by_step.py")
    assert notice(at) == []
    _go(at, "pages/playground.py")
    assert (at.session_state["qx"], at.session_state["qy"], at.session_state["k"]) == (
        1.25,
        -0.5,
        6,
    )
    assert url(at) == {"qx": "1.25", "qy": "-0.5", "k": "6"}
    _go(at, "pages/distances.py")
    assert (at.session_state["qx"], at.session_state["qy"]) == (1.25, -0.5)


def test_a_query_far_outside_the_data_is_brought_back_with_a_note():
    at = _go(_fresh(), "pages/playground.py")
    _set(at, "qx", 1e6)  # the number input's own maximum keeps it in reach
    assert at.session_state["qx"] <= 100
    at = open_link({"qx": "1e308"})
    assert notice(at) == [
        "Ignored qx=1e308 in the link: it lay more than 10 plot widths from the data; "
        "the default is used."
    ]
