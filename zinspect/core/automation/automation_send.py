"""The send automation (Send messages): its steps in order, a REQ's lock-step and retries, a
ROUTER's choice of peer.

One task per run (``AutomationRunner`` owns it). A step with ``interval_ms`` 0 on a socket
without lock-step sends as fast as the socket takes messages (``flood``), yielding to the
loop every few milliseconds. Intervals use the precise timer of ``core.automation.timing``.
A REQ waits for each reply, at most ``timeout_ms``; then it re-creates the socket
(``SocketHandle.recreate``) and, with ``tries``, sends the same request again, giving up
after that many tries, as the ZeroMQ guide's lazy-pirate client does.

A ROUTER step with ``to`` answers peers that asked: "ready" sends each message to the peer
waiting longest (its envelope from ``AutomationRunner.ready``), "each" once to every peer
seen so far, as each asks. A ROUTER sending to a routing id that is not connected yet waits
for it, unless the user set ROUTER_MANDATORY (then the send fails, as libzmq says).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from zinspect.core.automation.automation import SendStep, TemplateParts, render_frames
from zinspect.core.automation.templates import compile_frames
from zinspect.core.automation.timing import PreciseTimer, precise_sleep
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET

if TYPE_CHECKING:
    from zinspect.core.automation.automation_runner import AutomationRunner

YIELD_SECONDS = 0.005  # a flood gives the loop (and so the window) a turn this often
FLOOD_BATCH = 256  # messages per send_batch call in an interval-0 send automation
QUIET_WAIT_SECONDS = 0.25  # a longer wait for room shows as a waiting send (Cancel-able)
PEER_POLL_SECONDS = 0.05  # a ROUTER waiting for a routing id to connect tries this often
NO_PEER = "No peer with routing id"
LOOK_BACK = 100_000  # stored messages searched for a REP's unanswered request at start


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def waits_for_peer(handle: SocketHandle, error: SocketError) -> bool:
    """Whether a failed send is a ROUTER's routing id that is not connected yet, to be waited
    for: unless the user set ROUTER_MANDATORY, where failing is what they asked for."""
    return (
        handle.type_name == "ROUTER"
        and str(error).startswith(NO_PEER)
        and not handle.options.get("ROUTER_MANDATORY")
    )


def owed_request(handle: SocketHandle) -> tuple[bytes, ...] | None:
    """The request a REP read and has not answered (its frames as stored), or None.

    A REP reads its next request whether or not an automation runs, and then takes no other
    until it replied: an automation started now must answer that one, or its REQ peer waits
    for ever (a reply automation, and a script whose on_message raised, then Run)."""
    if handle.type_name != "REP" or not handle.can_send_now[0]:
        return None
    store = handle.session.store
    first = max(store.first_seq, store.end_seq - LOOK_BACK)
    _start, rows = store.rows(first, store.end_seq)
    for row in reversed(rows):
        if row[ROW_SOCKET] == handle.name and row[ROW_DIRECTION] == IN:
            return tuple(row[ROW_FRAMES:])
    return None


class GaveUpError(Exception):
    """A REQ got no reply after every try: the automation stops and says so."""


class ScriptedSend:
    """Runs the send spec of ``runner`` once (``run``), counting on the runner."""

    def __init__(self, runner: AutomationRunner) -> None:
        self.runner = runner
        self.handle: SocketHandle = runner.handle
        send = runner.spec.send
        assert send is not None
        self.spec = send
        self.seq = 0

    def _check_current(self) -> None:
        if self.runner._task is not asyncio.current_task():
            raise asyncio.CancelledError  # stopped (or started anew): this run ends

    async def run(self) -> None:
        spec = self.spec
        done = 0
        while spec.repeat is None or done < spec.repeat:
            for step in spec.all_steps():
                await self._step(step)
            done += 1
        self.runner.finished = True

    async def _step(self, step: SendStep) -> None:
        compiled = compile_frames(step.frames)
        handle = self.handle
        kind = handle.type_name
        if step.to == "each":
            await self._each(compiled, step.count or 1)
            return
        if not step.interval_ms and kind not in ("REQ", "ROUTER") and step.to is None:
            await self._flood(compiled, step.count)
            return
        loop = asyncio.get_running_loop()
        clock = time.monotonic
        interval = step.interval_ms / 1000
        next_time = loop.time()
        yield_at = clock() + YIELD_SECONDS
        sent = 0
        while step.count is None or sent < step.count:
            self._check_current()
            frames = render_frames(compiled, self.seq)
            if kind == "REQ":
                await self._request(frames)
            else:
                if step.to == "ready":
                    frames = await self._next_ready() + frames
                    self._check_current()
                await self._send(frames)
            self.seq += 1
            sent += 1
            if interval:
                next_time += interval
                delay = next_time - loop.time()
                if delay < -interval:  # far behind (the socket stalled): do not burst
                    next_time = loop.time()
                await precise_sleep(max(delay, 0))
            elif clock() >= yield_at:
                await asyncio.sleep(0)
                yield_at = clock() + YIELD_SECONDS

    async def _send(self, frames: list[bytes]) -> None:
        """One message; a ROUTER's unknown routing id is waited for unless mandatory."""
        handle = self.handle
        runner = self.runner
        while True:
            try:
                if not handle.send_now(frames):
                    await handle.send(frames)
            except SocketError as error:
                if not waits_for_peer(handle, error):
                    raise
                runner.waiting_for = f"waiting for peer {frames[0]!r} to connect"
                await asyncio.sleep(PEER_POLL_SECONDS)
                self._check_current()
                continue
            runner.waiting_for = ""
            runner.sent += 1
            return

    async def _next_ready(self) -> list[bytes]:
        """The envelope of the peer that asked first and has no answer yet (waits for one)."""
        runner = self.runner
        while not runner.ready:
            runner.waiting_for = "waiting for a peer to ask"
            await runner.ready_changed()
        runner.waiting_for = ""
        return runner.ready.popleft()

    async def _each(self, compiled: list[TemplateParts], count: int) -> None:
        """``count`` messages to every peer seen so far, each when it asks."""
        runner = self.runner
        owed = {peer: count for peer in runner.peers}
        if not owed:
            runner.report("a step to each peer sent nothing: no peer has sent this socket anything")
        while owed:
            self._check_current()
            ready = runner.ready
            index = next((i for i, env in enumerate(ready) if env[0] in owed), None)
            if index is None:
                runner.waiting_for = f"waiting for {len(owed)} peer(s) to ask"
                await runner.ready_changed()
                continue
            envelope = ready[index]
            del ready[index]
            await self._send(envelope + render_frames(compiled, self.seq))
            self.seq += 1
            owed[envelope[0]] -= 1
            if not owed[envelope[0]]:
                del owed[envelope[0]]
        runner.waiting_for = ""

    async def _flood(self, compiled: list[TemplateParts], count: int | None) -> None:
        """Interval 0 on a socket without lock-step: batches through send_batch, as fast as
        the socket takes them, with a turn for the loop every YIELD_SECONDS.

        Frames without placeholders are rendered once. At the high-water mark it waits
        quietly for room (wait_writable); only a wait longer than QUIET_WAIT_SECONDS (no
        peer yet, or a peer that stopped reading) becomes a visible send() the composer's
        Cancel can give up.
        """
        handle = self.handle
        runner = self.runner
        clock = time.monotonic
        constant = all(len(parts) == 1 and type(parts[0]) is bytes for parts in compiled)
        fixed = (
            [part for parts in compiled for part in parts if isinstance(part, bytes)]
            if constant
            else []
        )
        base = self.seq
        seq = 0
        messages: list[list[bytes]] = []
        yield_at = clock() + YIELD_SECONDS
        while count is None or seq < count:
            size = FLOOD_BATCH if count is None else min(FLOOD_BATCH, count - seq)
            if constant:
                if len(messages) != size:
                    messages = [fixed] * size
            elif not messages:
                messages = [render_frames(compiled, base + seq + index) for index in range(size)]
            else:
                size = len(messages)  # the rest of a batch the socket did not take
            sent = handle.send_batch(messages)
            seq += sent
            runner.sent += sent
            if sent < size:
                messages = messages[sent:]  # rendered for these seqs: keep them
                # (no new yield_at: when the socket has room again at once this returns
                # without a turn for the loop, and a flood at the high-water mark never
                # yielded: 100-250 ms without a tick of the window)
                if not await handle.wait_writable(QUIET_WAIT_SECONDS) and not handle.closed:
                    await handle.send(messages[0])  # shows "waiting"; Cancel ends the script
                    seq += 1
                    runner.sent += 1
                    messages = messages[1:]
            elif not constant:
                messages = []
            if clock() >= yield_at:
                await asyncio.sleep(0)
                yield_at = clock() + YIELD_SECONDS
        self.seq = base + seq

    async def _request(self, frames: list[bytes]) -> None:
        """One request and its reply; on a timeout a new REQ socket, and with ``tries`` the
        same request again until it has been sent that many times (lazy pirate)."""
        spec = self.spec
        tries = spec.tries or 1
        for attempt in range(1, tries + 1):
            if await self._try_request(frames):
                return
            runner = self.runner
            runner.timeouts += 1
            handle = self.handle
            problems = handle.recreate() if not handle.closed else []
            suffix = f" ({'; '.join(problems)})" if problems else ""
            if spec.tries is None:
                runner.report(
                    f"no reply to request {self.seq} within {spec.timeout_ms} ms: "
                    f"re-created the REQ socket{suffix}"
                )
                return
            if attempt == tries:
                raise GaveUpError(
                    f"no reply to request {self.seq} after {tries} tries of "
                    f"{spec.timeout_ms} ms: gave up (the server seems to be offline){suffix}"
                )
            runner.report(
                f"no reply to request {self.seq} within {spec.timeout_ms} ms (try {attempt} "
                f"of {tries}): re-created the REQ socket and sent it again{suffix}"
            )
            self._check_current()

    async def _try_request(self, frames: list[bytes]) -> bool:
        """Send one request and wait for its reply: True when it came in time.

        Not asyncio.wait_for: before Python 3.12 it swallows a cancellation (stop()) that
        comes after the exchange finished but before this task resumed, and the stopped
        script went on sending, taking the REQ's turn from the user. asyncio.wait lets the
        cancellation through; the exchange is cancelled with it (docs/platform-facts.md)."""
        runner = self.runner
        loop = asyncio.get_running_loop()
        exchange = asyncio.ensure_future(self._exchange(frames, asyncio.current_task()))
        deadline: asyncio.Future[None] = loop.create_future()  # on a precise timer, not Qt's
        timer = PreciseTimer(loop, self.spec.timeout_ms / 1000, _resolve, deadline)
        try:
            await asyncio.wait((exchange, deadline), return_when=asyncio.FIRST_COMPLETED)
            timed_out = not exchange.done()
            if timed_out:
                runner.reply_due_at = None  # the socket is made again: no reply will come
        finally:
            timer.cancel()
            deadline.cancel()
            if not exchange.done():
                exchange.cancel()
                await asyncio.wait((exchange,))  # its waiting send is given up first
            if not exchange.cancelled():
                exchange.exception()  # retrieved: raised below, or moot after a stop
            runner._reply_waiter = None
        if not timed_out:
            exchange.result()  # the reply came; or a SocketError, or the user's Cancel
        return not timed_out

    async def _exchange(self, frames: list[bytes], script: asyncio.Task[None] | None) -> None:
        """Send one request and wait for its reply; ``script`` is the send automation's task.
        A task of its own starts a turn later: a stop() in between means it never sends."""
        runner = self.runner
        handle = self.handle
        loop = asyncio.get_running_loop()
        if handle.awaiting_reply:  # a request sent before (the composer's): its reply first
            runner._reply_waiter = loop.create_future()
            await runner._reply_waiter
        if runner._task is not script:
            raise asyncio.CancelledError  # stopped before this request went out
        runner._reply_waiter = loop.create_future()
        if not handle.send_now(frames):
            await handle.send(frames)
        runner.sent += 1
        runner.reply_due_at = handle.sent  # its reply is counted even after a stop
        await runner._reply_waiter
        runner.replies += 1
        runner.reply_due_at = None


def count_late_reply(runner: AutomationRunner, handle: SocketHandle) -> None:
    """A stopped REQ script's last request was answered: a reply, as the user counts them
    (a REQ receives nothing but replies). Not if the socket sent since (the user's own
    request, whose reply this may be)."""
    counted = handle.sent == runner.reply_due_at
    runner.reply_due_at = None
    if counted:
        runner.replies += 1
        runner._notify()
