"""The subscription prefix format (text or hex) belongs to a socket: a hex choice made on one
SUB does not make the next socket's field silently hex, not across a new workspace either;
going back to the first socket finds its hex again."""

from __future__ import annotations

from ui_actions import WAIT_MS, click_box, open_boxes, trigger_menu


def _format(window) -> str:
    return window.sockets.subscription_editor.format_combo.currentText()


def _choose_hex(window) -> None:
    combo = window.sockets.subscription_editor.format_combo
    combo.setCurrentIndex(combo.findText("hex"))  # as a pick in the drop-down
    assert "hex" in window.sockets.subscription_editor.prefix_edit.placeholderText()


def test_the_prefix_format_is_each_sockets_own(window, user, qtbot):
    first = user.create("SUB", "first")
    assert _format(window) == "text"
    _choose_hex(window)
    second = user.create("SUB", "second")
    assert _format(window) == "text"
    editor = window.sockets.subscription_editor
    assert "hex" not in editor.prefix_edit.placeholderText()
    qtbot.keyClicks(editor.prefix_edit, "weather")
    user.click(editor.add_button)
    assert second.subscriptions == [b"weather"]  # typed text is subscribed as text
    user.select(first)
    assert _format(window) == "hex"
    user.select(second)
    assert _format(window) == "text"


def test_a_new_workspace_starts_its_sockets_in_text(window, user, qtbot):
    user.create("SUB", "feed")
    _choose_hex(window)
    trigger_menu(window, "New workspace")
    if open_boxes(window):
        click_box(window, qtbot, "Discard")
    qtbot.waitUntil(lambda: not window.session.sockets, timeout=WAIT_MS)
    user.create("SUB", "feed")
    assert _format(window) == "text"
