"""Exploring from the traffic table and the Message pane: the table's optional columns (fed
with peers and latencies), its remembered column layout, its row menu, and the decoded
tree's "Plot this value" and "Add as column".

The glue between features that know nothing of each other (traffic, Message pane, Compare,
Plot, Latency, saved messages), kept out of the main window so it stays a list of parts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMenu

from zinspect.core.explore.fields import FieldPath, message_topic
from zinspect.core.explore.previous import TopicReader
from zinspect.core.explore.topics import TopicScope
from zinspect.core.sockets.connections import describe_peer
from zinspect.core.sockets.session import Session
from zinspect.core.store import IN, Message, message_number
from zinspect.core.traffic_filter import PeerScope
from zinspect.core.workspace.model import SavedMessage
from zinspect.ui.compare.compare_actions import CompareActions
from zinspect.ui.compose.saved_messages import SavedMessagesPanel
from zinspect.ui.explore.row_menu import RowActions, build_row_menu
from zinspect.ui.latency.latency_panel import LatencyPanel
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.plot.plot_actions import PlotActions
from zinspect.ui.traffic.extra_columns import ColumnSources
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)

STATUS_MS = 8_000
SAVED_NAME_TRIES = 1000


class ExploreActions(QObject):
    """Wires the table's columns and menus to the features they call."""

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        traffic: TrafficPanel,
        detail: DetailPane,
        features: tuple[CompareActions, PlotActions, LatencyPanel, SavedMessagesPanel, QDockWidget],
        settings: QSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._session = session
        self._traffic = traffic
        self._detail = detail
        # the saved messages' dock is the last: it comes forward when one is added
        self._compare, self._plots, latency, self._saved, self._saved_dock = features
        self._reader = TopicReader(session.decoder, traffic.socket_type_of)
        traffic.model.extra.sources = ColumnSources(self.peer_host, latency.latency_of)
        traffic.columns.set_say(self.say)
        traffic.columns.restore(settings)
        view = traffic.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_view_context_menu_requested)
        tree = detail.decoded_tree
        tree.plot_requested.connect(self.plot_value)
        tree.column_requested.connect(self.add_column)
        self.row_actions = RowActions(
            compare_selected=self._compare.compare_selected,
            compare_previous=self._compare.compare_with_previous,
            filter_topic=self.filter_topic,
            peer_address=self.peer_address,
            filter_peer=self.filter_peer,
            plot=self.open_plot,
            resend=self.resend,
            save=self.save_message,
            say=self.say,
        )
        self._resend: Callable[[list[bytes]], None] = detail.resend_requested.emit

    def say(self, text: str) -> None:
        self._host.show_status(text, STATUS_MS)

    # -- what the columns and the Message pane ask ---------------------------------------
    def peer_host(self, message: Message) -> str:
        """Where a received message came from, as the Message pane's Peer says it: the
        host, or "one of N connections from host" when that is all libzmq tells."""
        session = self._session
        peer = self.peer_address(message)
        handle = session.socket_named(message.socket)
        if handle is not None and peer:
            peer = describe_peer(peer, handle.monitor.connections)
        elif handle is None and not peer:
            # an opened packet capture's connection is named "client -> server": what the
            # client received came from the server ("inproc, or not reported" misled), and
            # what it sent went there (no socket of this session sent it)
            _client, arrow, server = message.socket.partition(" -> ")
            peer = server if arrow else ""
        return peer

    def peer_address(self, message: Message) -> str:
        """The host a received message came from ("" when libzmq gave none)."""
        if message.direction != IN:
            return ""
        return self._session.peer_addresses.address_of(message.socket, message.seq)

    def topic_of(self, message: Message) -> str:
        return self._reader.topic(message.frames, message.socket)

    # -- the decoded tree ----------------------------------------------------------------
    def plot_value(self, path: FieldPath) -> None:
        """Plot ``path`` of the Message pane's message's socket and topic."""
        message = self._detail.message
        if message is None:
            return
        topic = message_topic(message.frames, self._detail.decoded)
        self._plots.plot(message.socket, topic or None, path)

    def add_column(self, path: FieldPath) -> int:
        column = self._traffic.columns.add_field(path)
        if column >= 0:
            self.say(f"Column {path.text()} added; right-click the header to hide it")
        return column

    # -- the row menu ----------------------------------------------------------------------
    def _on_view_context_menu_requested(self, pos: QPoint) -> None:
        menu = self.row_menu(pos)
        if menu is not None:
            menu.popup(self._traffic.view.viewport().mapToGlobal(pos))

    def row_menu(self, pos: QPoint) -> QMenu | None:
        """The menu of the row at ``pos`` of the table's viewport (None: no row there)."""
        view = self._traffic.view
        index = view.indexAt(pos)
        message = self._traffic.model.message_at(index.row()) if index.isValid() else None
        if message is None:
            return None
        if not view.selectionModel().isRowSelected(index.row(), index.parent()):
            view.selectRow(index.row())
        menu = build_row_menu(view, self._traffic, message, self.row_actions)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return menu

    def filter_topic(self, message: Message) -> None:
        topic = self.topic_of(message)
        scope = TopicScope(topic, "", exact=True)
        self._traffic.set_topic_filter(message.socket, scope)

    def filter_peer(self, message: Message) -> None:
        """Show what ``message``'s socket received from the host it came from."""
        address = self.peer_address(message)
        if address:
            lookup = self._session.peer_addresses.address_of
            scope = PeerScope(message.socket, address, lookup)
            self._traffic.set_topic_filter(message.socket, scope)

    def open_plot(self, message: Message) -> object:
        return self._plots.open_add_dialog(message.socket, self.topic_of(message) or None)

    def resend(self, message: Message) -> None:
        """The Message pane's Edit and resend, for this row (selected first)."""
        if self._detail.message is not message:
            self._traffic.select_seq(message.seq)
        self._resend(list(message.frames))

    def save_message(self, message: Message) -> None:
        """Add the message to the saved messages, named by its number and socket (Rename
        changes it), for its socket when the workspace has it."""
        model = self._saved.model
        base = f"#{message_number(message.seq)} {message.socket}"
        name = base
        for tries in range(2, SAVED_NAME_TRIES):
            if not model.name_problem(name):
                break
            name = f"{base} ({tries})"
        else:
            self.say("Not saved: too many saved messages of that name")
            return
        known = self._session.socket_named(message.socket) is not None
        row = model.add(SavedMessage(name, message.socket if known else None, list(message.frames)))
        self._saved_dock.show()
        self._saved_dock.raise_()
        self._saved.select_row(row)
        self.say(f"Saved '{name}'")
