"""The host features build their menus and docks with: menus keep one order whoever asks
first, and an action's shortcut works in the whole window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from zinspect.ui.widgets.window_host import WindowHost


def titles(window: QMainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_menus_keep_their_order_whoever_asks_first(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    host = WindowHost(window)
    help_menu = host.menu("&Help")
    host.menu("&Demos")
    host.menu("&File")
    host.menu("&Tools")  # not in the fixed order: before Help
    host.menu("&View")
    assert titles(window) == ["File", "View", "Demos", "Tools", "Help"]
    assert host.menu("Help") is help_menu  # found again, not made twice
    assert titles(window).count("Help") == 1


def test_an_action_is_in_its_menu_and_its_shortcut_is_the_windows(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    host = WindowHost(window)
    called: list[bool] = []
    menu = host.menu("&File")
    action = host.add_action(menu, "&Do it", lambda: called.append(True), "Ctrl+J", "Does it")
    assert action in menu.actions() and action in window.actions()
    assert action.shortcut().toString() == "Ctrl+J" and action.toolTip() == "Does it"
    action.trigger()
    assert called == [True]


def test_a_dock_is_named_for_the_saved_layout_and_explained(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    host = WindowHost(window)
    dock = host.add_dock("Things", "things_dock", QLabel("x"), Qt.DockWidgetArea.LeftDockWidgetArea)
    assert dock.objectName() == "things_dock" and dock.accessibleName() == "Things panel"
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
