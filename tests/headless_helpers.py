"""Running zinspect's headless commands (tests/peers/zinspect_noqt.py: no Qt importable) from
tests: start one, wait for a line of its output, stop it with SIGTERM and check it ended well."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time

from conftest import PEERS
from peerio import PeerOutput

WAIT_S = 20


def headless(*args: str) -> tuple[subprocess.Popen, PeerOutput]:
    proc = subprocess.Popen(
        [sys.executable, str(PEERS / "zinspect_noqt.py"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, PeerOutput(proc)


def wait_text(output: PeerOutput, text: str) -> None:
    """Block (in select, not sleeping) until some line contains ``text``."""
    deadline = time.monotonic() + WAIT_S
    while not any(text in line for line in output.poll()):
        assert time.monotonic() < deadline and not output.eof, output.lines
        select.select([output.proc.stdout], [], [], 0.5)


def stop(proc: subprocess.Popen, output: PeerOutput) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(WAIT_S) == 0, output.poll()
    assert output.wait_for("zinspect ", WAIT_S)
    assert any("stopped (SIGTERM)" in line for line in output.poll()), output.poll()
    assert proc.stdout is not None
    proc.stdout.close()
