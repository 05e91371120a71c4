import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.neighbors import KNeighborsClassifier

from knn_core.datasets import make_dataset, train_test_split
from knn_core.evaluation import cross_val_accuracy_by_k
from knn_core.lessons.choosing_k import k_selection, region_ks
from knn_core.lessons.step_by_step import STAGE_TITLES, algorithm_stages, held_out_walk
from knn_core.lessons.trace import trace_query
from knn_core.models import KNNClassifier


def moons_split(seed=0, n=120, noise=0.5):
    X, y = make_dataset("moons", n, noise, seed)
    return train_test_split(X, y, test_size=0.3, seed=seed)


# --------------------------------------------------------------------------------------------
# algorithm_stages
# --------------------------------------------------------------------------------------------
def test_stages_without_and_with_a_tie():
    assert algorithm_stages(False) == ("distances", "sort", "keep", "count", "predict")
    assert algorithm_stages(True) == ("distances", "sort", "keep", "count", "tie", "predict")
    assert algorithm_stages(np.bool_(True))[4] == "tie"
    assert set(algorithm_stages(True)) == set(STAGE_TITLES)


def test_stages_follow_the_trace():
    model = KNNClassifier(2).fit([[0, 0], [2, 0], [9, 9]], [0, 1, 1])
    tied = trace_query(model, [1, 0])
    clear = trace_query(model, [8, 8])
    assert "tie" in algorithm_stages(tied.tied)
    assert "tie" not in algorithm_stages(clear.tied)


def test_stages_reject_a_non_bool():
    with pytest.raises(TypeError, match="Expected tied to be a bool, but got 'yes'"):
        algorithm_stages("yes")


# --------------------------------------------------------------------------------------------
# held_out_walk
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k", [1, 2, 5])
def test_walk_matches_one_prediction_at_a_time(k):
    X_train, X_test, y_train, y_test = moons_split()
    model = KNNClassifier(k).fit(X_train, y_train)
    walk = held_out_walk(model, X_test, y_test)
    right = 0
    for i, (x, label) in enumerate(zip(X_test, y_test, strict=True)):
        predicted = trace_query(model, x).prediction
        assert walk.predictions[i] == predicted
        assert walk.correct[i] == (predicted == label)
        right += predicted == label
        assert walk.n_correct[i] == right
        assert walk.running_accuracy[i] == pytest.approx(right / (i + 1))
    assert walk.accuracy == pytest.approx(right / len(y_test))


def test_walk_agrees_with_sklearn_accuracy_on_float_data():
    X_train, X_test, y_train, y_test = moons_split(seed=3)
    model = KNNClassifier(7).fit(X_train, y_train)
    ref = KNeighborsClassifier(7).fit(X_train, y_train).score(X_test, y_test)
    assert held_out_walk(model, X_test, y_test).accuracy == pytest.approx(ref)


def test_walk_arrays_are_read_only():
    model = KNNClassifier(1).fit([[0], [1]], [0, 1])
    walk = held_out_walk(model, [[0.1]], [0])
    with pytest.raises(ValueError):
        walk.correct[0] = False


def test_walk_rejects_mismatched_labels():
    model = KNNClassifier(1).fit([[0], [1]], [0, 1])
    with pytest.raises(ValueError, match="Expected y_test to hold one label per row of X_test"):
        held_out_walk(model, [[0.1], [0.2]], [0])


def test_walk_needs_a_fitted_model():
    with pytest.raises(ValueError, match="fit"):
        held_out_walk(KNNClassifier(1), [[0.1]], [0])


# --------------------------------------------------------------------------------------------
# k_selection
# --------------------------------------------------------------------------------------------
def test_curves_match_one_fit_per_k():
    X_train, X_test, y_train, y_test = moons_split(seed=1)
    sel = k_selection(X_train, y_train, X_test, y_test, k_max=30)
    assert sel.k.tolist() == list(range(1, 31))
    for k in range(1, 31):
        model = KNNClassifier(k).fit(X_train, y_train)
        assert sel.test_accuracy[k - 1] == pytest.approx(np.mean(model.predict(X_test) == y_test))
        assert sel.train_accuracy[k - 1] == pytest.approx(
            np.mean(model.predict(X_train) == y_train)
        )
        assert sel.tie_rate[k - 1] == pytest.approx(np.mean(model.vote(X_test).tied))
    best = int(np.flatnonzero(sel.test_accuracy == sel.test_accuracy.max())[0]) + 1
    assert sel.best_k == best
    assert (sel.n_train, sel.n_test) == (len(X_train), len(X_test))


def test_train_accuracy_at_k1_is_perfect_on_distinct_points():
    X_train, X_test, y_train, y_test = moons_split(seed=2)
    sel = k_selection(X_train, y_train, X_test, y_test, k_max=10)
    assert sel.train_accuracy[0] == 1.0
    assert sel.test_accuracy[0] < 1.0  # noisy moons: memorising is not learning


def test_cross_validation_runs_on_the_training_part():
    X_train, X_test, y_train, y_test = moons_split(seed=4)
    sel = k_selection(X_train, y_train, X_test, y_test, k_max=20, n_folds=5, cv_seed=7)
    ref = cross_val_accuracy_by_k(X_train, y_train, 20, n_folds=5, seed=7)
    np.testing.assert_allclose(sel.cv_accuracy, ref)
    assert sel.best_cv_k == int(np.argmax(ref)) + 1


def test_cross_validation_stops_where_folds_are_too_small():
    X_train = np.arange(10, dtype=float)[:, None]
    y_train = np.array([0] * 5 + [1] * 5)
    sel = k_selection(X_train, y_train, [[2.0]], [0], k_max=50, n_folds=5)
    assert len(sel.k) == 10  # capped at n_train
    assert np.isfinite(sel.cv_accuracy[:8]).all()  # folds of 2: training parts of 8
    assert np.isnan(sel.cv_accuracy[8:]).all()


@pytest.mark.parametrize("n_folds", [None, 11])
def test_cross_validation_can_be_skipped(n_folds):
    X_train = np.arange(10, dtype=float)[:, None]
    y_train = np.array([0] * 5 + [1] * 5)
    sel = k_selection(X_train, y_train, [[2.0]], [0], k_max=5, n_folds=n_folds)
    assert np.isnan(sel.cv_accuracy).all()
    assert sel.best_cv_k is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k_max": 0}, "Expected k_max >= 1, but got k_max = 0"),
        ({"k_max": 2.5}, "Expected k_max to be an integer >= 1, but got k_max = 2.5"),
        ({"n_folds": 1}, "Expected n_folds >= 2, but got n_folds = 1"),
    ],
)
def test_k_selection_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        k_selection([[0], [1]], [0, 1], [[0.2]], [0], **kwargs)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(12, 60))
def test_two_classes_never_tie_at_odd_k(seed, n):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = rng.integers(0, 2, n)
    X_test = rng.normal(size=(15, 2))
    sel = k_selection(X, y, X_test, rng.integers(0, 2, 15), k_max=20, n_folds=None)
    assert (sel.tie_rate[0::2] == 0).all()  # k = 1, 3, 5, ...
    assert not sel.ties_at_odd_k


def test_three_classes_can_tie_at_odd_k():
    # k = 3 around the middle point: one neighbour of each class.
    X_train = [[0.0, 0.0], [2.0, 0.0], [1.0, 1.7], [9.0, 9.0]]
    sel = k_selection(X_train, [0, 1, 2, 0], [[1.0, 0.6]], [1], k_max=3, n_folds=None)
    assert sel.tie_rate.tolist() == [0.0, 1.0, 1.0]
    assert sel.ties_at_odd_k


# --------------------------------------------------------------------------------------------
# region_ks
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n_train", "expected"),
    [(200, (1, 5, 15, 45)), (45, (1, 5, 15, 45)), (20, (1, 5, 15, 20)), (5, (1, 5)), (1, (1,))],
)
def test_region_ks_are_capped_and_unique(n_train, expected):
    assert region_ks(n_train) == expected


def test_region_ks_reject_a_bad_size():
    with pytest.raises(ValueError, match="Expected n_train >= 1, but got n_train = 0"):
        region_ks(0)
