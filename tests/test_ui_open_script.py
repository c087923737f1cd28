"""Open script…: an existing Python file becomes the selected socket's script automation,
attached stopped (Run is the trust), named relative to the workspace file; the file a New
script… name collides with can be opened this way; what cannot be a script is said."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog
from ui_actions import WAIT_MS, click, open_boxes

from zinspect.ui.automation.script_pane import ScriptPane

ROUTER = "def on_message(peer, frames):\n    peer.log('got one')\n"


def pane_of_new_socket(window, user, qtbot, type_name: str = "DEALER") -> ScriptPane:
    user.create(type_name, "worker")
    pane = window.sockets.script_pane
    qtbot.waitUntil(pane.new_row.isVisible, timeout=WAIT_MS)
    return pane


def choose_in_open_dialog(pane: ScriptPane, qtbot, file) -> str:
    """Click Open script… and pick ``file`` in its dialog, as a user does; the folder the
    dialog started in."""
    click(qtbot, pane.open_button)
    qtbot.waitUntil(
        lambda: pane.open_dialog is not None and pane.open_dialog.isVisible(), timeout=WAIT_MS
    )
    dialog = pane.open_dialog
    assert dialog.fileMode() == QFileDialog.FileMode.ExistingFile
    folder = dialog.directory().absolutePath()
    dialog.selectFile(str(file))
    dialog.accept()
    qtbot.waitUntil(lambda: pane.open_dialog is None, timeout=WAIT_MS)  # gone once used
    return folder


def test_a_taken_new_name_points_to_open_script_which_attaches_the_file(
    window, user, qtbot, tmp_path
):
    workspace = tmp_path / "w.zinspect.json"
    window.workspace_actions.path = str(workspace)
    (tmp_path / "router.py").write_text(ROUTER, encoding="utf-8")
    pane = pane_of_new_socket(window, user, qtbot)
    qtbot.keyClicks(pane.new_name, "router")
    click(qtbot, pane.new_button)
    assert "router.py exists already" in pane.new_error.text()
    assert "Open script…" in pane.new_error.text()

    assert choose_in_open_dialog(pane, qtbot, tmp_path / "router.py") == str(tmp_path)
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    assert pane.edit.toPlainText() == ROUTER
    assert pane.runner.script.path == "router.py" and pane.state_label.text() == "stopped"
    assert not pane.new_error.isVisible()
    assert (tmp_path / "router.py").read_text(encoding="utf-8") == ROUTER  # not touched
    click(qtbot, pane.run_button)
    assert pane.runner.running

    # saved with the workspace as any script, and asked about when the workspace opens again
    window.workspace_actions.save()
    qtbot.waitUntil(workspace.exists, timeout=WAIT_MS)
    saved = json.loads(workspace.read_text(encoding="utf-8"))
    assert saved["sockets"][0]["automation"] == {"script": "router.py"}
    window.workspace_actions.open_path(str(workspace))
    boxes = open_boxes(window)
    assert len(boxes) == 1 and "router.py" in boxes[0].text()


def test_an_untitled_workspace_names_the_script_whole(window, user, qtbot, tmp_path):
    elsewhere = tmp_path / "lib"
    elsewhere.mkdir()
    (elsewhere / "echo.py").write_text(ROUTER, encoding="utf-8")
    pane = pane_of_new_socket(window, user, qtbot, "REP")
    choose_in_open_dialog(pane, qtbot, elsewhere / "echo.py")
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    assert pane.runner.script.path == str(elsewhere / "echo.py")


def test_what_cannot_be_a_script_is_said_and_nothing_changes(window, user, qtbot, tmp_path):
    (tmp_path / "notes.txt").write_text("not python", encoding="utf-8")
    (tmp_path / "huge.py").write_bytes(b"#" * 1_000_001)
    pane = pane_of_new_socket(window, user, qtbot)
    choose_in_open_dialog(pane, qtbot, tmp_path / "notes.txt")
    assert "Not attached: expected a Python file ending in .py" in pane.new_error.text()
    choose_in_open_dialog(pane, qtbot, tmp_path / "huge.py")
    assert "is over 1,000,000 bytes" in pane.new_error.text()
    assert pane.runner is None and pane.new_row.isVisible()
    assert window.session.socket_named("worker").automation is None
