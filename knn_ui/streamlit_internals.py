"""Every private Streamlit API the app uses, in one small module (Streamlit 1.67).

Each helper is pinned by ``tests/test_streamlit_internals.py``, which fails loudly, naming the
helper, when a Streamlit upgrade moves or changes what it reaches. The README lists them.

Callers treat a failure (``Exception``) as "this Streamlit is different" and fall back to plain
public behaviour: a page never breaks because an internal moved.

========================== ============================================================
helper                     what it reaches, and why
========================== ============================================================
``StopException``          ``streamlit.runtime.scriptrunner_utils.exceptions``: tell
                           ``st.stop()`` from a crash, so a link is still checked.
``main_script_path``       ``ctx.main_script_path``: where ``static/`` is, for plotly.js.
``set_param_quietly``      ``get_script_run_ctx()``, ``ctx.session_state._state.query_params``,
                           ``QueryParams.set_with_no_forward_msg`` /
                           ``discard_param_no_forward_msg``, ``QueryParams._query_params`` and
                           ``ctx.query_string``: write the URL on the server; the address bar
                           is fixed with ``history.replaceState``
                           (:func:`knn_ui.links.address_bar_script`).
``leave_folder_mode``      ``PagesManager.uses_pages_directory``: route a server's first run
                           through ``app.py`` (see :mod:`knn_ui.router`).
========================== ============================================================
"""

from __future__ import annotations

from urllib.parse import urlencode

from streamlit.runtime.scriptrunner_utils.exceptions import StopException

__all__ = [
    "StopException",
    "leave_folder_mode",
    "main_script_path",
    "set_param_quietly",
]


def main_script_path() -> str | None:
    """Return the path of the app's main script, or None outside a script run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.main_script_path if ctx else None


def set_param_quietly(key: str, value: str | list[str] | None) -> None:
    """Set ``?key=value`` (``None``: remove it) on the server without a browser message."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    params = ctx.session_state._state.query_params
    if value is None:
        params.discard_param_no_forward_msg(key)
    else:
        params.set_with_no_forward_msg(key, value)
    ctx.query_string = urlencode(params._query_params, doseq=True)


def leave_folder_mode() -> bool:
    """Switch Streamlit's ``pages/`` folder mode off; return whether it was on."""
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    return True
