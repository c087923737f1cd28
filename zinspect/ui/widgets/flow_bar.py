"""A row of controls that wraps onto more rows when the panel is too narrow for one.

A grid of one row asks for the sum of its widgets' widths, and at 1024 px that pushed the
window wider than a half screen or, squeezed, drew the Regex box over the filter field. Here
every widget keeps at least its size hint (so no text is cut), the one stretch widget takes
what a row has left, and what does not fit moves to the next row.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowBar(QLayout):
    """Lays its widgets out left to right, wrapping; ``stretch`` widgets share each row's
    leftover width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._stretch: set[int] = set()
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def add(self, widget: QWidget, stretch: bool = False) -> None:
        self.addChildWidget(widget)
        if stretch:
            self._stretch.add(id(widget))
        self.addItem(QWidgetItem(widget))

    def insert(self, index: int, widget: QWidget) -> None:
        """``widget`` at ``index`` in the order (a control that goes before another)."""
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    # -- QLayout ---------------------------------------------------------------------------
    def tab_in_order(self, then: QWidget | None = None) -> None:
        """Tab goes through the bar's widgets left to right as laid out (Qt's order is the
        order they were made in), then to ``then``."""
        widgets = [w for item in self._items if (w := item.widget()) is not None]
        if then is not None:
            widgets.append(then)
        for before, after in zip(widgets, widgets[1:]):
            QWidget.setTabOrder(before, after)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        visible = self._visible()
        width = sum(item.sizeHint().width() for item in visible)
        width += self._gap * max(0, len(visible) - 1)
        height = max((item.sizeHint().height() for item in visible), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        width = max((self._wanted(item) for item in self._visible()), default=0)
        return QSize(width, self.heightForWidth(width))

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # -- arranging ----------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _wanted(self, item: QLayoutItem) -> int:
        """The least width an item may get: a stretch field its minimum, others their hint."""
        widget = item.widget()
        if widget is not None and id(widget) in self._stretch:
            return item.minimumSize().width()
        return item.sizeHint().width()

    def _rows(self, width: int) -> list[list[QLayoutItem]]:
        rows: list[list[QLayoutItem]] = []
        used = 0
        for item in self._visible():
            need = self._wanted(item)
            if rows and used + self._gap + need <= width:
                rows[-1].append(item)
                used += self._gap + need
            else:
                rows.append([item])
                used = need
        return rows

    def _arrange(self, rect: QRect, apply: bool) -> int:
        """Place the items in ``rect`` (when ``apply``); returns the height they take."""
        y = rect.y()
        for row in self._rows(rect.width()):
            height = max(item.sizeHint().height() for item in row)
            if apply:
                self._place_row(row, rect, y, height)
            y += height + self._gap
        return max(0, y - rect.y() - self._gap)

    def _place_row(self, row: list[QLayoutItem], rect: QRect, y: int, height: int) -> None:
        widths = [self._wanted(item) for item in row]
        spare = rect.width() - sum(widths) - self._gap * (len(row) - 1)
        stretched = [i for i, item in enumerate(row) if id(item.widget()) in self._stretch]
        if spare > 0 and stretched:
            share, extra = divmod(spare, len(stretched))
            for n, i in enumerate(stretched):
                widths[i] += share + (1 if n < extra else 0)
        x = rect.x()
        for item, width in zip(row, widths, strict=True):
            item_height = min(height, max(item.sizeHint().height(), item.minimumSize().height()))
            top = y + (height - item_height) // 2
            item.setGeometry(QRect(QPoint(x, top), QSize(width, item_height)))
            x += width + self._gap
