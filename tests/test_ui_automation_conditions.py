"""Start and stop conditions set with the editor's fields: the JSON they write, what runs,
and a condition that cannot be used said in words."""

from __future__ import annotations

import pytest
from session_helpers import WAIT_MS, linked, send, traffic
from socket_panel_helpers import editor_of, shown_panel, tick
from ui_actions import click


@pytest.fixture
def panel(session, qtbot):
    return shown_panel(session, qtbot, 420, 1400)


def test_start_when_another_socket_received_and_stop_on_a_match(aloop, session, panel, qtbot):
    sink, push = linked(session, "PULL", "PUSH")
    control, remote = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    qtbot.keyClicks(editor.send_frames.rows[0].text_edit, "tick {seq}")
    editor.interval_edit.clear()
    qtbot.keyClicks(editor.interval_edit, "10")
    start = editor.more.start_builder
    start.kind_combo.setCurrentIndex(2)  # when a socket has received
    start.socket_combo.setCurrentIndex(start.socket_combo.findText(control.name))
    start.count_spin.setValue(2)
    click(qtbot, start.set_button)
    assert editor.more.start_edit.toPlainText() == f'{{"socket": "{control.name}", "received": 2}}'
    stop = editor.more.stop_builder
    stop.kind_combo.setCurrentIndex(2)
    stop.socket_combo.setCurrentIndex(stop.socket_combo.findText(control.name))
    qtbot.keyClicks(stop.equals_edit, "END")
    click(qtbot, stop.set_button)
    assert editor.more.stop_edit.toPlainText() == (
        f'{{"socket": "{control.name}", "received": 1, "match": [{{"frame": 0, "equals": "END"}}]}}'
    )
    click(qtbot, editor.start_button)
    assert push.automation_runner.state == "waiting"
    send(aloop, qtbot, remote, b"one")
    send(aloop, qtbot, remote, b"two")
    qtbot.waitUntil(lambda: sink.received >= 2, timeout=WAIT_MS)
    send(aloop, qtbot, remote, b"END")
    qtbot.waitUntil(lambda: push.automation_runner.state == "finished", timeout=WAIT_MS)
    assert traffic(session, sink)[0] == [b"tick 0"]
    qtbot.waitUntil(
        lambda: editor.status_label.text().startswith(
            f"Finished ('{control.name}' received 1 × a matching message)"
        ),
        timeout=WAIT_MS,
    )


def test_a_delay_start_and_the_defaults_clear_the_box(session, panel, qtbot):
    push = session.create_socket("PUSH")
    editor = editor_of(panel, push)
    start = editor.more.start_builder
    assert not start.socket_combo.isEnabled()
    start.kind_combo.setCurrentIndex(1)
    start.delay_spin.setValue(1500)
    click(qtbot, start.set_button)
    assert editor.more.start_edit.toPlainText() == '{"after_ms": 1500}'
    start.kind_combo.setCurrentIndex(0)
    click(qtbot, start.set_button)
    assert editor.more.start_edit.toPlainText() == ""


def test_a_stop_after_no_time_is_refused_in_words(session, panel, qtbot):
    push = session.create_socket("PUSH")
    editor = editor_of(panel, push)
    stop = editor.more.stop_builder
    stop.kind_combo.setCurrentIndex(1)  # after a time, left at 0
    click(qtbot, stop.set_button)
    assert stop.error.text() == 'say when to stop: "after_ms", "received" or "match"'
    assert editor.more.stop_edit.toPlainText() == ""
