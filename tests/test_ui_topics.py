"""The Topics view in the main window: nodes with counts and latest values, selecting one
filters the traffic table (a chip removes it), the latest message opens in the Message pane,
quiet topics turn grey, and the separator chooser splits topics again."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTabBar
from ui_actions import WAIT_MS, click, menu_action

import zinspect.ui.topics.topics_model as topics_model
from zinspect.core.store import IN
from zinspect.ui.topics.topics_model import COL_COUNT, COL_LAST, COL_LATEST, COL_TOPIC
from zinspect.ui.widgets.theme import colour


def put(window, socket: str, *frames: bytes, when: float | None = None) -> None:
    row = (time.time() if when is None else when, socket, IN, sum(map(len, frames)), *frames)
    window.session.store.extend_rows([row], 1)


def show_topics(window, qtbot) -> None:
    """Bring the Topics tab to the front, as a user clicks it."""

    def find() -> tuple[QTabBar, int] | None:
        for bar in window.findChildren(QTabBar):
            for index in range(bar.count()):
                if bar.tabText(index) == "Topics" and bar.isVisible():
                    return bar, index
        return None

    qtbot.waitUntil(lambda: find() is not None, timeout=WAIT_MS)
    bar, index = find()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: window.topics.showing, timeout=WAIT_MS)


def node_index(window, qtbot, socket: str, key: str | None = None) -> QModelIndex:
    model = window.topics.model
    qtbot.waitUntil(lambda: model.find(socket, key).isValid(), timeout=WAIT_MS)
    index = model.find(socket, key)
    window.topics.view.scrollTo(index)
    return index


def cell(window, index: QModelIndex, column: int, role=Qt.ItemDataRole.DisplayRole):
    model = window.topics.model
    return model.data(model.index(index.row(), column, index.parent()), role)


def click_node(window, qtbot, index: QModelIndex, double: bool = False) -> None:
    view = window.topics.view
    rect = view.visualRect(index)
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.fixture
def weather(window, qtbot):
    for text in (b"10001 -70 49", b"10002 12 40", b"10001 -68 47", b"10003 5 30"):
        put(window, "weather", text)
    put(window, "sensors", b"sensors/a/temp", b'{"t": 21.5}')
    show_topics(window, qtbot)
    return window


def test_the_view_menu_toggles_the_topics_dock(window, qtbot):
    action = menu_action(window, "Topics")
    dock = window.topics_dock
    assert action.isChecked()
    action.trigger()
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=WAIT_MS)
    assert not window.topics.model.running  # nobody looks: nothing is counted
    action.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)


def test_a_topic_appears_with_its_count_and_latest_value(weather, qtbot):
    index = node_index(weather, qtbot, "weather", "10001")
    assert cell(weather, index, COL_TOPIC) == "10001"
    assert cell(weather, index, COL_COUNT) == "2"
    assert cell(weather, index, COL_LATEST) == "10001 -68 47"
    socket = node_index(weather, qtbot, "weather")
    assert cell(weather, socket, COL_COUNT) == "4"
    temp = node_index(weather, qtbot, "sensors", "sensors/a/temp")
    assert cell(weather, temp, COL_LATEST) == '{"t": 21.5}'
    put(weather, "weather", b"10001 -60 45")  # a new message: the count and value move
    qtbot.waitUntil(lambda: cell(weather, index, COL_COUNT) == "3", timeout=WAIT_MS)
    assert cell(weather, index, COL_LATEST) == "10001 -60 45"
    assert weather.topics.status_label.text() == "4 topics"


def test_selecting_a_topic_filters_the_table_and_the_chip_clears_it(weather, user, qtbot):
    traffic = weather.traffic
    user.wait_rows(5)
    click_node(weather, qtbot, node_index(weather, qtbot, "weather", "10001"))
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 2, timeout=WAIT_MS)
    assert [row.frames[0][:5] for row in user.rows()] == [b"10001", b"10001"]
    chip = traffic.topic_chip
    assert chip.isVisible() and chip.text() == "topic: 10001 ✕"
    assert traffic.socket_combo.currentData() == "weather"
    # a parent topic shows everything below it
    click_node(weather, qtbot, node_index(weather, qtbot, "sensors", "sensors"))
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 1, timeout=WAIT_MS)
    assert chip.text() == "topic: sensors ✕"
    click(qtbot, chip)  # removes the socket filter the topic chose too
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 5 and not chip.isVisible(), timeout=WAIT_MS)
    assert traffic.model.filter.topic is None and traffic.socket_combo.currentData() is None


def test_double_click_opens_the_latest_message_in_the_message_pane(weather, user, qtbot):
    index = node_index(weather, qtbot, "weather", "10001")
    click_node(weather, qtbot, index, double=True)
    qtbot.waitUntil(lambda: weather.detail.message is not None, timeout=WAIT_MS)
    assert weather.detail.message.frames == [b"10001 -68 47"]
    assert weather.detail_dock.isVisible()
    # the table selects it too, so the two agree
    assert weather.traffic.selected_messages()[0].frames == [b"10001 -68 47"]
    # the button does the same for another topic
    click_node(weather, qtbot, node_index(weather, qtbot, "weather", "10003"))
    show_topics(weather, qtbot)
    click(qtbot, weather.topics.open_button)
    qtbot.waitUntil(lambda: weather.detail.message.frames == [b"10003 5 30"], timeout=WAIT_MS)


def test_a_quiet_topic_turns_grey_and_counts_up(window, qtbot):
    now = time.time()
    put(window, "weather", b"10001 -70 49", when=now - 3)
    put(window, "weather", b"10002 12 40", when=now - 30)
    show_topics(window, qtbot)
    model = window.topics.model
    model.wall_clock = lambda: now  # an injected clock
    fresh = node_index(window, qtbot, "weather", "10001")
    quiet = node_index(window, qtbot, "weather", "10002")
    foreground = Qt.ItemDataRole.ForegroundRole
    assert cell(window, fresh, COL_LAST) == "3.0 s"
    assert cell(window, fresh, COL_TOPIC, foreground) is None
    assert cell(window, quiet, COL_LAST) == "30 s"
    assert cell(window, quiet, COL_TOPIC, foreground).color() == colour("placeholder")
    assert "Quiet for 30 s" in cell(window, quiet, COL_TOPIC, Qt.ItemDataRole.ToolTipRole)
    model.wall_clock = lambda: now + 60  # the clock moves on: both are quiet now
    assert cell(window, fresh, COL_LAST) == "63 s"
    assert cell(window, fresh, COL_TOPIC, foreground).color() == colour("placeholder")


def test_the_separator_chooser_splits_the_topics_again(window, qtbot):
    put(window, "sensors", b"sensors/a/temp", b"1")
    put(window, "sensors", b"sensors/b/temp", b"2")
    show_topics(window, qtbot)
    node_index(window, qtbot, "sensors", "sensors/a/temp")
    combo = window.topics.separator_combo
    combo.setCurrentIndex(combo.findText("none"))
    whole = node_index(window, qtbot, "sensors", "sensors/a/temp")
    assert cell(window, whole, COL_TOPIC) == "sensors/a/temp"
    assert not whole.parent().parent().isValid()  # right under the socket
    assert window.topics.model.rowCount(whole.parent()) == 2


def test_clearing_the_traffic_empties_the_topics(weather, qtbot):
    node_index(weather, qtbot, "weather", "10001")
    weather.traffic.clear_action.trigger()
    model = weather.topics.model
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
    put(weather, "other", b"fresh 1")
    index = node_index(weather, qtbot, "other", "fresh")
    assert cell(weather, index, COL_COUNT) == "1"


def test_a_big_level_shows_a_page_then_more_on_double_click(window, qtbot, monkeypatch):
    monkeypatch.setattr(topics_model, "PAGE", 5)
    for zip_code in range(10001, 10013):
        put(window, "weather", b"%d 1 2" % zip_code)
    show_topics(window, qtbot)
    model = window.topics.model
    socket = node_index(window, qtbot, "weather")
    qtbot.waitUntil(lambda: model.rowCount(socket) == 6, timeout=WAIT_MS)
    more = model.index(5, COL_TOPIC, socket)
    assert model.data(more) == "… 7 more topics"
    click_node(window, qtbot, more, double=True)
    qtbot.waitUntil(lambda: model.rowCount(socket) == 11, timeout=WAIT_MS)
    assert model.data(model.index(10, COL_TOPIC, socket)) == "… 2 more topics"
    assert model.data(model.index(9, COL_TOPIC, socket)) == "10010"
    # a topic past the pages is found (and shown) when asked for
    assert model.find("weather", "10012").isValid()
    assert (
        model.rowCount(socket) == 12 and model.data(model.index(11, COL_TOPIC, socket)) == "10012"
    )
