"""The safety net: an unforeseen error stops a page with a friendly message, never a traceback.

An error is planted in the real Playground (a display helper raises once k is 7), the page is
opened with a link that sets k = 7, and the test checks what a student would see: no exception
box, a short message, a button that resets the page's settings while keeping the data, and
the details in the server's log.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from knn_ui import router, views
from tests.neighbour_rows import app_prediction

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TIMEOUT = 60

# These tests plant errors on purpose (see tests/conftest.py).
pytestmark = pytest.mark.safety_net


@pytest.fixture
def planted_error(monkeypatch):
    original = views.playground_explanations

    def explanations():
        if st.session_state.get("k") == 7:
            raise RuntimeError("planted: nobody foresaw this")
        original()

    monkeypatch.setattr(views, "playground_explanations", explanations)


def failed(at) -> bool:
    return any(router.FAILED_HEADLINE in e.value for e in at.error)


def test_an_unexpected_error_shows_a_message_and_a_way_back(planted_error, caplog):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"k": "7", "metric": "Manhattan", "edits": "keep-me"})
    with caplog.at_level(logging.ERROR, logger="knn_ui.router"):
        at.run()
    assert not at.exception, at.exception and "\n".join(at.exception[0].stack_trace)
    assert failed(at)
    assert "Traceback" not in " ".join(e.value for e in at.error)
    assert "planted" not in " ".join(e.value for e in at.error)  # the details stay on the server
    logged = [r for r in caplog.records if r.name == "knn_ui.router"]
    assert logged and logged[0].exc_info and "planted" in str(logged[0].exc_info[1])
    assert app_prediction(at) is not None  # what was drawn before the error stays

    at.button(key="safety_reset").click().run()
    assert not at.exception
    assert not failed(at)
    assert at.slider(key="k").value == 3  # the default again
    assert "k" not in at.query_params and "metric" not in at.query_params


def test_reset_keeps_the_uploaded_data(monkeypatch):
    original = views.neighbour_table

    def table(*args, **kwargs):
        if st.session_state.get("k") == 4:
            raise RuntimeError("planted")
        original(*args, **kwargs)

    monkeypatch.setattr(views, "neighbour_table", table)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/your_data.py").run()
    data = (REPO / "tests" / "data" / "good_comma.csv").read_bytes()
    at.file_uploader[0].set_value(("good_comma.csv", data, "text/csv")).run()
    assert not failed(at) and app_prediction(at) is not None
    at.slider(key="k").set_value(4).run()
    assert not at.exception and failed(at)
    at.button(key="safety_reset").click().run()
    assert not at.exception and not failed(at)
    assert at.slider(key="k").value == 3
    assert "good_comma.csv" in at.dataframe[0].value["value"].tolist()  # the data stayed


def test_config_hides_error_details_with_a_value_streamlit_accepts():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    value = config["client"]["showErrorDetails"]
    assert value == "none"
    allowed = {option.value for option in st_config.ShowErrorDetailsConfigOptions}
    assert value in allowed
