"""The File menu's workspace actions: New, Open, Save, Save As, Open Recent, and the guard
that asks before unsaved changes are lost.

The window title names the workspace file and shows ``*`` once its sockets or saved
messages differ from the file; that is decided by comparing the text a save would write with
the text last loaded or saved, so a change undone by hand clears the star again, and traffic
(or a REQ/REP turn) never counts as a change. Every question is a window-modal box opened
with ``open()``: no nested event loop.

Loading never loses what the file holds without saying so: problems are listed in a
non-modal window and in the status bar, and saving over a file that had entries zinspect
could not use asks first.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.dump import dump_workspace, holds_secrets
from zinspect.core.workspace.model import EXTENSION, SavedMessage, Workspace, WorkspaceError
from zinspect.core.workspace.parse import read_workspace
from zinspect.core.workspace.snapshot import snapshot
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.compose.saved_messages import SavedMessagesPanel
from zinspect.ui.widgets.feedback import ERROR_STYLE
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)

RECENT_KEY = "workspace/recent"
RECENT_MAX = 8
CHECK_DELAY_MS = 150  # changes are compared at most this often (REQ/REP floods change state)
STATUS_MS = 8000
UNTITLED = "Untitled"
FILE_FILTER = f"zinspect workspaces (*{EXTENSION});;JSON files (*.json);;All files (*)"

Continuation = Callable[[], object]  # what it returns is not used


def display_name(path: str | None) -> str:
    return Path(path).name if path else UNTITLED


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
        self.model = QStringListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
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
            f"{path}: {count} problem{'s' if count != 1 else ''}. Entries with a mistake were "
            "left out; sockets whose bind or connect failed were created without it. "
            "Everything else was loaded."
        )
        self.model.setStringList(problems)
        self.show()
        self.raise_()

    def problems(self) -> list[str]:
        return self.model.stringList()

    def _on_copy_button_clicked(self) -> None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText("\n".join(self.problems()))


class WorkspaceActions(QObject):
    """The File menu's workspace actions, the Saved messages dock, the title star and the
    unsaved-changes guard (``confirm_close``, which the main window asks before closing)."""

    workspace_replaced = Signal(str)  # every socket was replaced (opened, new, demo): path or ""
    socket_chosen = Signal(object)  # SocketHandle: the first socket of a workspace just opened
    quit_confirmed = Signal()  # the user agreed to lose (or saved) the changes: close now

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        bridge: SessionBridge,
        saved_messages: SavedMessagesPanel,
        settings: QSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.session = session
        self.settings = settings
        self.path: str | None = None
        self.title = ""  # the name of an untitled workspace (a demo's), shown for "Untitled"
        self._baseline = dump_workspace(Workspace())
        self._modified = False
        # what the file held that the session does not (invalid entries, failed binds):
        # saving over that same file asks first
        self._problems: list[str] = []
        self._problems_path: str | None = None
        self._close_confirmed = False
        self._box: QMessageBox | None = None
        self._file_dialog: QFileDialog | None = None
        self.problems_dialog: LoadProblemsDialog | None = None

        self.saved_messages = saved_messages
        self.saved_messages_dock = host.add_dock(
            "Saved messages",
            "saved_messages_dock",
            saved_messages,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.update_modified)
        for signal in (bridge.socket_added, bridge.socket_removed, bridge.socket_changed):
            signal.connect(self._on_workspace_changed)
        self.saved_messages.model.messages_changed.connect(self._on_workspace_changed)

        status_bar = host.status_bar()
        self.problems_button = QPushButton(status_bar)
        self.problems_button.setFlat(True)
        self.problems_button.setStyleSheet(ERROR_STYLE)
        self.problems_button.setAccessibleName("Workspace problems")
        self.problems_button.setToolTip(
            "Problems found when the workspace was opened; click to list them"
        )
        self.problems_button.clicked.connect(self._on_problems_button_clicked)
        self.problems_button.hide()
        # permanent: showMessage() would hide a normal status bar widget
        status_bar.insertPermanentWidget(0, self.problems_button)

        self._build_actions()
        self._update_title()

    # -- construction ---------------------------------------------------------------------------
    def _build_actions(self) -> None:
        host = self.host
        file_menu = self.file_menu()
        self.new_action = host.add_action(
            file_menu,
            "&New workspace",
            self._on_new_action_triggered,
            "Ctrl+Shift+N",
            "Close every socket and start an empty workspace",
        )
        self.open_action = host.add_action(
            file_menu,
            "&Open workspace…",
            self._on_open_action_triggered,
            QKeySequence.StandardKey.Open,
            "Open a workspace file and create its sockets",
        )
        self.recent_menu = QMenu("Open &recent", host.widget)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.menuAction().setToolTip("Workspaces opened or saved lately")
        self.recent_menu.menuAction().setStatusTip("Workspaces opened or saved lately")
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        self.clear_recent_action = QAction("&Clear recent list", self)
        self.clear_recent_action.setToolTip("Forget the recently used workspaces (the files stay)")
        self.clear_recent_action.triggered.connect(self._on_clear_recent_action_triggered)
        self._rebuild_recent_menu()
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        self.save_action = host.add_action(
            file_menu,
            "&Save workspace",
            self._on_save_action_triggered,
            QKeySequence.StandardKey.Save,
            "Save the sockets and saved messages to the workspace file",
        )
        self.save_as_action = host.add_action(
            file_menu,
            "Save workspace &as…",
            self._on_save_as_action_triggered,
            "Ctrl+Shift+S",
            "Save the workspace to a new file",
        )
        file_menu.addSeparator()

    def file_menu(self) -> QMenu:
        """The window's File menu (the main window puts Quit at its end)."""
        return self.host.menu("&File")

    # -- state ----------------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return self._modified

    @property
    def name(self) -> str:
        """The file's name, or the untitled workspace's (a demo's) title, or Untitled."""
        return display_name(self.path) if self.path or not self.title else self.title

    def current_text(self) -> str:
        """What Save would write now."""
        return dump_workspace(snapshot(self.session, self.saved_messages.model.messages()))

    def update_modified(self) -> bool:
        """Compare the sockets and messages with the file; update the title's star."""
        self._check_timer.stop()
        modified = self.current_text() != self._baseline
        if modified != self._modified:
            self._modified = modified
            self._update_title()
        return modified

    def _update_title(self) -> None:
        self.host.set_title(f"{self.name}[*] — zinspect", self._modified)
        self.save_action.setToolTip(
            f"Save to {self.path}" if self.path else "Save the workspace to a file"
        )

    def _mark_clean(self, text: str | None = None) -> None:
        self._baseline = self.current_text() if text is None else text
        self._modified = False
        self._update_title()

    def _status(self, text: str) -> None:
        self.host.show_status(text, STATUS_MS)

    def _set_problems(self, path: str | None, problems: list[str]) -> None:
        self._problems = list(problems)
        self._problems_path = path
        count = len(problems)
        self.problems_button.setText(
            f"⚠ {count} problem{'s' if count != 1 else ''} in {display_name(path)}"
        )
        self.problems_button.setVisible(bool(problems))
        if not problems and self.problems_dialog is not None:
            self.problems_dialog.close()

    # -- opening --------------------------------------------------------------------------------
    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Replace the session's sockets with the workspace at ``path``, without asking about
        unsaved changes (the caller did: the command line has none). False when the file is
        refused whole; then nothing changed and the reason is shown and logged."""
        path = os.path.abspath(os.fspath(path))
        try:
            workspace = read_workspace(path)
        except WorkspaceError as error:
            self._show_box(QMessageBox.Icon.Warning, "Cannot open workspace", f"{path}\n\n{error}")
            self._status(f"Not opened: {display_name(path)}: {error}")
            return False
        self.replace_sockets(
            lambda: apply_workspace(workspace, self.session), workspace.messages, path=path
        )
        self._remember(path)
        log.info("opened workspace %s", path)
        return True

    def replace_sockets(
        self,
        create: Callable[[], list[str]],
        messages: list[SavedMessage],
        *,
        path: str | None,
        title: str = "",
    ) -> list[str]:
        """Close every socket, then ``create`` the new ones (it returns the problems) and
        set the saved messages; the result is the clean state of ``path``, or of an
        untitled workspace called ``title`` (a demo: Save asks where, never over the
        bundled file). Announces it with ``workspace_replaced``."""
        self._clear_session()
        problems = create()
        self.saved_messages.model.set_messages(messages)
        if self.session.sockets:
            self.socket_chosen.emit(self.session.sockets[0])
        self.path = path
        self.title = title
        self._mark_clean()
        self._set_problems(path, problems)
        count = len(self.session.sockets)
        summary = (
            f"Opened {display_name(path) if path else title}: {count} "
            f"socket{'s' if count != 1 else ''}"
        )
        if problems:
            self._status(
                f"{summary}; {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, see the list"
            )
            self.show_problems()
        else:
            self._status(summary)
        self.workspace_replaced.emit(path or "")
        return problems

    def new_workspace(self) -> None:
        """Close every socket and forget the file (without asking: see the New action)."""
        self._clear_session()
        self.saved_messages.model.set_messages([])
        self.path = None
        self.title = ""
        self._set_problems(None, [])
        self._mark_clean()
        self._status("New workspace")
        self.workspace_replaced.emit("")

    def _clear_session(self) -> None:
        for handle in list(self.session.sockets):
            handle.close()

    def show_problems(self) -> LoadProblemsDialog | None:
        if not self._problems:
            return None
        if self.problems_dialog is None:
            self.problems_dialog = LoadProblemsDialog(self.host.widget)
        self.problems_dialog.show_problems(self._problems_path or UNTITLED, self._problems)
        return self.problems_dialog

    # -- saving ---------------------------------------------------------------------------------
    def save(self, then: Continuation | None = None) -> None:
        """Save to the current file (Save As when there is none); ``then`` runs once saved."""
        if self.path is None:
            self.save_as(then)
        else:
            self._save_to(self.path, then)

    def save_as(self, then: Continuation | None = None) -> None:
        dialog = self._new_file_dialog("Save workspace as", QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)  # its check is a nested loop
        start = self.path or str(Path.home() / f"workspace{EXTENSION}")
        dialog.selectFile(start)
        dialog.fileSelected.connect(lambda chosen: self._on_save_as_chosen(chosen, then))
        dialog.open()

    def _on_save_as_chosen(self, chosen: str, then: Continuation | None) -> None:
        path = os.path.abspath(chosen)
        if not path.endswith(".json"):
            path += EXTENSION
        if path != self.path and os.path.exists(path):
            self._ask(
                QMessageBox.Icon.Warning,
                "Replace file?",
                f"{path} exists already. Replace it with this workspace?",
                [
                    (
                        "Replace",
                        QMessageBox.ButtonRole.AcceptRole,
                        lambda: self._save_to(path, then),
                    ),
                    ("Cancel", QMessageBox.ButtonRole.RejectRole, None),
                ],
            )
            return
        self._save_to(path, then)

    def _save_to(self, path: str, then: Continuation | None, *, confirmed: bool = False) -> None:
        if self._problems and path == self._problems_path and not confirmed:
            count = len(self._problems)
            shown = "\n".join(f"• {line}" for line in self._problems[:8])
            more = f"\n… and {count - 8} more" if count > 8 else ""
            self._ask(
                QMessageBox.Icon.Warning,
                "Save without the entries zinspect left out?",
                f"{display_name(path)} had {count} entr{'ies' if count != 1 else 'y'} "
                f"zinspect could not use:\n\n{shown}{more}\n\nSaving over the file "
                "drops them. Save As keeps the file as it is.",
                [
                    (
                        "Save anyway",
                        QMessageBox.ButtonRole.DestructiveRole,
                        lambda: self._save_to(path, then, confirmed=True),
                    ),
                    ("Save As…", QMessageBox.ButtonRole.ActionRole, lambda: self.save_as(then)),
                    ("Cancel", QMessageBox.ButtonRole.RejectRole, None),
                ],
            )
            return
        workspace = snapshot(self.session, self.saved_messages.model.messages())
        text, secret = dump_workspace(workspace), holds_secrets(workspace)
        try:
            save_workspace_atomic(path, text, secret=secret)
        except WorkspaceError as error:
            self._show_box(QMessageBox.Icon.Critical, "Workspace not saved", str(error))
            self._status(f"Not saved: {error}")
            return
        self.path = path
        self._mark_clean(text)
        self._set_problems(None, [])
        self._remember(path)
        self._status(
            f"Saved {path}" + (" with secrets: readable only by you (mode 0600)" if secret else "")
        )
        if then is not None:
            then()

    # -- unsaved changes ------------------------------------------------------------------------
    def confirm_discard(self, action: str, then: Continuation) -> None:
        """Run ``then`` now if nothing is unsaved; else ask Save / Discard / Cancel first."""
        if not self.update_modified():
            then()
            return
        self._ask(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"The workspace {self.name} has changes that are not saved. Save them before {action}?",
            [
                ("Save", QMessageBox.ButtonRole.AcceptRole, lambda: self.save(then)),
                ("Discard", QMessageBox.ButtonRole.DestructiveRole, then),
                ("Cancel", QMessageBox.ButtonRole.RejectRole, None),
            ],
        )

    def confirm_close(self) -> bool:
        """MainWindow.closeEvent asks this first: True lets the window close now."""
        if self._close_confirmed or not self.update_modified():
            return True
        if self._box is not None and self._box.isVisible():
            return False  # the question is on screen already
        self.confirm_discard("quitting", self._close_now)
        return False

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.quit_confirmed.emit()

    # -- recent files ---------------------------------------------------------------------------
    def recent_paths(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings gives a lone string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(p) for p in value if p][:RECENT_MAX]

    def _remember(self, path: str) -> None:
        paths = [path] + [p for p in self.recent_paths() if p != path]
        self.settings.setValue(RECENT_KEY, paths[:RECENT_MAX])
        self._rebuild_recent_menu()

    def _forget(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self.recent_paths() if p != path])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
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
            action.triggered.connect(
                lambda _checked=False, p=path: self._on_recent_action_triggered(p)
            )
        if not paths:
            empty = menu.addAction("No recent workspaces")
            empty.setToolTip("Workspaces you open or save are listed here")
            empty.setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(paths))

    # -- boxes and dialogs ----------------------------------------------------------------------
    def _new_file_dialog(self, title: str, mode: QFileDialog.AcceptMode) -> QFileDialog:
        if self._file_dialog is not None:
            self._file_dialog.deleteLater()
        dialog = self._file_dialog = QFileDialog(self.host.widget, title)
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(FILE_FILTER)
        dialog.setFileMode(
            QFileDialog.FileMode.ExistingFile
            if mode == QFileDialog.AcceptMode.AcceptOpen
            else QFileDialog.FileMode.AnyFile
        )
        dialog.setAccessibleName(title)
        if self.path:
            dialog.setDirectory(os.path.dirname(self.path))
        return dialog

    def _show_box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        return self._ask(icon, title, text, [("Close", QMessageBox.ButtonRole.RejectRole, None)])

    def _ask(
        self,
        icon: QMessageBox.Icon,
        title: str,
        text: str,
        choices: list[tuple[str, QMessageBox.ButtonRole, Continuation | None]],
    ) -> QMessageBox:
        """A window-modal question, opened (not exec'd); each button runs its choice."""
        if self._box is not None and self._box.isVisible():
            self._box.close()
        box = self._box = QMessageBox(
            icon, title, text, QMessageBox.StandardButton.NoButton, self.host.widget
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
        box.buttonClicked.connect(lambda button: self._on_box_button_clicked(actions, button))
        box.destroyed.connect(self._on_box_destroyed)
        box.open()
        return box

    def _on_box_button_clicked(
        self, actions: dict[QAbstractButton, Continuation | None], button: QAbstractButton
    ) -> None:
        then = actions.get(button)
        if then is not None:
            # after the box has gone: the choice may open the next box or close the window
            QTimer.singleShot(0, then)

    def _on_box_destroyed(self) -> None:
        self._box = None

    # -- slots ----------------------------------------------------------------------------------
    def _on_workspace_changed(self, *_args: object) -> None:
        if not self._check_timer.isActive():
            self._check_timer.start()

    def _on_new_action_triggered(self) -> None:
        self.confirm_discard("starting a new workspace", self.new_workspace)

    def _on_open_action_triggered(self) -> None:
        self.confirm_discard("opening another workspace", self._choose_file_to_open)

    def _choose_file_to_open(self) -> None:
        dialog = self._new_file_dialog("Open workspace", QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(self.open_path)
        dialog.open()

    def _on_save_action_triggered(self) -> None:
        self.save()

    def _on_save_as_action_triggered(self) -> None:
        self.save_as()

    def _on_recent_action_triggered(self, path: str) -> None:
        if not os.path.exists(path):
            self._forget(path)
            self._status(f"{path} was not found; it is off the recent list now")
            return
        self.confirm_discard("opening another workspace", lambda: self.open_path(path))

    def _on_clear_recent_action_triggered(self) -> None:
        self.settings.setValue(RECENT_KEY, [])
        self._rebuild_recent_menu()

    def _on_problems_button_clicked(self) -> None:
        self.show_problems()
