"""Opening a workspace a slice of sockets per turn of the loop, so 1,000 sockets never freeze
the window.

Creating a socket (a zmq socket, its monitor, its FD watch, a row in every panel that lists
sockets) costs about a millisecond here; a workspace of 1,000 held the window for over a
second. ``SlicedApply`` runs core.workspace.apply's steps: the first FIRST_STEPS at once
(an ordinary workspace is complete when Open returns), then for at most SLICE_S per turn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

FIRST_STEPS = 32  # sockets (and automations) made before Open returns
SLICE_S = 0.015  # then work per turn of the loop


class SlicedApply(QObject):
    """Drives ``steps`` to their end, then calls ``done`` with their problems; ``cancel``
    stops it where it is (the sockets made so far stay, the caller closes them)."""

    def __init__(
        self,
        steps: Generator[None, None, list[str]],
        done: Callable[[list[str]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._steps = steps
        self._done = done
        self.finished = False
        self.cancelled = False
        self._result: list[str] | None = None  # the problems, once the steps ended
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """The first FIRST_STEPS now (all of a small workspace), the rest on later turns."""
        self._run(lambda done: done >= FIRST_STEPS)

    def cancel(self) -> None:
        if not self.finished:
            self.cancelled = True
            self._timer.stop()
            self._steps.close()

    def _on_timer_timeout(self) -> None:
        if self._result is not None:  # the steps ended last turn: what follows gets its own
            self._finish(self._result)
            return
        deadline = time.monotonic() + SLICE_S
        self._run(lambda _done: time.monotonic() >= deadline, later=True)

    def _run(self, enough: Callable[[int], bool], later: bool = False) -> None:
        done = 0
        while not self.cancelled:
            try:
                next(self._steps)
            except StopIteration as end:
                if later and done:  # a slice's worth done this turn already
                    self._result = end.value
                    self._timer.start()
                else:
                    self._finish(end.value)
                return
            done += 1
            if enough(done):
                self._timer.start()
                return

    def _finish(self, problems: list[str]) -> None:
        self.finished = True
        self._result = None
        self._done(problems)
