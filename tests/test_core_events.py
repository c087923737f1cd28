"""Connection events from libzmq's monitor: every socket is watched from its
creation; events are decoded and explained in words; the socket's peer count and endpoint
states follow them."""

from __future__ import annotations

import signal
import socket as pysocket

import pytest
import zmq
from peerio import PeerOutput
from session_helpers import ANY_PORT, WAIT_MS

from zinspect.core.sockets.events import SocketEvent, decode_value, explain
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE


def names_of(session, handle) -> list[str]:
    return [e.name for e in session.events if e.socket == handle.name]


def dead_port() -> int:
    with pysocket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_bind_and_connect_report_listening_accepted_and_handshakes(session, qtbot):
    server = session.create_socket("REP", "server")
    client = session.create_socket("REQ", "client")
    address = server.bind(ANY_PORT).address
    client.connect(address)
    qtbot.waitUntil(
        lambda: (
            "handshake_succeeded" in names_of(session, server)
            and "handshake_succeeded" in names_of(session, client)
        ),
        timeout=WAIT_MS,
    )
    assert names_of(session, server)[0] == "listening"
    assert "accepted" in names_of(session, server)
    assert "connected" in names_of(session, client)
    assert server.monitor.peers == 1 and client.monitor.peers == 1
    assert server.monitor.summary == "1 peer"
    listening = next(e for e in session.events if e.name == "listening")
    assert listening.endpoint == address
    assert listening.explanation == f"bound: peers can connect to {address}"


def test_connect_to_a_dead_port_is_delayed_then_retried_with_the_interval(session, qtbot):
    client = session.create_socket("DEALER", "hopeful")
    client.set_option("RECONNECT_IVL", 50)
    endpoint = f"tcp://127.0.0.1:{dead_port()}"
    client.connect(endpoint)
    qtbot.waitUntil(lambda: "connect_retried" in names_of(session, client), timeout=WAIT_MS)
    retried = next(e for e in session.events if e.name == "connect_retried")
    assert 50 <= retried.value <= 100  # libzmq adds up to one interval of jitter
    assert retried.detail == f"{retried.value} ms"
    assert "nobody answered at" in retried.explanation
    assert f"{retried.value} ms" in retried.explanation
    assert client.monitor.endpoint_states[endpoint] in ("retrying", "connecting")
    assert endpoint in client.monitor.summary


def test_a_killed_peer_shows_as_disconnected(session, qtbot, peer):
    pull = session.create_socket("PULL", "sink")
    address = pull.bind(ANY_PORT).address
    worker = PeerOutput(peer("push_worker.py", address, "1000000000", "w"))
    qtbot.waitUntil(lambda: pull.monitor.peers == 1 and pull.received > 0, timeout=WAIT_MS)
    worker.proc.send_signal(signal.SIGKILL)
    worker.proc.wait()
    qtbot.waitUntil(lambda: "disconnected" in names_of(session, pull), timeout=WAIT_MS)
    assert pull.monitor.peers == 0
    assert pull.monitor.endpoint_states[address] == "listening"  # still bound
    gone = next(e for e in session.events if e.name == "disconnected")
    assert gone.explanation.startswith("the peer at tcp://127.0.0.1:")


def test_a_recreated_socket_is_monitored_again(session, qtbot):
    server = session.create_socket("ROUTER", "server")
    address = server.bind(ANY_PORT).address
    qtbot.waitUntil(lambda: names_of(session, server) == ["listening"], timeout=WAIT_MS)
    server.recreate()
    qtbot.waitUntil(lambda: names_of(session, server).count("listening") == 2, timeout=WAIT_MS)
    assert server.endpoints[0].address == address


def test_values_are_decoded_in_words():
    assert decode_value("bind_failed", 98) == "EADDRINUSE: Address already in use"
    assert decode_value("handshake_failed_protocol", 0x11000001) == "ZMTP_CRYPTOGRAPHIC"
    assert decode_value("handshake_failed_auth", 400) == "ZAP 400"
    assert decode_value("accepted", 17) == ""
    assert "rejected our credentials: authentication failure (400)" in explain(
        "handshake_failed_auth", 400, "ZAP 400", "tcp://x:1"
    )
    event = SocketEvent(
        0.0, "s", "handshake_failed_protocol", "tcp://h:1", 0x11000002, "ZMTP_MECHANISM_MISMATCH"
    )
    assert event.label == "handshake failed (protocol)" and event.problem
    assert "different security mechanisms" in event.explanation


def test_every_libzmq_event_has_a_name_label_and_explanation():
    from zinspect.core.sockets.events import EVENT_NAMES, LABELS

    for number, name in EVENT_NAMES.items():
        assert name in LABELS
        assert explain(name, 0, "", "tcp://h:1")
        assert isinstance(number, int) and number & int(zmq.EVENT_ALL)


def test_a_recording_holds_the_events_as_event_lines(session, qtbot, tmp_path):
    from zinspect.core.capture.capture import read_capture
    from zinspect.core.capture.recorder import Recorder

    path = tmp_path / "events.jsonl"
    recorder = Recorder(session.store, path, tick=0.02, events=session.on_event)
    recorder.start()
    server = session.create_socket("PULL", "sink")
    address = server.bind(ANY_PORT).address
    client = session.create_socket("PUSH", "source")
    client.connect(address)
    qtbot.waitUntil(lambda: "handshake_succeeded" in names_of(session, client), timeout=WAIT_MS)
    recorder.stop()
    assert recorder._on_event not in session.on_event
    result = read_capture(path)
    recorded = [(e.socket, e.name, e.endpoint) for e in result.event_records]
    assert ("sink", "listening", address) in recorded
    assert ("source", "handshake_succeeded", address) in recorded
    assert result.events == len(result.event_records) and result.skipped == 0
    assert result.event_records == [e for e in session.events if e.time >= recorder.started_at]


def test_binding_a_used_port_is_an_error_in_words_and_no_lost_socket(session, qtbot):
    first = session.create_socket("PUB", "first")
    address = first.bind(ANY_PORT).address
    second = session.create_socket("PUB", "second")
    try:
        second.bind(address)
    except Exception as error:  # the SocketError the endpoint field shows
        assert "Address already in use" in str(error)
    else:
        raise AssertionError("binding a used port succeeded")
    assert second in session.sockets and not second.endpoints
    qtbot.waitUntil(lambda: "bind_failed" in names_of(session, second), timeout=WAIT_MS)
    failed = next(e for e in session.events if e.name == "bind_failed")
    assert failed.detail == "EADDRINUSE: Address already in use" and failed.problem


@pytest.mark.e2e
def test_a_frame_over_maxmsgsize_disconnects_the_peer_and_nothing_else(session, qtbot, peer):
    sink = session.create_socket("PULL", "sink")
    assert sink.socket.getsockopt(zmq.MAXMSGSIZE) == DEFAULT_MAXMSGSIZE  # zinspect's guard
    sink.set_option("MAXMSGSIZE", 1000)
    address = sink.bind(ANY_PORT).address
    big = PeerOutput(peer("big_frame_sender.py", address, "5000"))
    qtbot.waitUntil(lambda: "disconnected" in names_of(session, sink), timeout=WAIT_MS)
    small = PeerOutput(peer("push_worker.py", address, "3", "ok"))
    qtbot.waitUntil(lambda: sink.received == 3, timeout=WAIT_MS)  # still serving others
    assert [m.frames for m in session.store] == [[b"ok 0"], [b"ok 1"], [b"ok 2"]]
    big.wait_for("sent")
    assert small.finish() == 0


def test_a_message_over_the_frame_cap_is_kept_cut_and_counted(session, qtbot, monkeypatch, caplog):
    import zinspect.core.sockets.socket_receive as receiving

    monkeypatch.setattr(receiving, "MAX_FRAMES_PER_MESSAGE", 10)
    caplog.expected_warnings = True
    pull = session.create_socket("PULL", "sink")
    push = session.create_socket("PUSH", "source")
    push.connect(pull.bind("inproc://cut").address)
    push.send_now([b"%d" % n for n in range(25)])
    push.send_now([b"whole", b"message"])
    qtbot.waitUntil(lambda: pull.received == 2, timeout=WAIT_MS)
    stored = [m.frames for m in session.store if m.socket == "sink"]
    assert stored == [[b"%d" % n for n in range(10)], [b"whole", b"message"]]
    assert pull.cut_messages == 1
    assert "15 frames were not kept" in caplog.text


def test_sends_without_room_are_counted_as_backpressure(session, qtbot):
    from zinspect.ui.sockets.socket_list_model import socket_state

    lonely = session.create_socket("PUSH", "lonely")
    assert lonely.send_now([b"nobody"]) is False  # no peer: no room
    assert lonely.blocked == 1
    assert "1 send waited for a peer or queue room" in socket_state(lonely)
    assert lonely.send_now([b"nobody"]) is False
    assert "2 sends waited for a peer or queue room" in socket_state(lonely)

    xpub = session.create_socket("XPUB", "strict")
    xpub.set_option("XPUB_NODROP", 1)
    xpub.set_option("SNDHWM", 2)
    sub = session.create_socket("SUB", "slow")
    sub.set_option("RCVHWM", 2)
    sub.subscribe(b"")
    sub.connect(xpub.bind("inproc://nodrop").address)
    qtbot.waitUntil(lambda: xpub.received == 1, timeout=WAIT_MS)  # the subscription
    sub.monitor.detach()
    sent = xpub.send_batch([[b"m%d" % n] for n in range(50)])
    assert sent < 50 and xpub.blocked == 1  # libzmq said "no room" instead of dropping


def test_a_relaxed_req_may_send_again_before_the_reply(session):
    req = session.create_socket("REQ", "relaxed")
    rep = session.create_socket("REP", "server")
    req.connect(rep.bind("inproc://relaxed").address)
    req.set_option("REQ_RELAXED", 1)
    assert req.send_now([b"one"]) and req.can_send_now == (True, "")
    assert req.send_now([b"two"])
