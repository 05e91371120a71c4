"""The vote as a small bar chart drawn in plain DOM: one row per class, the winner marked.

:func:`vote_chart` shows the tally of a vote (counts, or summed weights) as one horizontal row
per class: the class name, a bar whose length is the class's share of the largest tally, and
the value. The winner's bar gets a thick dark outline and its row says "winner" in words, so
colour is never the only cue.

It is a ``st.components.v2.component`` with inline JavaScript and CSS (``vote_chart.js``,
``vote_chart.css`` next to this file, see :mod:`knn_ui.components`), not a Plotly chart: Streamlit's
``st.plotly_chart`` cost 35-50 ms of browser main-thread time on every rerun for this small
chart, while these few DOM nodes are updated in place. Everything drawn is built in Python by
:func:`vote_chart_data` (a small JSON-safe dict, unit-testable without a browser); the
browser computes nothing but bar widths. Class names come from users' CSV files: the browser
sets every text with ``textContent``, never as markup.

Accessibility: the whole chart is one ``role="img"`` element whose accessible name reads the
vote out ("The vote: red 3 votes (winner), blue 2 votes"); text is dark on white (WCAG AA).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from knn_ui.components import declare
from knn_ui.style import class_color

__all__ = ["vote_chart", "vote_chart_data"]

#: Tallies of unweighted votes may differ from whole numbers by float rounding at most this.
_WHOLE_TOLERANCE = 1e-9


def _label(value: float, weighted: bool) -> str:
    """Format a value for display: a count as "3", a summed weight as "1.25"."""
    if not weighted:
        return str(round(value))
    if value < 1_000:
        return f"{value:.2f}"
    if value < 1_000_000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _spoken(name: str, label: str, value: float, weighted: bool) -> str:
    if weighted:
        return f"{name} {label}"
    return f"{name} {label} {'vote' if round(value) == 1 else 'votes'}"


def vote_chart_data(
    names: Sequence[str],
    tally,
    *,
    winner_code: int,
    weighted: bool = False,
    title: str = "The vote",
) -> dict:
    """Build the JSON-safe dict that :func:`vote_chart` sends to the browser.

    Parameters
    ----------
    names : sequence of str
        Display name of each class, in class-code order; shown verbatim as plain text.
    tally : array-like of shape (n_classes,)
        Votes per class (summed weights when ``weighted``): finite and non-negative; whole
        numbers unless ``weighted``.
    winner_code : int
        Class code of the winner, outlined and labelled "winner"; ``-1`` marks no winner (say,
        an undecided tie).
    weighted : bool, default=False
        Whether ``tally`` holds summed distance weights rather than counts.
    title : str, default="The vote"
        The chart's title line.

    Returns
    -------
    dict
        ``title``, ``axis`` (``"votes"`` or ``"summed weight"``), ``description`` (the
        accessible name: the whole vote in words) and ``rows``: one dict per class with
        ``name``, ``value``, ``label`` (the value as shown), ``color`` and ``winner``.

    Raises
    ------
    ValueError
        If the lengths of ``names`` and ``tally`` differ, there are no classes, a tally is
        negative, not finite or (unweighted) not a whole number, or ``winner_code`` is out of
        range.
    TypeError
        If ``winner_code`` is not an integer or ``tally`` is not numeric.

    Examples
    --------
    >>> data = vote_chart_data(["red", "blue"], [3, 2], winner_code=0)
    >>> [(r["name"], r["label"], r["winner"]) for r in data["rows"]]
    [('red', '3', True), ('blue', '2', False)]
    >>> data["description"]
    'The vote: red 3 votes (winner), blue 2 votes'
    >>> vote_chart_data(["a", "b"], [1.254, 0.5], winner_code=0, weighted=True)["rows"][0]["label"]
    '1.25'
    """
    names = [str(n) for n in names]
    try:
        values = np.asarray(tally, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"Expected tally to be an array of numbers, but got {tally!r}") from None
    if values.ndim != 1:
        raise ValueError(f"Expected tally to be one-dimensional, but got shape {values.shape}")
    if len(names) != len(values):
        raise ValueError(
            f"Expected one tally per class name, but len(names) = {len(names)}, "
            f"len(tally) = {len(values)}"
        )
    if len(values) == 0:
        raise ValueError("Expected at least one class, but names and tally are empty")
    for i, v in enumerate(values):
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"Expected every tally to be finite and >= 0, but tally[{i}] = {v}")
        if not weighted and abs(v - round(v)) > _WHOLE_TOLERANCE:
            raise ValueError(
                f"Expected whole-number vote counts when weighted=False, but tally[{i}] = "
                f"{v} (pass weighted=True for summed weights)"
            )
    if isinstance(winner_code, bool) or not isinstance(winner_code, numbers.Integral):
        raise TypeError(f"Expected winner_code to be an integer, but got {winner_code!r}")
    winner_code = int(winner_code)
    if not -1 <= winner_code < len(values):
        raise ValueError(
            f"Expected winner_code in 0..{len(values) - 1} or -1 (no winner), but got {winner_code}"
        )

    rows = []
    spoken = []
    for code, (name, value) in enumerate(zip(names, values.tolist(), strict=True)):
        label = _label(value, weighted)
        winner = code == winner_code
        rows.append(
            {
                "name": name,
                "value": value if weighted else round(value),
                "label": label,
                "color": class_color(code, names),
                "winner": winner,
            }
        )
        spoken.append(_spoken(name, label, value, weighted) + (" (winner)" if winner else ""))
    title = str(title)
    axis = "summed weight" if weighted else "votes"
    heading = f"{title} ({axis})" if weighted else title
    return {
        "title": title,
        "axis": axis,
        "description": f"{heading}: " + ", ".join(spoken),
        "rows": rows,
    }


def vote_chart(
    names: Sequence[str],
    tally,
    *,
    winner_code: int,
    weighted: bool = False,
    key: str,
    title: str = "The vote",
) -> None:
    """Draw the vote as a small horizontal bar chart, one row per class, the winner marked.

    Parameters
    ----------
    names : sequence of str
        Display name of each class, in class-code order; shown as plain text, never markup.
    tally : array-like of shape (n_classes,)
        Votes per class (summed weights when ``weighted``), finite and non-negative.
    winner_code : int
        Class code of the winner (outlined, and its row says "winner"); ``-1`` for none.
    weighted : bool, default=False
        Whether ``tally`` holds summed distance weights rather than counts.
    key : str
        Streamlit element key; keep it stable so reruns update the same chart in place.
    title : str, default="The vote"
        The chart's title line.

    Raises
    ------
    ValueError, TypeError
        For inputs :func:`vote_chart_data` rejects.

    Examples
    --------
    >>> vote_chart(["red", "blue"], [3, 2], winner_code=0, key="demo_vote")
    """
    data = vote_chart_data(names, tally, winner_code=winner_code, weighted=weighted, title=title)
    declare("vote_chart")(key=key, data=data, height="content")
