"""Showing why Start refused: the first field in error is scrolled into view and focused.

The automation editor is long and sits in the sockets panel's scroll area, so the message
under a field near its end (Stop when) is often off screen when Start is pressed: Start then
seems to do nothing. Kept apart from automation_editor, which is near its size limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QWidget

from zinspect.ui.widgets.reveal import reveal
from zinspect.ui.widgets.soon import call_soon

if TYPE_CHECKING:
    from zinspect.ui.automation.automation_editor import AutomationEditor


def groups_to_tick(editor: AutomationEditor) -> str:
    """What Start says when nothing is ticked, naming only what this socket's type offers
    (a SUB can only forward: "Tick Reply, Send or Forward" would send the user looking)."""
    offered = [
        word
        for word, group in (
            ("Reply", editor.reply_group),
            ("Send", editor.send_group),
            ("Forward", editor.forward_group),
        )
        if not group.isHidden()
    ]
    if not offered:
        return "This socket's type offers no automation."
    names = offered[0] if len(offered) == 1 else ", ".join(offered[:-1]) + " or " + offered[-1]
    return f"Tick {names} first."


def _error_fields(editor: AutomationEditor) -> list[tuple[QLabel, QWidget]]:
    """Each error label with the field whose value it is about."""
    more, forward = editor.more, editor.forward_group
    groups = [editor.reply_group, editor.send_group, forward]
    offered: list[QGroupBox] = [group for group in groups if not group.isHidden()]
    return [
        (editor.error_label, offered[0] if offered else editor.start_button),
        (editor.reply_frames_error, editor.reply_frames),
        (editor.delay_error, editor.delay_edit),
        (editor.send_frames_error, editor.send_frames),
        (editor.count_error, editor.count_edit),
        (editor.interval_error, editor.interval_edit),
        (editor.timeout_error, editor.timeout_edit),
        (forward.forward_error, forward.forward_combo),
        (forward.delay_error, forward.delay_edit),
        (more.rules_error, more.rules_edit),
        (more.steps_error, more.steps_edit),
        (more.repeat_error, more.repeat_edit),
        (more.tries_error, more.tries_edit),
        (more.to_error, more.to_combo),
        (more.start_error, more.start_edit),
        (more.stop_error, more.stop_edit),
    ]


def reveal_first_error(editor: AutomationEditor) -> None:
    """Once the error labels just shown are laid out, scroll the topmost one and its field
    into view and give the field the focus."""
    call_soon(editor, lambda: _reveal(editor))


def _reveal(editor: AutomationEditor) -> None:
    shown = [
        (label, field)
        for label, field in _error_fields(editor)
        if label.text() and label.isVisibleTo(editor) and field.isVisibleTo(editor)
    ]
    if not shown:
        return
    label, field = min(shown, key=lambda pair: pair[0].mapTo(editor, QPoint(0, 0)).y())
    reveal(label, field)  # the field last: it wins if both do not fit
    _focus(field)


def _focus(field: QWidget) -> None:
    if field.focusPolicy() != Qt.FocusPolicy.NoFocus:
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        return
    for child in field.findChildren(QWidget):  # a frames editor: its first line
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isVisibleTo(field):
            child.setFocus(Qt.FocusReason.OtherFocusReason)
            return
