"""Messages in words next to the field they are about: one error colour and one muted note
style for every panel, so a problem looks the same wherever it is shown.

The styles are templates of the theme table (``theme.set_style`` renders them and renders
them again when the theme changes), never fixed colours."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from zinspect.ui.widgets.theme import set_style

ERROR_TEMPLATE = "color: {error};"
NOTE_TEMPLATE = "color: {placeholder};"


def error_label(accessible_name: str) -> QLabel:
    """A red, wrapping label for a message in words under the field it is about."""
    label = QLabel()
    set_style(label, ERROR_TEMPLATE)
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


def fit_height(window: QWidget) -> None:
    """Give ``window`` the height its wrapped lines need at its width now: a dialog keeps
    its size when a message under a field appears, and the rows below it then overlap."""
    layout = window.layout()
    if layout is not None:
        layout.activate()  # a label just shown or hidden counts at once
    wanted = window.heightForWidth(window.width()) if window.hasHeightForWidth() else -1
    if wanted <= 0:
        wanted = window.sizeHint().height()
    if wanted != window.height():
        window.resize(window.width(), wanted)
