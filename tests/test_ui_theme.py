"""View > Theme, as a user meets it: Dark turns every part of the window dark (palette,
traffic directions, error text, hint boxes, the topology), the choice is remembered for the
next start, and System follows the desktop's light or dark setting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QStyleHints
from PySide6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton
from ui_actions import WAIT_MS, click, menu_action, trigger_menu
from window_driver import ANY_PORT, settings_at

from zinspect.ui.main_window import MainWindow
from zinspect.ui.traffic.columns import COL_DIRECTION
from zinspect.ui.widgets.theme import (
    DARK_TABLE,
    LIGHT_TABLE,
    SYSTEM,
    THEME_KEY,
    apply_theme,
    current_theme,
    current_variant,
)

Role = QPalette.ColorRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole


@pytest.fixture(autouse=True)
def back_to_system():
    """The theme is the application's: later tests start from System (light here)."""
    yield
    apply_theme(SYSTEM)


def is_dark(palette: QPalette) -> bool:
    return (
        palette.color(Role.Window).lightness() < 80
        and palette.color(Role.Base).lightness() < 80
        and palette.color(Role.Text).lightness() > 180
    )


def checked_theme(window: MainWindow) -> str:
    return next(
        a.text().replace("&", "") for a in window.theme_menu.actions.values() if a.isChecked()
    )


def direction_colours(window: MainWindow) -> set[str]:
    model = window.traffic.view.model()
    return {
        model.index(row, COL_DIRECTION).data(FOREGROUND).color().name()
        for row in range(model.rowCount())
    }


def test_the_theme_menu_offers_three_exclusive_choices_system_first(window):
    view_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"
    )
    theme_menu = next(a.menu() for a in view_menu.actions() if a.text() == "&Theme")
    assert [a.text().replace("&", "") for a in theme_menu.actions()] == [
        "System",
        "Light",
        "Dark",
    ]
    assert all(a.isCheckable() for a in theme_menu.actions())
    assert checked_theme(window) == "System"
    trigger_menu(window, "Dark")
    assert [a.isChecked() for a in theme_menu.actions()] == [False, False, True]


def test_dark_turns_the_palette_traffic_colours_and_error_text_dark(window, user, qtbot):
    assert not is_dark(window.palette())
    sender = user.create("PAIR", "sender")
    address = user.bind(ANY_PORT)
    user.create("PAIR", "receiver")
    user.connect(address)
    user.select(sender)
    user.compose("hello")
    user.click_send()
    user.wait_rows(2)  # out on the sender, in on the receiver
    assert direction_colours(window) == {LIGHT_TABLE["traffic_in"], LIGHT_TABLE["traffic_out"]}
    editor = window.sockets.endpoint_editor
    user.type_endpoint("nonsense")
    click(qtbot, editor.bind_button)
    qtbot.waitUntil(lambda: editor.error_label.isVisible(), timeout=WAIT_MS)
    error = editor.error_label
    assert error.palette().color(Role.WindowText).name() == LIGHT_TABLE["error"]

    with qtbot.waitSignal(window.traffic.view.model().dataChanged, timeout=WAIT_MS):
        trigger_menu(window, "Dark")

    assert is_dark(window.palette()) and is_dark(QApplication.palette())
    assert window.palette().color(Role.Window).name() == DARK_TABLE["window"]
    assert direction_colours(window) == {DARK_TABLE["traffic_in"], DARK_TABLE["traffic_out"]}
    assert error.palette().color(Role.WindowText).name() == DARK_TABLE["error"]
    assert error.text()  # the message itself is untouched

    trigger_menu(window, "Light")
    assert window.palette().color(Role.Window).name() == LIGHT_TABLE["window"]
    assert error.palette().color(Role.WindowText).name() == LIGHT_TABLE["error"]


def test_hint_boxes_muted_notes_and_the_topology_follow_the_theme(window, user, qtbot):
    user.create("SUB", "listener")  # its hint box: no subscription yet
    hint = window.sockets.subscription_editor.hint_label
    qtbot.waitUntil(hint.isVisible, timeout=WAIT_MS)
    window.topology_dock.show()
    window.topology_dock.raise_()
    topology = window.topology
    qtbot.waitUntil(lambda: bool(topology.nodes), timeout=WAIT_MS)

    trigger_menu(window, "Dark")

    assert hint.palette().color(Role.Window).name() == DARK_TABLE["hint_background"]
    assert hint.palette().color(Role.WindowText).name() == DARK_TABLE["hint_text"]
    legend = topology.legend.palette().color(Role.WindowText).name()
    assert legend == DARK_TABLE["placeholder"]
    assert topology.canvas.backgroundBrush().color().name() == DARK_TABLE["window"]
    node = next(iter(topology.nodes.values()))
    assert node._palette.color(Role.Base).name() == DARK_TABLE["base"]  # drawn anew


def test_the_choice_survives_a_restart(window, qtbot, tmp_path):
    trigger_menu(window, "Dark")
    window.close()
    settings = settings_at(tmp_path / "s.ini")
    assert settings.value(THEME_KEY) == "dark"
    apply_theme(SYSTEM)  # as a new process starts: not dark until the window says so

    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        assert checked_theme(again) == "Dark" and current_theme() == "dark"
        assert is_dark(again.palette())
    finally:
        again.close()
        again.shutdown()


def test_an_unknown_saved_theme_starts_as_system(qtbot, tmp_path):
    settings = settings_at(tmp_path / "s.ini")
    settings.setValue(THEME_KEY, "purple; rm -rf /")
    settings.sync()
    main = MainWindow(settings=settings)
    qtbot.addWidget(main)
    try:
        assert checked_theme(main) == "System" and not is_dark(main.palette())
    finally:
        main.close()
        main.shutdown()
    with pytest.raises(ValueError, match="unknown theme"):
        apply_theme("purple")


def test_system_follows_the_desktop_and_an_explicit_choice_does_not(window, qtbot):
    hints = QGuiApplication.styleHints()
    assert current_theme() == "system" and current_variant() == "light"  # desktop: no say

    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop turns dark
    assert is_dark(window.palette()) and checked_theme(window) == "System"
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not is_dark(window.palette())

    trigger_menu(window, "Light")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(window.palette())  # Light means light whatever the desktop says


def test_system_starts_dark_on_a_dark_desktop(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QStyleHints, "colorScheme", lambda _self: Qt.ColorScheme.Dark)
    main = MainWindow(settings=settings_at(tmp_path / "s.ini"))
    qtbot.addWidget(main)
    try:
        assert checked_theme(main) == "System" and is_dark(main.palette())
        assert menu_action(main, "System").isChecked()
    finally:
        main.close()
        main.shutdown()


def test_check_boxes_and_fields_keep_a_visible_frame_in_dark(window, qtbot):
    """Fusion outlines them in a darkened window colour, which vanishes on dark fields."""
    trigger_menu(window, "Dark")
    box = window.traffic.findChild(QCheckBox)
    qtbot.waitUntil(box.isVisible, timeout=WAIT_MS)
    option = QStyleOptionButton()
    option.initFrom(box)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    scale = image.width() / box.width()
    top = [
        image.pixelColor(int(x * scale), int(rect.top() * scale)).lightness()
        for x in range(rect.left() + 2, rect.right() - 1)
    ]
    window_lightness = QColor(DARK_TABLE["window"]).lightness()
    assert max(top) > window_lightness + 40, (top, window_lightness)


def test_a_theme_applied_elsewhere_shows_checked_in_the_menu(window):
    """A preferences dialog writes the same setting and calls apply_theme itself."""
    apply_theme("dark")
    assert checked_theme(window) == "Dark" and is_dark(window.palette())
    apply_theme("system")
    assert checked_theme(window) == "System" and not is_dark(window.palette())


def test_widgets_with_a_style_sheet_of_their_own_follow_a_theme_chosen_at_run_time(window):
    """Dock tab bars (a padding style sheet) and the bold Paused label kept the palette they
    had when their sheet was set: light tabs in a dark window, black text on dark."""
    from PySide6.QtWidgets import QTabBar

    bars = [bar for bar in window.findChildren(QTabBar) if bar.styleSheet()]
    assert bars, "the dock tab bars have their padding style sheet"
    paused = window.traffic.paused_label
    trigger_menu(window, "Dark")
    assert all(is_dark(bar.palette()) for bar in bars)
    assert paused.palette().color(Role.WindowText).lightness() > 180
    trigger_menu(window, "Light")
    assert not any(is_dark(bar.palette()) for bar in bars)
    assert paused.palette().color(Role.WindowText).lightness() < 80
