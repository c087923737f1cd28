"""The status bar with the history on disk: a first-time user flooded 3 million messages
into a 1-million store and read "dropped 2,000,000" next to "history 3,000,000 on disk",
as if the history's whole point had failed. Dropped now counts what is really gone: the
messages dropped from memory that no history keeps. Turning the history off says what it
took with it (it was silent)."""

from __future__ import annotations

from preferences_helpers import open_preferences, press_ok
from PySide6.QtCore import QPoint, Qt

from zinspect.core.history.history import History
from zinspect.core.store import IN, MessageStore
from zinspect.ui.status import TrafficStatus


def fill(store: MessageStore, count: int, start: int = 0) -> None:
    rows = [(float(n), "pull-1", IN, 8, n.to_bytes(8, "little")) for n in range(start, count)]
    for at in range(0, len(rows), 300):
        store.extend_rows(rows[at : at + 300], len(rows[at : at + 300]))


def status_text(qtbot, store: MessageStore) -> str:
    status = TrafficStatus(store)
    qtbot.addWidget(status)
    return status.text()


def test_messages_the_history_keeps_are_not_counted_as_dropped(qtbot, tmp_path):
    store = MessageStore(max_messages=1000)
    store.set_history(History(0, cap_bytes=1 << 30, base=tmp_path))
    fill(store, 5000)
    assert store.dropped == 4000 and store.dropped_unkept == 0
    text = status_text(qtbot, store)
    assert "stored 1,000 " in text and "dropped 0" in text
    assert "history 5,000 on disk" in text
    store.history.close()


def test_messages_dropped_before_the_history_started_are_dropped(qtbot, tmp_path):
    store = MessageStore(max_messages=1000)
    fill(store, 3000)  # 2,000 dropped with no history: gone
    store.set_history(History(store.end_seq, cap_bytes=1 << 30, base=tmp_path))
    # 3,000 more dropped from memory: the 1,000 from before the history are gone too, the
    # 2,000 after it are on disk
    fill(store, 6000, start=3000)
    assert store.dropped == 5000 and store.dropped_unkept == 3000
    assert "dropped 3,000" in status_text(qtbot, store)
    store.history.close()


def test_without_a_history_every_drop_counts(qtbot):
    store = MessageStore(max_messages=1000)
    fill(store, 2500)
    assert store.dropped_unkept == store.dropped == 1500
    assert "dropped 1,500" in status_text(qtbot, store)


def test_turning_the_history_off_says_what_went(window, qtbot):
    store = window.session.store
    assert store.history is not None
    store.set_caps(1000, store.max_bytes)
    fill(store, 3000)
    dialog = open_preferences(window, qtbot)
    box = dialog.history_check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
    press_ok(qtbot, dialog)
    assert store.history is None
    assert window.statusBar().currentMessage() == (
        "Preferences applied; the history on disk is off: the 2,000 older messages only it "
        "kept are gone"
    )
    qtbot.waitUntil(lambda: "dropped 2,000" in window.status.text(), timeout=5000)  # sampled
