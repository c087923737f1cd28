"""The selected socket's script automation: its file with line numbers, Save, Run, Stop.

Shown in place of the automation editor's fields when the socket's automation is a Python
script (core.automation.script_runner). Save writes the file and, when the script runs,
runs it again from the saved text; a file watcher does the same for an edit made in another
editor (the text is reloaded unless it has unsaved edits here). An error is shown under the
text with its traceback, and its line is marked. For other sockets the pane offers
"New script…": a file made from a template next to the workspace file, never over an
existing one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QFileSystemWatcher, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec, parse_script
from zinspect.core.automation.script_runner import (
    TEMPLATE,
    ScriptError,
    ScriptRunner,
    attach_any,
    read_script,
)
from zinspect.core.frames_json import SpecError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.automation.code_edit import CodeEdit
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.widgets.elided_label import ElidedLabel
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.flow_bar import FlowBar
from zinspect.ui.widgets.reveal import reveal_soon
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

DEFAULT_NAME = "script.py"
NEW_NAME_TIP = "The file name of a new script, next to the workspace file"


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class ScriptPane(QWidget):
    """A script automation's editor; ``workspace_path`` says where new scripts go."""

    def __init__(
        self, bridge: SessionBridge, fields: QWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._fields = fields  # the automation editor's fields, hidden for a script
        self._handle: SocketHandle | None = None
        self._file = ""  # the script shown
        self._disk_text = ""  # what the file held when last read or written here
        self.workspace_path: Callable[[], str | None] = lambda: None

        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(DEFAULT_NAME)
        self.new_name.setAccessibleName("New script name")
        self.new_name.setToolTip(NEW_NAME_TIP)
        self.new_button = QPushButton("New script…")
        self.new_button.setAccessibleName("New script")
        self.new_button.setToolTip(
            "Make this socket's automation a Python script (docs/scripting.md): a new file "
            "from a template, next to the workspace file; an existing file is never replaced"
        )
        self.open_button = QPushButton("Open script…")
        self.open_button.setAccessibleName("Open script")
        self.open_button.setToolTip(
            "Make this socket's automation a Python file that exists already (docs/"
            "scripting.md); it is attached stopped: read it, then press Run"
        )
        self.open_dialog: QFileDialog | None = None  # on screen while the user chooses
        self.new_error = error_label("New script error")
        self.new_row = QWidget()
        new_layout = QVBoxLayout(self.new_row)
        new_layout.setContentsMargins(0, 0, 0, 0)
        new_layout.addWidget(self.new_name)  # the dock's whole width: a long name is read
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.new_button)
        new_layout.addLayout(row)
        new_layout.addWidget(self.new_error)

        self.path_label = ElidedLabel("The script's name and its file")
        self.path_label.setAccessibleName("Script file")
        self.edit = CodeEdit()
        self.edit.setAccessibleName("Script text")
        self.edit.setMinimumHeight(220)
        self.state_label = QLabel()
        self.state_label.setAccessibleName("Script state")
        self.save_button = self._button(
            "Save", "Write the text to the script's file (Ctrl+S in the text)"
        )
        self.run_button = self._button("Run", "Run the script from its file (saves it first)")
        self.stop_button = self._button("Stop", "Stop the script (its on_stop runs)")
        self.remove_button = self._button(
            "Remove", "Take the script off this socket (the file stays)"
        )
        self.error = error_label("Script error")
        self.note = QLabel()  # what a start did that the user should know
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Script note")
        self.note.setToolTip("What the last start did besides running the script")
        set_style(self.note, NOTE_TEMPLATE)
        self.note.hide()
        self.script_view = QWidget()
        view = QVBoxLayout(self.script_view)
        view.setContentsMargins(0, 0, 0, 0)
        view.addWidget(self.path_label)
        view.addWidget(self.edit, 1)
        buttons = FlowBar(spacing=6)  # wraps in a narrow dock instead of widening it
        for button in (self.save_button, self.run_button, self.stop_button, self.remove_button):
            buttons.add(button)
        buttons.add(self.state_label)
        view.addLayout(buttons)
        view.addWidget(self.note)
        view.addWidget(self.error)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.script_view)
        layout.addWidget(self.new_row)

        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._on_watcher_file_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.new_name.returnPressed.connect(self._on_new_button_clicked)
        self.new_name.textChanged.connect(self._on_new_name_text_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.edit.modificationChanged.connect(self._on_edit_modification_changed)
        # Ctrl+S in the text saves the script; elsewhere it stays the window's File > Save
        self.edit.save_requested.connect(self._on_edit_save_requested)
        self.set_handle(None)

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(f"{text} script")
        button.setToolTip(tip)
        return button

    # -- public ----------------------------------------------------------------------------
    def set_handle(self, handle: SocketHandle | None) -> None:
        """Show another socket: its script, or the fields and "New script…"."""
        self._handle = handle
        show_error(self.new_error, "")
        self.refresh()

    @property
    def runner(self) -> ScriptRunner | None:
        runner = self._handle.automation_runner if self._handle is not None else None
        return runner if isinstance(runner, ScriptRunner) else None

    def refresh(self) -> None:
        """Follow the socket: which view applies, the script's state and its last error."""
        handle = self._handle
        runner = self.runner
        is_script = runner is not None
        self._fields.setVisible(handle is not None and not is_script)
        self.script_view.setVisible(is_script)
        self.new_row.setVisible(handle is not None and not is_script and not handle.closed)
        if runner is None:
            self._show_file("")
            return
        if self._on_runner_state_changed not in runner.on_state_changed:
            runner.on_state_changed.append(self._on_runner_state_changed)
        self._show_file(runner.script.file)
        self.path_label.set_full_text(f"{runner.script.path}  ({runner.script.file})")
        self.state_label.setText(runner.state)
        self.run_button.setEnabled(not runner.running and not runner.handle.closed)
        self.stop_button.setEnabled(runner.running)
        # a refused send stays in sight when a later report (a slow call) comes after it
        said = dict.fromkeys(filter(None, (runner.send_problem, runner.last_error)))
        show_error(self.error, "\n".join(said))
        show_error(self.note, runner.note)
        line = runner.error_line if runner.failed else 0
        if line != self.edit.marked_line:
            self.edit.mark_line(line)

    # -- the file --------------------------------------------------------------------------
    def _show_file(self, file: str) -> None:
        if file == self._file:
            return
        if self._file:
            self.watcher.removePath(self._file)
        self._file = file
        if not file:
            return
        self._load_text()
        if os.path.exists(file):
            self.watcher.addPath(file)

    def _load_text(self) -> None:
        try:
            text = _decode(read_script(self._file))
        except ScriptError as error:
            text = ""
            show_error(self.error, str(error))
        self._disk_text = text
        self.edit.setPlainText(text)
        self.edit.document().setModified(False)
        self.edit.mark_line(0)

    def save(self) -> bool:
        """Write the text to the file; False (and the reason shown) when it cannot."""
        text = self.edit.toPlainText()
        try:
            with open(self._file, "w", encoding="utf-8") as stream:
                stream.write(text)
        except OSError as error:
            show_error(self.error, f"Not saved: {error.strerror or error}")
            return False
        self._disk_text = text
        self.edit.document().setModified(False)
        if self._file not in self.watcher.files():
            self.watcher.addPath(self._file)
        log.info("saved script %s", self._file)
        return True

    def _restart_if_running(self) -> None:
        runner = self.runner
        if runner is not None and runner.running:
            runner.stop()
            runner.start()  # loads the file again
        self.refresh()

    # -- slots -----------------------------------------------------------------------------
    def _on_runner_state_changed(self, runner: object) -> None:
        if runner is self.runner:
            self.refresh()

    def _on_watcher_file_changed(self, path: str) -> None:
        if path != self._file:
            return
        if os.path.exists(path) and path not in self.watcher.files():
            self.watcher.addPath(path)  # an editor that replaces the file drops the watch
        try:
            text = _decode(read_script(path))
        except ScriptError:
            return
        if text == self._disk_text:
            return  # our own save, or no change
        if self.edit.document().isModified():
            show_error(self.error, "The file changed on disk; Save writes your text over it.")
            self._disk_text = text
            return
        self._load_text()
        self._restart_if_running()

    def _on_save_button_clicked(self) -> None:
        if self.runner is not None and self.save():
            self._restart_if_running()

    def _on_edit_save_requested(self) -> None:
        self._on_save_button_clicked()

    def _on_run_button_clicked(self) -> None:
        runner = self.runner
        if runner is None:
            return
        if self.edit.document().isModified() and not self.save():
            return
        runner.start()  # the user asked: that is the trust a script needs
        self.refresh()

    def _on_stop_button_clicked(self) -> None:
        runner = self.runner
        if runner is not None:
            runner.stop()
        self.refresh()

    def _on_remove_button_clicked(self) -> None:
        if self._handle is not None:
            attach_any(self._handle, None)
        self.refresh()

    def _on_edit_modification_changed(self, modified: bool) -> None:
        self.save_button.setText("Save*" if modified else "Save")

    def _on_new_name_text_changed(self, text: str) -> None:
        # the whole name, should it be longer than the field
        self.new_name.setToolTip(f"{text}\n{NEW_NAME_TIP}" if text else NEW_NAME_TIP)

    def _on_new_button_clicked(self) -> None:
        handle = self._handle
        if handle is None or handle.closed:
            return
        name = self.new_name.text().strip() or DEFAULT_NAME
        if not name.endswith(".py"):
            name += ".py"
        if os.path.basename(name) != name or name.startswith("."):
            show_error(self.new_error, "Give a file name, without folders (e.g. worker.py).")
            return
        workspace = self.workspace_path()
        if not workspace:
            show_error(
                self.new_error,
                "Save the workspace first: a script lives next to the workspace file.",
            )
            return
        file = os.path.join(os.path.dirname(os.path.abspath(workspace)), name)
        try:
            with open(file, "x", encoding="utf-8") as stream:  # "x": never over a file
                stream.write(TEMPLATE)
        except FileExistsError:
            show_error(
                self.new_error,
                f"{name} exists already: choose another name, or Open script… to use it.",
            )
            return
        except OSError as error:
            show_error(self.new_error, f"Cannot create {name}: {error.strerror or error}")
            return
        show_error(self.new_error, "")
        self.new_name.clear()
        attach_any(handle, AutomationSpec(script=ScriptSpec(path=name, file=file)), start=False)
        self.refresh()
        self.edit.setFocus()
        reveal_soon(self, self.path_label, self.edit)  # the fields it replaces were taller

    def _on_open_button_clicked(self) -> None:
        if self._handle is None or self._handle.closed:
            return
        if self.open_dialog is not None:
            self.open_dialog.raise_()
            return
        dialog = self.open_dialog = QFileDialog(self, "Open script")
        dialog.setObjectName("open_script_dialog")
        dialog.setAccessibleName("Open script")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # its folder model goes too
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter("Python scripts (*.py)")
        workspace = self.workspace_path()
        if workspace:
            dialog.setDirectory(os.path.dirname(os.path.abspath(workspace)))
        dialog.fileSelected.connect(self._on_open_dialog_file_selected)
        dialog.destroyed.connect(self._on_open_dialog_destroyed)
        dialog.open()

    def _on_open_dialog_destroyed(self) -> None:
        self.open_dialog = None

    def _on_open_dialog_file_selected(self, file: str) -> None:
        self.attach_file(file)

    def attach_file(self, file: str) -> bool:
        """Make the existing ``file`` this socket's script, stopped; False (and the reason
        under the buttons) when it cannot be. Named relative to the workspace file, as the
        workspace format keeps scripts, or whole while the workspace has no file yet."""
        handle = self._handle
        if handle is None or handle.closed:
            return False
        file = os.path.abspath(file)
        workspace = self.workspace_path()
        base = os.path.dirname(os.path.abspath(workspace)) if workspace else None
        path = file
        if base and os.path.splitdrive(file)[0] == os.path.splitdrive(base)[0]:
            path = os.path.relpath(file, base).replace(os.sep, "/")
        try:
            spec = parse_script(path, "script", base)
            read_script(spec.file)  # what cannot run is said now, not at Run
        except (SpecError, ScriptError) as error:
            reason = error.message if isinstance(error, SpecError) else str(error)
            show_error(self.new_error, f"Not attached: {reason}")
            return False
        show_error(self.new_error, "")
        attach_any(handle, AutomationSpec(script=spec), start=False)
        log.info("script %s attached to %s", spec.file, handle.name)
        self.refresh()
        self.edit.setFocus()
        reveal_soon(self, self.path_label, self.edit)
        return True
