"""Storage of live classes: rooms, questions, students and answers, in SQLite or PostgreSQL.

One code path (SQLAlchemy Core 2) serves both databases: SQLite (a file, zero set-up) for one
app server, PostgreSQL (through psycopg 3) for several servers behind a load balancer. Nothing
is kept in a process's memory, so every app server sees the same classes and a restart loses
nothing. The schema is created, or upgraded step by step (:data:`UPGRADES`), when a
:class:`ClassStore` is opened.

Safety lives here, not in the page, so no page can forget it:

* A room's teacher key is random (192 bits), returned once by :meth:`ClassStore.create_room`
  and stored only as its SHA-256 hash; every teacher method takes it and checks it.
* A student's token (128 bits) is likewise stored only as a hash; it can only answer.
* Every answer is checked: the student belongs to the room, the question is the room's current
  one and open, the value is a valid class, k or spot; one answer per student and question
  (a new one replaces the old while the question is open).
* Rooms expire :data:`ROOM_HOURS` after they start and can be ended by the teacher; nothing of
  an expired or ended room can be read or changed with a student's link.

This module holds no KNN maths: a question's specification (:class:`Question.spec`) says what
an answer may be; whether it is right is worked out by :mod:`knn_ui.class_mode`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import io
import json
import math
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

#: Join-code letters: no 0/O or 1/I, so a code read aloud or from a projector is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
#: A room stops taking answers, and its links stop working, this long after it started.
ROOM_HOURS = 12.0
NICKNAME_CHARS = 24
#: Version of the tables below; a database written by a newer version is refused, not damaged.
#: Raising it means adding the step from the previous version to :data:`UPGRADES`.
SCHEMA_VERSION = 2
#: PostgreSQL advisory lock held while the schema is created or upgraded (any fixed number:
#: servers starting together take turns, the later ones find the work done).
_SCHEMA_LOCK = 0x4B4E4E_C1A55

#: Question kinds and the states a question goes through, in order.
KINDS = ("class", "k", "click")
STATES = ("open", "closed", "revealed")

metadata = sa.MetaData()
schema_table = sa.Table(
    "class_schema", metadata, sa.Column("version", sa.Integer, primary_key=True)
)
rooms = sa.Table(
    "class_rooms",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("ended", sa.Boolean, nullable=False, default=False),
    sa.Column("current_question", sa.Integer, nullable=True),
)
questions = sa.Table(
    "class_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("class_rooms.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("spec", sa.Text, nullable=False),
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("room_id", "number"),
)
students = sa.Table(
    "class_students",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("room_id", sa.Integer, sa.ForeignKey("class_rooms.id"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("nickname", sa.String(NICKNAME_CHARS), nullable=False, default=""),
    sa.Column("hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("joined_at", sa.Float, nullable=False),
    sa.UniqueConstraint("room_id", "number"),
)
answers = sa.Table(
    "class_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("question_id", sa.Integer, sa.ForeignKey("class_questions.id"), nullable=False),
    sa.Column("student_id", sa.Integer, sa.ForeignKey("class_students.id"), nullable=False),
    sa.Column("choice", sa.Integer, nullable=True),
    sa.Column("x", sa.Float, nullable=True),
    sa.Column("y", sa.Float, nullable=True),
    sa.Column("answered_at", sa.Float, nullable=False),
    sa.Column("changes", sa.Integer, nullable=False, default=0),
    # Version 2: when the first answer came (``answered_at`` is the last change).
    sa.Column("first_answered_at", sa.Float, nullable=True),
    sa.UniqueConstraint("question_id", "student_id"),
)


def _v2_first_answered_at(conn) -> None:
    """Version 2: answers keep the time of the first answer; old answers take their last."""
    conn.execute(sa.text("ALTER TABLE class_answers ADD COLUMN first_answered_at FLOAT"))
    conn.execute(answers.update().values(first_answered_at=answers.c.answered_at))


#: The steps from each schema version to the next, in order: ``{version: step(connection)}``.
#: Each runs once, in the transaction that records its version.
UPGRADES: dict[int, Callable] = {2: _v2_first_answered_at}


class ClassError(ValueError):
    """A request the store refuses; the message is meant for the person who made it."""


@dataclass(frozen=True)
class Room:
    """A live class: its join code and its current question (None before the first)."""

    id: int
    code: str
    created_at: float
    expires_at: float
    current_question: int | None


@dataclass(frozen=True)
class Question:
    """One question of a room.

    ``spec`` is what the page needs to draw and check it, as plain JSON values. The store reads
    only the keys that bound an answer: ``n_classes`` (kind "class": a class code
    ``0 .. n_classes - 1``), ``k_max`` (kind "k": a k ``1 .. k_max``) and ``bounds``
    (kind "click": ``[[x0, x1], [y0, y1]]``, a spot inside).
    """

    id: int
    number: int
    kind: str
    spec: dict
    state: str


@dataclass(frozen=True)
class Student:
    """A student of a room; ``number`` counts joins in the room from 1."""

    id: int
    number: int
    nickname: str
    hidden: bool

    @property
    def shown_name(self) -> str:
        """The nickname, unless empty or hidden by the teacher: then "Student <number>"."""
        return self.nickname if self.nickname and not self.hidden else f"Student {self.number}"


@dataclass(frozen=True)
class Answer:
    """A student's answer: ``choice`` (a class code or a k) or a spot ``(x, y)``."""

    student_id: int
    choice: int | None
    x: float | None
    y: float | None
    answered_at: float


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code() -> str:
    """Return a random join code of :data:`CODE_LENGTH` letters of :data:`CODE_ALPHABET`.

    Examples
    --------
    >>> code = new_code()
    >>> len(code) == CODE_LENGTH and not set(code) & set("01OI")
    True
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """Return a typed join code as stored: upper case, spaces and dashes dropped.

    Examples
    --------
    >>> normalise_code(" ab3-k7q ")
    'AB3K7Q'
    """
    return "".join(c for c in str(text).upper() if c not in " -\t")


def clean_nickname(text: str) -> str:
    r"""Return a nickname as stored: control characters dropped, spaces squeezed, at most 24.

    Examples
    --------
    >>> clean_nickname("  Ada\n  L. ")
    'Ada L.'
    """
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(text))
    return " ".join(kept.split())[:NICKNAME_CHARS]


def engine_url(url: str) -> str:
    """Return ``url`` with psycopg 3 as the PostgreSQL driver (a plain libpq URL works too).

    Examples
    --------
    >>> engine_url("postgresql://u@db/course")
    'postgresql+psycopg://u@db/course'
    >>> engine_url("sqlite:///class.db")
    'sqlite:///class.db'
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: Execution option of a read-only transaction (SQLite then starts it without the write lock).
_WRITE = "knn_class_write"


#: How long a new SQLite connection keeps asking for write-ahead logging while another holds
#: the database (seconds; as long as SQLite's own wait for a busy database).
_WAL_WAIT = 30.0


def _write_ahead_log(cursor) -> None:
    """Switch the database to write-ahead logging, waiting while another connection holds it.

    The switch needs the database to itself, and SQLite answers "database is locked" at once
    instead of waiting (its busy timeout does not apply): servers that open one new file
    together failed to start about once in ten. The mode is kept in the file, so only the
    first switch waits.
    """
    deadline = time.monotonic() + _WAL_WAIT
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(2 * delay, 0.25)


def _sqlite_setup(engine: sa.Engine) -> None:
    """Let SQLite wait for a busy database and take the write lock at the start of a transaction.

    Python's sqlite3 would start transactions itself, late, so two sessions could both read and
    then fail to write; with ``BEGIN IMMEDIATE`` they queue instead (SQLAlchemy's recipe).
    Read-only transactions (:meth:`ClassStore._reading`) start with a plain ``BEGIN``.
    """

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        _write_ahead_log(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # Reads need no lock up front: in WAL mode they never wait for a writer.
        write = connection.get_execution_options().get(_WRITE, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class ClassStore:
    """Rooms, questions, students and answers in the database at ``url``.

    Parameters
    ----------
    url : str
        An SQLAlchemy URL: ``sqlite:///path/to/file.sqlite3`` or ``postgresql://...``
        (psycopg 3 is used for PostgreSQL).
    clock : callable, default=time.time
        Seconds since the epoch; tests pass their own to see rooms expire.

    Examples
    --------
    >>> store = ClassStore("sqlite://")
    >>> code, key = store.create_room()
    >>> store.check_teacher(code, key).code == code
    True
    >>> store.check_teacher(code, "not the key")
    Traceback (most recent call last):
    ...
    knn_ui.class_store.ClassError: This teacher link is not valid for this class.
    """

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time):
        self.url = engine_url(url)
        self._clock = clock
        kwargs = {"pool_pre_ping": True}
        if self.url.startswith("sqlite"):
            kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = sa.pool.StaticPool  # one shared in-memory database
        self.engine = sa.create_engine(self.url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _sqlite_setup(self.engine)
        self._create_schema()

    # --- schema -------------------------------------------------------------------------------
    def _create_schema(self) -> None:
        """Create the tables, or upgrade them to :data:`SCHEMA_VERSION`, in one transaction.

        Several servers may start at once: on PostgreSQL each takes an advisory lock first, on
        SQLite the transaction holds the write lock from its start (``BEGIN IMMEDIATE``), so
        they take turns and the later ones find the schema up to date. A failed step leaves
        the database as it was.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            if not sa.inspect(conn).has_table(schema_table.name):
                metadata.create_all(conn)
                conn.execute(schema_table.insert().values(version=SCHEMA_VERSION))
                return
            version = conn.execute(sa.select(sa.func.max(schema_table.c.version))).scalar() or 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The class database has schema version {version}, newer than this app's "
                    f"{SCHEMA_VERSION}: update the app."
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                UPGRADES[step](conn)
                conn.execute(schema_table.insert().values(version=step))

    def schema_version(self) -> int:
        """Return the schema version recorded in the database."""
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.max(schema_table.c.version))).scalar())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextlib.contextmanager
    def _reading(self):
        """Yield a connection in a read-only transaction (writes use ``engine.begin()``)."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: False})
            with conn.begin():
                yield conn

    # --- rooms --------------------------------------------------------------------------------
    def create_room(self) -> tuple[str, str]:
        """Start a room; return ``(join code, teacher key)``. The key is never stored."""
        key = secrets.token_urlsafe(24)  # 192 bits
        now = self._clock()
        for _ in range(20):
            code = new_code()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        rooms.insert().values(
                            code=code,
                            key_hash=_hash(key),
                            created_at=now,
                            expires_at=now + ROOM_HOURS * 3600,
                            ended=False,
                        )
                    )
                return code, key
            except IntegrityError:  # the code is taken (even by an old room): draw another
                continue
        raise ClassError("Could not find a free join code; please try again.")

    @staticmethod
    def _room_row(conn, code: str, *, lock: bool = False):
        query = sa.select(rooms).where(rooms.c.code == normalise_code(code))
        return conn.execute(query.with_for_update() if lock else query).first()

    def _live_room(self, conn, code: str, *, lock: bool = False):
        row = self._room_row(conn, code, lock=lock)
        if row is None or row.ended or row.expires_at <= self._clock():
            return None
        return row

    @staticmethod
    def _room(row) -> Room:
        return Room(row.id, row.code, row.created_at, row.expires_at, row.current_question)

    def room(self, code: str) -> Room | None:
        """Return the live room with this join code, or None (unknown, expired or ended)."""
        with self._reading() as conn:
            row = self._live_room(conn, code)
        return None if row is None else self._room(row)

    def _teacher_room(self, conn, code: str, key: str, *, live: bool = True, lock: bool = False):
        """Return the room's row if ``key`` is its key; ``lock`` it for this transaction.

        Teacher writes lock the room's row (PostgreSQL; SQLite's write transactions hold the
        whole database), so two of them at once, from two sessions or from two runs of one
        session's script, take turns instead of both reading the room before either writes.
        """
        if live:
            row = self._live_room(conn, code, lock=lock)
        else:  # reading what an ended or expired room holds
            row = self._room_row(conn, code, lock=lock)
        if row is None:
            raise ClassError("This class has ended or does not exist.")
        if not hmac.compare_digest(row.key_hash, _hash(str(key))):
            raise ClassError("This teacher link is not valid for this class.")
        return row

    def check_teacher(self, code: str, key: str) -> Room:
        """Return the room if ``key`` is its teacher key; raise :class:`ClassError` if not."""
        with self._reading() as conn:
            return self._room(self._teacher_room(conn, code, key))

    def end_room(self, code: str, key: str) -> None:
        """End the room now (teacher): its links stop working; answers stay for the export."""
        with self.engine.begin() as conn:
            row = self._teacher_room(conn, code, key, lock=True)
            conn.execute(rooms.update().where(rooms.c.id == row.id).values(ended=True))

    # --- questions ----------------------------------------------------------------------------
    @staticmethod
    def _question(row) -> Question:
        return Question(row.id, row.number, row.kind, json.loads(row.spec), row.state)

    def ask(self, code: str, key: str, kind: str, spec: dict, *, replacing=...) -> Question:
        """Open a new question (teacher); it becomes the room's current question.

        ``replacing`` is the id of the question the teacher saw when asking (None: no question
        yet). When the room has moved on since, the request is a repeat of one already done,
        for example one click handled twice, and the current question is returned unchanged.
        Leave it out to ask in any case.
        """
        if kind not in KINDS:
            raise ClassError(f"Expected a question kind in {KINDS}, but got {kind!r}.")
        _check_spec(kind, spec)
        with self.engine.begin() as conn:
            room = self._teacher_room(conn, code, key, lock=True)
            if replacing is not ... and room.current_question != replacing:
                row = conn.execute(
                    sa.select(questions).where(questions.c.id == room.current_question)
                ).one()
                return self._question(row)
            last = conn.execute(
                sa.select(sa.func.max(questions.c.number)).where(questions.c.room_id == room.id)
            ).scalar()
            number = (last or 0) + 1
            qid = conn.execute(
                questions.insert().values(
                    room_id=room.id,
                    number=number,
                    kind=kind,
                    spec=json.dumps(spec),
                    state="open",
                    created_at=self._clock(),
                )
            ).inserted_primary_key[0]
            conn.execute(rooms.update().where(rooms.c.id == room.id).values(current_question=qid))
        return Question(qid, number, kind, dict(spec), "open")

    def set_state(self, code: str, key: str, state: str) -> Question:
        """Move the current question to ``state`` (teacher): open, closed or revealed."""
        if state not in STATES:
            raise ClassError(f"Expected a state in {STATES}, but got {state!r}.")
        with self.engine.begin() as conn:
            room = self._teacher_room(conn, code, key, lock=True)
            if room.current_question is None:
                raise ClassError("There is no question yet.")
            conn.execute(
                questions.update()
                .where(questions.c.id == room.current_question)
                .values(state=state)
            )
            row = conn.execute(
                sa.select(questions).where(questions.c.id == room.current_question)
            ).one()
        return self._question(row)

    def current(self, code: str) -> tuple[Room, Question | None] | None:
        """Return the live room and its current question, or None when the room is not live."""
        with self._reading() as conn:
            row = self._live_room(conn, code)
            if row is None:
                return None
            question = None
            if row.current_question is not None:
                question = self._question(
                    conn.execute(
                        sa.select(questions).where(questions.c.id == row.current_question)
                    ).one()
                )
        return self._room(row), question

    # --- students -----------------------------------------------------------------------------
    def join(self, code: str, nickname: str = "") -> tuple[Student, str]:
        """Join the live room ``code``; return the student and their token (kept only hashed).

        Raises :class:`ClassError` when the code is not a live room.
        """
        token = secrets.token_urlsafe(16)  # 128 bits
        for _ in range(20):
            try:
                with self.engine.begin() as conn:
                    room = self._live_room(conn, code)
                    if room is None:
                        raise ClassError("No class with this code is running.")
                    last = conn.execute(
                        sa.select(sa.func.max(students.c.number)).where(
                            students.c.room_id == room.id
                        )
                    ).scalar()
                    values = dict(
                        room_id=room.id,
                        number=(last or 0) + 1,
                        token_hash=_hash(token),
                        nickname=clean_nickname(nickname),
                        hidden=False,
                        joined_at=self._clock(),
                    )
                    sid = conn.execute(students.insert().values(**values)).inserted_primary_key[0]
                return Student(sid, values["number"], values["nickname"], False), token
            except IntegrityError:  # two students took the same number at once: count again
                continue
        raise ClassError("Could not join; please try again.")

    def _student_row(self, conn, room_id: int, token: str):
        return conn.execute(
            sa.select(students).where(
                students.c.room_id == room_id, students.c.token_hash == _hash(str(token))
            )
        ).first()

    def student(self, code: str, token: str) -> Student | None:
        """Return the student of the live room ``code`` holding ``token``, or None."""
        with self._reading() as conn:
            room = self._live_room(conn, code)
            row = None if room is None else self._student_row(conn, room.id, token)
        return None if row is None else Student(row.id, row.number, row.nickname, row.hidden)

    def students(self, code: str, key: str) -> list[Student]:
        """Every student of the room, in joining order (teacher)."""
        with self._reading() as conn:
            room = self._teacher_room(conn, code, key)
            rows = conn.execute(
                sa.select(students).where(students.c.room_id == room.id).order_by(students.c.number)
            ).all()
        return [Student(r.id, r.number, r.nickname, r.hidden) for r in rows]

    def hide_names(self, code: str, key: str, hidden: dict[int, bool]) -> None:
        """Hide or show nicknames (teacher): ``{student number: hidden}``."""
        with self.engine.begin() as conn:
            room = self._teacher_room(conn, code, key, lock=True)
            for number, flag in hidden.items():
                conn.execute(
                    students.update()
                    .where(students.c.room_id == room.id, students.c.number == int(number))
                    .values(hidden=bool(flag))
                )

    # --- answers ------------------------------------------------------------------------------
    def answer(
        self, code: str, token: str, question_id: int, *, choice=None, x=None, y=None
    ) -> Answer:
        """Record a student's answer to the open current question, replacing an earlier one.

        ``choice`` is a class code (kind "class") or a k (kind "k"); ``x`` and ``y`` a spot
        (kind "click"). Raises :class:`ClassError` when the answer is not allowed.
        """
        with self.engine.begin() as conn:
            room = self._live_room(conn, code)
            if room is None:
                raise ClassError("This class has ended.")
            student = self._student_row(conn, room.id, token)
            if student is None:
                raise ClassError("This link does not belong to a student of this class.")
            # The question's row is locked until the answer is written, so a teacher closing it
            # at the same moment waits, and no answer slips in after the close.
            question = conn.execute(
                sa.select(questions).where(questions.c.id == int(question_id)).with_for_update()
            ).first()
            if question is None or question.room_id != room.id:
                raise ClassError("This question is not part of this class.")
            if question.id != room.current_question:
                raise ClassError("This question is over: the teacher has moved on.")
            if question.state != "open":
                raise ClassError("Answers to this question are closed.")
            values = _check_answer(question.kind, json.loads(question.spec), choice, x, y)
            now = self._clock()
            where = (answers.c.question_id == question.id, answers.c.student_id == student.id)
            changed = conn.execute(
                answers.update()
                .where(*where)
                .values(**values, answered_at=now, changes=answers.c.changes + 1)
            ).rowcount
            if not changed:
                conn.execute(
                    answers.insert().values(
                        question_id=question.id,
                        student_id=student.id,
                        answered_at=now,
                        first_answered_at=now,
                        changes=0,
                        **values,
                    )
                )
        return Answer(student.id, values["choice"], values["x"], values["y"], now)

    def student_view(self, code: str, token: str) -> tuple[Question | None, Answer | None] | None:
        """Return the live room's current question and this student's answer to it.

        One query, for a student's screen that checks the room every second or two; None
        when the room is not live, ``(None, None)`` before the first question.
        """
        mine = (
            sa.select(answers)
            .join(students, students.c.id == answers.c.student_id)
            .where(students.c.token_hash == _hash(str(token)))
            .subquery()
        )
        query = (
            sa.select(
                rooms.c.ended,
                rooms.c.expires_at,
                questions.c.id,
                questions.c.number,
                questions.c.kind,
                questions.c.spec,
                questions.c.state,
                mine.c.student_id,
                mine.c.choice,
                mine.c.x,
                mine.c.y,
                mine.c.answered_at,
            )
            .select_from(
                rooms.outerjoin(questions, questions.c.id == rooms.c.current_question).outerjoin(
                    mine, mine.c.question_id == questions.c.id
                )
            )
            .where(rooms.c.code == normalise_code(code))
        )
        with self._reading() as conn:
            row = conn.execute(query).first()
        if row is None or row.ended or row.expires_at <= self._clock():
            return None
        if row.id is None:
            return None, None
        question = self._question(row)
        return question, None if row.student_id is None else _answer(row)

    def my_answer(self, code: str, token: str, question_id: int) -> Answer | None:
        """Return this student's answer to a question of the live room, or None."""
        with self._reading() as conn:
            room = self._live_room(conn, code)
            student = None if room is None else self._student_row(conn, room.id, token)
            if student is None:
                return None
            row = conn.execute(
                sa.select(answers).where(
                    answers.c.question_id == int(question_id),
                    answers.c.student_id == student.id,
                )
            ).first()
        return None if row is None else _answer(row)

    def answers(self, code: str, key: str, question_id: int) -> tuple[int, list[Answer]]:
        """Return ``(students joined, answers to the question)`` (teacher)."""
        with self._reading() as conn:
            room = self._teacher_room(conn, code, key)
            joined = conn.execute(
                sa.select(sa.func.count()).where(students.c.room_id == room.id)
            ).scalar()
            rows = conn.execute(
                sa.select(answers)
                .join(questions, questions.c.id == answers.c.question_id)
                .where(questions.c.room_id == room.id, answers.c.question_id == int(question_id))
                .order_by(answers.c.student_id)
            ).all()
        return int(joined), [_answer(r) for r in rows]

    def export_rows(self, code: str, key: str) -> list[dict]:
        """Every answer of the room, question by question (teacher), as plain dicts.

        An ended or expired room can still be exported with its key.
        """
        with self._reading() as conn:
            room = self._teacher_room(conn, code, key, live=False)
            rows = conn.execute(
                sa.select(
                    questions.c.number.label("question"),
                    questions.c.kind,
                    questions.c.spec,
                    students.c.number.label("student"),
                    students.c.nickname,
                    students.c.hidden,
                    answers.c.choice,
                    answers.c.x,
                    answers.c.y,
                    answers.c.answered_at,
                    answers.c.first_answered_at,
                    answers.c.changes,
                )
                .select_from(
                    answers.join(questions, questions.c.id == answers.c.question_id).join(
                        students, students.c.id == answers.c.student_id
                    )
                )
                .where(questions.c.room_id == room.id)
                .order_by(questions.c.number, students.c.number)
            ).all()
        return [dict(r._mapping, spec=json.loads(r.spec)) for r in rows]


def _answer(row) -> Answer:
    return Answer(row.student_id, row.choice, row.x, row.y, row.answered_at)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_spec(kind: str, spec: dict) -> None:
    if kind == "class" and not (_is_int(spec.get("n_classes")) and spec["n_classes"] >= 2):
        raise ClassError("A class question needs n_classes >= 2.")
    if kind == "k" and not (_is_int(spec.get("k_max")) and spec["k_max"] >= 1):
        raise ClassError("A k question needs k_max >= 1.")
    if kind == "click":
        try:
            (x0, x1), (y0, y1) = spec["bounds"]
            ok = all(math.isfinite(v) for v in (x0, x1, y0, y1)) and x0 < x1 and y0 < y1
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise ClassError("A click question needs bounds [[x0, x1], [y0, y1]].")


def _check_answer(kind: str, spec: dict, choice, x, y) -> dict:
    """Return the answer's column values, or raise ClassError when it is not a valid answer."""
    if kind in ("class", "k"):
        if x is not None or y is not None or not _is_int(choice):
            raise ClassError("Expected one choice.")
        low, high = (0, spec["n_classes"] - 1) if kind == "class" else (1, spec["k_max"])
        if not low <= choice <= high:
            what = "class" if kind == "class" else "k"
            raise ClassError(f"Expected a {what} from {low} to {high}, but got {choice}.")
        return {"choice": int(choice), "x": None, "y": None}
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        raise ClassError("Expected a spot on the plot.") from None
    (x0, x1), (y0, y1) = spec["bounds"]
    if choice is not None or not (x0 <= x <= x1 and y0 <= y <= y1):
        raise ClassError("Expected a spot inside the plot.")
    return {"choice": None, "x": x, "y": y}


#: Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """Return a CSV file of ``rows``; text that a spreadsheet would run is prefixed with ``'``.

    Examples
    --------
    >>> print(csv_text(["nickname", "k"], [["=1+1", 3]]), end="")
    nickname,k
    '=1+1,3
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(
            ["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]
        )
    return out.getvalue()
