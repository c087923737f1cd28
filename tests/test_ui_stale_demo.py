"""The Demo panel never shows stale state: the run state line is recomputed from what runs
now, a stopped worker's figure keeps its count (marked stopped) so shares add up over every
task sent, an experiment pressed twice shows one (its latest) result, and the explanation
keeps its room however many results show."""

from __future__ import annotations

import re

from ui_actions import WAIT_MS, click

from zinspect.ui.demos.demo_panel import EXPLANATION_MIN_PX


def figure(panel, label: str) -> str:
    return next(w.text() for w in panel.figure_labels if w.accessibleName() == label)


def open_pipeline(window, qtbot):
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    return panel


def test_run_state_follows_start_and_stop(window, qtbot):
    panel = open_pipeline(window, qtbot)
    assert panel.status_label.text().startswith("Ready")
    click(qtbot, panel.start_button)
    assert re.fullmatch(r"Running: ventilator sending \(\d+ of 60\)", panel.status_label.text())
    qtbot.waitUntil(lambda: not panel.status_label.text().endswith("(0 of 60)"), timeout=WAIT_MS)
    click(qtbot, panel.stop_button)
    assert re.fullmatch(r"Stopped: \d+ sent\.", panel.status_label.text())


def test_a_stopped_worker_keeps_its_share_and_shares_add_up_over_all_sent(window, qtbot):
    panel = open_pipeline(window, qtbot)
    click(qtbot, panel.action_buttons[0])
    qtbot.waitUntil(lambda: panel.status_label.text() == "Finished: 99 sent.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: figure(panel, "results collected by sink") == "99", timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[1])  # Stop a worker: worker-3
    assert panel.status_label.text() == "Finished: 99 sent."
    qtbot.waitUntil(
        lambda: figure(panel, "tasks done by worker-3") == "33  (33 %) — stopped",
        timeout=WAIT_MS,
    )
    for n in (1, 2):
        assert figure(panel, f"tasks done by worker-{n}") == "33  (33 %)"


def test_an_experiment_pressed_twice_shows_one_result_and_the_explanation_keeps_room(window, qtbot):
    panel = open_pipeline(window, qtbot)
    for _ in range(2):
        click(qtbot, panel.action_buttons[1])  # Stop a worker: worker-3, then worker-2
    shown = [label.text() for label in panel.result_labels if label.isVisible()]
    assert shown == ["Stopped worker-2, worker-2-out."]
    click(qtbot, panel.action_buttons[2])
    click(qtbot, panel.action_buttons[0])
    assert len([label for label in panel.result_labels if label.isVisible()]) == 3
    assert panel.explanation.isVisible()
    assert panel.explanation.height() >= EXPLANATION_MIN_PX
