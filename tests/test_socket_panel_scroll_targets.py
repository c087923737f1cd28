"""Where the sockets panel scrolls to: "Decode as…" (a schema decoder chosen in the Message
pane, or the list's "Decode rules…") shows the decode-rule form itself, and New script…
shows the new script's editor, not whatever the taller automation fields left in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS, click

from zinspect.core.decode.model import DecodeRule


def on_screen(widget) -> bool:
    """All of ``widget`` shows through the scroll area (none of it scrolled out of view)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


def settle() -> None:
    """Handle what the window has to do now (layouts, the calls it put off to the next turn)."""
    for _ in range(3):
        QApplication.processEvents()


def test_decode_as_lands_on_the_form(window, user, qtbot):
    first = user.create("ROUTER", "first")  # its Peers group: the SUB's settings are shorter
    target = user.create("SUB", "target")
    window.sockets.select_socket(first)
    editor = window.sockets.decode_rules_editor
    settle()  # the ROUTER's settings laid out, as the user sees them
    assert not on_screen(editor.add_button)  # far below the endpoints and the automation
    window.sockets.show_decode_rules(target, DecodeRule("protobuf", topic="t", frame=2))
    form = (editor.topic_edit, editor.schema_edit, editor.add_button)
    qtbot.waitUntil(lambda: all(on_screen(part) for part in form), timeout=WAIT_MS)
    settle()  # the SUB's settings laid out: the form is still where the panel scrolled
    assert all(on_screen(part) for part in form)
    assert editor.schema_edit.hasFocus()


def test_new_script_shows_the_script_editor(window, user, qtbot, tmp_path):
    handle = user.create("DEALER", "worker")
    window.workspace_actions.path = str(tmp_path / "w.zinspect.json")
    pane = window.sockets.script_pane
    scroll = window.sockets.details_scroll
    qtbot.waitUntil(pane.new_row.isVisible, timeout=WAIT_MS)
    scroll.ensureWidgetVisible(pane.new_button)  # where a user finds New script…
    qtbot.waitUntil(lambda: on_screen(pane.new_button), timeout=WAIT_MS)
    qtbot.keyClicks(pane.new_name, "worker.py")
    click(qtbot, pane.new_button)
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    assert handle.automation is not None and (tmp_path / "worker.py").exists()
    qtbot.waitUntil(lambda: on_screen(pane.edit) and on_screen(pane.path_label), timeout=WAIT_MS)
    settle()
    assert on_screen(pane.edit) and on_screen(pane.path_label)
    assert pane.edit.hasFocus()
    qtbot.keyClick(pane.edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
