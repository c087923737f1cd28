"""zinspect itself under load: one scenario per process, through the real application.

    python app_bench.py ingest COUNT SIZE FRAMES [CAP] [SOCKETS]
    python app_bench.py filter COUNT
    python app_bench.py big SIZE
    python app_bench.py many_frames FRAMES SIZE     # one complete message of FRAMES frames
    python app_bench.py shutdown COUNT
    python app_bench.py shutdown_stored COUNT       # quit with COUNT messages in the store
    python app_bench.py hold_stored COUNT RECORD    # the same, then wait for a SIGTERM
                                                    # (RECORD 2: the recorder all behind)
    python app_bench.py send COUNT SIZE             # the send automation
    python app_bench.py send_composer COUNT SIZE    # await SocketHandle.send in a loop

The process is started like the ``zinspect`` command (``zinspect.app.main``: QApplication,
qasync loop, MainWindow shown, shutdown on close) on Qt's offscreen platform; the only change
is that the main window class is a subclass that runs the scenario as a task once it is shown.
So the traffic table is visible and following new rows, the status bar samples its counters,
and quitting goes through the same close path as File > Quit. Sockets are made through the
Session the window owns, as the sockets panel makes them.

A 16 ms precise Qt timer runs throughout; its lateness is how long the UI could not react.
Each scenario prints one RESULT line (see common.emit) and closes the window.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zmq
from common import (
    emit,
    filter_corpus,
    free_tcp_port,
    percentile,
    rss_bytes,
    spawn_peer,
    stop_process,
    trim_heap,
)
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

TICK_MS = 16
BEHIND = 2  # hold_stored's RECORD: recording, and the recorder all behind at the signal
SCENARIO_TIMEOUT_S = 90.0
HISTORY_ENV = "ZINSPECT_BENCH_HISTORY"  # "1": the history on disk on, as in the app


class LagProbe:
    """A 16 ms precise timer; lateness of a tick = its gap since the previous tick - 16 ms."""

    def __init__(self) -> None:
        self.ticks: list[tuple[float, float]] = []  # (perf_counter, lateness in ms)
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._last = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(TICK_MS)

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.ticks.append((now, max(0.0, (now - self._last) * 1000 - TICK_MS)))
        self._last = now

    def lateness(self, start: float, end: float) -> list[float]:
        """Lateness of the ticks in [start, end], plus the first tick after ``end`` (so a
        stall that straddles the end still counts)."""
        values = []
        for stamp, late in self.ticks:
            if stamp < start:
                continue
            values.append(late)
            if stamp > end:
                break
        return values

    def summary(self, start: float, end: float) -> dict[str, float]:
        values = self.lateness(start, end)
        return {
            "lag_p99_ms": percentile(values, 0.99),
            "lag_max_ms": max(values, default=0.0),
            "ticks": len(values),
        }


async def wait_until(
    predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.002
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(step)


# -- scenarios ------------------------------------------------------------------------------
async def ingest(
    window: Any,
    probe: LagProbe,
    count: int,
    size: int,
    frames: int,
    cap: int = 0,
    sockets: int = 1,
    prefill: int = 0,
) -> dict:
    """A flood from a PUSH peer process into PULL socket(s) of the app; ``prefill``: as
    many messages received first, unmeasured (a store already full, as in a long session)."""
    session = window.session
    store = session.store
    if cap:
        store.set_caps(cap, store.max_bytes)
    handles = [session.create_socket("PULL") for _ in range(sockets)]
    endpoints = [handle.bind("tcp://127.0.0.1:*").address for handle in handles]
    await asyncio.sleep(0.5)
    base = 0
    if prefill:
        filler = spawn_peer("push", ",".join(endpoints), str(prefill), str(size), str(frames))
        try:
            await wait_until(lambda: store.received >= prefill, SCENARIO_TIMEOUT_S, "the prefill")
        finally:
            stop_process(filler)
        base = store.received
    gc.collect()
    trim_heap()
    rss_before = rss_bytes()
    marks: dict[str, float] = {}
    done = asyncio.Event()

    def on_received(_handle: Any, _count: int) -> None:
        if "first" not in marks:
            marks["first"] = time.perf_counter()
            marks["first_count"] = store.received
            marks["cpu_first"] = time.thread_time()
        if cap and "cap" not in marks and store.dropped:
            marks["cap"] = time.perf_counter()
            marks["rss_cap"] = rss_bytes()
        if store.received >= base + count and "last" not in marks:
            marks["last"] = time.perf_counter()
            marks["cpu_last"] = time.thread_time()
            done.set()

    session.on_received.append(on_received)
    probe.start()
    peer = spawn_peer("push", ",".join(endpoints), str(count), str(size), str(frames))
    try:
        await asyncio.wait_for(done.wait(), SCENARIO_TIMEOUT_S)
    finally:
        stop_process(peer)
    rss_end_raw = rss_bytes()
    model = window.traffic.model
    await wait_until(lambda: model.rowCount() == len(store), 5, "the table to catch up")
    await asyncio.sleep(0.2)
    probe.stop()
    view = window.traffic.view
    # following: the newest row is the bottom one (-1: blank space below the last row)
    bottom_row = view.rowAt(view.viewport().height() - 2)
    last_row_visible = bottom_row in (-1, model.rowCount() - 1)
    gc.collect()
    trim_heap()
    rss_after = rss_bytes()
    received = base + count - marks["first_count"]
    elapsed = marks["last"] - marks["first"]
    # the store's total_bytes counts memory (payload and overhead): payload is summed here
    from zinspect.core.store import ROW_SIZE

    payload = sum(row[ROW_SIZE] for row in store.rows(store.first_seq, store.end_seq)[1])
    result = {
        "rate": received / elapsed,
        "main_thread_busy": (marks["cpu_last"] - marks["cpu_first"]) / elapsed,
        "messages": count,
        "size": size,
        "frames": frames,
        "sockets": sockets,
        "stored": len(store),
        "rows": model.rowCount(),
        "following": window.traffic.following and last_row_visible,
        "status": window.status.text(),
        "rss_before": rss_before,
        "rss_after": rss_after,
        "payload_bytes": payload,
        "overhead_bytes_per_msg": (rss_after - rss_before - payload) / max(1, len(store)),
        **probe.summary(marks["first"], marks["last"]),
    }
    if cap:
        result["rss_cap"] = marks["rss_cap"]
        result["rss_end"] = rss_end_raw
        result["rss_growth_after_cap"] = (rss_end_raw - marks["rss_cap"]) / marks["rss_cap"]
    return result


async def filter_text(window: Any, probe: LagProbe, count: int) -> dict:
    """Type a filter over COUNT stored messages, as a user does (text, then Return)."""
    store = window.session.store
    store.extend_rows(filter_corpus(count), count)
    panel = window.traffic
    model = panel.model
    await wait_until(lambda: model.rowCount() == count, 10, "the table to show the messages")
    await asyncio.sleep(0.3)
    probe.start()
    await asyncio.sleep(0.2)
    started, ended, _keypress_ms = await type_filter(panel, "qty=42 ", SCENARIO_TIMEOUT_S)
    await asyncio.sleep(0.2)
    probe.stop()
    matches = model.rowCount()
    return {
        "filter_s": ended - started,
        "matches": matches,
        "messages": count,
        "filter_max_stall_ms": probe.summary(started, ended)["lag_max_ms"],
    }


async def type_filter(panel: Any, text: str, timeout: float) -> tuple[float, float, float]:
    """Type ``text`` in the traffic filter and press Return, as a user does, and wait for
    the filter to report 100 %: (started, finished, the keypress's own ms), perf_counter."""
    model = panel.model
    finished: dict[str, float] = {}

    def on_progress(percent: int) -> None:
        if percent == 100 and model.filter.active and "end" not in finished:
            finished["end"] = time.perf_counter()

    model.filter_progress_changed.connect(on_progress)
    started = time.perf_counter()
    panel.filter_edit.setText(text)
    QTest.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    keypress_ms = (time.perf_counter() - started) * 1000
    if model.filter.active and model.filter_progress == 100 and "end" not in finished:
        finished["end"] = time.perf_counter()  # matched within the keypress itself
    await wait_until(lambda: "end" in finished, timeout, "the filter to finish")
    model.filter_progress_changed.disconnect(on_progress)
    return started, finished["end"], keypress_ms


async def big_message(window: Any, probe: LagProbe, size: int) -> dict:
    """One SIZE-byte single-frame message arrives; it is listed, then selected."""
    session = window.session
    handle = session.create_socket("PULL")
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    model = window.traffic.model
    await asyncio.sleep(0.3)
    probe.start()
    started = time.perf_counter()
    peer = spawn_peer("big", endpoint, str(size))
    try:
        await wait_until(lambda: session.store.received >= 1, SCENARIO_TIMEOUT_S, "the big message")
        received = time.perf_counter()
        await wait_until(lambda: model.rowCount() >= 1, 5, "the table to list it")
        listed = time.perf_counter()
        window.traffic.view.selectRow(model.rowCount() - 1)
        await wait_until(lambda: window.detail.message is not None, 5, "the detail pane")
        shown = time.perf_counter()
        await asyncio.sleep(0.5)
    finally:
        stop_process(peer)
    probe.stop()
    stored = session.store.get(session.store.end_seq - 1)
    return {
        "big_msg_max_stall_ms": probe.summary(started, shown + 0.5)["lag_max_ms"],
        "size": stored.size if stored else 0,
        "listed_after_s": listed - received,
        "shown_after_s": shown - received,
    }


async def many_frames(window: Any, probe: LagProbe, frames: int, size: int) -> dict:
    """One complete message of FRAMES frames (then one more message) arrives and is listed:
    the longest lateness meanwhile (the drain resumes part-way across turns)."""
    session = window.session
    handle = session.create_socket("PULL")
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    model = window.traffic.model
    await asyncio.sleep(0.3)
    probe.start()
    started = time.perf_counter()
    peer = spawn_peer("frames", endpoint, str(frames), str(size))
    try:
        await wait_until(lambda: model.rowCount() >= 2, SCENARIO_TIMEOUT_S, "both messages")
        listed = time.perf_counter()
        await asyncio.sleep(0.3)
    finally:
        stop_process(peer)
    probe.stop()
    return {
        "stall_many_frames_ms": probe.summary(started, listed + 0.3)["lag_max_ms"],
        "kept_frames": len(session.store.get(session.store.first_seq).frames),
        "cut": handle.cut_messages,
    }


async def shutdown(window: Any, probe: LagProbe, count: int) -> dict:
    """COUNT messages queued on a PUSH whose peer never comes, then File > Quit."""
    session = window.session
    handle = session.create_socket("PUSH")
    handle.socket.setsockopt(zmq.SNDHWM, 0)  # no high-water mark: everything queues
    handle.connect(f"tcp://127.0.0.1:{free_tcp_port()}")
    data = b"q" * 64
    for _ in range(count):
        await handle.send([data])
    await wait_until(lambda: window.traffic.model.rowCount() == count, 10, "the table")
    await asyncio.sleep(0.2)
    return {"queued": handle.sent}


async def shutdown_stored(window: Any, probe: LagProbe, count: int) -> dict:
    """COUNT small messages put in the store (as a long capture leaves it), then File > Quit."""
    return await fill_store(window, count)


async def hold_stored(window: Any, probe: LagProbe, count: int, record: int) -> dict:
    """COUNT messages stored (recorded to the file named by ZINSPECT_BENCH_RECORD when
    RECORD is 1; RECORD 2 stores them at once and prints the RESULT line before the
    recorder could write any), the RESULT line printed, then wait: the parent quits the app
    with SIGTERM and times it."""
    if record:
        window.capture.start_recording(os.environ["ZINSPECT_BENCH_RECORD"])
    recorder = window.capture.recorder
    if record == BEHIND:  # a flood far faster than the disk: the recorder is all behind
        result = fill_at_once(window, count)
        assert recorder is not None
        result["pending"] = recorder.pending
    else:
        result = await fill_store(window, count)
    if recorder is not None and record != BEHIND:  # after a long session: it has kept up
        await wait_until(lambda: recorder.pending == 0, 120, "the recorder")
        result["recorded"] = recorder.written
    result["close_requested"] = time.time()
    emit(result)
    await asyncio.Event().wait()
    return result


def fill_at_once(window: Any, count: int) -> dict:
    """COUNT messages into the store in one go, without a turn of the loop between."""
    from zinspect.core.store import OUT, Message

    now = time.time()
    window.session.store.extend(
        [Message(now, "pub-1", OUT, [b"t", b"%d" % i]) for i in range(count)]
    )
    return {"stored": len(window.session.store)}


async def fill_store(window: Any, count: int) -> dict:
    from zinspect.core.store import OUT, Message

    store = window.session.store
    now = time.time()
    chunk = 50_000
    for start in range(0, count, chunk):
        store.extend(
            [Message(now, "pub-1", OUT, [b"t", b"%d" % i]) for i in range(start, start + chunk)]
        )
        await asyncio.sleep(0)
    await wait_until(lambda: window.traffic.model.rowCount() == len(store), 30, "the table")
    await asyncio.sleep(0.2)
    return {"stored": len(store)}


async def send(window: Any, probe: LagProbe, count: int, size: int) -> dict:
    """The send automation (a "scripted send"): a PUSH whose automation sends COUNT
    SIZE-byte text frames with interval 0 into a PULL sink process. The rate runs from the
    runner's start to its last message (its own count), with the window live throughout."""
    from zinspect.core.automation.automation import AutomationSpec, SendSpec
    from zinspect.core.automation.automation_runner import attach_automation

    sink = spawn_peer("sink", str(count + 1))
    try:
        assert sink.stdout is not None
        endpoint = sink.stdout.readline().split()[1]
        handle = window.session.create_socket("PUSH")
        handle.connect(endpoint)
        await handle.send([b"s" * size])  # waits for the connection
        probe.start()
        done = asyncio.Event()
        spec = AutomationSpec(send=SendSpec(frames=["s" * size], count=count, interval_ms=0))
        started = time.perf_counter()
        runner = attach_automation(handle, spec, start=False)
        assert runner is not None
        runner.on_state_changed.append(lambda r: None if r.running else done.set())
        runner.start()
        await asyncio.wait_for(done.wait(), SCENARIO_TIMEOUT_S)
        elapsed = time.perf_counter() - started
        probe.stop()
        if runner.sent != count or runner.last_error:
            raise RuntimeError(f"the automation sent {runner.sent} of {count}: {runner.last_error}")
    finally:
        stop_process(sink)
    return {
        "rate": count / elapsed,
        "messages": count,
        "size": size,
        **probe.summary(started, started + elapsed),
    }


async def send_composer(window: Any, probe: LagProbe, count: int, size: int) -> dict:
    """The composer's send path (SocketHandle.send) as fast as a coroutine can await it."""
    sink = spawn_peer("sink", str(count + 1))
    try:
        assert sink.stdout is not None
        endpoint = sink.stdout.readline().split()[1]
        handle = window.session.create_socket("PUSH")
        handle.connect(endpoint)
        data = b"s" * size
        await handle.send([data])  # waits for the connection
        started = time.perf_counter()
        for _ in range(count):
            await handle.send([data])
        elapsed = time.perf_counter() - started
    finally:
        stop_process(sink)
    return {"rate": count / elapsed, "messages": count, "size": size}


SCENARIOS: dict[str, Callable[..., Awaitable[dict]]] = {
    "ingest": ingest,
    "filter": filter_text,
    "big": big_message,
    "many_frames": many_frames,
    "shutdown": shutdown,
    "shutdown_stored": shutdown_stored,
    "hold_stored": hold_stored,
    "send": send,
    "send_composer": send_composer,
}


def main(argv: list[str]) -> int:
    scenario = SCENARIOS[argv[0]]
    numbers = [int(value) for value in argv[1:]]

    import zinspect.app
    import zinspect.ui.main_window as main_window

    class BenchWindow(main_window.MainWindow):
        """The real main window, plus a task that runs the scenario once it is shown."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.bench_task = asyncio.ensure_future(self._run())
            self.bench_task.add_done_callback(self._on_bench_task_done)

        async def _run(self) -> None:
            await wait_until(self.isVisible, 10, "the window to show")
            await asyncio.sleep(0.3)
            probe = LagProbe()
            result = await scenario(self, probe, *numbers)
            result["close_requested"] = time.time()
            emit(result)
            self.quit_without_asking()

        def quit_without_asking(self) -> None:
            """File > Quit, minus the question about unsaved changes (as Ctrl+C quits)."""
            self.close_guard = None
            self.close()

        def _on_bench_task_done(self, task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                error = task.exception()
                print(f"benchmark failed: {error!r}", file=sys.stderr, flush=True)
                import traceback

                traceback.print_exception(error)
                self.quit_without_asking()

    main_window.MainWindow = BenchWindow  # zinspect.app imports it when the GUI starts
    with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
        settings = os.path.join(folder, "settings.ini")
        if os.environ.get(HISTORY_ENV) != "1":
            # The figures measured before the history existed stay comparable: it is off
            # unless asked for (history_bench.py measures what it costs).
            with open(settings, "w", encoding="utf-8") as file:
                file.write("[history]\nkeep=false\n")
        code = zinspect.app.main(["--settings", settings])
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
