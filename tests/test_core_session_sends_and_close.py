"""The core Session on a live loop, sends that wait and closing: a send without a peer waits
and can be cancelled, closing a socket or the session cancels what waits (quickly, even with
thousands of undelivered messages), and the traffic lands in the store in order.

Runs on the ``session`` + ``aloop`` fixtures (a qasync loop driven while qtbot waits). The
other Session topics are in the sibling tests/test_core_session_*.py files.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import zmq
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.store import IN, OUT

# -- sends that wait ------------------------------------------------------------------------


def test_push_without_peer_waits_and_can_be_cancelled(session, aloop, qtbot):
    push = session.create_socket("PUSH")
    push.bind(ANY_PORT)
    changed = []
    session.on_socket_changed.append(changed.append)
    task = aloop.create_task(push.send([b"job"]))
    qtbot.waitUntil(lambda: push.send_waiting, timeout=WAIT_MS)
    assert push in changed
    ok, reason = push.can_send_now
    assert not ok and "waiting" in reason
    with pytest.raises(SocketError, match="still waiting"):
        send(aloop, qtbot, push, b"another")
    assert not task.done()
    assert push.cancel_send()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.cancelled()
    with pytest.raises(asyncio.CancelledError):
        task.result()
    assert not push.send_waiting and not push.cancel_send()
    assert push.sent == 0 and traffic(session, push, OUT) == []
    assert push.can_send_now == (True, "")


def test_waiting_send_completes_when_a_peer_connects(session, aloop, qtbot):
    push = session.create_socket("PUSH")
    endpoint = push.bind(ANY_PORT).address
    task = aloop.create_task(push.send([b"job 1"]))
    qtbot.waitUntil(lambda: push.send_waiting, timeout=WAIT_MS)
    pull = session.create_socket("PULL")
    pull.connect(endpoint)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.result() is None and not push.send_waiting
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"job 1"]]
    assert traffic(session, push, OUT) == [[b"job 1"]]


def test_req_without_peer_waits_and_cancelling_keeps_its_turn(session, aloop, qtbot):
    req = session.create_socket("REQ")
    endpoint = req.bind(ANY_PORT).address
    task = aloop.create_task(req.send([b"Hello"]))
    qtbot.waitUntil(lambda: req.send_waiting, timeout=WAIT_MS)
    assert req.cancel_send()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.cancelled() and not req.awaiting_reply
    rep = session.create_socket("REP")
    rep.connect(endpoint)
    send(aloop, qtbot, req, b"Hello")
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)


# -- closing --------------------------------------------------------------------------------


def test_closing_a_socket_removes_it_and_refuses_further_use(session, aloop, qtbot):
    removed = []
    session.on_socket_removed.append(removed.append)
    pull = session.create_socket("PULL")
    pull.bind(ANY_PORT)
    pull.close()
    assert pull.closed and removed == [pull] and session.sockets == []
    pull.close()  # twice is harmless
    assert removed == [pull]
    with pytest.raises(SocketError, match="Socket pull-1 is closed"):
        pull.bind(ANY_PORT)
    assert pull.can_send_now == (False, "The socket is closed.")


def test_closing_a_socket_cancels_its_waiting_send(session, aloop, qtbot):
    push = session.create_socket("PUSH")
    push.bind(ANY_PORT)
    task = aloop.create_task(push.send([b"never"]))
    qtbot.waitUntil(lambda: push.send_waiting, timeout=WAIT_MS)
    push.close()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.cancelled()


def test_session_close_is_quick_with_thousands_of_undelivered_messages(
    session, aloop, qtbot, tmp_path
):
    dealers = []
    for index in range(3):
        dealer = session.create_socket("DEALER")
        dealer.socket.setsockopt(zmq.SNDHWM, 5000)
        dealer.connect(f"ipc://{tmp_path}/absent-{index}.ipc")  # nobody will ever bind it
        dealers.append(dealer)
    waiting = session.create_socket("PUSH")
    waiting.bind(ANY_PORT)
    payload = b"x" * 1024

    async def fill() -> None:
        for dealer in dealers:
            for _ in range(4000):
                await dealer.send([payload])

    run(aloop, qtbot, fill(), timeout=15000)
    assert sum(d.sent for d in dealers) == 12_000
    pending = aloop.create_task(waiting.send([b"waits forever"]))
    qtbot.waitUntil(lambda: waiting.send_waiting, timeout=WAIT_MS)

    start = time.perf_counter()
    session.close()
    elapsed = time.perf_counter() - start
    # a close that waited for the queued sends would wait forever (no peer reads them)
    assert elapsed < 5.0, f"Session.close() took {elapsed:.2f} s"
    assert session.closed and session.sockets == [] and all(d.closed for d in dealers)
    qtbot.waitUntil(pending.done, timeout=WAIT_MS)
    assert pending.cancelled()
    session.close()  # twice is harmless


# -- traffic in the store --------------------------------------------------------------------


def test_traffic_is_recorded_in_and_out_in_order(session, aloop, qtbot):
    a, b = linked(session, "PAIR", "PAIR", "inproc://zinspect-order")
    received = []
    session.on_received.append(lambda handle, count: received.append((handle.name, count)))
    send(aloop, qtbot, b, b"one")
    qtbot.waitUntil(lambda: a.received == 1, timeout=WAIT_MS)
    send(aloop, qtbot, a, b"two", b"", b"\x00\xff")  # multipart, empty and binary frames kept
    qtbot.waitUntil(lambda: b.received == 1, timeout=WAIT_MS)
    send(aloop, qtbot, b, b"three")
    qtbot.waitUntil(lambda: a.received == 2, timeout=WAIT_MS)
    got = [(m.socket, m.direction, m.frames) for m in session.store]
    assert got == [
        ("pair-2", OUT, [b"one"]),
        ("pair-1", IN, [b"one"]),
        ("pair-1", OUT, [b"two", b"", b"\x00\xff"]),
        ("pair-2", IN, [b"two", b"", b"\x00\xff"]),
        ("pair-2", OUT, [b"three"]),
        ("pair-1", IN, [b"three"]),
    ]
    assert [m.seq for m in session.store] == list(range(6))
    times = [m.time for m in session.store]
    assert times == sorted(times)
    assert (session.store.received, session.store.sent) == (3, 3)
    assert (a.sent, a.received, b.sent, b.received) == (1, 2, 2, 1)
    assert received == [("pair-1", 1), ("pair-2", 1), ("pair-1", 1)]
