"""The Message pane at 1024 px: a new user found it still squeezing the traffic table (the
table had 45 % of the window, the Time column stepped aside). Its two caption/value pairs
to a row and the copy buttons' row held it about 260 px wide, 300 with a long socket name.
Now its pairs go one to a row and its buttons wrap in a narrow dock: at 1024 px the table
keeps over half the width; at 1600 px the pane is as it was, pairs side by side."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from test_review_fixes_6_layout import desktop_layout, resize_to
from test_ui_narrow_docks import reset_at
from ui_actions import WAIT_MS

from zinspect.core.store import IN, Message

LONG_SOCKET = "127.0.0.1:53814 -> 127.0.0.1:5701"


def select_a_message(window, user, qtbot, socket: str = LONG_SOCKET) -> None:
    store = window.session.store
    store.append(Message(1.0, socket, IN, [b"", b"World", b"x" * 3000]))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    user.click_row(0)
    qtbot.waitUntil(lambda: window.detail.message is not None, timeout=WAIT_MS)
    QApplication.processEvents()
    QApplication.processEvents()


def rect_in(parent: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(parent, widget.rect().topLeft()), widget.size())


def assert_pane_whole(window) -> None:
    """Every caption, value and button of the pane inside it, none over another."""
    pane = window.detail
    shown = [
        w
        for w in pane.findChildren(QWidget)
        if w.isVisible() and isinstance(w, (QLabel, QPushButton)) and w.parent() is not pane
    ]
    fields = [w for w in shown if w.parent() is pane._field_grid]
    assert len(fields) == 12
    buttons = [w for w in shown if w.objectName().endswith("_button")]
    assert {"copy_text_button", "copy_hex_button", "save_frame_button"} <= {
        b.objectName() for b in buttons
    }
    for group in (fields, buttons):
        rects = [rect_in(pane, w) for w in group]
        for widget, rect in zip(group, rects, strict=True):
            assert pane.rect().contains(rect), (widget.objectName(), widget.text(), rect)
            others = [other for other in rects if other is not rect]
            assert not any(rect.intersects(other) for other in others), widget.text()
    for button in buttons:
        text = button.fontMetrics().horizontalAdvance(button.text())
        assert button.width() >= text + 8, button.text()


@pytest.mark.parametrize("how", ["reset", "narrowed"])
def test_at_1024_the_table_keeps_over_half_the_width(window, user, qtbot, how):
    if how == "reset":
        reset_at(window, qtbot, 1024, 700)
    else:  # a desktop layout, the window made smaller
        desktop_layout(window, qtbot)
        resize_to(window, qtbot, 1024, 700)
    select_a_message(window, user, qtbot)
    qtbot.waitUntil(lambda: window.traffic.width() > 0.5 * window.width(), timeout=WAIT_MS)
    assert window.detail_dock.width() <= 0.22 * window.width(), window.detail_dock.width()
    assert window.detail._field_grid.columns == 1  # one pair to a row
    assert_pane_whole(window)
    header = window.traffic.view.horizontalHeader()
    names = [header.model().headerData(c, header.orientation()) for c in range(header.count())]
    shown = [name for c, name in enumerate(names) if not header.isSectionHidden(c)]
    assert {"No.", "Time", "Socket", "Summary"} <= set(shown), shown


def test_at_1600_the_message_pane_keeps_its_room_and_pairs_side_by_side(window, user, qtbot):
    reset_at(window, qtbot, 1600, 1000)
    select_a_message(window, user, qtbot, "weather-sub")
    assert window.detail_dock.width() >= 400
    assert window.traffic.width() > 0.5 * window.width()
    assert window.detail._field_grid.columns == 2
    assert_pane_whole(window)
    # a value too long for two pairs a row puts them one to a row, then back
    first = window.detail.message
    window.detail.show_message(Message(2.0, LONG_SOCKET * 2, IN, [b"a"]))
    qtbot.waitUntil(lambda: window.detail._field_grid.columns == 1, timeout=WAIT_MS)
    window.detail.show_message(first)
    qtbot.waitUntil(lambda: window.detail._field_grid.columns == 2, timeout=WAIT_MS)
    # Copy as, the three copy buttons and Save frame… on one line
    rows = {
        rect_in(window.detail, b).top()
        for b in window.detail.findChildren(QPushButton)
        if b.isVisible() and b.objectName().startswith(("copy_", "save_frame"))
    }
    assert len(rows) == 1, rows
