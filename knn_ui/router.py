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

import threading

import streamlit as st

from knn_ui import links

# Each session's script runs in its own thread; app.py marks the run it is routing.
_RUN = threading.local()


def run(pages: list) -> None:
    """Route to the page in the URL (``st.navigation``), run it and check its link."""
    _RUN.routed = True
    try:
        links.run(st.navigation(pages))
    finally:
        _RUN.routed = False


def ensure_routed() -> None:
    """Rerun through ``app.py`` if folder mode started this page without it (call it first)."""
    if getattr(_RUN, "routed", False):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # Streamlit moved it: the page runs as it was started
        return
    if not PagesManager.uses_pages_directory:
        return  # not folder mode: the page was run on its own on purpose (a test of one page)
    # Folder mode runs pages without ever calling st.navigation, which is what switches it off:
    # switch it off as app.py's st.navigation would, and run again, now through app.py.
    PagesManager.uses_pages_directory = False
    st.rerun()
