"""The live traffic table with its filter bar, pause and clear.

The panel owns the presentation policy the model should not know about: which filter the
controls mean (and keeping the last valid one while the user types a broken regex), following
the newest row unless the user scrolled away, and turning the current row into
``message_selected`` (the preview: a big frame as its head, MessageStore.preview).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QWidget,
)

from zinspect.core.explore.topics import TopicScope
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, OUT, MessageStore
from zinspect.core.traffic_filter import FilterError, PeerScope, TrafficFilter
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.status import clear_tip
from zinspect.ui.traffic.column_fit import ColumnFit
from zinspect.ui.traffic.column_layout import ColumnLayout
from zinspect.ui.traffic.columns import COL_SOCKET, COL_SUMMARY
from zinspect.ui.traffic.filter_progress import FilterProgress
from zinspect.ui.traffic.filter_words import FILTER_TIP, REGEX_TIP, dropped_words
from zinspect.ui.traffic.row_selection import shown_row
from zinspect.ui.traffic.socket_delegate import SocketNameDelegate, SummaryDelegate
from zinspect.ui.traffic.table_metrics import column_widths, row_height, set_row_height
from zinspect.ui.traffic.table_model import TableModel
from zinspect.ui.traffic.topic_chip import TopicChip
from zinspect.ui.traffic.traffic_rows import TrafficRows
from zinspect.ui.widgets.a11y import describe_clear_button
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.flow_bar import FlowBar
from zinspect.ui.widgets.theme import mark_toggle, set_style

log = logging.getLogger(__name__)

PAUSE_SHORTCUT = "Ctrl+P"
CLEAR_SHORTCUT = "Ctrl+L"
TEXT_FILTER_DELAY_MS = 150  # typing pauses this long before the table refilters


class TrafficPanel(TrafficRows, QWidget):
    """Filter bar, live table of every message in and out, pause and clear."""

    message_selected = Signal(object)  # core.store.Message (a preview), or None after Clear
    rows_changed = Signal()  # the selection, or every row at once (clear, new filter)

    def __init__(
        self, bridge: SessionBridge, store: MessageStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._store = store
        self._follow = True
        self._model_removing = False
        self._scroll_before_remove = 0
        self._valid_text = ""
        self._valid_regex = False
        self._too_slow: tuple[str, str] | None = None  # a dropped regex, and why (in words)

        self.model = TableModel(store, self, bridge.session.decoder)
        # Before the view's selection model connects: it moves the current row off removed
        # rows, and that must not count as the user selecting another message.
        self.model.rowsAboutToBeRemoved.connect(self._on_model_rows_about_to_be_removed)
        self._build_filter_bar()
        self._build_actions()  # before the view: sorting pauses it
        self._build_view()
        self._build_status()
        self._lay_out()

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_FILTER_DELAY_MS)
        self._text_timer.timeout.connect(self._on_text_timer_timeout)

        self._connect()
        for handle in bridge.session.sockets:
            self._on_bridge_socket_added(handle)
        self._update_status()

    # -- public API -------------------------------------------------------------------
    def focus_filter(self) -> None:
        """Put the keyboard in the filter text (the main window's Ctrl+F)."""
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def set_socket_filter(self, name: str | None) -> None:
        """Show only the traffic of socket ``name`` (None: all sockets)."""
        if name is None:
            self.socket_combo.setCurrentIndex(0)
            return
        index = self.socket_combo.findData(name)
        if index < 0:
            self.add_socket_names([name])
            index = self.socket_combo.count() - 1
        self.socket_combo.setCurrentIndex(index)

    def set_topic_filter(self, socket: str | None, scope: TopicScope | PeerScope | None) -> None:
        """Show only ``socket``'s messages on ``scope`` (a node of the Topics view, or a
        peer), with a removable chip for it in the filter bar."""
        self.topic_chip.set_scope(scope, socket)
        self.set_socket_filter(socket)
        self._apply_filter()

    @property
    def following(self) -> bool:
        """Whether the table scrolls to new rows (False while the user has scrolled up)."""
        return self._follow

    def set_font_points(self, points: int) -> None:
        """The table's text in ``points`` (0: the system's size); rows and columns follow."""
        font = QFont()
        if points > 0:
            font.setPointSize(points)
        self.view.setFont(font)
        self.model.set_summary_points(points)
        self._fit_table()

    def set_time_format(self, time_format: str) -> None:
        """The Time column as the clock or seconds (core.message_time), its width to fit."""
        self.model.set_time_format(time_format)
        self._fit_table()

    def _fit_table(self) -> None:
        set_row_height(self.view, row_height(self.view, self.model.summary_font))
        self.column_fit.set_widths(column_widths(self.view, self.model.time_format))

    # -- building -----------------------------------------------------------------------
    def _build_filter_bar(self) -> None:
        self.socket_combo = QComboBox(self)
        self.socket_combo.addItem("All sockets", None)
        self.socket_combo.setToolTip("Show the traffic of one socket only")
        self.socket_combo.setAccessibleName("Socket filter")
        # Long socket names must not push the filter text out of a narrow panel.
        self.socket_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.socket_combo.setMinimumContentsLength(10)
        # a capture may bring 50,000 names: rows of one height are laid out at once
        self.socket_combo.view().setUniformItemSizes(True)  # type: ignore[attr-defined]
        self._filter_names: set[str] = set()  # the socket names among the combo's choices

        self.direction_combo = QComboBox(self)
        self.direction_combo.addItem("In and out", None)
        self.direction_combo.addItem("← In only", IN)
        self.direction_combo.addItem("→ Out only", OUT)
        self.direction_combo.setToolTip("Show received messages (in), sent messages (out), or both")
        self.direction_combo.setAccessibleName("Direction filter")

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter text…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(FILTER_TIP)
        self.filter_edit.setAccessibleName("Filter text")
        describe_clear_button(self.filter_edit, "filter")
        # its whole placeholder (and the clear button): the bar wraps before cutting it
        self.filter_edit.setMinimumWidth(
            self.filter_edit.fontMetrics().horizontalAdvance(self.filter_edit.placeholderText())
            + 44
        )

        self.topic_chip = TopicChip(self.socket_combo, self)
        self.regex_check = QCheckBox("Regex", self)
        self.regex_check.setToolTip(REGEX_TIP)
        self.regex_check.setAccessibleName("Filter text is a regular expression")

        self.filter_error = QLabel(self)
        set_style(self.filter_error, ERROR_TEMPLATE)
        self.filter_error.setWordWrap(True)
        self.filter_error.setAccessibleName("Filter error")
        self.filter_error.setToolTip(
            "Why the filter text cannot be used; the previous "
            "filter stays in force until it is fixed"
        )
        self.filter_error.hide()

    def _build_view(self) -> None:
        view = QTableView(self)
        self.view = view
        view.setModel(self.model)
        view.setAccessibleName("Traffic table")
        view.setToolTip(
            "Every message in and out, oldest first. Select one to see its frames; "
            "scroll up to stop following new messages"
        )
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long texts keep both ends
        view.setItemDelegateForColumn(COL_SOCKET, SocketNameDelegate(view))  # both ends kept
        view.setItemDelegateForColumn(COL_SUMMARY, SummaryDelegate(view))
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)
        view.setSortingEnabled(False)
        view.setCornerButtonEnabled(False)
        vertical = view.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        set_row_height(view, row_height(view, self.model.summary_font))
        vertical.hide()
        header = view.horizontalHeader()
        header.setAccessibleName("Traffic table columns")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The stretched last section never shrinks below its width when stretching starts
        # (100 px by default): start it small, or a narrow table scrolls sideways as soon as
        # the vertical scroll bar appears.
        for column, width in column_widths(view, self.model.time_format).items():
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.column_fit = ColumnFit(view)
        self.columns = ColumnLayout(view, self.model, self.column_fit, self.pause_action.trigger)

    def _build_status(self) -> None:
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Message count")
        self.count_label.setToolTip("Rows in the table, and messages kept in memory")
        self.filter_progress = FilterProgress(self.model, self)
        self.progress_label = self.filter_progress.label
        self.paused_label = QLabel(self)
        self.paused_label.setAccessibleName("Paused view")
        self.paused_label.setToolTip(
            "The table is frozen; capture continues. Resume with "
            f"Pause view ({PAUSE_SHORTCUT}) to see the new messages"
        )
        set_style(self.paused_label, "font-weight: bold;")
        self.paused_label.hide()
        self.follow_button = QToolButton(self)
        self.follow_button.setText("↓ Newest")
        self.follow_button.setToolTip(
            "You scrolled up, so new messages no longer scroll "
            "into view. Jump to the newest and follow again"
        )
        self.follow_button.setAccessibleName("Jump to newest message")
        self.follow_button.setAutoRaise(True)
        self.follow_button.hide()

    def _build_actions(self) -> None:
        self.pause_action = QAction("Pause view", self)
        self.pause_action.setCheckable(True)
        self.pause_action.setShortcut(QKeySequence(PAUSE_SHORTCUT))
        self.pause_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.pause_action.setToolTip(
            f"Freeze the table to read it ({PAUSE_SHORTCUT}). Capture continues; the new "
            "messages appear when you resume"
        )
        # "Clear traffic" in menus and the shortcut list; the button says just "Clear"
        self.clear_action = QAction("Clear traffic", self)
        self.clear_action.setIconText("Clear")
        self.clear_action.setShortcut(QKeySequence(CLEAR_SHORTCUT))
        self.clear_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.clear_action.setToolTip(clear_tip(CLEAR_SHORTCUT))
        self.addAction(self.pause_action)
        self.addAction(self.clear_action)

        self.pause_button = QToolButton(self)
        self.pause_button.setDefaultAction(self.pause_action)
        self.pause_button.setAccessibleName("Pause view")
        mark_toggle(self.pause_button)
        self.clear_button = QToolButton(self)
        self.clear_button.setDefaultAction(self.clear_action)
        self.clear_button.setAccessibleName("Clear traffic")

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        # one row when the panel is wide enough, more rows (nothing squeezed) when it is not
        bar = FlowBar(spacing=6)
        bar.add(self.filter_edit, stretch=True)
        scope = (self.regex_check, self.topic_chip, self.socket_combo, self.direction_combo)
        for widget in (*scope, self.pause_button, self.clear_button):
            bar.add(widget)
        grid.addLayout(bar, 0, 0, 1, 6)
        bar.tab_in_order(then=self.view)
        grid.addWidget(self.filter_error, 1, 0, 1, 6)
        grid.addWidget(self.view, 2, 0, 1, 6)
        status = QHBoxLayout()
        status.setSpacing(12)
        status.addWidget(self.count_label)
        status.addStretch(1)
        status.addWidget(self.filter_progress)
        status.addWidget(self.paused_label)
        status.addWidget(self.follow_button)
        grid.addLayout(status, 3, 0, 1, 6)
        grid.setRowStretch(2, 1)

    def _connect(self) -> None:
        self._bridge.socket_added.connect(self._on_bridge_socket_added)
        self._bridge.socket_removed.connect(self._on_bridge_socket_removed)
        self.socket_combo.currentIndexChanged.connect(self._on_filter_combo_current_index_changed)
        self.direction_combo.currentIndexChanged.connect(
            self._on_filter_combo_current_index_changed
        )
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.returnPressed.connect(self._on_filter_edit_return_pressed)
        self.regex_check.toggled.connect(self._on_regex_check_toggled)
        self.topic_chip.cleared.connect(self._apply_filter)
        self.pause_action.toggled.connect(self._on_pause_action_toggled)
        self.clear_action.triggered.connect(self._on_clear_action_triggered)
        self.follow_button.clicked.connect(self.follow_newest)
        self.model.refreshed.connect(self._update_status)
        self.model.filter_failed.connect(self._on_model_filter_failed)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.model.rowsRemoved.connect(self._on_model_rows_removed)
        self.model.modelReset.connect(self._on_model_model_reset)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scroll_bar_value_changed)
        self.view.selectionModel().currentRowChanged.connect(self._on_selection_current_row_changed)
        self.view.selectionModel().selectionChanged.connect(self.rows_changed)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_current_row_changed)
        self.model.modelReset.connect(self.rows_changed)
        self.model.modelReset.connect(self._on_selection_current_row_changed)

    # -- sockets --------------------------------------------------------------------------
    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        self.model.set_socket_type(handle.name, handle.type_name)
        index = self.socket_combo.findData(handle.name)
        if index < 0:
            self.add_socket_names([handle.name])
        else:  # a name used again after its socket closed
            self.socket_combo.setItemText(index, handle.name)

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        # Its rows stay (and still decode with its type), so the name stays filterable.
        index = self.socket_combo.findData(handle.name)
        if index >= 0:
            self.socket_combo.setItemText(index, f"{handle.name} (closed)")

    # -- filter -----------------------------------------------------------------------------
    def _on_filter_combo_current_index_changed(self, _index: int) -> None:  # socket, direction
        self._apply_filter()

    def _on_filter_edit_text_changed(self, _text: str) -> None:
        self._text_timer.start()

    def _on_filter_edit_return_pressed(self) -> None:
        self._too_slow = None  # Enter tries a dropped regex again (after Clear, say)
        self._apply_filter()

    def _on_text_timer_timeout(self) -> None:
        self._apply_filter()

    def _on_regex_check_toggled(self, _checked: bool) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        """Give the model the filter the controls describe; on a bad regex, say why beside
        the field and keep the last valid text part (socket and direction still apply)."""
        self._text_timer.stop()
        socket = self.socket_combo.currentData()
        direction = self.direction_combo.currentData()
        text, regex = self.filter_edit.text(), self.regex_check.isChecked()
        topic, peer = self.topic_chip.scope, self.topic_chip.peer
        wanted = TrafficFilter(socket, direction, text, regex and bool(text), topic, peer)
        slow = self._too_slow
        try:
            if slow is not None and wanted.regex and wanted.text == slow[0]:
                raise FilterError(slow[1])
            wanted.compile()
        except FilterError as error:
            self.filter_error.setText(str(error))
            self.filter_error.show()
            valid = (self._valid_text, self._valid_regex)
            wanted = TrafficFilter(socket, direction, *valid, topic, peer)
        else:
            self.filter_error.hide()
            self.filter_error.clear()
            self._valid_text, self._valid_regex = wanted.text, wanted.regex
        self.model.set_filter(wanted)
        self._update_status()

    def _on_model_filter_failed(self, reason: str, failed: TrafficFilter) -> None:
        """The model dropped a regex that took too long: say why and what the table shows;
        that text counts as invalid until it changes."""
        shown = self.model.filter
        self._valid_text, self._valid_regex = shown.text, shown.regex
        self._too_slow = (failed.text, dropped_words(reason, shown))
        self.filter_error.setText(self._too_slow[1])
        self.filter_error.show()

    # -- pause, clear -----------------------------------------------------------------------
    def _on_pause_action_toggled(self, checked: bool) -> None:
        self.model.set_paused(checked)
        self._update_status()

    def _on_clear_action_triggered(self) -> None:
        """Discard the traffic (the user's intent), then forget closed sockets' names."""
        self._store.clear()
        self.model.reset_to_store()
        live = {handle.name for handle in self._bridge.session.sockets}
        combo = self.socket_combo
        if combo.currentData() not in live:
            combo.setCurrentIndex(0)  # "All sockets"
        gone = [index for index in range(1, combo.count()) if combo.itemData(index) not in live]
        model = combo.model()
        while gone:  # whole runs at once: a capture may have brought 50,000 names
            end = gone.pop()
            start = end
            while gone and gone[-1] == start - 1:
                start = gone.pop()
            model.removeRows(start, end - start + 1)
        self._filter_names &= live
        self.message_selected.emit(None)
        self._update_status()

    def _update_status(self) -> None:
        rows = self.model.rowCount()
        kept = self.model.considered_count  # (paused: up to the pause, like the matches)
        if self.model.filter.active:
            text = f"{rows:,} of {kept:,} messages match"
            if self.model.paused:
                text += " (up to the pause)"
        else:
            text = f"{rows:,} message{'' if rows == 1 else 's'}"
        if self.count_label.text() != text:
            self.count_label.setText(text)
        if self.model.paused:
            paused = f"Paused — {self.model.pending_count:,} new"
            if self.paused_label.text() != paused:
                self.paused_label.setText(paused)
            self.paused_label.show()
        else:
            self.paused_label.hide()

    # -- following the newest row, selection ------------------------------------------------
    def _on_model_rows_inserted(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        if self._follow:
            self.view.scrollToBottom()

    def _on_model_rows_about_to_be_removed(
        self, _parent: QModelIndex, _first: int, _last: int
    ) -> None:
        self._model_removing = True
        self._scroll_before_remove = self.view.verticalScrollBar().value()

    def _on_model_rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._model_removing = False
        if not self._follow and first == 0:
            # Keep the rows the user is reading in place while the oldest ones go.
            bar = self.view.verticalScrollBar()
            bar.setValue(max(0, self._scroll_before_remove - (last - first + 1)))

    def _on_model_model_reset(self) -> None:
        self._set_follow(True)
        self.view.scrollToBottom()

    def _on_scroll_bar_value_changed(self, value: int) -> None:
        if self._model_removing:
            return
        self._set_follow(value >= self.view.verticalScrollBar().maximum())

    def show_new_workspace(self) -> None:
        """Every socket was replaced: no filter of the old workspace (its topic or text
        matched none of the new messages either) hides them; the table shows the newest."""
        for combo in (self.socket_combo, self.direction_combo):
            was = combo.blockSignals(True)  # one filter applied below, not three
            combo.setCurrentIndex(0)
            combo.blockSignals(was)
        self.topic_chip.set_scope(None)
        self.filter_edit.clear()  # its text timer is stopped by the filter applied now
        self._apply_filter()
        self.follow_newest()

    def follow_newest(self) -> None:
        self._set_follow(True)
        self.view.scrollToBottom()

    def _set_follow(self, follow: bool) -> None:
        if follow != self._follow:
            self._follow = follow
            self.follow_button.setVisible(not follow)

    def _on_selection_current_row_changed(self, *_args: object) -> None:
        """Also on selection changes and model resets: the Message pane shows the highlighted
        row (row_selection), so the two never disagree."""
        if self._model_removing:
            return  # the selected message was dropped: keep showing it (it is still valid)
        row = shown_row(self.view, self.view.currentIndex())
        self.message_selected.emit(self.model.preview_at(row) if row >= 0 else None)
