"""The Demos menu and the Demo dock: opening a bundled pattern demo in place of the
current workspace (asking first about unsaved changes, like File → Open).

A demo opens as an *untitled* workspace named after it, so Save asks where to save and the
bundled file is never written. Opening any other workspace (or New) ends the demo.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from zinspect.core.demos.demos import Demo, DemoRunner, demo_names, load_demo
from zinspect.ui.demos.demo_panel import DemoPanel

if TYPE_CHECKING:
    from zinspect.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class DemoActions(QObject):
    """Owns the Demos menu, the Demo dock and the running demo (``runner``)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner: DemoRunner | None = None
        self.catalogue: list[Demo] = [load_demo(name) for name in demo_names()]
        self.panel = DemoPanel(self.catalogue, window)
        self.panel.open_requested.connect(self.open_demo)
        self.panel.reset_requested.connect(self._on_panel_reset_requested)
        self.dock = window._dock("Demo", "demo_dock", self.panel,
                                 Qt.DockWidgetArea.LeftDockWidgetArea)
        # a tab beside the sockets list: the demo's text needs the height of the window
        window.tabifyDockWidget(window.sockets_dock, self.dock)
        window.sockets_dock.raise_()
        window.workspace_actions.workspace_replaced.connect(
            self._on_workspace_actions_workspace_replaced)

        self.menu = QMenu("&Demos", window)
        self.menu.setToolTipsVisible(True)
        self.open_actions: dict[str, QAction] = {}
        for demo in self.catalogue:
            action = QAction(f"{demo.title}", self)
            action.setToolTip(demo.summary)
            action.setStatusTip(f"Open the {demo.name} demo: {demo.summary}")
            action.triggered.connect(lambda _=False, name=demo.name: self.open_demo(name))
            self.menu.addAction(action)
            self.open_actions[demo.name] = action
        self.menu.addSeparator()
        self.menu.addAction(self.dock.toggleViewAction())
        help_menu = window.menuBar().actions()[-1]  # Help stays last
        window.menuBar().insertMenu(help_menu, self.menu)

    # -- opening --------------------------------------------------------------------------
    def open_demo(self, name: str, *, ask: bool = True, doing: str = "opening a demo") -> None:
        """Open the demo ``name`` (one of demo_names()); first, ask about unsaved changes
        (before ``doing`` it) unless ``ask`` is False (the command line has none)."""
        if ask:
            self.window.workspace_actions.confirm_discard(
                doing, lambda: self._open_now(name))
        else:
            self._open_now(name)

    def _open_now(self, name: str) -> None:
        demo = load_demo(name)
        self._end_demo()
        runner = DemoRunner(demo, self.window.session)
        self.window.workspace_actions.replace_sockets(
            runner.open, demo.workspace.messages, path=None, title=f"{demo.name} demo")
        self.runner = runner
        self.panel.set_runner(runner)
        self.dock.show()
        self.dock.raise_()
        self.window.topology.dock.show()  # the demo's shape at a glance
        self.window.topology.dock.raise_()
        log.info("opened demo %s", name)

    def _end_demo(self) -> None:
        if self.runner is not None:
            self.runner.close()
            self.runner = None
            self.panel.set_runner(None)

    # -- slots ----------------------------------------------------------------------------
    def _on_workspace_actions_workspace_replaced(self, _path: str) -> None:
        self._end_demo()  # _open_now sets the new runner after this

    def _on_panel_reset_requested(self) -> None:
        if self.runner is not None:
            self.open_demo(self.runner.demo.name, doing="resetting the demo")


def install_demo_actions(window: MainWindow) -> DemoActions:
    """Add the Demos menu and the Demo dock to ``window``."""
    return DemoActions(window)
