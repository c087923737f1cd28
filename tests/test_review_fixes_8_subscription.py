"""Subscribing to the primer's weather server: the prefix field of a new SUB read
"prefix (em…" in the Sockets dock as it opens, its hint cut mid-word. The field now has a
line of its own, wide enough to read its hint whole, in text and in hex."""

from __future__ import annotations

from PySide6.QtWidgets import QStyle, QStyleOptionFrame
from socket_panel_helpers import editor_of, shown_panel


def text_room(edit) -> int:
    """The width a line edit has for its text: inside the frame, margins and clear button."""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    clear_button = edit.height()  # the clear button's square, kept free when there is text
    return rect.width() - margins.left() - margins.right() - clear_button


def test_the_prefix_hint_is_read_whole_in_the_dock_as_it_opens(session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)  # the Sockets dock as it opens
    sub = session.create_socket("SUB")
    editor_of(panel, sub)
    subscriptions = panel.subscription_editor
    edit = subscriptions.prefix_edit
    qtbot.waitUntil(edit.isVisible, timeout=2000)
    for fmt in ("text", "hex"):
        subscriptions.format_combo.setCurrentText(fmt)
        hint = edit.placeholderText()
        assert hint and edit.fontMetrics().horizontalAdvance(hint) <= text_room(edit), (fmt, hint)
