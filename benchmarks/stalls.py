"""The longest stall of the window during heavy operations, through the real application.

    python benchmarks/stalls.py            # every figure (and their CPU twins) as JSON
    python benchmarks/stalls.py --quick    # smaller inputs: a smoke test
    python benchmarks/stalls.py child evict 10 67108864 1000000   # one scenario

Each scenario runs in a fresh child process started like the ``zinspect`` command (through
app_bench.py's window runner, Qt's offscreen platform), with a 16 ms precise timer running:

- ``stall_evict_ms``: the store holds 1 M small rows (the table shows them all), then one
  peer process (tests/peers/big_message_sender.py) sends ten 64 MiB messages into a PULL
  socket: from the fifth on, each makes the store drop 60-310 k small rows to stay under
  its 512 MiB cap (at once, before the store evicted in slices).
- ``stall_send_flood_ms``: the send automation floods 300 k messages of 64 B into a PULL sink
  process (app_bench's ``send`` scenario: interval 0, the batch path).
- ``stall_open_capture_ms``: File > Open capture of a capture of 1 M messages.
- ``stall_1000_sockets_ms``: opening a workspace of 1,000 sockets (500 PULL bound to inproc
  endpoints, 500 PUSH connected to them), until the sockets list shows all of them.
- ``stall_close_3000_sockets_ms``: File > New workspace with a workspace of 3,000 such
  sockets open (opened, unmeasured, first), until the sockets list is empty.
- ``stall_topology_3000_ms``: the Topology tab brought to the front with a workspace of
  3,000 such sockets open (opened, unmeasured, first), until it draws every box and link.
- ``stall_demo_over_3000_ms``: Demos > Pipeline with a workspace of 3,000 such sockets open
  (opened, unmeasured, first), until the demo runs and the sockets list shows its 8 sockets.

The figure is the timer's largest lateness (gap since the previous tick - 16 ms). On a
shared, loaded machine that includes time the GUI thread was ready but not given a CPU, so
each figure has a twin ``*_cpu_ms``: the largest CPU time the GUI thread itself spent
between two ticks, less the tick. That one is what zinspect controls.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import run_child, stop_process  # noqa: E402
from safety_capture import run_delay  # noqa: E402

TICK_MS = 16
MIB = 1 << 20
BIG_SENDER = os.path.join(os.path.dirname(HERE), "tests", "peers", "big_message_sender.py")
CHILD_TIMEOUT_S = 300
# (figure, scenario, full arguments, quick arguments)
CASES: list[tuple[str, str, list[int], list[int]]] = [
    ("stall_evict_ms", "evict", [10, 64 * MIB, 1_000_000], [3, 16 * MIB, 100_000]),
    ("stall_send_flood_ms", "send_flood", [300_000, 64], [30_000, 64]),
    ("stall_open_capture_ms", "open_capture_1m", [1_000_000], [100_000]),
    ("stall_1000_sockets_ms", "sockets", [1000], [200]),
    ("stall_close_3000_sockets_ms", "close_sockets", [3000], [300]),
    ("stall_topology_3000_ms", "topology", [3000], [300]),
    ("stall_demo_over_3000_ms", "demo_over", [3000], [300]),
]
KEYS = [name for name, *_ in CASES] + [f"{name[:-3]}_cpu_ms" for name, *_ in CASES]
TARGET_MS = 100  # every stall figure, and its CPU twin


def cpu_probe(base: type) -> type:
    """app_bench's LagProbe, also noting the GUI thread's CPU time between ticks."""

    class CpuProbe(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.cpu: list[tuple[float, float]] = []  # (perf_counter, CPU ms beyond the tick)
            self.worst: tuple[float, float, float] = (0.0, 0.0, 0.0)  # lateness, CPU, waited
            self._cpu_last = 0.0
            self._waited = 0.0

        def start(self) -> None:
            self._cpu_last = time.thread_time()
            self._waited = run_delay()
            super().start()

        def _on_timer_timeout(self) -> None:
            now = time.perf_counter()
            cpu = time.thread_time()
            waited = run_delay()
            spent = max(0.0, (cpu - self._cpu_last) * 1000 - TICK_MS)
            self.cpu.append((now, spent))
            late = (now - self._last) * 1000 - TICK_MS
            if late > self.worst[0]:
                self.worst = (late, spent, (waited - self._waited) * 1000)
            self._cpu_last = cpu
            self._waited = waited
            super()._on_timer_timeout()

        def both(self, start: float, end: float) -> dict[str, float]:
            cpu = [late for stamp, late in self.cpu if start <= stamp <= end + 0.1]
            return {
                "stall_ms": self.summary(start, end)["lag_max_ms"],
                "cpu_ms": max(cpu, default=0.0),
                "ticks": len(cpu),
                "worst_tick": [round(value, 1) for value in self.worst],
            }

    return CpuProbe


# -- scenarios, run inside the application (app_bench's window runner) ------------------------
async def evict(window: Any, probe: Any, count: int, size: int, small: int) -> dict:
    """``small`` rows stored and shown, then ``count`` messages of ``size`` bytes arrive."""
    from app_bench import SCENARIO_TIMEOUT_S, wait_until

    from zinspect.core.store import IN

    session = window.session
    store = session.store
    model = window.traffic.model
    now = time.time()
    chunk = 100_000
    for start in range(0, small, chunk):
        rows = [(now, "small", IN, 8, b"m%07d" % i) for i in range(start, start + chunk)]
        store.extend_rows(rows[: small - start], min(chunk, small - start))
        await asyncio.sleep(0)
    handle = session.create_socket("PULL")
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    await wait_until(lambda: model.rowCount() == len(store), 30, "the table")
    await asyncio.sleep(0.5)
    probe.start()
    await asyncio.sleep(0.2)
    received = store.received
    started = time.perf_counter()
    peer = subprocess.Popen(  # one process sends them back to back
        [sys.executable, BIG_SENDER, endpoint, str(count), "1", str(size)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await wait_until(
            lambda: store.received >= received + count, SCENARIO_TIMEOUT_S, "the messages"
        )
        await wait_until(lambda: model.rowCount() == len(store), 30, "the table")
        finished = time.perf_counter()
        await asyncio.sleep(0.3)
    finally:
        stop_process(peer)
    probe.stop()
    return {
        **probe.both(started, finished + 0.3),
        "seconds": finished - started,
        "dropped": store.dropped,
        "kept": len(store),
        "rows": model.rowCount(),
    }


async def send_flood(window: Any, probe: Any, count: int, size: int) -> dict:
    """app_bench's send automation flood, with this module's probe."""
    import app_bench

    result = await app_bench.send(window, probe, count, size)
    started = probe.ticks[0][0] if probe.ticks else 0.0
    return {**result, **probe.both(started, probe.ticks[-1][0] if probe.ticks else 0.0)}


def write_plain_capture(path: str, messages: int) -> None:
    """A capture of ``messages`` two-frame messages (no event lines)."""
    from safety_capture import write_mixed_capture

    write_mixed_capture(path, messages, messages + 10)


async def open_capture_1m(window: Any, probe: Any, messages: int) -> dict:
    """Open a capture of ``messages`` messages as a user does, until the table shows them."""
    from app_bench import SCENARIO_TIMEOUT_S, wait_until

    folder = tempfile.mkdtemp(prefix="zinspect-bench-open-")
    path = os.path.join(folder, "open.jsonl")
    write_plain_capture(path, messages)
    outcome: list[str] = []
    window.capture.job_finished.connect(outcome.append)
    model = window.traffic.model
    store = window.session.store
    await asyncio.sleep(0.3)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    try:
        if not window.capture.open_capture(path):
            raise RuntimeError("the capture did not open")
        await wait_until(lambda: bool(outcome), SCENARIO_TIMEOUT_S, "the capture to open")
        await wait_until(lambda: model.rowCount() == len(store), 30, "the table")
        finished = time.perf_counter()
        await asyncio.sleep(0.3)
    finally:
        os.remove(path)
        os.rmdir(folder)
    probe.stop()
    return {
        **probe.both(started, finished + 0.3),
        "seconds": finished - started,
        "stored": len(store),
        "rows": model.rowCount(),
        "outcome": outcome[0],
    }


def sockets_workspace(path: str, count: int) -> None:
    """Half PULL sockets bound to inproc endpoints, half PUSH sockets connected to them."""
    pairs = count // 2
    sockets = [
        {"name": f"pull-{n:04d}", "type": "PULL", "bind": [f"inproc://bench-{n}"]}
        for n in range(pairs)
    ] + [
        {"name": f"push-{n:04d}", "type": "PUSH", "connect": [f"inproc://bench-{n}"]}
        for n in range(count - pairs)
    ]
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"zinspect": 1, "sockets": sockets}, file)


async def sockets(window: Any, probe: Any, count: int) -> dict:
    """Open a workspace of ``count`` sockets; done when the sockets list shows them all (and
    ``list_blank_after_open_ms``: from the open's end until the list draws its top row)."""
    from app_bench import wait_until
    from PySide6.QtCore import QPoint

    folder = tempfile.mkdtemp(prefix="zinspect-bench-ws-")
    path = os.path.join(folder, "many.zinspect.json")
    sockets_workspace(path, count)
    await asyncio.sleep(0.3)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    try:
        window.workspace_actions.open_path(path)
        opened = time.perf_counter()
        await wait_until(lambda: len(window.session.sockets) == count, 60, "the sockets")
        await wait_until(lambda: window.sockets.model.rowCount() == count, 60, "the sockets list")
        finished = time.perf_counter()
        await wait_until(lambda: not opening(window), 60, "the open")
        opened_at = time.perf_counter()
        view = window.sockets.list_view  # its top row drawn (a batched layout drew none)
        await wait_until(lambda: view.indexAt(QPoint(5, 5)).isValid(), 30, "a row drawn")
        blank_s = time.perf_counter() - opened_at
        await asyncio.sleep(0.5)
    finally:
        os.remove(path)
        os.rmdir(folder)
    probe.stop()
    return {
        **probe.both(started, finished + 0.5),
        "open_call_s": opened - started,
        "seconds": finished - started,
        "sockets": len(window.session.sockets),
        "list_blank_after_open_ms": round(blank_s * 1000, 1),
    }


def opening(window: Any) -> bool:
    """A workspace is still being replaced (False for a zinspect before WorkspaceSwitch, to
    compare with)."""
    return bool(getattr(getattr(window.workspace_actions, "switch", None), "running", False))


async def open_unmeasured(window: Any, count: int) -> None:
    """Open a workspace of ``count`` sockets, to its end, before anything is measured."""
    from app_bench import wait_until

    folder = tempfile.mkdtemp(prefix="zinspect-bench-ws-")
    path = os.path.join(folder, "many.zinspect.json")
    sockets_workspace(path, count)
    try:
        window.workspace_actions.open_path(path)
        await wait_until(lambda: window.sockets.model.rowCount() == count, 300, "the sockets")
        await wait_until(lambda: not opening(window), 60, "the open")
    finally:
        os.remove(path)
        os.rmdir(folder)
    await asyncio.sleep(0.3)


async def close_sockets(window: Any, probe: Any, count: int) -> dict:
    """Open a workspace of ``count`` sockets (not measured), then time New workspace: done
    when the sockets list is empty."""
    from app_bench import wait_until

    await open_unmeasured(window, count)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    cpu = time.process_time()
    window.workspace_actions.new_workspace()
    called = time.perf_counter()
    await wait_until(lambda: not window.session.sockets, 120, "the sockets closed")
    await wait_until(lambda: window.sockets.model.rowCount() == 0, 60, "the sockets list")
    finished = time.perf_counter()
    cpu_s = time.process_time() - cpu
    await asyncio.sleep(0.5)
    probe.stop()
    return {
        **probe.both(started, finished + 0.5),
        "new_call_s": called - started,
        "seconds": finished - started,
        "cpu_s": cpu_s,
    }


async def topology(window: Any, probe: Any, count: int) -> dict:
    """Open a workspace of ``count`` sockets (not measured), then bring the Topology tab to
    the front as a click on it does: done when every box and link is drawn."""
    from app_bench import wait_until

    await open_unmeasured(window, count)
    view = window.topology
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    window.topology_dock.raise_()
    await wait_until(
        lambda: len(view.nodes) == count and len(view.labels) == count // 2, 120, "the graph"
    )
    finished = time.perf_counter()
    await asyncio.sleep(0.5)
    probe.stop()
    return {**probe.both(started, finished + 0.5), "seconds": finished - started}


async def demo_over(window: Any, probe: Any, count: int) -> dict:
    """Open a workspace of ``count`` sockets (not measured), then time Demos > Pipeline: done
    when the demo runs and the sockets list shows its sockets only."""
    from app_bench import wait_until

    await open_unmeasured(window, count)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    window.demos.open_demo("pipeline", ask=False)
    called = time.perf_counter()
    await wait_until(lambda: window.demos.runner is not None, 120, "the demo")
    await wait_until(lambda: window.sockets.model.rowCount() == 8, 60, "the sockets list")
    finished = time.perf_counter()
    await asyncio.sleep(0.5)
    probe.stop()
    return {
        **probe.both(started, finished + 0.5),
        "demo_call_s": called - started,
        "seconds": finished - started,
    }


SCENARIOS = {
    "evict": evict,
    "send_flood": send_flood,
    "open_capture_1m": open_capture_1m,
    "sockets": sockets,
    "close_sockets": close_sockets,
    "topology": topology,
    "demo_over": demo_over,
}


def child(argv: list[str]) -> int:
    """Run one scenario in this (fresh) process through app_bench's window runner."""
    import app_bench

    app_bench.LagProbe = cpu_probe(app_bench.LagProbe)
    app_bench.SCENARIOS.update(SCENARIOS)
    return app_bench.main(argv)


def measure(quick: bool = False, log: Any = None) -> dict[str, float]:
    """Every figure, each scenario in a fresh child process."""
    me = os.path.abspath(__file__)
    figures: dict[str, float] = {}
    for name, scenario, full, small in CASES:
        if log is not None:
            log(f"stall: {scenario}")
        result = run_child([me, "child", scenario, *map(str, small if quick else full)], 600)
        print(f"{scenario}: {json.dumps(result)}", file=sys.stderr)
        figures[name] = round(result["stall_ms"], 1)
        figures[f"{name[:-3]}_cpu_ms"] = round(result["cpu_ms"], 1)
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2:]))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
