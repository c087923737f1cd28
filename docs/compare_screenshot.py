"""Make the README's Compare screenshot: two readings of a sensor (a topic, a JSON body, a
text line and a binary blob) selected with Ctrl+click and compared.

    Xvfb :99 -screen 0 1600x1000x24 &
    DISPLAY=:99 python docs/compare_screenshot.py docs/compare.png

The messages are put in the traffic store directly (no peer needed); the rows are selected
with the mouse and compared with Edit > Compare selected messages, as a user does.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zinspect.core.store import IN, Message
from zinspect.ui.main_window import MainWindow
from zinspect.ui.traffic.traffic_model import COL_SUMMARY

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import run_in_window, wait_for


def reading(temp: float, state: str, battery: int, line: str, blob: bytes) -> list[bytes]:
    body = {"sensor": "roof-3", "temp": temp, "state": state, "battery": {"pct": battery}}
    return [b"sensors/roof", json.dumps(body).encode(), line.encode(), blob]


async def scenario(window: MainWindow, out: Path) -> None:
    now = time.time()
    blob = bytes(range(48))
    changed = bytearray(blob)
    changed[17:20] = b"\xfe\xff\x00"
    messages = [
        reading(21.5, "ok", 88, "uptime 3d 4h load 0.42 0.40 0.38", blob),
        [b"sensors/door", b'{"open": false}'],
        reading(22.25, "warm", 87, "uptime 3d 4h load 0.97 0.40 0.38", bytes(changed) + b"\x01"),
    ]
    window.session.store.extend(
        [Message(now + i * 0.75, "sensors", IN, m) for i, m in enumerate(messages)]
    )
    view = window.traffic.view
    await wait_for(lambda: window.traffic.model.rowCount() == 3)
    for row, modifier in (
        (0, Qt.KeyboardModifier.NoModifier),
        (2, Qt.KeyboardModifier.ControlModifier),
    ):
        rect = view.visualRect(window.traffic.model.index(row, COL_SUMMARY))
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    await wait_for(window.compare.compare_action.isEnabled)
    window.compare.compare_action.trigger()
    dialog = window.compare.dialog
    assert dialog is not None
    dialog.resize(820, 760)
    await asyncio.sleep(0.5)
    dialog.grab().save(str(out))
    print(f"saved {out}")


def main() -> int:
    return run_in_window(scenario, "docs/compare.png")


if __name__ == "__main__":
    raise SystemExit(main())
