"""The Message pane's hint ("Select a message…") in a short dock: a new user with the
composer dragged taller saw an empty Message pane with a scroll bar, the hint centred in
the 400-odd pixels the message page needs, below the dock's bottom. The hint now sits in
the middle of what the dock shows, whole, at every height, before and after a message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS

from zinspect.core.store import IN, Message


def short_message_dock(window, qtbot, height: int) -> None:
    """The Message dock made short: in the window beside the table the composer dragged
    taller (about 234 px is the least there), else floated and made ``height`` tall."""
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=WAIT_MS)
    window.resizeDocks([window.composer_dock], [700], Qt.Orientation.Vertical)
    dock = window.detail_dock
    if height < 234:
        dock.setFloating(True)
        dock.resize(260, height)
        qtbot.waitUntil(lambda: dock.height() == height, timeout=WAIT_MS)
    QApplication.processEvents()
    QApplication.processEvents()


def assert_hint_in_view(window) -> None:
    scroll = window.detail_dock.widget()
    viewport = scroll.viewport()
    hint = window.detail.findChild(type(window.detail._empty_label), "empty_hint")
    assert hint.isVisible()
    assert scroll.verticalScrollBar().maximum() == 0  # nothing to scroll to
    shown = QRect(hint.mapTo(viewport, hint.rect().topLeft()), hint.size())
    assert viewport.rect().contains(shown), (shown, viewport.rect())
    # the text, whole, in the middle of what the dock shows
    assert hint.height() >= hint.heightForWidth(hint.width())
    assert abs(shown.center().y() - viewport.rect().center().y()) <= 2


@pytest.mark.parametrize("height", [234, 160, 90], ids=["beside-table", "160px", "90px"])
def test_the_hint_stays_in_the_middle_of_a_short_message_dock(window, qtbot, height):
    short_message_dock(window, qtbot, height)
    assert window.detail_dock.height() <= 240, window.detail_dock.height()
    assert_hint_in_view(window)


def test_after_a_message_and_a_clear_the_hint_is_back_in_view(window, user, qtbot):
    short_message_dock(window, qtbot, 160)
    store = window.session.store
    store.append(Message(1.0, "left", IN, [b"hello"]))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    user.click_row(0)
    scroll = window.detail_dock.widget()
    # the message page keeps its height and scrolls in the short dock, as before
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    window.traffic.clear_action.trigger()
    qtbot.waitUntil(lambda: window.detail._empty_label.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() == 0, timeout=WAIT_MS)
    assert_hint_in_view(window)
