"""The message detail pane: one message's header, its frames, and one viewer for one frame.

Messages may have hundreds of frames and a frame may be 100 MB, so the pane lists frames in a
model-backed table and renders only the selected frame, and only its first 64 KiB
(core.codecs.DETAIL_LIMIT): showing any message costs the same, whatever its size. The
traffic table hands over its preview (core.store.MessageStore.preview: a frame over 1 MiB
kept as libzmq received it comes as its head), so selecting a 64 MiB message copies none of
it; saving, copying, resending and comparing read the whole message then (``whole_message``),
so nothing is lost by the cap. The frame viewer (frame_viewer) and its copy and save actions
(frame_actions) are widgets of their own.

The pane decodes the message it shows once, with the session's MessageDecoder, for the frame
viewer's Decoded view and the recognised protocol's box; ``redecode`` does it again when the
rules change.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import frame_size, holds_head
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.rows import RawRow, bytes_row
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import Message, MessageStore, message_from_row, message_number
from zinspect.ui.message.decode_menu import decode_as_menu
from zinspect.ui.message.decoded_tree import DecodedTree
from zinspect.ui.message.field_grid import FieldGrid
from zinspect.ui.message.frame_actions import gone_text
from zinspect.ui.message.frame_list_model import COLUMN_INDEX, COLUMN_SIZE, FrameListModel
from zinspect.ui.message.frame_render import size_text
from zinspect.ui.message.frame_splitter import FrameSplitter
from zinspect.ui.message.frame_viewer import FrameViewer
from zinspect.ui.message.header_words import (
    PEER_TIP,
    TAP_PEER_TIP,
    direction_text,
    frames_text,
    meaning,
    peer_text,
    tap_peer_text,
)
from zinspect.ui.widgets.flow_bar import FlowBar
from zinspect.ui.widgets.theme import tint

log = logging.getLogger(__name__)

EMPTY_HINT = "Select a message in the traffic table to see its frames here."
DECODED_FRAMES = 1000  # frames decoded for the Decoded view (a message may have 100,000)
# A recognised protocol's preview up to this size is decoded whole: its fields may need every
# byte (a Jupyter signature is checked over 16 MiB at most); a bigger one reads as its heads.
WHOLE_DECODE_LIMIT = 16 << 20


class DetailPane(QWidget):
    """Shows one message (header, frame list, one frame viewer); emits resend_requested."""

    resend_requested = Signal(object)  # list[bytes]: the shown message's frames, exact bytes
    # (socket name, DecodeRule to complete): a decoder that needs a schema was chosen
    decode_rule_requested = Signal(str, object)

    def __init__(
        self,
        parent: QWidget | None = None,
        decoder: MessageDecoder | None = None,
        store: MessageStore | None = None,
    ) -> None:
        """``store`` is where a shown preview is read whole (``whole_message``); without it
        a preview's heads are all there is."""
        super().__init__(parent)
        self._decoder = decoder if decoder is not None else MessageDecoder()
        self._store = store
        # A preview's row as the store keeps it (libzmq's buffers, no copy), so the message
        # is still whole if the caps drop it before an action reads it; then the whole
        # message, once read (the store's own copy: the buffers go, nothing held twice).
        self._held: RawRow | None = None
        self._held_whole: Message | None = None
        self._decoded: DecodedMessage | None = None
        self._message: Message | None = None
        self._peer = ""  # where the message shown came from (show_message)
        # the time as the traffic table shows it, when that is not the clock (set_time_text)
        self._time_text: Callable[[Message], str | None] | None = None
        self._socket_type = ""
        self._tap: str | None = None  # a tap front's message: the tap's upstream endpoint
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
        self._empty_label.setMargin(8)  # off the dock's edges, however narrow
        self._empty_label.setObjectName("empty_hint")
        tint(self._empty_label, "placeholder")  # a hint, not content
        self._empty_label.setAccessibleName("No message selected")
        self._empty_label.setToolTip("Click a row in the traffic table to inspect that message")
        self._stack.addWidget(self._empty_label)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(6, 6, 6, 6)
        page_layout.addLayout(self._build_header())
        table = self._build_frame_table()
        splitter = FrameSplitter(table)
        self._frame_viewer = FrameViewer(self._whole_frame)
        splitter.addWidget(self._frame_viewer)
        self.frame_splitter = splitter
        # the frames, or another view of the message a feature puts there (set_body)
        self._body = QStackedWidget()
        self._body.addWidget(splitter)
        page_layout.addWidget(self._body, 1)
        self._stack.addWidget(page)

    def _build_header(self) -> QVBoxLayout:
        box = QVBoxLayout()
        # wraps in a narrow dock: the title and two buttons on one row made the pane 355 px
        # at least, and at 1024 px selecting a message took the traffic table's width
        top = FlowBar(spacing=6)
        self._title_label = QLabel()
        title_font = QFont(self._title_label.font())
        title_font.setBold(True)
        self._title_label.setFont(title_font)
        self._title_label.setObjectName("message_title")
        self._title_label.setAccessibleName("Message number")
        self._title_label.setToolTip("The message's number in the traffic store")
        top.add(self._title_label, stretch=True)
        self._header_top = top
        self._resend_button = QPushButton("Edit and resend")
        self._resend_button.setObjectName("resend_button")
        self._resend_button.setAccessibleName("Edit and resend")
        self._resend_button.setToolTip(
            "Load this message's frames, exact bytes, into the composer to edit and send again"
        )
        self._resend_button.clicked.connect(self._on_resend_button_clicked)
        top.add(self._resend_button)
        box.addLayout(top)

        grid = self._field_grid = FieldGrid()
        self._fields: dict[str, QLabel] = {}
        # The time on a row of its own, then two caption/value pairs a row where the values
        # fit on one line, else one (a narrow dock): values wrap at spaces, so the
        # pane's minimum width stays small and showing a message never widens the window.
        fields = (
            ("time", "Time", "When the message was received or sent (local time)"),
            ("socket", "Socket", "The socket that received or sent it, and its type"),
            ("direction", "Direction", "in: received by the socket; out: sent by it"),
            ("size", "Size", "Total size of all frames"),
            ("frames", "Frames", "How many frames (parts) the message has"),
            ("peer", "Peer", PEER_TIP),
        )
        for key, caption, tip in fields:
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
            grid.add(name, value, whole_row=key in ("time", "peer"))
            self._fields[key] = value
        box.addWidget(grid)

        self._note_label = QLabel()
        self._note_label.setWordWrap(True)
        self._note_label.setFrameShape(QFrame.Shape.StyledPanel)
        self._note_label.setObjectName("meaning_note")
        self._note_label.setAccessibleName("What this message means")
        self._note_label.setToolTip("How ZeroMQ uses this message's frames for this socket type")
        box.addWidget(self._note_label)

        self.protocol_group = QGroupBox("Protocol")
        self.protocol_group.setObjectName("protocol_group")
        self.protocol_group.setAccessibleName("Recognised protocol")
        self.protocol_group.setToolTip("The application protocol recognised in this message")
        protocol_layout = QVBoxLayout(self.protocol_group)
        self.protocol_label = QLabel()
        self.protocol_label.setObjectName("protocol_label")
        self.protocol_label.setWordWrap(True)
        self.protocol_label.setAccessibleName("Protocol")
        protocol_layout.addWidget(self.protocol_label)
        self.protocol_tree = DecodedTree()
        self.protocol_tree.setObjectName("protocol_fields")
        self.protocol_tree.setAccessibleName("Protocol fields")
        self.protocol_tree.setMaximumHeight(self.fontMetrics().height() * 8)
        protocol_layout.addWidget(self.protocol_tree)
        self.protocol_group.hide()
        box.addWidget(self.protocol_group)
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
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_frame_table_context_menu_requested)
        self._table = table
        return table

    # -- public API --------------------------------------------------------------------
    def show_message(
        self,
        message: Message | None,
        socket_type: str = "",
        peer: str = "",
        tap: str | None = None,
    ) -> None:
        """Show ``message`` (None: the empty state). ``socket_type`` is e.g. "ROUTER";
        ``peer`` the address a received message came from ("" when libzmq gave none);
        ``tap`` the upstream endpoint of the tap whose front has the message (None: no tap),
        so its direction and sender read in the tap's words.

        Showing the message already shown keeps the selected frame and the view choices.
        """
        if message is not None and message is self._message and socket_type == self._socket_type:
            return
        self._message = message
        self._held, self._held_whole = None, None
        if message is not None and self._store is not None and holds_head(message.frames):
            self._held = self._store.raw_row(message.seq)
        self._peer = peer
        self._tap = tap
        self._socket_type = socket_type.upper()
        self._frame_viewer.set_message(message, self._socket_type in ROUTING_ID_TYPES)
        if message is None:
            self._decoded = None
            self._model.set_frames(())
            self._show_page(0)
            return
        self._fill_header(message)
        self._decode()
        # "#" and Size as wide as this message's numbers and sizes: the content keeps the rest
        metrics = self._table.fontMetrics()
        digit = metrics.horizontalAdvance("0")
        self._table.setColumnWidth(COLUMN_INDEX, digit * (len(str(len(message.frames))) + 3))
        largest = max(map(frame_size, message.frames), default=0)
        widest = "1023.9 MiB" if largest >= 1024 else "1023 B"
        self._table.setColumnWidth(COLUMN_SIZE, metrics.horizontalAdvance(widest) + 2 * digit)
        self._model.set_frames(
            message.frames, routing_id_first=self._socket_type in ROUTING_ID_TYPES
        )
        self._show_page(1)
        if message.frames:
            self._table.setCurrentIndex(self._model.index(0, 0))  # renders frame 0
            self._table.scrollToTop()

    def _show_page(self, index: int) -> None:
        """Only the page shown counts for the pane's size: the message page's minimum (about
        400 px tall) held the hint's page too, so in a short dock the pane scrolled and the
        hint, centred in 400 px, sat below the dock's bottom."""
        for page in range(self._stack.count()):
            widget = self._stack.widget(page)
            policy = QSizePolicy.Policy.Preferred if page == index else QSizePolicy.Policy.Ignored
            if widget is not None:
                widget.setSizePolicy(policy, policy)
        self._stack.setCurrentIndex(index)

    @property
    def message(self) -> Message | None:
        """The message shown, as the table read it (a big frame may be its head: see
        ``whole_message``)."""
        return self._message

    def whole_message(self) -> Message | None:
        """The shown message with every byte, for what needs them all: the shown one unless
        a frame of it is a head, then read whole now (from the buffers held when the store
        dropped it since); None when there is none, or nothing can read it whole."""
        message = self._message
        if message is None or not holds_head(message.frames):
            return message
        if self._store is None:
            return None
        whole = self._held_whole or self._store.get(message.seq)
        if whole is None or (whole.socket, whole.size) != (message.socket, message.size):
            whole = (
                None if self._held is None else message_from_row(message.seq, bytes_row(self._held))
            )
        if whole is not None:
            self._held, self._held_whole = None, whole
        return whole

    def _whole_frame(self, row: int) -> bytes | None:
        message = self.whole_message()
        return message.frames[row] if message is not None and row < len(message.frames) else None

    def add_header_widget(self, widget: QWidget) -> None:
        """A feature's control in the header row, before Edit and resend."""
        self._header_top.insert(self._header_top.count() - 1, widget)

    def set_body(self, widget: QWidget | None) -> None:
        """Show ``widget`` under the header instead of the frames (a pinned diff);
        None brings the frames back."""
        if widget is None:
            self._body.setCurrentIndex(0)
            return
        if self._body.indexOf(widget) < 0:
            self._body.addWidget(widget)
        self._body.setCurrentWidget(widget)

    def set_time_text(self, time_text: Callable[[Message], str | None]) -> None:
        """Show a message's time also as ``time_text`` gives it (None: the date and the
        clock only), so the pane reads the same as the traffic table's Time column."""
        self._time_text = time_text
        self.refresh_header()

    def refresh_header(self) -> None:
        """Write the header again: a preference changed how numbers or times read."""
        if self._message is not None:
            self._fill_header(self._message)

    @property
    def decoded_tree(self) -> DecodedTree:
        """The tree of the decoded frame shown (its Plot and Add as column signals)."""
        return self._frame_viewer.decoded_view.tree

    @property
    def decoded(self) -> DecodedMessage | None:
        return self._decoded

    def redecode(self) -> None:
        """Decode the shown message again (the socket's rules changed), keeping the frame."""
        if self._message is not None:
            self._decode()

    def _decode(self) -> None:
        message = self._message
        assert message is not None
        try:
            decoded = self._decoder.decode(
                message.frames, message.socket, self._socket_type, DECODED_FRAMES
            )
            if (
                decoded.recognition is not None
                and message.size <= WHOLE_DECODE_LIMIT
                and holds_head(message.frames)
            ):
                whole = self.whole_message()
                if whole is not None:
                    decoded = self._decoder.decode(
                        whole.frames, message.socket, self._socket_type, DECODED_FRAMES
                    )
        except Exception:  # a decoder's bug: the raw views still work
            log.exception("decoding message %d failed", message.seq)
            decoded = None
        self._decoded = decoded
        self._frame_viewer.set_decoded(decoded)
        recognition = decoded.recognition if decoded is not None else None
        self.protocol_group.setVisible(recognition is not None)
        if recognition is not None:
            self.protocol_label.setText(f"{recognition.protocol}: {recognition.summary}")
            self.protocol_tree.set_value(recognition.fields, root="")

    def _on_frame_table_context_menu_requested(self, pos: QPoint) -> None:
        index = self._table.indexAt(pos)
        message = self._message
        if not index.isValid() or message is None:
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addMenu(
            decode_as_menu(
                menu,
                self._decoder,
                message,
                self._socket_type,
                index.row() + 1,
                self.redecode,
                lambda rule: self.decode_rule_requested.emit(message.socket, rule),
            )
        )
        menu.popup(self._table.viewport().mapToGlobal(pos))

    # -- header --------------------------------------------------------------------------
    def _fill_header(self, message: Message) -> None:
        count = len(message.frames)
        # rounded to the millisecond like the table's Time column (isoformat truncates)
        when = datetime.datetime.fromtimestamp(round(message.time * 1000) / 1000)
        self._title_label.setText(f"Message #{message_number(message.seq)}")
        clock = when.isoformat(sep=" ", timespec="milliseconds")
        shown = self._time_text(message) if self._time_text is not None else None
        self._fields["time"].setText(f"{shown}  ({clock})" if shown else clock)
        socket_text = message.socket
        if self._socket_type:
            socket_text += f" ({self._socket_type})"
        self._fields["socket"].setText(socket_text)
        kind, peer, tap = self._socket_type, self._peer, self._tap
        # a tap front's rows say which way they went, as the table's Dir does, and who sent
        # them (a client, or the server), as its Peer does
        self._fields["direction"].setText(direction_text(message, tap is not None))
        notes = self._store.cut_notes if self._store is not None else None
        received = notes.received_frames(message.seq) if notes is not None else None
        self._fields["frames"].setText(frames_text(count, received))
        self._fields["size"].setText(size_text(message.size))
        who = (
            peer_text(message, kind, peer)
            if tap is None
            else tap_peer_text(message, kind, peer, tap)
        )
        self._fields["peer"].setText(who)
        self._fields["peer"].setToolTip(PEER_TIP if tap is None else TAP_PEER_TIP)
        self._field_grid.refit()  # longer values may no longer fit two pairs to a row
        note = meaning(message, self._socket_type)
        self._note_label.setText(note)
        self._note_label.setVisible(bool(note))

    # -- the selected frame ------------------------------------------------------------------
    def _on_frame_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._message is None:
            return
        self._frame_viewer.show_frame(current.row())

    def _on_resend_button_clicked(self) -> None:
        if self._message is None:
            return
        whole = self.whole_message()
        if whole is None:
            self._frame_viewer.show_status(gone_text(self._message.seq), problem=True)
            return
        self.resend_requested.emit(list(whole.frames))
