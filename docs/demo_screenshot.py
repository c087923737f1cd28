"""Make the README's demo screenshot: the pipeline demo after Start and a batch, with the
Demo panel, the topology and a selected result.

    Xvfb :99 -screen 0 1400x900x24 &  DISPLAY=:99 python docs/demo_screenshot.py docs/demo.png

Everything goes through the buttons a user clicks.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zinspect.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import run_in_window, wait_for


async def scenario(window: MainWindow, name: str, out: Path) -> None:
    window.demos.open_demo(name, ask=False)
    panel = window.demos.panel
    await wait_for(panel.start_button.isVisible)
    QTest.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: window.session.socket_named("sink").received >= 12)
    QTest.mouseClick(panel.action_buttons[0], Qt.MouseButton.LeftButton)  # a batch of 99
    await wait_for(lambda: window.session.socket_named("sink").received >= 111)
    QTest.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    await asyncio.sleep(1.0)  # the topology's rates settle
    model = window.traffic.model
    row = next(
        r for r in range(model.rowCount() - 1, 0, -1) if model.message_at(r).socket == "sink"
    )
    window.traffic.view.selectRow(row)
    window.detail_dock.raise_()
    window.topology.dock.raise_()
    await asyncio.sleep(0.5)
    window.grab().save(str(out))
    print(f"saved {out}")


def main() -> int:
    return run_in_window(lambda window, out: scenario(window, "pipeline", out), "docs/demo.png")


if __name__ == "__main__":
    raise SystemExit(main())
