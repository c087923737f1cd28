"""Cancel of a long filter says which messages it did not search: the search goes from the
oldest message on, so those are the newer ones (the note said "older")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS

from zinspect.core.store import IN
from zinspect.ui.traffic import traffic_model

COUNT = 20_000


def test_a_cancelled_search_names_the_newer_messages_as_not_searched(window, qtbot, monkeypatch):
    rows = [(float(n), "pull-1", IN, 8, b"msg %d" % n) for n in range(COUNT)]
    window.session.store.extend_rows(rows, COUNT)
    panel = window.traffic
    model = panel.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    monkeypatch.setattr(traffic_model, "SCAN_CHUNK", 8)  # a slow search: Cancel comes in time
    monkeypatch.setattr(traffic_model, "SCAN_BUDGET_S", 0.0)
    panel.filter_edit.setText("msg 1")
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.filter_progress.cancel_button.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=WAIT_MS)
    qtbot.mouseClick(panel.filter_progress.cancel_button, Qt.MouseButton.LeftButton)
    text = panel.progress_label.text()
    assert text.startswith("Search stopped at") and "newer messages" in text, text
    found = [model.message_at(row).frames[0] for row in range(model.rowCount())]
    assert found[0] == b"msg 1"  # from the oldest on ...
    assert b"msg 19999" not in found  # ... the newest never reached
