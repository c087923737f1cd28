"""The Plot dock's "Add series…" dialog: which socket, which topic, which field path.

The path is checked as it is typed, with core.explore.fields' own parser, and what is wrong
with it is said in words under the field; Add refuses an unreadable path and nothing else
changes. The dialog is opened, never exec'd, so no nested event loop runs while it is up.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.explore.fields import FieldPath, PathError
from zinspect.core.explore.series import SeriesKey
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, fit_height, show_error
from zinspect.ui.widgets.inputs import make_line_edit
from zinspect.ui.widgets.theme import set_style

ANY_SOCKET = "any socket"
PATH_HELP = (
    "f1[2]: the second word of frame 1 (a text frame like the weather update "
    '"10001 -70 49"); f2.temp: the key temp of frame 2 (JSON, msgpack, CBOR…); '
    "f2.values[0]: the first item of a list."
)


class AddSeriesDialog(QDialog):
    """``series_chosen(SeriesKey)`` when Add is pressed with a readable path."""

    series_chosen = Signal(object)

    def __init__(self, socket_names: Callable[[], list[str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add plot series")
        self.setAccessibleName("Add plot series")
        self._socket_names = socket_names
        self.socket_combo = QComboBox()
        self.socket_combo.setAccessibleName("Socket")
        self.socket_combo.setToolTip("Plot messages of this socket only, or of any socket")
        self.topic_edit = make_line_edit(
            "Topic",
            "Messages on this topic only (the first frame, or a text update's first word); "
            "empty: any topic",
            "any topic",
        )
        self.path_edit = make_line_edit("Field path", PATH_HELP, "f1[2]")
        self.path_error = error_label("Field path problem")
        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)
        help_label = QLabel(PATH_HELP)
        help_label.setWordWrap(True)
        set_style(help_label, NOTE_TEMPLATE)
        form = QFormLayout()
        form.addRow("Socket", self.socket_combo)
        form.addRow("Topic", self.topic_edit)
        form.addRow("Field path", self.path_edit)
        form.addRow(self.path_error)  # across both columns: a label column row wraps badly
        form.addRow(help_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add")
        self.add_button.setAccessibleName("Add series")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def start(self, socket: str | None = None, topic: str | None = None, path: str = "") -> None:
        """Open (not exec) the dialog, filled in with what is known."""
        self.socket_combo.clear()
        self.socket_combo.addItem(ANY_SOCKET)
        self.socket_combo.addItems(self._socket_names())
        if socket:
            if self.socket_combo.findText(socket) < 0:
                self.socket_combo.addItem(socket)
            self.socket_combo.setCurrentText(socket)
        self.topic_edit.setText(topic or "")
        self.path_edit.setText(path)
        show_error(self.path_error, "")
        self.open()
        fit_height(self)
        self.path_edit.setFocus()

    def chosen_key(self) -> SeriesKey:
        """The series the fields describe; raises PathError with the reason in words."""
        text = self.path_edit.text().strip()
        if not text:
            raise PathError("type a field path, like f1[2] or f2.temp")
        path = FieldPath.parse(text)
        socket = self.socket_combo.currentText()
        topic = self.topic_edit.text().strip()
        return SeriesKey(None if socket == ANY_SOCKET else socket, topic or None, path)

    def _on_path_edit_text_changed(self, text: str) -> None:
        message = ""
        if text.strip():
            try:
                FieldPath.parse(text)
            except PathError as error:
                message = str(error)
        show_error(self.path_error, message)
        fit_height(self)  # the help under the message moves down, not under it

    def _on_buttons_accepted(self) -> None:
        try:
            key = self.chosen_key()
        except PathError as error:
            show_error(self.path_error, str(error))
            fit_height(self)
            self.path_edit.setFocus()
            return
        self.accept()
        self.series_chosen.emit(key)
