"""A REQ script stopped while its request waits for the reply: the reply that comes after
the Stop is still counted as the script's ("Stopped · 5 sent · 5 replies", not 4 beside
the socket's 5 received), and nothing more is sent."""

from __future__ import annotations

from session_helpers import WAIT_MS, linked, run, traffic

from zinspect.core.automation.automation import AutomationSpec, SendSpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.store import IN, OUT


def test_the_reply_to_a_stopped_scripts_last_request_is_counted(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")  # the REP answers by hand, below
    runner = attach_automation(req, AutomationSpec(send=SendSpec(frames=["q {seq}"])))
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)  # q 0 waits for its reply
    runner.stop()
    assert runner.sent == 1 and runner.replies == 0
    run(aloop, qtbot, rep.send([b"answer"]))
    qtbot.waitUntil(lambda: req.received == 1, timeout=WAIT_MS)
    assert runner.replies == 1 and runner.state == "stopped"
    assert traffic(session, req, OUT) == [[b"q 0"]]  # nothing more went out
    assert traffic(session, req, IN) == [[b"answer"]]
    # the user's own request after it: not the script's, not counted
    run(aloop, qtbot, req.send([b"mine"]))
    qtbot.waitUntil(lambda: rep.received == 2, timeout=WAIT_MS)
    run(aloop, qtbot, rep.send([b"yours"]))
    qtbot.waitUntil(lambda: req.received == 2, timeout=WAIT_MS)
    assert runner.replies == 1
