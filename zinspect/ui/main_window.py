"""The main window: sockets on the left, live traffic in the middle, the selected message on
the right, the composer below; menus and shortcuts for the common actions.

It is the one composition root: it owns the Session (created here, inside the running qasync
loop), builds every panel and feature with only what it needs (the session bridge, the
store, a WindowHost for docks, menus and the status bar, or a callable), arranges the docks,
and connects their signals in ``_connect``. The panels and features know nothing of each
other, nor of this window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QWidget

from zinspect.core.decode.model import DecodeRule
from zinspect.core.security.libzmq_check import libzmq_warning
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import Message
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.capture.capture_actions import CaptureActions
from zinspect.ui.compare.compare_actions import CompareActions
from zinspect.ui.compose.composer import Composer
from zinspect.ui.compose.saved_messages import SavedMessagesPanel
from zinspect.ui.demos.demo_actions import DemoActions
from zinspect.ui.events.events_panel import EventsPanel
from zinspect.ui.explore.explore_actions import ExploreActions
from zinspect.ui.latency.latency_panel import LatencyPanel
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.plot.plot_actions import PlotActions
from zinspect.ui.preferences.preferences_actions import PreferencesActions
from zinspect.ui.sockets.probe_dialog import ProbeDialog
from zinspect.ui.sockets.socket_panel import SocketPanel
from zinspect.ui.status import StatusBar, install_status
from zinspect.ui.tap.tap_actions import TapActions
from zinspect.ui.topics.topics_view import TopicsView
from zinspect.ui.topology.topology_view import TopologyView
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.help_boxes import ShortcutsCard, open_about
from zinspect.ui.widgets.theme import apply_theme, saved_theme, set_style
from zinspect.ui.widgets.theme_menu import ThemeMenu
from zinspect.ui.widgets.vertical_scroll import VerticalScroll
from zinspect.ui.widgets.window_host import WindowHost
from zinspect.ui.widgets.window_layout import (
    docks_back,
    keep_table_room,
    restore_layout,
    size_docks,
    whole_tab_titles,
)
from zinspect.ui.workspace.workspace_actions import WorkspaceActions

log = logging.getLogger(__name__)

# A quit waits at most this long (from its start) for a recorder that is behind; what it
# could not write is left out and the capture file says so (docs/reliability.md)
QUIT_RECORDING_SECONDS = 0.4
LAYOUT_VERSION = 5  # bump when the default arrangement changes: old saved layouts are ignored
DEFAULT_SIZE = (1360, 860)


class MainWindow(QMainWindow):
    """zinspect's one window. ``window_closed`` tells the app to shut the session down."""

    window_closed = Signal()

    def __init__(
        self,
        settings: QSettings | None = None,
        session: Session | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("zinspect — ZeroMQ inspector")
        self.setObjectName("main_window")
        self.settings = settings if settings is not None else QSettings()
        self.session = session if session is not None else Session()
        self.bridge = SessionBridge(self.session, self)
        self._shut_down = False
        self._closing = False  # the window is on its way out: close again does nothing
        self._selected_message: Message | None = None
        self._shortcuts_card = ShortcutsCard(self)

        # the saved theme before any panel: they are built in its colours
        apply_theme(saved_theme(self.settings))
        self.host = WindowHost(self)
        # Asked by closeEvent first; False keeps the window open (it asks about unsaved work)
        self.close_guard: Callable[[], bool] | None = None

        # -- the panels
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.traffic = TrafficPanel(self.bridge, self.session.store, self)
        self.setCentralWidget(self.traffic)
        self.sockets = SocketPanel(self.bridge, self)
        self.detail = DetailPane(self, self.session.decoder, self.session.store)
        self.composer = Composer(self.bridge, self)
        self.sockets_dock = self.host.add_dock("Sockets", "sockets_dock", self.sockets, left)
        self.detail_dock = self.host.add_dock(
            "Message", "detail_dock", VerticalScroll(self.detail), right
        )
        self.composer_dock = self.host.add_dock("Composer", "composer_dock", self.composer, bottom)
        # The sockets list runs the full height; the composer sits under traffic and detail.
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setStatusBar(StatusBar(self))  # long messages end in "…" before the counters
        self.status = install_status(self.statusBar(), self.session.store)
        # A permanent widget, not showMessage(): that is wiped by the first status tip shown
        # when the pointer crosses a menu, and this security warning must stay in view.
        self.libzmq_warning_label: QLabel | None = None
        warning = libzmq_warning()
        if warning:
            label = self.libzmq_warning_label = QLabel(warning)
            set_style(label, "color: {error}; font-weight: bold;")
            label.setAccessibleName("libzmq security warning")
            label.setToolTip(
                "This libzmq has known security flaws; install a pyzmq built with "
                "libzmq 4.3.3 or newer"
            )
            self.statusBar().insertPermanentWidget(0, label, 1)
        self._build_actions()

        # -- the features, each with only what it needs
        # Capture menu, recording indicator, export/open jobs, replay
        self.capture = CaptureActions(
            self.host, self.session, self.bridge, self.traffic, self.sockets.current_socket, self
        )
        # File menu workspace actions, Saved messages dock, title star, close guard
        self.saved_messages = SavedMessagesPanel(
            self.bridge, self.composer, self.sockets.current_socket, self
        )
        self.workspace_actions = WorkspaceActions(
            self.host, self.session, self.bridge, self.saved_messages, self.settings, self
        )
        self.close_guard = self.workspace_actions.confirm_close
        self.sockets.script_pane.workspace_path = lambda: self.workspace_actions.path
        self.capture.dialogs.workspace_path = lambda: self.workspace_actions.path
        self.workspace_actions.set_traffic_clear(self.traffic.clear_action.trigger)
        self.events = EventsPanel(self.bridge, self)
        self.events.set_dock(self.host.add_dock("Events", "events_dock", self.events, bottom))
        # the live graph of sockets and links
        self.topology = TopologyView(self.bridge, self)
        self.topology.set_dock(
            self.host.add_dock("Topology", "topology_dock", self.topology, right)
        )
        # request/reply latency and sequence gaps
        self.latency = LatencyPanel(self.bridge, self.session.store, self)
        self.latency.set_dock(
            self.host.add_dock("Latency", "latency_dock", VerticalScroll(self.latency), bottom)
        )
        # the Plot dock: decoded values and rates over time (plot() for other features)
        self.plots = PlotActions(self.host, self.session, self)
        # messages grouped by topic, live
        self.topics = TopicsView(self.bridge, parent=self)
        self.topics.set_dock(self.host.add_dock("Topics", "topics_dock", self.topics, right))
        # Demos menu and the Demo dock
        self.demos = DemoActions(self.host, self.session, self.workspace_actions, self)
        # Edit > Preferences, applied to the panels at once (and now, from the settings)
        self.preferences = PreferencesActions(
            self.host, self.settings, self.session, self.traffic, self.detail, self
        )
        # Edit > Compare…, the Compare window and the Message pane's pinned diff
        self.compare = CompareActions(self.host, self.session, self.traffic, self.detail, self)
        # Socket > Tap between two programs…
        self.taps = TapActions(self.host, self.session, self.bridge, self.traffic, self)
        # the table's optional columns and row menu, the decoded tree's Plot and Add as column
        saved = (self.saved_messages, self.workspace_actions.saved_messages_dock)
        features = (self.compare, self.plots, self.latency, *saved)
        self.explore = ExploreActions(
            self.host, self.session, self.traffic, self.detail, features, self.settings, self
        )

        self._arrange_docks()
        self._build_menus()
        self._connect()
        self._restore_layout()

    # -- construction -------------------------------------------------------------------
    def _build_actions(self) -> None:
        add = self.host.add_action
        self.quit_action = add(
            None, "&Quit", self.close, QKeySequence.StandardKey.Quit, "Close every socket and quit"
        )
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.new_socket_action = add(
            None,
            "&New socket…",
            self.sockets.focus_new_socket,
            "Ctrl+N",
            "Choose a socket type and name for a new socket",
        )
        self.close_socket_action = add(
            None,
            "&Close socket",
            self.sockets.close_current_socket,
            "Ctrl+W",
            "Close the selected socket (linger 0); asks first if it holds work made by hand",
            while_typing=False,
        )
        self.addAction(self.composer.send_action)
        self.probe_action = add(
            None,
            "&Probe endpoint…",
            self.show_probe_dialog,
            tip="Say what answers at a tcp:// endpoint: ZeroMQ or not, its mechanism and type",
        )
        self.probe_dialog: ProbeDialog | None = None
        self.find_action = add(
            None,
            "&Filter traffic",
            self.traffic.focus_filter,
            "Ctrl+F",
            "Type a text or regex filter for the traffic table",
        )
        for action in (self.traffic.pause_action, self.traffic.clear_action):
            self.addAction(action)
        self.reset_layout_action = add(
            None, "&Reset layout", self.reset_layout, tip="Put every panel back where it started"
        )
        self.shortcuts_action = add(
            None,
            "&Keyboard shortcuts",
            self.show_shortcuts,
            "F1",
            "List zinspect's keyboard shortcuts",
        )
        self.about_action = add(
            None,
            "&About zinspect",
            self.show_about,
            tip="Versions of zinspect, pyzmq, libzmq and Qt",
        )

    def show_probe_dialog(self) -> ProbeDialog:
        """The non-modal Probe endpoint dialog (one, kept: it remembers the last endpoint)."""
        if self.probe_dialog is None:
            self.probe_dialog = ProbeDialog(self)
        self.probe_dialog.show()
        self.probe_dialog.raise_()
        self.probe_dialog.endpoint_edit.setFocus()
        return self.probe_dialog

    def _arrange_docks(self) -> None:
        """Tabs share the height a 768-pixel laptop screen has: stacked, the window's minimum
        height would pass it. Dragging a tab out splits them."""
        # the demo's text needs the height of the window: a tab beside the sockets list
        self.tabifyDockWidget(self.sockets_dock, self.demos.dock)
        self.sockets_dock.raise_()
        for dock in (
            self.workspace_actions.saved_messages_dock,
            self.topology_dock,
            self.topics_dock,
        ):
            self.tabifyDockWidget(self.detail_dock, dock)
        self.detail_dock.raise_()
        self.tabifyDockWidget(self.composer_dock, self.events_dock)
        self.tabifyDockWidget(self.composer_dock, self.latency_dock)
        self.tabifyDockWidget(self.composer_dock, self.plots.dock)
        self.composer_dock.raise_()
        whole_tab_titles(self)

    @property
    def topology_dock(self) -> QDockWidget:
        assert self.topology.dock is not None
        return self.topology.dock

    @property
    def latency_dock(self) -> QDockWidget:
        assert self.latency.dock is not None
        return self.latency.dock

    @property
    def topics_dock(self) -> QDockWidget:
        assert self.topics.dock is not None
        return self.topics.dock

    @property
    def events_dock(self) -> QDockWidget:
        assert self.events.dock is not None
        return self.events.dock

    def _build_menus(self) -> None:
        file_menu = self.host.menu("&File")  # the workspace actions come first
        file_menu.addSeparator()
        # the Capture menu's own action: File is where a new user looks for a .pcap
        file_menu.addAction(self.capture.open_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        socket_menu = self.host.menu("&Socket")
        socket_menu.addAction(self.new_socket_action)
        socket_menu.addAction(self.close_socket_action)
        socket_menu.addAction(self.taps.action)
        socket_menu.addSeparator()
        socket_menu.addAction(self.composer.send_action)
        socket_menu.addSeparator()
        socket_menu.addAction(self.probe_action)

        view_menu = self.host.menu("&View")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.traffic.pause_action)
        view_menu.addAction(self.traffic.clear_action)
        view_menu.addSeparator()
        for dock in (
            self.sockets_dock,
            self.detail_dock,
            self.workspace_actions.saved_messages_dock,
            self.events_dock,
            self.latency_dock,
            self.topology_dock,
            self.topics_dock,
            self.composer_dock,
            self.plots.dock,
        ):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addAction(self.plots.add_series_action)
        view_menu.addSeparator()
        self.theme_menu = ThemeMenu(self.settings, self)
        view_menu.addMenu(self.theme_menu.menu)
        view_menu.addAction(self.reset_layout_action)

        help_menu = self.host.menu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        """Every connection between panels and features, in one place."""
        self.sockets.socket_selected.connect(self._on_sockets_socket_selected)
        self.traffic.message_selected.connect(self._on_traffic_message_selected)
        self.traffic.rows_changed.connect(self.capture.update_actions)
        self.detail.resend_requested.connect(self._on_detail_resend_requested)
        self.traffic.model.decoding_changed.connect(self.detail.redecode)
        self.traffic.model.decoding_changed.connect(self.sockets.decode_rules_editor.refresh)
        self.detail.decode_rule_requested.connect(self._on_detail_decode_rule_requested)
        self.workspace_actions.socket_chosen.connect(self.sockets.select_socket)
        self.workspace_actions.quit_confirmed.connect(self.close)
        self.workspace_actions.workspace_replaced.connect(
            self._on_workspace_actions_workspace_replaced
        )
        self.demos.demo_opened.connect(self._on_demos_demo_opened)
        self.topology.socket_selected.connect(self.sockets.select_socket)
        self.sockets.socket_selected.connect(self.topology.select_socket)
        self.topology.select_socket(self.sockets.current_socket())
        self.window_closed.connect(self.capture.shut_down)
        self.capture.capture_opened.connect(self.workspace_actions.show_capture)
        self.capture.jobs.messages_opened.connect(self.status.count_opened)
        self.capture.jobs.socket_types_found.connect(self.latency.note_socket_types)
        self.preferences.theme_chosen.connect(apply_theme)  # the View menu's check follows
        self.topics.topic_selected.connect(self.traffic.set_topic_filter)
        self.traffic.topic_chip.cleared.connect(self.topics.clear_selection)
        self.topics.latest_opened.connect(self._on_topics_latest_opened)

    # -- wiring ---------------------------------------------------------------------------
    def _on_sockets_socket_selected(self, handle: SocketHandle | None) -> None:
        self.composer.set_socket(handle)

    def _on_workspace_actions_workspace_replaced(self, _path: str) -> None:
        self.demos.end_demo()  # a demo opening sets its new runner after this
        self.topology.forget_stopped()  # the old workspace's closed sockets are not this one's
        self.traffic.show_new_workspace()  # its traffic: no old filter, the newest rows

    def _on_demos_demo_opened(self, _name: str) -> None:
        self.topology_dock.show()  # the demo's shape at a glance
        self.topology_dock.raise_()

    def _on_traffic_message_selected(self, message: Message | None) -> None:
        self._selected_message = message
        socket_type = self.traffic.socket_type_of(message.socket) if message else ""
        peer = self.explore.peer_host(message) if message is not None else ""
        tap = self.traffic.model.tap_fronts.get(message.socket) if message is not None else None
        self.detail.show_message(message, socket_type, peer, tap)

    def _on_detail_decode_rule_requested(self, socket: str, rule: DecodeRule) -> None:
        handle = self.session.socket_named(socket)
        if handle is None:  # closed since: its rules still apply to its messages
            rules = self.session.decoder.rules(socket)
            self.session.decoder.set_rules(socket, [rule, *rules])
            return
        self.sockets_dock.raise_()
        self.sockets.show_decode_rules(handle, rule)

    def _on_topics_latest_opened(self, message: Message) -> None:
        """The table selects the message if it shows it (the Message pane follows the table),
        else the Message pane shows it alone."""
        if not self.traffic.select_seq(message.seq):
            self._on_traffic_message_selected(message)
        self.detail_dock.show()
        self.detail_dock.raise_()

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
        self._default_state = restore_layout(
            self, self.settings, DEFAULT_SIZE, LAYOUT_VERSION, self._size_docks
        )

    def _size_docks(self, width: int) -> None:
        size_docks(self, self.sockets_dock, self.detail_dock, self.composer_dock, width)

    def save_layout(self) -> None:
        self.traffic.columns.save()  # the widths the user dragged
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.sync()

    def reset_layout(self) -> None:
        """Put the panels back; the window keeps its size (restoring the docks' first sizes
        must not push it past the screen's edge)."""
        size = self.size()
        self.restoreState(self._default_state, LAYOUT_VERSION)
        docks: list[QDockWidget] = [self.sockets_dock, self.detail_dock, self.composer_dock]
        docks += (self.topology_dock, self.topics_dock, self.demos.dock, self.events_dock)
        size = docks_back(self, (*docks, self.latency_dock, self.plots.dock), size)
        self._size_docks(size.width())
        whole_tab_titles(self)

    def show_about(self) -> QMessageBox:
        return open_about(self)

    def show_shortcuts(self) -> QMessageBox:
        """A reference card the user may keep open while working (so: not modal)."""
        return self._shortcuts_card.show(self.actions())

    # -- shutdown ---------------------------------------------------------------------------
    def quit_without_asking(self) -> None:
        """Quit now, the same orderly way as File > Quit, without asking about unsaved
        changes: what Ctrl+C, SIGTERM, SIGHUP and --autostop do. Harmless when repeated."""
        if self._closing:
            return
        self.close_guard = None
        self.close()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() < event.oldSize().width():
            keep_table_room(self, self.sockets_dock, self.detail_dock)

    def closeEvent(self, event: QCloseEvent) -> None:
        """The one way out. Order matters for a recording: the sockets close first, so
        nothing arrives after, then the recording writes the messages the store holds
        (those that fit in QUIT_RECORDING_SECONDS: a recorder a million behind would hold
        the quit for seconds), flushes and closes; only then do the panels hear
        ``window_closed``."""
        if self._closing:
            event.accept()
            return
        if self.close_guard is not None and not self.close_guard():
            event.ignore()
            return
        deadline = time.monotonic() + QUIT_RECORDING_SECONDS
        self._closing = True
        self.save_layout()
        event.accept()
        self.shutdown()
        self.capture.stop_recording(deadline)
        self.window_closed.emit()

    def shutdown(self) -> None:
        """Close every socket with linger 0; undelivered messages are dropped, by design."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.probe_dialog is not None:
            self.probe_dialog.cancel_probe()
        self.sockets.select_socket(None)  # each close would show the next socket's forms
        self.session.close()
        log.info("session closed")
