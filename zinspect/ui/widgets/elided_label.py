"""A one-line label that shortens its text in the middle to fit, with the whole text in its
tooltip.

A file path has no spaces to wrap at: in a word-wrapped label a long one either widened its
dock past the traffic table's share or was cut at the side. Here the label takes what width
the layout gives, the start and the end of the text stay readable ("order_router…probe.py"),
and the tooltip holds all of it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 12  # the least it shrinks to: about a dozen characters, "…" included


class ElidedLabel(QLabel):
    """Plain text on one line, elided in the middle; ``tip`` follows the text in the tooltip."""

    def __init__(self, tip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._tip = tip
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(tip)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        least = self.fontMetrics().averageCharWidth() * MIN_CHARS
        return QSize(min(least, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, room)
        self.setText(shown)
        whole = shown == self._full
        self.setToolTip(self._tip if whole else "\n".join(filter(None, (self._full, self._tip))))
