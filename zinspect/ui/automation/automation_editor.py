"""The selected socket's automation: reply, send messages, forward; Start, Stop, Remove.

The fields are turned into the automation's JSON form and checked by core.automation's own
parser, so the editor says exactly what a workspace file would be told, under the field the
value came from. Start applies what is shown (core.automation_runner.attach_automation) and
runs it; the spec then lives on the socket and is saved with the workspace. A slow timer
shows the runner's state, count and rate: nothing here runs per message.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.automation.automation import (
    DEFAULT_TIMEOUT_MS,
    REPLY_TYPES,
    AutomationSpec,
)
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.automation.automation_checks import check_automation, json_delay, json_number
from zinspect.ui.automation.automation_forward import ForwardSection
from zinspect.ui.automation.automation_frames import AutomationFrames
from zinspect.ui.automation.automation_more import MoreFields
from zinspect.ui.automation.automation_reveal import groups_to_tick, reveal_first_error
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.theme import outline_tick_box, set_style

log = logging.getLogger(__name__)

STATUS_INTERVAL_MS = 500
REPLY_ECHO, REPLY_FRAMES, REPLY_NONE = 0, 1, 2
PLACEHOLDER_HELP = (
    "Text frames may use {seq} (0, 1, 2, …; {seq:05d} pads), {time}, "
    "{rand:A:B}, {choice:a|b}, {letter}, {uuid}, {uuid:bytes}, {bytes:16}, binary integers "
    "{u8:seq} … {u64be:seq} ({u32le:7}), and in rule replies {frame:N}; write {{ for a "
    "brace. Hex, base64 and JSON frames are sent as they are."
)


def can_send_script(handle: SocketHandle) -> bool:
    return handle.info.can_send and handle.type_name != "REP"


def can_forward(handle: SocketHandle) -> bool:
    return handle.info.can_receive and handle.type_name != "REP"


class AutomationEditor(QWidget):
    """Reply / send / forward settings of one socket, its Start/Stop/Remove and live status."""

    automation_changed = Signal()  # applied, started, stopped or removed from the buttons

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = bridge.session
        self._handle: SocketHandle | None = None
        self._shown_spec: AutomationSpec | None = None  # the spec the fields were loaded from
        self._loading = False  # _load is filling the fields
        self._fields_ok = True  # no field shows an error
        self.setAccessibleName("Automation")

        # -- reply ---------------------------------------------------------------------------
        self.reply_group = self._group(
            "Reply to each message",
            "Reply group",
            "Answer every message this socket receives, at once or after a delay. A ROUTER "
            "keeps the envelope, so each reply reaches the peer that asked.",
        )
        self.reply_mode_combo = QComboBox()
        self.reply_mode_combo.addItems(["Echo", "These frames", "Nothing"])
        self._describe(
            self.reply_mode_combo,
            "Reply with",
            "What a message no rule matches gets. Echo: the message back as it came. "
            "Frames: the frames below (after the envelope, for ROUTER and DEALER). "
            "Nothing: no reply.",
        )
        self.reply_frames = AutomationFrames("Reply", templates=False)
        self.reply_frames.setToolTip("The frames of every reply, in order")
        self.reply_frames_error = error_label("Reply frames error")
        self.delay_edit = self._line_edit(
            "0",
            "Reply delay",
            "Milliseconds to wait before each reply (0: at once); 100-400 waits a random "
            "time between the two",
        )
        self.more = MoreFields(self.session)
        self.delay_error = error_label("Reply delay error")
        form = QFormLayout(self.reply_group)
        form.addRow("Reply with", self.reply_mode_combo)
        form.addRow(self.reply_frames)
        form.addRow(self.reply_frames_error)
        form.addRow("Delay (ms)", self.delay_edit)
        form.addRow(self.delay_error)
        self.more.add_reply_rows(form)

        # -- send ------------------------------------------------------------------------------
        self.send_group = self._group(
            "Send messages",
            "Send group",
            "Send these frames again and again (a count, or until stopped), or the steps "
            "below; a REQ waits for each reply (Python scripts: New script…, below).",
        )
        self.send_frames = AutomationFrames("Send", templates=True)
        self.send_frames.setToolTip("The frames of every message sent, in order")
        self.placeholder_label = QLabel(PLACEHOLDER_HELP)
        self.placeholder_label.setWordWrap(True)
        set_style(self.placeholder_label, NOTE_TEMPLATE)
        self._describe(
            self.placeholder_label,
            "Placeholders",
            "Placeholders in text frames are filled in for each message",
        )
        self.send_frames_error = error_label("Send frames error")
        self.count_edit = self._line_edit(
            "", "Count", "How many messages to send; leave empty to send until Stop"
        )
        self.count_edit.setPlaceholderText("until stopped")
        self.count_error = error_label("Count error")
        self.interval_edit = self._line_edit(
            "0",
            "Interval",
            "Milliseconds between messages; 0 sends as fast as the socket takes them",
        )
        self.interval_error = error_label("Interval error")
        self.timeout_edit = self._line_edit(
            str(DEFAULT_TIMEOUT_MS),
            "Reply timeout",
            "REQ: milliseconds to wait for each reply; then the REQ socket is re-created "
            "and the sending goes on (lazy pirate)",
        )
        self.timeout_error = error_label("Reply timeout error")
        self.timeout_label = QLabel("Reply timeout (ms)")
        form = self.send_form = QFormLayout(self.send_group)
        form.addRow(self.send_frames)
        form.addRow(self.placeholder_label)
        form.addRow(self.send_frames_error)
        form.addRow("Count", self.count_edit)
        form.addRow(self.count_error)
        form.addRow("Interval (ms)", self.interval_edit)
        form.addRow(self.interval_error)
        form.addRow(self.timeout_label, self.timeout_edit)
        form.addRow(self.timeout_error)
        self.more.add_send_rows(form)

        self.forward_group = ForwardSection(self.session)
        self.forward_combo = self.forward_group.forward_combo  # under the editor's names
        self.forward_error = self.forward_group.forward_error

        # -- control and status ----------------------------------------------------------------
        self.start_button = self._button(
            "Start",
            "Start automation",
            "Apply these settings to the socket and run them (they are saved with the workspace)",
        )
        self.stop_button = self._button(
            "Stop", "Stop automation", "Stop sending, replying and forwarding"
        )
        self.remove_button = self._button(
            "Remove",
            "Remove automation",
            "Stop and take the automation off this socket (a saved workspace will not have it)",
        )
        self.error_label = error_label("Automation error")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self._describe(
            self.status_label,
            "Automation status",
            "Running or stopped, messages sent and the rate over the last seconds",
        )
        self.last_error_label = error_label("Automation last error")
        self.last_error_label.setToolTip("The last thing that went wrong while it ran")

        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        remove_row = QHBoxLayout()  # apart from Start/Stop, and two buttons fit a narrow dock
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)  # Start first: a ticked box does nothing until it
        layout.setContentsMargins(0, 0, 0, 0)  # is pressed, and the fields run a screen long
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.last_error_label)
        layout.addWidget(self.reply_group)
        layout.addWidget(self.send_group)
        layout.addWidget(self.forward_group)
        layout.addWidget(self.more)
        layout.addLayout(remove_row)

        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_INTERVAL_MS)

        # -- wiring ------------------------------------------------------------------------------
        self.reply_group.toggled.connect(self._on_reply_group_toggled)
        self.forward_group.toggled.connect(self._on_forward_group_toggled)
        self.send_group.toggled.connect(self._on_field_edited)
        self.reply_mode_combo.currentIndexChanged.connect(self._on_reply_mode_combo_changed)
        for editor in (self.reply_frames, self.send_frames):
            editor.frames_changed.connect(self._on_field_edited)
        for edit in (self.delay_edit, self.count_edit, self.interval_edit, self.timeout_edit):
            edit.textChanged.connect(self._on_field_edited)
        self.forward_combo.currentIndexChanged.connect(self._on_field_edited)
        self.forward_group.delay_edit.textChanged.connect(self._on_field_edited)
        self.more.fields_changed.connect(self._on_field_edited)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.status_timer.timeout.connect(self._on_status_timer_timeout)
        bridge.socket_added.connect(self._on_bridge_sockets_changed)
        bridge.socket_removed.connect(self._on_bridge_sockets_changed)
        self.set_handle(None)

    # -- construction helpers ---------------------------------------------------------------
    @staticmethod
    def _describe(widget: QWidget, name: str, tip: str) -> None:
        widget.setAccessibleName(name)
        widget.setToolTip(tip)

    def _group(self, title: str, name: str, tip: str) -> QGroupBox:
        group = QGroupBox(title)
        group.setCheckable(True)
        group.setChecked(False)
        outline_tick_box(group)
        self._describe(group, name, tip + " Tick the title to use it.")
        return group

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        self._describe(button, name, tip)
        return button

    def _line_edit(self, text: str, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit(text)
        self._describe(edit, name, tip)
        return edit

    # -- public -------------------------------------------------------------------------------
    def set_handle(self, handle: SocketHandle | None) -> None:
        """Show another socket's automation (or a blank one), and its live status."""
        self._handle = handle
        self._load(handle.automation if handle is not None else None)
        self.refresh()

    def refresh(self) -> None:
        """Follow the socket's state: which sections apply, forward targets, status."""
        handle = self._handle
        if handle is None:
            self.status_timer.stop()
            self.setEnabled(False)
            return
        self.setEnabled(not handle.closed)
        self.reply_group.setVisible(handle.type_name in REPLY_TYPES)
        self.send_group.setVisible(can_send_script(handle))
        self.forward_group.setVisible(can_forward(handle))
        is_req = handle.type_name == "REQ"
        for widget in (self.timeout_label, self.timeout_edit):
            widget.setVisible(is_req)
        self.forward_group.fill_targets(self._handle)
        self.more.follow(handle)
        self._show_status()
        if not self.status_timer.isActive():
            self.status_timer.start()

    def refresh_state(self) -> None:
        """The socket changed (cheap; it may happen per message on a REQ or REP): closed
        sockets cannot be edited, and an automation set elsewhere (a workspace) is shown."""
        handle = self._handle
        if handle is None:
            return
        self.setEnabled(not handle.closed)
        if handle.automation is not self._shown_spec:
            self._load(handle.automation)
            self._show_status()

    def build_spec(self) -> tuple[AutomationSpec | None, dict[str, str]]:
        """The spec the fields describe and {field: error in words}; the spec is None when
        there is any error. Every field's error is found, not just the first one's."""
        handle = self._handle
        return check_automation(
            self._to_json(),
            type_name=handle.type_name if handle else None,
            name=handle.name if handle else None,
            sockets={s.name: s.type_name for s in self.session.sockets},
        )

    # -- fields <-> JSON ------------------------------------------------------------------------
    def _to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        handle = self._handle
        if self.reply_group.isChecked() and handle is not None and handle.type_name in REPLY_TYPES:
            reply: dict[str, Any] = {"echo": True}
            if self.reply_mode_combo.currentIndex() == REPLY_FRAMES:
                reply = {"frames": self.reply_frames.frames_json()}
            elif self.reply_mode_combo.currentIndex() == REPLY_NONE:
                reply = {}
            if self.delay_edit.text().strip():
                reply["delay_ms"] = json_delay(self.delay_edit.text())
            obj["reply"] = reply
        if self.send_group.isChecked() and handle is not None and can_send_script(handle):
            send: dict[str, Any] = {"frames": self.send_frames.frames_json()}
            if self.count_edit.text().strip():
                send["count"] = json_number(self.count_edit.text())
            if self.interval_edit.text().strip():
                send["interval_ms"] = json_number(self.interval_edit.text())
            if handle.type_name == "REQ" and self.timeout_edit.text().strip():
                send["timeout_ms"] = json_number(self.timeout_edit.text())
            obj["send"] = send
        if self.forward_group.isChecked() and handle is not None and can_forward(handle):
            obj["forward"] = {"to": self.forward_group.target()}
            if self.forward_group.delay_edit.text().strip():
                obj["forward"]["delay_ms"] = json_delay(self.forward_group.delay_edit.text())
        if handle is not None:
            self.more.merge(obj, handle)
        return obj

    def _load(self, spec: AutomationSpec | None) -> None:
        """Fill the fields from ``spec`` (None: all off, blank), unchecked while they fill:
        each check parses every frame, and a loaded spec has nothing to say."""
        self._loading = True
        try:
            self._fill(spec)
        finally:
            self._loading = False

    def _fill(self, spec: AutomationSpec | None) -> None:
        self.reply_group.setChecked(spec is not None and spec.reply is not None)
        self.send_group.setChecked(spec is not None and spec.send is not None)
        self.forward_group.setChecked(spec is not None and spec.forward is not None)
        reply = spec.reply if spec is not None else None
        mode = REPLY_ECHO
        if reply is not None and not reply.echo:
            mode = REPLY_FRAMES if reply.frames is not None else REPLY_NONE
        self.reply_mode_combo.setCurrentIndex(mode)
        self.reply_frames.load(reply.frames if reply is not None and reply.frames else [])
        self.delay_edit.setText(_delay_text(reply.delay_ms, reply.delay_max_ms) if reply else "0")
        send = spec.send if spec is not None else None
        self.send_frames.load(send.frames if send is not None else [])
        self.count_edit.setText(str(send.count) if send and send.count is not None else "")
        self.interval_edit.setText(str(send.interval_ms if send else 0))
        self.timeout_edit.setText(str(send.timeout_ms if send else DEFAULT_TIMEOUT_MS))
        self._shown_spec = spec
        target = spec.forward.to if spec is not None and spec.forward else ""
        self.forward_group.load_target(self._handle, target)
        forward = spec.forward if spec is not None else None
        self.forward_group.delay_edit.setText(
            _delay_text(forward.delay_ms, forward.delay_max_ms) if forward else ""
        )
        self.more.load(spec)
        self._show_errors({})

    # -- showing ------------------------------------------------------------------------------
    def _show_errors(self, errors: dict[str, str]) -> None:
        labels = {
            "reply_frames": self.reply_frames_error,
            "delay": self.delay_error,
            "send_frames": self.send_frames_error,
            "count": self.count_error,
            "interval": self.interval_error,
            "timeout": self.timeout_error,
            "forward": self.forward_error,
            "general": self.error_label,
        }
        self._fields_ok = not errors
        for key, label in labels.items():
            show_error(label, errors.get(key, ""))
        show_error(self.forward_group.delay_error, errors.get("forward_delay", ""))
        self.more.show_errors(errors)

    def _show_status(self) -> None:
        handle = self._handle
        runner = handle.automation_runner if handle is not None else None
        self.reply_frames.setVisible(self.reply_mode_combo.currentIndex() == REPLY_FRAMES)
        steps = self.more.uses_steps  # the steps say their frames, counts and peers
        for widget in (self.send_frames, self.count_edit, self.interval_edit, self.more.to_combo):
            widget.setEnabled(not steps)
        if runner is None:
            groups = (self.reply_group, self.send_group, self.forward_group)
            ticked = self._fields_ok and any(group.isChecked() for group in groups)
            idle = "Ticked, not running yet: press Start." if ticked else "No automation"
            text = idle if ticked else f"{idle} on this socket."
            self.status_label.setText(
                text if handle is None or handle.automation is None else "Stopped."
            )
            show_error(self.last_error_label, "")
            self.stop_button.setEnabled(False)
            self.remove_button.setEnabled(handle is not None and handle.automation is not None)
            return
        state = {
            "running": "Running",
            "waiting": "Waiting to start",
            "finished": "Finished",
            "stopped": "Stopped",
        }[runner.state]
        if runner.state == "finished" and runner.stop_reason:
            state += f" ({runner.stop_reason})"
        elif runner.failed and not runner.running:
            state = "Failed"
        parts = [state, f"{runner.sent:,} sent"]
        if runner.waiting_for:
            parts.append(runner.waiting_for)
        if runner.running:
            parts.append(f"{runner.rate:,.1f} msg/s")
        if handle is not None and handle.type_name == "REQ" and runner.spec.send is not None:
            parts.append(f"{runner.replies:,} replies")
            if runner.timeouts:
                parts.append(f"{runner.timeouts:,} timed out")
        if runner.dropped:
            parts.append(f"{runner.dropped:,} not sent")
        self.status_label.setText(" · ".join(parts))
        show_error(
            self.last_error_label, f"Last error: {runner.last_error}" if runner.last_error else ""
        )
        self.stop_button.setEnabled(runner.running)
        self.remove_button.setEnabled(True)

    # -- slots -------------------------------------------------------------------------------
    def _on_reply_group_toggled(self, checked: bool) -> None:
        if checked and self.forward_group.isChecked():
            self.forward_group.setChecked(False)  # a message is answered or forwarded
        self._on_field_edited()

    def _on_forward_group_toggled(self, checked: bool) -> None:
        if checked and self.reply_group.isChecked():
            self.reply_group.setChecked(False)
        self._on_field_edited()

    def _on_reply_mode_combo_changed(self, _index: int) -> None:
        self._on_field_edited()

    def _on_field_edited(self, *_args: object) -> None:
        """Check as the user types: errors appear under their fields, nothing is applied."""
        if self._handle is None or self._loading:
            return
        _spec, errors = self.build_spec()
        self._show_errors(errors)
        self._show_status()

    def _on_start_button_clicked(self) -> None:
        handle = self._handle
        if handle is None or handle.closed:
            return
        spec, errors = self.build_spec()
        if spec is not None and spec.empty:
            errors["general"] = groups_to_tick(self)
        self._show_errors(errors)
        if spec is None or spec.empty:
            reveal_first_error(self)  # its message may be far below, off screen
            log.info("automation of %s not started: %s", handle.name, errors)
            return
        attach_automation(handle, spec, start=True)
        self._show_status()
        self.automation_changed.emit()

    def _on_stop_button_clicked(self) -> None:
        handle = self._handle
        if handle is not None and handle.automation_runner is not None:
            handle.automation_runner.stop()
            self._show_status()
            self.automation_changed.emit()

    def _on_remove_button_clicked(self) -> None:
        handle = self._handle
        if handle is not None:
            attach_automation(handle, None)
            self._load(None)
            self._show_status()
            self.automation_changed.emit()

    def _on_status_timer_timeout(self) -> None:
        if self._handle is not None:
            self._show_status()

    def _on_bridge_sockets_changed(self, _handle: SocketHandle) -> None:
        if self._handle is not None:
            self.forward_group.fill_targets(self._handle)
            self.more.fill_sockets(self._handle)


def _delay_text(low: int, high: int | None) -> str:
    return f"{low}-{high}" if high is not None else str(low)
