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
    # each address shortened on its own, its port whole: what tells loopback ends apart
    assert left.endswith(":5570") and right.endswith(":41234"), shown
    assert "…" in shown
    tip = view.model().data(view.model().index(0, COL_SOCKET), Qt.ItemDataRole.ToolTipRole)
    assert NAME in tip
    view.horizontalHeader().resizeSection(COL_SOCKET, metrics.horizontalAdvance(NAME) + 40)
    assert _shown_text(view, 0) == NAME


def _elide(text: str, room: int, keep_end: bool) -> str:
    """One character a pixel, as QFontMetrics.elidedText shortens."""
    if len(text) <= room:
        return text
    if keep_end:
        return "…" + text[len(text) - room + 1 :]
    head = (room - 1) // 2
    return text[:head] + "…" + text[len(text) - (room - 1 - head) :]


def test_a_short_side_gives_its_room_to_the_long_one():
    assert elide_ends("a -> " + "b" * 30, 20, len, _elide).startswith("a -> ")
    assert elide_ends("plain-socket-name", 5, len, _elide) == "pl…me"
    assert elide_ends("short -> name", 40, len, _elide) == "short -> name"


def test_in_a_very_narrow_column_each_side_keeps_its_port():
    roomy = elide_ends(NAME, 30, len, _elide)  # the middle of each side goes
    assert roomy == "127.0.…1:5570 -> 127.0.…:41234", roomy
    shown = elide_ends(NAME, 18, len, _elide)
    assert shown == "…1:5570 -> …:41234", shown
