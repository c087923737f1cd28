"""Bind and connect one socket, and list, copy and remove its endpoints.

Errors from SocketHandle.bind/connect/detach are already sentences (validation or libzmq's
errors in words); they are shown under the field, which keeps what was typed so it can be
corrected.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.endpoints import SUGGESTED_BIND, SUGGESTED_CONNECT
from zinspect.core.sockets.ipc_files import SocketFileExistsError
from zinspect.core.sockets.socket_base import Endpoint, SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import talks_to
from zinspect.ui.sockets.endpoint_text import clip_words, fit_rows
from zinspect.ui.widgets.a11y import describe_clear_button
from zinspect.ui.widgets.feedback import error_label, show_error
from zinspect.ui.widgets.lists import selected_data, short_list_view

log = logging.getLogger(__name__)

EndpointRole = Qt.ItemDataRole.UserRole + 1


class EndpointEditor(QWidget):
    """The selected socket's endpoints: a field with Bind/Connect and the list of endpoints."""

    endpoints_edited = Signal()  # after a successful bind, connect, unbind or disconnect

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._handle: SocketHandle | None = None
        self._shown: list[Endpoint] = []  # the very objects listed, compared by identity

        self.endpoint_edit = QLineEdit(SUGGESTED_BIND)
        self.endpoint_edit.setClearButtonEnabled(True)
        self.endpoint_edit.setPlaceholderText("transport://address, e.g. " + SUGGESTED_BIND)
        self.endpoint_edit.setAccessibleName("Endpoint")
        describe_clear_button(self.endpoint_edit, "endpoint")
        self._set_field_tip()
        self.peers_button = QToolButton()
        self.peers_button.setText("Connect to…")
        self.peers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # never narrower than its text: a clipped "Conn…" says nothing
        self.peers_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.peers_button.setAccessibleName("Connect to an address another socket is bound to")
        self.peers_button.setToolTip(
            "Fill in an address that another socket of this session is bound to, to connect "
            "to it (only sockets of a type this one talks to)"
        )
        self.peers_menu = QMenu(self.peers_button)
        self.peers_menu.setAccessibleName("Addresses bound by other sockets")
        self.peers_menu.setToolTipsVisible(True)
        self.peers_menu.aboutToShow.connect(self._on_peers_menu_about_to_show)
        self.peers_button.setMenu(self.peers_menu)

        self.bind_button = QPushButton("Bind")
        self.bind_button.setAccessibleName("Bind")
        self.bind_button.setToolTip("Bind this socket to the endpoint (listen for peers)")
        self.connect_button = QPushButton("Connect")
        self.connect_button.setAccessibleName("Connect")
        self.connect_button.setToolTip(
            "Connect this socket to the endpoint (reach a peer that "
            "is bound there; it may come later)"
        )
        self.error_label = error_label("Endpoint error")
        # asked inline, under the error, when an ipc bind finds a socket file at its path:
        # the user decides without a modal dialog, and only a click replaces the file
        self.replace_button = QPushButton("Replace socket file")
        self.replace_button.setAccessibleName("Replace socket file")
        self.replace_button.setToolTip("Remove the socket file at this path and bind there")
        self.keep_button = QPushButton("Keep it")
        self.keep_button.setAccessibleName("Keep socket file")
        self.keep_button.setToolTip("Leave the socket file alone and do not bind")
        self.replace_box = QWidget()
        replace_row = QHBoxLayout(self.replace_box)
        replace_row.setContentsMargins(0, 0, 0, 0)
        replace_row.addWidget(self.replace_button)
        replace_row.addWidget(self.keep_button)
        replace_row.addStretch(1)
        self.replace_box.hide()
        self._replace_pending: tuple[SocketHandle, str] | None = None

        self.model = QStandardItemModel(self)
        self.list_view = short_list_view(
            self.model,
            "Endpoints",
            "This socket's endpoints with their real addresses "
            "(Delete removes the selected one; right-click to copy)",
            96,
        )
        # a long endpoint keeps its transport and port in sight; the tooltip has all of it
        fit_rows(self.list_view)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._on_list_context_menu_requested)
        self.list_view.installEventFilter(self)

        self.remove_button = QPushButton("Unbind")
        self.remove_button.setAccessibleName("Unbind or disconnect")
        self.remove_button.setToolTip("Unbind or disconnect the selected endpoint (Delete)")
        self.copy_button = QPushButton("Copy address")
        self.copy_button.setAccessibleName("Copy address")
        self.copy_button.setToolTip(
            "Copy the selected endpoint's real address to the "
            "clipboard, e.g. to connect another program to it"
        )

        field_row = QHBoxLayout()
        field_row.addWidget(self.endpoint_edit, 1)
        field_row.addWidget(self.peers_button)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.bind_button)
        buttons_row.addWidget(self.connect_button)
        buttons_row.addStretch(1)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.remove_button)
        list_buttons.addWidget(self.copy_button)
        list_buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(field_row)
        layout.addLayout(buttons_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.replace_box)
        layout.addWidget(self.list_view)
        layout.addLayout(list_buttons)

        self.bind_button.clicked.connect(self._on_bind_button_clicked)
        self.connect_button.clicked.connect(self._on_connect_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.replace_button.clicked.connect(self._on_replace_button_clicked)
        self.keep_button.clicked.connect(self._on_keep_button_clicked)
        self.endpoint_edit.textEdited.connect(self._on_endpoint_edit_text_edited)
        self.endpoint_edit.returnPressed.connect(self._on_endpoint_edit_return_pressed)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self._update_buttons()

    # -- public --------------------------------------------------------------------------
    def set_handle(self, handle: SocketHandle | None) -> None:
        """Show another socket: the field goes back to the suggestion, old errors go."""
        if handle is self._handle:
            return
        self._handle = handle
        self.endpoint_edit.setText(
            SUGGESTED_BIND if self.usual_action() == "bind" else SUGGESTED_CONNECT
        )
        self.endpoint_edit.setCursorPosition(0)  # a narrow field shows "tcp://", not ":*"
        self._set_field_tip()
        show_error(self.error_label, "")
        self._ask_replace(None)
        self._shown = []
        self.refresh()

    def _set_field_tip(self) -> None:
        self.endpoint_edit.setToolTip(
            "The endpoint to bind or connect to, e.g. tcp://127.0.0.1:* (bind: any free port "
            "on loopback), tcp://127.0.0.1:5555, ipc:///tmp/feed or inproc://name. "
            f"Enter: {self.usual_action().capitalize()}"
        )

    def usual_action(self) -> str:
        """What the shown socket's type usually does, ``bind`` or ``connect`` (Enter does it)."""
        return "bind" if self._handle is None else self._handle.info.usual_action

    def refresh(self) -> None:
        """Rebuild the list when the socket's endpoints changed (not on every socket_changed)."""
        handle = self._handle
        endpoints = list(handle.endpoints) if handle is not None else []
        if endpoints == self._shown and self.model.rowCount() == len(endpoints):
            self._update_buttons()
            return
        current = self.selected_endpoint()
        self._shown = endpoints
        self.model.clear()
        for entry in endpoints:
            item = QStandardItem(f"{entry.kind}  {entry.address}")
            item.setEditable(False)
            item.setData(entry, EndpointRole)
            # a connect is libzmq's to keep trying: whether a peer answers is the socket's state
            tip = f"{'Bound to' if entry.bound else 'Connects to'} {entry.address}"
            if entry.requested != entry.address:
                tip += f"\n(requested as {entry.requested})"
            item.setToolTip(tip)
            item.setData(f"{entry.kind} {entry.address}", Qt.ItemDataRole.AccessibleTextRole)
            self.model.appendRow(item)
        if current is not None and current in endpoints:
            self.select_endpoint(current)
        self._update_buttons()

    def endpoints_shown(self) -> list[str]:
        """The list's texts, as a user reads them (for tests and accessibility checks)."""
        return [self.model.item(row).text() for row in range(self.model.rowCount())]

    def selected_endpoint(self) -> Endpoint | None:
        entry = selected_data(self.list_view, EndpointRole)
        return entry if isinstance(entry, Endpoint) else None

    def select_endpoint(self, entry: Endpoint) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(EndpointRole) is entry:
                self.list_view.selectionModel().setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                return

    # -- actions -------------------------------------------------------------------------
    def _attach(self, *, bind: bool, replace_socket_file: bool = False) -> None:
        handle = self._handle
        if handle is None:
            return
        text = self.endpoint_edit.text()
        self._ask_replace(None)
        try:
            entry = (
                handle.bind(text, replace_socket_file=replace_socket_file)
                if bind
                else handle.connect(text)
            )
        except SocketError as error:
            log.info(
                "%s %s %r refused: %s", handle.name, "bind" if bind else "connect", text, error
            )
            show_error(self.error_label, clip_words(str(error)))
            if isinstance(error, SocketFileExistsError):
                self._ask_replace((handle, text))
            self.endpoint_edit.setFocus()
            return
        show_error(self.error_label, "")
        self.refresh()
        self.select_endpoint(entry)
        self.endpoints_edited.emit()

    def remove_selected(self) -> None:
        """Unbind or disconnect the selected endpoint; errors show under the field."""
        handle = self._handle
        entry = self.selected_endpoint()
        if handle is None or entry is None:
            return
        row = self.list_view.currentIndex().row()
        try:
            handle.detach(entry)
        except SocketError as error:
            log.info("%s: removing %s failed: %s", handle.name, entry.address, error)
            show_error(self.error_label, clip_words(str(error)))
            return
        show_error(self.error_label, "")
        self.refresh()
        if self.model.rowCount():
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(min(row, self.model.rowCount() - 1), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
        self._update_buttons()
        self.endpoints_edited.emit()

    def copy_selected(self) -> None:
        entry = self.selected_endpoint()
        if entry is not None:
            QGuiApplication.clipboard().setText(entry.address)

    def _update_buttons(self) -> None:
        has_socket = self._handle is not None and not self._handle.closed
        entry = self.selected_endpoint()
        for widget in (
            self.endpoint_edit,
            self.bind_button,
            self.connect_button,
            self.peers_button,
        ):
            widget.setEnabled(has_socket)
        self.remove_button.setEnabled(has_socket and entry is not None)
        self.copy_button.setEnabled(entry is not None)
        if entry is None or entry.bound:
            # "Remove" while nothing is selected: short, so the panel fits a narrow dock
            self.remove_button.setText("Unbind" if entry is not None else "Remove")
            self.remove_button.setToolTip(
                "Unbind or disconnect the selected endpoint (Delete)"
                if entry is None
                else f"Stop listening on {entry.address} (Delete)"
            )
        else:
            self.remove_button.setText("Disconnect")
            self.remove_button.setToolTip(f"Disconnect from {entry.address} (Delete)")

    def _ask_replace(self, pending: tuple[SocketHandle, str] | None) -> None:
        """Show (or take back) the Replace / Keep question for ``pending`` (socket, text)."""
        self._replace_pending = pending
        self.replace_box.setVisible(pending is not None)

    # -- slots ---------------------------------------------------------------------------
    def _on_replace_button_clicked(self) -> None:
        pending = self._replace_pending
        if pending is None or pending != (self._handle, self.endpoint_edit.text()):
            self._ask_replace(None)  # the field or the socket changed since the question
            return
        self._attach(bind=True, replace_socket_file=True)

    def _on_keep_button_clicked(self) -> None:
        self._ask_replace(None)
        show_error(self.error_label, "")

    def _on_endpoint_edit_text_edited(self, text: str) -> None:
        if self._replace_pending is not None:
            self._ask_replace(None)

    def _on_endpoint_edit_return_pressed(self) -> None:
        self._attach(bind=self.usual_action() == "bind")

    def _on_bind_button_clicked(self) -> None:
        self._attach(bind=True)

    def _on_connect_button_clicked(self) -> None:
        self._attach(bind=False)

    def _on_remove_button_clicked(self) -> None:
        self.remove_selected()

    def _on_copy_button_clicked(self) -> None:
        self.copy_selected()

    def _on_list_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._update_buttons()

    def _on_list_context_menu_requested(self, pos: QPoint) -> None:
        index = self.list_view.indexAt(pos)
        if not index.isValid():
            return
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        entry: Endpoint = index.data(EndpointRole)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        copy = QAction(f"Copy {clip_words(entry.address)}", menu)
        copy.setToolTip("Copy the real address to the clipboard")
        copy.triggered.connect(lambda checked=False: self.copy_selected())
        remove = QAction("Unbind" if entry.bound else "Disconnect", menu)
        remove.setToolTip("Remove this endpoint from the socket")
        remove.triggered.connect(lambda checked=False: self.remove_selected())
        menu.addAction(copy)
        menu.addAction(remove)
        menu.popup(self.list_view.viewport().mapToGlobal(pos))

    def _on_peers_menu_about_to_show(self) -> None:
        """List what the session's other sockets are bound to, freshly each time."""
        self.peers_menu.clear()
        handle = self._handle
        others = (
            []
            if handle is None
            else [
                (s, e)
                for s in handle.session.sockets
                if s is not handle and talks_to(handle.type_name, s.type_name)
                for e in s.endpoints
                if e.bound
            ]
        )
        if not others:
            peers = "" if handle is None else f" ({handle.info.peers_text})"
            empty = self.peers_menu.addAction(f"No socket that talks to this one{peers} is bound")
            empty.setEnabled(False)
            return
        for sock, entry in others:
            action = self.peers_menu.addAction(
                f"{sock.name} ({sock.type_name}): {clip_words(entry.address)}"
            )
            action.setToolTip(f"Put {entry.address} in the endpoint field")
            action.triggered.connect(
                lambda checked=False, address=entry.address: self.fill_endpoint(address)
            )

    def fill_endpoint(self, address: str) -> None:
        """Put an address in the field (e.g. another socket's bound port) to connect to it."""
        self.endpoint_edit.setText(address)
        show_error(self.error_label, "")
        self.endpoint_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
