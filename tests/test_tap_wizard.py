"""Socket > Tap between two programs…: the wizard in the real window, between peer processes.

The user picks a pattern (its explanation changes with it), types endpoints (a bad one is
explained in words under its field and Start changes nothing), starts the tap: its sockets
appear in the sockets list and the traffic table reads client -> server / server -> client.
"""

from __future__ import annotations

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS, fill_tap_window, tap_window

from zinspect.core.tap.spec import PATTERNS
from zinspect.ui.traffic.columns import TAP_IN, TAP_OUT

pytestmark = pytest.mark.e2e


def test_bad_endpoints_are_explained_next_to_their_fields(window, user, qtbot):
    dialog = tap_window(window, qtbot)
    dialog.pattern_combo.setCurrentIndex(dialog.pattern_combo.findData("pubsub"))
    assert dialog.pattern_note.text() == PATTERNS["pubsub"].explanation
    assert not dialog.types_row.isVisibleTo(dialog)
    dialog.pattern_combo.setCurrentIndex(dialog.pattern_combo.findData("custom"))
    assert dialog.types_row.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.front_edit, "localhost:5555")
    assert "no transport" in dialog.front_error.text()
    qtbot.keyClicks(dialog.upstream_edit, "tcp://127.0.0.1:*")
    assert "needs a port number" in dialog.upstream_error.text()
    user.click(dialog.start_button)
    assert dialog.tap is None
    assert user.socket_list() == []


def test_tap_in_the_window_shows_both_directions(window, user, qtbot, peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", 3))
    qtbot.waitUntil(lambda: server.has("ready "), timeout=PEER_WAIT_MS)
    upstream = server.line("ready ").split()[1]
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "reqrep", ANY_PORT, upstream, "hello-tap")
    user.click(dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)  # "Starting…" first
    assert dialog.tap is not None and dialog.tap.front is not None
    assert any(name.startswith("hello-tap") for name in user.socket_list())
    front = dialog.tap.front.endpoints[0].address
    assert front in dialog.status_label.text()
    client = PeerOutput(peer("req_client.py", front, 3))
    qtbot.waitUntil(lambda: client.has("done 3"), timeout=PEER_WAIT_MS)
    rows = user.wait_rows(6)
    assert [r.direction for r in rows if r.socket == "hello-tap"] == [
        TAP_IN,
        TAP_OUT,
    ] * 3
    assert [r.frames[-1] for r in rows] == [
        b"Hello 0",
        b"World",
        b"Hello 1",
        b"World",
        b"Hello 2",
        b"World",
    ]
    qtbot.waitUntil(lambda: "3 client -> server" in dialog.status_label.text(), timeout=WAIT_MS)
    user.click(dialog.close_button)  # the window goes; the tap goes on
    assert not dialog.isVisible() and dialog.tap is not None
    assert any(name.startswith("hello-tap") for name in user.socket_list())
    assert tap_window(window, qtbot) is dialog  # Socket > Tap… shows the running tap again
    user.click(dialog.stop_button)
    assert dialog.tap is None
    assert "Stopped" in dialog.status_label.text()
    assert not any(name.startswith("hello-tap") for name in user.socket_list())
