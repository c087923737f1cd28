"""The File menu's workspace actions: New, Open, Save, Save As, Open Recent, and the guard
that asks before unsaved changes are lost.

The window title names the workspace file (and a capture file whose messages are shown)
and shows ``*`` once its sockets or saved messages differ from the file; that is decided by
comparing the text a save would write with the text last loaded or saved, so a change undone
by hand clears the star again, and traffic (or a REQ/REP turn) never counts as a change.
Every question is a window-modal box opened with ``open()``: no nested event loop.

Loading never loses what the file holds without saying so: problems are listed in a
non-modal window and in the status bar, and saving over a file that had entries zinspect
could not use asks first. The Open recent list (recent_workspaces), the problems found
(load_problems), the question boxes (questions) and the sockets replaced a slice per turn
of the loop (workspace_switch) are components of their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_steps, rebase_scripts
from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.dump import dump_workspace, holds_secrets
from zinspect.core.workspace.model import EXTENSION, SavedMessage, Workspace, WorkspaceError
from zinspect.core.workspace.parse import read_workspace
from zinspect.core.workspace.snapshot import snapshot
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.compose.saved_messages import SavedMessagesPanel
from zinspect.ui.widgets.window_host import WindowHost
from zinspect.ui.workspace.load_problems import LoadProblems, LoadProblemsDialog, display_name
from zinspect.ui.workspace.questions import Continuation, Questions, workspace_file_dialog
from zinspect.ui.workspace.recent_workspaces import RecentWorkspaces
from zinspect.ui.workspace.script_trust import ScriptTrust
from zinspect.ui.workspace.traffic_on_open import TrafficOnOpen
from zinspect.ui.workspace.workspace_switch import WorkspaceSwitch, opened_words
from zinspect.ui.workspace.workspace_taps import WorkspaceTaps

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 150  # changes are compared at most this often (REQ/REP floods change state)
STATUS_MS = 8000


class WorkspaceActions(QObject):
    """The File menu's workspace actions, the Saved messages dock, the title star and the
    unsaved-changes guard (``confirm_close``, which the main window asks before closing)."""

    workspace_replaced = Signal(str)  # every socket was replaced (opened, new, demo): path or ""
    socket_chosen = Signal(object)  # SocketHandle: the first socket of a workspace just opened
    # (None: none, before the sockets close)
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
        self._capture = ""  # the file name of the capture whose messages are shown
        self._baseline = dump_workspace(Workspace())
        self._modified = False
        # what the file held that the session does not (invalid entries, failed binds):
        # saving over that same file asks first
        self.load_problems = LoadProblems(host.widget, host.status_bar(), self)
        self.problems_button = self.load_problems.button
        self.switch = WorkspaceSwitch(bridge, host.status_bar(), self)  # opens in slices
        self.switch.cancel_clicked.connect(self._on_switch_cancel_clicked)
        self.switch.running_changed.connect(self._on_switch_running_changed)
        self.taps = WorkspaceTaps(self.load_problems, self._status, self)  # started on the loop
        self._close_confirmed = False
        self._questions = Questions(host.widget, self)
        self.script_trust = ScriptTrust(host.widget, settings, self)  # asks before scripts run
        self.traffic_on_open: TrafficOnOpen | None = None  # see set_traffic_clear

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
        self.recent = RecentWorkspaces(self.settings, host.widget, self)
        self.recent.path_chosen.connect(self._on_recent_path_chosen)
        self.recent_menu = self.recent.menu
        self.clear_recent_action = self.recent.clear_action
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
        return dump_workspace(self._workspace())

    def _workspace(self) -> Workspace:
        """The sockets and saved messages now, and the entries the file could not load."""
        workspace = snapshot(self.session, self.saved_messages.model.messages())
        workspace.left_out = self.load_problems.left_out
        return workspace

    def update_modified(self) -> bool:
        """Compare the sockets and messages with the file; update the title's star (a
        workspace still opening is its file's, nothing to lose: Open and New go ahead)."""
        self._check_timer.stop()
        if self.switch.running:
            return False
        modified = self.current_text() != self._baseline
        if modified != self._modified:
            self._modified = modified
            self._update_title()
        return modified

    def show_capture(self, path: str) -> None:
        """Name the capture file whose messages the traffic shows in the title ('' for none):
        what the window holds, not only its sockets, tells windows apart."""
        self._capture = os.path.basename(path) if path else ""
        self._update_title()

    def window_title(self) -> str:
        """The title with Qt's ``[*]`` star placeholder: the workspace, then any capture."""
        if not self._capture:
            return f"{self.name}[*] — zinspect"
        if self.path or self.title or self.session.sockets:
            return f"{self.name}[*] + {self._capture} — zinspect"
        return f"{self._capture} (capture)[*] — zinspect"

    def _update_title(self) -> None:
        self.host.set_title(self.window_title(), self._modified)
        self.save_action.setToolTip(
            f"Save to {self.path}" if self.path else "Save the workspace to a file"
        )

    def _choose_first(self) -> None:
        if self.session.sockets:
            self.socket_chosen.emit(self.session.sockets[0])

    def _mark_clean(self, text: str | None = None) -> None:
        self._baseline = self.current_text() if text is None else text
        self._modified = False
        self._update_title()

    def _status(self, text: str) -> None:
        self.host.show_status(text, STATUS_MS)

    # -- opening --------------------------------------------------------------------------------
    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Replace the session's sockets with the workspace at ``path``, without asking about
        unsaved changes (the caller did: the command line has none). False when the file is
        refused whole; then nothing changed and the reason is shown and logged."""
        path = os.path.abspath(os.fspath(path))
        try:
            workspace = read_workspace(path)
        except WorkspaceError as error:
            self._refuse(path, error)
            return False
        run = self.script_trust.trusted(path, workspace)

        def opened(problems: list[str]) -> Iterator[None]:
            # after a big workspace each part has a turn of its own (see SlicedApply)
            self._choose_first()  # the first socket's forms: ~40 ms
            yield
            self.switch.end()
            taps = len(workspace.taps)
            self._replaced(problems, workspace.messages, path=path, title="", taps=taps)
            if not run:  # attached stopped: ask once the sockets exist
                self.script_trust.ask(path, workspace, self.session)
            self.load_problems.keep(workspace.left_out, workspace.invalid)
            self._mark_clean()  # what the file holds includes the entries kept as written
            self.taps.start(workspace, self.session, then=self._mark_clean)  # and its taps
            self.recent.remember(path)
            log.info("opened workspace %s", path)

        steps = apply_steps(workspace, self.session, run_scripts=run, start_taps=False)
        self._switch(path, steps, len(workspace.sockets), opened)
        return True

    def _switch(
        self,
        path: str | None,
        steps: Generator[None, None, list[str]] | None,
        total: int,
        done: Callable[[list[str]], Iterator[None] | None],
        title: str = "",
    ) -> None:
        """Replace every socket by those of ``steps`` (see WorkspaceSwitch), naming ``path``
        (or ``title``) from now on: an action taken meanwhile never names the previous file."""
        self._stop_and_unselect()
        self.path, self.title, self._modified = path, title, False
        self.load_problems.set_problems(None, [])  # the previous file's, not this one's
        self._update_title()
        self.switch.start(display_name(path) if path else title or None, steps, total, done)

    def _refuse(self, path: str, error: WorkspaceError) -> None:
        icon = QMessageBox.Icon.Warning
        self._questions.show_box(icon, "Cannot open workspace", f"{path}\n\n{error}")
        self._status(f"Not opened: {display_name(path)}: {error}")

    def replace_sockets(
        self,
        steps: Generator[None, None, list[str]],
        total: int,
        messages: list[SavedMessage],
        title: str,
        then: Callable[[list[str]], None],
    ) -> None:
        """As Open, sliced with progress and Cancel, the ``total`` sockets of ``steps``: an
        untitled workspace called ``title`` (a demo: Save asks where), then ``then`` with the
        problems. Cancel ends as an Open's: no socket, an empty untitled workspace."""

        def made(problems: list[str]) -> Iterator[None]:
            self._choose_first()
            yield
            self.switch.end()
            self._replaced(problems, messages, path=None, title=title)
            self._mark_clean()
            then(problems)

        self._switch(None, steps, total, made, title)

    def _replaced(
        self,
        problems: list[str],
        messages: list[SavedMessage],
        *,
        path: str | None,
        title: str,
        taps: int = 0,
    ) -> None:
        """The sockets are made: the saved messages, the state and what to say (the caller
        chooses the first socket and marks it clean, once: each ~25-50 ms with 1,000)."""
        self.saved_messages.model.set_messages(messages)
        self.path = path
        self.title = title
        self.load_problems.set_problems(path, problems)
        # the taps start next: their sockets are not counted as the workspace's
        sockets = len(self.session.sockets)
        name = display_name(path) if path else title
        self._status(opened_words(name, sockets, taps, len(problems)))
        if problems:
            self.show_problems()
        self.workspace_replaced.emit(path or "")

    def new_workspace(self, said: str = "New workspace") -> None:
        """Close every socket (a slice per turn: see _switch) and forget the file (without
        asking: see the New action); ``said`` in the status bar once done."""

        def emptied(_problems: list[str]) -> None:
            self.switch.end()
            self.saved_messages.model.set_messages([])
            self.load_problems.set_problems(None, [])
            self._mark_clean()
            self._status(said)
            self.workspace_replaced.emit("")

        self._switch(None, None, 0, emptied)

    def _stop_and_unselect(self) -> None:
        self.taps.cancel()  # taps still starting stop
        self.switch.stop()  # a workspace still opening gives way
        if self.session.sockets:  # or each close shows the next socket's forms: 1,000 = 1 min
            self.socket_chosen.emit(None)

    def show_problems(self) -> LoadProblemsDialog | None:
        return self.load_problems.show_list()

    @property
    def problems_dialog(self) -> LoadProblemsDialog | None:
        return self.load_problems.dialog

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
            self._questions.ask_replace(path, lambda: self._save_to(path, then))
            return
        self._save_to(path, then)

    def _save_to(self, path: str, then: Continuation | None, *, confirmed: bool = False) -> None:
        if self._still_opening():  # what exists is part of a file: never written anywhere
            return
        lost = self.load_problems.lost()
        if lost and path == self.load_problems.path and not confirmed:
            anyway = lambda: self._save_to(path, then, confirmed=True)  # noqa: E731
            self._questions.ask_lost(display_name(path), lost, anyway, lambda: self.save_as(then))
            return
        workspace = rebase_scripts(self._workspace(), path)  # Save As elsewhere: same files
        text, secret = dump_workspace(workspace), holds_secrets(workspace)
        try:
            save_workspace_atomic(path, text, secret=secret)
        except WorkspaceError as error:
            self._questions.show_box(QMessageBox.Icon.Critical, "Workspace not saved", str(error))
            self._status(f"Not saved: {error}")
            return
        self.path = path
        self._mark_clean(text)
        self.load_problems.saved(path)
        self.recent.remember(path)
        self._status(
            f"Saved {path}" + (" with secrets: readable only by you (mode 0600)" if secret else "")
        )
        if then is not None:
            then()

    def _still_opening(self) -> bool:
        if self.switch.running:
            self._status(f"Not saved: {self.name} is still opening")
        return self.switch.running

    # -- unsaved changes ------------------------------------------------------------------------
    def confirm_discard(self, action: str, then: Continuation) -> None:
        """Run ``then`` now if nothing is unsaved; else ask Save / Discard / Cancel first."""
        if not self.update_modified():
            then()
            return
        self._questions.ask(
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
        if self._questions.is_asking():
            return False  # the question is on screen already
        self.confirm_discard("quitting", self._close_now)
        return False

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.quit_confirmed.emit()

    def recent_paths(self) -> list[str]:
        return self.recent.recent_paths()

    # -- dialogs ----------------------------------------------------------------------
    def _new_file_dialog(self, title: str, mode: QFileDialog.AcceptMode) -> QFileDialog:
        folder = os.path.dirname(self.path) if self.path else ""
        dialog = workspace_file_dialog(self.host.widget, title, mode, folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # kept, it rereads its folder
        return dialog  # (window-modal: no second one while it is open)

    # -- slots ----------------------------------------------------------------------------------
    def _on_workspace_changed(self, *_args: object) -> None:
        # a workspace still opening is compared with its file once made, not meanwhile
        if not self.switch.running and not self._check_timer.isActive():
            self._check_timer.start()

    def _on_new_action_triggered(self) -> None:
        self.confirm_discard("starting a new workspace", self.new_workspace)

    def _on_open_action_triggered(self) -> None:
        self.confirm_discard("opening another workspace", self._choose_file_to_open)

    def _choose_file_to_open(self) -> None:
        dialog = self._new_file_dialog("Open workspace", QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(self._open_chosen)
        dialog.open()

    def _on_switch_cancel_clicked(self) -> None:
        if self.switch.running:
            self.new_workspace(f"Stopped opening {self.name}: its sockets are closed")

    def _on_switch_running_changed(self, running: bool) -> None:
        for action in (self.save_action, self.save_as_action):
            action.setEnabled(not running)

    def _on_save_action_triggered(self) -> None:
        self.save()

    def _on_save_as_action_triggered(self) -> None:
        self.save_as()

    def _on_recent_path_chosen(self, path: str) -> None:
        if not os.path.exists(path):
            self.recent.forget(path)
            self._status(f"{path} was not found; it is off the recent list now")
            return
        self.confirm_discard("opening another workspace", lambda: self._open_chosen(path))

    # -- the traffic of the previous workspace ----------------------------------------------
    def set_traffic_clear(self, clear: Callable[[], None]) -> None:
        """From now on, opening asks whether to ``clear`` the traffic first (see
        traffic_on_open: Clear / Keep, never two sockets' traffic under one name)."""
        self.traffic_on_open = TrafficOnOpen(
            self.host.widget, self.session.store, self.settings, clear, self._status, self
        )

    def confirm_traffic(self, names: list[str], then: Continuation) -> None:
        """Run ``then``, which opens sockets called ``names``, once the traffic is settled."""
        if self.traffic_on_open is None:
            then()
        else:
            self.traffic_on_open.then_open(names, then)

    def _open_chosen(self, path: str) -> None:
        """Open ``path`` chosen by the user, after the question about the traffic."""
        try:
            names = [spec.name for spec in read_workspace(path).sockets]
        except WorkspaceError as error:
            self._refuse(path, error)  # nothing is replaced
            return
        self.confirm_traffic(names, lambda: self.open_path(path))
