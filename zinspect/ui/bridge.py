"""Core callbacks turned into Qt signals, so widgets connect to one object per session.

Traffic itself never goes through here per message: views poll the store at frame rate.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle


class SessionBridge(QObject):
    """Re-emits a Session's listeners as signals (arguments are SocketHandle objects)."""

    socket_added = Signal(object)
    socket_removed = Signal(object)
    socket_changed = Signal(object)  # endpoints, subscriptions, send state, lock-step turn
    # every socket is being replaced (a workspace opening, over many turns): a view that
    # redoes all its work per change (the topology) waits for the end
    replacing_changed = Signal(bool)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.replacing = False
        session.on_socket_added.append(self.socket_added.emit)
        session.on_socket_removed.append(self.socket_removed.emit)
        session.on_socket_changed.append(self._on_session_socket_changed)

    def set_replacing(self, replacing: bool) -> None:
        if replacing != self.replacing:
            self.replacing = replacing
            self.replacing_changed.emit(replacing)

    def _on_session_socket_changed(self, handle: SocketHandle) -> None:
        self.socket_changed.emit(handle)
