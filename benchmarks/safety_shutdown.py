"""Quitting with a full store: how long zinspect takes to exit after SIGTERM.

    python safety_shutdown.py          # the figure, measured in a fresh child, as JSON

``shutdown_1m_stored_s``: the app (app_bench.py's window runner, started like the zinspect
command) holds 1,000,000 messages in its store and has recorded them to a capture file (the
recorder has caught up, as it does in a session of that length); the figure is the time from
the SIGTERM until the process has exited (sockets closed, recording finished). Quick mode
stores 200,000.

``shutdown_1m_behind_s``: the same, but the million messages are stored at once while
recording and the signal comes before the recorder could write them (a flood far faster
than the disk). The quit writes what fits in MainWindow's QUIT_RECORDING_SECONDS and ends the
file with a line saying how many messages it left out (core.capture.recorder); writing them
all took about 1.4 s more on a 2-core machine, so the quit no longer waits for that.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import RESULT_PREFIX  # noqa: E402

FULL_COUNT = 1_000_000
QUICK_COUNT = 200_000
CHILD_TIMEOUT_S = 300


def time_sigterm_exit(count: int, record_path: str, record: int = 1) -> tuple[float, int]:
    """Start the app holding ``count`` messages; return (seconds from SIGTERM to exit, code)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZINSPECT_BENCH_RECORD=record_path)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "app_bench.py"), "hold_stored", str(count), str(record)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        for line in proc.stdout:
            if line.startswith(RESULT_PREFIX) or time.monotonic() > deadline:
                break
        else:
            raise RuntimeError(f"the app exited early (code {proc.wait()})")
        sent = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(CHILD_TIMEOUT_S)
        return time.perf_counter() - sent, code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def measure(quick: bool = False) -> dict[str, float]:
    count = QUICK_COUNT if quick else FULL_COUNT
    figures = {}
    for name, record in (("shutdown_1m_stored_s", 1), ("shutdown_1m_behind_s", 2)):
        with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
            elapsed, code = time_sigterm_exit(count, os.path.join(folder, "run.jsonl"), record)
        if code != 0:
            raise RuntimeError(f"the app exited with code {code} after SIGTERM")
        figures[name] = elapsed
    return figures


if __name__ == "__main__":
    print(json.dumps(measure("--quick" in sys.argv)))
