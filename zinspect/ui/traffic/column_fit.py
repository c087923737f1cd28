"""Hide the traffic table's less needed columns while the table is too narrow for them.

Beside the sockets list and the message pane at 1024 px, the fixed columns took every pixel
and the Summary, the column users read, was squeezed to a few letters or pushed off-screen.
Below a width the frame count, size, time and number columns (all shown again in the message
pane) step aside, in that order, and come back when there is room; then the socket column
narrows (its names elide in the middle).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

from zinspect.ui.traffic.columns import (
    COL_FRAMES,
    COL_NUMBER,
    COL_SIZE,
    COL_SOCKET,
    COL_SUMMARY,
    COL_TIME,
)

# the number goes last: it is how people point at a message ("look at No. 12")
DROPPABLE = [COL_FRAMES, COL_SIZE, COL_TIME, COL_NUMBER]
SUMMARY_SHARE = 1 / 3  # the summary should get at least this part of the table's width


class ColumnFit(QObject):
    """Watches the traffic ``view``'s width and shows the DROPPABLE columns that leave the
    summary its share; the first in the list is the first to go."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self._view = view
        self._droppable = DROPPABLE
        self._summary = COL_SUMMARY
        self._squeezable = COL_SOCKET  # narrowed (down to half) once the others are gone
        self._summary_min = view.columnWidth(COL_SUMMARY) + 8
        self._widths = {column: view.columnWidth(column) for column in DROPPABLE}
        self._squeeze_width = view.columnWidth(COL_SOCKET)
        self._squeezing = False
        self._user_hidden: set[int] = set()  # columns the user hid: never shown by a fit
        self._pinned: set[int] = set()  # columns the user asked back: never hidden by a fit
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return super().eventFilter(watched, event)

    def set_widths(self, widths: dict[int, int]) -> None:
        """New natural widths (the font or the time format changed): shown columns take
        them now, hidden ones when they come back; then the fit is made again."""
        header = self._view.horizontalHeader()
        for column, width in widths.items():
            if column == self._summary:
                self._summary_min = width + 8
                continue
            if column in self._widths:
                self._widths[column] = width
            if column == self._squeezable:
                self._squeeze_width = width
                self._squeezing = False
            if not self._view.isColumnHidden(column):
                header.resizeSection(column, width)
        self.fit()

    def hidden(self) -> list[int]:
        return [c for c in self._droppable if self._view.isColumnHidden(c)]

    def set_user_hidden(self, columns: set[int]) -> None:
        """The columns the user chose to hide (the header's menu): a fit leaves them hidden
        and shows the others again when there is room."""
        self._user_hidden = set(columns)
        for column in self._user_hidden:
            self._view.setColumnHidden(column, True)
        self.fit()

    def pin(self, column: int, pinned: bool) -> None:
        """The user asked for ``column`` in the header's menu while a fit had hidden it:
        it stays, and the summary makes do with less room (or the table scrolls)."""
        if pinned:
            self._pinned.add(column)
            self._view.setColumnHidden(column, False)
        else:
            self._pinned.discard(column)
        self.fit()

    def fit(self) -> None:
        view = self._view
        header = view.horizontalHeader()
        room = view.viewport().width()
        droppable = [
            c for c in self._droppable if c not in self._user_hidden and c not in self._pinned
        ]
        for column in droppable:
            if not view.isColumnHidden(column):
                self._widths[column] = header.sectionSize(column)
        squeezable = self._squeezable not in self._user_hidden
        if not self._squeezing and squeezable:
            self._squeeze_width = header.sectionSize(self._squeezable)
        kept = [
            header.sectionSize(c)
            for c in range(header.count())
            if c not in (self._summary, self._squeezable, *droppable) and not view.isColumnHidden(c)
        ]
        if squeezable:
            kept.append(self._squeeze_width)
        used = sum(kept)
        wanted = max(room * SUMMARY_SHARE, self._summary_min)
        show = []
        for column in reversed(droppable):  # the last to go is the first to come back
            width = self._widths[column]
            if room - used - width < wanted:
                break
            used += width
            show.append(column)
        for column in droppable:
            hide = column not in show
            if view.isColumnHidden(column) != hide:
                view.setColumnHidden(column, hide)
                if not hide:
                    header.resizeSection(column, self._widths[column])
        if not squeezable:
            return
        short = int(wanted - (room - used))  # what the summary still lacks
        width = max(self._squeeze_width // 2, self._squeeze_width - max(0, short))
        self._squeezing = width < self._squeeze_width
        if header.sectionSize(self._squeezable) != width:
            header.resizeSection(self._squeezable, width)
