"""The traffic table's cells: what each role of each painted cell shows.

A mixin of TrafficModel, in its own module so the model keeps to its refresh cycle: Qt asks
``data()`` about seven roles for every painted cell, so cheap rejections come first and the
row's message is fetched once (``preview_at``: a big frame kept as received comes as its
head, core.store.MessageStore.preview, as no cell reads more of it). The Time column's
format is chosen here too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.message_time import TIME_FORMATS, time_text
from zinspect.core.store import IN, Message, MessageStore
from zinspect.ui.traffic.columns import (
    COL_DIRECTION,
    COL_FRAMES,
    COL_NUMBER,
    COL_SIZE,
    COL_SUMMARY,
    COL_TIME,
    HEADERS,
    SummaryCache,
    cell_text,
    cell_tooltip,
    header_tip,
)
from zinspect.ui.widgets.theme import brush

MESSAGE_ROLE = int(Qt.ItemDataRole.UserRole)  # data() gives the core.store.Message
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NUMERIC_COLUMNS = frozenset((COL_NUMBER, COL_FRAMES, COL_SIZE))


class TrafficCells:
    """``headerData``, ``flags`` and ``data`` of the traffic table; TrafficModel provides
    the rows (``message_at``), the decoder, the formats and the summary cache."""

    tap_fronts: dict[str, str]
    _decoder: MessageDecoder
    _socket_types: dict[str, str]
    _summaries: SummaryCache
    _summary_font: QFont
    _time_format: str
    _store: MessageStore

    def message_at(self, row: int) -> Message | None:
        raise NotImplementedError

    def preview_at(self, row: int) -> Message | None:
        raise NotImplementedError

    def _columns_changed(self, column: int) -> None:
        raise NotImplementedError

    @property
    def time_format(self) -> str:
        return self._time_format

    def set_time_format(self, time_format: str) -> None:
        """Show the Time column as ``time_format`` (core.message_time): the clock, seconds
        since the first message, or since the previous one."""
        if time_format not in TIME_FORMATS:
            raise ValueError(f"unknown time format {time_format!r}")
        if time_format != self._time_format:
            self._time_format = time_format
            self._columns_changed(COL_TIME)

    def time_text(self, message: Message) -> str:
        """``message``'s time in the chosen format (the Message pane shows the same)."""
        return time_text(self._store, message.seq, message.time, self._time_format)

    def numbering_changed(self) -> None:
        """Messages are numbered from another first number (core.store.set_numbering_from)."""
        self._columns_changed(COL_NUMBER)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == _DISPLAY:
            return HEADERS[section]
        if role == _TOOLTIP:
            return header_tip(section, self._time_format)
        if role == _ALIGN:
            return _RIGHT if section in _NUMERIC_COLUMNS else _LEFT
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        # Called for every role of every painted cell: cheap rejections first.
        if role == _DISPLAY:
            message = self.preview_at(index.row())
            return None if message is None else self._display(message, index.column())
        if role == _ALIGN:
            return _RIGHT if index.column() in _NUMERIC_COLUMNS else _LEFT
        if role == _FOREGROUND:
            if index.column() != COL_DIRECTION:
                return None
            message = self.preview_at(index.row())
            if message is None:
                return None
            return brush("traffic_in" if message.direction == IN else "traffic_out")
        if role == _FONT:
            return self._summary_font if index.column() == COL_SUMMARY else None
        if role == MESSAGE_ROLE:  # the whole message: what a reader of it gets
            return self.message_at(index.row())
        if role == _TOOLTIP:
            message = self.preview_at(index.row())
            if message is None:
                return None
            kind = self._socket_types.get(message.socket, "")
            return cell_tooltip(self._decoder, message, index.column(), kind)
        return None

    def _display(self, message: Message, column: int) -> str:
        if column == COL_SUMMARY:
            return self.summary(message)
        if column == COL_TIME:
            return self.time_text(message)
        return cell_text(message, column, message.socket in self.tap_fronts)

    def summary(self, message: Message) -> str:
        """The summary column's text, cached for recently shown messages."""
        return self._summaries.text(message)

    def summary_sort_text(self, message: Message) -> str:
        """The summary as sorting compares it: from its start, even under a text filter."""
        return self._summaries.sort_text(message)
