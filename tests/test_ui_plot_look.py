"""The Plot dock as a user looks at it: the legend is a line above the plot, never over the
lines, in each line's colour; an empty plot's time axis shows the clock (not 1970's first
second as "00.100"); the rate axis starts at 0 and its title fits the axis."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS

from zinspect.core.explore.fields import FieldPath
from zinspect.core.store import IN
from zinspect.ui.widgets.theme import DARK, SYSTEM, apply_theme, colour

TEMPERATURE = FieldPath.parse("f1[2]")
HUMIDITY = FieldPath.parse("f1[3]")


def add_rows(window, rows):
    window.session.store.extend_rows(rows, len(rows))


def show_plot(window, qtbot, tab: int):
    plots = window.plots
    plots.dock.show()
    plots.dock.raise_()
    plots.panel.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(lambda: plots.panel.isVisible(), timeout=WAIT_MS)
    return plots.panel


def test_the_legend_sits_above_the_plot_in_the_lines_colours(window, qtbot):
    now = time.time()
    add_rows(window, [(now - 30 + t, "s", IN, 0, b"10001 %d %d" % (t, 2 * t)) for t in range(30)])
    panel = show_plot(window, qtbot, 0)
    canvas = panel.values
    assert not canvas.legend.isVisible()  # no line, no legend
    window.plots.plot(None, "10001", TEMPERATURE)
    window.plots.plot(None, "10001", HUMIDITY)
    qtbot.waitUntil(canvas.legend.isVisible, timeout=WAIT_MS)
    assert canvas.legend_names() == [
        "f1[2] — any socket, topic 10001",
        "f1[3] — any socket, topic 10001",
    ]
    # above the canvas the lines are drawn on, not on it
    assert canvas.legend.geometry().bottom() < canvas.widget.geometry().top()
    text = canvas.legend.text()
    for name in ("plot_series_1", "plot_series_2"):
        assert colour(name).name() in text
    apply_theme(DARK)  # the strokes follow the theme
    try:
        assert colour("plot_series_1").name() in canvas.legend.text()
    finally:
        apply_theme(SYSTEM)
    panel.series_list.setCurrentRow(0)
    panel.remove_selected()
    assert canvas.legend_names() == ["f1[3] — any socket, topic 10001"]


def test_an_empty_plot_shows_the_last_minute_of_the_clock(window, qtbot):
    panel = show_plot(window, qtbot, 0)
    before = time.time()
    view = panel.values.view_box
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= before - 1, timeout=WAIT_MS)
    low, high = view.viewRange()[0]
    assert abs((high - low) - 60) < 1 and high <= time.time() + 1
    axis = panel.values.item.getAxis("bottom")
    panel.values.widget.grab()  # painted, as on screen
    spacing, values = axis.tickValues(low, high, axis.width())[0]
    labels = axis.tickStrings(values, 1.0, spacing)  # what the axis writes under the ticks
    assert labels and all(
        label == time.strftime("%H:%M:%S", time.localtime(value))
        for label, value in zip(labels, values)
    ), labels
    panel.set_window("All")  # still the clock, with nothing to show
    low, high = view.viewRange()[0]
    assert low > before - 120


def test_the_rate_axis_starts_at_zero_and_its_title_fits(window, qtbot):
    panel = show_plot(window, qtbot, 1)
    qtbot.waitUntil(lambda: panel.feed.rates is not None, timeout=WAIT_MS)
    start = int(time.time()) - 10
    # a steady 19 to 21 messages a second: the axis must not zoom into 19..21
    rows = [
        (start + s + i / n, "steady", IN, 0, b"x")
        for s, n in enumerate((20, 19, 21))
        for i in range(n)
    ]
    add_rows(window, rows)
    canvas = panel.rates
    qtbot.waitUntil(lambda: "steady" in canvas.curves, timeout=WAIT_MS)
    canvas.follow(time.time())
    low, high = canvas.view_box.viewRange()[1]
    assert low == 0 and 21 <= high < 30
    axis = canvas.item.getAxis("left")
    title = axis.label.boundingRect().width()  # drawn turned: its width runs up the axis
    window.resizeDocks([window.plots.dock], [260], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: axis.height() < 200, timeout=WAIT_MS)
    assert title <= axis.height(), (title, axis.height())
