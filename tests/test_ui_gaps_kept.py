"""A field marked as a sequence counts in the messages already kept, not only from the mark
on (the skipped numbers before the mark were never listed), and the Gaps tab says when it
is still catching up instead of passing a lagging list for complete."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from test_ui_latency import cells, show_latency_dock
from ui_actions import WAIT_MS

from zinspect.core.store import IN


def ticks(window, numbers, socket: str = "ticks") -> None:
    """Messages "tick N" received on ``socket``, kept in the store as a burst."""
    now = time.time()
    rows = [(now, socket, IN, len(b"tick %d" % n), b"tick %d" % n) for n in numbers]
    window.session.store.extend_rows(rows, len(rows))


def mark(window, qtbot, socket: str, path: str) -> None:
    gaps = window.latency.gaps_tab
    qtbot.waitUntil(lambda: gaps.socket_box.findText(socket) >= 0, timeout=WAIT_MS)
    gaps.socket_box.setCurrentIndex(gaps.socket_box.findText(socket))
    gaps.path_edit.setText(path)
    qtbot.mouseClick(gaps.mark_button, Qt.MouseButton.LeftButton)
    assert not gaps.error.isVisible(), gaps.error.text()


def test_a_new_mark_lists_the_gaps_in_messages_kept_before_it(window, qtbot):
    show_latency_dock(window, qtbot)
    gaps = window.latency.gaps_tab
    window.latency.tabs.setCurrentWidget(gaps)
    ticks(window, [*range(1, 483), *range(505, 600)])  # 483 to 504 never came
    mark(window, qtbot, "ticks", "f1[2]")
    qtbot.waitUntil(lambda: gaps.model.rowCount() == 1, timeout=WAIT_MS)
    socket, topic, missed, _message, gap = cells(gaps.model)[0]
    assert (socket, topic, missed) == ("ticks", "tick", "22")
    assert gap.startswith("seq 482 -> 505: 22 missed at ")
    qtbot.waitUntil(lambda: gaps.summary.text() == "22 missed in 1 gap on 1 topic", timeout=WAIT_MS)
    # and it goes on from there with what arrives next, in order
    ticks(window, [600, 603])
    qtbot.waitUntil(lambda: gaps.model.rowCount() == 2, timeout=WAIT_MS)
    assert cells(gaps.model)[0][4].startswith("seq 600 -> 603: 2 missed at ")
    assert gaps.summary.text() == "24 missed in 2 gaps on 1 topic"


def test_the_gaps_tab_says_it_is_catching_up_until_it_has_read_everything(window, qtbot):
    show_latency_dock(window, qtbot)
    gaps = window.latency.gaps_tab
    window.latency.tabs.setCurrentWidget(gaps)
    ticks(window, [1])
    mark(window, qtbot, "ticks", "f1[2]")
    # a burst: every 1,000th number skipped, far more than a tick of the view reads
    ticks(window, [n for n in range(2, 40_000) if n % 1000])
    qtbot.waitUntil(lambda: "catching up" in gaps.summary.text(), timeout=WAIT_MS)
    assert "messages to read" in gaps.summary.text()
    qtbot.waitUntil(lambda: "catching up" not in gaps.summary.text(), timeout=60_000)
    assert gaps.summary.text() == "39 missed in 39 gaps on 1 topic"
