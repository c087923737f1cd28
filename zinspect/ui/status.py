"""The status bar's traffic figures: counts, rates and drops, sampled from the store.

Sampled on a slow timer rather than pushed, so a flood costs the status bar nothing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from zinspect.core.codecs import human_size
from zinspect.core.store import MessageStore

SAMPLE_MS = 500


class TrafficStatus(QLabel):
    """ "in 1,204 (310/s) · out 12 (0/s) · stored 1,216 (84 KiB) · dropped 0"."""

    def __init__(self, store: MessageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setAccessibleName("Traffic counters")
        self.setToolTip(
            "Messages received and sent since start, their rates, what the store "
            "holds, how many old messages the store's caps dropped from memory, and the "
            "history on disk that keeps them for the session"
        )
        self._last = (time.monotonic(), store.received, store.sent)
        self.in_rate = 0.0
        self.out_rate = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(SAMPLE_MS)
        self.refresh()

    def refresh(self) -> None:
        store = self.store
        now = time.monotonic()
        then, received, sent = self._last
        elapsed = now - then
        if elapsed > 0.05:
            self.in_rate = (store.received - received) / elapsed
            self.out_rate = (store.sent - sent) / elapsed
            self._last = (now, store.received, store.sent)
        self.setText(
            f"in {store.received:,} ({self.in_rate:,.0f}/s)  ·  "
            f"out {store.sent:,} ({self.out_rate:,.0f}/s)  ·  "
            f"stored {len(store):,} ({human_size(store.total_bytes)})  ·  "
            f"dropped {store.dropped:,}{history_text(store)}"
        )


def history_text(store: MessageStore) -> str:
    """What the history on disk holds, or why it stopped; "" when there is none."""
    history = store.history
    if history is None:
        return ""
    if history.stopped:
        return f"  ·  history stopped: {history.stopped}"
    kept = history.end_seq - history.first_seq
    text = f"  ·  history {kept:,} on disk ({human_size(history.disk_bytes)})"
    if history.dropped:
        text += f", {history.dropped:,} oldest dropped (disk cap)"
    if history.lost:
        text += f", {history.lost:,} unreadable"
    return text


def install_status(status_bar: QStatusBar, store: MessageStore) -> TrafficStatus:
    label = TrafficStatus(store, status_bar)
    status_bar.addPermanentWidget(label)
    return label
