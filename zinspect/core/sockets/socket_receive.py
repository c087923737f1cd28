"""Receiving on a SocketHandle: one wake-up per readiness edge, a batch drained per turn.

A mixin of socket_handle.SocketHandle, in its own module to keep each concept small. The
socket's FD is watched on the loop; each turn drains messages through a synchronous shadow
socket into plain store rows (docs/performance.md) within the session's shared budget, keeps
where messages came from (core.peers) and, on ROUTER/STREAM, the peers by routing id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import zmq

from zinspect.core.rows import ZERO_COPY_MIN, RawFrame, RawRow, keep_frame
from zinspect.core.sockets.endpoints import describe_zmq_error
from zinspect.core.sockets.peers import PeerRecord
from zinspect.core.sockets.socket_base import Endpoint, SocketError
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES, SocketTypeInfo
from zinspect.core.sockets.xpub_guard import SubscriptionGuard
from zinspect.core.store import IN, ROW_FRAMES, ROW_TIME

if TYPE_CHECKING:
    from zinspect.core.sockets.monitor import SocketMonitor
    from zinspect.core.sockets.session import Session
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger("zinspect.core.sockets.socket_handle")  # the socket's log, whichever half

BATCH_MAX_MESSAGES = 4096
BATCH_MAX_SECONDS = 0.008  # keep a 16 ms UI timer on time while draining a flood
LARGE_MESSAGE = 64 * 1024  # the drain looks at the clock after each message this large
MAX_ROUTING_IDS = 1000
# zinspect protects itself from a message of countless frames: the frames past these caps
# are received (they must be, to reach the next message) but not kept; the socket counts
# the cut messages
MAX_FRAMES_PER_MESSAGE = 100_000
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
CLOCK_EVERY_FRAMES = 256  # a long multipart message looks at the clock this often (~1 ms)
FRAME_TIME_WEIGHT = 256  # receiving a frame takes about as long as copying this many bytes
FDLESS_POLL_SECONDS = 0.01
_NOBLOCK = int(zmq.NOBLOCK)  # ints: pyzmq converts an enum flag on every call
_POLLOUT = int(zmq.POLLOUT)
_EVENTS = int(zmq.EVENTS)
_CHUNK = range(CLOCK_EVERY_FRAMES)  # messages between two looks at the clock (see _drain)
_ONE = range(1)
# pyzmq's recv(copy=False) makes each frame with ``zmq.Frame(...)``, looked up at every call:
# the Python subclass (zmq.sugar) of its Cython Frame, which adds message properties by item
# (``frame["User-Id"]``) and attribute. An instance of that subclass costs ~270 ns more to
# make than one of the Cython class (430 against 700 ns a frame with its bytes and more
# flag): a quarter of what a 64 B message costs the drain (docs/performance.md). The drain
# uses neither addition (``Frame.get`` is the Cython class's), so Session._service_ready
# has pyzmq make the Cython class while it serves the sockets (``plain_frames``). Only the
# loop's thread receives in zinspect's process.
PLAIN_FRAME = zmq.backend.Frame


class plain_frames:  # noqa: N801  (a context, named for what it does, like contextlib's)
    """For the ``with`` block, ``recv(copy=False)`` gives PLAIN_FRAME instances; the name
    is put back as it was when the block ends, however it ends."""

    __slots__ = ("_saved",)

    def __enter__(self) -> None:
        self._saved = zmq.Frame
        zmq.Frame = PLAIN_FRAME  # type: ignore[misc, assignment]

    def __exit__(self, *_exc: object) -> None:
        zmq.Frame = self._saved  # type: ignore[misc]


class Receiving:
    """The receive half of SocketHandle (attributes are set by SocketHandle.__init__)."""

    # a multipart message whose frames did not all fit in one turn: see _drain_rest
    # [frames, size, cut, time, peer, kept]: list[RawFrame], int, int, float, str, int
    _partial: list[Any] | None = None
    xpub_guard: SubscriptionGuard | None = None
    # A tap (core.tap) serves the socket itself: forwarding before storing; None otherwise
    relay: Callable[[float], bool] | None = None
    # What this half uses of the handle, declared so mypy checks it (set in SocketHandle).
    # This half is only ever part of a SocketHandle: hence cast("SocketHandle", self) where
    # it hands itself to the session.
    session: Session
    name: str
    info: SocketTypeInfo
    endpoints: list[Endpoint]
    closed: bool
    received: int
    cut_messages: int
    routing_ids: dict[bytes, float]
    peer_table: dict[bytes, PeerRecord]
    _sync: zmq.Socket[bytes]
    _loop: asyncio.AbstractEventLoop
    _fd: int | None
    _fd_watched: bool
    _service_scheduled: bool
    _lock_step: bool
    _lock_step_turn: bool
    _pending: tuple[list[bytes], asyncio.Future[None]] | None
    _writable: asyncio.Future[bool] | None
    monitor: SocketMonitor

    if TYPE_CHECKING:  # defined by SocketHandle and by the send half (core.socket_send)

        @property
        def type_name(self) -> str: ...
        def _try_send(self, frames: list[bytes], retry: bool = False) -> bool: ...

    # -- receiving --------------------------------------------------------------------
    def _watch_fd(self) -> None:
        if self._fd_watched or self.closed:
            return
        self._fd_watched = True
        if self._fd is None:
            self._poll_without_fd()
            return
        self._loop.add_reader(self._fd, self._on_fd_ready)
        self._schedule_service()  # the FD is edge-triggered: look once now

    def _poll_without_fd(self) -> None:
        if self._fd_watched and not self.closed:
            self._schedule_service()
            self._loop.call_later(FDLESS_POLL_SECONDS, self._poll_without_fd)

    def _update_fd_watch(self) -> None:
        # A send-only socket that once had to wait keeps its FD watched: adding and removing
        # the reader around every wait (a QSocketNotifier each time under qasync) cost a
        # scripted flood much of its rate at the high-water mark.
        wanted = not self.closed and (
            self.info.can_receive
            or self._pending is not None
            or (self._fd_watched and self._fd is not None)
        )
        if wanted:
            self._watch_fd()
        elif self._fd_watched:
            if self._fd is not None:
                self._loop.remove_reader(self._fd)
            self._fd_watched = False

    def _on_fd_ready(self) -> None:
        """The socket's FD says something happened: serve the socket in its turn.

        A socket already waiting for its turn reads EVENTS instead, which takes the FD's
        signal: otherwise the loop keeps reporting the FD ready until the turn comes, and
        with 100 busy sockets those reports were 12 for every socket served (a callback
        each, through the GUI loop's notifier machinery). The coming turn drains what is
        there, and a drain that stops early comes back by itself, so nothing is missed.
        """
        if not self._service_scheduled:
            self._schedule_service()
            return
        try:
            self._sync.get(_EVENTS)
        except zmq.ZMQError:  # closing: the turn that comes finds it closed
            pass

    def _schedule_service(self) -> None:
        if not self._service_scheduled and not self.closed:
            self._service_scheduled = True
            self.session._service_soon(cast("SocketHandle", self))

    def _service(self, deadline: float) -> bool:
        """Retry a waiting send, then drain received messages in one batch, until
        ``deadline`` (time.monotonic); True when messages were left for another turn."""
        self._service_scheduled = False
        if self.closed:
            return False
        if self._pending is not None:
            frames, future = self._pending
            if not future.done():
                try:
                    if self._try_send(frames, retry=True):
                        future.set_result(None)
                except SocketError as error:
                    future.set_exception(error)
        writable = self._writable
        if writable is not None and self._pending is None:
            if writable.done():
                self._writable = None
            elif self._sync.EVENTS & _POLLOUT:  # type: ignore[operator]  # (EVENTS: an int)
                self._writable = None
                writable.set_result(True)
        if self.xpub_guard is not None and self.xpub_guard.paused:
            return False  # over its budget: nothing read (libzmq reads nothing) until re-made
        if self.relay is not None:
            return self.relay(deadline)
        if self.info.can_receive and not (self._lock_step and self._lock_step_turn):
            return self._drain(deadline)
        return False

    def _drain(self, deadline: float) -> bool:
        """Receive what is queued, up to a budget, and add it to the store as one batch.

        This loop is the ingest rate, so it is written for speed (docs/performance.md):
        frames come from ``recv(copy=False)``, whose ``Frame.more`` says whether another
        frame follows; pyzmq's ``recv_multipart`` asks ``getsockopt(RCVMORE)`` instead,
        which converts the option to an enum on every call and costs more than the receive
        itself. Each message goes straight into a store row (see core.store), with no
        Message object and no list for a single frame. Messages come in chunks of
        CLOCK_EVERY_FRAMES: what need not be looked at per message (the clock, the receive
        time, the budget, the connection count) is looked at between chunks, so a
        one-frame message costs little more than its receive, its copy and its row.
        Returns True when the budget (the session's ``deadline``, BATCH_MAX_MESSAGES) ended
        the batch with messages left.
        """
        recv = self._sync.recv
        noblock = _NOBLOCK
        name = self.name
        lock_step = self._lock_step
        batch: list[RawRow] = []
        append = batch.append
        # Frames of ZERO_COPY_MIN bytes or more are kept as received (core.rows):
        # for each, the index of its row in the batch (MessageStore.extend_rows)
        kept: list[int] = []
        zero_copy = ZERO_COPY_MIN
        # Peer-Address runs (core.peers), for sockets that can have tcp/ipc peers only
        inproc = [e.address.startswith("inproc://") for e in self.endpoints]
        want_peer = not all(inproc)
        # Asking each message costs as much as receiving it (pyzmq checks the libzmq
        # version on every call): with one connection, one answer does for the batch, and
        # the connection count is looked at again between chunks. (libzmq does not report
        # inproc peers: a socket with an inproc endpoint asks every message.)
        one_connection = self.monitor.one_connection if want_peer and not any(inproc) else None
        single = one_connection is not None and one_connection()
        ask_peer = want_peer
        runs: list[tuple[int, str]] = []
        last_peer: str | None = None
        peer: str  # Peer-Address is a string property; pyzmq types every one as int | str
        inline_frames = min(CLOCK_EVERY_FRAMES, MAX_FRAMES_PER_MESSAGE)
        guard = self.xpub_guard
        note_subscription = guard.note if guard is not None and guard.active else None
        partial = self._partial
        if partial is not None:  # a message of many frames, started in an earlier turn
            self._partial = None
            if want_peer:
                last_peer = partial[4]
                runs.append((0, last_peer))
            if self._drain_rest(partial, None, batch, kept, deadline) < 0:
                return True
            if lock_step:  # REQ/REP: one message per turn, as below
                return self._store_batch(batch, runs, kept, True)
        chunk = _ONE if lock_step else _CHUNK  # REQ/REP: one message changes their state
        incoming, large = IN, LARGE_MESSAGE  # locals: the quickest names in the loop
        # one-frame messages below this size are stored as they are, nothing else asked
        # (an XPUB's subscriptions are looked at: 0 sends every one the long way)
        plain_max = 0 if note_subscription is not None else min(zero_copy, large)
        more = False
        now = time.time()
        size = 0
        while True:
            try:
                for _ in chunk:
                    frame = recv(noblock, False)  # copy=False (positional: a little quicker)
                    if ask_peer:
                        try:
                            peer = frame.get("Peer-Address")  # type: ignore[assignment]
                        except zmq.ZMQError:  # an inproc peer: libzmq has no address for it
                            peer = ""
                        if peer != last_peer:
                            runs.append((len(batch), peer))
                            last_peer = peer
                        ask_peer = not single
                    if frame.more:
                        size = len(frame)
                        frames: list[RawFrame]
                        kept_frames = 0
                        if size < zero_copy:
                            frames = [frame.bytes]
                        else:
                            frames = [keep_frame(frame)]
                            kept_frames = 1
                        while True:  # the rest of a multipart message is there already
                            frame = recv(noblock, False)
                            length = len(frame)
                            if len(frames) >= inline_frames or size + length > MAX_MESSAGE_BYTES:
                                # a long one: the resumable path goes on from this frame
                                size = self._drain_rest(
                                    [frames, size, 0, now, last_peer, kept_frames],
                                    frame,
                                    batch,
                                    kept,
                                    deadline,
                                )
                                break
                            if length < zero_copy:
                                frames.append(frame.bytes)
                            else:
                                frames.append(keep_frame(frame))
                                kept_frames += 1
                            size += length
                            if not frame.more:
                                if kept_frames:
                                    kept.extend([len(batch)] * kept_frames)
                                append((now, name, incoming, size, *frames))
                                break
                        if size < 0:
                            break  # the rest of it next turn: let the loop breathe
                        # a message of many frames takes time too: receiving a frame takes
                        # about as long as copying FRAME_TIME_WEIGHT bytes
                        size += len(frames) * FRAME_TIME_WEIGHT
                    else:
                        size = len(frame)
                        if size < plain_max:  # the common case: a small frame, no XPUB
                            append((now, name, incoming, size, frame.bytes))
                            continue
                        if size < zero_copy or note_subscription is not None:
                            data = frame.bytes
                            append((now, name, incoming, size, data))
                            if note_subscription is not None and not note_subscription(data):
                                batch.pop()  # an XPUB: what a plain one would not pass up
                        else:  # a big one: kept as received, not copied
                            kept.append(len(batch))
                            append((now, name, incoming, size, keep_frame(frame)))
                    if size >= large:
                        break  # a large one took time: look at the clock now
            except zmq.Again:
                break
            except zmq.ZMQError as error:
                log.error("receiving on %s failed: %s", name, describe_zmq_error(error))
                break
            if size < 0 or lock_step:
                more = True  # REQ/REP: one message per turn, so the UI sees its state first
                break
            if len(batch) >= BATCH_MAX_MESSAGES or time.monotonic() > deadline:
                more = True
                break
            now = time.time()
            size = 0
            if single and not one_connection():  # type: ignore[misc]  # (set when single)
                single = False
                ask_peer = True
        return self._store_batch(batch, runs, kept, more)

    def _store_batch(
        self, batch: list[RawRow], runs: list[tuple[int, str]], kept: list[int], more: bool
    ) -> bool:
        """Add a drained batch to the store and tell the session; returns ``more``.
        ``kept``: the batch index of each frame kept as received (MessageStore.extend_rows).

        When ``more`` is True the FD will not fire again for messages already queued: the
        session comes back to this socket itself, after the loop has run timers and the UI.
        """
        if batch:
            count = len(batch)
            self.received += count
            if self.type_name in ROUTING_ID_TYPES:
                self._note_routing_ids(batch, batch[-1][ROW_TIME], runs)
            lock_step = self._lock_step
            if lock_step:
                self._lock_step_turn = True
            session = self.session
            store = session.store
            if runs:
                session.peer_addresses.note(self.name, store.end_seq, runs)
            store.extend_rows(batch, count, kept)
            session.notify_received(cast("SocketHandle", self), count)
            if lock_step:
                session.notify_changed(cast("SocketHandle", self))
        return more

    def _drain_rest(
        self,
        partial: list[Any],
        frame: zmq.Frame | None,
        batch: list[RawRow],
        kept: list[int],
        deadline: float,
    ) -> int:
        """Receive the rest of a multipart message ``[frames, size, cut, time, peer, kept
        frames]``, starting with ``frame`` (received, not yet looked at) if given, and add
        its row to ``batch`` (its kept frames to ``kept``, as _drain does); returns its
        payload size, or -1 when the budget ran out first: then the message is kept on the
        handle (``_partial``) and finished next turn.

        libzmq hands over a multipart message whole, so its frames are all there; but one
        message may have millions of frames, and draining them without a look at the clock
        froze the loop for seconds. _drain takes the first CLOCK_EVERY_FRAMES frames itself
        (a message of a few frames costs nothing more); this reads the clock every
        CLOCK_EVERY_FRAMES frames. Frames past the per-message caps are received and
        dropped (counted as cut), resumably too.
        """
        recv = self._sync.recv
        noblock = _NOBLOCK
        clock = time.monotonic
        frames: list[RawFrame]
        size: int
        cut: int
        kept_frames: int
        frames, size, cut, kept_frames = partial[0], partial[1], partial[2], partial[5]
        keep = frames.append
        while True:
            if frame is None:
                try:
                    frame = recv(noblock, copy=False)
                except zmq.Again:  # not expected (a message arrives whole): keep what came
                    break
                except zmq.ZMQError as error:
                    log.error("receiving on %s failed: %s", self.name, describe_zmq_error(error))
                    break
            length = len(frame)
            if len(frames) < MAX_FRAMES_PER_MESSAGE and size + length <= MAX_MESSAGE_BYTES:
                if length < ZERO_COPY_MIN:
                    keep(frame.bytes)
                else:  # kept as received (see _drain)
                    keep(keep_frame(frame))
                    kept_frames += 1
                size += length
            else:
                cut += 1
            if not frame.more:
                break
            frame = None
            if not (len(frames) + cut) % CLOCK_EVERY_FRAMES and clock() > deadline:
                partial[1], partial[2], partial[5] = size, cut, kept_frames
                self._partial = partial
                return -1
        if cut:  # its seq: the batch is stored next, from the store's end on
            self._note_cut(cut, self.session.store.end_seq + len(batch), len(frames) + cut)
        if kept_frames:
            kept.extend([len(batch)] * kept_frames)
        batch.append((partial[3], self.name, IN, size, *frames))
        return size

    def _discard_partial(self) -> None:
        """Forget a half-received message (the socket is closed or replaced: its frames
        will never come)."""
        self._partial = None

    def _note_cut(self, frames: int, seq: int, received: int) -> None:
        """Message ``seq`` (of ``received`` frames) was over the per-message caps and is
        stored without its last ``frames``: the store notes it for the Message pane, and
        the socket's count changes in the list and its heading alike."""
        self.cut_messages += 1
        self.session.store.cut_notes.note(seq, received)
        self.session.notify_changed(cast("SocketHandle", self))
        if self.cut_messages == 1:
            log.warning(
                "%s received a message over zinspect's caps (%d frames, %d MiB): "
                "%d frames were not kept; later ones are counted, not logged",
                self.name,
                MAX_FRAMES_PER_MESSAGE,
                MAX_MESSAGE_BYTES >> 20,
                frames,
            )

    def _note_routing_ids(
        self, batch: Sequence[RawRow], now: float, runs: list[tuple[int, str]]
    ) -> None:
        """Remember peers by routing id, most recent last, with their address and counts
        (``peer_table``); tell listeners about new ones."""
        ids = self.routing_ids
        table = self.peer_table
        known = len(ids)
        new_peer = False
        run = 0
        address = ""
        for index, row in enumerate(batch):
            while run < len(runs) and runs[run][0] <= index:
                address = runs[run][1]
                run += 1
            if len(row) > ROW_FRAMES:
                # libzmq's routing ids are at most 255 bytes: bytes, never a kept frame
                routing_id: bytes = row[ROW_FRAMES]  # type: ignore[assignment]  # (core.rows)
                if ids.pop(routing_id, None) is None:
                    new_peer = True
                ids[routing_id] = now
                record = table.get(routing_id)
                if record is None:
                    record = table[routing_id] = PeerRecord(routing_id, now, now)
                record.last_seen = now
                record.received += 1
                if address:
                    record.address = address
        while len(ids) > MAX_ROUTING_IDS:
            gone = next(iter(ids))
            del ids[gone]
            table.pop(gone, None)
        if new_peer or len(ids) != known:
            self.session.notify_changed(cast("SocketHandle", self))
