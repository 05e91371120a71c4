"""AppTest of the Searching-fast page: real script runs, real widgets, no browser.

The neighbours the page ends with are checked against scikit-learn on the same data (tie-free
float data), not against the page's own module.
"""

from pathlib import Path

import pytest
from sklearn.neighbors import NearestNeighbors
from streamlit.testing.v1 import AppTest

from knn_core.datasets import make_dataset

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "pages/searching_fast.py"
TIMEOUT = 60


def open_page(params=None):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def heading(at) -> str:
    return next(h.value for h in at.header if h.value.startswith("Step "))


def n_steps(at) -> int:
    return int(heading(at).split(" of ")[1].split(":")[0])


def counter(at) -> str:
    return at.metric[0].value


def best(at) -> list[int]:
    return list(at.dataframe[0].value["point #"])


def last_step(at):
    at.slider(key="sstep").set_value(n_steps(at)).run()
    assert not at.exception, at.exception
    return at


def sklearn_neighbours(n, query, k, metric="euclidean"):
    X, _ = make_dataset("blobs", n, 0.3, 0)
    nn = NearestNeighbors(n_neighbors=k, metric=metric).fit(X)
    return nn.kneighbors([query], return_distance=False)[0].tolist()


def test_page_opens_at_the_first_step():
    at = open_page()
    assert at.title[0].value == "Searching fast"
    assert any(m.value.startswith("**Learning goal:**") for m in at.markdown)
    assert heading(at).startswith("Step 1 of ")
    assert heading(at).endswith("Descend to the query's leaf")
    assert counter(at) == "0 of 50"
    assert at.button(key="ss_prev").disabled and not at.button(key="ss_next").disabled
    assert any("the same k neighbours, in the same order" in m.value for m in at.markdown)


def test_next_and_previous_walk_the_search():
    at = open_page()
    total = n_steps(at)
    seen = []
    for _ in range(total - 1):
        at.button(key="ss_next").click().run()
        assert not at.exception, at.exception
        seen.append(counter(at))
    assert heading(at).startswith(f"Step {total} of {total}")
    assert at.button(key="ss_next").disabled
    measured = [int(c.split(" of ")[0]) for c in seen]
    assert measured == sorted(measured) and 0 < measured[-1] <= 50
    qx, qy = (at.number_input(key=key).value for key in ("qx", "qy"))
    assert best(at) == sklearn_neighbours(50, [qx, qy], 3)
    at.button(key="ss_prev").click().run()
    assert heading(at).startswith(f"Step {total - 1} of {total}")


@pytest.mark.parametrize("n", [1_000, 100_000])
def test_large_data_measures_few_distances(n):
    at = last_step(open_page({"n": str(n), "k": "5"}))
    measured = int(counter(at).split(" of ")[0].replace(",", ""))
    assert counter(at).endswith(f"of {n:,}")
    assert measured < 0.1 * n
    qx, qy = (at.number_input(key=key).value for key in ("qx", "qy"))
    assert best(at) == sklearn_neighbours(n, [qx, qy], 5)


@pytest.mark.parametrize("metric,sk", [("manhattan", "manhattan"), ("chebyshev", "chebyshev")])
def test_other_metrics(metric, sk):
    at = last_step(open_page({"n": "300", "metric": metric.capitalize()}))
    qx, qy = (at.number_input(key=key).value for key in ("qx", "qy"))
    assert best(at) == sklearn_neighbours(300, [qx, qy], 3, sk)


def test_moving_the_query_keeps_the_step_in_range():
    at = last_step(open_page({"n": "1000"}))
    at.number_input(key="qx").set_value(-1.0)
    at.number_input(key="qy").set_value(-1.0).run()
    assert not at.exception, at.exception
    step, total = heading(at).split(":")[0].removeprefix("Step ").split(" of ")
    assert 1 <= int(step) <= int(total)
    assert best(at) == sklearn_neighbours(1000, [-1.0, -1.0], 3)


def test_a_single_leaf_is_a_single_step():
    at = open_page({"n": "10"})
    assert heading(at) == "Step 1 of 1: Measure the points in the leaf"
    assert counter(at) == "10 of 10"
    assert not [s for s in at.slider if s.key == "sstep"]


def test_a_shared_link_sets_step_depth_zoom_and_budget():
    at = open_page({"n": "1000", "sstep": "4", "depth": "3", "zoom": "false", "budget": "2"})
    assert heading(at).startswith("Step 4 of ")
    assert at.slider(key="depth").value == 3
    assert at.toggle(key="zoom").value is False
    assert any("Stopping after **2 leaves**" in m.value for m in at.markdown)


def test_bad_link_values_fall_back_without_an_error():
    at = open_page({"sstep": "abc", "depth": "-4", "budget": "x"})
    assert heading(at).startswith("Step 1 of ")


def test_cost_curves_and_budget():
    at = open_page({"n": "1000"})
    assert any(m.value.startswith("**More points.**") for m in at.markdown)
    assert any(m.value.startswith("**More features.**") for m in at.markdown)
    assert any("Stopping after **1 leaf**" in m.value for m in at.markdown)
    at.slider(key="budget").set_value(2).run()
    assert any("Stopping after **2 leaves**" in m.value for m in at.markdown)


def test_presenter_mode():
    at = open_page({"present": "true", "n": "1000"})
    assert heading(at).startswith("Step 1 of ")


def test_the_counter_adds_up_the_measured_leaves():
    # The counter grows by exactly the number of points each "measure" step names.
    at = open_page({"n": "200"})
    count = 0
    for i in range(1, n_steps(at) + 1):
        at.slider(key="sstep").set_value(i).run()
        if heading(at).endswith("Measure the points in the leaf"):
            text = next(m.value for m in at.markdown if m.value.startswith("Measure the"))
            count += int(text.split("**")[1])
        assert int(counter(at).split(" of ")[0].replace(",", "")) == count
    assert count > 0


@pytest.mark.parametrize(
    "params",
    [
        {"data": "Moons", "n": "500"},
        {"data": "Circles", "n": "500", "k": "7"},
        {"data": "Spiral", "n": "500", "classes": "5"},
        {"data": "XOR", "n": "500", "metric": "Minkowski", "p": "1.5"},
        {"data": "Uniform", "n": "2000", "k": "50"},
    ],
    ids=lambda p: "-".join(p.values()),
)
def test_every_data_set_ends_with_the_engines_neighbours(params):
    at = last_step(open_page(params))
    assert at.selectbox(key="data").value == params["data"].lower()  # the link was read
    assert any("the same k neighbours, in the same order" in m.value for m in at.markdown)


def test_a_large_k_keeps_the_curves_quick():
    at = open_page({"n": "1000", "k": "40"})
    assert heading(at).startswith("Step 1 of ")
    assert any("These curves search with k = 10" in c.value for c in at.caption)
    assert any("of the true 10 neighbours" in m.value for m in at.markdown)
    at = last_step(at)
    assert len(best(at)) == 40
    qx, qy = (at.number_input(key=key).value for key in ("qx", "qy"))
    assert best(at) == sklearn_neighbours(1000, [qx, qy], 40)
