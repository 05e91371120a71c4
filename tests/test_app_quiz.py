"""The Quiz page: nothing is given away before the reveal, the score counts, questions change."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset
from knn_core.geometry import plot_bounds
from knn_core.lessons.quiz import quiz_query
from knn_core.models import KNNClassifier
from tests.canvas_data import sent
from tests.neighbour_rows import app_prediction, app_rows

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 30
NAMES = ["red", "blue", "green"]


def open_quiz(params=None):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/quiz.py")
    if params:
        at.query_params.update(params)  # a link straight to the quiz page
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def quiz():
    return open_quiz()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def class_buttons(at):
    return [b for b in at.button if (b.key or "").startswith("quiz_class_")]


def shown_query(at) -> tuple[float, float]:
    text = next(m.value for m in at.markdown if m.value.startswith("The query"))
    x, y = re.search(r"\((-?[\d.]+), (-?[\d.]+)\)", text).groups()
    return float(x), float(y)


def expected_answer(question=1, *, seed=0, k=3) -> tuple[tuple[float, float], int]:
    """The question and KNN's answer, computed here with knn_core alone (blobs, defaults)."""
    X, y = make_dataset("blobs", 50, 0.3, seed=seed)
    model = KNNClassifier(k).fit(X, y)
    query = quiz_query(model, plot_bounds(X), seed=(seed, question)).query
    return query, int(model.predict([query])[0])


def canvas(at) -> dict:
    """The quiz plot: the same canvas component as the other pages, and what it was sent."""
    assert not at.get("plotly_chart")  # no plain Plotly chart (with its zoom toolbar)
    return sent(at, "quiz_canvas")


def trace_names(at) -> list[str]:
    return [t.get("name", "") for t in canvas(at)["figure"]["data"]]


def score(at) -> str:
    return next(m.value for m in at.metric if m.label == "Score this session")


def test_renders_with_one_button_per_class_and_nothing_given_away(quiz):
    assert quiz.title[0].value == "Quiz"
    assert [b.label for b in class_buttons(quiz)] == ["● red (circles)", "■ blue (squares)"]
    assert button(quiz, "Reveal").disabled
    assert score(quiz) == "0 of 0"
    # Before the reveal: points and the query only; no regions, rings or prediction.
    names = trace_names(quiz)
    assert names == ["red", "blue", "query: which class?"]
    assert app_prediction(quiz) is None
    assert not quiz.dataframe
    with pytest.raises(LookupError, match="found 0"):
        app_rows(quiz)  # no neighbour table either


def test_the_question_is_the_one_knn_core_picks(quiz):
    query, _ = expected_answer()
    assert shown_query(quiz) == pytest.approx(query, abs=0.005)


def test_three_classes_give_three_buttons():
    at = open_quiz({"data": "Spiral", "classes": "3", "n": "150"})
    labels = [b.label for b in class_buttons(at)]
    assert labels == ["● red (circles)", "■ blue (squares)", "◆ green (diamonds)"]


def test_right_then_wrong_answers_update_the_score(quiz):
    _, answer = expected_answer(1)
    quiz.button(key=f"quiz_class_{answer}").click().run()
    assert not button(quiz, "Reveal").disabled
    button(quiz, "Reveal").click().run()
    assert not quiz.exception
    assert quiz.success[0].value == (
        f"Right: you picked {NAMES[answer]}, and KNN predicts {NAMES[answer]}."
    )
    # The pick stays visible beside the answer on the (now disabled) buttons.
    assert quiz.button(key=f"quiz_class_{answer}").label.endswith(
        "· you picked this · KNN predicts this"
    )
    assert canvas(quiz)["preview"] is None  # no preview, before or after: nothing given away
    assert score(quiz) == "1 of 1"
    assert app_prediction(quiz) == NAMES[answer]
    # After the reveal: regions, neighbour rings and the coloured query are drawn.
    names = trace_names(quiz)
    assert "decision regions" in names
    assert any(name.startswith("3 nearest") for name in names)
    assert len(app_rows(quiz)) == 3  # the neighbour table, under "The 3 nearest points"
    assert all(b.disabled for b in class_buttons(quiz))

    # A rerun does not count the question again.
    quiz.run()
    assert score(quiz) == "1 of 1"

    button(quiz, "Next question").click().run()
    _, answer = expected_answer(2)
    wrong = 1 - answer
    quiz.button(key=f"quiz_class_{wrong}").click().run()
    button(quiz, "Reveal").click().run()
    assert quiz.error[0].value == (
        f"Not this time: you picked {NAMES[wrong]}, KNN predicts {NAMES[answer]}."
    )
    assert quiz.button(key=f"quiz_class_{wrong}").label.endswith("· you picked this")
    assert quiz.button(key=f"quiz_class_{answer}").label.endswith("· KNN predicts this")
    assert score(quiz) == "1 of 2"

    button(quiz, "Reset score").click().run()
    assert score(quiz) == "0 of 0"


def test_next_question_changes_the_query_and_clears_the_pick(quiz):
    first = shown_query(quiz)
    quiz.button(key="quiz_class_0").click().run()
    button(quiz, "Next question").click().run()
    assert not quiz.exception
    assert quiz.number_input(key="question").value == 2
    assert shown_query(quiz) != first
    assert shown_query(quiz) == pytest.approx(expected_answer(2)[0], abs=0.005)
    assert button(quiz, "Reveal").disabled  # the pick belonged to question 1
    assert trace_names(quiz)[-1] == "query: which class?"


def test_a_link_opens_the_same_question():
    at = open_quiz({"question": "4"})
    assert at.number_input(key="question").value == 4
    assert shown_query(at) == pytest.approx(expected_answer(4)[0], abs=0.005)


def test_changing_k_after_picking_asks_a_new_question(quiz):
    quiz.button(key="quiz_class_0").click().run()
    quiz.slider(key="k").set_value(5).run()
    assert not quiz.exception
    assert button(quiz, "Reveal").disabled
    assert shown_query(quiz) == pytest.approx(expected_answer(1, k=5)[0], abs=0.005)


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("metric", ["manhattan", "chebyshev"])
def test_other_metrics_and_weights_reveal_without_error(quiz, metric, weights):
    quiz.selectbox(key="metric").set_value(metric)
    quiz.radio(key="weights").set_value(weights).run()
    quiz.button(key="quiz_class_1").click().run()
    button(quiz, "Reveal").click().run()
    assert not quiz.exception
    assert score(quiz) == "0 of 1" or score(quiz) == "1 of 1"
