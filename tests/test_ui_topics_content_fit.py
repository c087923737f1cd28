"""The Topics dock's columns fit what they show at the default dock width: a topic under
its socket reads "(no topic)" whole, a latest value "10001 0 57" whole, and the Last column
is in sight (they read "(n…c)" and "1000…0 57", and Last was off screen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_topics import node_index, put, show_topics
from ui_actions import WAIT_MS

from zinspect.ui.topics.topics_model import COL_COUNT, COL_LAST, COL_LATEST, COL_RATE, COL_TOPIC

DOCK_WIDTH = 420  # the Message/Topics dock at the default 1600 x 1000 window


def _whole(window, index, column: int, indent: int = 0) -> tuple[bool, str]:
    """Whether the cell's text fits its column (nothing elided)."""
    view = window.topics.view
    model = view.model()
    text = model.data(model.index(index.row(), column, index.parent()))
    needed = view.fontMetrics().horizontalAdvance(text) + indent
    return view.header().sectionSize(column) >= needed, text


def test_every_column_reads_whole_at_the_default_dock_width(window, qtbot):
    for text in (b"10001 -70 49", b"10002 12 40", b"", b"10001 0 57"):
        put(window, "weather-sub", text)
    show_topics(window, qtbot)
    window.resizeDocks([window.topics_dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
    view = window.topics.view
    viewport = view.viewport()
    qtbot.waitUntil(lambda: abs(viewport.width() - DOCK_WIDTH) < 40, timeout=WAIT_MS)
    topic = node_index(window, qtbot, "weather-sub", "10001")
    socket = node_index(window, qtbot, "weather-sub")
    model = view.model()

    def no_topic():
        for row in range(model.rowCount(socket)):
            if model.data(model.index(row, COL_TOPIC, socket)) == "(no topic)":
                return model.index(row, COL_TOPIC, socket)
        return None

    qtbot.waitUntil(lambda: no_topic() is not None, timeout=WAIT_MS)
    empty = no_topic()
    two_levels = 2 * view.indentation()

    def fits() -> bool:
        return all(
            _whole(window, index, column, two_levels if column == COL_TOPIC else 0)[0]
            for index in (topic, empty)
            for column in (COL_TOPIC, COL_COUNT, COL_RATE, COL_LATEST, COL_LAST)
        )

    qtbot.waitUntil(fits, timeout=WAIT_MS)
    assert window.topics.model.data(topic.siblingAtColumn(COL_LATEST)) == "10001 0 57"
    header = view.header()
    assert header.sectionViewportPosition(COL_LAST) + header.sectionSize(COL_LAST) <= (
        viewport.width()
    )


def test_a_column_the_user_sized_keeps_its_width(window, qtbot):
    put(window, "weather-sub", b"10001 0 57")
    show_topics(window, qtbot)
    node_index(window, qtbot, "weather-sub", "10001")
    header = window.topics.view.header()
    header.resizeSection(COL_COUNT, 150)  # as a drag of the header's edge
    for _ in range(3):
        put(window, "weather-sub", b"10001 0 58")
    qtbot.waitUntil(
        lambda: (
            window.topics.model.data(
                node_index(window, qtbot, "weather-sub", "10001").siblingAtColumn(COL_COUNT)
            )
            == "4"
        ),
        timeout=WAIT_MS,
    )
    with qtbot.waitSignal(window.topics.model.refreshed, timeout=WAIT_MS):
        pass
    assert header.sectionSize(COL_COUNT) == 150
