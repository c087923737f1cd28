"""Saved messages: a workspace's library of named messages, each sent with one click.

The composer's history remembers what was sent; this list keeps what the user *chose* to
keep, under a name, in the workspace file (``"messages"``). A message may name the socket it
is for ("ping the client"); without one it goes to the socket selected in the sockets list.
Sending does not touch the composer, so a half-written message there is never lost; Load
into composer puts a saved message there to change it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.workspace.model import SavedMessage
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.compose.composer import Composer
from zinspect.ui.compose.saved_messages_model import (
    ANY_SOCKET_TEXT,
    COL_NAME,
    COL_SOCKET,
    SavedMessagesModel,
)
from zinspect.ui.widgets.a11y import describe_clear_button
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.flow_bar import FlowBar
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)


class SavedMessagesPanel(QWidget):
    """The list of saved messages with Send, Load into composer, Rename and Delete, and an
    inline row to save the composer's message under a name."""

    def __init__(
        self,
        bridge: SessionBridge,
        composer: Composer,
        current_socket: Callable[[], SocketHandle | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self.composer = composer
        self.current_socket = current_socket  # the sockets list's selection
        self.model = SavedMessagesModel(self)
        self._tasks: dict[asyncio.Future, SocketHandle] = {}  # running sends, kept alive
        self.setAccessibleName("Saved messages")
        self._build()
        self.model.rename_refused.connect(self._on_model_rename_refused)
        self.model.rowsInserted.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        self._update_buttons()

    # -- construction -------------------------------------------------------------------------
    def _button(self, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Saved message list")
        self.view.setToolTip(
            "Messages kept in this workspace; double-click one to load it "
            "into the composer, F2 to rename it"
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(COL_NAME, 110)
        header.resizeSection(COL_SOCKET, 110)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)

        self.send_button = self._button(
            "Send",
            "Send saved message",
            "Send the selected message on its socket (or on the selected socket if it names "
            "none); the composer is left as it is",
            self._on_send_button_clicked,
        )
        self.load_button = self._button(
            "Load into composer",
            "Load saved message into composer",
            "Put the selected message's frames in the composer, to change them",
            self._on_load_button_clicked,
        )
        self.rename_button = self._button(
            "Rename",
            "Rename saved message",
            "Type a new name for the selected message (F2)",
            self._on_rename_button_clicked,
        )
        self.delete_button = self._button(
            "Delete",
            "Delete saved message",
            "Remove the selected message from the workspace",
            self._on_delete_button_clicked,
        )
        # rows that wrap: the list lives in a dock beside the traffic table, often narrow
        buttons = FlowBar(spacing=6)
        for button in (self.send_button, self.load_button, self.rename_button):
            buttons.add(button)
        buttons.add(self.delete_button)

        self.save_button = self._button(
            "Save composer message…",
            "Save composer message",
            "Keep the message in the composer in this list, under a name",
            self._on_save_button_clicked,
        )
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Saved message status")
        self.status_label.setToolTip("The result of the last send from this list")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = self._button(
            "Cancel",
            "Cancel waiting saved message",
            "Give up the saved message that waits for a peer or for room under the high-water mark",
            self._on_cancel_button_clicked,
        )
        self.cancel_button.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.save_button)
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.cancel_button)

        # The inline "save as" row: a name and the socket, no dialog.
        self.name_row = QWidget(self)
        self.name_edit = QLineEdit(self.name_row)
        self.name_edit.setPlaceholderText("Name, e.g. ping")
        self.name_edit.setAccessibleName("Saved message name")
        self.name_edit.setToolTip("The name the message is listed under; Enter saves")
        self.name_edit.setClearButtonEnabled(True)
        describe_clear_button(self.name_edit, "saved message name")
        self.name_edit.returnPressed.connect(self._on_confirm_button_clicked)
        name_label = QLabel("Name:", self.name_row)
        name_label.setBuddy(self.name_edit)
        name_label.setToolTip(self.name_edit.toolTip())
        name_label.setAccessibleName("Name")
        self.socket_combo = QComboBox(self.name_row)
        self.socket_combo.setAccessibleName("Socket of saved message")
        self.socket_combo.setToolTip(
            "Send it always on this socket, or on whichever socket is selected when it is sent"
        )
        on_label = QLabel("on", self.name_row)
        on_label.setBuddy(self.socket_combo)
        on_label.setToolTip(self.socket_combo.toolTip())
        on_label.setAccessibleName("Socket")
        self.confirm_button = QPushButton("Save", self.name_row)
        self.confirm_button.setAccessibleName("Save message under this name")
        self.confirm_button.setToolTip("Add the composer's message to the list under this name")
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.abandon_button = QPushButton("Cancel", self.name_row)
        self.abandon_button.setAccessibleName("Do not save the message")
        self.abandon_button.setToolTip("Close this row without saving")
        self.abandon_button.clicked.connect(self._on_abandon_button_clicked)
        row = FlowBar(self.name_row, spacing=6)
        row.add(name_label)
        self.name_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("Name, e.g. ping") + 30)
        row.add(self.name_edit, stretch=True)
        socket_part = QWidget(self.name_row)  # "on" and its socket wrap together
        part = QHBoxLayout(socket_part)
        part.setContentsMargins(0, 0, 0, 0)
        part.addWidget(on_label)
        part.addWidget(self.socket_combo, 1)
        row.add(socket_part)
        row.add(self.confirm_button)
        row.add(self.abandon_button)
        self.name_row.hide()
        self.error_label = error_label("Saved message error")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addLayout(status_row)
        layout.addWidget(self.name_row)
        layout.addWidget(self.error_label)

    # -- public API ---------------------------------------------------------------------------
    def selected_row(self) -> int:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)

    def start_saving(self) -> None:
        """Show the inline name row for the composer's message (or say why it cannot be)."""
        frames, errors = self.composer.frame_editor.encoded()
        if errors:
            number, error = errors[0]
            show_error(
                self.error_label,
                f"The composer's frame {number} does not encode ({error}): fix it first",
            )
            return
        show_error(self.error_label, "")
        self.socket_combo.clear()
        self.socket_combo.addItem(f"the {ANY_SOCKET_TEXT}", None)
        for handle in self.session.sockets:
            self.socket_combo.addItem(f"{handle.name} ({handle.type_name})", handle.name)
        current = self.composer.socket
        if current is not None:
            self.socket_combo.setCurrentIndex(self.socket_combo.findData(current.name))
        self.name_edit.clear()
        self.name_row.show()
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def send_row(self, row: int) -> bool:
        """Send saved message ``row``; False (with the reason shown) when it cannot go now."""
        message = self.model.message_at(row)
        if message.socket:
            handle = self.session.socket_named(message.socket)
            if handle is None:
                self._set_status(
                    f"Not sent: '{message.name}' is for socket "
                    f"'{message.socket}', which this workspace does not have",
                    error=True,
                )
                return False
        else:
            handle = self.current_socket()
            if handle is None:
                self._set_status(
                    f"Not sent: '{message.name}' names no socket; select the socket to send it on",
                    error=True,
                )
                return False
        ok, reason = handle.can_send_now
        if ok and any(h is handle and not t.done() for t, h in self._tasks.items()):
            ok, reason = False, "the previous message is still being handed to the socket."
        if not ok:
            self._set_status(f"Not sent on {handle.name}: {reason}", error=True)
            return False
        task = asyncio.ensure_future(handle.send(list(message.frames)))
        self._tasks[task] = handle
        task.add_done_callback(functools.partial(self._on_send_task_done, handle, message))
        self._set_status(f"Sending '{message.name}' on {handle.name}…")
        return True

    # -- internals ----------------------------------------------------------------------------
    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        set_style(self.status_label, ERROR_TEMPLATE if error and text else "")

    def _update_buttons(self, *_args: object) -> None:
        selected = self.selected_row() >= 0
        for button in (self.send_button, self.load_button, self.rename_button, self.delete_button):
            button.setEnabled(selected)

    def _update_cancel(self) -> None:
        self.cancel_button.setVisible(
            any(not t.done() and h.send_waiting for t, h in self._tasks.items())
        )

    def _on_send_task_done(
        self, handle: SocketHandle, message: SavedMessage, task: asyncio.Future
    ) -> None:
        self._tasks.pop(task, None)
        if not shiboken6.isValid(self):
            return
        if task.cancelled():
            self._set_status(f"'{message.name}' on {handle.name}: cancelled", error=True)
        elif task.exception() is not None:
            error = task.exception()
            if not isinstance(error, SocketError):
                log.error("sending %s on %s failed", message.name, handle.name, exc_info=error)
            self._set_status(f"Not sent on {handle.name}: {error}", error=True)
        else:
            count = len(message.frames)
            self._set_status(
                f"Sent '{message.name}' on {handle.name} ({count} frame{'s' if count != 1 else ''})"
            )
        self._update_cancel()

    # -- slots --------------------------------------------------------------------------------
    def _on_view_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        self._update_buttons()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.composer.load_frames(list(self.model.message_at(index.row()).frames))

    def _on_send_button_clicked(self) -> None:
        row = self.selected_row()
        if row >= 0:
            self.send_row(row)
            self._update_cancel()

    def _on_load_button_clicked(self) -> None:
        row = self.selected_row()
        if row >= 0:
            message = self.model.message_at(row)
            self.composer.load_frames(list(message.frames))
            self._set_status(f"'{message.name}' is in the composer")

    def _on_rename_button_clicked(self) -> None:
        row = self.selected_row()
        if row >= 0:
            show_error(self.error_label, "")
            index = self.model.index(row, COL_NAME)
            self.view.setCurrentIndex(index)
            self.view.edit(index)

    def _on_delete_button_clicked(self) -> None:
        row = self.selected_row()
        if row >= 0:
            name = self.model.message_at(row).name
            self.model.remove(row)
            self._set_status(f"Deleted '{name}'")
            if self.model.rowCount():
                self.select_row(min(row, self.model.rowCount() - 1))

    def _on_save_button_clicked(self) -> None:
        self.start_saving()

    def _on_confirm_button_clicked(self) -> None:
        name = self.name_edit.text().strip()
        problem = self.model.name_problem(name)
        frames, errors = self.composer.frame_editor.encoded()
        if not problem and errors:
            problem = f"The composer's frame {errors[0][0]} does not encode ({errors[0][1]})"
        if problem:
            show_error(self.error_label, problem)
            self.name_edit.setFocus()
            return
        row = self.model.add(SavedMessage(name, self.socket_combo.currentData(), frames))
        show_error(self.error_label, "")
        self.name_row.hide()
        self.select_row(row)
        self._set_status(f"Saved '{name}'")

    def _on_abandon_button_clicked(self) -> None:
        show_error(self.error_label, "")
        self.name_row.hide()

    def _on_cancel_button_clicked(self) -> None:
        for task, handle in list(self._tasks.items()):
            if not task.done():
                handle.cancel_send()

    def _on_model_rename_refused(self, problem: str) -> None:
        show_error(self.error_label, problem)

    def _on_bridge_socket_changed(self, _handle: SocketHandle) -> None:
        if self._tasks:
            self._update_cancel()
