"""A workspace's saved messages through the window: save, send, load, rename and delete them,
a saved message that cannot go says why, and the list's model is sound."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from ui_actions import WAIT_MS
from workspace_helpers import IN_TEXT, PAIR_WORKSPACE, modified, read, write

from zinspect.core.workspace.parse import parse_workspace
from zinspect.ui.compose.saved_messages_model import COL_NAME, SavedMessagesModel

# -- saved messages ------------------------------------------------------------------------------


def test_saved_messages_save_send_load_rename_delete(window, user, qtbot, tmp_path, qtmodeltester):
    actions = window.workspace_actions
    panel = actions.saved_messages
    window.workspace_actions.open_path(write(tmp_path / "p.zinspect.json", PAIR_WORKSPACE))
    actions.saved_messages_dock.raise_()  # its tab, beside the message detail
    qtmodeltester.check(panel.model)
    assert panel.model.data(panel.model.index(0, 2)) == "hello | 0x 00 ff"

    # the saved message names its socket: it goes out there, whatever is selected
    right = window.session.socket_named("right")
    user.select(right)
    user.compose("half-written")
    panel.select_row(0)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    rows = user.wait_rows(2)
    assert (rows[0].socket, rows[0].frames) == ("left", (b"hello", b"\x00\xff"))
    assert rows[1].socket == "right" and rows[1].direction == IN_TEXT
    qtbot.waitUntil(
        lambda: panel.status_label.text() == "Sent 'hello' on left (2 frames)", timeout=WAIT_MS
    )
    assert user.frame_rows[0].text == "half-written"  # the composer was left alone

    # save the composer's message inline, for the selected socket by default
    user.compose("ping", "1")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.name_row.isVisible()
    assert panel.socket_combo.currentText() == "right (PAIR)"
    panel.socket_combo.setCurrentIndex(0)  # "the selected socket"
    qtbot.keyClicks(panel.name_edit, "hello")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert panel.error_label.text() == (
        "A saved message is called 'hello' already: choose another name"
    )
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "ping")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert not panel.name_row.isVisible() and not panel.error_label.isVisible()
    assert [m.name for m in panel.model.messages()] == ["hello", "ping"]
    assert panel.model.message_at(1).socket is None
    assert panel.model.data(panel.model.index(1, 1)) == "(selected socket)"
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)

    # no socket named: it goes to the selected one
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    rows = user.wait_rows(4)
    assert (rows[2].socket, rows[2].frames) == ("right", (b"ping", b"1"))

    # rename in place; a taken name is refused beside the list
    panel.select_row(1)
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    editor = panel.view.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "hello")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(panel.error_label.isVisible, timeout=WAIT_MS)  # the edit ends, then
    assert "called 'hello' already" in panel.error_label.text()
    assert panel.model.message_at(1).name == "ping"
    assert panel.model.setData(panel.model.index(1, COL_NAME), " pong ")
    assert panel.model.message_at(1).name == "pong"

    # load into the composer, then delete
    user.compose("something else")
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert [row.text for row in user.frame_rows] == ["ping", "1"]
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [m.name for m in panel.model.messages()] == ["hello"]

    # and it is all in the file
    window.workspace_actions.save()
    qtbot.waitUntil(lambda: not modified(window), timeout=WAIT_MS)
    saved = parse_workspace(read(tmp_path / "p.zinspect.json"))
    assert [(m.name, m.socket, m.frames) for m in saved.messages] == [
        ("hello", "left", [b"hello", b"\x00\xff"])
    ]


def test_a_saved_message_that_cannot_go_says_why(window, user, qtbot):
    panel = window.workspace_actions.saved_messages
    window.workspace_actions.saved_messages_dock.raise_()
    user.create("SUB", "listener")
    user.create("PUB", "speaker")
    user.compose("news")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    panel.socket_combo.setCurrentIndex(panel.socket_combo.findData("listener"))
    qtbot.keyClicks(panel.name_edit, "to the sub")
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert panel.status_label.text() == (
        "Not sent on listener: A SUB socket only receives; use XSUB to send subscriptions."
    )
    window.session.socket_named("listener").close()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert "which this workspace does not have" in panel.status_label.text()


def test_saved_messages_model_is_sound():
    model = SavedMessagesModel()
    from zinspect.core.workspace.model import SavedMessage

    model.add(SavedMessage("a", None, [b"x"]))
    with pytest.raises(ValueError, match="called 'a' already"):
        model.add(SavedMessage(" a ", None, [b"y"]))
    assert model.name_problem("  ") == "Give the message a name"
    assert model.flags(model.index(0, COL_NAME)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
