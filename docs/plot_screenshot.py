"""Make the plot screenshot (docs/plot.png): the weather server's temperature and humidity
for zip code 10001, plotted live from a SUB socket, through the Add series dialog.

    Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 python docs/plot_screenshot.py docs/plot.png
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from zinspect.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot import ROOT, attach, create, run_in_window, wait_for

SECONDS = int(os.environ.get("PLOT_SECONDS", "40"))  # of traffic on the plot


async def scenario(window: MainWindow, out: Path) -> None:
    publisher = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests/peers/pub_weather.py"),
            "tcp://127.0.0.1:*",
            "--rate",
            "10",
            "--every",
            "1",
            "--timeout",
            str(SECONDS + 30),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert publisher.stdout is not None
        endpoint = publisher.stdout.readline().split()[1]
        sub = create(window, "SUB", "weather")
        attach(window, endpoint, bind=False)
        editor = window.sockets.subscription_editor
        editor.prefix_edit.setText("10001")
        QTest.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
        plots = window.plots
        window.resizeDocks([plots.dock], [430], Qt.Orientation.Vertical)
        for path in ("f1[2]", "f1[3]"):
            dialog = plots.open_add_dialog()
            dialog.socket_combo.setCurrentText("weather")
            dialog.topic_edit.setText("10001")
            dialog.path_edit.setText(path)
            QTest.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        await wait_for(lambda: sub.received >= 5)
        await asyncio.sleep(SECONDS)
        window.traffic.view.selectRow(window.traffic.model.rowCount() - 1)
        await asyncio.sleep(0.5)
        window.grab().save(str(out))
        print(f"saved {out}")
    finally:
        publisher.kill()
        publisher.wait()


def main() -> int:
    return run_in_window(scenario, "docs/plot.png")


if __name__ == "__main__":
    raise SystemExit(main())
