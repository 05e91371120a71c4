"""The "Your own data" page: uploads through AppTest's file uploader, and the upload logic.

AppTest (Streamlit 1.67) drives ``st.file_uploader`` with ``set_value((name, bytes, mime))``,
so these tests upload real files from ``tests/data`` into the real page. The "bytes -> session
state" step (:func:`knn_ui.your_data.receive_file` and friends) is also tested on a plain dict.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from knn_core.csv_io import CSVError, load_csv
from knn_core.leave_one_out import leave_one_out
from knn_core.models import KNNClassifier
from knn_ui import your_data
from tests.neighbour_rows import app_prediction, app_rows

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DATA = ROOT / "tests" / "data"
BAD = DATA / "bad_csv"
TIMEOUT = 30


@pytest.fixture
def page():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/your_data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at, path=None, *, name=None, data=None):
    if data is None:
        data = Path(path).read_bytes()
    at.file_uploader[0].set_value((name or Path(path).name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def data_table(at) -> dict:
    """The "data in use" table as {row name: value}."""
    frame = at.dataframe[0].value
    return dict(zip(frame.iloc[:, 0], frame["value"], strict=True))


def loader_message(path, **kwargs) -> str:
    with pytest.raises(CSVError) as err:
        load_csv(Path(path).read_bytes(), **kwargs)
    return str(err.value)


def texts(at) -> list[str]:
    return [t.value for t in at.text]


def prediction_text(at) -> str:
    return app_prediction(at)


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


def test_empty_page_renders_states_the_limits_and_asks_for_a_file(page):
    assert page.title[0].value == "Your own data"
    assert page.file_uploader[0].allowed_type == [".csv", ".tsv", ".txt"]
    limits = " ".join(c.value for c in page.caption)
    assert "5 MB" in limits and "20,000 rows" in limits
    assert any("Upload a CSV file" in i.value for i in page.info)
    assert not page.error
    assert [b.label for b in page.get("download_button")] == ["Download the sample"]


def test_good_file_shows_columns_picture_vote_and_neighbours(page):
    upload(page, DATA / "good_tab_with_id.csv")
    assert [page.selectbox(key=k).value for k in your_data.COLUMN_KEYS] == [
        "height",
        "weight",
        "species",
    ]
    table = data_table(page)
    assert table["file"] == "good_tab_with_id.csv"
    assert table["points"] == "4"
    assert (table["x₁ (horizontal)"], table["x₂ (vertical)"], table["label"]) == (
        "height",
        "weight",
        "species",
    )
    assert prediction_text(page)
    assert len(app_rows(page)) == 3  # the neighbour table at k = 3
    assert not page.error


def test_bad_file_keeps_the_previous_data_and_shows_the_loaders_message(page):
    upload(page, DATA / "good_comma.csv")
    before = data_table(page)
    upload(page, BAD / "ragged_extra_cell.csv")
    assert "Your previous data is still loaded" in page.error[0].value
    assert "This file was not loaded" in page.error[0].value
    message = loader_message(BAD / "ragged_extra_cell.csv")
    assert message.startswith("Row ")
    assert message in texts(page)  # plain text, exactly the loader's words
    assert data_table(page) == before
    assert "good_comma.csv (5 points)" in texts(page)


@pytest.mark.parametrize(
    "name",
    ["utf16.csv", "xlsx_disguised.csv", "empty.csv", "two_columns.csv", "one_class.csv"],
)
def test_bad_file_first_shows_its_message_and_no_data(page, name):
    upload(page, BAD / name)
    assert not page.exception
    assert "This file was not loaded" in page.error[0].value
    assert "previous data" not in page.error[0].value
    assert loader_message(BAD / name) in texts(page)
    assert any("Upload a CSV file" in i.value for i in page.info)  # still nothing loaded


def test_a_good_file_replaces_the_data(page):
    upload(page, DATA / "good_comma.csv")
    first = data_table(page)
    upload(page, DATA / "good_tab_with_id.csv")
    second = data_table(page)
    assert first["file"] == "good_comma.csv" and second["file"] == "good_tab_with_id.csv"
    assert first["points"] != second["points"]
    assert second["label"] == "species"


def test_markdown_in_the_file_is_shown_verbatim(page):
    data = b"**x** [a](http://e.com),:red[b],label\n1,2,cat\n3,oops :smile:,dog\n"
    upload(page, name="md.csv", data=data)
    shown = " ".join(texts(page))
    assert "'**x** [a](http://e.com)'" not in shown  # column B is the bad one
    assert "':red[b]'" in shown and "'oops :smile:'" in shown
    assert not any(":smile:" in m.value for m in page.markdown)
    assert not any(":smile:" in e.value for e in page.error)


def test_choosing_other_columns_reloads_and_a_bad_choice_keeps_the_data(page):
    upload(page, DATA / "good_tab_with_id.csv")
    page.selectbox(key="own_x1").set_value("id").run()
    assert not page.exception
    table = data_table(page)
    assert (table["x₁ (horizontal)"], table["x₂ (vertical)"]) == ("id", "weight")
    assert not page.error

    page.selectbox(key="own_x2").set_value("species").run()  # text, not numbers
    assert not page.exception
    assert "These columns could not be loaded" in page.error[0].value
    assert "Your previous data is still loaded" in page.error[0].value
    expected = loader_message(
        DATA / "good_tab_with_id.csv", feature_columns=["id", "species"], label_column="species"
    )
    assert expected in texts(page)
    assert data_table(page)["x₂ (vertical)"] == "weight"  # unchanged


def test_a_file_that_loads_only_with_other_columns_can_be_rescued(page):
    # x2 is a column of numbers with a missing cell in row 3: the suggested columns (x1, x2)
    # fail, but the file is readable, so its columns are offered; the spare x3 loads.
    data = b"x1,x2,x3,label\n1,2,5,a\n3,,6,b\n5,6,7,a\n"
    upload(page, name="spare.csv", data=data)
    assert "with the columns suggested below" in page.error[0].value
    assert [page.selectbox(key=k).value for k in your_data.COLUMN_KEYS] == ["x1", "x2", "label"]
    page.selectbox(key="own_x2").set_value("x3").run()
    assert not page.exception
    assert not page.error
    assert data_table(page)["x₂ (vertical)"] == "x3"


def test_sample_button_loads_the_sample(page):
    next(b for b in page.button if b.label == "Use the sample file").click().run()
    assert not page.exception
    table = data_table(page)
    assert table["file"] == your_data.SAMPLE_NAME
    assert table["points"] == "120"
    assert page.slider(key="k").max == your_data.K_LIMIT  # 120 points, k capped at 100
    assert any("Leave-one-out accuracy" == m.label for m in page.metric)


def test_k_above_the_points_of_a_new_file_is_lowered_and_explained(page):
    next(b for b in page.button if b.label == "Use the sample file").click().run()
    page.slider(key="k").set_value(9).run()
    upload(page, DATA / "good_comma.csv")  # 5 points
    assert page.slider(key="k").value == 5
    assert any("lowered to 5" in i.value for i in page.sidebar.info)
    # k = n: nobody can be left out of their own vote; the page says so.
    assert any(m.label == "Points predicted right" for m in page.metric)
    assert any("plain predictions" in m.value for m in page.markdown)


def test_query_inputs_move_the_query(page):
    upload(page, DATA / "good_tab_with_id.csv")
    page.number_input(key="qx").set_value(29.0)
    page.number_input(key="qy").set_value(4.0).run()
    assert not page.exception
    page.slider(key="k").set_value(1).run()
    assert prediction_text(page) == "cat"
    page.number_input(key="qx").set_value(58.0)
    page.number_input(key="qy").set_value(28.0).run()
    assert prediction_text(page) == "dog"


# --------------------------------------------------------------------------------------------
# The upload logic on a plain dict
# --------------------------------------------------------------------------------------------


def test_receive_file_good_bad_good_on_a_dict():
    state = {}
    assert not your_data.receive_file(state, "bad.csv", (BAD / "utf16.csv").read_bytes())
    assert state.get(your_data.DATA) is None
    problem = state[your_data.PROBLEM]
    assert (problem.origin, problem.kept_previous) == ("file", False)

    good = (DATA / "good_comma.csv").read_bytes()
    assert your_data.receive_file(state, "good.csv", good)
    data = state[your_data.DATA]
    assert data.name == "good.csv" and data.digest == your_data.fingerprint(good)
    assert state[your_data.PROBLEM] is None

    state["qx"] = 1.0
    assert not your_data.receive_file(state, "bad.csv", (BAD / "nul_bytes.csv").read_bytes())
    assert state[your_data.DATA] is data  # untouched
    assert state[your_data.PROBLEM].kept_previous
    assert state["qx"] == 1.0  # the query stays with the data


def test_file_that_fails_on_its_suggested_columns_becomes_the_column_source():
    state = {}
    your_data.receive_file(state, "good.csv", (DATA / "good_comma.csv").read_bytes())
    before = state[your_data.DATA]
    bad = (BAD / "non_numeric_feature.csv").read_bytes()
    assert not your_data.receive_file(state, "bad.csv", bad)
    assert state[your_data.PROBLEM].origin == "file_columns"
    assert state[your_data.SOURCE].name == "bad.csv"
    assert state[your_data.DATA] is before
    assert not your_data.choose_columns(state, ("x1", "x2"), "label")
    assert state[your_data.PROBLEM].origin == "columns"


def test_new_data_forgets_the_query_point():
    state = {"qx": 3.0, "qy": 4.0}
    your_data.receive_file(state, "a.csv", (DATA / "good_comma.csv").read_bytes())
    assert "qx" not in state and "qy" not in state


class FakeUpload:
    def __init__(self, file_id, name, data):
        self.file_id, self.name, self._data = file_id, name, data

    def getvalue(self):
        return self._data


def test_handle_upload_reads_each_upload_once_and_an_empty_uploader_clears_the_message():
    state = {}
    bad = FakeUpload("1", "bad.csv", (BAD / "empty.csv").read_bytes())
    your_data.handle_upload(state, bad)
    assert state[your_data.PROBLEM] is not None
    state[your_data.PROBLEM] = None
    your_data.handle_upload(state, bad)  # the same upload on a rerun: not read again
    assert state[your_data.PROBLEM] is None
    your_data.handle_upload(state, FakeUpload("2", "bad.csv", bad.getvalue()))
    assert state[your_data.PROBLEM] is not None
    your_data.handle_upload(state, None)
    assert state[your_data.PROBLEM] is None


def test_default_columns_complete_the_suggestions():
    from knn_core.csv_io import inspect_csv

    table = inspect_csv(b"name,x,label\nann,1,a\nbob,2,b\n")  # one numeric column only
    assert your_data.default_columns(table) == ("x", "name", "label")


# --------------------------------------------------------------------------------------------
# Sample file and download
# --------------------------------------------------------------------------------------------


def test_sample_file_is_its_recipe_and_loads():
    assert your_data.SAMPLE_PATH.read_text(encoding="utf-8") == your_data.build_sample_csv()
    loaded = load_csv(your_data.SAMPLE_PATH.read_bytes())
    assert loaded.X.shape == (120, 2)
    assert sorted(set(loaded.y.tolist())) == ["bottom", "top"]


def test_download_holds_the_data_and_leave_one_out_predictions():
    state = {}
    your_data.receive_file(state, "s.csv", your_data.SAMPLE_PATH.read_bytes())
    data = state[your_data.DATA]
    model = KNNClassifier(5).fit(data.X, data.y)
    result = leave_one_out(model)
    text = your_data.predictions_csv(data, result.prediction)
    back = load_csv(text, feature_columns=["x1", "x2"], label_column="label")
    np.testing.assert_array_equal(back.X, data.X)
    np.testing.assert_array_equal(back.y, data.y)
    column = load_csv(text, feature_columns=["x1", "x2"], label_column="prediction")
    np.testing.assert_array_equal(column.y, result.prediction)


def test_prediction_column_is_renamed_when_the_file_uses_that_name():
    state = {}
    your_data.receive_file(state, "p.csv", b"x,y,prediction\n1,2,a\n3,4,b\n5,6,a\n")
    data = state[your_data.DATA]
    assert your_data.prediction_column_name(data) == "knn_prediction"
    text = your_data.predictions_csv(data, data.y)
    assert text.splitlines()[0] == "x,y,prediction,knn_prediction"


def test_download_name_is_safe():
    assert your_data.download_name("../My data (v2).csv") == "My_data_v2_with_predictions.csv"
    assert your_data.download_name("???.csv") == "data_with_predictions.csv"


def test_the_page_limits_are_enforced_by_the_loader():
    rows = "".join(f"{i},{i % 7},{'ab'[i % 2]}\n" for i in range(your_data.MAX_ROWS + 1))
    state = {}
    assert not your_data.receive_file(state, "rows.csv", ("x,y,label\n" + rows).encode())
    assert "20,000" in state[your_data.PROBLEM].message
    big = b"x,y,label\n" + b"1,2,a\n" * (your_data.MAX_BYTES // 6 + 1)
    assert len(big) > your_data.MAX_BYTES
    assert not your_data.receive_file(state, "big.csv", big)
    assert "5,000,000 bytes" in state[your_data.PROBLEM].message
    assert state.get(your_data.DATA) is None


def test_too_many_rows_upload_is_rejected_on_the_page(page):
    rows = "".join(f"{i},{i % 7},{'ab'[i % 2]}\n" for i in range(your_data.MAX_ROWS + 1))
    upload(page, name="rows.csv", data=("x,y,label\n" + rows).encode())
    assert "This file was not loaded" in page.error[0].value
    assert any("20,000" in t for t in texts(page))


def test_the_confusion_matrix_counts_the_leave_one_out_predictions(page):
    next(b for b in page.button if b.label == "Use the sample file").click().run()
    page.slider(key="k").set_value(9).run()
    state = {}
    your_data.receive_file(state, "s.csv", your_data.SAMPLE_PATH.read_bytes())
    data = state[your_data.DATA]
    model = KNNClassifier(9).fit(data.X, data.y)
    predicted = leave_one_out(model).prediction
    classes = model.classes_.tolist()
    spec = next(
        json.loads(c.proto.spec)
        for c in page.get("plotly_chart")
        if c.proto.id.endswith("own_confusion")
    )
    heat = spec["data"][0]
    assert heat["y"] == [str(c) for c in classes]
    counts = [[int(((data.y == t) & (predicted == p)).sum()) for p in classes] for t in classes]
    # The count of every cell is written in it; the diagonal is ticked.
    assert heat["text"] == [
        [f"✓ {n}" if i == j else str(n) for j, n in enumerate(row)] for i, row in enumerate(counts)
    ]
    right = sum(counts[i][i] for i in range(len(classes)))
    assert any(f"**{right} of 120**" in m.value for m in page.markdown)


def test_class_names_that_are_colour_names_keep_their_colour_and_shape(page):
    upload(page, DATA / "good_comma.csv")  # labels "red" and "blue"; "blue" sorts first
    classes = page.dataframe[1].value
    markers = dict(zip(classes["class"], classes["marker"], strict=True))
    assert markers == {"blue": "■ squares", "red": "● circles"}


@pytest.mark.parametrize(
    "name",
    ["tab_decimal_comma.tsv", "whitespace_aligned.txt", "excel_de_semicolon_decimal_comma.csv"],
)
def test_spreadsheet_exports_load_and_the_page_says_what_was_detected(page, name):
    path = DATA / "exports" / name
    upload(page, path)
    assert not page.error
    assert data_table(page)["points"] == "3"
    notes = texts(page)
    for note in load_csv(path.read_bytes()).notes:
        assert note in notes
    assert any(c.value == "How the file was read:" for c in page.caption)
