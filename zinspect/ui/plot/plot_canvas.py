"""One pyqtgraph plot of lines over wall-clock time, in the theme's colours, with a time window.

pyqtgraph draws 100,000 points smoothly only when it is told to thin them: every line clips
to the visible range and downsamples by peaks (each pixel column keeps its minimum and
maximum, so a spike never disappears). Lines are named by a key the caller chooses, and get
the theme's series colours in the order they were added; a theme change redraws them all.
The time window (the last minute, ten minutes, everything) follows new points until the user
pans or zooms, and choosing a window again follows again; an empty plot shows the clock's
last minute (not pyqtgraph's 0 to 1, which a date axis writes as "00.100"). The legend is a
line of text above the canvas, never over the lines; a plot of counts (the rates) starts its
axis at 0, so a steady rate looks steady.
"""

from __future__ import annotations

import gc
import html
import os
import time

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # before pyqtgraph picks a binding

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from zinspect.ui.plot.plot_windows import WINDOWS
from zinspect.ui.widgets.theme import PLOT_SERIES_COLOURS, colour, set_style, theme_signals

LINE_WIDTH = 1
LEGEND_LINES = 12  # named in the legend; more are counted ("and 20 more")
LEGEND_STYLE = "background: {plot_background}; color: {plot_axis}; padding: 2px 6px;"
EMPTY_SPAN_S = 60.0  # what an empty plot, or an empty window of All, shows


class _TimedPlotWidget(pg.PlotWidget):
    """A PlotWidget that remembers how long it takes to paint, so the panel can paint less
    often when painting is costly (a slow machine, many points on screen)."""

    paint_s = 0.0  # a moving average

    def paintEvent(self, event: object) -> None:
        began = time.perf_counter()
        super().paintEvent(event)
        self.paint_s = 0.7 * self.paint_s + 0.3 * (time.perf_counter() - began)


def _top_level_widgets() -> set[QWidget]:
    """QApplication.topLevelWidgets() with collections held off while PySide wraps each
    one: a widget only Python keeps alive, deleted by a collection half way through the
    list, left a dangling pointer in it (the crash theme._restyle avoids the same way)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return set(QApplication.topLevelWidgets())
    finally:
        if collecting:
            gc.enable()


class PlotCanvas(QWidget):
    """A PlotWidget with a date axis, a legend and named lines; ``from_zero``: the y axis
    starts at 0 (counts), else it fits the lines shown."""

    def __init__(
        self, y_label: str, parent: QWidget | None = None, *, from_zero: bool = False
    ) -> None:
        super().__init__(parent)
        self.from_zero = from_zero
        windows = _top_level_widgets()
        self.widget = _TimedPlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.widget.setAccessibleName(f"Plot of {y_label}")
        self.item = self.widget.getPlotItem()
        self.item.setLabel("left", y_label)
        self.item.setLabel("bottom", "time")
        # no grid: pyqtgraph draws it translucent across the canvas, which doubled the
        # time of a frame (benchmarks/plot_bench.py)
        self.item.setClipToView(True)
        self.item.setDownsampling(auto=True, mode="peak")
        # pyqtgraph's menus offer exports and settings zinspect does not explain: pan and zoom
        # with the mouse, the time window with the chooser
        self.item.setMenuEnabled(False)
        # room above the top tick's label, which pyqtgraph would cut at the canvas's edge
        self.item.layout.setContentsMargins(0, 8, 8, 0)
        self.legend = QLabel()
        self.legend.setAccessibleName(f"Legend of the plot of {y_label}")
        self.legend.setToolTip("The colour of each line")
        self.legend.setWordWrap(True)
        set_style(self.legend, LEGEND_STYLE)
        self.legend.hide()
        self.view_box = self.item.getViewBox()
        self.view_box.sigRangeChangedManually.connect(self._on_view_box_range_changed_manually)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._order: list[str] = []  # every key ever added: a line keeps its colour
        self._window: float | None = WINDOWS["Last minute"]
        self.following = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.widget, 1)
        self._adopt_strays(windows)
        self.apply_colours()
        theme_signals.theme_changed.connect(self._on_theme_changed)

    def _adopt_strays(self, windows: set[QWidget]) -> None:
        """pyqtgraph makes its menus and settings forms without a parent. Python owns them,
        in reference cycles with the plot, so the garbage collector deletes them at any
        moment, even while Qt is listing every widget (QApplication.allWidgets, which the
        theme switch walks) and then the list holds a deleted widget. Owned by this canvas
        (and still windows, never shown), they go when it goes."""
        for stray in _top_level_widgets():
            if stray not in windows and stray is not self and stray.parent() is None:
                stray.setParent(self, stray.windowFlags() | Qt.WindowType.Window)

    # -- lines ---------------------------------------------------------------------------
    def set_line(self, key: str, name: str, times: np.ndarray, values: np.ndarray) -> None:
        """Show ``times``/``values`` as the line ``key`` (made on first use, named ``name``)."""
        curve = self.curves.get(key)
        if curve is None:
            if key not in self._order:
                self._order.append(key)
            curve = self.item.plot(name=name, pen=self._pen(key))
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves[key] = curve
            self._update_legend()
        curve.setData(times, values)

    def remove_line(self, key: str) -> None:
        curve = self.curves.pop(key, None)
        if curve is not None:
            self.item.removeItem(curve)
            self._update_legend()

    def _update_legend(self) -> None:
        """One entry per line, a stroke of its colour and its name; hidden without lines."""
        keys = list(self.curves)
        entries = [
            f'<span style="color: {colour(self._colour_of(key)).name()}">━━</span>&nbsp;'
            f"{html.escape(str(self.curves[key].name()))}"
            for key in keys[:LEGEND_LINES]
        ]
        if len(keys) > LEGEND_LINES:
            entries.append(f"and {len(keys) - LEGEND_LINES:,} more")
        self.legend.setText("&nbsp;&nbsp;&nbsp; ".join(entries))
        self.legend.setVisible(bool(entries))

    def legend_names(self) -> list[str]:
        """The names the legend shows, in its order."""
        return [str(self.curves[key].name()) for key in list(self.curves)[:LEGEND_LINES]]

    def line_keys(self) -> list[str]:
        return list(self.curves)

    def _colour_of(self, key: str) -> str:
        return PLOT_SERIES_COLOURS[self._order.index(key) % len(PLOT_SERIES_COLOURS)]

    def _pen(self, key: str) -> object:
        return pg.mkPen(colour(self._colour_of(key)), width=LINE_WIDTH)

    @property
    def paint_s(self) -> float:
        """How long a frame of this plot takes to paint, lately (seconds)."""
        return float(self.widget.paint_s)

    # -- time window ---------------------------------------------------------------------
    def set_window(self, seconds: float | None) -> None:
        """Show the last ``seconds`` (None: everything) and follow new points again."""
        self._window = seconds
        self.following = True
        self.follow()

    @property
    def window_seconds(self) -> float | None:
        return self._window

    def follow(self, now: float | None = None) -> None:
        """Move the view to the window's end (the newest point, or ``now``), unless the user
        took the view in hand."""
        if not self.following:
            return
        newest = self._newest()
        if self._window is None and newest is not None:
            self.view_box.enableAutoRange()
            self._from_zero(None)
            return
        end = now if now is not None else newest
        if end is None:  # nothing yet: the clock's last minute, not 1970's first second
            end = time.time()
        span = self._window if self._window is not None else EMPTY_SPAN_S
        if not self.from_zero:  # else _from_zero sets the y range itself
            self.view_box.enableAutoRange(axis=pg.ViewBox.YAxis)
            self.view_box.setAutoVisible(y=True)
        self.view_box.setXRange(end - span, end, padding=0)
        self._from_zero(end - span)

    def _from_zero(self, start: float | None) -> None:
        """A count's axis: from 0 to a little over the highest point shown since ``start``
        (None: all)."""
        if not self.from_zero:
            return
        top = 0.0
        for curve in self.curves.values():
            times, values = curve.xData, curve.yData
            if times is None or not len(times):
                continue
            if start is not None:
                values = values[np.searchsorted(times, start) :]
            if len(values):
                top = max(top, float(np.nanmax(values)))
        self.view_box.disableAutoRange(axis=pg.ViewBox.YAxis)
        self.view_box.setYRange(0, top * 1.1 if top > 0 else 1.0, padding=0)

    def _newest(self) -> float | None:
        ends = [
            float(c.xData[-1]) for c in self.curves.values() if c.xData is not None and len(c.xData)
        ]
        return max(ends) if ends else None

    def _on_view_box_range_changed_manually(self, *_args: object) -> None:
        self.following = False  # the user's pan or zoom stays until a window is chosen

    # -- colours -------------------------------------------------------------------------
    def _on_theme_changed(self, _variant: str) -> None:
        self.apply_colours()

    def apply_colours(self) -> None:
        """Canvas, axes, grid, legend and lines in the current theme's colours."""
        self.widget.setBackground(colour("plot_background"))
        axis_pen = pg.mkPen(colour("plot_axis"))
        for name in ("left", "bottom"):
            axis = self.item.getAxis(name)
            axis.setPen(axis_pen)
            axis.setTextPen(axis_pen)
            label_style = {"color": colour("plot_axis").name()}
            axis.setLabel(axis.labelText, **label_style)
        for key, curve in self.curves.items():
            curve.setPen(self._pen(key))
        self._update_legend()
