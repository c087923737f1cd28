"""The row menu's "Filter to peer" wherever the row's peer is known: on a socket with
connections from several hosts it names the host libzmq reported (Peer-Address) and shows
only what came from it, with a chip that removes it; where no peer is known (a sent
message, inproc) the entry is not there at all."""

from __future__ import annotations

import pytest
import zmq
from table_helpers import choose, put, row_menu
from ui_actions import PEER_WAIT_MS, WAIT_MS, click

from zinspect.core.store import IN

COUNT = 5


@pytest.fixture
def two_hosts(window, user, qtbot):
    """A PULL in the window, fed by a PUSH from 127.0.0.1 and one from 127.0.0.2."""
    pull = user.create("PULL", "sink")
    address = user.bind("tcp://127.0.0.1:*")
    context = zmq.Context()
    pushes = []
    for source, tag in (("", b"one"), ("127.0.0.2", b"two")):
        sock = context.socket(zmq.PUSH)
        sock.linger = 0
        sock.connect(f"tcp://{source}:0;{address[len('tcp://') :]}" if source else address)
        pushes.append(sock)
        for n in range(COUNT):
            sock.send(b"%s %d" % (tag, n))
        qtbot.waitUntil(lambda: pull.received == COUNT * len(pushes), timeout=PEER_WAIT_MS)
    yield pull
    for sock in pushes:
        sock.close()
    context.term()


def peer_entries(menu) -> list[str]:
    return [a.text() for a in menu.actions() if a.text().startswith("Filter to peer")]


def row_of(user, text: bytes) -> int:
    return next(i for i, row in enumerate(user.rows()) if row.frames[0] == text)


def test_filter_to_peer_shows_what_came_from_that_host(window, user, qtbot, two_hosts):
    user.wait_rows(2 * COUNT)
    traffic = window.traffic
    menu = row_menu(qtbot, window, row_of(user, b"two 0"))
    assert peer_entries(menu) == ["Filter to peer 127.0.0.2"]
    choose(menu, "Filter to peer 127.0.0.2")
    qtbot.waitUntil(lambda: traffic.model.rowCount() == COUNT, timeout=WAIT_MS)
    assert {row.frames[0][:3] for row in user.rows()} == {b"two"}
    chip = traffic.topic_chip
    assert chip.isVisible() and chip.text() == "peer: 127.0.0.2 ✕"
    assert traffic.socket_combo.currentData() == "sink"
    click(qtbot, chip)  # everything again, of every socket
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 2 * COUNT, timeout=WAIT_MS)
    assert not chip.isVisible() and traffic.socket_combo.currentData() is None


def test_the_other_host_is_its_own_peer(window, user, qtbot, two_hosts):
    user.wait_rows(2 * COUNT)
    menu = row_menu(qtbot, window, row_of(user, b"one 0"))
    choose(menu, "Filter to peer 127.0.0.1")
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == COUNT, timeout=WAIT_MS)
    assert {row.frames[0][:3] for row in user.rows()} == {b"one"}


def test_no_peer_entry_where_the_peer_is_not_known(window, user, qtbot):
    put(window, [b"from inproc"], socket="sub")  # no address was reported for it
    user.wait_rows(1)
    menu = row_menu(qtbot, window, 0)
    assert peer_entries(menu) == [] and "Filter to this peer" not in [
        a.text() for a in menu.actions()
    ]
    menu.close()
    assert window.session.store.get(window.session.store.first_seq).direction == IN
