"""A problem shown under a Preferences field moves no other field: the line it takes is kept
for it (the fields below moved down, and the next click landed on the problem's text)."""

from __future__ import annotations

import pytest
from preferences_helpers import open_preferences, process_preferences_restored, type_over
from PySide6.QtCore import QPoint, Qt
from ui_actions import WAIT_MS


@pytest.fixture(autouse=True)
def _restored():
    with process_preferences_restored():
        yield


def places(dialog) -> dict[str, QPoint]:
    widgets = {
        "max_mib": dialog.max_mib_edit,
        "history": dialog.history_edit,
        "maxmsgsize": dialog.maxmsgsize_edit,
        "clear": dialog.clear_combo,
        "ok": dialog.ok_button,
    }
    return {name: w.mapTo(dialog, QPoint(0, 0)) for name, w in widgets.items()}


def test_a_problem_under_a_field_moves_no_field(window, qtbot):
    dialog = open_preferences(window, qtbot)
    before = places(dialog)
    size = dialog.size()
    type_over(qtbot, dialog.max_messages_edit, "lots")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.max_messages_error.isVisible, timeout=WAIT_MS)
    assert "whole number" in dialog.max_messages_error.text()
    assert places(dialog) == before and dialog.size() == size
    type_over(qtbot, dialog.max_messages_edit, "1,000,000")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.max_messages_error.isVisible(), timeout=WAIT_MS)
    assert places(dialog) == before
