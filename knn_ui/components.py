"""Declare the app's own Streamlit components (components v2, inline JavaScript and CSS).

Each component is a pair of files next to this one, ``<stem>.js`` and ``<stem>.css``, read
when the component is first used and declared once per process under the name
``knn_classroom_<stem>``. Mounted without a shadow root (``isolate_styles=False``): every CSS
rule is scoped to the component's own class names, and Plotly can put its styles in <head>.
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["component_name", "declare"]

_HERE = Path(__file__).resolve().parent


def component_name(stem: str) -> str:
    """Name of the component declared from ``<stem>.js`` (as AppTest elements report it)."""
    return f"knn_classroom_{stem}"


@functools.cache
def declare(stem: str):
    """Declare the component whose code is ``knn_ui/<stem>.js`` and ``knn_ui/<stem>.css``.

    Parameters
    ----------
    stem : str
        File name without extension: ``"canvas"``, ``"vote_chart"``, ``"neighbour_table"``.

    Returns
    -------
    callable
        What ``st.components.v2.component`` returns: call it with ``key=`` and ``data=`` to
        draw an element.
    """
    import streamlit as st

    js = (_HERE / f"{stem}.js").read_text(encoding="utf-8")
    css = (_HERE / f"{stem}.css").read_text(encoding="utf-8")
    return st.components.v2.component(component_name(stem), js=js, css=css, isolate_styles=False)
