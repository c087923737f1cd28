"""View > Theme: System, Light or Dark, applied at once and remembered in the settings.

The menu only reflects and stores the choice; ``theme.apply_theme`` does the switching, so a
theme chosen elsewhere (a preferences dialog) shows checked here too."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from zinspect.ui.widgets.theme import (
    DARK,
    LIGHT,
    SYSTEM,
    THEME_KEY,
    apply_theme,
    current_theme,
    theme_signals,
)

CHOICES = (
    (SYSTEM, "&System", "Follow the desktop's light or dark setting (light when it has none)"),
    (LIGHT, "&Light", "Dark text on light backgrounds"),
    (DARK, "&Dark", "Light text on dark backgrounds"),
)


class ThemeMenu(QObject):
    """The Theme submenu (``menu``): three checkable, exclusive choices."""

    def __init__(self, settings: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self.menu = QMenu("&Theme", parent)
        self.menu.setToolTipsVisible(True)
        self.menu.menuAction().setStatusTip("Choose light or dark colours")
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for name, text, tip in CHOICES:
            action = QAction(text, self.menu)
            action.setCheckable(True)
            action.setData(name)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[name] = action
        self.group.triggered.connect(self._on_group_triggered)
        theme_signals.theme_changed.connect(self._on_theme_changed)
        self._show_current()

    def _on_group_triggered(self, action: QAction) -> None:
        name = str(action.data())
        self._settings.setValue(THEME_KEY, name)
        self._settings.sync()
        apply_theme(name)
        self._show_current()

    def _on_theme_changed(self, _variant: str) -> None:
        self._show_current()

    def _show_current(self) -> None:
        self.actions[current_theme()].setChecked(True)
