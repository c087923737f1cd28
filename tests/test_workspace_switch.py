"""While a big workspace opens (a slice of sockets per turn of the loop), the window names
it and says how far it got, with Cancel; Save waits and never writes the previous workspace's
file, and Open does not ask about the previous workspace's changes (the user answered that
already). Closing many sockets also goes a slice per turn."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from test_workspace_open_slices import many_sockets
from ui_actions import WAIT_MS, click_box, menu_action, open_boxes, trigger_menu
from workspace_helpers import PAIR_WORKSPACE, choose_file, title, write

from zinspect.ui.workspace import workspace_open

BIG_PAIRS = 150  # 300 sockets


@pytest.fixture
def small_slices(monkeypatch):
    """A few sockets per turn, so that 300 take many turns even on a fast machine."""
    monkeypatch.setattr(workspace_open, "FIRST_STEPS", 4)
    monkeypatch.setattr(workspace_open, "SLICE_S", 0.0005)


def start_opening(window, user, qtbot, path) -> None:
    """File > Open workspace, as a user does it (no unsaved changes: no question)."""
    trigger_menu(window, "Open workspace…")
    choose_file(window, qtbot, path)
    qtbot.waitUntil(lambda: window.workspace_actions.switch.running, timeout=WAIT_MS)


def progress(window) -> str:
    return window.workspace_actions.switch.status.text()


def test_save_while_a_workspace_opens_never_writes_the_previous_file(
    window, user, qtbot, tmp_path, small_slices, caplog
):
    caplog.expected_warnings = True  # a.zinspect.json's problem
    ghost = {"name": "ghost", "type": "GHOST"}
    document = {**PAIR_WORKSPACE, "sockets": [*PAIR_WORKSPACE["sockets"], ghost]}
    first = write(tmp_path / "a.zinspect.json", document)
    assert window.workspace_actions.open_path(first)
    assert window.workspace_actions.problems_button.isVisible()
    before = Path(first).read_bytes()
    big = many_sockets(tmp_path / "many.zinspect.json", BIG_PAIRS)
    start_opening(window, user, qtbot, big)

    # the window names the workspace being made, and counts its sockets
    qtbot.waitUntil(lambda: "Opening many.zinspect.json…" in progress(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: " of 300 sockets" in progress(window), timeout=WAIT_MS)
    assert title(window) == "many.zinspect.json — zinspect"
    assert window.workspace_actions.switch.status.cancel_button.isVisible()
    assert not window.workspace_actions.problems_button.isVisible()
    assert "a.zinspect.json" not in window.statusBar().currentMessage()

    user.activate()
    user.shortcut(Qt.Key.Key_S, target=window.traffic.view)  # Ctrl+S
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    user.shortcut(Qt.Key.Key_S, shift_ctrl, target=window.traffic.view)  # Ctrl+Shift+S
    assert window.workspace_actions.switch.running  # all of that while it opened
    assert not menu_action(window, "Save workspace").isEnabled()  # greyed in the menu
    assert not menu_action(window, "Save workspace as…").isEnabled()
    assert not any(d.isVisible() for d in window.findChildren(QFileDialog))
    assert Path(first).read_bytes() == before
    assert "Saved" not in window.statusBar().currentMessage()

    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert Path(first).read_bytes() == before
    assert len(window.session.sockets) == 300 and progress(window) == ""
    assert window.workspace_actions.save_action.isEnabled()
    assert "Opened many.zinspect.json: 300 sockets" in window.statusBar().currentMessage()
    user.activate()
    user.shortcut(Qt.Key.Key_S, target=window.traffic.view)  # the same keys, now it has opened
    qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == f"Saved {big}"
    assert Path(first).read_bytes() == before


def test_open_while_one_opens_does_not_ask_about_the_previous_changes(
    window, user, qtbot, tmp_path, small_slices
):
    first = write(tmp_path / "a.zinspect.json", PAIR_WORKSPACE)
    assert window.workspace_actions.open_path(first)
    before = Path(first).read_bytes()
    user.create("PUB", "extra")  # an unsaved change to a.zinspect.json
    qtbot.waitUntil(lambda: window.workspace_actions.modified, timeout=WAIT_MS)
    trigger_menu(window, "Open workspace…")
    click_box(window, qtbot, "Discard")  # asked once, before the other opens
    choose_file(window, qtbot, many_sockets(tmp_path / "many.zinspect.json", BIG_PAIRS))
    qtbot.waitUntil(lambda: window.workspace_actions.switch.running, timeout=WAIT_MS)

    trigger_menu(window, "Open workspace…")  # straight to the file dialog
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(QFileDialog)), timeout=WAIT_MS
    )
    assert not open_boxes(window)
    other = write(tmp_path / "b.zinspect.json", PAIR_WORKSPACE)
    choose_file(window, qtbot, other)  # replaces the one still opening
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert [h.name for h in window.session.sockets] == ["left", "right"]
    assert title(window) == "b.zinspect.json — zinspect"
    assert Path(first).read_bytes() == before


def test_cancel_stops_the_open_and_closes_what_it_made(window, user, qtbot, tmp_path, small_slices):
    first = write(tmp_path / "a.zinspect.json", PAIR_WORKSPACE)
    assert window.workspace_actions.open_path(first)
    start_opening(window, user, qtbot, many_sockets(tmp_path / "many.zinspect.json", BIG_PAIRS))
    status = window.workspace_actions.switch.status
    qtbot.waitUntil(lambda: " of 300 sockets" in progress(window), timeout=WAIT_MS)
    user.click(status.cancel_button)
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert window.session.sockets == []
    assert title(window) == "Untitled — zinspect"
    assert window.statusBar().currentMessage().startswith("Stopped opening many.zinspect.json")


def test_closing_many_sockets_goes_a_slice_per_turn(window, user, qtbot, tmp_path, small_slices):
    big = many_sockets(tmp_path / "many.zinspect.json", BIG_PAIRS)
    assert window.workspace_actions.open_path(big)
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    trigger_menu(window, "New workspace")
    assert 0 < len(window.session.sockets) < 300  # the rest close on later turns
    qtbot.waitUntil(lambda: "New workspace: closing" in progress(window), timeout=WAIT_MS)
    assert not window.workspace_actions.switch.status.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    assert window.session.sockets == [] and window.sockets.model.rowCount() == 0
    assert window.statusBar().currentMessage() == "New workspace"
    assert title(window) == "Untitled — zinspect"
