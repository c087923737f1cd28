"""What a workspace file held that zinspect could not use: the status bar button that
counts the problems and the non-modal window that lists them with their places.

Loading never loses what the file holds without saying so, so both stay until the workspace
is replaced or saved. Entries that could not be loaded are also kept here as they were
written (``left_out``): saving writes them back, so only the other problems (a socket
created without a bind that failed, say) are lost by a save, and only those are asked about.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.frames_json import SpecError
from zinspect.core.workspace.model import LeftOut
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.theme import set_style

UNTITLED = "Untitled"


def display_name(path: str | None) -> str:
    return Path(path).name if path else UNTITLED


class ProblemLines(QStringListModel):
    """The lines, each also its own tooltip (a line wider than the list is wrapped)."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)


class LoadProblemsDialog(QDialog):
    """The problems found in a workspace, one per line with its exact place; not modal, so
    the user can keep it beside the file they fix."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_problems")
        self.setAccessibleName("Workspace problems")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("Workspace problems summary")
        self.intro.setToolTip("Which file, and what happened to the entries listed below")
        self.model = ProblemLines(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        # whole lines, wrapped: a place and its value were cut with "…" at the list's edge
        self.view.setWordWrap(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # wrapped again when resized
        self.view.setLayoutMode(QListView.LayoutMode.Batched)  # thousands of lines: no freeze
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.view.setAccessibleName("Workspace problem list")
        self.view.setToolTip(
            "Each problem with its place in the file (sockets[2].options."
            "RCVHWM) and the bad value; Ctrl+C copies the selected lines"
        )
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton("Copy all", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy all problems")
        self.copy_button.setToolTip("Copy every line to the clipboard")
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close problem list")
        self.close_button.setToolTip("Close this list (the status bar brings it back)")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(720, 320)

    def show_problems(self, path: str, problems: list[str]) -> None:
        count = len(problems)
        self.setWindowTitle(f"Problems in {display_name(path)}")
        self.intro.setText(
            f"{path}: {count} problem{'s' if count != 1 else ''}. An entry with a mistake was "
            "left out whole: a socket with one bad endpoint or option is not created at all "
            "(saving writes it back as it was, for you to fix). A socket whose bind or "
            "connect failed here was created without that one. Everything else was loaded."
        )
        self.model.setStringList(problems)
        self.show()
        self.raise_()

    def problems(self) -> list[str]:
        return self.model.stringList()

    def _on_copy_button_clicked(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText("\n".join(self.problems()))


class LoadProblems(QObject):
    """The problems of the workspace last opened: ``problems`` and the file they are in
    (``path``), a status bar button counting them, and the list window it opens."""

    def __init__(
        self, window: QWidget, status_bar: QStatusBar, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._window = window
        self.problems: list[str] = []
        self.path: str | None = None
        self.left_out: list[LeftOut] = []
        self._kept: set[str] = set()
        self.dialog: LoadProblemsDialog | None = None
        self.button = QPushButton(status_bar)
        self.button.setFlat(True)
        set_style(self.button, ERROR_TEMPLATE)
        self.button.setAccessibleName("Workspace problems")
        self.button.setToolTip("Problems found when the workspace was opened; click to list them")
        self.button.clicked.connect(self._on_button_clicked)
        self.button.hide()
        # permanent: showMessage() would hide a normal status bar widget
        status_bar.insertPermanentWidget(0, self.button)

    def set_problems(self, path: str | None, problems: list[str]) -> None:
        self._set(path, problems)
        self.left_out = []
        self._kept = set()  # the problems of left_out entries

    def add(self, problems: list[str]) -> None:
        """Problems found after the workspace opened (a tap that did not start)."""
        self._set(self.path, self.problems + problems)

    def keep(self, left_out: list[LeftOut], invalid: list[SpecError]) -> None:
        """The entries the file could not load, to write back on save; the problems in
        ``invalid`` about them are no longer lost by saving."""
        self.left_out = list(left_out)
        self._kept = {str(e) for e in invalid if any(entry.holds(e) for entry in left_out)}

    def lost(self) -> list[str]:
        """The problems a save would lose (those of entries kept as written are not)."""
        return [line for line in self.problems if line not in self._kept]

    def saved(self, path: str) -> None:
        """Saved to ``path``: what remains are the problems of the entries written back."""
        self._set(path if self.left_out else None, [p for p in self.problems if p in self._kept])

    def _set(self, path: str | None, problems: list[str]) -> None:
        self.problems = list(problems)
        self.path = path
        count = len(problems)
        self.button.setText(f"⚠ {count} problem{'s' if count != 1 else ''} in {display_name(path)}")
        self.button.setVisible(bool(problems))
        if not problems and self.dialog is not None:
            self.dialog.close()

    def show_list(self) -> LoadProblemsDialog | None:
        if not self.problems:
            return None
        if self.dialog is None:
            self.dialog = LoadProblemsDialog(self._window)
        self.dialog.show_problems(self.path or UNTITLED, self.problems)
        return self.dialog

    def _on_button_clicked(self) -> None:
        self.show_list()
