"""What a user's script sees: ``peer``, its socket and the workspace's other sockets.

docs/scripting.md is the contract. Everything here runs on zinspect's event loop: sends go
through the runner (``AutomationRunner._emit``: at once, or waiting in order like the
composer's send, never blocking), timers are the precise ones of core.automation.timing,
and every callback a script hands us goes back through the runner so an exception in it is
reported with the script's line and stops this automation only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from zinspect.core.automation.timing import PreciseTimer, precise_sleep

log = logging.getLogger("zinspect.core.automation.script")

if TYPE_CHECKING:
    from zinspect.core.automation.script_runner import ScriptRunner

INBOX_MAX = 10_000  # received messages waiting for recv(); past this the oldest go
MIN_EVERY = 0.001  # seconds: peer.every's shortest period


def as_frames(frames: Any) -> list[bytes]:
    """A message from what a script passes: a list of bytes or str (UTF-8), or one of them."""
    if isinstance(frames, (bytes, bytearray, memoryview, str)):
        frames = [frames]
    if not isinstance(frames, Iterable):
        raise TypeError(f"send() takes a list of bytes or str frames, not {type(frames).__name__}")
    out: list[bytes] = []
    for index, frame in enumerate(frames):
        if isinstance(frame, str):
            out.append(frame.encode("utf-8"))
        elif isinstance(frame, (bytes, bytearray, memoryview)):
            out.append(bytes(frame))
        else:
            raise TypeError(f"frame {index} is a {type(frame).__name__}; use bytes or str")
    if not out:
        raise TypeError("send() needs at least one frame")
    return out


class TimerHandle:
    """What ``peer.after`` and ``peer.every`` return: ``cancel()`` stops it."""

    def __init__(self, peer: ScriptPeer, seconds: float, fn: Callable[[], Any], *, repeat: bool):
        self._peer = peer
        self._fn = fn
        self._period = max(seconds, MIN_EVERY) if repeat else max(seconds, 0.0)
        self._repeat = repeat
        self.cancelled = False
        self._timer: PreciseTimer | None = None
        self._deadline = peer._loop.time() + self._period
        self._arm()

    def _arm(self) -> None:
        delay = self._deadline - self._peer._loop.time()
        self._timer = PreciseTimer(self._peer._loop, delay, self._fire)
        self._peer._timers.add(self)

    def _fire(self) -> None:
        self._timer = None
        if self.cancelled or not self._peer._runner.running:
            return
        if self._repeat:
            self._deadline += self._period  # no drift: each tick from the last deadline
            self._deadline = max(self._deadline, self._peer._loop.time())
            self._arm()
        else:
            self._peer._timers.discard(self)
        self._peer._runner.call_script(self._fn, name=_name(self._fn))

    def cancel(self) -> None:
        self.cancelled = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._peer._timers.discard(self)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", None) or repr(fn)


class SocketPeer:
    """Another socket of the workspace, as ``peer.socket(name)`` gives it: send on it."""

    def __init__(self, runner: ScriptRunner, name: str) -> None:
        self._runner = runner
        self.name = name

    @property
    def type(self) -> str:
        handle = self._runner.handle.session.socket_named(self.name)
        return handle.type_name if handle is not None else ""

    def send(self, frames: Any) -> None:
        """Send ``frames`` on this socket (at once, or in order once it can take them).

        A socket closed meanwhile (the window quitting while ``on_stop`` sends) takes
        nothing: the message is dropped without an error, as nothing could send it."""
        message = as_frames(frames)
        handle = self._runner.handle.session.socket_named(self.name)
        if handle is None or handle.closed:
            log.info("%s is closed: a script's message was dropped", self.name)
            return
        self._runner.sending_on = self.name  # named if the socket refuses it
        try:
            self._runner._emit(self.name, message)
        finally:
            self._runner.sending_on = ""


class ScriptPeer(SocketPeer):
    """The script's own socket and its run: ``send``, ``recv``, timers, ``state``, ``log``."""

    def __init__(self, runner: ScriptRunner, wants_inbox: bool) -> None:
        super().__init__(runner, runner.handle.name)
        self._loop = runner.handle.loop
        self.state: dict[str, Any] = {}
        self._timers: set[TimerHandle] = set()
        self._inbox: deque[list[bytes]] | None = deque() if wants_inbox else None
        self._waiter: asyncio.Future[None] | None = None
        self.inbox_dropped = 0

    @property
    def type(self) -> str:
        return self._runner.handle.type_name

    def socket(self, name: str) -> SocketPeer:
        """Another socket of the workspace, by name (KeyError when there is none)."""
        if self._runner.handle.session.socket_named(name) is None:
            raise KeyError(f"no socket named {name!r} in this workspace")
        return SocketPeer(self._runner, name)

    async def recv(self, timeout: float | None = None) -> list[bytes] | None:
        """The next received message, or None after ``timeout`` seconds without one."""
        inbox = self._inbox
        if inbox is None:
            raise RuntimeError("recv() is for scripts without on_message: messages go there")
        if not inbox:
            waiter = self._waiter = self._loop.create_future()
            timer = None
            if timeout is not None:
                timer = PreciseTimer(self._loop, timeout, _resolve, waiter)
            try:
                await waiter
            finally:
                if timer is not None:
                    timer.cancel()
        return inbox.popleft() if inbox else None

    def _received(self, frames: list[bytes]) -> None:
        inbox = self._inbox
        if inbox is None:
            return
        if len(inbox) >= INBOX_MAX:
            inbox.popleft()
            self.inbox_dropped += 1
            if self.inbox_dropped == 1 or self.inbox_dropped % 1000 == 0:
                self._runner.report(
                    f"the script reads slower than messages come: {self.inbox_dropped} dropped"
                )
        inbox.append(frames)
        if self._waiter is not None:
            _resolve(self._waiter)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on a precise timer (within about a millisecond)."""
        await precise_sleep(seconds)

    def after(self, seconds: float, fn: Callable[[], Any]) -> TimerHandle:
        """Call ``fn()`` (plain or async) once, ``seconds`` from now."""
        return TimerHandle(self, seconds, fn, repeat=False)

    def every(self, seconds: float, fn: Callable[[], Any]) -> TimerHandle:
        """Call ``fn()`` (plain or async) every ``seconds`` until cancelled or stopped."""
        return TimerHandle(self, seconds, fn, repeat=True)

    def recreate(self) -> None:
        """Close the socket and open it anew with its options and endpoints (lazy pirate)."""
        problems = self._runner.handle.recreate()
        for problem in problems:
            self._runner.report(problem)

    def stop(self) -> None:
        """End this automation (``on_stop`` runs); the socket stays."""
        self._loop.call_soon(self._runner.stop)

    def log(self, text: object) -> None:
        """A line in the Events timeline, under this socket."""
        self._runner.log_line(str(text))

    def _close(self) -> None:
        for timer in list(self._timers):
            timer.cancel()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.cancel()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
