"""Counts in the workspace's status lines are written one way: "1,500 sockets" while it
opens and when it has opened (it said "1500" at the end)."""

from __future__ import annotations

import json

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
