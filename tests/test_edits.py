"""Tests of knn_core.edits: the edit log, its replay, its link format and its refusals."""

import re
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knn_core.csv_io import load_csv, to_csv
from knn_core.datasets import make_dataset
from knn_core.edits import (
    LINK_MAX_EDITS,
    LINK_MAX_LENGTH,
    MAX_EDITS,
    Edit,
    EditRefused,
    apply_edit,
    apply_edits,
    data_tag,
    decode_edits,
    edit_at,
    edited_bounds,
    encode_edits,
    fits_in_link,
    link_text,
    nearest_point,
)

X3 = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
Y3 = np.array([0, 0, 1])


# --- Edit -------------------------------------------------------------------------------------


def test_edit_constructors_store_hundredths():
    edit = Edit.add(1.234, -0.5, 1)
    assert (edit.kind, edit.code, edit.hx, edit.hy) == ("add", 1, 123, -50)
    assert (edit.x, edit.y) == (1.23, -0.5)
    assert Edit.add(2.005, 0, 0).hx == round(2.005, 2) * 100  # decimal rounding, as shown
    assert Edit.remove(4) == Edit("remove", index=4)
    assert Edit.flip(0).kind == "flip"


def test_edits_are_immutable_and_hashable():
    edit = Edit.remove(3)
    with pytest.raises(AttributeError):
        edit.index = 4
    assert len({Edit.remove(3), Edit.remove(3), Edit.flip(3)}) == 2


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Edit.add(float("nan"), 0, 0), "finite"),
        (lambda: Edit.add(2e6, 0, 0), "1,000,000"),
        (lambda: Edit.add("a", 0, 0), "number"),
        (lambda: Edit.add(0, 0, -1), "0 <= code"),
        (lambda: Edit.add(0, 0, 1.5), "integer"),
        (lambda: Edit.remove(-1), "0 <= index"),
        (lambda: Edit.flip(True), "integer"),
        (lambda: Edit("move", index=1), "kind"),
        (lambda: Edit("remove", index=1, code=2), "only an index"),
        (lambda: Edit("add", index=1, code=0), "no index"),
    ],
)
def test_bad_edits_are_refused_with_a_named_parameter(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- apply ----------------------------------------------------------------------------------


def test_hand_worked_replay():
    # add a blue point, remove row 0 (rows move up), flip row 1 (the old row 2) to red.
    log = [Edit.add(2.5, 2.5, 1), Edit.remove(0), Edit.flip(1)]
    X2, y2 = apply_edits(X3, Y3, log, 2)
    assert X2.tolist() == [[1.0, 0.0], [5.0, 5.0], [2.5, 2.5]]
    assert y2.tolist() == [0, 0, 1]
    assert X3.tolist() == [[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]]  # inputs untouched
    assert Y3.tolist() == [0, 0, 1]
    assert X2.dtype == np.float64 and y2.dtype == np.int64


def test_flip_cycles_through_the_classes():
    X = np.zeros((3, 2))
    y = np.array([0, 1, 2])
    X = np.vstack([X, X])
    y = np.concatenate([y, y])
    codes = [int(apply_edit(X, y, Edit.flip(i), 3)[1][i]) for i in range(3)]
    assert codes == [1, 2, 0]


def test_empty_log_returns_the_data():
    X2, y2 = apply_edits(X3, Y3, [], 2)
    assert np.array_equal(X2, X3) and np.array_equal(y2, Y3)


@pytest.mark.parametrize("edit", [Edit.remove(2), Edit.flip(2)])
def test_the_last_point_of_a_class_is_kept(edit):
    with pytest.raises(EditRefused, match="leave no blue point: it is the last one") as info:
        apply_edit(X3, Y3, edit, 2, class_names=["red", "blue"])
    assert info.value.reason == "last_of_class" and info.value.code == 1
    with pytest.raises(EditRefused, match="Edit 2 .* no class 1 point"):
        apply_edits(X3, Y3, [Edit.add(9, 9, 0), edit], 2)


def test_replay_names_the_edit_that_does_not_fit():
    with pytest.raises(ValueError, match=r"Edit 2 \(remove row 2\) does not fit .* n_samples = 2"):
        apply_edits(X3, Y3, [Edit.remove(0), Edit.remove(2)], 2)
    with pytest.raises(ValueError, match="code < n_classes = 2, but got code = 3"):
        apply_edits(X3, Y3, [Edit.add(0, 0, 3)], 2)


@pytest.mark.parametrize(
    ("X", "y", "n_classes", "message"),
    [
        (np.zeros((3, 3)), Y3, 2, r"shape \(n_samples, 2\)"),
        (X3, np.array([0, 1]), 2, "to match X"),
        (X3, np.array([0, 1, 2]), 2, "0 <= y < n_classes = 2"),
        (X3, np.array(["a", "b", "a"]), 2, "class codes"),
        (X3, Y3, 0, "n_classes >= 1"),
    ],
)
def test_bad_data_is_refused(X, y, n_classes, message):
    with pytest.raises(ValueError, match=message):
        apply_edits(X, y, [], n_classes)


def test_too_many_edits_are_refused():
    with pytest.raises(ValueError, match=f"MAX_EDITS = {MAX_EDITS}"):
        apply_edits(X3, Y3, [Edit.add(0, 0, 0)] * (MAX_EDITS + 1), 2)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_replay_matches_a_plain_list_model(data):
    # An independent implementation: Python lists of (x, y, code).
    n_classes = data.draw(st.integers(2, 4))
    rows = [(float(i), float(-i), i % n_classes) for i in range(n_classes * 2)]
    X = np.array([r[:2] for r in rows])
    y = np.array([r[2] for r in rows])
    log = []
    for _ in range(data.draw(st.integers(0, 25))):
        kind = data.draw(st.sampled_from(["add", "remove", "flip"]))
        codes = [r[2] for r in rows]
        if kind == "add":
            x0, y0 = data.draw(st.integers(-999, 999)), data.draw(st.integers(-999, 999))
            code = data.draw(st.integers(0, n_classes - 1))
            log.append(Edit.add(x0 / 100, y0 / 100, code))
            rows.append((x0 / 100, y0 / 100, code))
            continue
        safe = [i for i, c in enumerate(codes) if codes.count(c) > 1]
        if not safe:
            continue
        i = data.draw(st.sampled_from(safe))
        if kind == "remove":
            log.append(Edit.remove(i))
            rows.pop(i)
        else:
            log.append(Edit.flip(i))
            rows[i] = (rows[i][0], rows[i][1], (rows[i][2] + 1) % n_classes)
    X2, y2 = apply_edits(X, y, log, n_classes)
    assert X2.tolist() == [[r[0], r[1]] for r in rows]
    assert y2.tolist() == [r[2] for r in rows]
    assert set(y2.tolist()) == set(range(n_classes))  # every class kept


# --- nearest point and clicks -----------------------------------------------------------------


def test_nearest_point_ties_go_to_the_lower_index():
    X = np.array([[2.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, -1.0]])
    assert nearest_point(X, (1.0, 0.0)) == 0  # all four at distance 1
    assert nearest_point(X[::-1], (1.0, 0.0)) == 0
    assert nearest_point(X, (1.0, 0.9)) == 2


def test_nearest_point_with_many_equal_points_uses_the_tree_path():
    # 200 points (the tree path) on an integer grid: ties everywhere.
    X = np.array([[i % 20, i // 20] for i in range(200)], dtype=float)
    X = np.vstack([X, X])  # every point twice: the lower copy wins
    for q in [(3.0, 4.0), (3.5, 4.0), (10.5, 5.5)]:
        d = np.hypot(*(X - q).T)
        assert nearest_point(X, q) == int(np.flatnonzero(d == d.min())[0])


def test_nearest_point_agrees_with_brute_force_on_random_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    for q in rng.normal(size=(50, 2)):
        assert nearest_point(X, q) == int(np.argmin(np.hypot(*(X - q).T)))


@pytest.mark.parametrize("point", [(np.nan, 0.0), (1.0,), "ab"])
def test_nearest_point_needs_a_finite_pair(point):
    with pytest.raises(ValueError, match="point"):
        nearest_point(X3, point)


def test_edit_at_resolves_a_click():
    assert edit_at(X3, Y3, "remove", (0.9, 0.1), 2) == Edit.remove(1)
    assert edit_at(X3, Y3, "flip", (0.5, 0.0), 2) == Edit.flip(0)  # tie: lower index
    assert edit_at(X3, Y3, "add", (2.346, -1), 2, code=1) == Edit.add(2.35, -1.0, 1)


def test_edit_at_refusals_are_clear():
    with pytest.raises(EditRefused, match="Flipping this point would leave no blue point") as e:
        edit_at(X3, Y3, "flip", (4, 4), 2, class_names=["red", "blue"])
    assert e.value.reason == "last_of_class"
    with pytest.raises(EditRefused, match="leave 2 points, but at least min_points = 3") as e:
        edit_at(X3, Y3, "remove", (0, 0), 2, min_points=3)
    assert e.value.reason == "min_points" and e.value.code is None
    assert edit_at(X3, Y3, "remove", (0, 0), 2, min_points=2) == Edit.remove(0)
    with pytest.raises(ValueError, match="code < n_classes = 2, but got 2"):
        edit_at(X3, Y3, "add", (0, 0), 2, code=2)
    with pytest.raises(ValueError, match="code, the class"):
        edit_at(X3, Y3, "add", (0, 0), 2)
    with pytest.raises(ValueError, match="kind"):
        edit_at(X3, Y3, "move", (0, 0), 2)


def test_an_edit_from_a_click_always_applies():
    X, y = make_dataset("moons", 40, 0.2, seed=1)
    rng = np.random.default_rng(1)
    for kind in ["add", "remove", "flip"] * 10:
        q = rng.uniform(-1, 2, size=2)
        try:
            edit = edit_at(X, y, kind, q, 2, code=int(rng.integers(2)))
        except EditRefused:
            continue
        X, y = apply_edit(X, y, edit, 2)
    assert set(y.tolist()) == {0, 1}


# --- the text format --------------------------------------------------------------------------


def test_hand_worked_encoding():
    log = [Edit.add(1.23, -4.5, 0), Edit.remove(12), Edit.flip(3)]
    assert encode_edits(log) == "1_a0.123.-450_r12_f3"
    assert encode_edits(log, tag="3fa9") == "1_d3fa9_a0.123.-450_r12_f3"
    assert encode_edits([]) == "" and encode_edits([], tag="3fa9") == "1_d3fa9"
    assert decode_edits("") == [] and decode_edits("1") == [] and decode_edits("1_d3fa9") == []
    assert decode_edits("1_d3fa9_a0.123.-450_r12_f3", tag="3fa9") == log


def test_the_text_needs_no_percent_encoding():
    from urllib.parse import quote_plus

    text = encode_edits([Edit.add(-123.45, 0.01, 4), Edit.flip(0)], tag="00ff")
    assert quote_plus(text) == text
    assert set(text) <= set(string.ascii_lowercase + string.digits + "-._")


edits_strategy = st.lists(
    st.one_of(
        st.builds(
            Edit.add,
            st.integers(-(10**8), 10**8).map(lambda h: h / 100),
            st.integers(-(10**8), 10**8).map(lambda h: h / 100),
            st.integers(0, 99),
        ),
        st.builds(Edit.remove, st.integers(0, 10**7)),
        st.builds(Edit.flip, st.integers(0, 10**7)),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(edits_strategy, st.one_of(st.none(), st.from_regex(r"[0-9a-f]{4}", fullmatch=True)))
def test_round_trip(edits, tag):
    text = encode_edits(edits, tag=tag)
    assert decode_edits(text, tag=tag) == edits
    assert decode_edits(text) == edits  # without a tag to check against


@settings(max_examples=300, deadline=None)
@given(edits_strategy)
def test_round_trip_through_floats(edits):
    # Rebuilding each added point from its float coordinates gives the same edit.
    again = [Edit.add(e.x, e.y, e.code) if e.kind == "add" else e for e in edits]
    assert again == edits


link_alphabet = string.ascii_letters + string.digits + "-._~%<>&\"' \n\\/:;,+=!?0123456789"


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.text(alphabet=link_alphabet, max_size=60),
        st.text(alphabet="1_adrfx.-0123456789", max_size=60),
        st.lists(st.text(alphabet="adrfx.-0123456789", max_size=12), max_size=8).map(
            lambda items: "_".join(["1", *items])
        ),
    )
)
def test_garbage_raises_only_value_error(text):
    try:
        edits = decode_edits(text, tag="abcd")
    except ValueError as error:
        assert str(error)
        return
    # Whatever is accepted is a valid log that encodes back to the same edits.
    assert all(isinstance(e, Edit) for e in edits)
    assert decode_edits(encode_edits(edits, tag="abcd"), tag="abcd") == edits


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="1_adrfx.-0123456789", max_size=40))
def test_garbage_never_crashes_the_replay(text):
    X, y = make_dataset("blobs", 20, 0.3, seed=0)
    try:
        apply_edits(X, y, decode_edits(text), 2)
    except ValueError:
        pass


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("banana", "starts with 'banana', but version '1' was expected"),
        ("2_r1", "newer version"),
        ("1_r1_q9", "item 3, 'q9', is not an edit"),
        ("1_r1__f2", "item 3 is empty"),
        ("1_a0.1", "item 2, 'a0.1', is not an edit"),
        ("1_r01", "is not an edit"),
        ("1_a0.1.-0", "is not an edit"),
        ("1_a0.100000000001.0", "is not an edit"),
        ("1_a0.1000000001.0", "farther than 1,000,000"),
        ("1_" + "<script>" * 10, "'<script><script><script>..."),
        ("1_d12345_r1", "is not an edit"),
        ("1_dabce_r1", "different data set"),
        ("1_r1" + "_r1" * MAX_EDITS, f"at most {MAX_EDITS:,} are allowed"),
        ("1_" + "9" * 50_000, "characters long"),
        ("1_dabcd_x250", "250 edits, more than a link can hold"),
    ],
)
def test_malformed_text_gets_a_message_to_act_on(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        decode_edits(text, tag="abcd")


def test_decode_of_a_non_string_is_a_value_error():
    with pytest.raises(ValueError, match="as text"):
        decode_edits(None)
    with pytest.raises(ValueError, match="tag"):
        decode_edits("1", tag="XYZ!")


# --- the link limit ---------------------------------------------------------------------------


def test_link_limit_by_count():
    log = [Edit.flip(i) for i in range(LINK_MAX_EDITS)]
    assert fits_in_link(log, tag="abcd")
    assert link_text(log, tag="abcd") == encode_edits(log, tag="abcd")
    more = [*log, Edit.flip(0)]
    assert not fits_in_link(more, tag="abcd")
    assert link_text(more, tag="abcd") == f"1_dabcd_x{LINK_MAX_EDITS + 1}"


def test_link_limit_by_length():
    far = [Edit.add(-99999.99, -99999.99, 9)] * 75  # 22 characters an edit
    assert len(encode_edits(far)) > LINK_MAX_LENGTH
    assert not fits_in_link(far)
    assert link_text(far) == "1_x75"
    # Typical edits of the Playground (two-digit coordinates) fit 100 to a link.
    typical = [Edit.add(-10.25 + i / 10, -9.75, 1) for i in range(LINK_MAX_EDITS)]
    assert fits_in_link(typical, tag="abcd")
    assert len(link_text(typical, tag="abcd")) <= LINK_MAX_LENGTH


def test_data_tag():
    tag = data_tag("blobs", 50, 0.3, 0, 2)
    assert len(tag) == 4 and set(tag) <= set("0123456789abcdef")
    assert tag == data_tag("blobs", 50, 0.3, 0, 2)
    others = {
        data_tag("blobs", 50, 0.3, 1, 2),
        data_tag("blobs", 60, 0.3, 0, 2),
        data_tag("moons", 50, 0.3, 0, 2),
        data_tag("blobs", 50, 0.35, 0, 2),
        data_tag("blobs", 50, 0.3, 0, 3),
    }
    assert tag not in others and len(others) == 5


# --- bounds and CSV ---------------------------------------------------------------------------


def test_edited_bounds_keep_the_plot_still_unless_a_point_leaves_it():
    bounds = ((0.0, 10.0), (0.0, 10.0))
    assert edited_bounds(bounds, [[0, 0], [10, 10]]) == bounds
    x_range, y_range = edited_bounds(bounds, [[-4, 5]])
    assert x_range[0] == -4 and x_range[1] - x_range[0] == y_range[1] - y_range[0]
    assert y_range[0] <= 0 and y_range[1] >= 10
    assert edited_bounds(bounds, np.empty((0, 2))) == bounds


def test_edited_data_round_trips_through_csv():
    X, y = make_dataset("blobs", 20, 0.3, seed=2)
    X2, y2 = apply_edits(X, y, [Edit.add(1.5, -2.25, 1), Edit.remove(3), Edit.flip(0)], 2)
    loaded = load_csv(to_csv(X2, y2))
    assert np.array_equal(loaded.X, X2) and np.array_equal(loaded.y, y2)
