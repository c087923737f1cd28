"""A read-only table over a list of records, and a delegate that draws a small histogram.

The Latency view's three tables (figures, unanswered requests, gaps) show lists the core
builds afresh on each refresh; one model that swaps its list in a single reset keeps a
refresh to one signal however many rows there are, and the view asks only for the rows on
screen. Cells come from one function per column, so each table is a list of columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from zinspect.ui.widgets.theme import colour

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex
BARS_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the histogram's bar counts (a tuple of ints)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class Column(Generic[T]):
    """A column: its title, its cell text, its tooltip, whether it holds figures."""

    def __init__(
        self,
        title: str,
        text: Callable[[T], str],
        tip: str = "",
        figure: bool = False,
        bars: Callable[[T], tuple[int, ...]] | None = None,
    ) -> None:
        self.title = title
        self.text = text
        self.tip = tip
        self.figure = figure
        self.bars = bars


class RecordsModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: Sequence[Column[T]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[T] = []

    @property
    def records(self) -> list[T]:
        return self._records

    def set_records(self, records: list[T]) -> None:
        if records == self._records:
            return
        self.beginResetModel()
        self._records = records
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.title
        if role == _TOOLTIP:
            return column.tip or None
        return None

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        column = self._columns[index.column()]
        record = self._records[index.row()]
        if role == _DISPLAY:
            return column.text(record)
        if role == BARS_ROLE and column.bars is not None:
            return column.bars(record)
        if role == _TOOLTIP:
            return column.tip or None
        if role == _ALIGN and column.figure:
            return _RIGHT
        return None


class HistogramDelegate(QStyledItemDelegate):
    """Draws a cell's ``BARS_ROLE`` counts as bars in the theme's highlight colour, tallest
    bar the cell's height, on a log scale of latency from the quickest to the slowest."""

    WIDTH = 120

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().paint(painter, option, index)
        bars = index.data(BARS_ROLE)
        if not bars:
            return
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)
        tallest = max(bars)
        if tallest <= 0 or rect.width() < len(bars):
            return
        selected = option.state & QStyle.StateFlag.State_Selected
        fill = colour("highlighted_text" if selected else "highlight")
        step = rect.width() / len(bars)
        painter.save()
        for number, count in enumerate(bars):
            if not count:
                continue
            height = max(1, round(rect.height() * count / tallest))
            left = rect.left() + round(number * step)
            width = max(1, round((number + 1) * step) - round(number * step) - 1)
            painter.fillRect(left, rect.bottom() - height + 1, width, height, fill)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), self.WIDTH), hint.height())
