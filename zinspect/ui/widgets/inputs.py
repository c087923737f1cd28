"""Line edits and buttons named and explained for screen readers and tooltips in one call."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton

from zinspect.ui.widgets.a11y import describe_clear_button


def make_line_edit(name: str, tip: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setToolTip(tip)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    describe_clear_button(edit, name.lower())
    return edit


def make_button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    return button
