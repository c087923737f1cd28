"""The Plot dock's cost: ingest with a plot open, and redrawing 100,000 points.

    python plot_bench.py                      # both figures, each run in fresh children, as JSON
    python plot_bench.py --quick              # smaller: a smoke test, not a measurement
    python plot_bench.py child ingest COUNT PLOT   # one ingest run (PLOT 1: a plot open)
    python plot_bench.py child redraw POINTS       # redraw timings of one plot
    python plot_bench.py push ENDPOINT COUNT       # the flood peer (plain pyzmq)

``plot_ingest_ratio``: a PUSH peer floods the app's PULL socket with the primer's weather
updates, all on topic 10001 ("10001 -70 49"), and the app's receive rate is measured with the
Plot dock open and showing the temperature (``f1[2]`` on topic 10001, every message a point
to decode) and with no plot; the figure is the rate with the plot over the rate without it
(median over 5 interleaved rounds; each round's rates go to stderr).
``plot_ingest_ratio_cpu`` (information) is the same ratio counted in messages per second of
the main thread's CPU time, which other processes on a busy machine disturb far less than
wall-clock rates. ``plot_100k_frame_ms``: a plot of 100,000 points in the
"All" window is redrawn (new arrays handed to the line, then painted at once); the figure is
the median time of one redraw. Both run through the real main window on Qt's offscreen
platform, started like the ``zinspect`` command (app_bench.py's runner).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import emit, median, run_child, stop_process  # noqa: E402

CHILD_TIMEOUT_S = 180
FULL_MESSAGES, QUICK_MESSAGES = 600_000, 100_000
FULL_ROUNDS, QUICK_ROUNDS = 5, 1
POINTS = 100_000
REDRAWS = 30


# -- the peer --------------------------------------------------------------------------------
def push(endpoint: str, count: int) -> int:
    """Weather updates for zip code 10001 as fast as the receiver takes them."""
    import zmq

    context = zmq.Context()
    sock = context.socket(zmq.PUSH)
    sock.linger = 30_000
    sock.connect(endpoint)
    print("ready", flush=True)
    updates = [b"10001 %d %d" % (t - 80, 10 + t % 50) for t in range(215)]
    send = sock.send
    for index in range(count):
        send(updates[index % 215])
    sock.close()
    context.term()
    return 0


# -- scenarios in the app ----------------------------------------------------------------------
async def ingest_scenario(window: Any, count: int, plot: int) -> dict:
    import subprocess

    from app_bench import wait_until

    from zinspect.core.explore.fields import FieldPath

    session = window.session
    store = session.store
    handle = session.create_socket("PULL")
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    if plot:
        window.plots.plot(None, "10001", FieldPath.parse("f1[2]"))
        window.plots.panel.set_window("Last minute")
    await asyncio.sleep(0.5)
    marks: dict[str, float] = {}
    done = asyncio.Event()

    def on_received(_handle: Any, _count: int) -> None:
        if "first" not in marks:
            marks["first"] = time.perf_counter()
            marks["cpu_first"] = time.thread_time()
            marks["first_count"] = store.received
        if store.received >= count and "last" not in marks:
            marks["last"] = time.perf_counter()
            marks["cpu_last"] = time.thread_time()
            done.set()

    session.on_received.append(on_received)
    peer = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "push", endpoint, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await asyncio.wait_for(done.wait(), 90)
    finally:
        stop_process(peer)
    points = 0
    if plot:
        panel = window.plots.panel
        await wait_until(lambda: panel.feed.poll() is not None, 1, "the plot")
        points = sum(len(series.points) for series in panel.series())
    received = count - marks["first_count"]
    return {
        "rate": received / (marks["last"] - marks["first"]),
        # messages per second of the main thread's CPU: what other processes on a busy
        # machine disturb least
        "cpu_rate": received / max(1e-9, marks["cpu_last"] - marks["cpu_first"]),
        "plot": plot,
        "points": points,
        "messages": count,
    }


async def redraw_scenario(window: Any, points: int) -> dict:
    from zinspect.core.explore.fields import FieldPath
    from zinspect.core.store import IN

    now = time.time()
    rows = [
        (now - points * 0.01 + i * 0.01, "bench", IN, 0, b"10001 %d 40" % (i % 200 - 100))
        for i in range(points)
    ]
    window.session.store.extend_rows(rows, len(rows))
    plots = window.plots
    series = plots.plot(None, "10001", FieldPath.parse("f1[2]"))
    # the first poll samples the kept messages to its budget: give the series every point
    series.points.clear()
    series.feed(rows)
    panel = plots.panel
    panel.set_window("All")
    plots.dock.show()
    plots.dock.raise_()
    await asyncio.sleep(0.5)
    viewport = panel.values.widget.viewport()
    timings = []
    for _ in range(REDRAWS):
        began = time.perf_counter()
        panel.redraw()
        viewport.repaint()
        timings.append((time.perf_counter() - began) * 1000)
        await asyncio.sleep(0.02)
    return {"frame_ms": median(timings), "max_ms": max(timings), "points": len(series.points)}


SCENARIOS = {"ingest": ingest_scenario, "redraw": redraw_scenario}


def child(name: str, numbers: list[int]) -> int:
    import app_bench

    import zinspect.app
    import zinspect.ui.main_window as main_window

    scenario = SCENARIOS[name]

    class BenchWindow(main_window.MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.bench_task = asyncio.ensure_future(self._run())
            self.bench_task.add_done_callback(self._on_bench_task_done)

        async def _run(self) -> None:
            await app_bench.wait_until(self.isVisible, 10, "the window to show")
            await asyncio.sleep(0.3)
            emit(await scenario(self, *numbers))
            self.quit_without_asking()

        def _on_bench_task_done(self, task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                import traceback

                traceback.print_exception(task.exception())
                self.quit_without_asking()

    main_window.MainWindow = BenchWindow
    with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
        return zinspect.app.main(["--settings", os.path.join(folder, "settings.ini")])


def measure(quick: bool = False) -> dict[str, float]:
    script = str(Path(__file__).resolve())
    count = QUICK_MESSAGES if quick else FULL_MESSAGES
    ratios = []
    cpu_ratios = []
    for _ in range(QUICK_ROUNDS if quick else FULL_ROUNDS):
        closed = run_child([script, "child", "ingest", str(count), "0"], CHILD_TIMEOUT_S)
        opened = run_child([script, "child", "ingest", str(count), "1"], CHILD_TIMEOUT_S)
        ratios.append(opened["rate"] / closed["rate"])
        cpu_ratios.append(opened["cpu_rate"] / closed["cpu_rate"])
        print(
            f"plot_bench: closed {closed['rate']:,.0f} msg/s, open {opened['rate']:,.0f} "
            f"msg/s ({opened['points']:,} points): {ratios[-1]:.3f}; per CPU second "
            f"{cpu_ratios[-1]:.3f}",
            file=sys.stderr,
            flush=True,
        )
    redraw = run_child([script, "child", "redraw", str(POINTS)], CHILD_TIMEOUT_S)
    return {
        "plot_ingest_ratio": round(median(ratios), 3),
        "plot_ingest_ratio_cpu": round(median(cpu_ratios), 3),  # information, no target
        "plot_100k_frame_ms": round(redraw["frame_ms"], 1),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2], [int(value) for value in sys.argv[3:]]))
    if sys.argv[1:2] == ["push"]:
        sys.exit(push(sys.argv[2], int(sys.argv[3])))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
