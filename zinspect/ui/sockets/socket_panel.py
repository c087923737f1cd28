"""The sockets panel: create sockets, list the live ones, and set up the selected one.

Top to bottom: a new-socket row (new_socket_row: type chooser with each type's description
and peers, a name field whose placeholder is the next default name), the list of live
sockets with their endpoints, counts and state, and the selected socket's endpoints,
subscriptions and Close. Everything follows the SessionBridge, so sockets made elsewhere (a
workspace, a demo) show up here too.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.decode.model import DecodeRule
from zinspect.core.sockets.session import heading_name
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.automation.automation_editor import AutomationEditor
from zinspect.ui.automation.script_pane import ScriptPane
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.security.security_form import SecurityForm
from zinspect.ui.sockets.close_socket import CloseSocket, typed_work
from zinspect.ui.sockets.decode_rules_editor import DecodeRulesEditor
from zinspect.ui.sockets.endpoint_editor import EndpointEditor
from zinspect.ui.sockets.endpoint_text import show_clipped
from zinspect.ui.sockets.new_socket_row import NewSocketRow
from zinspect.ui.sockets.options_form import OptionsForm
from zinspect.ui.sockets.peer_table import PeerTable
from zinspect.ui.sockets.socket_list_model import SocketListModel, socket_state
from zinspect.ui.sockets.socket_list_view import SocketListView
from zinspect.ui.sockets.subscription_editor import SubscriptionEditor
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE
from zinspect.ui.widgets.reveal import reveal_soon
from zinspect.ui.widgets.soon import call_soon
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

CHANGE_COALESCE_MS = 100
STATE_STYLE = "color: {warning}; font-weight: bold;"
STATE_TIP = "What needs attention on this socket"
TITLE_TIP = "The socket the settings below apply to"

TYPE_NOTES = {
    "XPUB": "Incoming subscribe and unsubscribe messages from subscribers appear in the "
    "traffic, decoded (e.g. subscribe 'weather').",
    "XSUB": "Subscriptions are sent as messages (\\x01prefix, \\x00prefix to unsubscribe); "
    "they appear in the traffic as sent messages.",
    "ROUTER": "Each received message starts with the sender's routing id; to reply, send "
    "that id as frame 1.",
    "STREAM": "Frame 1 of each message is the TCP connection id; send it back as frame 1.",
}


class SocketPanel(QWidget):
    """Create, list, select, set up and close sockets of one session."""

    socket_selected = Signal(object)  # the selected SocketHandle, or None

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self._current: SocketHandle | None = None
        self._removing = False
        self.setAccessibleName("Sockets panel")

        self.new_socket = NewSocketRow(self.session)
        # the row's parts, under the panel's names
        self.type_model = self.new_socket.type_model
        self.type_combo = self.new_socket.type_combo
        self.type_help_label = self.new_socket.type_help_label
        self.name_edit = self.new_socket.name_edit
        self.create_button = self.new_socket.create_button
        self.create_error_label = self.new_socket.create_error_label

        # -- socket list -------------------------------------------------------------------
        self.model = SocketListModel(self)
        # A REQ/REP round trip changes state several times: the first change shows at once,
        # the rest within CHANGE_COALESCE_MS are shown together (a repaint per change capped
        # scripted REQ/REP at ~150 msg/s).
        self._changed_pending: dict[SocketHandle, None] = {}
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_COALESCE_MS)
        self._change_timer.timeout.connect(self._on_change_timer_timeout)
        self.list_view = SocketListView()  # keeps the selected row whole in sight
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName("Sockets")
        self.list_view.setToolTip(
            "Live sockets: name, type, endpoints, messages in/out and "
            "anything that needs attention. Select one to set it up; "
            "right-click to close it."
        )
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._on_list_context_menu_requested)

        # -- selected socket -----------------------------------------------------------------
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.title_label.setAccessibleName("Selected socket")
        self.title_label.setToolTip(TITLE_TIP)
        self.title_label.setWordWrap(True)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.description_label.setTextFormat(Qt.TextFormat.PlainText)
        self.description_label.setAccessibleName("Selected socket description")
        self.description_label.setToolTip("What this socket type does and which types it talks to")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextFormat(Qt.TextFormat.PlainText)
        set_style(self.state_label, STATE_STYLE)
        self.state_label.setAccessibleName("Selected socket state")
        self.state_label.setToolTip(STATE_TIP)
        # Always in the layout, one line tall even when empty: a state that comes and goes
        # with the traffic (REP: reply due) must not move the buttons under the mouse.
        self.state_label.setMinimumHeight(self.state_label.fontMetrics().lineSpacing())
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        set_style(self.note_label, NOTE_TEMPLATE)
        self.note_label.setAccessibleName("Socket type note")
        self.note_label.setToolTip("How this socket type shows up in the traffic")

        self.endpoint_editor = EndpointEditor()
        self.endpoints_group = QGroupBox("Endpoints")
        self.endpoints_group.setAccessibleName("Endpoints")
        self.endpoints_group.setToolTip("Bind (listen) or connect (reach out) this socket")
        QVBoxLayout(self.endpoints_group).addWidget(self.endpoint_editor)

        self.subscription_editor = SubscriptionEditor()
        self.subscriptions_group = QGroupBox("Subscriptions")
        self.subscriptions_group.setAccessibleName("Subscriptions")
        self.subscriptions_group.setToolTip(
            "Which messages this socket receives, by prefix of the first frame"
        )
        QVBoxLayout(self.subscriptions_group).addWidget(self.subscription_editor)

        self.peer_table = PeerTable()
        self.peers_group = QGroupBox("Peers")
        self.peers_group.setAccessibleName("Peers")
        self.peers_group.setToolTip(
            "The peers this socket has heard from: routing id, address, when, how many messages"
        )
        QVBoxLayout(self.peers_group).addWidget(self.peer_table)

        self.automation_editor = AutomationEditor(bridge)
        self.automation_group = QGroupBox("Automation")
        self.automation_group.setAccessibleName("Automation")
        self.automation_group.setToolTip(
            "What this socket does by itself: reply to each message, send messages, "
            "forward what it receives, or run a Python script"
        )
        self.script_pane = ScriptPane(bridge, self.automation_editor)  # a script automation
        automation_layout = QVBoxLayout(self.automation_group)
        automation_layout.addWidget(self.automation_editor)
        automation_layout.addWidget(self.script_pane)

        self.decode_rules_editor = DecodeRulesEditor(bridge.session.decoder)
        self.decoding_group = QGroupBox("Decoding")
        self.decoding_group.setAccessibleName("Decode rules")
        self.decoding_group.setToolTip(
            "How this socket's frames are decoded in the traffic table and the Message pane"
        )
        QVBoxLayout(self.decoding_group).addWidget(self.decode_rules_editor)

        self.options_form = OptionsForm(bridge, scrolling=False)
        self.options_group = QGroupBox("Options")
        self.options_group.setAccessibleName("Socket options")
        self.options_group.setToolTip(
            "libzmq socket options for this socket's type, with their defaults, units and meaning"
        )
        QVBoxLayout(self.options_group).addWidget(self.options_form)

        self.security_form = SecurityForm(bridge)
        self.security_group = QGroupBox("Security")
        self.security_group.setAccessibleName("Security")
        self.security_group.setToolTip(
            "NULL, PLAIN or CURVE security for this socket, and authentication of its clients (ZAP)"
        )
        QVBoxLayout(self.security_group).addWidget(self.security_form)

        self.close_button = QPushButton("Close socket")
        self.close_button.setAccessibleName("Close socket")
        self.close_button.setToolTip(
            "Close the selected socket (linger 0: messages not yet delivered are dropped); "
            "asks first when it holds an automation, a script or decode rules"
        )
        self.closer = CloseSocket(self, bridge.session.decoder)  # asks when work would go
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        close_row.addWidget(self.close_button)

        details = QWidget()
        details.setAccessibleName("Selected socket settings")
        details_layout = QVBoxLayout(details)
        details_layout.addWidget(self.title_label)
        details_layout.addWidget(self.description_label)
        details_layout.addWidget(self.state_label)
        details_layout.addWidget(self.note_label)
        details_layout.addWidget(self.endpoints_group)
        details_layout.addWidget(self.subscriptions_group)
        details_layout.addWidget(self.peers_group)
        details_layout.addWidget(self.automation_group)
        details_layout.addWidget(self.decoding_group)
        details_layout.addWidget(self.options_group)
        details_layout.addWidget(self.security_group)
        details_layout.addLayout(close_row)
        details_layout.addStretch(1)

        self.empty_label = QLabel(
            "No socket selected.\nCreate one above, or select one in the list."
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_style(self.empty_label, NOTE_TEMPLATE)
        self.empty_label.setAccessibleName("No socket selected")
        self.empty_label.setToolTip("Select a socket to bind, connect or subscribe it")
        # Only the settings scroll: the short "no socket selected" page sits outside the
        # scroll area, so it never shows a scroll bar sized for the settings page.
        scroll = self.details_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(details)
        scroll.setAccessibleName("Selected socket settings")
        details.installEventFilter(self)  # its minimum width changes: keep the dock as wide
        self.details_stack = QStackedWidget()
        self.details_stack.addWidget(self.empty_label)
        self.details_stack.addWidget(scroll)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.details_stack)
        # the list keeps the height it asks for (four sockets): the settings, which scroll,
        # take what the dock gains or loses
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        wanted = self.list_view.sizeHint().height()
        splitter.setSizes([wanted, 3 * wanted])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.new_socket)
        layout.addWidget(splitter, 1)

        # -- wiring --------------------------------------------------------------------------
        self.new_socket.socket_created.connect(self._on_new_socket_socket_created)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.list_view.selectionModel().selectionChanged.connect(self._on_list_selection_changed)
        self.endpoint_editor.endpoints_edited.connect(self._on_editor_edited)
        self.subscription_editor.subscriptions_edited.connect(self._on_editor_edited)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        bridge.replacing_changed.connect(self.model.hold)  # rows come and go in batches

        for handle in self.session.sockets:
            self.model.add_handle(handle)
        self._show_details()
        if self.model.rowCount():
            self.select_socket(self.model.handle_at(0))

    # -- public API ------------------------------------------------------------------------
    def current_socket(self) -> SocketHandle | None:
        return self._current

    def select_socket(self, handle: SocketHandle | None) -> None:
        """Select ``handle`` in the list (None clears the selection); emits socket_selected."""
        selection = self.list_view.selectionModel()
        row = self.model.row_of(handle) if handle is not None else -1
        if row < 0:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        else:
            index = self.model.index(row)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list_view.scrollTo(index)
        self._sync_current()

    def show_decode_rules(self, handle: SocketHandle, template: DecodeRule | None = None) -> None:
        """Select ``handle`` and bring its decode rules into view, keyboard in the form;
        ``template`` is a rule to complete there (a protobuf rule lacks its schema)."""
        self.select_socket(handle)
        editor = self.decode_rules_editor
        if template is not None:
            editor.fill_form(template)
        else:
            editor.topic_edit.setFocus()
        # the group's top, then its form: the settings were just laid out for this socket
        reveal_soon(self, self.decoding_group, editor.topic_edit, editor.add_button)

    def focus_new_socket(self) -> None:
        """Put keyboard focus on the type chooser, to start making a socket (Ctrl+N)."""
        self.new_socket.focus_type()

    def close_current_socket(self) -> None:
        """Close the selected socket (Ctrl+W), after asking if it holds work made by hand;
        the selection moves to its neighbour."""
        if self._current is not None:
            self.close_socket(self._current)

    def close_socket(self, handle: SocketHandle) -> None:
        typed = typed_work(handle, self.automation_editor, self.script_pane)
        self.closer.close(handle, typed if handle is self._current else [])

    # -- internals -----------------------------------------------------------------------
    def _sync_current(self) -> None:
        """Make the shown socket follow the list's selection; emit when it changed."""
        rows = self.list_view.selectionModel().selectedRows()
        handle = self.model.handle_at(rows[0].row()) if rows else None
        if handle is self._current:
            return
        self._current = handle
        self.endpoint_editor.set_handle(handle)
        self.subscription_editor.set_handle(handle)
        self.automation_editor.set_handle(handle)
        self.script_pane.set_handle(handle)
        self.peer_table.set_handle(handle)
        self.decode_rules_editor.set_socket(handle)
        self.options_form.set_socket(handle)
        self.security_form.set_socket(handle)
        self._show_details()
        self.details_scroll.verticalScrollBar().setValue(0)  # another socket: start at its top
        self.socket_selected.emit(handle)

    def _show_details(self) -> None:
        handle = self._current
        if handle is None:
            self.details_stack.setCurrentIndex(0)
            self.close_button.setEnabled(False)
            return
        self.details_stack.setCurrentIndex(1)
        self._fit_details_width()
        info = handle.info
        shown = heading_name(handle.name)
        self.title_label.setText(
            f"<b>{html.escape(shown)}</b> &nbsp;·&nbsp; {html.escape(info.name)} socket"
        )
        self.title_label.setToolTip(handle.name if shown != handle.name else TITLE_TIP)
        self.description_label.setText(f"{info.description} Talks to: {info.peers_text}.")
        self._show_state()
        note = TYPE_NOTES.get(info.name, "")
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.subscriptions_group.setVisible(SubscriptionEditor.applies_to(handle))
        self.peers_group.setVisible(PeerTable.applies_to(handle))
        self.close_button.setEnabled(not handle.closed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and watched is self.details_scroll.widget():
            # after the layout settled; owned by self: never once the panel is gone
            call_soon(self, self._fit_details_width)
        return super().eventFilter(watched, event)

    def _fit_details_width(self) -> None:
        """The dock may not get narrower than the settings shown: they scroll up and down,
        never sideways (the options form's rows are the widest part)."""
        content = self.details_scroll.widget()
        layout = content.layout() if content is not None else None
        if content is None or layout is None:
            return
        layout.activate()
        bar = self.details_scroll.verticalScrollBar().sizeHint().width()
        self.details_scroll.setMinimumWidth(content.minimumSizeHint().width() + bar)

    def _show_state(self) -> None:
        handle = self._current
        # The SUB hint is shown in full by the subscription editor; no need to say it twice.
        state = (
            ""
            if handle is None
            else "; ".join(
                fact
                for fact in socket_state(handle).split("; ")
                if fact and fact != "no subscription"
            )
        )
        # one endpoint in it ("retrying tcp://…") is one word: cut, or it widens the window
        show_clipped(self.state_label, state, STATE_TIP)
        if handle is not None and handle.monitor.problem:  # every endpoint, with its state
            tip = self.state_label.toolTip()
            self.state_label.setToolTip("\n".join([tip, *handle.monitor.endpoint_lines()]))

    # -- slots ---------------------------------------------------------------------------
    def _on_new_socket_socket_created(self, handle: SocketHandle) -> None:
        self.model.add_handle(handle)  # normally already added through the bridge
        self.select_socket(handle)

    def _on_close_button_clicked(self) -> None:
        self.close_current_socket()

    def _on_list_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        if not self._removing:
            self._sync_current()

    def _on_list_context_menu_requested(self, pos: QPoint) -> None:
        index = self.list_view.indexAt(pos)
        handle = self.model.handle_at(index.row()) if index.isValid() else None
        if handle is None:
            return
        self.select_socket(handle)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        close = QAction(f"Close {handle.name}", menu)
        close.setToolTip("Close this socket now (linger 0)")
        close.triggered.connect(lambda checked=False: self.close_socket(handle))
        rules = QAction("Decode rules…", menu)
        rules.setToolTip("Choose how this socket's frames are decoded")
        rules.triggered.connect(lambda checked=False: self.show_decode_rules(handle))
        menu.addAction(rules)
        menu.addAction(close)
        menu.popup(self.list_view.viewport().mapToGlobal(pos))

    def _on_editor_edited(self) -> None:
        if self._current is not None:
            self.model.update_handle(self._current)
            self._show_state()

    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        self.model.add_handle(handle)
        self.new_socket.update_name_placeholder()

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        self.closer.socket_removed(handle)
        row = self.model.row_of(handle)
        was_current = handle is self._current
        self._removing = True
        try:  # the selected one's row goes now: its neighbour is selected in its place
            self.model.remove_handle(handle, at_once=was_current)
        finally:
            self._removing = False
        if was_current and row >= 0:
            # the neighbour below takes its place, or the one above when it was the last
            self.select_socket(self.model.handle_at(min(row, self.model.rowCount() - 1)))
        else:
            self._sync_current()
        self.new_socket.update_name_placeholder()

    def _on_bridge_socket_changed(self, handle: SocketHandle) -> None:
        if self._change_timer.isActive():
            self._changed_pending[handle] = None
            return
        self._show_change(handle)
        self._change_timer.start()

    def _on_change_timer_timeout(self) -> None:
        pending, self._changed_pending = self._changed_pending, {}
        for handle in pending:
            self._show_change(handle)
        if pending:
            self._change_timer.start()

    def _show_change(self, handle: SocketHandle) -> None:
        self.model.update_handle(handle)
        if handle is self._current:
            self.endpoint_editor.refresh()
            self.subscription_editor.refresh()
            self.automation_editor.refresh_state()
            self.script_pane.refresh()
            self._show_state()
