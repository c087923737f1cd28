"""The traffic table's columns as the user arranges them: shown or hidden (the header's
right-click menu), dragged into another order, resized, sorted by a click on a header, and
decoded fields added as columns; all remembered in the settings.

Hiding is the user's choice, kept apart from the columns ColumnFit sets aside while the
table is narrow (it is told which the user hid, and never shows those). Clicking a header
pauses the view and sorts the rows shown (TableModel says when there are too many); resuming
puts them back in arrival order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView

from zinspect.core.explore.fields import FieldPath, PathError
from zinspect.ui.traffic.column_fit import DROPPABLE, ColumnFit
from zinspect.ui.traffic.columns import COL_SUMMARY
from zinspect.ui.traffic.extra_columns import (
    FIELD_PREFIX,
    LATENCY,
    PEER,
    SINCE_PREVIOUS,
    SINCE_TOPIC,
)
from zinspect.ui.traffic.table_model import BASE_COLUMNS, TableModel

log = logging.getLogger(__name__)

SETTINGS_KEY = "traffic/columns"
MAX_FIELD_COLUMNS = 32  # decoded field columns kept (and read back from the settings)
MIN_WIDTH, MAX_WIDTH = 40, 2000  # saved widths outside these are not believed
EXTRA_WIDTH = 110  # an optional column's first width, at least
# the text an optional column usually shows, for its first width
SAMPLES = {
    PEER: "127.0.0.1, routing id client-00",
    SINCE_PREVIOUS: "+000.000 s",
    SINCE_TOPIC: "+000.000 s",
    LATENCY: "0000.0 ms",
}


class ColumnLayout:
    """Owns the header's menu, moves, sorting and the saved layout of the traffic ``view``."""

    def __init__(
        self,
        view: QTableView,
        model: TableModel,
        fit: ColumnFit,
        pause: Callable[[], None],
    ) -> None:
        self._view = view
        self._model = model
        self._fit = fit
        self._pause = pause
        self._say: Callable[[str], None] = log.info  # a sentence for the user: set_say
        self._settings: QSettings | None = None
        self._placed: set[str] = set()  # optional columns moved before Summary once
        self.hidden: set[str] = set(model.extra.ids)  # the user's choice, by column id
        header = view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        header.sectionClicked.connect(self._on_header_section_clicked)
        header.sectionMoved.connect(self._on_header_changed)
        model.modelReset.connect(self._on_model_model_reset)
        self._apply_hidden()

    def set_say(self, say: Callable[[str], None]) -> None:
        """Where sentences for the user go (the window's status bar)."""
        self._say = say

    # -- showing and hiding -----------------------------------------------------------------
    def is_shown(self, column: int) -> bool:
        return self._model.column_id(column) not in self.hidden

    def set_shown(self, column: int, shown: bool) -> None:
        if column == COL_SUMMARY:
            return  # the column people read, and the one that stretches: always there
        column_id = self._model.column_id(column)
        if column in DROPPABLE:  # asked for by name: a fit no longer hides it for room
            self._fit.pin(column, shown)
        if shown:
            self.hidden.discard(column_id)
            self._place(column)
        else:
            self.hidden.add(column_id)
        self._apply_hidden()
        self.save()

    def _place(self, column: int) -> None:
        """An optional column shown for the first time goes before Summary, at a width
        that fits its title (Summary stays last, stretched)."""
        column_id = self._model.column_id(column)
        if column < BASE_COLUMNS or column_id in self._placed:
            return
        self._placed.add(column_id)
        header = self._view.horizontalHeader()
        self._view.setColumnHidden(column, False)
        summary = header.visualIndex(COL_SUMMARY)
        if header.visualIndex(column) > summary:
            header.moveSection(header.visualIndex(column), summary)
        title = str(self._model.headerData(column, Qt.Orientation.Horizontal))
        text = max(title, SAMPLES.get(column_id, ""), key=len)
        width = self._view.fontMetrics().horizontalAdvance(text) + 24
        header.resizeSection(column, max(EXTRA_WIDTH, width))

    def _apply_hidden(self) -> None:
        columns = {self._model.column_of(column_id) for column_id in self.hidden}
        columns.discard(-1)
        for column in range(self._model.columnCount()):
            if column not in columns and column not in DROPPABLE:  # ColumnFit's own
                self._view.setColumnHidden(column, False)
        self._fit.set_user_hidden(columns)

    def add_field(self, path: FieldPath) -> int:
        """Show the decoded value at ``path`` as a column (-1, said why, past the limit)."""
        model = self._model
        fields = model.extra.field_paths()
        if path not in fields and len(fields) >= MAX_FIELD_COLUMNS:
            self._say(f"At most {MAX_FIELD_COLUMNS} field columns: remove one first")
            return -1
        column = model.add_field_column(path)
        self.hidden.discard(model.column_id(column))
        self._place(column)
        self._apply_hidden()
        self.save()
        return column

    def remove_field(self, column: int) -> None:
        column_id = self._model.column_id(column)
        if not column_id.startswith(FIELD_PREFIX):
            return
        self._model.remove_field_column(column)
        self.hidden.discard(column_id)
        self._placed.discard(column_id)
        self._apply_hidden()
        self.save()

    # -- the header's menu ----------------------------------------------------------------
    def menu(self, column: int = -1) -> QMenu:
        """The header's menu: a checkable entry per column; removing the field column
        clicked; arrival order when sorted."""
        menu = QMenu(self._view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        header = self._view.horizontalHeader()
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            title = str(self._model.headerData(logical, Qt.Orientation.Horizontal))
            for_room = self.is_shown(logical) and self._view.isColumnHidden(logical)
            action = QAction(title + (" (hidden: the table is narrow)" if for_room else ""), menu)
            action.setCheckable(True)
            action.setChecked(self.is_shown(logical) and not for_room)
            action.setEnabled(logical != COL_SUMMARY)
            tip = self._model.headerData(logical, Qt.Orientation.Horizontal, _TOOLTIP)
            action.setToolTip(str(tip or ""))
            action.toggled.connect(lambda checked, c=logical: self.set_shown(c, checked))
            menu.addAction(action)
        if column >= 0 and self._model.column_id(column).startswith(FIELD_PREFIX):
            menu.addSeparator()
            title = self._model.headerData(column, Qt.Orientation.Horizontal)
            remove = menu.addAction(f"Remove column {title}")
            remove.triggered.connect(lambda _checked=False: self.remove_field(column))
        if self._model.sorted:
            menu.addSeparator()
            arrival = menu.addAction("Arrival order")
            arrival.setToolTip("Undo the sort (resuming the view does too)")
            arrival.triggered.connect(lambda _checked=False: self._model.clear_sort())
        return menu

    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        header = self._view.horizontalHeader()
        self.menu(header.logicalIndexAt(pos)).popup(header.viewport().mapToGlobal(pos))

    # -- sorting --------------------------------------------------------------------------------
    def sort(self, column: int) -> bool:
        """Sort by ``column`` (again: the other way round), pausing the view first."""
        model = self._model
        descending = model.sorted and model.sort_column == column and not model.sort_descending
        if not model.paused:
            self._pause()
        problem = model.sort_rows(column, descending)
        header = self._view.horizontalHeader()
        if problem:
            self._say(problem)
            return False
        header.setSortIndicatorShown(True)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(column, order)
        title = model.headerData(column, Qt.Orientation.Horizontal)
        self._say(f"Sorted by {title}; resume the view for arrival order and new messages")
        return True

    def _on_header_section_clicked(self, column: int) -> None:
        self.sort(column)

    def _on_model_model_reset(self) -> None:
        if not self._model.sorted:
            self._view.horizontalHeader().setSortIndicatorShown(False)

    # -- remembering ----------------------------------------------------------------------------
    def _on_header_changed(self, *_args: object) -> None:
        self.save()

    def save(self) -> None:
        """Into the settings: at once after a choice in the menu or a move, and widths with
        the window's layout when it closes (nothing is written while the table only fits
        itself)."""
        if self._settings is None:
            return
        header = self._view.horizontalHeader()
        model = self._model
        order = [model.column_id(header.logicalIndex(v)) for v in range(header.count())]
        widths = {
            model.column_id(c): header.sectionSize(c)
            for c in range(header.count())
            if c != COL_SUMMARY and not self._view.isColumnHidden(c)
        }
        layout = {
            "fields": [path.text() for path in model.extra.field_paths()],
            "order": order,
            "hidden": sorted(self.hidden),
            "widths": widths,
        }
        self._settings.setValue(SETTINGS_KEY, json.dumps(layout))

    def restore(self, settings: QSettings) -> None:
        """The layout saved in ``settings`` (anything unreadable in it is left out), and
        save there from now on."""
        self._settings = None  # nothing is saved while it is being read
        text = settings.value(SETTINGS_KEY)
        try:
            layout = json.loads(text) if isinstance(text, str) else {}
        except ValueError:
            log.warning("the saved traffic columns are not readable; defaults used")
            layout = {}
        if not isinstance(layout, dict):
            layout = {}
        self._restore(layout)
        self._settings = settings

    def _restore(self, layout: dict) -> None:
        model = self._model
        header = self._view.horizontalHeader()
        for text in _strings(layout.get("fields"))[:MAX_FIELD_COLUMNS]:
            try:
                model.add_field_column(FieldPath.parse(text))
            except PathError:
                log.warning("a saved field column's path is not readable; left out")
        hidden = _strings(layout.get("hidden"))
        if "hidden" in layout:
            self.hidden = {i for i in hidden if model.column_of(i) >= 0 and i != "Summary"}
        self._placed = {i for i in model.extra.ids if i not in self.hidden}
        for visual, column_id in enumerate(_strings(layout.get("order"))):
            column = model.column_of(column_id)
            if column >= 0 and visual < header.count():
                header.moveSection(header.visualIndex(column), visual)
        widths = layout.get("widths")
        if isinstance(widths, dict):
            for column_id, width in widths.items():
                column = model.column_of(str(column_id))
                ok = isinstance(width, int) and MIN_WIDTH <= width <= MAX_WIDTH
                if column >= 0 and column != COL_SUMMARY and ok:
                    header.resizeSection(column, width)
        self._apply_hidden()


_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
