"""Class mode under load: a room of simulated students answering at once, through the real server.

One app server (SQLite in a temporary folder, or PostgreSQL with ``--database-url``), a teacher
in headless Chromium (1280 x 720) and ``--students`` students speaking Streamlit's own websocket
protocol (the protobuf messages the browser sends and receives), so the load is the server's:
each student joins with the join form, follows the room with the page's own automatic reruns
(the ``run_every`` fragment, as a browser would), waits for the question and taps one class
button, all within ``--spread`` seconds. Reported, over ``--rounds`` questions:

* answer -> acknowledgement: from sending the tap to receiving the "Saved: ..." text the
  server draws for that student (what the phone then shows);
* answer -> teacher: from sending an answer to the teacher's dashboard (in Chromium) first
  showing an answer count that includes it, and the same for the last answer of each round;
* the server's resident memory per connected student (its RSS with every student on the
  question, less its RSS with the teacher alone, over the number of students);
* from the database afterwards: one answer per student and question, holding the student's
  pick, and how many taps were stored (an answer counts its changes, so a tap made again
  after 5 s without an acknowledgement shows whether the first one had been stored, only
  slowly acknowledged, or lost).

    python -m benchmarks.bench_class                 # 30 students, 5 questions, SQLite
    python -m benchmarks.bench_class --postgres      # the same on a throwaway PostgreSQL
    python -m benchmarks.bench_class --students 40 --database-url postgresql://...
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from knn_ui.class_store import ClassStore
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, REPO, free_port

PAGE = "class_mode"

# Records, in the teacher's page, when each answer count ("N of M") is first shown.
WATCH_COUNTS = """() => {
    window.__counts = [];
    const seen = () => {
        for (const el of document.querySelectorAll('[data-testid="stMetricValue"]')) {
            const m = /^(\\d+) of (\\d+)$/.exec(el.innerText.trim());
            if (m && window.__last !== el.innerText) {
                window.__last = el.innerText;
                window.__counts.push([Number(m[1]), Date.now()]);
            }
        }
    };
    new MutationObserver(seen).observe(document.body,
        {subtree: true, childList: true, characterData: true});
}"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the server is one process), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Student:
    """One student's browser tab, as Streamlit's websocket protocol."""

    def __init__(self, url: str, code: str, name: str):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.query = f"room={code}"
        self.name = name
        self.page_hash = ""
        self.log: list[tuple[float, str, object, str]] = []  # (time, text, element, fragment)
        self.changed = asyncio.Event()
        self.polls: dict[str, asyncio.Task] = {}

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None)
        self.reader = asyncio.create_task(self._read())
        await self.rerun()

    async def close(self) -> None:
        for task in self.polls.values():
            task.cancel()
        self.reader.cancel()
        await self.ws.close()

    async def rerun(self, widgets=(), fragment_id: str = "", auto: bool = False) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        # A browser names the page by its URL path first, then by the hash the app's
        # navigation message gave it.
        state.page_name = PAGE
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(widgets)
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        await self.ws.send(msg.SerializeToString())

    async def _poll(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.rerun(fragment_id=fragment_id, auto=True)

    async def _read(self) -> None:
        try:
            await self._read_messages()
        except Exception as error:  # noqa: BLE001 - a benchmark client: say why it stopped
            print(f"{self.name}: reader stopped: {error!r}", file=sys.stderr)
            raise

    async def _read_messages(self) -> None:
        async for data in self.ws:
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "auto_rerun":
                fid = msg.auto_rerun.fragment_id
                if fid not in self.polls:
                    self.polls[fid] = asyncio.create_task(self._poll(fid, msg.auto_rerun.interval))
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                part = element.WhichOneof("type")
                text = ""
                if part in ("markdown", "text", "alert"):
                    text = getattr(element, part).body
                elif part in ("button", "text_input"):
                    text = getattr(element, part).label
                self.log.append((time.perf_counter(), text, element, msg.delta.fragment_id))
                self.changed.set()

    async def wait_for(self, test, since: float, timeout: float = 60.0):
        """Return the first log entry after ``since`` for which ``test(entry)`` holds."""
        deadline = time.perf_counter() + timeout
        checked = 0
        while True:
            for entry in self.log[checked:]:
                if entry[0] >= since and test(entry):
                    return entry
            checked = len(self.log)
            self.changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                seen = [e[1][:60] for e in self.log[-6:]]
                raise TimeoutError(f"{self.name}: nothing matched; last seen {seen}")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass

    async def join(self, code: str) -> None:
        start = time.perf_counter()
        await self.connect()
        submit = await self.wait_for(
            lambda e: e[2].WhichOneof("type") == "button" and e[2].button.is_form_submitter, start
        )
        code_box = await self.wait_for(lambda e: e[1] == "Class code", start)
        nick_box = await self.wait_for(lambda e: e[1].startswith("Nickname"), start)
        sent = time.perf_counter()
        await self.rerun(
            [
                WidgetState(id=code_box[2].text_input.id, string_value=code),
                WidgetState(id=nick_box[2].text_input.id, string_value=self.name),
                WidgetState(id=submit[2].button.id, trigger_value=True),
            ]
        )
        await self.wait_for(lambda e: e[1].endswith(f"you are {self.name}"), sent)

    async def answer(self, number: int, asked: float, pick: str) -> tuple[float, float, int]:
        """Tap ``pick`` on question ``number``.

        Return (wall time sent, seconds to the ack, taps that got no ack within 5 s and were
        made again, as a student would).
        """
        shown = await self.wait_for(lambda e: f"Question {number}." in e[1], asked)
        button = await self.wait_for(
            lambda e: e[2].WhichOneof("type") == "button" and pick in e[2].button.label, shown[0]
        )
        for again in range(5):
            sent_wall, sent = time.time(), time.perf_counter()
            await self.rerun(
                [WidgetState(id=button[2].button.id, trigger_value=True)], fragment_id=button[3]
            )
            try:
                ack = await self.wait_for(
                    lambda e: e[1].startswith(f"Saved: {pick}."), sent, timeout=5.0
                )
            except TimeoutError:
                continue
            return sent_wall, ack[0] - sent, again
        raise TimeoutError(f"{self.name}: no acknowledgement after 5 taps")


def start_server(database_url: str):
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
        "--server.headless", "true", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO), "KNN_CLASS_DATABASE_URL": database_url}
    log = open(Path(tempfile.gettempdir()) / f"bench_class_server_{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
    return process, f"http://127.0.0.1:{port}"


async def wait_healthy(url: str) -> None:
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            await asyncio.sleep(0.2)
    raise TimeoutError("server did not start")


async def bench(args) -> None:
    from playwright.async_api import async_playwright

    folder = tempfile.mkdtemp(prefix="knn-bench-class-")
    database_url = args.database_url or f"sqlite:///{folder}/class.sqlite3"
    process, url = start_server(database_url)
    rng = random.Random(0)
    try:
        await wait_healthy(url)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            teacher = await browser.new_page(viewport={"width": 1280, "height": 720})
            await teacher.goto(f"{url}/{PAGE}")
            await teacher.get_by_role("button", name="Start a class").click()
            await teacher.wait_for_selector(".knn-code", timeout=60_000)
            code = (await teacher.locator(".knn-code").inner_text()).strip()
            await teacher.get_by_role("button", name="Predict the class").click()
            await teacher.wait_for_selector("text=0 of 0", timeout=60_000)
            await asyncio.sleep(3)
            base_rss = rss_kib(process.pid)
            students = [Student(url, code, f"s{i:02d}") for i in range(args.students)]
            started = time.perf_counter()
            await asyncio.gather(*(s.join(code) for s in students))
            join_time = time.perf_counter() - started
            await teacher.wait_for_selector(
                f"text=0 of {args.students}", timeout=60_000
            )  # the dashboard counts everyone
            await asyncio.sleep(3)
            rss = rss_kib(process.pid)
            key = re.search(r"teacher=([\w-]+)", teacher.url).group(1)
            acks, teacher_lags, last_lags, lost, picks = [], [], [], 0, {}
            asked = 0.0  # the first question was open before anyone joined
            for number in range(1, args.rounds + 1):
                if number > 1:
                    asked = time.perf_counter()
                    await teacher.get_by_role("button", name="Next question").click()
                await teacher.wait_for_selector(f"text=Question {number}.", timeout=60_000)
                await teacher.evaluate(WATCH_COUNTS)

                async def one(student, number=number, asked=asked):
                    await asyncio.sleep(rng.uniform(0, args.spread))
                    pick = rng.choice(["red", "blue"])
                    picks[number, student.name] = pick
                    return await student.answer(number, asked, pick)

                answered = await asyncio.gather(*(one(s) for s in students))
                acks.extend(lag for _, lag, _ in answered)
                lost += sum(again for _, _, again in answered)
                await teacher.wait_for_function(
                    f"() => window.__counts.some(c => c[0] === {args.students})",
                    timeout=60_000,
                )
                counts = await teacher.evaluate("() => window.__counts")
                sent_times = sorted(t for t, _, _ in answered)
                for rank, sent in enumerate(sent_times, start=1):
                    shown = min(ms for n, ms in counts if n >= rank) / 1000
                    teacher_lags.append(max(0.0, shown - sent))
                last_lags.append(teacher_lags[-1])
            await browser.close()
        for student in students:
            await student.close()
        store = ClassStore(database_url)
        stored = store.export_rows(code, key)
        store.dispose()
    finally:
        process.terminate()
        process.wait(timeout=20)
    kept = {(r["question"], r["nickname"]): r for r in stored}
    assert len(kept) == len(stored) == len(picks), "one answer per student and question"
    wrong = [k for k, pick in picks.items() if ("red", "blue")[kept[k]["choice"]] != pick]
    assert not wrong, f"answers not as tapped: {wrong}"
    taps_stored = sum(r["changes"] + 1 for r in stored)

    def line(label, values, target):
        ms = [1000 * v for v in values]
        return (
            f"{label:<34} median {statistics.median(ms):7.0f} ms   p95 {percentile(ms, 95):7.0f} ms"
            f"   max {max(ms):7.0f} ms   (n = {len(ms)}, target p95 <= {target})"
        )

    load = os.getloadavg()
    print(
        f"class mode: {args.students} students, {args.rounds} questions, answers spread over "
        f"{args.spread:.0f} s, database {'PostgreSQL' if args.database_url else 'SQLite'}; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    print(f"all {args.students} joined in {join_time:.1f} s")
    print(line("answer -> acknowledgement", acks, "500 ms"))
    print(
        f"taps with no acknowledgement within 5 s (tapped again): {lost} of {len(acks)}; "
        f"taps stored: {taps_stored} of {len(acks) + lost}; one answer per student and "
        f"question ({len(stored)}), each the student's pick"
    )
    print(line("answer -> teacher's count", teacher_lags, "2 s"))
    print(line("last answer -> teacher's count", last_lags, "2 s"))
    print(
        f"server memory: {base_rss / 1024:.0f} MiB with the teacher, {rss / 1024:.0f} MiB with "
        f"{args.students} students: {(rss - base_rss) / args.students:.0f} KiB per student"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--spread", type=float, default=8.0, help="answers within (s)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default SQLite)")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL cluster and use it"
    )
    args = parser.parse_args()
    if not args.postgres:
        asyncio.run(bench(args))
        return
    from tests.postgres_support import create_database, postgres_bin, postgres_cluster

    with postgres_cluster(postgres_bin()) as server:
        args.database_url = create_database(server, "bench_class")
        asyncio.run(bench(args))


if __name__ == "__main__":
    main()
