"""The traffic model with its optional columns and sorting (the model the table uses).

Sorting a live table of a million rows would either freeze the window or reorder rows under
the reader's eyes, so a sort is a snapshot: it needs the view paused, and at most
``SORT_LIMIT`` rows (``DECODED_SORT_LIMIT`` for columns that decode every message: summary,
topic, protocol, fields, time on topic). Above that ``sort_rows`` says why in words and
changes nothing. Resuming the view (or a new filter, or Clear) puts the rows back in
arrival order. Rows of messages the store drops while sorted stay, blank.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.fields import FieldPath
from zinspect.core.rows import RawRow
from zinspect.core.store import (
    ROW_DIRECTION,
    ROW_FRAMES,
    ROW_SIZE,
    ROW_SOCKET,
    ROW_TIME,
    Message,
    MessageStore,
)
from zinspect.core.traffic_filter import TrafficFilter
from zinspect.ui.traffic.columns import (
    COL_DIRECTION,
    COL_FRAMES,
    COL_NUMBER,
    COL_SOCKET,
    COL_SUMMARY,
    COL_TIME,
    HEADERS,
)
from zinspect.ui.traffic.extra_columns import SINCE_TOPIC, ExtraColumns
from zinspect.ui.traffic.traffic_model import TrafficModel

log = logging.getLogger(__name__)

SORT_LIMIT = 100_000  # rows a sort takes on columns read from the store alone
DECODED_SORT_LIMIT = 5_000  # rows a sort takes on columns that decode each message
BASE_COLUMNS = len(HEADERS)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _row_key(column: int, seq: int, row: RawRow | None) -> tuple:
    if row is None:
        return (1, 0, "")
    if column == COL_NUMBER:
        return (0, seq, "")
    if column == COL_TIME:
        return (0, row[ROW_TIME], "")
    if column == COL_SOCKET:
        return (0, 0, row[ROW_SOCKET].casefold())
    if column == COL_DIRECTION:
        return (0, 0, row[ROW_DIRECTION])
    if column == COL_FRAMES:
        return (0, len(row) - ROW_FRAMES, "")
    return (0, row[ROW_SIZE], "")


class TableModel(TrafficModel):
    """TrafficModel's seven columns, then ``extra``'s optional ones; sortable when paused."""

    def __init__(
        self,
        store: MessageStore,
        parent: QObject | None = None,
        decoder: MessageDecoder | None = None,
    ) -> None:
        super().__init__(store, parent, decoder)
        self.extra = ExtraColumns(store, self.decoder, self._socket_types, self.tap_fronts)
        self._order: list[int] | None = None  # sorted: the seqs of the rows, in order
        self._order_rows: dict[int, int] | None = None
        self.sort_column = -1
        self.sort_descending = False

    # -- columns --------------------------------------------------------------------------
    def column_id(self, column: int) -> str:
        """A stable name of ``column`` (the saved layout uses it)."""
        if column < BASE_COLUMNS:
            return HEADERS[column]
        return self.extra.ids[column - BASE_COLUMNS]

    def column_of(self, column_id: str) -> int:
        if column_id in HEADERS:
            return HEADERS.index(column_id)
        index = self.extra.index_of(column_id)
        return -1 if index < 0 else BASE_COLUMNS + index

    def add_field_column(self, path: FieldPath) -> int:
        """A column of the decoded value at ``path`` (the one there already, if any)."""
        column_id, new = self.extra.add_field(path)
        column = self.column_of(column_id)
        if new:
            self.beginInsertColumns(QModelIndex(), column, column)
            self.endInsertColumns()
        return column

    def remove_field_column(self, column: int) -> None:
        index = self.extra.remove_field(self.column_id(column))
        if index >= 0:
            self.beginRemoveColumns(QModelIndex(), column, column)
            self.endRemoveColumns()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else BASE_COLUMNS + len(self.extra)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or section < BASE_COLUMNS:
            return super().headerData(section, orientation, role)
        index = section - BASE_COLUMNS
        if not 0 <= index < len(self.extra):
            return None
        if role == _DISPLAY:
            return self.extra.title(index)
        if role == _TOOLTIP:
            return self.extra.tip(index)
        if role == _ALIGN:
            return _RIGHT if self.extra.is_numeric(index) else _LEFT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        column = index.column()
        if column < BASE_COLUMNS:
            return super().data(index, role)
        if role in (_DISPLAY, _TOOLTIP):
            message = self.preview_at(index.row())
            if message is None:
                return None
            return self.extra.text(message, column - BASE_COLUMNS) or None
        if role == _ALIGN:
            return _RIGHT if self.extra.is_numeric(column - BASE_COLUMNS) else _LEFT
        return super().data(index, role)

    # -- what changes the cells -------------------------------------------------------------
    def set_socket_type(self, name: str, type_name: str) -> None:
        old = self.socket_type_of(name)
        super().set_socket_type(name, type_name)
        if old and old != type_name:
            self.extra.clear()

    def _redecode(self) -> None:
        self.extra.clear()
        super()._redecode()
        if self._rows and len(self.extra):
            last = self.index(self._rows - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, BASE_COLUMNS), last)

    # -- sorting ------------------------------------------------------------------------------
    @property
    def sorted(self) -> bool:
        return self._order is not None

    def sort_rows(self, column: int, descending: bool = False) -> str:
        """Sort the shown rows by ``column``; "" when sorted, else why not, in words."""
        if not self.paused:
            return "Pause the view to sort: a live table stays in arrival order"
        if column >= BASE_COLUMNS and self.extra.ids[column - BASE_COLUMNS] == SINCE_TOPIC:
            return "Δ topic cannot be sorted: each cell is a search back through the store"
        decodes = column == COL_SUMMARY or (
            column >= BASE_COLUMNS and self.extra.needs_decoding(column - BASE_COLUMNS)
        )
        limit = DECODED_SORT_LIMIT if decodes else SORT_LIMIT
        rows = self._rows if self._order is None else len(self._order)
        if rows > limit:
            return (
                f"Too many rows to sort by this column ({rows:,}; at most {limit:,}): "
                "filter the table first"
            )
        seqs = self._order if self._order is not None else self._arrival_seqs()
        keyed = [(self._key(column, seq), seq) for seq in seqs]
        keyed.sort(reverse=descending)
        self.beginResetModel()
        self._order = [seq for _key, seq in keyed]
        self._order_rows = None
        self.sort_column, self.sort_descending = column, descending
        self.endResetModel()
        return ""

    def clear_sort(self) -> None:
        """Rows in arrival order again."""
        if self._order is None:
            return
        self.beginResetModel()
        self._order = self._order_rows = None
        self.sort_column = -1
        self.endResetModel()

    def _arrival_seqs(self) -> list[int]:
        seq_at = super().seq_at
        return [seq for seq in map(seq_at, range(self._rows)) if seq is not None]

    def _key(self, column: int, seq: int) -> tuple:
        if column < BASE_COLUMNS and column != COL_SUMMARY:
            return _row_key(column, seq, self.store.raw_row(seq))  # (no frame read)
        message: Message | None = self.store.preview(seq)  # what the cell reads
        if column == COL_SUMMARY:
            return (0, 0, self.summary_sort_text(message).casefold()) if message else (1, 0, "")
        return self.extra.sort_key(message, column - BASE_COLUMNS)

    def seq_at(self, row: int) -> int | None:
        order = self._order
        if order is None:
            return super().seq_at(row)
        return order[row] if 0 <= row < len(order) else None

    def row_of_seq(self, seq: int) -> int | None:
        if self._order is None:
            return super().row_of_seq(seq)
        if self._order_rows is None:
            self._order_rows = {s: row for row, s in enumerate(self._order)}
        return self._order_rows.get(seq)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if self._order is None or parent.isValid():
            return super().rowCount(parent)
        return len(self._order)

    def _tick(self, publish: bool) -> None:
        if self.extra.deferred and self._rows:  # Δ topic cells past the budget: ask again
            self.extra.deferred = False
            column = BASE_COLUMNS + self.extra.index_of(SINCE_TOPIC)
            self.dataChanged.emit(self.index(0, column), self.index(self._rows - 1, column))
        if self._order is not None:
            if self.decoder.generation == self._generation:
                self.refreshed.emit()  # the paused count of new messages
                return
            self.clear_sort()  # rules changed: texts and their order may too
        super()._tick(publish)

    def set_paused(self, paused: bool) -> None:
        if not paused:
            self.clear_sort()
        super().set_paused(paused)

    def set_filter(self, new_filter: TrafficFilter) -> None:
        if new_filter != self.filter:
            new_filter.compile()  # a bad filter changes nothing, the sort neither
            self.clear_sort()
        super().set_filter(new_filter)

    def reset_to_store(self) -> None:
        self.clear_sort()
        super().reset_to_store()
