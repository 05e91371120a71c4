"""The class-mode storage, against SQLite and a real PostgreSQL (tests/postgres_support.py)."""

import threading

import pytest
import sqlalchemy as sa

from knn_ui import class_store
from knn_ui.class_store import CODE_ALPHABET, ClassError, ClassStore


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'class.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(url, clock):
    opened = ClassStore(url, clock=clock)
    yield opened
    opened.dispose()


CLASS_SPEC = {"n_classes": 3}


def test_room_code_and_teacher_key(store, url):
    code, key = store.create_room()
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("0O1I")
    assert len(key) >= 32  # 24 random bytes, base64: 192 bits
    assert store.check_teacher(code, key).code == code
    assert store.check_teacher(code.lower(), key).code == code  # typed in lower case
    with pytest.raises(ClassError, match="not valid"):
        store.check_teacher(code, key[:-1] + ("A" if key[-1] != "A" else "B"))
    # Neither the key nor the students' tokens are stored: only their hashes.
    student, token = store.join(code, "Ada")
    with store.engine.connect() as conn:
        dump = repr(conn.execute(sa.select(class_store.rooms)).all())
        dump += repr(conn.execute(sa.select(class_store.students)).all())
    assert key not in dump and token not in dump
    assert class_store._hash(key) in dump


def test_every_teacher_action_needs_the_key(store):
    code, key = store.create_room()
    other_code, other_key = store.create_room()
    question = store.ask(code, key, "class", CLASS_SPEC)
    _, token = store.join(code)
    for bad in ("", "x", other_key, token):
        with pytest.raises(ClassError):
            store.ask(code, bad, "class", CLASS_SPEC)
        with pytest.raises(ClassError):
            store.set_state(code, bad, "revealed")
        with pytest.raises(ClassError):
            store.answers(code, bad, question.id)
        with pytest.raises(ClassError):
            store.export_rows(code, bad)
        with pytest.raises(ClassError):
            store.students(code, bad)
        with pytest.raises(ClassError):
            store.hide_names(code, bad, {1: True})
        with pytest.raises(ClassError):
            store.end_room(code, bad)
    assert store.current(code)[1].state == "open"
    assert store.room(other_code) is not None


def test_answers_are_checked_on_the_server(store):
    code, key = store.create_room()
    student, token = store.join(code, "Ada")
    _, other_token = store.join(code, "Bob")
    question = store.ask(code, key, "class", CLASS_SPEC)
    for bad in (-1, 3, True, 1.0, "1", None):
        with pytest.raises(ClassError):
            store.answer(code, token, question.id, choice=bad)
    with pytest.raises(ClassError):
        store.answer(code, "not a student", question.id, choice=1)
    # One answer per student and question: a second one replaces the first while open.
    store.answer(code, token, question.id, choice=1)
    store.answer(code, token, question.id, choice=2)
    store.answer(code, other_token, question.id, choice=0)
    joined, given = store.answers(code, key, question.id)
    assert joined == 2
    assert sorted((a.student_id, a.choice) for a in given) == [
        (student.id, 2),
        (student.id + 1, 0),
    ]
    assert store.my_answer(code, token, question.id).choice == 2
    # Closed: no more answers, and the recorded ones stay.
    store.set_state(code, key, "closed")
    with pytest.raises(ClassError, match="closed"):
        store.answer(code, token, question.id, choice=0)
    store.set_state(code, key, "revealed")
    with pytest.raises(ClassError, match="closed"):
        store.answer(code, token, question.id, choice=0)
    assert store.my_answer(code, token, question.id).choice == 2
    # A new question: the old one cannot be answered any more.
    k_question = store.ask(code, key, "k", {"k_max": 25})
    with pytest.raises(ClassError, match="moved on"):
        store.answer(code, token, question.id, choice=1)
    for bad in (0, 26):
        with pytest.raises(ClassError, match="k from 1 to 25"):
            store.answer(code, token, k_question.id, choice=bad)
    assert store.answer(code, token, k_question.id, choice=25).choice == 25
    # A student of another room cannot answer here, nor with their token elsewhere.
    code2, key2 = store.create_room()
    _, token2 = store.join(code2)
    with pytest.raises(ClassError, match="does not belong"):
        store.answer(code, token2, k_question.id, choice=3)
    store.ask(code2, key2, "k", {"k_max": 25})
    with pytest.raises(ClassError, match="not part of this class"):
        store.answer(code2, token2, k_question.id, choice=3)


def test_click_answers_stay_inside_the_plot(store):
    code, key = store.create_room()
    _, token = store.join(code)
    question = store.ask(code, key, "click", {"bounds": [[0.0, 10.0], [-1.0, 1.0]]})
    for x, y in ((11, 0), (5, 2), (float("nan"), 0), (None, 0), ("a", 0)):
        with pytest.raises(ClassError):
            store.answer(code, token, question.id, x=x, y=y)
    with pytest.raises(ClassError):
        store.answer(code, token, question.id, choice=1, x=1, y=0)
    answer = store.answer(code, token, question.id, x=2.5, y=-0.5)
    assert (answer.x, answer.y, answer.choice) == (2.5, -0.5, None)
    with pytest.raises(ClassError):
        store.ask(code, key, "click", {"bounds": [[1, 0], [0, 1]]})
    with pytest.raises(ClassError):
        store.ask(code, key, "poll", {})


def test_rooms_expire_and_can_be_ended(store, clock):
    code, key = store.create_room()
    _, token = store.join(code)
    question = store.ask(code, key, "class", CLASS_SPEC)
    clock.now += class_store.ROOM_HOURS * 3600 - 1
    assert store.room(code) is not None
    clock.now += 2
    assert store.room(code) is None and store.current(code) is None
    with pytest.raises(ClassError, match="No class with this code"):
        store.join(code)
    with pytest.raises(ClassError, match="ended"):
        store.answer(code, token, question.id, choice=1)
    with pytest.raises(ClassError, match="ended"):
        store.check_teacher(code, key)
    code2, key2 = store.create_room()
    _, token2 = store.join(code2)
    question2 = store.ask(code2, key2, "class", CLASS_SPEC)
    store.answer(code2, token2, question2.id, choice=1)
    store.end_room(code2, key2)
    assert store.room(code2) is None and store.student(code2, token2) is None
    with pytest.raises(ClassError, match="ended"):
        store.answer(code2, token2, question2.id, choice=1)
    # Nothing is lost: the teacher can still download the answers of an ended room.
    assert [r["choice"] for r in store.export_rows(code2, key2)] == [1]
    with pytest.raises(ClassError, match="not valid"):
        store.export_rows(code2, "wrong key")


def test_a_restart_loses_nothing(url, clock):
    first = ClassStore(url, clock=clock)
    code, key = first.create_room()
    student, token = first.join(code, "Ada")
    question = first.ask(code, key, "class", CLASS_SPEC)
    first.answer(code, token, question.id, choice=1)
    first.set_state(code, key, "closed")
    first.dispose()
    again = ClassStore(url, clock=clock)  # a new server process opens the same database
    room, current = again.current(code)
    assert (current.id, current.state, current.spec) == (question.id, "closed", CLASS_SPEC)
    assert again.student(code, token) == student
    assert again.my_answer(code, token, question.id).choice == 1
    assert again.check_teacher(code, key).id == room.id
    again.dispose()


def test_a_newer_schema_is_refused(url):
    ClassStore(url).dispose()
    engine = sa.create_engine(class_store.engine_url(url))
    with engine.begin() as conn:
        conn.execute(class_store.schema_table.insert().values(version=99))
    engine.dispose()
    with pytest.raises(RuntimeError, match="schema version 99"):
        ClassStore(url)


def test_nicknames_and_hiding(store):
    code, key = store.create_room()
    ada, _ = store.join(code, "  **Ada**\n<b>x</b>  ")
    anonymous, _ = store.join(code)
    assert ada.nickname == "**Ada** <b>x</b>"  # stored as typed (shown as plain text)
    assert anonymous.shown_name == "Student 2"
    store.hide_names(code, key, {ada.number: True})
    listed = store.students(code, key)
    assert [s.shown_name for s in listed] == ["Student 1", "Student 2"]
    assert listed[0].nickname == "**Ada** <b>x</b>"
    assert len(store.join(code, "x" * 100)[0].nickname) == class_store.NICKNAME_CHARS


def test_export_rows(store):
    code, key = store.create_room()
    _, t1 = store.join(code, "=cmd()")
    _, t2 = store.join(code, "Bob")
    q1 = store.ask(code, key, "class", CLASS_SPEC)
    store.answer(code, t1, q1.id, choice=2)
    store.answer(code, t2, q1.id, choice=0)
    q2 = store.ask(code, key, "click", {"bounds": [[0, 1], [0, 1]]})
    store.answer(code, t2, q2.id, x=0.5, y=0.25)
    rows = store.export_rows(code, key)
    assert [(r["question"], r["student"], r["choice"], r["x"]) for r in rows] == [
        (1, 1, 2, None),
        (1, 2, 0, None),
        (2, 2, None, 0.5),
    ]
    text = class_store.csv_text(["nickname"], [[r["nickname"]] for r in rows])
    assert text.splitlines() == ["nickname", "'=cmd()", "Bob", "Bob"]


def test_many_students_answer_at_once(store):
    """Threads answering together (as app sessions do): every answer lands exactly once."""
    code, key = store.create_room()
    joined = [store.join(code, f"s{i}") for i in range(12)]
    question = store.ask(code, key, "class", CLASS_SPEC)
    errors = []

    def answer(token, i):
        try:
            for choice in (0, 1, i % 3):
                store.answer(code, token, question.id, choice=choice)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(t, i)) for i, (_, t) in enumerate(joined)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    joined_count, given = store.answers(code, key, question.id)
    assert joined_count == 12
    assert sorted(a.choice for a in given) == sorted(i % 3 for i in range(12))


def test_a_question_is_asked_once_per_click(store):
    """An ask names the question it replaces: the same click handled twice asks once."""
    code, key = store.create_room()
    first = store.ask(code, key, "class", CLASS_SPEC, replacing=None)
    assert store.ask(code, key, "k", {"k_max": 5}, replacing=None) == first
    second = store.ask(code, key, "class", CLASS_SPEC, replacing=first.id)
    assert second.number == 2
    assert store.ask(code, key, "class", CLASS_SPEC, replacing=first.id) == second
    assert store.current(code)[1] == second


def test_teachers_asking_at_once_take_turns(store):
    """Asks at the same moment (one session's two script runs, or two tabs) never collide.

    Each ask numbers its question from the room's last one; without the room's row locked,
    PostgreSQL let two asks read the same last number and one failed on the unique number.
    """
    code, key = store.create_room()
    start = threading.Barrier(8)
    results, errors = [], []

    def ask(replacing):
        start.wait()
        try:
            if replacing == "any":
                results.append(store.ask(code, key, "class", CLASS_SPEC))
            else:
                results.append(store.ask(code, key, "class", CLASS_SPEC, replacing=replacing))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def run(replacing):
        threads = [threading.Thread(target=ask, args=(replacing,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    run(None)  # one click handled eight times: one question
    assert errors == [] and {q.number for q in results} == {1}
    results.clear()
    run("any")  # eight different asks: eight questions, numbered in turn
    assert errors == [] and sorted(q.number for q in results) == list(range(2, 10))
    assert store.current(code)[1].number == 9


# ---------------------------------------------------------------------------------------------
# Schema versions: a database of an older version is upgraded on start, keeping its rows
# ---------------------------------------------------------------------------------------------
def version_1_tables() -> sa.MetaData:
    """The tables as schema version 1 wrote them: class_answers had no first_answered_at."""
    old = sa.MetaData()
    for name in ("class_schema", "class_rooms", "class_questions", "class_students"):
        class_store.metadata.tables[name].to_metadata(old)
    sa.Table(
        "class_answers",
        old,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("question_id", sa.Integer, sa.ForeignKey("class_questions.id"), nullable=False),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("class_students.id"), nullable=False),
        sa.Column("choice", sa.Integer, nullable=True),
        sa.Column("x", sa.Float, nullable=True),
        sa.Column("y", sa.Float, nullable=True),
        sa.Column("answered_at", sa.Float, nullable=False),
        sa.Column("changes", sa.Integer, nullable=False, default=0),
        sa.UniqueConstraint("question_id", "student_id"),
    )
    return old


def make_version_1(url: str, clock) -> tuple[str, str, str]:
    """Write a version-1 database with a room, a student and an answer; return code, key, token."""
    old = version_1_tables()
    engine = sa.create_engine(class_store.engine_url(url))
    key, token = "teacher-key", "student-token"
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(old.tables["class_schema"].insert().values(version=1))
        room = conn.execute(
            old.tables["class_rooms"]
            .insert()
            .values(
                code="K7QM3X",
                key_hash=class_store._hash(key),
                created_at=clock.now,
                expires_at=clock.now + 3600,
                ended=False,
            )
        ).inserted_primary_key[0]
        question = conn.execute(
            old.tables["class_questions"]
            .insert()
            .values(
                room_id=room,
                number=1,
                kind="class",
                spec='{"n_classes": 3}',
                state="open",
                created_at=clock.now,
            )
        ).inserted_primary_key[0]
        conn.execute(old.tables["class_rooms"].update().values(current_question=question))
        student = conn.execute(
            old.tables["class_students"]
            .insert()
            .values(
                room_id=room,
                number=1,
                token_hash=class_store._hash(token),
                nickname="Ada",
                hidden=False,
                joined_at=clock.now,
            )
        ).inserted_primary_key[0]
        conn.execute(
            old.tables["class_answers"]
            .insert()
            .values(
                question_id=question,
                student_id=student,
                choice=2,
                answered_at=clock.now + 5,
                changes=1,
            )
        )
    engine.dispose()
    return "K7QM3X", key, token


def columns(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(class_store.engine_url(url))
    inspector = sa.inspect(engine)
    found = {
        name: sorted(c["name"] for c in inspector.get_columns(name))
        for name in sorted(class_store.metadata.tables)
    }
    engine.dispose()
    return found


def test_a_version_1_database_is_upgraded_and_keeps_its_rows(url, clock, tmp_path):
    code, key, token = make_version_1(url, clock)
    store = ClassStore(url, clock=clock)
    assert store.schema_version() == class_store.SCHEMA_VERSION == 2
    (row,) = store.export_rows(code, key)
    assert (row["nickname"], row["choice"], row["changes"]) == ("Ada", 2, 1)
    # The new column is filled in for old answers: the last answer is the only time known.
    assert row["first_answered_at"] == row["answered_at"] == clock.now + 5
    # The room goes on: the same student answers again, a new student answers for the first time.
    question = store.current(code)[1]
    clock.now += 10
    store.answer(code, token, question.id, choice=0)
    _, token2 = store.join(code, "Bob")
    store.answer(code, token2, question.id, choice=1)
    rows = store.export_rows(code, key)
    assert [(r["choice"], r["first_answered_at"], r["answered_at"]) for r in rows] == [
        (0, clock.now - 5, clock.now),
        (1, clock.now, clock.now),
    ]
    store.dispose()
    # The upgraded tables are those a new database gets; opening again changes nothing.
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    ClassStore(fresh).dispose()
    assert columns(url) == columns(fresh)
    again = ClassStore(url, clock=clock)
    assert again.schema_version() == 2 and len(again.export_rows(code, key)) == 2
    again.dispose()


def test_a_failed_upgrade_changes_nothing(url, clock, monkeypatch):
    code, key, _ = make_version_1(url, clock)

    def broken(conn):
        class_store._v2_first_answered_at(conn)
        raise RuntimeError("step failed")

    monkeypatch.setitem(class_store.UPGRADES, 2, broken)
    with pytest.raises(RuntimeError, match="step failed"):
        ClassStore(url, clock=clock)
    assert "first_answered_at" not in columns(url)["class_answers"]  # rolled back
    monkeypatch.undo()
    store = ClassStore(url, clock=clock)
    assert store.schema_version() == 2 and len(store.export_rows(code, key)) == 1
    store.dispose()


@pytest.mark.parametrize("start", ["empty", "version 1"])
def test_servers_starting_at_once_create_or_upgrade_the_schema_once(url, clock, start):
    if start == "version 1":
        make_version_1(url, clock)
    begin = threading.Barrier(4)
    opened, errors = [], []

    def open_store():
        begin.wait()
        try:
            opened.append(ClassStore(url, clock=clock))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = sa.create_engine(class_store.engine_url(url))
    with engine.connect() as conn:
        versions = conn.execute(sa.select(class_store.schema_table.c.version)).scalars().all()
    engine.dispose()
    assert sorted(versions) == ([1, 2] if start == "version 1" else [2])
    for store in opened:
        store.dispose()


def test_student_view_follows_the_room_and_the_students_own_answer(store, clock):
    code, key = store.create_room()
    _, ada = store.join(code, "Ada")
    _, bob = store.join(code, "Bob")
    assert store.student_view(code, ada) == (None, None)
    question = store.ask(code, key, "class", CLASS_SPEC)
    assert store.student_view(code, ada) == (question, None)
    store.answer(code, bob, question.id, choice=1)  # someone else's answer is not Ada's
    assert store.student_view(code, ada) == (question, None)
    clock.now += 1
    mine = store.answer(code, ada, question.id, choice=2)
    assert store.student_view(code, ada) == (question, mine)
    assert store.student_view(code, "not a token") == (question, None)
    store.set_state(code, key, "revealed")
    shown, answer = store.student_view(code, ada)
    assert (shown.state, answer) == ("revealed", mine)
    assert store.student_view(code, ada) == (
        store.current(code)[1],
        store.my_answer(code, ada, question.id),
    )
    store.end_room(code, key)
    assert store.student_view(code, ada) is None
