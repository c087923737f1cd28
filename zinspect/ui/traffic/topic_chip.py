"""The filter bar's topic chip: the topic the Topics view chose, shown as a removable
filter ("topic: sensors/a ✕"); clicking it shows every topic again."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QToolButton, QWidget

from zinspect.core.explore.topics import TopicScope

CHIP_TEXT_LIMIT = 40


class TopicChip(QToolButton):
    """Hidden while no topic filters the table."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scope: TopicScope | None = None
        self.setAccessibleName("Topic filter")
        self.setToolTip("The table shows only this topic (and those below it). Click to remove")
        self.clicked.connect(self._on_clicked)
        self.hide()

    @property
    def scope(self) -> TopicScope | None:
        return self._scope

    def set_scope(self, scope: TopicScope | None) -> None:
        self._scope = scope
        if scope is None:
            self.hide()
            return
        text = scope.text()
        if len(text) > CHIP_TEXT_LIMIT:
            text = text[: CHIP_TEXT_LIMIT - 1] + "…"
        self.setText(f"topic: {text} ✕")
        self.show()

    def _on_clicked(self) -> None:
        self.set_scope(None)
        self.cleared.emit()
