"""The Capture menu's file dialogs and message boxes: opened, never exec'd, so no nested
event loop runs while the user decides; one of each at a time, kept so tests and the menu can
reach the one on screen.

A file dialog starts in the folder where the last file of its kind (captures, CSV) was
chosen in this window, else in the open workspace's folder, else in the other kind's
folder; only with none of them does Qt's default (the working folder) apply.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

CAPTURES, CSV = "captures", "csv"  # the kinds of file whose last folder is remembered


class CaptureDialogs(QObject):
    """The ``file_dialog`` and ``message_box`` shown over ``window`` (None when closed)."""

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self.file_dialog: QFileDialog | None = None
        self.message_box: QMessageBox | None = None
        self.workspace_path: Callable[[], str | None] = lambda: None  # set by the window
        self._last_folder: dict[str, str] = {}

    def start_folder(self, kind: str) -> str:
        """Where a dialog for files of ``kind`` starts ('' for Qt's default)."""
        workspace = self.workspace_path()
        for folder in (
            self._last_folder.get(kind),
            os.path.dirname(os.path.abspath(workspace)) if workspace else None,
            *self._last_folder.values(),
        ):
            if folder and os.path.isdir(folder):
                return folder
        return ""

    def _remember_folder(self, path: str) -> None:
        kind = CSV if path.lower().endswith(".csv") else CAPTURES
        self._last_folder[kind] = os.path.dirname(os.path.abspath(path))

    def open_file_dialog(
        self,
        title: str,
        save: bool,
        filters: list[str],
        name: str,
        on_selected: Callable[[str, str], object],
        on_many: Callable[[list[str]], object] | None = None,
        kind: str = CAPTURES,
    ) -> QFileDialog:
        """Open a file dialog for files of ``kind``; ``on_selected(path, name_filter)`` runs
        once a file is chosen (for a save, after the user agreed to replace an existing
        file). With ``on_many`` several files may be chosen; it gets them all
        (``on_selected`` is not called)."""
        if self.file_dialog is not None:
            self.file_dialog.close()
        dialog = QFileDialog(self._window, title, self.start_folder(kind))
        dialog.setAccessibleName(title)
        dialog.setToolTip(title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setNameFilters(filters)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            # Qt's own question would run a nested event loop: ask with an opened box instead
            dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
            dialog.selectFile(name)
        elif on_many is not None:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
            dialog.filesSelected.connect(lambda paths: self._on_many_selected(paths, on_many))
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)

        def selected(path: str) -> None:
            name_filter = dialog.selectedNameFilter()
            self._remember_folder(path)
            if save and os.path.exists(path):
                self._confirm_replace(path, lambda: on_selected(path, name_filter))
            else:
                on_selected(path, name_filter)

        if on_many is None:
            dialog.fileSelected.connect(selected)
        dialog.destroyed.connect(lambda *_: self._forget_dialog(dialog))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def _on_many_selected(self, paths: list[str], on_many: Callable[[list[str]], object]) -> None:
        if paths:
            self._remember_folder(paths[0])
        on_many(list(paths))

    def _confirm_replace(self, path: str, then: Callable[[], object]) -> QMessageBox:
        box = self.question(f"{os.path.basename(path)} exists already. Replace it?", "Replace file")
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        replace.setToolTip(f"Overwrite {path}")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: then() if button is replace else None)
        box.open()
        return box

    def question(self, text: str, title: str) -> QMessageBox:
        """A question box with Cancel, kept as ``message_box``; the caller adds buttons and
        opens it (never exec: no nested event loop)."""
        if self.message_box is not None:
            self.message_box.close()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setAccessibleName(title)
        box.button(QMessageBox.StandardButton.Cancel).setToolTip("Do nothing")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda *_: self._forget_box(box))
        self.message_box = box
        return box

    def _forget_dialog(self, dialog: QFileDialog) -> None:
        if self.file_dialog is dialog:
            self.file_dialog = None

    def show_box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        if self.message_box is not None:
            self.message_box.close()
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, self._window)
        box.setAccessibleName(title)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda *_: self._forget_box(box))
        self.message_box = box
        box.open()
        return box

    def _forget_box(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None
