"""AppTest of the Choosing-k page: real script runs, real widgets, no browser.

The best k is recomputed independently with scikit-learn (one fit per k) on the same split.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.neighbors import KNeighborsClassifier
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset, train_test_split

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/choosing_k.py"
TIMEOUT = 30


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


def metrics(at) -> dict:
    values = [(m.label, m.value) for m in at.metric]
    return {"best k": int(values[0][1]), "best acc": values[1][1], "your k": int(values[2][1])}


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def curve(at, name_start: str) -> list:
    fig = charts(at)[0]
    return next(t["y"] for t in fig["data"] if t.get("name", "").startswith(name_start))


def sklearn_best_k(name, n, noise, seed, test_ratio, split_seed, k_max=50):
    X, y = make_dataset(name, n, noise, seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_ratio, seed=split_seed)
    k_max = min(k_max, len(X_train))
    acc = [
        KNeighborsClassifier(k).fit(X_train, y_train).score(X_test, y_test)
        for k in range(1, k_max + 1)
    ]
    return int(np.argmax(acc)) + 1, acc


def test_page_renders_with_the_best_k(app):
    assert app.title[0].value == "Choosing k"
    assert any("Learning goal" in m.value for m in app.markdown)
    best, acc = sklearn_best_k("moons", 200, 0.7, 0, 0.3, 0)
    shown = metrics(app)
    assert shown["best k"] == best
    assert shown["best acc"] == f"{acc[best - 1]:.0%}"
    np.testing.assert_allclose(curve(app, "test data"), 100 * np.array(acc), atol=0.01)
    assert any("140 training points" in m.value for m in app.markdown)


def test_k_equal_one_is_perfect_on_the_training_data_and_annotated(app):
    fig = charts(app)[0]
    assert curve(app, "training data")[0] == 100.0
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert any("overfitting" in text and "100%" in text for text in notes)
    assert any(text == f"best k = {metrics(app)['best k']}" for text in notes)


def test_changing_the_split_seed_changes_the_result(app):
    before = (metrics(app)["best k"], curve(app, "test data"))
    app.number_input(key="split_seed").set_value(3).run()
    assert not app.exception
    after = (metrics(app)["best k"], curve(app, "test data"))
    assert after != before
    best, _ = sklearn_best_k("moons", 200, 0.7, 0, 0.3, 3)
    assert after[0] == best


def test_new_split_button_bumps_the_seed(app):
    buttons = [b for b in app.sidebar.button if b.label == "New split"]
    buttons[0].click().run()
    assert app.number_input(key="split_seed").value == 1


def test_your_k_is_marked(app):
    app.slider(key="k").set_value(30).run()
    assert metrics(app)["your k"] == 30
    notes = [a["text"] for a in charts(app)[0]["layout"]["annotations"]]
    assert "your k = 30" in notes


def test_test_ratio_changes_the_split(app):
    app.slider(key="test_ratio").set_value(0.5).run()
    assert not app.exception
    assert any("100 training points" in m.value for m in app.markdown)


def test_small_multiples_go_from_k1_to_k45(app):
    titles = [c["layout"]["title"]["text"] for c in charts(app)[1:5]]
    assert [t.split(":")[0] for t in titles] == ["k = 1", "k = 5", "k = 15", "k = 45"]


def test_small_data_caps_k_everywhere():
    at = open_page({"n": "20", "k": "40"})
    assert not at.exception
    assert at.slider(key="k").max == 14  # 20 points, 6 in the test part
    titles = [c["layout"]["title"]["text"] for c in charts(at)[1:-1]]
    assert [t.split(":")[0] for t in titles] == ["k = 1", "k = 5", "k = 14"]
    assert len(curve(at, "test data")) == 14


def test_tie_chart_is_zero_at_odd_k_with_two_classes(app):
    bars = charts(app)[-1]["data"][0]
    assert bars["x"] == list(range(1, 21))
    assert all(v == 0 for v in bars["y"][0::2])
    assert any(v > 0 for v in bars["y"][1::2])  # this data does tie at some even k
    assert any("odd k never ties" in m.value for m in app.markdown)


def test_three_classes_explain_odd_k_ties():
    at = open_page({"data": "Spiral", "classes": "3", "n": "60"})
    assert not at.exception
    assert any("With **3 classes**, even an odd k can tie" in m.value for m in at.markdown)


@pytest.mark.parametrize("name", ["Blobs", "Circles", "XOR", "Uniform"])
def test_every_data_set_renders(name):
    at = open_page({"data": name})
    assert not at.exception
    assert metrics(at)["best k"] >= 1
