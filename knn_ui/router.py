"""Every page runs through ``app.py``, even on a server's very first run.

Because a ``pages/`` folder sits next to ``app.py``, Streamlit starts each server (and each
``AppTest.run``) in its old folder mode: until some run has called ``st.navigation``, a page
in the URL (say ``/quiz``) is executed on its own, without ``app.py``, so without the page
config, the navigation menu and the link check, and the sidebar lists file names. (Streamlit
decides this from whether ``pages/`` exists, and only a call to ``st.navigation``, in
``app.py``, switches it off; folder mode itself never does.) Each page calls
:func:`ensure_routed` first: when it finds itself run in folder mode, it switches folder mode
off and asks for a rerun, which Streamlit then sends through ``app.py``.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from knn_ui import links, params
from knn_ui import streamlit_internals as internals

# Each session's script runs in its own thread; app.py marks the run it is routing.
_RUN = threading.local()
_LOG = logging.getLogger(__name__)


def run(pages: list) -> None:
    """Route to the page in the URL (``st.navigation``), run it and check its link.

    The safety net: an error nobody foresaw stops the page with a short message and a way
    back (:func:`reset_settings`) instead of a traceback, and its details go to the server's
    log. (``client.showErrorDetails = "none"`` in ``.streamlit/config.toml`` hides the details
    of anything that still escapes, such as an error in a widget callback.)
    """
    _RUN.routed = True
    try:
        page = st.navigation(pages)
        try:
            links.run(page)
        except Exception:  # noqa: BLE001 (anything at all: the student must never see a traceback)
            _LOG.exception("The page %r stopped with an unexpected error", page.title)
            page_failed()
    finally:
        _RUN.routed = False


#: Link parameters that hold data rather than settings: a reset keeps them.
DATA_PARAMS = frozenset({"edits"})
#: What a page shows when it met an unexpected error (tests look for it).
FAILED_HEADLINE = "Something went wrong on this page"


def reset_settings() -> None:
    """``on_click`` callback: forget this page's settings (link and widgets), keep the data.

    Every setting goes back to its default on every page (:func:`knn_ui.params.forget`) and
    the query point is re-centred; uploaded data and hand edits (:data:`DATA_PARAMS`) stay.
    The link's keys leave the URL.
    """
    for key in dict.fromkeys([*st.query_params, *params.TABLE]):
        if key in DATA_PARAMS:
            continue
        if key in params.TABLE:
            params.forget(key)
        else:
            st.session_state.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]


def page_failed() -> None:
    """Tell the student the page stopped, and offer :func:`reset_settings`."""
    st.error(
        f"**{FAILED_HEADLINE}**, and it stopped here. The details were written to the "
        "server's log for the teacher. Resetting this page's settings (your data stays) "
        "usually brings it back.",
        icon=":material/error:",
    )
    st.button(
        "Reset this page's settings",
        key="safety_reset",
        on_click=reset_settings,
        icon=":material/restart_alt:",
    )


def ensure_routed() -> None:
    """Rerun through ``app.py`` if folder mode started this page without it (call it first)."""
    if getattr(_RUN, "routed", False):
        return
    # Folder mode runs pages without ever calling st.navigation, which is what switches it off:
    # switch it off as app.py's st.navigation would, and run again, now through app.py. Not in
    # folder mode, the page was run on its own on purpose (a test of one page).
    try:
        was_folder_mode = internals.leave_folder_mode()
    except ImportError:  # Streamlit moved it: the page runs as it was started
        return
    if was_folder_mode:
        st.rerun()
