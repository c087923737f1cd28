"""A scroll area that lets a tall panel live in a short dock without squeezing it.

The message pane's header, frame list and frame viewer need about 400 px; in a 600 px window
with the composer below, that minimum alone made the window taller than a half screen. In
this area the panel keeps its own minimum and scrolls up and down when the dock is shorter;
its width still follows the dock (no sideways scrolling, no cut text).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class VerticalScroll(QScrollArea):
    """Holds ``widget`` at the dock's width, scrolling only vertically when it is short."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)
        self.setAccessibleName(widget.accessibleName())
        widget.installEventFilter(self)  # its minimum width may change with what it shows
        self._follow_width()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._follow_width()
        return super().eventFilter(watched, event)

    def _follow_width(self) -> None:
        widget = self.widget()
        if widget is not None:
            bar = self.verticalScrollBar().sizeHint().width()
            self.setMinimumWidth(widget.minimumSizeHint().width() + bar)
