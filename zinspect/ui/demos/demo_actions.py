"""The Demos menu and the Demo dock: opening a bundled pattern demo in place of the
current workspace (asking first about unsaved changes, like File → Open).

A demo opens as an *untitled* workspace named after it, so Save asks where to save and the
bundled file is never written. Opening any other workspace (or New) ends the demo.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction

from zinspect.core.demos.demos import Demo, DemoRunner, demo_names, load_demo, opening
from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_steps
from zinspect.core.workspace.model import SavedMessage
from zinspect.ui.demos.demo_panel import DemoPanel
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)


class Workspaces(Protocol):
    """What opening a demo needs of the workspace actions: ask about unsaved changes, and
    put a new set of sockets and saved messages in place of the old."""

    def confirm_discard(self, action: str, then: Callable[[], None]) -> None: ...

    def confirm_traffic(self, names: list[str], then: Callable[[], None]) -> None: ...

    def replace_sockets(
        self,
        steps: Generator[None, None, list[str]],
        total: int,
        messages: list[SavedMessage],
        title: str,
        then: Callable[[list[str]], None],
    ) -> None: ...


class DemoActions(QObject):
    """Owns the Demos menu, the Demo dock and the running demo (``runner``).

    ``demo_opened(name)`` after a demo's sockets are in place; the main window calls
    ``end_demo`` when any other workspace replaces them.
    """

    demo_opened = Signal(str)

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        workspaces: Workspaces,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.workspaces = workspaces
        self.runner: DemoRunner | None = None
        self.catalogue: list[Demo] = [load_demo(name) for name in demo_names()]
        self.panel = DemoPanel(self.catalogue, host.widget)
        self.panel.open_requested.connect(self.open_demo)
        self.panel.reset_requested.connect(self._on_panel_reset_requested)
        self.dock = host.add_dock(
            "Demo", "demo_dock", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )

        self.menu = host.menu("&Demos")
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

    # -- opening --------------------------------------------------------------------------
    def open_demo(self, name: str, *, ask: bool = True, doing: str = "opening a demo") -> None:
        """Open the demo ``name`` (one of demo_names()); first, ask about unsaved changes
        (before ``doing`` it) unless ``ask`` is False (the command line has none)."""
        if ask:
            self.workspaces.confirm_discard(doing, lambda: self._settle_traffic(name))
        else:
            self._settle_traffic(name)

    def _settle_traffic(self, name: str) -> None:
        """Clear or keep the traffic (asking), never mixing it with same-named new sockets."""
        names = [spec.name for spec in load_demo(name).workspace.sockets]
        self.workspaces.confirm_traffic(names, lambda: self._open_now(name))

    def _open_now(self, name: str) -> None:
        """Replace the sockets by the demo's, a slice per turn (a workspace of thousands
        closes first); its runner starts once they are made (Cancel: never)."""
        demo = load_demo(name)
        self.end_demo()
        workspace = opening(demo)
        steps = apply_steps(workspace, self.session, start_sends=False)
        total = len(workspace.sockets)
        title = f"{demo.name} demo"
        messages = demo.workspace.messages
        self.workspaces.replace_sockets(steps, total, messages, title, lambda _: self._made(demo))

    def _made(self, demo: Demo) -> None:
        runner = DemoRunner(demo, self.session)
        self.runner = runner
        self.panel.set_runner(runner)
        self.dock.show()
        self.dock.raise_()
        log.info("opened demo %s", demo.name)
        self.demo_opened.emit(demo.name)

    def end_demo(self) -> None:
        """Close the running demo's helpers (its sockets belong to the workspace)."""
        if self.runner is not None:
            self.runner.close()
            self.runner = None
            self.panel.set_runner(None)

    # -- slots ----------------------------------------------------------------------------
    def _on_panel_reset_requested(self) -> None:
        if self.runner is not None:
            self.open_demo(self.runner.demo.name, doing="resetting the demo")
