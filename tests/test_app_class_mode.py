"""The Class mode page (AppTest): starting, joining, the slow-down of wrong codes, the key."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from knn_ui import class_mode
from knn_ui.class_store import ClassStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    monkeypatch.setenv(class_mode.DATABASE_ENV, url)
    return ClassStore(url)


def open_page(params=None):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/class_mode.py")
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def join(at, code, nickname=""):
    at.text_input(key="class_code").input(code)
    at.text_input(key="class_nickname").input(nickname)
    button(at, "Join").click()
    at.run()
    assert not at.exception, at.exception


def test_the_default_database_is_an_sqlite_file_in_the_app_folder(monkeypatch):
    monkeypatch.delenv(class_mode.DATABASE_ENV, raising=False)
    assert class_mode.database_url() == f"sqlite:///{class_mode.DEFAULT_SQLITE}"
    monkeypatch.setenv(class_mode.DATABASE_ENV, "postgresql://u@db/course")
    assert class_mode.database_url() == "postgresql://u@db/course"


def test_the_qr_code_is_an_image_made_locally():
    img = class_mode.qr_image("http://example.org/?room=K7QM3X", 'QR "code" <x>')
    assert img.startswith('<img class="knn-qr" src="data:image/svg+xml')
    assert img.endswith('alt="QR &quot;code&quot; &lt;x&gt;">')


def test_a_teacher_starts_a_class(database):
    at = open_page()
    button(at, "Start a class").click()
    at.run()
    code, key = at.query_params["room"], at.query_params["teacher"]
    assert database.check_teacher(code, key).code == code
    assert any(code in h.proto.body for h in at.get("html"))  # the join code, large
    qr = [h.proto.body for h in at.get("html") if 'class="knn-qr"' in h.proto.body]
    assert len(qr) == 1 and 'alt="QR code of the join link' in qr[0] and "data:image" in qr[0]
    assert [b.label for b in at.button if b.key and b.key.startswith("class_ask_")] == [
        "Predict the class",
        "Pick k",
        "Click the plot",
    ]


def test_a_student_joins_and_the_nickname_stays_plain_text(database):
    code, key = database.create_room()
    at = open_page({"room": code})
    assert at.text_input(key="class_code").value == code  # from the QR code's link
    join(at, code.lower(), "**Ada** <i>")
    assert at.query_params["room"] == code and "me" in at.query_params
    assert "teacher" not in at.query_params
    assert f"Class {code} · you are **Ada** <i>" in [t.value for t in at.text]
    assert [s.nickname for s in database.students(code, key)] == ["**Ada** <i>"]


def test_wrong_codes_are_slowed_down(database, monkeypatch):
    code, _ = database.create_room()
    now = [1_000.0]
    monkeypatch.setattr(class_mode.time, "time", lambda: now[0])
    at = open_page()
    for _ in range(class_mode.FREE_TRIES):
        join(at, "ZZZZZZ")
        assert "No class with this code" in at.error[0].value
    join(at, "ZZZZZZ")  # too soon after the 3rd wrong code: refused without a look
    assert "Too many wrong codes. Please wait 1 s." in at.error[0].value
    join(at, code)  # even the right code waits
    assert "Too many wrong codes. Please wait 1 s." in at.error[0].value
    assert "me" not in at.query_params
    now[0] += 1.5
    join(at, "ZZZZZZ")  # the 4th wrong code: the next try waits 2 s
    now[0] += 1.0
    join(at, code)
    assert "Please wait 1 s" in at.error[0].value
    now[0] += 1.5
    join(at, code)
    assert "me" in at.query_params and not at.error


@pytest.mark.parametrize("which", ["wrong key", "student token"])
def test_only_the_teacher_key_controls_the_class(database, which):
    code, key = database.create_room()
    _, token = database.join(code)
    forged = token if which == "student token" else key[:-2] + "xy"
    at = open_page({"room": code, "teacher": forged})
    assert "This teacher link is not valid" in at.warning[0].value
    assert not [b for b in at.button if b.key and b.key.startswith("class_ask_")]
    assert not at.get("download_button")
    # The student's own link shows the student's screen, without any teacher control.
    at = open_page({"room": code, "me": token})
    assert "Waiting for the first question" in at.info[0].value
    assert not [b for b in at.button if b.label in ("Reveal", "Close answers")]


def test_an_ended_class_keeps_its_responses(database):
    code, key = database.create_room()
    _, token = database.join(code, "Ada")
    spec = class_mode.view_spec(
        "class", ("blobs", 50, 0.3, 0, 2), 3, "euclidean", 2.0, "uniform", (2.5, 3.0)
    )
    question = database.ask(code, key, "class", spec)
    database.answer(code, token, question.id, choice=1)
    database.end_room(code, key)
    at = open_page({"room": code, "teacher": key})
    assert "ended" in at.warning[0].value
    assert at.get("download_button")  # the responses can still be downloaded
    at = open_page({"room": code, "me": token})
    assert "This class has ended" in at.warning[0].value
