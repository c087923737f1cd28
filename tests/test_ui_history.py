"""The history through the window: with small RAM caps, 5,000 messages from a real peer all
stay browsable; the table scrolls back to message 1 and the Message pane opens it, a filter
finds a message that is only on disk, and Cancel stops a long search."""

from __future__ import annotations

from PySide6.QtCore import Qt

from zinspect.ui.traffic import traffic_model
from zinspect.ui.traffic.columns import COL_NUMBER

COUNT = 5000
RAM = 1000  # messages the store keeps in memory


def flood(window, user, peer, qtbot) -> None:
    store = window.session.store
    assert store.history is not None  # the preference is on by default
    store.set_caps(RAM, store.max_bytes)
    user.create("PULL", "hist")
    endpoint = user.bind()
    peer("push_worker.py", endpoint, COUNT, "hist", "--timeout", "60")
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=30_000)
    assert store.first_seq == COUNT - RAM and store.oldest_seq == 0


def filter_by(window, qtbot, text: str) -> None:
    panel = window.traffic
    panel.filter_edit.setText(text)
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)


def test_the_table_scrolls_back_to_message_1_and_the_pane_opens_it(window, user, peer, qtbot):
    flood(window, user, peer, qtbot)
    model = window.traffic.model
    assert model.index(0, COL_NUMBER).data() == "1"
    user.click_row(0)
    assert user.detail_frames() == ["hist 0"]
    qtbot.waitUntil(lambda: "on disk" in window.status.text(), timeout=5000)  # sampled
    filter_by(window, qtbot, "hist 1234")
    qtbot.waitUntil(lambda: model.filter_progress == 100 and model.rowCount() == 1, timeout=20_000)
    assert model.message_at(0).seq < window.session.store.first_seq  # only on disk
    user.click_row(0)
    assert user.detail_frames() == ["hist 1234"]


def test_cancel_stops_a_search_of_the_history(window, user, peer, qtbot, monkeypatch):
    flood(window, user, peer, qtbot)
    # a slow search: a few rows per tick, so Cancel comes while it runs
    monkeypatch.setattr(traffic_model, "SCAN_CHUNK", 8)
    monkeypatch.setattr(traffic_model, "SCAN_BUDGET_S", 0.0)
    panel = window.traffic
    model = window.traffic.model
    filter_by(window, qtbot, "hist 4")  # every message from 4000 on, and 4, 40-49, 400-499
    qtbot.waitUntil(lambda: panel.filter_progress.cancel_button.isVisible(), timeout=10_000)
    assert panel.progress_label.text().startswith("Filtering…")
    # matches from the history show while the search goes on
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=10_000)
    assert model.filter_progress < 100 and model.message_at(0).frames == [b"hist 4"]
    qtbot.mouseClick(panel.filter_progress.cancel_button, Qt.MouseButton.LeftButton)
    assert model.filter_progress == 100 and model.stopped_at is not None
    qtbot.waitUntil(lambda: "Search stopped at" in panel.progress_label.text(), timeout=5000)
    assert not panel.filter_progress.cancel_button.isVisibleTo(panel)
    found = model.rowCount()
    assert found < 1 + 10 + 100 + RAM  # the rest was never searched
    filter_by(window, qtbot, "")  # a new filter: the note goes
    qtbot.waitUntil(lambda: not panel.filter_progress.isVisible(), timeout=5000)
    assert model.rowCount() == COUNT


def test_clear_empties_the_history_too(window, user, peer, qtbot):
    flood(window, user, peer, qtbot)
    store = window.session.store
    history = store.history
    window.traffic.clear_action.trigger()  # as File > Open capture does before it reads
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 0, timeout=5000)
    assert store.oldest_seq == store.end_seq and store.get(0) is None
    assert history is not None and not list(history.folder.glob("segment-*"))
