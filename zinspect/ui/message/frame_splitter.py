"""The Message pane's frame list above its frame viewer, sharing the height so that a
message's first frames show without the user dragging the handle."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QTableView, QWidget


class FrameSplitter(QSplitter):
    """The frame list above the frame viewer. Until the user drags the handle, the list gets
    about two fifths of the height and at least six rows when the viewer keeps its minimum:
    a fixed 1:3 share showed four rows of a six-frame message over a mostly empty viewer."""

    LIST_SHARE = 0.4
    LIST_ROWS = 6

    def __init__(self, table: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        self._table = table
        self._user_sized = False
        self.addWidget(table)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.splitterMoved.connect(self._on_self_splitter_moved)

    def _on_self_splitter_moved(self, _pos: int, _index: int) -> None:
        self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._user_sized and self.count() == 2:
            self._share()

    def _share(self) -> None:
        table = self._table
        total = self.height() - self.handleWidth()
        row = table.verticalHeader().defaultSectionSize()
        six_rows = table.horizontalHeader().sizeHint().height() + self.LIST_ROWS * row
        six_rows += 2 * table.frameWidth()
        viewer = self.widget(1)
        viewer_min = viewer.minimumSizeHint().height() if viewer is not None else 0
        wanted = max(int(total * self.LIST_SHARE), six_rows)
        listed = max(table.minimumSizeHint().height(), min(wanted, total - viewer_min))
        self.setSizes([listed, max(0, total - listed)])
