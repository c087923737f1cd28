"""A theme chosen in Edit > Preferences while the window runs reaches every dock at once: the
Latency dock's two tabs (and the Gaps form's error text) turned dark only after a restart,
because a style sheet on the tab bar inside its tab widget kept the tab widget on the old
palette."""

from __future__ import annotations

import pytest
from preferences_helpers import choose, open_preferences, press_ok
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QDockWidget, QWidget
from ui_actions import WAIT_MS, click

from zinspect.ui.widgets.theme import DARK_TABLE, LIGHT_TABLE, SYSTEM, apply_theme

Role = QPalette.ColorRole


@pytest.fixture(autouse=True)
def back_to_system():
    """The theme is the application's: later tests start from System (light here)."""
    yield
    apply_theme(SYSTEM)


def stale(widget: QWidget, table: dict[str, str]) -> list[str]:
    """The widgets under ``widget`` (itself too) whose window colour is not ``table``'s."""
    wanted = {table["window"], table["frame_window"], table["hint_background"]}  # hint boxes
    found = [widget, *widget.findChildren(QWidget)]
    return [
        f"{type(w).__name__} {w.accessibleName()!r}"
        for w in found
        if w.palette().color(Role.Window).name() not in wanted
    ]


def choose_theme(window, qtbot, text: str) -> None:
    dialog = open_preferences(window, qtbot)
    choose(dialog.theme_combo, text)
    press_ok(qtbot, dialog)


def shown(dock: QDockWidget, qtbot) -> None:
    """``dock`` in front and drawn, as a user looks at it (a dock not drawn since it was
    shown took the new palette: the bug needed one laid out and painted)."""
    dock.show()
    dock.raise_()
    qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)
    content = dock.widget()
    content.grab()  # laid out and painted


def background(widget: QWidget) -> QColor:
    """The colour a user sees in the top-right corner of ``widget`` (empty there)."""
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 3, 3)


def test_latency_dock_and_its_gaps_error_turn_dark_when_chosen_in_preferences(window, qtbot):
    latency = window.latency
    shown(window.latency_dock, qtbot)
    latency.tabs.setCurrentWidget(latency.gaps_tab)
    gaps = latency.gaps_tab
    gaps.socket_box.setCurrentText("nosuch")
    gaps.path_edit.setText("f2.seq")
    click(qtbot, gaps.mark_button)
    qtbot.waitUntil(gaps.error.isVisible, timeout=WAIT_MS)
    assert background(gaps.summary).name() == LIGHT_TABLE["window"]

    choose_theme(window, qtbot, "Dark")

    assert stale(window.latency_dock, DARK_TABLE) == []
    assert background(gaps.summary).name() == DARK_TABLE["window"]
    assert background(gaps.error).name() == DARK_TABLE["window"]  # light red on dark
    assert gaps.summary.palette().color(Role.WindowText).name() == DARK_TABLE["window_text"]
    latency.tabs.setCurrentIndex(0)
    assert background(latency.requests_label).name() == DARK_TABLE["window"]

    choose_theme(window, qtbot, "Light")
    assert stale(window.latency_dock, LIGHT_TABLE) == []
    assert background(gaps.error).name() == LIGHT_TABLE["window"]


def test_every_dock_follows_a_theme_chosen_at_run_time(window, qtbot):
    """Each dock in front when the theme changes (a hidden one takes the palette when shown,
    so only a shown one could keep the old)."""
    docks = window.findChildren(QDockWidget)
    assert {window.topics_dock, window.events_dock, window.latency_dock} <= set(docks)
    assert window.plots.dock in docks
    wrong = {}
    for dock in docks:
        shown(dock, qtbot)
        for theme, table in (("dark", DARK_TABLE), ("light", LIGHT_TABLE)):
            apply_theme(theme)  # as Preferences and View > Theme do
            if stale(dock, table):
                wrong[(dock.windowTitle(), theme)] = stale(dock, table)
    assert wrong == {}
