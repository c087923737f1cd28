"""The composer's peer row for ROUTER and STREAM: the routing ids the socket has heard from,
most recent first, listed afresh each time the list opens.

Kept apart from the composer (composer), which decides what choosing a peer does to the
frames; this row only knows the peers and says ``peer_chosen(routing_id)``.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from zinspect.core.codecs import frame_summary
from zinspect.core.sockets.socket_handle import SocketHandle


class PeerComboBox(QComboBox):
    """A combo box that says when its list is about to open, so it can show fresh peers."""

    popup_requested = Signal()

    def showPopup(self) -> None:  # noqa: N802 (Qt override)
        self.popup_requested.emit()
        super().showPopup()


class PeerChooser(QWidget):
    """The "Peer:" label and the list of the routing ids one socket has seen."""

    peer_chosen = Signal(object)  # bytes: the routing id chosen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._handle: SocketHandle | None = None
        self._peer_ids: list[bytes] = []
        self.label = QLabel("Peer:", self)
        self.combo = PeerComboBox(self)
        self.combo.setAccessibleName("Peer routing id")
        self.combo.setToolTip(
            "The peers this socket has heard from, most recent first; "
            "choosing one puts its routing id in frame 1"
        )
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.label.setBuddy(self.combo)
        self.label.setAccessibleName("Peer")
        self.label.setToolTip(self.combo.toolTip())
        self.combo.activated.connect(self._on_combo_activated)
        self.combo.popup_requested.connect(self._on_combo_popup_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)

    def set_handle(self, handle: SocketHandle | None) -> None:
        """List the peers of ``handle`` (none yet: ``refresh`` fills the list)."""
        self._handle = handle
        self._peer_ids = []
        self.combo.clear()

    def refresh(self, *, force: bool) -> None:
        """List the routing ids seen, most recent first; keep the chosen one chosen."""
        handle = self._handle
        ids = list(handle.routing_ids) if handle is not None else []
        ids.reverse()
        # the hint follows the socket shown, even when its (empty) list did not change
        self.combo.setPlaceholderText("Choose a peer…" if ids else "No peer has sent anything yet")
        if not force and sorted(ids) == sorted(self._peer_ids):
            return
        chosen = self.combo.currentIndex()
        chosen_id = self._peer_ids[chosen] if 0 <= chosen < len(self._peer_ids) else None
        seen = handle.routing_ids if handle is not None else {}
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            for routing_id in ids:
                clock = time.strftime("%H:%M:%S", time.localtime(seen[routing_id]))
                self.combo.addItem(f"{frame_summary(routing_id)}   (last seen {clock})")
            self._peer_ids = ids
            self.combo.setCurrentIndex(ids.index(chosen_id) if chosen_id in ids else -1)
        finally:
            self.combo.blockSignals(False)

    def _on_combo_popup_requested(self) -> None:
        self.refresh(force=True)

    def _on_combo_activated(self, index: int) -> None:
        if 0 <= index < len(self._peer_ids):
            self.peer_chosen.emit(self._peer_ids[index])
