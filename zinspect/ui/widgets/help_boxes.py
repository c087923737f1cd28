"""The Help menu's boxes: About, and the keyboard shortcuts card.

Opened, never exec'd: no nested event loop, and the shortcuts card stays open beside the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

import zinspect
from zinspect.versions import version_report


def info_box(parent: QWidget, title: str, text: str) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, parent
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAccessibleName(title)
    return box


def open_about(parent: QWidget) -> QMessageBox:
    box = info_box(
        parent,
        "About zinspect",
        f"zinspect {zinspect.__version__}: a desktop "
        f"ZeroMQ message inspector.\n\n{version_report()}",
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


# keys a list takes itself, with no action behind them (the card lists actions' shortcuts)
LIST_KEYS = (
    "Delete, Backspace  —  remove the selected endpoint or subscription (in its list)",
    "F2  —  rename the selected saved message",
)


class ShortcutsCard:
    """A reference card of every action with a shortcut, then the keys a list takes itself
    (LIST_KEYS). One box, kept and reused: F1 again brings it forward instead of stacking
    copies."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._box: QMessageBox | None = None

    def show(self, actions: list[QAction]) -> QMessageBox:
        lines = [
            f"{', '.join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)}"
            f"  —  {a.text().replace('&', '').rstrip('…')}"
            for a in actions
            if (keys := a.shortcuts())
        ]
        box = self._box
        if box is None:
            box = self._box = info_box(self._parent, "Keyboard shortcuts", "")
            box.setWindowModality(Qt.WindowModality.NonModal)
        box.setText("\n".join([*lines, "", *LIST_KEYS]))
        box.show()
        box.raise_()
        box.activateWindow()
        return box
