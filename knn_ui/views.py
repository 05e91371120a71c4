"""Small Streamlit views shared by pages: the vote panel, the neighbour table, explanations.

They only display what ``knn_core`` computed (a :class:`knn_core.lessons.trace.QueryTrace`);
user text is always passed as plain text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from knn_ui import figures, params
from knn_ui.components import declare
from knn_ui.neighbour_table import neighbour_table as draw_neighbour_table
from knn_ui.vote_chart import vote_chart

_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~:$=&\"'")


def literal(text: str) -> str:
    r"""Return ``text`` escaped so that Streamlit's Markdown shows most of it as written.

    A backslash before every Markdown, HTML, LaTeX (``$``) and Streamlit directive
    (``:red[...]``, ``:material/...:``) character keeps it from formatting anything, and line
    breaks and tabs become spaces (a new line could start a heading, a list or an indented
    code block). It is not enough for text a user typed: a browser test showed Markdown's
    autolinks still turning an escaped ``https\://...`` into a live link. Show user text
    with plain-text elements (``st.text``, the app's own DOM components) instead.

    Examples
    --------
    >>> literal("**bold** :red[x] $y$")
    '\\*\\*bold\\*\\* \\:red\\[x\\] \\$y\\$'
    """
    text = " ".join(str(text).split("\n")).replace("\r", " ").replace("\t", " ")
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def step_slider(
    container,
    key: str,
    page: params.Page,
    n_steps: int,
    *,
    what: str,
    widths: Sequence[float],
    keys: tuple[str, str],
    wanted: int | None = None,
    single: str = "",
) -> int:
    """Draw Previous, the step slider of ``key`` (from the parameter table) and Next.

    Returns the 1-based step. A walk that got shorter shows its last step (``wanted``: the
    page knows better, e.g. the same stage after a tie step appeared). A link's step beyond
    the walk is reported as "this ``what`` has n steps". ``keys`` are the buttons' widget keys;
    ← and → press them. A walk of one step shows the caption ``single`` instead of a slider.
    """
    if wanted is None:
        params.last_step(key, n_steps)
    else:
        st.session_state[key] = wanted
    left, middle, right = container.columns(widths, vertical_alignment="bottom")
    if n_steps > 1:
        reason = f"this {what} has {n_steps} steps"
        step = params.draw(key, middle, page, high=n_steps, reason=reason)
    else:
        step = 1
        middle.caption(single)
    buttons = (("Previous", -1, step <= 1, "secondary"), ("Next", 1, step >= n_steps, "primary"))
    for column, button_key, (label, by, disabled, kind) in zip(
        (left, right), keys, buttons, strict=True
    ):
        column.button(
            label,
            key=button_key,
            on_click=params.bump,
            args=(key, by),
            disabled=disabled,
            width="stretch",
            type=kind,
            shortcut="ArrowLeft" if by < 0 else "ArrowRight",
        )
    return int(step)


def prediction_data(trace, names: Sequence[str], *, weighted: bool) -> dict:
    """Build the JSON-safe dict :func:`prediction_box` sends to the browser.

    Examples
    --------
    >>> import numpy as np
    >>> from knn_core.models import KNNClassifier
    >>> from knn_core.lessons.trace import trace_query
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
    >>> trace = trace_query(KNNClassifier(3).fit(X, [0, 0, 1]), [0.0, 0.0])
    >>> prediction_data(trace, ["**bold**", "b"], weighted=False)
    {'label': 'Prediction', 'value': '**bold**', 'caption': '67% of the votes went to this \
class.', 'tie': ''}
    """
    share = f"{trace.share:.0%}"
    return {
        "label": "Prediction",
        "value": str(names[int(trace.winner_code)]),
        "caption": f"{share} of the {'weight' if weighted else 'votes'} went to this class.",
        "tie": f"⚖️ Tied vote. {trace.tie_explanation}" if trace.tied else "",
    }


def prediction_box(trace, names: Sequence[str], *, weighted: bool, key="prediction") -> None:
    """Show the predicted class, the winner's share and a note when the vote tied.

    A plain DOM element (``prediction.js``): the class name and the tie explanation, which
    can come from a user's file, are set as text and never rendered as Markdown or HTML (as
    ``st.metric``, ``st.warning`` and friends would).
    """
    declare("prediction")(key=key, data=prediction_data(trace, names, weighted=weighted))


def vote_panel(trace, names: Sequence[str], *, weighted: bool) -> None:
    """Show the prediction (with a note when the vote tied) and the vote as a bar chart."""
    prediction_box(trace, names, weighted=weighted)
    vote_chart(
        names, trace.tally, winner_code=int(trace.winner_code), weighted=weighted, key="vote_chart"
    )


def verdict(trace, names: Sequence[str], *, weighted: bool) -> str:
    """Say the vote in one line, as the plot's preview words it: ``"blue: 2 of 3 votes"``.

    Weighted: ``"blue: 64% of the weighted vote"``; a tied vote adds how it was broken.

    Examples
    --------
    >>> from knn_core.lessons.trace import trace_query
    >>> from knn_core.models import KNNClassifier
    >>> model = KNNClassifier(3).fit([[0, 0], [1, 0], [5, 0]], [0, 0, 1])
    >>> verdict(trace_query(model, [0, 0]), ["red", "blue"], weighted=False)
    'red: 2 of 3 votes'
    """
    winner = int(trace.winner_code)
    top = float(trace.tally[winner])
    if weighted:
        share = round(100 * top / float(trace.tally.sum()))
        text = f"{names[winner]}: {share}% of the weighted vote"
    else:
        k = len(trace.kept)
        text = f"{names[winner]}: {top:g} of {k} vote{'' if k == 1 else 's'}"
    return f"{text} (a tie, broken by class order)" if trace.tied else text


def outside_note(query, bounds) -> None:
    """Say so when the query lies outside the plotted area (typed in, or from a link)."""
    (x0, x1), (y0, y1) = bounds
    if not (x0 <= query[0] <= x1 and y0 <= query[1] <= y1):
        st.info(
            f"The query ({query[0]:.2f}, {query[1]:.2f}) lies outside the plot, which shows "
            f"x₁ from {x0:.1f} to {x1:.1f} and x₂ from {y0:.1f} to {y1:.1f}. Its neighbours are "
            "still the closest points; click on the plot to bring it back into view.",
            icon=":material/open_in_full:",
        )


def neighbour_table(trace, X, names: Sequence[str]) -> None:
    """Show the k nearest neighbours: rank, coordinates, class, distance (and weight).

    A plain DOM table (:func:`knn_ui.neighbour_table.neighbour_table`), updated in place on
    reruns; class names are shown as plain text.
    """
    draw_neighbour_table(trace, X, names, key="neighbours")


#: The Playground's header, kept short so that at 1440 x 900 the whole plot and the vote fit
#: on the first screen: less space above the title (Streamlit's is 6rem) and under it.
_COMPACT_HEADER_CSS = """
<style>
  .stApp [data-testid="stMainBlockContainer"] { padding-top: 1.75rem; }
  .stApp [data-testid="stHeader"] { background: transparent; }
  .stApp .st-key-knn_compact_title h1 { padding: 0 0 0.25rem 0; font-size: 2.25rem; }
</style>
"""


def compact_header(title: str, goal: str) -> None:
    """Draw a page's title and its learning goal (fixed text, Markdown) in little height."""
    st.html(_COMPACT_HEADER_CSS)  # a fixed style sheet, never user text
    with st.container(key="knn_compact_title", gap="small"):
        st.title(title)
        st.markdown(goal)


#: Only one of a plot hint's two wordings shows: the touch one on a touch screen.
_PLOT_HINT_CSS = """
<style>
  .stApp .st-key-knn_hint_touch { display: none; }
  @media (pointer: coarse) {
    .stApp .st-key-knn_hint_touch { display: flex; }
    .stApp .st-key-knn_hint_mouse { display: none; }
  }
</style>
"""


def plot_hint(mouse: str, touch: str) -> None:
    """Draw the caption under a clickable plot, worded for a mouse or for a touch screen.

    Both are fixed text (Markdown); CSS shows the one that fits the device's pointer.
    """
    st.html(_PLOT_HINT_CSS)  # a fixed style sheet, never user text
    with st.container(key="knn_hint_mouse"):
        st.caption(mouse)
    with st.container(key="knn_hint_touch"):
        st.caption(touch)


def playground_explanations() -> None:
    """Three short explanations that sit under the Playground picture."""
    cols = st.columns(3)
    cols[0].markdown(
        "**What k does.** k is how many of the closest training points get a vote. With k = 1 "
        "every point claims the space around it and the regions are jagged; a larger k "
        "averages over more points and the regions become smooth, until at k = n every query "
        "gets the overall majority."
    )
    cols[1].markdown(
        "**Why odd k.** With two classes, an odd number of voters can never split evenly, so "
        "an odd k never ties. With an even k, or with more classes, ties happen; this app then "
        "says so and shows how the tie was broken."
    )
    cols[2].markdown(
        "**Why KNN keeps its data.** KNN learns nothing in advance: *fitting* just stores the "
        "training points, and every prediction measures the distance to them again. That is "
        "why a KNN model must always ship with its training data."
    )


def confusion_view(cm, names: Sequence[str], *, points: str, key: str) -> None:
    """Show which classes get mistaken for which: the matrix and its mix-ups in words.

    Parameters
    ----------
    cm : knn_core.evaluation.ConfusionMatrix
        The counts to show.
    names : sequence of str
        Display name of each class, in the order of ``cm.classes``.
    points : str
        What was counted, for the text ("test points", "points left out in turn").
    key : str
        Widget key of the chart.
    """
    chart_col, text_col = st.columns([2, 3], gap="medium")
    with chart_col:
        st.plotly_chart(
            figures.confusion_figure(cm.counts, names),
            config={"displayModeBar": False},
            key=key,
            theme=None,
        )
    mistakes = cm.mistakes()
    with text_col:
        st.markdown(
            f"Each row is a true class, each column the class KNN predicted; the number in a "
            f"cell counts {points}. The diagonal (✓) holds the right answers: "
            f"**{cm.n_correct:,} of {cm.total:,}**."
        )
        if not mistakes:
            st.markdown("No point was mistaken for another class.")
            return
        # Class names can come from a user's file: plain text, never Markdown (escaping is not
        # enough: a link in a name is still made live by Markdown's autolinks).
        st.markdown("The mix-ups, most frequent first:")
        for true, pred, count in mistakes[:6]:
            st.text(f"• {count:,} {names[true]} predicted as {names[pred]}")
        more = len(mistakes) - 6
        if more > 0:
            st.text(f"• and {more} smaller mix-up{'s' if more > 1 else ''}")
