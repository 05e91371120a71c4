import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knn_core._validation import MAX_TRAINING_VALUE, MIN_SPREAD
from knn_core.csv_io import CSVError, CSVTable, LoadedData, inspect_csv, load_csv, to_csv

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad_csv"

# One file per case: file name -> (keyword arguments for load_csv, regex the message must match).
BAD_CASES = {
    "empty.csv": ({}, r"^The file is empty\. .*x1,x2,label"),
    "whitespace_only.csv": ({}, r"^The file is empty\."),
    "header_only.csv": ({}, r"header \(row 1: 'x1', 'x2', 'label'\) but no data rows"),
    "non_numeric_feature.csv": (
        {},
        r"^Row 4, column 'x2' \(column B\) holds 'abc', which is not a number\. "
        r"Feature columns may hold only numbers",
    ),
    "long_non_numeric_value.csv": (
        {},
        r"^Row 3, column 'x1' \(column A\) holds 'q{30}'\.\.\. \(200 characters\), which is not",
    ),
    "missing_value.csv": ({}, r"^Row 3, column 'x1' \(column A\) is empty \(a missing value\)"),
    "missing_marker_na.csv": (
        {},
        r"^Row 5, column 'x2' \(column B\) holds 'NA', which looks like a missing value",
    ),
    "missing_label.csv": (
        {},
        r"^Row 3, column 'label' \(column C\) is empty: every point needs a label",
    ),
    "one_class.csv": (
        {},
        r"same label 'red' in column 'label' \(column C\), so there is only one class",
    ),
    "one_row.csv": ({}, r"only one data row \(row 2\)\. KNN needs at least two points"),
    "too_many_rows.csv": ({"max_rows": 25}, r"more than 25 data rows, the most allowed"),
    "too_many_bytes.csv": ({"max_bytes": 100}, r"The file is 202 bytes, more than the 100 bytes"),
    "too_many_classes.csv": (
        {},
        r"column 'label' \(column C\) has 12 different values, but at most 10 classes",
    ),
    "duplicate_columns.csv": (
        {},
        r"column name 'x' appears twice in the header \(row 1\): columns A and B",
    ),
    "formula_equals.csv": (
        {},
        r"^Row 3, column 'label' \(column C\): the cell '=SUM\(A1:A3\)' starts with '=', so a "
        r"spreadsheet could run it as a formula",
    ),
    "formula_plus.csv": ({}, r"^Row 4, column 'label' \(column C\): .* starts with '\+'.*formula"),
    "formula_minus.csv": (
        {},
        r"^Row 3, column 'x2' \(column B\): the cell '-2\+3' starts with '-'.*only when they "
        r"are numbers such as -1\.5",
    ),
    "formula_at.csv": ({}, r"^Row 2, column 'label' \(column C\): .*'@SUM.* starts with '@'"),
    "formula_in_header.csv": ({}, r"^Row 1, the header: the cell '=x2' starts with '='"),
    "nul_bytes.csv": ({}, r"^Row 3 contains a NUL byte .*binary file, not CSV text"),
    "xlsx_disguised.csv": ({}, r"looks like an Excel workbook.*CSV UTF-8"),
    "latin1.csv": (
        {},
        r"^Row 3 contains the byte 0xE9, which is not valid UTF-8.*Save it as UTF-8",
    ),
    "utf16.csv": ({}, r"saved as UTF-16 text, not UTF-8\. Save it as UTF-8"),
    "two_columns.csv": (
        {},
        r"has 2 columns \('x', 'label'\), but at least 3 are needed: two numeric feature "
        r"columns .* and one label column",
    ),
    "ragged_extra_cell.csv": (
        {},
        r"^Row 3 has 4 cells, but the header \(row 1\) has 3 columns\..*comma.*decimal commas",
    ),
    "ragged_missing_cell.csv": (
        {},
        r"^Row 4 has 2 cells, but the header \(row 1\) has 3 columns\. .*Fill in the missing",
    ),
    "unclosed_quote.csv": ({}, r"^Row 3 could not be read as CSV: .*never closed"),
    "mixed_decimal_marks.csv": (
        {},
        r"^Row 3, column 'x1' \(column A\) holds '2,5': use a decimal point.*"
        r"Other rows with the same kind of problem: 5\.",
    ),
    "huge_1e308.csv": (
        {},
        r"^Row 3, column 'x1' \(column A\) holds '1e308', which is too large: distances "
        r"between numbers this large cannot be computed in floating point.*Other rows with "
        r"numbers too large: 4\.",
    ),
    "huge_1e200.csv": (
        {},
        r"^Row 2, column 'x2' \(column B\) holds '-1.5e200', which is too large",
    ),
    "huge_1e160_squares_overflow.csv": (
        {},
        r"^Row 3, column 'x1' \(column A\) holds '1e160', which is too large.*squares",
    ),
    "tiny_spread_1e-320.csv": (
        {},
        r"^The column 'x1' \(column A\) spans only 3e-320 .*vanish to 0.*at least 1e-25",
    ),
    "ragged_header_semicolons_rows_pipes.csv": (
        {},
        r"^Row 2 has 1 cell, but the header \(row 1\) has 4 columns.*read with the semicolon "
        r"\(';'\) as the delimiter, but the values seem to be separated by vertical bar",
    ),
    "excel_sep_line_unknown.csv": ({}, r"^Row 1 says sep=#, but only a comma, semicolon"),
    "colon_separated.csv": (
        {},
        r"^The file has 1 column \('x1:x2:label'\).*The values seem to be separated by ':'",
    ),
    "empty_header_cell.csv": ({}, r"^Column B of the header \(row 1\) has no name"),
    "no_header.csv": ({}, r"^Row 1 should hold the column names, but it holds numbers"),
    "chosen_column_missing.csv": (
        {"feature_columns": ("x1", "height")},
        r"feature column 'height' was not found in the file\. "
        r"Available columns: 'x1', 'x2', 'label'\.",
    ),
    "infinite_value.csv": (
        {},
        r"^Row 3, column 'x2' \(column B\) holds '1e999', which is too large",
    ),
    "label_chosen_as_feature.csv": (
        {"feature_columns": ["x1", "label"], "label_column": "label"},
        r"'label' was chosen both as a feature and as the label",
    ),
}


def test_the_corpus_on_disk_is_the_corpus_tested():
    on_disk = {p.name for p in BAD.iterdir() if p.is_file()}
    assert on_disk == set(BAD_CASES)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_file_is_rejected_with_an_actionable_message(name):
    kwargs, match = BAD_CASES[name]
    with pytest.raises(CSVError, match=match) as info:
        load_csv((BAD / name).read_bytes(), **kwargs)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message and "\x00" not in message
    assert len(message) < 600


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_file_fails_the_same_way_as_text(name):
    """Decoded to text first (as if pasted), the file fails the same way, unless the problem
    was the bytes themselves."""
    raw = (BAD / name).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    if "\x00" in text:
        return
    kwargs, match = BAD_CASES[name]
    with pytest.raises(CSVError, match=match):
        load_csv(text, **kwargs)


# ------------------------------------------------------------------ good files


def test_good_comma():
    data = load_csv((DATA / "good_comma.csv").read_bytes())
    assert isinstance(data, LoadedData)
    np.testing.assert_array_equal(
        data.X, [[1.0, 2.0], [2.5, 0.5], [3.0, 1.5], [4.0, 4.0], [-1.25, 0.03]]
    )
    assert data.X.dtype == np.float64 and data.X.shape == (5, 2)
    assert data.y.tolist() == ["red", "blue", "red", "blue", "red"]
    assert data.y.dtype.kind == "U"
    assert data.feature_names == ("x1", "x2") and data.label_name == "label"
    assert data.row_numbers.tolist() == [2, 3, 4, 5, 6]


def test_good_semicolon_with_blank_lines_and_integer_labels():
    raw = (DATA / "good_semicolon_blank_lines.csv").read_bytes()
    table = inspect_csv(raw)
    assert table.delimiter == ";"
    assert table.columns == ("x", "y", "class")
    assert table.numeric_columns == ("x", "y", "class")
    assert (table.suggested_features, table.suggested_label) == (("x", "y"), "class")
    data = load_csv(raw)
    np.testing.assert_array_equal(data.X, [[0.5, 1.5], [1.5, 0.5], [2.0, 2.0], [-3.0, 4.0]])
    assert data.y.dtype == np.int64 and data.y.tolist() == [0, 1, 1, 0]
    # blank lines (and the row of empty cells) are skipped but still counted, as in a sheet
    assert data.row_numbers.tolist() == [2, 4, 5, 7]


def test_good_tab_with_id_column_is_not_suggested_as_a_feature():
    raw = (DATA / "good_tab_with_id.csv").read_bytes()
    table = inspect_csv(raw)
    assert table.delimiter == "\t"
    assert table.numeric_columns == ("id", "height", "weight")
    assert table.suggested_features == ("height", "weight")
    assert table.suggested_label == "species"
    data = load_csv(raw)
    assert data.X[:, 0].tolist() == [30.5, 60.0, 28.0, 55.5]
    assert data.y.tolist() == ["cat", "dog", "cat", "dog"]
    # the id column can still be chosen explicitly
    chosen = load_csv(raw, feature_columns=["weight", "id"])
    assert chosen.feature_names == ("weight", "id") and chosen.X[:, 1].tolist() == [1, 2, 3, 4]


def test_good_bom_crlf_quoted_and_non_ascii():
    data = load_csv((DATA / "good_bom_crlf_quoted.csv").read_bytes())
    assert data.feature_names == ("x1", "x2")  # the BOM is not part of the first name
    np.testing.assert_array_equal(data.X, [[1000.0, -2.5], [0.5, 7.0], [-0.25, 0.001]])
    assert data.y.tolist() == ["a, b", "café", "a, b"]


def test_good_label_first_with_spaces():
    data = load_csv((DATA / "good_label_first_spaces.csv").read_bytes())
    assert data.label_name == "class" and data.feature_names == ("x", "y")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4], [5, 6]])
    assert data.y.tolist() == ["A", "B", "A"]


def test_every_good_file_is_covered():
    assert {p.name for p in DATA.glob("good_*.csv")} == {
        "good_comma.csv",
        "good_semicolon_blank_lines.csv",
        "good_tab_with_id.csv",
        "good_bom_crlf_quoted.csv",
        "good_label_first_spaces.csv",
    }


# ------------------------------------------------------------------ inspect_csv details


def test_inspect_returns_all_rows_and_suggestions():
    table = inspect_csv("a,b,name,c\n1,2,p,x\n3,4,q,y\n")
    assert isinstance(table, CSVTable)
    assert table.rows == [["1", "2", "p", "x"], ["3", "4", "q", "y"]]
    assert table.row_numbers == (2, 3) and table.n_rows == 2 and table.header_row == 1
    assert table.numeric_columns == ("a", "b")
    assert table.suggested_features == ("a", "b") and table.suggested_label == "c"


def test_header_after_blank_lines_counts_rows_like_a_spreadsheet():
    with pytest.raises(CSVError, match=r"^Row 5, column 'x' \(column A\) holds 'oops'"):
        load_csv("\n\nx,y,label\n1,2,a\noops,3,b\n")


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ('a;b;c\n"1,5";2;x\n', ";"),
        ("single\n1\n2\n", ","),  # nothing to detect: comma
    ],
)
def test_delimiter_detection(text, delimiter):
    assert inspect_csv(text).delimiter == delimiter


def test_ragged_semicolon_file_names_the_semicolon():
    # csv.Sniffer gives up on ragged files; the header's most frequent candidate decides.
    with pytest.raises(CSVError, match=r"Row 3 has 4 cells.*semicolon \(';'\)"):
        inspect_csv("a;b;c\n1;2;3\n1;2;3;4\n")
    with pytest.raises(CSVError, match=r"Row 2 has 2 cells.*header \(row 1\) has 3 columns"):
        inspect_csv("a;b;c\n1;2\n")


def test_max_rows_boundary():
    text = "x1,x2,label\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(25))
    assert load_csv(text, max_rows=25).X.shape == (25, 2)
    with pytest.raises(CSVError, match="more than 24 data rows"):
        load_csv(text, max_rows=24)


def test_max_bytes_boundary_counts_utf8_bytes():
    text = "x1,x2,label\n1,2,é\n3,4,ü\n"
    size = len(text.encode("utf-8"))
    assert load_csv(text, max_bytes=size).y.tolist() == ["é", "ü"]
    with pytest.raises(
        CSVError, match=rf"The file is {size} bytes, more than the {size - 1} bytes"
    ):
        load_csv(text, max_bytes=size - 1)
    with pytest.raises(CSVError, match=r"\(6\.0 MB\), more than the 5,000,000 bytes \(5\.0 MB\)"):
        inspect_csv(b"a" * 6_000_000)


def test_max_classes_boundary():
    text = "x1,x2,label\n" + "".join(f"{i},{i},c{i}\n" for i in range(10))
    assert len(set(load_csv(text).y.tolist())) == 10
    with pytest.raises(CSVError, match="has 10 different values, but at most 9 classes"):
        load_csv(text, max_classes=9)


def test_an_oversized_cell_is_reported_with_its_row():
    text = 'x1,x2,label\n1,2,a\n3,4,"' + "x" * 200_000 + '"\n'
    with pytest.raises(CSVError, match=r"^Row 3 could not be read as CSV: a cell is longer"):
        inspect_csv(text)


def test_text_after_a_closing_quote_is_reported():
    with pytest.raises(CSVError, match=r"^Row 2 could not be read as CSV: it has text right after"):
        inspect_csv('a,b,c\n1,2,"x" y\n')


def test_utf16_without_bom_and_nul_in_text():
    with pytest.raises(CSVError, match="UTF-16"):
        inspect_csv("x1,x2,label\n1,2,a\n3,4,b\n".encode("utf-16-le"))
    with pytest.raises(CSVError, match=r"^Row 2 contains a NUL character"):
        inspect_csv("x1,x2,label\n1,2\x00,a\n")


def test_bom_in_text_input_is_accepted():
    assert inspect_csv("\ufeffx1,x2,label\n1,2,a\n").columns == ("x1", "x2", "label")


def test_values_are_shown_safely():
    with pytest.raises(CSVError) as info:
        load_csv("x1,x2,label\n1,2,a\n\x1b[31mred<b>,3,b\n")
    message = str(info.value)
    assert "\x1b" not in message and "'\\x1b[31mred<b>'" in message


def test_many_bad_rows_are_summarised():
    rows = "".join(f"{'bad' if i % 3 == 0 else i},{i},{i % 2}\n" for i in range(60))
    with pytest.raises(
        CSVError, match=r"^Row 2, .*same kind of problem: 5, 8, 11, .*, 26, \.\.\.\.$"
    ):
        load_csv("x1,x2,label\n" + rows)


@pytest.mark.parametrize("cell", ["-1.5", "+2", "-.5", "1e-3", "-2E+4", "7.", "+0"])
def test_signed_numbers_are_not_formulas(cell):
    data = load_csv(f"x1,x2,label\n{cell},1,a\n0,2,b\n")
    assert data.X[0, 0] == float(cell)


@pytest.mark.parametrize("cell", ["-ve", "-", "+", "@home", "=1", "-1-1", "+inf", "-nan"])
def test_formula_looking_text_is_rejected_in_any_column(cell):
    with pytest.raises(CSVError, match=r"^Row 3, column 'label' \(column C\): the cell .*formula"):
        inspect_csv(f"x1,x2,label\n1,2,a\n3,4,{cell}\n")


@pytest.mark.parametrize(
    "cell", ["1,5,3", "1.5,3", "nan", "inf", "0x10", "1_000", "١٢", "1 0", "½", "45%5"]
)
def test_only_plain_decimal_numbers_are_features(cell):
    with pytest.raises(CSVError, match=r"^Row 2, column 'x1' \(column A\) holds "):
        load_csv(f'x1,x2,label\n"{cell}",1,a\n2,3,b\n')


# ------------------------------------------------------------------ choosing columns


CHOICE_CSV = "id,x,y,z,kind\n1,0.5,1.5,10,a\n2,1.5,0.5,20,b\n3,2.5,2.5,30,a\n"


def test_default_choice_uses_the_suggestions():
    data = load_csv(CHOICE_CSV)
    assert data.feature_names == ("x", "y") and data.label_name == "kind"


def test_choosing_only_the_label_takes_the_suggested_features():
    data = load_csv(CHOICE_CSV, label_column="id")
    assert data.label_name == "id" and data.feature_names == ("x", "y")
    assert data.y.tolist() == [1, 2, 3]


def test_choosing_only_the_features_keeps_the_suggested_label():
    data = load_csv(CHOICE_CSV, feature_columns=("z", "x"))
    assert data.feature_names == ("z", "x") and data.label_name == "kind"
    np.testing.assert_array_equal(data.X, [[10, 0.5], [20, 1.5], [30, 2.5]])


def test_choosing_the_suggested_label_as_a_feature_moves_the_label():
    data = load_csv("x,y,label\n1,2,3\n4,5,6\n", feature_columns=("x", "label"))
    assert data.label_name == "y"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"label_column": "Kind"},
            r"label column 'Kind' was not found.*'id', 'x', 'y', 'z', 'kind'",
        ),
        ({"feature_columns": ("x",)}, r"exactly two feature columns, but got 1: 'x'"),
        ({"feature_columns": ("x", "y", "z")}, r"exactly two feature columns, but got 3"),
        ({"feature_columns": "xy"}, r"exactly two feature columns as a list of names"),
        (
            {"feature_columns": ("x", "x")},
            r"two different feature columns, but 'x' was chosen twice",
        ),
        ({"feature_columns": ("x", 2)}, r"feature column to be a column name \(text\), but got 2"),
        ({"feature_columns": ("x", "kind")}, r"^Row 2, column 'kind' \(column E\) holds 'a'"),
    ],
)
def test_bad_choices(kwargs, match):
    with pytest.raises(CSVError, match=match):
        load_csv(CHOICE_CSV, **kwargs)


def test_two_columns_are_enough_only_if_the_student_chooses():
    with pytest.raises(CSVError, match=r"Two feature columns besides the label column 'b'"):
        load_csv("a,b\n1,x\n2,y\n", label_column="b")
    with pytest.raises(CSVError, match=r"No column is left for the label"):
        load_csv("a,b\n1,2\n2,3\n", feature_columns=("a", "b"))


def test_a_non_numeric_column_among_the_default_features_is_named():
    with pytest.raises(CSVError, match=r"^Row 2, column 'b' \(column B\) holds 'oops'"):
        load_csv("a,b,c\n1,oops,0\n2,3,1\n")


@pytest.mark.parametrize(
    ("labels", "dtype_kind", "values"),
    [
        (["0", "1", "-2"], "i", [0, 1, -2]),
        (["+3", "03", "3"], "i", [3, 3, 3]),  # integers compare as numbers
        (["1.0", "2.0", "1.0"], "U", ["1.0", "2.0", "1.0"]),
        (["1", "a", "1"], "U", ["1", "a", "1"]),
        (["99999999999999999999", "1", "2"], "U", ["99999999999999999999", "1", "2"]),
    ],
)
def test_label_types(labels, dtype_kind, values):
    text = "x1,x2,label\n" + "".join(f"{i},{i},{lab}\n" for i, lab in enumerate(labels))
    if len(set(values)) < 2:
        with pytest.raises(CSVError, match="only one class"):
            load_csv(text)
        return
    data = load_csv(text)
    assert data.y.dtype.kind == dtype_kind and data.y.tolist() == values


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_rows": 0}, r"max_rows to be an integer >= 1, but got max_rows = 0"),
        ({"max_bytes": -1}, r"max_bytes to be an integer >= 1, but got max_bytes = -1"),
        ({"max_classes": 1}, r"max_classes to be an integer >= 2, but got max_classes = 1"),
        ({"max_classes": 2.5}, r"max_classes = 2\.5"),
    ],
)
def test_bad_limits(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_csv("a,b,c\n1,2,x\n3,4,y\n", **kwargs)


def test_wrong_input_type():
    with pytest.raises(TypeError, match="bytes or str, but got int"):
        inspect_csv(12)


def test_bytearray_and_memoryview_are_accepted():
    raw = b"x1,x2,label\n1,2,a\n3,4,b\n"
    for data in (bytearray(raw), memoryview(raw)):
        assert load_csv(data).y.tolist() == ["a", "b"]


# ------------------------------------------------------------------ to_csv


def test_to_csv_writes_extra_columns_and_neutralises_formulas():
    text = to_csv(
        np.array([[1.0, -2.5], [0.1, 3e20]]),
        np.array(["=HYPERLINK(x)", "cat"]),
        feature_names=("@width", "height"),
        label_name="label",
        extra_columns={"prediction": np.array(["+1+1", "dog"]), "p": [0.25, np.nan]},
    )
    assert text.splitlines() == [
        "'@width,height,label,prediction,p",
        "1.0,-2.5,'=HYPERLINK(x),'+1+1,0.25",
        "0.1,3e+20,cat,dog,",
    ]


def test_to_csv_quotes_delimiters_and_quotes():
    text = to_csv([[1, 2], [3, 4]], ['say "hi"', "a, b; c"])
    data = load_csv(text)
    assert data.y.tolist() == ['say "hi"', "a, b; c"]


def test_to_csv_integer_and_bool_cells():
    text = to_csv([[1, 2]], np.array([7], dtype=np.int64), extra_columns={"ok": [True]})
    assert text.splitlines()[1] == "1,2,7,True"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([[1, 2, 3]], [0]), {}, r"X of shape \(n_samples, 2\), but got X with shape \(1, 3\)"),
        (([[1, 2]], [0, 1]), {}, r"y of shape \(1,\) to match X, but got y with shape \(2,\)"),
        (([[1, 2]], [0]), {"feature_names": ("a",)}, r"feature_names to hold 2 names"),
        (([[1, 2]], [0]), {"label_name": "x1"}, r"different column names, but \['x1'\]"),
        (([[1, 2]], [0]), {"extra_columns": {"p": [1, 2]}}, r"extra column 'p' of shape \(1,\)"),
        (([[1, 2]], [0]), {"extra_columns": [1]}, r"extra_columns to be a dict"),
        (([[1, 2]], [0]), {"label_name": " "}, r"non-empty text"),
    ],
)
def test_to_csv_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_csv(*args, **kwargs)


def test_round_trip_of_a_generated_data_set():
    from knn_core.datasets import spiral

    X, y = spiral(n_samples=300, noise=0.3, seed=1, n_classes=4)
    pred = (y + 1) % 4
    text = to_csv(X, y, extra_columns={"prediction": pred})
    data = load_csv(text)
    np.testing.assert_array_equal(data.X, X)  # exact: numbers are written in round-trip form
    np.testing.assert_array_equal(data.y, y)
    again = load_csv(text, feature_columns=("x1", "x2"), label_column="prediction")
    np.testing.assert_array_equal(again.y, pred)


finite = st.floats(-MAX_TRAINING_VALUE, MAX_TRAINING_VALUE, allow_nan=False, width=64)
word = st.from_regex(r"[A-Za-zé]([A-Za-z0-9 ,;\"'é]{0,8}[A-Za-z0-9é])?", fullmatch=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    n=st.integers(2, 30),
    integer_labels=st.booleans(),
)
def test_random_tables_round_trip(data, n, integer_labels):
    X = np.array(data.draw(st.lists(st.tuples(finite, finite), min_size=n, max_size=n)))
    if integer_labels:
        pool = data.draw(
            st.lists(st.integers(-(2**40), 2**40), min_size=2, max_size=10, unique=True)
        )
    else:
        pool = data.draw(st.lists(word, min_size=2, max_size=10, unique=True))
    labels = [pool[0], pool[1]] + data.draw(
        st.lists(st.sampled_from(pool), min_size=n - 2, max_size=n - 2)
    )
    y = np.array(labels)
    spread = X.max(axis=0) - X.min(axis=0)
    if ((spread > 0) & (spread < MIN_SPREAD)).any():
        with pytest.raises(CSVError, match=r"spans only .* vanish to 0"):
            load_csv(to_csv(X, y))
        return
    loaded = load_csv(to_csv(X, y))
    np.testing.assert_array_equal(loaded.X, X)
    assert loaded.X.dtype == np.float64
    assert loaded.y.tolist() == y.tolist()
    assert loaded.y.dtype.kind == ("i" if integer_labels else "U")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_any_input_either_loads_completely_or_raises_csverror(data):
    try:
        table = inspect_csv(data)
    except CSVError:
        return
    assert all(len(row) == len(table.columns) for row in table.rows)
    try:
        loaded = load_csv(data)
    except CSVError:
        return
    assert loaded.X.shape == (table.n_rows, 2) and np.all(np.isfinite(loaded.X))
    assert len(loaded.y) == table.n_rows >= 2 and len(set(loaded.y.tolist())) >= 2


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.one_of(st.text(max_size=6), finite.map(repr)), min_size=3, max_size=3),
        min_size=1,
        max_size=8,
    )
)
def test_random_cells_either_load_or_raise_csverror(rows):
    text = "x1,x2,label\n" + "".join(
        ",".join(f'"{c.replace(chr(34), 2 * chr(34))}"' for c in r) + "\n" for r in rows
    )
    try:
        loaded = load_csv(text)
    except CSVError:
        return
    assert np.all(np.isfinite(loaded.X))


def test_knn_core_data_modules_do_not_import_pandas_or_ui_libraries():
    code = (
        "import sys, knn_core.datasets, knn_core.csv_io, knn_core.lessons.projection;"
        "bad = {'pandas', 'streamlit', 'plotly', 'sklearn'} & set(sys.modules);"
        "print(', '.join(sorted(bad)));"
        "sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
