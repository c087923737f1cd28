"""Toggle buttons look on when they are on, in both themes: "Pause view" in the traffic
panel and "Diff against previous" in the Message pane, checked, are filled with a colour
that stands out from the unchecked button by WCAG's 3:1 for graphics (Fusion's own sunken
look is all but invisible on dark buttons)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtGui import QColor
from test_theme_table import contrast_ratio
from ui_actions import WAIT_MS, click, trigger_menu

from zinspect.core.store import IN, Message
from zinspect.ui.widgets.theme import DARK, LIGHT, SYSTEM, apply_theme


@pytest.fixture(autouse=True)
def back_to_system():
    yield
    apply_theme(SYSTEM)


def fill(button) -> str:
    """The colour a user sees inside the button, beside its text (left edge, mid-height)."""
    image = button.grab().toImage()
    return QColor(image.pixel(4, image.height() // 2)).name()


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_pause_view_looks_different_when_on(window, qtbot, theme):
    apply_theme(theme)
    button = window.traffic.pause_button
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    off = fill(button)
    click(qtbot, button)
    assert window.traffic.pause_action.isChecked()
    on = fill(button)
    assert contrast_ratio(on, off) >= 3.0, (on, off)
    click(qtbot, button)  # and back
    assert not window.traffic.pause_action.isChecked() and fill(button) == off


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_diff_against_previous_looks_different_when_on(window, user, qtbot, theme):
    apply_theme(theme)
    window.session.store.extend([Message(time.time(), "sub", IN, [b"weather", b"20"])])
    user.wait_rows(1)
    user.click_row(0)  # the Message pane shows it, with the button in its header
    button = window.compare.pin_button
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    off = fill(button)
    trigger_menu(window, "Diff against previous")
    assert button.isChecked()
    on = fill(button)
    assert contrast_ratio(on, off) >= 3.0, (on, off)


def test_a_theme_switch_recolours_a_checked_toggle(window, qtbot):
    button = window.traffic.pause_button
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    click(qtbot, button)
    apply_theme(LIGHT)
    light = fill(button)
    apply_theme(DARK)
    dark = fill(button)
    assert light != dark
    assert contrast_ratio(dark, "#3a3a3f") >= 3.0  # the dark theme's unchecked button
