"""Questions the workspace actions ask: one window-modal box at a time, opened with
``open()`` (never exec'd), so no nested event loop runs while the user decides."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from zinspect.core.workspace.model import EXTENSION

FILE_FILTER = f"zinspect workspaces (*{EXTENSION});;JSON files (*.json);;All files (*)"

Continuation = Callable[[], object]  # what it returns is not used


class Questions(QObject):
    """Asks with a message box over ``window``; each button runs its choice afterwards."""

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._box: QMessageBox | None = None

    def is_asking(self) -> bool:
        """A question is on screen now."""
        return self._box is not None and self._box.isVisible()

    def show_box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        return self.ask(icon, title, text, [("Close", QMessageBox.ButtonRole.RejectRole, None)])

    def ask(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        choices: list[tuple[str, QMessageBox.ButtonRole, Continuation | None]],
        default: str = "",
    ) -> QMessageBox:
        """A window-modal question, opened (not exec'd); each button runs its choice.
        ``default`` labels the button Enter presses (else Qt's pick: the accepting one)."""
        if self._box is not None and self._box.isVisible():
            self._box.close()
        box = self._box = QMessageBox(
            icon, title, text, QMessageBox.StandardButton.NoButton, self._window
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName(title)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions: dict[QAbstractButton, Continuation | None] = {}
        for label, role, then in choices:
            button = box.addButton(label, role)
            button.setAccessibleName(label.rstrip("…"))
            button.setToolTip(label.rstrip("…"))
            actions[button] = then
            if role == QMessageBox.ButtonRole.RejectRole:
                box.setEscapeButton(button)
            if label == default:
                box.setDefaultButton(button)
        box.buttonClicked.connect(lambda button: self._on_box_button_clicked(actions, button))
        box.destroyed.connect(self._on_box_destroyed)
        box.open()
        return box

    def ask_replace(self, path: str, replace: Continuation) -> None:
        """Save As chose a file that exists: Replace or Cancel."""
        self.ask(
            QMessageBox.Icon.Warning,
            "Replace file?",
            f"{path} exists already. Replace it with this workspace?",
            [
                ("Replace", QMessageBox.ButtonRole.AcceptRole, replace),
                ("Cancel", QMessageBox.ButtonRole.RejectRole, None),
            ],
        )

    def ask_lost(
        self, name: str, lost: list[str], anyway: Continuation, save_as: Continuation
    ) -> None:
        """Saving over file ``name`` would drop the ``lost`` entries: Save anyway, Save As
        or Cancel."""
        count = len(lost)
        shown = "\n".join(f"• {line}" for line in lost[:8])
        more = f"\n… and {count - 8} more" if count > 8 else ""
        self.ask(
            QMessageBox.Icon.Warning,
            "Save without the entries zinspect left out?",
            f"{name} had {count} entr{'ies' if count != 1 else 'y'} "
            f"zinspect could not use:\n\n{shown}{more}\n\nSaving over the file "
            "drops them. Save As keeps the file as it is.",
            [
                ("Save anyway", QMessageBox.ButtonRole.DestructiveRole, anyway),
                ("Save As…", QMessageBox.ButtonRole.ActionRole, save_as),
                ("Cancel", QMessageBox.ButtonRole.RejectRole, None),
            ],
        )

    def _on_box_button_clicked(
        self, actions: dict[QAbstractButton, Continuation | None], button: QAbstractButton
    ) -> None:
        then = actions.get(button)
        if then is not None:
            # after the box has gone: the choice may open the next box or close the window
            QTimer.singleShot(0, then)

    def _on_box_destroyed(self) -> None:
        self._box = None


def workspace_file_dialog(
    parent: QWidget, title: str, mode: QFileDialog.AcceptMode, folder: str
) -> QFileDialog:
    """The Open or Save As dialog for workspace files, starting in ``folder`` if given."""
    dialog = QFileDialog(parent, title)
    dialog.setAcceptMode(mode)
    dialog.setNameFilter(FILE_FILTER)
    dialog.setFileMode(
        QFileDialog.FileMode.ExistingFile
        if mode == QFileDialog.AcceptMode.AcceptOpen
        else QFileDialog.FileMode.AnyFile
    )
    dialog.setAccessibleName(title)
    if folder:
        dialog.setDirectory(folder)
    return dialog
