"""The Plot dock: decoded values over time and messages per second, refreshed in batches.

Two tabs share one feed of the store (core.explore.series_feed): Values, the series the user
added (a field of a socket's messages on a topic), and Rates, messages per second per socket
or per topic. A 100 ms timer takes the new rows within the feed's budget and hands each line
its numpy arrays; nothing runs per message, and rates are counted only while the dock shows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.rates import BY_SOCKET, BY_TOPIC
from zinspect.core.explore.series import SeriesKey, ValueSeries
from zinspect.core.explore.series_feed import SeriesFeed
from zinspect.core.store import MessageStore
from zinspect.ui.plot.plot_windows import WINDOWS
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE
from zinspect.ui.widgets.inputs import make_button
from zinspect.ui.widgets.soon import call_soon
from zinspect.ui.widgets.theme import set_style

if TYPE_CHECKING:
    from zinspect.ui.plot.plot_canvas import PlotCanvas

log = logging.getLogger(__name__)

REFRESH_MS = 100
# Painting takes at most this share of the time: a plot whose frames cost 20 ms is
# redrawn every 400 ms, not every 100 (the sockets share the one thread).
PAINT_SHARE = 0.05
FLOOD_REDRAW_S = 0.5  # under a flood (the feed samples) the plots move at 2 Hz
RATE_GROUPS = {"per socket": BY_SOCKET, "per topic": BY_TOPIC}
SERIES_ROLE = int(Qt.ItemDataRole.UserRole)


class PlotPanel(QWidget):
    """Values and rates over time; ``add_series_requested`` asks for the Add series dialog."""

    add_series_requested = Signal()

    def __init__(
        self,
        store: MessageStore,
        decoder: MessageDecoder,
        socket_type: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("plot_panel")
        self.feed = SeriesFeed(store, decoder, socket_type)
        # the plots are made when first needed: importing pyqtgraph costs the start-up
        # a third of a second, and most sessions never open the Plot dock
        self._values: PlotCanvas | None = None
        self._rates: PlotCanvas | None = None
        self._window_title = next(iter(WINDOWS))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._values_tab(), "Values")
        self.tabs.addTab(self._rates_tab(), "Rates")
        self.tabs.setTabToolTip(0, "Decoded fields over time (Add series…)")
        self.tabs.setTabToolTip(1, "Messages per second, per socket or per topic")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        self.window_combo = QComboBox()
        self.window_combo.addItems(list(WINDOWS))
        self.window_combo.setAccessibleName("Time window")
        self.window_combo.setToolTip(
            "How much time the plots show; panning or zooming stops following new points "
            "until a window is chosen again"
        )
        self.window_combo.activated.connect(self._on_window_combo_activated)
        self.clear_button = make_button(
            "Clear",
            "Clear plot points",
            "Forget every point of every line (series stay); Clear traffic does it too",
        )
        self.clear_button.clicked.connect(self.clear)
        corner = QWidget()  # beside the tabs: no row of its own, the dock stays short
        top = QHBoxLayout(corner)
        top.setContentsMargins(0, 0, 0, 2)
        top.addWidget(QLabel("Show"))
        top.addWidget(self.window_combo)
        top.addWidget(self.clear_button)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        self._dirty = False  # points came that the plots do not show yet
        self._last_redraw = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(REFRESH_MS)
        listener = self._on_store_before_clear
        store.on_before_clear.append(listener)
        # the store may outlive the panel (a session kept after its window closed)
        self.destroyed.connect(lambda: store.on_before_clear.remove(listener))

    def _values_tab(self) -> QWidget:
        self.series_list = QListWidget()
        self.series_list.setAccessibleName("Plotted series")
        self.series_list.setToolTip("The plotted fields: their points, and what was not a number")
        self.series_list.currentRowChanged.connect(self._update_buttons)
        self.add_button = make_button(
            "Add series…", "Add plot series", "Plot a field of the messages on a socket and topic"
        )
        self.add_button.clicked.connect(self.add_series_requested)
        self.remove_button = make_button(
            "Remove", "Remove plot series", "Stop plotting the selected series"
        )
        self.remove_button.clicked.connect(self.remove_selected)
        self.sample_note = QLabel()
        set_style(self.sample_note, NOTE_TEMPLATE)
        self.sample_note.setWordWrap(True)
        self.series_list.setMinimumHeight(40)
        self.series_list.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        side = QVBoxLayout()  # beside the plot: a wide, short dock keeps the plot tall
        side.setContentsMargins(0, 0, 0, 0)
        side.addLayout(buttons)
        side.addWidget(self.series_list, 1)
        side.addWidget(self.sample_note)
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        self._values_box = QVBoxLayout()
        self._values_box.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._values_box, 3)
        layout.addLayout(side, 1)
        self._update_buttons()
        return tab

    def _rates_tab(self) -> QWidget:
        self.group_combo = QComboBox()
        self.group_combo.addItems(list(RATE_GROUPS))
        self.group_combo.setAccessibleName("Rates grouped")
        self.group_combo.setToolTip("One line per socket, or one per topic (at most 32 lines)")
        self.group_combo.activated.connect(self._on_group_combo_activated)
        row = QHBoxLayout()
        row.addWidget(QLabel("Messages per second"))
        row.addWidget(self.group_combo)
        row.addStretch(1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        self._rates_box = QVBoxLayout()
        self._rates_box.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rates_box, 1)
        return tab

    @property
    def values(self) -> PlotCanvas:
        """The plot of the value series (made on first use)."""
        if self._values is None:
            self._values = self._make_canvas("value", self._values_box)
        return self._values

    @property
    def rates(self) -> PlotCanvas:
        """The plot of messages per second (made on first use)."""
        if self._rates is None:
            self._rates = self._make_canvas("messages/s", self._rates_box, from_zero=True)
        return self._rates

    def _make_canvas(self, y_label: str, box: QVBoxLayout, from_zero: bool = False) -> PlotCanvas:
        from zinspect.ui.plot.plot_canvas import PlotCanvas

        canvas = PlotCanvas(y_label, from_zero=from_zero)
        canvas.set_window(WINDOWS[self._window_title])
        box.addWidget(canvas)
        return canvas

    # -- what others use ---------------------------------------------------------------------
    def add_series(self, key: SeriesKey) -> ValueSeries:
        """Plot ``key`` (from the messages the store keeps on); the Values tab comes forward."""
        series = self.feed.add(key)
        if self._item_of(series) is None:
            item = QListWidgetItem()
            item.setData(SERIES_ROLE, series)
            self.series_list.addItem(item)
            log.info("plotting %s", key.label())
        self.tabs.setCurrentIndex(0)
        self.series_list.setCurrentRow(self.series_list.count() - 1)
        self.redraw()
        return series

    def series(self) -> list[ValueSeries]:
        return list(self.feed.series)

    def remove_selected(self) -> None:
        item = self.series_list.currentItem()
        if item is None:
            return
        series = item.data(SERIES_ROLE)
        self.feed.remove(series)
        self.values.remove_line(_line_key(series.key))
        self.series_list.takeItem(self.series_list.row(item))
        self._update_buttons()

    def clear(self) -> None:
        self.feed.clear()
        self._forget_rate_lines()
        self.redraw()

    def _on_store_before_clear(self) -> None:
        """Clear traffic forgets the messages these points and rates were counted from, so
        the plots start again with the table (the series stay), as this dock's Clear does:
        the Rates tab kept drawing the old rates beside an empty table. A plot never made
        is not made now (pyqtgraph costs a third of a second to import)."""
        self.feed.clear()
        self._forget_rate_lines()
        if self._values is not None:
            self.redraw()

    def _forget_rate_lines(self) -> None:
        """The rate plot's lines go with the counts they showed (they come back as counted)."""
        if self._rates is not None:
            for key in self._rates.line_keys():
                self._rates.remove_line(key)

    def set_window(self, title: str) -> None:
        """Show the time window named ``title`` (a key of WINDOWS) in both plots."""
        self._window_title = title
        self.window_combo.setCurrentText(title)
        for canvas in (self._values, self._rates):
            if canvas is not None:
                canvas.set_window(WINDOWS[title])

    # -- refreshing --------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # a tab behind another is "shown" too; owned by self: never once it is gone
        call_soon(self, self._on_shown)
        self._count_rates()

    def _on_shown(self) -> None:
        if self._on_screen() and self._values is None:
            self.redraw()  # makes the plots: the dock really shows them

    def _on_screen(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.feed.show_rates(None)  # counting rates costs; nobody sees them now

    def _count_rates(self) -> None:
        """Count rates while the Rates tab shows; counting starts afresh each time."""
        showing = self.isVisible() and self.tabs.currentIndex() == 1
        before = self.feed.rates
        self.feed.show_rates(RATE_GROUPS[self.group_combo.currentText()] if showing else None)
        if self.feed.rates is not before and self.feed.rates is not None:
            self._forget_rate_lines()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._count_rates()
        self.redraw()

    def _on_group_combo_activated(self, _index: int) -> None:
        self._count_rates()
        self.redraw()

    def _on_window_combo_activated(self, _index: int) -> None:
        self.set_window(self.window_combo.currentText())

    def _on_timer_timeout(self) -> None:
        self._dirty |= self.feed.poll()
        if not self._dirty or not self._on_screen():
            return
        now = time.monotonic()
        shown = [c for c in (self._values, self._rates) if c is not None]
        interval = max((c.paint_s for c in shown), default=0.0) / PAINT_SHARE
        if self.feed.last_stride > 1:
            interval = max(interval, FLOOD_REDRAW_S)
        if now - self._last_redraw >= interval:
            self.redraw()

    def redraw(self) -> None:
        """Hand every line its arrays and move the windows on."""
        self._dirty = False
        self._last_redraw = time.monotonic()
        now = time.time()
        for series in self.feed.series:
            times, values = series.points.arrays()
            self.values.set_line(_line_key(series.key), series.key.label(), times, values)
        self.values.follow()
        rates = self.feed.rates
        if rates is not None and self.tabs.currentIndex() == 1:
            for name, rate in rates.series.items():
                times, values = rate.arrays()
                self.rates.set_line(name, name, times, values)
            self.rates.follow(now)
        self._update_texts()

    def _update_texts(self) -> None:
        for row in range(self.series_list.count()):
            item = self.series_list.item(row)
            series: ValueSeries = item.data(SERIES_ROLE)
            text = f"{series.key.label()}\n{len(series.points):,} points"
            if series.not_numeric:
                text += f", {series.not_numeric:,} without a number there"
            if series.too_large:
                text += f", {series.too_large:,} too large to draw"
            if item.text() != text:
                item.setText(text)
        feed = self.feed
        note = ""
        if feed.last_stride > 1:
            note = f"A flood: the plot looks at 1 message in {feed.last_stride}."
        if self.sample_note.text() != note:
            self.sample_note.setText(note)

    def _update_buttons(self, *_args: object) -> None:
        self.remove_button.setEnabled(self.series_list.currentItem() is not None)

    def _item_of(self, series: ValueSeries) -> QListWidgetItem | None:
        for row in range(self.series_list.count()):
            item = self.series_list.item(row)
            if item.data(SERIES_ROLE) is series:
                return item
        return None


def _line_key(key: SeriesKey) -> str:
    return f"{key.socket}\0{key.topic}\0{key.path.text()}"
