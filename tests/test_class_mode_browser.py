"""Class mode in Chromium: whole lessons with a teacher and several students on phones.

One lesson runs on one server with SQLite; another on two servers sharing one PostgreSQL
(students on one server, the teacher on the other), as a course behind a load balancer would.
"""

import contextlib
import csv
import io
import re

import numpy as np
import pytest
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from knn_core.datasets import make_dataset
from knn_core.models import KNNClassifier
from knn_ui import class_mode
from knn_ui.class_store import ClassStore
from tests.browser_support import (
    assert_no_exception,
    screenshot,
    start_streamlit,
    wait_for_app,
)
from tests.test_accessibility_browser import (
    PLOTLY_TEXT_CONTRAST,
    blocking_report,
    require_axe,
    run_axe,
)

pytestmark = pytest.mark.browser

TEACHER_VIEW = {"width": 1280, "height": 720}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
PAGE = "/class_mode"
#: Longest wait for a screen to follow (generous: the machine may be busy).
WAIT = 60_000


@contextlib.contextmanager
def servers(database_url: str, count: int):
    """Start ``count`` app servers on one database; yield their base URLs."""
    env = {"KNN_CLASS_DATABASE_URL": database_url}
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(start_streamlit("app.py", env=env)) for _ in range(count)]


def start_class(browser, url):
    context = browser.new_context(viewport=TEACHER_VIEW)
    teacher = context.new_page()
    teacher.goto(url + PAGE)
    wait_for_app(teacher)
    teacher.get_by_role("button", name="Start a class").click()
    teacher.wait_for_selector(".knn-code", timeout=30_000)
    wait_for_app(teacher)
    code = teacher.locator(".knn-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", code), code
    assert "teacher=" in teacher.url
    qr = teacher.locator("img.knn-qr")  # the QR code is drawn (an image the browser decoded)
    qr.wait_for(timeout=WAIT)
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert code in qr.get_attribute("alt")
    return teacher, code


def join(browser, url, code, nickname, *, by_link):
    page = browser.new_context(**PHONE).new_page()
    if by_link:  # the QR code's link: the code is filled in
        page.goto(f"{url}{PAGE}?room={code}")
        wait_for_app(page)
        expect(page.get_by_role("textbox", name="Class code")).to_have_value(code)
    else:
        page.goto(url + PAGE)
        wait_for_app(page)
        page.get_by_role("textbox", name="Class code").fill(code.lower())
    page.get_by_role("textbox", name="Nickname (optional)").fill(nickname)
    page.get_by_role("button", name="Join").tap()
    page.wait_for_selector(f"text=you are {nickname}", timeout=30_000)
    assert "me=" in page.url and "teacher" not in page.url
    return page


def url_of(page) -> str:
    return re.match(r"https?://[^/]+", page.url).group(0)


def expected_class(prompt: str) -> str:
    """KNN's answer for the default view, from knn_core directly."""
    qx, qy = map(float, re.search(r"at \(([-\d.]+), ([-\d.]+)\)", prompt).groups())
    X, y = make_dataset("blobs", 50, 0.3, 0, n_classes=2)
    code = KNNClassifier(3).fit(X, y).predict(np.array([[qx, qy]]))[0]
    return ("red", "blue")[int(code)]


def run_lesson(browser, student_url, teacher_url, name):
    teacher, code = start_class(browser, teacher_url)
    students = [
        join(browser, student_url, code, "Ada", by_link=True),
        join(browser, student_url, code, "Bob", by_link=False),
        join(browser, student_url, code, "<b>Cy</b>", by_link=True),
    ]
    teacher.wait_for_selector('text="Joined: Ada, Bob, <b>Cy</b>"', timeout=WAIT)
    # The teacher asks "predict the class" on the current view; every phone shows it.
    teacher.get_by_role("button", name="Predict the class").click()
    for page in students:
        page.wait_for_selector("text=Question 1.", timeout=WAIT)
        page.get_by_role("button", name=re.compile("red")).wait_for()
    prompt = students[0].locator("p", has_text="Question 1.").inner_text()
    right = expected_class(prompt)
    wrong = "blue" if right == "red" else "red"
    # One tap each; Bob changes his mind before the close.
    picks = [right, wrong, wrong]
    for page, pick in zip(students, picks, strict=True):
        page.get_by_role("button", name=re.compile(pick)).tap()
        page.wait_for_selector(f"text=Saved: {pick}.", timeout=WAIT)
    students[1].get_by_role("button", name=re.compile(right)).tap()
    students[1].wait_for_selector(f"text=Saved: {right}.", timeout=WAIT)
    picks[1] = right
    # The teacher's dashboard follows without a click.
    teacher.wait_for_selector("text=3 of 3", timeout=WAIT)
    screenshot(teacher, f"class_{name}_teacher_answers", full_page=False)
    screenshot(students[0], f"class_{name}_student_saved", full_page=False)
    # A reload keeps the answer.
    students[2].reload()
    students[2].wait_for_selector(f"text=Saved: {wrong}.", timeout=30_000)
    # Close: the phones say so and the buttons no longer answer.
    teacher.get_by_role("button", name="Close answers").click()
    for page in students:
        page.wait_for_selector("text=Waiting for the reveal", timeout=WAIT)
        assert page.get_by_role("button", name=re.compile(wrong)).is_disabled()
    # Reveal: each phone shows the vote and whether its answer was right.
    teacher.get_by_role("button", name="Reveal").click()
    for page, pick in zip(students, picks, strict=True):
        page.wait_for_selector(f"text=KNN predicts {right}", timeout=WAIT)
        verdict = "Right!" if pick == right else "Not this time."
        assert page.get_by_text(verdict).count() == 1
        page.get_by_text("Prediction").first.wait_for(timeout=WAIT)  # the vote panel
        assert_no_exception(page)
    teacher.wait_for_selector("text=2 of 3", timeout=WAIT)  # "2 of 3 answers right"
    # Both screens pass axe-core and Plotly text contrast (the dashboard and a phone).
    require_axe()
    for page in (teacher, students[0]):
        assert not blocking_report(run_axe(page)), blocking_report(run_axe(page))
        assert not page.evaluate(PLOTLY_TEXT_CONTRAST)
    screenshot(students[2], f"class_{name}_student_reveal", full_page=True)
    screenshot(teacher, f"class_{name}_teacher_reveal", full_page=False)
    # Next question: a new spot; the phones follow.
    teacher.get_by_role("button", name="Next question").click()
    for page in students:
        page.wait_for_selector("text=Question 2.", timeout=WAIT)
    # Pick k: one tap on a pill; the reveal draws the class's picks over the accuracy curve.
    teacher.get_by_role("button", name="Pick k").click()
    for page, k in zip(students, ("5", "7", "7"), strict=True):
        page.wait_for_selector("text=Question 3.", timeout=WAIT)
        page.get_by_role("radio", name=k, exact=True).tap()
        page.wait_for_selector(f"text=Saved: k = {k}.", timeout=WAIT)
    teacher.wait_for_selector("text=3 of 3", timeout=WAIT)
    teacher.get_by_role("button", name="Reveal").click()
    students[0].wait_for_selector("text=The best k here is", timeout=WAIT)
    teacher.wait_for_selector("text=The best k here is", timeout=WAIT)
    screenshot(teacher, f"class_{name}_teacher_k_reveal", full_page=False)
    # Click the plot: a tap on the phone's plot is the answer; the teacher sees every spot.
    teacher.get_by_role("button", name="Click the plot").click()
    tapper = students[0]
    tapper.wait_for_selector("text=Question 4.", timeout=WAIT)
    tapper.wait_for_function(
        "() => { const c = document.querySelector('.knn-canvas');"
        " return c && c.dataset.renders && c.querySelector('.main-svg'); }",
        timeout=WAIT,
    )
    box = tapper.locator(".knn-canvas .nsewdrag").first.bounding_box()
    tapper.touchscreen.tap(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    tapper.wait_for_selector("text=Saved: (", timeout=WAIT)
    teacher.wait_for_selector("text=1 of 3", timeout=WAIT)
    teacher.get_by_role("button", name="Reveal").click()
    tapper.wait_for_selector("text=disagree", timeout=WAIT)
    screenshot(tapper, f"class_{name}_student_click_reveal", full_page=False)
    screenshot(teacher, f"class_{name}_teacher_click_reveal", full_page=False)
    # The teacher downloads every response, once their page has drawn the reveal: the reveal's
    # whole-page run draws the sidebar's download button again, and a download started from the
    # button it replaces is cancelled (under load, 1 of 2 full runs).
    teacher.wait_for_selector("text=disagree", timeout=WAIT)
    teacher.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        ".getAttribute('data-test-script-state') === 'notRunning'",
        timeout=WAIT,
    )
    with teacher.expect_download() as download:
        teacher.get_by_role("button", name="Download all responses (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert [(r["question"], r["nickname"], r["answer"]) for r in rows[:-1]] == [
        ("1", "Ada", picks[0]),
        ("1", "Bob", picks[1]),
        ("1", "<b>Cy</b>", picks[2]),
        ("3", "Ada", "k = 5"),
        ("3", "Bob", "k = 7"),
        ("3", "<b>Cy</b>", "k = 7"),
    ]
    assert rows[-1]["question"] == "4" and rows[-1]["nickname"] == "Ada"
    # The teacher's key never reaches a student's page.
    key = re.search(r"teacher=([^&]+)", teacher.url).group(1)
    for page in students:
        assert key not in page.content()
        assert_no_exception(page)
    assert_no_exception(teacher)
    return teacher, students, code


def test_a_lesson_on_sqlite(browser, tmp_path):
    with servers(f"sqlite:///{tmp_path / 'class.sqlite3'}", 1) as (url,):
        teacher, students, code = run_lesson(browser, url, url, "sqlite")
        # Ending the class: the phones say so.
        teacher.get_by_role("button", name="End the class").click()
        teacher.get_by_role("button", name="End the class now").click()
        teacher.wait_for_selector("text=This class has ended", timeout=WAIT)
        students[0].wait_for_selector("text=This class has ended", timeout=WAIT)


def test_a_lesson_on_two_servers_sharing_postgresql(browser, postgres_url):
    with servers(postgres_url, 2) as (student_url, teacher_url):
        run_lesson(browser, student_url, teacher_url, "postgresql")


def test_a_student_link_cannot_teach(browser, tmp_path):
    with servers(f"sqlite:///{tmp_path / 'class.sqlite3'}", 1) as (url,):
        teacher, code = start_class(browser, url)
        student = join(browser, url, code, "Eve", by_link=True)
        token = re.search(r"me=([^&]+)", student.url).group(1)
        for forged in (token, "x" * 32):
            page = browser.new_context(**PHONE).new_page()
            page.goto(f"{url}{PAGE}?room={code}&teacher={forged}")
            wait_for_app(page)
            page.wait_for_selector("text=This teacher link is not valid", timeout=WAIT)
            for name in ("Reveal", "Close answers", "Download all responses (CSV)"):
                assert page.get_by_role("button", name=name).count() == 0
            assert_no_exception(page)


#: Nicknames and class names that would format, link, run or typeset if read as markup.
NICKNAMES = ("**bold** $x$", "<img src=x onerror=a()>", "[link](http://x)")
CLASS_NAMES = ("**bold** $x$ [link](http://x)", "<img src=x onerror=a()>")
#: What any of them would have become on the page, had it been read as Markdown or HTML.
MARKUP_FROM_NAMES = """() => [
    ...document.querySelectorAll('img[src="x"], a[href="http://x"], .katex'),
    ...[...document.querySelectorAll('strong, b, em')].filter(e => e.innerText === 'bold'),
].map(e => e.outerHTML)"""


def hide_nickname(teacher, row: int, hidden) -> None:
    """Tick "Hide" in row ``row`` of the teacher's students table, with the keyboard.

    ``hidden()`` reads the store. The grid is a canvas driven by position and keys: a key
    press that lands while the dashboard redraws the grid is lost, so a tick the store has
    not seen within a few seconds is made again (never a second time once it is stored).
    """
    expander = teacher.get_by_text("Students and nicknames")
    expander.click()
    grid = teacher.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=WAIT)
    for _ in range(4):
        box = grid.bounding_box()
        teacher.mouse.click(box["x"] + 20, box["y"] + 35 * (row + 1) + 17)  # the first cell
        teacher.keyboard.press("ArrowRight")
        teacher.keyboard.press("ArrowRight")  # the "Hide" cell
        teacher.keyboard.press(" ")
        for _ in range(50):
            if hidden():
                return
            teacher.wait_for_timeout(100)


def test_names_stay_plain_text_and_a_nickname_can_be_hidden(browser, tmp_path):
    database = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    with servers(database, 1) as (url,):
        teacher, code = start_class(browser, url)
        students = [join(browser, url, code, name, by_link=True) for name in NICKNAMES]
        for page, name in zip(students, NICKNAMES, strict=True):
            assert page.get_by_text(f"Class {code} · you are {name}", exact=True).count() == 1
        teacher.wait_for_selector(f'text="Joined: {", ".join(NICKNAMES)}"', timeout=WAIT)
        # The Class mode page asks about built-in data only, whose classes have colour names;
        # a question on a user's data would carry that file's class names, as this one does.
        key = re.search(r"teacher=([\w-]+)", teacher.url).group(1)
        spec = class_mode.view_spec(
            "class", ("blobs", 50, 0.3, 0, 2), 3, "euclidean", 2.0, "uniform", (2.5, 3.0)
        )
        spec["names"] = list(CLASS_NAMES)
        store = ClassStore(database)
        store.ask(code, key, "class", spec)
        picks = (1, 1, 0)
        for page, pick in zip(students, picks, strict=True):
            page.wait_for_selector("text=Question 1.", timeout=WAIT)
            page.get_by_role("button", name=CLASS_NAMES[pick]).tap()
            page.get_by_text(f"Saved: {CLASS_NAMES[pick]}. You can change it").wait_for(
                timeout=WAIT
            )
        teacher.wait_for_selector("text=3 of 3", timeout=WAIT)
        # The teacher hides the first nickname: "Student 1" on the dashboard from now on.
        hide_nickname(teacher, 0, lambda: store.students(code, key)[0].hidden)
        teacher.wait_for_selector(
            f'text="Joined: Student 1, {NICKNAMES[1]}, {NICKNAMES[2]}"', timeout=WAIT
        )
        assert store.students(code, key)[0].hidden
        teacher.get_by_role("button", name="Close answers").click()
        teacher.get_by_role("button", name="Reopen").wait_for(timeout=WAIT)
        teacher.get_by_role("button", name="Reveal").click()
        winner = store.current(code)[1].spec["names"][int(class_mode._trace(spec).winner_code)]
        for page, pick in zip(students, picks, strict=True):
            page.get_by_text(f"KNN predicts {winner}:").wait_for(timeout=WAIT)
            verdict = "Right!" if CLASS_NAMES[pick] == winner else "Not this time."
            page.get_by_text(f"{verdict} Your answer: {CLASS_NAMES[pick]}.").wait_for()
        teacher.get_by_text(f"KNN predicts {winner}:").wait_for(timeout=WAIT)
        # The class's answers, as the bars' labels: the names as typed.
        ticks = teacher.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent)")
        assert set(CLASS_NAMES) <= {t.removesuffix(" ✓") for t in ticks}, ticks
        for page in (teacher, *students):
            assert page.evaluate(MARKUP_FROM_NAMES) == []
            assert_no_exception(page)
        screenshot(teacher, "class_plain_names_teacher", full_page=False)
        screenshot(students[1], "class_plain_names_student", full_page=True)
        with teacher.expect_download() as download:
            teacher.get_by_role("button", name="Download all responses (CSV)").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
        assert [(r["nickname"], r["nickname hidden"], r["answer"]) for r in rows] == [
            ("Student 1", "yes", CLASS_NAMES[1]),
            (NICKNAMES[1], "no", CLASS_NAMES[1]),
            (NICKNAMES[2], "no", CLASS_NAMES[0]),
        ]
        store.dispose()


class RoutedStream:
    """Route a page's Streamlit websocket through :meth:`_forward` (server -> page)."""

    def route(self, ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda message: self._forward(ws, message))

    def _forward(self, ws, message) -> None:
        raise NotImplementedError

    def wait_until_done(self, page) -> None:
        """Wait up to :data:`WAIT` for the routed loss to have happened."""
        for _ in range(WAIT // 100):
            if self.done:
                return
            page.wait_for_timeout(100)


@contextlib.contextmanager
def room_on_one_server(tmp_path):
    """A class on an SQLite file and one app server; yield ``(url, store, code, key)``."""
    database = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    store = ClassStore(database)
    try:
        code, key = store.create_room()
        with servers(database, 1) as (url,):
            yield url, store, code, key
    finally:
        store.dispose()


def phone_in_a_class_question(browser, url, code, key, store, stream: RoutedStream):
    """A phone joined as Ada through ``stream``, on a new class question; return its page."""
    page = browser.new_context(**PHONE).new_page()
    page.route_web_socket(re.compile(r"/_stcore/stream"), stream.route)
    page.goto(f"{url}{PAGE}?room={code}")
    wait_for_app(page)
    page.get_by_role("textbox", name="Nickname (optional)").fill("Ada")
    page.get_by_role("button", name="Join").tap()
    page.wait_for_selector("text=you are Ada", timeout=WAIT)
    spec = class_mode.view_spec(
        "class", ("blobs", 50, 0.3, 0, 2), 3, "euclidean", 2.0, "uniform", (2.5, 3.0)
    )
    question = store.ask(code, key, "class", spec)
    page.get_by_text("Tap your answer.").wait_for(timeout=WAIT)
    return page, question


class LoseOneDrawing(RoutedStream):
    """Route a page's Streamlit websocket, losing the server's messages of one run on demand.

    Once :attr:`armed`, every message from the server is dropped until a drawing holding
    ``text`` and the end of its run have gone by: the page never sees that run, as happens
    when Streamlit replaces a ScriptRunner whose output is not sent yet.
    """

    def __init__(self, text: str):
        self.text = text.encode()
        self.armed = self.seen = self.done = False

    def _forward(self, ws, message) -> None:
        if not self.armed or self.done or isinstance(message, str):
            ws.send(message)
            return
        self.seen = self.seen or self.text in message
        msg = ForwardMsg()
        msg.ParseFromString(message)
        self.done = self.seen and msg.WhichOneof("type") == "script_finished"


def test_a_hide_tick_is_kept_when_a_student_joined_since_the_table_was_drawn(browser, tmp_path):
    # The students table is drawn with the page, not with the dashboard's polls: a student who
    # joins later is not in it until the page is drawn again. A tick made before then used to
    # be dropped, as the table drawn with one more row is a new widget.
    database = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    with servers(database, 1) as (url,):
        teacher, code = start_class(browser, url)
        key = re.search(r"teacher=([\w-]+)", teacher.url).group(1)
        store = ClassStore(database)
        for name in ("Ada", "Bob"):
            store.join(code, name)
        teacher.reload()  # the table now shows Ada and Bob
        wait_for_app(teacher)
        teacher.get_by_text("Students and nicknames").click()
        grid = teacher.locator('[data-testid="stDataFrame"]')
        grid.wait_for(timeout=WAIT)
        store.join(code, "Cy")
        teacher.wait_for_selector('text="Joined: Ada, Bob, Cy"', timeout=WAIT)  # the dashboard
        box = grid.bounding_box()
        teacher.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # Ada's first cell
        teacher.keyboard.press("ArrowRight")
        teacher.keyboard.press("ArrowRight")  # her "Hide" cell
        teacher.keyboard.press(" ")  # once: no second try
        teacher.wait_for_selector('text="Joined: Student 1, Bob, Cy"', timeout=WAIT)
        assert [s.hidden for s in store.students(code, key)] == [True, False, False]
        # The table drawn again has all three, Ada's tick kept.
        rows = grid.locator("[aria-rowcount]").first
        expect(rows).to_have_attribute("aria-rowcount", "4", timeout=WAIT)  # and the header
        assert_no_exception(teacher)
        screenshot(teacher, "class_hide_tick_after_a_join", full_page=False)


def test_a_lost_drawing_of_an_answer_is_made_again(browser, tmp_path):
    """The phone shows the acknowledgement even when the tap's own redraw never arrives."""
    with room_on_one_server(tmp_path) as (url, store, code, key):
        lose = LoseOneDrawing("Saved: red.")
        page, question = phone_in_a_class_question(browser, url, code, key, store, lose)
        lose.armed = True
        page.get_by_role("button", name=re.compile("red")).tap()
        lose.wait_until_done(page)
        assert lose.done  # the tap's drawing, "Saved: red.", was lost on its way
        assert page.get_by_text("Tap your answer.").count() == 1  # the phone still says so
        page.get_by_text("Saved: red.").wait_for(timeout=WAIT)  # drawn again by the poll
        (answer,) = store.export_rows(code, key)  # stored once, by the one tap
        assert (answer["question"], answer["choice"], answer["changes"]) == (question.number, 0, 0)
        assert_no_exception(page)


class LoseOneWholeRun(RoutedStream):
    """Route a page's websocket; once armed, lose the output of the next whole-page run.

    The run's start reaches the page (the browser then clears its automatic reruns) and the
    rest of it does not, as when Streamlit replaces a ScriptRunner whose output is not sent
    yet. A run is held back until it ends, then passed on, unless it drew ``marker`` (only a
    whole-page run draws it).
    """

    def __init__(self, marker: str):
        self.marker = marker.encode()
        self.armed = self.done = False
        self.held: list[bytes] = []

    def _forward(self, ws, message) -> None:
        if not self.armed or self.done or isinstance(message, str):
            ws.send(message)
            return
        self.held.append(message)
        msg = ForwardMsg()
        msg.ParseFromString(message)
        if msg.WhichOneof("type") != "script_finished":
            return
        held, self.held = self.held, []
        if any(self.marker in m for m in held):
            self.done = True
            held = held[:1]  # the run's start only
        for m in held:
            ws.send(m)


def test_a_phone_that_lost_a_whole_run_catches_up(browser, tmp_path):
    """A whole-page run lost on its way stops the page's polling; the page reloads itself."""
    with room_on_one_server(tmp_path) as (url, store, code, key):
        lose = LoseOneWholeRun("you are Ada")
        page, _ = phone_in_a_class_question(browser, url, code, key, store, lose)
        lose.armed = True
        store.set_state(code, key, "closed")  # the phone's check redraws the whole page...
        lose.wait_until_done(page)
        assert lose.done  # ...and that drawing was lost: its buttons still look open
        reloads = []
        page.on("load", lambda _: reloads.append(1))
        # The page sees that it is behind the room and reloads itself.
        expect(page.get_by_role("button", name=re.compile("red"))).to_be_disabled(timeout=WAIT)
        page.get_by_text("Waiting for the reveal").wait_for(timeout=WAIT)
        assert reloads
        assert_no_exception(page)
