"""Stopping a REQ's scripted send just as a reply arrives: the script ends there, sends
nothing more, and the REQ is the user's again (benchmarks/soak.py stops it, then sends its
own last request).

The stop is timed exactly: in the same turn of the loop as the reply, or one or two turns
later, when the request's exchange has finished but the script has not yet resumed. Python
before 3.12's ``asyncio.wait_for`` swallowed a cancellation that came then, and the
"stopped" script went on sending, taking the REQ's turn from the user's request
(docs/platform-facts.md)."""

from __future__ import annotations

import pytest
from session_helpers import WAIT_MS, linked, run, traffic

from zinspect.core.automation.automation import AutomationSpec, ReplySpec, SendSpec
from zinspect.core.automation.automation_runner import AutomationRunner, attach_automation
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import OUT

INTERVAL_MS = 10


def stop_on_reply(
    aloop, session: Session, req: SocketHandle, runner: AutomationRunner, replies: int, turns: int
) -> list[list[bytes]]:
    """Stop ``runner`` ``turns`` loop turns after ``req`` received its ``replies``-th reply;
    returns (once stopped) what ``req`` had sent at that moment."""
    sent_at_stop: list[list[bytes]] = []

    def stop_later(remaining: int) -> None:
        if remaining:
            aloop.call_soon(stop_later, remaining - 1)
        else:
            sent_at_stop.extend(traffic(session, req, OUT))
            runner.stop()

    def on_received(handle, _count) -> None:
        # runs after the automation's own listener: the script's reply waiter is resolved
        if handle is req and req.received == replies and runner.running:
            stop_later(turns)

    session.on_received.append(on_received)
    return sent_at_stop


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_stopping_a_req_script_as_its_reply_arrives_ends_it(aloop, session, qtbot, turns):
    rep, req = linked(session, "REP", "REQ")
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))
    runner = attach_automation(
        req, AutomationSpec(send=SendSpec(frames=["q {seq}"], interval_ms=INTERVAL_MS))
    )
    sent_at_stop = stop_on_reply(aloop, session, req, runner, 3, turns)
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    qtbot.wait(INTERVAL_MS * 10)  # ten intervals: a script still alive would have sent
    assert sent_at_stop == [[b"q 0"], [b"q 1"], [b"q 2"]]
    assert traffic(session, req, OUT) == sent_at_stop
    assert runner.sent == 3 and runner.state == "stopped" and not req.awaiting_reply
    # the user's own request, as the soak's wind-down sends STOP: answered, and the last
    run(aloop, qtbot, req.send([b"STOP"]))
    qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    qtbot.wait(INTERVAL_MS * 10)
    assert traffic(session, req) == [[b"q 0"], [b"q 1"], [b"q 2"], [b"STOP"]]
    assert traffic(session, req, OUT) == traffic(session, req)


@pytest.mark.parametrize("turns", [0, 1, 2])
def test_a_req_script_stopped_as_the_users_reply_arrives_sends_nothing_after(
    aloop, session, qtbot, turns
):
    rep, req = linked(session, "REP", "REQ")
    run(aloop, qtbot, req.send([b"mine"]))  # the user's request, not answered yet
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    # the script's first request waits for the reply to "mine"
    runner = attach_automation(
        req, AutomationSpec(send=SendSpec(frames=["q {seq}"], interval_ms=INTERVAL_MS))
    )
    sent_at_stop = stop_on_reply(aloop, session, req, runner, 1, turns)
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))  # answers "mine"
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    qtbot.wait(INTERVAL_MS * 10)
    assert sent_at_stop[0] == [b"mine"]
    assert traffic(session, req, OUT) == sent_at_stop  # nothing went out after the stop
    assert traffic(session, req) == sent_at_stop  # and each request has its reply
