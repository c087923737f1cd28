"""The live traffic table's model: a window onto the MessageStore, refreshed at frame rate.

The store has no per-message callback, and at hundreds of thousands of messages a second a
Qt signal per message would drown the UI. So a timer pulls: each refresh compares the store's
``oldest_seq``/``end_seq`` with what the view was told, announces the dropped head with one
``beginRemoveRows`` and everything new with one ``beginInsertRows``.

Rows hold no Python objects. Unfiltered, row ``r`` is ``seq = first + r``; filtered, the seqs
that match sit in a compact ``array('q')`` that grows as a scan works through the store a few
milliseconds per tick (so filtering a million stored messages never freezes the window) and
as new messages arrive. Display strings are made in ``data()`` for the rows the view paints;
summaries, the costly part (each is the message decoded by the session's MessageDecoder), are
kept in a small LRU cache, so a flood costs nothing to decode but the ~30 rows on screen.
Changed decode rules (the decoder's ``generation``, looked at each tick) empty the cache.

A regular expression that takes too long on one message (core.bounded_regex) is dropped
where the scan met it, for the filter FilterFallback names; ``filter_failed`` says why.
"""

from __future__ import annotations

import logging
import time
from array import array
from bisect import bisect_left

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontDatabase

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.search_text import DecodedSearch
from zinspect.core.message_time import CLOCK, clock_text
from zinspect.core.store import COPY_SLICE, ROW_SIZE, Message, MessageStore
from zinspect.core.traffic_filter import (
    FILTER_TEXT_LIMIT,
    FilterMatcher,
    FilterTooSlowError,
    TrafficFilter,
)
from zinspect.ui.traffic.columns import (
    COL_DIRECTION,
    COL_SUMMARY,
    HEADERS,
    SummaryCache,
    match_finder,
)
from zinspect.ui.traffic.filter_fallback import FilterFallback
from zinspect.ui.traffic.traffic_cells import _FOREGROUND, TrafficCells
from zinspect.ui.traffic.traffic_cells import MESSAGE_ROLE as MESSAGE_ROLE  # its old home
from zinspect.ui.widgets.theme import theme_signals

log = logging.getLogger(__name__)

REFRESH_MS = 33  # ~30 Hz: new rows appear at most this late
# Under a flood (more new rows per refresh than anyone can read, or so many bytes that
# receiving them keeps the loop busy) the table moves at ~10 Hz instead: a repaint costs
# ~10 ms, which at 30 Hz took a third of the time the sockets had (docs/performance.md).
FLOOD_ROWS = 200
FLOOD_BYTES = 4 * 1024 * 1024
FLOOD_REFRESH_MS = 100
SCAN_BUDGET_S = 0.016  # filtering work per tick (a frame at 60 Hz)
SCAN_PAUSE_MS = 2  # gap between ticks while a filter scan has a backlog (events are handled in it)
SCAN_CHUNK = 8192  # messages taken from the store at a time while scanning
# ... from the history: fewer than its cache of decoded chunks holds, so what a tick's budget
# left is still decoded for the next
HISTORY_GATHER = 2048
# What the filter reads of a frame over 1 MiB kept as received: its first
# FILTER_TEXT_LIMIT bytes, and one more that says it is longer (MessageStore.rows)
FILTER_HEAD = FILTER_TEXT_LIMIT + 1


format_time = clock_text  # the Time column's clock format


class TrafficModel(TrafficCells, QAbstractTableModel):
    """Rows are messages of the store in arrival order, optionally filtered and paused."""

    refreshed = Signal()  # after a refresh that changed rows, pending count or progress
    filter_progress_changed = Signal(int)  # percent of the store scanned; 100 when caught up
    decoding_changed = Signal()  # decode rules changed: what a decoded message says may too
    filter_failed = Signal(str, object)  # (why, the TrafficFilter dropped): regex too slow

    def __init__(
        self,
        store: MessageStore,
        parent: QObject | None = None,
        decoder: MessageDecoder | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._decoder = decoder if decoder is not None else MessageDecoder()
        self._generation = self._decoder.generation
        self._socket_types: dict[str, str] = {}
        # tap fronts (core.tap) and their upstream endpoints: rows read client -> server
        self.tap_fronts: dict[str, str] = {}
        self._filter = TrafficFilter()
        self._matcher: FilterMatcher | None = None
        self._fallback = FilterFallback()  # what a too-slow regex gives way to
        # Unfiltered: rows are seqs _first .. _first + _rows - 1.
        self._first = store.end_seq
        self._rows = 0
        # Filtered: rows are _matches[_head : _head + _rows]; matches past them wait for
        # the next publish (or for unpause). _scan_seq is the next seq to test.
        self._matches: array | None = None
        self._head = 0
        self._scan_seq = store.end_seq
        self._paused_end: int | None = None  # while paused: show no seq at or past this
        self._progress = 100
        self.stopped_at: int | None = None  # the progress where Cancel stopped the scan
        self._last_publish = 0.0
        self._publish_ms = REFRESH_MS  # FLOOD_REFRESH_MS while a flood is coming in
        self._cached: tuple[int, Message | None] = (-1, None)  # message_at's last answer
        self._preview: tuple[int, Message | None] = (-1, None)  # preview_at's
        self._summaries = SummaryCache(self._decoder, self._socket_types)
        self._summary_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._time_format = CLOCK
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._show_all_kept()
        self._timer.start(REFRESH_MS)
        theme_signals.theme_changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _variant: str) -> None:
        if self._rows:  # the direction colours
            last = self.index(self._rows - 1, COL_DIRECTION)
            self.dataChanged.emit(self.index(0, COL_DIRECTION), last, [_FOREGROUND])

    # -- what the panel and tests use ---------------------------------------------------
    @property
    def store(self) -> MessageStore:
        return self._store

    @property
    def filter(self) -> TrafficFilter:
        return self._filter

    @property
    def paused(self) -> bool:
        return self._paused_end is not None

    @property
    def pending_count(self) -> int:
        """Messages captured since the view was paused (0 when not paused)."""
        if self._paused_end is None:
            return 0
        return max(0, self._store.end_seq - self._paused_end)

    @property
    def considered_count(self) -> int:
        """The kept messages (RAM and history) the rows are chosen from: up to the pause
        point while paused, so a match count and its total count the same messages."""
        store = self._store
        end = store.end_seq if self._paused_end is None else self._paused_end
        return max(0, end - store.oldest_seq)

    @property
    def filter_progress(self) -> int:
        """Percent of the kept messages (RAM and history) the filter has looked at; 100
        when caught up or cancelled."""
        return self._progress

    @property
    def decoder(self) -> MessageDecoder:
        return self._decoder

    @property
    def summary_font(self) -> QFont:
        return self._summary_font

    def set_summary_points(self, points: int) -> None:
        """The summary's fixed-width font in ``points`` (0: the system's size)."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if points > 0:
            font.setPointSize(points)
        self._summary_font = font
        self._columns_changed(COL_SUMMARY)

    def _columns_changed(self, column: int) -> None:
        """Cells of ``column`` read differently: the view repaints what it shows of them."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(self._rows - 1, column))

    def set_socket_type(self, name: str, type_name: str) -> None:
        """Tell the model a socket's type, which the summary needs for XPUB/XSUB."""
        old = self._socket_types.get(name)
        self._socket_types[name] = type_name
        if old is not None and old != type_name:
            # A name reused by a socket of another type: summaries may read differently.
            self._summaries.clear()
            self._columns_changed(COL_SUMMARY)

    def socket_type_of(self, name: str) -> str:
        return self._socket_types.get(name, "")

    def seq_at(self, row: int) -> int | None:
        if not 0 <= row < self._rows:
            return None
        if self._matches is None:
            return self._first + row
        return self._matches[self._head + row]

    def message_at(self, row: int) -> Message | None:
        """The message in ``row``; None when out of range or dropped since the last refresh."""
        seq = self.seq_at(row)
        if seq is None:
            return None
        # A painted row asks for ~50 cells and roles in a row: fetch its message once.
        cached_seq, message = self._cached
        if seq != cached_seq or seq < self._store.oldest_seq:
            message = self._store.get(seq)
            self._cached = (seq, message)
        return message

    def preview_at(self, row: int) -> Message | None:
        """``message_at`` for the cells: a big frame kept as received comes as its head
        (MessageStore.preview), so painting a row never copies a whole 64 MiB frame."""
        seq = self.seq_at(row)
        if seq is None:
            return None
        cached_seq, message = self._preview
        if seq != cached_seq or seq < self._store.oldest_seq:
            message = self._store.preview(seq)
            self._preview = (seq, message)
        return message

    def row_of_seq(self, seq: int) -> int | None:
        """The row showing message ``seq``, or None when it is not in the table."""
        if self._matches is None:
            row = seq - self._first
            return row if 0 <= row < self._rows else None
        end = self._head + self._rows
        index = bisect_left(self._matches, seq, self._head, end)
        if index < end and self._matches[index] == seq:
            return index - self._head
        return None

    def set_filter(self, new_filter: TrafficFilter) -> None:
        """Show only matching messages (compiles first: raises FilterError, changing nothing,
        when the filter is invalid). Matching the kept messages runs over several ticks."""
        if new_filter == self._filter:
            return
        matcher = new_filter.compile() if new_filter.active else None
        self._fallback.replaced(self._filter)
        self._use(new_filter, matcher)
        self.refresh()

    def _use(self, new_filter: TrafficFilter, matcher: FilterMatcher | None) -> None:
        if matcher is not None and matcher.has_text:
            matcher.set_decoded(DecodedSearch(self._decoder, self._socket_types))
        self.beginResetModel()
        self._filter = new_filter
        self._matcher = matcher
        find = match_finder(matcher.pattern, matcher.needle) if matcher is not None else None
        self._summaries.set_match(find)
        self._restart()
        self.endResetModel()
        log.debug("filter set to %s", new_filter)
        if matcher is None and self._progress != 100:
            self._progress = 100
            self.filter_progress_changed.emit(100)

    def _give_up(self, error: FilterTooSlowError) -> None:
        """The filter's regex took too long on a message: use the fallback, say why. Its
        scan starts at the next tick: the search has used up this one."""
        failed, fallback = self._filter, self._fallback.take()
        log.info("filter %r dropped: %s", failed.text, error)
        self._use(fallback, fallback.compile() if fallback.active else None)
        self.filter_failed.emit(str(error), failed)

    def cancel_scan(self) -> None:
        """Stop looking through what the filter has not reached yet (a long search of the
        history): the matches found stay, and messages arriving from now on are matched."""
        if self._matcher is None or self._scan_seq >= self._store.end_seq:
            return
        self.stopped_at = self._progress
        self._scan_seq = self._store.end_seq
        self._progress = 100
        self.filter_progress_changed.emit(100)
        self.refresh()

    def set_paused(self, paused: bool) -> None:
        """Freeze the rows (the store keeps capturing); unpausing catches up in one insert."""
        if paused == self.paused:
            return
        if paused:
            self._paused_end = self._shown_end()
            self.refreshed.emit()
        else:
            self._paused_end = None
            self.refresh()

    def reset_to_store(self) -> None:
        """Start over from what the store holds now (after store.clear(), for instance)."""
        self.beginResetModel()
        self._summaries.clear()
        if self._paused_end is not None:
            self._paused_end = self._store.end_seq
        self._restart()
        self.endResetModel()
        self.refresh()

    def refresh(self) -> None:
        """Catch up with the store now: drop gone rows, scan, and insert new rows at once."""
        self._tick(publish=True)

    # -- the refresh cycle ----------------------------------------------------------------
    def _restart(self) -> None:
        """Rows from scratch for the current filter (inside a reset)."""
        if self._matcher is None:
            self._matches = None
            self._show_all_kept()
        else:
            self._matches = array("q")
            self._head = 0
            self._rows = 0
            self._scan_seq = self._store.oldest_seq
        self.stopped_at = None

    def _show_all_kept(self) -> None:
        """Unfiltered rows = every kept message (RAM and history) up to the pause point."""
        store = self._store
        end = store.end_seq if self._paused_end is None else self._paused_end
        self._first = store.oldest_seq
        self._rows = max(0, end - self._first)

    def _shown_end(self) -> int:
        """The seq up to which the rows are complete (every earlier match is shown)."""
        if self._matches is None:
            return self._first + self._rows
        limit = self._store.end_seq if self._paused_end is None else self._paused_end
        if self._head + self._rows < len(self._matches):
            return self._matches[self._head + self._rows]  # the first match not shown yet
        return min(self._scan_seq, limit)

    def _on_timer_timeout(self) -> None:
        try:
            publish = time.monotonic() - self._last_publish >= self._publish_ms / 1000 * 0.9
            self._tick(publish)
        finally:
            backlog = self._matcher is not None and self._scan_seq < self._store.end_seq
            self._timer.start(SCAN_PAUSE_MS if backlog else REFRESH_MS)

    def _tick(self, publish: bool) -> None:
        if self._decoder.generation != self._generation:
            self._redecode()
        # Dropped rows go with the next insert, so a flood past the caps repaints once.
        changed = self._drop_head() if publish or self._matcher is not None else False
        if self._matcher is not None:
            changed |= self._scan()
            # A finished scan shows its last matches at once, so progress 100 means shown.
            publish = publish or self._scan_seq >= self._store.end_seq
        if publish:
            self._last_publish = time.monotonic()
            changed |= self._insert_new()
        if changed or publish:
            self.refreshed.emit()

    def _redecode(self) -> None:
        """Rules changed: summaries again, and a text filter matched again from the start."""
        self._generation = self._decoder.generation
        self._summaries.clear()
        if self._matcher is not None and self._matcher.has_text:
            self._matcher.set_decoded(DecodedSearch(self._decoder, self._socket_types))
            self.beginResetModel()
            self._restart()
            self.endResetModel()
        elif self._rows:
            last = self.index(self._rows - 1, COL_SUMMARY)
            self.dataChanged.emit(self.index(0, COL_SUMMARY), last)
        self.decoding_changed.emit()

    def _drop_head(self) -> bool:
        """Remove the rows of messages the store (RAM and history) no longer keeps, in one
        removal."""
        first = self._store.oldest_seq
        if self._matches is None:
            gone = min(first, self._first + self._rows) - self._first
            if gone > 0:
                self.beginRemoveRows(QModelIndex(), 0, gone - 1)
                self._first += gone
                self._rows -= gone
                self.endRemoveRows()
            if self._first < first:  # nothing shown was dropped, but nothing is shown
                self._first = first
            return gone > 0
        matches = self._matches
        kept = bisect_left(matches, first, self._head)
        visible_gone = min(kept - self._head, self._rows)
        if visible_gone > 0:
            self.beginRemoveRows(QModelIndex(), 0, visible_gone - 1)
            self._head = kept
            self._rows -= visible_gone
            self.endRemoveRows()
        else:
            self._head = kept
        if self._head > 65536 and self._head * 2 > len(matches):
            del matches[: self._head]
            self._head = 0
        if self._scan_seq < first:
            self._scan_seq = first
        return visible_gone > 0

    def _scan(self) -> bool:
        """Match messages not looked at yet, for at most SCAN_BUDGET_S."""
        store = self._store
        matcher = self._matcher
        assert matcher is not None and self._matches is not None
        end = store.end_seq
        clock = time.monotonic
        deadline = clock() + SCAN_BUDGET_S
        scan = self._scan_seq
        while scan < end:
            stop = min(end, scan + SCAN_CHUNK)
            # (may end early: see below; a big frame as its head: the filter reads no more)
            scan, rows = store.rows(scan, stop, COPY_SLICE, FILTER_HEAD)
            if rows and scan + len(rows) < stop:  # the history answers a chunk at a time:
                stop = min(stop, scan + HISTORY_GATHER)  # the matcher works best on many
                gathered = list(rows)
                while scan + len(gathered) < stop and clock() < deadline:
                    more = store.rows(scan + len(gathered), stop, COPY_SLICE, FILTER_HEAD)[1]
                    if not more:
                        break
                    gathered.extend(more)
                rows = gathered
            try:
                done = matcher.scan_rows(scan, rows, self._matches, deadline)
            except FilterTooSlowError as error:
                self._give_up(error)
                return True
            scan += done
            if done < len(rows) or clock() >= deadline:
                break
        self._scan_seq = scan
        if scan >= end:
            self._fallback.caught_up(self._filter)
        oldest = store.oldest_seq
        kept = end - oldest
        progress = 100 if scan >= end or kept <= 0 else int(100 * (scan - oldest) / kept)
        if progress != self._progress:
            self._progress = progress
            self.filter_progress_changed.emit(progress)
            return True
        return False

    def _insert_new(self) -> bool:
        """Announce every row that became available since the last publish, in one insert."""
        store = self._store
        limit = store.end_seq if self._paused_end is None else self._paused_end
        if self._matches is None:
            new = limit - (self._first + self._rows)
        else:
            start = self._head + self._rows
            new = bisect_left(self._matches, limit, start) - start
        self._publish_ms = FLOOD_REFRESH_MS if self._is_flood(new) else REFRESH_MS
        if new <= 0:
            return False
        self.beginInsertRows(QModelIndex(), self._rows, self._rows + new - 1)
        self._rows += new
        self.endInsertRows()
        return True

    def _is_flood(self, new: int) -> bool:
        """Whether ``new`` rows in one refresh are a flood (by count, or by bytes)."""
        if new > FLOOD_ROWS:
            return True
        if new <= 0:
            return False
        # sizes only, from the rows as kept: no copy of a big frame kept as received
        if self._matches is None:
            _, rows = self._store.raw_rows(self._first + self._rows, self._first + self._rows + new)
            return sum(row[ROW_SIZE] for row in rows) > FLOOD_BYTES
        start = self._head + self._rows
        # new traffic is in RAM: matches the history gave are old, never a flood, and
        # reading each from disk here held a tick for up to 200 chunk reads
        seqs = self._matches[start : start + new]
        return sum(map(self._store.payload_size, seqs)) > FLOOD_BYTES

    # -- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)
