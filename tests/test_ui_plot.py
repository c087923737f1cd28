"""The Plot dock through the real window: a field of the weather updates plotted live, the
time window, the rate plot, a bad path refused in words, and the theme's colours."""

from __future__ import annotations

import time

from peerio import start_peer
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS, click, trigger_menu
from window_driver import ANY_PORT

from zinspect.core.explore.fields import FieldPath
from zinspect.core.store import IN
from zinspect.ui.plot.add_series_dialog import ANY_SOCKET
from zinspect.ui.widgets.theme import DARK, apply_theme, colour

TEMPERATURE = FieldPath.parse("f1[2]")


def only_curve(canvas):
    assert len(canvas.curves) == 1, list(canvas.curves)
    return next(iter(canvas.curves.values()))


def points(curve) -> list[tuple[float, float]]:
    if curve.xData is None:
        return []
    return list(zip(curve.xData.tolist(), curve.yData.tolist()))


def add_rows(window, rows):
    window.session.store.extend_rows(rows, len(rows))


def test_the_temperature_of_a_zip_code_from_a_real_publisher_is_plotted(window, user, peer, qtbot):
    out = start_peer(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "300")
    user.create("SUB", "weather")
    user.connect(out.line("ready").split()[1])
    user.subscribe("")
    trigger_menu(window, "Add plot series…")
    dialog = window.plots.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert [dialog.socket_combo.itemText(i) for i in range(dialog.socket_combo.count())] == [
        ANY_SOCKET,
        "weather",
    ]
    dialog.socket_combo.setCurrentText("weather")
    qtbot.keyClicks(dialog.topic_edit, "10001")
    qtbot.keyClicks(dialog.path_edit, "f1[2]")
    click(qtbot, dialog.add_button)
    assert not dialog.isVisible()
    assert window.plots.dock.isVisible()
    canvas = window.plots.panel.values
    qtbot.waitUntil(lambda: len(points(only_curve(canvas))) >= 5, timeout=WAIT_MS)

    # every point is the temperature of an update for 10001, at the time it arrived
    store = window.session.store
    sent = {
        (row[0], float(row[4].split()[1]))
        for row in store.rows(store.first_seq, store.end_seq)[1]
        if row[4].startswith(b"10001 ")
    }
    plotted = points(only_curve(canvas))
    assert set(plotted) <= sent
    listed = window.plots.panel.series_list.item(0).text()
    assert listed.startswith("f1[2] — weather, topic 10001\n")
    assert listed.endswith(" points")


def test_an_unreadable_path_is_refused_in_words_and_nothing_is_plotted(window, qtbot):
    dialog = window.plots.open_add_dialog()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.path_edit, "2.temp")
    assert dialog.path_error.isVisible()
    assert dialog.path_error.text() == "a path starts with f and a frame number, like f2.temp"
    click(qtbot, dialog.add_button)
    assert dialog.isVisible()
    assert window.plots.panel.series() == []

    dialog.path_edit.clear()
    assert not dialog.path_error.isVisible()
    click(qtbot, dialog.add_button)
    assert dialog.path_error.text() == "type a field path, like f1[2] or f2.temp"
    qtbot.keyClicks(dialog.path_edit, "f2.data[")
    assert "cannot read the path from character 8" in dialog.path_error.text()
    dialog.path_edit.setText("f2.temp")
    click(qtbot, dialog.add_button)
    assert [s.key.path.text() for s in window.plots.panel.series()] == ["f2.temp"]


def test_the_time_window_sets_what_the_plot_shows(window, qtbot):
    now = time.time()
    add_rows(window, [(now - 300 + t, "s", IN, 0, b"10001 %d 1" % t) for t in range(0, 300, 2)])
    series = window.plots.plot(None, "10001", TEMPERATURE)  # the entry point for other panels
    assert len(series.points) == 150
    panel = window.plots.panel
    view = panel.values.view_box
    newest = now - 2

    panel.set_window("Last minute")
    qtbot.waitUntil(lambda: abs(view.viewRange()[0][1] - newest) < 1, timeout=WAIT_MS)
    low, high = view.viewRange()[0]
    assert abs((high - low) - 60) < 1

    panel.window_combo.setCurrentText("Last 10 minutes")
    panel.window_combo.activated.emit(panel.window_combo.currentIndex())
    low, high = view.viewRange()[0]
    assert abs((high - low) - 600) < 1

    panel.set_window("All")
    qtbot.waitUntil(lambda: view.viewRange()[0][0] <= now - 300, timeout=WAIT_MS)
    assert view.viewRange()[0][1] >= newest


def test_the_rate_plot_counts_messages_per_second_per_socket(window, qtbot):
    window.plots.dock.show()
    window.plots.dock.raise_()
    panel = window.plots.panel
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.feed.rates is not None, timeout=WAIT_MS)
    start = int(time.time()) - 10
    add_rows(window, [(start + i / 20, "fast", IN, 0, b"x") for i in range(60)])  # 20/s, 3 s
    add_rows(window, [(start + i / 5, "slow", IN, 0, b"y") for i in range(15)])  # 5/s, 3 s
    qtbot.waitUntil(lambda: set(panel.rates.curves) == {"fast", "slow"}, timeout=WAIT_MS)
    fast = points(panel.rates.curves["fast"])
    slow = points(panel.rates.curves["slow"])
    assert fast[:3] == [(start, 20.0), (start + 1, 20.0), (start + 2, 20.0)]
    assert slow[:3] == [(start, 5.0), (start + 1, 5.0), (start + 2, 5.0)]
    assert fast[3][1] == 0.0  # then silence

    panel.tabs.setCurrentIndex(0)  # rates are not counted while nobody looks at them
    assert panel.feed.rates is None


def test_remove_and_clear(window, qtbot):
    now = time.time()
    add_rows(window, [(now - 5 + t, "s", IN, 0, b'{"a": %d, "b": 2}' % t) for t in range(5)])
    plots = window.plots
    plots.plot(None, None, FieldPath.parse("f1.a"))
    plots.plot("s", None, FieldPath.parse("f1.b"))
    panel = plots.panel
    assert len(panel.values.curves) == 2
    click(qtbot, panel.clear_button)
    assert all(len(s.points) == 0 for s in panel.series())
    assert all(points(c) == [] for c in panel.values.curves.values())
    panel.series_list.setCurrentRow(0)
    click(qtbot, panel.remove_button)
    assert [s.key.path.text() for s in panel.series()] == ["f1.b"]
    assert len(panel.values.curves) == 1
    assert panel.series_list.count() == 1


def test_a_theme_change_recolours_the_plot(window, qtbot):
    add_rows(window, [(time.time(), "s", IN, 0, b"10001 5 5")])
    window.plots.plot(None, None, TEMPERATURE)
    canvas = window.plots.panel.values
    curve = only_curve(canvas)
    light_line = curve.opts["pen"].color().name()
    assert light_line == colour("plot_series_1").name()
    apply_theme(DARK)
    assert curve.opts["pen"].color().name() == colour("plot_series_1").name() != light_line
    assert canvas.widget.backgroundBrush().color().name() == colour("plot_background").name()
    axis = canvas.item.getAxis("left")
    assert axis.textPen().color().name() == colour("plot_axis").name()


def test_the_view_menu_shows_and_hides_the_plot_dock(window, qtbot):
    dock = window.plots.dock
    toggle = dock.toggleViewAction()
    assert toggle.text() == "Plot"
    if not dock.isVisible():
        toggle.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)
    toggle.trigger()
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=WAIT_MS)
    assert dock.toggleViewAction().isChecked() is False
    assert Qt.DockWidgetArea.BottomDockWidgetArea == window.dockWidgetArea(dock)


def test_zooming_with_the_wheel_stops_following_until_a_window_is_chosen(window, qtbot):
    now = time.time()
    add_rows(window, [(now - 30 + t, "s", IN, 0, b"10001 %d 1" % t) for t in range(30)])
    window.plots.plot(None, "10001", TEMPERATURE)
    panel = window.plots.panel
    canvas = panel.values
    qtbot.waitUntil(lambda: canvas.widget.isVisible(), timeout=WAIT_MS)
    assert canvas.following
    viewport = canvas.widget.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert not canvas.following
    zoomed = canvas.view_box.viewRange()[0]
    assert zoomed[1] - zoomed[0] < 60  # zoomed in from the minute
    panel.set_window("Last minute")
    assert canvas.following
    low, high = canvas.view_box.viewRange()[0]
    assert abs((high - low) - 60) < 1


def test_numbers_too_large_to_draw_are_counted_and_the_plot_still_draws(window, qtbot):
    now = time.time()
    values = [b"1e308", b"-1.7e308", b"21.5", b"1e300", b"-40"]
    add_rows(window, [(now - 5 + i, "s", IN, 0, b"10001 " + v) for i, v in enumerate(values)])
    window.plots.plot(None, "10001", TEMPERATURE)
    panel = window.plots.panel
    panel.set_window("All")
    curve = only_curve(panel.values)
    assert [value for _t, value in points(curve)] == [21.5, 1e300, -40.0]
    assert panel.series_list.item(0).text().endswith("3 points, 2 too large to draw")
    view = panel.values.view_box
    # drawn (pytest-qt fails the test on an error in paint), with every point in range
    qtbot.waitUntil(lambda: view.viewRange()[1][1] >= 1e300, timeout=WAIT_MS)
    assert view.viewRange()[1][0] <= -40


def test_rates_by_topic_and_clear_starts_the_counts_afresh(window, qtbot):
    window.plots.dock.show()
    window.plots.dock.raise_()
    panel = window.plots.panel
    panel.tabs.setCurrentIndex(1)
    panel.group_combo.setCurrentText("per topic")
    panel.group_combo.activated.emit(panel.group_combo.currentIndex())
    qtbot.waitUntil(lambda: panel.feed.rates is not None, timeout=WAIT_MS)
    start = int(time.time()) - 10
    add_rows(window, [(start + i / 4, "s", IN, 0, b"%d 1 2" % (10001 + i % 2)) for i in range(8)])
    qtbot.waitUntil(lambda: set(panel.rates.curves) == {"10001", "10002"}, timeout=WAIT_MS)
    assert points(panel.rates.curves["10001"])[:2] == [(start, 2.0), (start + 1, 2.0)]
    click(qtbot, panel.clear_button)
    assert panel.rates.curves == {}
