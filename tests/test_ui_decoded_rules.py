"""Decode rules as a user writes them: a schema decoder chosen from the Message pane opens the
socket's rules editor with the rule filled in, and each wrong field is said beside it."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QMenu
from table_helpers import right_click
from ui_actions import WAIT_MS

from zinspect.core.decode.frame_decoders import DECODERS, SCHEMA_DECODERS
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.rule_form import read_rule, rule_text
from zinspect.core.store import IN, Message

SCHEMA_DECODER = "protobuf-for-test"


@pytest.fixture
def schema_decoder():
    def decode(data, rule):
        return {"schema": rule.schema, "type": rule.message_type, "size": len(data)}

    DECODERS[SCHEMA_DECODER] = decode
    SCHEMA_DECODERS.add(SCHEMA_DECODER)
    yield SCHEMA_DECODER
    SCHEMA_DECODERS.discard(SCHEMA_DECODER)
    del DECODERS[SCHEMA_DECODER]


def open_menu(widget, pos, qtbot) -> QMenu:
    return right_click(qtbot, widget, pos)


def test_a_schema_decoder_from_the_message_pane_is_completed_in_the_rules_editor(
    user, window, qtbot, tmp_path, schema_decoder
):
    handle = user.create("SUB", "sub-9")
    window.session.store.extend([Message(time.time(), "sub-9", IN, [b"prices", b"\x08\x96\x01"])])
    user.wait_rows(1)
    user.click_row(0)
    table = user.frame_table
    menu = open_menu(table.viewport(), table.visualRect(table.model().index(1, 0)).center(), qtbot)
    submenu = next(a.menu() for a in menu.actions() if a.text() == "Decode frame 2 as")
    next(a for a in submenu.actions() if a.text() == f"{SCHEMA_DECODER}…").trigger()
    menu.close()
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    assert window.sockets.current_socket() is handle
    assert window.session.decoder.rules("sub-9") == ()  # nothing set before it is complete
    assert (editor.topic_edit.text(), editor.frame_edit.text()) == ("prices", "2")
    assert editor.decoder_combo.currentText() == SCHEMA_DECODER
    user.click(editor.add_button)  # no schema yet: refused, in words, beside the fields
    assert editor.schema_error.text().startswith(f"{SCHEMA_DECODER} needs a schema")
    assert editor.type_error.isVisible()
    assert window.session.decoder.rules("sub-9") == ()
    schema = tmp_path / "prices.proto"
    schema.write_text('syntax = "proto3"; message Price { int32 cents = 1; }')
    qtbot.keyClicks(editor.schema_edit, str(schema))
    qtbot.keyClicks(editor.type_edit, "Price")
    user.click(editor.add_button)
    rule = DecodeRule(SCHEMA_DECODER, "prices", 2, str(schema), "Price")
    assert window.session.decoder.rules("sub-9") == (rule,)
    assert not editor.schema_error.isVisible() and not editor.type_error.isVisible()
    assert (
        editor.rules_list.item(0).text() == f"frame 2 of topic 'prices' → {SCHEMA_DECODER} (Price)"
    )


def test_each_wrong_field_of_a_rule_is_said_in_words(tmp_path):
    rule, problems = read_rule("", "1.5", "json", str(tmp_path / "missing.proto"), "no spaces")
    assert rule is None
    assert problems.frame.startswith("Frame must be a whole number from 1")
    assert problems.schema == f"No file at {tmp_path / 'missing.proto'}"
    assert problems.message_type.startswith("A message type is a full name")
    rule, problems = read_rule("t/", "", "json", "", "")
    assert not problems and rule == DecodeRule("json", topic="t/")
    assert rule_text(rule) == "every frame of topic 't/' → json"


def test_a_rule_made_in_the_message_pane_shows_in_the_open_rules_editor(user, window, qtbot):
    handle = user.create("PULL", "in-7")
    window.sockets.show_decode_rules(handle)
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    window.session.store.extend([Message(time.time(), "in-7", IN, [b"hello"])])
    user.wait_rows(1)
    user.click_row(0)
    table = user.frame_table
    menu = open_menu(table.viewport(), table.visualRect(table.model().index(0, 0)).center(), qtbot)
    submenu = next(a.menu() for a in menu.actions() if a.text() == "Decode frame 1 as")
    next(a for a in submenu.actions() if a.text() == "raw").trigger()
    menu.close()
    qtbot.waitUntil(lambda: editor.rules_list.count() == 1, timeout=WAIT_MS)
    assert editor.rules_list.item(0).text() == "frame 1 → raw"
    qtbot.waitUntil(lambda: user.rows()[0].summary == "0x 68 65 6c 6c 6f", timeout=WAIT_MS)
