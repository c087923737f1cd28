"""Socket > Tap between two programs…: opens the Tap window and tells the traffic table which
sockets are tap fronts, so their rows read "client -> server" and "server -> client"
and name who sent each, a client or the server."""

from __future__ import annotations

from PySide6.QtCore import QObject

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.tap.registry import tap_upstream
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.tap.tap_dialog import TapDialog
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.window_host import WindowHost


class TapActions(QObject):
    """The menu action and the one Tap window it opens (made on first use)."""

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        bridge: SessionBridge,
        traffic: TrafficPanel,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._session = session
        self._traffic = traffic
        self.dialog: TapDialog | None = None
        # a tap opened from a workspace (or the wizard): its front's rows read in words
        bridge.socket_added.connect(self._on_bridge_socket_added)
        self.action = host.add_action(
            None,
            "&Tap between two programs…",
            self.open_dialog,
            tip="Put zinspect between a server and its clients and see what they say",
        )

    def open_dialog(self) -> TapDialog:
        if self.dialog is None:
            self.dialog = TapDialog(self._session, self._host.widget)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        upstream = tap_upstream(self._session, handle.name)
        if upstream is not None:  # its rows come after it; they name the server by it
            self._traffic.model.tap_fronts[handle.name] = upstream
