"""Replay: send recorded messages again through a live socket, with their original timing,
as fast as possible, or at a fixed rate.

What is sent: the frames of every message given, in order, whatever their recorded
direction; the caller chooses the set (selected rows, a capture file, only the "out" ones).
Through a REQ the replay is lock-step like any REQ: it waits for each reply before the next
request; through a REP it waits for each request and sends the next message as the reply.
Through a ROUTER the first frame must be the routing id of a peer connected now.

It runs as one asyncio task; progress is read from ``sent``/``total``/``waiting``, which a UI
samples on a timer (a callback per message would cost a fast replay most of its rate).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterator, Sequence

from zinspect.core.capture.capture import CaptureError
from zinspect.core.capture.replay_source import CaptureMessages
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import Message

log = logging.getLogger(__name__)

ORIGINAL, FAST, RATE = "original", "fast", "rate"
MODES = (ORIGINAL, FAST, RATE)
MODE_NAMES = {ORIGINAL: "original timing", FAST: "as fast as possible", RATE: "fixed rate"}
MAX_RATE = 1_000_000.0
YIELD_SECONDS = 0.008  # a fast replay lets the loop run this often
MIN_SLEEP = 0.0005  # a wait shorter than this is not worth a timer
_LOCK_STEP_TYPES = ("REQ", "REP")


class ReplayError(Exception):
    """A replay that cannot start as asked; the message is meant for the user."""


def check_rate(rate: float) -> float:
    """The rate if usable (messages per second), else ReplayError in words."""
    if (
        not isinstance(rate, (int, float))
        or isinstance(rate, bool)
        or (isinstance(rate, float) and not math.isfinite(rate))
    ):  # an int may overflow it
        raise ReplayError("The rate must be a number of messages per second")
    if rate <= 0:
        raise ReplayError("The rate must be more than 0 messages per second")
    if rate > MAX_RATE:
        raise ReplayError(f"The rate can be at most {MAX_RATE:,.0f} messages per second")
    return float(rate)


class Replayer:
    """Sends ``messages``' frames through ``handle``; ``start()`` runs it as a task.

    ``mode`` is ORIGINAL (the recorded gaps between messages), FAST (no waiting) or RATE
    (``rate`` messages per second). ``messages`` may be a CaptureMessages: the file is then
    read as the messages are sent, never held whole. The constructor refuses in words
    (ReplayError) what cannot work: no messages, an unknown mode, a bad rate, a socket that
    cannot send.
    """

    def __init__(
        self,
        messages: Sequence[Message] | CaptureMessages,
        handle: SocketHandle,
        mode: str = ORIGINAL,
        rate: float = 100.0,
    ) -> None:
        if mode not in MODES:
            raise ReplayError(f"Unknown replay mode {mode!r}: use {', '.join(MODES)}")
        if not messages:
            raise ReplayError("There are no messages to replay")
        if handle.closed:
            raise ReplayError(f"Socket {handle.name} is closed")
        if not handle.info.can_send:
            raise ReplayError(handle.info.send_hint or f"A {handle.type_name} socket cannot send")
        self.rate = check_rate(rate) if mode == RATE else rate
        self.messages = messages
        self.handle = handle
        self.mode = mode
        self.total = len(messages)
        self.sent = 0
        self.state = "ready"  # running, done, cancelled, failed
        self.error = ""
        self.waiting = ""  # what the replay waits for now, in words ('' when sending)
        self.task: asyncio.Task[None] | None = None
        self._started = 0.0
        self._finished = 0.0
        self._turn: asyncio.Future[None] | None = None

    # -- control ------------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        """Run the replay as a task (kept here); its result is None, or the exception."""
        if self.task is None:
            self.state = "running"  # from now: a UI must not start another
            self.task = asyncio.ensure_future(self.run())
        return self.task

    def cancel(self) -> bool:
        if self.task is None or self.task.done():
            return False
        self.task.cancel()
        return True

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def elapsed(self) -> float:
        if not self._started:
            return 0.0
        return (self._finished or time.monotonic()) - self._started

    def outcome(self, reason: bool = True) -> str:
        """How the replay went, in one sentence for a status line; without the reason a
        failed replay stopped for when ``reason`` is False (shown apart, as an error)."""
        name = self.handle.name
        if self.state == "done":
            noun = "message" if self.total == 1 else "messages"
            return f"Replayed {self.total:,} {noun} through {name} in {self.elapsed:.1f} s"
        if self.state == "cancelled":
            return f"Cancelled after {self.sent:,} of {self.total:,} messages"
        if self.state == "failed":
            stopped = f"Stopped after {self.sent:,} of {self.total:,} messages"
            return f"{stopped}: {self.error}" if reason else stopped
        if self.state == "running":
            return self.waiting or f"Sent {self.sent:,} of {self.total:,}"
        return f"{self.total:,} messages to replay through {name} ({MODE_NAMES[self.mode]})"

    # -- the replay -----------------------------------------------------------------------
    async def run(self) -> None:
        """Send every message; raises SocketError (in words) when a send fails and
        CancelledError when cancelled. ``state`` says which."""
        self.state = "running"
        self._started = time.monotonic()
        loop = asyncio.get_running_loop()
        session = self.handle.session
        session.on_socket_changed.append(self._on_socket_event)
        session.on_socket_removed.append(self._on_socket_event)
        log.info(
            "replaying %d messages through %s (%s)",
            self.total,
            self.handle.name,
            MODE_NAMES[self.mode],
        )
        try:
            await self._send_all(loop)
        except asyncio.CancelledError:
            self.state = "cancelled"
            raise
        except SocketError as error:
            self.state = "failed"
            self.error = str(error)
            raise
        except CaptureError as error:  # the file being replayed: gone, unreadable, changed
            self.state = "failed"
            self.error = str(error)
        else:
            self.state = "done"
        finally:
            self.waiting = ""
            self._finished = time.monotonic()
            for listeners in (session.on_socket_changed, session.on_socket_removed):
                if self._on_socket_event in listeners:  # a closed session forgot it
                    listeners.remove(self._on_socket_event)
            log.info("replay through %s: %s", self.handle.name, self.outcome())

    def _each(self) -> Iterator[Message | None]:
        """The messages in order; None now and then from a file (let the loop run)."""
        if isinstance(self.messages, CaptureMessages):
            return self.messages.stream()
        return iter(self.messages)

    async def _send_all(self, loop: asyncio.AbstractEventLoop) -> None:
        handle = self.handle
        clock = loop.time
        start = clock()
        base: float | None = None
        target = start
        last_yield = time.monotonic()
        index = 0
        for message in self._each():
            if message is None:
                await asyncio.sleep(0)
                last_yield = time.monotonic()
                continue
            if base is None:
                base = message.time
            if self.mode == ORIGINAL:
                target = max(target, start + (message.time - base))  # never backwards
            elif self.mode == RATE:
                target = start + index / self.rate
            if self.mode != FAST:
                # a loop: Qt's coarse timers may fire a few percent early
                while (delay := target - clock()) > MIN_SLEEP:
                    if delay > 1.0:
                        self.waiting = f"Next message in {delay:.1f} s ({MODE_NAMES[self.mode]})"
                    await asyncio.sleep(delay)
                    self.waiting = ""
                    last_yield = time.monotonic()
            await self._wait_for_turn()
            await handle.send(message.frames)
            index += 1
            self.sent = index
            now = time.monotonic()
            if now - last_yield >= YIELD_SECONDS:
                await asyncio.sleep(0)  # let the UI and the receiving sockets run
                last_yield = time.monotonic()

    async def _wait_for_turn(self) -> None:
        """REQ/REP lock-step: wait until it is this socket's turn to send."""
        handle = self.handle
        while (
            handle.type_name in _LOCK_STEP_TYPES
            and not handle.closed
            and not handle.send_waiting
            and not handle.can_send_now[0]
        ):
            if handle.type_name == "REQ":
                self.waiting = f"Waiting for the reply to request {self.sent:,} (REQ is lock-step)"
            else:
                self.waiting = f"Waiting for request {self.sent + 1:,} to answer (REP)"
            self._turn = asyncio.get_running_loop().create_future()
            try:
                await self._turn
            finally:
                self._turn = None
        self.waiting = ""

    def _on_socket_event(self, handle: SocketHandle) -> None:
        if handle is self.handle and self._turn is not None and not self._turn.done():
            self._turn.set_result(None)
