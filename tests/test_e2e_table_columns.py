"""The traffic table's Peer, Topic and Δ topic columns against real peer processes: DEALER
clients talking to a ROUTER, and the weather publisher's updates."""

from __future__ import annotations

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT, WAIT_MS
from table_helpers import cells, choose, column_by_title, header_menu
from ui_actions import PEER_WAIT_MS

pytestmark = pytest.mark.e2e


def show(qtbot, window, title: str) -> None:
    choose(header_menu(qtbot, window), title)
    column = column_by_title(window, title)
    qtbot.waitUntil(lambda: not window.traffic.view.isColumnHidden(column), timeout=WAIT_MS)


def test_peer_and_topic_columns_of_a_router_s_clients(window, user, qtbot, peer):
    server = user.create("ROUTER", "server")
    address = user.bind(ANY_PORT)
    PeerOutput(peer("dealer_client.py", address, "2", "--identity", "alpha"))
    qtbot.waitUntil(lambda: server.received == 2, timeout=PEER_WAIT_MS)
    user.wait_rows(2)
    show(qtbot, window, "Peer")
    show(qtbot, window, "Topic")
    peers = cells(window, "Peer")
    # the host libzmq reports, then the routing id (as the Message pane says it)
    assert peers == ["127.0.0.1, routing id alpha"] * 2
    assert cells(window, "Topic") == ["alpha", "alpha"]  # a multipart message: frame 1
    user.click_row(0)
    assert user.detail_field("peer") == "127.0.0.1, routing id alpha"


def test_time_on_topic_counts_from_the_previous_update_of_the_same_zip_code(
    window, user, peer, qtbot
):
    out = start_peer(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "300")
    endpoint = out.line("ready").split()[1]
    user.create("SUB", "weather")
    user.connect(endpoint)
    user.subscribe("10001")  # one zip code: every update after the first has a previous
    user.wait_rows(3, timeout=PEER_WAIT_MS)
    window.traffic.pause_action.trigger()
    show(qtbot, window, "Δ topic")
    show(qtbot, window, "Topic")
    assert set(cells(window, "Topic")) == {"10001"}
    since = cells(window, "Δ topic")
    assert since[0] is None  # the first update seen has none before it
    assert all(text.startswith("+") and text.endswith(" s") for text in since[1:])
