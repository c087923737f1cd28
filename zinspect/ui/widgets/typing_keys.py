"""Window shortcuts a text field keeps while it has focus: a key that would destroy something
(Ctrl+W closes the selected socket) must not fire while the user types elsewhere in it.

Qt asks the focused widget first (a ShortcutOverride event, passed up to its parents when the
widget does not want the key). A text field does not want Ctrl+W, so it reached the window
and the socket closed under the reply rules being typed. This filter, on the window and on
each dock (a floating dock is a window of its own), accepts the override for the kept keys
while an editable text field has focus: the field gets the key and ignores it, the
shortcut does not fire. A menu click still triggers the action.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def is_typing_field(widget: QWidget | None) -> bool:
    """Is ``widget`` a field the user types text in (not a read-only view)?"""
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return not widget.isReadOnly()
    return False


class TypingKeys(QObject):
    """Keeps ``keep(sequence)``'s keys from the window's shortcuts while a text field has
    focus; installed with ``watch(widget)`` on the window and its docks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._kept: set[str] = set()  # in QKeySequence's portable text

    def keep(self, sequence: QKeySequence) -> None:
        if not sequence.isEmpty():
            self._kept.add(sequence.toString(QKeySequence.SequenceFormat.PortableText))

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self._kept
            and isinstance(event, QKeyEvent)
            and _text(event) in self._kept
            and is_typing_field(QApplication.focusWidget())
        ):
            event.accept()  # the field takes the key: the shortcut does not fire
            return True
        return super().eventFilter(watched, event)


def _text(event: QKeyEvent) -> str:
    combination = QKeySequence(event.keyCombination())
    return combination.toString(QKeySequence.SequenceFormat.PortableText)
