"""The filter bar's topic chip: the topic the Topics view chose, shown as a removable
filter ("topic: sensors/a ✕"); clicking it shows every topic again, and of every socket
when the topic had chosen its socket in the socket filter too: removing the chip removes
all that choosing the topic added."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QToolButton, QWidget

from zinspect.core.explore.topics import TopicScope

CHIP_TEXT_LIMIT = 40


class TopicChip(QToolButton):
    """Hidden while no topic filters the table."""

    cleared = Signal()

    def __init__(self, socket_combo: QComboBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._socket_combo = socket_combo  # the socket filter (its first choice: all)
        self._scope: TopicScope | None = None
        self._socket: str | None = None  # the socket the topic chose in the socket filter
        self.setAccessibleName("Topic filter")
        self.setToolTip("The table shows only this topic (and those below it). Click to remove")
        self.clicked.connect(self._on_clicked)
        self.hide()

    @property
    def scope(self) -> TopicScope | None:
        return self._scope

    def set_scope(self, scope: TopicScope | None, socket: str | None = None) -> None:
        """Show ``scope``, a topic of ``socket`` (chosen in the socket filter with it)."""
        self._scope = scope
        self._socket = socket if scope is not None else None
        if scope is None:
            self.hide()
            return
        text = scope.text()
        if len(text) > CHIP_TEXT_LIMIT:
            text = text[: CHIP_TEXT_LIMIT - 1] + "…"
        self.setText(f"topic: {text} ✕")
        self.show()

    def _on_clicked(self) -> None:
        socket = self._socket
        self.set_scope(None)
        if socket is not None and self._socket_combo.currentData() == socket:
            self._socket_combo.setCurrentIndex(0)  # every socket, as before the topic
        self.cleared.emit()
