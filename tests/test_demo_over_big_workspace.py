"""A demo opened over a big workspace replaces its sockets as File > Open does: a slice per
turn, the status bar saying how far it got, with Cancel. It closed them all at once before
(3,000 sockets held the window for seconds). Cancel ends as an Open's Cancel does: every
socket closed, an empty untitled workspace, no demo running."""

from __future__ import annotations

import pytest
from test_workspace_open_slices import many_sockets
from test_workspace_switch import progress, small_slices, start_opening  # noqa: F401
from ui_actions import WAIT_MS, click, trigger_menu
from workspace_helpers import modified, title

PAIRS = 150  # 300 sockets
PIPELINE = "Pipeline: ventilator, workers, sink"
pytestmark = pytest.mark.usefixtures("small_slices")


def open_big(window, user, qtbot, tmp_path) -> None:
    start_opening(window, user, qtbot, many_sockets(tmp_path / "big.zinspect.json", PAIRS))
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert len(window.session.sockets) == 2 * PAIRS


def names(window) -> list[str]:
    return [handle.name for handle in window.session.sockets]


def listed(window) -> list[str]:
    model = window.sockets.model
    return [model.data(model.index(row), model.NameRole) for row in range(model.rowCount())]


def test_a_demo_over_a_big_workspace_shows_progress_and_ends_with_its_sockets_only(
    window, user, qtbot, tmp_path
):
    open_big(window, user, qtbot, tmp_path)
    trigger_menu(window, PIPELINE)
    # the menu returned with the big workspace still closing, the window saying so
    assert "Opening pipeline demo… closing" in progress(window)
    assert " of 300 sockets" in progress(window)
    assert window.workspace_actions.switch.status.cancel_button.isVisible()
    assert title(window) == "pipeline demo — zinspect"
    assert window.demos.runner is None  # not yet: its sockets are not made

    qtbot.waitUntil(lambda: window.demos.runner is not None, timeout=60_000)
    demo_sockets = [
        "ventilator",
        "sink",
        "worker-1",
        "worker-1-out",
        "worker-2",
        "worker-2-out",
        "worker-3",
        "worker-3-out",
    ]
    assert sorted(names(window)) == sorted(demo_sockets)
    qtbot.waitUntil(lambda: sorted(listed(window)) == sorted(demo_sockets), timeout=WAIT_MS)
    assert progress(window) == "" and not modified(window)
    assert window.demos.panel.title_label.text().startswith("Pipeline")
    assert "Opened pipeline demo: 8 sockets" in window.statusBar().currentMessage()


def test_cancel_while_a_demo_replaces_a_big_workspace_leaves_an_empty_workspace(
    window, user, qtbot, tmp_path
):
    open_big(window, user, qtbot, tmp_path)
    trigger_menu(window, PIPELINE)
    assert "closing" in progress(window)
    click(qtbot, window.workspace_actions.switch.status.cancel_button)
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert names(window) == [] and listed(window) == []
    assert window.demos.runner is None
    assert title(window) == "Untitled — zinspect" and not modified(window)
    assert window.statusBar().currentMessage() == (
        "Stopped opening pipeline demo: its sockets are closed"
    )
    # the demo opens as ever afterwards
    trigger_menu(window, PIPELINE)
    qtbot.waitUntil(lambda: window.demos.runner is not None, timeout=WAIT_MS)
    assert len(names(window)) == 8
