"""Helpers and pytest fixtures for the browser tests (Playwright + Debian's Chromium).

Wire it in with ``tests/conftest.py`` holding ``pytest_plugins = ["tests.browser_support"]``.
The fixtures:

``browser``
    One headless Chromium per test session (``/usr/bin/chromium``). When it is missing the
    test is skipped, or fails when the ``CI`` environment variable is set.
``streamlit_url``
    A factory: ``streamlit_url("tests/apps/canvas_demo.py")`` starts ``streamlit run`` on a
    free port (once per script per session), waits for ``/_stcore/health`` and returns the
    base URL. Servers stop at the end of the session.
``page``
    A fresh browser context and page (1280 x 900) per test, closed afterwards.

Plain helpers, usable outside pytest (the benchmarks use them): :func:`start_streamlit`,
:func:`launch_chromium`, :func:`wait_for_app`, :func:`assert_no_exception`,
:func:`screenshot`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from knn_ui.router import FAILED_HEADLINE

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}


def require_chromium() -> None:
    """Skip the calling test when Chromium is missing; fail instead when ``CI`` is set."""
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM} (install it with scripts/ensure_test_tools.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def start_streamlit(
    script: str | Path, *, timeout: float = 60.0, env: dict | None = None
) -> Iterator[str]:
    """Run ``streamlit run script`` headless on a free port; yield its base URL.

    The server runs from the repository root (so ``.streamlit/config.toml`` and the packages
    are found) and is stopped, with its output discarded, when the block exits.
    """
    script = Path(script)
    if not script.is_absolute():
        script = REPO / script
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=REPO, env=full_env, stdout=log, stderr=log)

    def output() -> str:
        log.seek(0)
        return log.read().decode("utf-8", "replace")[-4000:]

    try:
        deadline = time.monotonic() + timeout
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{output()}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no answer from {url}/_stcore/health in {timeout}s:\n{output()}"
                )
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def launch_chromium(playwright):
    """Launch headless Debian Chromium with the project's flags."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
    )


def wait_for_app(page, *, timeout: float = 60.0) -> None:
    """Wait until the script finished its run (no "Running..." status).

    Streamlit marks its root element with ``data-test-script-state``; this waits for
    ``notRunning`` and for the status widget to be gone, twice in a row 100 ms apart, so a
    rerun that starts right after a run finishes is not missed.
    """
    js = """() => {
        const app = document.querySelector('[data-testid="stApp"]');
        if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
        const status = document.querySelector('[data-testid="stStatusWidget"]');
        return !(status && /Running/.test(status.textContent));
    }"""
    deadline = time.monotonic() + timeout
    settled = 0
    while settled < 2:
        remaining = max(deadline - time.monotonic(), 0.1) * 1000
        page.wait_for_function(js, timeout=remaining)
        settled += 1
        if settled < 2:
            page.wait_for_timeout(100)
            if not page.evaluate(js):
                settled = 0


def assert_no_exception(page) -> None:
    """Fail when the app shows an exception box or a traceback."""
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        raise AssertionError(f"the app shows an exception: {boxes.first.inner_text()[:2000]}")
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in text, text[:2000]
    # The safety net (knn_ui.router) turns an error into a short message: still a failure here.
    assert FAILED_HEADLINE not in text, text[:2000]


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of ``page`` as ``<repo>/screenshots/<name>.png`` and return the path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --- pytest fixtures -------------------------------------------------------------------------


#: Class names a user's CSV might hold that a browser would read as markup if it were asked to.
MARKUP_CLASS_NAMES = ["<b>x</b>", "a&b <img src=x onerror=window.__pwned=1>"]


def upload_markup_classes(page, app_url: str, ready: str) -> None:
    """Open "Your own data", upload a small CSV whose class names are markup, wait for ``ready``.

    ``ready`` is a CSS selector of the element under test; if the names were ever parsed as
    markup, the image's handler would set ``window.__pwned``.
    """
    rows = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (5, 5, 1), (6, 5, 1), (5, 6, 1)]
    names = MARKUP_CLASS_NAMES
    csv = "x1,x2,label\n" + "".join(f'{x},{y},"{names[c]}"\n' for x, y, c in rows)
    page.goto(app_url + "/your_data")
    wait_for_app(page)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "markup.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.wait_for_selector(ready, timeout=60_000)
    wait_for_app(page)
    assert_no_exception(page)


@pytest.fixture(scope="session")
def _playwright():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    """One headless Chromium for the whole session."""
    chromium = launch_chromium(_playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def streamlit_url():
    """Factory fixture: ``streamlit_url(script)`` -> base URL of a server running ``script``."""
    with contextlib.ExitStack() as stack:
        servers: dict[str, str] = {}

        def start(script: str | Path) -> str:
            name = str(script)
            if name not in servers:
                servers[name] = stack.enter_context(start_streamlit(script))
            return servers[name]

        yield start


@pytest.fixture
def page(browser):
    """A fresh context and page; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport=VIEWPORT)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    new_page.console_errors = errors
    yield new_page
    context.close()
