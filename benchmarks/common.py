"""Helpers shared by the benchmark scripts: memory, percentiles, ports, child processes, a
filter's corpus.

Nothing here imports Qt, nor zinspect before a helper that needs it runs, so the bare pyzmq
loops run in processes that load neither (their rate is the yardstick zinspect is divided
by).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULT_PREFIX = "RESULT "
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; 0 where that does not exist)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except OSError:
        return 0


def trim_heap() -> None:
    """Give freed C heap back to the OS (glibc), so RSS shows what is retained, not what the
    allocator keeps cached (libzmq's I/O thread frees every message it handed over)."""
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank); 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def free_tcp_port() -> int:
    """A loopback port nobody listens on right now (for a connect that must stay pending)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spawn_peer(*args: str) -> subprocess.Popen:
    """Start benchmarks/peers.py with ``args``; its first stdout line is ``ready ...``."""
    return subprocess.Popen(
        [sys.executable, str(HERE / "peers.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_process(proc: subprocess.Popen, timeout: float = 5.0) -> None:
    """Kill a child that is still running and reap it (peers end by themselves normally)."""
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def emit(result: dict[str, Any]) -> None:
    """Hand a measurement to the parent (benchmarks/run.py reads the RESULT line)."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def run_child(
    args: Sequence[str], timeout: float, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run a benchmark child process to its end and return the dict of its RESULT line.

    ``exit_time`` (time.time() when the child was reaped) is added, for the shutdown figure.
    """
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{' '.join(args)} took more than {timeout} s\n{err[-2000:]}") from None
    exit_time = time.time()
    results = [
        line[len(RESULT_PREFIX) :] for line in out.splitlines() if line.startswith(RESULT_PREFIX)
    ]
    if proc.returncode != 0 or not results:
        raise RuntimeError(
            f"{' '.join(args)} failed (exit {proc.returncode})\n{out[-2000:]}\n{err[-4000:]}"
        )
    result = json.loads(results[-1])
    result["exit_time"] = exit_time
    return result


def filter_corpus(count: int) -> list[tuple]:
    """COUNT store rows that read like an order feed; 'qty=42 ' is in 1 % of them."""
    from zinspect.core.store import IN

    now = time.time()
    rows = []
    for index in range(count):
        side = b"buy" if index & 1 else b"sell"
        text = b"order %07d side=%s qty=%d px=%d.%02d" % (
            index,
            side,
            index % 100,
            index % 997,
            index % 89,
        )
        rows.append((now, "pull-1", IN, len(text), text))
    return rows
