"""The detail pane's viewer for one frame: the view the user chose, its notes, and the text.

Only the selected frame is rendered, and only its first 64 KiB (core.codecs.DETAIL_LIMIT), so
a 100 MB frame shows as fast as a small one (a frame of the traffic table's preview may be
only its head, core.codecs.FrameHead, which knows the whole frame's size); the copy and save
actions under it use the whole frame. The Decoded view shows what the session's decoder
made of the frame (the pane decodes the message once and hands it over with ``set_decoded``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QFontDatabase, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import frame_size
from zinspect.core.decode.model import DecodedFrame, DecodedMessage
from zinspect.core.store import Message
from zinspect.ui.message.decoded_view import DecodedView
from zinspect.ui.message.frame_actions import FrameActions
from zinspect.ui.message.frame_render import LIMIT_TEXT, VIEW_LABELS, render_frame, size_text
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.theme import set_style

VIEW_TIPS = {
    "auto": "JSON when the frame parses as JSON, a msgpack map or array as JSON, text when "
    "it is printable UTF-8, else hex: the guess the traffic table's Summary makes",
    "text": "The frame decoded as UTF-8; invalid bytes become \ufffd, control characters <0x..>",
    "hex": "Offset, hex bytes and ASCII columns",
    "json": "The frame parsed as JSON and pretty-printed",
    "base64": "The frame encoded as base64",
    "decoded": "The frame as the socket's decode rules (or the automatic guess) read it, "
    "as a tree of keys, types and values",
}
DECODED = "decoded"
LONG_LINE = 4096  # longer lines wrap anywhere: see _wrap_mode
HEX_LINE_CHARS = 79  # characters in a 16-byte hex dump line (offset, bytes, ASCII column)


def _wrap_mode(view: str, text: str) -> QTextOption.WrapMode:
    """Hex keeps its columns; other views wrap at words, unless a line is so long that Qt's
    word-boundary search makes laying it out slow (0.4 s for 64 KiB without a space)."""
    if view == "hex":
        return QTextOption.WrapMode.NoWrap
    if view == "base64" or max(map(len, text.split("\n")), default=0) > LONG_LINE:
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


class FrameViewer(QWidget):
    """One frame of the shown message (``show_frame``), in a view remembered per frame."""

    def __init__(
        self,
        whole_frame: Callable[[int], bytes | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``whole_frame(row)`` reads frame ``row`` whole for the copy and save actions when
        the frame shown is a head (FrameActions)."""
        super().__init__(parent)
        self._whole_frame = whole_frame
        self._message: Message | None = None
        self._routing_id_first = False
        self._views: dict[int, str] = {}  # the user's view choice per frame index
        self._decoded: DecodedMessage | None = None
        self._frame_row = -1
        self._fixed_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
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
        for key, label in {**VIEW_LABELS, DECODED: "Decoded"}.items():
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
        set_style(self._truncated_label, ERROR_TEMPLATE + " font-weight: bold;")
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
        self._decoded_view = DecodedView()
        self._pages = QStackedWidget()
        self._pages.addWidget(self._viewer)
        self._pages.addWidget(self._decoded_view)
        layout.addWidget(self._pages, 1)

        self._actions = FrameActions(self, self._whole_frame)
        layout.addWidget(self._actions)

    # -- public API --------------------------------------------------------------------
    def set_message(self, message: Message | None, routing_id_first: bool = False) -> None:
        """Forget the frame shown and the view choices: ``message``'s frames come next.
        ``routing_id_first``: frame 1 is a routing id (ROUTER, STREAM)."""
        self._message = message
        self._routing_id_first = routing_id_first
        self._views = {}
        self._decoded = None
        self._frame_row = -1
        self._actions.show_status("")
        if message is None:
            self._actions.set_frame(-1, -1, None)
            self._viewer.clear()
        elif not message.frames:
            self._show_no_frame()

    def show_status(self, text: str, problem: bool = False) -> None:
        """Say ``text`` on the line under the copy and save buttons."""
        self._actions.show_status(text, problem)

    def show_frame(self, row: int) -> None:
        """Show frame ``row`` (0-based) of the message, unless it is shown already."""
        if self._message is None:
            return
        if row != self._frame_row:
            self._frame_row = row
            self._actions.show_status("")
            self._render_frame()

    def set_decoded(self, decoded: DecodedMessage | None) -> None:
        """The shown message as decoded; the frame shown is drawn again (rules changed)."""
        self._decoded = decoded
        if self._frame_row >= 0 and self._current_frame() is not None:
            self._render_frame()

    @property
    def decoded_view(self) -> DecodedView:
        return self._decoded_view

    def _decoded_frame(self, row: int) -> DecodedFrame | None:
        if self._decoded is None or not 0 <= row < len(self._decoded.frames):
            return None
        return self._decoded.frames[row]

    def _default_view(self, row: int) -> str:
        """Decoded when a rule or a recognised protocol says what the frame is, else auto."""
        frame = self._decoded_frame(row)
        if frame is None:
            return "auto"
        recognised = self._decoded is not None and self._decoded.recognition is not None
        return DECODED if not frame.guessed or frame.role or recognised else "auto"

    # -- the selected frame ------------------------------------------------------------------
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
        self._actions.set_frame(self._message.seq if self._message else -1, -1, None)
        self._view_combo.setEnabled(False)
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
        choice = self._views.get(row) or self._default_view(row)
        with QSignalBlocker(self._view_combo):
            self._view_combo.setCurrentIndex(self._view_combo.findData(choice))
        self._actions.set_frame(self._message.seq if self._message else -1, row, data)
        self._view_combo.setEnabled(True)
        count = len(self._message.frames) if self._message else 0
        what = "empty frame, 0 bytes" if not data else size_text(frame_size(data))
        decoded = self._decoded_frame(row)
        routing = " (routing id)" if row == 0 and self._routing_id_first else ""
        if decoded is not None and decoded.role:
            routing = f" ({decoded.role})"
        self._frame_label.setText(f"Frame {row + 1}{routing} of {count:,}: {what}")
        undecoded = choice == DECODED and decoded is None
        if undecoded:
            choice = "auto"  # a frame past the decoded ones: the raw views only
        if choice == DECODED and decoded is not None:
            self._shown_view = DECODED
            self._view_note.setVisible(False)
            self._truncated_label.setVisible(False)
            self._decoded_view.show_frame(decoded, row + 1)
            self._pages.setCurrentWidget(self._decoded_view)
            return
        self._pages.setCurrentWidget(self._viewer)

        self._hex_width = self._fitting_hex_width()
        shown = render_frame(data, choice, self._hex_width)
        self._shown_view = shown.view
        note = shown.note
        if undecoded and self._decoded is not None:
            decoded_count = len(self._decoded.frames)
            note = f"Only the first {decoded_count:,} frames are decoded; {note}"
        self._view_note.setText(note)
        set_style(self._view_note, ERROR_TEMPLATE if shown.problem else "")
        self._view_note.setVisible(bool(note))
        if shown.truncated:
            self._truncated_label.setText(
                f"Truncated: showing {LIMIT_TEXT} of {size_text(frame_size(data))}. "
                "Save frame… writes the whole frame; the copy buttons copy all of it."
            )
        self._truncated_label.setVisible(shown.truncated)
        self._viewer.setPlaceholderText("empty frame, 0 bytes" if not data else "")
        self._viewer.setWordWrapMode(_wrap_mode(shown.view, shown.text))
        self._viewer.setPlainText(shown.text)

    def _fitting_hex_width(self) -> int:
        """16 bytes per hex line when a whole line fits the viewer, else 8."""
        room = self._viewer.viewport().width() - 2 * int(self._viewer.document().documentMargin())
        needed = self._viewer.fontMetrics().horizontalAdvance("0" * HEX_LINE_CHARS)
        return 16 if room >= needed else 8

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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
