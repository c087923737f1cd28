"""Ctrl+C, SIGTERM and SIGHUP quit zinspect the orderly way, like File > Quit.

A Python signal handler runs between any two bytecodes of the main thread: in the middle of a
recorder's write, say. Quitting from there closed the capture file under the writer's feet
("capture file is closed"). So the handlers here only note the signal, and a loop timer
(which also gives Python the chance to run them while Qt waits in C++) starts the quit from
a clean turn of the loop. Signals after the first are ignored: a second SIGTERM while the
recording is being finished must not kill the process half way. The exit status is 0: the
shutdown was orderly and the recording whole (it says what a quit left out, if anything),
whichever way it was asked for.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable

from PySide6.QtCore import QTimer

log = logging.getLogger(__name__)

POLL_MS = 100  # the longest a signal waits before the quit starts
QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class QuitSignals:
    """Install with ``install(quit)``; ``quit`` is called once, from the loop, on the first
    quit signal. ``restore()`` puts the previous handlers back."""

    def __init__(self) -> None:
        self._received: list[int] = []
        self._quit: Callable[[], None] | None = None
        self._quitting = False
        self._previous: dict[int, object] = {}
        self._timer = QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def install(self, quit_now: Callable[[], None]) -> None:
        self._quit = quit_now
        for number in QUIT_SIGNALS:
            self._previous.setdefault(number, signal.signal(number, self._on_signal))
        self._timer.start()

    @property
    def received(self) -> list[int]:
        """The signals received so far, first first."""
        return list(self._received)

    def stop_polling(self) -> None:
        """The window is gone: stop the timer; the handlers stay (and ignore) until
        ``restore``, so a late signal cannot interrupt the rest of the shutdown."""
        self._timer.stop()
        self._quitting = True

    def restore(self) -> None:
        self._timer.stop()
        for number, previous in self._previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]
        self._previous.clear()

    def _on_signal(self, number: int, _frame: object) -> None:
        # Runs between bytecodes of whatever was interrupted: note it, nothing more.
        self._received.append(number)

    def _on_timer_timeout(self) -> None:
        if not self._received or self._quitting:
            return
        self._quitting = True
        name = signal.Signals(self._received[0]).name
        log.info("%s received: quitting (recording finished, sockets closed)", name)
        if self._quit is None:
            return
        try:
            self._quit()
        except Exception:
            # still running: the next signal tries again instead of being ignored
            self._quitting = False
            self._received.clear()
            raise
