"""Peer details: the address each received message came from, shown in the
detail pane, and a ROUTER's peer table, against real DEALER client processes."""

from __future__ import annotations

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT, WAIT_MS

from zinspect.core.sockets.peers import PeerAddresses

pytestmark = pytest.mark.e2e


def test_peer_address_runs_find_each_message_s_peer():
    runs = PeerAddresses(limit=3)
    runs.note("s", 10, [(0, "a"), (2, "b")])  # seqs 10, 11 from a; 12… from b
    runs.note("s", 20, [(0, "b"), (1, "c")])  # b again is the same run
    assert [runs.address_of("s", seq) for seq in (9, 10, 11, 12, 20, 21, 99)] == [
        "",
        "a",
        "a",
        "b",
        "b",
        "c",
        "c",
    ]
    runs.note("s", 30, [(0, "d")])  # past the limit: the oldest run is forgotten
    assert runs.address_of("s", 10) == "" and runs.address_of("s", 30) == "d"
    assert runs.address_of("other", 10) == ""


def test_router_shows_each_peer_and_the_detail_pane_its_address(window, user, qtbot, peer):
    server = user.create("ROUTER", "server")
    address = user.bind(ANY_PORT)
    clients = {
        name: PeerOutput(peer("dealer_client.py", address, "2", "--identity", name))
        for name in ("alpha", "beta")
    }
    qtbot.waitUntil(lambda: server.received == 4, timeout=WAIT_MS)
    table = window.sockets.peer_table
    assert window.sockets.peers_group.isVisibleTo(window)
    qtbot.waitUntil(lambda: table.model.rowCount() == 2, timeout=WAIT_MS)
    rows = {
        table.model.index(r, 0).data(): [table.model.index(r, c).data() for c in range(6)]
        for r in range(2)
    }
    assert set(rows) == {"alpha", "beta"}
    assert rows["alpha"][1] == "127.0.0.1" and rows["alpha"][4:] == ["2", "0"]

    user.click_row(0)
    # both clients still connected from one host: the routing id tells which (and one
    # that left already leaves the other alone on its host)
    assert user.detail_field("peer") in {
        text
        for name in ("alpha", "beta")
        for text in (
            f"127.0.0.1, routing id {name}",
            f"one of 2 connections from 127.0.0.1, routing id {name} (it tells which)",
        )
    }
    # answering a peer counts in its row
    user.compose("alpha", "hi")
    user.click_send()
    qtbot.waitUntil(lambda: clients["alpha"].has("reply hi"), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            {table.model.index(r, 0).data(): table.model.index(r, 5).data() for r in range(2)}
            == {"alpha": "1", "beta": "0"}
        ),
        timeout=WAIT_MS,
    )


def test_inproc_and_sent_messages_say_they_have_no_address(window, user, qtbot):
    pull = user.create("PULL", "sink")
    user.bind("inproc://no-address")
    push = window.session.create_socket("PUSH", "source")
    push.connect("inproc://no-address")
    push.send_now([b"x"])
    user.select(pull)
    user.wait_rows(2)
    user.click_row(1)
    assert user.detail_field("peer") == "no address (inproc, or not reported)"
    user.click_row(0)
    assert user.detail_field("peer") == "— (sent by this socket)"
    assert not window.sockets.peers_group.isVisibleTo(window)
