"""Request/reply latency matched from the store's rows: REQ/REP lock-step, DEALER/ROUTER by
routing id and order, Jupyter by parent msg_id, Majordomo by client address; percentiles,
unanswered requests, and the latency of a reply by its sequence number."""

from __future__ import annotations

import json

import pytest

from zinspect.core.explore.latency import LatencyTracker, guess_socket_type
from zinspect.core.explore.latency_stats import LatencyHistogram
from zinspect.core.store import IN, OUT, MessageStore

TYPES = {"client": "REQ", "server": "REP", "router": "ROUTER", "dealer": "DEALER"}


def row(time: float, socket: str, direction: str, *frames: bytes) -> tuple:
    return (time, socket, direction, sum(map(len, frames)), *frames)


def tracker(**kwargs) -> LatencyTracker:
    return LatencyTracker(socket_type=lambda name: TYPES.get(name, ""), **kwargs)


def figures(track: LatencyTracker) -> dict[tuple[str, str], object]:
    return {(f.socket, f.group): f for f in track.figures()}


def test_req_lock_step_pairs_each_request_with_the_next_reply():
    track = tracker()
    rows = []
    for n in range(10):
        start = 100.0 + n
        rows.append(row(start, "client", OUT, b"Hello"))
        rows.append(row(start + 0.010 * (n + 1), "client", IN, b"World"))
    track.feed(0, rows[:7])  # in batches, as the store hands them out
    track.feed(7, rows[7:])
    socket = figures(track)[("client", "")]
    assert socket.count == 10
    assert socket.p50 == pytest.approx(0.050, rel=0.01)
    assert socket.p90 == pytest.approx(0.090, rel=0.01)
    assert socket.max == pytest.approx(0.100)
    assert socket.unanswered == socket.waiting == 0
    assert track.latency_of(1) == pytest.approx(0.010)
    assert track.latency_of(19) == pytest.approx(0.100)
    assert track.latency_of(0) is None  # a request is no reply


def test_rep_requests_come_in_and_replies_go_out():
    track = tracker()
    track.feed(5, [row(1.0, "server", IN, b"a"), row(1.25, "server", OUT, b"b")])
    assert track.latency_of(6) == pytest.approx(0.25)
    # a reply with no request waiting is no latency
    track.feed(7, [row(2.0, "server", OUT, b"stray")])
    assert track.latency_of(7) is None
    assert track.orphan_replies == 1


def test_a_second_request_before_a_reply_gives_the_first_up():
    track = tracker()
    track.feed(
        0,
        [
            row(1.0, "client", OUT, b"lost"),
            row(2.0, "client", OUT, b"again"),  # REQ_RELAXED: the first will never be answered
            row(2.5, "client", IN, b"reply"),
        ],
    )
    socket = figures(track)[("client", "")]
    assert (socket.count, socket.unanswered) == (1, 1)
    assert track.latency_of(2) == pytest.approx(0.5)
    assert [r.seq for r in track.given_up()] == [0]


def test_router_matches_several_clients_by_routing_id_even_answered_out_of_order():
    track = tracker()
    a, b, c = b"\x00\x80\x00\x00\x01", b"\x00\x80\x00\x00\x02", b"\x00\x80\x00\x00\x03"
    track.feed(
        0,
        [
            row(10.0, "router", IN, a, b"", b"A1"),
            row(10.1, "router", IN, b, b"", b"B1"),
            row(10.2, "router", IN, a, b"", b"A2"),
            row(10.3, "router", IN, c, b"", b"C1"),
            row(10.4, "router", OUT, b, b"", b"re B1"),  # b first, though a asked first
            row(10.6, "router", OUT, a, b"", b"re A1"),
            row(11.0, "router", OUT, a, b"", b"re A2"),
        ],
    )
    assert track.latency_of(4) == pytest.approx(0.3)
    assert track.latency_of(5) == pytest.approx(0.6)
    assert track.latency_of(6) == pytest.approx(0.8)
    socket = figures(track)[("router", "")]
    assert (socket.count, socket.waiting) == (3, 1)
    assert [r.seq for r in track.waiting()] == [3]


def test_a_router_that_asks_learns_that_its_requests_go_out():
    track = tracker()
    peer = b"worker-1"
    track.feed(
        0,
        [
            row(1.0, "router", OUT, peer, b"", b"job 1"),
            row(1.2, "router", IN, peer, b"", b"done 1"),
            row(2.0, "router", OUT, peer, b"", b"job 2"),
            row(2.1, "router", IN, peer, b"", b"done 2"),
        ],
    )
    assert track.latency_of(1) == pytest.approx(0.2)
    assert track.latency_of(3) == pytest.approx(0.1)


def test_dealer_matches_in_order():
    track = tracker()
    track.feed(
        0,
        [
            row(1.0, "dealer", OUT, b"", b"one"),
            row(1.1, "dealer", OUT, b"", b"two"),
            row(1.5, "dealer", IN, b"", b"re one"),
            row(1.6, "dealer", IN, b"", b"re two"),
        ],
    )
    assert track.latency_of(2) == pytest.approx(0.5)
    assert track.latency_of(3) == pytest.approx(0.5)


def jupyter(msg_type: str, msg_id: str, parent: str = "", *ids: bytes) -> tuple[bytes, ...]:
    header = {"msg_id": msg_id, "msg_type": msg_type, "session": "s", "username": "u"}
    parent_header = {"msg_id": parent, "msg_type": "x"} if parent else {}
    dicts = [json.dumps(d).encode() for d in (header, parent_header, {}, {})]
    return (*ids, b"<IDS|MSG>", b"", *dicts)


def test_jupyter_replies_find_their_request_by_parent_msg_id_on_any_socket():
    track = LatencyTracker()  # the socket's type is unknown: Jupyter needs none
    track.feed(
        0,
        [
            row(1.0, "shell", OUT, *jupyter("kernel_info_request", "k1")),
            row(1.1, "shell", OUT, *jupyter("execute_request", "e1")),
            row(1.2, "shell", OUT, *jupyter("execute_request", "e2")),
            row(1.5, "shell", IN, *jupyter("execute_reply", "r2", "e2")),  # out of order
            row(1.7, "shell", IN, *jupyter("execute_reply", "r1", "e1")),
            row(1.8, "shell", IN, *jupyter("kernel_info_reply", "r0", "k1")),
        ],
    )
    assert track.latency_of(3) == pytest.approx(0.3)
    assert track.latency_of(4) == pytest.approx(0.6)
    assert track.latency_of(5) == pytest.approx(0.8)
    rows = figures(track)
    assert rows[("shell", "")].count == 3
    assert rows[("shell", "execute_request")].count == 2
    assert rows[("shell", "execute_request")].max == pytest.approx(0.6)
    assert rows[("shell", "kernel_info_request")].count == 1


def test_majordomo_worker_requests_and_replies_match_by_client_address():
    track = LatencyTracker()
    worker = "worker"  # a DEALER worker: an empty delimiter before the header
    track.feed(
        0,
        [
            row(0.5, worker, OUT, b"", b"MDPW01", b"\x01", b"echo"),  # READY for "echo"
            row(1.0, worker, IN, b"", b"MDPW01", b"\x02", b"client-a", b"", b"ping a"),
            row(1.1, worker, IN, b"", b"MDPW01", b"\x02", b"client-b", b"", b"ping b"),
            row(1.3, worker, OUT, b"", b"MDPW01", b"\x03", b"client-b", b"", b"pong b"),
            row(1.6, worker, OUT, b"", b"MDPW01", b"\x03", b"client-a", b"", b"pong a"),
            row(1.7, worker, IN, b"", b"MDPW01", b"\x04"),  # a heartbeat is neither
        ],
    )
    assert track.latency_of(3) == pytest.approx(0.2)
    assert track.latency_of(4) == pytest.approx(0.6)
    assert figures(track)[(worker, "echo")].count == 2


def test_majordomo_clients_on_a_broker_router_match_by_their_address_and_service():
    track = tracker()
    a, b = b"client-a", b"client-b"
    track.feed(
        0,
        [
            row(1.0, "router", IN, a, b"", b"MDPC01", b"echo", b"hi"),
            row(1.1, "router", IN, b, b"", b"MDPC01", b"time", b"now?"),
            row(1.2, "router", OUT, b, b"", b"MDPC01", b"time", b"12:00"),
            row(1.4, "router", OUT, a, b"", b"MDPC01", b"echo", b"hi"),
        ],
    )
    assert track.latency_of(2) == pytest.approx(0.1)
    assert track.latency_of(3) == pytest.approx(0.4)
    rows = figures(track)
    assert rows[("router", "echo")].count == rows[("router", "time")].count == 1
    assert rows[("router", "")].count == 2


def test_requests_without_a_reply_are_given_up_after_the_timeout_and_counted():
    track = tracker(timeout_s=5.0)
    track.feed(0, [row(1.0, "server", IN, b"never answered")])
    assert figures(track)[("server", "")].waiting == 1
    track.expire(5.5)
    assert figures(track)[("server", "")].waiting == 1  # not yet
    track.expire(6.5)
    socket = figures(track)[("server", "")]
    assert (socket.waiting, socket.unanswered, socket.count) == (0, 1, 0)
    # its late reply is no latency
    track.feed(1, [row(7.0, "server", OUT, b"late")])
    assert track.latency_of(1) is None


def test_waiting_requests_are_capped_and_the_oldest_counted_unanswered():
    track = tracker(max_pending=100)
    clients = [row(1.0 + n / 1000, "router", IN, b"id%d" % n, b"", b"q") for n in range(1000)]
    track.feed(0, clients)
    assert len(track.waiting()) == 100
    assert figures(track)[("router", "")].unanswered == 900
    assert track.waiting()[0].seq == 900


def test_plain_traffic_on_other_sockets_is_no_request():
    track = LatencyTracker(socket_type=lambda name: "PUB")
    track.feed(0, [row(1.0, "pub", OUT, b"weather 1"), row(1.1, "pub", OUT, b"weather 2")])
    assert track.figures() == []


def test_a_store_flood_is_fed_in_batches_within_bounded_memory():
    store = MessageStore()
    rows = []
    for n in range(50_000):
        rows.append(row(n * 0.001, "server", IN, b"req"))
        rows.append(row(n * 0.001 + 0.0005, "server", OUT, b"rep"))
    store.extend_rows(rows, 50_000)
    track = tracker()
    for start in range(store.first_seq, store.end_seq, 8192):
        first, batch = store.rows(start, start + 8192)
        track.feed(first, batch)
    assert figures(track)[("server", "")].count == 50_000
    assert figures(track)[("server", "")].p99 == pytest.approx(0.0005, rel=0.01)
    assert len(track._latencies) <= 100_000


def test_names_zinspect_gave_say_the_socket_type():
    assert guess_socket_type("req-1") == "REQ"
    assert guess_socket_type("router-12") == "ROUTER"
    assert guess_socket_type("sub-1") == "SUB"
    assert guess_socket_type("client") == ""


def test_histogram_percentiles_are_within_half_a_percent():
    histogram = LatencyHistogram()
    for n in range(1, 1001):
        histogram.add(n / 1000)
    assert histogram.percentile(0.5) == pytest.approx(0.5, rel=0.006)
    assert histogram.percentile(0.99) == pytest.approx(0.99, rel=0.006)
    assert histogram.max == 1.0
    assert sum(histogram.bars(10)) == 1000
    assert LatencyHistogram().percentile(0.5) == 0.0


def test_jupyter_client_messages_pair_by_their_parent_header():
    from jupyter_client.session import Session

    client = Session(key=b"secret-key")
    request = client.msg("execute_request", {"code": "1 + 1"})
    reply = client.msg("execute_reply", {"status": "ok"}, parent=request)
    status = client.msg("status", {"execution_state": "idle"}, parent=request)
    track = LatencyTracker(socket_type=lambda name: "DEALER")
    track.feed(
        0,
        [
            row(5.0, "shell", OUT, *client.serialize(request)),
            row(5.0, "shell", OUT, b"", b"not jupyter"),  # plain DEALER traffic beside it
            row(5.3, "shell", IN, *client.serialize(reply)),
            row(5.4, "shell", IN, *client.serialize(status)),  # no second answer
        ],
    )
    assert track.latency_of(2) == pytest.approx(0.3)
    assert track.latency_of(3) is None
    assert figures(track)[("shell", "execute_request")].count == 1
