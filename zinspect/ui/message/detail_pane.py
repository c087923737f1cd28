"""The message detail pane: one message's header, its frames, and one viewer for one frame.

Messages may have hundreds of frames and a frame may be 100 MB, so the pane lists frames in a
model-backed table and renders only the selected frame, and only its first 64 KiB
(core.codecs.DETAIL_LIMIT): showing any message costs the same, whatever its size. Saving and
copying always use the whole frame, so nothing is lost by the cap.
"""

from __future__ import annotations

import base64
import datetime
import logging
import os

from PySide6.QtCore import QDir, QEvent, QModelIndex, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QPalette, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import (
    DETAIL_LIMIT,
    frame_summary,
    human_size,
    message_summary,
    subscription_event,
)
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import IN, OUT, Message
from zinspect.ui.message.frame_list_model import COLUMN_INDEX, COLUMN_SIZE, FrameListModel
from zinspect.ui.message.frame_render import LIMIT_TEXT, VIEW_LABELS, render_frame
from zinspect.ui.widgets.feedback import ERROR_STYLE

log = logging.getLogger(__name__)

EMPTY_HINT = "Select a message in the traffic table to see its frames here."
VIEW_TIPS = {
    "auto": "JSON when the frame parses as JSON, text when it is printable UTF-8, else hex",
    "text": "The frame decoded as UTF-8; invalid bytes become \ufffd, control characters <0x..>",
    "hex": "Offset, hex bytes and ASCII columns",
    "json": "The frame parsed as JSON and pretty-printed",
    "base64": "The frame encoded as base64",
}
HUGE_COPY = 1024 * 1024  # copying more than this many bytes gets a warning in the tooltip
LONG_LINE = 4096  # longer lines wrap anywhere: see _wrap_mode
HEX_LINE_CHARS = 79  # characters in a 16-byte hex dump line (offset, bytes, ASCII column)


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size:,} byte" + ("" if size == 1 else "s")
    return f"{human_size(size)} ({size:,} bytes)"


def _wrap_mode(view: str, text: str) -> QTextOption.WrapMode:
    """Hex keeps its columns; other views wrap at words, unless a line is so long that Qt's
    word-boundary search makes laying it out slow (0.4 s for 64 KiB without a space)."""
    if view == "hex":
        return QTextOption.WrapMode.NoWrap
    if view == "base64" or max(map(len, text.split("\n")), default=0) > LONG_LINE:
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


class DetailPane(QWidget):
    """Shows one message (header, frame list, one frame viewer); emits resend_requested."""

    resend_requested = Signal(object)  # list[bytes]: the shown message's frames, exact bytes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message: Message | None = None
        self._peer = ""  # where the message shown came from (show_message)
        self._socket_type = ""
        self._views: dict[int, str] = {}  # the user's view choice per frame index
        self._frame_row = -1
        self._pending_save: tuple[int, int, bytes] | None = None  # (seq, frame index, data)
        self._pending_path = ""
        self._save_dialog: QFileDialog | None = None
        self._overwrite_box: QMessageBox | None = None
        self._fixed_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._model = FrameListModel(self)
        self.setAccessibleName("Message detail")
        self._build()
        self.show_message(None)

    # -- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self._stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

        self._empty_label = QLabel(EMPTY_HINT)
        self._empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty_label.setWordWrap(True)
        self._empty_label.setObjectName("empty_hint")
        muted = self._empty_label.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self._empty_label.setPalette(muted)  # a hint, not content
        self._empty_label.setAccessibleName("No message selected")
        self._empty_label.setToolTip("Click a row in the traffic table to inspect that message")
        self._stack.addWidget(self._empty_label)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(6, 6, 6, 6)
        page_layout.addLayout(self._build_header())
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_frame_table())
        splitter.addWidget(self._build_viewer())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        page_layout.addWidget(splitter, 1)
        self._stack.addWidget(page)

    def _build_header(self) -> QVBoxLayout:
        box = QVBoxLayout()
        top = QHBoxLayout()
        self._title_label = QLabel()
        title_font = QFont(self._title_label.font())
        title_font.setBold(True)
        self._title_label.setFont(title_font)
        self._title_label.setObjectName("message_title")
        self._title_label.setAccessibleName("Message number")
        self._title_label.setToolTip("The message's number in the traffic store")
        top.addWidget(self._title_label)
        top.addStretch(1)
        self._resend_button = QPushButton("Edit and resend")
        self._resend_button.setObjectName("resend_button")
        self._resend_button.setAccessibleName("Edit and resend")
        self._resend_button.setToolTip(
            "Load this message's frames, exact bytes, into the composer to edit and send again"
        )
        self._resend_button.clicked.connect(self._on_resend_button_clicked)
        top.addWidget(self._resend_button)
        box.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self._fields: dict[str, QLabel] = {}
        # The time on a row of its own, then two caption/value pairs per row, values wrapping
        # at spaces: the pane's minimum width stays small, so showing a message never widens
        # the window past the screen.
        fields = (
            ("time", "Time", "When the message was received or sent (local time)"),
            ("socket", "Socket", "The socket that received or sent it, and its type"),
            ("direction", "Direction", "in: received by the socket; out: sent by it"),
            ("size", "Size", "Total size of all frames"),
            ("frames", "Frames", "How many frames (parts) the message has"),
            (
                "peer",
                "Peer",
                "Where a received message came from: the peer's address "
                "as libzmq reports it (tcp and ipc; not inproc), and on a "
                "ROUTER the peer's routing id",
            ),
        )
        for number, (key, caption, tip) in enumerate(fields):
            row, column = (0, 0) if number == 0 else divmod(number + 1, 2)
            name = QLabel(caption + ":")
            name.setEnabled(False)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"{key}_field")
            value.setAccessibleName(caption)
            value.setToolTip(tip)
            name.setToolTip(tip)
            name.setBuddy(value)
            grid.addWidget(name, row, column * 2)
            grid.addWidget(value, row, column * 2 + 1, 1, 3 if key in ("time", "peer") else 1)
            self._fields[key] = value
        grid.setColumnStretch(1, 3)  # socket and size are the longer values
        grid.setColumnStretch(3, 2)
        box.addLayout(grid)

        self._note_label = QLabel()
        self._note_label.setWordWrap(True)
        self._note_label.setFrameShape(QFrame.Shape.StyledPanel)
        self._note_label.setObjectName("meaning_note")
        self._note_label.setAccessibleName("What this message means")
        self._note_label.setToolTip("How ZeroMQ uses this message's frames for this socket type")
        box.addWidget(self._note_label)
        return box

    def _build_frame_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self._model)
        table.setObjectName("frame_table")
        table.setAccessibleName("Frames")
        table.setToolTip("Every frame of the message; select one to view it below")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setCornerButtonEnabled(False)
        table.verticalHeader().setVisible(False)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 6)
        header = table.horizontalHeader()
        header.setAccessibleName("Frame table columns")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        digits = table.fontMetrics().horizontalAdvance("0")
        table.setColumnWidth(COLUMN_INDEX, digits * 6)
        table.setColumnWidth(COLUMN_SIZE, digits * 11)
        table.selectionModel().currentRowChanged.connect(self._on_frame_table_current_changed)
        self._table = table
        return table

    def _build_viewer(self) -> QWidget:
        viewer = QWidget()
        layout = QVBoxLayout(viewer)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        self._frame_label = QLabel()
        self._frame_label.setWordWrap(True)
        self._frame_label.setObjectName("frame_title")
        self._frame_label.setAccessibleName("Selected frame")
        self._frame_label.setToolTip("The frame shown below and its exact size")
        top.addWidget(self._frame_label, 1)
        view_label = QLabel("&View:")
        top.addWidget(view_label)
        self._view_combo = QComboBox()
        for key, label in VIEW_LABELS.items():
            self._view_combo.addItem(label, key)
            self._view_combo.setItemData(
                self._view_combo.count() - 1, VIEW_TIPS[key], Qt.ItemDataRole.ToolTipRole
            )
        self._view_combo.setObjectName("view_combo")
        self._view_combo.setAccessibleName("Frame view")
        self._view_combo.setToolTip(
            "How to show this frame; remembered per frame while the message is shown"
        )
        view_label.setBuddy(self._view_combo)
        view_label.setToolTip(self._view_combo.toolTip())
        self._view_combo.currentIndexChanged.connect(self._on_view_combo_changed)
        top.addWidget(self._view_combo)
        layout.addLayout(top)

        self._view_note = QLabel()
        self._view_note.setWordWrap(True)
        self._view_note.setObjectName("view_note")
        self._view_note.setAccessibleName("View note")
        self._view_note.setToolTip("Which view is used, and why a view did not fit the frame")
        layout.addWidget(self._view_note)
        self._truncated_label = QLabel()
        self._truncated_label.setWordWrap(True)
        self._truncated_label.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self._truncated_label.setObjectName("truncated_mark")
        self._truncated_label.setAccessibleName("Truncation")
        self._truncated_label.setToolTip(
            f"Only the first {LIMIT_TEXT} of a frame are shown, to keep the window fast"
        )
        layout.addWidget(self._truncated_label)

        self._viewer = QPlainTextEdit()
        self._viewer.setReadOnly(True)
        self._viewer.setUndoRedoEnabled(False)
        self._viewer.setFont(self._fixed_font)
        self._viewer.setObjectName("frame_viewer")
        self._viewer.setAccessibleName("Frame content")
        self._viewer.setToolTip(f"The selected frame (read-only; at most {LIMIT_TEXT} shown)")
        self._hex_width = 16
        self._shown_view = ""
        self._viewer.viewport().installEventFilter(self)  # a narrow viewer: 8-byte hex lines
        layout.addWidget(self._viewer, 1)

        buttons = QHBoxLayout()
        copy_label = QLabel("Copy as:")
        copy_label.setToolTip("Copy the whole selected frame to the clipboard")
        buttons.addWidget(copy_label)
        self._copy_buttons: dict[str, QPushButton] = {}
        for how, label in (("text", "Text"), ("hex", "Hex"), ("base64", "Base64")):
            button = QPushButton(label)
            button.setObjectName(f"copy_{how}_button")
            button.setAccessibleName(f"Copy as {how}")
            # narrower than the style's default minimum, so the pane fits beside the table
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(label) + 24)
            button.clicked.connect(getattr(self, f"_on_copy_{how}_button_clicked"))
            buttons.addWidget(button)
            self._copy_buttons[how] = button
        buttons.addStretch(1)
        self._save_button = QPushButton("Save frame…")
        self._save_button.setObjectName("save_frame_button")
        self._save_button.setAccessibleName("Save frame")
        self._save_button.clicked.connect(self._on_save_button_clicked)
        buttons.addWidget(self._save_button)
        layout.addLayout(buttons)

        self._action_status = QLabel()
        self._action_status.setWordWrap(True)
        self._action_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action_status.setObjectName("action_status")
        self._action_status.setAccessibleName("Copy and save status")
        self._action_status.setToolTip("The result of the last copy or save")
        layout.addWidget(self._action_status)
        return viewer

    # -- public API --------------------------------------------------------------------
    def show_message(self, message: Message | None, socket_type: str = "", peer: str = "") -> None:
        """Show ``message`` (None: the empty state). ``socket_type`` is e.g. "ROUTER";
        ``peer`` the address a received message came from ("" when libzmq gave none).

        Showing the message already shown keeps the selected frame and the view choices.
        """
        if message is not None and message is self._message and socket_type == self._socket_type:
            return
        self._message = message
        self._peer = peer
        self._socket_type = socket_type.upper()
        self._views = {}
        self._frame_row = -1
        self._show_action_status("")
        if message is None:
            self._model.set_frames(())
            self._viewer.clear()
            self._stack.setCurrentIndex(0)
            return
        self._fill_header(message)
        self._model.set_frames(
            message.frames, routing_id_first=self._socket_type in ROUTING_ID_TYPES
        )
        self._stack.setCurrentIndex(1)
        if message.frames:
            self._table.setCurrentIndex(self._model.index(0, 0))  # renders frame 0
            self._table.scrollToTop()
        else:
            self._show_no_frame()

    @property
    def message(self) -> Message | None:
        return self._message

    # -- header --------------------------------------------------------------------------
    def _fill_header(self, message: Message) -> None:
        count = len(message.frames)
        when = datetime.datetime.fromtimestamp(message.time)
        self._title_label.setText(f"Message #{message.seq}")
        self._fields["time"].setText(when.isoformat(sep=" ", timespec="milliseconds"))
        socket_text = message.socket
        if self._socket_type:
            socket_text += f" ({self._socket_type})"
        self._fields["socket"].setText(socket_text)
        self._fields["direction"].setText(
            {IN: "in (received)", OUT: "out (sent)"}.get(message.direction, message.direction)
        )
        self._fields["frames"].setText(f"{count:,} frame" + ("" if count == 1 else "s"))
        self._fields["size"].setText(_size_text(message.size))
        self._fields["peer"].setText(self._peer_text(message))
        note = self._meaning(message)
        self._note_label.setText(note)
        self._note_label.setVisible(bool(note))

    def _peer_text(self, message: Message) -> str:
        if message.direction != IN:
            return "— (sent by this socket)"
        parts = [self._peer or "no address (inproc, or not reported)"]
        if self._socket_type in ROUTING_ID_TYPES and message.frames:
            parts.append(f"routing id {frame_summary(message.frames[0])}")
        return ", ".join(parts)

    def _meaning(self, message: Message) -> str:
        """What ZeroMQ means by this message's frames on this socket type, if anything."""
        kind = self._socket_type
        # XPUB receives subscriptions from its subscribers; XSUB sends them to publishers.
        if (kind, message.direction) in (("XPUB", IN), ("XSUB", OUT)) and subscription_event(
            message.frames
        ) is not None:
            return (
                f"Subscription message: {message_summary(message.frames, kind)} "
                "(first byte 1 = subscribe, 0 = unsubscribe; the rest is the topic prefix)"
            )
        if kind == "ROUTER":
            return (
                "ROUTER: frame 1 is the peer's routing id; ROUTER adds it to what it "
                "receives and uses it to route what it sends."
            )
        if kind == "STREAM":
            return (
                "STREAM: frame 1 is the peer's routing id (its TCP connection); an empty "
                "frame after it means the peer connected or disconnected."
            )
        return ""

    # -- the selected frame ------------------------------------------------------------------
    def _on_frame_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._message is None:
            return
        if current.row() != self._frame_row:
            self._frame_row = current.row()
            self._show_action_status("")
            self._render_frame()

    def _on_view_combo_changed(self, _index: int) -> None:
        if self._frame_row < 0:
            return
        self._views[self._frame_row] = self._view_combo.currentData()
        self._render_frame()

    def _current_frame(self) -> bytes | None:
        if self._message is None or not 0 <= self._frame_row < len(self._message.frames):
            return None
        return self._message.frames[self._frame_row]

    def _show_no_frame(self) -> None:
        """A message with no frames at all (never sent by ZeroMQ, but possible in a capture)."""
        self._frame_label.setText("This message has no frames")
        for widget in (*self._copy_buttons.values(), self._save_button, self._view_combo):
            widget.setEnabled(False)
        self._view_note.setVisible(False)
        self._truncated_label.setVisible(False)
        self._viewer.setPlaceholderText("")
        self._viewer.clear()

    def _render_frame(self) -> None:
        data = self._current_frame()
        if data is None:
            self._show_no_frame()
            return
        row = self._frame_row
        choice = self._views.get(row, "auto")
        with QSignalBlocker(self._view_combo):
            self._view_combo.setCurrentIndex(self._view_combo.findData(choice))
        for widget in (*self._copy_buttons.values(), self._save_button, self._view_combo):
            widget.setEnabled(True)
        count = len(self._message.frames) if self._message else 0
        what = "empty frame, 0 bytes" if not data else _size_text(len(data))
        routing = " (routing id)" if row == 0 and self._model.routing_id_first else ""
        self._frame_label.setText(f"Frame {row + 1}{routing} of {count:,}: {what}")

        self._hex_width = self._fitting_hex_width()
        shown = render_frame(data, choice, self._hex_width)
        self._shown_view = shown.view
        self._view_note.setText(shown.note)
        self._view_note.setStyleSheet(ERROR_STYLE if shown.problem else "")
        self._view_note.setVisible(bool(shown.note))
        if shown.truncated:
            self._truncated_label.setText(
                f"Truncated: showing {LIMIT_TEXT} of {_size_text(len(data))}. "
                "Save frame… writes the whole frame; the copy buttons copy all of it."
            )
        self._truncated_label.setVisible(shown.truncated)
        self._viewer.setPlaceholderText("empty frame, 0 bytes" if not data else "")
        self._viewer.setWordWrapMode(_wrap_mode(shown.view, shown.text))
        self._viewer.setPlainText(shown.text)
        self._update_action_tips(len(data))

    def _fitting_hex_width(self) -> int:
        """16 bytes per hex line when a whole line fits the viewer, else 8."""
        room = self._viewer.viewport().width() - 2 * int(self._viewer.document().documentMargin())
        needed = self._viewer.fontMetrics().horizontalAdvance("0" * HEX_LINE_CHARS)
        return 16 if room >= needed else 8

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self._viewer.viewport()
            and event.type() == QEvent.Type.Resize
            and self._shown_view == "hex"
            and self._current_frame() is not None
            and self._fitting_hex_width() != self._hex_width
        ):
            scroll = self._viewer.verticalScrollBar()
            line = scroll.value() * self._hex_width  # keep the same bytes in view
            self._render_frame()
            scroll.setValue(line // self._hex_width)
        return super().eventFilter(watched, event)

    def _update_action_tips(self, size: int) -> None:
        """Copy tooltips say the whole frame is copied, and warn when that is a lot."""
        factors = {
            "text": (1, "as UTF-8 text (invalid bytes become \ufffd)"),
            "hex": (2, "as hex digits, two per byte"),
            "base64": (4 / 3, "as base64"),
        }
        for how, (factor, what) in factors.items():
            tip = f"Copy the whole frame ({_size_text(size)}) {what} to the clipboard"
            if size > HUGE_COPY:
                tip += (
                    f". This frame is huge: the clipboard gets about "
                    f"{human_size(int(size * factor))} of text, which may take a while"
                )
            elif size > DETAIL_LIMIT:
                tip += f", not only the {LIMIT_TEXT} shown"
            self._copy_buttons[how].setToolTip(tip)
        self._save_button.setToolTip(
            f"Save the whole frame ({_size_text(size)}, exact bytes) to a file"
        )

    # -- actions ---------------------------------------------------------------------------
    def _show_action_status(self, text: str, problem: bool = False) -> None:
        self._action_status.setText(text)
        self._action_status.setStyleSheet(ERROR_STYLE if problem else "")
        self._action_status.setVisible(bool(text))

    def _on_resend_button_clicked(self) -> None:
        if self._message is not None:
            self.resend_requested.emit(list(self._message.frames))

    def _copy(self, how: str) -> None:
        data = self._current_frame()
        if data is None:
            return
        note = ""
        if how == "text":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace")
                note = "; it is not valid UTF-8, so invalid bytes became \ufffd"
        elif how == "hex":
            text = data.hex()
        else:
            text = base64.b64encode(data).decode("ascii")
        QGuiApplication.clipboard().setText(text)
        self._show_action_status(
            f"Copied frame {self._frame_row + 1} ({_size_text(len(data))}) as {how}{note}."
        )

    def _on_copy_text_button_clicked(self) -> None:
        self._copy("text")

    def _on_copy_hex_button_clicked(self) -> None:
        self._copy("hex")

    def _on_copy_base64_button_clicked(self) -> None:
        self._copy("base64")

    def _on_save_button_clicked(self) -> None:
        data = self._current_frame()
        if data is None or self._message is None:
            return
        # Keep the bytes now: the user may pick another message while the dialog is open.
        self._pending_save = (self._message.seq, self._frame_row, data)
        if self._save_dialog is None:
            dialog = QFileDialog(self, "Save frame", QDir.homePath())
            dialog.setObjectName("save_frame_dialog")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            # Qt's own dialog behaves the same everywhere without blocking; it would ask
            # about overwriting with a blocking message box, so the pane asks instead.
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
            dialog.setNameFilters(["Binary files (*.bin)", "All files (*)"])
            dialog.fileSelected.connect(self._on_save_dialog_file_selected)
            dialog.rejected.connect(self._on_save_dialog_rejected)
            self._save_dialog = dialog
        self._save_dialog.selectFile(f"message-{self._message.seq}-frame-{self._frame_row + 1}.bin")
        self._save_dialog.open()

    def _on_save_dialog_rejected(self) -> None:
        self._pending_save = None  # do not keep a 100 MB frame alive for nothing

    def _on_save_dialog_file_selected(self, path: str) -> None:
        if self._pending_save is None or not path:
            return
        if os.path.isfile(path):
            self._confirm_overwrite(path)
        else:
            self._write_pending(path)

    def _confirm_overwrite(self, path: str) -> None:
        if self._overwrite_box is not None:
            self._overwrite_box.deleteLater()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Replace file?",
            f"{os.path.basename(path)} already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirm_overwrite_box")
        box.setInformativeText(path)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Replace file?")
        box.finished.connect(self._on_overwrite_box_finished)
        self._overwrite_box = box
        self._pending_path = path
        box.open()

    def _on_overwrite_box_finished(self, _result: int) -> None:
        box = self._overwrite_box
        if box is None:
            return
        replace = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        self._overwrite_box = None
        box.deleteLater()
        if replace:
            self._write_pending(self._pending_path)
        else:
            self._pending_save = None
            self._show_action_status("Not saved: the file already exists.")

    def _write_pending(self, path: str) -> None:
        """Write the pending frame; an OS error becomes a message in the pane, nothing else."""
        if self._pending_save is None:
            return
        seq, row, data = self._pending_save
        self._pending_save = None
        existed = os.path.lexists(path)
        try:
            with open(path, "wb") as file:
                file.write(data)
        except OSError as error:
            if not existed:
                try:  # do not leave half a frame behind (e.g. disk full)
                    os.remove(path)
                except OSError:
                    pass
            reason = error.strerror or str(error)
            log.info("saving frame %d of message %d to %s failed: %s", row + 1, seq, path, reason)
            self._show_action_status(
                f"Could not save frame {row + 1} to {path}: {reason}.", problem=True
            )
            return
        log.info("saved frame %d of message %d (%d bytes) to %s", row + 1, seq, len(data), path)
        self._show_action_status(
            f"Saved frame {row + 1} of message #{seq} ({_size_text(len(data))}) to {path}."
        )
