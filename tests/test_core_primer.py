"""The ZeroMQ guide's classic examples with zinspect's core on one side
and a plain pyzmq peer process (tests/peers) on the other, plus a flood from a peer.
"""

from __future__ import annotations

import asyncio

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT, WAIT_MS, run, send, traffic
from ui_actions import PEER_WAIT_MS

pytestmark = pytest.mark.e2e


def peer_endpoint(qtbot, out: PeerOutput) -> str:
    qtbot.waitUntil(lambda: out.has("ready"), timeout=PEER_WAIT_MS)
    return out.line("ready").split()[1]


def test_a_flood_from_a_peer_process_arrives_complete_and_in_order(session, qtbot, peer):
    count = 50_000
    pull = session.create_socket("PULL")
    endpoint = pull.bind(ANY_PORT).address
    batches = []
    session.on_received.append(lambda handle, n: batches.append(n))
    worker = PeerOutput(peer("push_worker.py", endpoint, count, "W"))
    qtbot.waitUntil(lambda: pull.received == count, timeout=20_000)
    frames = [m.frames for m in session.store]
    assert len(frames) == count
    assert frames == [[f"W {i}".encode()] for i in range(count)]
    assert sum(batches) == count and len(batches) < count / 10  # drained in batches
    qtbot.waitUntil(lambda: worker.has("sent"), timeout=WAIT_MS)
    assert worker.line("sent") == f"sent {count}"


def test_primer_hello_world_with_zinspect_as_the_server(session, aloop, qtbot, peer):
    rep = session.create_socket("REP")
    endpoint = rep.bind(ANY_PORT).address
    client = PeerOutput(peer("req_client.py", endpoint, 3))
    for number in range(3):
        qtbot.waitUntil(lambda: rep.can_send_now[0], timeout=WAIT_MS)
        assert traffic(session, rep)[-1] == [f"Hello {number}".encode()]
        send(aloop, qtbot, rep, b"World")
    qtbot.waitUntil(lambda: client.has("done"), timeout=WAIT_MS)
    assert [line for line in client.lines if line.startswith("Received reply")] == [
        f"Received reply {i} [ World ]" for i in range(3)
    ]


def test_primer_hello_world_with_zinspect_as_the_client(session, aloop, qtbot, peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World"))
    req = session.create_socket("REQ")
    req.connect(peer_endpoint(qtbot, server))
    for number in range(2):
        send(aloop, qtbot, req, f"Hello {number}".encode())
        qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    assert traffic(session, req) == [[b"World"], [b"World"]]
    qtbot.waitUntil(lambda: server.has("Received request: Hello 1"), timeout=WAIT_MS)


def test_primer_weather_with_zinspect_subscribing(session, qtbot, peer):
    publisher = PeerOutput(peer("pub_weather.py", ANY_PORT, "--timeout", "15"))
    sub = session.create_socket("SUB")
    sub.connect(peer_endpoint(qtbot, publisher))
    sub.subscribe(b"10001")
    qtbot.waitUntil(lambda: sub.received >= 3, timeout=WAIT_MS)
    for (text,) in traffic(session, sub):
        zipcode, temperature, humidity = text.split()
        assert zipcode == b"10001" and -80 <= int(temperature) < 135


def test_primer_weather_with_zinspect_publishing(session, aloop, qtbot, peer):
    pub = session.create_socket("PUB")
    endpoint = pub.bind(ANY_PORT).address
    subscriber = PeerOutput(peer("sub_client.py", endpoint, "10001", 2))
    qtbot.waitUntil(lambda: subscriber.has("ready"), timeout=PEER_WAIT_MS)

    async def publish_until_the_subscriber_is_done() -> None:
        while not subscriber.has("done"):  # a slow joiner misses the first updates
            await pub.send([b"99999 50 50"])
            await pub.send([b"10001 70 40"])
            await asyncio.sleep(0.01)

    run(aloop, qtbot, publish_until_the_subscriber_is_done(), timeout=WAIT_MS)
    assert subscriber.line("received") == "received 10001 70 40"
    assert "99999" not in " ".join(subscriber.lines)


def test_zinspect_router_answers_a_dealer_peer(session, aloop, qtbot, peer):
    router = session.create_socket("ROUTER")
    endpoint = router.bind(ANY_PORT).address
    client = PeerOutput(peer("dealer_client.py", endpoint, 2, "--identity", "alice"))
    qtbot.waitUntil(lambda: router.received == 2, timeout=WAIT_MS)
    assert list(router.routing_ids) == [b"alice"]
    assert traffic(session, router) == [[b"alice", b"Hello 0"], [b"alice", b"Hello 1"]]
    for number in range(2):
        send(aloop, qtbot, router, b"alice", f"World {number}".encode())
    qtbot.waitUntil(lambda: client.has("done"), timeout=WAIT_MS)
    assert [line for line in client.lines if line.startswith("reply")] == [
        "reply World 0",
        "reply World 1",
    ]


def test_primer_pipeline_with_zinspect_as_ventilator_and_sink(session, aloop, qtbot, peer):
    sink = session.create_socket("PULL")
    sink_endpoint = sink.bind(ANY_PORT).address
    ventilator = session.create_socket("PUSH")
    vent_endpoint = ventilator.bind(ANY_PORT).address
    worker = PeerOutput(peer("task_worker.py", vent_endpoint, sink_endpoint, "--count", 5))
    qtbot.waitUntil(lambda: worker.has("ready"), timeout=PEER_WAIT_MS)

    async def send_tasks() -> None:
        for workload in (1, 2, 3, 4, 5):
            await ventilator.send([str(workload).encode()])  # waits until the worker connects

    run(aloop, qtbot, send_tasks(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sink.received == 5, timeout=WAIT_MS)
    assert traffic(session, sink) == [[b""]] * 5  # the primer's worker reports empty results
    qtbot.waitUntil(lambda: worker.has("done"), timeout=WAIT_MS)
    assert [line for line in worker.lines if line.startswith("task")] == [
        f"task {n}" for n in range(1, 6)
    ]
