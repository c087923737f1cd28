"""Clear traffic forgets what was worked out from the cleared messages. A reviewer cleared the
traffic table and the Plot's Rates tab went on drawing the old rates beside the empty table.
Clear means "forget the traffic seen so far": the Rates plot starts again with the table (as
the Topics and Latency views already did), the value series forget their points and counts
(the series stay), and the tooltip and the status bar say what was cleared. Real PUSH peers
send to a PULL of the window; the Plot dock's real tabs are clicked."""

from __future__ import annotations

import pytest
from peerio import start_peer
from PySide6.QtCore import Qt
from ui_actions import PEER_WAIT_MS, WAIT_MS

from zinspect.core.explore.fields import FieldPath
from zinspect.ui.status import cleared_words

pytestmark = pytest.mark.e2e


def send_from_peer(peer, qtbot, pull, endpoint: str, count: int, name: str) -> None:
    """A real PUSH peer sends ``count`` messages to ``pull``; back once they are in."""
    before = pull.received
    worker = start_peer(peer, qtbot, "push_worker.py", endpoint, count, name)
    qtbot.waitUntil(lambda: pull.received == before + count, timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: worker.proc.poll() is not None, timeout=PEER_WAIT_MS)


def drawn(panel, name: str) -> list[tuple[float, float]]:
    """The (time, messages/s) points the Rates plot draws for ``name``."""
    curve = panel.rates.curves.get(name)
    if curve is None or curve.xData is None:
        return []
    return list(zip(curve.xData.tolist(), curve.yData.tolist()))


def counted(panel, name: str) -> float:
    rates = panel.feed.rates
    series = rates.series.get(name) if rates is not None else None
    return series.total if series is not None else 0.0


def test_clear_traffic_starts_the_rates_plot_and_the_value_series_again(window, user, qtbot, peer):
    pull = user.create("PULL", "sink")
    endpoint = user.bind()
    plots = window.plots
    series = plots.plot("sink", None, FieldPath.parse("f1"))  # text: never a number
    panel = plots.panel
    bar = panel.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # Rates
    qtbot.waitUntil(lambda: panel.feed.rates is not None, timeout=WAIT_MS)

    send_from_peer(peer, qtbot, pull, endpoint, 40, "before")
    qtbot.waitUntil(lambda: counted(panel, "sink") == 40, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(drawn(panel, "sink")), timeout=WAIT_MS)  # a bin closed
    assert series.not_numeric == 40
    item = panel.series_list.item(0)
    qtbot.waitUntil(lambda: "40 without a number" in item.text(), timeout=WAIT_MS)

    tip = window.traffic.clear_action.toolTip()
    assert "the Plot's points and rates" in tip and "Topics view" in tip
    assert "session totals go on" in tip
    user.click(window.traffic.clear_button)
    assert window.traffic.count_label.text() == "0 messages"
    assert window.statusBar().currentMessage() == cleared_words(40)
    assert window.statusBar().currentMessage().startswith("Cleared 40 messages: the traffic")
    # the old rates are gone from the plot at once, and nothing is left to count them from
    assert panel.rates.curves == {} and panel.feed.rates.series == {}
    assert len(series.points) == 0 and series.not_numeric == 0
    qtbot.waitUntil(lambda: "without a number" not in item.text(), timeout=WAIT_MS)

    send_from_peer(peer, qtbot, pull, endpoint, 15, "after")
    # counted from the Clear on: 15, not 55
    qtbot.waitUntil(lambda: counted(panel, "sink") == 15, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(drawn(panel, "sink")), timeout=WAIT_MS)
    assert max(rate for _time, rate in drawn(panel, "sink")) <= 15
    assert series.not_numeric == 15
    assert pull.received == 55  # the session's totals go on
