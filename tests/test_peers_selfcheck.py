"""The peer scripts work against each other, so an end-to-end failure points at zinspect.

Each pair reproduces one of the classic examples of the ZeroMQ guide with
plain pyzmq on both sides: hello world REQ/REP, weather PUB/SUB, the pipeline.
"""

from __future__ import annotations

import pytest
from peerio import PeerOutput

pytestmark = pytest.mark.e2e

ANY_PORT = "tcp://127.0.0.1:*"


def test_hello_world_req_rep(peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", "5"))
    endpoint = server.ready_endpoint()
    assert endpoint.startswith("tcp://127.0.0.1:") and not endpoint.endswith(":*")
    client = PeerOutput(peer("req_client.py", endpoint, "5"))
    assert client.finish() == 0
    replies = [line for line in client.lines if line.startswith("Received reply")]
    assert replies == [f"Received reply {i} [ World ]" for i in range(5)]
    assert server.finish() == 0
    requests = [line for line in server.lines if line.startswith("Received request")]
    assert requests == [f"Received request: Hello {i}" for i in range(5)]


def test_rep_server_custom_reply_over_ipc(peer, tmp_path):
    endpoint = f"ipc://{tmp_path}/rep.ipc"
    server = PeerOutput(peer("rep_server.py", endpoint, '{"ok": true}', "--count", "1"))
    assert server.ready_endpoint() == endpoint
    client = PeerOutput(peer("req_client.py", endpoint, "1", "--request", "ping"))
    assert client.finish() == 0
    assert 'Received reply 0 [ {"ok": true} ]' in client.lines
    assert server.finish() == 0


def test_weather_pub_sub_filters_new_york(peer):
    publisher = PeerOutput(peer("pub_weather.py", ANY_PORT, "--timeout", "15"))
    endpoint = publisher.ready_endpoint()
    subscriber = PeerOutput(peer("sub_client.py", endpoint, "10001", "3"))
    assert subscriber.finish() == 0
    updates = [line.split()[1:] for line in subscriber.lines if line.startswith("received")]
    assert len(updates) == 3
    for zipcode, temperature, humidity in updates:
        assert zipcode == "10001"
        assert -80 <= int(temperature) < 135 and 10 <= int(humidity) < 60
    assert subscriber.line("Average temperature for zipcode '10001' was") is not None


def test_two_push_workers_feed_one_sink(peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, "200"))
    endpoint = sink.ready_endpoint()
    workers = [PeerOutput(peer("push_worker.py", endpoint, "100", name)) for name in "AB"]
    for worker in workers:
        assert worker.finish() == 0
        assert "sent 100" in worker.lines
    assert sink.finish() == 0
    assert "count 200" in sink.lines
    got = [line.split()[1:] for line in sink.lines if line.startswith("received")]
    for name in "AB":
        # fair-queued between workers, but each worker's own messages stay in order
        assert [int(n) for who, n in got if who == name] == list(range(100))


def test_primer_pipeline_ventilator_workers_sink(peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, "21"))  # "0" start signal + 20 results
    sink_endpoint = sink.ready_endpoint()
    ventilator = PeerOutput(
        peer("ventilator.py", ANY_PORT, sink_endpoint, "20", "--delay", "0.3", "--max-ms", "5")
    )
    vent_endpoint = ventilator.ready_endpoint()
    workers = [
        PeerOutput(peer("task_worker.py", vent_endpoint, sink_endpoint, "--idle", "1"))
        for _ in range(2)
    ]
    assert ventilator.finish() == 0
    assert sink.finish() == 0
    assert "received 0" in sink.lines  # the ventilator's start-of-batch signal
    assert "count 21" in sink.lines
    done = 0
    for worker in workers:
        assert worker.finish() == 0
        done += int(worker.line("done").split()[1])
    assert done == 20


def test_dealer_client_talks_to_rep_with_envelope(peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "--count", "3"))
    endpoint = server.ready_endpoint()
    client = PeerOutput(
        peer("dealer_client.py", endpoint, "3", "--envelope", "--identity", "alice")
    )
    assert client.finish() == 0
    # REP keeps the empty delimiter in its reply: the DEALER sees it as a first empty frame
    assert [line for line in client.lines if line.startswith("reply")] == ["reply  | World"] * 3
    assert server.finish() == 0


def test_peers_give_up_in_bounded_time(peer, tmp_path):
    """A peer with nobody to talk to exits by itself with status 1, not hang a test run."""
    client = PeerOutput(
        peer("req_client.py", f"ipc://{tmp_path}/nobody.ipc", "1", "--timeout", "0.5")
    )
    assert client.finish(timeout=10) == 1
    assert client.has("timeout")
