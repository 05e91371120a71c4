"""Editing points on the Playground: the controls, the session log and the link.

A click on the plot either moves the query (as before) or edits the data: add a point of a
chosen class, remove the nearest point, or flip the nearest point's class. The edits are a log
of :class:`knn_core.edits.Edit` (the maths, the rules and the text format live there); this
module keeps the log in ``st.session_state`` (so it survives reruns and page changes) and in
the ``edits`` query parameter (so a copied link reproduces the edited data), and replays it,
cached, into the data the page draws.

Edits belong to one data set (data set, number of points, noise, classes, seed). When those
change, the log is put aside under its data set and comes back when the controls are set back
(or with one click on "Back to the edited data").

The page uses it like this::

    edited = edits.prepare(params)   # session/link -> edited data; link written
    X, y, bounds, params = edited.X, edited.y, edited.bounds, edited.params  # k <= n
    model = cache.model(edited.key, params.k, ...)   # and cache.grid(edited.key, ...)
    edits.controls(edited)                          # above the plot
    knn_canvas(..., on_click=edited.on_click)
    edits.notices(edited)                           # below the plot
    edits.share_note(edited)                        # after state.share_link()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

from knn_core.csv_io import to_csv
from knn_core.datasets import DATASETS
from knn_core.edits import (
    LINK_MAX_EDITS,
    LINK_MAX_LENGTH,
    MAX_EDITS,
    Edit,
    EditRefused,
    data_tag,
    decode_edits,
    edit_at,
    encode_edits,
    fits_in_link,
    link_text,
)
from knn_ui import cache, links, state, style
from knn_ui import params as params_table

#: The query parameter that carries the edits.
PARAM = "edits"
#: Widget keys (not bound to the URL: how a click acts is not part of the view).
MODE_KEY = "edit_mode"
CLASS_KEY = "edit_class"
#: What a click on the plot does.
MODES = {
    "move": "Move the query",
    "add": "Add a point",
    "remove": "Remove nearest",
    "flip": "Flip nearest",
}
MODE_HELP = (
    "**Move the query:** the click places the query point. **Add a point:** a new point of "
    "the chosen class appears where you click. **Remove nearest:** the point nearest to the "
    "click is removed. **Flip nearest:** the point nearest to the click changes to the next "
    "class (red → blue → red ...). Nearest means the shortest straight line. Undo takes back "
    "the last change."
)
#: Unicode stand-ins for the class marker shapes (style.CLASS_SYMBOLS), shown in the picker.
SYMBOL_GLYPHS = {
    "circle": "●",
    "square": "■",
    "diamond": "◆",
    "triangle-up": "▲",
    "cross": "✚",
}
CSV_NAME = "knn_edited_data.csv"

_SESSION = "_edits_session"  # EditSession of the data on the screen
_PARKED = "_edits_parked"  # {tag: EditSession} of other data sets
_MESSAGE = "_edits_message"  # (level, text) of the last click, shown once
_LINK_PROBLEM = "_edits_link_problem"  # why the link's edits were not used
_MAX_PARKED = 8


# --------------------------------------------------------------------------------------------
# The log in the session
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditSession:
    """The edit log of one data set, with the earlier logs that Undo goes back to."""

    data_key: tuple
    edits: tuple[Edit, ...] = ()
    history: tuple[tuple[Edit, ...], ...] = ()

    @property
    def tag(self) -> str:
        """The data set's :func:`knn_core.edits.data_tag`."""
        return data_tag(*self.data_key)

    @property
    def text(self) -> str:
        """The whole log as text (any length): the cache key of the edited data."""
        return encode_edits(self.edits, tag=self.tag) if self.edits else ""

    def changed(self, edits) -> EditSession:
        """Return the session with ``edits`` as the log; Undo returns to the current one."""
        return dataclasses.replace(self, edits=tuple(edits), history=(*self.history, self.edits))

    @classmethod
    def from_log(cls, data_key: tuple, edits) -> EditSession:
        """Return a session holding ``edits`` as if they had been made one by one here.

        A log opened from a link can then be undone one edit at a time, like a log made in
        this session, instead of only reset.
        """
        edits = tuple(edits)
        return cls(data_key, edits, tuple(edits[:i] for i in range(len(edits))))

    def undone(self) -> EditSession:
        """Return the session as it was before the last change."""
        if not self.history:
            return self
        return dataclasses.replace(self, edits=self.history[-1], history=self.history[:-1])


@dataclass(frozen=True)
class EditedData:
    """What the page draws: the edited data, its cache key and the canvas click callback.

    ``params`` is the page's view with ``k`` lowered to the number of points if needed;
    ``address`` the fix the address bar needs (``links.set_quietly``) when the edits changed it.
    """

    key: tuple
    X: np.ndarray
    y: np.ndarray
    bounds: tuple
    session: EditSession
    n_classes: int
    names: list[str]
    params: params_table.Values
    address: tuple[str, list[str], list[str]] | None
    on_click: Callable[[float, float], None]

    @property
    def fits_in_link(self) -> bool:
        """Whether the log travels in the share link."""
        return fits_in_link(self.session.edits, tag=self.session.tag)


# --------------------------------------------------------------------------------------------
# Session, link and clicks
# --------------------------------------------------------------------------------------------


def _describe(data_key: tuple) -> str:
    name, n_samples, noise, seed, n_classes = data_key
    spec = DATASETS.get(name)
    title = state.DATASET_LABELS.get(name, name)
    classes = f", {n_classes} classes" if spec is not None and spec.supports_n_classes else ""
    return f"{title}, {n_samples:,} points, noise {noise:.2f}{classes}, seed {seed}"


def _from_link(data_key: tuple) -> EditSession:
    """Start a session: take the edits from the link if they apply, else note why not."""
    session = EditSession(data_key)
    text = st.query_params.get(PARAM, "")
    if not text:
        return session
    try:
        edits = decode_edits(text, tag=session.tag)
        cache.dataset(*data_key, encode_edits(edits, tag=session.tag))  # replays, or raises
    except ValueError as error:
        st.session_state[_LINK_PROBLEM] = str(error)
        _say("warning", "The edits in this link were not used: see the note under the plot.")
        return session
    return EditSession.from_log(data_key, edits)


def _switch_data(old: EditSession, data_key: tuple) -> EditSession:
    """Put the old log aside (the data changed) and bring back this data's old log, if any."""
    parked = dict(st.session_state.get(_PARKED, {}))
    if old.edits:
        parked[old.tag] = old
        while len(parked) > _MAX_PARKED:
            parked.pop(next(iter(parked)))
    new = EditSession(data_key)
    back = parked.pop(new.tag, None)
    if back is not None and back.data_key == data_key:
        new = back
        _say("info", f"Your {_count(back.edits)} of this data set are back.")
    elif old.edits:
        _say(
            "info",
            f"Your {_count(old.edits)} belong to the data set you had before "
            f"({_describe(old.data_key)}), so they are put aside. Set the data controls back, "
            "or press “Back to the edited data”, to see them again.",
        )
    st.session_state[_PARKED] = parked
    st.session_state.pop(_LINK_PROBLEM, None)
    return new


def _count(edits) -> str:
    return f"{len(edits) or 'no'} edit{'' if len(edits) == 1 else 's'}"


def _say(level: str, text: str) -> None:
    st.session_state[_MESSAGE] = (level, text)


def _write_link(session: EditSession):
    """Keep ``?edits=`` equal to the log, without a new browser-history entry.

    A plain ``st.query_params[...] = ...`` makes the browser ``pushState`` on every edit, so
    Back would step through clicks. The value is changed on the server only and the address
    bar by a fixed script that :func:`share_note` draws (see ``knn_ui.links.set_quietly``).
    Returns that address-bar fix, or ``None``.
    """
    want = link_text(session.edits, tag=session.tag) if session.edits else None
    return links.set_quietly(PARAM, want)


def record(edit: Edit) -> None:
    """Append ``edit`` to the log of the data on the screen (for callbacks)."""
    session = st.session_state[_SESSION]
    st.session_state[_SESSION] = session.changed((*session.edits, edit))
    st.session_state.pop(_LINK_PROBLEM, None)


def _click_handler(session: EditSession, X, y, n_classes: int, names, k: int):
    """Build the canvas callback: it resolves a click against the data drawn on this run."""

    def on_click(x: float, y_click: float) -> None:
        mode = st.session_state.get(MODE_KEY, "move")
        if mode not in ("add", "remove", "flip"):
            state.place_query(x, y_click)
            return
        current = st.session_state.get(_SESSION)
        if current is None or current.data_key != session.data_key:
            return  # the data changed since this plot was drawn
        if len(current.edits) >= MAX_EDITS:
            _say("warning", f"At most {MAX_EDITS:,} edits: undo or reset to go on editing.")
            return
        code = int(st.session_state.get(CLASS_KEY, 0) or 0)
        try:
            edit = edit_at(
                X, y, mode, (x, y_click), n_classes, code=min(code, n_classes - 1),
                min_points=k, class_names=names,
            )  # fmt: skip
        except EditRefused as error:
            if error.reason == "min_points":
                _say(
                    "warning",
                    f"Not removed: k = {k} needs at least {k} points, and there are "
                    f"{len(X)}. Lower k first to remove more points.",
                )
            else:
                _say("warning", f"Not changed: {error}")
            return
        record(edit)
        _say("success", _done(edit, X, y, n_classes, names))

    return on_click


def _done(edit: Edit, X, y, n_classes: int, names) -> str:
    if edit.kind == "add":
        return f"Added a {names[edit.code]} point at ({edit.x:.2f}, {edit.y:.2f})."
    px, py = X[edit.index]
    old = int(y[edit.index])
    if edit.kind == "remove":
        return f"Removed the {names[old]} point at ({px:.2f}, {py:.2f})."
    new = (old + 1) % n_classes
    return f"Flipped the point at ({px:.2f}, {py:.2f}) from {names[old]} to {names[new]}."


def prepare(params: params_table.Values) -> EditedData:
    """Bring the log up to date for the view's data and return the edited data for the page.

    Reads the log from the session, or on a new session from the link; sets it aside when the
    data controls changed; writes the link; lowers k when the edited data has fewer points
    than k (with a note in the sidebar).

    Parameters
    ----------
    params : knn_ui.params.Values
        The view: its ``data_key`` is the data edited, and ``k`` is checked against the
        number of edited points.

    Returns
    -------
    EditedData
    """
    data_key = params.data_key
    session = st.session_state.get(_SESSION)
    if session is None:
        session = _from_link(data_key)
    elif session.data_key != data_key:
        session = _switch_data(session, data_key)
    st.session_state[_SESSION] = session
    address = _write_link(session)

    n_classes = int(data_key[4])
    X, y, bounds = cache.dataset(*data_key, session.text)
    names = style.display_names(np.arange(n_classes))
    k = params_table.fit(
        "k", int(params.k), high=len(X), reason=f"the edited data has only {len(X)} points"
    )
    return EditedData(
        key=(*data_key, session.text),
        X=X,
        y=y,
        bounds=bounds,
        session=session,
        n_classes=n_classes,
        names=names,
        params=params.replace(k=k),
        address=address,
        on_click=_click_handler(session, X, y, n_classes, names, k),
    )


def changed_since(edited: EditedData) -> bool:
    """Whether the edits changed (a click, Undo, Reset) since ``edited`` was prepared."""
    return st.session_state.get(_SESSION) is not edited.session


# --------------------------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------------------------


def _undo() -> None:
    session = st.session_state.get(_SESSION)
    if session is not None:
        st.session_state[_SESSION] = session.undone()
        _say("info", "Undone.")


def _reset() -> None:
    session = st.session_state.get(_SESSION)
    if session is not None and session.edits:
        st.session_state[_SESSION] = session.changed(())
        _say("info", f"All {_count(session.edits)} reset: the data is as generated. Undo brings "
             "them back.")  # fmt: skip


def _back_to(session: EditSession) -> None:
    """Set the data controls to the data set of a set-aside log (``on_click`` callback)."""
    name, n_samples, noise, seed, n_classes = session.data_key
    st.session_state["data"] = name
    st.session_state["n"] = n_samples
    st.session_state["noise"] = noise
    st.session_state["seed"] = seed
    if DATASETS[name].supports_n_classes:
        st.session_state["classes"] = n_classes
    state._forget_query()


def _class_label(code: int, names) -> str:
    glyph = SYMBOL_GLYPHS.get(style.class_symbol(code, names), "")
    return f"{glyph} {names[code]}".strip()


def click_hint(edited: EditedData) -> str:
    """Say what a click on the plot does now, for the canvas's preview line (plain text)."""
    mode = st.session_state.get(MODE_KEY, "move")
    if mode == "add":
        code = min(int(st.session_state.get(CLASS_KEY, 0)), edited.n_classes - 1)
        return f"click to add a {edited.names[code]} point here"
    if mode == "remove":
        return "click to remove the point nearest to here"
    if mode == "flip":
        return "click to flip the class of the point nearest to here"
    return "click to place the query here"


def controls(edited: EditedData) -> None:
    """Draw "Click or tap the plot to", the class picker, Undo, Reset and the edit count.

    Draw it under the plot (so the whole plot fits on the first screen). Its height never
    changes while a student clicks (results of a click come as a toast).
    """
    session = edited.session
    mode = st.segmented_control(
        "Click or tap the plot to",
        list(MODES),
        format_func=MODES.get,
        default="move",
        required=True,
        key=MODE_KEY,
        help=MODE_HELP,
        width="stretch",
        persist_state="session",
    )
    if st.session_state.get(CLASS_KEY, 0) not in range(edited.n_classes):
        st.session_state.pop(CLASS_KEY, None)  # fewer classes now: back to the first
    # The class picker has a row of its own: with five classes it needs the whole width (in
    # a shared row its last choice slid under the Undo button).
    st.segmented_control(
        "Class of a new point",
        list(range(edited.n_classes)),
        format_func=lambda code: _class_label(code, edited.names),
        default=0,
        required=True,
        key=CLASS_KEY,
        disabled=mode != "add",
        help="The class of the points that “Add a point” puts on the plot.",
        persist_state="session",
        width="stretch",
    )
    count_col, undo_col, reset_col = st.columns([3, 1, 1], vertical_alignment="center")
    count_col.caption(
        f"{_count(session.edits).capitalize()} · {len(edited.X):,} points · a link holds "
        f"up to {LINK_MAX_EDITS} edits"
    )
    undo_col.button(
        "Undo",
        icon=":material/undo:",
        on_click=_undo,
        disabled=not session.history,
        width="stretch",
        help="Take back the last change (an edit or a reset).",
    )
    reset_col.button(
        "Reset",
        icon=":material/restart_alt:",
        on_click=_reset,
        disabled=not session.edits,
        width="stretch",
        help="Remove every edit: back to the generated data. Undo brings them back.",
    )
    message = st.session_state.pop(_MESSAGE, None)
    if message is not None:
        level, text = message
        # The text is written by this module (class names are colour names), not by a user.
        icon = {"success": ":material/check:", "warning": "⚠️"}.get(level, ":material/info:")
        st.toast(text, icon=icon, duration="short" if level == "success" else "long")


def notices(edited: EditedData) -> None:
    """Show why a link's edits were not used, and the way back to edits put aside.

    Draw it below the plot: these notices come and go with the first edit, and the plot must
    not move when they do.
    """
    problem = st.session_state.get(_LINK_PROBLEM)
    if problem is not None:
        with st.container(border=True):
            st.warning(
                "The edits in the link were not used; the data is shown unedited.",
                icon=":material/link_off:",
            )
            # The message may quote the link: shown as plain text, never as Markdown.
            st.code(problem, language=None, wrap_lines=True)
    parked = st.session_state.get(_PARKED, {})
    if parked and not edited.session.edits:
        latest = list(parked.values())[-1]
        st.button(
            f"Back to the edited data ({_count(latest.edits)})",
            icon=":material/history:",
            on_click=_back_to,
            args=(latest,),
            help=f"Set the data controls back to {_describe(latest.data_key)}, where you made "
            "these edits.",
        )


def share_note(edited: EditedData) -> None:
    """Under the share box: whether the edits are in the link, or a CSV download if not.

    Also keeps the address bar in step with the edits (see ``_write_link``); call it on every
    run, at the end of the sidebar.
    """
    session = edited.session
    if edited.address is not None:
        # A fixed script; the edits travel base64-encoded, no user text reaches the page.
        st.sidebar.html(links.address_bar_script([edited.address]), unsafe_allow_javascript=True)
    if not session.edits:
        return
    if edited.fits_in_link:
        st.sidebar.caption(f"The link includes your {_count(session.edits)}.")
        return
    st.sidebar.warning(
        f"Your {_count(session.edits)} could not fit in the link: a link holds up to "
        f"{LINK_MAX_EDITS} edits ({LINK_MAX_LENGTH:,} characters). The link shows the data "
        "unedited, with a note. Share the edited data as a file instead: it opens on the "
        "“Your own data” page.",
        icon=":material/link_off:",
    )
    st.sidebar.download_button(
        "Download the edited data (CSV)",
        data=to_csv(edited.X, edited.y),
        file_name=CSV_NAME,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help="Columns x1, x2 and label (class 0 is red, 1 blue, ...).",
    )
