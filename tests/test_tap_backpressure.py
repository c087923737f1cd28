"""The tap under backpressure, and the PAIR pattern, on the test loop.

A server that stops reading fills the tap's upstream queue: the tap holds the message it
cannot send, stops reading the client, counts the wait, and when the server reads again
every message arrives once, in order. Forwarding never waits on the store: a copy that does
not fit the store is counted as not kept, and the message still goes through.
"""

from __future__ import annotations

import zmq
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS

import zinspect.core.tap.tap as tap_module
from zinspect.core.sockets.fd_limit import OutOfDescriptorsError
from zinspect.core.store import IN, OUT, MessageStore
from zinspect.core.tap.spec import make_spec
from zinspect.core.tap.tap import Tap

BIG = 64 * 1024


def raw_server(kind: int) -> tuple[zmq.Context, zmq.Socket, str]:
    context = zmq.Context()
    sock = context.socket(kind)
    sock.linger = 0
    sock.rcvhwm = 4
    sock.bind("tcp://127.0.0.1:*")
    return context, sock, sock.getsockopt_string(zmq.LAST_ENDPOINT)


def test_a_server_that_stops_reading_holds_the_tap_and_loses_nothing(aloop, session, qtbot):
    context, server, endpoint = raw_server(zmq.PULL)
    try:
        tap = Tap(session, make_spec("tap", "pipeline", ANY_PORT, endpoint))
        tap.start()
        assert tap.front is not None and tap.upstream is not None
        client = session.create_socket("PUSH", "client")
        client.connect(tap.front.endpoints[0].address)
        count = 3000  # 190 MiB of queues and socket buffers would be needed to take them all
        payloads = [b"%06d" % n + b"x" * BIG for n in range(count)]

        async def send_all() -> None:
            for payload in payloads:
                await client.send([payload])

        sending = aloop.create_task(send_all())
        qtbot.waitUntil(lambda: tap.upstream.blocked > 0, timeout=WAIT_MS * 3)
        assert "upstream" in tap.status_text()
        got: list[bytes] = []

        def read() -> bool:
            while True:
                try:
                    got.append(server.recv(zmq.NOBLOCK))
                except zmq.Again:
                    return len(got) == count

        qtbot.waitUntil(read, timeout=WAIT_MS * 6)
        qtbot.waitUntil(sending.done, timeout=WAIT_MS)
        assert [g[:6] for g in got] == [p[:6] for p in payloads]
        assert tap.to_server == count
    finally:
        context.destroy(0)


def test_copies_that_do_not_fit_the_store_are_counted_and_still_forwarded(aloop, qtbot):
    from zinspect.core.sockets.session import Session

    session = Session(MessageStore(max_bytes=BIG))  # no room for one big message
    context, server, endpoint = raw_server(zmq.PAIR)
    try:
        tap = Tap(session, make_spec("tap", "pair", ANY_PORT, endpoint))
        tap.start()
        assert tap.front is not None
        client = context.socket(zmq.PAIR)  # outside the session: only the tap stores
        client.linger = 0
        client.connect(tap.front.endpoints[0].address)
        client.send(b"small")
        client.send(b"y" * (2 * BIG))
        got: list[bytes] = []

        def read() -> bool:
            while True:
                try:
                    got.append(server.recv(zmq.NOBLOCK))
                except zmq.Again:
                    return len(got) == 2

        qtbot.waitUntil(read, timeout=WAIT_MS)
        assert got == [b"small", b"y" * (2 * BIG)]
        assert tap.copy_dropped == 1
        assert "not kept for the view" in tap.status_text()
        server.send(b"back")  # PAIR: the server answers through the tap
        qtbot.waitUntil(lambda: client.poll(0) != 0, timeout=WAIT_MS)
        assert client.recv() == b"back"
        front_rows = [(m.direction, m.frames) for m in session.store if m.socket == "tap"]
        assert front_rows == [(IN, [b"small"]), (OUT, [b"back"])]
    finally:
        session.close()
        context.destroy(0)


def test_a_client_no_socket_can_be_made_for_is_refused_in_words(aloop, session, qtbot, caplog):
    caplog.expected_warnings = True
    context, server, endpoint = raw_server(zmq.ROUTER)
    try:
        tap = Tap(session, make_spec("tap", "reqrep", ANY_PORT, endpoint))
        tap.start()
        assert tap.front is not None
        make = session.create_socket

        def out_of_descriptors(type_name: str, name: str | None = None):
            if type_name == "DEALER":
                raise OutOfDescriptorsError("Too many open files")
            return make(type_name, name)

        session.create_socket = out_of_descriptors
        client = context.socket(zmq.DEALER)
        client.linger = 0
        client.setsockopt(zmq.ROUTING_ID, b"c1")
        client.connect(tap.front.endpoints[0].address)
        client.send(b"first")
        qtbot.waitUntil(lambda: tap.refused == 1, timeout=WAIT_MS)
        assert "1 request dropped: no socket could be made" in tap.status_text()
        session.create_socket = make  # descriptors again: the next request goes through
        client.send(b"second")
        qtbot.waitUntil(lambda: server.poll(0) != 0, timeout=WAIT_MS)
        assert server.recv_multipart() == [b"c1", b"second"]
    finally:
        context.destroy(0)


def test_idle_clients_with_made_up_ids_give_their_upstream_socket_back(
    aloop, session, qtbot, monkeypatch
):
    monkeypatch.setattr(tap_module, "SWEEP_S", 0.05)
    context, server, endpoint = raw_server(zmq.REP)
    try:
        tap = Tap(session, make_spec("tap", "reqrep", ANY_PORT, endpoint))
        tap.start()
        assert tap.front is not None
        client = context.socket(zmq.REQ)  # no routing id of its own: libzmq makes one up
        client.linger = 0
        client.connect(tap.front.endpoints[0].address)
        client.send(b"once")
        qtbot.waitUntil(lambda: server.poll(0) != 0, timeout=WAIT_MS)
        server.send(b"answer " + server.recv())
        qtbot.waitUntil(lambda: client.poll(0) != 0, timeout=WAIT_MS)
        assert client.recv() == b"answer once"
        # idle from now on (made idle at once before the reply, its socket could go first)
        monkeypatch.setattr(tap_module, "IDLE_CLIENT_S", 0.0)
        qtbot.waitUntil(lambda: tap.idle_closed == 1, timeout=WAIT_MS)
        assert tap.client_count == 0
        assert [h.name for h in session.sockets] == ["tap"]
        assert "upstream sockets of 1 idle client closed" in tap.status_text()
    finally:
        context.destroy(0)
