"""A compact frames editor for automations: one line per frame, each with its encoding.

The composer's FrameEditor (multi-line rows with sizes and move buttons) needs the width of
the bottom dock; an automation's reply or script lives in the narrow sockets dock and has a
few short frames, so each frame here is one line: encoding, text, remove. Text frames of a
script are templates ({seq}...), checked by core.automation; the other encodings go through
core.codecs.encode_frame like everywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
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
from zinspect.ui.widgets.soon import call_soon

log = logging.getLogger(__name__)

SHORT_LABELS = {"text": "Text", "hex": "Hex", "base64": "Base64", "json": "JSON", "empty": "Empty"}
HINTS = {
    "text": "UTF-8 text",
    "hex": "hex digits, two per byte (spaces ignored)",
    "base64": "base64",
    "json": "a JSON value, sent compact",
    "empty": "an empty frame (0 bytes)",
}
assert set(SHORT_LABELS) == set(ENCODINGS)
SHOWN_LIMIT = 50  # frames with a row each; the rest are kept as data, unchanged
LOAD_CHUNK = 10  # rows built per turn of the loop (~15 ms): selecting a socket stays quick


class AutomationFrameRow(QWidget):
    """One frame: number, encoding, one line of text, remove."""

    changed = Signal()
    remove_requested = Signal(object)
    _remove_icon: QIcon | None = None

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
        if AutomationFrameRow._remove_icon is None:  # once: a style lookup costs a few ms
            AutomationFrameRow._remove_icon = self.style().standardIcon(
                QStyle.StandardPixmap.SP_DialogDiscardButton
            )
        self.remove_button.setIcon(AutomationFrameRow._remove_icon)
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
        self.encoding_combo.setToolTip(
            "How the text becomes bytes: text (UTF-8), hex, base64, "
            "JSON (sent compact) or an empty frame"
        )
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
            hint = "UTF-8 text with placeholders: {seq}, {rand:A:B}, {choice:a|b}, {u32le:seq}…"
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
    """The frames of an automation's reply or script, one line each, with Add frame.

    A workspace file may hold thousands of frames; a row (five widgets) each would take
    seconds to build on every selection of the socket. So only the first SHOWN_LIMIT frames
    get rows, LOAD_CHUNK per turn of the loop; the others are kept as they came (in the
    JSON form core.automation reads) and go after the rows, unchanged, into the spec, and a
    note says so with their count.
    """

    frames_changed = Signal()

    def __init__(self, what: str, *, templates: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._templates = templates
        self.rows: list[AutomationFrameRow] = []
        self._pending: list[str | bytes] = []  # frames waiting for their rows
        self._held: list[Any] = []  # frames after those, in their JSON form, unchanged
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(2)
        self.held_label = QLabel()
        self.held_label.setWordWrap(True)
        self.held_label.setAccessibleName(f"{what} frames not shown")
        self.held_label.setToolTip(
            f"Frames past the first {SHOWN_LIMIT} have no row here: "
            "they are kept exactly as in the workspace file"
        )
        self.held_label.hide()
        self.add_button = QToolButton()
        self.add_button.setText("Add frame")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setAccessibleName(f"Add {what.lower()} frame")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.held_label)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.setAccessibleName(f"{what} frames")
        self.add_frame()

    @property
    def frame_count(self) -> int:
        """Every frame of the message: the rows and the frames kept without one."""
        return len(self.rows) + len(self._pending) + len(self._held)

    @property
    def held_count(self) -> int:
        """Frames kept as they came, without a row (after the rows)."""
        return len(self._held)

    def add_frame(self, encoding: str = "text", text: str = "") -> AutomationFrameRow:
        """A row at the end of the rows (before any frames kept without a row)."""
        self._load_pending()
        row = self._new_row(encoding, text)
        self._renumber()
        self.frames_changed.emit()
        return row

    def remove_frame(self, row: AutomationFrameRow) -> None:
        if row not in self.rows or self.frame_count <= 1 or len(self.rows) <= 1:
            return
        self.rows.remove(row)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.frames_changed.emit()

    def load(self, frames: Sequence[str | bytes]) -> None:
        """Show ``frames``: str as text (a template), bytes in the form that gives them back
        exactly (never as text in a script, where text is a template). Past SHOWN_LIMIT the
        frames are kept without rows. One ``frames_changed`` at the end."""
        shown = list(frames[: min(LOAD_CHUNK, SHOWN_LIMIT)]) or [""]
        while len(self.rows) > len(shown):
            row = self.rows.pop()
            self._rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        for index, frame in enumerate(shown):
            if index < len(self.rows):
                self.rows[index].set_content(*self._form(frame))
            else:
                self._new_row(*self._form(frame))
        self._pending = list(frames[len(shown) : SHOWN_LIMIT])
        self._held = [held_json(frame) for frame in frames[SHOWN_LIMIT:]]
        self._renumber()
        if self._pending:
            call_soon(self, self._on_load_timer_timeout)
        self.frames_changed.emit()

    @property
    def loading(self) -> bool:
        """Rows of the first SHOWN_LIMIT frames are still being built."""
        return bool(self._pending)

    def _load_pending(self, limit: int | None = None) -> None:
        """Give waiting frames their rows (``limit`` of them, default all)."""
        count = len(self._pending) if limit is None else limit
        chunk, self._pending = self._pending[:count], self._pending[count:]
        for frame in chunk:
            self._new_row(*self._form(frame))
        if chunk:
            self._renumber()

    def _on_load_timer_timeout(self) -> None:
        if self._pending:
            self._load_pending(LOAD_CHUNK)
        if self._pending:
            call_soon(self, self._on_load_timer_timeout)

    def _new_row(self, encoding: str, text: str) -> AutomationFrameRow:
        row = AutomationFrameRow(self._what, self._templates, self)
        row.set_content(encoding, text)
        row.changed.connect(self._on_row_changed)
        row.remove_requested.connect(self._on_row_remove_requested)
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        return row

    def _form(self, frame: str | bytes) -> tuple[str, str]:
        if isinstance(frame, str):
            return "text", frame
        encoding, text = editable_form(frame)
        if encoding == "text" and self._templates:
            return "hex", frame.hex(" ")
        return encoding, text

    def frames_json(self) -> list[Any]:
        """Each frame as core.automation reads it; a frame that does not encode becomes
        ``{"invalid": error}``, which the parser rejects at that frame's place. The frames
        kept without rows follow, unchanged."""
        frames = []
        for row in self.rows:
            value, error = row.json_form()
            frames.append({"invalid": error} if error else value)
        frames.extend(held_json(frame) for frame in self._pending)
        frames.extend(self._held)
        return frames

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, 1):
            row.set_number(number)
            row.remove_button.setEnabled(len(self.rows) > 1)
        held, shown = len(self._held), len(self.rows) + len(self._pending)
        self.held_label.setVisible(bool(held))
        if held:
            self.held_label.setText(
                f"Showing the first {shown:,} of {shown + held:,} frames. The other "
                f"{held:,} (frames {shown + 1:,} to {shown + held:,}) are kept as they are "
                f"and go after frame {shown:,}, unchanged; edit them in the workspace file "
                f"(JSON)."
            )
        self.add_button.setToolTip(
            f"Add a frame after frame {shown:,}, before the {held:,} frames not shown"
            if held
            else "Add a frame at the end of the message"
        )

    def _on_add_button_clicked(self) -> None:
        row = self.add_frame()
        row.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_row_changed(self) -> None:
        self.frames_changed.emit()

    def _on_row_remove_requested(self, row: AutomationFrameRow) -> None:
        self.remove_frame(row)


def held_json(frame: str | bytes) -> Any:
    """A frame kept without a row, as core.automation reads it back: a template text as
    itself, bytes as hex (exactly those bytes)."""
    return frame if isinstance(frame, str) else {"hex": bytes(frame).hex()}
