"""A workspace's taps, started on the loop after its sockets: a window never waits for a
tap's helper process, and what did not start joins the workspace's problems."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import start_taps_soon
from zinspect.core.workspace.model import Workspace
from zinspect.ui.workspace.load_problems import LoadProblems

log = logging.getLogger(__name__)


class WorkspaceTaps(QObject):
    """Starts the taps of the workspace just opened (``start``) and adds their problems to
    ``load_problems``, with a line in the status bar (``status``). Opening another workspace
    first ``cancel``s a start under way: its taps stop (on the loop's next turn), and
    nothing is said of them."""

    def __init__(
        self, load_problems: LoadProblems, status: Callable[[str], None], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._load_problems = load_problems
        self._status = status
        self._task: asyncio.Future[list[str]] | None = None
        self._session: Session | None = None

    @property
    def starting(self) -> bool:
        return self._task is not None

    def start(self, workspace: Workspace, session: Session, then: Callable[[], None]) -> None:
        """Start ``workspace``'s taps in ``session`` on the loop, then call ``then`` (not
        when it has none, nor when cancelled)."""
        self.cancel()
        if not workspace.taps:
            return
        task = asyncio.ensure_future(start_taps_soon(workspace, session))
        self._task, self._session = task, session
        task.add_done_callback(lambda done: self._on_task_done(done, then))

    def cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()  # start_taps_soon stops what it started

    def _on_task_done(self, task: asyncio.Future[list[str]], then: Callable[[], None]) -> None:
        if task is not self._task:  # cancelled: another workspace replaced this one
            return
        self._task = None
        if task.cancelled() or (self._session is not None and self._session.closed):
            return  # the window quit while they started: nothing to say
        then()
        error = task.exception()
        if error is not None:
            log.error("the workspace's taps did not start", exc_info=error)
            problems = [f"taps: did not start: {error}"]
        else:
            problems = task.result()
        if not problems:
            return
        self._load_problems.add(problems)
        count = len(self._load_problems.problems)
        self._status(
            f"{len(problems)} tap{'s' if len(problems) != 1 else ''} did not start; "
            f"{count} problem{'s' if count != 1 else ''}, see the list"
        )
        self._load_problems.show_list()
