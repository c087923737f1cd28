"""Timers precise to about a millisecond on any event loop, Qt's (qasync) included.

qasync runs ``call_later`` on a Qt timer of the default *coarse* type, which fires up to 5 %
early or late, and rounds down to whole milliseconds: a 2,500 ms delay fired after 2,379 ms.
A precise timer here asks for a little less than what is left (95 %), looks at the clock
when it fires and asks again for the rest; Qt treats waits of 20 ms or less as precise, so
two or three steps land within a millisecond of the deadline, never early by more than
that. No Qt here: it works the same on a plain asyncio loop.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

SHORT = 0.02  # Qt waits this long or less with a precise timer
AIM = 0.95  # a longer wait asks for this share of what is left, then looks again
CLOSE_ENOUGH = 0.0005  # seconds: fire now rather than ask for a sub-millisecond wait


class PreciseTimer:
    """Calls ``callback(*args)`` once at ``loop.time() + delay``; ``cancel`` stops it."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        delay: float,
        callback: Callable[..., Any],
        *args: Any,
    ) -> None:
        self._loop = loop
        self.deadline = loop.time() + max(delay, 0.0)
        self._callback = callback
        self._args = args
        self._handle: asyncio.Handle | None = None
        self.cancelled = False
        self._arm()

    def _arm(self) -> None:
        left = self.deadline - self._loop.time()
        if left <= CLOSE_ENOUGH:
            self._handle = None
            self._callback(*self._args)
            return
        wait = left if left <= SHORT else left * AIM
        self._handle = self._loop.call_later(wait, self._arm)

    def cancel(self) -> None:
        self.cancelled = True
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def precise_sleep(seconds: float) -> None:
    """asyncio.sleep to within about a millisecond (see module doc)."""
    if seconds <= 0:
        await asyncio.sleep(0)
        return
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()
    timer = PreciseTimer(loop, seconds, _resolve, future)
    try:
        await future
    finally:
        timer.cancel()


def pick_delay(low_ms: int, high_ms: int | None) -> float:
    """Seconds to wait: ``low_ms``, or a random time between the two when ``high_ms`` is set."""
    if high_ms is None:
        return low_ms / 1000
    return random.uniform(low_ms, high_ms) / 1000
