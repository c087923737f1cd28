"""Where each received message came from stays exact while the receive path asks libzmq
only once per batch when the socket has a single connection.

Peers connect from 127.0.0.1 and from 127.0.0.2 (libzmq's ``source;destination`` tcp
address), so their messages carry different Peer-Address values.
"""

from __future__ import annotations

from zinspect.core.store import IN

WAIT_MS = 20_000


def addresses(session, handle) -> list[tuple[bytes, str]]:
    _, rows = session.store.rows(session.store.first_seq, session.store.end_seq)
    first = session.store.first_seq
    return [
        (row[4], session.peer_addresses.address_of(handle.name, first + index))
        for index, row in enumerate(rows)
        if row[1] == handle.name and row[2] == IN
    ]


def test_messages_from_two_hosts_keep_their_own_address(aloop, qtbot, session, sender):
    pull = session.create_socket("PULL")
    address = pull.bind("tcp://127.0.0.1:*").address
    one = sender(address)
    for n in range(300):  # one connection: asked once a batch
        one.send(b"a%d" % n)
    qtbot.waitUntil(lambda: pull.received == 300, timeout=WAIT_MS)
    two = sender(address, source="127.0.0.2")
    qtbot.waitUntil(lambda: pull.monitor.peers == 2, timeout=WAIT_MS)
    for n in range(2000):  # two connections, messages interleaved by PULL's fair queue
        one.send(b"a%d" % n)
        two.send(b"b%d" % n)
    qtbot.waitUntil(lambda: pull.received == 4300, timeout=WAIT_MS)
    one.close()
    qtbot.waitUntil(lambda: pull.monitor.peers == 1, timeout=WAIT_MS)
    for n in range(300):  # one connection again, the other host
        two.send(b"b%d" % n)
    qtbot.waitUntil(lambda: pull.received == 4600, timeout=WAIT_MS)
    seen = addresses(session, pull)
    assert len(seen) == 4600
    wrong = [
        (data, peer)
        for data, peer in seen
        if peer != {b"a": "127.0.0.1", b"b": "127.0.0.2"}[data[:1]]
    ]
    assert wrong == []
