"""The frames of one message as a table model: index, size and a short summary per frame.

A message may carry hundreds of frames and a frame may be 100 MB, so the detail pane lists
frames through this model (one view, rows computed on demand) instead of a widget per frame;
the summary only ever reads the head of a frame (core.codecs.frame_summary).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from zinspect.core.codecs import frame_size, frame_summary, human_size

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMN_INDEX = 0
COLUMN_SIZE = 1
COLUMN_CONTENT = 2
HEADERS = ("#", "Size", "Content")
HEADER_TIPS = (
    "Frame number within the message, counting from 0",
    "Frame size (exact byte count in the cell's tooltip)",
    "The start of the frame: text when printable, else hex",
)

FRAME_ROLE = Qt.ItemDataRole.UserRole  # the frame's bytes
SIZE_ROLE = Qt.ItemDataRole.UserRole + 1  # the frame's size in bytes (int)


class FrameListModel(QAbstractTableModel):
    """Read-only rows over a list of frames; replaced as a whole when the message changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frames: Sequence[bytes] = ()
        self._routing_id_first = False

    # -- data ------------------------------------------------------------------------
    def set_frames(self, frames: Sequence[bytes], routing_id_first: bool = False) -> None:
        """Show these frames; ``routing_id_first`` labels frame 0 as a ROUTER/STREAM peer id."""
        self.beginResetModel()
        self._frames = frames
        self._routing_id_first = routing_id_first and bool(frames)
        self.endResetModel()

    def frame(self, row: int) -> bytes:
        """Frame ``row`` as shown: the head of a big one (core.codecs.FrameHead)."""
        return self._frames[row]

    @property
    def routing_id_first(self) -> bool:
        return self._routing_id_first

    # -- QAbstractItemModel ------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._frames)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._frames) or not 0 <= column < len(HEADERS):
            return None
        data = self._frames[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column, data)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._describe(row, data)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COLUMN_INDEX, COLUMN_SIZE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == FRAME_ROLE:
            return data
        if role == SIZE_ROLE:
            return frame_size(data)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    # -- helpers -----------------------------------------------------------------------
    def _display(self, row: int, column: int, data: bytes) -> str:
        if column == COLUMN_INDEX:
            return str(row + 1)  # numbered from 1, as the ZeroMQ guide does
        if column == COLUMN_SIZE:
            return human_size(frame_size(data))
        summary = frame_summary(data)
        if row == 0 and self._routing_id_first:
            return f"routing id: {summary}"
        return summary

    def _describe(self, row: int, data: bytes) -> str:
        """A full sentence for tooltips and screen readers."""
        what = "empty frame, 0 bytes" if not data else f"{frame_size(data):,} bytes"
        role = " (the peer's routing id)" if row == 0 and self._routing_id_first else ""
        return f"Frame {row + 1}{role}: {what}. {frame_summary(data)}"
