"""The automation editor's protocol fields, typed as a user does: reply rules, random delays,
a send sequence, a ROUTER's peer choice, REQ tries, and start/stop conditions; bad input is
said in words under its field and nothing starts."""

from __future__ import annotations

import pytest
from session_helpers import WAIT_MS, linked, send, traffic
from socket_panel_helpers import editor_of, shown_panel, tick, type_into
from ui_actions import click

from zinspect.core.automation.automation import automation_to_json, parse_automation
from zinspect.core.automation.automation_runner import attach_automation


@pytest.fixture
def panel(session, qtbot):
    return shown_panel(session, qtbot, 420, 1400)


def test_rules_and_a_random_delay_typed_in_the_editor_answer(aloop, session, panel, qtbot):
    router, dealer = linked(session, "ROUTER", "DEALER")
    editor = editor_of(panel, router)
    tick(qtbot, editor.reply_group)
    editor.reply_mode_combo.setCurrentIndex(2)  # Nothing: rules only
    type_into(
        qtbot,
        editor.more.rules_edit,
        '[{"match": [{"frame": 0, "equals": "PING"}], "reply": ["PONG {frame:1}"]}]',
    )
    type_into(qtbot, editor.delay_edit, "5-15")
    assert not editor.more.rules_error.isVisible() and not editor.delay_error.isVisible()
    click(qtbot, editor.start_button)
    reply = router.automation.reply
    assert (reply.delay_ms, reply.delay_max_ms, reply.frames, reply.echo) == (5, 15, None, False)
    send(aloop, qtbot, dealer, b"other")
    send(aloop, qtbot, dealer, b"PING", b"7")
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 1, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"PONG 7"]]


def test_bad_rules_steps_and_conditions_are_said_under_their_boxes(aloop, session, panel, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    type_into(qtbot, editor.more.steps_edit, '[{"frames": ["x"], "count": 0}]')
    assert editor.more.steps_error.text() == ("steps[0].count: expected a positive integer, got 0")
    type_into(qtbot, editor.more.steps_edit, "[{oops")
    assert editor.more.steps_error.text().startswith("not JSON: ")
    assert not editor.send_frames_error.isVisible()  # the frames above are not blamed
    type_into(qtbot, editor.more.start_edit, '{"socket": "nowhere", "received": 1}')
    assert editor.more.start_error.text() == 'socket: no socket named "nowhere"'
    type_into(qtbot, editor.more.stop_edit, "{}")
    assert editor.more.stop_error.text() == 'say when to stop: "after_ms", "received" or "match"'
    type_into(qtbot, editor.more.repeat_edit, "twice")
    assert editor.more.repeat_error.text() == 'expected a positive integer, got "twice"'
    click(qtbot, editor.start_button)
    assert push.automation is None and push.automation_runner is None


def test_a_sequence_with_a_start_condition_runs_from_the_editor(aloop, session, panel, qtbot):
    sink, push = linked(session, "PULL", "PUSH")
    control, remote = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    type_into(
        qtbot,
        editor.more.steps_edit,
        '[{"frames": ["A"], "count": 1}, {"frames": ["B {u8:seq}"], "count": 1}]',
    )
    type_into(qtbot, editor.more.repeat_edit, "2")
    type_into(qtbot, editor.more.start_edit, f'{{"socket": "{control.name}", "received": 1}}')
    click(qtbot, editor.start_button)
    qtbot.waitUntil(
        lambda: editor.status_label.text().startswith("Waiting to start"), timeout=WAIT_MS
    )
    send(aloop, qtbot, remote, b"go")
    qtbot.waitUntil(lambda: sink.received == 4, timeout=WAIT_MS)
    assert traffic(session, sink) == [[b"A"], [b"B \x01"], [b"A"], [b"B \x03"]]
    qtbot.waitUntil(lambda: editor.status_label.text().startswith("Finished"), timeout=WAIT_MS)


def test_a_loaded_automation_shows_in_every_field_and_saves_back_unchanged(session, panel):
    router = session.create_socket("ROUTER", "boss")
    obj = {
        "send": {
            "steps": [
                {"frames": ["task {seq}"], "count": 3, "interval_ms": 0, "to": "ready"},
                {"frames": ["END"], "count": 1, "interval_ms": 0, "to": "each"},
            ],
            "repeat": True,
        },
        "start": {"received": 2},
        "stop": {"after_ms": 9000},
    }
    spec = parse_automation(obj, "a", type_name="ROUTER", name="boss", sockets={"boss": "ROUTER"})
    attach_automation(router, spec, start=False)
    editor = editor_of(panel, router)
    assert editor.more.repeat_edit.text() == "forever"
    assert editor.more.start_edit.toPlainText() == '{"received": 2}'
    built, errors = editor.build_spec()
    assert errors == {} and automation_to_json(built) == obj


def test_req_tries_and_router_peer_choice_apply_to_their_types(aloop, session, panel, qtbot):
    req = session.create_socket("REQ")
    editor = editor_of(panel, req)
    assert editor.more.tries_edit.isVisible() and not editor.more.to_combo.isVisible()
    tick(qtbot, editor.send_group)
    qtbot.keyClicks(editor.send_frames.rows[0].text_edit, "ping")
    type_into(qtbot, editor.more.tries_edit, "3")
    built, errors = editor.build_spec()
    assert errors == {} and built.send.tries == 3
    router = session.create_socket("ROUTER")
    editor = editor_of(panel, router)
    assert editor.more.to_combo.isVisible() and not editor.more.tries_edit.isVisible()
    tick(qtbot, editor.send_group)
    qtbot.keyClicks(editor.send_frames.rows[0].text_edit, "task")
    editor.more.to_combo.setCurrentIndex(1)
    built, errors = editor.build_spec()
    assert errors == {} and built.send.to == "ready"


def test_the_rule_builder_makes_an_mdp_worker_rule_with_fields(aloop, session, panel, qtbot):
    router, dealer = linked(session, "ROUTER", "DEALER")
    editor = editor_of(panel, router)
    tick(qtbot, editor.reply_group)
    editor.reply_mode_combo.setCurrentIndex(2)
    builder = editor.more.rule_builder
    builder.frame_spin.setValue(1)
    builder.form_combo.setCurrentIndex(1)  # hex
    type_into(qtbot, builder.value_edit, "02")
    qtbot.keyClicks(builder.reply_frames.rows[0].text_edit, "done {frame:2}")
    click(qtbot, builder.add_button)
    assert not builder.error.isVisible()
    builder.form_combo.setCurrentIndex(1)
    type_into(qtbot, builder.value_edit, "04")
    tick(qtbot, builder.no_reply_box)
    click(qtbot, builder.add_button)
    assert editor.more.rules_edit.toPlainText() == (
        '[{"match": [{"frame": 1, "equals": {"hex": "02"}}], "reply": ["done {frame:2}"]},\n'
        ' {"match": [{"frame": 1, "equals": {"hex": "04"}}], "reply": null}]'
    )
    click(qtbot, editor.start_button)
    send(aloop, qtbot, dealer, b"MDPW01", b"\x04")
    send(aloop, qtbot, dealer, b"MDPW01", b"\x02", b"client")
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 1, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"done client"]]


def test_the_rule_builder_says_what_is_wrong_and_adds_nothing(session, panel, qtbot):
    router = session.create_socket("ROUTER")
    editor = editor_of(panel, router)
    tick(qtbot, editor.reply_group)
    builder = editor.more.rule_builder
    builder.kind_combo.setCurrentIndex(2)  # a regex
    type_into(qtbot, builder.value_edit, "(")
    click(qtbot, builder.add_button)
    assert builder.error.text() == ("Value: Invalid regular expression: missing ) at position 2")
    builder.kind_combo.setCurrentIndex(3)  # any
    qtbot.keyClicks(builder.reply_frames.rows[0].text_edit, "{nope}")
    click(qtbot, builder.add_button)
    assert builder.error.text().startswith("Reply frame 1: unknown placeholder {nope}")
    assert editor.more.rules_edit.toPlainText() == ""
    type_into(qtbot, editor.more.rules_edit, "not a list")
    type_into(qtbot, builder.reply_frames.rows[0].text_edit, "ok")
    click(qtbot, builder.add_button)
    assert builder.error.text() == "The rules above are not a JSON list: fix or clear them first"
    assert editor.more.rules_edit.toPlainText() == "not a list"


def test_steps_take_the_place_of_the_single_message_fields(session, panel, qtbot):
    push = session.create_socket("PUSH")
    editor = editor_of(panel, push)
    tick(qtbot, editor.send_group)
    assert editor.count_edit.isEnabled() and editor.send_frames.isEnabled()
    type_into(qtbot, editor.more.steps_edit, '[{"frames": ["x"], "count": 1}]')
    assert not editor.count_edit.isEnabled() and not editor.send_frames.isEnabled()
    assert not editor.interval_edit.isEnabled()
    editor.more.steps_edit.clear()
    assert editor.count_edit.isEnabled()
