"""The composer: build a multipart message, send it on the selected socket, resend from history.

It follows the selected socket's type and state (through SessionBridge.socket_changed) so the
user reads, in words, why a send is not possible right now (SUB/PULL cannot send, REQ waits
for its reply, REP must receive first) instead of meeting libzmq's EFSM error. Sending is a
task on the asyncio loop (never blocking the window): a message that cannot be queued yet
shows a waiting line with Cancel.
"""

from __future__ import annotations

import asyncio
import functools
import logging

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import editable_form, human_size
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.compose.frame_editor import FrameEditor
from zinspect.ui.compose.peer_chooser import PeerChooser
from zinspect.ui.compose.send_history import SentMessage
from zinspect.ui.compose.send_history_panel import SendHistoryPanel
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

NO_SOCKET_TEXT = "Select or create a socket to send"
WAITING_TEXT = (
    "Waiting to be queued: no peer has connected yet, or its queue is full. Cancel gives up."
)
CANCELLED_TEXT = "Send cancelled"
WAITING_STYLE = "color: {waiting};"

READY_TEXTS = {
    "REQ": "ready to send a request; it must then wait for the reply before sending again.",
    "REP": "a request arrived: send exactly one reply.",
    "DEALER": "ready. Talking to a REP peer? Start the message with an empty delimiter frame.",
    "ROUTER": "frame 1 must be the routing id of the peer to send to: choose a peer below.",
    "STREAM": "frame 1 must be the connection id of the TCP peer: choose a peer below.",
    "PUB": "ready: subscribers whose subscription is a prefix of frame 1 receive it.",
    "XPUB": "ready: subscribers whose subscription is a prefix of frame 1 receive it.",
    "XSUB": "ready: a frame \\x01topic subscribes, \\x00topic unsubscribes.",
    "PUSH": "ready: each message goes to one PULL peer, round-robin.",
}


class Composer(QWidget):
    """Frame editor, Send with Ctrl+Enter, waiting/cancel line, and the sent-message history.

    ``send_action`` is meant to be added to the main window as well, so Ctrl+Enter sends from
    anywhere in it (its shortcut context is the window).
    """

    message_sent = Signal(object)  # list[bytes]: the frames of a message that was queued

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setAccessibleName("Composer")
        self._handle: SocketHandle | None = None
        self._tasks: dict[asyncio.Future, SocketHandle] = {}  # references to running sends
        self._status_is_refusal = False
        self._refused_for_state = False  # refused for the socket's state (e.g. REQ waiting)
        self._status_kind = ""  # "", info, error or waiting

        self.send_action = QAction("Send", self)
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.send_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.send_action.setToolTip("Send the message on the selected socket (Ctrl+Enter)")
        self.send_action.setStatusTip("Send the composed message on the selected socket")
        self.send_action.triggered.connect(self._on_send_action_triggered)
        self.addAction(self.send_action)  # Ctrl+Enter works even before the window adds it

        self._build()
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        self._refresh_state()
        self._update_frames_label()
        self._update_history_buttons()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        self.state_label = QLabel(self)
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName("Composer state")
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.peer_row = PeerChooser(self)
        self.peer_row.peer_chosen.connect(self._on_peer_row_peer_chosen)
        self.peer_label = self.peer_row.label  # under the composer's names
        self.peer_combo = self.peer_row.combo

        self.frame_editor = FrameEditor(self)
        self.frame_editor.frames_changed.connect(self._on_frame_editor_frames_changed)

        self.add_frame_button = QPushButton("Add frame", self)
        self.add_frame_button.setAccessibleName("Add frame")
        self.add_frame_button.setToolTip("Add a text frame after the last frame that has an editor")
        self.add_frame_button.clicked.connect(self._on_add_frame_button_clicked)
        self.delimiter_button = QPushButton("Add empty delimiter", self)
        self.delimiter_button.setAccessibleName("Add empty delimiter frame")
        self.delimiter_button.clicked.connect(self._on_delimiter_button_clicked)
        self.clear_message_button = QPushButton("Clear message", self)
        self.clear_message_button.setAccessibleName("Clear message")
        self.clear_message_button.setToolTip(
            "Start again from one empty text frame: every frame goes, also those of a long "
            "message that are kept without an editor"
        )
        self.clear_message_button.clicked.connect(self._on_clear_message_button_clicked)
        self.frames_label = QLabel(self)
        self.frames_label.setAccessibleName("Message size")
        self.frames_label.setToolTip("How many frames the message has and its encoded size")
        tools = QHBoxLayout()
        tools.addWidget(self.add_frame_button)
        tools.addWidget(self.delimiter_button)
        tools.addWidget(self.clear_message_button)
        tools.addStretch(1)
        tools.addWidget(self.frames_label)

        self.send_button = QToolButton(self)
        self.send_button.setDefaultAction(self.send_action)
        self.send_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.send_button.setAccessibleName("Send")
        self.send_button.setMinimumWidth(self.fontMetrics().horizontalAdvance("Send") + 40)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Send status")
        self.status_label.setToolTip("The result of the last send, or why it was refused")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel waiting send")
        self.cancel_button.setToolTip(
            "Give up the message that is waiting for a peer or for room under the high-water mark"
        )
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.cancel_button.hide()
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_button)
        send_row.addWidget(self.status_label, 1)
        send_row.addWidget(self.cancel_button)

        editor_side = QWidget(self)
        editor_layout = QVBoxLayout(editor_side)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.state_label)
        editor_layout.addWidget(self.peer_row)
        editor_layout.addWidget(self.frame_editor, 1)
        editor_layout.addLayout(tools)
        editor_layout.addLayout(send_row)

        self.history = SendHistoryPanel(self)
        self.history.resend_requested.connect(self._on_history_resend_requested)
        self.history.load_requested.connect(self._on_history_load_requested)
        # the history's parts, under the composer's names
        self.history_model = self.history.model
        self.history_view = self.history.view
        self.resend_button = self.history.resend_button
        self.load_button = self.history.load_button
        self.clear_history_button = self.history.clear_button

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setAccessibleName("Composer and history")
        self.splitter.setToolTip("Drag the handle to share the space between editor and history")
        self.splitter.addWidget(editor_side)
        self.splitter.addWidget(self.history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

    # -- public API -----------------------------------------------------------------------
    @property
    def socket(self) -> SocketHandle | None:
        return self._handle

    def set_socket(self, handle: SocketHandle | None) -> None:
        """Compose for ``handle`` (the socket selected elsewhere), or for none."""
        if handle is not None and handle.closed:
            handle = None
        if handle is self._handle:
            return
        self._handle = handle
        self.peer_row.set_handle(handle)
        self._set_status("")
        self._refresh_state()

    def load_frames(self, frames: list[bytes]) -> None:
        """Fill the editor with ``frames`` for editing; each frame round-trips exactly."""
        self.frame_editor.load_frames(frames)
        self._set_status("")

    # -- state ------------------------------------------------------------------------------
    def _refresh_state(self) -> None:
        """Show what the selected socket allows now; enable exactly what can be used."""
        handle = self._handle
        if handle is None:
            enabled, text = False, NO_SOCKET_TEXT
        else:
            prefix = f"{handle.name} ({handle.type_name}): "
            ok, reason = handle.can_send_now
            enabled = handle.info.can_send and not handle.closed
            if ok:
                text = prefix + READY_TEXTS.get(handle.type_name, "ready to send.")
                if self._refused_for_state:
                    self._set_status("")  # the state it was refused for has passed
            else:
                text = prefix + reason
            if handle.type_name in ROUTING_ID_TYPES and ok and not handle.routing_ids:
                text = prefix + (
                    "no peer has sent anything yet, so no routing id is known. "
                    "Frame 1 must be the routing id of the peer to send to."
                )
            self.state_label.setToolTip(handle.info.description)
        if handle is None:
            self.state_label.setToolTip("What the selected socket can send now")
        self.state_label.setText(text)
        for widget in (
            self.frame_editor,
            self.add_frame_button,
            self.delimiter_button,
            self.peer_combo,
            self.peer_label,
        ):
            widget.setEnabled(enabled)
        self.send_action.setEnabled(enabled)
        type_name = handle.type_name if handle is not None else ""
        self.peer_row.setVisible(type_name in ROUTING_ID_TYPES)
        self.delimiter_button.setVisible(type_name in ("DEALER", "ROUTER"))
        if type_name == "ROUTER":
            self.delimiter_button.setToolTip(
                "Insert an empty frame after the routing id: a REQ peer expects it before the data"
            )
        else:
            self.delimiter_button.setToolTip(
                "Insert an empty frame at the start of the message: a REP peer expects it "
                "before the data"
            )
        if type_name in ROUTING_ID_TYPES:
            self.peer_row.refresh(force=False)
        waiting = handle is not None and handle.send_waiting
        self.cancel_button.setVisible(waiting)
        if waiting:
            self._set_status(WAITING_TEXT, "waiting")
        elif self._status_kind == "waiting":
            self._set_status("")  # the send ended; its done callback says how
        self._update_history_buttons()

    # -- status line ----------------------------------------------------------------------
    def _set_status(self, text: str, kind: str = "info", *, refusal: bool = False) -> None:
        """Show the result of a send beside the button; kind is info, error or waiting."""
        self._status_kind = kind if text else ""
        self._status_is_refusal = refusal and bool(text)
        self._refused_for_state = False
        self.status_label.setText(text)
        style = {"error": ERROR_TEMPLATE, "waiting": WAITING_STYLE}.get(kind, "")
        set_style(self.status_label, style if text else "")

    def _update_frames_label(self) -> None:
        editor = self.frame_editor
        count = editor.frame_count
        errors = [row for row in editor.rows if row.data is None]
        text = f"{count} frame{'s' if count != 1 else ''} · {human_size(editor.total_size)}"
        if errors:
            text += f" · {len(errors)} not valid"
        self.frames_label.setText(text)

    # -- sending ----------------------------------------------------------------------------
    def _send(self, frames: list[bytes]) -> bool:
        """Start sending ``frames`` on the selected socket; False (with the reason) if refused."""
        handle = self._handle
        if handle is None:
            self._set_status(NO_SOCKET_TEXT, "error", refusal=True)
            return False
        ok, reason = handle.can_send_now
        if not ok:
            self._set_status(f"Not sent: {reason}", "error", refusal=True)
            self._refused_for_state = True
            return False
        if any(h is handle and not task.done() for task, h in self._tasks.items()):
            self._set_status(
                "Not sent: the previous message is still being handed to the socket.",
                "error",
                refusal=True,
            )
            return False
        task = asyncio.ensure_future(handle.send(frames))
        self._tasks[task] = handle
        task.add_done_callback(functools.partial(self._on_send_task_done, handle, frames))
        self._set_status("Sending…")
        return True

    def _send_editor_message(self) -> None:
        frames, errors = self.frame_editor.encoded()
        if errors:
            number, error = errors[0]
            more = f" ({len(errors) - 1} more frame(s) too)" if len(errors) > 1 else ""
            self._set_status(
                f"Not sent: frame {number} does not encode: {error}{more}", "error", refusal=True
            )
            self.frame_editor.reveal(number)
            return
        self._send(frames)

    def _on_send_task_done(
        self, handle: SocketHandle, frames: list[bytes], task: asyncio.Future
    ) -> None:
        self._tasks.pop(task, None)
        if task.cancelled():
            outcome, error = CANCELLED_TEXT, True
            log.info("send on %s cancelled", handle.name)
        elif task.exception() is not None:
            exc = task.exception()
            if not isinstance(exc, SocketError):
                log.error("sending on %s failed", handle.name, exc_info=exc)
            outcome, error = f"Not sent: {exc}", True
        else:
            entry = SentMessage.of(handle.name, handle.type_name, frames)
            outcome = (
                f"Sent {len(frames)} frame{'s' if len(frames) != 1 else ''}, "
                f"{human_size(entry.size)} at {entry.clock}"
            )
            error = False
        if not shiboken6.isValid(self):
            return  # the composer went away while the send was waiting
        if not error:
            self.history_model.add(entry)
            self.message_sent.emit(list(frames))
        if handle is self._handle:
            self._set_status(outcome, "error" if error else "info")
            self._refresh_state()

    # -- slots ------------------------------------------------------------------------------
    def _on_send_action_triggered(self) -> None:
        self._send_editor_message()

    def _on_cancel_button_clicked(self) -> None:
        if self._handle is not None and not self._handle.cancel_send():
            self._set_status("Nothing is waiting to be sent.")

    def _on_bridge_socket_changed(self, handle: SocketHandle) -> None:
        if handle is self._handle:
            self._refresh_state()

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        if handle is self._handle:
            self.set_socket(None)

    def _on_frame_editor_frames_changed(self) -> None:
        self._update_frames_label()
        if self._status_is_refusal:
            self._set_status("")  # the refusal was about the old content

    def _on_add_frame_button_clicked(self) -> None:
        self.frame_editor.add_frame(focus=True)

    def _on_clear_message_button_clicked(self) -> None:
        self.frame_editor.clear()
        self._set_status("")

    def _on_delimiter_button_clicked(self) -> None:
        handle = self._handle
        position = 1 if handle is not None and handle.type_name in ROUTING_ID_TYPES else 0
        rows = self.frame_editor.rows
        if position < len(rows) and rows[position].encoding == "empty":
            self._set_status(f"Frame {position + 1} is already an empty delimiter.")
            return
        self.frame_editor.add_frame("empty", "", index=position)
        self._set_status(f"Frame {position + 1} is now an empty delimiter.")

    def _on_peer_row_peer_chosen(self, routing_id: bytes) -> None:
        if self._handle is None:
            return
        editor = self.frame_editor
        first = editor.rows[0]
        if first.is_blank or first.data in self._handle.routing_ids:
            editor.set_frame_bytes(0, routing_id)
        else:
            editor.add_frame(*editable_form(routing_id), index=0)
        if editor.frame_count == 1:
            editor.add_frame(focus=True)  # the data goes after the routing id
        else:
            editor.reveal(2)

    def _update_history_buttons(self) -> None:
        self.history.set_can_send(self.send_action.isEnabled())

    def _on_history_resend_requested(self, frames: list[bytes]) -> None:
        self._send(frames)

    def _on_history_load_requested(self, frames: list[bytes]) -> None:
        self.load_frames(frames)
