"""The core Session on a live loop: sockets of every type, endpoints, subscriptions, lock-step,
waiting sends, routing ids, closing, and the traffic that lands in the store.

Runs on the ``session`` + ``aloop`` fixtures (a qasync loop driven while qtbot waits).
"""

from __future__ import annotations

import asyncio
import re
import socket as pysocket
import time

import pytest
import zmq
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.codecs import encode_frame, message_summary
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import SOCKET_TYPES, STANDARD_TYPES
from zinspect.core.store import IN, OUT


def ipv6_loopback_available() -> bool:
    if not pysocket.has_ipv6:
        return False
    try:
        with pysocket.socket(pysocket.AF_INET6, pysocket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


# -- creating sockets -----------------------------------------------------------------------


def test_every_standard_type_can_be_created_with_linger_zero(session):
    added = []
    session.on_socket_added.append(added.append)
    for type_name in STANDARD_TYPES:
        handle = session.create_socket(type_name)
        assert handle.type_name == type_name
        assert handle.name == f"{type_name.lower()}-1"
        assert handle.socket.getsockopt(zmq.LINGER) == 0
        assert handle.socket.getsockopt(zmq.TYPE) == SOCKET_TYPES[type_name].zmq_type
        assert not handle.closed and handle.endpoints == []
    assert [h.type_name for h in added] == list(STANDARD_TYPES)
    assert session.sockets == added


def test_names_are_suggested_per_type_and_must_be_unique(session):
    assert session.create_socket("SUB").name == "sub-1"
    assert session.create_socket("sub").name == "sub-2"  # type names are case-insensitive
    assert session.create_socket("PUB").name == "pub-1"
    assert session.create_socket("SUB", "  weather  ").name == "weather"
    session.create_socket("SUB", "sub-3")
    assert session.create_socket("SUB").name == "sub-4"  # a taken name is skipped
    with pytest.raises(SocketError, match="A socket named 'weather' exists already"):
        session.create_socket("PUB", "weather")
    assert session.socket_named("weather").type_name == "SUB"
    assert session.socket_named("nobody") is None


def test_unknown_type_is_refused_with_the_valid_names(session):
    with pytest.raises(SocketError) as info:
        session.create_socket("BROKER")
    assert "unknown socket type 'BROKER'" in str(info.value)
    assert "PUB" in str(info.value) and "ROUTER" in str(info.value)
    assert session.sockets == []


def test_draft_type_is_refused_with_a_reason_when_libzmq_lacks_drafts(session):
    info = SOCKET_TYPES["CLIENT"]
    if info.available:
        assert session.create_socket("CLIENT").type_name == "CLIENT"
        return
    with pytest.raises(SocketError) as error:
        session.create_socket("CLIENT")
    assert "CLIENT is a draft socket type" in str(error.value)
    assert "built without the draft API" in str(error.value)
    assert session.sockets == []


def test_a_closed_session_refuses_new_sockets(aloop):
    session = Session()
    session.close()
    with pytest.raises(SocketError, match="The session is closed"):
        session.create_socket("PUB")


# -- endpoints -------------------------------------------------------------------------------


def test_bind_wildcard_port_resolves_the_real_port(session, aloop, qtbot):
    changed = []
    session.on_socket_changed.append(changed.append)
    rep = session.create_socket("REP")
    entry = rep.bind(ANY_PORT)
    assert entry.requested == ANY_PORT
    assert re.fullmatch(r"tcp://127\.0\.0\.1:\d+", entry.address)
    assert entry.bound and entry.kind == "bind"
    assert rep.endpoints == [entry]
    assert changed == [rep]
    # the resolved address is the one a peer can use
    req = session.create_socket("REQ")
    connected = req.connect(entry.address)
    assert connected.kind == "connect" and connected.address == entry.address
    send(aloop, qtbot, req, b"Hello")
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)


def test_bad_endpoint_is_refused_in_words_and_changes_nothing(session):
    pull = session.create_socket("PULL")
    with pytest.raises(SocketError, match="Port 99999 is out of range"):
        pull.connect("tcp://127.0.0.1:99999")
    with pytest.raises(SocketError, match="connect needs a port number"):
        pull.connect(ANY_PORT)
    with pytest.raises(SocketError, match="Enter an endpoint to bind to"):
        pull.bind("")
    assert pull.endpoints == []


def wait_until_bindable(qtbot, session: Session, address: str) -> None:
    """libzmq closes an unbound listener in its I/O thread: soon, not at once."""
    other = session.create_socket("PULL")

    def port_free() -> bool:
        try:
            other.bind(address)
        except SocketError as error:
            assert "Address already in use" in str(error)
            return False
        return True

    qtbot.waitUntil(port_free, timeout=WAIT_MS)


def test_unbind_a_wildcard_bind_by_its_resolved_address_frees_the_port(session, qtbot):
    pull = session.create_socket("PULL")
    entry = pull.bind(ANY_PORT)
    pull.detach(entry)
    assert pull.endpoints == []
    wait_until_bindable(qtbot, session, entry.address)


def test_unbind_an_all_interfaces_wildcard_bind(session, qtbot):
    pull = session.create_socket("PULL")
    entry = pull.bind("tcp://*:*")
    assert re.fullmatch(r"tcp://0\.0\.0\.0:\d+", entry.address)
    pull.detach(entry)
    assert pull.endpoints == []
    wait_until_bindable(qtbot, session, entry.address)


def test_disconnect_stops_delivery_to_that_peer(session, aloop, qtbot):
    push, pull = linked(session, "PUSH", "PULL")
    send(aloop, qtbot, push, b"before")
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    (entry,) = pull.endpoints
    pull.detach(entry)
    assert pull.endpoints == []

    # with its only peer gone, the PUSH soon has nobody to hand a message to (until it sees
    # the connection close, a message may still go into the dying pipe and be lost)
    async def send_until_one_waits() -> asyncio.Task:
        while True:
            attempt = asyncio.ensure_future(push.send([b"after"]))
            await asyncio.sleep(0.01)
            if not attempt.done():
                return attempt

    task = run(aloop, qtbot, send_until_one_waits())
    assert push.send_waiting
    assert push.cancel_send()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.cancelled()
    assert traffic(session, pull) == [[b"before"]]


def test_bind_to_a_port_in_use_says_so_in_words(session):
    first = session.create_socket("PULL")
    entry = first.bind(ANY_PORT)
    second = session.create_socket("PULL")
    with pytest.raises(SocketError) as info:
        second.bind(entry.address)
    assert str(info.value).startswith("Address already in use")
    assert second.endpoints == []


def test_bind_to_a_port_another_program_holds(session):
    with pysocket.socket(pysocket.AF_INET, pysocket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        pull = session.create_socket("PULL")
        with pytest.raises(SocketError, match="^Address already in use"):
            pull.bind(f"tcp://127.0.0.1:{port}")


def test_second_bind_or_connect_of_the_same_endpoint_is_refused(session):
    pull = session.create_socket("PULL")
    entry = pull.bind(ANY_PORT)
    with pytest.raises(SocketError, match=f"Already bound to {re.escape(entry.address)}"):
        pull.bind(entry.address)
    push = session.create_socket("PUSH")
    push.connect(entry.address)
    with pytest.raises(SocketError, match="Already connected to"):
        push.connect(f"  {entry.address} ")
    # a new wildcard bind is a new port, not a duplicate
    again = pull.bind(ANY_PORT)
    assert again.address != entry.address and len(pull.endpoints) == 2


def test_ipc_endpoints_in_a_temporary_directory(session, aloop, qtbot, tmp_path):
    path = tmp_path / "zinspect.ipc"
    pull, push = linked(session, "PULL", "PUSH", f"ipc://{path}")
    assert pull.endpoints[0].address == f"ipc://{path}"
    assert path.exists()
    send(aloop, qtbot, push, b"over ipc")
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"over ipc"]]


def test_ipc_wildcard_bind_resolves_a_path(session):
    pull = session.create_socket("PULL")
    entry = pull.bind("ipc://*")
    assert entry.address.startswith("ipc://") and entry.address != "ipc://*"
    pull.detach(entry)


def test_ipc_bind_in_a_missing_directory_says_why(session, tmp_path):
    pull = session.create_socket("PULL")
    with pytest.raises(SocketError, match="directory does not exist"):
        pull.bind(f"ipc://{tmp_path}/missing/dir.ipc")


def test_inproc_endpoints(session, aloop, qtbot):
    pair_a, pair_b = linked(session, "PAIR", "PAIR", "inproc://zinspect-test-pair")
    assert pair_a.endpoints[0].address == "inproc://zinspect-test-pair"
    send(aloop, qtbot, pair_b, b"ping")
    qtbot.waitUntil(lambda: pair_a.received == 1, timeout=WAIT_MS)
    send(aloop, qtbot, pair_a, b"pong")
    qtbot.waitUntil(lambda: pair_b.received == 1, timeout=WAIT_MS)
    with pytest.raises(SocketError, match="Address already in use"):
        session.create_socket("PAIR").bind("inproc://zinspect-test-pair")


@pytest.mark.skipif(not ipv6_loopback_available(), reason="no IPv6 loopback on this machine")
def test_ipv6_bind_and_connect(session, aloop, qtbot):
    pull, push = linked(session, "PULL", "PUSH", "tcp://[::1]:*")
    assert re.fullmatch(r"tcp://\[::1\]:\d+", pull.endpoints[0].address)
    send(aloop, qtbot, push, b"over IPv6")
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)


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
    assert elapsed < 1.0, f"Session.close() took {elapsed:.2f} s"
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
