"""Quitting with a full store: how long zinspect takes to exit after SIGTERM.

    python safety_shutdown.py          # the figure, measured in a fresh child, as JSON

``shutdown_1m_stored_s``: the app (app_bench.py's window runner, started like the zinspect
command) holds 1,000,000 messages in its store and has recorded them to a capture file (the
recorder has caught up, as it does in a session of that length); the figure is the time from
the SIGTERM until the process has exited (sockets closed, recording finished). Quick mode
stores 200,000. A recorder still behind by a million messages at the signal writes them all
before the exit (the file stays complete); that costs about 1.4 s more on a 2-core machine.
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


def time_sigterm_exit(count: int, record_path: str) -> tuple[float, int]:
    """Start the app holding ``count`` messages; return (seconds from SIGTERM to exit, code)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZINSPECT_BENCH_RECORD=record_path)
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "app_bench.py"), "hold_stored", str(count), "1"],
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
    with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
        elapsed, code = time_sigterm_exit(
            QUICK_COUNT if quick else FULL_COUNT, os.path.join(folder, "run.jsonl")
        )
    if code != 0:
        raise RuntimeError(f"the app exited with code {code} after SIGTERM")
    return {"shutdown_1m_stored_s": elapsed}


if __name__ == "__main__":
    print(json.dumps(measure("--quick" in sys.argv)))
