"""The filter's match count while the view is paused counts the same messages on both sides:
the matches among the messages up to the pause, of those messages ("95 of 963,874" set a
frozen count against the live total; resumed it read "558 of 964,044")."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_ui_traffic import msg
from ui_actions import WAIT_MS

from zinspect.core.store import IN
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.traffic.traffic_panel import TrafficPanel


@pytest.fixture
def panel(qtbot, session):
    session.create_socket("PUB", "pub-1")
    panel = TrafficPanel(SessionBridge(session), session.store)
    qtbot.addWidget(panel)
    panel.resize(900, 320)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def pause(qtbot, panel) -> None:
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)


def test_the_paused_match_count_counts_up_to_the_pause_and_says_so(qtbot, panel):
    store = panel.model.store
    store.extend([msg("pub-1", IN, b"hit %d" % n if n % 2 else b"miss") for n in range(10)])
    panel.model.refresh()
    qtbot.keyClicks(panel.filter_edit, "hit")
    qtbot.waitUntil(lambda: panel.count_label.text() == "5 of 10 messages match", timeout=WAIT_MS)

    pause(qtbot, panel)
    store.extend([msg("pub-1", IN, b"hit more") for _ in range(6)])
    store.extend([msg("pub-1", IN, b"other") for _ in range(4)])
    qtbot.waitUntil(lambda: panel.paused_label.text() == "Paused — 10 new", timeout=WAIT_MS)
    assert panel.count_label.text() == "5 of 10 messages match (up to the pause)"

    pause(qtbot, panel)
    qtbot.waitUntil(lambda: panel.count_label.text() == "11 of 20 messages match", timeout=WAIT_MS)
