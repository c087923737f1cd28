"""The Tap window with a pipeline: libzmq's proxy in a helper process forwards, the window says so.

The user starts a pipeline tap from Socket > Tap…; the window names the engine, where the
clients connect and the proxy's counts; the sockets list shows the tap's socket with what it
is (the copies of a tap forwarded elsewhere); the traffic table reads client -> server; Stop
ends the helper process.
"""

from __future__ import annotations

import os

import pytest
from peerio import PeerOutput
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS, fill_tap_window, tap_window

from zinspect.core.tap.proxy_tap import ENGINE_WORDS
from zinspect.ui.sockets.socket_list_model import socket_state
from zinspect.ui.traffic.columns import TAP_IN

pytestmark = pytest.mark.e2e


def test_a_pipeline_tap_in_the_window_names_its_engine_and_counts(window, user, qtbot, peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 5))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "pipeline", ANY_PORT, sink.line("ready ").split()[1], "feed")
    user.click(dialog.start_button)
    # the window goes on while the helper process starts
    assert dialog.status_label.text() == "Starting…" and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    tap = dialog.tap
    assert tap is not None and tap.engine == "proxy"
    helper = tap.helper_pid  # type: ignore[union-attr]
    status = dialog.status_label.text()
    assert f"Clients connect to {tap.front_address}." in status
    assert f"(pipeline, {ENGINE_WORDS}, pid {helper})" in status
    # the list shows zinspect's socket of the tap, and what it is
    qtbot.waitUntil(
        lambda: [line.split(" ")[0] for line in user.socket_list()] == ["feed"], timeout=WAIT_MS
    )
    handle = window.session.socket_named("feed")
    assert handle is not None
    assert f"copies of the tap, forwarded by the {ENGINE_WORDS}" in socket_state(handle)
    assert f"clients connect to {tap.front_address}" in user.socket_list()[0]
    worker = PeerOutput(peer("push_worker.py", tap.front_address, 5, "w"))
    qtbot.waitUntil(lambda: sink.has("count 5"), timeout=PEER_WAIT_MS)
    assert worker.has("sent 5")
    rows = user.wait_rows(5)
    assert [(r.socket, r.direction, r.frames) for r in rows] == [
        ("feed", TAP_IN, (f"w {n}".encode(),)) for n in range(5)
    ]
    qtbot.waitUntil(lambda: "5 client -> server" in dialog.status_label.text(), timeout=WAIT_MS)
    user.click(dialog.stop_button)
    assert dialog.tap is None
    assert "Stopped" in dialog.status_label.text()
    assert user.socket_list() == []
    with pytest.raises(ProcessLookupError):  # the helper ended (and was reaped) at Stop
        os.kill(helper, 0)


def test_quitting_the_window_stops_the_helper_with_its_last_counts(window, user, qtbot, peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 3, "--quiet"))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "pipeline", ANY_PORT, sink.line("ready ").split()[1])
    user.click(dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)  # "Starting…" first
    tap = dialog.tap
    assert tap is not None and tap.engine == "proxy"
    helper = tap.helper_pid  # type: ignore[union-attr]
    peer("push_worker.py", tap.front_address, 3, "w")
    qtbot.waitUntil(lambda: sink.has("count 3"), timeout=PEER_WAIT_MS)
    window.shutdown()  # what quitting does: the session closes
    assert dialog.tap is None and "Stopped" in dialog.status_label.text()
    assert "3 client -> server" in dialog.status_label.text()
    with pytest.raises(ProcessLookupError):
        os.kill(helper, 0)


def test_a_front_already_taken_is_said_under_the_front_field_and_nothing_is_left(
    window, user, qtbot, peer, endpoint_in_use
):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 5))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "pipeline", endpoint_in_use, sink.line("ready ").split()[1])
    user.click(dialog.start_button)
    # the helper finds the port taken: said in words once it answers, Start usable again
    qtbot.waitUntil(lambda: dialog.front_error.text() != "", timeout=WAIT_MS)
    assert "in use" in dialog.front_error.text().lower()
    assert dialog.tap is None and dialog.start_button.isEnabled()
    assert user.socket_list() == []  # the copies' socket went with the failed start
