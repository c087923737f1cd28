"""The replay dialog: which messages, through which socket, with what timing; progress and
Cancel while it runs. Non-modal: the user keeps watching the traffic while it replays.

The messages come from the selected traffic rows or from a capture file (read here in slices,
with the progress bar, so a large file never freezes the window). A file is read once to
count its messages and find damage, and read again as the replay sends (core.replay_source):
its messages are never all in memory. Which of them are sent is
the user's choice: all (default), only those the socket sent, or only those it received.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.capture.capture import CaptureError, CaptureReader, describe_os_error
from zinspect.core.capture.replay import FAST, MAX_RATE, ORIGINAL, RATE, Replayer, ReplayError
from zinspect.core.capture.replay_source import CaptureMessages, file_stamp
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, OUT, Message
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE, fit_height
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

PROGRESS_MS = 100
MIN_WIDTH = 420
ALL = "all"


class ReplayDialog(QDialog):
    """Choose socket, messages and timing; Start, watch the progress, Cancel."""

    replay_finished = Signal(str)  # the outcome in words

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Replay messages")
        self.setAccessibleName("Replay messages")
        self.setModal(False)
        self._bridge = bridge
        self._messages: Sequence[Message] | CaptureMessages = []
        self._source = ""
        self.replayer: Replayer | None = None
        self._load_task: asyncio.Task | None = None
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        for handle in bridge.session.sockets:
            self._on_bridge_socket_added(handle)
        self._update_state()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setAccessibleName("Messages to replay")
        self.source_label.setToolTip("Where the messages come from and how many there are")

        self.which_combo = QComboBox(self)
        self.which_combo.setAccessibleName("Which messages")
        self.which_combo.setToolTip(
            "Replay every message, or only those the recorded sockets "
            "sent (→ out) or received (← in)"
        )
        self.socket_combo = QComboBox(self)
        self.socket_combo.setAccessibleName("Replay through socket")
        self.socket_combo.setToolTip("The live socket that sends the messages again")
        self.mode_combo = QComboBox(self)
        self.mode_combo.addItem("Original timing", ORIGINAL)
        self.mode_combo.addItem("As fast as possible", FAST)
        self.mode_combo.addItem("Fixed rate", RATE)
        self.mode_combo.setAccessibleName("Replay timing")
        self.mode_combo.setToolTip(
            "Original timing keeps the recorded gaps between messages; "
            "as fast as possible sends without waiting; fixed rate sends "
            "so many messages per second"
        )
        self.rate_spin = QDoubleSpinBox(self)
        self.rate_spin.setRange(0.1, MAX_RATE)
        self.rate_spin.setDecimals(1)
        self.rate_spin.setValue(10.0)
        self.rate_spin.setSuffix(" msg/s")
        self.rate_spin.setAccessibleName("Replay rate")
        self.rate_spin.setToolTip("Messages per second for a fixed-rate replay")

        self.error_label = QLabel(self)
        set_style(self.error_label, ERROR_TEMPLATE)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Replay error")
        self.error_label.setToolTip("Why the replay cannot start or stopped")
        self.error_label.hide()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setAccessibleName("Replay progress")
        self.progress_bar.setToolTip("Messages sent of those to replay")
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Replay status")
        self.status_label.setToolTip("What the replay is doing, or how it ended")

        self.start_button = QPushButton("Start", self)
        self.start_button.setAccessibleName("Start replay")
        self.start_button.setToolTip("Send the messages through the chosen socket")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel replay")
        self.cancel_button.setToolTip("Stop the replay now; messages sent stay sent")
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close replay dialog")
        self.close_button.setToolTip(
            "Close this dialog (a running replay goes on; reopen it from the Capture menu)"
        )

        form = QFormLayout()
        form.addRow("Messages:", self.which_combo)
        form.addRow("Socket:", self.socket_combo)
        timing = QHBoxLayout()
        timing.addWidget(self.mode_combo, 1)
        timing.addWidget(self.rate_spin)
        form.addRow("Timing:", timing)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        # never shorter than its rows need: a dialog left at its first height squashed the
        # combo boxes to slivers once a damage report or an error took more lines
        # (which sets the dialog's minimum size from the layout's: the width comes from a row)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.progress_bar.setMinimumWidth(MIN_WIDTH - 2 * layout.contentsMargins().left())

        self.which_combo.currentIndexChanged.connect(self._on_which_combo_current_index_changed)
        self.socket_combo.currentIndexChanged.connect(self._on_socket_combo_current_index_changed)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_combo_current_index_changed)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.close_button.clicked.connect(self.close)

    # -- sources ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Reading a file or replaying: a new source must wait."""
        running = self.replayer is not None and self.replayer.running
        return running or (self._load_task is not None and not self._load_task.done())

    def set_messages(self, messages: Sequence[Message] | CaptureMessages, source: str) -> bool:
        """Offer ``messages`` for replay (False, changing nothing, while busy)."""
        if self.busy:
            self._show_busy()
            return False
        self._messages = messages
        self._source = source
        self.replayer = None
        self.progress_bar.setValue(0)
        self._fill_which()
        self._update_state()
        return True

    def load_capture(self, path: str) -> bool:
        """Read a capture file in slices (progress shown), then offer its messages."""
        if self.busy:
            self._show_busy()
            return False
        try:
            stamp = file_stamp(path)
            reader = CaptureReader(path)
        except CaptureError as error:
            self.set_messages([], "")
            self._show_error(str(error))
            return False
        except OSError as error:
            self.set_messages([], "")
            self._show_error(describe_os_error(error, path, writing=False))
            return False
        self.set_messages([], f"Reading {os.path.basename(path)}…")
        self._load_task = asyncio.ensure_future(self._read(reader, stamp))
        self._load_task.add_done_callback(self._on_load_task_done)
        self._timer.start()
        self._update_state()
        return True

    async def _read(self, reader: CaptureReader, stamp: tuple[int, int]) -> None:
        """Count the file's messages per direction (and find its damage), keeping none."""
        counts = {IN: 0, OUT: 0}
        try:
            while not reader.done:
                rows = reader.read_rows()
                counts[IN] += reader.received_in_last
                counts[OUT] += len(rows) - reader.received_in_last
                del rows
                self.progress_bar.setValue(int(reader.progress * 100))
                await asyncio.sleep(0)
        finally:
            reader.close()
        result = reader.result([])
        name = os.path.basename(reader.path)
        messages = CaptureMessages(reader.path, counts, stamp)
        source = f"{name}: {len(messages):,} messages"
        damage = result.damage_report()
        self._load_task = None
        self.set_messages(messages, source + (f". {damage}" if damage else ""))
        self.progress_bar.setValue(0)

    def _on_load_task_done(self, task: asyncio.Task) -> None:
        if task.cancelled():
            self.set_messages([], "")
            self._set_text(self.status_label, "Reading the capture was cancelled")
        elif task.exception() is not None:
            error = task.exception()
            self.set_messages([], "")
            if isinstance(error, CaptureError):
                self._show_error(str(error))
            else:
                log.error("reading a capture failed", exc_info=error)
                self._show_error(f"Reading the capture failed: {error}")
        self._load_task = None
        self._update_state()

    def _fill_which(self) -> None:
        if isinstance(self._messages, CaptureMessages):
            outs = self._messages.count(OUT)
        else:
            outs = sum(1 for m in self._messages if m.direction == OUT)
        ins = len(self._messages) - outs
        current = self.which_combo.currentData() or ALL
        self.which_combo.blockSignals(True)
        self.which_combo.clear()
        self.which_combo.addItem(f"All ({len(self._messages):,})", ALL)
        self.which_combo.addItem(f"Only sent, → out ({outs:,})", OUT)
        self.which_combo.addItem(f"Only received, ← in ({ins:,})", IN)
        self.which_combo.setCurrentIndex(max(0, self.which_combo.findData(current)))
        self.which_combo.blockSignals(False)

    def chosen_messages(self) -> Sequence[Message] | CaptureMessages:
        """The messages Start would replay (a file's are read as they are sent)."""
        which = self.which_combo.currentData() or ALL
        messages = self._messages
        if isinstance(messages, CaptureMessages):
            return messages.only(None if which == ALL else which)
        if which == ALL:
            return messages
        return [m for m in messages if m.direction == which]

    # -- sockets ------------------------------------------------------------------------------
    def select_socket(self, name: str) -> None:
        index = self.socket_combo.findData(name)
        if index >= 0:
            self.socket_combo.setCurrentIndex(index)

    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        if self.socket_combo.findData(handle.name) < 0:
            self.socket_combo.addItem(f"{handle.name} ({handle.type_name})", handle.name)
        self._update_state()

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        index = self.socket_combo.findData(handle.name)
        if index >= 0:
            self.socket_combo.removeItem(index)
        self._update_state()

    def _on_bridge_socket_changed(self, _handle: SocketHandle) -> None:
        if not self.busy:
            self._update_state()

    def current_socket(self) -> SocketHandle | None:
        name = self.socket_combo.currentData()
        return None if name is None else self._bridge.session.socket_named(name)

    # -- state ---------------------------------------------------------------------------------
    def _on_which_combo_current_index_changed(self, _index: int) -> None:
        self._update_state()

    def _on_socket_combo_current_index_changed(self, _index: int) -> None:
        self._update_state()

    def _on_mode_combo_current_index_changed(self, _index: int) -> None:
        self._update_state()

    def _why_not(self) -> str:
        """Why Start cannot work now, in words ('' when it can)."""
        if not self._messages:
            return "" if self._source else "No messages to replay"
        if not self.chosen_messages():
            return "None of the messages has that direction"
        handle = self.current_socket()
        if handle is None:
            return "Create a socket to replay through (Socket panel)"
        if not handle.info.can_send:
            return handle.info.send_hint or f"A {handle.type_name} socket cannot send"
        return ""

    def _update_state(self) -> None:
        busy = self.busy
        reason = "" if busy else self._why_not()
        self._set_text(self.source_label, self._source or "No messages chosen")
        if reason:
            self._show_error(reason)
        elif not busy and self.error_label.property("kind") == "check":
            self._hide_error()
        can_start = not busy and not reason and bool(self._messages)
        if self.replayer is None and not busy:
            self._set_text(
                self.status_label, "Choose the socket and timing, then Start" if can_start else ""
            )
        self.start_button.setEnabled(can_start)
        self.cancel_button.setEnabled(busy)
        for widget in (self.which_combo, self.socket_combo, self.mode_combo):
            widget.setEnabled(not busy)
        self.rate_spin.setEnabled(not busy and self.mode_combo.currentData() == RATE)

    def _show_error(self, text: str, kind: str = "check") -> None:
        self.error_label.setProperty("kind", kind)
        if self.error_label.text() != text or self.error_label.isHidden():
            self.error_label.setText(text)
            self.error_label.show()
            self._fit()

    def _hide_error(self) -> None:
        if not self.error_label.isHidden():
            self.error_label.hide()
            self._fit()

    def _set_text(self, label: QLabel, text: str) -> None:
        """A label's new text, the dialog as tall as its wrapped lines then need."""
        if label.text() != text:
            label.setText(text)
            self._fit()

    def _fit(self) -> None:
        if self.isVisible():
            fit_height(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_height(self)  # texts set while hidden

    def _show_busy(self) -> None:
        self._set_text(
            self.status_label,
            "A replay is running: cancel it or wait for it to finish before choosing other "
            "messages",
        )
        self.show()
        self.raise_()

    # -- running -------------------------------------------------------------------------------
    def _on_start_button_clicked(self) -> None:
        self.start()

    def start(self) -> bool:
        """Start replaying the chosen messages (False, with the reason shown, if it cannot)."""
        handle = self.current_socket()
        if self.busy or handle is None:
            return False
        try:
            replayer = Replayer(
                self.chosen_messages(),
                handle,
                self.mode_combo.currentData(),
                self.rate_spin.value(),
            )
        except ReplayError as error:
            self._show_error(str(error), "start")
            return False
        self._hide_error()
        self.replayer = replayer
        replayer.start().add_done_callback(self._on_replay_task_done)
        self.progress_bar.setValue(0)
        self._set_text(self.status_label, replayer.outcome())
        self._timer.start()
        self._update_state()
        return True

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def cancel(self) -> None:
        if self.replayer is not None:
            self.replayer.cancel()
        if self._load_task is not None:
            self._load_task.cancel()

    def _on_timer_timeout(self) -> None:
        replayer = self.replayer
        if replayer is not None and replayer.running:
            self.progress_bar.setValue(int(100 * replayer.sent / replayer.total))
            self._set_text(self.status_label, replayer.outcome())
        elif not self.busy:
            self._timer.stop()

    def _on_replay_task_done(self, task: asyncio.Task) -> None:
        replayer = self.replayer
        if replayer is None or task is not replayer.task:
            return
        if not task.cancelled():
            error = task.exception()
            if error is not None and not isinstance(error, SocketError):
                log.error("replay failed", exc_info=error)
                replayer.state, replayer.error = "failed", str(error)
        self._timer.stop()
        self.progress_bar.setValue(int(100 * replayer.sent / replayer.total))
        outcome = replayer.outcome()
        failed = replayer.state == "failed"
        # the reason goes under the rows in red, not a second time in the status line
        self._set_text(self.status_label, replayer.outcome(reason=not failed))
        if failed:
            self._show_error(replayer.error, "replay")
        self._update_state()
        self.replay_finished.emit(outcome)
