"""Building a reply rule with fields instead of JSON: which frame, how it must match (equals,
starts with, a regex, or just there; text or hex), and the reply's frames, or none.

"Add rule" checks the rule with core.automation's own parser (so the words are a workspace
file's) and appends it to the rules box of automation_more, where every rule stays editable
as JSON; a rule with several tests is made by adding tests in that box.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from zinspect.core.automation.automation import parse_rule
from zinspect.core.automation.rules import MAX_FRAME_INDEX
from zinspect.core.frames_json import SpecError
from zinspect.ui.automation.automation_frames import AutomationFrames
from zinspect.ui.widgets.feedback import error_label, show_error

KINDS = (
    ("equals", "equals"),
    ("starts with", "starts_with"),
    ("matches the regex", "regex"),
    ("is there (any value)", None),
)
FORMS = ("text", "hex")
_REPLY_FRAME = re.compile(r"reply\[(\d+)\]")


class RuleBuilder(QGroupBox):
    """Fields for one rule; ``rule_added`` after it went into the rules box."""

    rule_added = Signal()

    def __init__(self, rules_edit: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__("Add a rule", parent)
        self.rules_edit = rules_edit
        self.setAccessibleName("Rule builder")
        self.setToolTip(
            "Make a rule with fields: it answers a message whose frame (counted after the "
            "envelope) matches, with the frames below or with nothing"
        )
        self.frame_spin = QSpinBox()
        self.frame_spin.setRange(0, MAX_FRAME_INDEX)
        self.frame_spin.setAccessibleName("Rule frame")
        self.frame_spin.setToolTip(
            "Which frame the rule looks at: 0 is the first after the envelope"
        )
        self.frame_spin.lineEdit().setAccessibleName("Rule frame")
        self.frame_spin.lineEdit().setToolTip(self.frame_spin.toolTip())
        self.kind_combo = QComboBox()
        for text, _kind in KINDS:
            self.kind_combo.addItem(text)
        self.kind_combo.setAccessibleName("Rule match")
        self.kind_combo.setToolTip(
            "How the frame must match: equal the value, start with it, contain a match of "
            "the regular expression, or just be there"
        )
        for combo in (self.kind_combo,):  # long choices must not widen the dock
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
        self.form_combo = QComboBox()
        self.form_combo.addItems(FORMS)
        self.form_combo.setAccessibleName("Rule value form")
        self.form_combo.setToolTip("The value below is text, or hex bytes (01 ff …)")
        self.value_edit = QLineEdit()
        self.value_edit.setAccessibleName("Rule value")
        self.value_edit.setPlaceholderText("the frame's value, or a regular expression")
        self.value_edit.setToolTip("The value the frame is compared with (hex: 01 ff …)")
        self.no_reply_box = QCheckBox("No reply")
        self.no_reply_box.setAccessibleName("Rule no reply")
        self.no_reply_box.setToolTip("A message this rule matches gets no answer at all")
        self.reply_frames = AutomationFrames("Rule reply", templates=True)
        self.reply_frames.setToolTip(
            "The reply's frames; text frames are templates and {frame:N} copies frame N of "
            "the message answered"
        )
        self.add_button = QPushButton("Add rule")
        self.add_button.setAccessibleName("Add rule")
        self.add_button.setToolTip("Append this rule to the rules (after those already there)")
        self.error = error_label("Rule builder error")
        form = QFormLayout(self)
        form.addRow("Frame", self.frame_spin)
        form.addRow("Match", self.kind_combo)
        form.addRow("Value", self.value_edit)
        form.addRow("Value is", self.form_combo)
        form.addRow(self.no_reply_box)
        form.addRow(self.reply_frames)
        form.addRow(self.add_button)
        form.addRow(self.error)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.no_reply_box.toggled.connect(self._on_no_reply_box_toggled)
        self.add_button.clicked.connect(self._on_add_button_clicked)

    def rule_json(self) -> dict[str, Any]:
        """The rule the fields describe, as a workspace file writes it."""
        test: dict[str, Any] = {"frame": self.frame_spin.value()}
        kind = KINDS[self.kind_combo.currentIndex()][1]
        if kind == "regex":
            test["regex"] = self.value_edit.text()
        elif kind is not None:
            text = self.value_edit.text()
            test[kind] = {"hex": text} if self.form_combo.currentText() == "hex" else text
        reply = None if self.no_reply_box.isChecked() else self.reply_frames.frames_json()
        return {"match": [test], "reply": reply}

    def _on_kind_combo_changed(self, index: int) -> None:
        kind = KINDS[index][1]
        self.value_edit.setEnabled(kind is not None)
        self.form_combo.setEnabled(kind in ("equals", "starts_with"))

    def _on_no_reply_box_toggled(self, checked: bool) -> None:
        self.reply_frames.setEnabled(not checked)

    def _on_add_button_clicked(self) -> None:
        rule = self.rule_json()
        try:
            parse_rule(rule, "rule")
        except SpecError as error:
            show_error(self.error, _in_words(error, rule))
            return
        text = self.rules_edit.toPlainText().strip()
        try:
            rules = json.loads(text) if text else []
        except ValueError:
            rules = None
        if not isinstance(rules, list):
            show_error(self.error, "The rules above are not a JSON list: fix or clear them first")
            return
        rules.append(rule)
        self.rules_edit.setPlainText(
            "[" + ",\n ".join(json.dumps(item, ensure_ascii=False) for item in rules) + "]"
        )
        show_error(self.error, "")
        self.rule_added.emit()


def _in_words(error: SpecError, rule: dict[str, Any]) -> str:
    """The parser's error said of the field it is about."""
    where = error.path[len("rule") :].lstrip(".")
    if where.startswith("match"):
        return f"Value: {error.message}"
    match = _REPLY_FRAME.match(where)
    if match is not None:
        index = int(match.group(1))
        frame = rule["reply"][index]
        message = frame["invalid"] if isinstance(frame, dict) and "invalid" in frame else None
        return f"Reply frame {index + 1}: {message or error.message}"
    return error.message
