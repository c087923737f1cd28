"""A file dialog that closed is gone: Qt's dialog lists its folder with a QFileSystemModel
that watches the folder and rereads it on every change, so one kept after closing keeps
reading a busy folder (such as /tmp) for as long as zinspect runs."""

from __future__ import annotations

from detail_pane_helpers import click, make_message
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel, QLineEdit, QWidget
from ui_actions import WAIT_MS

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.ui.sockets.decode_rules_editor import DecodeRulesEditor


def open_dialog(qtbot, owner: QWidget) -> QFileDialog:
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in owner.findChildren(QFileDialog)), timeout=WAIT_MS
    )
    return next(d for d in owner.findChildren(QFileDialog) if d.isVisible())


def nothing_left(owner: QWidget) -> bool:
    return not owner.findChildren(QFileDialog) and not owner.findChildren(QFileSystemModel)


def test_the_open_workspace_dialog_goes_once_escaped(qtbot, user, window, tmp_path):
    user.activate()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window)
    assert window.findChildren(QFileSystemModel)  # what the dialog lists its folder with
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    qtbot.keyClicks(name, str(tmp_path) + "/")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: nothing_left(window), timeout=WAIT_MS)
    # and the next Open works as the first did
    user.activate()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    again = open_dialog(qtbot, window)
    again.reject()
    qtbot.waitUntil(lambda: nothing_left(window), timeout=WAIT_MS)


def test_the_save_frame_dialog_goes_once_cancelled_or_used(qtbot, pane, tmp_path):
    pane.show_message(make_message([b"data"]))
    click(qtbot, pane, "save_frame_button")
    open_dialog(qtbot, pane).reject()
    qtbot.waitUntil(lambda: nothing_left(pane), timeout=WAIT_MS)
    click(qtbot, pane, "save_frame_button")
    dialog = open_dialog(qtbot, pane)
    target = tmp_path / "frame.bin"
    dialog.selectFile(str(target))
    dialog.accept()
    assert target.read_bytes() == b"data"
    qtbot.waitUntil(lambda: nothing_left(pane), timeout=WAIT_MS)


def test_the_schema_dialog_goes_once_closed(qtbot, tmp_path):
    editor = DecodeRulesEditor(MessageDecoder())
    qtbot.addWidget(editor)
    editor.show()
    schema = tmp_path / "prices.proto"
    schema.write_text('syntax = "proto3";\n', encoding="utf-8")
    editor.browse_button.click()
    open_dialog(qtbot, editor).reject()
    qtbot.waitUntil(lambda: nothing_left(editor), timeout=WAIT_MS)
    editor.browse_button.click()  # a second Browse opens a dialog again
    dialog = open_dialog(qtbot, editor)
    dialog.selectFile(str(schema))
    dialog.accept()
    assert editor.schema_edit.text() == str(schema)
    qtbot.waitUntil(lambda: nothing_left(editor), timeout=WAIT_MS)
