"""Guards the PySide6 pin: 6.12.0 aborts the process when Qt timers fire while another Python
thread runs (docs/reliability.md). Run in a subprocess, because the
failure is a fatal abort, not an exception."""

from __future__ import annotations

import os
import subprocess
import sys

REPRODUCER = """
import os, time, threading, asyncio
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
import qasync
app = QApplication([])
def worker():
    end = time.time() + 2
    while time.time() < end:
        time.sleep(0)
async def main():
    t = threading.Thread(target=worker); t.start()
    while t.is_alive():
        await asyncio.sleep(0.01)
    print("ok")
asyncio.set_event_loop(loop := qasync.QEventLoop(app))
with loop:
    loop.run_until_complete(main())
"""


def test_qt_timers_survive_a_running_python_thread():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", REPRODUCER], capture_output=True, text=True, timeout=60, env=env
    )
    import PySide6

    assert result.returncode == 0, (
        f"PySide6 {PySide6.__version__} crashed with a worker thread running "
        "(see docs/reliability.md: keep PySide6 below a broken release): "
        f"rc={result.returncode}\n{result.stderr[-2000:]}"
    )
    assert result.stdout.strip().splitlines()[-1] == "ok"
