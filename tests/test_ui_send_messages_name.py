"""The send automation is called what it does, "Send messages": nothing in the automation
form (titles, labels, buttons, tips) calls it a script, a word that belongs to the Python
script automation (New script…, Open script…)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget
from ui_actions import WAIT_MS


def words_of(root: QWidget) -> list[str]:
    """Every title, label, button text and tooltip under ``root``."""
    found: list[str] = [root.toolTip()]
    for widget in root.findChildren(QWidget):
        found.append(widget.toolTip())
        if isinstance(widget, QGroupBox):
            found.append(widget.title())
        elif isinstance(widget, (QLabel, QAbstractButton)):
            found.append(widget.text())
    return [text for text in found if text]


def test_the_send_automation_is_send_messages_and_never_a_script(window, user, qtbot):
    for type_name in ("PUSH", "REQ", "ROUTER"):
        user.create(type_name)
        editor = window.sockets.automation_editor
        qtbot.waitUntil(editor.send_group.isVisible, timeout=WAIT_MS)
        assert editor.send_group.title() == "Send messages"
        scripted = [text for text in words_of(editor) if "script" in text.lower()]
        # only the pointer to the Python script automation itself
        assert scripted == [editor.send_group.toolTip()], scripted
        assert "Python scripts: New script…" in editor.send_group.toolTip()
    tip = window.sockets.automation_group.toolTip()
    assert "send messages" in tip and "run a Python script" in tip
