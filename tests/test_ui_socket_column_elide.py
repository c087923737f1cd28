"""A capture's connection name in a narrow Socket column keeps both ends and the arrow
(it read ``127.0…0.1:5570 -> …``), and the cell's tooltip holds the whole name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from ui_actions import WAIT_MS

from zinspect.core.store import IN
from zinspect.ui.traffic.columns import COL_SOCKET
from zinspect.ui.traffic.socket_delegate import elide_ends

NAME = "127.0.0.1:5570 -> 127.0.0.1:41234"


def _shown_text(view, row: int) -> str:
    """What the Socket cell of ``row`` paints, as its delegate lays it out."""
    index = view.model().index(row, COL_SOCKET)
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    option.widget = view
    option.font = view.font()
    option.rect = view.visualRect(index)
    view.itemDelegateForColumn(COL_SOCKET).initStyleOption(option, index)
    return option.text


def test_a_narrow_socket_column_keeps_both_ends_of_a_connection(window, qtbot):
    rows = [(float(n), NAME, IN, 5, b"hello") for n in range(3)]
    window.session.store.extend_rows(rows, len(rows))
    view = window.traffic.view
    qtbot.waitUntil(lambda: view.model().rowCount() == 3, timeout=WAIT_MS)
    metrics = view.fontMetrics()
    view.horizontalHeader().resizeSection(COL_SOCKET, metrics.horizontalAdvance(NAME) * 3 // 4)
    shown = _shown_text(view, 0)
    assert shown != NAME
    left, arrow, right = shown.partition(" -> ")
    assert arrow, shown
    # each address shortened in its middle: where it starts and its port's end stay
    assert left.startswith("12") and left.endswith("70"), shown
    assert right.startswith("12") and right.endswith("34"), shown
    assert "…" in shown
    tip = view.model().data(view.model().index(0, COL_SOCKET), Qt.ItemDataRole.ToolTipRole)
    assert NAME in tip
    view.horizontalHeader().resizeSection(COL_SOCKET, metrics.horizontalAdvance(NAME) + 40)
    assert _shown_text(view, 0) == NAME


def test_a_short_side_gives_its_room_to_the_long_one():
    def advance(text: str) -> int:
        return len(text)

    def elide(text: str, room: int) -> str:
        return text if len(text) <= room else text[: max(room - 1, 0) // 2] + "…"

    assert elide_ends("a -> " + "b" * 30, 20, advance, elide).startswith("a -> ")
    assert elide_ends("plain-socket-name", 5, advance, elide) == "pl…"
    assert elide_ends("short -> name", 40, advance, elide) == "short -> name"
