"""Closing a socket never throws away work by accident: Ctrl+W does nothing while a text field
has focus, and a socket holding work made by hand (decode rules, an automation, fields typed
but not started) closes only once the user says so; a plain socket closes at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, click_box, open_boxes, the_box, trigger_menu

from zinspect.core.decode.model import DecodeRule

RULES = '[{"match": [{"frame": 0, "equals": "PING"}], "reply": ["PONG"]}]'


def test_ctrl_w_while_typing_reply_rules_keeps_the_socket_and_the_rules(window, user, qtbot):
    rep = user.create("REP", "rep-1")
    user.activate()
    rules = window.sockets.automation_editor.more.rules_edit
    window.sockets.automation_editor.reply_group.setChecked(True)
    qtbot.waitUntil(rules.isVisible, timeout=WAIT_MS)
    rules.setFocus()
    qtbot.waitUntil(rules.hasFocus, timeout=WAIT_MS)
    qtbot.keyClicks(rules, RULES)
    user.shortcut(Qt.Key.Key_W, target=rules)
    assert not rep.closed and window.session.sockets == [rep]
    assert rules.toPlainText() == RULES
    assert open_boxes(window) == []
    topic = window.sockets.decode_rules_editor.topic_edit  # a one-line field keeps it too
    topic.setFocus()
    qtbot.waitUntil(topic.hasFocus, timeout=WAIT_MS)
    user.shortcut(Qt.Key.Key_W, target=topic)
    assert not rep.closed


def test_rules_typed_but_not_started_are_named_and_keep_keeps_them(window, user, qtbot):
    rep = user.create("REP", "rep-2")
    user.activate()
    editor = window.sockets.automation_editor
    editor.reply_group.setChecked(True)
    qtbot.keyClicks(editor.more.rules_edit, RULES)
    window.traffic.view.setFocus()
    user.shortcut(Qt.Key.Key_W, target=window.traffic.view)
    box = the_box(window, qtbot)
    assert "rep-2" in box.text() and "automation fields typed but not started" in box.text()
    assert box.defaultButton().text() == "Keep"
    click_box(window, qtbot, "Keep")
    assert not rep.closed and editor.more.rules_edit.toPlainText() == RULES


def test_a_socket_with_decode_rules_closes_once_the_user_says_so(window, user, qtbot):
    sub = user.create("SUB", "sub-1")
    plain = user.create("PULL", "plain")
    window.session.decoder.set_rules("sub-1", [DecodeRule("msgpack", frame=2)])
    window.sockets.select_socket(sub)
    user.activate()
    window.traffic.view.setFocus()
    user.shortcut(Qt.Key.Key_W, target=window.traffic.view)
    box = the_box(window, qtbot)
    assert "1 decode rule" in box.text()
    assert not sub.closed  # nothing happens until the answer
    click_box(window, qtbot, "Close socket")
    qtbot.waitUntil(lambda: sub.closed, timeout=WAIT_MS)
    assert window.session.sockets == [plain]
    # a plain socket closes at once, from the menu too, even with a text field focused
    window.sockets.select_socket(plain)
    window.traffic.filter_edit.setFocus()
    trigger_menu(window, "Close socket")
    assert plain.closed and open_boxes(window) == []


def test_a_socket_with_an_automation_asks_from_the_close_button_too(window, user, qtbot):
    rep = user.create("REP", "rep-3")
    editor = window.sockets.automation_editor
    editor.reply_group.setChecked(True)  # echo
    user.click(editor.start_button)
    qtbot.waitUntil(lambda: rep.automation is not None, timeout=WAIT_MS)
    window.sockets.close_button.click()
    box = the_box(window, qtbot)
    assert "its automation (reply)" in box.text()
    assert "typed but not started" not in box.text()
    click_box(window, qtbot, "Close socket")
    qtbot.waitUntil(lambda: rep.closed, timeout=WAIT_MS)
    assert window.sockets.current_socket() is None


def test_the_question_goes_when_its_socket_closes_meanwhile(window, user, qtbot):
    sub = user.create("SUB", "sub-2")
    window.session.decoder.set_rules("sub-2", [DecodeRule("msgpack", frame=2)])
    window.sockets.close_button.click()
    box = the_box(window, qtbot)
    sub.close()  # elsewhere: a workspace opened, say
    qtbot.waitUntil(lambda: box not in open_boxes(window), timeout=WAIT_MS)
