"""The Topics view's model: the topic tree (core.explore.topics) as a Qt tree, fed on a timer.

Like the traffic table, it pulls: a timer lets the ``TopicFollower`` count new messages for a
few milliseconds, then announces the nodes that appeared, one ``beginInsertRows`` per parent
that grew. Figures are read from the nodes when a row is painted, so a refresh of counts,
rates and "last" times is a repaint of what is on screen (``refreshed``), not a signal per
node. Under a flood the follower gets a small share of each tick and falls behind; it
catches up when the flood ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from zinspect.core.explore.topic_follow import TopicFollower
from zinspect.core.explore.topics import OTHER, ROOT, SOCKET, TopicNode
from zinspect.ui.widgets.theme import brush

log = logging.getLogger(__name__)

COL_TOPIC, COL_COUNT, COL_RATE, COL_LATEST, COL_LAST = range(5)
HEADERS = ("Topic", "Count", "Rate", "Latest value", "Last")  # short: the dock is narrow
HEADER_TIPS = (
    "Sockets, and their topics split on the separator",
    "Messages on this topic and every topic below it",
    "Messages per second over the last 5 seconds",
    "The newest message of the topic, decoded, on one line",
    "Time since the newest message; grey when the topic has been quiet for a while",
)
REFRESH_MS = 250  # figures and "last" times move at 4 Hz
# While messages wait to be counted: soon again, unless counting what arrives would take
# more than FLOOD_SHARE of the loop (a flood): then a small share, so the sockets keep up,
# and the rest is counted when the flood ends.
FLOOD_SHARE = 0.25
FLOOD_MS = 100
FLOOD_BUDGET_S = 0.004  # so 4 % of the loop, under a flood
CATCH_UP_MS = 8
STEP_BUDGET_S = 0.006
# New nodes are announced at most every ANNOUNCE_S, plus a second per ANNOUNCE_ROWS rows
# known to the view, and once a rebuild is complete: each insert under an open node makes
# QTreeView lay out every open row, asking the model for each (10,000 rows: 50-120 ms)
ANNOUNCE_S = 0.25
ANNOUNCE_ROWS = 5_000
STALE_S = 10.0  # a topic quiet this long is drawn grey
NODE_ROLE = int(Qt.ItemDataRole.UserRole)
# A node shows its children a page at a time, then a "… N more topics" row: QTreeView lays
# out every open row on each change, asking the model for each, and 10,000 open rows of a
# Python model took 120 ms a layout.
PAGE = 1000
_MORE = 1 << 62  # the internal id of a "… more" row: its parent's number with this bit

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = frozenset((COL_COUNT, COL_RATE, COL_LAST))


def since_text(seconds: float) -> str:
    """How long ago, as a person reads it: 0.4 s, 12 s, 3 min, 2 h."""
    if seconds < 10:
        return f"{max(0.0, seconds):.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def rate_text(rate: float) -> str:
    if rate >= 100:
        return f"{rate:,.0f}/s"
    return f"{rate:.1f}/s" if rate else "0/s"


class TopicsModel(QAbstractItemModel):
    """Rows are the tree's nodes; only nodes announced to the view are its rows."""

    refreshed = Signal()  # figures may have changed: repaint what is shown

    def __init__(
        self,
        follower: TopicFollower,
        wall_clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.follower = follower
        self.tree = follower.tree
        self.wall_clock = wall_clock  # "last" and rates count from it (message times are)
        self.stale_s = STALE_S
        self._generation = self.tree.generation
        self._shown: dict[int, int] = {}  # children announced, per node number
        self._pages: dict[int, int] = {}  # pages of children a node may show (default 1)
        self._more: set[int] = set()  # nodes with a "… more" row after their children
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._running = False
        self._last_end = follower.store.end_seq
        self._last_tick = time.monotonic()
        self._flood = False  # counting what came at the last look would take > FLOOD_SHARE
        self._announced = 0.0  # when new nodes were last announced (time.monotonic)
        self._cost_s = 3e-6  # seconds to count a message, as measured (a running mean)
        # whether anyone sees the rows: a dock tab behind another is "visible" to Qt, but
        # counting for nobody would only slow the sockets down
        self.active: Callable[[], bool] = lambda: True

    # -- the cycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Follow the store (the view is on screen)."""
        if not self._running:
            self._running = True
            self._timer.start(0)

    def stop(self) -> None:
        """Stop counting until start(): nobody looks, so the sockets get the whole loop."""
        self._running = False
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._running

    def _on_timer_timeout(self) -> None:
        try:
            if self.active():
                self.refresh(FLOOD_BUDGET_S if self._flood else STEP_BUDGET_S)
        finally:
            if self._running:
                self._timer.start(self._next_ms())

    def _next_ms(self) -> int:
        """When to count again: soon while behind, unless a flood is coming in."""
        now, end = time.monotonic(), self.follower.store.end_seq
        arriving = (end - self._last_end) / max(1e-3, now - self._last_tick)
        self._last_end, self._last_tick = end, now
        self._flood = arriving * self._cost_s > FLOOD_SHARE
        if not self.follower.behind or not self.active():
            return REFRESH_MS
        return FLOOD_MS if self._flood else CATCH_UP_MS

    def refresh(self, budget_s: float = float("inf")) -> None:
        """Count for at most ``budget_s``, announce new nodes, and ask for a repaint."""
        started, first = time.monotonic(), self.follower.next_seq
        self.follower.step(started + budget_s)
        counted = self.follower.next_seq - first
        if counted > 500:
            cost = (time.monotonic() - started) / counted
            self._cost_s = 0.8 * self._cost_s + 0.2 * cost
        if self.tree.generation != self._generation:
            self._start_over()
        elif not self.tree.rebuilding and started - self._announced >= self._announce_every():
            self._announced = started
            self._announce()
        self.refreshed.emit()

    def _announce_every(self) -> float:
        """Seconds between announcements: longer as the tree grows, so the view's layouts
        of all its rows stay a small share of the loop."""
        return ANNOUNCE_S + sum(self._shown.values()) / ANNOUNCE_ROWS

    def set_separator(self, separator: str) -> None:
        """Split topics on ``separator``; the tree is rebuilt over the next ticks."""
        self.tree.set_separator(separator)
        self._start_over()
        self.refresh(STEP_BUDGET_S)

    def _start_over(self) -> None:
        self.beginResetModel()
        self._generation = self.tree.generation
        self._shown.clear()
        self._pages.clear()
        self._more.clear()
        self.tree.take_grown()  # the reset shows them all
        stack = [ROOT]
        while stack:
            number = stack.pop()
            children = self.tree.children_of(number)
            if children:
                self._shown[number] = min(len(children), PAGE)
                if len(children) > PAGE:
                    self._more.add(number)
                stack.extend(children[:PAGE])
        self.endResetModel()

    def _announce(self) -> None:
        """One insert per shown parent that grew. Deepest first: a node that is not shown
        yet takes its children along when its own parent announces it, without signals of
        its own (10,000 new topics two levels down are one insert, not 10,000)."""
        tree = self.tree
        for number in sorted(tree.take_grown(), key=tree.depth, reverse=True):
            self._expose(number, self._is_shown(number))

    def _expose(self, number: int, signal: bool) -> None:
        """Show ``number``'s children up to its allowance of pages, and a "… more" row after
        them while it has more (with the view told, when ``signal``)."""
        total = len(self.tree.children_of(number))
        before = self._shown.get(number, 0)
        target = min(total, self._pages.get(number, 1) * PAGE)
        more = total > target
        if not signal:
            self._shown[number] = max(before, target)
            (self._more.add if more else self._more.discard)(number)
            return
        parent = QModelIndex()
        if number != ROOT:
            parent = self.createIndex(self.tree.rows[number], 0, number)
        if number in self._more and not more:
            self.beginRemoveRows(parent, before, before)
            self._more.discard(number)
            self.endRemoveRows()
        if target > before:
            self.beginInsertRows(parent, before, target - 1)
            self._shown[number] = target
            self.endInsertRows()
        if more and number not in self._more:
            self.beginInsertRows(parent, target, target)
            self._more.add(number)
            self.endInsertRows()

    def show_more(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """Another page of the children whose "… more" row ``index`` is."""
        number = self.more_at(index)
        if number is None:
            return False
        self._pages[number] = self._pages.get(number, 1) + 1
        self._expose(number, True)
        return True

    def _is_shown(self, number: int) -> bool:
        """Whether the view knows this node (it and its ancestors were announced)."""
        tree = self.tree
        while number != ROOT:
            parent = tree.parents[number]
            if tree.rows[number] >= self._shown.get(parent, 0):
                return False
            number = parent
        return True

    # -- lookups ----------------------------------------------------------------------------
    def node_at(self, index: QModelIndex | QPersistentModelIndex) -> TopicNode | None:
        if not index.isValid() or index.internalId() & _MORE:
            return None
        return self.tree.node(index.internalId())

    def more_at(self, index: QModelIndex | QPersistentModelIndex) -> int | None:
        """The node whose "… more" row ``index`` is, else None."""
        if not index.isValid() or not index.internalId() & _MORE:
            return None
        return index.internalId() & ~_MORE

    def find(self, socket: str, key: str | None = None) -> QModelIndex:
        """The row of ``socket``'s node (``key``: of its topic), if announced; a topic past
        the pages shown is shown with the pages up to it."""
        tree = self.tree
        number = tree.child(ROOT, socket)
        if number is None or tree.rows[number] >= self._shown.get(ROOT, 0):
            return QModelIndex()
        if key is not None:
            for part in key.split(tree.separator) if tree.separator else [key]:
                child = tree.child(number, part)
                if child is None:
                    return QModelIndex()
                row = tree.rows[child]
                if row >= self._shown.get(number, 0):
                    self._pages[number] = max(self._pages.get(number, 1), row // PAGE + 1)
                    self._expose(number, True)
                number = child
        return self.createIndex(tree.rows[number], 0, number)

    # -- QAbstractItemModel --------------------------------------------------------------------
    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()
    ) -> QModelIndex:
        number = parent.internalId() if parent.isValid() else ROOT
        shown = self._shown.get(number, 0)
        if not 0 <= column < len(HEADERS) or row < 0:
            return QModelIndex()
        if row < shown:
            return self.createIndex(row, column, self.tree.children_of(number)[row])
        if row == shown and number in self._more:
            return self.createIndex(row, column, number | _MORE)
        return QModelIndex()

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> Any:
        if not index.isValid():
            return QModelIndex()
        number = index.internalId()
        parent = number & ~_MORE if number & _MORE else self.tree.parents[number]
        if parent == ROOT:
            return QModelIndex()
        return self.createIndex(self.tree.rows[parent], 0, parent)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if not parent.isValid():
            number = ROOT
        elif parent.column() != 0 or parent.internalId() & _MORE:
            return 0
        else:
            number = parent.internalId()
        return self._shown.get(number, 0) + (number in self._more)

    def hasChildren(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return self.rowCount(parent) > 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == _DISPLAY:
            return HEADERS[section]
        if role == _TOOLTIP:
            return HEADER_TIPS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        node = self.node_at(index)
        if node is None:
            return self._more_data(index, role)
        column = index.column()
        if role == _DISPLAY:
            return self._display(node, column)
        if role == _ALIGN:
            return _RIGHT if column in _NUMERIC else None
        if role == _FOREGROUND:
            return brush("placeholder") if self.is_stale(node) else None
        if role == _TOOLTIP:
            return self._tooltip(node, column)
        if role == NODE_ROLE:
            return node
        return None

    def _more_data(self, index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
        number = self.more_at(index)
        if number is None or index.column() != COL_TOPIC:
            return None
        hidden = len(self.tree.children_of(number)) - self._shown.get(number, 0)
        if role == _DISPLAY:
            return f"… {hidden:,} more topics"
        if role == _FOREGROUND:
            return brush("placeholder")
        if role == _TOOLTIP:
            return f"Double-click (or Enter) to show {min(hidden, PAGE):,} more"
        return None

    def is_stale(self, node: TopicNode) -> bool:
        """Quiet for ``stale_s`` seconds (a socket's node too, when all of it is)."""
        stats = node.stats
        return stats.count > 0 and self.wall_clock() - stats.last_time >= self.stale_s

    def _display(self, node: TopicNode, column: int) -> str:
        stats = node.stats
        if column == COL_TOPIC:
            return node.label
        if column == COL_COUNT:
            return f"{stats.count:,}"
        if column == COL_RATE:
            return rate_text(stats.rate(self.wall_clock()))
        if column == COL_LATEST:
            return self.follower.latest_value(node)
        if column == COL_LAST:
            return since_text(self.wall_clock() - stats.last_time) if stats.count else ""
        return ""

    def _tooltip(self, node: TopicNode, column: int) -> str | None:
        if column == COL_LATEST:
            return self.follower.latest_value(node) or None
        if node.kind == OTHER:
            return (
                "Topics past the Topics view's limit, counted together "
                f"({self.tree.max_topics:,} topics, {self.tree.max_nodes:,} nodes)"
            )
        if node.kind == SOCKET:
            return f"Every message of socket {node.socket}"
        quiet = self.wall_clock() - node.stats.last_time
        tip = f"{node.key or node.label} on {node.socket}"
        if self.is_stale(node):
            tip += f"\nQuiet for {since_text(quiet)}"
        return tip
