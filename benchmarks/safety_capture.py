"""Captures under hostile input: memory while recording huge messages, and the longest stall
of the window while it opens hostile capture files.

    python benchmarks/safety_capture.py            # prints the figures as one JSON line
    python benchmarks/safety_capture.py --quick    # smaller inputs: a smoke test

Each figure is taken in a fresh child process started like the ``zinspect`` command (through
app_bench.py's window runner, on Qt's offscreen platform):

- ``rss_big_record_mib``: peak RSS (VmHWM) of zinspect while a real peer process sends ten
  messages of 2 x 200 MiB frames into a PULL socket, one every 3 s, and zinspect records
  them to a capture (all ten are written: base64 of 400 MiB takes about a second here, and
  writing its 533 MB up to two when the disk throttles).
  For information (stderr), the same with the ten sent at once: libzmq then reads ahead
  into its own buffers while zinspect copies each message in, so the peak depends on the
  peer; the recorder writes in slices and counts as missed what the store's caps dropped
  before it came round.
- ``stall_open_capture_mixed_ms``: the longest lateness of a 16 ms timer while zinspect opens
  a capture of 1,000,000 lines with an event line every 128 lines, less the time zinspect's
  thread waited for a CPU meanwhile (other processes' doing on a shared machine; the plain
  lateness is printed too, as ``stall_with_cpu_waits_ms``).
- ``stall_open_capture_names_ms``: the same (less CPU waits) while it opens a capture of
  50,000 messages from 50,000 different socket names (each becomes a choice of the traffic
  table's socket filter).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from common import run_child, stop_process  # noqa: E402

TICK_MS = 16  # app_bench's probe timer
KEYS = ["rss_big_record_mib", "stall_open_capture_mixed_ms", "stall_open_capture_names_ms"]
PEER = os.path.join(os.path.dirname(HERE), "tests", "peers", "big_message_sender.py")
MIB = 1 << 20


def vm_hwm_bytes() -> int:
    """Peak resident set size of this process (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def write_mixed_capture(path: str, lines: int, event_every: int) -> None:
    """A capture of ``lines`` lines after the header: messages, and an event line on every
    line whose number (the header is line 1) is a multiple of ``event_every`` (where a
    reader that looks at the clock every 128 message lines never would)."""
    from zinspect.core.capture.capture import LineEncoder, header_object

    encoder = LineEncoder()
    event = (
        json.dumps(
            {
                "time": 1.0,
                "event": "connected",
                "socket": "sub-1",
                "endpoint": "tcp://127.0.0.1:5555",
                "value": 12,
                "detail": "",
            }
        )
        + "\n"
    )
    with open(path, "w", encoding="utf-8") as file:
        file.write(json.dumps(header_object()) + "\n")
        batch = []
        for number in range(1, lines + 1):
            if (number + 1) % event_every == 0:
                batch.append(event)
            else:
                batch.append(
                    encoder.line(
                        1.0 + number * 1e-6, "sub-1", "in", [b"topic", b"payload %d" % number]
                    )
                )
            if len(batch) >= 10_000:
                file.write("".join(batch))
                batch = []
        file.write("".join(batch))


def write_names_capture(path: str, names: int) -> None:
    """A capture of ``names`` messages, each from a different socket name."""
    from zinspect.core.capture.capture import write_capture
    from zinspect.core.store import IN, Message

    write_capture(
        path, (Message(1.0 + n * 1e-3, f"socket-{n:06d}", IN, [b"m%d" % n]) for n in range(names))
    )


# -- scenarios, run inside the application (app_bench's window runner) ------------------------
async def big_record(
    window: Any,
    probe: Any,
    count: int,
    frames: int,
    size: int,
    record: int = 1,
    interval_ms: int = 0,
) -> dict:
    """A peer sends COUNT messages of FRAMES x SIZE bytes while zinspect records them (not
    when ``record`` is 0: the figure to compare with)."""
    import subprocess

    from app_bench import SCENARIO_TIMEOUT_S, wait_until

    session = window.session
    store = session.store
    handle = session.create_socket("PULL")
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    folder = tempfile.mkdtemp(prefix="zinspect-bench-rec-")
    path = os.path.join(folder, "big.jsonl")
    if record and not window.capture.start_recording(path):
        raise RuntimeError(f"cannot record: {window.capture.last_error}")
    recorder = window.capture.recorder if record else None
    rss_start = vm_hwm_bytes()
    peer = subprocess.Popen(
        [
            sys.executable,
            PEER,
            endpoint,
            str(count),
            str(frames),
            str(size),
            "--interval",
            str(interval_ms / 1000),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.perf_counter()
    try:
        await wait_until(lambda: store.received >= count, SCENARIO_TIMEOUT_S, "the messages")
        if recorder is not None:
            await wait_until(lambda: recorder.pending == 0, SCENARIO_TIMEOUT_S, "the recorder")
            window.capture.stop_recording()
    finally:
        stop_process(peer)
    elapsed = time.perf_counter() - started
    written, missed = (recorder.written, recorder.missed) if recorder else (0, 0)
    file_size = os.path.getsize(path) if recorder else 0
    if recorder is not None:
        os.remove(path)
    os.rmdir(folder)
    return {
        "rss_big_record_mib": vm_hwm_bytes() / MIB,
        "rss_start_mib": rss_start / MIB,
        "written": written,
        "missed": missed,
        "file_mib": file_size / MIB,
        "seconds": elapsed,
    }


async def open_capture(window: Any, probe: Any, kind: int, size: int) -> dict:
    """Open a capture file (kind 0: mixed lines, 1: many socket names) as a user does."""
    from app_bench import SCENARIO_TIMEOUT_S, wait_until

    folder = tempfile.mkdtemp(prefix="zinspect-bench-open-")
    path = os.path.join(folder, "open.jsonl")
    if kind == 0:
        write_mixed_capture(path, size, 128)
    else:
        write_names_capture(path, size)
    await asyncio.sleep(0.3)
    outcome: list[str] = []
    window.capture.job_finished.connect(outcome.append)
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    if not window.capture.open_capture(path):
        raise RuntimeError("the capture did not open")
    await wait_until(lambda: bool(outcome), SCENARIO_TIMEOUT_S, "the capture to open")
    finished = time.perf_counter()
    await asyncio.sleep(0.3)  # the table and the filter combo catch up
    probe.stop()
    os.remove(path)
    os.rmdir(folder)
    raw = [late for stamp, late in probe.raw if started <= stamp <= finished + 0.3]
    return {
        "stall_ms": probe.summary(started, finished + 0.3)["lag_max_ms"],
        "stall_with_cpu_waits_ms": max(raw, default=0.0),
        "open_s": finished - started,
        "outcome": outcome[0],
        "stored": len(window.session.store),
        "filter_choices": window.traffic.socket_combo.count(),
    }


def run_delay() -> float:
    """Seconds this thread has waited for a CPU, ready to run (Linux schedstat; 0.0 where
    that is not available)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def own_lag_probe(base: type) -> type:
    """app_bench's LagProbe, with each tick's lateness less the time the thread waited for a
    CPU meanwhile: on 2 cores shared with other processes, that wait is the machine's, not
    zinspect's (tests/fault_helpers.py's TimerProbe does the same). ``raw`` keeps the plain
    lateness."""

    class OwnLagProbe(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.raw: list[tuple[float, float]] = []
            self._waited = 0.0

        def start(self) -> None:
            self._waited = run_delay()
            super().start()

        def _on_timer_timeout(self) -> None:
            now = time.perf_counter()
            waited = run_delay()
            late = max(0.0, (now - self._last) * 1000 - TICK_MS)
            self.raw.append((now, late))
            self.ticks.append((now, max(0.0, late - (waited - self._waited) * 1000)))
            self._last = now
            self._waited = waited

    return OwnLagProbe


def child(argv: list[str]) -> int:
    """Run one scenario in this (fresh) process through app_bench's window runner."""
    import app_bench

    app_bench.LagProbe = own_lag_probe(app_bench.LagProbe)
    app_bench.SCENARIOS["big_record"] = big_record
    app_bench.SCENARIOS["open_capture"] = open_capture
    return app_bench.main(argv)


def measure(quick: bool = False) -> dict[str, float]:
    """The three figures, each from a fresh child process."""
    me = os.path.abspath(__file__)
    size = (20 if quick else 200) * MIB
    lines = 100_000 if quick else 1_000_000
    names = 5_000 if quick else 50_000
    interval_ms = "300" if quick else "3000"
    record = run_child(
        [me, "child", "big_record", "10", "2", str(size), "1", interval_ms], timeout=600
    )
    mixed = run_child([me, "child", "open_capture", "0", str(lines)], timeout=600)
    named = run_child([me, "child", "open_capture", "1", str(names)], timeout=600)
    if record["written"] + record["missed"] != 10:
        raise RuntimeError(f"the recording lost messages: {record}")
    for name, result in (("mixed", mixed), ("names", named)):
        print(f"{name}: {json.dumps(result)}", file=sys.stderr)
    print(f"record: {json.dumps(record)}", file=sys.stderr)
    if not quick:
        burst = run_child([me, "child", "big_record", "10", "2", str(size), "1", "0"], timeout=600)
        print(f"record, sent at once: {json.dumps(burst)}", file=sys.stderr)
    return {
        "rss_big_record_mib": record["rss_big_record_mib"],
        "stall_open_capture_mixed_ms": mixed["stall_ms"],
        "stall_open_capture_names_ms": named["stall_ms"],
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs (a smoke test)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
