"""Draws the traffic table's Socket and Summary cells, each shortened where it loses least.

A pcap import names each connection ``client -> server``; eliding that whole name in the
middle hid the arrow and half of each address (``127.0…0.1:5570 -> …``). Here each side of
the arrow is shortened on its own, so a narrow column still shows which two ends talked;
the cell's tooltip holds the whole name.

A Summary is shortened in its middle, keeping its start and its end, except while a text
filter is set: a summary then starts a little before the match (columns.SummaryCache), and
is shortened at its end so the match stays in sight.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

ARROW = " -> "


def elide_ends(
    text: str,
    width: int,
    advance: Callable[[str], int],
    elide: Callable[[str, int, bool], str],
) -> str:
    """``text`` fitted to ``width`` pixels: a ``left -> right`` name has each side shortened
    in its own share, the arrow kept whole; other text is shortened in its middle.
    ``elide`` (text, pixels, keep_end) shortens in the middle, or at the start when
    ``keep_end``; ``advance`` measures a text in pixels."""
    if advance(text) <= width:
        return text
    left, arrow, right = text.partition(ARROW)
    room = width - advance(ARROW)
    if not arrow or room <= 2 * advance("…"):
        return elide(text, width, False)
    wanted_left, wanted_right = advance(left), advance(right)
    # each side gets half the room, and what the other side does not need
    left_room = min(wanted_left, max(room // 2, room - wanted_right))
    return _side(left, left_room, elide) + ARROW + _side(right, room - left_room, elide)


def _side(address: str, room: int, elide: Callable[[str, int, bool], str]) -> str:
    """One end, shortened in its middle while its port stays whole ("127.…:5570"), else
    at its start ("…5570"): on one host, the ports are what tells connections apart."""
    shortened = elide(address, room, False)
    host, colon, port = address.rpartition(":")
    if shortened == address or not colon or not host or shortened.endswith(colon + port):
        return shortened
    return elide(address, room, True)


class SocketNameDelegate(QStyledItemDelegate):
    """The Socket column's cells: ``client -> server`` names shortened on each side."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        text = option.text
        if ARROW not in text:
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) if style else 4
        width = option.rect.width() - 2 * margin
        metrics = QFontMetrics(option.font)
        option.text = elide_ends(
            text,
            width,
            metrics.horizontalAdvance,
            lambda part, room, keep_end: metrics.elidedText(
                part,
                Qt.TextElideMode.ElideLeft if keep_end else Qt.TextElideMode.ElideMiddle,
                max(room, 0),
            ),
        )


class SummaryDelegate(QStyledItemDelegate):
    """The Summary column's cells, shortened at their end: a message's start (its topic, its
    first fields) is what tells it from its neighbours (cut in the middle, every JSON row of
    a stream read alike, their sequence numbers hidden); under a text filter the summaries
    start a little before the match (core's summary cache), which then shows too."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight
