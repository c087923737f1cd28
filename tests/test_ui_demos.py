"""Demos through the window: the Demos menu, the Demo panel (its Open list, Start/Stop,
experiment buttons with their results, live figures, Reset), the unsaved-changes question,
and ``zinspect --demo`` on the command line."""

from __future__ import annotations

from test_app import run_app, run_cli
from ui_actions import WAIT_MS, click, click_box, the_box, trigger_menu
from workspace_helpers import modified, title

from zinspect.core.store import IN, OUT


def names(window) -> list[str]:
    return [s.name for s in window.session.sockets]


def figure(panel, label: str) -> str:
    return next(w.text() for w in panel.figure_labels if w.accessibleName() == label)


def test_demos_menu_lists_every_demo_and_opens_one_in_place_of_the_sockets(window, qtbot):
    demos = window.demos
    assert [a.text() for a in demos.menu.actions()[:5]] == [
        "Request/reply: hello world",
        "Publish/subscribe: the weather station",
        "Pipeline: ventilator, workers, sink",
        "Router/dealer: an asynchronous server",
        "Broker: an XSUB/XPUB proxy",
    ]
    trigger_menu(window, "Pipeline: ventilator, workers, sink")
    qtbot.waitUntil(lambda: len(names(window)) == 8, timeout=WAIT_MS)
    assert names(window)[:2] == ["ventilator", "sink"]
    assert title(window) == "pipeline demo — zinspect"
    assert not modified(window)
    panel = demos.panel
    assert demos.dock.isVisible() and panel.title_label.text().startswith("Pipeline")
    assert "load balancing" in panel.explanation.toPlainText()
    assert [b.text() for b in panel.action_buttons] == [
        "Send a batch of 99 at once",
        "Stop a worker",
        "Start 3 workers",
    ]


def test_start_plays_the_pattern_and_stop_halts_it(window, qtbot):
    window.demos.open_demo("reqrep")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    assert not panel.stop_button.isEnabled()
    click(qtbot, panel.start_button)
    assert panel.status_label.text().startswith("Running: client sending (")
    # the figures refresh every quarter second: a busy machine may show 1, then 3
    qtbot.waitUntil(
        lambda: figure(panel, "replies received by client") not in ("", "0", "1"), timeout=WAIT_MS
    )
    assert panel.stop_button.isEnabled() and not panel.start_button.isEnabled()
    click(qtbot, panel.stop_button)
    assert panel.status_label.text().startswith("Stopped")
    rows = [m.direction for m in window.session.store if m.socket == "client"]
    assert rows[:4] == [OUT, IN, OUT, IN]


def test_an_experiment_button_says_what_happened_beside_it(window, qtbot):
    window.demos.open_demo("reqrep")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[1])  # Send two without waiting
    result = panel.result_labels[1]
    assert result.isVisible()
    assert "message 2 was refused: REQ is waiting for the reply" in result.text()
    qtbot.waitUntil(lambda: figure(panel, "replies received by client") == "1", timeout=WAIT_MS)


def test_pipeline_figures_show_each_workers_share_and_stop_a_worker(window, qtbot):
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[0])
    qtbot.waitUntil(lambda: figure(panel, "results collected by sink") == "99", timeout=WAIT_MS)
    assert figure(panel, "tasks done by worker-1") == "33  (33 %)"
    click(qtbot, panel.action_buttons[1])
    assert panel.result_labels[1].text() == "Stopped worker-3, worker-3-out."
    assert "worker-3" not in names(window)
    qtbot.waitUntil(
        lambda: figure(panel, "tasks done by worker-3") == "33  (33 %) — stopped", timeout=WAIT_MS
    )


def test_reset_brings_the_demo_back_as_it_started(window, qtbot):
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[1])
    assert len(names(window)) == 6
    click(qtbot, panel.reset_button)
    box = the_box(window, qtbot)  # a closed worker is a change to the workspace
    assert "pipeline demo has changes" in box.text()
    click_box(window, qtbot, "Discard")
    qtbot.waitUntil(lambda: len(names(window)) == 8, timeout=WAIT_MS)
    assert panel.result_labels[1].isHidden()


def test_opening_a_demo_asks_about_unsaved_changes_and_cancel_keeps_them(window, user, qtbot):
    user.create("PUB", "mine")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    trigger_menu(window, "Broker: an XSUB/XPUB proxy")
    assert "before opening a demo?" in the_box(window, qtbot).text()
    click_box(window, qtbot, "Cancel")
    assert names(window) == ["mine"] and window.demos.runner is None


def test_with_no_demo_the_panel_lists_the_demos_and_new_workspace_ends_a_demo(window, qtbot):
    demos = window.demos
    demos.dock.show()
    demos.dock.raise_()
    panel = demos.panel
    qtbot.waitUntil(lambda: panel.open_buttons["broker"].isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.open_buttons["broker"])
    qtbot.waitUntil(lambda: demos.runner is not None, timeout=WAIT_MS)
    assert "xpub" in names(window)
    window.workspace_actions.new_workspace()
    assert demos.runner is None and panel.open_buttons["broker"].isVisible()
    assert title(window) == "Untitled — zinspect"


def test_command_line_lists_demos_and_refuses_an_unknown_one():
    listed = run_cli("--demo", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "reqrep",
        "pubsub",
        "pipeline",
        "routerdealer",
        "broker",
    ]
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines)
    wrong = run_cli("--demo", "pipelin")
    assert wrong.returncode == 2
    assert "no demo called 'pipelin'; the demos are: reqrep, pubsub" in wrong.stderr


def test_command_line_opens_a_demo(tmp_path):
    capture = tmp_path / "demo.jsonl"
    result = run_app(tmp_path, "--demo", "broker", "--record", str(capture), "--autostop", "2")
    assert result.returncode == 0, result.stderr
    from zinspect.core.capture.capture import read_capture

    frames = [
        m.frames for m in read_capture(capture).messages if m.socket == "xpub" and m.direction == IN
    ]
    assert sorted(frames) == [[b"\x01news"], [b"\x01sports"]]  # subscriptions travelled up
