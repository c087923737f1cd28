"""Helpers for the fault tests (tests/test_e2e_faults*.py): a timer that proves the window
never froze, a free TCP port to restart a peer on, the process's memory, a small real disk.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from zinspect.ui.sockets.socket_list_model import SocketListModel

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# A window whose timers stop firing for longer than this looks frozen to its user.
FROZEN_SECONDS = 0.5


def _runqueue_wait() -> float:
    """Seconds this thread has spent ready to run but waiting for a CPU (Linux schedstat;
    0.0 where that is not available)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class TimerProbe:
    """A QTimer firing every ``interval_ms``, like the window's refresh timers, that keeps the
    longest time between two firings: the longest the window was unresponsive.

    Time the thread spent waiting for a CPU is left out: on a 2-core machine, the peer
    processes a test starts (a Python start-up each) can keep zinspect off the CPU for a
    moment, and that is the machine's doing, not zinspect's. What is left is the time
    zinspect's loop itself was busy or blocked."""

    def __init__(self, interval_ms: int = 20) -> None:
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.ticks = 0
        self.longest_gap = 0.0
        self._last = 0.0
        self._last_wait = 0.0

    def start(self) -> TimerProbe:
        self.resume()
        self._timer.start()
        return self

    def _on_timer_timeout(self) -> None:
        now, wait = time.monotonic(), _runqueue_wait()
        gap = (now - self._last) - (wait - self._last_wait)
        self.longest_gap = max(self.longest_gap, gap)
        self._last, self._last_wait = now, wait
        self.ticks += 1

    def resume(self) -> None:
        """Start measuring afresh from now: after a step in which the test itself held the
        loop (typing, clicking), which no user of the window would count against it."""
        self._last, self._last_wait = time.monotonic(), _runqueue_wait()

    def stop(self) -> None:
        self._timer.stop()

    def assert_never_frozen(self, limit: float = FROZEN_SECONDS) -> None:
        """Call while the timer runs, right after a qtbot wait (the loop just ran)."""
        assert self.ticks > 0, "the timer never fired"
        assert self.longest_gap < limit, (
            f"the window froze for {self.longest_gap:.2f} s ({self.ticks} ticks)"
        )


def free_port() -> int:
    """A TCP port nobody listens on now, to bind a peer to and restart it on the same port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_bytes() -> int:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def trim_heap() -> None:
    """Hand the C heap's free memory back to the system (glibc's malloc_trim; nothing
    elsewhere), so that RSS shows what is in use, not what the allocator keeps for later."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def socket_state(window, handle) -> str:
    """The state words the sockets list shows for ``handle`` ('' when all is well)."""
    model = window.sockets.model
    return model.index(model.row_of(handle)).data(SocketListModel.StateRole) or ""


def event_names(session, handle) -> list[str]:
    return [e.name for e in session.events if e.socket == handle.name]


def mount_small_disk(path: Path, size: str) -> None:
    """Mount a tmpfs of ``size`` (e.g. "64k") at ``path``: a real disk that fills up. Skips
    the test where that is not allowed (not root, no mount, a container without the right)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {result.stderr.strip()}")


def unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=10)


def fill_up(directory: Path) -> None:
    """Write a filler file in ``directory`` until its disk is full."""
    with open(directory / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == 28, error  # ENOSPC


def zmtp1_messages(data: bytes, max_frame: int) -> list[list[bytes]]:
    """The messages libzmq 4.3 delivers from a peer that sends ``data`` and whose first byte
    is not 0xFF: it takes it for an unversioned (ZMTP 1.0) peer, reads frames of ``length
    (1 byte, or 0xFF and 8 bytes big-endian; counting the flags byte), flags (bit 0: more),
    body``, treats the first message as the peer's identity (a PULL drops it) and hangs up
    at a length of 0 or one over MAXMSGSIZE (``max_frame``). A message cut short by that, or
    by the end of ``data``, is never delivered. Follows libzmq's src/v1_decoder.cpp."""
    messages: list[list[bytes]] = []
    frames: list[bytes] = []
    at = 0
    while at < len(data):
        length = data[at]
        at += 1
        if length == 0xFF:
            if at + 8 > len(data):
                break
            length = int.from_bytes(data[at : at + 8], "big")
            at += 8
        if length == 0 or length - 1 > max_frame or at + length > len(data):
            break  # a protocol error (the connection is dropped), or the data ran out
        flags, body = data[at], data[at + 1 : at + length]
        at += length
        frames.append(body)
        if not flags & 1:
            messages.append(frames)
            frames = []
    return messages[1:]  # the first one is the ZMTP 1.0 identity


def raw_client():
    """tests/peers/raw_tcp_client.py as a module, for the exact junk it sends."""
    import importlib.util

    path = Path(__file__).parent / "peers" / "raw_tcp_client.py"
    spec = importlib.util.spec_from_file_location("raw_tcp_client", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def recording(window, path: Path) -> Iterator[None]:
    """Record through the window's Capture actions; stopped at the end even when the test
    fails (an open capture file would fail the test a second time, as a ResourceWarning)."""
    assert window.capture.start_recording(path), window.capture.last_error
    try:
        yield
    finally:
        window.capture.stop_recording()
