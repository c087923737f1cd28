"""A workspace with pipeline taps opens without waiting for their helper processes.

Each tap forwarded by libzmq's proxy starts a helper process (50-150 ms). Opening the
workspace makes its sockets at once; the taps show as starting in the sockets list while the
window goes on (a timer keeps ticking), then run and forward end to end between real peer
processes. A tap that cannot start is listed with the workspace's problems, in words at its
place in the file, and the rest of the workspace works regardless.
"""

from __future__ import annotations

import os

import pytest
from peerio import start_peer
from PySide6.QtCore import QTimer
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS
from workspace_helpers import title, write

from zinspect.core.tap.proxy_tap import ProxyTap
from zinspect.core.tap.registry import running_taps

pytestmark = pytest.mark.e2e


def proxy_taps(window) -> dict[str, ProxyTap]:
    return {t.spec.name: t for t in running_taps(window.session) if isinstance(t, ProxyTap)}


def test_two_proxy_taps_start_while_the_window_goes_on_and_forward(
    window, user, qtbot, peer, tmp_path
):
    sinks = [start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, 3) for _ in range(2)]
    document = {
        "zinspect": 1,
        "sockets": [{"name": "left", "type": "PAIR", "bind": ["inproc://proxy-taps"]}],
        "taps": [
            {"name": f"feed{n}", "pattern": "pipeline", "front": ANY_PORT, "upstream": upstream}
            for n, upstream in enumerate(sink.ready_endpoint() for sink in sinks)
        ],
    }
    path = write(tmp_path / "taps.zinspect.json", document)
    seen: list[list[str]] = []  # the sockets list at each tick while the taps start
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: seen.append(user.socket_list()))
    ticker.start()
    try:
        assert window.workspace_actions.open_path(path)
        # the workspace's socket is there at once; the taps are still to come
        assert window.session.socket_named("left") is not None
        assert not any(tap.running for tap in proxy_taps(window).values())
        qtbot.waitUntil(
            lambda: (
                len(proxy_taps(window)) == 2
                and all(tap.running for tap in proxy_taps(window).values())
            ),
            timeout=PEER_WAIT_MS,
        )
    finally:
        ticker.stop()
    # the loop turned while they started, and the list said so
    assert any("tap starting (libzmq proxy in a helper process)" in " ".join(s) for s in seen)
    assert not window.workspace_actions.problems_button.isVisible()
    # the file holds what was opened, taps included: nothing to save
    qtbot.waitUntil(lambda: title(window) == "taps.zinspect.json — zinspect", timeout=WAIT_MS)
    taps = proxy_taps(window)
    for number, sink in enumerate(sinks):
        tap = taps[f"feed{number}"]
        worker = start_peer(peer, qtbot, "push_worker.py", tap.front_address, 3, f"w{number}")
        qtbot.waitUntil(lambda sink=sink: sink.has("count 3"), timeout=PEER_WAIT_MS)
        assert worker.finish() == 0
        got = [line for line in sink.lines if line.startswith("received ")]
        assert got == [f"received w{number} {n}" for n in range(3)]
        qtbot.waitUntil(lambda tap=tap: tap.to_server == 3, timeout=WAIT_MS)
    rows = user.wait_rows(6)
    assert sorted(r.frames for r in rows) == sorted(
        (f"w{number} {n}".encode(),) for number in range(2) for n in range(3)
    )


def test_a_tap_that_cannot_start_joins_the_problems_and_the_rest_opens(
    window, user, qtbot, peer, tmp_path, caplog, endpoint_in_use
):
    caplog.expected_warnings = True
    sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, 2)
    upstream = sink.ready_endpoint()
    document = {
        "zinspect": 1,
        "sockets": [{"name": "left", "type": "PAIR", "bind": ["inproc://proxy-taps-2"]}],
        "taps": [
            {"name": "busy", "pattern": "pipeline", "front": endpoint_in_use, "upstream": upstream},
            {"name": "good", "pattern": "pipeline", "front": ANY_PORT, "upstream": upstream},
        ],
    }
    path = write(tmp_path / "busy.zinspect.json", document)
    assert window.workspace_actions.open_path(path)
    dialog_shown = window.workspace_actions.load_problems
    qtbot.waitUntil(lambda: dialog_shown.problems != [], timeout=PEER_WAIT_MS)
    [problem] = dialog_shown.problems
    assert problem.startswith('taps[0] ("busy"): Front: ')
    assert "in use" in problem.lower()
    button = window.workspace_actions.problems_button
    assert button.isVisible() and button.text() == "⚠ 1 problem in busy.zinspect.json"
    assert "1 tap did not start" in window.statusBar().currentMessage()
    dialog = window.workspace_actions.problems_dialog
    assert dialog is not None and dialog.problems() == [problem]
    # the rest of the workspace works: its socket and the other tap
    assert window.session.socket_named("left") is not None
    assert window.session.socket_named("busy") is None
    good = proxy_taps(window)["good"]
    assert good.running
    start_peer(peer, qtbot, "push_worker.py", good.front_address, 2, "g")
    qtbot.waitUntil(lambda: sink.has("count 2"), timeout=PEER_WAIT_MS)


def test_a_new_workspace_while_the_taps_start_stops_them_and_says_nothing(
    window, qtbot, peer, tmp_path
):
    sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, 1)
    upstream = sink.ready_endpoint()
    document = {
        "zinspect": 1,
        "taps": [{"name": "feed", "pattern": "pipeline", "front": ANY_PORT, "upstream": upstream}],
    }
    assert window.workspace_actions.open_path(write(tmp_path / "t.zinspect.json", document))
    qtbot.waitUntil(lambda: "feed" in proxy_taps(window), timeout=WAIT_MS)
    tap = proxy_taps(window)["feed"]
    helper = tap.helper_pid
    assert not tap.running  # its helper is still on its way
    window.workspace_actions.new_workspace()
    assert window.session.sockets == []
    # the start is cancelled on the loop's next turn, which stops the tap and its helper
    qtbot.waitUntil(lambda: running_taps(window.session) == [], timeout=WAIT_MS)
    assert tap._proc is None  # ended (waited for) by the tap's stop
    with pytest.raises(ProcessLookupError):
        os.kill(helper, 0)
    assert not window.workspace_actions.problems_button.isVisible()
    assert not window.workspace_actions.taps.starting


def test_quitting_while_the_taps_start_says_nothing_and_leaves_no_helper(
    window, qtbot, peer, tmp_path
):
    sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, 1)
    document = {
        "zinspect": 1,
        "taps": [
            {"name": "feed", "pattern": "pipeline", "front": ANY_PORT, "upstream": upstream}
            for upstream in [sink.ready_endpoint()]
        ],
    }
    assert window.workspace_actions.open_path(write(tmp_path / "q.zinspect.json", document))
    assert not window.isWindowModified()  # nothing to save: quitting asks nothing
    qtbot.waitUntil(lambda: "feed" in proxy_taps(window), timeout=WAIT_MS)
    tap = proxy_taps(window)["feed"]
    assert not tap.running
    window.shutdown()  # what quitting does: the session closes
    assert window.session.closed
    qtbot.waitUntil(lambda: not window.workspace_actions.taps.starting, timeout=WAIT_MS)
    assert tap._proc is None  # stopped, its helper ended
    assert not window.workspace_actions.problems_button.isVisible()
