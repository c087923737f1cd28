"""A workspace of hundreds of sockets opens a slice per turn of the loop (the window stays
live) and completely (benchmarks/stalls.py times 1,000): every socket made and listed,
linked as the file says, and the workspace clean. Another Open while one is still under way
replaces it."""

from __future__ import annotations

import json
from pathlib import Path

from zinspect.ui.workspace.workspace_open import FIRST_STEPS


def many_sockets(path: Path, pairs: int, prefix: str = "w") -> Path:
    sockets = [
        {"name": f"{prefix}-pull-{n}", "type": "PULL", "bind": [f"inproc://{prefix}-{n}"]}
        for n in range(pairs)
    ] + [
        {"name": f"{prefix}-push-{n}", "type": "PUSH", "connect": [f"inproc://{prefix}-{n}"]}
        for n in range(pairs)
    ]
    path.write_text(json.dumps({"zinspect": 1, "sockets": sockets}))
    return path


def test_a_workspace_of_many_sockets_opens_completely(window, qtbot, tmp_path):
    path = many_sockets(tmp_path / "many.zinspect.json", 150)
    actions = window.workspace_actions
    assert actions.open_path(path)
    # Open returned with a first slice made; the rest comes on later turns
    assert FIRST_STEPS <= len(window.session.sockets) < 300
    qtbot.waitUntil(lambda: not actions.switch.running, timeout=60_000)
    names = [handle.name for handle in window.session.sockets]
    assert names == [f"w-pull-{n}" for n in range(150)] + [f"w-push-{n}" for n in range(150)]
    pushes = window.session.sockets[150:]
    assert all(
        [entry.address for entry in push.endpoints] == [f"inproc://w-{n}"]
        for n, push in enumerate(pushes)
    )
    assert window.sockets.model.rowCount() == 300 and not actions.modified
    assert window.sockets.current_socket() is window.session.sockets[0]


def test_a_second_open_replaces_a_workspace_still_opening(window, qtbot, tmp_path):
    first = many_sockets(tmp_path / "first.zinspect.json", 300, "a")
    second = many_sockets(tmp_path / "second.zinspect.json", 2, "b")
    actions = window.workspace_actions
    assert actions.open_path(first)
    assert len(window.session.sockets) < 600  # still opening
    assert actions.open_path(second)  # a small one: made at once
    assert [handle.name for handle in window.session.sockets] == [
        "b-pull-0",
        "b-pull-1",
        "b-push-0",
        "b-push-1",
    ]
    qtbot.waitUntil(lambda: window.sockets.model.rowCount() == 4, timeout=10_000)
    assert len(window.session.sockets) == 4  # nothing more of the first came
    assert actions.path == str(second) and not actions.modified
