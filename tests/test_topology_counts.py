"""The topology model (core.topology), per-link counts and rates: which socket's count a link
shows, when it is only an upper bound or unknown, the sampler's rates, the label.

Small fake sockets (topology_helpers.py) where they make the case clearer; real Session
sockets (inproc and tcp://127.0.0.1:*) where the addresses libzmq resolves are the point.
"""

from __future__ import annotations

import pytest
from session_helpers import WAIT_MS, send
from topology_helpers import S, flows, layers, pipeline

from zinspect.core.automation.automation import AutomationSpec, ForwardSpec, ReplySpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.topology.build import build_topology
from zinspect.core.topology.model import (
    ENDPOINT_LINK,
    FORWARD_LINK,
    Topology,
)
from zinspect.core.topology.traffic import LinkTraffic, TrafficSampler, format_traffic

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
