"""The decode-rule form as a user meets it: "protobuf-raw" (which needs no schema) is added
from the Message pane and from the form, protobuf still asks for its schema, and selecting
another socket starts its form empty instead of showing the previous socket's rule."""

from __future__ import annotations

import time

from table_helpers import right_click
from ui_actions import WAIT_MS

from zinspect.core.decode.model import DecodeRule
from zinspect.core.store import IN, Message

VARINT_150 = b"\x08\x96\x01"  # protobuf: field 1, varint 150


def choose_decoder(editor, name: str) -> None:
    editor.decoder_combo.setCurrentIndex(editor.decoder_combo.findText(name))


def test_protobuf_raw_is_added_from_the_message_pane_without_a_schema(user, window, qtbot):
    user.create("SUB", "sub-1")
    window.session.store.extend([Message(time.time(), "sub-1", IN, [b"prices", VARINT_150])])
    user.wait_rows(1)
    user.click_row(0)
    table = user.frame_table
    pos = table.visualRect(table.model().index(1, 0)).center()
    menu = right_click(qtbot, table.viewport(), pos)
    submenu = next(a.menu() for a in menu.actions() if a.text() == "Decode frame 2 as")
    texts = [a.text() for a in submenu.actions()]
    assert "protobuf-raw" in texts and "protobuf…" in texts  # only protobuf needs more
    next(a for a in submenu.actions() if a.text() == "protobuf-raw").trigger()
    menu.close()
    rule = DecodeRule("protobuf-raw", topic="prices", frame=2)
    assert window.session.decoder.rules("sub-1") == (rule,)
    qtbot.waitUntil(lambda: "150" in user.rows()[0].summary, timeout=WAIT_MS)


def test_protobuf_raw_is_added_in_the_form_and_protobuf_still_asks(user, window, qtbot):
    handle = user.create("PULL", "pull-1")
    window.sockets.show_decode_rules(handle)
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(editor.frame_edit, "1")
    choose_decoder(editor, "protobuf")
    user.click(editor.add_button)
    assert (
        editor.schema_error.text() == "protobuf needs a schema: a .proto file or a descriptor set"
    )
    assert window.session.decoder.rules("pull-1") == ()
    choose_decoder(editor, "protobuf-raw")
    user.click(editor.add_button)
    assert not editor.schema_error.isVisible() and not editor.type_error.isVisible()
    assert window.session.decoder.rules("pull-1") == (DecodeRule("protobuf-raw", frame=1),)
    assert editor.rules_list.item(0).text() == "frame 1 → protobuf-raw"


def test_another_socket_starts_with_an_empty_form(user, window, qtbot):
    sub = user.create("SUB", "sub-1")
    router = user.create("ROUTER", "router-1")
    window.session.decoder.set_rules("sub-1", [DecodeRule("msgpack", topic="t/", frame=2)])
    window.sockets.show_decode_rules(sub)
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    editor.rules_list.setCurrentRow(0)  # its rule in the form
    assert (editor.topic_edit.text(), editor.frame_edit.text()) == ("t/", "2")
    qtbot.keyClicks(editor.type_edit, "half typed")
    window.sockets.select_socket(router)
    form = (editor.topic_edit, editor.frame_edit, editor.schema_edit, editor.type_edit)
    assert [field.text() for field in form] == ["", "", "", ""]
    assert editor.decoder_combo.currentText() == "json"
    assert editor.rules_list.count() == 0 and editor.rules_list.currentRow() == -1
    assert not editor.replace_button.isEnabled() and not editor.remove_button.isEnabled()
    window.sockets.select_socket(sub)  # its rules are listed again, none chosen
    assert editor.rules_list.count() == 1 and editor.topic_edit.text() == ""
