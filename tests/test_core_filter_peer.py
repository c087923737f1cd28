"""The traffic filter's peer: only what one socket received from one host, with the other
parts of the filter (text, topic) still applied; sent messages have no peer."""

from __future__ import annotations

from array import array

from zinspect.core.explore.topics import TopicScope
from zinspect.core.sockets.peers import PeerAddresses
from zinspect.core.store import IN, OUT
from zinspect.core.traffic_filter import PeerScope, TrafficFilter


def rows_and_peers():
    peers = PeerAddresses()
    rows = [
        (0.0, "sink", IN, 3, b"a/1"),  # 0 from 10.0.0.1
        (0.1, "sink", IN, 3, b"b/1"),  # 1 from 10.0.0.2
        (0.2, "sink", OUT, 3, b"a/2"),  # 2 sent: no peer
        (0.3, "sink", IN, 3, b"a/3"),  # 3 from 10.0.0.1
        (0.4, "other", IN, 3, b"a/4"),  # 4 another socket
    ]
    peers.note("sink", 0, [(0, "10.0.0.1"), (1, "10.0.0.2"), (3, "10.0.0.1")])
    peers.note("other", 4, [(0, "10.0.0.1")])
    return rows, peers


def scan(wanted: TrafficFilter, rows) -> list[int]:
    out = array("q")
    assert wanted.compile().scan_rows(0, rows, out, float("inf")) == len(rows)
    return list(out)


def test_a_peer_keeps_what_its_socket_received_from_its_host():
    rows, peers = rows_and_peers()
    peer = PeerScope("sink", "10.0.0.1", peers.address_of)
    assert TrafficFilter(peer=peer).active
    assert scan(TrafficFilter(peer=peer), rows) == [0, 3]
    assert scan(TrafficFilter(peer=PeerScope("sink", "10.0.0.2", peers.address_of)), rows) == [1]


def test_a_peer_with_text_and_topic():
    rows, peers = rows_and_peers()
    peer = PeerScope("sink", "10.0.0.1", peers.address_of)
    assert scan(TrafficFilter(text="/3", peer=peer), rows) == [3]
    topic = TopicScope("a/1", "", exact=True)
    assert scan(TrafficFilter(topic=topic, peer=peer), rows) == [0]


def test_filters_with_the_same_peer_are_equal():
    _, peers = rows_and_peers()
    assert TrafficFilter(peer=PeerScope("sink", "h", peers.address_of)) == TrafficFilter(
        peer=PeerScope("sink", "h", lambda *_: "")
    )
