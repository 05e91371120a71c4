"""The project's own corpus of bad input, run through every page of the real app (AppTest).

Links with values no page expects (huge, tiny, not a number) are opened on every page, and
every bad, extreme or spreadsheet-exported file is uploaded to "Your own data" after a good one.
No run may end in an exception box, and none may need the safety net (its message would mean a
case slipped through: the safety net is for what nobody thought of, not for known input).
hypothesis then feeds random finite numbers (1e-320 to 1e308, both signs) and random text as
labels through the loader and the page: the loader either loads the file or raises a clear
``ValueError``; the page never fails.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from knn_core.csv_io import CSVError, load_csv
from knn_ui import router
from tests.neighbour_rows import app_prediction

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
DATA = REPO / "tests" / "data"
TIMEOUT = 60
PAGES = re.findall(r'"(pages/[a-z_]+\.py)"', (REPO / "app.py").read_text())

#: Links a page may meet: query values beyond float range, with overflowing squares, subnormal,
#: not a number or not numbers at all, next to huge or negative counts and unknown options.
EXTREME_LINKS = [
    {"qx": "1e308", "qy": "-1e308", "k": "1e308", "n": "-1", "seed": "1e200"},
    {"qx": "1e200", "qy": "1e-320", "noise": "1e308", "classes": "nan", "p": "1e-320"},
    {"qx": "nan", "qy": "inf", "k": "1000", "metric": "Minkowski", "p": "10"},
    {"qx": "-inf", "qy": "1e400", "weights": "Distance", "metric": "Chebyshev"},
    {"qx": "0x10", "qy": "-1e200", "k": "50", "metric": "Manhattan", "question": "1e308"},
    # Numbers too large for a float (Streamlit's integer inputs raised OverflowError on them).
    {"seed": "9" * 400, "k": "9" * 400, "question": "1e400", "e_seed": "-" + "9" * 400},
    # Every setting of the tutorial's experiment and the lessons vanishingly small or huge.
    {"e_sigma": "1e-320", "e_mu0": "1e-320", "e_mu1": "1e-320", "r_x": "1e308", "tp": "1e308"},
]


# As in tests/test_links.py: app.py run with the page under test as the default page (a link
# opened on that page). The wrapper lives outside the repository, so st.Page paths are made
# absolute, and so are the page paths given to st.page_link.
_WRAPPER = """
import streamlit as st
def _page(path, **kw):
    kw["default"] = path == {page!r}
    return st.Page({repo!r} + "/" + path, **kw)
_link = st.page_link
def _page_link(page, *args, **kw):
    if isinstance(page, str) and page.startswith("pages/"):
        page = {repo!r} + "/" + page
    return _link(page, *args, **kw)
st.page_link = _page_link
source = open({app!r}).read().replace("st.Page(", "_page(")
exec(compile(source, {app!r}, "exec"), {{"__name__": "__main__", "_page": _page}})
"""
_WRAPPERS = Path(tempfile.mkdtemp(prefix="knn_bad_input_"))


def open_link(query: dict, page: str):
    """Open ``?query`` on ``page`` in a fresh session; return the AppTest after its first run."""
    script = _WRAPPERS / f"open_{Path(page).stem}.py"
    if not script.exists():
        script.write_text(_WRAPPER.format(page=page, repo=str(REPO), app=APP))
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


def assert_page_held(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not any(router.FAILED_HEADLINE in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", EXTREME_LINKS, ids=range(len(EXTREME_LINKS)))
def test_extreme_links_never_break_a_page(page, query):
    at = open_link(query, page)
    assert_page_held(at)
    at.run()  # and the run after (the moved query, the tidied link)
    assert_page_held(at)


def test_a_far_query_is_moved_back_and_said_so():
    at = open_link({"qx": "1e308", "qy": "-1e200"}, "pages/playground.py")
    assert_page_held(at)
    qx, qy = at.number_input(key="qx").value, at.number_input(key="qy").value
    assert -200 < qx < 200 and -200 < qy < 200
    notice = " ".join(t.value for t in at.text)
    assert "Ignored qx=1e308 in the link: it lay more than" in notice, notice
    assert "Ignored qy=-1e200 in the link: it lay more than" in notice, notice
    assert app_prediction(at) is not None


# --------------------------------------------------------------------------------------------
# Files on "Your own data"
# --------------------------------------------------------------------------------------------

CORPUS = sorted(
    [p for p in (DATA / "bad_csv").iterdir() if p.is_file()]
    + [p for p in (DATA / "exports").iterdir() if p.is_file()]
    + [p for p in (DATA / "extreme_ok").iterdir() if p.is_file()]
    + list(DATA.glob("good_*.csv"))
)


@pytest.fixture(scope="module")
def your_data():
    """One session on "Your own data" with a link whose query is far away (as in the report)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"qx": "1e308", "qy": "1e200", "k": "50", "metric": "Manhattan"})
    at.run()
    at.switch_page("pages/your_data.py").run()
    assert_page_held(at)
    return at


def upload(at, name: str, data: bytes) -> None:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert_page_held(at)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_after_a_good_one_leaves_the_page_working(your_data, path):
    at = your_data
    upload(at, "good_comma.csv", (DATA / "good_comma.csv").read_bytes())
    assert app_prediction(at) is not None
    upload(at, path.name, path.read_bytes())
    try:
        load_csv(path.read_bytes())
        loads = True
    except CSVError:
        loads = False
    assert (app_prediction(at) is not None) and (
        loads or any("This file was not loaded" in e.value for e in at.error)
    )
    # A good file next brings the page back, whatever the link said.
    upload(at, "good_tab_with_id.csv", (DATA / "good_tab_with_id.csv").read_bytes())
    assert app_prediction(at) is not None
    assert not at.error


# --------------------------------------------------------------------------------------------
# hypothesis: random numbers and labels through the loader and the page
# --------------------------------------------------------------------------------------------

extreme = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(-1e-300, 1e-300, allow_nan=False),
    st.sampled_from(
        [1e308, -1e308, 1e200, -1e200, 1e-320, -1e-320, 5e-324, 1e154, 1e25, 1e24, -1e24]
    ),
)
label = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())


def table(points, labels) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x1", "x2", "label"])
    for (x, y), name in zip(points, labels, strict=True):
        writer.writerow([repr(x), repr(y), name])
    return out.getvalue().encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(extreme, extreme), min_size=2, max_size=12), data=st.data())
def test_random_values_and_labels_load_or_fail_with_a_clear_message(points, data):
    labels = data.draw(st.lists(label, min_size=len(points), max_size=len(points)))
    raw = table(points, labels)
    try:
        loaded = load_csv(raw)
    except CSVError as err:  # a ValueError with a one-line message for the student
        assert isinstance(err, ValueError) and str(err) and "Traceback" not in str(err)
        return
    assert loaded.X.shape == (len(points), 2)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(points=st.lists(st.tuples(extreme, extreme), min_size=2, max_size=8), data=st.data())
def test_random_values_and_labels_never_break_the_page(your_data, points, data):
    labels = data.draw(st.lists(label, min_size=len(points), max_size=len(points)))
    upload(your_data, "random.csv", table(points, labels))


@pytest.mark.parametrize("path", sorted((DATA / "extreme_ok").iterdir()), ids=lambda p: p.name)
def test_values_at_the_limits_load(path):
    """Values just inside the limits load (the page runs on them in the corpus test above)."""
    assert load_csv(path.read_bytes()).X.shape == (4, 2)
