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
``script_context``         ``get_script_run_ctx()`` and ``ctx.session_state._state``: the
                           running session's ``SessionState`` and query-parameter store.
``main_script_path``       ``ctx.main_script_path``: where ``static/`` is, for plotly.js.
``query_string``           ``QueryParams._query_params``: the URL query as the server holds it.
``hold_url_updates``       replaces ``QueryParams._send_query_param_msg`` on the first run,
``release_url_updates``    so loading a link pushes no browser history entry.
``set_param_quietly``      ``QueryParams.set_with_no_forward_msg`` /
                           ``discard_param_no_forward_msg`` and ``ctx.query_string``: write
                           the URL on the server; the address bar is fixed with
                           ``history.replaceState`` (:func:`knn_ui.links.address_bar_script`).
``forget_link_param``      ``QueryParams.remove_param`` and ``_initial_query_params``: drop a
                           link key, bound to a widget or not, so a reset is not undone by
                           the link seeding the widget again (:func:`knn_ui.router`).
``widget_link_value``      ``QueryParams.get_binding_for_param``, widget metadata,
                           ``parse_url_param`` and ``_coerce_value_for_query_url``: check a
                           link value against a widget Streamlit binds to the URL (the pages
                           not yet drawn from :mod:`knn_ui.params`).
``leave_folder_mode``      ``PagesManager.uses_pages_directory``: route a server's first run
                           through ``app.py`` (see :mod:`knn_ui.router`).
========================== ============================================================
"""

from __future__ import annotations

from urllib.parse import urlencode

from streamlit.runtime.scriptrunner_utils.exceptions import StopException

__all__ = [
    "StopException",
    "forget_link_param",
    "hold_url_updates",
    "leave_folder_mode",
    "main_script_path",
    "query_string",
    "release_url_updates",
    "script_context",
    "set_param_quietly",
    "widget_link_value",
]


def script_context():
    """Return ``(script run context, SessionState)`` of the running script."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx, ctx.session_state._state


def main_script_path() -> str | None:
    """Return the path of the app's main script, or None outside a script run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.main_script_path if ctx else None


def query_string(params) -> str:
    """Return the URL query string of Streamlit's query-parameter store ``params``."""
    return urlencode(params._query_params, doseq=True)


def hold_url_updates(ctx, params) -> None:
    """Keep URL changes on the server only (no browser message, so no history entry)."""

    def _record_only() -> None:
        ctx.query_string = query_string(params)

    params._send_query_param_msg = _record_only


def release_url_updates(params) -> None:
    """Undo :func:`hold_url_updates`."""
    params.__dict__.pop("_send_query_param_msg", None)


def set_param_quietly(key: str, value: str | list[str] | None) -> None:
    """Set ``?key=value`` (``None``: remove it) on the server without a browser message."""
    ctx, state = script_context()
    params = state.query_params
    if value is None:
        params.discard_param_no_forward_msg(key)
    else:
        params.set_with_no_forward_msg(key, value)
    ctx.query_string = query_string(params)


def forget_link_param(key: str, *, quiet: bool = False) -> None:
    """Remove ``key`` from the URL and from the values Streamlit seeds bound widgets with.

    ``quiet``: on the server only (before a page's widgets read the link, the address bar is
    fixed later); else the browser is told too.
    """
    ctx, state = script_context()
    params = state.query_params
    if quiet:
        params.discard_param_no_forward_msg(key)
        ctx.query_string = query_string(params)
    else:
        params.remove_param(key)
    params._initial_query_params.pop(key, None)


def widget_link_value(state, params, key: str, raw: list[str]):
    """Compare link values with the widget Streamlit binds to ``key``.

    Returns None when no widget of the page is bound to ``key``, else ``(wanted, got,
    canonical, in_url)``: the link's values parsed for the widget (None if they cannot be),
    the widget's value, its URL spelling (a list) and whether Streamlit kept the key in the URL.
    """
    from streamlit.runtime.state.query_params import (
        _coerce_value_for_query_url,
        parse_url_param,
    )

    binding = params.get_binding_for_param(key)
    meta = state.get_widget_metadata(binding.widget_id) if binding else None
    if meta is None:
        return None
    got = meta.serializer(state[binding.widget_id])
    canonical = _coerce_value_for_query_url(got, meta.value_type)
    canonical = [str(v) for v in canonical] if isinstance(canonical, list | tuple) else [canonical]
    try:
        wanted = parse_url_param(raw if len(raw) > 1 else raw[0], meta.value_type)
    except (ValueError, TypeError, OverflowError):
        wanted = None
    return wanted, got, [str(v) for v in canonical], params.has_param(key)


def leave_folder_mode() -> bool:
    """Switch Streamlit's ``pages/`` folder mode off; return whether it was on."""
    from streamlit.runtime.pages_manager import PagesManager

    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    return True
