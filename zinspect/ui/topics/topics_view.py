"""The Topics view: every socket's topics as a tree with counts, rates, latest values and how
long each has been quiet; selecting a node filters the traffic table to it.

The view only counts while someone can see it: hidden (its dock closed or behind another
tab) it stops, and shown again it counts what arrived meanwhile (what the store dropped in
between is reported as missed). Selecting a node says which socket and topic
(``topic_selected``); double-click, Enter or "Open latest" hand its newest message to the
Message pane (``latest_opened``). The main window connects both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.explore.topic_follow import TopicFollower
from zinspect.core.explore.topics import SEPARATORS, SOCKET, TopicTree, scope_of
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.topics.topics_model import (
    COL_COUNT,
    COL_LAST,
    COL_LATEST,
    COL_RATE,
    COL_TOPIC,
    TopicsModel,
)
from zinspect.ui.widgets.flow_bar import FlowBar

log = logging.getLogger(__name__)

DEFAULT_SEPARATOR = "/"
EXPAND_AT_MOST = 20  # new sockets opened at once
# the narrowest the Topic and Latest value columns get before the tree scrolls sideways
TOPIC_AT_LEAST = "sensors"
LATEST_AT_LEAST = "Latest"
CELL_MARGIN = 12  # a cell's padding either side of its text
TOPIC_SHARE = 0.5  # at most this share of what Count, Rate and Last leave goes to Topic
FITTED = (COL_TOPIC, COL_COUNT, COL_RATE, COL_LAST)  # sized to their content


class TopicsView(QWidget):
    """Separator chooser, the topic tree, Open latest, and a line of status."""

    topic_selected = Signal(object, object)  # socket name or None, TopicScope or None
    latest_opened = Signal(object)  # core.store.Message

    def __init__(
        self,
        bridge: SessionBridge,
        wall_clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        session = bridge.session
        self._types: dict[str, str] = {}
        self.follower = TopicFollower(
            session.store,
            TopicTree(DEFAULT_SEPARATOR),
            session.decoder,
            lambda name: self._types.get(name, ""),
        )
        self.model = TopicsModel(self.follower, wall_clock, self)
        self.destroyed.connect(self.follower.close)  # the store may outlive the view
        self.model.active = lambda: self.showing
        self.dock: QDockWidget | None = None
        self._build()
        self.model.refreshed.connect(self._on_model_refreshed)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        for handle in session.sockets:
            self._on_bridge_socket_added(handle)

    def _build(self) -> None:
        self.separator_combo = QComboBox(self)
        for label, separator in SEPARATORS.items():
            self.separator_combo.addItem(label, separator)
        self.separator_combo.setCurrentIndex(self.separator_combo.findData(DEFAULT_SEPARATOR))
        self.separator_combo.setToolTip(
            "Where a topic splits into levels of the tree: sensors/a/temp under / makes "
            "sensors, a, temp; none keeps each topic whole"
        )
        self.separator_combo.setAccessibleName("Topic separator")
        self.separator_combo.currentIndexChanged.connect(self._on_separator_combo_changed)
        separator_label = QLabel("Split on", self)
        separator_label.setBuddy(self.separator_combo)

        self.open_button = QPushButton("Open latest", self)
        self.open_button.setToolTip(
            "Show the newest message of the selected topic in the Message pane "
            "(or double-click the topic)"
        )
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_latest)

        view = self.view = QTreeView(self)
        view.setModel(self.model)
        view.setAccessibleName("Topics tree")
        view.setToolTip(
            "Messages grouped by socket and topic. Select a topic to filter the traffic "
            "table to it; double-click to open its newest message"
        )
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # cut at the end: a value's start and a topic level's first letters say the most
        # (the tooltips hold them whole); cut in the middle, "sensors" read "se…rs"
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(0)  # content widths from the rows on screen only
        metrics = view.fontMetrics()
        for column, sample in (
            (COL_TOPIC, "sensors/temperature"),
            (COL_COUNT, "1,000,000"),
            (COL_RATE, "10,000/s"),
            (COL_LAST, "10 min"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self._topic_width = header.sectionSize(COL_TOPIC)  # wanted: the sample's, or the user's
        self._user_sized: set[int] = set()  # columns the user dragged: their width stays
        self._content: dict[int, int] = {}  # the fitted columns' widths for what they show
        self._fitting = False
        header.sectionResized.connect(self._on_header_section_resized)
        view.viewport().installEventFilter(self)
        view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        view.activated.connect(self._on_view_activated)  # double-click or Enter

        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Topics status")
        self.status_label.setWordWrap(True)

        # wraps in a narrow dock: on one row its 207 px were the least width of the Message
        # dock it shares a tab with, at 1024 px taken from the traffic table
        bar = FlowBar(spacing=6)
        bar.add(separator_label)
        bar.add(self.separator_combo)
        bar.add(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(view, 1)
        layout.addWidget(self.status_label)

    # -- the columns -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _on_header_section_resized(self, column: int, _old: int, new: int) -> None:
        if column in FITTED and not self._fitting:
            self._user_sized.add(column)  # the user's choice, kept (the topic's while it fits)
            if column == COL_TOPIC:
                self._topic_width = new

    def _fit_to_content(self) -> None:
        """Size Topic, Messages, Rate and Last to what they show (their titles at least), so
        a default dock reads "(no topic)" and "10001 0 57" whole and Last stays in sight.
        The view measures only the rows on screen (the header's precision 0): ~3 ms with
        1,000 topics open, where every open row took 140 ms."""
        view, header = self.view, self.view.header()
        # widths only grow while the view lives: a rate from 9.9/s to 10/s moves nothing
        content = {
            column: max(
                self._content.get(column, 0),
                header.sectionSizeHint(column),
                view.sizeHintForColumn(column) + 8,
            )
            for column in FITTED
        }
        if content != self._content:
            self._content = content
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the viewport's width: Count, Rate and Last keep what they show (Last is
        always in sight), Topic takes what its names need up to half of the rest, never
        less than a short topic, and Latest value takes all that is left, cut at its end.
        Only when even those least widths do not fit does the tree scroll sideways. Runs
        on every resize of the dock, so a wider dock widens the two shared columns."""
        header, metrics = self.view.header(), self.view.fontMetrics()
        latest_least = metrics.horizontalAdvance(LATEST_AT_LEAST) + CELL_MARGIN
        # a topic sits under its socket: two indentations and its margins before its end
        topic_least = (
            metrics.horizontalAdvance(TOPIC_AT_LEAST) + 2 * self.view.indentation() + CELL_MARGIN
        )
        self._fitting = True
        try:
            for column in (COL_COUNT, COL_RATE, COL_LAST):
                if column in self._content and column not in self._user_sized:
                    header.resizeSection(column, self._content[column])
            fixed = sum(header.sectionSize(column) for column in (COL_COUNT, COL_RATE, COL_LAST))
            room = max(0, self.view.viewport().width() - fixed)
            wanted = self._topic_width
            if COL_TOPIC in self._content and COL_TOPIC not in self._user_sized:
                wanted = self._content[COL_TOPIC]
            most = room - latest_least
            if COL_TOPIC not in self._user_sized:
                most = min(most, int(room * TOPIC_SHARE))
            topic = max(topic_least, min(wanted, most))
            header.resizeSection(COL_TOPIC, topic)
            header.resizeSection(COL_LATEST, max(latest_least, room - topic))
        finally:
            self._fitting = False

    def clear_selection(self) -> None:
        """Select no topic: the topic filter it chose was removed in the traffic table."""
        self.view.selectionModel().clear()

    # -- showing ---------------------------------------------------------------------------
    @property
    def showing(self) -> bool:
        """Whether anyone can see the view (a dock tab behind another has no visible region)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def set_dock(self, dock: QDockWidget) -> None:
        """The dock that holds the view: counting runs while it is shown."""
        self.dock = dock
        dock.visibilityChanged.connect(self._on_dock_visibility_changed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.model.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.model.stop()

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible and self.isVisible():  # its tab came to the front: catch up now
            self.model.start()
            self.model.refresh(0)

    # -- reacting ----------------------------------------------------------------------------
    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        self._types[handle.name] = handle.type_name

    def _on_separator_combo_changed(self, _index: int) -> None:
        self.model.set_separator(self.separator_combo.currentData())

    def _on_model_rows_inserted(self, parent: QModelIndex, _first: int, _last: int) -> None:
        # a new socket: open it, its topics are what one came for (not 50,000 sockets of a
        # capture at once: each opened is a layout of its rows)
        if not parent.isValid() and _last - _first < EXPAND_AT_MOST:
            for row in range(_first, _last + 1):
                self.view.expand(self.model.index(row, 0))

    def _on_model_refreshed(self) -> None:
        self.view.viewport().update()
        self._fit_to_content()
        tree, follower = self.model.tree, self.follower
        parts = [f"{len(tree.topics):,} topic{'' if len(tree.topics) == 1 else 's'}"]
        if follower.behind:
            parts.append(f"counting… {follower.behind:,} messages to go")
        if tree.rebuilding:
            parts.append("splitting the topics again…")
        if follower.missed:
            parts.append(  # "the store" told a user nothing
                f"{follower.missed:,} messages not counted: they left memory before this "
                "view reached them"
            )
        text = " · ".join(parts)
        if self.status_label.text() != text:
            self.status_label.setText(text)

    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.model.node_at(current)
        self.open_button.setEnabled(node is not None and node.stats.latest_seq >= 0)
        if node is None:
            return
        # a socket, or its "… other topics" (not known one by one): the whole socket
        scope = None if node.kind == SOCKET else scope_of(node, self.model.tree.separator)
        self.topic_selected.emit(node.socket or None, scope)

    def _on_view_activated(self, index: QModelIndex) -> None:
        if self.model.show_more(index):
            return
        if self.model.node_at(index) is not None:
            self.open_latest()

    def open_latest(self) -> None:
        """Hand the selected topic's newest message to whoever shows messages."""
        node = self.model.node_at(self.view.currentIndex())
        if node is None or node.stats.latest_seq < 0:
            return
        message = self.follower.store.get(node.stats.latest_seq)
        if message is None:
            self.status_label.setText(
                "The newest message of this topic is no longer kept (the store's caps)"
            )
            return
        self.latest_opened.emit(message)

    def select(self, socket: str, key: str | None = None) -> bool:
        """Select ``socket``'s node (or its topic ``key``), as a click would."""
        index = self.model.find(socket, key)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        return True
