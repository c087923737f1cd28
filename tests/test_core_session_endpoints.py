"""The core Session on a live loop, creating sockets and their endpoints: every standard
type, names and unknown or draft types refused in words, binds and connects over tcp, ipc,
inproc and IPv6, wildcard ports resolved, unbind and disconnect, and endpoints already in
use refused in words.

Runs on the ``session`` + ``aloop`` fixtures (a qasync loop driven while qtbot waits). The
other Session topics are in the sibling tests/test_core_session_*.py files.
"""

from __future__ import annotations

import asyncio
import re
import socket as pysocket

import pytest
import zmq
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_types import SOCKET_TYPES, STANDARD_TYPES


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
