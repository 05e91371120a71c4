"""Read the Playground's neighbour table (``knn_ui.neighbour_table``) back in tests.

The table is a components v2 element whose JSON data carries the raw values; these helpers
turn an ``AppTest`` run's table into a DataFrame with numeric columns, and predict the text the
browser shows in a cell (JavaScript's ``toFixed``), so browser tests can compare exactly.
"""

from __future__ import annotations

import json
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal

from knn_ui.components import component_name
from knn_ui.neighbour_table import COLUMNS  # noqa: F401 (examples)

NEIGHBOUR_TABLE = component_name("neighbour_table")

#: Values JSON cannot carry as numbers travel as these strings (and are shown as they are).
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
#: Beyond this magnitude JavaScript's ``toFixed`` gives up and writes the number in full.
_TO_FIXED_LIMIT = 1e21


def _js_string(x: float) -> str:
    """Return JavaScript's ``String(x)`` of a finite float (shortest digits, JS exponents)."""
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    digits_tuple, exponent = Decimal(repr(abs(x))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_tuple))
    k = len(digits)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = (
            digits[0] + ("." + digits[1:] if k > 1 else "") + f"e{'+' if e >= 0 else '-'}{abs(e)}"
        )
    return sign + text


def format_cell(value, decimals: int | None = None) -> str:
    """Format one cell exactly as the browser shows it (JavaScript's ``toFixed``).

    Parameters
    ----------
    value : int, float or str
        A raw value from ``neighbour_table_data``. Text (a class name, or "inf" / "-inf" /
        "nan" for a value that is not a finite number) is shown as it is.
    decimals : int or None, default=None
        Digits after the decimal point; None shows the value as it is (as JavaScript's
        ``String``: an integer column).

    Returns
    -------
    str
        The cell's text. Halves round away from zero (as ``toFixed``), and a result that
        rounds to zero drops its minus sign ("0.00", never "-0.00").

    Examples
    --------
    >>> format_cell(1.005, 2), format_cell(0.125, 2), format_cell(-0.001, 2)
    ('1.00', '0.13', '0.00')
    >>> format_cell(17), format_cell("<b>red</b>"), format_cell(2.0 / 3.0, 3)
    ('17', '<b>red</b>', '0.667')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return str(int(value))
    x = float(value)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else "inf" if x > 0 else "-inf"
    if decimals is None or abs(x) >= _TO_FIXED_LIMIT:
        return _js_string(x)
    step = Decimal(1).scaleb(-int(decimals))
    # Decimal(x) is the exact binary value, like toFixed's "n / 10^f - x closest to zero";
    # ROUND_HALF_UP rounds exact halves away from zero, as toFixed does.
    text = f"{Decimal(x).quantize(step, rounding=ROUND_HALF_UP):f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text


def rows_frame(data: dict):
    """Turn ``neighbour_table_data``'s dict back into a table with numeric columns.

    Parameters
    ----------
    data : dict
        The dict sent to the browser (as built, or as decoded from the element's JSON).

    Returns
    -------
    pandas.DataFrame
        One row per neighbour, columns named as in ``COLUMNS`` ("rank", "point #", "x₁", "x₂",
        "class", "distance" and maybe "weight"): integer columns as int64, number
        columns as float64 (full precision; "inf" / "nan" back as floats), class as text.

    Examples
    --------
    >>> frame = rows_frame(
    ...     {"columns": [dict(c) for c in COLUMNS[:6]], "rows": [[1, 4, 0.5, 1.25, "red", 0.1]]}
    ... )
    >>> frame.dtypes.astype(str).tolist()
    ['int64', 'int64', 'float64', 'float64', 'str', 'float64']
    >>> frame.loc[0, "x₂"], frame.loc[0, "class"]
    (np.float64(1.25), 'red')
    """
    import pandas as pd

    columns = data["columns"]
    rows = data["rows"]
    frame = {}
    for j, column in enumerate(columns):
        values = [row[j] for row in rows]
        if column["kind"] == "integer":
            frame[column["name"]] = pd.Series(values, dtype="int64")
        elif column["kind"] == "number":
            numbers = [_NON_FINITE[v] if isinstance(v, str) else float(v) for v in values]
            frame[column["name"]] = pd.Series(numbers, dtype="float64")
        else:
            frame[column["name"]] = pd.Series(values, dtype="str")
    return pd.DataFrame(frame, columns=[c["name"] for c in columns])


def app_rows(at, *, key: str = "neighbours"):
    r"""Find the neighbour table an ``AppTest`` run drew; return it as :func:`rows_frame` does.

    Parameters
    ----------
    at : streamlit.testing.v1.AppTest
        A script run (or an element tree with ``get``).
    key : str, default="neighbours"
        The key the table was drawn with.

    Returns
    -------
    pandas.DataFrame
        See :func:`rows_frame`.

    Raises
    ------
    LookupError
        If the run drew no neighbour table with this key (or more than one).

    Examples
    --------
    >>> from streamlit.testing.v1 import AppTest
    >>> at = AppTest.from_string(
    ...     "import numpy as np\n"
    ...     "from knn_core.models import KNNClassifier\n"
    ...     "from knn_core.lessons.trace import trace_query\n"
    ...     "from knn_ui.neighbour_table import neighbour_table\n"
    ...     "X = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])\n"
    ...     "trace = trace_query(KNNClassifier(2).fit(X, [0, 1, 0]), [1.0, 0.0])\n"
    ...     "neighbour_table(trace, X, ['red', 'blue'])\n"
    ... ).run()
    >>> app_rows(at)[["point #", "class", "distance"]].values.tolist()
    [[0, 'red', 1.0], [1, 'blue', 2.0]]
    """
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == component_name("neighbour_table")
        and e.proto.id.endswith("-" + key)
    ]
    if len(found) != 1:
        raise LookupError(
            f"Expected one neighbour table with key={key!r}, but found {len(found)} among the "
            f"components {[e.proto.component_name for e in at.get('bidi_component')]}"
        )
    return rows_frame(json.loads(found[0].proto.json))


def app_prediction(at, key: str = "prediction") -> str | None:
    """Return the class the prediction box (``knn_ui.views.prediction_box``) shows, or None.

    The box is a components v2 element; its JSON data holds the text the browser shows.
    """
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == component_name("prediction") and e.proto.id.endswith("-" + key)
    ]
    return json.loads(found[0].proto.json)["value"] if found else None


def app_tie_note(at, key: str = "prediction") -> str:
    """Return the tie note of the prediction box ("" when the vote did not tie)."""
    found = [
        e
        for e in at.get("bidi_component")
        if e.proto.component_name == component_name("prediction") and e.proto.id.endswith("-" + key)
    ]
    return json.loads(found[0].proto.json)["tie"] if found else ""
