"""Small accessibility helpers shared by the panels.

Qt's own sub-controls (the clear button a QLineEdit grows with setClearButtonEnabled) come
without a tooltip or a name, so a screen reader announces an unnamed button; these give them
the words every other control has.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QToolButton

CLEAR_ACTION_NAME = "_q_qlineeditclearaction"  # Qt's name for the clear button's action


def describe_clear_button(edit: QLineEdit, field: str) -> None:
    """Name and explain the clear button of ``edit`` (call after setClearButtonEnabled)."""
    action = edit.findChild(QAction, CLEAR_ACTION_NAME)
    if action is None:
        return
    action.setText(f"Clear {field}")
    action.setToolTip(f"Clear the {field} field")
    for button in edit.findChildren(QToolButton):
        if button.defaultAction() is action:
            button.setAccessibleName(f"Clear {field}")
