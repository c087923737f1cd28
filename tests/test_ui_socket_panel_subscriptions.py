"""The sockets panel's subscriptions driven as a user would: subscribe to text and hex
prefixes, remove them, mistakes said in words, and no subscriptions shown for the types
that do not subscribe."""

from __future__ import annotations

from PySide6.QtCore import Qt
from socket_panel_helpers import create, row_state
from ui_actions import click

# -- subscriptions ----------------------------------------------------------------------------


def test_subscribe_text_and_hex_then_remove(panel, qtbot):
    sub = create(panel, qtbot, "SUB")
    editor = panel.subscription_editor
    assert panel.subscriptions_group.isVisibleTo(panel)
    assert editor.hint_label.isVisibleTo(panel)
    assert editor.hint_label.text() == sub.subscription_hint
    assert row_state(panel, sub) == "no subscription"
    assert "everything" in editor.prefix_edit.placeholderText()

    qtbot.keyClicks(editor.prefix_edit, "weather")
    qtbot.keyClick(editor.prefix_edit, Qt.Key.Key_Return)
    assert sub.subscriptions == [b"weather"]
    assert not editor.hint_label.isVisibleTo(panel)
    assert row_state(panel, sub) == ""
    assert editor.prefix_edit.text() == ""

    editor.format_combo.setCurrentText("hex")
    assert "hex" in editor.prefix_edit.placeholderText()
    qtbot.keyClicks(editor.prefix_edit, "01 ff")
    click(qtbot, editor.add_button)
    click(qtbot, editor.add_button)  # empty prefix: everything
    assert sub.subscriptions == [b"weather", b"\x01\xff", b""]
    assert editor.subscriptions_shown() == ["'weather'", "0x 01 ff", "(everything)"]

    editor._select_topic(b"\x01\xff")
    click(qtbot, editor.remove_button)
    assert sub.subscriptions == [b"weather", b""]
    assert editor.subscriptions_shown() == ["'weather'", "(everything)"]
    editor.list_view.setFocus()
    qtbot.keyClick(editor.list_view, Qt.Key.Key_Delete)  # the neighbour got selected
    editor._select_topic(b"weather")
    qtbot.keyClick(editor.list_view, Qt.Key.Key_Delete)
    assert sub.subscriptions == []
    assert editor.hint_label.isVisibleTo(panel)
    assert row_state(panel, sub) == "no subscription"


def test_invalid_hex_and_duplicate_prefix_show_errors(panel, qtbot):
    sub = create(panel, qtbot, "XSUB")
    editor = panel.subscription_editor
    assert not editor.hint_label.isVisibleTo(panel)  # the hint is SUB's, XSUB sends its own
    editor.format_combo.setCurrentText("hex")
    qtbot.keyClicks(editor.prefix_edit, "zz")
    click(qtbot, editor.add_button)
    assert editor.error_label.isVisibleTo(panel)
    assert editor.error_label.text() == "'z' is not a hex digit (use 0-9, a-f)"
    assert editor.prefix_edit.text() == "zz"
    assert sub.subscriptions == [] and editor.subscriptions_shown() == []
    editor.prefix_edit.setText("abc")
    click(qtbot, editor.add_button)
    assert editor.error_label.text() == "Hex needs an even number of digits; this has 3"
    assert sub.subscriptions == []

    editor.prefix_edit.setText("ab")
    click(qtbot, editor.add_button)
    assert sub.subscriptions == [b"\xab"]
    assert not editor.error_label.isVisibleTo(panel)
    editor.prefix_edit.setText("ab")
    click(qtbot, editor.add_button)
    assert editor.error_label.text() == "Already subscribed to that prefix"
    assert sub.subscriptions == [b"\xab"]


def test_prefix_carries_over_when_switching_text_and_hex(panel, qtbot):
    create(panel, qtbot, "SUB")
    editor = panel.subscription_editor
    qtbot.keyClicks(editor.prefix_edit, "ab")
    editor.format_combo.setCurrentText("hex")
    assert editor.prefix_edit.text() == "61 62"
    editor.format_combo.setCurrentText("text")
    assert editor.prefix_edit.text() == "ab"


def test_subscriptions_hidden_for_types_that_do_not_subscribe(panel, qtbot):
    for type_name in ("PUB", "REQ", "ROUTER", "PUSH", "PAIR"):
        create(panel, qtbot, type_name)
        assert not panel.subscriptions_group.isVisibleTo(panel), type_name
    xpub = create(panel, qtbot, "XPUB")
    assert not panel.subscriptions_group.isVisibleTo(panel)
    assert panel.note_label.isVisibleTo(panel)
    assert "subscribe" in panel.note_label.text() and "traffic" in panel.note_label.text()
    create(panel, qtbot, "SUB")
    assert panel.subscriptions_group.isVisibleTo(panel)
    assert not panel.note_label.isVisibleTo(panel)
    panel.select_socket(xpub)
    assert not panel.subscriptions_group.isVisibleTo(panel)
