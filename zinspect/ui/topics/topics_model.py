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
from zinspect.core.explore.topics import OTHER, SOCKET, TopicNode
from zinspect.ui.widgets.theme import brush

log = logging.getLogger(__name__)

COL_TOPIC, COL_COUNT, COL_RATE, COL_LATEST, COL_LAST = range(5)
HEADERS = ("Topic", "Messages", "Rate", "Latest value", "Last")
HEADER_TIPS = (
    "Sockets, and their topics split on the separator",
    "Messages on this topic and every topic below it",
    "Messages per second over the last 5 seconds",
    "The newest message of the topic, decoded, on one line",
    "Time since the newest message; grey when the topic has been quiet for a while",
)
REFRESH_MS = 250  # figures and "last" times move at 4 Hz
BEHIND_MS = 100  # while messages wait to be counted
STEP_BUDGET_S = 0.006  # counting per tick: a flood keeps most of the loop for the sockets
STALE_S = 10.0  # a topic quiet this long is drawn grey
NODE_ROLE = int(Qt.ItemDataRole.UserRole)

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
        self._root = self.tree.root
        self._generation = self.tree.generation
        self._shown: dict[TopicNode, int] = {}  # children announced, per node
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._running = False

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
            self.refresh(STEP_BUDGET_S)
        finally:
            if self._running:
                self._timer.start(BEHIND_MS if self.follower.behind else REFRESH_MS)

    def refresh(self, budget_s: float = float("inf")) -> None:
        """Count for at most ``budget_s``, announce new nodes, and ask for a repaint."""
        self.follower.step(time.monotonic() + budget_s)
        if self.tree.generation != self._generation:
            self._start_over()
        else:
            self._announce()
        self.refreshed.emit()

    def set_separator(self, separator: str) -> None:
        """Split topics on ``separator``; the tree is rebuilt over the next ticks."""
        self.tree.set_separator(separator)
        self._start_over()
        self.refresh(STEP_BUDGET_S)

    def _start_over(self) -> None:
        self.beginResetModel()
        self._root = self.tree.root
        self._generation = self.tree.generation
        self._shown.clear()
        self.tree.take_grown()  # the reset shows them all
        self._shown_all(self._root)
        self.endResetModel()

    def _shown_all(self, node: TopicNode) -> None:
        stack = [node]
        while stack:
            item = stack.pop()
            if item.children:
                self._shown[item] = len(item.children)
                stack.extend(item.children)

    def _announce(self) -> None:
        """One insert per parent that grew, parents first (a new node's children are
        announced after the node itself)."""
        grown = self.tree.take_grown()
        for node in sorted(grown, key=lambda item: len(item.path())):
            shown = self._shown.get(node, 0)
            total = len(node.children)
            if total <= shown:
                continue
            self.beginInsertRows(self.index_of(node), shown, total - 1)
            self._shown[node] = total
            self.endInsertRows()

    # -- lookups ----------------------------------------------------------------------------
    def node_at(self, index: QModelIndex | QPersistentModelIndex) -> TopicNode | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, TopicNode) else None

    def index_of(self, node: TopicNode, column: int = 0) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def find(self, socket: str, key: str | None = None) -> QModelIndex:
        """The row of ``socket``'s node (``key``: of its topic), if announced."""
        for node in self._root.children[: self._shown.get(self._root, 0)]:
            if node.kind == SOCKET and node.socket == socket:
                break
        else:
            return QModelIndex()
        if key is None:
            return self.index_of(node)
        parts = key.split(self.tree.separator) if self.tree.separator else [key]
        for part in parts:
            child = node.lookup.get(part)
            if child is None or child.row >= self._shown.get(node, 0):
                return QModelIndex()
            node = child
        return self.index_of(node)

    # -- QAbstractItemModel --------------------------------------------------------------------
    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()
    ) -> QModelIndex:
        node = self.node_at(parent) if parent.isValid() else self._root
        if node is None or not 0 <= row < self._shown.get(node, 0) or not 0 <= column < 5:
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()) -> Any:
        node = self.node_at(index)
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid():
            if parent.column() != 0:
                return 0
            node = self.node_at(parent)
            return self._shown.get(node, 0) if node is not None else 0
        return self._shown.get(self._root, 0)

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
            return None
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
