"""The Topics tab beside the primer's weather updates, in the dock as it opens at 1600 px:
the zip code under the socket read "…". The Topic column gave up room down to one short
word plus one indentation, but a topic sits two levels deep (under its socket). Now the
least Topic column keeps a short topic whole at that depth."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_topics import node_index, put, show_topics
from ui_actions import WAIT_MS


def test_a_zip_code_topic_reads_whole_in_a_narrow_topics_dock(window, qtbot):
    for text in (b"10001 -53 27", b"10001 106 23", b"10001 -25 59"):
        put(window, "sub-1", text)
    show_topics(window, qtbot)
    dock, view = window.topics_dock, window.topics.view
    window.resizeDocks([dock], [290], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(view.viewport().width() - 290) < 40, timeout=WAIT_MS)
    index = node_index(window, qtbot, "sub-1", "10001")
    view.expand(index.parent())
    rect = view.visualRect(index)
    assert rect.isValid()
    room = rect.intersected(view.viewport().rect()).width()
    assert room >= view.fontMetrics().horizontalAdvance("10001") + 8, room
