"""The composer's frame editor: one row per frame (frame_row.FrameRow), each with its own
encoding.

The rows sit in a scroll area so a message with many frames stays usable; load_frames uses
core.codecs.editable_form so "edit and resend" round-trips exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from zinspect.core.codecs import editable_form, human_size
from zinspect.ui.compose.frame_row import (
    FrameRow,
    encodings_model,
    set_exact,
)
from zinspect.ui.widgets.soon import call_soon

log = logging.getLogger(__name__)

LOAD_CHUNK = 10  # rows built per event-loop turn when loading a long message (~25 ms)
# Frames past this many get no row (a row costs ~110 KB): they are kept as bytes, said so
# in a note, and sent unchanged after the rows. 100,000 rows took 1.3 GB and over a minute.
SHOWN_LIMIT = 100


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
        self._unloaded_size = 0  # their bytes, kept: summing 100,000 lengths per edit shows
        self._compact = False  # rows in two lines: the editor is narrow (see resizeEvent)
        self._wide_width = 0
        self.add_frame()
        # never narrower than a compact row: the rows are never cut at the side
        container = self._container.layout().contentsMargins()  # type: ignore[union-attr]
        self.setMinimumWidth(
            self.rows[0].compact_width()
            + 2 * self.frameWidth()
            + container.left()
            + container.right()
            + self.verticalScrollBar().sizeHint().width()
        )
        self._wide_width = self.rows[0].wide_width()

    # -- editing ----------------------------------------------------------------------
    def add_frame(
        self,
        encoding: str = "text",
        text: str = "",
        index: int | None = None,
        *,
        focus: bool = False,
    ) -> FrameRow:
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
        call_soon(self, lambda: self._ensure_visible(row))
        self.frames_changed.emit()

    def load_frames(self, frames: Sequence[bytes]) -> None:
        """Replace the message with ``frames``, each in the form that round-trips exactly.

        The first rows are built in a new, not yet shown container that then replaces the old
        one (removing rows one by one from a shown layout is slow); the rest follow in chunks.
        """
        pending = [frame if type(frame) is bytes else bytes(frame) for frame in frames] or [b""]
        container, layout, held_label = self._new_container()
        rows: list[FrameRow] = []
        for frame in pending[:LOAD_CHUNK]:
            row = self._make_exact_row(frame, container)
            layout.insertWidget(len(rows), row)
            rows.append(row)
        old = self.takeWidget()
        self._container, self._layout, self.rows = container, layout, rows
        self.held_label = held_label
        self._unloaded = pending[LOAD_CHUNK:]
        self._unloaded_size = sum(map(len, self._unloaded))
        self.setWidget(container)
        if old is not None:
            old.hide()
            old.deleteLater()
        self._renumber(0)
        self.verticalScrollBar().setValue(0)
        if self.loading:
            call_soon(self, self._on_load_timer_timeout)
        self.frames_changed.emit()

    def set_frame_bytes(self, index: int, data: bytes) -> FrameRow:
        """Set frame ``index`` to exactly ``data`` (text when printable, else hex)."""
        self._load_all()
        row = self.rows[index] if index < len(self.rows) else self.add_frame()
        set_exact(row, data)
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
        return sum(len(row.data) for row in self.rows if row.data is not None) + self._unloaded_size

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
        held_label.setToolTip(
            "The frames of a long message past the first "
            f"{SHOWN_LIMIT}: kept exactly and sent after the ones above"
        )
        held_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        held_label.hide()
        layout.addWidget(held_label)
        layout.addStretch(1)
        return container, layout, held_label

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.viewport().width() < self._wide_width
        if compact != self._compact:
            self._compact = compact
            for row in self.rows:
                row.set_compact(compact)
        self.horizontalScrollBar().setValue(0)  # no sideways scrolling: rows fit

    def _make_row(self, encoding: str, text: str, container: QWidget | None = None) -> FrameRow:
        row = FrameRow(encoding, text, container or self._container, encodings=self._encodings)
        row.set_compact(self._compact)
        row.changed.connect(self._on_row_changed)
        row.move_requested.connect(self._on_row_move_requested)
        row.remove_requested.connect(self._on_row_remove_requested)
        if container is None and self._container.isVisible():
            row.show()  # at once, not on the layout's queued show, so it can take focus now
        return row

    def _make_exact_row(self, data: bytes, container: QWidget | None = None) -> FrameRow:
        row = self._make_row(*editable_form(data), container)
        if row.data != data:
            set_exact(row, data)
        return row

    def _load_more(self) -> None:
        """Give the next LOAD_CHUNK waiting frames their rows (up to SHOWN_LIMIT rows)."""
        take = max(0, min(LOAD_CHUNK, SHOWN_LIMIT - len(self.rows)))
        chunk, self._unloaded = self._unloaded[:take], self._unloaded[take:]
        self._unloaded_size -= sum(map(len, chunk))
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
        call_soon(self, lambda: self._ensure_visible(row))

    def _ensure_visible(self, row: FrameRow) -> None:
        if row in self.rows:
            self.ensureWidgetVisible(row, 0, 4)
            self.horizontalScrollBar().setValue(0)  # up and down only: a row's start stays

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
            for widget in (
                row.encoding_combo,
                row.text_edit,
                row.up_button,
                row.down_button,
                row.remove_button,
            ):
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
        size = human_size(self._unloaded_size)
        if self.loading:
            self.held_label.setText(
                f"Frames {shown + 1:,} to {shown + held:,} ({held:,} "
                f"frames, {size}) are being shown…"
            )
            return
        self.held_label.setText(
            f"Frames {shown + 1:,} to {shown + held:,} ({held:,} frames, {size}) have no "
            f"editor here: a message this long gets editors for its first {SHOWN_LIMIT:,} "
            f"frames only. They are kept exactly as they are and sent unchanged after frame "
            f"{shown:,}; Send sends all {shown + held:,} frames."
        )

    def _on_load_timer_timeout(self) -> None:
        if self.loading:
            self._load_more()
            self.frames_changed.emit()
        if self.loading:
            call_soon(self, self._on_load_timer_timeout)

    def _on_row_changed(self) -> None:
        self.frames_changed.emit()

    def _on_row_move_requested(self, row: FrameRow, delta: int) -> None:
        self.move_frame(row, delta)

    def _on_row_remove_requested(self, row: FrameRow) -> None:
        self.remove_frame(row)
