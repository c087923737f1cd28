"""Ctrl+S typed in a script's text saves the script (docs/scripting.md), not the workspace;
typed anywhere else it stays File > Save workspace. Driven with key presses in the window."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS
from workspace_helpers import modified

SCRIPT = "def on_start(peer):\n    peer.log('one')\n"


def open_script_workspace(window, qtbot, tmp_path):
    (tmp_path / "w.py").write_text(SCRIPT, encoding="utf-8")
    path = tmp_path / "k.zinspect.json"
    socket = {"name": "out", "type": "PUSH", "automation": {"script": "w.py"}}
    path.write_text(json.dumps({"zinspect": 1, "sockets": [socket]}), encoding="utf-8")
    window.workspace_actions.script_trust.run_without_asking = True
    window.workspace_actions.open_path(str(path))
    handle = window.session.socket_named("out")
    window.sockets.select_socket(handle)
    pane = window.sockets.script_pane
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    return path, pane


def test_ctrl_s_in_the_script_saves_the_script_and_elsewhere_the_workspace(
    window, user, qtbot, tmp_path
):
    path, pane = open_script_workspace(window, qtbot, tmp_path)
    saved_workspace = path.read_text(encoding="utf-8")
    user.bind("inproc://save-key")  # the workspace changes too: its Save has work to do
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)

    user.activate()
    pane.edit.setFocus()
    pane.edit.moveCursor(pane.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(pane.edit, "# edited")
    assert pane.save_button.text() == "Save*"
    qtbot.keyClick(pane.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert (tmp_path / "w.py").read_text(encoding="utf-8") == SCRIPT + "# edited"
    assert pane.save_button.text() == "Save"
    assert path.read_text(encoding="utf-8") == saved_workspace  # the workspace was not saved
    assert modified(window)

    user.shortcut(Qt.Key.Key_S, target=window.traffic.view)  # the same keys elsewhere
    qtbot.waitUntil(lambda: not modified(window), timeout=WAIT_MS)
    assert "inproc://save-key" in path.read_text(encoding="utf-8")
    assert (tmp_path / "w.py").read_text(encoding="utf-8") == SCRIPT + "# edited"


def test_ctrl_s_in_an_unchanged_script_saves_nothing_else(window, user, qtbot, tmp_path):
    path, pane = open_script_workspace(window, qtbot, tmp_path)
    user.bind("inproc://save-key-2")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    user.activate()
    pane.edit.setFocus()
    qtbot.keyClick(pane.edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert modified(window)  # the workspace still has its unsaved change
    assert "inproc://save-key-2" not in path.read_text(encoding="utf-8")
    assert pane.runner.running  # saved as it was: still the same script, still running
