"""Running a socket's automation (core.automation): reply, send messages, forward.

Everything runs on the asyncio loop, nothing in a thread. Reply and forward react to the
session's ``on_received`` callback, which comes once per batch a socket drained into the
store, and send at once with ``SocketHandle.send_now``; only a message that cannot be queued
now (no peer yet, high-water mark) waits, in order, in a small backlog drained by one task.
REQ/REP lock-step stays right because the session drains a REQ or REP one message at a
time and does not read a REP's next request before its reply went out.

Sending messages is one task (core.automation.automation_send). A reply picks the first
rule whose tests pass on the frames after the envelope. A start condition holds everything
back; a stop condition ends the run as finished. A REQ that gave up or a send that failed
marks it ``failed`` (headless runs exit with an error)."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence

from zinspect.core.automation.automation import AutomationSpec, ReplySpec
from zinspect.core.automation.automation_send import (
    PEER_POLL_SECONDS,
    GaveUpError,
    ScriptedSend,
    count_late_reply,
    owed_request,
    waits_for_peer,
)
from zinspect.core.automation.automation_triggers import (
    TriggerWatch,
    notify_received,
    watches_socket,
)
from zinspect.core.automation.rules import matches, reply_envelope, report_slow
from zinspect.core.automation.templates import compile_frames, render_frames
from zinspect.core.automation.timing import PreciseTimer, pick_delay
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, Row

log = logging.getLogger("zinspect.core.automation.automation")

RATE_WINDOW = 2.0  # seconds the shown rate averages over
RATE_SAMPLE = 0.25  # at most one sample this often, however often the rate is read
BACKLOG_MAX = 10_000  # replies/forwards waiting for the socket; past this they are dropped
# ROUTER peers' requests waiting for a "to" step (the oldest go first past it), and peers kept
READY_MAX = 10_000
# Who hears of every automation problem: (socket name, message, whether the run failed).
ProblemListener = Callable[[str, str, bool], None]
_problem_listeners: weakref.WeakKeyDictionary[Session, list[ProblemListener]] = (
    weakref.WeakKeyDictionary()
)


def listen_for_problems(session: Session, listener: ProblemListener) -> None:
    """``listener`` hears every problem of every automation of ``session`` (headless runs
    print them on stderr)."""
    _problem_listeners.setdefault(session, []).append(listener)


class AutomationRunner:
    """Runs one socket's automation; ``start``/``stop``; counters the UI samples.

    ``on_state_changed`` listeners hear when it starts, stops (by itself too, when a counted
    send is done) or records an error.
    """

    send_word = ""  # what a failed send is called ("" : a reply or a forward)
    # A script's send to a ROUTER peer not connected yet waits for it (as a send step does);
    # a reply or forward to a peer that went away fails at once.
    waits_for_peers = False

    def __init__(self, handle: SocketHandle, spec: AutomationSpec) -> None:
        self.handle = handle
        self.spec = spec
        self.running = False
        self.finished = False  # a counted send went through its count
        self.sent = 0  # messages this automation sent: replies, requests, forwards
        self.replies = 0  # REQ: replies received to scripted requests
        # REQ: the socket's sent count when the scripted request now waiting went out; its
        # reply is counted when it comes, after a stop too, unless the socket sent since
        self.reply_due_at: int | None = None
        self.timeouts = 0
        self.dropped = 0
        self.last_error = ""
        self.failed = False  # the run ended with an error (a REQ gave up, a send failed)
        self.waiting = False  # running, but its start condition is not met yet
        self.waiting_for = ""  # what a ROUTER's send waits for, in words
        self.stop_reason = ""  # the stop condition that ended the run
        # ROUTER "to" steps: envelopes of peers that asked and have no answer yet, and every
        # routing id seen this run, in the order they first asked
        self.ready: deque[list[bytes]] = deque()
        self.peers: dict[bytes, None] = {}
        self._ready_waiter: asyncio.Future[None] | None = None
        self._keeps_ready = spec.send is not None and any(
            step.to is not None for step in spec.send.all_steps()
        )
        self._watches: list[TriggerWatch] = []
        self.replied = 0  # reply seq: {seq} in a rule's reply
        self.on_state_changed: list[Callable[[AutomationRunner], None]] = []
        self._session = handle.session
        self._task: asyncio.Task[None] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._backlog: deque[tuple[str, list[bytes]]] = deque()
        self._timers: set[PreciseTimer] = set()
        self._reply_waiter: asyncio.Future[None] | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._reply_frames: list[bytes] = []  # a reply that is not an echo has frames
        if spec.reply is not None and spec.reply.frames is not None:
            self._reply_frames = list(spec.reply.frames)
        self._compiled_rules = [
            (
                rule.match,
                None if rule.frames is None else compile_frames(rule.frames, received=True),
            )
            for rule in (spec.reply.rules if spec.reply is not None else [])
        ]
        self._slow_said = 0  # rule searches out of time, said so far

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.running or self.handle.closed:
            return
        self.running = True
        self.finished = self.failed = False
        self.last_error = self.waiting_for = self.stop_reason = ""
        self.sent = self.replies = self.timeouts = self.dropped = self.replied = 0  # per run
        self.reply_due_at = None
        self.ready.clear()
        self.peers.clear()
        self._samples = deque([(time.monotonic(), self.sent)])
        _listen(self._session)
        spec = self.spec
        if spec.start is not None:
            self.waiting = True
            watch = TriggerWatch(self.handle, spec.start, self._on_start_met, start=True)
            self._watches.append(watch)
            log.info("automation of %s waits to start", self.handle.name)
            self._notify()
            watch.arm()  # may fire at once (a peer already connected)
            return
        self._begin()
        log.info("automation of %s started", self.handle.name)
        self._notify()

    def _on_start_met(self, reason: str) -> None:
        if not self.running:
            return
        log.info("automation of %s started: %s", self.handle.name, reason)
        self._begin()
        self._notify()

    def _begin(self) -> None:
        """Start replying, forwarding and sending (the start condition, if any, is met)."""
        self.waiting = False
        spec = self.spec
        self._samples = deque([(time.monotonic(), self.sent)])
        if spec.stop is not None:
            self._arm_stop()
        if spec.reply is not None:
            self._answer_waiting_request(spec.reply)
        if spec.send is not None and self.running:
            self._task = asyncio.ensure_future(ScriptedSend(self).run())
            self._task.add_done_callback(self._on_task_done)

    def _arm_stop(self) -> None:
        assert self.spec.stop is not None
        watch = TriggerWatch(self.handle, self.spec.stop, self._on_stop_met, start=False)
        self._watches.append(watch)
        watch.arm()

    def _on_stop_met(self, reason: str) -> None:
        if not self.running:
            return
        self.stop_reason = reason
        self.finished = True
        log.info("automation of %s stopped: %s", self.handle.name, reason)
        self.stop()

    async def ready_changed(self) -> None:
        """Wait until a ROUTER peer asks (``ready`` grows)."""
        waiter = self._ready_waiter
        if waiter is None or waiter.done():
            waiter = self._ready_waiter = asyncio.get_running_loop().create_future()
        await waiter

    def stop(self) -> None:
        """Stop sending, replying and forwarding; messages still waiting are dropped."""
        if not self.running:
            return
        self.running = False
        self.waiting = False
        for watch in self._watches:
            watch.cancel()
        self._watches.clear()
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
            return "waiting" if self.waiting else "running"
        return "finished" if self.finished else "stopped"

    def _notify(self) -> None:
        for listener in list(self.on_state_changed):
            listener(self)

    def _error(self, message: str, *, failed: bool = False) -> None:
        self.last_error = message
        self.failed |= failed
        log.info("automation of %s: %s", self.handle.name, message)
        for listener in list(_problem_listeners.get(self._session, ())):
            listener(self.handle.name, message, failed)
        self._notify()

    def report(self, message: str) -> None:
        """A problem the run goes on after (shown, and told to problem listeners)."""
        self._error(message)

    def _send_refused(self, message: str) -> None:
        """A message the socket refused (a REP's send before its request, say): dropped."""
        self._error(message)

    # -- reply and forward -----------------------------------------------------------------
    def on_received(self, handle: SocketHandle, rows: Sequence[Row]) -> None:
        """``rows`` of ``handle`` were just added to the store, as one batch."""
        name = handle.name
        spec = self.spec
        forward = spec.forward
        for row in rows:
            if row[ROW_SOCKET] != name or row[ROW_DIRECTION] != IN:
                continue
            if self._keeps_ready:  # peers that ask before the start are served after it
                self._note_ready(row[ROW_FRAMES:])
            if self.waiting:
                continue
            waiter = self._reply_waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            if spec.reply is not None:
                self._reply(spec.reply, row[ROW_FRAMES:])
            elif forward is not None:
                frames = list(row[ROW_FRAMES:])
                if forward.delay_ms or forward.delay_max_ms is not None:
                    delay = pick_delay(forward.delay_ms, forward.delay_max_ms)
                    self._later(delay, forward.to, frames)
                else:
                    self._emit(forward.to, frames)

    def _note_ready(self, frames: tuple[bytes, ...]) -> None:
        """A ROUTER peer asked: its envelope waits for a "to" step's message."""
        if not frames:
            return
        envelope = reply_envelope(frames, "ROUTER")
        if len(self.peers) < READY_MAX:
            self.peers.setdefault(envelope[0], None)
        if len(self.ready) >= READY_MAX:
            self.ready.popleft()
        self.ready.append(envelope)
        waiter = self._ready_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _answer_waiting_request(self, reply: ReplySpec) -> None:
        """A REP that read a request before the automation started still owes its reply."""
        frames = owed_request(self.handle)
        if frames is not None:
            self._reply(reply, frames)

    def _reply(self, reply: ReplySpec, frames: tuple[bytes, ...]) -> None:
        envelope = reply_envelope(frames, self.handle.type_name)
        answer: list[bytes] | None = None
        for tests, compiled in self._compiled_rules:
            body = frames[len(envelope) :]
            if matches(tests, body):
                if compiled is None:
                    return  # the rule says: no reply
                answer = envelope + render_frames(compiled, self.replied, body)
                break
        else:
            self._slow_said = report_slow(self._compiled_rules, self._slow_said, self.report)
            if reply.echo:
                answer = list(frames)
            elif reply.frames is not None:
                answer = envelope + self._reply_frames
            else:
                return  # rules only, none matched: no reply
        self.replied += 1
        if reply.delay_ms or reply.delay_max_ms is not None:
            self._later(pick_delay(reply.delay_ms, reply.delay_max_ms), self.handle.name, answer)
        else:
            self._emit(self.handle.name, answer)

    def _later(self, delay: float, name: str, frames: list[bytes]) -> None:
        """Send ``frames`` on ``name`` after ``delay`` seconds, on a precise timer."""
        timer: PreciseTimer | None = None

        def fire() -> None:
            self._timers.discard(timer)
            if self.running:
                self._emit(name, frames)

        timer = PreciseTimer(self.handle.loop, delay, fire)
        if not timer.cancelled and timer.deadline > self.handle.loop.time():
            self._timers.add(timer)

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
            if self.waits_for_peers and waits_for_peer(target, error):
                self._queue(name, frames)
                return
            self.dropped += 1
            word = self.send_word or ("reply" if target is self.handle else "forward")
            self._send_refused(f"{word} not sent: {error}")
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
                    self.waiting_for = ""
                except SocketError as error:
                    if self.waits_for_peers and waits_for_peer(target, error):
                        self.waiting_for = f"waiting for peer {frames[0]!r} to connect"
                        await asyncio.sleep(PEER_POLL_SECONDS)
                        continue
                    self.dropped += 1
                    self._send_refused(f"not sent: {error}")
            if backlog:
                backlog.popleft()

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
            if not isinstance(error, (SocketError, GaveUpError)):
                log.error("automation of %s failed", self.handle.name, exc_info=error)
            text = str(error) if isinstance(error, GaveUpError) else f"sending stopped: {error}"
            self._error(text, failed=True)
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
    if runner is not None and not runner.running and runner.reply_due_at is not None:
        count_late_reply(runner, handle)
    watched = watches_socket(handle)
    if (runner is None or not runner.running) and not watched:
        return
    # read before anything replies: a reply is stored too, behind this batch
    store = handle.session.store
    _first, rows = store.rows(max(store.first_seq, store.end_seq - count), store.end_seq)
    if runner is not None and runner.running:
        runner.on_received(handle, rows)
    if watched:
        notify_received(handle, rows)


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
