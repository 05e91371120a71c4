"""The tutorial code Step by step shows is real code: run as shown, it gives the app's answers.

Both listings (tutorial 1's ``knn()`` with its two modes, tutorial 2's ``KNN`` class) are
executed from the very lines the page displays and compared with ``knn_core``; every stage's
arrow points at the line its note quotes.
"""

import re

import numpy as np
import pytest
import scipy.stats

from knn_core.datasets import make_dataset
from knn_core.lessons.step_by_step import algorithm_stages
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier, KNNRegressor
from knn_ui import step_by_step as sbs


def shown(key):
    namespace = {"np": np, "scipy": scipy}
    exec("\n".join(sbs.TUTORIALS[key][1]), namespace)  # the listing exactly as displayed
    return namespace


@pytest.fixture(scope="module")
def blobs():
    return make_dataset("blobs", 50, 0.3, 0)


@pytest.mark.parametrize("k", [1, 3, 4, 7])
@pytest.mark.parametrize("query", [(2.72, 3.41), (0.5, 1.0), (4.0, 4.4)])
def test_the_function_as_shown_predicts_what_the_app_predicts_in_both_modes(blobs, k, query):
    X, y = blobs
    knn = shown("function")["knn"]
    q = np.array(query)
    assert knn(q, X, y, k=k, mode="c") == KNNClassifier(k).fit(X, y).predict([q])[0]
    values = np.sin(X[:, 0])  # any numbers: regression
    assert knn(q, X, values, k=k, mode="r") == pytest.approx(
        KNNRegressor(k).fit(X, values).predict([q])[0]
    )


@pytest.mark.parametrize("k", [1, 3, 4])
def test_the_class_as_shown_finds_the_traced_neighbours_and_their_mean(blobs, k):
    X, y = blobs
    KNN = shown("class")["KNN"]
    model = KNN(num_neighbors=k).fit(X, y)
    for query in [(2.72, 3.41), (0.5, 1.0), (4.0, 4.4)]:
        trace = trace_query(KNNClassifier(k).fit(X, y), query)
        neighbours = model.get_neighbors(np.array(query))
        assert [i for i, _ in neighbours] == trace.kept.tolist()
        np.testing.assert_allclose([d for _, d in neighbours], trace.distances[trace.kept])
        assert model.predict([np.array(query)])[0] == pytest.approx(trace.kept_codes.mean())


@pytest.mark.parametrize("key", list(sbs.TUTORIALS))
@pytest.mark.parametrize("tied", [False, True])
def test_every_stage_points_at_the_line_its_note_quotes(key, tied):
    _, lines, stage_lines = sbs.TUTORIALS[key]
    for stage in algorithm_stages(tied):
        code = sbs.code_text(stage, key).splitlines()
        marked = [line for line in code if line.startswith("→")]
        assert len(marked) == 1
        line, note = stage_lines[stage]
        assert marked[0][2:] == lines[line]
        quoted = re.findall(r"`([^`]+)`", note)[0]
        assert quoted.split("(")[0].strip("[: ") in lines[line], (stage, quoted, lines[line])
        assert sbs.code_note(stage, key).startswith(f"→ line {line + 1}:")


def test_the_function_listing_shows_both_modes():
    text = "\n".join(sbs.FUNCTION_LINES)
    assert 'if mode == "c":' in text and 'if mode == "r":' in text
    assert "return np.mean(values)" in text


@pytest.mark.parametrize("stage", algorithm_stages(True))
def test_the_class_variables_follow_the_stages(blobs, stage):
    X, y = blobs
    trace = trace_query(KNNClassifier(4).fit(X, y), (2.72, 3.41), class_names=["red", "blue"])
    text = sbs.variables_text(trace, stage, ["red", "blue"], "class")
    done = list(sbs.TUTORIALS["class"][2]).index(stage)
    assert text.startswith("example = array([2.72, 3.41])\nself.num_neighbors = 4")
    assert ("neighbors = ?" in text) == (done < 2)
    assert ("labels = ?" in text) == (done < 3)
    if stage in ("tie", "predict"):
        assert f"np.mean(labels) = {trace.kept_codes.mean():.3f}" in text
