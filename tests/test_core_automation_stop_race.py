"""Stopping a REQ's scripted send just as a reply arrives: the script must end there, and the
REQ is the user's again (benchmarks/soak.py stops it, then sends its own last request).

The stop is timed exactly: one or two loop turns after the reply reached the automation,
when the request's exchange has finished but the script has not yet resumed. Python before
3.12's ``asyncio.wait_for`` swallowed a cancellation that came then, and the "stopped" script
went on sending, taking the REQ's turn from the user's request."""

from __future__ import annotations

import pytest
from session_helpers import WAIT_MS, linked, run, traffic

from zinspect.core.automation.automation import AutomationSpec, ReplySpec, SendSpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.store import OUT

INTERVAL_MS = 10


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_stopping_a_req_script_as_its_reply_arrives_ends_it(aloop, session, qtbot, turns):
    rep, req = linked(session, "REP", "REQ")
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))
    runner = attach_automation(
        req,
        AutomationSpec(send=SendSpec(frames=["q {seq}"], interval_ms=INTERVAL_MS)),
    )

    def stop_later(remaining: int) -> None:
        if remaining:
            aloop.call_soon(stop_later, remaining - 1)
        else:
            runner.stop()

    def on_received(handle, _count) -> None:
        # after the automation's own listener: its reply waiter is resolved already
        if handle is req and req.received == 3 and runner.running:
            stop_later(turns)

    session.on_received.append(on_received)
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    qtbot.wait(INTERVAL_MS * 10)  # ten intervals: a script still alive would have sent
    assert traffic(session, req, OUT) == [[b"q 0"], [b"q 1"], [b"q 2"]]
    assert runner.sent == 3 and runner.state == "stopped"
    qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    # the user's own request, as the soak's wind-down sends STOP: answered, and the last
    run(aloop, qtbot, req.send([b"STOP"]))
    qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    assert traffic(session, req) == [[b"q 0"], [b"q 1"], [b"q 2"], [b"STOP"]]
    assert traffic(session, req, OUT)[3:] == [[b"STOP"]]
