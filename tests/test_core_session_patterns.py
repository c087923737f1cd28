"""The core Session on a live loop, messaging patterns: subscriptions (SUB, XSUB to XPUB),
receive-only types refusing to send, REQ/REP lock-step, and ROUTER/DEALER routing ids.

Runs on the ``session`` + ``aloop`` fixtures (a qasync loop driven while qtbot waits). The
other Session topics are in the sibling tests/test_core_session_*.py files.
"""

from __future__ import annotations

import asyncio

import pytest
import zmq
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.codecs import encode_frame, message_summary
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.core.store import OUT

# -- subscriptions -------------------------------------------------------------------------


def publish_until_seen(aloop, qtbot, pub: SocketHandle, sub: SocketHandle, sentinel: bytes) -> None:
    """Publish the sentinel until the SUB has it: subscriptions travel to the publisher
    asynchronously, and everything sent before it arrives is lost (the slow joiner)."""

    async def keep_publishing() -> None:
        start = sub.received
        while sub.received == start:
            await pub.send([sentinel])
            await asyncio.sleep(0.01)

    run(aloop, qtbot, keep_publishing())


def test_sub_receives_only_what_matches_its_subscriptions(session, aloop, qtbot):
    pub, sub = linked(session, "PUB", "SUB")
    assert "receives nothing" in sub.subscription_hint
    sub.subscribe(b"10001")
    sub.subscribe(encode_frame("00 ff", "hex"))
    sub.subscribe(b"sentinel")
    assert sub.subscription_hint == ""
    assert sub.subscriptions == [b"10001", b"\x00\xff", b"sentinel"]
    publish_until_seen(aloop, qtbot, pub, sub, b"sentinel")
    before = len(traffic(session, sub))
    for message in (
        b"10001 20 30",
        b"99999 1 2",
        b"\x00\xff\x01",
        b"\x00\xfe",
        b"1000 5",
        b"10001 21 31",
        b"sentinel end",
    ):
        send(aloop, qtbot, pub, message)
    qtbot.waitUntil(lambda: traffic(session, sub)[-1] == [b"sentinel end"], timeout=WAIT_MS)
    assert traffic(session, sub)[before:] == [
        [b"10001 20 30"],
        [b"\x00\xff\x01"],
        [b"10001 21 31"],
        [b"sentinel end"],
    ]


def test_empty_subscription_receives_everything(session, aloop, qtbot):
    pub, sub = linked(session, "PUB", "SUB")
    sub.subscribe(b"")
    publish_until_seen(aloop, qtbot, pub, sub, b"sentinel")
    before = len(traffic(session, sub))
    for message in (b"anything", b"\x00binary", b"", b"last"):
        send(aloop, qtbot, pub, message)
    qtbot.waitUntil(lambda: traffic(session, sub)[-1] == [b"last"], timeout=WAIT_MS)
    assert traffic(session, sub)[before:] == [[b"anything"], [b"\x00binary"], [b""], [b"last"]]


def test_unsubscribe_stops_those_messages(session, aloop, qtbot):
    # an XPUB publisher tells us when the unsubscription has reached it
    xpub, sub = linked(session, "XPUB", "SUB")
    sub.subscribe(b"news")
    sub.subscribe(b"sentinel")
    qtbot.waitUntil(lambda: xpub.received == 2, timeout=WAIT_MS)
    send(aloop, qtbot, xpub, b"news 1")
    qtbot.waitUntil(lambda: sub.received == 1, timeout=WAIT_MS)
    sub.unsubscribe(b"news")
    assert sub.subscriptions == [b"sentinel"]
    qtbot.waitUntil(lambda: xpub.received == 3, timeout=WAIT_MS)
    assert traffic(session, xpub)[-1] == [b"\x00news"]
    send(aloop, qtbot, xpub, b"news 2")
    send(aloop, qtbot, xpub, b"sentinel")
    qtbot.waitUntil(lambda: sub.received == 2, timeout=WAIT_MS)
    assert traffic(session, sub) == [[b"news 1"], [b"sentinel"]]


def test_subscription_mistakes_are_refused(session):
    sub = session.create_socket("SUB")
    sub.subscribe(b"a")
    with pytest.raises(SocketError, match="Already subscribed to that prefix"):
        sub.subscribe(b"a")
    with pytest.raises(SocketError, match="Not subscribed to that prefix"):
        sub.unsubscribe(b"b")
    for type_name in ("PUB", "XPUB", "REQ", "PULL"):
        with pytest.raises(
            SocketError, match=f"Only SUB and XSUB sockets subscribe; this is {type_name}"
        ):
            session.create_socket(type_name).subscribe(b"x")


def test_xsub_subscriptions_reach_an_xpub_which_records_them(session, aloop, qtbot):
    xsub = session.create_socket("XSUB")
    xsub.subscribe(b"early")  # before any connection: delivered once it connects
    xpub = session.create_socket("XPUB")
    xsub.connect(xpub.bind(ANY_PORT).address)
    xsub.subscribe(b"weather")
    xsub.subscribe(b"")
    xsub.unsubscribe(b"weather")
    qtbot.waitUntil(lambda: xpub.received == 4, timeout=WAIT_MS)
    assert traffic(session, xpub) == [[b"\x01early"], [b"\x01weather"], [b"\x01"], [b"\x00weather"]]
    assert traffic(session, xsub, OUT) == traffic(session, xpub)
    assert [message_summary(f, "XPUB") for f in traffic(session, xpub)] == [
        "subscribe 'early'",
        "subscribe 'weather'",
        "subscribe (everything)",
        "unsubscribe 'weather'",
    ]
    assert xsub.subscriptions == [b"early", b""]
    # and the XPUB's data now reaches the XSUB
    send(aloop, qtbot, xpub, b"hello")
    qtbot.waitUntil(lambda: xsub.received == 1, timeout=WAIT_MS)


def test_receive_only_types_refuse_to_send_with_a_hint(session, aloop, qtbot):
    for type_name, words in (("SUB", "use XSUB to send subscriptions"), ("PULL", "only receives")):
        handle = session.create_socket(type_name)
        assert handle.can_send_now == (False, SOCKET_TYPES[type_name].send_hint)
        with pytest.raises(SocketError, match=words):
            send(aloop, qtbot, handle, b"x")


# -- REQ/REP lock-step ------------------------------------------------------------------------


def test_req_second_send_is_refused_with_the_lock_step_reason(session, aloop, qtbot):
    rep, req = linked(session, "REP", "REQ")
    assert req.can_send_now == (True, "") and not req.awaiting_reply
    send(aloop, qtbot, req, b"Hello")
    assert req.awaiting_reply
    ok, reason = req.can_send_now
    assert not ok and "strict lock-step" in reason
    with pytest.raises(SocketError) as info:
        send(aloop, qtbot, req, b"again")
    message = str(info.value)
    assert "waiting for the reply" in message and "lock-step" in message
    assert "Operation cannot be accomplished" not in message and "EFSM" not in message
    assert req.sent == 1 and traffic(session, req, OUT) == [[b"Hello"]]

    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    send(aloop, qtbot, rep, b"World")
    qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    assert traffic(session, req) == [[b"World"]]
    send(aloop, qtbot, req, b"Hello again")  # its turn again


def test_rep_must_receive_before_it_replies(session, aloop, qtbot):
    rep, req = linked(session, "REP", "REQ")
    ok, reason = rep.can_send_now
    assert not ok and reason == "REP must receive a request before it can send a reply."
    with pytest.raises(SocketError, match="REP must receive a request"):
        send(aloop, qtbot, rep, b"too early")
    send(aloop, qtbot, req, b"Hello")
    qtbot.waitUntil(lambda: rep.can_send_now[0], timeout=WAIT_MS)
    send(aloop, qtbot, rep, b"World")
    with pytest.raises(SocketError, match="REP must receive a request"):
        send(aloop, qtbot, rep, b"second reply")


def test_rep_takes_one_request_at_a_time(session, aloop, qtbot):
    """Two clients ask at once: REP receives the second only after answering the first."""
    rep = session.create_socket("REP")
    endpoint = rep.bind(ANY_PORT).address
    clients = [session.create_socket("REQ") for _ in range(2)]
    for client in clients:
        client.connect(endpoint)
        send(aloop, qtbot, client, client.name.encode())
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    qtbot.wait(50)  # give the second request every chance to arrive (it must not be taken)
    assert rep.received == 1
    send(aloop, qtbot, rep, b"first answer")
    qtbot.waitUntil(lambda: rep.received == 2, timeout=WAIT_MS)
    send(aloop, qtbot, rep, b"second answer")
    qtbot.waitUntil(lambda: all(c.received == 1 for c in clients), timeout=WAIT_MS)


# -- ROUTER / DEALER ------------------------------------------------------------------------


def test_router_records_dealer_routing_ids_and_replies(session, aloop, qtbot):
    router = session.create_socket("ROUTER")
    endpoint = router.bind(ANY_PORT).address
    alice = session.create_socket("DEALER", "alice")
    alice.socket.setsockopt(zmq.ROUTING_ID, b"alice")
    anonymous = session.create_socket("DEALER")
    changed = []
    session.on_socket_changed.append(changed.append)
    for dealer in (alice, anonymous):
        dealer.connect(endpoint)
        send(aloop, qtbot, dealer, b"hi from " + dealer.name.encode())
    qtbot.waitUntil(lambda: router.received == 2, timeout=WAIT_MS)
    ids = list(router.routing_ids)
    assert len(ids) == 2 and b"alice" in ids
    generated = next(i for i in ids if i != b"alice")
    assert generated[:1] == b"\x00" and len(generated) == 5  # libzmq's generated ids
    assert router in changed  # the UI hears about new peers
    assert sorted(traffic(session, router)) == sorted(
        [[b"alice", b"hi from alice"], [generated, b"hi from dealer-1"]]
    )

    send(aloop, qtbot, router, b"alice", b"back to you")
    send(aloop, qtbot, router, generated, b"and you")
    qtbot.waitUntil(lambda: alice.received == 1 and anonymous.received == 1, timeout=WAIT_MS)
    assert traffic(session, alice) == [[b"back to you"]]
    assert traffic(session, anonymous) == [[b"and you"]]


def test_router_send_needs_a_routing_id_frame(session, aloop, qtbot):
    router = session.create_socket("ROUTER")
    with pytest.raises(SocketError, match="needs the peer's routing id"):
        send(aloop, qtbot, router, b"just data")
    with pytest.raises(SocketError, match="at least one frame"):
        send(aloop, qtbot, router)


def test_router_send_to_an_unknown_peer_fails_in_words(session, aloop, qtbot):
    router = session.create_socket("ROUTER")
    router.bind(ANY_PORT)
    with pytest.raises(SocketError, match="No peer with routing id b'nobody' is connected"):
        send(aloop, qtbot, router, b"nobody", b"hello?")
    assert router.sent == 0
