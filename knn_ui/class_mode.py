"""Class mode: a live lesson where every student answers on their phone and the teacher sees all.

The page (``pages/class_mode.py``) has three faces, chosen by its link:

* no room: join a class with its code, or start one;
* ``?room=CODE&teacher=KEY``: the teacher's dashboard (only with the right key);
* ``?room=CODE&me=TOKEN``: a student's screen (``?room=CODE`` alone, the QR code's link, opens
  the join form with the code filled in).

Everything shared lives in the database (:mod:`knn_ui.class_store`): SQLite by default, the
file :data:`DEFAULT_SQLITE`; PostgreSQL when the ``KNN_CLASS_DATABASE_URL`` environment variable
or the ``class_database_url`` secret holds a database URL. Screens follow the database with
``st.fragment(run_every=...)``: the teacher's dashboard redraws every :data:`TEACHER_POLL`
seconds; a student's screen checks every :data:`STUDENT_POLL` seconds whether the question
changed and only then redraws. An answer is a tap that reruns only the answer area.

Every number a question shows comes from ``knn_core``: the query's neighbours and vote
(:func:`knn_core.trace.trace_query`), the accuracy of every k
(:func:`knn_core.evaluation.cross_val_accuracy_by_k`), the spots of the next question
(:func:`knn_core.quiz.quiz_query`).
"""

from __future__ import annotations

import datetime
import functools
import html
import json
import math
import os
import re
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import segno
import streamlit as st

from knn_core.evaluation import cross_val_accuracy_by_k
from knn_core.geometry import ball_outline
from knn_core.lessons.quiz import quiz_query
from knn_core.lessons.trace import trace_query
from knn_ui import cache, figures, quiz, state, style, views
from knn_ui.canvas import knn_canvas
from knn_ui.class_store import (
    ROOM_HOURS,
    Answer,
    ClassError,
    ClassStore,
    Question,
    Student,
    csv_text,
    normalise_code,
)

#: Settings: a database URL in this environment variable or secret selects the database.
DATABASE_ENV = "KNN_CLASS_DATABASE_URL"
DATABASE_SECRET = "class_database_url"
#: Otherwise this SQLite file, created on first use.
DEFAULT_SQLITE = Path(__file__).resolve().parents[1] / "var" / "class_mode.sqlite3"
#: Seconds between redraws of the teacher's dashboard, and between a student's checks.
TEACHER_POLL = 1.0
STUDENT_POLL = 1.5
#: Largest k offered in a "pick k" question (fewer on small data: 5-fold cross-validation).
K_LIMIT = 25
N_FOLDS = 5
#: A picked k counts as right when its accuracy is within this of the best k's.
NEAR_BEST = 0.02
#: The two k of a "click the plot" question: a spot is right where they disagree.
CLICK_KS = (1, 15)
#: Wrong join codes allowed before each further try waits 1, 2, 4, ... seconds (at most 60).
FREE_TRIES = 3
MAX_WAIT = 60.0

KIND_LABELS = {"class": "Predict the class", "k": "Pick k", "click": "Click the plot"}
#: What a join code or a student token may hold (the cookie script embeds them).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_JOIN_FAILS = "class_join_fails"  # (wrong codes in a row, time of the last one)
_JOIN_MESSAGE = "class_join_message"
_ANSWER_ERROR = "class_answer_error"
_TEACHER_MESSAGE = "class_teacher_message"
#: Keys of a student's two fragments: a tap redraws both.
_QUESTION_FRAGMENT = "class_question"
_STATUS_FRAGMENT = "class_status"


# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------
def database_url() -> str:
    """Return the database URL from the settings, or the default SQLite file's URL."""
    url = os.environ.get(DATABASE_ENV, "").strip()
    if not url:
        try:
            url = str(st.secrets.get(DATABASE_SECRET, "")).strip()
        except Exception:  # noqa: BLE001 - no secrets file at all: the default applies
            url = ""
    return url or f"sqlite:///{DEFAULT_SQLITE}"


@st.cache_resource(show_spinner=False)
def _open(url: str) -> ClassStore:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return ClassStore(url)


def open_store() -> ClassStore | None:
    """Return the store (opened once per server, creating the schema); None, said, on failure."""
    try:
        return _open(database_url())
    except Exception as error:  # noqa: BLE001 - shown as a message, never as a traceback
        st.error(
            "The class database cannot be opened. Check the database URL in the setting "
            f"{DATABASE_ENV}, or that the app's folder is writable.",
            icon=":material/database:",
        )
        st.text(str(error).splitlines()[0][:300])
        return None


# --------------------------------------------------------------------------------------------
# Questions: built from a view, checked and drawn with knn_core
# --------------------------------------------------------------------------------------------
def k_limit(n_samples: int) -> int:
    """Largest k of a "pick k" question: :data:`K_LIMIT`, less on data too small for it.

    Examples
    --------
    >>> k_limit(50), k_limit(10)
    (25, 8)
    """
    smallest_train = n_samples - math.ceil(n_samples / N_FOLDS)
    return max(1, min(K_LIMIT, smallest_train))


def view_spec(kind: str, data_key: tuple, k: int, metric: str, p: float, weights: str, query):
    """Return the specification of a question of ``kind`` on this view (plain JSON values)."""
    X, _, bounds = cache.dataset(*data_key)
    model = cache.model(data_key, k, metric, p, weights)
    names = style.display_names(model.classes_)
    spec = {
        "data": list(data_key),
        "k": int(k),
        "metric": metric,
        "p": float(p),
        "weights": weights,
        "query": [round(float(query[0]), 2), round(float(query[1]), 2)],
        "names": names,
        "n_classes": len(names),
        "bounds": [[float(v) for v in pair] for pair in bounds],
    }
    if kind == "k":
        spec["k_max"] = k_limit(len(X))
    if kind == "click":
        spec["ks"] = [min(k_, len(X)) for k_ in CLICK_KS]
    return spec


def _data_key(spec: dict) -> tuple:
    dataset, n, noise, seed, n_classes = spec["data"]
    return (str(dataset), int(n), float(noise), int(seed), int(n_classes))


def _model(spec: dict, k: int | None = None):
    k = spec["k"] if k is None else k
    return cache.model(_data_key(spec), k, spec["metric"], spec["p"], spec["weights"])


def _trace(spec: dict):
    return trace_query(_model(spec), np.asarray(spec["query"]), class_names=spec["names"])


@st.cache_resource(max_entries=32, show_spinner=False)
def _k_curve(spec_json: str) -> np.ndarray:
    spec = json.loads(spec_json)
    X, y, _ = cache.dataset(*_data_key(spec))
    return cross_val_accuracy_by_k(
        X,
        y,
        spec["k_max"],
        n_folds=N_FOLDS,
        seed=int(spec["data"][3]),
        metric=spec["metric"],
        weights=spec["weights"],
        p=spec["p"],
    )


def k_curve(spec: dict) -> np.ndarray:
    """Cross-validated accuracy of every k ``1 .. k_max`` of a "pick k" question."""
    return _k_curve(json.dumps(spec, sort_keys=True))


def _click_predictions(spec: dict, x: float, y: float) -> tuple:
    spot = np.array([[x, y]])
    return tuple(int(_model(spec, k).predict(spot)[0]) for k in spec["ks"])


def is_right(question: Question, answer: Answer) -> bool:
    """Whether an answer is right: KNN's class; a k near the best; a spot where the ks differ."""
    spec = question.spec
    if question.kind == "class":
        return answer.choice == int(_trace(spec).winner_code)
    if question.kind == "k":
        curve = k_curve(spec)
        return bool(curve[answer.choice - 1] >= curve.max() - NEAR_BEST)
    first, second = _click_predictions(spec, answer.x, answer.y)
    return first != second


def prompt(question: Question) -> str:
    """Return the question as a sentence (from its own numbers, never from user text)."""
    spec = question.spec
    if question.kind == "class":
        qx, qy = spec["query"]
        vote = ", closer points counting more" if spec["weights"] == "distance" else ""
        return (
            f"Which class does KNN predict for the ☆ at ({qx:.2f}, {qy:.2f}), "
            f"with k = {spec['k']}{vote}?"
        )
    if question.kind == "k":
        return (
            f"Which k would you choose for this data? Pick one from 1 to {spec['k_max']}: "
            "the best k predicts points it has not seen most often."
        )
    first, second = spec["ks"]
    return f"Tap a spot where k = {first} and k = {second} predict different classes."


def answer_text(question: Question, answer: Answer) -> str:
    """Return an answer in words, e.g. ``"red"``, ``"k = 7"`` or ``"(1.20, 3.40)"``."""
    if question.kind == "class":
        return question.spec["names"][answer.choice]
    if question.kind == "k":
        return f"k = {answer.choice}"
    return f"({answer.x:.2f}, {answer.y:.2f})"


def reveal_text(question: Question, answer: Answer | None) -> str:
    """Return what the reveal tells a student (sentences from the question's numbers)."""
    spec = question.spec
    if question.kind == "class":
        trace = _trace(spec)
        names = spec["names"]
        return (
            f"KNN predicts {names[int(trace.winner_code)]}: "
            f"{trace.share:.0%} of the k = {spec['k']} nearest points' "
            f"{'weight' if spec['weights'] == 'distance' else 'votes'}."
        )
    if question.kind == "k":
        curve = k_curve(spec)
        best = int(np.argmax(curve)) + 1
        text = f"The best k here is {best} ({curve[best - 1]:.0%} of unseen points right)."
        if answer is not None:
            text += f" Your k = {answer.choice}: {curve[answer.choice - 1]:.0%}."
        return text
    first, second = spec["ks"]
    text = f"The grey area is where k = {first} and k = {second} disagree."
    if answer is not None:
        a, b = _click_predictions(spec, answer.x, answer.y)
        names = spec["names"]
        text += f" At your spot k = {first} says {names[a]}, k = {second} says {names[b]}."
    return text


def next_spec(question: Question) -> dict:
    """Return a "predict the class" question on the same view at a spot from knn_core.quiz."""
    spec = question.spec
    data_key = _data_key(spec)
    _, _, bounds = cache.dataset(*data_key)
    spot = quiz_query(_model(spec), bounds, seed=(data_key[3], question.number + 1)).query
    return view_spec("class", data_key, spec["k"], spec["metric"], spec["p"], spec["weights"], spot)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------
def question_figure(question: Question, *, revealed: bool, height: int) -> go.Figure:
    """Return the question's picture: the Playground's plot, with the answer once revealed."""
    spec = question.spec
    X, _, _ = cache.dataset(*_data_key(spec))
    model = _model(spec)
    names = spec["names"]
    x_range, y_range = spec["bounds"]
    if question.kind == "class" and revealed:
        trace = _trace(spec)
        winner = int(trace.winner_code)
        fig = quiz.revealed_figure(
            X,
            model.y_codes_,
            names,
            x_range=x_range,
            y_range=y_range,
            neighbourhood=figures.Neighbourhood(
                query=np.asarray(spec["query"]),
                prediction_code=winner,
                prediction_name=names[winner],
                neighbor_index=trace.kept,
                outline=ball_outline(spec["query"], trace.radius, spec["metric"], p=spec["p"]),
                metric_label=state.metric_caption(spec["metric"]),
            ),
            regions=cache.decision_regions(
                _data_key(spec), spec["k"], spec["metric"], spec["p"], spec["weights"]
            ),
        )
    elif question.kind == "class":
        fig = quiz.quiz_figure(
            X, model.y_codes_, names, spec["query"], x_range=x_range, y_range=y_range
        )
    else:
        fig = figures.playground_figure(X, model.y_codes_, names, x_range=x_range, y_range=y_range)
        if question.kind == "click" and revealed:
            fig.add_trace(_disagreement_trace(spec))
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=60, b=40))
    return fig


def _disagreement_trace(spec: dict) -> go.Heatmap:
    first, second = spec["ks"]
    grid = cache.grid(
        _data_key(spec),
        spec["metric"],
        spec["p"],
        spec["weights"],
        cache.REGION_RESOLUTION,
        max(second, cache.GRID_K_MAX),
    )
    differ = (grid.surface(first)[0] != grid.surface(second)[0]).astype(float)
    return go.Heatmap(
        x=grid.xs,
        y=grid.ys,
        z=np.where(differ > 0, 1.0, np.nan),
        colorscale=[[0, "rgba(60,60,60,0.35)"], [1, "rgba(60,60,60,0.35)"]],
        showscale=False,
        hoverinfo="skip",
        name=f"k = {first} and k = {second} disagree",
        showlegend=True,
    )


def spots_trace(question: Question, given: list[Answer], *, revealed: bool) -> go.Scatter:
    """Every student's spot of a "click the plot" question (after the reveal: right or not)."""
    right = [is_right(question, a) for a in given] if revealed else [None] * len(given)
    return go.Scatter(
        x=[a.x for a in given],
        y=[a.y for a in given],
        mode="markers",
        marker=dict(
            symbol=["star" if r else "x" for r in right],
            size=16,
            color=["#007A59" if r else "#1b1b1b" for r in right],
            line=dict(color="white", width=1),
        ),
        name="the class's spots" + (" (★ right, × not)" if revealed else ""),
        hoverinfo="skip",
    )


def _count_step(counts) -> int:
    """Whole-number ticks, about five of them, for an axis of counts."""
    return max(1, math.ceil(int(np.max(counts, initial=0)) / 5))


def answers_figure(
    question: Question, given: list[Answer], *, revealed: bool, height: int = 230
) -> go.Figure:
    """Return the class's answers as bars: per class, or per k (with accuracy once revealed)."""
    spec = question.spec
    layout = dict(
        height=height,
        margin=dict(l=50, r=50, t=30, b=50),
        font=dict(family=style.FONT, size=18),
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
        dragmode=False,
        bargap=0.25,
    )
    if question.kind == "class":
        names = spec["names"]
        counts = np.bincount([a.choice for a in given], minlength=len(names))
        winner = int(_trace(spec).winner_code) if revealed else -1
        fig = go.Figure(
            go.Bar(
                x=[
                    figures.plain(f"{name} ✓" if code == winner else name)
                    for code, name in enumerate(names)
                ],
                y=counts,
                marker=dict(
                    color=[style.class_color(c) for c in range(len(names))],
                    line=dict(
                        color="#1b1b1b", width=[5 if c == winner else 0 for c in range(len(names))]
                    ),
                ),
                text=counts,
                textposition="outside",
                hoverinfo="skip",
            )
        )
        fig.update_layout(
            **layout,
            yaxis=dict(title=dict(text="students"), dtick=_count_step(counts)),
        )
        fig.update_yaxes(range=[0, max(1, int(counts.max())) * 1.25])
        return fig
    k_max = spec["k_max"]
    counts = np.bincount([a.choice for a in given], minlength=k_max + 1)[1:]
    fig = go.Figure(
        go.Bar(
            x=np.arange(1, k_max + 1),
            y=counts,
            marker_color="#0072B2",
            name="students' picks",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        **layout,
        xaxis=dict(title=dict(text="k"), dtick=2),
        # Room above the tallest bar for the accuracy curve, drawn over the top of the plot.
        yaxis=dict(
            title=dict(text="students"),
            range=[0, max(1, int(counts.max())) * 1.6],
            dtick=_count_step(counts),
        ),
    )
    if revealed:
        curve = k_curve(spec)
        fig.add_trace(
            go.Scatter(
                x=np.arange(1, k_max + 1),
                y=np.round(100 * curve, 1),
                mode="lines+markers",
                line=dict(color="#B34F00", width=3),
                name="accuracy on unseen points (%)",
                yaxis="y2",
                hoverinfo="skip",
            )
        )
        fig.update_layout(
            showlegend=True,
            legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
            margin=dict(l=50, r=60, t=70, b=50),
            yaxis2=dict(
                title=dict(text="accuracy %"),
                overlaying="y",
                side="right",
                range=[0, 100],
                dtick=25,
            ),
        )
    return fig


def qr_image(text: str, label: str) -> str:
    """Return an ``<img>`` of a QR code of ``text``, made locally (segno; nothing fetched).

    The image is an SVG data URI (Streamlit's HTML sanitiser keeps an ``<img>`` with a data
    URI, and removes inline SVG); ``label`` becomes its alternative text.
    """
    uri = segno.make(text, error="m").svg_data_uri(scale=4, border=2)
    return f'<img class="knn-qr" src="{uri}" alt="{html.escape(label, quote=True)}">'


def page_url() -> str:
    """Return the address of this page without its query (the join link builds on it)."""
    return (st.context.url or "").split("?")[0]


# --------------------------------------------------------------------------------------------
# Joining and starting
# --------------------------------------------------------------------------------------------
def join_wait(now: float) -> float:
    """Seconds this session must still wait before trying another join code."""
    fails, last = st.session_state.get(_JOIN_FAILS, (0, 0.0))
    if fails < FREE_TRIES:
        return 0.0
    return max(0.0, last + min(2.0 ** (fails - FREE_TRIES), MAX_WAIT) - now)


def _join(store: ClassStore) -> None:
    session = st.session_state
    now = time.time()
    wait = join_wait(now)
    if wait > 0:
        session[_JOIN_MESSAGE] = f"Too many wrong codes. Please wait {math.ceil(wait)} s."
        return
    code = normalise_code(session.get("class_code", ""))
    token = _rejoin(store, code)
    if token is not None:  # this browser joined before: the same student, answers kept
        session.pop(_JOIN_FAILS, None)
        st.query_params.from_dict({"room": code, "me": token})
        return
    try:
        _, token = store.join(code, session.get("class_nickname", ""))
    except ClassError as error:
        fails, _ = session.get(_JOIN_FAILS, (0, 0.0))
        session[_JOIN_FAILS] = (fails + 1, now)
        session[_JOIN_MESSAGE] = f"{error} Check the code on the board."
        return
    session.pop(_JOIN_FAILS, None)
    session.pop(_JOIN_MESSAGE, None)
    st.query_params.from_dict({"room": code, "me": token})


def _rejoin(store: ClassStore, code: str) -> str | None:
    """Return this browser's student token of room ``code`` (kept in a cookie), if still valid."""
    token = st.context.cookies.get(_cookie_name(code), "")
    if not isinstance(token, str):  # no browser (a test harness): nothing to rejoin
        return None
    if _TOKEN.fullmatch(token) and store.student(code, token) is not None:
        return token
    return None


def _cookie_name(code: str) -> str:
    return f"knn_class_{code}"


def remember_student(code: str, token: str) -> None:
    """Keep the student's token in a cookie of this browser, so joining again is rejoining.

    The script is fixed text around the join code and the token, both checked to hold only
    letters, digits, ``-`` and ``_`` (nothing a script or an attribute could be built from).
    """
    if not (_TOKEN.fullmatch(token) and _TOKEN.fullmatch(code)):
        return
    max_age = int(ROOM_HOURS * 3600)
    st.html(
        '<span class="knn-mark" hidden></span>'
        f"<script>document.cookie = '{_cookie_name(code)}={token}; path=/; "
        f"max-age={max_age}; SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
        width=1,
    )


#: A live screen reloads itself when its checks of the room stop for this long, or when it
#: shows another question or state than the room's for this long (see :data:`WATCHDOG`).
STALL_SECONDS = 15
BEHIND_SECONDS = 6
#: Installed once per page. Streamlit drops a run's output when a rerun request reaches it
#: just as the run ends. A lost whole-page run leaves the page on the previous question or
#: state (the server thinks it drew the new one), and can stop the page's checks altogether
#: (the browser clears a page's automatic reruns when a whole-page run starts and sets them
#: again only from that run's output). The whole-page run marks what it drew
#: (:func:`watchdog`); every check marks the room's question and state (:func:`heartbeat`).
#: The page reloads itself, with everything read back from the database, when the two differ
#: for :data:`BEHIND_SECONDS`, or when the checks stop for :data:`STALL_SECONDS`.
WATCHDOG = """<style>
  [data-testid="stElementContainer"]:has(.knn-mark) { display: none; }
</style>
<span class="knn-mark" hidden></span>
<script>
if (!window.knnClassWatchdog) {
  window.knnClassWatchdog = true;
  let beat = null, beatSince = Date.now(), behindSince = null;
  setInterval(() => {
    const now = Date.now();
    const mark = document.querySelector("[data-knn-beat]");
    const page = document.querySelector("[data-knn-page]");
    const value = mark ? mark.getAttribute("data-knn-beat") : null;
    if (value === null || value !== beat || document.visibilityState !== "visible") {
      beat = value;
      beatSince = now;
    } else if (now - beatSince > STALL_MS) {
      window.location.reload();
    }
    const behind = Boolean(mark && page &&
      mark.getAttribute("data-knn-room") !== page.getAttribute("data-knn-page"));
    behindSince = behind ? (behindSince ?? now) : null;
    if (behind && now - behindSince > BEHIND_MS) {
      window.location.reload();
    }
  }, 1000);
}
</script>""".replace("STALL_MS", str(STALL_SECONDS * 1000)).replace(
    "BEHIND_MS", str(BEHIND_SECONDS * 1000)
)


def _mark(signature) -> str:
    """``signature`` as attribute text: numbers and fixed state names only."""
    return "none" if signature is None else f"{int(signature[0])}-{signature[1]}"


def watchdog(signature) -> None:
    """Install :data:`WATCHDOG` (fixed text) and mark what this whole-page run draws."""
    st.html(WATCHDOG, unsafe_allow_javascript=True, width=1)
    st.html(f'<span class="knn-mark" hidden data-knn-page="{_mark(signature)}"></span>', width=1)


def heartbeat(signature) -> None:
    """Draw an invisible mark of this check: its time and the room's question and state."""
    st.html(
        f'<span class="knn-mark" hidden data-knn-beat="{time.time():.3f}" '
        f'data-knn-room="{_mark(signature)}"></span>',
        width=1,
    )


def _start(store: ClassStore) -> None:
    code, key = store.create_room()
    st.query_params.from_dict({"room": code, "teacher": key})


def join_form(store: ClassStore, code: str = "") -> None:
    """Draw the join form: code (filled in from a QR link), optional nickname, one button."""
    if code and "class_code" not in st.session_state:
        st.session_state["class_code"] = code
    with st.form("class_join", border=True):
        st.header("Join a class")
        st.text_input("Class code", key="class_code", max_chars=8, placeholder="e.g. K7QM3X")
        st.text_input(
            "Nickname (optional)",
            key="class_nickname",
            max_chars=24,
            help="Shown to your teacher. Leave it empty to be 'Student' and a number.",
        )
        st.form_submit_button(
            "Join", type="primary", width="stretch", on_click=_join, args=(store,)
        )
    message = st.session_state.pop(_JOIN_MESSAGE, None)
    if message:
        st.error(message, icon=":material/error:")  # fixed text and the store's own message


def landing(store: ClassStore, code: str = "") -> None:
    """Join a class, or start one."""
    st.title("Class mode")
    join_col, teach_col = st.columns(2, gap="large")
    with join_col:
        join_form(store, code)
    with teach_col:
        st.header("Teach a class")
        st.markdown(
            "Start a class, show its code or QR code, and ask questions on the Playground's "
            "pictures: every student answers on their phone, you see the class's answers live "
            "and choose when to reveal."
        )
        st.button("Start a class", icon=":material/co_present:", on_click=_start, args=(store,))


# --------------------------------------------------------------------------------------------
# The student
# --------------------------------------------------------------------------------------------
def _signature(current) -> tuple | None:
    if current is None:
        return None
    _, question = current
    return None if question is None else (question.id, question.state)


def _answer(store: ClassStore, code: str, token: str, question_id: int, **value) -> None:
    """Answer callback: store the answer, then draw the answer area and the status again."""
    try:
        store.answer(code, token, question_id, **value)
    except ClassError as error:
        st.session_state[_ANSWER_ERROR] = str(error)
    st.rerun([_QUESTION_FRAGMENT, _STATUS_FRAGMENT])


def _answer_k(store: ClassStore, code: str, token: str, question_id: int, key: str) -> None:
    choice = st.session_state.get(key)
    if choice is not None:
        _answer(store, code, token, question_id, choice=int(choice))


def student_page(store: ClassStore, code: str, token: str) -> None:
    """Draw a student's screen: the question, one-tap answers, the reveal and their result."""
    student = store.student(code, token)
    if student is None:
        st.title("Class mode")
        st.warning(
            "This class has ended, or this link is not one of its students'. Join again with "
            "the code on the board.",
            icon=":material/logout:",
        )
        join_form(store, code if store.room(code) else "")
        return
    remember_student(code, token)
    st.text(f"Class {code} · you are {student.shown_name}")  # a nickname: plain text
    current = store.current(code)
    question = None if current is None else current[1]
    seen = _signature(current)
    watchdog(seen)
    if question is None:
        st.info("You are in. Waiting for the first question…", icon=":material/hourglass_top:")
        _student_status(store, code, token, seen)
        return
    _student_question(store, code, token)
    _student_status(store, code, token, seen)
    if question.state == "revealed":
        _student_reveal(question, store.my_answer(code, token, question.id))


@st.fragment(run_every=STUDENT_POLL, key=_STATUS_FRAGMENT)
def _student_status(store: ClassStore, code: str, token: str, seen) -> None:
    """Follow the room, and say what the student's answer is, again at every check.

    The whole screen is drawn again when the question or its state changed (since ``seen``).
    Drawn at every check, the answer's status comes back on its own when the tap's own drawing
    was lost on its way: when a rerun request (this check's timer) reaches Streamlit just as
    the tap's run ends, that run's output is dropped (its ScriptRunner is replaced before its
    messages are sent; the load benchmark lost about 1 tap's drawing in 50 that way, with the
    answer stored). "Saved" always reaches the phone.
    """
    view = store.student_view(code, token)  # one query, every check
    if view is None or _signature((None, view[0])) != seen:
        st.rerun()  # a new question, a new state, or the class ended: the whole screen
    question, mine = view
    if question is not None:
        _answer_status(question, mine)
    heartbeat(seen)


@st.fragment(key=_QUESTION_FRAGMENT)
def _student_question(store: ClassStore, code: str, token: str) -> None:
    """Draw the question and the answer buttons; a tap reruns this part and the status."""
    current = store.current(code)
    if current is None or current[1] is None:
        st.rerun()  # the class ended meanwhile: the whole screen says so
    _, question = current
    mine = store.my_answer(code, token, question.id)
    revealed = question.state == "revealed"
    is_open = question.state == "open"
    st.markdown(f"**Question {question.number}.** {prompt(question)}")
    error = st.session_state.pop(_ANSWER_ERROR, None)
    if error:
        st.warning(error, icon=":material/block:")
    spec = question.spec
    if question.kind == "class":
        fig = question_figure(question, revealed=revealed, height=340)
        if revealed:  # on a phone the legend would take half the plot; the text below says it
            fig.update_layout(showlegend=False, margin_t=20)
        st.plotly_chart(fig, key="class_plot", theme=None, config={"staticPlot": True})
        winner = int(_trace(spec).winner_code) if revealed else -1
        for choice, name in enumerate(spec["names"]):
            st.button(
                quiz.class_choice_label(
                    choice,
                    views.literal(name),
                    picked=revealed and mine is not None and mine.choice == choice,
                    answer=choice == winner,
                ),
                key=f"class_choice_{question.id}_{choice}",
                on_click=_answer,
                args=(store, code, token, question.id),
                kwargs={"choice": choice},
                disabled=not is_open,
                type="primary" if mine is not None and mine.choice == choice else "secondary",
                width="stretch",
            )
    elif question.kind == "k":
        fig = question_figure(question, revealed=False, height=300)
        st.plotly_chart(fig, key="class_plot", theme=None, config={"staticPlot": True})
        key = f"class_k_{question.id}"
        if mine is not None and key not in st.session_state:
            st.session_state[key] = mine.choice
        st.pills(
            "Your k",
            list(range(1, spec["k_max"] + 1)),
            key=key,
            on_change=_answer_k,
            args=(store, code, token, question.id, key),
            disabled=not is_open,
        )
    else:
        fig = question_figure(question, revealed=revealed, height=330)
        if mine is not None:
            fig.add_trace(spots_trace(question, [mine], revealed=revealed))
        knn_canvas(
            fig,
            key=f"class_click_{question.id}",
            height=330,
            on_click=functools.partial(_answer_spot, store, code, token, question.id)
            if is_open
            else None,
            click_hint="tap to answer here" if is_open else "answers are closed",
        )


def _answer_spot(store, code, token, question_id, x, y) -> None:
    _answer(store, code, token, question_id, x=float(x), y=float(y))


def _answer_status(question: Question, mine: Answer | None) -> None:
    """Say what the student's answer is: saved, closed, right or not."""
    if question.state == "open":
        if mine is None:
            st.info("Tap your answer.", icon=":material/touch_app:")
        else:
            st.success(
                f"Saved: {views.literal(answer_text(question, mine))}. You can change it until "
                "the teacher closes answers.",
                icon=":material/check:",
            )
        return
    if question.state == "closed":
        given = "no answer" if mine is None else views.literal(answer_text(question, mine))
        st.info(
            f"Answers are closed (yours: {given}). Waiting for the reveal…",
            icon=":material/hourglass_top:",
        )
        return
    if mine is None:
        st.info("You did not answer this one.", icon=":material/info:")
    elif is_right(question, mine):
        st.success(
            f"Right! Your answer: {views.literal(answer_text(question, mine))}.",
            icon=":material/check_circle:",
        )
    else:
        st.error(
            f"Not this time. Your answer: {views.literal(answer_text(question, mine))}.",
            icon=":material/cancel:",
        )


def _student_reveal(question: Question, mine: Answer | None) -> None:
    """After the reveal: what KNN does here, the vote or the accuracy of every k."""
    st.text(reveal_text(question, mine))  # class names: plain text
    if question.kind == "class":
        spec = question.spec
        views.vote_panel(_trace(spec), spec["names"], weighted=spec["weights"] == "distance")
    elif question.kind == "k":
        st.plotly_chart(
            answers_figure(question, [] if mine is None else [mine], revealed=True, height=300),
            key="class_k_reveal",
            theme=None,
            config={"staticPlot": True},
        )


# --------------------------------------------------------------------------------------------
# The teacher
# --------------------------------------------------------------------------------------------
TEACHER_CSS = """
<style>
  .stMainBlockContainer { padding-top: 1.25rem; }
  .knn-qr { width: 110px; height: 110px; display: block; }
  .knn-qr-caption { font-size: 0.9rem; color: #4b4f57; }
  .knn-join { display: flex; align-items: center; gap: 2rem; font-size: 1.5rem;
    line-height: 1.25; }
  .knn-join .knn-code { font-size: 3.6rem; font-weight: 700; letter-spacing: 0.3rem;
    font-family: "Source Code Pro", monospace; color: #0e1117; }
  .stApp [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
    font-size: 2.6rem; }
  .stApp [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {
    font-size: 1.2rem; }
  .stApp [data-testid="stMarkdownContainer"] p, .stApp [data-testid="stText"] {
    font-size: 1.2rem; }
</style>
"""


def _teacher_do(
    store: ClassStore, code: str, key: str, action: str, kind: str = "", seen: int | None = None
) -> None:
    """Button callback of every teacher action; the store checks the key each time.

    ``seen`` is the id of the question on the screen when the button was drawn: a new
    question replaces that one only, so a click handled twice (Streamlit can start a second
    run of the script while the first still runs its callbacks) asks one question, not two.
    """
    try:
        if action == "ask":
            store.ask(code, key, kind, st.session_state["class_view_spec"][kind], replacing=seen)
        elif action == "next":
            _, question = store.current(code)
            if question is not None and question.id == seen:
                store.ask(code, key, "class", next_spec(question), replacing=seen)
        elif action == "end":
            store.end_room(code, key)
        else:
            store.set_state(code, key, action)
    except ClassError as error:
        st.session_state[_TEACHER_MESSAGE] = str(error)


def _utc(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat(timespec="seconds")


def export_csv(store: ClassStore, code: str, key: str) -> str:
    """All responses of the room as CSV text (one row per student and question).

    A nickname the teacher hid is "Student" and a number here too, as on every screen.
    """
    rows = []
    for row in store.export_rows(code, key):
        shown = Student(0, row["student"], row["nickname"], row["hidden"]).shown_name
        question = Question(0, row["question"], row["kind"], row["spec"], "revealed")
        given = Answer(0, row["choice"], row["x"], row["y"], row["answered_at"])
        spec = row["spec"]
        rows.append(
            [
                row["question"],
                KIND_LABELS[row["kind"]],
                spec["data"][0],
                spec["k"],
                spec["metric"],
                spec["weights"],
                *spec["query"],
                row["student"],
                shown,
                "yes" if row["hidden"] else "no",
                answer_text(question, given),
                "yes" if is_right(question, given) else "no",
                _utc(row["first_answered_at"]),
                _utc(row["answered_at"]),
                row["changes"],
            ]
        )
    header = [
        "question", "kind", "data set", "k", "metric", "weights", "query x1", "query x2",
        "student", "nickname", "nickname hidden", "answer", "right",
        "first answered at (UTC)", "answered at (UTC)", "changes",
    ]  # fmt: skip
    return csv_text(header, rows)


def teacher_page(store: ClassStore, code: str, key: str) -> None:
    """Draw the teacher's dashboard: join code, QR code, the question, the class's answers."""
    try:
        room = store.check_teacher(code, key)
    except ClassError as error:
        st.title("Class mode")
        st.warning(str(error), icon=":material/lock:")
        try:
            data = export_csv(store, code, key)
        except ClassError:
            return
        st.download_button(
            "Download all responses (CSV)", data, file_name=f"class-{code}.csv", mime="text/csv"
        )
        return
    st.html(TEACHER_CSS)  # a fixed style sheet, never user text
    _teacher_sidebar(store, code, key, room.current_question)
    join_url = f"{page_url()}?room={code}"
    text_col, qr_col = st.columns([6, 1], vertical_alignment="center")
    where, code_html = html.escape(page_url()), html.escape(code)
    text_col.html(
        f'<div class="knn-join"><div>Join at <b>{where}</b><br>with the code</div>'
        f'<div class="knn-code" role="text" aria-label="join code {code_html}">{code_html}</div>'
        "</div>"
    )
    qr_col.html(
        qr_image(join_url, f"QR code of the join link {join_url}")
        + '<div class="knn-qr-caption">Scan to join</div>'
    )
    _dashboard_page(store, code, key)
    _students_panel(store, code, key)


def _teacher_sidebar(store: ClassStore, code: str, key: str, seen: int | None) -> None:
    data = state.data_controls()
    view = state.model_controls(data.n)
    k, metric, p, weights = view.k, view.metric, view.p, view.weights
    data_key = data.data_key
    _, _, bounds = cache.dataset(*data_key)
    st.sidebar.header("Ask the class")
    st.sidebar.caption("The question uses the data and model above and this query point.")
    query = state.query_controls(st.sidebar, bounds)
    st.session_state["class_view_spec"] = {
        kind: view_spec(kind, data_key, k, metric, p, weights, query) for kind in KIND_LABELS
    }
    for kind, label in KIND_LABELS.items():
        st.sidebar.button(
            label,
            key=f"class_ask_{kind}",
            on_click=_teacher_do,
            args=(store, code, key, "ask", kind, seen),
            width="stretch",
        )
    st.sidebar.download_button(
        "Download all responses (CSV)",
        functools.partial(export_csv, store, code, key),
        file_name=f"class-{code}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    with st.sidebar.popover("Teacher link (private)", icon=":material/key:", width="stretch"):
        st.caption("This link controls the class: keep it to come back, never show it to students.")
        st.code(f"{page_url()}?room={code}&teacher={key}", language=None, wrap_lines=True)
    with st.sidebar.popover("End the class", icon=":material/stop_circle:", width="stretch"):
        st.caption("Students can no longer answer; the responses stay downloadable.")
        st.button(
            "End the class now",
            on_click=_teacher_do,
            args=(store, code, key, "end"),
            type="primary",
        )


def _dashboard_page(store: ClassStore, code: str, key: str) -> None:
    """Draw the question; its "predict the class" picture only changes with the question.

    That picture is drawn here, once per question state; everything that follows the
    answers is drawn by :func:`_dashboard`, every second.
    """
    current = store.current(code)
    seen = _signature(current)
    watchdog(seen)
    question = None if current is None else current[1]
    if question is None or question.kind != "class":
        _dashboard(store, code, key, seen)
        return
    plot_col, side_col = st.columns([3, 2], gap="medium")
    with plot_col:
        fig = question_figure(question, revealed=question.state == "revealed", height=480)
        st.plotly_chart(fig, key="class_teacher_plot", theme=None, config={"staticPlot": True})
    with side_col:
        _dashboard(store, code, key, seen)


@st.fragment(run_every=TEACHER_POLL)
def _dashboard(store: ClassStore, code: str, key: str, seen) -> None:
    """Draw the live part, again every second from the database, without pressing anything.

    When the question or its state changed since the page drew it, the whole page is drawn
    again.
    """
    message = st.session_state.pop(_TEACHER_MESSAGE, None)
    if message:
        st.warning(message, icon=":material/block:")
    current = store.current(code)
    if current is None or _signature(current) != seen:
        st.rerun()  # a new question, a new state, or the class ended: the whole page
    _, question = current
    if question is None:
        st.metric("Joined", len(store.students(code, key)))
        st.info(
            "Ask the first question from the sidebar: set up the data, k and the query point, "
            "then press a kind of question.",
            icon=":material/arrow_back:",
        )
        _joined_names(store, code, key)
        heartbeat(seen)
        return
    joined, given = store.answers(code, key, question.id)
    revealed = question.state == "revealed"
    if question.kind == "class":  # the picture is drawn by _dashboard_page, beside this
        side_col = st.container()
    else:
        plot_col, side_col = st.columns([3, 2], gap="medium")
        with plot_col:
            if question.kind == "k":  # the picks (and the accuracy curve) are the picture
                fig = answers_figure(question, given, revealed=revealed, height=480)
            else:
                fig = question_figure(question, revealed=revealed, height=480)
                if given:
                    fig.add_trace(spots_trace(question, given, revealed=revealed))
            st.plotly_chart(fig, key="class_teacher_plot", theme=None, config={"staticPlot": True})
    with side_col:
        # For the room first (the question, the counts, the reveal, the answers), then the
        # teacher's buttons: at 1280 x 720 all of it fits on the screen.
        st.markdown(f"**Question {question.number}.** {prompt(question)}")
        first_col, second_col = st.columns(2)
        if revealed:
            right = sum(is_right(question, a) for a in given)
            first_col.metric("Answered", f"{len(given)} of {joined}")
            second_col.metric("Right", f"{right} of {len(given)}")
            st.text(reveal_text(question, None))  # class names: plain text
        else:
            first_col.metric("Joined", joined)
            second_col.metric("Answered", f"{len(given)} of {joined}")
        if question.kind == "class":
            st.plotly_chart(
                answers_figure(question, given, revealed=revealed, height=190),
                key="class_answers",
                theme=None,
                config={"staticPlot": True},
            )
        buttons = st.container(horizontal=True)
        if question.state == "open":
            buttons.button(
                "Close answers",
                icon=":material/lock:",
                on_click=_teacher_do,
                args=(store, code, key, "closed"),
            )
        elif not revealed:
            buttons.button(
                "Reopen",
                icon=":material/lock_open:",
                on_click=_teacher_do,
                args=(store, code, key, "open"),
            )
        if not revealed:  # once revealed, the one step left is the next question
            buttons.button(
                "Reveal",
                icon=":material/visibility:",
                on_click=_teacher_do,
                args=(store, code, key, "revealed"),
                type="primary",
            )
        buttons.button(
            "Next question",
            icon=":material/arrow_forward:",
            on_click=_teacher_do,
            args=(store, code, key, "next", "", question.id),
            help="A new 'predict the class' question at another spot on the same data.",
        )
    _joined_names(store, code, key)
    heartbeat(seen)


def _joined_names(store: ClassStore, code: str, key: str) -> None:
    names = [s.shown_name for s in store.students(code, key)]
    if names:
        st.text("Joined: " + ", ".join(names))  # nicknames: plain text


#: Widget key of the teacher's students table.
_STUDENTS_TABLE = "class_students"


def _store_hide_ticks(store: ClassStore, code: str, key: str, shown: tuple) -> None:
    """Store the "Hide" ticks of the students table, whose rows were ``shown``.

    ``shown`` holds each row's student number and flag as the teacher saw them. A callback,
    so it runs before the page is drawn again: by then more students may have joined, and
    the table drawn with more rows is a new widget (Streamlit ties an editor's identity to
    its row count), which would have dropped the tick.
    """
    edits = (st.session_state.get(_STUDENTS_TABLE) or {}).get("edited_rows", {})
    changed = {}
    for row, columns in edits.items():
        if "Hide" in columns and 0 <= int(row) < len(shown):
            number, before = shown[int(row)]
            if bool(columns["Hide"]) != before:
                changed[number] = bool(columns["Hide"])
    if changed:
        store.hide_names(code, key, changed)


def _students_panel(store: ClassStore, code: str, key: str) -> None:
    with st.expander("Students and nicknames"):
        listed = store.students(code, key)
        if not listed:
            st.caption("Nobody has joined yet.")
            return
        table = {
            "Student": [s.number for s in listed],
            "Nickname": [s.nickname for s in listed],
            "Hide": [s.hidden for s in listed],
        }
        st.data_editor(
            table,
            key=_STUDENTS_TABLE,
            disabled=["Student", "Nickname"],
            hide_index=True,
            width="stretch",
            on_change=_store_hide_ticks,
            args=(store, code, key, tuple((s.number, s.hidden) for s in listed)),
        )
        st.caption("A hidden nickname is shown as 'Student' and a number everywhere.")
