"""AppTest of the Step-by-step page: real script runs, real widgets, no browser.

The expected neighbours and accuracies are computed independently with scikit-learn on the
same data (tie-free float data), not copied from the page.
"""

from pathlib import Path

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset, train_test_split
from knn_core.lessons.step_by_step import STAGE_TITLES

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/step_by_step.py"
TIMEOUT = 30
STEPS_NO_TIE = ["distances", "sort", "keep", "count", "predict"]


def open_page(params=None):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app():
    return open_page()


def step_heading(at) -> str:
    return next(h.value for h in at.header if h.value.startswith("Step "))


def table(at):
    return at.dataframe[0].value


def code_blocks(at):
    """(code with the arrow, the variables) of the current step."""
    blocks = [c.value for c in at.code if "def knn(" in c.value or "new = array" in c.value]
    assert len(blocks) == 2, blocks
    return blocks[0], blocks[1]


def arrow_line(at) -> str:
    code, _ = code_blocks(at)
    lines = [line for line in code.splitlines() if line.startswith("→")]
    assert len(lines) == 1, code
    return lines[0]


def blobs():
    return make_dataset("blobs", 50, 0.3, 0)


def set_query(at, x, y):
    at.number_input(key="qx").set_value(x)
    at.number_input(key="qy").set_value(y).run()
    assert not at.exception, at.exception


def test_page_renders_at_step_one(app):
    assert app.title[0].value == "Step by step"
    assert any("Learning goal" in m.value for m in app.markdown)
    assert step_heading(app) == f"Step 1 of 5: {STAGE_TITLES['distances']}"
    rows = table(app)
    assert list(rows["point #"]) == list(range(50))  # every point, in training order
    assert app.button(key="sbs_prev").disabled
    assert "distances = np.sum" in arrow_line(app)


def test_next_walks_every_step_and_previous_walks_back(app):
    seen = [step_heading(app)]
    for _ in range(4):
        app.button(key="sbs_next").click().run()
        assert not app.exception
        seen.append(step_heading(app))
    expected = [f"Step {i + 1} of 5: {STAGE_TITLES[s]}" for i, s in enumerate(STEPS_NO_TIE)]
    assert seen == expected
    assert app.button(key="sbs_next").disabled
    # The final step shows the prediction, and the tutorial's result variable is filled in.
    assert any(s.value.startswith("Prediction: ") for s in app.success)
    _, variables = code_blocks(app)
    assert "result = ?" not in variables
    assert "scipy.stats.mode" in arrow_line(app)
    back = []
    for _ in range(4):
        app.button(key="sbs_prev").click().run()
        back.append(step_heading(app))
    assert back == expected[-2::-1]
    assert app.button(key="sbs_prev").disabled
    _, variables = code_blocks(app)
    assert "k_closest = ?" in variables


def test_table_and_plot_follow_one_trace(app):
    X, _ = blobs()
    query = np.array([[app.number_input(key="qx").value, app.number_input(key="qy").value]])
    dist, ind = NearestNeighbors(n_neighbors=50).fit(X).kneighbors(query)

    app.slider(key="step").set_value(2).run()  # sort
    rows = table(app)
    assert list(rows["rank"]) == list(range(1, 51))
    assert list(rows["point #"]) == ind[0].tolist()
    np.testing.assert_allclose(rows["distance"], dist[0])
    np.testing.assert_allclose(rows["squared (tutorial)"], dist[0] ** 2)

    app.slider(key="step").set_value(3).run()  # keep
    rows = table(app)
    assert list(rows["kept"]) == [True] * 3 + [False] * 47

    app.slider(key="step").set_value(4).run()  # count: only the voters
    rows = table(app)
    assert list(rows["point #"]) == ind[0, :3].tolist()
    assert "np.take" in arrow_line(app)
    _, variables = code_blocks(app)
    assert f"k_closest = array([{', '.join(str(i) for i in ind[0, :3])}])" in variables


def test_k_changes_the_voters(app):
    app.slider(key="k").set_value(7).run()
    app.slider(key="step").set_value(4).run()
    assert not app.exception
    assert len(table(app)) == 7
    _, variables = code_blocks(app)
    assert "k = 7" in variables


@pytest.mark.parametrize(("x", "y", "name"), [(1.0, 1.0, "red"), (5.0, 5.0, "blue")])
def test_query_inputs_change_the_prediction(app, x, y, name):
    set_query(app, x, y)
    app.slider(key="step").set_value(5).run()
    assert [s.value for s in app.success][0] == f"Prediction: {name}"
    assert "Step 5 of 5: Predict" == step_heading(app)


def find_tie(at):
    """Move the query along the diagonal until the k = 2 vote ties; return True if found."""
    for t in np.linspace(1.5, 4.5, 31):
        set_query(at, float(t), float(t))
        if at.slider(key="step").max == 6:
            return True
    return False


def test_a_tie_gets_its_own_step():
    at = open_page({"k": "2"})
    assert find_tie(at), "no tie found along the diagonal with k = 2"
    at.slider(key="step").set_value(5).run()
    assert step_heading(at) == f"Step 5 of 6: {STAGE_TITLES['tie']}"
    text = " ".join(m.value for m in at.markdown)
    assert "so the vote is tied" in text
    assert "smallest label" in text or "comes first" in text
    at.button(key="sbs_next").click().run()
    assert step_heading(at) == "Step 6 of 6: Predict"
    assert any(s.value.startswith("Prediction: ") for s in at.success)


def test_a_tie_appearing_keeps_the_predict_step():
    at = open_page({"k": "2", "qx": "1.0", "qy": "1.0", "step": "5"})
    assert step_heading(at) == "Step 5 of 5: Predict"
    assert find_tie(at)
    assert step_heading(at) == "Step 6 of 6: Predict"  # still the prediction, not the tie
    set_query(at, 1.0, 1.0)  # deep in the red blob: the tie step goes away again
    assert step_heading(at) == "Step 5 of 5: Predict"


def test_link_opens_at_its_step():
    at = open_page({"step": "3", "k": "5"})
    assert step_heading(at) == f"Step 3 of 5: {STAGE_TITLES['keep']}"
    assert sum(table(at)["kept"]) == 5


def test_other_data_sets_render(app):
    for name in ("moons", "spiral", "uniform"):
        app.selectbox(key="data").set_value(name).run()
        assert not app.exception, name
        app.slider(key="step").set_value(4).run()
        assert not app.exception, name


def test_stepping_through_the_toy_data_reaches_the_end():
    at = open_page({"k": "5", "data": "Moons", "noise": "0.7"})
    X, y = make_dataset("moons", 50, 0.7, 0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
    ref = KNeighborsClassifier(5).fit(X_train, y_train)
    right = ref.predict(X_test) == y_test

    assert at.slider(key="tp").value == 1
    clicks = 0
    while not at.button(key="sbs_next_point").disabled:
        at.button(key="sbs_next_point").click().run()
        assert not at.exception
        clicks += 1
        i = at.slider(key="tp").value
        verdict = "right" if right[i - 1] else "wrong"
        shown = [s.value for s in at.success] + [e.value for e in at.error]
        assert any(v.endswith(f": {verdict}.") for v in shown), shown
        assert at.metric[0].value == f"{right[:i].mean():.0%}"
    assert clicks == len(X_test) - 1
    final = next(s.value for s in at.success if s.value.startswith("Done:"))
    assert f"Final accuracy {right.mean():.0%}" in final
    assert f"({right.sum()} of {len(X_test)} right)" in final

    at.button(key="sbs_restart").click().run()
    assert at.slider(key="tp").value == 1
    assert not any(s.value.startswith("Done:") for s in at.success)


def class_blocks(at):
    """(the class listing with the arrow, its variables) of the current step."""
    blocks = [c.value for c in at.code if "class KNN:" in c.value or "example = array" in c.value]
    assert len(blocks) == 2, blocks
    return blocks


def test_the_walk_follows_tutorial_twos_class_with_live_variables():
    at = open_page({"qx": "2.72", "qy": "3.41", "tutorial": "KNN class"})  # from a link
    assert at.button_group(key="tutorial").value == "class"  # the table's name of "KNN class"
    X, y = blobs()
    d, order = NearestNeighbors(n_neighbors=3).fit(X).kneighbors([[2.72, 3.41]])
    nearest = order[0].tolist()
    marked = []
    for step in range(5):
        code, variables = class_blocks(at)
        marked.append(next(line for line in code.splitlines() if line.startswith("→")))
        assert variables.startswith("example = array([2.72, 3.41])\nself.num_neighbors = 3")
        if step >= 2:
            assert f"neighbors = [({nearest[0]}, {d[0][0]:.2f})" in variables
        if step == 4:
            labels = y[nearest].tolist()
            assert f"labels = {labels}" in variables
            assert f"np.mean(labels) = {np.mean(labels):.3f}" in variables
        else:
            at.button(key="sbs_next").click().run()
    assert [line.split("→")[1].strip() for line in marked] == [
        "distances.append((i, self.get_distance(example, x)))",
        "distances.sort(key=lambda pair: pair[1])",
        "return distances[: self.num_neighbors]",
        "labels = [self.y[i] for i, _ in neighbors]",
        "predictions.append(np.mean(labels))",
    ]


def test_the_function_listing_has_both_modes_and_the_regression_page_marks_mode_r():
    at = open_page()
    at.button_group(key="tutorial").set_value("class").run()
    assert class_blocks(at)
    at.button_group(key="tutorial").set_value("function").run()
    code, _ = code_blocks(at)
    assert 'if mode == "r":' in code and "return np.mean(values)" in code
    at.switch_page("pages/regression.py").run()
    assert not at.exception, at.exception
    listing = next(c.value for c in at.code if "def knn(" in c.value)
    marked = [line for line in listing.splitlines() if line.startswith("→")]
    assert [line[1:].strip() for line in marked] == ["return np.mean(values)"]


def test_a_k_larger_than_the_held_out_walks_training_part_is_lowered_with_the_usual_note():
    at = open_page({"n": "10", "k": "10"})
    assert at.slider(key="k").value == 10  # the main walk uses all 10 points
    n_train = 10 - int(at.slider(key="tp").max)  # the slider runs over the held-out points
    note = f"k was lowered to {n_train}: {n_train} points vote in this walk."
    assert [i.value for i in at.main.info if i.value.startswith("k was")] == [note]
    assert any(f"vote with k = {n_train}," in m.value for m in at.markdown)
    assert not at.exception
