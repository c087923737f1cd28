"""The question before a workspace's scripts run: Enter answers "Don't run" (the safe
choice), and it is on screen, in front and active, as soon as Open returns, also when the
workspace's Problems list opens with it."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS, open_boxes

from zinspect.core.automation.script_runner import ScriptRunner

SCRIPT = "def on_start(peer):\n    peer.log('ran')\n"


def workspace_with_a_problem(tmp_path) -> str:
    (tmp_path / "p.py").write_text(SCRIPT, encoding="utf-8")
    sockets = [
        {"name": "out", "type": "PUSH", "automation": {"script": "p.py"}},
        {"name": "a", "type": "PULL", "bind": ["inproc://trust-taken"]},
        {"name": "b", "type": "PULL", "bind": ["inproc://trust-taken"]},  # taken: a problem
    ]
    path = tmp_path / "t.zinspect.json"
    path.write_text(json.dumps({"zinspect": 1, "sockets": sockets}), encoding="utf-8")
    return str(path)


def runner(window) -> ScriptRunner:
    found = window.session.socket_named("out").automation_runner
    assert isinstance(found, ScriptRunner)
    return found


def test_enter_does_not_run_the_scripts_and_the_question_is_in_front(
    window, qtbot, tmp_path, caplog
):
    caplog.expected_warnings = True  # the taken bind is logged as the workspace's problem
    window.activateWindow()
    window.workspace_actions.open_path(workspace_with_a_problem(tmp_path))
    # at once, with the Problems list it is shown over
    boxes = open_boxes(window)
    assert len(boxes) == 1 and boxes[0].windowTitle() == "Run the workspace's scripts?"
    box = boxes[0]
    problems = window.workspace_actions.problems_dialog
    assert problems is not None and problems.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=WAIT_MS)

    answered: list[str] = []
    box.buttonClicked.connect(lambda button: answered.append(button.text()))
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not open_boxes(window), timeout=WAIT_MS)
    assert answered == ["Don't run"]
    assert runner(window).state == "stopped"
    assert not [e for e in window.session.events if e.name == "script_log"]
