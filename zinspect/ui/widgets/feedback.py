"""Messages in words next to the field they are about: one error colour and one muted note
style for every panel, so a problem looks the same wherever it is shown."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_COLOR = "#c62828"
ERROR_STYLE = f"color: {ERROR_COLOR};"
NOTE_STYLE = "color: palette(placeholder-text);"


def error_label(accessible_name: str) -> QLabel:
    """A red, wrapping label for a message in words under the field it is about."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible_name)
    label.setToolTip("What went wrong with the last attempt")
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    """Show ``message`` in ``label``; an empty message hides it."""
    label.setText(message)
    label.setVisible(bool(message))
