"""Sending on a SocketHandle: never blocking the loop, waiting visibly when there is no room.

A mixin of socket_handle.SocketHandle, in its own module to keep each concept small. A send
is tried at once with NOBLOCK; when libzmq says EAGAIN (no peer, or the high-water mark),
``send`` waits for the socket's FD without busy-retrying and can be cancelled, while
``send_now``/``send_batch`` (for automations) return what went out. Every message sent is
recorded in the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import zmq

from zinspect.core.sockets.endpoints import describe_zmq_error
from zinspect.core.sockets.peers import PeerRecord
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_types import SocketTypeInfo
from zinspect.core.store import OUT, ROW_FRAMES, Row

if TYPE_CHECKING:
    from zinspect.core.sockets.session import Session
    from zinspect.core.sockets.socket_handle import SocketHandle

_NOBLOCK = int(zmq.NOBLOCK)  # ints: pyzmq converts an enum flag on every call
_NOBLOCK_SNDMORE = int(zmq.NOBLOCK | zmq.SNDMORE)
_POLLOUT = int(zmq.POLLOUT)


def _resolve(future: asyncio.Future[bool], value: bool) -> None:
    """Set a future's result unless it is settled already (a timer's callback)."""
    if not future.done():
        future.set_result(value)


class Sending:
    """The send half of SocketHandle (attributes are set by SocketHandle.__init__)."""

    # What this half uses of the handle, declared so mypy checks it (set in SocketHandle).
    # This half is only ever part of a SocketHandle: hence cast("SocketHandle", self) where
    # it hands itself to the session.
    session: Session
    name: str
    info: SocketTypeInfo
    closed: bool
    sent: int
    blocked: int
    peer_table: dict[bytes, PeerRecord]
    _sync: zmq.Socket[bytes]
    _send_frame: Callable[[bytes, int], object]  # pyzmq's compiled send, bound to _sync
    _loop: asyncio.AbstractEventLoop
    _service_scheduled: bool
    _lock_step: bool
    _lock_step_turn: bool
    _routing_id_first: bool
    _pending: tuple[list[bytes], asyncio.Future[None]] | None
    _writable: asyncio.Future[bool] | None

    if TYPE_CHECKING:  # defined by SocketHandle and by the receive half (core.socket_receive)

        @property
        def type_name(self) -> str: ...
        @property
        def can_send_now(self) -> tuple[bool, str]: ...
        def _watch_fd(self) -> None: ...
        def _update_fd_watch(self) -> None: ...
        def _schedule_service(self) -> None: ...

    # -- sending ----------------------------------------------------------------------
    async def send(self, frames: Sequence[bytes]) -> None:
        """Queue a message; waits (without blocking the loop) while it cannot be queued.

        Raises SocketError for a send the socket's state forbids, and asyncio.CancelledError
        when the user cancels a waiting send.
        """
        if (
            self.closed
            or self._pending is not None
            or not self.info.can_send
            or (self._lock_step and not self._lock_step_turn)
        ):
            ok, reason = self.can_send_now  # the same checks, with the reason in words
            if not ok:
                raise SocketError(reason)
        frames = [frame if type(frame) is bytes else bytes(frame) for frame in frames]
        if not frames:
            raise SocketError("A message needs at least one frame")
        if self._routing_id_first and len(frames) < 2:
            raise SocketError(
                f"{self.type_name} needs the peer's routing id as the first frame, then the data"
            )
        if self._try_send(frames):
            return
        # Cannot be queued now (no peer yet, or high-water mark): wait for the socket's FD.
        future = asyncio.get_running_loop().create_future()
        self._pending = (frames, future)
        self._watch_fd()
        self.session.notify_changed(cast("SocketHandle", self))
        try:
            await future
        finally:
            self._pending = None
            self._update_fd_watch()
            self.session.notify_changed(cast("SocketHandle", self))

    @property
    def send_waiting(self) -> bool:
        """True while a message waits for a peer or for room below the high-water mark."""
        return self._pending is not None

    def cancel_send(self) -> bool:
        """Give up a send that is waiting for a peer or for room under the high-water mark."""
        if self._pending is None or self._pending[1].done():
            return False
        self._pending[1].cancel()
        return True

    def send_now(self, frames: Sequence[bytes]) -> bool:
        """Queue a message without waiting: True when queued, False when it cannot be
        queued now (no peer, high-water mark, another send waiting); SocketError as send().

        For automations, which answer and forward from inside the receive callback, where
        awaiting is not possible and a task per message would cost most of the rate.
        """
        if self._pending is not None and not self.closed:
            return False
        if self.closed or not self.info.can_send or (self._lock_step and not self._lock_step_turn):
            ok, reason = self.can_send_now
            if not ok:
                raise SocketError(reason)
        frames = [frame if type(frame) is bytes else bytes(frame) for frame in frames]
        if not frames:
            raise SocketError("A message needs at least one frame")
        if self._routing_id_first and len(frames) < 2:
            raise SocketError(
                f"{self.type_name} needs the peer's routing id as the first frame, then the data"
            )
        return self._try_send(frames)

    def send_batch(self, messages: Sequence[list[bytes]]) -> int:
        """Queue as many of ``messages`` (lists of bytes frames) as the socket takes now,
        in order and without waiting; returns how many went out (fewer at the high-water
        mark, or with no peer). SocketError as send_now, after recording what was sent.

        For a scripted flood: one tight loop around pyzmq's compiled send, and the sent
        messages go into the store as ONE batch (one timestamp, one extend_rows), so the
        per-message cost is close to a bare ``send()`` loop's. A REQ or REP sends at most
        one message (lock-step), through send_now.
        """
        if not messages:
            return 0
        if self._lock_step or self._pending is not None or self.closed or not self.info.can_send:
            return 1 if self.send_now(messages[0]) else 0
        minimum = 2 if self._routing_id_first else 1
        send = self._send_frame
        name = self.name
        noblock = _NOBLOCK
        now = time.time()  # one timestamp per batch, as the receive path does
        rows: list[Row] = []
        append = rows.append
        error: SocketError | None = None
        try:
            for frames in messages:
                if len(frames) == 1:
                    data = frames[0]
                    send(data, noblock)
                    append((now, name, OUT, len(data), data))
                    continue
                if len(frames) < minimum:
                    error = SocketError(
                        "A message needs at least one frame"
                        if not frames
                        else f"{self.type_name} needs the peer's routing id as the first frame, "
                        "then the data"
                    )
                    break
                for frame in frames[:-1]:
                    send(frame, _NOBLOCK_SNDMORE)  # the rest follow at once: atomic
                send(frames[-1], noblock)
                append((now, name, OUT, sum(map(len, frames)), *frames))
        except zmq.Again:
            self.blocked += 1
        except zmq.ZMQError as failure:
            error = SocketError(
                f"No peer with routing id {frames[0]!r} is connected (ROUTER_MANDATORY)"
                if failure.errno == zmq.EHOSTUNREACH
                else describe_zmq_error(failure)
            )
        finally:
            if not self._service_scheduled:  # see _try_send: the FD's edge may be gone
                self._schedule_service()
        if rows:
            self.sent += len(rows)
            self.session.store.extend_rows(rows, 0)
            if self.peer_table:
                table = self.peer_table
                for row in rows:
                    # (a sent row has a frame: mypy cannot know, so the ignore)
                    record = table.get(row[ROW_FRAMES])  # type: ignore[misc]
                    if record is not None:
                        record.sent += 1
        if error is not None:
            raise error
        return len(rows)

    async def wait_writable(self, timeout: float) -> bool:
        """Wait until the socket can take a message, at most ``timeout`` seconds; True when
        it can. Quiet on purpose: unlike a waiting send() it does not show the socket as
        "waiting" (no socket_changed per wait), since a flood hits the high-water mark
        thousands of times a second. A long wait should fall back to send(), which shows
        it and which the composer's Cancel can give up.
        """
        if self.closed:
            return False
        if self._pending is None and self._sync.EVENTS & _POLLOUT:  # type: ignore[operator]
            return True
        future = self._writable
        if future is None or future.done():
            future = self._writable = self._loop.create_future()
        self._watch_fd()
        self._schedule_service()  # the edge may have passed already
        timer = self._loop.call_later(timeout, _resolve, future, False)
        try:
            return await future
        finally:
            timer.cancel()
            if self._writable is future:
                self._writable = None

    def _release_writable(self) -> None:
        """Wake a quiet wait_writable (with False) when the socket goes away or is replaced."""
        if self._writable is not None:
            _resolve(self._writable, False)
            self._writable = None

    def _try_send(self, frames: list[bytes], retry: bool = False) -> bool:
        """Send without blocking: True when queued (and recorded in the store), False on
        EAGAIN, SocketError otherwise. Flat on purpose: a send automation runs it per message.
        ``retry``: the service trying a waiting send again, which is neither counted as
        blocked once more nor followed by another service unless the socket is ready.
        The row's time is read before the send: a message cannot have left before it, so a
        reply's latency is never understated when the process is preempted in between."""
        sent_at = time.time()
        try:
            if len(frames) == 1:
                self._send_frame(frames[0], _NOBLOCK)
            else:
                send = self._send_frame
                for frame in frames[:-1]:
                    send(frame, _NOBLOCK_SNDMORE)  # the rest follow at once: atomic for libzmq
                send(frames[-1], _NOBLOCK)
        except zmq.Again:
            if not retry:
                self.blocked += 1
            return False
        except zmq.ZMQError as error:
            if error.errno == zmq.EHOSTUNREACH:
                raise SocketError(
                    f"No peer with routing id {frames[0]!r} is connected (ROUTER_MANDATORY)"
                ) from None
            raise SocketError(describe_zmq_error(error)) from None
        finally:
            # A send processes libzmq's commands and may swallow the FD's readable edge.
            # A retry looks at EVENTS instead (which re-arms the FD): serving again while
            # nothing is ready would retry a send waiting for a peer in a busy loop.
            if not self._service_scheduled and (not retry or self._sync.EVENTS):
                self._schedule_service()
        self.sent += 1
        size = len(frames[0]) if len(frames) == 1 else sum(map(len, frames))
        self.session.store.append_row((sent_at, self.name, OUT, size, *frames))
        if self.peer_table:
            record = self.peer_table.get(frames[0])
            if record is not None:
                record.sent += 1
        if self._lock_step:
            self._lock_step_turn = False
            # REQ/REP: it is the peer's turn now
            self.session.notify_changed(cast("SocketHandle", self))
        # Otherwise a send changes no state listeners show (counts are sampled on a timer),
        # and a notification per message would cost a scripted flood most of its rate.
        return True
