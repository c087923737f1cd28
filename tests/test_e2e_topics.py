"""The Topics view against a real publisher: the primer's weather server, its updates grouped
by zip code as they arrive, and a zip code's node filtering the table."""

from __future__ import annotations

from peerio import start_peer
from PySide6.QtCore import Qt
from ui_actions import PEER_WAIT_MS, WAIT_MS
from window_driver import ANY_PORT

from zinspect.ui.topics.topics_model import COL_COUNT, COL_LATEST


def test_weather_updates_from_a_publisher_are_counted_by_zip_code(window, user, peer, qtbot):
    out = start_peer(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "300")
    endpoint = out.line("ready").split()[1]
    user.create("SUB", "weather")
    user.connect(endpoint)
    user.subscribe("")
    dock = window.topics_dock
    dock.show()
    dock.raise_()
    topics = window.topics
    model = topics.model
    qtbot.waitUntil(lambda: model.find("weather", "10001").isValid(), timeout=PEER_WAIT_MS)
    node = model.find("weather", "10001")

    def count() -> int:
        return int(model.data(model.index(node.row(), COL_COUNT, node.parent())).replace(",", ""))

    qtbot.waitUntil(lambda: count() >= 3, timeout=PEER_WAIT_MS)
    latest = model.data(model.index(node.row(), COL_LATEST, node.parent()))
    assert latest.startswith("10001 ") and len(latest.split()) == 3
    topics.view.scrollTo(node)
    rect = topics.view.visualRect(node)
    qtbot.mouseClick(topics.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    traffic = window.traffic
    qtbot.waitUntil(lambda: traffic.topic_chip.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: traffic.model.rowCount() >= 3, timeout=WAIT_MS)
    assert all(row.frames[0].startswith(b"10001 ") for row in user.rows())
