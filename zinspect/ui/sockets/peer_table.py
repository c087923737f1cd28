"""A ROUTER's peers: routing id, address, first and last seen, messages each way.

The rows come from ``SocketHandle.peer_table`` (core.peers.PeerRecord), which the receive
path keeps; this model re-reads it on a 1 Hz timer while it is shown, so a flood of
messages costs nothing here.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import frame_summary
from zinspect.core.sockets.peers import PeerRecord
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES

REFRESH_MS = 1000
COLUMNS = ("Routing id", "Address", "First seen", "Last seen", "In", "Out")
TIPS = (
    "The peer's routing id: frame 1 of what it sends, and what to put in frame 1 to send to it",
    "The peer's address as libzmq reports it (tcp, ipc; none for inproc)",
    "When its first message arrived",
    "When its latest message arrived",
    "Messages received from it",
    "Messages sent to it",
)

AnyIndex = QModelIndex | QPersistentModelIndex


def _clock(when: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when))


class PeerTableModel(QAbstractTableModel):
    """The peers of one socket, most recently seen first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.handle: SocketHandle | None = None
        self._rows: list[tuple] = []
        self._records: list[PeerRecord] = []

    def set_handle(self, handle: SocketHandle | None) -> None:
        self.beginResetModel()
        self.handle = handle
        self._records, self._rows = self._read()
        self.endResetModel()

    def _read(self) -> tuple[list[PeerRecord], list[tuple]]:
        if self.handle is None:
            return [], []
        records = sorted(self.handle.peer_table.values(), key=lambda r: -r.last_seen)
        return records, [
            (
                frame_summary(r.routing_id),
                r.address or "—",
                _clock(r.first_seen),
                _clock(r.last_seen),
                f"{r.received:,}",
                f"{r.sent:,}",
            )
            for r in records
        ]

    def refresh(self) -> None:
        records, rows = self._read()
        if rows == self._rows:
            return
        if len(rows) != len(self._rows):
            self.beginResetModel()
            self._records, self._rows = records, rows
            self.endResetModel()
            return
        self._records, self._rows = records, rows
        self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))

    def record_at(self, row: int) -> PeerRecord:
        return self._records[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"routing id (hex): {self._records[index.row()].routing_id.hex(' ')}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PeerTable(QWidget):
    """The table for the selected socket; hidden for types without routing ids."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PeerTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Peers")
        self.view.setToolTip("Every peer this socket has heard from, by routing id")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        for button in self.view.findChildren(QAbstractButton, "qt_tableview_cornerbutton"):
            button.setAccessibleName("Select all peers")
            button.setToolTip("Select every row")
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 110, 62, 62, 44)):
            header.resizeSection(column, width)
        self.view.setMinimumHeight(self.view.fontMetrics().height() * 7)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.model.refresh)

    @staticmethod
    def applies_to(handle: SocketHandle | None) -> bool:
        return handle is not None and handle.type_name in ROUTING_ID_TYPES

    def set_handle(self, handle: SocketHandle | None) -> None:
        self.model.set_handle(handle if self.applies_to(handle) else None)
        if self.model.handle is not None:
            self._timer.start()
        else:
            self._timer.stop()
