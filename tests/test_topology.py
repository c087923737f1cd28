"""The topology model (core.topology): links, external nodes, forward links, the direction of
each link and the layered layout.

Small fake sockets (topology_helpers.py) make the cases clear. Endpoint matching and the
per-link counts have their own files (test_topology_match.py, test_topology_counts.py).
"""

from __future__ import annotations

import pytest
from topology_helpers import FakeSocket, S, flows, layers, pipeline

from zinspect.core.automation.automation import AutomationSpec, ForwardSpec, ReplySpec
from zinspect.core.topology.build import build_topology
from zinspect.core.topology.model import (
    FORWARD_LINK,
    PEERS_NODE,
    REMOTE_NODE,
    link_direction,
    socket_key,
)

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
