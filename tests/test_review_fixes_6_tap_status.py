"""The Tap window's status line in plain words: a first-time user read "tap tap-1",
"waited for room: front 0, upstream 0" on every refresh, and "1 client without their own
routing id" for the usual REQ client; the Message pane said "in (received)" for a row the
table calls c → s."""

from __future__ import annotations

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS, trigger_menu

from zinspect.ui.tap.tap_dialog import TapDialog

pytestmark = pytest.mark.e2e


def test_the_status_line_says_what_matters_once(window, user, qtbot, peer):
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", 2))
    qtbot.waitUntil(lambda: server.has("ready "), timeout=PEER_WAIT_MS)
    trigger_menu(window, "Tap between two programs…")
    dialog = window.findChild(TapDialog, "tap_dialog")
    assert dialog is not None
    qtbot.keyClicks(dialog.front_edit, ANY_PORT)
    qtbot.keyClicks(dialog.upstream_edit, server.line("ready ").split()[1])
    user.click(dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    assert dialog.tap is not None and dialog.tap.front is not None
    client = PeerOutput(peer("req_client.py", dialog.tap.front.endpoints[0].address, 2))
    qtbot.waitUntil(lambda: client.has("done 2"), timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: "2 server -> client" in dialog.status_label.text(), timeout=WAIT_MS)
    text = dialog.status_label.text()
    assert "tap-1 (reqrep, zinspect relay): 2 client -> server" in text
    assert "tap tap-1" not in text and "waited for room" not in text
    assert "1 client seen" in text
    assert "1 client without a routing id of its own" in text
    # the Message pane says the way a row went as the table's Dir column does
    for row in range(2):
        user.click_row(row)
        assert user.detail_field("direction") == ("client → server", "server → client")[row]
    user.click(dialog.stop_button)
    stopped = dialog.status_label.text()
    assert stopped.startswith("Stopped. ") and "1 client seen" in stopped  # not "0 clients"
