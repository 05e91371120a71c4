"""Benchmark the server's cost of a Playground click: CPU time and bytes sent, per click.

Two Streamlit servers run side by side: this repository's app and a reference checkout
(``--ref``, by default ``/work/wt/ref``, the code at the start of the session). Each gets
``--sessions`` browser sessions on the Playground at the default size. Clicks alternate
between the two servers, session after session; around each click the server process's CPU
time (user + system, all threads, from ``/proc/<pid>/stat``) is read, and the websocket bytes
the browser received for it are counted. A click is done when the script run it caused has
finished and the plot was redrawn.

Also timed, in the page, on both: click -> vote updated; first render; and every sidebar
control change -> plot redrawn (issue 15: at most 400 ms median): the k + 1 / k - 1 buttons,
the k slider (arrow keys), the distance metric, the votes (weights), the decision-regions
toggle and the data set, each changed and changed back in turn in ``--control-sessions``
sessions. Run from the repository root:
``python -m benchmarks.bench_server [--sessions 8 --clicks 5]``. Prints medians and the
ratio new / reference, and the machine's load average.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_support import _healthy, free_port, launch_chromium  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@contextlib.contextmanager
def server(root: Path):
    """Run ``streamlit run app.py`` from ``root``; yield ``(url, pid)``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = tempfile.TemporaryFile()
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 90
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(log.read().decode()[-2000:])
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        if process.poll() is None:
            process.kill()


class Session:
    """One student: a browser context on the Playground, counting websocket bytes."""

    def __init__(self, browser, url: str, query: str):
        self.context = browser.new_context(viewport={"width": 1440, "height": 900})
        self.page = self.context.new_page()
        self.bytes = 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        t0 = time.perf_counter()
        self.page.goto(url + query)
        self.page.wait_for_selector(".knn-canvas[data-renders] .main-svg", timeout=180_000)
        self.first_render = time.perf_counter() - t0
        self.settle()

    def _frame(self, payload):
        self.bytes += len(payload)

    def settle(self):
        self.page.wait_for_function(
            "() => { const a = document.querySelector('[data-testid=stApp]');"
            " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
            timeout=60_000,
        )
        self.page.wait_for_timeout(150)

    def area(self):
        """The plot's drawing area, scrolled into view (it may run past the fold)."""
        self.page.locator(".knn-canvas").scroll_into_view_if_needed()
        return self.page.locator(".knn-canvas-plot .nsewdrag").first.bounding_box()

    def timed(self, action, prepare=None) -> float:
        """Run ``action`` (a click or a key press); return ms from its event to the plot
        redrawn and the script run finished, timed in the page. ``prepare`` (opening a
        drop-down, say) runs before the clock is armed."""
        page = self.page
        if prepare is not None:
            prepare()
        renders = page.evaluate("Number(document.querySelector('.knn-canvas').dataset.renders)")
        page.evaluate(
            "() => { window.__t0 = null; const start = () => {"
            " window.__t0 ??= performance.now(); };"
            " for (const name of ['click', 'keydown'])"
            " window.addEventListener(name, start, {capture: true, once: true}); }"
        )
        action()
        page.wait_for_function(
            f"Number(document.querySelector('.knn-canvas').dataset.renders) > {renders}",
            timeout=60_000,
        )
        self.settle()
        return page.evaluate(
            "Number(document.querySelector('.knn-canvas').dataset.renderedAt) - window.__t0"
        )


def choose(page, label: str, option: str):
    """Type ``option`` into the sidebar drop-down ``label`` (prepare); Enter picks it (action)."""
    box = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label)

    def prepare():
        box.get_by_role("combobox").first.click()
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).first.wait_for()

    return prepare, lambda: page.keyboard.press("Enter")


def control_changes(page, forth: bool) -> dict:
    """The sidebar controls of issue 15, each as ``(prepare, action)``: one way or back."""
    sidebar = page.locator("[data-testid=stSidebar]")
    k_slider = sidebar.locator("[data-testid=stSlider]").filter(has_text="k (number")
    k_thumb = k_slider.get_by_role("slider").first
    k_button = page.get_by_role("button", name="k + 1" if forth else "k − 1").first

    def key(name):
        return lambda: (k_thumb.focus(), page.keyboard.press(name))

    toggle = sidebar.locator("[data-testid=stCheckbox], [data-testid=stToggle]").filter(
        has_text="Decision regions"
    )
    votes = sidebar.locator("[data-testid=stRadio]").filter(has_text="Votes")
    return {
        "k button": (None, k_button.click),
        "k slider (arrow key)": (None, key("ArrowRight" if forth else "ArrowLeft")),
        "metric": choose(page, "Distance", "Manhattan" if forth else "Euclidean"),
        "weights": (None, votes.get_by_text("Distance" if forth else "Uniform", exact=True).click),
        "regions": (None, toggle.locator("label").first.click),
        "data set": choose(page, "Data set", "Moons" if forth else "Blobs"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", type=Path, default=Path("/work/wt/ref"))
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--clicks", type=int, default=5, help="clicks per session and server")
    parser.add_argument("--query", default="", help="URL query, e.g. ?n=1000")
    parser.add_argument(
        "--control-sessions", type=int, default=2, help="sessions that change every control"
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    roots = {"reference": args.ref.resolve(), "new": REPO}
    with contextlib.ExitStack() as stack, sync_playwright() as pw:
        servers = {name: stack.enter_context(server(root)) for name, root in roots.items()}
        browser = launch_chromium(pw)
        sessions = {name: [] for name in roots}
        for _ in range(args.sessions):  # opened alternately, as a class arrives
            for name, (url, _pid) in servers.items():
                sessions[name].append(Session(browser, url, args.query))
        cpu = {name: [] for name in roots}
        sent = {name: [] for name in roots}
        click_ms = {name: [] for name in roots}
        control_ms = {name: {} for name in roots}
        rng = np.random.default_rng(0)
        loads = [os.getloadavg()[0]]
        for round_ in range(args.clicks):
            for i in range(args.sessions):
                fx, fy = rng.uniform(0.1, 0.9, size=2)
                for name, (_url, pid) in servers.items():
                    s = sessions[name][i]
                    box = s.area()
                    x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
                    s.page.mouse.move(x, y)
                    s.page.wait_for_timeout(100)
                    c0, b0 = cpu_seconds(pid), s.bytes
                    click_ms[name].append(s.timed(lambda s=s, x=x, y=y: s.page.mouse.click(x, y)))
                    cpu[name].append((cpu_seconds(pid) - c0) * 1e3)
                    sent[name].append(s.bytes - b0)
                    if i < args.control_sessions:  # every control, there and back by rounds
                        changes = control_changes(s.page, forth=round_ % 2 == 0)
                        for what, (prepare, action) in changes.items():
                            ms = s.timed(action, prepare)
                            control_ms[name].setdefault(what, []).append(ms)
            loads.append(os.getloadavg()[0])
        first = {name: [s.first_render * 1e3 for s in sessions[name]] for name in roots}
        browser.close()

    def med(values):
        return statistics.median(values)

    def mean(values):
        return statistics.fmean(values)

    print(
        f"\nPlayground, {args.sessions} sessions per server, {args.clicks} clicks each "
        f"(query {args.query or 'default'}); load average {min(loads):.1f}-{max(loads):.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(f"  {'':34s} {'reference':>12s} {'new':>12s} {'new/ref':>8s}  target")
    kilobytes = {name: [b / 1e3 for b in values] for name, values in sent.items()}
    rows = [
        # The kernel counts CPU time in 10 ms ticks: a mean over many clicks, not a median.
        ("server CPU per click, mean (ms)", cpu, "<= 25", mean),
        ("bytes per click, median (kB)", kilobytes, "", med),
        ("click -> vote redrawn, median (ms)", click_ms, "<= 200", med),
        ("first render, median (ms)", first, "<= 3000", med),
    ]
    for what in control_ms["new"]:
        values = {name: control_ms[name][what] for name in roots}
        rows.append((f"{what} -> plot redrawn (ms)", values, "<= 400", med))
    for label, values, target, stat in rows:
        ref, new = stat(values["reference"]), stat(values["new"])
        print(f"  {label:34s} {ref:12.1f} {new:12.1f} {new / ref:8.2f}  {target}")


if __name__ == "__main__":
    main()
