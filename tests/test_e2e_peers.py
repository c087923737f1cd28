"""End to end: the real main window, driven as a user, against real peer processes from
tests/peers (plain pyzmq programs, the ZeroMQ guide's examples). Ports are always random: a peer
binds tcp://127.0.0.1:* and says where in its ``ready`` line, or zinspect binds and the peer
is given the address the endpoint list shows."""

from __future__ import annotations

from collections import Counter

import pytest
from peerio import PeerOutput, start_peer
from PySide6.QtCore import Qt
from ui_actions import WAIT_MS
from window_driver import ANY_PORT, Row

from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint

pytestmark = pytest.mark.e2e

IN_TEXT, OUT_TEXT = "← in", "→ out"
REQ_REFUSAL = (
    "Not sent: REQ is waiting for the reply to its request: it may send again only "
    "after the reply arrives (strict lock-step)."
)


def started(peer, qtbot, script: str, *args: str) -> tuple[PeerOutput, str]:
    """Start a peer script; wait (running the Qt loop) for its ``ready <endpoint>`` line."""
    out = start_peer(peer, qtbot, script, *args)
    return out, out.line("ready").split()[1]


def finished(out: PeerOutput, qtbot, timeout: int = WAIT_MS) -> int:
    """Wait for the peer to exit (running the Qt loop meanwhile); return its exit code."""
    qtbot.waitUntil(lambda: out.proc.poll() is not None, timeout=timeout)
    qtbot.waitUntil(lambda: (out.poll(), out.eof)[1], timeout=WAIT_MS)
    return out.proc.returncode


# -- request / reply ------------------------------------------------------------------------


def test_zinspect_req_against_the_hello_world_server(window, user, peer, qtbot):
    # the server "works" 500 ms per request: time for the user to try a second send
    out, endpoint = started(
        peer, qtbot, "rep_server.py", ANY_PORT, "World", "--work-ms", "500", "--count", "2"
    )
    req = user.create("REQ", "client")
    user.connect(endpoint)
    assert user.composer_state.startswith("client (REQ): ready to send a request")

    user.compose("Hello")
    user.click_send()
    qtbot.waitUntil(lambda: req.awaiting_reply, timeout=WAIT_MS)
    # at once (no event processing in between, so the reply cannot slip in): send again
    assert "waiting for the reply" in user.composer_state
    before = user.snapshot()
    user.click_send()  # too early: REQ is strictly lock-step
    assert user.send_status == REQ_REFUSAL
    assert user.snapshot() == before
    assert [row.text for row in user.frame_rows] == ["Hello"]  # the message is kept
    assert req.sent == 1

    rows = user.wait_rows(2)
    assert rows[0] == Row("client", OUT_TEXT, "Hello", (b"Hello",))
    assert rows[1] == Row("client", IN_TEXT, "World", (b"World",))
    qtbot.waitUntil(lambda: user.composer_state.startswith("client (REQ): ready"), timeout=WAIT_MS)
    assert out.has("Received request: Hello")

    user.compose("Hello again")  # after the reply the next request goes
    user.click_send()
    rows = user.wait_rows(4)
    assert [r.frames for r in rows[2:]] == [(b"Hello again",), (b"World",)]
    assert finished(out, qtbot) == 0
    assert out.lines[-1] == "answered 2"


def test_zinspect_rep_answers_the_hello_world_client(window, user, peer, qtbot):
    rep = user.create("REP", "server")
    address = user.bind(ANY_PORT)
    assert "REP must receive a request" in user.composer_state
    out = PeerOutput(peer("req_client.py", address, "3"))

    for number in range(3):
        rows = user.wait_rows(2 * number + 1)
        assert rows[-1].socket == "server" and rows[-1].direction == IN_TEXT
        assert rows[-1].frames == (f"Hello {number}".encode(),)
        qtbot.waitUntil(lambda: rep.can_send_now[0], timeout=WAIT_MS)
        assert user.composer_state == "server (REP): a request arrived: send exactly one reply."
        assert window.composer.send_action.isEnabled()
        user.compose(f"World {number}")
        user.click_send()
        qtbot.waitUntil(
            lambda n=number: out.has(f"Received reply {n} [ World {n} ]"), timeout=WAIT_MS
        )

    assert finished(out, qtbot) == 0
    assert out.has("done 3")
    assert [(r.direction, r.frames) for r in user.wait_rows(6)] == [
        (d, (f"{text} {n}".encode(),))
        for n in range(3)
        for d, text in ((IN_TEXT, "Hello"), (OUT_TEXT, "World"))
    ]
    assert "REP must receive a request" in user.composer_state  # its turn is over


# -- publish / subscribe ---------------------------------------------------------------------


def test_zinspect_sub_with_a_topic_filter_gets_only_that_topic(window, user, peer, qtbot):
    out, endpoint = started(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "500")
    sub = user.create("SUB", "weather")
    user.connect(endpoint)
    hint = window.sockets.subscription_editor.hint_label
    assert hint.isVisibleTo(window)
    assert "receives nothing" in hint.text()

    user.subscribe("10001")
    assert not hint.isVisibleTo(window)
    assert window.sockets.subscription_editor.subscriptions_shown() == ["'10001'"]
    rows = user.wait_rows(10)
    assert all(r.socket == "weather" and r.direction == IN_TEXT for r in rows)
    wrong = [r.frames for r in rows if len(r.frames) != 1 or not r.frames[0].startswith(b"10001 ")]
    assert wrong == []
    assert sub.received >= 10


# -- pipeline ----------------------------------------------------------------------------------


def test_zinspect_pull_sink_collects_everything_from_two_workers(window, user, peer, qtbot):
    user.create("PULL", "sink")
    address = user.bind(ANY_PORT)
    count = 300
    workers = [
        PeerOutput(peer("push_worker.py", address, str(count), name)) for name in ("alpha", "beta")
    ]
    rows = user.wait_rows(2 * count)
    for worker in workers:
        assert finished(worker, qtbot) == 0
        assert worker.has(f"sent {count}")
    rows = user.rows()
    assert len(rows) == 2 * count
    assert all(r.socket == "sink" and r.direction == IN_TEXT for r in rows)
    per_worker = Counter(r.frames[0].split()[0].decode() for r in rows)
    assert per_worker == {"alpha": count, "beta": count}
    for name in ("alpha", "beta"):  # each worker's messages arrive in order
        numbers = [
            int(r.frames[0].split()[1]) for r in rows if r.frames[0].split()[0] == name.encode()
        ]
        assert numbers == list(range(count))


def test_zinspect_ventilator_and_sink_with_a_primer_worker(window, user, peer, qtbot):
    user.create("PULL", "sink")
    sink_address = user.bind(ANY_PORT)
    push = user.create("PUSH", "ventilator")
    ventilator_address = user.bind(ANY_PORT)
    tasks = 5
    worker = PeerOutput(
        peer("task_worker.py", ventilator_address, sink_address, "--count", str(tasks))
    )
    qtbot.waitUntil(lambda: worker.has("ready"), timeout=WAIT_MS)

    user.compose("1")  # a workload of 1 ms
    user.activate()
    for number in range(tasks):
        user.ctrl_enter()
        qtbot.waitUntil(lambda n=number: push.sent == n + 1, timeout=WAIT_MS)
    assert finished(worker, qtbot) == 0
    assert worker.lines.count("task 1") == tasks and worker.has(f"done {tasks}")
    rows = user.wait_rows(2 * tasks)
    results = [r for r in rows if r.socket == "sink"]
    assert len(results) == tasks
    assert all(r.direction == IN_TEXT and r.frames == (b"",) for r in results)


# -- bad input in the real window: said in words beside the field, nothing else changes -----


def endpoint_error(text: str, *, bind: bool) -> str:
    with pytest.raises(EndpointError) as caught:
        validate_endpoint(text, bind=bind)
    return str(caught.value)


@pytest.mark.parametrize("bind", [True, False], ids=["bind", "connect"])
def test_bad_endpoints_are_refused_in_words_while_traffic_flows(window, user, peer, qtbot, bind):
    user.create("PULL", "sink")
    address = user.bind(ANY_PORT)
    worker = PeerOutput(peer("push_worker.py", address, "3", "w"))
    user.wait_rows(3)
    assert finished(worker, qtbot) == 0
    dealer = user.create("DEALER", "dealer")
    qtbot.waitUntil(lambda: "in 3" in user.socket_list()[0], timeout=WAIT_MS)
    editor = window.sockets.endpoint_editor
    button = editor.bind_button if bind else editor.connect_button

    for text, words in (
        ("", "Enter an endpoint"),
        ("tcp://", "has no address"),
        ("tcp://127.0.0.1:99999", "Port 99999 is out of range"),
        ("foo://x", "Unknown transport 'foo'"),
    ):
        user.type_endpoint(text)
        before = user.snapshot()
        user.click(button)
        assert editor.error_label.isVisibleTo(window), text
        assert editor.error_label.text() == endpoint_error(text, bind=bind)
        assert words in editor.error_label.text()
        assert editor.endpoint_edit.text() == text  # kept, to be corrected
        assert user.snapshot() == before, text
        assert dealer.endpoints == []

    user.type_endpoint(ANY_PORT)  # corrected: it works and the message goes
    user.click(editor.bind_button)
    assert not editor.error_label.isVisibleTo(window)
    assert len(dealer.endpoints) == 1


def test_binding_a_port_a_peer_process_holds_is_refused_in_words(window, user, peer, qtbot):
    out, endpoint = started(peer, qtbot, "rep_server.py", ANY_PORT, "--count", "1")
    rep = user.create("REP", "server")
    user.type_endpoint(endpoint)
    before = user.snapshot()
    editor = window.sockets.endpoint_editor
    user.click(editor.bind_button)
    assert editor.error_label.isVisibleTo(window)
    assert editor.error_label.text().startswith("Address already in use")
    assert editor.endpoint_edit.text() == endpoint
    assert user.snapshot() == before and rep.endpoints == []
    # the peer is unharmed: a REQ in zinspect still talks to it
    req = user.create("REQ", "client")
    user.connect(endpoint)
    user.compose("still there?")
    user.click_send()
    rows = user.wait_rows(2)
    assert rows[1].frames == (b"World",) and rows[1].socket == "client"
    assert req.received == 1 and finished(out, qtbot) == 0


def test_invalid_hex_and_json_frames_are_refused_and_nothing_is_sent(window, user, peer, qtbot):
    out, endpoint = started(peer, qtbot, "pull_sink.py", ANY_PORT, "2")
    push = user.create("PUSH", "sender")
    user.connect(endpoint)
    composer = window.composer

    user.compose("zz")
    user.frame_rows[0].encoding_combo.setCurrentIndex(
        user.frame_rows[0].encoding_combo.findData("hex")
    )
    row = user.frame_rows[0]
    assert row.error_label.isVisibleTo(window)
    assert row.error_label.text() == "'z' is not a hex digit (use 0-9, a-f)"
    assert "1 not valid" in composer.frames_label.text()
    before = user.snapshot()
    user.click_send()
    assert user.send_status == (
        "Not sent: frame 1 does not encode: 'z' is not a hex digit (use 0-9, a-f)"
    )
    assert user.snapshot() == before and push.sent == 0

    user.compose("68 69", '{"a": }')
    json_row = user.frame_rows[1]
    json_row.encoding_combo.setCurrentIndex(json_row.encoding_combo.findData("json"))
    user.frame_rows[0].encoding_combo.setCurrentIndex(
        user.frame_rows[0].encoding_combo.findData("hex")
    )
    assert not user.frame_rows[0].error_label.isVisibleTo(window)
    assert json_row.error_label.isVisibleTo(window)
    assert json_row.error_label.text().startswith("Invalid JSON at line 1, column 7")
    user.click_send()
    assert user.send_status.startswith("Not sent: frame 2 does not encode: Invalid JSON")
    assert user.snapshot() == before and push.sent == 0

    json_row.text_edit.setFocus()  # fixed where the error is shown: now it goes
    qtbot.keyClick(json_row.text_edit, "A", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(json_row.text_edit, '{"a": 1}')
    assert not json_row.error_label.isVisibleTo(window)
    assert user.send_status == ""  # the refusal was about the old content
    user.click_send()
    qtbot.waitUntil(lambda: out.has("received"), timeout=WAIT_MS)
    user.compose("last")
    user.click_send()
    assert finished(out, qtbot) == 0
    # the first thing the peer ever received is the corrected message
    assert [line for line in out.lines if line.startswith("received")] == [
        'received hi | {"a":1}',
        "received last",
    ]
