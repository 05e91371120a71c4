"""Spreadsheet exports in other conventions load, and the student is told what was detected.

Each file in ``tests/data/exports`` holds the same three points, written the way a spreadsheet
program in some locale (or a hand-made text table) writes them: ``(1.5, 2)``, ``(2, 0.25)``,
``(-3.75, 1000)``. Each must load to exactly those numbers, and :attr:`CSVTable.notes` must
name what was detected, in words.
"""

from pathlib import Path

import numpy as np
import pytest

from knn_core.csv_io import CSVError, inspect_csv, load_csv

EXPORTS = Path(__file__).parent / "data" / "exports"
POINTS = [[1.5, 2.0], [2.0, 0.25], [-3.75, 1000.0]]

# file name -> (delimiter used for the rows, words every note must contain, in order)
CASES = {
    "excel_de_semicolon_decimal_comma.csv": (";", ["semicolons", "Decimal commas"]),
    "pipe.csv": ("|", ["vertical bars"]),
    "whitespace_aligned.txt": (" ", ["spaces"]),
    "tab_decimal_comma.tsv": ("\t", ["tabs", "Decimal commas"]),
    "header_commas_rows_semicolons.csv": (";", ["header is separated by commas", "Decimal"]),
    "excel_sep_line.csv": (";", ["sep=;", "semicolons", "Decimal commas"]),
    "trailing_delimiters.csv": (";", ["semicolons", "delimiter at the end", "Decimal commas"]),
    "us_thousands_quoted.csv": (",", ["Commas between thousands"]),
    "de_thousands_points.csv": (";", ["semicolons", "Decimal commas"]),
    "fr_thousands_nbsp.csv": (";", ["semicolons", "Decimal commas"]),
    "percentages.csv": (",", ["Percentages"]),
    "unicode_minus.csv": (",", ["Minus signs"]),
    "all_quoted.csv": (",", []),
    "old_mac_cr.csv": (",", []),
    "libreoffice_comma_quoted_decimal_commas.csv": (",", ["Decimal commas"]),
    "missing_trailing_newline_spaces.csv": (",", []),
    "pandas_index.csv": (",", ["called 'index'"]),
}


def test_every_export_on_disk_is_tested():
    assert {p.name for p in EXPORTS.iterdir()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_loads_exactly_and_says_what_was_detected(name):
    delimiter, words = CASES[name]
    raw = (EXPORTS / name).read_bytes()
    table = inspect_csv(raw)
    assert table.delimiter == delimiter
    data = load_csv(raw)
    np.testing.assert_array_equal(data.X, POINTS)
    assert len(set(data.y.tolist())) == 2
    assert len(table.notes) == len(words), table.notes
    for note, word in zip(table.notes, words, strict=True):
        assert word in note
    assert data.notes == table.notes


def test_decimal_comma_column_names_are_kept_and_named_in_the_note():
    table = inspect_csv("Länge, cm;Breite, cm;Art\n1,5;2,5;a\n3,5;4;b\n")
    assert table.delimiter == ";"
    assert table.columns == ("Länge, cm", "Breite, cm", "Art")
    assert table.notes[-1].endswith("in 'Länge, cm', 'Breite, cm'.")


@pytest.mark.parametrize(
    ("text", "x1"),
    [
        ('x,y,c\n"1,234.5",1,a\n"2,000",2,b\n', [1234.5, 2000.0]),  # comma file: thousands
        ("x;y;c\n1,234;1;a\n2,5;2;b\n", [1.234, 2.5]),  # semicolon file: decimal comma
        ("x;y;c\n1.234,5;1;a\n2,5;2;b\n", [1234.5, 2.5]),  # points group thousands
        ("x;y;c\n1.234;1;a\n2.5;2;b\n", [1.234, 2.5]),  # plain decimal points stay
        ('x,y,c\n"1,5",1,a\n2,2,b\n', [1.5, 2.0]),  # not three digits: a decimal comma
    ],
)
def test_number_conventions_follow_the_file(text, x1):
    assert load_csv(text).X[:, 0].tolist() == x1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        # Both decimal marks in one column: nothing is guessed, the cell is named.
        ("x;y;c\n1.5;1;a\n2,5;2;b\n", r"holds '2,5': use a decimal point"),
        # Percent signs on some cells only.
        ("x,y,c\n45%,1,a\n0.5,2,b\n", r"holds '45%', which is not a number"),
        # A comma file with unquoted decimal commas cannot be told apart from extra cells.
        ("x,y,c\n1,5,2,a\n3,4,b\n", r"Row 2 has 4 cells.*decimal commas such as 1,5 need a point"),
    ],
)
def test_ambiguous_numbers_are_refused_with_the_real_cause(text, match):
    with pytest.raises(CSVError, match=match):
        load_csv(text)


def test_missing_markers_stay_missing_in_a_decimal_comma_column():
    with pytest.raises(CSVError, match=r"^Row 3, column 'x' \(column A\) holds 'NA', which looks"):
        load_csv("x;y;c\n1,5;1;a\nNA;2;b\n2,5;3;a\n")


def test_a_plain_comma_file_has_no_notes():
    assert inspect_csv("x,y,c\n1,2,a\n3,4,b\n").notes == ()
