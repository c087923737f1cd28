"""Each socket knows its live connections one by one (host and port), from the monitor's
events and the connection's descriptor: three workers on one host are three peers."""

from __future__ import annotations

import os

import zmq
from session_helpers import ANY_PORT, WAIT_MS

from zinspect.core.sockets.connections import (
    Connection,
    Connections,
    describe_peer,
    read_connection,
)


def remotes(handle) -> list[str]:
    return [c.remote for c in handle.monitor.connections]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_three_pushes_on_one_host_are_three_connections_with_distinct_ports(session, qtbot):
    sink = session.create_socket("PULL", "sink")
    address = sink.bind(ANY_PORT).address
    context = zmq.Context.instance()
    workers = []
    try:
        for _ in range(3):
            worker = context.socket(zmq.PUSH)
            worker.linger = 0
            worker.connect(address)
            workers.append(worker)
        qtbot.waitUntil(lambda: len(sink.monitor.connections) == 3, timeout=WAIT_MS)
        shown = remotes(sink)
        assert len(set(shown)) == 3  # three ports, not one "127.0.0.1"
        assert all(r.startswith("127.0.0.1:") for r in shown)
        assert {c.host for c in sink.monitor.connections} == {"127.0.0.1"}
        assert all(c.accepted and c.endpoint == address for c in sink.monitor.connections)
        assert sink.monitor.connections_text.startswith("3 connections: 127.0.0.1:")
        ports = ", ".join(r.rsplit(":", 1)[1] for r in shown)
        compact = sink.monitor.connections.summary(compact=True)
        assert compact == f"from 127.0.0.1, ports {ports}"  # under "3 peers" in the list
        workers.pop().close()
        qtbot.waitUntil(lambda: len(sink.monitor.connections) == 2, timeout=WAIT_MS)
        assert set(remotes(sink)) < set(shown)
        assert sink.monitor.peers == 2
    finally:
        for worker in workers:
            worker.close()


def test_the_connecting_side_knows_the_bind_it_reached_and_its_own_port(session, qtbot):
    server = session.create_socket("PULL", "server")
    client = session.create_socket("PUSH", "client")
    address = server.bind(ANY_PORT).address
    client.connect(address)
    qtbot.waitUntil(
        lambda: len(client.monitor.connections) == 1 and len(server.monitor.connections) == 1,
        timeout=WAIT_MS,
    )
    (outgoing,) = client.monitor.connections
    (incoming,) = server.monitor.connections
    assert not outgoing.accepted
    assert outgoing.remote == address.removeprefix("tcp://")
    assert incoming.remote == outgoing.local  # the two ends of one connection


def test_ipc_connections_have_no_port_they_are_local_processes(session, qtbot, tmp_path):
    server = session.create_socket("PULL", "server")
    address = server.bind(f"ipc://{tmp_path}/c.ipc").address
    context = zmq.Context.instance()
    worker = context.socket(zmq.PUSH)
    worker.linger = 0
    try:
        worker.connect(address)
        qtbot.waitUntil(lambda: len(server.monitor.connections) == 1, timeout=WAIT_MS)
        (connection,) = server.monitor.connections
        assert connection.text.startswith("local process")
        assert connection.endpoint == address  # the topology finds its bind by this
        assert ":" not in connection.text
    finally:
        worker.close()


def test_reading_a_connection_leaves_no_descriptor_open_and_survives_a_dead_fd(session):
    before = open_fds()
    gone = read_connection(10_000, "tcp://127.0.0.1:1", accepted=True)
    assert gone.remote == "" and gone.text == "address unknown"
    r, w = os.pipe()  # not a socket: the system refuses, nothing raises
    try:
        assert read_connection(r, "tcp://127.0.0.1:1", accepted=True).remote == ""
    finally:
        os.close(r)
        os.close(w)
    assert open_fds() == before


def test_a_flood_of_connections_is_counted_past_the_cap_without_detail():
    connections = Connections(cap=2)
    for fd in range(100_000, 100_005):  # no such descriptors: addresses unknown
        connections.opened(fd, "tcp://127.0.0.1:5555", accepted=True)
    assert len(connections) == 5
    assert len(list(connections)) == 2 and connections.unlisted == 3
    assert connections.summary().endswith("and 3 more")
    assert connections.unlisted_on("tcp://127.0.0.1:5555") == 3
    assert connections.closed(100_004) and len(connections) == 4
    assert not connections.closed(7)


def test_the_peer_field_says_one_of_several_connections_from_a_host():
    connections = Connections()
    assert describe_peer("127.0.0.1", connections) == "127.0.0.1"
    assert describe_peer("", connections) == ""
    for fd, port in ((1, 5001), (2, 5002), (3, 5003)):
        connections.add(Connection(fd, "tcp://x:1", True, f"127.0.0.1:{port}", "", "127.0.0.1"))
    assert describe_peer("127.0.0.1", connections) == "one of 3 connections from 127.0.0.1"
    assert describe_peer("10.0.0.9", connections) == "10.0.0.9"
