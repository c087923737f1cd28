"""Running a socket's automation (core.automation): reply, scripted send, forward.

Everything runs on the asyncio loop, nothing in a thread. Reply and forward react to the
session's ``on_received`` callback, which comes once per batch a socket drained into the
store, and send at once with ``SocketHandle.send_now``; only a message that cannot be queued
now (no peer yet, high-water mark) waits, in order, in a small backlog drained by one task.
REQ/REP lock-step stays right because the session drains a REQ or REP one message at a
time and does not read a REP's next request before its reply went out.

The scripted send is one task. With ``interval_ms`` 0 it sends as fast as the socket takes
messages and yields to the loop every few milliseconds, so the window stays live. A REQ
waits for each reply, at most ``timeout_ms``; then it says so and re-creates the socket
(``SocketHandle.recreate``), as the ZeroMQ guide's lazy-pirate client does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from zinspect.core.automation.automation import (
    AutomationSpec,
    ReplySpec,
    TemplateParts,
    compile_template,
    render_frames,
)
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET

log = logging.getLogger("zinspect.core.automation.automation")

YIELD_SECONDS = 0.005  # a flood gives the loop (and so the window) a turn this often
RATE_WINDOW = 2.0  # seconds the shown rate averages over
RATE_SAMPLE = 0.25  # at most one sample this often, however often the rate is read
LOOK_BACK = 100_000  # stored messages searched for a REP's unanswered request at start
BACKLOG_MAX = 10_000  # replies/forwards waiting for the socket; past this they are dropped
FLOOD_BATCH = 256  # messages per send_batch call in an interval-0 scripted send
QUIET_WAIT_SECONDS = 0.25  # a longer wait for room shows as a waiting send (Cancel-able)


def reply_envelope(frames: tuple[bytes, ...] | list[bytes], type_name: str) -> list[bytes]:
    """The frames a reply to ``frames`` must start with so it reaches the right peer.

    The envelope is everything up to and including the first empty frame (a REQ peer's
    delimiter, or a broker's [id, "", ...] chain); a ROUTER without a delimiter still needs
    the routing id. A REP gets no envelope: libzmq keeps it for REP itself.
    """
    if type_name == "REP":
        return []
    for index in range(len(frames) - 1):
        if not frames[index]:
            return list(frames[: index + 1])
    return [frames[0]] if type_name == "ROUTER" and frames else []


class AutomationRunner:
    """Runs one socket's automation; ``start``/``stop``; counters the UI samples.

    ``on_state_changed`` listeners hear when it starts, stops (by itself too, when a counted
    send is done) or records an error.
    """

    def __init__(self, handle: SocketHandle, spec: AutomationSpec) -> None:
        self.handle = handle
        self.spec = spec
        self.running = False
        self.finished = False  # a counted send went through its count
        self.sent = 0  # messages this automation sent: replies, requests, forwards
        self.replies = 0  # REQ: replies received to scripted requests
        self.timeouts = 0
        self.dropped = 0
        self.last_error = ""
        self.on_state_changed: list[Callable[[AutomationRunner], None]] = []
        self._session = handle.session
        self._task: asyncio.Task[None] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._backlog: deque[tuple[str, list[bytes]]] = deque()
        self._timers: deque[asyncio.TimerHandle] = deque()
        self._reply_waiter: asyncio.Future[None] | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._reply_frames: list[bytes] = []  # a reply that is not an echo has frames
        if spec.reply is not None and spec.reply.frames is not None:
            self._reply_frames = list(spec.reply.frames)

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.running or self.handle.closed:
            return
        self.running = True
        self.finished = False
        self.last_error = ""
        self.sent = self.replies = self.timeouts = self.dropped = 0  # counts are per run
        self._samples = deque([(time.monotonic(), self.sent)])
        _listen(self._session)
        if self.spec.reply is not None:
            self._answer_waiting_request(self.spec.reply)
        if self.spec.send is not None:
            self._task = asyncio.ensure_future(self._run_send())
            self._task.add_done_callback(self._on_task_done)
        log.info("automation of %s started", self.handle.name)
        self._notify()

    def stop(self) -> None:
        """Stop sending, replying and forwarding; messages still waiting are dropped."""
        if not self.running:
            return
        self.running = False
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._backlog.clear()
        for task in (self._task, self._pump):
            if task is not None and not task.done():
                task.cancel()
        self._task = self._pump = None
        log.info("automation of %s stopped after %d messages", self.handle.name, self.sent)
        self._notify()

    @property
    def rate(self) -> float:
        """Messages per second sent over the last RATE_WINDOW seconds (sampled on read)."""
        if not self.running:
            return 0.0
        now = time.monotonic()
        samples = self._samples
        if now - samples[-1][0] >= RATE_SAMPLE:
            samples.append((now, self.sent))
        while len(samples) > 2 and now - samples[1][0] >= RATE_WINDOW:
            samples.popleft()
        start, count = samples[0]
        elapsed = now - start
        return (self.sent - count) / elapsed if elapsed > 0.05 else 0.0

    @property
    def state(self) -> str:
        """ "running", "finished" (a counted send is done) or "stopped"."""
        if self.running:
            return "running"
        return "finished" if self.finished else "stopped"

    def _notify(self) -> None:
        for listener in list(self.on_state_changed):
            listener(self)

    def _error(self, message: str) -> None:
        self.last_error = message
        log.info("automation of %s: %s", self.handle.name, message)
        self._notify()

    # -- reply and forward -----------------------------------------------------------------
    def on_received(self, handle: SocketHandle, count: int) -> None:
        """``count`` messages of ``handle`` were just added to the store, as one batch."""
        store = self._session.store
        _first, rows = store.rows(store.end_seq - count, store.end_seq)
        name = handle.name
        spec = self.spec
        for row in rows:
            if row[ROW_SOCKET] != name:
                continue
            waiter = self._reply_waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            if spec.reply is not None:
                self._reply(spec.reply, row[ROW_FRAMES:])
            elif spec.forward is not None:
                self._emit(spec.forward.to, list(row[ROW_FRAMES:]))

    def _answer_waiting_request(self, reply: ReplySpec) -> None:
        """A REP that read a request before the automation started still owes its reply."""
        handle = self.handle
        if handle.type_name != "REP" or not handle.can_send_now[0]:
            return
        store = self._session.store
        first = max(store.first_seq, store.end_seq - LOOK_BACK)
        _start, rows = store.rows(first, store.end_seq)
        for row in reversed(rows):
            if row[ROW_SOCKET] == handle.name and row[ROW_DIRECTION] == IN:
                self._reply(reply, row[ROW_FRAMES:])
                return

    def _reply(self, reply: ReplySpec, frames: tuple[bytes, ...]) -> None:
        if reply.echo:
            answer = list(frames)
        else:
            answer = reply_envelope(frames, self.handle.type_name) + self._reply_frames
        if reply.delay_ms:
            # one delay for all: the timers fire in the order they were set
            self._timers.append(
                self.handle.loop.call_later(reply.delay_ms / 1000, self._on_delay_timer, answer)
            )
        else:
            self._emit(self.handle.name, answer)

    def _on_delay_timer(self, answer: list[bytes]) -> None:
        if self._timers:
            self._timers.popleft()
        if self.running:
            self._emit(self.handle.name, answer)

    def _target(self, name: str) -> SocketHandle | None:
        if name == self.handle.name:
            return self.handle
        target = self._session.socket_named(name)
        if target is None:
            self.dropped += 1
            self._error(f"cannot forward: no socket named '{name}'")
        return target

    def _emit(self, name: str, frames: list[bytes]) -> None:
        """Send now, or queue behind the messages already waiting (order is kept)."""
        if self._backlog:
            self._queue(name, frames)
            return
        target = self._target(name)
        if target is None:
            return
        try:
            if target.send_now(frames):
                self.sent += 1
                return
        except SocketError as error:
            self.dropped += 1
            self._error(f"{'reply' if target is self.handle else 'forward'} not sent: {error}")
            return
        self._queue(name, frames)

    def _queue(self, name: str, frames: list[bytes]) -> None:
        if len(self._backlog) >= BACKLOG_MAX:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                self._error(
                    f"'{name}' cannot take messages as fast as they come: {self.dropped} dropped"
                )
            return
        self._backlog.append((name, frames))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.ensure_future(self._drain_backlog())
            self._pump.add_done_callback(self._on_task_done)

    async def _drain_backlog(self) -> None:
        """Send the waiting messages in order, each as soon as its socket takes it."""
        backlog = self._backlog
        while backlog and self.running:
            name, frames = backlog[0]
            target = self._target(name)
            if target is not None:
                if target.send_waiting:  # someone else's send (the composer) goes first
                    await asyncio.sleep(0.01)
                    continue
                try:
                    await target.send(frames)
                    self.sent += 1
                except SocketError as error:
                    self.dropped += 1
                    self._error(f"not sent: {error}")
            if backlog:
                backlog.popleft()

    # -- scripted send ---------------------------------------------------------------------
    async def _run_send(self) -> None:
        send = self.spec.send
        assert send is not None
        compiled: list[TemplateParts] = [
            compile_template(frame) if isinstance(frame, str) else [frame] for frame in send.frames
        ]
        loop = asyncio.get_running_loop()
        clock = time.monotonic
        interval = send.interval_ms / 1000
        count = send.count
        is_req = self.handle.type_name == "REQ"
        if not interval and not is_req:
            await self._flood(compiled, count)
            self.finished = True
            return
        next_time = loop.time()
        yield_at = clock() + YIELD_SECONDS
        seq = 0
        while count is None or seq < count:
            if self._task is not asyncio.current_task():
                raise asyncio.CancelledError  # stopped (or started anew): this run ends
            frames = render_frames(compiled, seq)
            if is_req:
                await self._request(frames, seq, send.timeout_ms)
            else:
                handle = self.handle
                if not handle.send_now(frames):
                    await handle.send(frames)
                self.sent += 1
            seq += 1
            if interval:
                next_time += interval
                delay = next_time - loop.time()
                if delay < -interval:  # far behind (the socket stalled): do not burst
                    next_time = loop.time()
                await asyncio.sleep(max(delay, 0))
            elif clock() >= yield_at:
                await asyncio.sleep(0)
                yield_at = clock() + YIELD_SECONDS
        self.finished = True

    async def _flood(self, compiled: list[TemplateParts], count: int | None) -> None:
        """Interval 0 on a socket without lock-step: batches through send_batch, as fast as
        the socket takes them, with a turn for the loop every YIELD_SECONDS.

        Frames without placeholders are rendered once. At the high-water mark it waits
        quietly for room (wait_writable); only a wait longer than QUIET_WAIT_SECONDS (no
        peer yet, or a peer that stopped reading) becomes a visible send() the composer's
        Cancel can give up.
        """
        handle = self.handle
        clock = time.monotonic
        constant = all(len(parts) == 1 and type(parts[0]) is bytes for parts in compiled)
        fixed = (
            [part for parts in compiled for part in parts if isinstance(part, bytes)]
            if constant
            else []
        )
        seq = 0
        messages: list[list[bytes]] = []
        yield_at = clock() + YIELD_SECONDS
        while count is None or seq < count:
            size = FLOOD_BATCH if count is None else min(FLOOD_BATCH, count - seq)
            if constant:
                if len(messages) != size:
                    messages = [fixed] * size
            elif not messages:
                messages = [render_frames(compiled, seq + index) for index in range(size)]
            else:
                size = len(messages)  # the rest of a batch the socket did not take
            sent = handle.send_batch(messages)
            seq += sent
            self.sent += sent
            if sent < size:
                messages = messages[sent:]  # rendered for these seqs: keep them
                if not await handle.wait_writable(QUIET_WAIT_SECONDS) and not handle.closed:
                    await handle.send(messages[0])  # shows "waiting"; Cancel ends the script
                    seq += 1
                    self.sent += 1
                    messages = messages[1:]
                yield_at = clock() + YIELD_SECONDS
            elif not constant:
                messages = []
            if clock() >= yield_at:
                await asyncio.sleep(0)
                yield_at = clock() + YIELD_SECONDS

    async def _request(self, frames: list[bytes], seq: int, timeout_ms: int) -> None:
        """One request and its reply, or a timeout and a new REQ socket (lazy pirate).

        Not asyncio.wait_for: before Python 3.12 it swallows a cancellation (stop()) that
        comes after the exchange finished but before this task resumed, and the stopped
        script went on sending, taking the REQ's turn from the user. asyncio.wait lets the
        cancellation through; the exchange is cancelled with it (docs/platform-facts.md)."""
        handle = self.handle
        exchange = asyncio.ensure_future(self._exchange(handle, frames, asyncio.current_task()))
        try:
            await asyncio.wait((exchange,), timeout=timeout_ms / 1000)
            timed_out = not exchange.done()
        finally:
            if not exchange.done():
                exchange.cancel()
                await asyncio.wait((exchange,))  # its waiting send is given up first
            if not exchange.cancelled():
                exchange.exception()  # retrieved: raised below, or moot after a stop
            self._reply_waiter = None
        if not timed_out:
            exchange.result()  # the reply came; or a SocketError, or the user's Cancel
            return
        self.timeouts += 1
        message = f"no reply to request {seq} within {timeout_ms} ms: re-created the REQ socket"
        problems = handle.recreate() if not handle.closed else []
        if problems:
            message += f" ({'; '.join(problems)})"
        self._error(message)

    async def _exchange(
        self, handle: SocketHandle, frames: list[bytes], script: asyncio.Task[None] | None
    ) -> None:
        """Send one request and wait for its reply; ``script`` is the scripted send's task.
        A task of its own starts a turn later: a stop() in between means it never sends."""
        loop = asyncio.get_running_loop()
        if handle.awaiting_reply:  # a request sent before (the composer's): its reply first
            self._reply_waiter = loop.create_future()
            await self._reply_waiter
        if self._task is not script:
            raise asyncio.CancelledError  # stopped before this request went out
        self._reply_waiter = loop.create_future()
        if not handle.send_now(frames):
            await handle.send(frames)
        self.sent += 1
        await self._reply_waiter
        self.replies += 1

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            if self.running:  # not stop(): the user cancelled a send that was waiting
                self._on_send_cancelled(task)
            return
        error = task.exception()
        if task is self._pump:
            if error is not None:
                self._error(f"sending stopped: {error}")
            return
        self._task = None
        if error is not None:
            if not isinstance(error, SocketError):
                log.error("automation of %s failed", self.handle.name, exc_info=error)
            self._error(f"sending stopped: {error}")
            if self.spec.reply is None and self.spec.forward is None:
                self.stop()
        elif self.spec.reply is None and self.spec.forward is None:
            self.stop()  # a counted send is done and there is nothing else to do

    def _on_send_cancelled(self, task: asyncio.Task[None]) -> None:
        """The composer's Cancel gives up whatever send waits on a socket, ours too."""
        if task is self._pump:
            if self._backlog:
                self._backlog.popleft()
                self.dropped += 1
            self._error("a message waiting to be sent was cancelled")
            if self._backlog:
                self._pump = asyncio.ensure_future(self._drain_backlog())
                self._pump.add_done_callback(self._on_task_done)
        elif task is self._task:
            self._task = None
            self._error("sending cancelled")
            if self.spec.reply is None and self.spec.forward is None:
                self.stop()

    def close(self) -> None:
        """Stop for good (the automation is replaced or removed)."""
        self.stop()
        self.on_state_changed.clear()


def _on_session_received(handle: SocketHandle, count: int) -> None:
    runner = handle.automation_runner
    if runner is not None and runner.running:
        runner.on_received(handle, count)


def _on_session_socket_removed(handle: SocketHandle) -> None:
    runner = handle.automation_runner
    if runner is not None:
        runner.stop()


def _listen(session: Session) -> None:
    """One pair of session listeners for every automation: each batch goes straight to its
    socket's runner, and starting or stopping never edits a list the session is walking."""
    if _on_session_received not in session.on_received:
        session.on_received.append(_on_session_received)
        session.on_socket_removed.append(_on_session_socket_removed)


def attach_automation(
    handle: SocketHandle, spec: AutomationSpec | None, *, start: bool = True
) -> AutomationRunner | None:
    """Give ``handle`` this automation, replacing (and stopping) any it had; None or an
    empty spec removes it. ``start`` starts it at once, as opening a workspace does."""
    old = handle.automation_runner
    if old is not None:
        old.close()
    if spec is None or spec.empty:
        handle.automation = None
        handle.automation_runner = None
        handle.session.notify_changed(handle)
        return None
    runner = AutomationRunner(handle, spec)
    handle.automation = spec
    handle.automation_runner = runner
    if start:
        runner.start()
    handle.session.notify_changed(handle)
    return runner
