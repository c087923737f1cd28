"""Who sent a tapped message. A reviewer selected a server -> client row of a tap and the
Message pane's Peer read "— (sent by this socket)": the tap's front only passed the server's
reply on. Tapped rows now name who spoke: the server at the tap's upstream endpoint, or the
client (its address, and its routing id on request/reply), the same in the table's Peer
column, the Message pane and a CSV export; real server and client processes each side."""

from __future__ import annotations

import csv

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT
from table_helpers import cells, choose, column_by_title, header_menu
from ui_actions import PEER_WAIT_MS, WAIT_MS, fill_tap_window, tap_window

from zinspect.ui.traffic.columns import TAP_IN, TAP_OUT

pytestmark = pytest.mark.e2e


def start_tap(window, user, qtbot, pattern: str, upstream: str, name: str) -> str:
    """Start a tap through the Tap window; its front endpoint (where clients connect)."""
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, pattern, ANY_PORT, upstream, name)
    user.click(dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    assert dialog.tap is not None and dialog.tap.front is not None
    user.click(dialog.close_button)
    return dialog.tap.front.endpoints[0].address


def show_peer_column(qtbot, window) -> None:
    choose(header_menu(qtbot, window), "Peer")
    column = column_by_title(window, "Peer")
    qtbot.waitUntil(lambda: not window.traffic.view.isColumnHidden(column), timeout=WAIT_MS)


def test_request_reply_rows_name_the_client_and_the_server_everywhere(
    window, user, qtbot, peer, tmp_path
):
    server = start_peer(peer, qtbot, "rep_server.py", ANY_PORT, "World", "--count", 2)
    upstream = server.line("ready").split()[1]
    front = start_tap(window, user, qtbot, "reqrep", upstream, "words")
    client = PeerOutput(peer("dealer_client.py", front, 2, "--identity", "alice", "--envelope"))
    qtbot.waitUntil(lambda: client.has("reply") and len(user.rows()) == 4, timeout=PEER_WAIT_MS)
    rows = user.rows()
    assert sorted(r.direction for r in rows) == sorted([TAP_IN, TAP_OUT] * 2)
    from_client = "client 127.0.0.1, routing id alice"
    from_server = f"server {upstream}, to client routing id alice"
    expected = [from_client if r.direction == TAP_IN else from_server for r in rows]

    show_peer_column(qtbot, window)
    assert cells(window, "Peer") == expected
    for row, words in enumerate(expected):
        user.click_row(row)
        assert user.detail_field("peer") == words
        assert "sent by this socket" not in user.detail_field("peer")
    assert "server at the tap's upstream endpoint" in window.detail._fields["peer"].toolTip()

    path = tmp_path / "tap.csv"
    window.capture.export_csv_action.trigger()
    dialog = window.capture.file_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        dialog.selectFile(str(path))  # as a user types the name and presses Save
        dialog.accept()
    with open(path, encoding="utf-8-sig", newline="") as file:
        exported = list(csv.DictReader(file))
    assert [line["peer"] for line in exported] == expected
    assert [line["socket"] for line in exported] == ["words"] * 4


def test_publish_subscribe_rows_name_the_publisher_and_the_subscriber(window, user, qtbot, peer):
    server = start_peer(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "200")
    upstream = server.line("ready").split()[1]
    front = start_tap(window, user, qtbot, "pubsub", upstream, "weather-tap")
    PeerOutput(peer("sub_client.py", front, "10001", 2))
    user.wait_rows(3, timeout=PEER_WAIT_MS)  # the subscription, then updates
    rows = user.rows()
    first_update = next(i for i, r in enumerate(rows) if r.direction == TAP_OUT)
    subscription = next(i for i, r in enumerate(rows) if r.direction == TAP_IN)
    user.click_row(first_update)
    assert user.detail_field("direction") == "server → client"
    assert user.detail_field("peer") == f"server {upstream}"  # the publisher, not the tap
    user.click_row(subscription)
    assert user.detail_field("direction") == "client → server"
    assert user.detail_field("peer") == "client 127.0.0.1"
    show_peer_column(qtbot, window)
    peers = cells(window, "Peer")
    assert peers[first_update] == f"server {upstream}"
    assert peers[subscription] == "client 127.0.0.1"


def test_a_plain_socket_s_sent_rows_keep_their_words(window, user, qtbot, peer):
    """Not a tap: what a socket sent itself is still "sent by this socket"."""
    push = user.create("PUSH", "plain")
    sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, 1, "--quiet")
    user.connect(sink.line("ready").split()[1])
    user.compose("hello")
    user.click_send()
    qtbot.waitUntil(lambda: push.sent == 1, timeout=PEER_WAIT_MS)
    user.wait_rows(1)
    user.click_row(0)
    assert user.detail_field("peer") == "— (sent by this socket)"
