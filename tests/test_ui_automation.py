"""The automation section of the sockets panel, driven as a user: set up a reply and a send
script, start and stop them, watch the status and rate, and get bad values explained under
the field they were typed in."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from session_helpers import ANY_PORT, WAIT_MS, linked, run, traffic
from socket_panel_helpers import editor_of, shown_panel, tick, type_into
from ui_actions import click

from zinspect.core.automation.automation import AutomationSpec, ForwardSpec, ReplySpec, SendSpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.automation.templates import PLACEHOLDER_HELP
from zinspect.core.store import OUT


@pytest.fixture
def panel(session, qtbot):
    return shown_panel(session, qtbot, 400, 900)


def type_frame(qtbot, editor, index: int, text: str) -> None:
    row = editor.rows[index]
    row.text_edit.clear()
    qtbot.keyClicks(row.text_edit, text)


async def ask(req, count: int) -> None:
    for index in range(count):
        start = req.received
        await req.send([f"Hello {index}".encode()])
        while req.received == start:
            await asyncio.sleep(0.001)


def test_set_up_a_fixed_reply_start_it_and_stop_it(aloop, session, panel, qtbot):
    rep, req = linked(session, "REP", "REQ")
    editor = editor_of(panel, rep)
    assert editor.reply_group.isVisible() and not editor.send_group.isVisible()
    assert not editor.forward_group.isVisible()  # a REP must answer: it cannot forward
    assert editor.status_label.text() == "No automation on this socket."
    tick(qtbot, editor.reply_group)
    assert editor.reply_group.isChecked()
    editor.reply_mode_combo.setCurrentIndex(1)
    assert editor.reply_frames.isVisible()
    type_frame(qtbot, editor.reply_frames, 0, "World")
    click(qtbot, editor.reply_frames.add_button)
    editor.reply_frames.rows[1].set_content("hex", "00 ff")
    click(qtbot, editor.start_button)
    assert rep.automation == AutomationSpec(reply=ReplySpec(frames=[b"World", b"\x00\xff"]))
    assert editor.status_label.text().startswith("Running · 0 sent")
    run(aloop, qtbot, ask(req, 3))
    assert traffic(session, req) == [[b"World", b"\x00\xff"]] * 3
    qtbot.waitUntil(
        lambda: editor.status_label.text().startswith("Running · 3 sent"), timeout=WAIT_MS
    )
    click(qtbot, editor.stop_button)
    assert editor.status_label.text() == "Stopped · 3 sent"
    assert not editor.stop_button.isEnabled()
    run(aloop, qtbot, req.send([b"unanswered"]))
    qtbot.waitUntil(lambda: rep.received == 4, timeout=WAIT_MS)
    qtbot.wait(50)
    assert traffic(session, rep, OUT) == [[b"World", b"\x00\xff"]] * 3  # stopped: no reply


def test_send_script_with_count_finishes_and_one_until_stopped_shows_its_rate(
    aloop, session, panel, qtbot
):
    pull, push = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    assert editor.send_group.isVisible() and not editor.reply_group.isVisible()
    assert not editor.timeout_edit.isVisible()  # only a REQ waits for replies
    tick(qtbot, editor.send_group)
    type_frame(qtbot, editor.send_frames, 0, "n {seq}")
    type_into(qtbot, editor.count_edit, "5")
    click(qtbot, editor.start_button)
    qtbot.waitUntil(lambda: pull.received == 5, timeout=WAIT_MS)
    assert traffic(session, pull) == [[f"n {i}".encode()] for i in range(5)]
    qtbot.waitUntil(lambda: editor.status_label.text() == "Finished · 5 sent", timeout=WAIT_MS)

    editor.count_edit.clear()  # until stopped
    assert editor.count_edit.placeholderText() == "until stopped"
    click(qtbot, editor.start_button)
    assert push.automation.send.count is None
    qtbot.waitUntil(
        lambda: (
            "msg/s" in editor.status_label.text()
            and not editor.status_label.text().endswith(" 0.0 msg/s")
        ),
        timeout=WAIT_MS,
    )
    rate = float(editor.status_label.text().split(" · ")[2].split()[0].replace(",", ""))
    assert rate > 100
    click(qtbot, editor.stop_button)
    assert editor.status_label.text().startswith("Stopped · ")
    assert push.automation_runner.rate == 0.0


def test_req_script_shows_replies_and_timeout_field(aloop, session, panel, qtbot):
    rep, req = linked(session, "REP", "REQ")
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))
    editor = editor_of(panel, req)
    assert editor.timeout_edit.isVisible() and editor.timeout_edit.text() == "10000"
    tick(qtbot, editor.send_group)
    type_frame(qtbot, editor.send_frames, 0, "q {seq}")
    type_into(qtbot, editor.count_edit, "4")
    type_into(qtbot, editor.timeout_edit, "2000")
    click(qtbot, editor.start_button)
    assert req.automation.send.timeout_ms == 2000
    qtbot.waitUntil(
        lambda: editor.status_label.text() == "Finished · 4 sent · 4 replies", timeout=WAIT_MS
    )


def test_bad_values_are_explained_under_their_fields_and_nothing_starts(
    aloop, session, panel, qtbot
):
    pull, push = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    type_frame(qtbot, editor.send_frames, 0, "Hello {foo}")
    assert editor.send_frames_error.isVisible()
    assert editor.send_frames_error.text() == (
        f"Frame 1: unknown placeholder {{foo}}; {PLACEHOLDER_HELP}"
    )
    type_into(qtbot, editor.count_edit, "-3")
    assert editor.count_error.text() == "expected a positive integer, got -3"
    type_into(qtbot, editor.interval_edit, "soon")
    assert editor.interval_error.text() == 'expected a whole number of 0 or more, got "soon"'
    click(qtbot, editor.start_button)
    assert push.automation is None and push.automation_runner is None
    assert editor.status_label.text() == "No automation on this socket."
    # fixing a value clears its message at once
    type_into(qtbot, editor.count_edit, "3")
    assert not editor.count_error.isVisible()
    type_into(qtbot, editor.interval_edit, "0")
    type_frame(qtbot, editor.send_frames, 0, "{rand:-5:-1}")
    assert not editor.send_frames_error.isVisible()
    click(qtbot, editor.start_button)
    qtbot.waitUntil(lambda: pull.received == 3, timeout=WAIT_MS)
    assert all(-5 <= int(frames[0]) <= -1 for frames in traffic(session, pull))


def test_nothing_ticked_says_so(aloop, session, panel, qtbot):
    push = session.create_socket("PUSH")
    editor = editor_of(panel, push)
    click(qtbot, editor.start_button)
    assert editor.error_label.text() == "Tick Send first."  # all a PUSH offers
    assert push.automation is None


def test_forward_target_choice_and_reply_forward_exclusive(aloop, session, panel, qtbot):
    source, feeder = linked(session, "DEALER", "DEALER")
    sink, relay = linked(session, "PULL", "PUSH")
    session.create_socket("SUB", "listener")  # cannot send: not offered as a target
    editor = editor_of(panel, source)
    targets = [editor.forward_combo.itemText(i) for i in range(editor.forward_combo.count())]
    assert targets == [feeder.name, relay.name]
    tick(qtbot, editor.reply_group)
    tick(qtbot, editor.forward_group)  # a message is answered or forwarded, not both
    assert editor.forward_group.isChecked() and not editor.reply_group.isChecked()
    editor.forward_combo.setCurrentIndex(1)
    click(qtbot, editor.start_button)
    assert source.automation == AutomationSpec(forward=ForwardSpec(to=relay.name))
    run(aloop, qtbot, feeder.send([b"job"]))
    qtbot.waitUntil(lambda: sink.received == 1, timeout=WAIT_MS)
    # a socket made later is offered too
    late = session.create_socket("PUSH", "late")
    editor_of(panel, source)
    assert editor.forward_combo.findText(late.name) >= 0


def test_fields_follow_the_selected_socket_and_remove_takes_it_off(aloop, session, panel, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    spec = AutomationSpec(send=SendSpec(frames=["a {seq}", b"bin"], count=7, interval_ms=30))
    attach_automation(push, spec, start=False)
    attach_automation(pull, AutomationSpec(forward=ForwardSpec(to=push.name)), start=False)
    editor = editor_of(panel, push)
    assert editor.send_group.isChecked()
    assert [(r.encoding, r.text) for r in editor.send_frames.rows] == [
        ("text", "a {seq}"),
        ("hex", "62 69 6e"),
    ]
    assert (editor.count_edit.text(), editor.interval_edit.text()) == ("7", "30")
    assert editor.status_label.text() == "Stopped · 0 sent"
    assert editor.build_spec() == (spec, {})  # unchanged fields give back the same spec
    editor_of(panel, pull)
    assert editor.forward_group.isChecked() and editor.forward_combo.currentText() == push.name
    click(qtbot, editor.remove_button)
    assert pull.automation is None and not editor.forward_group.isChecked()
    assert editor.status_label.text() == "No automation on this socket."
    # an automation set from elsewhere (a workspace being opened) shows up (changes that come
    # in quick succession are shown together within a tenth of a second)
    attach_automation(pull, AutomationSpec(forward=ForwardSpec(to=push.name)), start=False)
    qtbot.waitUntil(editor.forward_group.isChecked, timeout=WAIT_MS)


def test_every_control_is_named_and_explained(aloop, session, panel, qtbot):
    rep = session.create_socket("REQ")
    editor = editor_of(panel, rep)
    for widget in editor.findChildren(QWidget):
        if (
            widget.isVisibleTo(editor)
            and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
            and widget.parent() is not None
            and widget.metaObject().className()
            in ("QPushButton", "QLineEdit", "QComboBox", "QGroupBox")
        ):
            assert widget.accessibleName(), widget
            assert widget.toolTip(), widget.accessibleName()


def test_closed_socket_disables_the_editor(aloop, session, panel, qtbot):
    push = session.create_socket("PUSH")
    pull = session.create_socket("PULL")
    pull.connect(push.bind(ANY_PORT).address)
    editor = editor_of(panel, push)
    assert editor.isEnabled()
    attach_automation(push, AutomationSpec(send=SendSpec(frames=["x"])))
    push.close()
    assert not push.automation_runner.running
