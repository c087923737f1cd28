"""A compact frames editor for automations: one line per frame, each with its encoding.

The composer's FrameEditor (multi-line rows with sizes and move buttons) needs the width of
the bottom dock; an automation's reply or script lives in the narrow sockets dock and has a
few short frames, so each frame here is one line: encoding, text, remove. Text frames of a
script are templates ({seq}...), checked by core.automation; the other encodings go through
core.codecs.encode_frame like everywhere else.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import ENCODINGS, FrameEncodingError, editable_form, encode_frame

log = logging.getLogger("zinspect.ui.automation_frames")

SHORT_LABELS = {"text": "Text", "hex": "Hex", "base64": "Base64", "json": "JSON",
                "empty": "Empty"}
HINTS = {
    "text": "UTF-8 text",
    "hex": "hex digits, two per byte (spaces ignored)",
    "base64": "base64",
    "json": "a JSON value, sent compact",
    "empty": "an empty frame (0 bytes)",
}
assert set(SHORT_LABELS) == set(ENCODINGS)


class AutomationFrameRow(QWidget):
    """One frame: number, encoding, one line of text, remove."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, what: str, templates: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what  # "Reply" or "Send": part of every accessible name
        self._templates = templates
        self.number_label = QLabel()
        self.encoding_combo = QComboBox()
        for name in ENCODINGS:
            self.encoding_combo.addItem(SHORT_LABELS[name], name)
        self.text_edit = QLineEdit()
        self.remove_button = QToolButton()
        self.remove_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_DialogDiscardButton))
        self.remove_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.number_label)
        layout.addWidget(self.encoding_combo)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.remove_button)
        self.encoding_combo.currentIndexChanged.connect(self._on_encoding_combo_changed)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.set_number(1)

    @property
    def encoding(self) -> str:
        return str(self.encoding_combo.currentData())

    @property
    def text(self) -> str:
        return self.text_edit.text()

    def set_content(self, encoding: str, text: str) -> None:
        self.encoding_combo.blockSignals(True)
        self.encoding_combo.setCurrentIndex(max(0, self.encoding_combo.findData(encoding)))
        self.encoding_combo.blockSignals(False)
        self.text_edit.setText(text)
        self._update()

    def set_number(self, number: int) -> None:
        what = self._what
        self.number_label.setText(f"{number}.")
        self.number_label.setAccessibleName(f"{what} frame {number}")
        self.number_label.setToolTip(f"Frame {number} of the message")
        self.encoding_combo.setAccessibleName(f"{what} frame {number} encoding")
        self.encoding_combo.setToolTip("How the text becomes bytes: text (UTF-8), hex, base64, "
                                       "JSON (sent compact) or an empty frame")
        self.text_edit.setAccessibleName(f"{what} frame {number} content")
        self.remove_button.setAccessibleName(f"Remove {what.lower()} frame {number}")
        self.remove_button.setToolTip(f"Remove frame {number} (a message keeps at least one)")
        self._update()

    def json_form(self) -> tuple[Any, str]:
        """(the frame as core.automation reads it, error in words or "")."""
        encoding, text = self.encoding, self.text
        if self._templates and encoding == "text":
            return text, ""
        try:
            data = encode_frame(text, encoding)
        except FrameEncodingError as error:
            return None, str(error)
        return {"hex": data.hex()}, ""

    def _update(self) -> None:
        encoding = self.encoding
        self.text_edit.setEnabled(encoding != "empty")
        hint = HINTS[encoding]
        if self._templates and encoding == "text":
            hint = "UTF-8 text with placeholders: {seq}, {time}, {rand:A:B}, {uuid}"
        self.text_edit.setPlaceholderText(hint)
        self.text_edit.setToolTip(f"The frame's content: {hint}")

    def _on_encoding_combo_changed(self, _index: int) -> None:
        self._update()
        self.changed.emit()

    def _on_text_edit_text_changed(self, _text: str) -> None:
        self.changed.emit()

    def _on_remove_button_clicked(self) -> None:
        self.remove_requested.emit(self)


class AutomationFrames(QWidget):
    """The frames of an automation's reply or script, one line each, with Add frame."""

    frames_changed = Signal()

    def __init__(self, what: str, *, templates: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._templates = templates
        self.rows: list[AutomationFrameRow] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(2)
        self.add_button = QToolButton()
        self.add_button.setText("Add frame")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setAccessibleName(f"Add {what.lower()} frame")
        self.add_button.setToolTip("Add a frame at the end of the message")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.setAccessibleName(f"{what} frames")
        self.add_frame()

    def add_frame(self, encoding: str = "text", text: str = "") -> AutomationFrameRow:
        row = AutomationFrameRow(self._what, self._templates, self)
        row.set_content(encoding, text)
        row.changed.connect(self._on_row_changed)
        row.remove_requested.connect(self._on_row_remove_requested)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        self._renumber()
        self.frames_changed.emit()
        return row

    def remove_frame(self, row: AutomationFrameRow) -> None:
        if row not in self.rows or len(self.rows) <= 1:
            return
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.frames_changed.emit()

    def load(self, frames: Sequence[str | bytes]) -> None:
        """Show ``frames``: str as text (a template), bytes in the form that gives them back
        exactly (never as text in a script, where text is a template)."""
        while len(self.rows) > 1:
            self.remove_frame(self.rows[-1])
        forms = [self._form(frame) for frame in frames] or [("text", "")]
        self.rows[0].set_content(*forms[0])
        for form in forms[1:]:
            self.add_frame(*form)
        self.frames_changed.emit()

    def _form(self, frame: str | bytes) -> tuple[str, str]:
        if isinstance(frame, str):
            return "text", frame
        encoding, text = editable_form(frame)
        if encoding == "text" and self._templates:
            return "hex", frame.hex(" ")
        return encoding, text

    def frames_json(self) -> list[Any]:
        """Each frame as core.automation reads it; a frame that does not encode becomes
        ``{"invalid": error}``, which the parser rejects at that frame's place."""
        frames = []
        for row in self.rows:
            value, error = row.json_form()
            frames.append({"invalid": error} if error else value)
        return frames

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, 1):
            row.set_number(number)
            row.remove_button.setEnabled(len(self.rows) > 1)

    def _on_add_button_clicked(self) -> None:
        row = self.add_frame()
        row.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_row_changed(self) -> None:
        self.frames_changed.emit()

    def _on_row_remove_requested(self, row: AutomationFrameRow) -> None:
        self.remove_frame(row)
