"""One pyqtgraph plot of lines over wall-clock time, in the theme's colours, with a time window.

pyqtgraph draws 100,000 points smoothly only when it is told to thin them: every line clips
to the visible range and downsamples by peaks (each pixel column keeps its minimum and
maximum, so a spike never disappears). Lines are named by a key the caller chooses, and get
the theme's series colours in the order they were added; a theme change redraws them all.
The time window (the last minute, ten minutes, everything) follows new points until the user
pans or zooms, and choosing a window again follows again.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")  # before pyqtgraph picks a binding

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from zinspect.ui.plot.plot_windows import WINDOWS
from zinspect.ui.widgets.theme import PLOT_SERIES_COLOURS, colour, theme_signals

LINE_WIDTH = 1


class _TimedPlotWidget(pg.PlotWidget):
    """A PlotWidget that remembers how long it takes to paint, so the panel can paint less
    often when painting is costly (a slow machine, many points on screen)."""

    paint_s = 0.0  # a moving average

    def paintEvent(self, event: object) -> None:
        began = time.perf_counter()
        super().paintEvent(event)
        self.paint_s = 0.7 * self.paint_s + 0.3 * (time.perf_counter() - began)


class PlotCanvas(QWidget):
    """A PlotWidget with a date axis, a legend and named lines."""

    def __init__(self, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        windows = set(QApplication.topLevelWidgets())
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
        self.legend = self.item.addLegend(offset=(10, 10))
        self.view_box = self.item.getViewBox()
        self.view_box.sigRangeChangedManually.connect(self._on_view_box_range_changed_manually)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._order: list[str] = []  # every key ever added: a line keeps its colour
        self._window: float | None = WINDOWS["Last minute"]
        self.following = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        self._adopt_strays(windows)
        self.apply_colours()
        theme_signals.theme_changed.connect(self._on_theme_changed)

    def _adopt_strays(self, windows: set[QWidget]) -> None:
        """pyqtgraph makes its menus and settings forms without a parent. Python owns them,
        in reference cycles with the plot, so the garbage collector deletes them at any
        moment, even while Qt is listing every widget (QApplication.allWidgets, which the
        theme switch walks) and then the list holds a deleted widget. Owned by this canvas
        (and still windows, never shown), they go when it goes."""
        for stray in QApplication.topLevelWidgets():
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
        curve.setData(times, values)

    def remove_line(self, key: str) -> None:
        curve = self.curves.pop(key, None)
        if curve is not None:
            self.item.removeItem(curve)
            self.legend.removeItem(curve)

    def line_keys(self) -> list[str]:
        return list(self.curves)

    def _pen(self, key: str) -> object:
        index = self._order.index(key) % len(PLOT_SERIES_COLOURS)
        return pg.mkPen(colour(PLOT_SERIES_COLOURS[index]), width=LINE_WIDTH)

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
        if self._window is None:
            self.view_box.enableAutoRange()
            return
        end = now if now is not None else self._newest()
        if end is None:
            return
        self.view_box.enableAutoRange(axis=pg.ViewBox.YAxis)
        self.view_box.setAutoVisible(y=True)
        self.view_box.setXRange(end - self._window, end, padding=0)

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
        self.legend.setLabelTextColor(colour("plot_axis"))
        self.legend.setBrush(pg.mkBrush(colour("plot_background")))
        self.legend.setPen(pg.mkPen(colour("plot_grid")))
        for key, curve in self.curves.items():
            curve.setPen(self._pen(key))
            self._rename(curve)

    def _rename(self, curve: pg.PlotDataItem) -> None:
        """Legend labels keep their colour from when they were made: set the text again."""
        for sample, label in self.legend.items:
            if sample.item is curve:
                label.setText(label.text, color=colour("plot_axis"))
