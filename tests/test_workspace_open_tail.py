"""A big workspace opened over turns of the loop, to its end: its sockets in slices, then
the first socket's forms and the workspace marked clean, each in a turn of its own. It ends
exactly as the same file applied at once, and another Open on the way replaces it whole."""

from __future__ import annotations

import json
from pathlib import Path

from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import read_workspace
from zinspect.core.workspace.snapshot import snapshot


def mixed_workspace(path: Path, quarter: int, prefix: str = "m") -> Path:
    """PULLs bound, PUSHes connected to them, SUBs with a subscription and an option, REPs
    that answer (automations are attached after every socket exists)."""
    sockets = (
        [
            {"name": f"{prefix}-pull-{n}", "type": "PULL", "bind": [f"inproc://{prefix}-{n}"]}
            for n in range(quarter)
        ]
        + [
            {"name": f"{prefix}-push-{n}", "type": "PUSH", "connect": [f"inproc://{prefix}-{n}"]}
            for n in range(quarter)
        ]
        + [
            {
                "name": f"{prefix}-sub-{n}",
                "type": "SUB",
                "connect": [f"inproc://{prefix}-pub-{n}"],
                "subscribe": [f"topic-{n}"],
                "options": {"RCVHWM": 100 + n},
            }
            for n in range(quarter)
        ]
        + [
            {
                "name": f"{prefix}-rep-{n}",
                "type": "REP",
                "bind": [f"inproc://{prefix}-rep-{n}"],
                "automation": {"reply": {"frames": [f"answer {n}"]}},
            }
            for n in range(quarter)
        ]
    )
    path.write_text(json.dumps({"zinspect": 1, "sockets": sockets}))
    return path


def test_a_workspace_opened_in_slices_ends_as_one_applied_at_once(window, qtbot, tmp_path):
    path = mixed_workspace(tmp_path / "mixed.zinspect.json", 75)
    actions = window.workspace_actions
    assert actions.open_path(path)
    assert len(window.session.sockets) < 300  # the rest comes over later turns
    qtbot.waitUntil(lambda: not actions.switch.running, timeout=60_000)
    at_once = Session()
    try:
        assert apply_workspace(read_workspace(str(path)), at_once) == []
        assert dump_workspace(snapshot(window.session)) == dump_workspace(snapshot(at_once))
        assert [h.name for h in window.session.sockets] == [h.name for h in at_once.sockets]
    finally:
        at_once.close()
    assert window.sockets.model.rowCount() == 300
    assert window.sockets.current_socket() is window.session.sockets[0]
    assert not actions.modified and "mixed.zinspect.json" in window.windowTitle()
    reps = window.session.sockets[225:]
    assert all(rep.automation_runner is not None and rep.automation_runner.running for rep in reps)


def test_another_open_after_the_last_socket_replaces_the_first_whole(window, qtbot, tmp_path):
    first = mixed_workspace(tmp_path / "first.zinspect.json", 60, "a")
    second = mixed_workspace(tmp_path / "second.zinspect.json", 1, "b")
    actions = window.workspace_actions
    assert actions.open_path(first)
    # every socket made; what follows the last one may still be under way
    qtbot.waitUntil(lambda: len(window.session.sockets) == 240, timeout=60_000)
    assert actions.open_path(second)  # the first's 240 close over turns, then these come
    qtbot.waitUntil(lambda: not actions.switch.running, timeout=60_000)
    assert [h.name for h in window.session.sockets] == [
        "b-pull-0",
        "b-push-0",
        "b-sub-0",
        "b-rep-0",
    ]
    qtbot.wait(300)  # turns enough for anything left of the first to show
    assert actions.path == str(second) and not actions.modified
    assert window.sockets.current_socket() is window.session.sockets[0]
    assert "second.zinspect.json" in window.windowTitle()
    assert window.sockets.model.rowCount() == 4
