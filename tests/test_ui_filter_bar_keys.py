"""Keys a user tries first: Tab through the traffic panel's filter bar goes left to right as
it is laid out (it went Socket, Direction, Filter, Regex, Pause, Clear), and F1's card lists
the keys lists take themselves, Delete and F2, beside the menu shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, the_box


def test_tab_goes_through_the_filter_bar_left_to_right(window, user, qtbot):
    traffic = window.traffic
    user.activate()
    traffic.filter_edit.setFocus()
    qtbot.waitUntil(traffic.filter_edit.hasFocus, timeout=WAIT_MS)
    seen = []
    for _ in range(5):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        seen.append(window.focusWidget())
    assert seen == [
        traffic.regex_check,
        traffic.socket_combo,
        traffic.direction_combo,
        traffic.pause_button,
        traffic.clear_button,
    ]
    xs = [w.mapTo(window, w.rect().topLeft()).x() for w in [traffic.filter_edit, *seen]]
    assert xs == sorted(xs)  # as a user sees them, on one row at the default size


def test_f1_lists_delete_and_f2(window, user, qtbot):
    user.activate()
    user.shortcut(Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, target=window.traffic.view)
    text = the_box(window, qtbot).text()
    delete = next(line for line in text.splitlines() if line.startswith("Delete"))
    assert "endpoint" in delete and "subscription" in delete
    f2 = next(line for line in text.splitlines() if line.startswith("F2"))
    assert "rename the selected saved message" in f2
