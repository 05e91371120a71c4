"""The Quiz page's Streamlit side: the question, its two figures and the quiz's session state.

Questions
    :func:`quiz_question` asks :func:`knn_core.lessons.quiz.quiz_query` for a query spot,
    cached and reproducible from the data set's seed and the question number.
Figures
    :func:`quiz_figure` (the points and a neutral query marker, nothing that gives the answer
    away) and :func:`revealed_figure` (the Playground picture, the same size). No maths: every
    number drawn comes from ``knn_core``.
Quiz state
    The pick, the reveal and the running score, kept in session state.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

import plotly.graph_objects as go
import streamlit as st

from knn_core.lessons.quiz import quiz_query
from knn_ui import cache, figures
from knn_ui.style import shape_of


def class_choice_label(code: int, name: str, *, picked=False, answer=False) -> str:
    """Return the quiz button label of a class: glyph, name and shape.

    After the reveal, the label also says which class the student picked and which one KNN
    predicts, so the pick stays visible beside the answer.

    Examples
    --------
    >>> class_choice_label(0, "red")
    '● red (circles)'
    >>> class_choice_label(1, "blue", picked=True, answer=True)
    '■ blue (squares) · you picked this · KNN predicts this'
    """
    description, glyph = shape_of(code)
    notes = (" · you picked this" if picked else "") + (" · KNN predicts this" if answer else "")
    return f"{glyph} {name} ({description}){notes}"


#: Height of the quiz plot in pixels (the same before and after the reveal).
QUIZ_HEIGHT = 560
#: Top margin of both quiz figures, room for a three-row legend, so the plot keeps its size
#: when the answer is revealed.
QUIZ_TOP_MARGIN = 110


def quiz_figure(X, codes, names: Sequence[str], query, *, x_range, y_range) -> go.Figure:
    """Return the training points and an uncoloured query star with a question mark.

    Nothing that gives the answer away: no regions, no neighbours, no prediction colour.
    """
    fig = figures.playground_figure(X, codes, names, x_range=x_range, y_range=y_range)
    fig.update_layout(margin_t=QUIZ_TOP_MARGIN)
    fig.add_trace(
        go.Scatter(
            x=[query[0]],
            y=[query[1]],
            mode="markers+text",
            text=["?"],
            textposition="top center",
            textfont=dict(size=22, color="black"),
            marker=dict(symbol="star", size=26, color="white", line=dict(color="black", width=2)),
            name="query: which class?",
            hoverinfo="skip",
        )
    )
    return fig


def revealed_figure(
    X,
    codes,
    names: Sequence[str],
    *,
    x_range,
    y_range,
    neighbourhood: figures.Neighbourhood,
    regions: figures.Regions,
) -> go.Figure:
    """Return the Playground picture of a revealed quiz question, the same size as before."""
    fig = figures.playground_figure(
        X,
        codes,
        names,
        x_range=x_range,
        y_range=y_range,
        neighbourhood=neighbourhood,
        regions=regions,
    )
    fig.update_layout(margin_t=QUIZ_TOP_MARGIN)
    return fig


# --------------------------------------------------------------------------------------------
# Quiz state
# --------------------------------------------------------------------------------------------

QUIZ_PICK = "quiz_pick"  # (question key, class code) of the current pick
QUIZ_REVEALED = "quiz_revealed"  # question key of the question revealed last
QUIZ_SCORE = "quiz_score"  # (right, answered) this session
QUESTION = "question"  # question number (a row of the parameter table)


@st.cache_data(max_entries=256, show_spinner=False)
def quiz_question(data_key: tuple, k: int, metric: str, p: float, weights: str, question: int):
    """Return the quiz question number ``question`` on a built-in data set.

    The query comes from :func:`knn_core.lessons.quiz.quiz_query` seeded with ``(data seed,
    question)``, so the same link always asks the same question.
    """
    _, _, bounds = cache.dataset(*data_key)
    fitted = cache.model(data_key, k, metric, p, weights)
    seed = int(data_key[3])
    return quiz_query(fitted, bounds, seed=(seed, int(question)))


def quiz_pick(state: MutableMapping, question_key: tuple, code: int) -> None:
    """Record the class a student expects for the current question (until it is revealed)."""
    if state.get(QUIZ_REVEALED) == question_key:
        return
    state[QUIZ_PICK] = (question_key, int(code))


def picked(state: MutableMapping, question_key: tuple) -> int | None:
    """Return the class picked for this question, or None."""
    pick = state.get(QUIZ_PICK)
    if pick is None or pick[0] != question_key:
        return None
    return pick[1]


def revealed(state: MutableMapping, question_key: tuple) -> bool:
    """Return whether this question has been revealed."""
    return state.get(QUIZ_REVEALED) == question_key


def quiz_reveal(state: MutableMapping, question_key: tuple, answer_code: int) -> None:
    """Reveal the question and count it in the score, once, if a class was picked."""
    choice = picked(state, question_key)
    if choice is None or revealed(state, question_key):
        return
    right, answered = state.get(QUIZ_SCORE, (0, 0))
    state[QUIZ_SCORE] = (right + int(choice == int(answer_code)), answered + 1)
    state[QUIZ_REVEALED] = question_key


def score(state: MutableMapping) -> tuple[int, int]:
    """Return ``(right, answered)`` for this session."""
    return state.get(QUIZ_SCORE, (0, 0))


def reset_score() -> None:
    """``on_click`` callback: start the score again."""
    st.session_state[QUIZ_SCORE] = (0, 0)
