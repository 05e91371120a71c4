import logging

import pytest

pytest_plugins = ["tests.browser_support", "tests.postgres_support"]

# Streamlit scripts that the browser tests serve; importing them for doctests would run them.
collect_ignore_glob = ["apps/*"]


@pytest.fixture(autouse=True)
def _the_safety_net_never_hides_an_error_from_a_test(request, caplog):
    """Fail a test whose page met an error that the safety net (knn_ui.router.run) caught.

    The safety net shows the student a short message instead of an exception box, so
    ``AppTest.exception`` stays empty: without this check an AppTest asserting "no exception"
    could not fail. Tests that plant an error on purpose carry the ``safety_net`` marker.
    """
    yield
    if request.node.get_closest_marker("safety_net"):
        return
    caught = [
        record
        for when in ("setup", "call")
        for record in caplog.get_records(when)
        if record.name == "knn_ui.router" and record.levelno >= logging.ERROR
    ]
    if caught:
        pytest.fail(
            f"a page met an error the safety net caught: {caught[0].getMessage()}\n"
            + (caught[0].exc_text or ""),
            pytrace=False,
        )
