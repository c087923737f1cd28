"""One frame of the composer's message: encoding chooser, editor, live size, error in words.

A row is a real editor (QPlainTextEdit) because a frame can be multi-line JSON. It encodes
live with core.codecs.encode_frame, so the size shown and the error shown are exactly what
Send would use. FrameEditor (frame_editor.py) holds the rows of a message.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import (
    QFontDatabase,
    QIcon,
    QStandardItem,
    QStandardItemModel,
    QTextOption,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from zinspect.core.codecs import (
    ENCODINGS,
    FrameEncodingError,
    editable_form,
    encode_frame,
    human_size,
)
from zinspect.ui.widgets.theme import tint

ENCODING_LABELS = {
    "text": "Text (UTF-8)",
    "hex": "Hex",
    "base64": "Base64",
    "json": "JSON",
    "empty": "Empty",
}
ENCODING_HINTS = {
    "text": "The text is sent as UTF-8 bytes, exactly as typed.",
    "hex": "Hex digits, two per byte; spaces, colons and a leading 0x are ignored.",
    "base64": "Standard base64; whitespace is ignored.",
    "json": "Any JSON value; it is checked and sent compact (no extra spaces).",
    "empty": "An empty frame (0 bytes), e.g. the delimiter REP peers expect.",
}
PLACEHOLDERS = {
    "text": "Text to send",
    "hex": "e.g. 48 65 6c 6c 6f",
    "base64": "e.g. SGVsbG8=",
    "json": 'e.g. {"key": "value"}',
    "empty": "An empty frame (0 bytes)",
}
assert set(ENCODING_LABELS) == set(ENCODINGS)

MIN_LINES = 2
# Past this many characters a frame wraps anywhere: Qt's word-boundary search makes every
# keystroke in a long unbroken line (pasted base64, say) cost up to half a second.
LONG_TEXT = 4096
MAX_LINES = 8
WIDE_TEXT = 220  # px the text needs beside the other parts of a row laid out on one line


def encodings_model(parent: QObject) -> QStandardItemModel:
    """The encoding choices (label, name as UserRole, hint as tooltip); rows share one."""
    model = QStandardItemModel(parent)
    for name in ENCODINGS:
        item = QStandardItem(ENCODING_LABELS[name])
        item.setData(name, Qt.ItemDataRole.UserRole)
        item.setToolTip(ENCODING_HINTS[name])
        model.appendRow(item)
    return model


class FrameRow(QFrame):
    """One frame: number, encoding chooser, editor, live size, error in words, move/remove."""

    changed = Signal()  # the encoded bytes (or the error) may have changed
    move_requested = Signal(object, int)  # this row, -1 (up) or +1 (down)
    remove_requested = Signal(object)  # this row

    _icons: dict[QStyle.StandardPixmap, QIcon] = {}  # built once: rows can be many

    def __init__(
        self,
        encoding: str = "text",
        text: str = "",
        parent: QWidget | None = None,
        *,
        encodings: QStandardItemModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._number = 0
        self._data: bytes | None = b""
        self._error = ""
        self._described_encoding = ""

        self.number_label = QLabel(self)
        self.number_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Frame 000"))

        self.encoding_combo = QComboBox(self)
        self.encoding_combo.setModel(encodings if encodings is not None else encodings_model(self))

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_edit.setTabChangesFocus(True)  # keyboard users can leave the editor
        self.text_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.size_label = QLabel(self)
        self.size_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("000.0 KiB"))
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        self.error_label = QLabel(self)
        tint(self.error_label, "error")  # a palette, not a style sheet: rows are many
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.up_button = self._arrow_button("▲")
        self.down_button = self._arrow_button("▼")
        self.remove_button = self._tool_button(QStyle.StandardPixmap.SP_DialogDiscardButton)
        self.up_button.clicked.connect(self._on_up_button_clicked)
        self.down_button.clicked.connect(self._on_down_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(6, 4, 6, 4)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(2, 1)
        self.compact = True  # set_compact places the widgets
        self.set_compact(False)

        self.set_content(encoding, text)
        self.encoding_combo.currentIndexChanged.connect(self._on_encoding_combo_changed)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)

    def set_compact(self, compact: bool) -> None:
        """Wide: everything on one line. Compact (a narrow composer): the editor goes under
        the number, encoding, size and buttons and gets the row's whole width, so nothing
        is cut and the text keeps room to be typed."""
        if compact == self.compact:
            return
        self.compact = compact
        grid, top = self._grid, Qt.AlignmentFlag.AlignTop
        for editor in (self.text_edit, self.error_label):
            grid.removeWidget(editor)
        fixed: tuple[QWidget, ...] = (self.number_label, self.encoding_combo, self.size_label)
        fixed += (self.up_button, self.down_button, self.remove_button)
        for column, widget in zip((0, 1, 3, 4, 5, 6), fixed, strict=True):
            grid.addWidget(widget, 0, column, top)
        if compact:
            grid.addWidget(self.text_edit, 1, 0, 1, 7)
            grid.addWidget(self.error_label, 2, 0, 1, 7)
        else:
            grid.addWidget(self.text_edit, 0, 2)
            grid.addWidget(self.error_label, 1, 2, 1, 5)

    def compact_width(self) -> int:
        """The narrowest a row can be without cutting anything: compact, its top line."""
        grid = self._grid
        margins = grid.contentsMargins()
        fixed: tuple[QWidget, ...] = (self.number_label, self.encoding_combo, self.size_label)
        fixed += (self.up_button, self.down_button, self.remove_button)
        widths = sum(
            min(w.maximumWidth(), max(w.minimumWidth(), w.sizeHint().width())) for w in fixed
        )
        return widths + 5 * grid.horizontalSpacing() + margins.left() + margins.right()

    def wide_width(self) -> int:
        """The width a row needs to be laid out on one line, with WIDE_TEXT for the text."""
        return self.compact_width() + WIDE_TEXT + self._grid.horizontalSpacing()

    def _tool_button(self, pixmap: QStyle.StandardPixmap) -> QToolButton:
        icon = self._icons.get(pixmap)
        if icon is None:
            icon = self._icons[pixmap] = self.style().standardIcon(pixmap)
        button = QToolButton(self)
        button.setIcon(icon)
        button.setAutoRaise(True)
        return button

    def _arrow_button(self, arrow: str) -> QToolButton:
        """An arrow drawn as text, in the theme's text colour (the standard arrow icons are
        black, invisible on a dark theme)."""
        button = QToolButton(self)
        button.setText(arrow)
        button.setAutoRaise(True)
        # no wider than the icon buttons beside it: a laptop-width composer has no room
        button.setFixedWidth(button.fontMetrics().horizontalAdvance(arrow) + 10)
        return button

    # -- content ----------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.encoding_combo.currentData())

    @property
    def text(self) -> str:
        return self.text_edit.toPlainText()

    @property
    def data(self) -> bytes | None:
        """The frame's bytes, or None when the text does not encode (see ``error``)."""
        return self._data

    @property
    def error(self) -> str:
        return self._error

    @property
    def is_blank(self) -> bool:
        """Nothing typed (so a chooser may fill this frame without losing anything)."""
        return self.encoding != "empty" and not self.text

    def set_content(self, encoding: str, text: str) -> None:
        index = self.encoding_combo.findData(encoding)
        if index < 0:
            raise ValueError(f"unknown encoding {encoding!r}")
        # one ``changed`` for the whole change, not one per widget
        with QSignalBlocker(self.encoding_combo), QSignalBlocker(self.text_edit):
            self.encoding_combo.setCurrentIndex(index)
            self.text_edit.setPlainText(text)
        self._update()

    def focus_editor(self) -> None:
        target = self.text_edit if self.text_edit.isEnabled() else self.encoding_combo
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_number(self, number: int, count: int) -> None:
        """Show this row as frame ``number`` (1-based) of ``count``; names follow the number."""
        self.up_button.setEnabled(number > 1)
        self.down_button.setEnabled(number < count)
        self.remove_button.setEnabled(count > 1)
        if number != self._number:
            self._number = number
            self.number_label.setText(f"Frame {number}")
            self._describe()

    def _describe(self) -> None:
        n = self._number
        pairs = (
            (self.number_label, f"Frame {n}", f"Frame {n} of the message"),
            (
                self.encoding_combo,
                f"Frame {n} encoding",
                "How the text of this frame becomes bytes: text (UTF-8), hex, base64, JSON "
                "(checked, sent compact) or an empty frame",
            ),
            (
                self.text_edit,
                f"Frame {n} content",
                f"{ENCODING_HINTS[self.encoding]} Ctrl+Enter sends the message.",
            ),
            (self.size_label, f"Frame {n} size", "The size of this frame once encoded"),
            (self.error_label, f"Frame {n} error", "Why this frame cannot be sent"),
            (self.up_button, f"Move frame {n} up", "Move this frame one place up"),
            (self.down_button, f"Move frame {n} down", "Move this frame one place down"),
            (
                self.remove_button,
                f"Remove frame {n}",
                "Remove this frame from the message (a message keeps at least one frame)",
            ),
        )
        for widget, name, tip in pairs:
            widget.setAccessibleName(name)
            widget.setToolTip(tip)
        self._described_encoding = self.encoding

    # -- live encoding ----------------------------------------------------------------
    def _update(self) -> None:
        encoding = self.encoding
        empty = encoding == "empty"
        self.text_edit.setEnabled(not empty)
        self.text_edit.setPlaceholderText(PLACEHOLDERS[encoding])
        try:
            self._data = encode_frame(self.text, encoding)
            self._error = ""
        except FrameEncodingError as error:
            self._data = None
            self._error = str(error)
        if self._data is None:
            self.size_label.setText("—")
            self.error_label.setText(self._error)
            self.error_label.show()
        else:
            self.size_label.setText(human_size(len(self._data)))
            self.error_label.hide()
            self.error_label.clear()
        self._fit_height()
        if encoding != self._described_encoding:
            self._describe()
        self.changed.emit()

    def _fit_height(self) -> None:
        """Grow with the text between MIN_LINES and MAX_LINES, then scroll inside."""
        lines = min(max(self.text_edit.blockCount(), MIN_LINES), MAX_LINES)
        margin = self.text_edit.frameWidth() + int(self.text_edit.document().documentMargin())
        height = self.text_edit.fontMetrics().lineSpacing() * lines + 2 * margin + 2
        if self.text_edit.height() != height:
            self.text_edit.setFixedHeight(height)

    # -- slots ------------------------------------------------------------------------
    def _on_encoding_combo_changed(self, _index: int) -> None:
        self._update()

    def _on_text_edit_text_changed(self) -> None:
        long_text = self.text_edit.document().characterCount() > LONG_TEXT
        mode = (
            QTextOption.WrapMode.WrapAnywhere
            if long_text
            else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
        )
        if self.text_edit.wordWrapMode() != mode:
            self.text_edit.setWordWrapMode(mode)
        self._update()

    def _on_up_button_clicked(self) -> None:
        self.move_requested.emit(self, -1)

    def _on_down_button_clicked(self) -> None:
        self.move_requested.emit(self, 1)

    def _on_remove_button_clicked(self) -> None:
        self.remove_requested.emit(self)


def set_exact(row: FrameRow, data: bytes) -> None:
    """Show ``data`` in its editable form, or as hex when the editor would alter the text.

    QPlainTextEdit normalises some text (\r\n to \n, U+00A0 to a space, U+2028 to a line
    break), so a frame that would not come back byte for byte is shown as hex instead.
    """
    row.set_content(*editable_form(data))
    if row.data != data:
        row.set_content("hex", data.hex(" "))
