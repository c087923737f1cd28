"""The Latency view: request/reply latency per socket (and per service or msg_type), a
small histogram, the requests still waiting or never answered, and sequence gaps.

The figures come from core.explore's ``LatencyTracker`` and ``GapTracker``, fed the store's
rows on a timer a batch at a time within a few milliseconds per tick (a flood is caught up
over several ticks, never in one that freezes the window); nothing happens per message.
Other features (the traffic table's latency and gap columns) ask ``latency_of`` and
``missed_before`` by a message's sequence number.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from operator import itemgetter
from typing import cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.explore.latency import LatencyTracker, Request, guess_socket_type
from zinspect.core.explore.latency_stats import LatencyFigures
from zinspect.core.explore.sequence_gaps import GapTracker
from zinspect.core.message_time import clock_text
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import (
    COPY_SLICE,
    HEAD_BYTES,
    ROW_SOCKET,
    MessageStore,
    Row,
    message_number,
)
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.latency.gaps_tab import GapsTab
from zinspect.ui.latency.records_model import Column, HistogramDelegate, RecordsModel

log = logging.getLogger(__name__)

TICK_MS = 250  # figures refresh at most 4 times a second
REMOVED_DELAY_MS = 250  # the socket box follows closed sockets this late at most
# While a backlog remains the next tick comes sooner, but feeding never takes more than
# FEED_BUDGET_S in CATCH_UP_MS + FEED_BUDGET_S (~14 % of the loop): under a flood the sockets
# come first, and what the store drops before the view reads it is skipped and counted.
CATCH_UP_MS = 50
FEED_BUDGET_S = 0.008
FEED_CHUNK = 4096
REQUESTS_SHOWN = 1_000
BEHIND_NOTE = 10_000  # messages not read yet from which a tab says it is catching up
MAX_CAPTURED = 50_000  # socket types of opened captures' connections kept


HISTOGRAM_WIDTH = 200
_socket_of = itemgetter(ROW_SOCKET)


def _ms(figures: LatencyFigures, seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if figures.count else "–"


FIGURE_COLUMNS: list[Column[LatencyFigures]] = [
    Column(
        "Socket",
        lambda f: f"   {f.group}" if f.group else f.socket,
        "A socket, then its services (Majordomo) or request types (Jupyter)",
    ),
    Column("Replies", lambda f: str(f.count), "Requests answered", figure=True),
    Column("p50 ms", lambda f: _ms(f, f.p50), "Half the replies came quicker", figure=True),
    Column("p90 ms", lambda f: _ms(f, f.p90), "90 % of the replies came quicker", figure=True),
    Column("p99 ms", lambda f: _ms(f, f.p99), "99 % of the replies came quicker", figure=True),
    Column("Max ms", lambda f: _ms(f, f.max), "The slowest reply", figure=True),
    Column(
        "Unanswered",
        lambda f: str(f.unanswered),
        "Requests given up: no reply within a minute, or another request took their place",
        figure=True,
    ),
    Column("Waiting", lambda f: str(f.waiting), "Requests waiting for their reply now", True),
    Column(
        "Histogram",
        lambda f: "",
        "How many replies took how long, quickest on the left, slowest on the right (log scale)",
        bars=lambda f: f.bars,
    ),
]

# a request and what became of it: "waiting 1.2 s" or "no reply"
RequestRow = tuple[Request, str]
REQUEST_COLUMNS: list[Column[RequestRow]] = [
    Column("Message", lambda r: str(message_number(r[0].seq)), "The request's number", True),
    Column("Socket", lambda r: r[0].socket),
    Column("Service / type", lambda r: r[0].group),
    Column("Sent at", lambda r: clock_text(r[0].time), "When the request went"),
    Column("State", lambda r: r[1], "Still waiting, or given up without a reply"),
]


def _table(model: RecordsModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class LatencyPanel(QWidget):
    def __init__(
        self, bridge: SessionBridge, store: MessageStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._store = store
        decoder = bridge.session.decoder
        self._captured: dict[str, str] = {}  # opened packet captures' connections: type
        self.latency = LatencyTracker(decoder, self._socket_type)
        self.gaps = GapTracker(decoder, self._socket_type)
        self._next_seq = store.first_seq  # everything the store keeps, from the first
        # the Gaps tab's own place: behind the latency's while it reads the kept messages
        # again for marks just changed, level with it otherwise
        self._gaps_next = store.first_seq
        self._cleared: int | None = None  # where the store was cleared (its end_seq then)
        self.skipped = 0  # messages the store dropped before the view could read them
        listener = self._on_store_before_clear
        store.on_before_clear.append(listener)
        # the store may outlive the panel (a session kept after its window closed)
        self.destroyed.connect(lambda: store.on_before_clear.remove(listener))
        self.dock: QDockWidget | None = None

        self.tabs = QTabWidget()
        self.figures_model: RecordsModel[LatencyFigures] = RecordsModel(FIGURE_COLUMNS, self)
        self.figures_table = _table(self.figures_model, "Latency per socket")
        histogram = len(FIGURE_COLUMNS) - 1
        self.figures_table.setItemDelegateForColumn(
            histogram, HistogramDelegate(self.figures_table)
        )
        header = self.figures_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(histogram, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(histogram, HISTOGRAM_WIDTH)
        self.requests_model: RecordsModel[RequestRow] = RecordsModel(REQUEST_COLUMNS, self)
        self.requests_table = _table(self.requests_model, "Unanswered requests")
        self.requests_label = QLabel("No request is waiting")
        self.requests_label.setAccessibleName("Unanswered requests summary")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.requests_label)
        lower_layout.addWidget(self.requests_table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.figures_table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        self.tabs.addTab(split, "Latency")
        self.gaps_tab = GapsTab(self.gaps)
        self.gaps_tab.marks_changed.connect(self._on_gaps_tab_marks_changed)
        self.tabs.addTab(self.gaps_tab, "Gaps")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(TICK_MS)
        # closing a workspace of 3,000 sockets rebuilt the socket box after each: now at
        # most REMOVED_DELAY_MS apart
        self._removed_timer = QTimer(self)
        self._removed_timer.setSingleShot(True)
        self._removed_timer.setInterval(REMOVED_DELAY_MS)
        self._removed_timer.timeout.connect(self._update_sockets)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        bridge.replacing_changed.connect(self._on_bridge_replacing_changed)
        self._update_sockets()

    def set_dock(self, dock: QDockWidget) -> None:
        self.dock = dock

    # -- what other features ask ---------------------------------------------------------
    def latency_of(self, seq: int) -> float | None:
        """Seconds from its request to the reply with sequence number ``seq`` (None if it
        is no matched reply, or one from before the view was fed)."""
        return self.latency.latency_of(seq)

    def missed_before(self, seq: int) -> int | None:
        """Messages a numbered stream skipped just before message ``seq``; None for none."""
        return self.gaps.missed_before(seq)

    def note_socket_types(self, types: dict[str, str]) -> None:
        """The types of sockets that are not live (an opened packet capture's connections,
        by name), for pairing their requests and replies; at most MAX_CAPTURED names."""
        for name, kind in types.items():
            if name in self._captured or len(self._captured) < MAX_CAPTURED:
                self._captured[name] = kind
        self.latency.forget_types()
        self.gaps.forget_types()

    # -- feeding -------------------------------------------------------------------------
    def _socket_type(self, name: str) -> str:
        handle = self._bridge.session.socket_named(name)
        if handle is not None:
            return handle.type_name
        return self._captured.get(name) or guess_socket_type(name)

    def _on_bridge_socket_added(self, _handle: SocketHandle) -> None:
        if not self._removed_timer.isActive():  # else that update includes it
            self._update_sockets()

    def _on_bridge_socket_removed(self, _handle: SocketHandle) -> None:
        if not self._removed_timer.isActive():
            self._removed_timer.start()

    def _on_bridge_replacing_changed(self, replacing: bool) -> None:
        if replacing:  # another workspace: the form's last refusal was about the one before
            self.gaps_tab.forget_problem()

    def _update_sockets(self) -> None:
        self.latency.forget_types()
        self.gaps.forget_types()
        self.gaps_tab.set_sockets(self._live_names())

    def _live_names(self) -> list[str]:
        return [handle.name for handle in self._bridge.session.sockets]

    def _on_store_before_clear(self) -> None:
        # what follows the clear is fed from there: rows a capture opened right after it
        # may be in the store before the next tick
        self._cleared = self._store.end_seq

    def _on_gaps_tab_marks_changed(self) -> None:
        """A mark counts in the messages already kept too, not only from now on: the gaps
        are found again from the store's first kept message, in slices like new traffic
        (the tab says how many are left), while the latency figures go on."""
        self.gaps.reset()
        self._gaps_next = self._store.first_seq
        self._timer.start(0)

    def _on_timer_timeout(self) -> None:
        backlog = self.feed()
        self.latency.expire(time.time())
        if self.isVisible():
            self.refresh()
        self._timer.start(CATCH_UP_MS if backlog else TICK_MS)

    def feed(self) -> bool:
        """Feed what the store gained since the last tick, within the budget; whether more
        waits."""
        store = self._store
        if self._cleared is not None:
            self.latency.reset()
            self.gaps.reset()
            self._next_seq, self._cleared = self._cleared, None
            self._gaps_next = self._next_seq
            self.skipped = 0
        if self._next_seq < store.first_seq:  # dropped before it was read: skipped
            self.skipped += store.first_seq - self._next_seq
            self._next_seq = store.first_seq
        self._gaps_next = max(self._gaps_next, store.first_seq)  # (dropped while re-read)
        deadline = time.perf_counter() + FEED_BUDGET_S
        while True:
            if self._next_seq < store.end_seq:  # new traffic: the latency, and the gaps
                level = self._gaps_next == self._next_seq  # unless they read kept ones
                first, rows, sockets, latency_reads, gaps_reads = self._slice(
                    self._next_seq, FEED_CHUNK, True, level
                )
                self.latency.feed(first, rows, latency_reads)
                if level:
                    self.gaps.feed(first, rows, gaps_reads, sockets)
                    self._gaps_next = first + len(rows)
                self._next_seq = first + len(rows)
            elif self._gaps_next < self._next_seq:  # the gaps read the kept messages again
                chunk = min(FEED_CHUNK, self._next_seq - self._gaps_next)
                first, rows, sockets, _, gaps_reads = self._slice(
                    self._gaps_next, chunk, False, True
                )
                self.gaps.feed(first, rows, gaps_reads, sockets)
                self._gaps_next = first + len(rows)
            else:
                break
            if time.perf_counter() > deadline:
                break
        return self._gaps_next < store.end_seq or self._next_seq < store.end_seq

    def _slice(
        self, start: int, count: int, latency: bool, gaps: bool
    ) -> tuple[int, Sequence[Row], set[str], bool, bool]:
        """The store's rows from ``start`` for the trackers named: (first sequence number,
        rows, their sockets, whether the latency and the gaps read their frames)."""
        store = self._store
        # the rows as kept, and as bytes only when a tracker reads their frames: a copy of
        # every big frame here cost more than its copy on receipt (core.rows)
        first, raw = store.raw_rows(start, start + count)
        rows = cast("Sequence[Row]", raw)  # (read for sockets and lengths only)
        sockets = set(map(_socket_of, raw))  # (one pass over the rows for both)
        latency_reads = latency and self.latency.reads_frames(raw, sockets)
        gaps_reads = gaps and self.gaps.reads_frames(raw, sockets)
        if latency_reads or gaps_reads:  # (the trackers read a frame's head)
            rows = store.rows(first, first + len(raw), COPY_SLICE, HEAD_BYTES)[1]
            sockets = set(map(_socket_of, rows))  # (may be fewer: see MessageStore.rows)
        return first, rows, sockets, latency_reads, gaps_reads

    @property
    def behind(self) -> int:
        """Messages the latency figures have not read yet."""
        return max(0, self._store.end_seq - self._next_seq)

    @property
    def gaps_behind(self) -> int:
        """Messages the Gaps tab has not read yet (all the kept ones after a new mark)."""
        return max(0, self._store.end_seq - self._gaps_next)

    def refresh(self) -> None:
        self.figures_model.set_records(self.latency.figures())
        now = time.time()
        waiting = self.latency.waiting()
        given_up = self.latency.given_up()
        rows: list[RequestRow] = [(r, f"waiting {max(0.0, now - r.time):.1f} s") for r in waiting]
        rows = rows[-REQUESTS_SHOWN:] + [(r, "no reply") for r in given_up]
        rows.sort(key=lambda row: row[0].seq, reverse=True)
        self.requests_model.set_records(rows)
        text = (
            f"{len(waiting)} waiting, {len(given_up)} given up lately"
            if waiting or given_up
            else "No request is waiting"
        )
        if self.skipped:
            text += (
                f" ({self.skipped} messages came too fast to be matched: the store dropped "
                "them first)"
            )
        if self.behind >= BEHIND_NOTE:
            text += f" · catching up: {self.behind:,} messages behind"
        self.requests_label.setText(text)
        gaps_behind = self.gaps_behind
        rereading = self._gaps_next < self._next_seq
        self.gaps_tab.refresh(
            self._live_names(), gaps_behind if rereading or gaps_behind >= BEHIND_NOTE else 0
        )
