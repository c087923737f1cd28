"""A message of countless frames is received across several loop turns, not in one freeze.

The session's budget is set to nothing here, so every turn that has looked at the clock
must hand the loop back: the tests then see the loop run between the parts of one message,
whatever the machine's speed.
"""

from __future__ import annotations

import pytest
from session_helpers import linked, send

from zinspect.core.sockets import socket_receive
from zinspect.core.store import IN

FRAMES = 30_000


@pytest.fixture
def no_budget(monkeypatch):
    monkeypatch.setattr("zinspect.core.sockets.session.BATCH_MAX_SECONDS", 0.0)


def received_rows(session, handle):
    _, rows = session.store.rows(session.store.first_seq, session.store.end_seq)
    return [row for row in rows if row[1] == handle.name and row[2] == IN]


def watch_partials(aloop, handle):
    """A callback that runs on every loop turn and notes whether a message was half-received
    at that moment; returns the list of notes and a function that stops it."""
    seen: list[bool] = []
    state = {"on": True}

    def tick():
        if state["on"]:
            seen.append(handle._partial is not None)
            aloop.call_soon(tick)

    aloop.call_soon(tick)
    return seen, lambda: state.update(on=False)


def test_a_message_of_many_frames_arrives_whole_across_several_turns(
    aloop, qtbot, session, no_budget
):
    pull, push = linked(session, "PULL", "PUSH")
    frames = [b"%d" % n for n in range(FRAMES)]
    seen, stop = watch_partials(aloop, pull)
    send(aloop, qtbot, push, *frames)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=10_000)
    stop()
    rows = received_rows(session, pull)
    assert len(rows) == 1 and list(rows[0][4:]) == frames
    assert rows[0][3] == sum(map(len, frames))
    assert any(seen), "the loop never ran while the message was half-received"
    assert pull._partial is None and pull.cut_messages == 0


def test_frames_past_the_cap_are_dropped_resumably_and_counted(
    aloop, qtbot, session, no_budget, monkeypatch, caplog
):
    caplog.expected_warnings = True  # the cut is logged once
    monkeypatch.setattr(socket_receive, "MAX_FRAMES_PER_MESSAGE", 10_000)
    pull, push = linked(session, "PULL", "PUSH")
    seen, stop = watch_partials(aloop, pull)
    send(aloop, qtbot, push, *([b""] * FRAMES))
    send(aloop, qtbot, push, b"after")
    qtbot.waitUntil(lambda: pull.received == 2, timeout=10_000)
    stop()
    rows = received_rows(session, pull)
    assert [len(row) - 4 for row in rows] == [10_000, 1]
    assert rows[1][4] == b"after"  # the next message is whole: no frame of the cut one leaks
    assert pull.cut_messages == 1
    assert any(seen)
    assert "10000 frames" in caplog.text


def test_recreating_a_socket_mid_message_discards_the_half_received_one(
    aloop, qtbot, session, no_budget
):
    pull, push = linked(session, "PULL", "PUSH")
    send(aloop, qtbot, push, *([b"x"] * FRAMES))
    qtbot.waitUntil(lambda: pull._partial is not None, timeout=10_000)
    assert pull.recreate() == []
    assert pull._partial is None
    send(aloop, qtbot, push, b"a", b"b")
    qtbot.waitUntil(lambda: pull.received >= 1, timeout=10_000)
    rows = received_rows(session, pull)
    assert [list(row[4:]) for row in rows] == [[b"a", b"b"]]


def test_closing_a_socket_mid_message_leaves_the_loop_quiet(aloop, qtbot, session, no_budget):
    pull, push = linked(session, "PULL", "PUSH")
    send(aloop, qtbot, push, *([b"x"] * FRAMES))
    qtbot.waitUntil(lambda: pull._partial is not None, timeout=10_000)
    pull.close()
    assert pull._partial is None
    other, push2 = linked(session, "PULL", "PUSH")
    send(aloop, qtbot, push2, b"still", b"alive")
    qtbot.waitUntil(lambda: other.received == 1, timeout=10_000)
    assert pull.received == 0 and not received_rows(session, pull)


def test_a_long_reply_read_over_several_turns_still_gives_req_its_turn(
    aloop, qtbot, session, no_budget
):
    rep, req = linked(session, "REP", "REQ")
    send(aloop, qtbot, req, b"question")
    qtbot.waitUntil(lambda: rep.received == 1, timeout=10_000)
    seen, stop = watch_partials(aloop, req)
    send(aloop, qtbot, rep, *([b"y"] * FRAMES))
    qtbot.waitUntil(lambda: req.received == 1, timeout=10_000)
    stop()
    assert any(seen)
    assert req.can_send_now == (True, "")
    assert len(received_rows(session, req)[0]) - 4 == FRAMES
