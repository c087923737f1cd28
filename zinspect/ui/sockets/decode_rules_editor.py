"""A socket's decode rules: which decoder reads which frame, by topic prefix and frame number.

The rules live in the session's MessageDecoder (``set_rules``), which the traffic table and
the Message pane watch, so every change shows in both at once. The decoders offered are
whatever ``DECODERS`` holds when the editor is shown, so decoders added later appear without
a change here. A rule is checked before it is kept: a wrong field is said in words beside it
and nothing changes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QDir, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.frame_decoders import DECODERS
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.rule_form import RuleProblems, read_rule, rule_text
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.widgets.feedback import error_label, show_error

log = logging.getLogger(__name__)

DEFAULT_DECODER = "json"  # the form's decoder for a new rule


class DecodeRulesEditor(QWidget):
    """The decode rules of one socket: a list, a form for one rule, add/replace/remove."""

    rules_edited = Signal()  # after the socket's rules changed

    def __init__(self, decoder: MessageDecoder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._decoder = decoder
        self._socket = ""
        self._file_dialog: QFileDialog | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel(
            "Frames no rule matches are guessed: JSON, a msgpack map or array, text, else "
            "bytes (CBOR, protobuf and compressed frames need a rule). The first matching "
            "rule wins."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.rules_list = QListWidget()
        self.rules_list.setObjectName("decode_rules_list")
        self.rules_list.setAccessibleName("Decode rules")
        self.rules_list.setToolTip("This socket's decode rules, in the order they are tried")
        self.rules_list.setMaximumHeight(self.fontMetrics().height() * 6)
        self.rules_list.currentRowChanged.connect(self._on_rules_list_current_row_changed)
        layout.addWidget(self.rules_list)

        # a form that puts captions above their fields when the dock is narrow: side by
        # side, caption, field and Browse made the sockets panel wider than its other groups
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.topic_edit = self._field(
            form,
            "&Topic prefix:",
            "any topic",
            "Only messages whose first frame starts with this text (empty: every message)",
        )
        self.frame_edit = self._field(
            form, "&Frame:", "every frame", "The frame number, from 1 (empty: every frame)"
        )
        self.frame_error = self._error(form, "Frame problem")
        self.decoder_combo = QComboBox()
        self.decoder_combo.setAccessibleName("Decoder")
        self.decoder_combo.setToolTip("How to read the frame")
        caption = QLabel("&Decoder:")
        caption.setBuddy(self.decoder_combo)
        form.addRow(caption, self.decoder_combo)
        self.schema_edit = QLineEdit()
        self.schema_edit.setPlaceholderText("for protobuf: a .proto or descriptor set file")
        self.schema_edit.setToolTip("The schema file the decoder needs (protobuf)")
        self.schema_edit.setAccessibleName("Schema")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setAccessibleName("Choose schema file")
        self.browse_button.setToolTip("Choose the schema file")
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        schema_row = QHBoxLayout()
        schema_row.addWidget(self.schema_edit, 1)
        schema_row.addWidget(self.browse_button)
        caption = QLabel("&Schema:")
        caption.setBuddy(self.schema_edit)
        form.addRow(caption, schema_row)
        self.schema_error = self._error(form, "Schema problem")
        self.type_edit = self._field(
            form,
            "&Message type:",
            "for protobuf: pkg.Message",
            "The full name of the message type in the schema (protobuf)",
        )
        self.type_error = self._error(form, "Message type problem")
        layout.addLayout(form)

        # two rows of two: one row of four made the sockets panel wider than its other groups
        buttons = QHBoxLayout()
        self.add_button = self._button(buttons, "Add rule", "Add the rule above to the end")
        self.replace_button = self._button(
            buttons, "Replace", "Put the rule above in place of the selected rule"
        )
        buttons.addStretch(1)
        layout.addLayout(buttons)
        order = QHBoxLayout()
        self.up_button = self._button(order, "Move up", "Try the selected rule earlier")
        self.remove_button = self._button(order, "Remove", "Remove the selected rule")
        order.addStretch(1)
        layout.addLayout(order)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.replace_button.clicked.connect(self._on_replace_button_clicked)
        self.up_button.clicked.connect(self._on_up_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self._refill_decoders()
        self._update_buttons()

    def _field(self, form: QFormLayout, caption: str, hint: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(hint)
        edit.setToolTip(tip)
        edit.setAccessibleName(caption.replace("&", "").rstrip(":"))
        label = QLabel(caption)
        label.setBuddy(edit)
        form.addRow(label, edit)
        return edit

    def _error(self, form: QFormLayout, name: str) -> QLabel:
        label = error_label(name)
        form.addRow(label)
        return label

    def _button(self, row: QHBoxLayout, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        row.addWidget(button)
        return button

    # -- public API ------------------------------------------------------------------------
    def set_socket(self, handle: SocketHandle | None) -> None:
        """Show ``handle``'s rules; another socket starts with an empty form (the previous
        socket's rule, half typed, is not this one's)."""
        name = handle.name if handle is not None else ""
        if name != self._socket:
            self._socket = name
            self.rules_list.clear()  # no row of the previous socket stays selected
            self._show_form(DecodeRule(DEFAULT_DECODER))
        self._refill_decoders()
        self._show_rules()
        self._show_problems(RuleProblems())

    def fill_form(self, rule: DecodeRule) -> None:
        """Put ``rule`` in the form to complete and add (the Message pane's "Decode frame N
        as" for a decoder that needs a schema)."""
        self.rules_list.setCurrentRow(-1)
        self._show_form(rule)
        (self.schema_edit if not rule.schema else self.topic_edit).setFocus()

    def refresh(self) -> None:
        """List the rules again: they were changed elsewhere (the Message pane, a workspace)."""
        self._show_rules()

    @property
    def rules(self) -> tuple[DecodeRule, ...]:
        return self._decoder.rules(self._socket) if self._socket else ()

    # -- internals -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self._refill_decoders()  # decoders registered since: offered now
        self._show_rules()  # rules set elsewhere (the Message pane, a workspace)
        super().showEvent(event)

    def _refill_decoders(self) -> None:
        names = sorted(DECODERS)
        combo = self.decoder_combo
        if [combo.itemText(i) for i in range(combo.count())] == names:
            return
        chosen = combo.currentText() or DEFAULT_DECODER
        combo.clear()
        combo.addItems(names)
        combo.setCurrentIndex(max(0, combo.findText(chosen)))

    def _show_rules(self) -> None:
        row = self.rules_list.currentRow()
        self.rules_list.clear()
        self.rules_list.addItems([rule_text(rule) for rule in self.rules])
        if 0 <= row < self.rules_list.count():
            self.rules_list.setCurrentRow(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.rules_list.currentRow()
        self.add_button.setEnabled(bool(self._socket))
        self.replace_button.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)

    def _on_rules_list_current_row_changed(self, row: int) -> None:
        rules = self.rules
        if 0 <= row < len(rules):
            self._show_form(rules[row])
        self._update_buttons()

    def _show_form(self, rule: DecodeRule) -> None:
        self.topic_edit.setText(rule.topic or "")
        self.frame_edit.setText(str(rule.frame) if rule.frame is not None else "")
        self._refill_decoders()
        index = self.decoder_combo.findText(rule.decoder)
        if index < 0:  # a decoder no longer there (a workspace from elsewhere)
            self.decoder_combo.addItem(rule.decoder)
            index = self.decoder_combo.count() - 1
        self.decoder_combo.setCurrentIndex(index)
        self.schema_edit.setText(rule.schema or "")
        self.type_edit.setText(rule.message_type or "")

    def _form_rule(self) -> DecodeRule | None:
        rule, problems = read_rule(
            self.topic_edit.text(),
            self.frame_edit.text(),
            self.decoder_combo.currentText(),
            self.schema_edit.text(),
            self.type_edit.text(),
        )
        self._show_problems(problems)
        return rule

    def _show_problems(self, problems: RuleProblems) -> None:
        show_error(self.frame_error, problems.frame)
        show_error(self.schema_error, problems.schema)
        show_error(self.type_error, problems.message_type)

    def _set(self, rules: list[DecodeRule], row: int) -> None:
        self._decoder.set_rules(self._socket, rules)
        log.info("decode rules of %s: %s", self._socket, [rule_text(r) for r in rules])
        self._show_rules()
        self.rules_list.setCurrentRow(row)
        self.rules_edited.emit()

    def _on_add_button_clicked(self) -> None:
        rule = self._form_rule()
        if rule is not None and self._socket:
            rules = list(self.rules)
            self._set([*rules, rule], len(rules))

    def _on_replace_button_clicked(self) -> None:
        row = self.rules_list.currentRow()
        rule = self._form_rule()
        rules = list(self.rules)
        if rule is not None and 0 <= row < len(rules):
            rules[row] = rule
            self._set(rules, row)

    def _on_up_button_clicked(self) -> None:
        row = self.rules_list.currentRow()
        rules = list(self.rules)
        if 0 < row < len(rules):
            rules[row - 1], rules[row] = rules[row], rules[row - 1]
            self._set(rules, row - 1)

    def _on_remove_button_clicked(self) -> None:
        row = self.rules_list.currentRow()
        rules = list(self.rules)
        if 0 <= row < len(rules):
            del rules[row]
            self._set(rules, min(row, len(rules) - 1))

    def _on_browse_button_clicked(self) -> None:
        if self._file_dialog is None:
            dialog = QFileDialog(self, "Choose schema", QDir.homePath())
            dialog.setObjectName("schema_dialog")
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setNameFilters(
                ["Protobuf schemas (*.proto *.desc *.pb *.protoset)", "All files (*)"]
            )
            dialog.fileSelected.connect(self.schema_edit.setText)
            # once closed it goes: a kept dialog's model rereads its folder as it changes
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(self._on_file_dialog_destroyed)
            self._file_dialog = dialog
        self._file_dialog.open()

    def _on_file_dialog_destroyed(self) -> None:
        self._file_dialog = None
