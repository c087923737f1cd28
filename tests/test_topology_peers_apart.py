"""The topology draws each live outside connection as its own peer, and keeps a stopped
socket drawn (marked stopped) instead of letting it vanish."""

from __future__ import annotations

from topology_helpers import S, flows, layers, pipeline

from zinspect.core.sockets.connections import Connection, Connections
from zinspect.core.topology.build import PEERS_DRAWN, build_topology
from zinspect.core.topology.model import CONNECTION_NODE, FORWARD_LINK, PEERS_NODE, socket_key
from zinspect.core.topology.stopped import StoppedSockets

BIND = "tcp://127.0.0.1:5555"


def accepted(fd: int, port: int, host: str = "127.0.0.1") -> Connection:
    return Connection(fd, BIND, True, f"{host}:{port}", "127.0.0.1:5555", host)


def table(*connections: Connection, cap: int = 256) -> Connections:
    found = Connections(cap)
    for connection in connections:
        found.add(connection)
    return found


def test_three_workers_on_one_host_are_three_peer_nodes_not_one_box():
    sink = S("sink", "PULL").bind(BIND)
    live = {"sink": table(accepted(10, 51234), accepted(11, 51236), accepted(12, 51238))}
    topology = build_topology([sink], connections=live)
    peers = [n for n in topology.nodes if n.external]
    assert [(n.kind, n.name) for n in peers] == [
        (CONNECTION_NODE, "127.0.0.1:51234"),
        (CONNECTION_NODE, "127.0.0.1:51236"),
        (CONNECTION_NODE, "127.0.0.1:51238"),
    ]
    assert all(n.endpoint == BIND for n in peers)
    assert flows(topology) == {(n.name, "sink") for n in peers}  # each pushes into the sink
    assert layers(topology)[-1] == ["sink"]


def test_without_live_connections_a_bind_keeps_its_one_peers_box():
    sink = S("sink", "PULL").bind(BIND)
    topology = build_topology([sink], connections={"sink": table()})
    assert [(n.kind, n.name) for n in topology.nodes if n.external] == [(PEERS_NODE, BIND)]


def test_a_connection_from_a_workspace_socket_is_its_link_not_an_outside_peer():
    sink = S("sink", "PULL").bind(BIND)
    worker = S("worker", "PUSH").connect(BIND)
    ours = Connection(20, BIND, False, "127.0.0.1:5555", "127.0.0.1:40000", "127.0.0.1")
    live = {"sink": table(accepted(10, 40000), accepted(11, 40002)), "worker": table(ours)}
    topology = build_topology([sink, worker], connections=live)
    assert [n.name for n in topology.nodes if n.external] == ["127.0.0.1:40002"]
    assert ("worker", "sink") in flows(topology)


def test_a_flood_of_connections_draws_a_few_and_counts_the_rest_in_one_node():
    sink = S("sink", "PULL").bind(BIND)
    flood = table(*(accepted(100 + n, 40000 + n) for n in range(100)))
    for fd in range(1000, 1400):  # past the table's cap: counted by endpoint only
        flood.cap = 100
        flood.opened(fd, BIND, accepted=True)
    topology = build_topology([sink], connections={"sink": flood})
    drawn = [n for n in topology.nodes if n.kind == CONNECTION_NODE]
    (rest,) = [n for n in topology.nodes if n.kind == PEERS_NODE]
    assert len(drawn) == PEERS_DRAWN and rest.more == 500 - PEERS_DRAWN
    assert rest.name == BIND


def test_a_stopped_worker_stays_drawn_marked_stopped_with_its_links():
    sockets = pipeline()
    w3_in, w3_out = sockets[-2], sockets[-1]
    for handle in (w3_in, w3_out):
        handle.closed = True
    topology = build_topology(sockets, stopped=[w3_in, w3_out])
    by_name = {n.name: n for n in topology.nodes}
    assert by_name["w3-in"].stopped and by_name["w3-out"].stopped
    assert not by_name["w2-in"].stopped
    assert ("vent", "w3-in") in flows(topology) and ("w3-out", "sink") in flows(topology)
    stopped_links = {
        (topology.node(link.source).name, topology.node(link.target).name)
        for link in topology.links
        if link.stopped
    }
    assert stopped_links == {("vent", "w3-in"), ("w3-out", "sink"), ("w3-in", "w3-out")}
    assert all(
        link.forward_counter is None for link in topology.links if link.stopped
    )  # nothing flows there
    assert ("w3-in", "w3-out") in flows(topology, FORWARD_LINK)


def test_a_stopped_socket_gives_way_to_an_open_one_of_its_name():
    old = S("worker", "PULL").connect("inproc://tasks")
    old.closed = True
    new = S("worker", "PULL").connect("inproc://tasks")
    topology = build_topology([new], stopped=[old])
    (node,) = [n for n in topology.nodes if n.key == socket_key("worker")]
    assert not node.stopped and node.handle is new


def test_stopped_sockets_are_kept_newest_by_name_bounded_and_forgotten_on_reopen():
    stopped = StoppedSockets(limit=2)
    a, b, c = S("a", "PULL"), S("b", "PULL"), S("c", "PULL")
    for handle in (a, b, c):
        stopped.closed(handle)
    assert stopped.handles == [b, c]
    stopped.opened(S("b", "PUSH"))
    assert stopped.handles == [c]
    stopped.clear()
    assert stopped.handles == []
