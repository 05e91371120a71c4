"""Quiz questions: reproducible, inside the plot, untied, and boundary questions are closer."""

import numpy as np
import pytest

from knn_core.datasets import make_dataset
from knn_core.geometry import plot_bounds
from knn_core.lessons.quiz import QuizQuestion, quiz_query
from knn_core.models import KNNClassifier


@pytest.fixture(scope="module")
def blobs():
    X, y = make_dataset("blobs", 60, 0.5, seed=1)
    return KNNClassifier(3).fit(X, y), plot_bounds(X)


def test_same_seed_same_question_and_other_seeds_differ(blobs):
    model, bounds = blobs
    first = quiz_query(model, bounds, seed=(1, 1))
    assert first == quiz_query(model, bounds, seed=(1, 1))
    others = {quiz_query(model, bounds, seed=(1, q)).query for q in range(2, 12)}
    assert first.query not in others
    assert len(others) == 10


def test_a_generator_is_accepted_and_advances(blobs):
    model, bounds = blobs
    rng = np.random.default_rng(5)
    a, b = quiz_query(model, bounds, rng), quiz_query(model, bounds, rng)
    assert a.query != b.query


def test_queries_are_inside_the_plot_and_rounded(blobs):
    model, bounds = blobs
    (x_lo, x_hi), (y_lo, y_hi) = bounds
    for q in range(40):
        question = quiz_query(model, bounds, seed=(0, q), decimals=2)
        x, y = question.query
        assert x_lo <= x <= x_hi and y_lo <= y <= y_hi
        assert round(x, 2) == x and round(y, 2) == y


@pytest.mark.parametrize("k", [2, 4])
def test_even_k_questions_avoid_tied_votes(k):
    X, y = make_dataset("blobs", 40, 0.8, seed=2)
    model = KNNClassifier(k).fit(X, y)
    bounds = plot_bounds(X)
    for q in range(30):
        question = quiz_query(model, bounds, seed=(2, q))
        assert not model.vote([question.query]).tied[0]
        assert question.margin > 0


def test_boundary_questions_have_closer_votes_than_data_questions(blobs):
    model, bounds = blobs
    boundary = [quiz_query(model, bounds, (3, q), boundary_share=1.0) for q in range(30)]
    data = [quiz_query(model, bounds, (3, q), boundary_share=0.0) for q in range(30)]
    assert {b.kind for b in boundary} == {"boundary"}
    assert {d.kind for d in data} == {"data"}
    assert np.mean([b.margin for b in boundary]) < np.mean([d.margin for d in data])
    # With k = 3 and two classes the closest untied vote is 2 : 1, a margin of 1/3.
    assert all(b.margin == pytest.approx(1 / 3) for b in boundary)


def test_margin_is_the_vote_lead(blobs):
    model, bounds = blobs
    question = quiz_query(model, bounds, seed=9)
    scores = np.sort(model.vote([question.query]).scores[0])
    assert question.margin == pytest.approx((scores[-1] - scores[-2]) / scores.sum())


def test_about_half_are_boundary_questions_by_default(blobs):
    model, bounds = blobs
    kinds = [quiz_query(model, bounds, (4, q), n_candidates=20).kind for q in range(200)]
    assert 70 < kinds.count("boundary") < 130


def test_every_spot_tied_still_returns_a_question():
    # Two points, k = 2, two classes: every vote is 1 : 1.
    model = KNNClassifier(2).fit([[0, 0], [1, 1]], ["a", "b"])
    question = quiz_query(model, ((-1, 2), (-1, 2)), seed=0)
    assert isinstance(question, QuizQuestion)
    assert question.margin == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"boundary_share": 1.5}, "boundary_share"),
        ({"boundary_share": True}, "boundary_share"),
        ({"n_candidates": 0}, "n_candidates"),
        ({"decimals": -1}, "decimals"),
    ],
)
def test_bad_parameters_are_named(blobs, kwargs, message):
    model, bounds = blobs
    with pytest.raises(ValueError, match=message):
        quiz_query(model, bounds, 0, **kwargs)


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ((0, 1, 2), "bounds"),
        ((0, 1), "x_range"),
        (((1, 0), (0, 1)), "x_range"),
        (((0, 1), (0, np.inf)), "y_range"),
    ],
)
def test_bad_bounds_are_named(blobs, bounds, message):
    model, _ = blobs
    with pytest.raises(ValueError, match=message):
        quiz_query(model, bounds, 0)


def test_model_with_other_than_two_features_is_rejected():
    model = KNNClassifier(1).fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="2 features"):
        quiz_query(model, ((0, 1), (0, 1)), 0)
