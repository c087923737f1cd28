"""Helpers for the capture tests: compare messages by value, make a disk "fill up" under a
file this process has open, write a message's capture line, and run code in a child process
whose memory is measured (tests/test_safety_capture_*.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zinspect.core.capture.capture import LineEncoder, header_object
from zinspect.core.store import Message

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MIB = 1 << 20
HEADER = (json.dumps(header_object(1.0)) + "\n").encode()


def message_line(message: Message) -> bytes:
    return (
        LineEncoder().line(message.time, message.socket, message.direction, message.frames).encode()
    )


def run_child(code: str, *args: str, timeout: float = 120) -> dict:
    """Run ``code`` in a fresh Python process (zinspect and tests/ importable); its last
    stdout line is a JSON object, returned."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(TESTS)]))
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


CHILD_MEMORY = '''
import ctypes, gc, json
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
def reset_peak():
    """RSS now, with freed heap given back, and the peak (VmHWM) reset to it."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status("VmRSS")
'''


def as_tuples(messages) -> list[tuple]:
    """Messages by what a capture keeps of them: time, socket, direction, frames."""
    return [(m.time, m.socket, m.direction, list(m.frames)) for m in messages]


def open_fd_of(path) -> int:
    """The descriptor this process has open on ``path``."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == str(path):
                return int(name)
        except OSError:
            continue
    raise AssertionError(f"{path} is not open")


def fill_disk_under(path) -> None:
    """From now on, writes to the open file ``path`` fail with ENOSPC, as on a full disk."""
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        os.dup2(full, open_fd_of(path))
    finally:
        os.close(full)
