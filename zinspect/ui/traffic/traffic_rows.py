"""What other features may ask of the traffic table's rows (export and replay use it): the
rows shown and selected, more socket names to filter by, more than one row selectable.

A mixin of TrafficPanel, in its own module so the panel stays small; callers see only these
methods, never the table's view, model or combo box.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from PySide6.QtCore import QItemSelectionRange, Qt
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTableView

from zinspect.core.store import Message
from zinspect.ui.traffic.table_model import TableModel


class TrafficRows:
    """Row queries of the traffic table; TrafficPanel provides ``view``, ``model`` and
    ``socket_combo``."""

    view: QTableView
    model: TableModel
    socket_combo: QComboBox
    _filter_names: set[str]  # the names the socket filter offers already

    def socket_type_of(self, name: str) -> str:
        """The type of the socket that had this name ('' if never seen); closed sockets too."""
        return self.model.socket_type_of(name)

    def row_count(self) -> int:
        """How many rows the table shows now (the filter applies)."""
        return self.model.rowCount()

    def has_selection(self) -> bool:
        return self.row_count() > 0 and self.view.selectionModel().hasSelection()

    def shown_seqs(self) -> list[int]:
        """The sequence numbers of the rows the table shows now, in order."""
        seq_at = self.model.seq_at
        return [seq for seq in map(seq_at, range(self.model.rowCount())) if seq is not None]

    def selected_row_count(self, limit: int = 3) -> int:
        """How many rows are selected, counted up to ``limit``: enough to tell none, one,
        two or more, and cheap after Ctrl+A over a million rows."""
        selection = cast(Iterable[QItemSelectionRange], self.view.selectionModel().selection())
        rows: set[int] = set()
        for selection_range in selection:
            top = selection_range.top()
            rows.update(range(top, min(selection_range.bottom() + 1, top + limit)))
            if len(rows) >= limit:
                return limit
        return len(rows)

    def selected_messages(self) -> list[Message]:
        """The messages of the selected rows, in table order (dropped ones left out)."""
        rows: set[int] = set()
        selection = cast(Iterable[QItemSelectionRange], self.view.selectionModel().selection())
        for selection_range in selection:
            rows.update(range(selection_range.top(), selection_range.bottom() + 1))
        messages = (self.model.message_at(row) for row in sorted(rows))
        return [message for message in messages if message is not None]

    def filter_scan_percent(self) -> int:
        """How much of the traffic an active filter has looked at so far: 100 when it is
        caught up or no filter is set."""
        return self.model.filter_progress if self.model.filter.active else 100

    def socket_filter_names(self) -> frozenset[str]:
        """The socket names the filter offers: live sockets and those whose messages came
        since the last Clear traffic (kept in memory, in the history, or dropped since)."""
        return frozenset(self._filter_names)

    def add_socket_names(self, names: Iterable[str]) -> int:
        """Make ``names`` choices of the socket filter (those it has already are skipped) in
        one model update: a capture may bring tens of thousands, and adding them one by one
        looked each up in the whole list (seconds of frozen window). Returns how many were
        added; callers with very many add them in parts between turns of the loop."""
        known = self._filter_names
        items = []
        for name in dict.fromkeys(names):
            if name not in known:
                known.add(name)
                item = QStandardItem(name)
                item.setData(name, Qt.ItemDataRole.UserRole)
                items.append(item)
        if items:
            model = self.socket_combo.model()
            model.invisibleRootItem().appendRows(items)  # type: ignore[attr-defined]
        return len(items)

    def select_seq(self, seq: int) -> bool:
        """Select the row of message ``seq`` (the Message pane follows); False when the
        table does not show it."""
        row = self.model.row_of_seq(seq)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def allow_multiple_selection(self) -> None:
        """Let the user select many rows (click, Shift, Ctrl+A), to replay them."""
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
