"""The automation editor's protocol fields: reply rules, send sequence, REQ tries, a ROUTER's
peer choice, and the start and stop conditions.

Rules, steps and conditions are lists and objects of any length, so they are typed in the
workspace file's own JSON form (docs/workspace-format.md), one box each with an example as
its placeholder; each box is checked by core.automation's parser like the other fields and
its error, with the place inside the box, is shown under it. Kept apart from
automation_editor so that module stays the simple sections.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.automation.automation import AutomationSpec, automation_to_json
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.automation.automation_checks import NotJson, json_number
from zinspect.ui.automation.automation_condition_builder import ConditionBuilder
from zinspect.ui.automation.automation_rule_builder import RuleBuilder
from zinspect.ui.widgets.feedback import error_label, show_error

RULES_EXAMPLE = (
    '[{"match": [{"frame": 0, "equals": "PING"}], "reply": ["PONG {seq}"]},\n'
    ' {"match": [{"frame": 0, "starts_with": "debug"}], "reply": null}]'
)
STEPS_EXAMPLE = (
    '[{"frames": ["task {seq}"], "count": 100, "interval_ms": 0},\n'
    ' {"frames": ["END"], "count": 1}]'
)
START_EXAMPLE = '{"socket": "sync", "received": 10}   or   {"after_ms": 500}'
STOP_EXAMPLE = '{"match": [{"frame": 0, "equals": "END"}]}   or   {"after_ms": 60000}'
TO_CHOICES = (
    ("Frame 1 is the routing id", None),
    ("The peer that asked first", "ready"),
    ("Each peer, as it asks", "each"),
)
BOX_LINES = 3


def box_json(text: str) -> Any:
    """The JSON typed in a box; a NotJson (said in words) when it does not read."""
    try:
        return json.loads(text)
    except ValueError as error:
        return NotJson(f"not JSON: {error}")


class MoreFields(QWidget):
    """Rules (under Reply), sequence, tries and peer choice (under Send), start and stop."""

    fields_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules_edit = self._box("Reply rules", RULES_EXAMPLE)
        self.rules_error = error_label("Reply rules error")
        self.rule_builder = RuleBuilder(self.rules_edit)
        self.rules_label = QLabel(  # the user may have no docs/ folder: the builder is here
            "Rules, tried in order: the first that matches a message answers it "
            "(JSON, or fill in the fields below and press Add rule)"
        )

        self.steps_edit = self._box("Send steps", STEPS_EXAMPLE)
        self.steps_error = error_label("Send steps error")
        self.steps_label = QLabel("Steps (instead of the frames above; JSON)")
        self.repeat_edit = self._line("Repeat", "Times through the steps: a number or 'forever'")
        self.repeat_edit.setPlaceholderText("1")
        self.repeat_error = error_label("Repeat error")
        self.tries_edit = self._line(
            "Tries",
            "REQ: send a request that got no reply again on a new socket, up to this many "
            "times in all, then give up (lazy pirate); empty: go on with the next request",
        )
        self.tries_edit.setPlaceholderText("go on with the next request")
        self.tries_error = error_label("Tries error")
        self.tries_label = QLabel("Tries")
        self.to_combo = QComboBox()
        for text, value in TO_CHOICES:
            self.to_combo.addItem(text, value)
        # long choices must not widen the dock: the combo shrinks, its list shows them whole
        self.to_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.to_combo.setMinimumContentsLength(8)
        self.to_combo.setAccessibleName("Send to")
        self.to_combo.setToolTip(
            "ROUTER: whom each message goes to: the routing id in frame 1, the peer that "
            "asked first and has no answer yet, or every peer seen, each as it asks"
        )
        self.to_error = error_label("Send to error")
        self.to_label = QLabel("ROUTER: send each message to")
        for label in (self.rules_label, self.steps_label):
            label.setWordWrap(True)  # the dock stays as narrow as the window allows

        self.conditions_group = QGroupBox("Start and stop")
        self.conditions_group.setAccessibleName("Conditions group")
        self.conditions_group.setToolTip(
            "When the automation starts (default: at once) and stops by itself (default: "
            "when its sends are done), by time or by traffic on any socket of the workspace"
        )
        self.start_edit = self._box("Start when", START_EXAMPLE)
        self.start_error = error_label("Start when error")
        self.stop_edit = self._box("Stop when", STOP_EXAMPLE)
        self.stop_error = error_label("Stop when error")
        form = QFormLayout(self.conditions_group)
        self.start_builder = ConditionBuilder(session, self.start_edit, start=True)
        self.stop_builder = ConditionBuilder(session, self.stop_edit, start=False)
        form.addRow("Start when", self.start_edit)
        form.addRow(self.start_error)
        form.addRow(self.start_builder)
        form.addRow("Stop when", self.stop_edit)
        form.addRow(self.stop_error)
        form.addRow(self.stop_builder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.conditions_group)
        for edit in (self.rules_edit, self.steps_edit, self.start_edit, self.stop_edit):
            edit.textChanged.connect(self.fields_changed)
        for line in (self.repeat_edit, self.tries_edit):
            line.textChanged.connect(self.fields_changed)
        self.to_combo.currentIndexChanged.connect(self.fields_changed)

    def _box(self, name: str, example: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setAccessibleName(name)
        box.setPlaceholderText(example)
        box.setToolTip(f"{name}, in the workspace file's JSON form (docs/workspace-format.md)")
        box.setTabChangesFocus(True)
        line = box.fontMetrics().lineSpacing()
        box.setFixedHeight(line * BOX_LINES + 12)
        return box

    def _line(self, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        return edit

    def add_reply_rows(self, form: QFormLayout) -> None:
        form.addRow(self.rules_label)
        form.addRow(self.rules_edit)
        form.addRow(self.rules_error)
        form.addRow(self.rule_builder)

    def add_send_rows(self, form: QFormLayout) -> None:
        form.addRow(self.steps_label)
        form.addRow(self.steps_edit)
        form.addRow(self.steps_error)
        form.addRow("Repeat", self.repeat_edit)
        form.addRow(self.repeat_error)
        form.addRow(self.tries_label, self.tries_edit)
        form.addRow(self.tries_error)
        form.addRow(self.to_label)  # on rows of their own: the dock stays as narrow as before
        form.addRow(self.to_combo)
        form.addRow(self.to_error)

    def follow(self, handle: SocketHandle) -> None:
        """Show what applies to this socket type."""
        is_req, is_router = handle.type_name == "REQ", handle.type_name == "ROUTER"
        widgets: tuple[tuple[QWidget, bool], ...] = (
            (self.tries_label, is_req),
            (self.tries_edit, is_req),
            (self.to_label, is_router),
            (self.to_combo, is_router),
        )
        for widget, shown in widgets:
            widget.setVisible(shown)
        self.fill_sockets(handle)

    def fill_sockets(self, handle: SocketHandle) -> None:
        """The sockets the condition builders offer (the workspace changed)."""
        for builder in (self.start_builder, self.stop_builder):
            builder.fill_sockets(handle.name)

    @property
    def uses_steps(self) -> bool:
        return bool(self.steps_edit.toPlainText().strip())

    def merge(self, obj: dict[str, Any], handle: SocketHandle) -> None:
        """Add these fields to the automation JSON the editor built from its own."""
        reply = obj.get("reply")
        if reply is not None and self.rules_edit.toPlainText().strip():
            reply["rules"] = box_json(self.rules_edit.toPlainText())
        send = obj.get("send")
        if send is not None:
            if self.uses_steps:
                for key in ("frames", "count", "interval_ms"):
                    send.pop(key, None)
                send["steps"] = box_json(self.steps_edit.toPlainText())
                repeat = self.repeat_edit.text().strip()
                if repeat:
                    send["repeat"] = True if repeat.lower() == "forever" else json_number(repeat)
            elif self.repeat_edit.text().strip():
                send["repeat"] = json_number(self.repeat_edit.text())
            if handle.type_name == "REQ" and self.tries_edit.text().strip():
                send["tries"] = json_number(self.tries_edit.text())
            to = self.to_combo.currentData()
            if handle.type_name == "ROUTER" and to is not None and not self.uses_steps:
                send["to"] = to
        if obj:
            for key, edit in (("start", self.start_edit), ("stop", self.stop_edit)):
                if edit.toPlainText().strip():
                    obj[key] = box_json(edit.toPlainText())

    def load(self, spec: AutomationSpec | None) -> None:
        """Fill the fields from ``spec`` as a workspace file would write them."""
        obj = automation_to_json(spec) if spec is not None else {}
        reply, send = obj.get("reply", {}), obj.get("send", {})
        self.rules_edit.setPlainText(_dumped(reply.get("rules")))
        self.steps_edit.setPlainText(_dumped(send.get("steps")))
        repeat = send.get("repeat")
        self.repeat_edit.setText("forever" if repeat is True else str(repeat or ""))
        self.tries_edit.setText(str(send.get("tries", "")))
        index = next((i for i, (_t, v) in enumerate(TO_CHOICES) if v == send.get("to")), 0)
        self.to_combo.setCurrentIndex(index)
        self.start_edit.setPlainText(_dumped(obj.get("start")))
        self.stop_edit.setPlainText(_dumped(obj.get("stop")))

    def show_errors(self, errors: dict[str, str]) -> None:
        labels = {
            "rules": self.rules_error,
            "steps": self.steps_error,
            "repeat": self.repeat_error,
            "tries": self.tries_error,
            "to": self.to_error,
            "start": self.start_error,
            "stop": self.stop_error,
        }
        for key, label in labels.items():
            show_error(label, errors.get(key, ""))


def _dumped(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ",\n ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)
