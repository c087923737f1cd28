"""Reading a peer script's output without blocking, so tests can wait on it with qtbot.

The peer scripts in tests/peers print one line per event (``ready <endpoint>`` first). Tests
that drive a Qt loop must not block on ``readline()``; ``PeerOutput.has`` reads what is there
and returns at once, so it fits ``qtbot.waitUntil``. Tests without Qt use ``wait_for``, which
blocks in ``select`` (waiting on the pipe, not sleeping) up to a timeout.
"""

from __future__ import annotations

import os
import select
import subprocess
import time

from ui_actions import PEER_WAIT_MS


class PeerOutput:
    """Lines a peer printed so far, read from its stdout pipe without blocking."""

    def __init__(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None, "start the peer with stdout=PIPE (the peer fixture does)"
        self.proc = proc
        self._fd = proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._partial = b""
        self.lines: list[str] = []
        self.eof = False

    def poll(self) -> list[str]:
        """Read everything available now; return all complete lines seen so far."""
        while not self.eof:
            try:
                chunk = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                self.eof = True
                break
            self._partial += chunk
        if b"\n" in self._partial or (self.eof and self._partial):
            *complete, self._partial = self._partial.split(b"\n")
            if self.eof and self._partial:
                complete.append(self._partial)
                self._partial = b""
            self.lines.extend(line.decode("utf-8", "replace").rstrip("\r") for line in complete)
        return self.lines

    def has(self, prefix: str) -> bool:
        """Whether some line starts with ``prefix`` (non-blocking; for qtbot.waitUntil)."""
        return any(line.startswith(prefix) for line in self.poll())

    def line(self, prefix: str) -> str | None:
        return next((line for line in self.poll() if line.startswith(prefix)), None)

    def wait_for(self, prefix: str, timeout: float = 10.0) -> str:
        """Block (in select) until a line starts with ``prefix``; no Qt events run meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.line(prefix)
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if self.eof or remaining <= 0:
                raise AssertionError(
                    f"peer never printed {prefix!r}; rc={self.proc.poll()} output={self.lines}"
                    f" stderr={self._stderr()}"
                )
            select.select([self._fd], [], [], remaining)

    def ready_endpoint(self, timeout: float = 10.0) -> str:
        """The endpoint from the peer's ``ready <endpoint>`` line."""
        return self.wait_for("ready", timeout).split()[1]

    def finish(self, timeout: float = 20.0) -> int:
        """Wait for the peer to exit and read the rest of its output; return its exit code."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"peer still running after {timeout} s: {self.poll()}")
            select.select([self._fd], [], [], remaining)
            self.poll()
        return self.proc.wait(max(0.1, deadline - time.monotonic()))

    def _stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        try:
            return self.proc.stderr.read()
        except ValueError:
            return "(closed)"


def start_peer(peer, qtbot, script: str, *args: object) -> PeerOutput:
    """Start a peer script with the ``peer`` fixture and wait, running the Qt loop, for its
    ``ready`` line; fail with what it printed if it exits first."""
    out = PeerOutput(peer(script, *map(str, args)))
    qtbot.waitUntil(lambda: out.has("ready") or out.eof, timeout=PEER_WAIT_MS)
    assert out.has("ready"), f"{script} did not start: {out.lines}"
    return out
