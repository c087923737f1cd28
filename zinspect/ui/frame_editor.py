"""The composer's frame editor: one row per frame, each with its own encoding.

A row is a real editor (QPlainTextEdit) because a frame can be multi-line JSON; the rows sit
in a scroll area so a message with many frames stays usable. Every row encodes live with
core.codecs.encode_frame, so the size shown and the error shown are exactly what Send would
use, and load_frames uses core.codecs.editable_form so "edit and resend" round-trips exactly.
"""

from __future__ import annotations

import logging
from typing import Sequence

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QIcon,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import (
    ENCODINGS,
    FrameEncodingError,
    editable_form,
    encode_frame,
    human_size,
)

log = logging.getLogger("zinspect.ui.frame_editor")

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

LOAD_CHUNK = 20  # rows built per event-loop turn when loading a long message (~50 ms)
# Frames past this many get no row (a row costs ~110 KB): they are kept as bytes, said so
# in a note, and sent unchanged after the rows. 100,000 rows took 1.3 GB and over a minute.
SHOWN_LIMIT = 100
MIN_LINES = 2
# Past this many characters a frame wraps anywhere: Qt's word-boundary search makes every
# keystroke in a long unbroken line (pasted base64, say) cost up to half a second.
LONG_TEXT = 4096
MAX_LINES = 8
ERROR_COLOR = "#b00020"
ERROR_STYLE = f"color: {ERROR_COLOR};"


def encodings_model(parent: QObject) -> QStandardItemModel:
    """The encoding choices (label, name as UserRole, hint as tooltip); rows share one."""
    model = QStandardItemModel(parent)
    for name in ENCODINGS:
        item = QStandardItem(ENCODING_LABELS[name])
        item.setData(name, Qt.ItemDataRole.UserRole)
        item.setToolTip(ENCODING_HINTS[name])
        model.appendRow(item)
    return model


def error_palette(widget: QWidget) -> QPalette:
    """The widget's palette with red text (a palette, not a style sheet: rows are many)."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOR))
    return palette


class FrameRow(QFrame):
    """One frame: number, encoding chooser, editor, live size, error in words, move/remove."""

    changed = Signal()  # the encoded bytes (or the error) may have changed
    move_requested = Signal(object, int)  # this row, -1 (up) or +1 (down)
    remove_requested = Signal(object)  # this row

    _icons: dict[QStyle.StandardPixmap, QIcon] = {}  # built once: rows can be many

    def __init__(self, encoding: str = "text", text: str = "",
                 parent: QWidget | None = None, *,
                 encodings: QStandardItemModel | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._number = 0
        self._data: bytes | None = b""
        self._error = ""
        self._described_encoding = ""

        self.number_label = QLabel(self)
        self.number_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Frame 000"))

        self.encoding_combo = QComboBox(self)
        self.encoding_combo.setModel(encodings if encodings is not None
                                     else encodings_model(self))

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_edit.setTabChangesFocus(True)  # keyboard users can leave the editor
        self.text_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.size_label = QLabel(self)
        self.size_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("000.0 KiB"))
        self.size_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        self.error_label = QLabel(self)
        self.error_label.setPalette(error_palette(self.error_label))
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.up_button = self._tool_button(QStyle.StandardPixmap.SP_ArrowUp)
        self.down_button = self._tool_button(QStyle.StandardPixmap.SP_ArrowDown)
        self.remove_button = self._tool_button(QStyle.StandardPixmap.SP_DialogDiscardButton)
        self.up_button.clicked.connect(self._on_up_button_clicked)
        self.down_button.clicked.connect(self._on_down_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        top = Qt.AlignmentFlag.AlignTop
        grid.addWidget(self.number_label, 0, 0, top)
        grid.addWidget(self.encoding_combo, 0, 1, top)
        grid.addWidget(self.text_edit, 0, 2)
        grid.addWidget(self.size_label, 0, 3, top)
        grid.addWidget(self.up_button, 0, 4, top)
        grid.addWidget(self.down_button, 0, 5, top)
        grid.addWidget(self.remove_button, 0, 6, top)
        grid.addWidget(self.error_label, 1, 2, 1, 5)
        grid.setColumnStretch(2, 1)

        self.set_content(encoding, text)
        self.encoding_combo.currentIndexChanged.connect(self._on_encoding_combo_changed)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)

    def _tool_button(self, pixmap: QStyle.StandardPixmap) -> QToolButton:
        icon = self._icons.get(pixmap)
        if icon is None:
            icon = self._icons[pixmap] = self.style().standardIcon(pixmap)
        button = QToolButton(self)
        button.setIcon(icon)
        button.setAutoRaise(True)
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
            (self.encoding_combo, f"Frame {n} encoding",
             "How the text of this frame becomes bytes: text (UTF-8), hex, base64, JSON "
             "(checked, sent compact) or an empty frame"),
            (self.text_edit, f"Frame {n} content",
             f"{ENCODING_HINTS[self.encoding]} Ctrl+Enter sends the message."),
            (self.size_label, f"Frame {n} size", "The size of this frame once encoded"),
            (self.error_label, f"Frame {n} error", "Why this frame cannot be sent"),
            (self.up_button, f"Move frame {n} up", "Move this frame one place up"),
            (self.down_button, f"Move frame {n} down", "Move this frame one place down"),
            (self.remove_button, f"Remove frame {n}",
             "Remove this frame from the message (a message keeps at least one frame)"),
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
        mode = (QTextOption.WrapMode.WrapAnywhere if long_text
                else QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        if self.text_edit.wordWrapMode() != mode:
            self.text_edit.setWordWrapMode(mode)
        self._update()

    def _on_up_button_clicked(self) -> None:
        self.move_requested.emit(self, -1)

    def _on_down_button_clicked(self) -> None:
        self.move_requested.emit(self, 1)

    def _on_remove_button_clicked(self) -> None:
        self.remove_requested.emit(self)


def _set_exact(row: FrameRow, data: bytes) -> None:
    """Show ``data`` in its editable form, or as hex when the editor would alter the text.

    QPlainTextEdit normalises some text (\r\n to \n, U+00A0 to a space, U+2028 to a line
    break), so a frame that would not come back byte for byte is shown as hex instead.
    """
    row.set_content(*editable_form(data))
    if row.data != data:
        row.set_content("hex", data.hex(" "))


class FrameEditor(QScrollArea):
    """The frames of the message being composed, in order, in a scroll area.

    A long message (edit and resend of hundreds of frames) gets its rows LOAD_CHUNK at a time,
    one chunk per event-loop turn, so the window keeps answering while they are built; the
    frames not yet shown are kept as bytes and still count and send exactly. Only the first
    SHOWN_LIMIT frames ever get a row: the rest stay bytes, sent unchanged after the rows,
    and ``held_label`` says which frames those are and that they are sent as they are.
    """

    frames_changed = Signal()  # a frame was added, removed, moved or edited

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Message frames")
        self.setToolTip("The frames of the message, sent in this order")
        self._encodings = encodings_model(self)
        self._container, self._layout, self.held_label = self._new_container()
        self.setWidget(self._container)
        self.rows: list[FrameRow] = []
        self._unloaded: list[bytes] = []  # frames after the rows, waiting for theirs
        self.add_frame()

    # -- editing ----------------------------------------------------------------------
    def add_frame(self, encoding: str = "text", text: str = "", index: int | None = None,
                  *, focus: bool = False) -> FrameRow:
        """Insert a frame at ``index`` (default: at the end) and return its row."""
        self._load_all()
        index = len(self.rows) if index is None else max(0, min(index, len(self.rows)))
        row = self._make_row(encoding, text)
        self.rows.insert(index, row)
        self._layout.insertWidget(index, row)
        self._renumber(index)
        if focus:
            self._reveal(row)
        self.frames_changed.emit()
        return row

    def remove_frame(self, row: FrameRow) -> None:
        """Remove a frame; the last remaining frame stays (a message needs one)."""
        self._load_all()
        if row not in self.rows or len(self.rows) <= 1:
            return
        index = self.rows.index(row)
        focus = QApplication.focusWidget()
        had_focus = focus is not None and row.isAncestorOf(focus)
        self.rows.remove(row)
        self._layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber(index)
        if had_focus:
            self.rows[min(index, len(self.rows) - 1)].focus_editor()
        self.frames_changed.emit()

    def move_frame(self, row: FrameRow, delta: int) -> None:
        """Move a frame ``delta`` places (negative is up), keeping the focus on its button."""
        self._load_all()
        if row not in self.rows:
            return
        index = self.rows.index(row)
        target = max(0, min(index + delta, len(self.rows) - 1))
        if target == index:
            return
        self.rows.insert(target, self.rows.pop(index))
        self._layout.removeWidget(row)
        self._layout.insertWidget(target, row)
        self._renumber(min(index, target))
        button = row.up_button if delta < 0 else row.down_button
        if not button.isEnabled():
            button = row.down_button if delta < 0 else row.up_button
        button.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self, lambda: self._ensure_visible(row))
        self.frames_changed.emit()

    def load_frames(self, frames: Sequence[bytes]) -> None:
        """Replace the message with ``frames``, each in the form that round-trips exactly.

        The first rows are built in a new, not yet shown container that then replaces the old
        one (removing rows one by one from a shown layout is slow); the rest follow in chunks.
        """
        pending = [bytes(frame) for frame in frames] or [b""]
        container, layout, held_label = self._new_container()
        rows = []
        for frame in pending[:LOAD_CHUNK]:
            row = self._make_exact_row(frame, container)
            layout.insertWidget(len(rows), row)
            rows.append(row)
        old = self.takeWidget()
        self._container, self._layout, self.rows = container, layout, rows
        self.held_label = held_label
        self._unloaded = pending[LOAD_CHUNK:]
        self.setWidget(container)
        if old is not None:
            old.hide()
            old.deleteLater()
        self._renumber(0)
        self.verticalScrollBar().setValue(0)
        if self.loading:
            QTimer.singleShot(0, self, self._on_load_timer_timeout)
        self.frames_changed.emit()

    def set_frame_bytes(self, index: int, data: bytes) -> FrameRow:
        """Set frame ``index`` to exactly ``data`` (text when printable, else hex)."""
        self._load_all()
        row = self.rows[index] if index < len(self.rows) else self.add_frame()
        _set_exact(row, data)
        return row

    def clear(self) -> None:
        """Back to a single empty text frame."""
        self.load_frames([])

    # -- reading ----------------------------------------------------------------------
    @property
    def frame_count(self) -> int:
        return len(self.rows) + len(self._unloaded)

    @property
    def loading(self) -> bool:
        """Rows for the start of a long message are still being built."""
        return bool(self._unloaded) and len(self.rows) < SHOWN_LIMIT

    @property
    def held_count(self) -> int:
        """Frames after the rows, kept as bytes (no row): sent unchanged after the rows."""
        return len(self._unloaded)

    def encoded(self) -> tuple[list[bytes], list[tuple[int, str]]]:
        """(frame bytes, [(1-based frame number, error)]): send only when errors is empty."""
        frames: list[bytes] = []
        errors: list[tuple[int, str]] = []
        for number, row in enumerate(self.rows, 1):
            if row.data is None:
                errors.append((number, row.error))
            else:
                frames.append(row.data)
        frames.extend(self._unloaded)
        return frames, errors

    @property
    def total_size(self) -> int:
        return sum(len(row.data) for row in self.rows if row.data is not None) + \
            sum(map(len, self._unloaded))

    def reveal(self, number: int) -> None:
        """Scroll to frame ``number`` (1-based) and put the cursor in it."""
        if number > len(self.rows):
            self._load_all()
        if 1 <= number <= len(self.rows):
            self._reveal(self.rows[number - 1])

    # -- internals ----------------------------------------------------------------------
    def _new_container(self) -> tuple[QWidget, QVBoxLayout, QLabel]:
        """A container whose layout holds the rows, then the held-frames note, then a
        stretch: rows go in at index len(rows), before the note."""
        container = QWidget()
        layout = QVBoxLayout(container)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(4)
        held_label = QLabel(container)
        held_label.setWordWrap(True)
        held_label.setAccessibleName("Frames without an editor")
        held_label.setToolTip("The frames of a long message past the first "
                              f"{SHOWN_LIMIT}: kept exactly and sent after the ones above")
        held_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        held_label.hide()
        layout.addWidget(held_label)
        layout.addStretch(1)
        return container, layout, held_label

    def _make_row(self, encoding: str, text: str, container: QWidget | None = None) -> FrameRow:
        row = FrameRow(encoding, text, container or self._container, encodings=self._encodings)
        row.changed.connect(self._on_row_changed)
        row.move_requested.connect(self._on_row_move_requested)
        row.remove_requested.connect(self._on_row_remove_requested)
        if container is None and self._container.isVisible():
            row.show()  # at once, not on the layout's queued show, so it can take focus now
        return row

    def _make_exact_row(self, data: bytes, container: QWidget | None = None) -> FrameRow:
        row = self._make_row(*editable_form(data), container)
        if row.data != data:
            _set_exact(row, data)
        return row

    def _load_more(self) -> None:
        """Give the next LOAD_CHUNK waiting frames their rows (up to SHOWN_LIMIT rows)."""
        take = max(0, min(LOAD_CHUNK, SHOWN_LIMIT - len(self.rows)))
        chunk, self._unloaded = self._unloaded[:take], self._unloaded[take:]
        start = len(self.rows)
        # Showing a child activates its parent's layout, which lays out every row: once per
        # chunk, not once per row.
        self._layout.setEnabled(False)
        try:
            for frame in chunk:
                row = self._make_exact_row(frame)
                self._layout.insertWidget(len(self.rows), row)
                self.rows.append(row)
        finally:
            self._layout.setEnabled(True)
        self._layout.activate()
        self._renumber(start)

    def _load_all(self) -> None:
        """Build every waiting row now (up to SHOWN_LIMIT), before an edit that needs them."""
        while self.loading:
            self._load_more()

    def _reveal(self, row: FrameRow) -> None:
        row.focus_editor()
        # the layout places a new row only on the next event cycle
        QTimer.singleShot(0, self, lambda: self._ensure_visible(row))

    def _ensure_visible(self, row: FrameRow) -> None:
        if row in self.rows:
            self.ensureWidgetVisible(row, 0, 4)

    def _renumber(self, start: int) -> None:
        """Number the rows from ``start`` on (and the one before: its neighbours changed)."""
        # rows move among rows only: frames kept as bytes stay after them
        count = self.frame_count if self.loading else len(self.rows)
        first = max(0, start - 1)
        rows = self.rows
        for index in range(first, len(rows)):
            rows[index].set_number(index + 1, count)
        self._show_held()
        # keyboard order follows the visual order after inserts and moves
        previous: QWidget | None = rows[first - 1].remove_button if first > 0 else None
        for row in rows[first:]:
            for widget in (row.encoding_combo, row.text_edit, row.up_button, row.down_button,
                           row.remove_button):
                if previous is not None:
                    QWidget.setTabOrder(previous, widget)
                previous = widget

    def _show_held(self) -> None:
        """Say which frames have no row and that they are sent as they are."""
        held = len(self._unloaded)
        self.held_label.setVisible(bool(held))
        if not held:
            return
        shown = len(self.rows)
        size = human_size(sum(map(len, self._unloaded)))
        if self.loading:
            self.held_label.setText(f"Frames {shown + 1:,} to {shown + held:,} ({held:,} "
                                    f"frames, {size}) are being shown…")
            return
        self.held_label.setText(
            f"Frames {shown + 1:,} to {shown + held:,} ({held:,} frames, {size}) have no "
            f"editor here: only the first {shown:,} frames of a message this long are "
            f"shown. They are kept exactly as they are and sent unchanged after frame "
            f"{shown:,}; Send sends all {shown + held:,} frames.")

    def _on_load_timer_timeout(self) -> None:
        if self.loading:
            self._load_more()
            self.frames_changed.emit()
        if self.loading:
            QTimer.singleShot(0, self, self._on_load_timer_timeout)

    def _on_row_changed(self) -> None:
        self.frames_changed.emit()

    def _on_row_move_requested(self, row: FrameRow, delta: int) -> None:
        self.move_frame(row, delta)

    def _on_row_remove_requested(self, row: FrameRow) -> None:
        self.remove_frame(row)
