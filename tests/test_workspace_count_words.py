"""Counts in the workspace's status lines are written one way: "1,500 sockets" while it
opens and when it has opened (it said "1500" at the end)."""

from __future__ import annotations

import json

from fault_helpers import free_port
from ui_actions import WAIT_MS


def test_the_opened_line_groups_thousands(window, qtbot, tmp_path):
    path = tmp_path / "many.zinspect.json"
    sockets = [{"name": f"s{i}", "type": "PUB"} for i in range(1_500)]
    path.write_text(json.dumps({"zinspect": 1, "sockets": sockets}))
    assert window.workspace_actions.open_path(path)
    status = window.statusBar()
    qtbot.waitUntil(
        lambda: "Opened many.zinspect.json: 1,500 sockets" in status.currentMessage(),
        timeout=4 * WAIT_MS,
    )


def test_the_opened_line_counts_the_workspaces_taps(window, qtbot, tmp_path):
    """A workspace of one tap said "0 sockets" while the tap's socket showed in the list."""
    front, upstream = (f"tcp://127.0.0.1:{free_port()}" for _ in range(2))
    tap = {"name": "tap-1", "pattern": "reqrep", "front": front, "upstream": upstream}
    path = tmp_path / "tap.zinspect.json"
    path.write_text(json.dumps({"zinspect": 1, "taps": [tap]}))
    said: list[str] = []  # every line, in case the tap's start says something after it
    window.statusBar().messageChanged.connect(said.append)
    assert window.workspace_actions.open_path(path)
    qtbot.waitUntil(lambda: "Opened tap.zinspect.json: 0 sockets, 1 tap" in said, timeout=WAIT_MS)
