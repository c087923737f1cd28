"""The sockets list's view: the selected socket's row is always shown whole, and the list is
never squeezed below three sockets.

Qt scrolls a row into view when it becomes current, not when it changes afterwards: a row
that grew a line of connections, or a list made shorter by the dock's splitter, left the
selected socket cut at the bottom. Here every layout and resize brings it back whole, unless
the user scrolled it out of sight on purpose (then it is left there until selected again).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from zinspect.ui.sockets.socket_list_model import SocketListModel
from zinspect.ui.sockets.socket_row_delegate import SocketItemDelegate

MIN_ROWS = 3  # the dock's layout may not make the list shorter than this many sockets
WANTED_ROWS = 4  # what the list asks for when the dock has room


class SocketListView(QListView):
    """A list of sockets, one selectable at a time, that keeps the selected one in sight."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = SocketItemDelegate(self)
        self.setItemDelegate(self.delegate)
        # not uniform: a socket with live connections has a third line naming them, so each
        # change lays out all rows again (the model's size hint each: ~3 us a row). In one
        # pass: a Batched list shows no row until its last batch (Qt closes the list's only
        # segment then), so while 2,000 sockets opened, and after, the list was blank.
        self.setUniformItemSizes(False)
        self.setLayoutMode(QListView.LayoutMode.SinglePass)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._follow = True  # keep the selected row whole through layouts and resizes
        self._keeping = False  # this view is scrolling, not the user

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 (Qt override)
        super().setModel(model)
        self._tell_row_heights()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._tell_row_heights()
            self.scheduleDelayedItemsLayout()

    def _tell_row_heights(self) -> None:
        model = self.model()
        if isinstance(model, SocketListModel):
            font = self.font()
            model.set_row_heights(
                self.delegate.row_height(font, 2), self.delegate.row_height(font, 3)
            )

    # -- size --------------------------------------------------------------------------
    def _rows_height(self, rows: int) -> int:
        return rows * self.delegate.row_height(self.font()) + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._rows_height(MIN_ROWS))

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._rows_height(WANTED_ROWS))

    # -- keeping the selected row in sight ---------------------------------------------
    def selected_index(self) -> QModelIndex | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return rows[0] if rows else None

    def currentChanged(  # noqa: N802 (Qt override)
        self,
        current: QModelIndex | QPersistentModelIndex,
        previous: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().currentChanged(current, previous)  # Qt scrolls the new current row in
        self._follow = True

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt override)
        super().scrollContentsBy(dx, dy)
        index = self.selected_index()
        if not self._keeping and index is not None:
            # the user scrolled: follow the row while any of it is in sight
            self._follow = self.visualRect(index).intersects(self.viewport().rect())

    def updateGeometries(self) -> None:  # noqa: N802 (Qt override)
        super().updateGeometries()  # after every layout: rows added, removed, grown
        self._keep_selected_whole()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._keep_selected_whole()

    def _keep_selected_whole(self) -> None:
        index = self.selected_index()
        if not self._follow or index is None:
            return
        if self.viewport().rect().contains(self.visualRect(index)):
            return
        self._keeping = True
        try:
            self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._keeping = False
