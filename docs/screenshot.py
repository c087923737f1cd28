"""Make the README's screenshot from the real app: a SUB on the primer's weather publisher,
an alerts PUB sending a two-frame message, a row selected.

    Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 python docs/screenshot.py docs/screenshot.png
    DISPLAY=:99 python docs/screenshot.py docs/layout-1024x700.png 1024x700
    DISPLAY=:99 python docs/screenshot.py docs/screenshot-dark.png --theme dark

Runs the bounded weather publisher from tests/peers; everything goes through the widgets a
user clicks and types in.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from zinspect.ui.main_window import MainWindow
from zinspect.ui.sockets.new_socket_row import TypeNameRole

ROOT = Path(__file__).resolve().parent.parent


async def wait_for(condition, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise TimeoutError("the screenshot scenario got stuck")
        await asyncio.sleep(0.05)


def create(window: MainWindow, type_name: str, name: str):
    panel = window.sockets
    panel.type_combo.setCurrentIndex(panel.type_combo.findData(type_name, TypeNameRole))
    panel.name_edit.setText(name)
    QTest.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    return panel.current_socket()


def attach(window: MainWindow, endpoint: str, *, bind: bool) -> None:
    editor = window.sockets.endpoint_editor
    editor.endpoint_edit.setText(endpoint)
    button = editor.bind_button if bind else editor.connect_button
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


async def scenario(window: MainWindow, out: Path) -> None:
    publisher = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests/peers/pub_weather.py"),
            "tcp://127.0.0.1:*",
            "--timeout",
            "30",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert publisher.stdout is not None
        ready = publisher.stdout.readline().split()
        weather = ready[1]
        sub = create(window, "SUB", "weather-sub")
        attach(window, weather, bind=False)
        editor = window.sockets.subscription_editor
        for prefix in ("10001", "alerts"):
            editor.prefix_edit.setText(prefix)
            QTest.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
        alerts = create(window, "PUB", "alerts-pub")
        attach(window, "tcp://127.0.0.1:*", bind=True)
        address = alerts.endpoints[0].address
        window.sockets.select_socket(sub)
        attach(window, address, bind=False)
        await wait_for(lambda: sub.received >= 8)
        window.sockets.select_socket(alerts)
        rows = window.composer.frame_editor.rows
        rows[0].text_edit.setPlainText("alerts")
        QTest.mouseClick(window.composer.add_frame_button, Qt.MouseButton.LeftButton)
        rows = window.composer.frame_editor.rows
        rows[1].encoding_combo.setCurrentIndex(rows[1].encoding_combo.findData("json"))
        rows[1].text_edit.setPlainText('{"zip": 10001, "alert": "heat", "temp_f": 104}')
        QTest.mouseClick(window.composer.send_button, Qt.MouseButton.LeftButton)
        await wait_for(
            lambda: any(
                m.frames[0] == b"alerts" and m.direction == "in" for m in window.session.store
            )
        )
        await wait_for(lambda: sub.received >= 24)
        publisher.kill()  # a still picture: stop the flow before reading the counters
        await asyncio.sleep(0.7)
        model = window.traffic.model
        row = next(
            r
            for r in range(model.rowCount())
            if model.message_at(r).frames[0] == b"alerts" and model.message_at(r).direction == "in"
        )
        window.traffic.view.selectRow(row)
        window.traffic.view.scrollTo(model.index(row, 0))
        window.detail.findChild(object, "frame_table").selectRow(1)
        await asyncio.sleep(0.3)
        window.grab().save(str(out))
        print(f"saved {out}")
    finally:
        publisher.kill()
        publisher.wait()


def take_option(args: list[str], name: str, default: str) -> str:
    """Remove ``name VALUE`` from ``args`` and return VALUE (``default`` without it)."""
    if name not in args:
        return default
    at = args.index(name)
    value = args[at + 1]
    del args[at : at + 2]
    return value


def run_in_window(scenario, default_out: str) -> int:
    """Show a fresh main window (own settings file) and run ``scenario(window, out)`` in it;
    ``out`` is the first command-line argument or ``default_out``; ``--theme light|dark``
    picks View > Theme. The demo screenshot uses this too."""
    args = sys.argv[1:]
    theme = take_option(args, "--theme", "light")
    out = Path(args[0] if args else default_out).resolve()
    # an optional second argument WIDTHxHEIGHT: the layout screenshots (docs/layout-*.png)
    width, height = map(int, (args[1] if len(args) > 1 else "1400x880").split("x"))
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        settings.setValue("view/theme", theme)

        async def run() -> None:
            window = MainWindow(settings=settings)
            window.resize(width, height)
            window.show()
            window.reset_layout()  # the docks sized for this width, as a user would get them
            try:
                await scenario(window, out)
            finally:
                window.shutdown()

        with loop:
            loop.run_until_complete(run())
    return 0


def main() -> int:
    return run_in_window(scenario, "docs/screenshot.png")


if __name__ == "__main__":
    raise SystemExit(main())
