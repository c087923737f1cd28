"""Script automations in the window: the question before a workspace's scripts run (asked
once per content), and the script pane (edit, save, reload on save, run, stop, errors at
their line, New script…), driven as a user with qtbot."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from session_helpers import WAIT_MS, linked, send, traffic
from ui_actions import click, click_box, open_boxes

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec
from zinspect.core.automation.script_runner import ScriptRunner, attach_any
from zinspect.ui.automation.script_pane import ScriptPane

MARKER_SCRIPT = "def on_start(peer):\n    peer.log('ran ' + peer.name)\n"


def script_workspace(tmp_path, body: str = MARKER_SCRIPT) -> str:
    (tmp_path / "peers").mkdir(exist_ok=True)
    (tmp_path / "peers" / "p.py").write_text(body, encoding="utf-8")
    path = tmp_path / "s.zinspect.json"
    socket = {"name": "out", "type": "PUSH", "automation": {"script": "peers/p.py"}}
    path.write_text(json.dumps({"zinspect": 1, "sockets": [socket]}))
    return str(path)


def runner_of(window) -> ScriptRunner:
    runner = window.session.socket_named("out").automation_runner
    assert isinstance(runner, ScriptRunner)
    return runner


def test_opening_scripts_asks_once_and_again_when_a_script_changes(window, qtbot, tmp_path):
    path = script_workspace(tmp_path)
    window.workspace_actions.open_path(path)
    box = next(iter(open_boxes(window)))
    assert "peers/p.py" in box.text() and "code that runs with your rights" in box.text()
    assert runner_of(window).state == "stopped"  # nothing runs before the answer
    click_box(window, qtbot, "Run scripts")
    qtbot.waitUntil(lambda: runner_of(window).running, timeout=WAIT_MS)

    window.workspace_actions.open_path(path)  # the same scripts: not asked again
    assert open_boxes(window) == []
    assert runner_of(window).running

    (tmp_path / "peers" / "p.py").write_text(MARKER_SCRIPT + "# changed\n", encoding="utf-8")
    window.workspace_actions.open_path(path)
    assert len(open_boxes(window)) == 1  # changed since: asked again
    click_box(window, qtbot, "Don't run")
    assert runner_of(window).state == "stopped"
    window.workspace_actions.open_path(path)
    assert len(open_boxes(window)) == 1  # "Don't run" is not remembered as trust
    click_box(window, qtbot, "Don't run")


def test_run_scripts_from_the_command_line_does_not_ask(window, qtbot, tmp_path):
    window.workspace_actions.script_trust.run_without_asking = True
    window.workspace_actions.open_path(script_workspace(tmp_path))
    assert open_boxes(window) == []
    assert runner_of(window).running


def type_lines(qtbot, pane: ScriptPane, *lines: str) -> None:
    """Replace the pane's text by typing ``lines`` (Return between them)."""
    pane.edit.setFocus()
    pane.edit.selectAll()
    for index, line in enumerate(lines):
        if index:
            qtbot.keyClick(pane.edit, Qt.Key.Key_Return)
        qtbot.keyClicks(pane.edit, line)


def pane_for(window, qtbot, handle) -> ScriptPane:
    window.sockets.select_socket(handle)
    pane = window.sockets.script_pane
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    return pane


def test_the_pane_edits_saves_reloads_and_runs(aloop, window, session, qtbot, tmp_path):
    rep, req = linked(session, "REP", "REQ")
    file = tmp_path / "echo.py"
    file.write_text("def on_message(peer, frames):\n    peer.send([b'one'])\n", encoding="utf-8")
    attach_any(rep, AutomationSpec(script=ScriptSpec("echo.py", str(file))), start=False)
    pane = pane_for(window, qtbot, rep)
    assert not window.sockets.automation_editor.isVisible()  # the fields make way
    assert pane.edit.toPlainText() == file.read_text()
    assert pane.edit.blockCount() == 3 and pane.edit.gutter_width() > 0
    click(qtbot, pane.run_button)
    assert pane.state_label.text() == "running"
    send(aloop, qtbot, req, b"x")
    qtbot.waitUntil(lambda: traffic(session, req) == [[b"one"]], timeout=WAIT_MS)

    # edit in the pane and Save: the running script is loaded again from the saved file
    type_lines(qtbot, pane, "def on_message(peer, frames):", "    peer.send([b'two'])")
    assert pane.save_button.text() == "Save*"
    click(qtbot, pane.save_button)
    assert "b'two'" in file.read_text() and pane.save_button.text() == "Save"
    assert pane.runner.running
    send(aloop, qtbot, req, b"y")
    qtbot.waitUntil(lambda: traffic(session, req) == [[b"one"], [b"two"]], timeout=WAIT_MS)


def test_an_error_is_shown_at_its_line_and_stop_works(window, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    file = tmp_path / "bad.py"
    file.write_text("x = 1\n\ndef on_start(peer):\n    peer.nothing()\n", encoding="utf-8")
    attach_any(push, AutomationSpec(script=ScriptSpec("bad.py", str(file))), start=False)
    pane = pane_for(window, qtbot, push)
    click(qtbot, pane.run_button)
    qtbot.waitUntil(pane.error.isVisible, timeout=WAIT_MS)
    assert "line 4" in pane.error.text() and "AttributeError" in pane.error.text()
    assert pane.edit.marked_line == 4 and pane.state_label.text() == "stopped"
    events = [e.detail for e in session.events if e.name == "script_error"]
    assert events and events[-1].startswith("bad.py, line 4: AttributeError")
    # fix it in the pane, Run saves first
    type_lines(qtbot, pane, "def on_start(peer):", "    peer.log('fixed')")
    click(qtbot, pane.run_button)
    assert pane.state_label.text() == "running" and not pane.error.isVisible()
    assert pane.edit.marked_line == 0
    click(qtbot, pane.stop_button)
    assert pane.state_label.text() == "stopped" and pane.run_button.isEnabled()


def test_a_change_on_disk_reloads_the_text_and_the_running_script(window, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    file = tmp_path / "w.py"
    file.write_text("def on_start(peer):\n    peer.log('first')\n", encoding="utf-8")
    attach_any(push, AutomationSpec(script=ScriptSpec("w.py", str(file))), start=True)
    pane = pane_for(window, qtbot, push)
    file.write_text("def on_start(peer):\n    peer.log('second')\n", encoding="utf-8")
    qtbot.waitUntil(lambda: "second" in pane.edit.toPlainText(), timeout=WAIT_MS)
    logs = lambda: [e.detail for e in session.events if e.name == "script_log"]  # noqa: E731
    qtbot.waitUntil(lambda: logs() == ["first", "second"], timeout=WAIT_MS)


def test_new_script_asks_for_a_name_and_never_overwrites(window, session, qtbot, tmp_path):
    window.sockets.select_socket(session.create_socket("DEALER"))
    pane = window.sockets.script_pane
    qtbot.waitUntil(pane.new_row.isVisible, timeout=WAIT_MS)
    click(qtbot, pane.new_button)
    assert "Save the workspace first" in pane.new_error.text()
    window.workspace_actions.path = str(tmp_path / "w.zinspect.json")
    (tmp_path / "taken.py").write_text("# mine\n", encoding="utf-8")
    qtbot.keyClicks(pane.new_name, "taken")
    click(qtbot, pane.new_button)
    assert "taken.py exists already" in pane.new_error.text()
    assert (tmp_path / "taken.py").read_text() == "# mine\n"
    pane.new_name.clear()
    qtbot.keyClicks(pane.new_name, "worker.py")
    qtbot.keyClick(pane.new_name, Qt.Key.Key_Return)
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    assert (tmp_path / "worker.py").read_text() == pane.edit.toPlainText()
    assert "def on_message(peer, frames):" in pane.edit.toPlainText()
    assert pane.runner.script.path == "worker.py" and pane.state_label.text() == "stopped"
    click(qtbot, pane.run_button)
    assert pane.runner.running


def test_what_is_trusted_is_the_content_the_question_showed(window, qtbot, tmp_path):
    path = script_workspace(tmp_path)
    window.workspace_actions.open_path(path)
    assert len(open_boxes(window)) == 1
    (tmp_path / "peers" / "p.py").write_text(MARKER_SCRIPT + "# slipped in\n", encoding="utf-8")
    click_box(window, qtbot, "Run scripts")
    window.workspace_actions.open_path(path)
    assert len(open_boxes(window)) == 1  # the changed file was never shown to the user
    click_box(window, qtbot, "Don't run")


def test_saving_elsewhere_keeps_naming_the_same_script(window, qtbot, tmp_path):
    window.workspace_actions.script_trust.run_without_asking = True
    window.workspace_actions.open_path(script_workspace(tmp_path))
    (tmp_path / "elsewhere").mkdir()
    window.workspace_actions.path = str(tmp_path / "elsewhere" / "w.zinspect.json")
    window.workspace_actions.save()
    saved = json.loads((tmp_path / "elsewhere" / "w.zinspect.json").read_text())
    assert saved["sockets"][0]["automation"] == {"script": "../peers/p.py"}
    assert not window.isWindowModified()
