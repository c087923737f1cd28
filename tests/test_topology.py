"""The topology model (core.topology): which bind a connect reaches, external nodes, forward
links, the direction of each link, the layered layout, and per-link counts and rates.

Small fake sockets where they make the case clearer; real Session sockets (inproc and
tcp://127.0.0.1:*) where the addresses libzmq resolves are the point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from session_helpers import WAIT_MS, send

from zinspect.core.automation.automation import AutomationSpec, ForwardSpec, ReplySpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.sockets.socket_base import Endpoint
from zinspect.core.topology.build import build_topology
from zinspect.core.topology.endpoint_match import endpoint_destination, endpoints_match
from zinspect.core.topology.model import (
    ENDPOINT_LINK,
    FORWARD_LINK,
    PEERS_NODE,
    REMOTE_NODE,
    Topology,
    link_direction,
    socket_key,
)
from zinspect.core.topology.traffic import LinkTraffic, TrafficSampler, format_traffic

# -- endpoint matching ------------------------------------------------------------------------

MATCHING = [
    ("inproc://vent", "inproc://vent"),
    ("ipc:///tmp/zi.sock", "ipc:///tmp/zi.sock"),
    ("ipc:///tmp/zi.sock", "ipc:///tmp/./zi.sock"),
    ("ipc://@abstract", "ipc://@abstract"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555"),
    ("tcp://127.0.0.1:5555", "tcp://localhost:5555"),
    ("tcp://0.0.0.0:5555", "tcp://127.0.0.1:5555"),
    ("tcp://0.0.0.0:5555", "tcp://localhost:5555"),
    ("tcp://0.0.0.0:5555", "tcp://127.0.0.2:5555"),
    ("tcp://*:5555", "tcp://127.0.0.1:5555"),
    ("tcp://[::]:5555", "tcp://127.0.0.1:5555"),  # dual-stack
    ("tcp://[::]:5555", "tcp://[::1]:5555"),
    ("tcp://[::1]:5555", "tcp://[::1]:5555"),
    ("tcp://[::1]:5555", "tcp://localhost:5555"),
    ("tcp://[::ffff:127.0.0.1]:5555", "tcp://127.0.0.1:5555"),  # IPv4-mapped
    ("tcp://[fe80::1%eth0]:5555", "tcp://[fe80::1]:5555"),  # zone dropped
    ("tcp://192.168.1.7:5555", "tcp://192.168.1.7:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:0;127.0.0.1:5555"),  # source;destination
    ("tcp://0.0.0.0:5555", "tcp://192.168.1.7:4000;localhost:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:05555"),  # the port is a number
    ("ws://127.0.0.1:8080/feed", "ws://localhost:8080/feed"),
    ("tcp://localhost:5555", "tcp://127.0.0.1:5555"),  # an unresolved bind
    ("pgm://eth0;239.192.1.1:5555", "pgm://eth0;239.192.1.1:5555"),
]

NOT_MATCHING = [
    ("inproc://vent", "inproc://Vent"),  # names are case-sensitive
    ("inproc://vent", "ipc://vent"),  # another transport
    ("ipc:///tmp/a.sock", "ipc:///tmp/b.sock"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5556"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.2:5555"),  # a specific host is that host
    ("tcp://0.0.0.0:5555", "tcp://[::1]:5555"),  # an IPv4 wildcard does not serve IPv6
    ("tcp://0.0.0.0:5555", "tcp://example.org:5555"),  # not known to be this machine
    ("tcp://0.0.0.0:5555", "tcp://8.8.8.8:5555"),
    ("tcp://127.0.0.1:*", "tcp://127.0.0.1:5555"),  # unresolved port: unknowable
    ("tcp://127.0.0.1:0", "tcp://127.0.0.1:5555"),
    ("tcp://[::1]:5555", "tcp://127.0.0.1:5555"),
    ("tcp://192.168.1.7:5555", "tcp://localhost:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555;127.0.0.1:6000"),  # the source is not it
    ("ws://127.0.0.1:8080/feed", "ws://127.0.0.1:8080/other"),
    ("ws://127.0.0.1:8080/feed", "tcp://127.0.0.1:8080"),
    ("tcp://127.0.0.1:5555", "not an endpoint"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1"),
]


@pytest.mark.parametrize("bind, connect", MATCHING)
def test_a_connect_reaches_a_compatible_bind(bind, connect):
    assert endpoints_match(bind, connect)


@pytest.mark.parametrize("bind, connect", NOT_MATCHING)
def test_a_connect_does_not_reach_an_incompatible_bind(bind, connect):
    assert not endpoints_match(bind, connect)


def test_this_machines_name_reaches_a_wildcard_bind_but_not_a_loopback_one():
    import socket

    name = socket.gethostname()
    assert endpoints_match("tcp://0.0.0.0:5555", f"tcp://{name}:5555")
    assert endpoints_match("tcp://[::]:5555", f"tcp://{name.upper()}:5555")
    assert not endpoints_match("tcp://127.0.0.1:5555", f"tcp://{name}:5555")


def test_the_destination_of_a_connect_drops_its_source():
    assert endpoint_destination("tcp://10.0.0.1:0;127.0.0.1:5555") == "tcp://127.0.0.1:5555"
    assert endpoint_destination("tcp://127.0.0.1:5555") == "tcp://127.0.0.1:5555"
    assert endpoint_destination("inproc://a;b") == "inproc://a;b"  # a name, not a source


# -- fakes ------------------------------------------------------------------------------------


@dataclass
class FakeRunner:
    sent: int = 0
    running: bool = True


@dataclass(eq=False)
class FakeSocket:
    """What build_topology reads of a SocketHandle."""

    name: str
    type_name: str
    endpoints: list[Endpoint] = field(default_factory=list)
    received: int = 0
    sent: int = 0
    closed: bool = False
    automation: AutomationSpec | None = None
    automation_runner: FakeRunner | None = None

    def bind(self, address: str) -> FakeSocket:
        self.endpoints.append(Endpoint(address, address, True))
        return self

    def connect(self, address: str) -> FakeSocket:
        self.endpoints.append(Endpoint(address, address, False))
        return self

    def forward(self, to: str) -> FakeSocket:
        self.automation = AutomationSpec(forward=ForwardSpec(to))
        self.automation_runner = FakeRunner()
        return self


def S(name: str, type_name: str) -> FakeSocket:  # noqa: N802 (reads like a constructor)
    return FakeSocket(name, type_name)


def flows(topology: Topology, kind: str = ENDPOINT_LINK) -> set[tuple[str, str]]:
    """(source, target) names of the links of one kind."""
    return {
        (topology.node(link.source).name, topology.node(link.target).name)
        for link in topology.links
        if link.kind == kind
    }


def layers(topology: Topology) -> list[list[str]]:
    """Node names per layer, in row order."""
    result: list[list[str]] = [[] for _ in range(topology.layer_count)]
    for key, (layer, _row) in sorted(topology.positions.items(), key=lambda kv: kv[1]):
        result[layer].append(topology.node(key).name)
    return result


def pipeline() -> list[FakeSocket]:
    """The ventilator demo: PUSH -> 3 workers (PULL forwarding to PUSH) -> sink PULL."""
    sockets = [S("vent", "PUSH").bind("inproc://vent"), S("sink", "PULL").bind("inproc://sink")]
    for number in (1, 2, 3):
        sockets.append(
            S(f"w{number}-in", "PULL").connect("inproc://vent").forward(f"w{number}-out")
        )
        sockets.append(S(f"w{number}-out", "PUSH").connect("inproc://sink"))
    return sockets


# -- links, externals, forwards ---------------------------------------------------------------


def test_the_pipeline_links_every_bind_to_its_connecters_in_the_flow_direction():
    topology = build_topology(pipeline())
    assert [n.name for n in topology.nodes] == [
        "vent",
        "sink",
        "w1-in",
        "w1-out",
        "w2-in",
        "w2-out",
        "w3-in",
        "w3-out",
    ]
    assert not any(node.external for node in topology.nodes)
    assert flows(topology) == {
        ("vent", "w1-in"),
        ("vent", "w2-in"),
        ("vent", "w3-in"),
        ("w1-out", "sink"),
        ("w2-out", "sink"),
        ("w3-out", "sink"),
    }
    assert flows(topology, FORWARD_LINK) == {
        ("w1-in", "w1-out"),
        ("w2-in", "w2-out"),
        ("w3-in", "w3-out"),
    }
    link = next(link for link in topology.links if link.target == socket_key("w2-in"))
    assert link.endpoint == "inproc://vent" and link.compatible and not link.two_way
    assert link.binder == socket_key("vent")


def test_the_pipeline_is_laid_out_from_ventilator_to_sink():
    topology = build_topology(pipeline())
    assert layers(topology) == [
        ["vent"],
        ["w1-in", "w2-in", "w3-in"],
        ["w1-out", "w2-out", "w3-out"],
        ["sink"],
    ]
    again = build_topology(pipeline())
    assert again.positions == topology.positions and again.signature() == topology.signature()


def test_a_bind_nobody_connects_to_is_drawn_with_its_outside_peers():
    pub = S("weather", "PUB").bind("tcp://0.0.0.0:5556")
    topology = build_topology([pub])
    peers = [n for n in topology.nodes if n.external]
    assert [(n.kind, n.name) for n in peers] == [(PEERS_NODE, "tcp://0.0.0.0:5556")]
    assert flows(topology) == {("weather", "tcp://0.0.0.0:5556")}  # a PUB sends to them
    assert layers(topology) == [["weather"], ["tcp://0.0.0.0:5556"]]


def test_a_connect_nobody_local_binds_leads_to_one_remote_node_per_address():
    subs = [
        S("a", "SUB").connect("tcp://10.1.2.3:5556"),
        S("b", "SUB").connect("tcp://10.1.2.3:5556"),
        S("c", "REQ").connect("tcp://192.168.0.1:0;10.1.2.3:5555"),
    ]
    topology = build_topology(subs)
    remotes = [(n.kind, n.name) for n in topology.nodes if n.external]
    assert remotes == [(REMOTE_NODE, "tcp://10.1.2.3:5556"), (REMOTE_NODE, "tcp://10.1.2.3:5555")]
    assert flows(topology) == {
        ("tcp://10.1.2.3:5556", "a"),
        ("tcp://10.1.2.3:5556", "b"),
        ("c", "tcp://10.1.2.3:5555"),
    }  # fan-out; a REQ asks
    assert next(link for link in topology.links if link.source == socket_key("c")).two_way


def test_a_bind_reached_locally_has_no_external_node_and_a_closed_socket_drops_out():
    push = S("push", "PUSH").bind("inproc://p")
    pull = S("pull", "PULL").connect("inproc://p")
    assert not any(n.external for n in build_topology([push, pull]).nodes)
    pull.closed = True
    topology = build_topology([push, pull])
    assert [(n.kind, n.name) for n in topology.nodes] == [
        ("socket", "push"),
        (PEERS_NODE, "inproc://p"),
    ]


def test_a_connect_to_its_own_bind_is_not_a_link_to_itself():
    pair = S("loop", "PAIR").bind("inproc://self").connect("inproc://self")
    topology = build_topology([pair])
    assert all(link.source != link.target for link in topology.links)


def test_a_forward_to_a_missing_socket_or_with_a_reply_draws_nothing():
    lonely = S("in", "PULL").forward("nobody")
    replier = S("rep", "REP")
    replier.automation = AutomationSpec(reply=ReplySpec(echo=True), forward=ForwardSpec("in"))
    assert flows(build_topology([lonely, replier]), FORWARD_LINK) == set()


def test_a_specific_bind_wins_over_a_wildcard_on_the_same_port():
    wide = S("wide", "PULL").bind("tcp://0.0.0.0:7000")
    narrow = S("narrow", "PULL").bind("tcp://127.0.0.1:7000")
    push = S("push", "PUSH").connect("tcp://127.0.0.1:7000")
    assert ("push", "narrow") in flows(build_topology([wide, narrow, push]))


# -- directions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "binder, connecter, from_binder, two_way",
    [
        ("PUSH", "PULL", True, False),
        ("PULL", "PUSH", False, False),
        ("PUB", "SUB", True, False),
        ("SUB", "PUB", False, False),
        ("XPUB", "SUB", True, True),  # subscriptions come back as messages
        ("PUB", "XSUB", True, True),
        ("XSUB", "PUB", False, True),
        ("REP", "REQ", False, True),  # the client asks, replies come back
        ("ROUTER", "DEALER", False, True),
        ("REQ", "ROUTER", True, True),
        ("PAIR", "PAIR", False, True),  # both ways: drawn from the connecting side
        ("DEALER", "DEALER", False, True),
        ("ROUTER", "ROUTER", False, True),
        ("PUSH", None, True, False),  # an external party takes the other role
        (None, "PULL", True, False),
        ("ROUTER", None, False, True),
        (None, "REQ", False, True),
        ("XPUB", None, True, True),
    ],
)
def test_messages_flow_from_the_sending_side(binder, connecter, from_binder, two_way):
    assert link_direction(binder, connecter) == (from_binder, two_way, True)


def test_incompatible_types_are_marked_and_count_nothing():
    assert link_direction("PUSH", "SUB")[2] is False
    push = S("push", "PUSH").bind("inproc://x")
    sub = S("sub", "SUB").connect("inproc://x")
    push.sent = 9
    (link,) = build_topology([push, sub]).links
    assert not link.compatible and link.forward_counter is None


# -- layout -----------------------------------------------------------------------------------


def broker(with_publisher: bool = True) -> list[FakeSocket]:
    """XSUB forwards data to XPUB, XPUB forwards subscriptions back: a cycle."""
    sockets = [
        S("xpub", "XPUB").bind("inproc://back").forward("xsub"),
        S("xsub", "XSUB").bind("inproc://front").forward("xpub"),
        S("sub-1", "SUB").connect("inproc://back"),
        S("sub-2", "SUB").connect("inproc://back"),
    ]
    if with_publisher:
        sockets.append(S("weather", "PUB").connect("inproc://front"))
    return sockets


@pytest.mark.parametrize("with_publisher", [True, False])
def test_the_broker_cycle_is_laid_out_along_the_data(with_publisher):
    topology = build_topology(broker(with_publisher))
    source = "weather" if with_publisher else "inproc://front"
    assert layers(topology) == [[source], ["xsub"], ["xpub"], ["sub-1", "sub-2"]]
    returning = [link for link in topology.links if link.returning]
    assert [(link.source, link.target) for link in returning] == [
        (socket_key("xpub"), socket_key("xsub"))
    ]


def test_a_cycle_of_pairs_still_gets_layers():
    ring = [
        S("a", "PAIR").bind("inproc://ab").connect("inproc://ca"),
        S("b", "PAIR").bind("inproc://bc").connect("inproc://ab"),
        S("c", "PAIR").bind("inproc://ca").connect("inproc://bc"),
    ]
    topology = build_topology(ring)
    assert sorted(layer for layer, _row in topology.positions.values()) == [0, 1, 2]


def test_fan_in_clients_share_a_layer_and_unlinked_sockets_wait_below_the_first():
    sockets = [S("server", "ROUTER").bind("inproc://srv"), S("idle", "PUB")]
    sockets += [S(f"client-{n}", "DEALER").connect("inproc://srv") for n in (1, 2, 3)]
    topology = build_topology(sockets)
    assert layers(topology) == [["client-1", "client-2", "client-3", "idle"], ["server"]]
    assert topology.layer_sizes() == [4, 1]


def test_a_source_feeding_a_late_layer_sits_just_before_it():
    sockets = pipeline()
    sockets.append(S("late", "PUSH").connect("inproc://sink"))
    assert layers(build_topology(sockets))[2] == ["w1-out", "w2-out", "w3-out", "late"]


def test_an_empty_workspace_has_an_empty_topology():
    topology = build_topology([])
    assert topology.nodes == [] and topology.links == [] and topology.layer_count == 0


# -- counts -----------------------------------------------------------------------------------


def counted_by(topology: Topology, source: str, target: str) -> tuple:
    link = next(
        link
        for link in topology.links
        if link.kind == ENDPOINT_LINK
        and topology.node(link.source).name == source
        and topology.node(link.target).name == target
    )

    def describe(c):
        return None if c is None else (c.socket, f"at most {c.what}" if c.at_most else c.what)

    return describe(link.forward_counter), describe(link.back_counter)


def test_counts_come_from_the_socket_whose_only_link_it_is():
    topology = build_topology(pipeline())
    # each worker's PULL has one link: its received count is exactly the vent's share
    assert counted_by(topology, "vent", "w1-in") == (("w1-in", "received"), None)
    # the sink has three: the worker PUSH's sent count is exact instead
    assert counted_by(topology, "w2-out", "sink") == (("w2-out", "sent"), None)


def test_a_link_between_two_busy_sockets_is_unknown():
    a = S("a", "PUSH").bind("inproc://a1").bind("inproc://a2")
    b = S("b", "PULL").connect("inproc://a1").connect("inproc://b-other")
    topology = build_topology([a, b])
    assert counted_by(topology, "a", "b") == (None, None)
    sampler = TrafficSampler()
    sampler.set_topology(topology)
    link = next(link for link in topology.links if link.endpoint == "inproc://a1")
    assert sampler.sample(1.0)[link.key] == LinkTraffic(None, None, None, None)


def test_requests_and_replies_are_counted_each_way():
    router = S("server", "ROUTER").bind("inproc://srv")
    clients = [S(f"c{n}", "DEALER").connect("inproc://srv") for n in (1, 2)]
    topology = build_topology([router, *clients])
    assert counted_by(topology, "c1", "server") == (("c1", "sent"), ("c1", "received"))


def test_a_publishers_sent_count_is_only_an_upper_bound():
    pub = S("pub", "PUB").bind("inproc://pub")
    sub = S("sub", "SUB").connect("inproc://pub").connect("inproc://other")
    # the SUB has two links and a PUB's sent count includes what no subscriber wanted
    assert counted_by(build_topology([pub, sub]), "pub", "sub") == (("pub", "at most sent"), None)
    pub.connect("inproc://elsewhere")
    assert counted_by(build_topology([pub, sub]), "pub", "sub") == (None, None)


def test_subscriptions_are_counted_back_on_xpub_and_xsub():
    xpub = S("xpub", "XPUB").bind("inproc://x")
    sub = S("sub", "SUB").connect("inproc://x")
    assert counted_by(build_topology([xpub, sub]), "xpub", "sub") == (
        ("sub", "received"),
        ("xpub", "received"),
    )
    pub = S("pub", "PUB").bind("inproc://y")
    xsub = S("xsub", "XSUB").connect("inproc://y")
    assert counted_by(build_topology([pub, xsub]), "pub", "xsub") == (
        ("xsub", "received"),
        ("xsub", "sent"),
    )


def test_forward_links_count_the_automations_messages():
    sockets = pipeline()
    topology = build_topology(sockets)
    sockets[2].automation_runner.sent = 7  # w1-in
    sampler = TrafficSampler()
    sampler.set_topology(topology)
    traffic = sampler.sample(1.0)
    assert traffic["forward:w1-in>w1-out"].forward == 7
    sockets[2].automation = AutomationSpec(
        forward=ForwardSpec("w1-out"), reply=ReplySpec(echo=True)
    )
    assert sampler.sample(1.5)["forward:w1-in>w1-out"].forward is None  # mixed with replies


def test_the_sampler_gives_rates_and_restarts_counts_when_links_change():
    push = S("push", "PUSH").bind("inproc://p")
    pull = S("pull", "PULL").connect("inproc://p")
    sampler = TrafficSampler(window=2.0)
    sampler.set_topology(build_topology([push, pull]))
    (key,) = [link.key for link in sampler.topology.links]
    pull.received = 100
    assert sampler.sample(10.0)[key] == LinkTraffic(100, None, None, None)
    pull.received = 140
    assert sampler.sample(10.5)[key] == LinkTraffic(140, 80.0, None, None)
    pull.received = 150
    assert sampler.sample(13.0)[key].forward_rate == pytest.approx(10 / 2.5)
    # a second PULL connects: the PUSH's count now starts again, the first PULL keeps its own
    other = S("other", "PULL").connect("inproc://p")
    push.sent = 500
    sampler.set_topology(build_topology([push, pull, other]))
    pull.received, other.received = 160, 3
    traffic = sampler.sample(14.0)
    assert traffic[key] == LinkTraffic(160, pytest.approx(20 / 3.5), None, None)
    (other_key,) = [link.key for link in sampler.topology.links if link.key != key]
    assert traffic[other_key].forward == 3
    pull.closed = True  # the link to 'other' stays, counted where it was
    sampler.set_topology(build_topology([push, pull, other]))
    other.received = 4
    assert sampler.sample(15.0)[other_key].forward == 4
    assert key not in sampler.sample(15.5)


def test_counts_are_formatted_for_a_label():
    assert format_traffic(None, None) == "?"
    assert format_traffic(1204, None) == "1,204"
    assert format_traffic(1204, 20.0) == "1,204 · 20/s"
    assert format_traffic(3, 0.5) == "3 · 0.5/s"
    assert format_traffic(1_000_000, 25_000.4) == "1,000,000 · 25,000/s"
    assert format_traffic(0, 0.0) == "0 · 0/s"
    assert format_traffic(12, 1.5, at_most=True) == "≤ 12 · 1.5/s"
    assert format_traffic(None, None, at_most=True) == "?"


# -- real sockets -----------------------------------------------------------------------------


def test_a_wildcard_tcp_bind_matches_a_connect_to_its_real_port(session):
    pull = session.create_socket("PULL", "sink")
    bound = pull.bind("tcp://*:*")  # libzmq resolves it to tcp://0.0.0.0:<port>
    port = bound.address.rpartition(":")[2]
    push = session.create_socket("PUSH", "source")
    push.connect(f"tcp://localhost:{port}")
    topology = build_topology(session.sockets)
    assert flows(topology) == {("source", "sink")}
    assert topology.links[0].endpoint == bound.address


def test_real_traffic_is_counted_per_link(aloop, session, qtbot):
    vent = session.create_socket("PUSH", "vent")
    vent.bind("inproc://topology-vent")
    workers = [session.create_socket("PULL", f"worker-{n}") for n in (1, 2)]
    for worker in workers:
        worker.connect("inproc://topology-vent")
    outside = session.create_socket("PULL", "outside")
    outside.bind("tcp://127.0.0.1:*")
    sampler = TrafficSampler()
    sampler.set_topology(build_topology(session.sockets))
    for number in range(10):
        send(aloop, qtbot, vent, f"task {number}".encode())
    qtbot.waitUntil(lambda: sum(w.received for w in workers) == 10, timeout=WAIT_MS)
    traffic = sampler.sample()
    counts = {
        sampler.topology.node(link.target).name: traffic[link.key].forward
        for link in sampler.topology.links
    }
    # the outside peers of the tcp bind are counted at the PULL, whose only link that is
    assert counts == {
        "worker-1": workers[0].received,
        "worker-2": workers[1].received,
        "outside": 0,
    }
    assert sum(counts[w.name] for w in workers) == 10


def test_a_real_forward_automation_is_a_forward_link_with_its_count(aloop, session, qtbot):
    front = session.create_socket("PULL", "front")
    back = session.create_socket("PUSH", "back")
    sink = session.create_socket("PULL", "sink")
    source = session.create_socket("PUSH", "source")
    front.bind("inproc://topology-front")
    sink.bind("inproc://topology-sink")
    back.connect("inproc://topology-sink")
    source.connect("inproc://topology-front")
    attach_automation(front, AutomationSpec(forward=ForwardSpec("back")))
    sampler = TrafficSampler()
    sampler.set_topology(build_topology(session.sockets))
    topology = sampler.topology
    assert flows(topology, FORWARD_LINK) == {("front", "back")}
    assert layers(topology) == [["source"], ["front"], ["back"], ["sink"]]
    for number in range(3):
        send(aloop, qtbot, source, b"%d" % number)
    qtbot.waitUntil(lambda: sink.received == 3, timeout=WAIT_MS)
    traffic = sampler.sample()
    assert [traffic[link.key].forward for link in topology.links] == [3, 3, 3]
