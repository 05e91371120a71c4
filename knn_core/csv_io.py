"""Read a student's CSV file into a 2-D classification set, and write one back out.

Only Python's :mod:`csv` module and numpy are used. Reading is in two steps, so that a page can
let the student choose columns between them:

1. :func:`inspect_csv` decodes and parses the file, checks its shape (size, encoding, header,
   same number of cells in every row, no spreadsheet formulas) and suggests two feature columns
   and a label column.
2. :func:`load_csv` turns the chosen columns into ``X`` (n, 2) and ``y``.

Every problem raises :class:`CSVError` (a ``ValueError``) with a message a student can act on:
it names the row as a spreadsheet shows it (the header is row 1, the first data row is row 2),
the column by name and letter (``'x1' (column A)``), what was wrong and what is allowed. Values
from the file are shown with ``repr`` and cut to about 30 characters. Nothing is half-loaded:
either complete data comes back or an error is raised.

Cells are stripped of surrounding spaces. Completely blank rows are skipped (but still counted in
row numbers). Files as spreadsheets in any locale export them are read: the delimiter (comma,
semicolon, tab, vertical bar, or columns aligned with spaces; a header separated by another
delimiter than the rows; Excel's ``sep=;`` first line) is detected by which candidate splits
the lines into equal numbers of cells, preferring the one that yields numbers; numbers with a
decimal comma, thousands separators, percent signs or a typographic minus are rewritten as
plain numbers where a whole column reads one way (see :func:`_normalise_numbers`), and empty
cells from a delimiter at the end of every row are dropped. What was detected is listed in
:attr:`CSVTable.notes`, for the student. A file that stays ambiguous is refused with a message
naming the cause (for example, that its values seem to be separated by ``';'``).

Values larger than :data:`knn_core._validation.MAX_TRAINING_VALUE` in size, and feature columns that
vary by less than :data:`knn_core._validation.MIN_SPREAD`, are refused: distances between them
cannot be computed in floating point.

:func:`to_csv` writes points, labels and extra columns (for example predictions) as CSV text.
Text cells that a spreadsheet could run as a formula are prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from knn_core._validation import MAX_TRAINING_VALUE, MIN_SPREAD, TOO_LARGE, spread_problem

__all__ = ["CSVError", "CSVTable", "LoadedData", "inspect_csv", "load_csv", "to_csv"]

DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_CLASSES = 10

_DELIMITERS = (",", ";", "\t", "|")
#: Whitespace-aligned columns (one or more spaces or tabs between values) are read with this.
_WHITESPACE = " "
_DELIMITER_NAMES = {
    ",": "comma",
    ";": "semicolon",
    "\t": "tab",
    "|": "vertical bar",
    _WHITESPACE: "run of spaces",
}
_DELIMITER_PLURALS = {
    ",": "commas",
    ";": "semicolons",
    "\t": "tabs",
    "|": "vertical bars (|)",
    _WHITESPACE: "spaces (columns aligned with spaces)",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Spaces that spreadsheets put between thousands: space, no-break space, narrow no-break space.
_GROUP_SPACES = " \u00a0\u202f"
# Numbers as spreadsheets in other locales export them (see _number_format).
_POINT_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
_COMMA_DECIMAL = re.compile(
    r"[+-]?(?:[0-9]{1,3}(?:[.\u00a0\u202f ][0-9]{3})+|[0-9]+)(?:,[0-9]+)?(?:[eE][+-]?[0-9]+)?"
)
# Anything made of digits and separators: never a formula, whatever its first character.
_NUMBERISH = re.compile(
    r"[+\-\u2212]?[0-9.,\u00a0\u202f ]*[0-9][0-9.,\u00a0\u202f ]*(?:[eE][+-]?[0-9]+)?%?"
)
_EXCEL_SEP = re.compile(r'"?sep=(.)"?,*', re.IGNORECASE)
_SAMPLE_LINES = 50
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
_MISSING_MARKERS = {"na", "n/a", "nan", "null", "none", "?", "-", "--", "missing", "#n/a"}
_LABEL_NAMES = ("label", "class", "target", "category", "species", "group", "outcome", "type")
_ID_NAMES = {"id", "index", "row", "#", "no", "nr", "number"}
_SHOW_CHARS = 30
_SNIFF_CHARS = 64_000


class CSVError(ValueError):
    """A problem with an uploaded CSV file, explained so that a student can fix it."""


@dataclass(frozen=True)
class CSVTable:
    r"""A parsed CSV file: header, cells and suggestions, before columns are chosen.

    Parameters
    ----------
    columns : tuple of str
        Column names from the header, stripped of surrounding spaces.
    rows : list of list of str
        The data rows (blank rows skipped), each with one stripped cell per column.
    row_numbers : tuple of int
        Spreadsheet row number of each data row (the header is row 1 in a file without blank
        lines at the top).
    delimiter : str
        The detected delimiter: ``","``, ``";"`` or ``"\t"``.
    numeric_columns : tuple of str
        Columns whose non-empty cells are all numbers (and which have at least one).
    suggested_features : tuple of str
        The first two numeric columns other than the suggested label (skipping columns named
        "id", "index", "row", ... when enough others are left); fewer when the file has fewer.
    suggested_label : str
        The column suggested as the label: the first column named (in any case) "label",
        "class", "target", "category", "species", "group", "outcome" or "type", or else the
        last column.
    header_row : int
        Spreadsheet row number of the header.
    notes : tuple of str
        What was detected and done to read the file, in plain sentences for the student (the
        delimiter when it is not a comma, decimal commas, thousands separators, percentages,
        an Excel ``sep=`` line, trailing delimiters). Empty for a plain comma-separated file.
    """

    columns: tuple[str, ...]
    rows: list[list[str]]
    row_numbers: tuple[int, ...]
    delimiter: str
    numeric_columns: tuple[str, ...]
    suggested_features: tuple[str, ...]
    suggested_label: str
    header_row: int = 1
    notes: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(self.rows)


@dataclass(frozen=True)
class LoadedData:
    """A classification set read from CSV.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2), float64
        The two feature columns.
    y : ndarray of shape (n_samples,)
        The labels: int64 when every label is an integer such as ``0``, ``1`` or ``-3``,
        otherwise strings.
    feature_names : tuple of str
        Names of the two feature columns, in the order of the columns of ``X``.
    label_name : str
        Name of the label column.
    row_numbers : ndarray of shape (n_samples,), intp
        Spreadsheet row number of each sample, for messages such as "the point from row 17".
    notes : tuple of str
        :attr:`CSVTable.notes`: how the file was read, to tell the student.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, str]
    label_name: str
    row_numbers: np.ndarray
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Small helpers for messages
# --------------------------------------------------------------------------------------------


def _show(value: str) -> str:
    """Show a value from the file safely: repr, cut to about 30 characters."""
    if len(value) <= _SHOW_CHARS:
        return repr(value)
    return f"{value[:_SHOW_CHARS]!r}... ({len(value):,} characters)"


def _letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column(name: str, index: int) -> str:
    return f"column {_show(name)} (column {_letter(index)})"


def _list_names(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(_show(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _size(n_bytes: int) -> str:
    if n_bytes >= 1_000_000:
        return f"{n_bytes:,} bytes ({n_bytes / 1e6:.1f} MB)"
    return f"{n_bytes:,} bytes"


def _is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell) is not None


def _looks_like_formula(cell: str) -> bool:
    return cell.startswith(_FORMULA_STARTS) and not _NUMBERISH.fullmatch(cell)


def _check_limit(value, name: str, low: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ValueError(f"Expected {name} to be an integer >= {low}, but got {name} = {value!r}")
    return int(value)


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

_SAVE_AS_UTF8 = (
    "Save it as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'; in other "
    "programs choose the UTF-8 encoding) and upload it again."
)


def _looks_like_utf16(raw: bytes) -> bool:
    """Return True for a UTF-16 byte order mark, or every other byte NUL (UTF-16 without BOM)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:200]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) >= 0.8 * len(even) or odd.count(0) >= 0.8 * len(odd)


def _decode(data, max_bytes: int) -> str:
    """Turn the upload into text, or raise a CSVError saying why it is not CSV text."""
    if isinstance(data, str):
        size = len(data.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise CSVError(
                f"The file is {_size(size)}, more than the {_size(max_bytes)} allowed. "
                "Upload a smaller file: keep only the columns and rows you need."
            )
        if "\x00" in data:
            row = data[: data.index("\x00")].count("\n") + 1
            raise CSVError(
                f"Row {row} contains a NUL character, so this is a binary file, not CSV text. "
                "Export your table as CSV (plain text) and upload that file."
            )
        return data.removeprefix("\ufeff")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"Expected data to be bytes or str, but got {type(data).__name__}")
    raw = bytes(data)
    if len(raw) > max_bytes:
        raise CSVError(
            f"The file is {_size(len(raw))}, more than the {_size(max_bytes)} allowed. "
            "Upload a smaller file: keep only the columns and rows you need."
        )
    if _looks_like_utf16(raw):
        raise CSVError(f"The file is saved as UTF-16 text, not UTF-8. {_SAVE_AS_UTF8}")
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise CSVError(
            "This looks like an Excel workbook (.xlsx or .xls) or another packed file, not a "
            "CSV file. In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)' and upload "
            "the .csv file."
        )
    if b"\x00" in raw:
        position = raw.index(b"\x00")
        row = raw[:position].count(b"\n") + 1
        raise CSVError(
            f"Row {row} contains a NUL byte (byte {position + 1:,} of the file), so this is a "
            "binary file, not CSV text. Export your table as CSV (plain text) and upload that "
            "file."
        )
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        row = raw[: err.start].count(b"\n") + 1
        bad = raw[err.start : err.start + 1].hex().upper()
        raise CSVError(
            f"Row {row} contains the byte 0x{bad}, which is not valid UTF-8 text: the file was "
            "probably saved in another encoding, such as Windows-1252 or Latin-1 (Excel's plain "
            f"'CSV' format does this). {_SAVE_AS_UTF8}"
        ) from None


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def _reader(text: str, delimiter: str, *, strict: bool = True):
    """Return a csv.reader over ``text`` (whitespace-aligned text: one stripped line at a time)."""
    if delimiter == _WHITESPACE:
        lines = (line.replace("\t", " ").strip() for line in text.splitlines())
        return csv.reader(lines, delimiter=" ", skipinitialspace=True, strict=strict)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)


def _trim(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a row (a trailing delimiter)."""
    end = len(cells)
    while end > 1 and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _split(lines: list[str], delimiter: str) -> list[list[str]] | None:
    """Split sample lines with ``delimiter`` (trailing empty cells dropped); None if unreadable."""
    try:
        return [_trim(row) for row in _reader("\n".join(lines), delimiter, strict=False)]
    except csv.Error:
        return None


def _numberish_share(rows: list[list[str]]) -> float:
    cells = [cell.strip() for row in rows for cell in row if cell.strip()]
    if not cells:
        return 0.0
    return sum(_NUMBERISH.fullmatch(cell) is not None for cell in cells) / len(cells)


def _agreement(rows: list[list[str]], n: int) -> float:
    return sum(len(row) == n for row in rows) / len(rows) if rows else 1.0


def _sample(text: str) -> list[str]:
    lines = [line for line in text[:_SNIFF_CHARS].splitlines() if line.strip()]
    return lines[:_SAMPLE_LINES]


def _detect_layout(text: str) -> tuple[str, str]:
    """Return ``(header delimiter, row delimiter)``: usually the same character.

    Each candidate (comma, semicolon, tab, vertical bar) splits the first lines; a candidate
    counts if it splits the header into 2 or more cells and at least 90 % of the rows into as
    many. Among those, the one whose cells are most often numbers wins (so ``1,5;2,5`` with
    decimal commas goes to the semicolon), then the most cells, then the order above. If none
    counts: runs of spaces (a whitespace-aligned table), then a header split by one candidate
    and rows by another (``x1,x2,label`` over ``1;2;a``). Failing all that, the candidate most
    frequent in the header line (so that errors name the delimiter the file seems to use).
    """
    lines = _sample(text)
    if not lines:
        return ",", ","
    best = None
    for order, delimiter in enumerate(_DELIMITERS):
        rows = _split(lines, delimiter)
        if rows is None or len(rows[0]) < 2:
            continue
        n, body = len(rows[0]), rows[1:]
        if _agreement(body, n) < 0.9:
            continue
        score = (_numberish_share(body), n, -order)
        if best is None or score > best[0]:
            best = (score, delimiter)
    if best is not None:
        return best[1], best[1]
    rows = _split(lines, _WHITESPACE)
    if rows is not None and len(rows[0]) >= 2 and _agreement(rows[1:], len(rows[0])) >= 0.9:
        return _WHITESPACE, _WHITESPACE
    if len(lines) >= 2:
        for head in _DELIMITERS:
            header = _split(lines[:1], head)
            if header is None or len(header[0]) < 2:
                continue
            for body in (*_DELIMITERS, _WHITESPACE):
                rows = _split(lines[1:], body)
                if body != head and rows and _agreement(rows, len(header[0])) >= 0.9:
                    return head, body
    counts = {d: lines[0].count(d) for d in _DELIMITERS}
    guess = max(counts, key=counts.get)  # ties: the order of _DELIMITERS, comma first
    guess = guess if counts[guess] > 0 else ","
    return guess, guess


def _seems_separated_by(lines: list[str], used: str) -> str | None:
    """Name the delimiter the rows seem to use when ``used`` leaves most of them in one cell."""
    body = lines[1:] or lines
    split = _split(body, used)
    if split and sum(len(row) >= 2 for row in split) / len(split) >= 0.5:
        return None  # the delimiter in use does split the rows
    best = None
    for delimiter in (*_DELIMITERS, _WHITESPACE):
        rows = _split(body, delimiter) if delimiter != used else None
        if not rows:
            continue
        share = sum(len(row) >= 2 for row in rows) / len(rows)
        if share >= 0.5 and (best is None or share > best[0]):
            best = (share, delimiter)
    return None if best is None else best[1]


def _delimiter_text(delimiter: str) -> str:
    name = _DELIMITER_NAMES[delimiter]
    return name if delimiter == _WHITESPACE else f"{name} ({delimiter!r})"


def _ragged_message(row_number, row, n_columns, header_row, delimiter, hint=None) -> str:
    cells = "cell" if len(row) == 1 else "cells"
    message = (
        f"Row {row_number} has {len(row)} {cells}, but the header (row {header_row}) has "
        f"{n_columns} columns. Every row needs exactly one value per column."
    )
    name = _DELIMITER_NAMES[delimiter]
    if any("\n" in cell for cell in row):
        message += (
            f' Row {row_number} starts a quoted value (a " mark) that is never closed; add the '
            "closing quote mark or remove the opening one."
        )
    elif hint is not None:
        message += (
            f" The file is read with the {_delimiter_text(delimiter)} as the delimiter, but the "
            f"values seem to be separated by {_delimiter_text(hint)}: use one delimiter in "
            "every row, the header included."
        )
    elif len(row) > n_columns:
        message += (
            f" The file is read with the {_delimiter_text(delimiter)} as the delimiter: look for "
            f"an extra {name} in that row, or put quotes around a value that contains one"
            + (" (decimal commas such as 1,5 need a point: 1.5)." if delimiter == "," else ".")
        )
    else:
        message += " Fill in the missing values or remove the row."
    return message


def _excel_sep_line(text: str) -> tuple[str, str | None]:
    """Blank out an Excel ``sep=;`` first line; return the text and the delimiter it names."""
    first, newline, rest = text.partition("\n")
    match = _EXCEL_SEP.fullmatch(first.strip())
    if match is None:
        return text, None
    delimiter = match.group(1)
    if delimiter not in _DELIMITERS:
        raise CSVError(
            f"Row 1 says sep={delimiter}, but only a comma, semicolon, tab or vertical bar can "
            "separate values. Remove that line, or export the file again as CSV."
        )
    return newline + rest, delimiter  # the line stays counted, as a blank row


def _records(text: str, layout: tuple[str, str]):
    """Yield the records of ``text``: the header (first non-blank line) split by its delimiter."""
    head, body = layout
    if head == body:
        yield from _reader(text, body)
        return
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    yield from ([] for _ in range(first))
    yield from _reader(lines[first], head)
    yield from _reader("\n".join(lines[first + 1 :]), body)


def _parse(text: str, max_rows: int):
    """Return ``(header, header_row, rows, row_numbers, delimiter, notes)``; raise on shape."""
    text, sep = _excel_sep_line(text)
    notes = []
    if sep is not None:
        layout = (sep, sep)
        notes.append(f"Row 1 (sep={sep}, Excel's note of the delimiter) was skipped.")
    else:
        layout = _detect_layout(text)
    head, delimiter = layout
    if head != delimiter:
        notes.append(
            f"The header is separated by {_DELIMITER_PLURALS[head]} and the other rows by "
            f"{_DELIMITER_PLURALS[delimiter]}; both were read."
        )
    elif delimiter != ",":
        notes.append(f"The values are separated by {_DELIMITER_PLURALS[delimiter]}.")
    reader = _records(text, layout)
    header = None
    header_row = 0
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    row_number = 0
    trailing = False
    try:
        for record in reader:
            row_number += 1
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue  # blank line or a row of empty cells
            if header is None:
                header, header_row = _trim(cells), row_number
                trailing = len(header) < len(cells)
                _check_cells(header, row_number, None)
                continue
            if len(cells) > len(header) and not any(cells[len(header) :]):
                cells = cells[: len(header)]  # a delimiter at the end of the row
                trailing = True
            if len(cells) != len(header):
                hint = _seems_separated_by(_sample(text), delimiter)
                raise CSVError(
                    _ragged_message(row_number, record, len(header), header_row, delimiter, hint)
                )
            _check_cells(cells, row_number, header)
            if len(rows) == max_rows:
                raise CSVError(
                    f"The file has more than {max_rows:,} data rows, the most allowed. Upload "
                    f"a smaller sample of your data (at most {max_rows:,} rows below the header)."
                )
            rows.append(cells)
            row_numbers.append(row_number)
    except csv.Error as err:
        reason = str(err)
        if "unexpected end of data" in reason:
            detail = (
                'it opens a quoted value (a " mark) that is never closed. Add the closing quote '
                "mark or remove the opening one."
            )
        elif "expected after" in reason:
            detail = (
                'it has text right after a closing quote mark ("). Put the whole value inside '
                'the quotes, like "a, b", and write a quote mark inside a value as two ("").'
            )
        elif "field larger" in reason:
            detail = f"a cell is longer than {csv.field_size_limit():,} characters."
        else:
            detail = f'{reason}. Check the quote marks (") in that row.'
        raise CSVError(f"Row {row_number + 1} could not be read as CSV: {detail}") from None
    if trailing:
        notes.append("Empty cells at the ends of rows (a delimiter at the end) were ignored.")
    return header, header_row, rows, row_numbers, delimiter, notes


def _check_cells(cells, row_number, header) -> None:
    for j, cell in enumerate(cells):
        if _looks_like_formula(cell):
            where = "the header" if header is None else _column(header[j], j)
            raise CSVError(
                f"Row {row_number}, {where}: the cell {_show(cell)} starts with {cell[0]!r}, so a "
                "spreadsheet could run it as a formula, and formulas are not accepted. Cells may "
                "start with =, +, - or @ only when they are numbers such as -1.5; change or "
                "remove this text (a label such as '-ve' could become 'neg')."
            )


def _check_header(header, header_row) -> None:
    for j, name in enumerate(header):
        if not name:
            raise CSVError(
                f"Column {_letter(j)} of the header (row {header_row}) has no name. Give every "
                "column a name in the first row, or delete the empty column."
            )
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in seen:
            raise CSVError(
                f"The column name {_show(name)} appears twice in the header (row {header_row}): "
                f"columns {_letter(seen[name])} and {_letter(j)}. Give every column a different "
                "name."
            )
        seen[name] = j
    numeric = [name for name in header if _is_number(name)]
    if len(numeric) >= 2:
        raise CSVError(
            f"Row {header_row} should hold the column names, but it holds numbers "
            f"({_list_names(numeric, 3)}): the file seems to have no header. Add a first row "
            "with a name for every column, for example x1,x2,label."
        )


def _plain_number(cell: str, *, percent: bool) -> str | None:
    """Return ``cell`` as a plain number string if it is one (after the minus and % fixes)."""
    if cell.startswith("\u2212"):
        cell = "-" + cell[1:]
    if percent:
        if not cell.endswith("%"):
            return None
        cell = cell[:-1].rstrip()
    return cell if _is_number(cell) else None


def _convert_column(values: list[str], style: str, percent: bool) -> list[str] | None:
    """Convert every cell of a column to a plain number string in ``style``; None if one fails.

    ``style`` is ``"plain"`` (1234.5), ``"comma"`` (decimal comma, thousands grouped by points
    or spaces: 1.234,5 or 1 234,5) or ``"point"`` (thousands grouped by commas: 1,234.5).
    """
    out = []
    for cell in values:
        text = cell.replace("\u2212", "-", 1) if cell.startswith("\u2212") else cell
        if percent:
            if not text.endswith("%"):
                return None
            text = text[:-1].rstrip()
        if style == "comma":
            if _COMMA_DECIMAL.fullmatch(text):
                text = text.replace(".", "").translate({ord(c): None for c in _GROUP_SPACES})
                text = text.replace(",", ".")
            elif "." in text:
                return None  # 1.5 next to 1,5: both conventions in one column, ambiguous
        elif style == "point" and _POINT_THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        if not _is_number(text):
            return None
        out.append(repr(float(text) / 100) if percent else text)
    return out


def _normalise_numbers(header, rows, delimiter, notes) -> None:
    """Rewrite numbers exported in other conventions as plain numbers, in place; add notes.

    A column is converted only when every cell of it (missing-value markers aside) reads as a
    number in one convention, and the convention is unambiguous: a decimal comma (1,5) or
    thousands separators (1.234,5; 1 234,5; 1,234.5), percentages (45% read as 0.45) and the
    typographic minus sign (−1.5). In a comma-separated file a comma inside a quoted number is
    taken as a thousands separator if every such number groups digits by three; otherwise
    (semicolon, tab, ... files) a comma is a decimal comma.
    """
    styles = ("point", "comma") if delimiter == "," else ("comma", "point")
    done: dict[str, list[str]] = {}
    for j, name in enumerate(header):
        index = [
            i for i, row in enumerate(rows) if row[j] and row[j].lower() not in _MISSING_MARKERS
        ]
        values = [rows[i][j] for i in index]
        if not values or all(_is_number(v) for v in values):
            continue
        for percent in (False, True):
            for style in ("plain", *styles):
                converted = _convert_column(values, style, percent)
                if converted is not None:
                    break
            if converted is not None:
                break
        if converted is None:
            continue
        for i, value in zip(index, converted, strict=True):
            rows[i][j] = value
        what = {
            "plain": "Minus signs (\u2212) were read as '-'",
            "comma": "Decimal commas were read as decimal points (1,5 = 1.5; 1.234,5 = 1234.5)",
            "point": "Commas between thousands were removed (1,234.5 = 1234.5)",
        }[style]
        if percent:
            what = "Percentages were read as fractions (45% = 0.45)"
        done.setdefault(what, []).append(name)
    for what, names in done.items():
        notes.append(f"{what} in {_list_names(names, 5)}.")


def _is_row_index(rows) -> bool:
    """Whether the first cells of ``rows`` count 0, 1, 2, ... (or 1, 2, 3, ...)."""
    cells = [row[0] for row in rows]
    if not cells or not all(_INTEGER.fullmatch(c) for c in cells):
        return False
    start = int(cells[0])
    return start in (0, 1) and all(int(c) == start + i for i, c in enumerate(cells))


def _suggest(columns, numeric_columns):
    """Suggest (features, label) as documented on CSVTable."""
    lowered = [c.lower() for c in columns]
    label = columns[-1]
    for wanted in _LABEL_NAMES:
        if wanted in lowered:
            label = columns[lowered.index(wanted)]
            break
    candidates = [c for c in numeric_columns if c != label]
    not_ids = [c for c in candidates if c.lower() not in _ID_NAMES]
    if len(not_ids) >= 2:
        candidates = not_ids
    return tuple(candidates[:2]), label


def inspect_csv(data, *, max_bytes=DEFAULT_MAX_BYTES, max_rows=DEFAULT_MAX_ROWS):
    r"""Decode and parse a CSV upload, check its shape and suggest columns.

    Parameters
    ----------
    data : bytes or str
        The uploaded file. Bytes must be UTF-8 (a UTF-8 byte order mark is accepted).
    max_bytes : int, default=5_000_000
        Largest accepted file size in bytes (UTF-8 bytes for a str).
    max_rows : int, default=20_000
        Largest accepted number of data rows (not counting the header and blank rows).

    Returns
    -------
    CSVTable
        Header, cells, detected delimiter, numeric columns and suggested columns.

    Raises
    ------
    CSVError
        If the file is empty, too large, binary, not UTF-8, has no data rows, has rows with a
        different number of cells than the header, empty or duplicated column names, or a cell
        that looks like a spreadsheet formula.

    Examples
    --------
    >>> table = inspect_csv("height;weight;species\n1.5;2;cat\n3;4.25;dog\n")
    >>> table.columns, table.delimiter, table.n_rows
    (('height', 'weight', 'species'), ';', 2)
    >>> table.suggested_features, table.suggested_label
    (('height', 'weight'), 'species')
    """
    max_bytes = _check_limit(max_bytes, "max_bytes", 1)
    max_rows = _check_limit(max_rows, "max_rows", 1)
    text = _decode(data, max_bytes)
    if not text.strip():
        raise CSVError(
            "The file is empty. Upload a CSV file with a first row of column names, such as "
            "x1,x2,label, and then one row per point, such as 1.0,2.5,red."
        )
    header, header_row, rows, row_numbers, delimiter, notes = _parse(text, max_rows)
    if header is None:  # only separators and spaces
        raise CSVError(
            "The file has no values, only empty cells. Upload a CSV file with a header row and "
            "one row per point."
        )
    if header and not header[0] and "index" not in header and _is_row_index(rows):
        header[0] = "index"  # pandas' DataFrame.to_csv writes its index without a name
        notes.append(
            "Column A has no name in the header and holds row numbers (0, 1, 2, ...): it is "
            "called 'index' here and not used as a feature."
        )
    _check_header(header, header_row)
    if not rows:
        raise CSVError(
            f"The file has a header (row {header_row}: {_list_names(header, 5)}) but no data "
            "rows. Add one row per point below the header."
        )
    _normalise_numbers(header, rows, delimiter, notes)
    numeric = []
    for j, name in enumerate(header):
        values = [row[j] for row in rows if row[j]]
        if values and all(_is_number(v) for v in values):
            numeric.append(name)
    features, label = _suggest(header, numeric)
    return CSVTable(
        columns=tuple(header),
        rows=rows,
        row_numbers=tuple(row_numbers),
        delimiter=delimiter,
        numeric_columns=tuple(numeric),
        suggested_features=features,
        suggested_label=label,
        header_row=header_row,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------------------------
# Loading chosen columns
# --------------------------------------------------------------------------------------------


def _other_separator_hint(table: CSVTable) -> str:
    """Name a character that seems to separate the values of a file read as one column.

    A character counts when it is not a letter, digit or part of a number, appears at least
    twice in the header and equally often in at least 90 % of the rows (``x1:x2:label``).
    """
    if len(table.columns) != 1:
        return ""
    header = table.columns[0]
    lines = [row[0] for row in table.rows]
    for char in sorted(set(header), key=header.count, reverse=True):
        if char.isalnum() or char in "._-+ '\"" or header.count(char) < 2:
            continue
        n = header.count(char)
        if sum(line.count(char) == n for line in lines) >= 0.9 * len(lines):
            return (
                f" The values seem to be separated by {char!r}, which is not read as a "
                "delimiter: save the file with commas, semicolons or tabs between values."
            )
    return ""


def _choose_columns(table: CSVTable, feature_columns, label_column):
    columns = table.columns
    available = f"Available columns: {_list_names(columns)}."

    def find(name, what):
        if not isinstance(name, str):
            raise CSVError(f"Expected {what} to be a column name (text), but got {name!r}.")
        if name not in columns:
            raise CSVError(f"The {what} {_show(name)} was not found in the file. {available}")
        return name

    if feature_columns is None and label_column is None and len(columns) < 3:
        raise CSVError(
            f"The file has {len(columns)} column{'s' if len(columns) != 1 else ''} "
            f"({_list_names(columns)}), but at least 3 are needed: two numeric feature columns "
            "for the position of each point and one label column for its class."
            + _other_separator_hint(table)
        )
    if label_column is not None:
        label = find(label_column, "label column")
    if feature_columns is not None:
        if isinstance(feature_columns, str) or not isinstance(feature_columns, Sequence):
            raise CSVError(
                f"Choose exactly two feature columns as a list of names, but got "
                f"{feature_columns!r}. {available}"
            )
        if len(feature_columns) != 2:
            raise CSVError(
                f"Choose exactly two feature columns, but got {len(feature_columns)}: "
                f"{_list_names([str(c) for c in feature_columns])}."
            )
        features = tuple(find(c, "feature column") for c in feature_columns)
        if features[0] == features[1]:
            raise CSVError(
                f"Choose two different feature columns, but {_show(features[0])} was chosen twice."
            )
    if label_column is None:
        taken = features if feature_columns is not None else table.suggested_features
        label = table.suggested_label
        if label in taken:
            rest = [c for c in columns if c not in taken]
            if not rest:
                raise CSVError(
                    f"No column is left for the label. The label column names the class of each "
                    f"point and must differ from the feature columns. {available}"
                )
            label = rest[-1]
    if feature_columns is None:
        picks = [c for c in table.suggested_features if c != label]
        picks += [c for c in columns if c != label and c not in picks]
        if len(picks) < 2:
            raise CSVError(
                f"Two feature columns besides the label column {_show(label)} are needed, but "
                f"the file has only {len(columns)} columns. {available}"
            )
        features = tuple(picks[:2])
    if label in features:
        raise CSVError(
            f"The column {_show(label)} was chosen both as a feature and as the label. The label "
            "column names the class of each point and must differ from the two feature columns."
        )
    return features, label


def _feature_problem(cell: str) -> str:
    if not cell:
        return "is empty (a missing value)"
    if cell.lower() in _MISSING_MARKERS:
        return f"holds {_show(cell)}, which looks like a missing value"
    if _DECIMAL_COMMA.fullmatch(cell):
        return f"holds {_show(cell)}: use a decimal point, not a comma (for example 1.5)"
    return f"holds {_show(cell)}, which is not a number"


def load_csv(
    data,
    *,
    feature_columns=None,
    label_column=None,
    max_bytes=DEFAULT_MAX_BYTES,
    max_rows=DEFAULT_MAX_ROWS,
    max_classes=DEFAULT_MAX_CLASSES,
):
    r"""Load two numeric feature columns and a label column from a CSV upload.

    Parameters
    ----------
    data : bytes or str
        The uploaded file (see :func:`inspect_csv`).
    feature_columns : sequence of two str, optional
        Names of the two feature columns. By default the suggestion of :func:`inspect_csv`.
    label_column : str, optional
        Name of the label column. By default the suggestion of :func:`inspect_csv`.
    max_bytes : int, default=5_000_000
        Largest accepted file size in bytes.
    max_rows : int, default=20_000
        Largest accepted number of data rows.
    max_classes : int, default=10
        Largest accepted number of different labels.

    Returns
    -------
    LoadedData
        ``X`` (n, 2) float64, ``y`` (int64 if every label is an integer, otherwise str), the
        column names and the spreadsheet row number of every sample.

    Raises
    ------
    CSVError
        For every problem :func:`inspect_csv` finds, and when a chosen column does not exist,
        a feature cell is missing or not a finite number, a label is missing, or there are
        fewer than two rows, fewer than two classes or more than ``max_classes`` classes.

    Examples
    --------
    >>> data = load_csv(b"x1,x2,label\n1,2,cat\n3,4.5,dog\n5,6,cat\n")
    >>> data.X.tolist(), data.y.tolist(), data.feature_names, data.label_name
    ([[1.0, 2.0], [3.0, 4.5], [5.0, 6.0]], ['cat', 'dog', 'cat'], ('x1', 'x2'), 'label')
    >>> load_csv("a,b,c\n1,oops,0\n2,3,1\n")
    Traceback (most recent call last):
    ...
    knn_core.csv_io.CSVError: Row 2, column 'b' (column B) holds 'oops', which is not a number. ...
    """
    max_classes = _check_limit(max_classes, "max_classes", 2)
    table = inspect_csv(data, max_bytes=max_bytes, max_rows=max_rows)
    features, label = _choose_columns(table, feature_columns, label_column)
    columns = table.columns
    idx = [columns.index(f) for f in features]
    label_idx = columns.index(label)
    rows, numbers_ = table.rows, table.row_numbers

    problems = []  # (row_number, column index, description)
    too_large = []  # (row_number, column index, cell, value)
    X = np.empty((len(rows), 2), dtype=np.float64)
    for i, row in enumerate(rows):
        for k, j in enumerate(idx):
            cell = row[j]
            if not _is_number(cell):
                problems.append((numbers_[i], j, _feature_problem(cell)))
                continue
            value = float(cell)
            if not math.isfinite(value) or abs(value) > MAX_TRAINING_VALUE:
                too_large.append((numbers_[i], j, cell, value))
            X[i, k] = value
    if too_large and not problems:
        row_number, j, cell, value = too_large[0]
        message = (
            f"Row {row_number}, {_column(columns[j], j)} holds {_show(cell)}, which {TOO_LARGE}"
        )
        more = sorted({p[0] for p in too_large[1:]} - {row_number})
        if more:
            shown = ", ".join(str(r) for r in more[:8]) + (", ..." if len(more) > 8 else "")
            message += f" Other rows with numbers too large: {shown}."
        raise CSVError(message)
    if problems:
        row_number, j, what = problems[0]
        message = (
            f"Row {row_number}, {_column(columns[j], j)} {what}. Feature columns may hold only "
            "numbers, such as 3, -1.5 or 2e-3, in every row; fix the cell or delete the row."
        )
        if len(problems) > 1:
            more = sorted({p[0] for p in problems[1:]} - {row_number})
            if more:
                shown = ", ".join(str(r) for r in more[:8]) + (", ..." if len(more) > 8 else "")
                message += f" Other rows with the same kind of problem: {shown}."
        raise CSVError(message)

    for k, j in enumerate(idx):
        low, high = float(X[:, k].min()), float(X[:, k].max())
        if 0 < high - low < MIN_SPREAD:
            raise CSVError(f"The {_column(columns[j], j)} {spread_problem(low, high)}")
    labels = [row[label_idx] for row in rows]
    for i, value in enumerate(labels):
        if not value:
            raise CSVError(
                f"Row {numbers_[i]}, {_column(label, label_idx)} is empty: every point needs a "
                "label (its class). Fill it in or delete the row."
            )
    if len(rows) < 2:
        raise CSVError(
            f"The file has only one data row (row {numbers_[0]}). KNN needs at least two "
            "points from at least two classes; add more rows."
        )
    y = None
    if all(_INTEGER.fullmatch(v) for v in labels):
        try:
            y = np.array([int(v) for v in labels], dtype=np.int64)
        except OverflowError:
            y = None  # integers too large for int64 stay text
    if y is None:
        y = np.array(labels, dtype=np.str_)
    classes = np.unique(y)  # after conversion: "3" and "03" are the same class
    if len(classes) < 2:
        raise CSVError(
            f"Every row has the same label {_show(labels[0])} in {_column(label, label_idx)}, "
            "so there is only one class. KNN needs at least two classes to choose between; "
            "check that you chose the right label column."
        )
    if len(classes) > max_classes:
        raise CSVError(
            f"The label {_column(label, label_idx)} has {len(classes):,} different values, but "
            f"at most {max_classes} classes are allowed. A label names a class (such as 'cat' or "
            "'dog'); did you choose a column of measurements as the label?"
        )
    return LoadedData(
        X=X,
        y=y,
        feature_names=(features[0], features[1]),
        label_name=label,
        row_numbers=np.asarray(numbers_, dtype=np.intp),
        notes=table.notes,
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _neutralise(text: str) -> str:
    return "'" + text if _looks_like_formula(text) else text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        return "" if math.isnan(value) else repr(value)
    return _neutralise(str(value))


def to_csv(X, y, *, feature_names=("x1", "x2"), label_name="label", extra_columns=None):
    r"""Write points, labels and optional extra columns as CSV text (for a download).

    Numbers are written exactly (shortest round-trip form), NaN and None as empty cells. A text
    cell that starts with =, +, -, @, tab or carriage return and is not a number gets a single
    quote in front (``'-ve``), so that a spreadsheet shows it as text instead of running it as
    a formula. The text uses ``","`` as the delimiter and ``"\n"`` line endings; reading it with
    :func:`load_csv` gives back the same ``X`` and ``y``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    y : array-like of shape (n_samples,)
        The labels.
    feature_names : pair of str, default=("x1", "x2")
        Header names of the two feature columns.
    label_name : str, default="label"
        Header name of the label column.
    extra_columns : mapping of str to array-like of shape (n_samples,), optional
        More columns to append, in order, for example ``{"prediction": y_pred}``.

    Returns
    -------
    str
        The CSV text, with a header row.

    Examples
    --------
    >>> print(to_csv([[1.0, 2.5], [3.0, -4.0]], ["cat", "-ve"],
    ...              extra_columns={"prediction": ["cat", "dog"]}), end="")
    x1,x2,label,prediction
    1.0,2.5,cat,cat
    3.0,-4.0,'-ve,dog
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Expected X of shape (n_samples, 2), but got X with shape {X.shape}")
    if y.shape != (len(X),):
        raise ValueError(
            f"Expected y of shape ({len(X)},) to match X, but got y with shape {y.shape}"
        )
    names = [*feature_names, label_name]
    if len(feature_names) != 2:
        raise ValueError(
            f"Expected feature_names to hold 2 names, but got feature_names = {feature_names!r}"
        )
    if not isinstance(extra_columns, Mapping | None):
        raise ValueError(
            f"Expected extra_columns to be a dict of column name -> values, but got "
            f"{type(extra_columns).__name__}"
        )
    columns = [X[:, 0], X[:, 1], y]
    for name, values in (extra_columns or {}).items():
        values = np.asarray(values)
        if values.shape != (len(X),):
            raise ValueError(
                f"Expected extra column {name!r} of shape ({len(X)},), but got shape {values.shape}"
            )
        names.append(name)
        columns.append(values)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"Expected every column name to be non-empty text, but got {name!r}")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Expected different column names, but {duplicates} appear twice")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_neutralise(n) for n in names])
    lists = [col.tolist() for col in columns]  # numpy scalars -> Python int/float/str
    for row in zip(*lists, strict=True):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
