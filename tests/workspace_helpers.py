"""Workspaces through the window, the shared steps: a two-socket workspace document, writing
and reading files, picking a file in the open dialog, and the title and its star as shown.

Used by test_ui_workspace*.py, test_ui_saved_messages.py and the tests that load a workspace
(test_e2e_faults_data.py, test_ui_demos.py)."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog
from ui_actions import WAIT_MS

from zinspect.ui.main_window import MainWindow

IN_TEXT = "← in"

PAIR_WORKSPACE = {
    "zinspect": 1,
    "sockets": [
        {"name": "left", "type": "PAIR", "bind": ["inproc://ui-pair"]},
        {
            "name": "right",
            "type": "PAIR",
            "connect": ["inproc://ui-pair"],
            "options": {"SNDHWM": 10},
        },
    ],
    "messages": [{"name": "hello", "socket": "left", "frames": ["hello", {"hex": "00ff"}]}],
}


def read(path) -> str:
    with open(path, encoding="utf-8") as stream:
        return stream.read()


def write(path, document) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def choose_file(window: MainWindow, qtbot, path) -> None:
    """Pick ``path`` in the file dialog that is open. The dialog is Qt's own, and it fills
    its name field in again once it has listed the directory, so typing into it races that;
    this gives zinspect exactly what the dialog gives it when the user picks a file."""
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(QFileDialog)), timeout=WAIT_MS
    )
    dialog = next(d for d in window.findChildren(QFileDialog) if d.isVisible())
    dialog.hide()
    dialog.fileSelected.emit(str(path))


def title(window: MainWindow) -> str:
    """The title as shown: Qt puts "*" where "[*]" is while the window is modified."""
    return window.windowTitle().replace("[*]", "*" if window.isWindowModified() else "")


def modified(window: MainWindow) -> bool:
    return window.isWindowModified()
