"""The Topics dock shares its width between its columns at every dock width a user meets: a
topic level reads whole ("sensors", not "se…rs"), Last stays in sight, a long latest value is
cut at its end, and a wider dock gives its width to the Latest value column."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_topics import node_index, put, show_topics
from ui_actions import WAIT_MS

from zinspect.ui.topics.topics_model import COL_LAST, COL_LATEST, COL_TOPIC, HEADERS

LONG_VALUE = b'{"seq": 145, "temp": 21.25, "hum": 40, "nested": {"x": [1, 2, {"y": null}]}}'


def at_width(window, qtbot, width: int) -> None:
    window.resizeDocks([window.topics_dock], [width], Qt.Orientation.Horizontal)
    viewport = window.topics.view.viewport()
    qtbot.waitUntil(lambda: abs(viewport.width() - width) < 40, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sections_width(window) <= viewport.width() + 1, timeout=WAIT_MS)


def sections_width(window) -> int:
    header = window.topics.view.header()
    return sum(header.sectionSize(column) for column in range(len(HEADERS)))


def test_topic_levels_last_and_a_cut_value_share_a_narrow_dock(window, qtbot):
    put(window, "sub-1", b"sensors/json/room2", LONG_VALUE)
    put(window, "sub-1", b"10001 0 57")
    show_topics(window, qtbot)
    view = window.topics.view
    header, metrics = view.header(), view.fontMetrics()
    sensors = node_index(window, qtbot, "sub-1", "sensors")
    assert view.textElideMode() == Qt.TextElideMode.ElideRight  # a value shows its start
    for width in (300, 335, 420):
        at_width(window, qtbot, width)
        viewport = view.viewport().width()
        # Last wholly in sight, without scrolling sideways
        assert header.sectionViewportPosition(COL_LAST) + header.sectionSize(COL_LAST) <= (
            viewport
        ), width
        assert view.horizontalScrollBar().maximum() == 0, width
        # "sensors" under its socket reads whole
        assert view.visualRect(sensors).width() >= metrics.horizontalAdvance("sensors"), width
        assert header.sectionSize(COL_TOPIC) >= (
            metrics.horizontalAdvance("sensors") + 2 * view.indentation()
        )
        # the value's column takes what is left: the columns fill the viewport
        assert sections_width(window) >= viewport - 2, width


def test_a_wider_dock_widens_the_latest_value_column(window, qtbot):
    put(window, "sub-1", b"sensors/json/room2", LONG_VALUE)
    show_topics(window, qtbot)
    node_index(window, qtbot, "sub-1", "sensors")
    header = window.topics.view.header()
    at_width(window, qtbot, 335)
    narrow = header.sectionSize(COL_LATEST)
    at_width(window, qtbot, 700)
    viewport = window.topics.view.viewport().width()
    assert header.sectionSize(COL_LATEST) > narrow + 250
    assert sections_width(window) >= viewport - 2
    at_width(window, qtbot, 335)
    assert header.sectionSize(COL_LATEST) <= narrow + 2  # and gives it back
