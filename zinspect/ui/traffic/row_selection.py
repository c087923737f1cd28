"""Which row the Message pane shows: the highlighted (selected) one, so the table and the
Message pane always show the same message.

Qt's current row (the focus frame) and its selection part on Ctrl+Home/End and
Ctrl+arrows: the focus moves, the highlight stays. Following the current row alone made
the Message pane show row 0 while row 28 stayed highlighted.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView


def shown_row(view: QAbstractItemView, current: QModelIndex | QPersistentModelIndex) -> int:
    """The row whose message to show: the current row if it is highlighted, else the one
    highlighted row, else the current row (-1: none)."""
    selection = view.selectionModel()
    if current.isValid() and selection.isRowSelected(current.row(), QModelIndex()):
        return current.row()
    ranges = selection.selection()  # ranges, not rows: 50,000 selected rows stay cheap
    if ranges.count() == 1 and ranges.at(0).top() == ranges.at(0).bottom():
        return ranges.at(0).top()
    return current.row() if current.isValid() else -1
