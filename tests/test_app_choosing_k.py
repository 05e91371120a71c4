"""AppTest of the Choosing-k page: real script runs, real widgets, no browser.

The best k is recomputed independently with scikit-learn (one fit per k) on the same split.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score
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
    assert [label for label, _ in values] == [
        "Chosen k", "Its test accuracy", "Your k", "Its test accuracy"
    ]  # fmt: skip
    return {"chosen k": int(values[0][1]), "chosen acc": values[1][1], "your k": int(values[2][1])}


def charts(at, key_start: str = "ck_") -> list[dict]:
    return [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if c.proto.id.split("-")[-1].startswith(key_start)
    ]


def curve(at, name_start: str) -> list:
    fig = charts(at, "ck_curve")[0]
    return next(t["y"] for t in fig["data"] if t.get("name", "").startswith(name_start))


def sklearn_choice(name, n, noise, seed, test_ratio, split_seed, k_max=50, n_folds=5):
    """Return (k chosen by 5-fold CV on the training part, test accuracy for every k)."""
    X, y = make_dataset(name, n, noise, seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_ratio, seed=split_seed)
    k_max = min(k_max, len(X_train))
    acc = [
        KNeighborsClassifier(k).fit(X_train, y_train).score(X_test, y_test)
        for k in range(1, k_max + 1)
    ]
    # The same folds as the page: a shuffle seeded with the split seed, cut into 5 parts.
    order = np.random.default_rng(split_seed).permutation(len(X_train))
    folds = [(np.setdiff1d(order, f), f) for f in np.array_split(order, n_folds)]
    cv_k_max = min(k_max, min(len(train) for train, _ in folds))
    cv = [
        cross_val_score(KNeighborsClassifier(k), X_train, y_train, cv=folds).mean()
        for k in range(1, cv_k_max + 1)
    ]
    return int(np.argmax(cv)) + 1, acc


def test_the_headline_is_the_k_cross_validation_chose_and_its_test_accuracy(app):
    assert app.title[0].value == "Choosing k"
    assert any("Learning goal" in m.value for m in app.markdown)
    chosen, acc = sklearn_choice("moons", 200, 0.7, 0, 0.3, 0)
    shown = metrics(app)
    assert shown["chosen k"] == chosen != int(np.argmax(acc)) + 1  # the test set did not choose
    assert shown["chosen acc"] == f"{acc[chosen - 1]:.0%}"
    np.testing.assert_allclose(curve(app, "test data"), 100 * np.array(acc), atol=0.01)
    assert any("140 training points" in m.value for m in app.markdown)
    honest = next(m.value for m in app.markdown if m.value.startswith("**Honest choice.**"))
    assert f"**k = {chosen}**" in honest and f"**{acc[chosen - 1]:.0%}**" in honest
    fig = charts(app, "ck_curve")[0]
    star = next(t for t in fig["data"] if t["name"].startswith("test accuracy at the chosen k"))
    assert star["x"] == [chosen] and star["y"][0] == pytest.approx(100 * acc[chosen - 1])


def test_k_equal_one_is_perfect_on_the_training_data_and_said_without_an_arrow(app):
    fig = charts(app, "ck_curve")[0]
    assert curve(app, "training data")[0] == 100.0
    names = [t["name"] for t in fig["data"]]
    assert "training data (seen): 100% at k = 1, memorised" in names
    notes = fig["layout"]["annotations"]
    assert not any(a.get("showarrow", True) for a in notes)  # no arrow across the curves
    assert any(a["text"] == f"chosen k = {metrics(app)['chosen k']}" for a in notes)


@pytest.mark.parametrize("your_k", [5, 23, 25, 40])
def test_no_k_line_runs_through_a_label(your_k):
    at = open_page({"k": str(your_k)})
    fig = charts(at, "ck_curve")[0]
    top = min(s["y1"] for s in fig["layout"]["shapes"])
    lines = {s["name"]: s for s in fig["layout"]["shapes"]}
    assert set(lines) == {"chosen k", "your k"} and all(s["y1"] == 100 for s in lines.values())
    labels = {a["name"]: a for a in fig["layout"]["annotations"]}
    # Both labels sit above the lines' ends, in different rows: nothing can cross them.
    assert all(a["y"] == top and a["yanchor"] == "bottom" for a in labels.values())
    assert labels["your k"].get("yshift", 0) != labels["chosen k"].get("yshift", 0)
    assert fig["layout"]["yaxis"]["range"][1] > 100


def test_changing_the_split_seed_changes_the_result(app):
    before = (metrics(app)["chosen k"], curve(app, "test data"))
    app.number_input(key="split_seed").set_value(3).run()
    assert not app.exception
    after = (metrics(app)["chosen k"], curve(app, "test data"))
    assert after != before
    chosen, _ = sklearn_choice("moons", 200, 0.7, 0, 0.3, 3)
    assert after[0] == chosen


def test_new_split_button_bumps_the_seed(app):
    buttons = [b for b in app.sidebar.button if b.label == "New split"]
    buttons[0].click().run()
    assert app.number_input(key="split_seed").value == 1


def test_your_k_is_marked(app):
    app.slider(key="k").set_value(30).run()
    assert metrics(app)["your k"] == 30
    notes = [a["text"] for a in charts(app, "ck_curve")[0]["layout"]["annotations"]]
    assert "your k = 30" in notes


def test_test_ratio_changes_the_split(app):
    app.slider(key="test_ratio").set_value(0.5).run()
    assert not app.exception
    assert any("100 training points" in m.value for m in app.markdown)


def test_small_multiples_go_from_k1_to_k45(app):
    titles = [c["layout"]["title"]["text"] for c in charts(app, "ck_regions")]
    assert [t.split(":")[0] for t in titles] == ["k = 1", "k = 5", "k = 15", "k = 45"]


def test_small_data_caps_k_everywhere():
    at = open_page({"n": "20", "k": "40"})
    assert not at.exception
    assert at.slider(key="k").max == 14  # 20 points, 6 in the test part
    titles = [c["layout"]["title"]["text"] for c in charts(at, "ck_regions")]
    assert [t.split(":")[0] for t in titles] == ["k = 1", "k = 5", "k = 14"]
    assert len(curve(at, "test data")) == 14


def test_tie_chart_is_zero_at_odd_k_with_two_classes(app):
    bars = charts(app, "ck_ties")[0]["data"][0]
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
    assert metrics(at)["chosen k"] >= 1


def test_the_confusion_matrix_counts_the_test_points_at_your_k(app):
    app.slider(key="k").set_value(7).run()
    X, y = make_dataset("moons", 200, 0.7, 0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, seed=0)
    predicted = KNeighborsClassifier(7).fit(X_train, y_train).predict(X_test)
    expected = [[int(((y_test == t) & (predicted == p)).sum()) for p in (0, 1)] for t in (0, 1)]
    heat = charts(app, "ck_confusion")[0]["data"][0]
    assert heat["x"] == heat["y"] == ["red", "blue"]
    # Every count is written in its cell (readable without colour); right answers ticked.
    assert heat["text"] == [
        [f"✓ {expected[0][0]}", str(expected[0][1])],
        [str(expected[1][0]), f"✓ {expected[1][1]}"],
    ]
    assert any("your k = 7" in h.value for h in [*app.subheader, *app.header])
    right = expected[0][0] + expected[1][1]
    assert any(f"**{right} of 60**" in m.value for m in app.markdown)
