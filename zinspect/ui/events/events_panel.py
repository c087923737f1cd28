"""The Events panel: a timeline of every socket's connection events (core.events), each
with its time, socket, endpoint, what libzmq said, and what it means in words.

Events arrive through ``Session.on_event`` and are added to the table in batches by a timer
(a connect retrying against a dead port makes a steady stream of them), never one
beginInsertRows per event. The table keeps the newest EVENT_HISTORY events.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.event_log import EventLog, EventRow
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.sockets.session import EVENT_HISTORY
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.widgets.theme import brush, theme_signals

log = logging.getLogger(__name__)

FLUSH_MS = 100
COLUMNS = ("Time", "Socket", "Event", "Endpoint", "Detail", "What it means")
COL_TIME, COL_SOCKET, COL_EVENT, COL_ENDPOINT, COL_DETAIL, COL_MEANING = range(len(COLUMNS))
MEANING_WIDTH = 420  # "What it means" at least this wide (px): its sentences are long
ALL_SOCKETS = ""
EventRole = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


def event_time(when: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when * 1000) % 1000:03d}"


def event_label(row: EventRow) -> str:
    """ "connect retried · 241× · last 14:02:11" for a repeated event, else its label."""
    if row.count == 1:
        return row.event.label
    last = time.strftime("%H:%M:%S", time.localtime(row.last))
    return f"{row.event.label} · {row.count:,}× · last {last}"


class EventsModel(QAbstractTableModel):
    """The timeline's rows, oldest first, at most ``limit``; ``add`` takes a batch. Repeated
    events are counted into one row (core.sockets.event_log says which)."""

    def __init__(self, limit: int = EVENT_HISTORY, parent=None) -> None:
        super().__init__(parent)
        self.limit = limit
        self._log = EventLog(limit)
        self._rows: list[EventRow] = []  # what the view was told about: follows _log
        theme_signals.theme_changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _variant: str) -> None:
        if self._rows:  # trouble and warning colours
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])

    def add(self, events: list[SocketEvent]) -> None:
        self._add([(event, 1, None) for event in events])

    def add_history(self, log: EventLog) -> None:
        """The rows of another log (the session's history), with their counts."""
        self._add([(row.event, row.count, row.latest) for row in log.rows])

    def _add(self, events: list[tuple[SocketEvent, int, SocketEvent | None]]) -> None:
        if not events:
            return
        counted: list[EventRow] = []
        for event, count, latest in events:
            row, merged = self._log.add(event, count, latest)
            if merged:
                counted.append(row)
        # tell the view: rows dropped at the top, new rows at the bottom, counts changed
        newest = self._log.rows[0].seq if self._log.rows else 0
        dropped = 0
        while dropped < len(self._rows) and self._rows[dropped].seq < newest:
            dropped += 1
        if dropped:
            self.beginRemoveRows(QModelIndex(), 0, dropped - 1)
            del self._rows[:dropped]
            self.endRemoveRows()
        last_seq = self._rows[-1].seq if self._rows else -1
        fresh = [row for row in self._log.rows if row.seq > last_seq]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        places = [p for p in map(self._log.index_of, counted) if p is not None]
        if places:
            self.dataChanged.emit(
                self.index(min(places), 0), self.index(max(places), len(COLUMNS) - 1)
            )

    def clear(self) -> None:
        self.beginResetModel()
        self._log.clear()
        self._rows = []
        self.endResetModel()

    def event_at(self, row: int) -> SocketEvent:
        return self._rows[row].event

    def row_at(self, row: int) -> EventRow:
        return self._rows[row]

    def event_count(self) -> int:
        """Events shown, counting each row's repeats."""
        return sum(row.count for row in self._rows)

    # -- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        event = row.latest or row.event  # a repeated event: what the last one said
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                event_time(row.event.time),
                event.socket or "—",
                event_label(row),
                event.endpoint,
                event.detail,
                event.explanation,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            repeats = (
                f"\n{row.count:,} times, first at {event_time(row.event.time)}, "
                f"last at {event_time(row.last)}"
                if row.count > 1
                else ""
            )
            return (
                f"{event.label} on {event.socket or 'no socket'}"
                f"{' at ' + event.endpoint if event.endpoint else ''}\n{event.explanation}"
                f"{repeats}\nlibzmq value: {event.value}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and column in (COL_EVENT, COL_MEANING):
            if event.problem:  # everything else (a retry too) in the normal text colour
                return brush("error")
        if role == EventRole:
            return event
        return None


class EventsFilter(QSortFilterProxyModel):
    """Only one socket's events, and/or only the problems."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.socket = ALL_SOCKETS
        self.problems_only = False

    def set_filter(self, socket: str, problems_only: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated
            self.beginFilterChange()
            self.socket, self.problems_only = socket, problems_only
            self.endFilterChange()
        else:
            self.socket, self.problems_only = socket, problems_only
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: AnyIndex) -> bool:
        event = self.sourceModel().event_at(row)  # type: ignore[attr-defined]
        if self.socket and event.socket != self.socket:
            return False
        return not self.problems_only or event.problem


class EventsPanel(QWidget):
    """The timeline with its filters; follows new events unless scrolled up."""

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = bridge.session
        self.model = EventsModel(parent=self)
        self.proxy = EventsFilter(self)
        self.proxy.setSourceModel(self.model)
        self._pending: list[SocketEvent] = []
        self.dock: QDockWidget | None = None  # the dock holding this panel: see set_dock

        self.socket_combo = QComboBox()
        self.socket_combo.addItem("All sockets", ALL_SOCKETS)
        self.socket_combo.setToolTip("Show the events of one socket only")
        self.socket_combo.setAccessibleName("Events of socket")
        self.socket_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.problems_check = QCheckBox("Problems only")
        self.problems_check.setToolTip(
            "Only failures: bind, accept and handshake failures, authentication denied"
        )
        self.problems_check.setAccessibleName("Problems only")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Empty the timeline (the sockets' peer counts stay)")
        self.clear_button.setAccessibleName("Clear events")
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Event count")
        self.count_label.setWordWrap(True)  # the empty-timeline hint must not widen the window
        bar = QHBoxLayout()
        bar.addWidget(self.socket_combo)
        bar.addWidget(self.problems_check)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.clear_button)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Connection events")
        self.view.setToolTip("Connection events of every socket, from libzmq's monitor")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        for column, width in (
            (COL_TIME, 95),
            (COL_SOCKET, 100),
            (COL_EVENT, 250),  # room for "connect retried · 241× · last 14:02:11"
            (COL_ENDPOINT, 180),
            (COL_DETAIL, 110),
            (COL_MEANING, MEANING_WIDTH),
        ):
            header.resizeSection(column, width)
        # the sentence gets its room: the last section fills what is left and, in a narrow
        # dock, keeps its width behind a horizontal scroll bar instead of shrinking to
        # nothing; what is still cut is elided, and the tooltip has it whole
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        # Follows the newest event unless the user scrolled up: a flag, not the scroll bar's
        # place at each flush, because a hidden panel's bar has no range yet (it opened at
        # the oldest event and, being "scrolled up" there, never followed again)
        self.following = True
        bar_ = self.view.verticalScrollBar()
        bar_.valueChanged.connect(self._on_scroll_value_changed)
        bar_.rangeChanged.connect(self._on_scroll_range_changed)

        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.session.on_event.append(self._on_session_event)
        self.socket_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.problems_check.toggled.connect(self._on_filter_changed)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        self.model.add_history(self.session.events)  # what happened before the panel existed
        self._update_count()

    def set_dock(self, dock: QDockWidget) -> None:
        """The dock that holds this panel (shown and raised by whoever wants it seen)."""
        self.dock = dock

    # -- feeding ------------------------------------------------------------------------

    def _on_session_event(self, _handle: SocketHandle | None, event: SocketEvent) -> None:
        self._pending.append(event)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Add the waiting events in one batch; keep the newest in view unless the user
        scrolled up to read older ones."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        for event in pending:
            if event.socket and self.socket_combo.findData(event.socket) < 0:
                self.socket_combo.addItem(event.socket, event.socket)
        self.model.add(pending)  # the bar's range grows: followed (_on_scroll_range_changed)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if not total:
            self.count_label.setText(
                "No events yet: libzmq reports them for tcp and ipc endpoints (inproc has none)"
            )
            return
        text = f"{total:,} events" if shown == total else f"{shown:,} of {total:,} events"
        happened = self.model.event_count()
        if happened != total:  # some rows stand for repeats
            text += f" ({happened:,} counting repeats)"
        self.count_label.setText(text)

    def close_listener(self) -> None:
        if self._on_session_event in self.session.on_event:
            self.session.on_event.remove(self._on_session_event)

    # -- slots ----------------------------------------------------------------------------
    def _on_scroll_value_changed(self, value: int) -> None:
        if self.view.isVisible():  # a hidden panel's bar has no range: not the user's place
            self.following = value >= self.view.verticalScrollBar().maximum() - 2

    def _on_scroll_range_changed(self, _low: int, high: int) -> None:
        if self.following:
            self.view.verticalScrollBar().setValue(high)

    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        if self.socket_combo.findData(handle.name) < 0:
            self.socket_combo.addItem(handle.name, handle.name)

    def _on_filter_changed(self, *_args: object) -> None:
        self.proxy.set_filter(
            self.socket_combo.currentData() or ALL_SOCKETS, self.problems_check.isChecked()
        )
        self._update_count()

    def _on_clear_button_clicked(self) -> None:
        self.following = True
        self._pending.clear()
        self.model.clear()
        self._update_count()
