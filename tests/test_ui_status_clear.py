"""The status bar after Clear traffic: a reviewer cleared the table, more traffic came, and
read "in 125" in the status bar beside the table's "101 messages", as if one of them were
wrong. The in and out counts are the session's totals (as the sockets list's counts are),
so they keep counting through a Clear and now say so ("session: in 226"); what the store
holds ("stored 101") starts again with the table, and the tooltip says which is which."""

from __future__ import annotations

import re

from peerio import start_peer
from ui_actions import PEER_WAIT_MS, WAIT_MS


def figures(text: str) -> dict[str, int]:
    """ "session: in 226 (3/s) · out 0 (0/s) · stored 101 (…)" as {"in": 226, "out": 0, …}."""
    return {
        name: int(number.replace(",", ""))
        for name, number in re.findall(r"\b(in|out|stored|dropped) ([\d,]+)", text)
    }


def send_from_peer(peer, qtbot, pull, endpoint: str, count: int, name: str) -> None:
    """A real PUSH peer sends ``count`` messages to ``pull``; back once they are in."""
    before = pull.received
    worker = start_peer(peer, qtbot, "push_worker.py", endpoint, count, name)
    qtbot.waitUntil(lambda: pull.received == before + count, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: worker.proc.poll() is not None, timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: (worker.poll(), worker.eof)[1], timeout=WAIT_MS)
    assert worker.proc.returncode == 0 and worker.has(f"sent {count}"), worker.lines


def test_after_clear_the_status_bar_shows_session_totals_and_the_table_what_it_holds(
    window, user, peer, qtbot
):
    pull = user.create("PULL", "sink")
    endpoint = user.bind()
    send_from_peer(peer, qtbot, pull, endpoint, 125, "before")
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 125, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "stored 125 " in window.status.text(), timeout=WAIT_MS)  # sampled
    assert window.status.text().startswith("session: in 125 (")

    user.click(window.traffic.clear_button)
    assert window.traffic.count_label.text() == "0 messages"
    send_from_peer(peer, qtbot, pull, endpoint, 101, "after")
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 101, timeout=WAIT_MS)
    assert pull.received == 226
    qtbot.waitUntil(lambda: "stored 101 " in window.status.text(), timeout=WAIT_MS)
    text = window.status.text()
    # the table and the store say what is held since the Clear, and agree
    assert window.traffic.count_label.text() == "101 messages"
    shown = figures(text)
    assert shown["stored"] == 101
    # the totals are labelled as the session's: the messages before the Clear and after it
    assert text.startswith("session: in 226 (") and shown["in"] == 125 + 101 == 226
    assert shown["out"] == 0
    # ... as the sockets list counts the socket's messages
    assert "in 226" in user.socket_list()[0]
    tip = window.status.toolTip()
    assert tip.startswith("Session totals") and "Clear traffic does not reset them" in tip
    assert "session totals go on" in window.traffic.clear_action.toolTip()
