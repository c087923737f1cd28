"""Preferences > History on disk: turning it off stops the history (its folder goes, the
table shows what RAM keeps), on again starts a new one; a cap that is not a size is refused
in words next to the field and nothing is applied."""

from __future__ import annotations

import time

from preferences_helpers import open_preferences, press_ok, type_over
from PySide6.QtCore import QPoint, Qt

from zinspect.core.history.history import GIB, History
from zinspect.core.store import IN

RAM = 1000


def click_box(qtbot, box) -> None:
    """A click on the box's indicator (its left end)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def fill(window, count: int) -> None:
    store = window.session.store
    rows = [(time.time(), "pull-1", IN, 5, b"m%04d" % n) for n in range(count)]
    store.extend_rows(rows, count)


def test_turning_the_history_off_and_on(window, qtbot):
    store = window.session.store
    history = store.history
    assert isinstance(history, History)
    store.set_caps(RAM, store.max_bytes)
    fill(window, 3000)
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == 3000, timeout=5000)
    dialog = open_preferences(window, qtbot)
    assert dialog.history_check.isChecked()
    click_box(qtbot, dialog.history_check)
    assert not dialog.history_edit.isEnabled()
    press_ok(qtbot, dialog)
    assert store.history is None and not history.folder.exists()
    qtbot.waitUntil(lambda: model.rowCount() == RAM, timeout=5000)
    dialog = open_preferences(window, qtbot)
    click_box(qtbot, dialog.history_check)
    type_over(qtbot, dialog.history_edit, "2")
    press_ok(qtbot, dialog)
    assert isinstance(store.history, History) and store.history.cap_bytes == 2 * GIB
    fill(window, 2000)  # kept from now on
    qtbot.waitUntil(lambda: model.rowCount() == 2000, timeout=5000)
    assert model.message_at(0).frames == [b"m0000"]


def test_a_cap_that_is_not_a_size_is_refused_in_words(window, qtbot):
    store = window.session.store
    history = store.history
    assert history is not None
    cap = history.cap_bytes
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.history_edit, "lots")
    assert dialog.history_error.isVisible()
    assert "whole number of GiB" in dialog.history_error.text()
    assert not dialog.ok_button.isEnabled()
    type_over(qtbot, dialog.history_edit, "0")
    assert "At least 1 GiB" in dialog.history_error.text()
    type_over(qtbot, dialog.history_edit, "")  # automatic
    assert not dialog.history_error.isVisible() and dialog.ok_button.isEnabled()
    press_ok(qtbot, dialog)
    assert store.history is history and history.cap_bytes == cap
