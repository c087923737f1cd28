"""The highlighted row of the traffic table and the Message pane always show the same
message: after a click, Ctrl+Home/End, PageUp/Down and the arrow keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, click


def selected_rows(window) -> list[int]:
    return [index.row() for index in window.traffic.view.selectionModel().selectedRows()]


def agree(window, user) -> int:
    """The one selected row, after checking the Message pane shows its message."""
    rows = selected_rows(window)
    assert len(rows) == 1
    frames = window.traffic.model.message_at(rows[0]).frames
    assert user.detail_frames() == [f.decode() for f in frames]
    return rows[0]


def test_keyboard_moves_keep_selection_and_message_pane_together(window, user, qtbot):
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[0])  # 99 tasks through the pipeline: hundreds of rows
    user.wait_rows(200)
    user.click_row(28)
    assert agree(window, user) == 28
    view = window.traffic.view
    view.setFocus()
    moves = [
        (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_PageUp, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier),
    ]
    seen = []
    for key, modifier in moves:
        qtbot.keyClick(view, key, modifier)
        seen.append(agree(window, user))
    assert seen[1] == 1 and seen[2] > 1  # Ctrl+Home took the focus to the top


def test_a_new_filter_leaves_no_message_shown_that_is_not_highlighted(window, user, qtbot):
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[0])
    user.wait_rows(100)
    user.click_row(5)
    assert agree(window, user) == 5
    with qtbot.waitSignal(window.traffic.message_selected, timeout=WAIT_MS):
        qtbot.keyClicks(window.traffic.filter_edit, "batch")
    qtbot.waitUntil(lambda: user.detail_frames() == [], timeout=WAIT_MS)
    assert selected_rows(window) == []
