"""Every private Streamlit API of knn_ui.streamlit_internals, pinned: an upgrade fails here first.

Each test names the helper it pins. They run the helpers inside real script runs (AppTest), so
a moved module, a renamed attribute or a changed behaviour shows up as a failure here, not as a
page that silently lost its link notice.
"""

from __future__ import annotations

import inspect

import streamlit
from streamlit.testing.v1 import AppTest

from knn_ui import streamlit_internals as internals

TIMEOUT = 30


def _run(script: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_streamlit_version_these_internals_were_written_for():
    # A new Streamlit must pass every test below before this pin moves.
    assert streamlit.__version__.startswith("1.67"), streamlit.__version__


def test_stop_exception_is_what_the_script_runner_raises_for_st_stop():
    from streamlit.runtime.scriptrunner import script_runner

    assert script_runner.StopException is internals.StopException
    assert "raise StopException()" in inspect.getsource(script_runner)
    # A page that stops still gets its link checked (knn_ui.links catches it): see
    # tests/test_links.py::test_a_link_on_your_own_data_waits_for_the_data_and_the_notice_matches


def test_main_script_path_is_the_running_script():
    at = _run(
        """
import streamlit as st
from knn_ui.streamlit_internals import main_script_path
from pathlib import Path
st.text(Path(main_script_path()).is_file())
"""
    )
    assert at.text[0].value == "True"
    assert internals.main_script_path() is None  # outside a script run


def test_set_param_quietly_writes_the_servers_url():
    at = _run(
        """
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from knn_ui import streamlit_internals as internals
internals.set_param_quietly("k", "7")
internals.set_param_quietly("gone", None)
internals.set_param_quietly("many", ["1", "2"])
st.text(get_script_run_ctx().query_string)
""",
        {"gone": "x"},
    )
    assert at.text[0].value == "k=7&many=1&many=2"
    assert {key: at.query_params[key] for key in at.query_params} == {
        "k": "7",
        "many": ["1", "2"],
    }


def test_leave_folder_mode_switches_the_pages_manager_flag():
    from streamlit.runtime.pages_manager import PagesManager

    assert "uses_pages_directory" in vars(PagesManager) or hasattr(
        PagesManager, "uses_pages_directory"
    )
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        assert internals.leave_folder_mode() is True
        assert PagesManager.uses_pages_directory is False
        assert internals.leave_folder_mode() is False
    finally:
        PagesManager.uses_pages_directory = saved


def test_every_helper_is_listed_in_the_module_docstring_and_tested_here():
    source = inspect.getsource(
        inspect.getmodule(test_every_helper_is_listed_in_the_module_docstring_and_tested_here)
    )
    for name in internals.__all__:
        assert f"``{name}``" in internals.__doc__, name
        assert f"internals.{name}" in source or f"import {name}" in source, name
