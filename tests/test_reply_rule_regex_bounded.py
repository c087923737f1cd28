"""A reply rule's regular expression that backtracks catastrophically on what a peer sends
(``^(a|a)*[bc]$`` over 90 bytes) cannot hold the window: each search gives up in time, the rule
counts as not matching (the REP gives its other reply, so its REQ peer is not left waiting),
and the automation says why and how to write the expression instead."""

from __future__ import annotations

from peerio import start_peer
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS

from zinspect.core.automation.automation import parse_automation
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.automation.rules import FrameTest, matches

SLOW = "^(a|a)*[bc]$"
AUTOMATION = {
    "reply": {
        "frames": ["default"],
        "rules": [
            {"match": [{"regex": "^quick"}], "reply": ["quick"]},
            {"match": [{"regex": SLOW}], "reply": ["never"]},
        ],
    }
}


def test_a_catastrophic_rule_counts_as_no_match_and_says_why(session, peer, qtbot):
    rep = session.create_socket("REP", "rep")
    endpoint = rep.bind(ANY_PORT).address
    runner = attach_automation(rep, parse_automation(AUTOMATION, "automation", type_name="REP"))
    assert runner is not None
    client = start_peer(peer, qtbot, "req_client.py", endpoint, 3, "--request", "a" * 90)
    qtbot.waitUntil(lambda: client.has("done 3") or client.eof, timeout=PEER_WAIT_MS)
    assert client.line("Received reply 0") == "Received reply 0 [ default ]"
    assert client.line("Received reply 2") == "Received reply 2 [ default ]"
    assert "takes too long" in runner.last_error and "Simplify it" in runner.last_error
    assert "not matching (3 times)" in runner.last_error
    assert runner.running


def test_a_rule_expression_still_matches_as_before():
    test = FrameTest(0, "regex", b"^he(l+)o\\b")
    assert matches([test], [b"hello world"]) and not matches([test], [b"help"])
    assert test.too_slow == 0
