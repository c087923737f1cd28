"""The tap between real programs: every pattern end to end with peer processes.

Clients and servers are the plain pyzmq scripts of tests/peers; the tap runs in the test's
session. Every message arrives once on the other side, in order, and the store (what the
window and a recording show) holds it on the tap's front socket with its direction:
``in`` client -> server, ``out`` server -> client.
"""

from __future__ import annotations

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS

from zinspect.core.store import IN, OUT
from zinspect.core.tap.spec import make_spec
from zinspect.core.tap.tap import CLIENT_TO_SERVER, Tap, tap_direction

pytestmark = pytest.mark.e2e


def start_tap(session, pattern: str, upstream: str) -> tuple[Tap, str]:
    tap = Tap(session, make_spec("tap", pattern, ANY_PORT, upstream))
    tap.start()
    assert tap.front is not None
    return tap, tap.front.endpoints[0].address


def ready(qtbot, output: PeerOutput) -> str:
    qtbot.waitUntil(lambda: output.has("ready "), timeout=PEER_WAIT_MS)
    line = output.line("ready ")
    assert line is not None
    return line.split()[1]


def rows(session, direction: str) -> list[list[bytes]]:
    return [m.frames for m in session.store if m.socket == "tap" and m.direction == direction]


def test_req_clients_and_rep_server(session, qtbot, peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", 8))
    tap, front = start_tap(session, "reqrep", ready(qtbot, server))
    clients = [PeerOutput(peer("req_client.py", front, 4, "--request", name)) for name in "AB"]
    for client in clients:
        qtbot.waitUntil(lambda c=client: c.has("done 4"), timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: server.has("answered 8"), timeout=PEER_WAIT_MS)
    requests = [line for line in server.lines if line.startswith("Received request")]
    for name in "AB":  # each request once, in its client's order
        assert [r for r in requests if f": {name} " in r] == [
            f"Received request: {name} {n}" for n in range(4)
        ]
    ins, outs = rows(session, IN), rows(session, OUT)
    for name in "AB":
        mine = [f for f in ins if f[2].startswith(name.encode())]
        assert [f[1:] for f in mine] == [[b"", f"{name} {n}".encode()] for n in range(4)]
        routing_id = mine[0][0]
        assert [f[1:] for f in outs if f[0] == routing_id] == [[b"", b"World"]] * 4
    # REQ sockets get libzmq-made routing ids: the tap says it cannot mirror them
    assert tap.generated_ids == 2
    assert "cannot be mirrored" in tap.status_text()
    assert tap_direction(IN) == CLIENT_TO_SERVER


def identities_seen(qtbot, peer, endpoint_of_server) -> list[str]:
    """Run a ROUTER server and two DEALER clients with identities; the ids the server saw."""
    server = PeerOutput(peer("router_by_id.py", ANY_PORT, 6))
    front = endpoint_of_server(ready(qtbot, server))
    clients = {
        name: PeerOutput(peer("dealer_client.py", front, 3, "--identity", name))
        for name in ("alice", "bob")
    }
    for name, client in clients.items():
        qtbot.waitUntil(lambda c=client: c.has("done 3"), timeout=PEER_WAIT_MS)
        # every reply came back to the client that asked, once, in order
        assert [line for line in client.lines if line.startswith("reply")] == [
            f"reply Hello {n} | for {name}" for n in range(3)
        ]
    qtbot.waitUntil(lambda: server.has("done 6"), timeout=PEER_WAIT_MS)
    return sorted(line for line in server.lines if line.startswith("from "))


def test_router_server_sees_the_same_identities_through_the_tap(session, qtbot, peer):
    direct = identities_seen(qtbot, peer, lambda endpoint: endpoint)
    taps: list[Tap] = []

    def through_tap(endpoint: str) -> str:
        tap, front = start_tap(session, "reqrep", endpoint)
        taps.append(tap)
        return front

    tapped = identities_seen(qtbot, peer, through_tap)
    assert tapped == direct
    assert taps[0].generated_ids == 0
    ins = rows(session, IN)
    assert [f for f in ins if f[0] == b"alice"] == [
        [b"alice", f"Hello {n}".encode()] for n in range(3)
    ]
    outs = rows(session, OUT)
    assert [f for f in outs if f[0] == b"bob"] == [
        [b"bob", f"Hello {n}".encode(), b"for bob"] for n in range(3)
    ]


def test_pub_sub_with_a_subscription_made_after_the_tap_started(session, qtbot, peer):
    publisher = PeerOutput(peer("pub_weather.py", ANY_PORT, "--rate", 500, "--every", 2))
    tap, front = start_tap(session, "pubsub", ready(qtbot, publisher))
    subscriber = PeerOutput(peer("sub_client.py", front, "10001", 10))
    qtbot.waitUntil(lambda: subscriber.has("done 10"), timeout=PEER_WAIT_MS)
    # the subscription went upstream and is shown as the client's message
    assert rows(session, IN)[0] == [b"\x0110001"]
    received = [
        line.removeprefix("received ") for line in subscriber.lines if line.startswith("received ")
    ]
    published = [f[0].decode() for f in rows(session, OUT)]
    assert all(text.startswith("10001 ") for text in published)
    assert published[: len(received)] == received


def test_push_pull_pipeline(session, qtbot, peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 50))
    tap, front = start_tap(session, "pipeline", ready(qtbot, sink))
    worker = PeerOutput(peer("push_worker.py", front, 50, "w"))
    qtbot.waitUntil(lambda: sink.has("count 50"), timeout=PEER_WAIT_MS)
    assert worker.has("sent 50")
    got = [line.removeprefix("received ") for line in sink.lines if line.startswith("received ")]
    assert got == [f"w {n}" for n in range(50)]
    assert rows(session, IN) == [[f"w {n}".encode()] for n in range(50)]
    assert rows(session, OUT) == []
    assert tap.to_server == 50


def test_a_pair_chosen_by_hand_forwards_as_it_is(session, qtbot, peer):
    """ROUTER front and one DEALER upstream, chosen by hand: the classic shared queue, whose
    envelopes a REP server answers through."""
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", 6))
    spec = make_spec("tap", "custom", ANY_PORT, ready(qtbot, server), "ROUTER", "DEALER")
    tap = Tap(session, spec)
    tap.start()
    assert tap.front is not None and tap.upstream is not None
    assert (tap.front.type_name, tap.upstream.type_name) == ("ROUTER", "DEALER")
    front = tap.front.endpoints[0].address
    clients = [PeerOutput(peer("req_client.py", front, 3, "--request", name)) for name in "AB"]
    for client in clients:
        qtbot.waitUntil(lambda c=client: c.has("done 3"), timeout=PEER_WAIT_MS)
    assert len(rows(session, IN)) == len(rows(session, OUT)) == 6
    assert all(f[-1] == b"World" for f in rows(session, OUT))
