"""A script's send on a ROUTER to a peer that is not connected yet waits for that peer (as a
send step does), unless the user set ROUTER_MANDATORY; on the ``session`` + ``aloop`` loop."""

from __future__ import annotations

import textwrap

from session_helpers import ANY_PORT, WAIT_MS, traffic

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec
from zinspect.core.automation.script_runner import attach_any

SENDS_TO_LATE_PEER = """
def on_start(peer):
    peer.send([b"late", b"first"])
    peer.send([b"late", b"second"])
"""


def script(tmp_path, text: str) -> AutomationSpec:
    file = tmp_path / "router.py"
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return AutomationSpec(script=ScriptSpec(path="router.py", file=str(file)))


def test_a_send_to_a_peer_not_connected_yet_arrives_when_it_connects(
    aloop, session, qtbot, tmp_path
):
    router = session.create_socket("ROUTER")
    address = router.bind(ANY_PORT).address
    runner = attach_any(router, script(tmp_path, SENDS_TO_LATE_PEER))
    qtbot.waitUntil(lambda: runner.waiting_for != "", timeout=WAIT_MS)
    assert "b'late'" in runner.waiting_for and runner.last_error == "" and runner.running
    dealer = session.create_socket("DEALER")
    dealer.set_option("ROUTING_ID", "late")
    dealer.connect(address)
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 2, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"first"], [b"second"]]  # in order, once each
    assert runner.sent == 2 and runner.dropped == 0 and runner.waiting_for == ""


def test_with_router_mandatory_the_send_fails_in_words(aloop, session, qtbot, tmp_path):
    router = session.create_socket("ROUTER")
    router.set_option("ROUTER_MANDATORY", 1)
    router.bind(ANY_PORT)
    runner = attach_any(router, script(tmp_path, SENDS_TO_LATE_PEER))
    qtbot.waitUntil(lambda: runner.dropped == 2, timeout=WAIT_MS)
    assert "No peer with routing id b'late' is connected" in runner.last_error
    assert runner.waiting_for == ""
