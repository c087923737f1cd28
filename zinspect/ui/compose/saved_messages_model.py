"""The table model of saved messages: the workspace's named messages in its order, with
unique, non-blank names.

Kept apart from the panel (saved_messages) that shows it and sends from it; the workspace
actions load and save the list through the panel's model.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from zinspect.core.codecs import human_size, message_summary
from zinspect.core.workspace.model import SavedMessage

COL_NAME, COL_SOCKET, COL_SUMMARY = range(3)
HEADERS = ("Name", "Socket", "Message")
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1  # the SavedMessage of a row
ANY_SOCKET_TEXT = "selected socket"

_Index = QModelIndex | QPersistentModelIndex


class SavedMessagesModel(QAbstractTableModel):
    """The saved messages, in the workspace's order. Names are unique and not blank: a
    rename that breaks this is refused (``rename_refused`` says why)."""

    messages_changed = Signal()  # added, removed, renamed or replaced: the workspace changed
    rename_refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages: list[SavedMessage] = []

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._messages)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    "The name you gave the message (F2 renames it)",
                    "The socket it is sent on; none: the socket selected in the list",
                    "The frames, separated by |",
                )[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._messages):
            return None
        message = self._messages[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COL_NAME:
                return message.name
            if column == COL_SOCKET:
                return message.socket or (
                    "" if role == Qt.ItemDataRole.EditRole else f"({ANY_SOCKET_TEXT})"
                )
            return message_summary(message.frames, limit=80)
        if role == Qt.ItemDataRole.ToolTipRole:
            count = len(message.frames)
            where = f"on {message.socket}" if message.socket else f"on the {ANY_SOCKET_TEXT}"
            return (
                f"{message.name}: {count} frame{'s' if count != 1 else ''}, "
                f"{human_size(sum(map(len, message.frames)))}, sent {where}\n"
                f"{message_summary(message.frames, limit=400)}"
            )
        if role == MESSAGE_ROLE:
            return message
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self,
        index: _Index,
        value: object,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != COL_NAME:
            return False
        return self.rename(index.row(), str(value))

    # -- messages -------------------------------------------------------------------------------
    def messages(self) -> list[SavedMessage]:
        return list(self._messages)

    def message_at(self, row: int) -> SavedMessage:
        return self._messages[row]

    def set_messages(self, messages: list[SavedMessage]) -> None:
        self.beginResetModel()
        self._messages = list(messages)
        self.endResetModel()
        self.messages_changed.emit()

    def name_problem(self, name: str, ignore_row: int = -1) -> str:
        """Why ``name`` cannot be used ("" if it can)."""
        name = name.strip()
        if not name:
            return "Give the message a name"
        if any(m.name == name for row, m in enumerate(self._messages) if row != ignore_row):
            return f"A saved message is called '{name}' already: choose another name"
        return ""

    def add(self, message: SavedMessage) -> int:
        """Append ``message`` (its name must be free); returns its row."""
        problem = self.name_problem(message.name)
        if problem:
            raise ValueError(problem)
        row = len(self._messages)
        self.beginInsertRows(QModelIndex(), row, row)
        self._messages.append(message)
        self.endInsertRows()
        self.messages_changed.emit()
        return row

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._messages[row]
        self.endRemoveRows()
        self.messages_changed.emit()

    def rename(self, row: int, name: str) -> bool:
        name = name.strip()
        old = self._messages[row]
        if name == old.name:
            return True
        problem = self.name_problem(name, ignore_row=row)
        if problem:
            self.rename_refused.emit(problem)
            return False
        self._messages[row] = SavedMessage(name, old.socket, old.frames)
        index = self.index(row, COL_NAME)
        self.dataChanged.emit(index, index)
        self.messages_changed.emit()
        return True
