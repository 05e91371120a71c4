"""The k nearest neighbours as a plain DOM table: rank, point, coordinates, class, distance.

:func:`neighbour_table` shows the neighbours of a query (a
:class:`knn_core.lessons.trace.QueryTrace`) as one ``<table>`` row each, nearest first: rank,
training point number, x₁, x₂, class, distance, and the vote weight when the model weighs by
distance.

It is a ``st.components.v2.component`` with inline JavaScript and CSS (``neighbour_table.js``,
``neighbour_table.css`` next to this file, see :mod:`knn_ui.components`), not ``st.dataframe``:
Streamlit's data grid cost about 350 ms of the Playground's first render, and ``st.table``
renders every cell as Markdown (slow with many rows, and it would format users' class names).
Here the browser keeps one table per element and updates its cells in place on every rerun,
adding or removing rows only when k changes; past about 13 rows the table scrolls inside a
box of at most 400 px with its header row kept in view. Headers are short ("#" for the point
number, with the words as its accessible name) so that seven columns fit a 310 px side column.

Everything shown is built in Python by :func:`neighbour_table_data` (a JSON-safe dict,
unit-testable without a browser): the raw numbers at full precision plus, per column, how to
show them (a number of decimals for ``toFixed``, or the value as it is). Class names come
from users' CSV files: the browser sets every text with ``textContent``, never as markup.
``tests/neighbour_rows.py`` reads the table back in tests: as a DataFrame with numeric
columns, and each cell as the browser shows it.

Accessibility: a real ``<table>`` with a (visually hidden) ``<caption>`` and
``<th scope="col">`` headers; the scroll box is a named, keyboard-focusable region; text is
#0e1117 on white (18.9:1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from knn_ui.components import declare

__all__ = ["COLUMNS", "neighbour_table", "neighbour_table_data"]


#: Every column the table can have, in order: ``name`` (the column's name when tests read the
#: table back), ``label`` (its header; short, so that the table fits a side column),
#: ``title`` (the header in words when the label is a symbol: its tooltip and accessible name),
#: ``kind`` ("integer", "number" or "text") and ``decimals`` (digits after the point for a
#: number; None shows the value as it is). The weight column is shown only when the model
#: weighs votes by distance.
COLUMNS = (
    {"name": "rank", "label": "rank", "title": None, "kind": "integer", "decimals": None},
    {"name": "point #", "label": "#", "title": "point number", "kind": "integer", "decimals": None},
    {"name": "x₁", "label": "x₁", "title": None, "kind": "number", "decimals": 2},
    {"name": "x₂", "label": "x₂", "title": None, "kind": "number", "decimals": 2},
    {"name": "class", "label": "class", "title": None, "kind": "text", "decimals": None},
    {"name": "distance", "label": "distance", "title": None, "kind": "number", "decimals": 3},
    {"name": "weight", "label": "weight", "title": None, "kind": "number", "decimals": 3},
)


def _number(value: float) -> float | str:
    """Return ``value`` as a float for JSON, or "inf", "-inf" or "nan" when not finite."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def neighbour_table_data(trace, X, names: Sequence[str]) -> dict:
    """Build the JSON-safe dict that :func:`neighbour_table` sends to the browser.

    Parameters
    ----------
    trace : knn_core.lessons.trace.QueryTrace
        The traced query; its ``kept`` neighbours (nearest first) fill the rows.
    X : array-like of shape (n_samples, 2)
        The training points the model was fitted on (x₁, x₂ are read from it).
    names : sequence of str
        Display name of each class, in class-code order; kept verbatim (shown as plain text).

    Returns
    -------
    dict
        ``caption`` (what the table shows, in words), ``label`` (the accessible name of its
        scroll box), ``columns`` (the entries of :data:`COLUMNS` in use: ``weight`` only when
        ``trace.weights == "distance"``) and ``rows``: one list per neighbour, one raw value
        per column (ints, full-precision floats, class name strings; a float that is not
        finite travels as "inf", "-inf" or "nan").

    Raises
    ------
    ValueError
        If ``X`` is not two-dimensional with at least 2 columns, a kept index is not a row of
        ``X``, or a class code has no name.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> from knn_core.lessons.trace import trace_query
    >>> X = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    >>> trace = trace_query(KNNClassifier(2).fit(X, [0, 1, 0]), [1.0, 0.0])
    >>> data = neighbour_table_data(trace, X, ["red", "blue"])
    >>> [c["name"] for c in data["columns"]]
    ['rank', 'point #', 'x₁', 'x₂', 'class', 'distance']
    >>> data["rows"]
    [[1, 0, 0.0, 0.0, 'red', 1.0], [2, 1, 3.0, 0.0, 'blue', 2.0]]
    >>> data["caption"]
    'The 2 nearest neighbours of the query, nearest first'
    """
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(
            f"Expected X of shape (n_samples, 2) or more columns, but got shape {X.shape}"
        )
    names = [str(n) for n in names]
    kept = [int(i) for i in np.asarray(trace.kept).reshape(-1)]
    codes = [int(c) for c in np.asarray(trace.kept_codes).reshape(-1)]
    distances = np.asarray(trace.kept_distances, dtype=float).reshape(-1)
    weighted = trace.weights == "distance"
    for i in kept:
        if not 0 <= i < len(X):
            raise ValueError(
                f"Expected every kept index in 0..{len(X) - 1} (rows of X), but got {i}"
            )
    for c in codes:
        if not 0 <= c < len(names):
            raise ValueError(
                f"Expected a name for every class code, but len(names) = {len(names)} and a "
                f"neighbour has class code {c}"
            )
    columns = [dict(c) for c in COLUMNS if weighted or c["name"] != "weight"]
    weights = np.asarray(trace.kept_weights, dtype=float).reshape(-1) if weighted else None
    rows = []
    for rank, (i, c, d) in enumerate(zip(kept, codes, distances.tolist(), strict=True), 1):
        row = [rank, i, _number(X[i, 0]), _number(X[i, 1]), names[c], _number(d)]
        if weighted:
            row.append(_number(weights[rank - 1]))
        rows.append(row)
    k = len(rows)
    caption = (
        "The nearest neighbour of the query"
        if k == 1
        else f"The {k} nearest neighbours of the query, nearest first"
    )
    return {
        "caption": caption,
        "label": f"Nearest neighbours ({k} {'row' if k == 1 else 'rows'})",
        "columns": columns,
        "rows": rows,
    }


def neighbour_table(trace, X, names: Sequence[str], *, key: str = "neighbours") -> None:
    """Draw the k nearest neighbours as a compact table, nearest first.

    Parameters
    ----------
    trace : knn_core.lessons.trace.QueryTrace
        The traced query.
    X : array-like of shape (n_samples, 2)
        The training points the model was fitted on.
    names : sequence of str
        Display name of each class, in class-code order; shown as plain text, never markup.
    key : str, default="neighbours"
        Streamlit element key; keep it stable so reruns update the same table in place.

    Raises
    ------
    ValueError
        For inputs :func:`neighbour_table_data` rejects.

    Examples
    --------
    >>> from knn_core.models import KNNClassifier
    >>> from knn_core.lessons.trace import trace_query
    >>> X = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    >>> trace = trace_query(KNNClassifier(2).fit(X, [0, 1, 0]), [1.0, 0.0])
    >>> neighbour_table(trace, X, ["red", "blue"], key="demo_neighbours")
    """
    data = neighbour_table_data(trace, X, names)
    declare("neighbour_table")(key=key, data=data, height="content")
