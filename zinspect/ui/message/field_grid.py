"""The Message pane's caption and value pairs: two to a row when the values fit on one line,
one to a row in a narrow dock.

Two pairs to a row asked for both captions and both values' longest words side by side
(about 250 px, 300 with a long socket name), which held the Message dock wide enough to
squeeze the traffic table at 1024 px, and "51 bytes" wrapped to two lines anyway. One pair
to a row needs only one caption and one value.

Side by side, the value columns are held at their values' one-line widths: shared out by
the columns' stretch alone, "Direction: in (received)" beside "Socket: sub-1 (SUB)" got
72 of its 76 px at the default window size and wrapped onto two lines.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

SPACING = 10
UNBOUNDED = QRect(0, 0, 1 << 20, 1 << 10)  # room to lay out any one line


class FieldGrid(QWidget):
    """Pairs added with ``add``; a ``whole_row`` pair (the time, the peer) has a row of its
    own either way. Call ``refit`` when the values' texts changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(SPACING)
        self._grid.setVerticalSpacing(2)
        self._pairs: list[tuple[QLabel, QLabel, bool]] = []
        self._columns = 0

    def add(self, caption: QLabel, value: QLabel, whole_row: bool = False) -> None:
        self._pairs.append((caption, value, whole_row))
        self._columns = 0
        self._arrange(2)

    @property
    def columns(self) -> int:
        """How many pairs a row shows now: 1 or 2."""
        return self._columns

    def refit(self) -> None:
        """Two pairs to a row again if the new values fit, or one if they no longer do."""
        self._arrange(2 if self.width() >= self.two_pair_width() else 1)
        self._hold_values()

    def two_pair_width(self) -> int:
        """The width two pairs side by side take with every value on one line."""
        return sum(self._side_by_side_widths()) + 3 * SPACING

    def _side_by_side_widths(self) -> list[int]:
        """The four columns' widths, two pairs to a row, with every value on one line (a
        column is as wide as its widest caption or value, rows line up)."""
        widths = [0, 0, 0, 0]
        side_by_side = [pair for pair in self._pairs if not pair[2]]
        for at, (caption, value, _whole) in enumerate(side_by_side):
            column = (at % 2) * 2
            widths[column] = max(widths[column], caption.sizeHint().width())
            widths[column + 1] = max(widths[column + 1], one_line_width(value))
        return widths

    def _hold_values(self) -> None:
        """Side by side, each value column at least its widest value's one line (the
        stretch alone gives no column its need); one to a row, no such hold (a narrow dock
        wraps). The grid's minimumSizeHint stays one pair to a row, so the dock can still
        be narrowed past it: the pairs then go one to a row."""
        widths = self._side_by_side_widths() if self._columns == 2 else [0, 0, 0, 0]
        for column in (1, 3):
            if self._grid.columnMinimumWidth(column) != widths[column]:
                self._grid.setColumnMinimumWidth(column, widths[column])

    def minimumSizeHint(self) -> QSize:
        """One pair to a row: the widest caption beside the longest word of a value."""
        hint = super().minimumSizeHint()
        captions = max((caption.sizeHint().width() for caption, _v, _w in self._pairs), default=0)
        values = max((value.minimumSizeHint().width() for _c, value, _w in self._pairs), default=0)
        return QSize(captions + SPACING + values, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        grid = self._grid
        for caption, value, _whole in self._pairs:
            grid.removeWidget(caption)
            grid.removeWidget(value)
        row = column = 0
        for caption, value, whole_row in self._pairs:
            if whole_row or columns == 1:
                row += column  # a half-filled row is done
                column = 0
                grid.addWidget(caption, row, 0)
                grid.addWidget(value, row, 1, 1, 3 if columns == 2 else 1)
                row += 1
                continue
            grid.addWidget(caption, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            column += 1
            if column == 2:
                row, column = row + 1, 0
        # side by side the socket and the size are the longer values
        grid.setColumnStretch(1, 3 if columns == 2 else 1)
        grid.setColumnStretch(3, 2 if columns == 2 else 0)
        self.updateGeometry()


def one_line_width(label: QLabel) -> int:
    """The width ``label`` needs to show its text on one line: its text's laid-out width,
    as QLabel measures it (the advance, rounded down, can be a pixel short and wrap)."""
    margins = label.contentsMargins()
    laid_out = label.fontMetrics().boundingRect(UNBOUNDED, Qt.AlignmentFlag.AlignLeft, label.text())
    return laid_out.width() + margins.left() + margins.right() + 2 * max(label.margin(), 0)
