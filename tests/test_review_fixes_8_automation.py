"""Standing in for the primer's hello-world server: a new user ticked "Reply to each message"
on a REP, typed World, and the waiting REQ client went on waiting. Nothing said why: Start
was a screen further down, under every other field. Now Start and the status come first,
and the status says a ticked section is not running until Start is pressed."""

from __future__ import annotations

from session_helpers import WAIT_MS, linked, run, traffic
from socket_panel_helpers import editor_of, shown_panel, tick
from ui_actions import click


def test_a_ticked_reply_says_it_waits_for_start_and_start_is_above_it(aloop, session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)  # the Sockets dock as it opens
    rep, req = linked(session, "REP", "REQ")
    run(aloop, qtbot, req.send([b"Hello"]))
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    editor = editor_of(panel, rep)
    assert editor.status_label.text() == "No automation on this socket."
    start_y = editor.start_button.mapTo(editor, editor.start_button.rect().topLeft()).y()
    assert start_y < editor.reply_group.y()  # seen before the fields, not a screen below
    tick(qtbot, editor.reply_group)
    editor.reply_mode_combo.setCurrentIndex(1)  # These frames
    row = editor.reply_frames.rows[0]
    qtbot.keyClicks(row.text_edit, "World")
    assert editor.status_label.text() == "Ticked, not running yet: press Start."
    assert traffic(session, req) == []  # ticking alone answers nothing
    click(qtbot, editor.start_button)
    qtbot.waitUntil(lambda: traffic(session, req) == [[b"World"]], timeout=WAIT_MS)
    assert editor.status_label.text().startswith("Running")


def test_a_ticked_section_with_a_bad_value_does_not_invite_start(aloop, session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)
    _pull, push = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    qtbot.keyClicks(editor.send_frames.rows[0].text_edit, "task {nope}")
    assert editor.send_frames_error.isVisible()
    assert editor.status_label.text() == "No automation on this socket."
    editor.send_frames.rows[0].text_edit.clear()
    qtbot.keyClicks(editor.send_frames.rows[0].text_edit, "task {seq}")
    assert editor.status_label.text() == "Ticked, not running yet: press Start."
