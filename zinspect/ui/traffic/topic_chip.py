"""The filter bar's chip: the topic the Topics view chose ("topic: sensors/a ✕"), or the
peer the row menu chose ("peer: 10.0.0.7 ✕"), shown as a removable filter. Clicking it shows
every topic (or peer) again, and every socket when choosing the topic or peer had chosen its
socket in the socket filter too: removing the chip removes all that choosing it added."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QToolButton, QWidget

from zinspect.core.explore.topics import TopicScope
from zinspect.core.traffic_filter import PeerScope

CHIP_TEXT_LIMIT = 40
TOPIC_TIP = "The table shows only this topic (and those below it). Click to remove"
PEER_TIP = (
    "The table shows only the messages this socket received from this peer's host. Click to remove"
)


class TopicChip(QToolButton):
    """Hidden while no topic or peer filters the table."""

    cleared = Signal()

    def __init__(self, socket_combo: QComboBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._socket_combo = socket_combo  # the socket filter (its first choice: all)
        self._scope: TopicScope | PeerScope | None = None
        self._socket: str | None = None  # the socket chosen in the socket filter with it
        self.setAccessibleName("Topic filter")
        self.setToolTip(TOPIC_TIP)
        self.clicked.connect(self._on_clicked)
        self.hide()

    @property
    def scope(self) -> TopicScope | None:
        """The topic filtering the table."""
        return self._scope if isinstance(self._scope, TopicScope) else None

    @property
    def peer(self) -> PeerScope | None:
        """The peer filtering the table."""
        return self._scope if isinstance(self._scope, PeerScope) else None

    def set_scope(self, scope: TopicScope | PeerScope | None, socket: str | None = None) -> None:
        """Show ``scope``, a topic or peer of ``socket`` (chosen in the socket filter)."""
        self._scope = scope
        self._socket = socket if scope is not None else None
        if scope is None:
            self.hide()
            return
        text = scope.text()
        if len(text) > CHIP_TEXT_LIMIT:
            text = text[: CHIP_TEXT_LIMIT - 1] + "…"
        peer = isinstance(scope, PeerScope)
        self.setText(f"{'peer' if peer else 'topic'}: {text} ✕")
        self.setAccessibleName("Peer filter" if peer else "Topic filter")
        self.setToolTip(PEER_TIP if peer else TOPIC_TIP)
        self.show()

    def _on_clicked(self) -> None:
        socket = self._socket
        self.set_scope(None)
        if socket is not None and self._socket_combo.currentData() == socket:
            self._socket_combo.setCurrentIndex(0)  # every socket, as before
        self.cleared.emit()
