"""Driving Edit > Preferences… the way a user does: open it from the menu, pick in the combo
boxes, type in the fields, press OK; and putting the two process-wide preferences (where
numbers start, new sockets' MAXMSGSIZE) back after a test, so no other test sees them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox
from ui_actions import WAIT_MS, click, trigger_menu

from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE, set_default_maxmsgsize
from zinspect.core.store import set_numbering_from
from zinspect.ui.preferences.preferences_dialog import PreferencesDialog

PREFERENCES = "Preferences…"


@contextmanager
def process_preferences_restored() -> Iterator[None]:
    try:
        yield
    finally:
        set_numbering_from(1)
        set_default_maxmsgsize(DEFAULT_MAXMSGSIZE)


def open_preferences(window, qtbot) -> PreferencesDialog:
    trigger_menu(window, PREFERENCES)
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def choose(combo: QComboBox, text: str) -> None:
    """Pick the entry that reads ``text``, as choosing it in the list does."""
    index = combo.findText(text)
    assert index >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def type_over(qtbot, edit: QLineEdit, text: str) -> None:
    """Select what the field holds and type ``text`` over it."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    assert edit.text() == text


def type_points(qtbot, spin: QSpinBox, points: int) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(points))
    assert spin.value() == points


def press_ok(qtbot, dialog: PreferencesDialog) -> None:
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)


def set_preferences(window, qtbot, **combos: str) -> PreferencesDialog:
    """Open the dialog, pick ``combos`` (attribute name of the combo box: entry text), OK."""
    dialog = open_preferences(window, qtbot)
    for name, text in combos.items():
        choose(getattr(dialog, name), text)
    press_ok(qtbot, dialog)
    return dialog
