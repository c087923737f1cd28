"""Automations end to end against real peer processes (tests/peers): a REP that answers a REQ
client 100 times, a REQ script of 100 requests to a REP server, a PULL -> PUSH forward chain
between two peers, and a REQ that gives up on a silent server and goes on (lazy pirate)."""

from __future__ import annotations

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT, WAIT_MS, traffic
from ui_actions import PEER_WAIT_MS

from zinspect.core.automation.automation import parse_automation
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.store import OUT

pytestmark = pytest.mark.e2e

started = start_peer  # the shared helper, under this file's name


def finished(out: PeerOutput, qtbot) -> int:
    qtbot.waitUntil(lambda: out.proc.poll() is not None, timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: (out.poll(), out.eof)[1], timeout=WAIT_MS)
    return out.proc.returncode


def automation(session, handle, obj: dict):
    """Attach an automation written as in a workspace file, as opening one does."""
    sockets = {s.name: s.type_name for s in session.sockets}
    spec = parse_automation(
        obj, "automation", type_name=handle.type_name, name=handle.name, sockets=sockets
    )
    return attach_automation(handle, spec)


def test_rep_auto_reply_answers_a_req_client_100_times(session, peer, qtbot):
    rep = session.create_socket("REP", "hello")
    address = rep.bind(ANY_PORT).address
    runner = automation(session, rep, {"reply": {"frames": ["World"]}})
    client = started(peer, qtbot, "req_client.py", address, "100")
    assert finished(client, qtbot) == 0
    replies = [line for line in client.lines if line.startswith("Received reply")]
    assert len(replies) == 100
    assert replies[0] == "Received reply 0 [ World ]"
    assert replies[-1] == "Received reply 99 [ World ]"
    assert client.has("done 100")
    assert rep.received == 100 and runner.sent == 100
    assert traffic(session, rep)[99] == [b"Hello 99"]


def test_req_script_sends_100_requests_to_a_rep_server(session, peer, qtbot):
    server = started(peer, qtbot, "rep_server.py", ANY_PORT, "World", "--count", "100")
    endpoint = server.line("ready").split()[1]
    req = session.create_socket("REQ", "client")
    req.connect(endpoint)
    runner = automation(
        session, req, {"send": {"frames": ["Hello {seq}"], "count": 100, "interval_ms": 0}}
    )
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=PEER_WAIT_MS)
    assert runner.sent == 100 and runner.replies == 100 and runner.timeouts == 0
    assert finished(server, qtbot) == 0
    requests = [line for line in server.lines if line.startswith("Received request")]
    assert requests == [f"Received request: Hello {i}" for i in range(100)]
    assert server.has("answered 100")
    assert traffic(session, req) == [[b"World"]] * 100


def test_forward_chain_pull_to_push_between_two_peers(session, peer, qtbot):
    pull = session.create_socket("PULL", "work")
    push = session.create_socket("PUSH", "results")
    source = pull.bind(ANY_PORT).address
    sink = started(peer, qtbot, "pull_sink.py", ANY_PORT, "200", "--quiet")
    push.connect(sink.line("ready").split()[1])
    runner = automation(session, pull, {"forward": {"to": "results"}})
    worker = started(peer, qtbot, "push_worker.py", source, "200", "w")
    assert finished(worker, qtbot) == 0
    assert finished(sink, qtbot) == 0
    assert sink.has("count 200")
    assert runner.sent == 200
    assert traffic(session, push, OUT) == [[f"w {i}".encode()] for i in range(200)]


def test_req_timeout_recreates_the_socket_and_the_next_request_goes_out(session, peer, qtbot):
    # the server works 0.7 s on each request: far past the REQ's 200 ms timeout
    server = started(
        peer, qtbot, "rep_server.py", ANY_PORT, "World", "--work-ms", "700", "--timeout", "10"
    )
    endpoint = server.line("ready").split()[1]
    req = session.create_socket("REQ", "client")
    req.connect(endpoint)
    runner = automation(
        session, req, {"send": {"frames": ["Hello {seq}"], "count": 2, "timeout_ms": 200}}
    )
    qtbot.waitUntil(lambda: runner.timeouts == 1, timeout=WAIT_MS)
    assert runner.last_error == "no reply to request 0 within 200 ms: re-created the REQ socket"
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.timeouts == 2 and runner.sent == 2
    # the new socket's request reached the server once it was done with the first
    qtbot.waitUntil(lambda: server.has("Received request: Hello 1"), timeout=PEER_WAIT_MS)
    assert [e.address for e in req.endpoints] == [endpoint]


def test_in_the_window_a_rep_set_up_from_the_panel_answers_a_req_client(window, user, peer, qtbot):
    rep = user.create("REP", "hello")
    address = user.bind()
    editor = window.sockets.automation_editor
    editor.reply_group.setChecked(True)
    editor.reply_mode_combo.setCurrentIndex(1)  # these frames
    qtbot.keyClicks(editor.reply_frames.rows[0].text_edit, "World")
    user.click(editor.start_button)
    assert rep.automation_runner.running
    client = started(peer, qtbot, "req_client.py", address, "100")
    assert finished(client, qtbot) == 0
    assert client.has("Received reply 99 [ World ]")
    qtbot.waitUntil(
        lambda: editor.status_label.text().startswith("Running · 100 sent"), timeout=WAIT_MS
    )
