"""Work that would hold the window too long, run as a generator a slice per turn of the loop:
its first steps at once, then at most a few milliseconds per turn.

Opening or closing a workspace of thousands of sockets (ui/workspace/workspace_switch.py)
and drawing a topology of thousands of boxes (ui/topology/topology_view.py) each took
seconds, or hundreds of milliseconds, in one turn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterator

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

FIRST_STEPS = 32  # steps run before start returns
SLICE_S = 0.008  # then work per turn of the loop (what else runs between ticks adds to it)


def cpu_timed(
    steps: Generator[None, None, list[str]], took: Callable[[float], None]
) -> Generator[None, None, list[str]]:
    """``steps`` unchanged, then ``took`` told the CPU time (ms) this thread spent in them:
    not the turns between them, nor waits for a core on a busy machine."""
    spent = 0.0
    while True:
        mark = time.thread_time()
        try:
            next(steps)
        except StopIteration as end:
            took((spent + time.thread_time() - mark) * 1000)
            return list(end.value)
        spent += time.thread_time() - mark
        yield


class SlicedApply(QObject):
    """Drives ``steps`` to their end, then calls ``done`` with their problems (when it
    returns an iterator, that is run to its end too: at once for a workspace made within
    Open, a step per turn after); ``cancel`` stops it where it is (the sockets made so far
    stay, the caller closes them). ``progress`` is told after each slice that leaves work
    for a later turn (the window says how far the open got)."""

    def __init__(
        self,
        steps: Generator[None, None, list[str]],
        done: Callable[[list[str]], Iterator[None] | None],
        parent: QObject | None = None,
        progress: Callable[[], None] | None = None,
        slice_s: float = SLICE_S,
    ) -> None:
        super().__init__(parent)
        self._slice_s = slice_s  # work per turn after the first slice
        self._steps = steps
        self._done = done
        self._progress = progress  # called after each slice that leaves work for later
        self.finished = False
        self.cancelled = False
        self._result: list[str] | None = None  # the problems, once the steps ended
        self._tail: Iterator[None] | None = None  # what ``done`` left for later turns
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, first_steps: int = FIRST_STEPS) -> None:
        """The first ``first_steps`` now (all of a small workspace), the rest on later
        turns."""
        self._run(lambda done: done >= first_steps)

    def cancel(self) -> None:
        if not self.finished:
            self.cancelled = True
            self._timer.stop()
            self._steps.close()
            if isinstance(self._tail, Generator):
                self._tail.close()
            self._tail = None

    def _on_timer_timeout(self) -> None:
        if self._tail is not None:
            self._tail_step(self._tail)
            return
        if self._result is not None:  # the steps ended last turn: what follows gets its own
            self._finish(self._result, later=True)
            return
        deadline = time.monotonic() + self._slice_s
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
                    self._finish(end.value, later)
                return
            done += 1
            if enough(done):
                self._timer.start()
                if self._progress is not None:
                    self._progress()
                return

    def _finish(self, problems: list[str], later: bool = False) -> None:
        self._result = None
        tail = self._done(problems)
        if tail is not None and later:
            self._tail_step(tail)
            return
        for _ in tail or ():
            pass
        self.finished = True

    def _tail_step(self, tail: Iterator[None]) -> None:
        """One step of what ``done`` left, this turn; the next on the next turn."""
        try:
            next(tail)
        except StopIteration:
            self._tail = None
            self.finished = True
            return
        self._tail = tail
        self._timer.start()
