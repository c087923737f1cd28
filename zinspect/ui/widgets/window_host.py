"""What a feature may do to the main window: add a dock, put actions in a menu, show a line
in the status bar, parent its dialogs. Features get this host, never the window itself, so
none depends on the window's other parts or on the order they were built in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDockWidget,
    QMainWindow,
    QMenu,
    QStatusBar,
    QWidget,
)

from zinspect.ui.widgets.typing_keys import TypingKeys

# The menu bar's order, whoever asks for a menu first; a title not listed goes before Help.
MENU_ORDER = ("&File", "&Edit", "&Socket", "&View", "&Capture", "&Demos", "&Help")


def _plain(title: str) -> str:
    return title.replace("&", "")


class WindowHost:
    """Docks, menus, actions and the status bar of one QMainWindow."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self._menus: dict[str, QMenu] = {}
        self._typing = TypingKeys(window)  # shortcuts a focused text field keeps
        self._typing.watch(window)

    @property
    def widget(self) -> QWidget:
        """The window, as the parent of a feature's dialogs and message boxes."""
        return self._window

    def add_dock(
        self, title: str, object_name: str, widget: QWidget, area: Qt.DockWidgetArea
    ) -> QDockWidget:
        """A movable, floatable, closable dock holding ``widget``; ``object_name`` keeps
        its place in the saved layout."""
        dock = QDockWidget(title, self._window)
        dock.setObjectName(object_name)  # saveState() needs names
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} panel")
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self._window.addDockWidget(area, dock)
        self._typing.watch(dock)  # floating, it is a window of its own
        for button in dock.findChildren(QAbstractButton):
            if button.objectName() == "qt_dockwidget_closebutton":
                button.setToolTip(f"Hide the {title} panel (View menu brings it back)")
                button.setAccessibleName(f"Hide {title} panel")
            elif button.objectName() == "qt_dockwidget_floatbutton":
                button.setToolTip(f"Float the {title} panel in its own window, or dock it back")
                button.setAccessibleName(f"Float {title} panel")
        return dock

    def menu(self, title: str) -> QMenu:
        """The menu bar's menu ``title`` (e.g. "&Capture"), created in its place of
        MENU_ORDER the first time it is asked for."""
        key = _plain(title)
        menu = self._menus.get(key)
        if menu is not None:
            return menu
        bar = self._window.menuBar()
        menu = QMenu(title, bar)
        menu.setToolTipsVisible(True)
        rank = self._rank(key)
        later = [m for name, m in self._menus.items() if self._rank(name) > rank]
        if later:
            first = min(later, key=lambda m: self._rank(_plain(m.title())))
            bar.insertMenu(first.menuAction(), menu)
        else:
            bar.addMenu(menu)
        self._menus[key] = menu
        return menu

    @staticmethod
    def _rank(plain_title: str) -> float:
        order = [_plain(t) for t in MENU_ORDER]
        if plain_title in order:
            return order.index(plain_title)
        return order.index("Help") - 0.5

    def add_action(
        self,
        menu: QMenu | None,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
        while_typing: bool = True,
    ) -> QAction:
        """An action of the window (its shortcut works everywhere and F1 lists it), added
        to ``menu`` unless that is None. ``while_typing=False``: a focused text field keeps
        the shortcut's key (for an action that would throw away what is being typed)."""
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            if not while_typing:
                self._typing.keep(action.shortcut())
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        action.triggered.connect(slot)
        self._window.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def status_bar(self) -> QStatusBar:
        return self._window.statusBar()

    def show_status(self, text: str, timeout_ms: int) -> None:
        self._window.statusBar().showMessage(text, timeout_ms)

    def set_title(self, title: str, modified: bool) -> None:
        """The window's title (with ``[*]`` where the modified star goes) and the star."""
        self._window.setWindowTitle(title)
        self._window.setWindowModified(modified)
