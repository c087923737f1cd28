"""The ZeroMQ guide's patterns zinspect now plays, end to end: the shipped example workspaces
(resources/examples) against real peer processes (tests/peers), zinspect on either side.

Counts are small where the pattern allows; the Majordomo worker answers 1,000 requests, as
the storm it used to cause (answering the broker's heartbeats) needs many heartbeats to show.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT, WAIT_MS, traffic
from ui_actions import PEER_WAIT_MS

from zinspect.core.store import OUT
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.parse import parse_workspace

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
LONG_MS = 60_000


def open_example(session, name: str, connect: dict | None = None, edit=None) -> dict:
    """Open resources/examples/NAME.zinspect.json as the app does, binds on free ports and
    connects to ``connect[socket name]``; ``edit(document)`` changes it first."""
    document = json.loads((EXAMPLES / f"{name}.zinspect.json").read_text(encoding="utf-8"))
    for entry in document["sockets"]:
        if entry.get("bind"):
            entry["bind"] = [ANY_PORT]
        if entry.get("connect"):
            entry["connect"] = [(connect or {})[entry["name"]]]
    if edit is not None:
        edit(document)
    workspace = parse_workspace(json.dumps(document))
    assert workspace.invalid == []
    assert apply_workspace(workspace, session) == []
    return {handle.name: handle for handle in session.sockets}


def address(handle) -> str:
    return handle.endpoints[0].address


def finished(out: PeerOutput, qtbot, timeout: int = PEER_WAIT_MS) -> int:
    qtbot.waitUntil(lambda: out.proc.poll() is not None, timeout=timeout)
    qtbot.waitUntil(lambda: (out.poll(), out.eof)[1], timeout=WAIT_MS)
    return out.proc.returncode


def automation_of(step: dict, socket: str) -> dict:
    return next(s for s in step["sockets"] if s["name"] == socket)["automation"]


def test_mdp_worker_answers_1000_requests_and_no_heartbeat(session, peer, qtbot):
    broker = start_peer(peer, qtbot, "mdp_broker.py", ANY_PORT, "--count", 1000)
    endpoint = broker.lines[0].split()[1]

    def fast_heartbeats(document):  # the broker's pace, so heartbeats cross the requests
        automation_of(document, "worker")["send"]["steps"][1]["interval_ms"] = 250

    sockets = open_example(session, "mdp-worker", {"worker": endpoint}, fast_heartbeats)
    qtbot.waitUntil(lambda: broker.has("worker"), timeout=PEER_WAIT_MS)
    client = start_peer(peer, qtbot, "mdp_client.py", endpoint, 1000)
    assert finished(client, qtbot, LONG_MS) == 0
    assert client.has("done 1000")
    assert finished(broker, qtbot) == 0
    summary = next(line for line in broker.lines if line.startswith("requests"))
    assert summary.startswith("requests 1000 replies 1000") and summary.endswith("storm 0")
    worker = sockets["worker"]
    replies = [f for f in traffic(session, worker, OUT) if len(f) > 2 and f[2] == b"\x03"]
    assert len(replies) == 1000
    assert replies[-1][-1] == b"request 999"
    assert worker.automation_runner.last_error == ""


def test_router_deals_100_tasks_to_10_req_workers_then_end_to_each(session, peer, qtbot):
    sockets = open_example(session, "rtreq-boss")
    boss = sockets["boss"]
    workers = start_peer(peer, qtbot, "rt_workers.py", address(boss), 10)
    assert finished(workers, qtbot) == 0
    assert workers.has("done tasks 100 ends 10")
    runner = boss.automation_runner
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    sent = traffic(session, boss, OUT)
    assert [f[2] for f in sent[:100]] == [f"task {i:03d}".encode() for i in range(100)]
    assert sorted(f[0] for f in sent[100:]) == [f"worker-{i}".encode() for i in range(10)]
    assert all(f[1:] == [b"", b"END"] for f in sent[100:])


def test_req_worker_stops_on_end_from_a_router_boss(session, peer, qtbot):
    boss = start_peer(peer, qtbot, "rt_boss.py", ANY_PORT, 20, 1)
    sockets = open_example(session, "rtreq-worker", {"worker": boss.lines[0].split()[1]})
    assert finished(boss, qtbot) == 0
    assert boss.has("done tasks 20 ends 1")
    worker = sockets["worker"]
    runner = worker.automation_runner
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.stop_reason == "'worker' received 1 × a matching message"
    assert runner.sent == 21  # 20 tasks asked for, and the request END answered
    assert traffic(session, worker)[-1] == [b"END"]


def test_zinspect_publishes_once_two_subscribers_synced(session, peer, qtbot):
    def two_subscribers(document):
        automation_of(document, "publisher")["start"]["received"] = 2
        automation_of(document, "publisher")["send"]["steps"][0]["count"] = 100

    sockets = open_example(session, "syncpub", edit=two_subscribers)
    publisher, sync = sockets["publisher"], sockets["sync"]
    assert publisher.automation_runner.state == "waiting"
    subscribers = [
        start_peer(peer, qtbot, "sync_subscriber.py", address(publisher), address(sync))
        for _ in range(2)
    ]
    for subscriber in subscribers:
        assert finished(subscriber, qtbot) == 0
        assert subscriber.has("received 100")
    assert publisher.automation_runner.state == "finished"


def test_zinspect_subscribes_and_syncs_with_a_publisher(session, peer, qtbot):
    publisher = start_peer(
        peer, qtbot, "sync_publisher.py", ANY_PORT, ANY_PORT.replace("*", "*"), 1, 100
    )
    pub_at, sync_at = publisher.lines[0].split()[1:3]

    def quicker(document):
        automation_of(document, "sync")["start"]["after_ms"] = 200

    sockets = open_example(session, "syncsub", {"subscriber": pub_at, "sync": sync_at}, quicker)
    assert finished(publisher, qtbot) == 0
    subscriber = sockets["subscriber"]
    qtbot.waitUntil(lambda: subscriber.received == 101, timeout=WAIT_MS)
    updates = traffic(session, subscriber)
    assert updates[:-1] == [[b"Rhubarb"]] * 100 and updates[-1] == [b"END"]


def lazy(timeout_ms: int):
    def edit(document):
        send = automation_of(document, "client")["send"]
        send["timeout_ms"] = timeout_ms
        send["count"] = 6

    return edit


def test_lazy_pirate_resends_the_same_request_after_a_drop(session, peer, qtbot):
    server = start_peer(peer, qtbot, "lp_server.py", ANY_PORT, "--count", 6)
    sockets = open_example(
        session, "lazy-pirate-client", {"client": server.lines[0].split()[1]}, lazy(300)
    )
    assert finished(server, qtbot) == 0
    handled = [line for line in server.lines if line.startswith(("request", "dropped"))]
    # every third request is dropped; the client sends that same request again
    assert handled == [
        "request 0",
        "request 1",
        "dropped 2",
        "request 2",
        "request 3",
        "dropped 4",
        "request 4",
        "request 5",
    ]
    runner = sockets["client"].automation_runner
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.replies == 6 and runner.timeouts == 2 and not runner.failed
    assert "(try 1 of 3): re-created the REQ socket and sent it again" in runner.last_error


def test_lazy_pirate_gives_up_after_three_tries_on_a_dead_server(session, qtbot):
    problems = []
    from zinspect.core.automation.automation_runner import listen_for_problems

    listen_for_problems(session, lambda name, text, failed: problems.append((name, failed)))
    sockets = open_example(
        session, "lazy-pirate-client", {"client": "tcp://127.0.0.1:9"}, lazy(200)
    )
    runner = sockets["client"].automation_runner
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    assert runner.failed and runner.sent == 3 and runner.timeouts == 3
    assert runner.last_error == (
        "no reply to request 0 after 3 tries of 200 ms: gave up (the server seems to be offline)"
    )
    assert problems == [("client", False), ("client", False), ("client", True)]


def test_one_pub_alternates_two_topics(session, peer, qtbot):
    def quick(document):
        send = automation_of(document, "publisher")
        send["send"]["repeat"] = 20
        for step in send["send"]["steps"]:
            step["interval_ms"] = 10
        send["start"] = {"connected": True, "after_ms": 300}

    sockets = open_example(session, "psenvpub", edit=quick)
    publisher = sockets["publisher"]
    subscriber = start_peer(peer, qtbot, "sub_client.py", address(publisher), "B", 5)
    assert finished(subscriber, qtbot) == 0
    received = [line for line in subscriber.lines if line.startswith("received")]
    assert received == ["received B | We would like to see this"] * 5
    sent = traffic(session, publisher, OUT)
    assert [f[0] for f in sent[:4]] == [b"A", b"B", b"A", b"B"]


def test_clone_updates_carry_an_8_byte_big_endian_sequence(session, peer, qtbot):
    def wait_for_the_subscriber(document):
        automation_of(document, "publisher")["start"] = {"connected": True, "after_ms": 300}
        automation_of(document, "publisher")["send"]["interval_ms"] = 1

    sockets = open_example(session, "clone-publisher", edit=wait_for_the_subscriber)
    subscriber = start_peer(peer, qtbot, "clone_subscriber.py", address(sockets["publisher"]), 50)
    assert finished(subscriber, qtbot) == 0
    assert subscriber.has("done 50 in order")
    first = traffic(session, sockets["publisher"], OUT)[0]
    assert first[1] == (0).to_bytes(8, "big")
