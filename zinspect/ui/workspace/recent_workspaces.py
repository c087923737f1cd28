"""The File menu's Open recent list: the workspaces opened or saved lately, kept in the
settings, newest first; a file that has gone is marked, and choosing it drops it."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from zinspect.ui.workspace.load_problems import display_name

RECENT_KEY = "workspace/recent"
RECENT_MAX = 8


class RecentWorkspaces(QObject):
    """The Open recent ``menu`` and its ``clear_action``; ``path_chosen`` when one is picked."""

    path_chosen = Signal(str)  # the path of the workspace chosen in the menu (it may be gone)

    def __init__(self, settings: QSettings, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.menu = QMenu("Open &recent", window)
        self.menu.setToolTipsVisible(True)
        self.menu.menuAction().setToolTip("Workspaces opened or saved lately")
        self.menu.menuAction().setStatusTip("Workspaces opened or saved lately")
        self.menu.aboutToShow.connect(self._rebuild_menu)
        self.clear_action = QAction("&Clear recent list", self)
        self.clear_action.setToolTip("Forget the recently used workspaces (the files stay)")
        self.clear_action.triggered.connect(self._on_clear_action_triggered)
        self._rebuild_menu()

    def recent_paths(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(p) for p in value if p][:RECENT_MAX]

    def remember(self, path: str) -> None:
        paths = [path] + [p for p in self.recent_paths() if p != path]
        self.settings.setValue(RECENT_KEY, paths[:RECENT_MAX])
        self._rebuild_menu()

    def forget(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self.recent_paths() if p != path])
        self._rebuild_menu()

    def _rebuild_menu(self) -> None:
        menu = self.menu
        menu.clear()
        paths = self.recent_paths()
        for number, path in enumerate(paths, start=1):
            missing = not os.path.exists(path)
            text = f"&{number} {display_name(path)}  —  {os.path.dirname(path)}"
            action = menu.addAction(text + ("  (not found)" if missing else ""))
            action.setToolTip(
                f"{path} was not found: choose it to drop it from this list"
                if missing
                else f"Open {path}"
            )
            action.setStatusTip(action.toolTip())
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self.path_chosen.emit(p))
        if not paths:
            empty = menu.addAction("No recent workspaces")
            empty.setToolTip("Workspaces you open or save are listed here")
            empty.setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.clear_action)
        self.clear_action.setEnabled(bool(paths))

    def _on_clear_action_triggered(self) -> None:
        self.settings.setValue(RECENT_KEY, [])
        self._rebuild_menu()
