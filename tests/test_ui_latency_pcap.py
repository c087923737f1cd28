"""An opened packet capture's requests and replies in the Latency view: the socket types
the two ends said in their handshake (ZMTP's READY) tell how to pair the messages of each
connection ("client -> server"), as for a live socket: a REQ talking to a REP, a DEALER to a
ROUTER, a REP that connected to a REQ."""

from __future__ import annotations

import zmq
from pcap_fixtures import exchange, packets_of, write
from test_ui_latency import cells, show_latency_dock
from ui_actions import WAIT_MS

from zinspect.core.explore.latency import connection_socket_type
from zinspect.ui.capture.capture_open import ConnectionTypes

COUNT = 20
NAME = "[fd00::1]:40000 -> [fd00::2]:5555"  # the client's address first (pcap_fixtures)


def pipeline(client, server) -> None:  # a DEALER asks them all, the ROUTER answers later
    for n in range(COUNT):
        client.send_multipart([b"", b"ask %d" % n])
    for _ in range(COUNT):
        server.send_multipart(server.recv_multipart())


def open_pcap(window, qtbot, tmp_path, client_type, server_type, script) -> None:
    path = tmp_path / "exchange.pcapng"
    write(path, packets_of(exchange(client_type, server_type, script)), "ethernet", True)
    show_latency_dock(window, qtbot)
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        assert window.capture.open_capture(path)


def test_a_req_rep_capture_is_paired_in_the_latency_view(window, qtbot, tmp_path):
    def script(client, server):
        for n in range(COUNT):
            client.send(b"ask %d" % n)
            server.send(server.recv())
            assert client.recv() == b"ask %d" % n

    open_pcap(window, qtbot, tmp_path, zmq.REQ, zmq.REP, script)
    model = window.latency.figures_model
    qtbot.waitUntil(lambda: [row[1] for row in cells(model)[:1]] == [str(COUNT)], timeout=WAIT_MS)
    socket, count, *_times, unanswered, waiting, _bars = cells(model)[0]
    assert (socket, count, unanswered, waiting) == (NAME, str(COUNT), "0", "0")
    replies = [m.seq for m in window.session.store if m.direction == "in"]
    assert len(replies) == COUNT and all(window.latency.latency_of(s) is not None for s in replies)


def test_a_dealer_router_capture_is_paired_in_order(window, qtbot, tmp_path):
    def script(client, server):
        pipeline(client, server)
        for _ in range(COUNT):
            client.recv_multipart()

    open_pcap(window, qtbot, tmp_path, zmq.DEALER, zmq.ROUTER, script)
    model = window.latency.figures_model
    qtbot.waitUntil(lambda: [row[1] for row in cells(model)[:1]] == [str(COUNT)], timeout=WAIT_MS)
    assert cells(model)[0][0] == NAME


def test_the_types_said_in_a_handshake_and_nothing_else():
    types = ConnectionTypes(limit=2)
    assert types.note(
        {
            "a -> b": ("REQ", "REP"),
            "c -> d": ("DEALER", ""),  # only the client was heard (ZMTP 2.0's greeting)
            "e -> f": ("EVIL", ""),  # a peer may say anything
        }
    ) == {"a -> b": "REQ", "c -> d": "DEALER"}
    # past the limit, more connections are not remembered; those known still are
    assert types.note({"i -> j": ("REQ", "")}) == {}
    assert types.note({"c -> d": ("DEALER", "ROUTER")}) == {"c -> d": "DEALER"}


def test_how_a_connection_is_paired_from_its_two_ends():
    assert connection_socket_type("REQ", "REP") == "REQ"
    assert connection_socket_type("REP", "REQ") == "REP"  # requests come in
    assert connection_socket_type("DEALER", "ROUTER") == "DEALER"
    assert connection_socket_type("ROUTER", "DEALER") == "DEALER"  # no routing id on the wire
    assert connection_socket_type("", "REP") == "DEALER"  # mid-stream: only one end known
    assert connection_socket_type("PUB", "SUB") == "PUB"
    assert connection_socket_type("", "") == ""
