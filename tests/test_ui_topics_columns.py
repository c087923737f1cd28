"""The Topics view as a user meets it in its dock: the Latest value column keeps at least the
first word of its title however narrow the dock (the Topic column gives room first), and
removing the topic chip in the traffic panel removes everything choosing the topic did: the
topic, the socket filter it chose, and the selection in the tree."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_topics import click_node, node_index, put, show_topics
from ui_actions import WAIT_MS, click

from zinspect.ui.topics.topics_model import COL_LATEST, HEADERS


def latest_title_fits(window) -> bool:
    header = window.topics.view.header()
    title = HEADERS[COL_LATEST].split()[0]  # "Latest": a narrow dock keeps Last in sight first
    return header.sectionSize(COL_LATEST) >= header.fontMetrics().horizontalAdvance(title) + 8


def test_the_latest_value_column_keeps_its_title_in_a_narrow_dock(window, qtbot):
    put(window, "sensors", b"sensors/a/temp", b'{"t": 21.5, "unit": "C"}')
    show_topics(window, qtbot)
    dock, viewport = window.topics_dock, window.topics.view.viewport()
    for width in (900, 420, 300):
        window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda w=width: abs(viewport.width() - w) < 40, timeout=WAIT_MS)
        assert latest_title_fits(window), width


def test_removing_the_topic_chip_removes_the_socket_filter_and_the_tree_selection(
    window, user, qtbot
):
    for text in (b"10001 -70 49", b"10002 12 40", b"10001 -68 47"):
        put(window, "weather", text)
    put(window, "sensors", b"sensors/a/temp", b'{"t": 21.5}')
    user.wait_rows(4)
    show_topics(window, qtbot)
    click_node(window, qtbot, node_index(window, qtbot, "weather", "10001"))
    traffic, topics = window.traffic, window.topics
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 2, timeout=WAIT_MS)
    assert traffic.socket_combo.currentData() == "weather"
    assert topics.view.selectionModel().hasSelection() and topics.open_button.isEnabled()
    click(qtbot, traffic.topic_chip)
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 4, timeout=WAIT_MS)
    assert not traffic.topic_chip.isVisible()
    assert traffic.socket_combo.currentText() == "All sockets"
    assert not topics.view.selectionModel().hasSelection()
    assert not topics.view.currentIndex().isValid() and not topics.open_button.isEnabled()


def test_a_socket_filter_chosen_after_the_topic_stays_when_the_chip_goes(window, user, qtbot):
    put(window, "weather", b"10001 -70 49")
    put(window, "other", b"10001 1 2")
    user.wait_rows(2)
    show_topics(window, qtbot)
    click_node(window, qtbot, node_index(window, qtbot, "weather", "10001"))
    traffic = window.traffic
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 1, timeout=WAIT_MS)
    traffic.set_socket_filter("other")  # as the row menu's "Filter to socket other"
    click(qtbot, traffic.topic_chip)
    assert traffic.socket_combo.currentData() == "other"  # the user's own choice
