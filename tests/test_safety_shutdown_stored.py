"""Quitting with a full store and a recorder that has not caught up: SIGTERM still quits the
orderly way (exit status 0, the stored messages in the capture file, in order, its last
line whole; what a quit could not wait for is left out and the file's last line says
exactly how many). How long it takes is a benchmark figure (benchmarks/safety_shutdown.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zinspect.core.capture.capture import read_capture
from zinspect.core.sockets.events import RECORDING_CUT

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
COUNT = 100_000
TIMEOUT_S = 120

# zinspect started like the command, with a window that fills its store through the core
# API at once (far faster than the recorder writes), then says READY and waits for a signal
CHILD = """
import asyncio, sys, time
import zinspect.app
import zinspect.ui.main_window as main_window
from zinspect.core.store import OUT, Message

class FilledWindow(main_window.MainWindow):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_task = asyncio.ensure_future(self._fill())

    async def _fill(self):
        while self.capture.recorder is None:
            await asyncio.sleep(0.05)
        count = int(sys.argv[1])
        self.session.store.extend(
            [Message(time.time(), "pub-1", OUT, [b"m %d" % i]) for i in range(count)]
        )
        print("READY", self.capture.recorder.pending, flush=True)

main_window.MainWindow = FilledWindow
sys.exit(zinspect.app.main(sys.argv[2:]))
"""


def test_sigterm_with_a_full_store_finishes_the_recording_and_exits_0(tmp_path):
    capture = tmp_path / "run.jsonl"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    app = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            str(COUNT),
            "--record",
            str(capture),
            "--settings",
            str(tmp_path / "s.ini"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert app.stdout is not None
        ready = app.stdout.readline().split()
        assert ready[:1] == ["READY"], app.stderr.read() if app.stderr else ""
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=TIMEOUT_S)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 0, err
    assert "Traceback" not in err and " ERROR " not in err, err
    assert capture.read_bytes().endswith(b"\n")
    result = read_capture(capture)
    assert result.skipped == 0 and not result.truncated_end, result.damage_report()
    written = len(result.messages)
    assert [m.frames for m in result.messages] == [[b"m %d" % i] for i in range(written)]
    if written < COUNT:  # a slow machine: the quit did not wait for all of them
        cut = result.event_records[-1]
        assert (cut.name, cut.value) == (RECORDING_CUT, COUNT - written)
        assert f"the file holds the {written:,} before them" in cut.detail
