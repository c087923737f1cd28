"""The composer's memory of what it sent, for one-click resend and "load into editor".

A small list model (newest first) rather than item widgets, bounded so that a long session of
scripted-by-hand sends cannot grow it without end.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from zinspect.core.codecs import human_size, message_summary

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 200
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the SentMessage of a row

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SentMessage:
    """One message the composer queued: which socket, when, and the exact frames."""

    time: float
    socket_name: str
    socket_type: str
    frames: tuple[bytes, ...]
    summary: str = field(default="")

    @classmethod
    def of(
        cls, socket_name: str, socket_type: str, frames: list[bytes], when: float | None = None
    ) -> SentMessage:
        return cls(
            time.time() if when is None else when,
            socket_name,
            socket_type,
            tuple(frames),
            message_summary(frames, socket_type),
        )

    @property
    def clock(self) -> str:
        return time.strftime("%H:%M:%S", time.localtime(self.time))

    @property
    def size(self) -> int:
        return sum(map(len, self.frames))

    @property
    def display_text(self) -> str:
        return f"{self.clock}  {self.socket_name}  {self.summary or '[no frames]'}"

    @property
    def details(self) -> str:
        count = len(self.frames)
        return (
            f"Sent on {self.socket_name} ({self.socket_type}) at {self.clock}\n"
            f"{count} frame{'s' if count != 1 else ''}, {human_size(self.size)}\n"
            f"{self.summary}"
        )


class ElidingRowDelegate(QStyledItemDelegate):
    """Rows as wide as the list, long ones ending in "…" (the tooltip has the whole message).

    A list view makes each row as wide as its text, so one long message would give the whole
    list a horizontal scroll bar; asking for no width lets the view fit rows to itself.
    """

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(1, super().sizeHint(option, index).height())


class SendHistoryModel(QAbstractListModel):
    """Sent messages, newest first, at most ``max_entries`` (the oldest fall off)."""

    def __init__(
        self, max_entries: int = DEFAULT_MAX_ENTRIES, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.max_entries = max(1, max_entries)
        self._entries: list[SentMessage] = []

    # -- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return entry.display_text
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.details + "\nDouble-click to send it again."
        if role == ENTRY_ROLE:
            return entry
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- changes ----------------------------------------------------------------------
    def add(self, entry: SentMessage) -> None:
        """Put ``entry`` on top and drop the oldest beyond the bound."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._entries.insert(0, entry)
        self.endInsertRows()
        extra = len(self._entries) - self.max_entries
        if extra > 0:
            first = self.max_entries
            self.beginRemoveRows(QModelIndex(), first, first + extra - 1)
            del self._entries[first:]
            self.endRemoveRows()

    def clear(self) -> None:
        if not self._entries:
            return
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def entry(self, row: int) -> SentMessage | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    @property
    def entries(self) -> list[SentMessage]:
        """A copy, newest first."""
        return list(self._entries)
