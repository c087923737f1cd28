"""Asking before a workspace's Python scripts run, as editors do for workspace tasks.

A script automation is the user's own code, run with their rights: opening a workspace that
holds scripts says so and asks before they run the first time. The answer is remembered in
QSettings per workspace path and script content (SHA-256), so the same scripts are not asked
about again, and a script that changed since (someone else's edit, a pulled commit) is.
``run_without_asking`` is the command line's ``--run-scripts``. Enter answers "Don't run":
the safe choice is the one a key pressed without reading makes. The question comes in front
of the window and of the workspace's Problems list, shown just before it.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from zinspect.core.automation.script_runner import ScriptRunner, script_hash
from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import workspace_scripts
from zinspect.core.workspace.model import Workspace
from zinspect.ui.workspace.questions import Questions

log = logging.getLogger(__name__)

SETTINGS_KEY = "scripts/trusted"
KEEP = 500  # remembered answers; the oldest are forgotten past this


class ScriptTrust(QObject):
    """Whether a workspace's scripts may run, and the question when nobody said yet."""

    def __init__(self, window: QWidget, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        self._questions = Questions(window, self)
        self.run_without_asking = False
        self.box: QMessageBox | None = None  # the question on screen, if any

    def _remembered(self) -> list[str]:
        value = self._settings.value(SETTINGS_KEY, [])
        if isinstance(value, str):
            return [value]
        return [str(item) for item in value] if isinstance(value, list) else []

    @staticmethod
    def _key(path: str, file: str) -> str:
        return f"{os.path.abspath(path)}\n{file}\n{script_hash(file)}"

    def trusted(self, path: str, workspace: Workspace) -> bool:
        """Whether every script of ``workspace`` (opened from ``path``) may run now."""
        files = workspace_scripts(workspace)
        if not files or self.run_without_asking:
            return True
        remembered = set(self._remembered())
        return all(self._key(path, file) in remembered for file in files)

    def ask(self, path: str, workspace: Workspace, session: Session) -> None:
        """Ask whether the scripts may run; Run starts them and remembers the answer."""
        files = workspace_scripts(workspace)
        keys = [self._key(path, file) for file in files]  # the content the user is asked about
        base = os.path.dirname(os.path.abspath(path))
        names = "\n".join(f"  {os.path.relpath(file, base)}" for file in files)
        text = (
            f"{os.path.basename(path)} runs Python scripts:\n\n{names}\n\n"
            "A script is code that runs with your rights, like any program you start. "
            "Run them only if you trust where this workspace comes from. You can read them "
            "in the Automation pane first, and run each later with its Run button."
        )
        self.box = self._questions.ask(
            QMessageBox.Icon.Warning,
            "Run the workspace's scripts?",
            text,
            [
                (
                    "Run scripts",
                    QMessageBox.ButtonRole.AcceptRole,
                    lambda: self.allow(files, keys, session),
                ),
                ("Don't run", QMessageBox.ButtonRole.RejectRole, None),
            ],
            default="Don't run",
        )
        self.box.raise_()  # above the Problems list, a window of its own shown just before
        self.box.activateWindow()

    def allow(self, files: list[str], keys: list[str], session: Session) -> None:
        """Remember ``keys`` (the scripts as they were when asked) as trusted; start them."""
        kept = [key for key in self._remembered() if key not in keys] + keys
        self._settings.setValue(SETTINGS_KEY, kept[-KEEP:])
        for handle in list(session.sockets):
            runner = handle.automation_runner
            if isinstance(runner, ScriptRunner) and runner.script.file in files:
                runner.start()
        log.info("scripts allowed to run: %s", ", ".join(files))
