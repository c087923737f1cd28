"""The main window: sockets on the left, live traffic in the middle, the selected message on
the right, the composer below; menus and shortcuts for the common actions.

It owns the Session (created here, inside the running qasync loop) and wires the panels
together; the panels know nothing of each other.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

import zinspect
from zinspect.core.security.libzmq_check import libzmq_warning
from zinspect.core.sockets.session import Session, SocketHandle
from zinspect.core.store import IN, Message
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.capture.capture_actions import install_capture_actions
from zinspect.ui.compose.composer import Composer
from zinspect.ui.demos.demo_actions import install_demo_actions
from zinspect.ui.events.events_panel import install_events_panel
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.sockets.socket_panel import SocketPanel
from zinspect.ui.status import install_status
from zinspect.ui.topology.topology_view import install_topology
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.feedback import ERROR_COLOR
from zinspect.ui.workspace.workspace_actions import install_workspace_actions
from zinspect.versions import version_report

log = logging.getLogger(__name__)

LAYOUT_VERSION = 3  # bump when the default arrangement changes: old saved layouts are ignored
DEFAULT_SIZE = (1360, 860)


class MainWindow(QMainWindow):
    """zinspect's one window. ``window_closed`` tells the app to shut the session down."""

    window_closed = Signal()

    def __init__(self, settings: QSettings | None = None, session: Session | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("zinspect — ZeroMQ inspector")
        self.setObjectName("main_window")
        self.settings = settings if settings is not None else QSettings()
        self.session = session if session is not None else Session()
        self.bridge = SessionBridge(self.session, self)
        self._shut_down = False
        self._closing = False  # the window is on its way out: close again does nothing
        self._selected_message: Message | None = None
        self._shortcuts_box: QMessageBox | None = None

        self.traffic = TrafficPanel(self.bridge, self.session.store, self)
        self.setCentralWidget(self.traffic)
        self.sockets = SocketPanel(self.bridge, self)
        self.detail = DetailPane(self)
        self.composer = Composer(self.bridge, self)
        self.sockets_dock = self._dock("Sockets", "sockets_dock", self.sockets,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.detail_dock = self._dock("Message", "detail_dock", self.detail,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.composer_dock = self._dock("Composer", "composer_dock", self.composer,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        # The sockets list runs the full height; the composer sits under traffic and detail.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.status = install_status(self.statusBar(), self.session.store)
        # A permanent widget, not showMessage(): that is wiped by the first status tip shown
        # when the pointer crosses a menu, and this security warning must stay in view.
        self.libzmq_warning_label: QLabel | None = None
        warning = libzmq_warning()
        if warning:
            label = self.libzmq_warning_label = QLabel(warning)
            label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
            label.setAccessibleName("libzmq security warning")
            label.setToolTip("This libzmq has known security flaws; install a pyzmq built with "
                             "libzmq 4.3.3 or newer")
            self.statusBar().insertPermanentWidget(0, label, 1)

        self.sockets.socket_selected.connect(self._on_sockets_socket_selected)
        self.traffic.message_selected.connect(self._on_traffic_message_selected)
        self.detail.resend_requested.connect(self._on_detail_resend_requested)
        self._build_menus()
        # Capture menu, recording indicator; it stops the recording on window_closed
        self.capture = install_capture_actions(self)
        # Asked by closeEvent first; False keeps the window open (it asks about unsaved work)
        self.close_guard: Callable[[], bool] | None = None
        # File menu workspace actions, Saved messages dock, title star; sets close_guard
        self.workspace_actions = install_workspace_actions(self)
        # connection events timeline, a tab beside the Composer
        self.events = install_events_panel(self)
        # the live graph of sockets and links, a tab beside Message
        self.topology = install_topology(self)
        # Demos menu and the Demo dock (a tab beside Sockets)
        self.demos = install_demo_actions(self)
        self._restore_layout()

    # -- construction -------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState() needs names
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} panel")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        for button in dock.findChildren(QAbstractButton):
            if button.objectName() == "qt_dockwidget_closebutton":
                button.setToolTip(f"Hide the {title} panel (View menu brings it back)")
                button.setAccessibleName(f"Hide {title} panel")
            elif button.objectName() == "qt_dockwidget_floatbutton":
                button.setToolTip(f"Float the {title} panel in its own window, or dock it back")
                button.setAccessibleName(f"Float {title} panel")
        return dock

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit,
                                        "Close every socket and quit")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        file_menu.addAction(self.quit_action)

        socket_menu = menu.addMenu("&Socket")
        self.new_socket_action = self._action(
            "&New socket…", self.sockets.focus_new_socket, "Ctrl+N",
            "Choose a socket type and name for a new socket")
        self.close_socket_action = self._action(
            "&Close socket", self.sockets.close_current_socket, "Ctrl+W",
            "Close the selected socket at once (linger 0)")
        socket_menu.addAction(self.new_socket_action)
        socket_menu.addAction(self.close_socket_action)
        socket_menu.addSeparator()
        self.addAction(self.composer.send_action)
        socket_menu.addAction(self.composer.send_action)

        view_menu = menu.addMenu("&View")
        self.find_action = self._action("&Filter traffic", self.traffic.focus_filter, "Ctrl+F",
                                        "Type a text or regex filter for the traffic table")
        view_menu.addAction(self.find_action)
        for action in (self.traffic.pause_action, self.traffic.clear_action):
            self.addAction(action)
            view_menu.addAction(action)
        view_menu.addSeparator()
        for dock in (self.sockets_dock, self.detail_dock, self.composer_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self._action("&Reset layout", self.reset_layout,
                                         tip="Put every panel back where it started"))

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1",
                                         "List zinspect's keyboard shortcuts"))
        help_menu.addAction(self._action("&About zinspect", self.show_about,
                                         tip="Versions of zinspect, pyzmq, libzmq and Qt"))

    # -- wiring ---------------------------------------------------------------------------
    def _on_sockets_socket_selected(self, handle: SocketHandle | None) -> None:
        self.composer.set_socket(handle)

    def _on_traffic_message_selected(self, message: Message | None) -> None:
        self._selected_message = message
        socket_type = self.traffic.socket_type_of(message.socket) if message else ""
        peer = self.session.peer_addresses.address_of(message.socket, message.seq) \
            if message is not None and message.direction == IN else ""
        self.detail.show_message(message, socket_type, peer)

    def _on_detail_resend_requested(self, frames: list[bytes]) -> None:
        message = self._selected_message
        if message is not None:
            handle = self.session.socket_named(message.socket)
            if handle is not None and handle is not self.sockets.current_socket():
                self.sockets.select_socket(handle)
        self.composer.load_frames(list(frames))
        self.composer_dock.show()
        self.composer_dock.raise_()

    # -- layout ---------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        # The first start's size, but never larger than the screen: on a 1366x768 laptop an
        # 860 px tall window would put the composer's Send button below the screen's edge.
        width, height = DEFAULT_SIZE
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width, height = min(width, available.width()), min(height, available.height())
        self.resize(width, height)
        self.resizeDocks([self.sockets_dock, self.detail_dock], [320, 430],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.composer_dock], [255], Qt.Orientation.Vertical)
        self._default_state = self.saveState(LAYOUT_VERSION)
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.sockets_dock, self.detail_dock, self.composer_dock,
                     self.topology.dock, self.demos.dock, self.events.dock):
            dock.setFloating(False)
            dock.show()

    # -- dialogs (opened, never exec'd: no nested event loop) -------------------------------
    def _info_box(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Close, self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAccessibleName(title)
        return box

    def show_about(self) -> QMessageBox:
        box = self._info_box("About zinspect", f"zinspect {zinspect.__version__}: a desktop "
                             f"ZeroMQ message inspector.\n\n{version_report()}")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_shortcuts(self) -> QMessageBox:
        """A reference card the user may keep open while working (so: not modal)."""
        lines = [f"{', '.join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)}"
                 f"  —  {a.text().replace('&', '').rstrip('…')}"
                 for a in self.actions() if (keys := a.shortcuts())]
        box = self._shortcuts_box
        if box is None:
            # One box, kept and reused: F1 again brings it forward instead of stacking copies.
            box = self._shortcuts_box = self._info_box("Keyboard shortcuts", "")
            box.setWindowModality(Qt.WindowModality.NonModal)
        box.setText("\n".join(lines))
        box.show()
        box.raise_()
        box.activateWindow()
        return box

    # -- shutdown ---------------------------------------------------------------------------
    def quit_without_asking(self) -> None:
        """Quit now, the same orderly way as File > Quit, without asking about unsaved
        changes: what Ctrl+C, SIGTERM, SIGHUP and --autostop do. Harmless when repeated."""
        if self._closing:
            return
        self.close_guard = None
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        """The one way out. Order matters for a recording: the sockets close first, so
        nothing arrives after, then the recording writes every message the store holds,
        flushes and closes; only then do the panels hear ``window_closed``."""
        if self._closing:
            event.accept()
            return
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        self._closing = True
        self.save_layout()
        event.accept()
        self.shutdown()
        self.capture.stop_recording()
        self.window_closed.emit()

    def shutdown(self) -> None:
        """Close every socket with linger 0; undelivered messages are dropped, by design."""
        if self._shut_down:
            return
        self._shut_down = True
        self.session.close()
        log.info("session closed")
