"""The live sockets and the zmq.asyncio context that owns them.

All socket I/O runs on the asyncio loop (a qasync loop in the app, any loop in scripts and
tests); nothing here starts a thread. Receiving wakes once per readiness edge and drains a
batch through a synchronous shadow of the socket, which design.md measured 5-8x faster than
awaiting one message at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Callable, Sequence

import zmq
import zmq.asyncio

from zinspect.core.endpoints import (
    EndpointError,
    describe_zmq_error,
    uses_ipv6,
    validate_endpoint,
)
from zinspect.core.socket_types import (
    ROUTING_ID_TYPES,
    SUBSCRIBING_TYPES,
    SocketTypeInfo,
    socket_type,
)
from zinspect.core.events import SocketEvent, decode_value
from zinspect.core.monitor import SocketMonitor
from zinspect.core.peers import PeerAddresses, PeerRecord
from zinspect.core.socket_options import OptionError, check_option_value, lookup_option
from zinspect.core.store import IN, OUT, ROW_FRAMES, MessageStore

if TYPE_CHECKING:  # annotations only: core.automation_runner imports this module
    from zinspect.core.automation import AutomationSpec
    from zinspect.core.automation_runner import AutomationRunner

log = logging.getLogger("zinspect.core.session")

BATCH_MAX_MESSAGES = 4096
BATCH_MAX_SECONDS = 0.008  # keep a 16 ms UI timer on time while draining a flood
LARGE_MESSAGE = 64 * 1024  # the drain looks at the clock after each message this large
MAX_ROUTING_IDS = 1000
# zinspect protects itself from a peer that announces a huge frame (libzmq's default is no
# limit: a peer could make it allocate gigabytes); changeable per socket with MAXMSGSIZE
DEFAULT_MAXMSGSIZE = 256 * 1024 * 1024
# ... and from a message of countless frames: the frames past these caps are received (they
# must be, to reach the next message) but not kept; the socket counts the cut messages
MAX_FRAMES_PER_MESSAGE = 100_000
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
EVENT_HISTORY = 10_000  # connection events kept in Session.events (a retry loop makes many)
REBIND_SECONDS = 0.25  # recreate(): how long a re-bind waits for the old listener to go
# options whose values never go to the log (keys, passwords); core.security sets them
SECRET_PREFIXES = ("CURVE_", "PLAIN_")
FDLESS_POLL_SECONDS = 0.01
_NOBLOCK = int(zmq.NOBLOCK)  # ints: pyzmq converts an enum flag on every call
_NOBLOCK_SNDMORE = int(zmq.NOBLOCK | zmq.SNDMORE)
_POLLOUT = int(zmq.POLLOUT)


def _resolve(future: asyncio.Future, value: object) -> None:
    """Set a future's result unless it is settled already (a timer's callback)."""
    if not future.done():
        future.set_result(value)


class SocketError(Exception):
    """An operation the user asked for failed; the message is meant for the user."""


class Endpoint:
    """One bind or connect of a socket. ``address`` is what libzmq resolved it to."""

    __slots__ = ("requested", "address", "bound")

    def __init__(self, requested: str, address: str, bound: bool) -> None:
        self.requested = requested
        self.address = address
        self.bound = bound

    @property
    def kind(self) -> str:
        return "bind" if self.bound else "connect"

    def __repr__(self) -> str:
        return f"Endpoint({self.kind} {self.address})"


class SocketHandle:
    """One live socket: its spec, its endpoints, subscriptions and the state the UI shows."""

    def __init__(self, session: Session, name: str, info: SocketTypeInfo,
                 sock: zmq.asyncio.Socket) -> None:
        self.session = session
        self.name = name
        self.info = info
        self.socket = sock
        self._sync = zmq.Socket.shadow(sock.underlying)
        self.endpoints: list[Endpoint] = []
        self.subscriptions: list[bytes] = []
        # libzmq options set through set_option, by canonical name: what a workspace saves
        self.options: dict[str, int | bytes] = {}
        # mechanism and keys (set_security_option): restored by recreate, never saved or logged
        self.security_options: dict[str, int | bytes] = {}
        # the last bind/connect/option failure while recreating it from a workspace, for the UI
        self.last_error = ""
        self.routing_ids: dict[bytes, float] = {}  # ROUTER/STREAM peers seen, last-seen time
        self.peer_table: dict[bytes, PeerRecord] = {}  # the same peers, with details
        # REQ/REP lock-step: whether it is this socket's turn to send (REQ starts, REP answers)
        self._lock_step = info.name in ("REQ", "REP")
        self._lock_step_turn = info.name == "REQ"
        self._routing_id_first = info.name in ROUTING_ID_TYPES
        # pyzmq's own send, without the Python wrapper that handles draft routing_id/group
        # arguments zinspect never passes: a scripted flood sends at close to a bare loop.
        self._send_frame = zmq.backend.Socket.send.__get__(self._sync)
        self._pending: tuple[list[bytes], asyncio.Future] | None = None
        self.closed = False
        self.received = 0
        self.sent = 0
        self.cut_messages = 0  # messages stored without the frames past the per-message caps
        # sends that found no room at once (no peer, or the high-water mark reached; with
        # XPUB_NODROP an XPUB at its HWM too): backpressure, shown in the sockets list
        self.blocked = 0
        # What the socket does by itself (saved in a workspace) and the runner doing it;
        # both set by core.automation_runner.attach_automation.
        self.monitor = SocketMonitor(self)  # connection events; the session attaches it
        self.automation: AutomationSpec | None = None
        self.automation_runner: AutomationRunner | None = None
        self._loop = asyncio.get_running_loop()
        try:
            self._fd: int | None = self._sync.FD
        except zmq.ZMQError:
            self._fd = None  # draft types have no FD: poll on a timer instead
        self._fd_watched = False
        self._service_scheduled = False
        # A scripted flood waiting (quietly) for room under the high-water mark: see
        # wait_writable. Resolved by _service when the socket says it can take a message.
        self._writable: asyncio.Future | None = None

    # -- description ---------------------------------------------------------------
    @property
    def type_name(self) -> str:
        return self.info.name

    @property
    def can_send_now(self) -> tuple[bool, str]:
        """(may the composer send?, why not) for this socket's type and state."""
        if self.closed:
            return False, "The socket is closed."
        if not self.info.can_send:
            return False, self.info.send_hint or f"A {self.type_name} socket cannot send."
        if self._pending is not None:
            return False, "A message is still waiting to be queued (see Cancel)."
        if self.type_name == "REQ" and not self._lock_step_turn:
            return False, ("REQ is waiting for the reply to its request: it may send again "
                           "only after the reply arrives (strict lock-step).")
        if self.type_name == "REP" and not self._lock_step_turn:
            return False, "REP must receive a request before it can send a reply."
        return True, ""

    @property
    def awaiting_reply(self) -> bool:
        """REQ only: a request went out and its reply has not arrived yet."""
        return self.type_name == "REQ" and not self._lock_step_turn

    @property
    def subscription_hint(self) -> str:
        if self.type_name == "SUB" and not self.subscriptions:
            return "No subscription: this SUB receives nothing. Add '' to receive everything."
        return ""

    # -- endpoints ------------------------------------------------------------------
    def bind(self, endpoint: str) -> Endpoint:
        return self._attach(endpoint, bind=True)

    def connect(self, endpoint: str) -> Endpoint:
        return self._attach(endpoint, bind=False)

    def _attach(self, endpoint: str, *, bind: bool) -> Endpoint:
        self._check_open()
        try:
            endpoint = validate_endpoint(endpoint, bind=bind)
        except EndpointError as error:
            raise SocketError(str(error)) from None
        duplicate = next((e for e in self.endpoints
                          if e.bound == bind and endpoint in (e.requested, e.address)), None)
        if duplicate is not None and "*" not in endpoint:
            raise SocketError(f"Already {'bound' if bind else 'connected'} to {endpoint}")
        try:
            if uses_ipv6(endpoint):
                self.socket.setsockopt(zmq.IPV6, 1)  # else libzmq says "No such device"
            if bind:
                self.socket.bind(endpoint)
                address = self.socket.getsockopt_string(zmq.LAST_ENDPOINT) or endpoint
            else:
                self.socket.connect(endpoint)
                address = endpoint
        except zmq.ZMQError as error:
            raise SocketError(describe_zmq_error(error)) from None
        entry = Endpoint(endpoint, address, bind)
        self.last_error = ""  # an earlier failure (shown in the socket list) is now mended
        self.endpoints.append(entry)
        log.info("%s %s %s", self.name, entry.kind, address)
        self.session._changed(self)
        return entry

    def detach(self, entry: Endpoint) -> None:
        """Unbind or disconnect one endpoint."""
        self._check_open()
        try:
            if entry.bound:
                self.socket.unbind(entry.address)
            else:
                self.socket.disconnect(entry.address)
        except zmq.ZMQError as error:
            if error.errno != zmq.ENOENT:
                raise SocketError(describe_zmq_error(error)) from None
            # libzmq forgot it already (e.g. a failed connect): dropping it is what was asked.
        self.endpoints.remove(entry)
        log.info("%s %s %s", self.name, "unbound" if entry.bound else "disconnected",
                 entry.address)
        self.session._changed(self)

    # -- options ----------------------------------------------------------------------
    def set_option(self, name: str, value: int | bytes | str) -> None:
        """Set a libzmq option by its name (``RCVHWM``, ``ROUTING_ID``) and remember it in
        ``options``, so a workspace file recreates the socket as it is; SocketError in words.
        Many options only apply to binds and connects made after they are set."""
        self._check_open()
        try:
            option = lookup_option(name)
            value = check_option_value(option, value)
        except OptionError as error:
            raise SocketError(str(error)) from None
        try:
            self.socket.setsockopt(option, value)
        except zmq.ZMQError as error:
            reason = (f"libzmq refused it: not an option of a {self.type_name} socket, or a "
                      "value it does not take" if error.errno == zmq.EINVAL
                      else describe_zmq_error(error))
            raise SocketError(f"{option.name} = {value!r}: {reason}") from None
        self.options[option.name] = value
        shown = "(secret)" if option.name.startswith(SECRET_PREFIXES) else repr(value)
        if option.name == "REQ_RELAXED" and self.type_name == "REQ":
            # a relaxed REQ may send again before the reply: no lock-step to enforce
            self._lock_step = not value
            self._lock_step_turn = True
        log.info("%s option %s = %s", self.name, option.name, shown)
        self.session._changed(self)

    def set_security_option(self, name: str, value: int | bytes | str) -> None:
        """Set a security option (mechanism, keys, password) without remembering it in
        ``options`` and without logging its value: secrets must not reach workspaces, logs or
        captures. ``security_options`` keeps it so ``recreate`` restores it. None of these
        take effect on connections made before."""
        self._check_open()
        try:
            option = lookup_option(name)
            value = check_option_value(option, value)
        except OptionError as error:
            raise SocketError(str(error)) from None
        try:
            self.socket.setsockopt(option, value)
        except zmq.ZMQError as error:
            reason = ("libzmq refused it (a CURVE key must be 32 bytes or 40 Z85 characters)"
                      if error.errno == zmq.EINVAL else describe_zmq_error(error))
            raise SocketError(f"{option.name}: {reason}") from None
        self.security_options[option.name] = value
        log.info("%s security option %s set", self.name, option.name)
        self.session._changed(self)

    # -- subscriptions ----------------------------------------------------------------
    def subscribe(self, topic: bytes) -> None:
        self._check_subscribing()
        if topic in self.subscriptions:
            raise SocketError("Already subscribed to that prefix")
        self._send_subscription(True, topic)
        self.subscriptions.append(topic)
        self.session._changed(self)

    def unsubscribe(self, topic: bytes) -> None:
        self._check_subscribing()
        if topic not in self.subscriptions:
            raise SocketError("Not subscribed to that prefix")
        self._send_subscription(False, topic)
        self.subscriptions.remove(topic)
        self.session._changed(self)

    def _check_subscribing(self) -> None:
        self._check_open()
        if self.type_name not in SUBSCRIBING_TYPES:
            raise SocketError(f"Only SUB and XSUB sockets subscribe; this is {self.type_name}")

    def _send_subscription(self, subscribe: bool, topic: bytes) -> None:
        try:
            if self.type_name == "SUB":
                self.socket.setsockopt(zmq.SUBSCRIBE if subscribe else zmq.UNSUBSCRIBE, topic)
            # XSUB subscribes by sending a message; it is recorded like any other send
            elif not self._try_send([(b"\x01" if subscribe else b"\x00") + topic]):
                raise SocketError("The subscription could not be queued; try again")
        except zmq.ZMQError as error:
            raise SocketError(describe_zmq_error(error)) from None

    # -- sending ----------------------------------------------------------------------
    async def send(self, frames: Sequence[bytes]) -> None:
        """Queue a message; waits (without blocking the loop) while it cannot be queued.

        Raises SocketError for a send the socket's state forbids, and asyncio.CancelledError
        when the user cancels a waiting send.
        """
        if self.closed or self._pending is not None or not self.info.can_send \
                or (self._lock_step and not self._lock_step_turn):
            ok, reason = self.can_send_now  # the same checks, with the reason in words
            if not ok:
                raise SocketError(reason)
        frames = [frame if type(frame) is bytes else bytes(frame) for frame in frames]
        if not frames:
            raise SocketError("A message needs at least one frame")
        if self._routing_id_first and len(frames) < 2:
            raise SocketError(f"{self.type_name} needs the peer's routing id as the first frame, "
                              "then the data")
        if self._try_send(frames):
            return
        # Cannot be queued now (no peer yet, or high-water mark): wait for the socket's FD.
        future = asyncio.get_running_loop().create_future()
        self._pending = (frames, future)
        self._watch_fd()
        self.session._changed(self)
        try:
            await future
        finally:
            self._pending = None
            self._update_fd_watch()
            self.session._changed(self)

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
            raise SocketError(f"{self.type_name} needs the peer's routing id as the first frame, "
                              "then the data")
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
        if self._lock_step or self._pending is not None or self.closed \
                or not self.info.can_send:
            return 1 if self.send_now(messages[0]) else 0
        minimum = 2 if self._routing_id_first else 1
        send = self._send_frame
        name = self.name
        noblock = _NOBLOCK
        now = time.time()  # one timestamp per batch, as the receive path does
        rows: list[tuple] = []
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
                        "A message needs at least one frame" if not frames else
                        f"{self.type_name} needs the peer's routing id as the first frame, "
                        "then the data")
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
                if failure.errno == zmq.EHOSTUNREACH else describe_zmq_error(failure))
        finally:
            if not self._service_scheduled:  # see _try_send: the FD's edge may be gone
                self._schedule_service()
        if rows:
            self.sent += len(rows)
            self.session.store.extend_rows(rows, 0)
            if self.peer_table:
                table = self.peer_table
                for row in rows:
                    record = table.get(row[ROW_FRAMES])
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
        if self._pending is None and self._sync.EVENTS & _POLLOUT:
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
        EAGAIN, SocketError otherwise. Flat on purpose: a scripted send runs it per message.
        ``retry``: the service trying a waiting send again, which is neither counted as
        blocked once more nor followed by another service unless the socket is ready."""
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
                raise SocketError(f"No peer with routing id {frames[0]!r} is connected "
                                  "(ROUTER_MANDATORY)") from None
            raise SocketError(describe_zmq_error(error)) from None
        finally:
            # A send processes libzmq's commands and may swallow the FD's readable edge.
            # A retry looks at EVENTS instead (which re-arms the FD): serving again while
            # nothing is ready would retry a send waiting for a peer in a busy loop.
            if not self._service_scheduled and (not retry or self._sync.EVENTS):
                self._schedule_service()
        self.sent += 1
        size = len(frames[0]) if len(frames) == 1 else sum(map(len, frames))
        self.session.store.append_row((time.time(), self.name, OUT, size, *frames))
        if self.peer_table:
            record = self.peer_table.get(frames[0])
            if record is not None:
                record.sent += 1
        if self._lock_step:
            self._lock_step_turn = False
            self.session._changed(self)  # REQ/REP: it is the peer's turn now
        # Otherwise a send changes no state listeners show (counts are sampled on a timer),
        # and a notification per message would cost a scripted flood most of its rate.
        return True

    # -- receiving --------------------------------------------------------------------
    def _watch_fd(self) -> None:
        if self._fd_watched or self.closed:
            return
        self._fd_watched = True
        if self._fd is None:
            self._poll_without_fd()
            return
        self._loop.add_reader(self._fd, self._schedule_service)
        self._schedule_service()  # the FD is edge-triggered: look once now

    def _poll_without_fd(self) -> None:
        if self._fd_watched and not self.closed:
            self._schedule_service()
            self._loop.call_later(FDLESS_POLL_SECONDS, self._poll_without_fd)

    def _update_fd_watch(self) -> None:
        # A send-only socket that once had to wait keeps its FD watched: adding and removing
        # the reader around every wait (a QSocketNotifier each time under qasync) cost a
        # scripted flood much of its rate at the high-water mark.
        wanted = not self.closed and (self.info.can_receive or self._pending is not None
                                      or (self._fd_watched and self._fd is not None))
        if wanted:
            self._watch_fd()
        elif self._fd_watched:
            if self._fd is not None:
                self._loop.remove_reader(self._fd)
            self._fd_watched = False

    def _schedule_service(self) -> None:
        if not self._service_scheduled and not self.closed:
            self._service_scheduled = True
            self.session._service_soon(self)

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
            elif self._sync.EVENTS & _POLLOUT:
                self._writable = None
                writable.set_result(True)
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
        Message object and no list for a single frame. Returns True when the budget (the
        session's ``deadline``, BATCH_MAX_MESSAGES) ended the batch with messages left.
        """
        recv = self._sync.recv
        noblock = _NOBLOCK
        name = self.name
        lock_step = self._lock_step
        clock = time.monotonic
        now = time.time()
        batch: list[tuple] = []
        append = batch.append
        more = False
        # Peer-Address runs (core.peers), for sockets that can have tcp/ipc peers only
        want_peer = any(not e.address.startswith("inproc://") for e in self.endpoints)
        runs: list[tuple[int, str]] = []
        last_peer: str | None = None
        while True:
            try:
                frame = recv(noblock, copy=False)
                if want_peer:
                    try:
                        peer = frame.get("Peer-Address")
                    except zmq.ZMQError:  # an inproc peer: libzmq has no address for it
                        peer = ""
                    if peer != last_peer:
                        runs.append((len(batch), peer))
                        last_peer = peer
                if frame.more:
                    frames = [frame.bytes]
                    size = len(frames[0])
                    cut = 0
                    while True:  # the rest of a multipart message is there already
                        frame = recv(noblock, copy=False)
                        length = len(frame)
                        if len(frames) < MAX_FRAMES_PER_MESSAGE and \
                                size + length <= MAX_MESSAGE_BYTES:
                            frames.append(frame.bytes)
                            size += length
                        else:
                            cut += 1
                        if not frame.more:
                            break
                    if cut:
                        self._note_cut(cut)
                    append((now, name, IN, size, *frames))
                else:
                    data = frame.bytes
                    size = len(data)
                    append((now, name, IN, size, data))
            except zmq.Again:
                break
            except zmq.ZMQError as error:
                log.error("receiving on %s failed: %s", name, describe_zmq_error(error))
                break
            if lock_step:
                more = True  # one message changes REQ/REP state: let the UI see it first
                break
            if len(batch) & 255 == 0 or size > LARGE_MESSAGE:  # a large one takes time too
                if len(batch) >= BATCH_MAX_MESSAGES or clock() > deadline:
                    more = True
                    break
                now = time.time()
        if batch:
            self.received += len(batch)
            if self.type_name in ROUTING_ID_TYPES:
                self._note_routing_ids(batch, now, runs)
            if lock_step:
                self._lock_step_turn = True
            store = self.session.store
            if runs:
                self.session.peer_addresses.note(name, store.end_seq, runs)
            store.extend_rows(batch, len(batch))
            self.session._received(self, len(batch))
            if lock_step:
                self.session._changed(self)
        # When more is True the FD will not fire again for messages already queued: the
        # session comes back to this socket itself, after the loop has run timers and the UI.
        return more

    def _note_cut(self, frames: int) -> None:
        """A message over the per-message caps was stored without its last ``frames``."""
        self.cut_messages += 1
        if self.cut_messages == 1:
            log.warning("%s received a message over zinspect's caps (%d frames, %d MiB): "
                        "%d frames were not kept; later ones are counted, not logged",
                        self.name, MAX_FRAMES_PER_MESSAGE, MAX_MESSAGE_BYTES >> 20, frames)

    def _note_routing_ids(self, batch: list[tuple], now: float,
                          runs: list[tuple[int, str]]) -> None:
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
                routing_id = row[ROW_FRAMES]
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
            self.session._changed(self)

    # -- re-creating (lazy pirate) -------------------------------------------------------------
    def recreate(self) -> list[str]:
        """Close the libzmq socket (linger 0) and open a new one in its place, with the same
        options, endpoints and subscriptions; returns what could not be restored, in words.

        A REQ whose reply never came is stuck in lock-step for good: the ZeroMQ guide's
        "lazy pirate" client throws it away and makes a new one. Done in place, the handle
        (name, counters, automation, the UI's selection) stays the same.
        """
        self._check_open()
        self.cancel_send()
        self._release_writable()
        if self._fd_watched:
            if self._fd is not None:
                self._loop.remove_reader(self._fd)
            self._fd_watched = False
        try:
            sock = self.session.context.socket(self.info.zmq_type)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.MAXMSGSIZE, DEFAULT_MAXMSGSIZE)
            if self.type_name == "ROUTER":
                sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        except zmq.ZMQError as error:
            raise SocketError(describe_zmq_error(error)) from None
        self.monitor.detach()
        self.socket.close(linger=0)
        self.socket = sock
        self.monitor.attach()
        self._sync = zmq.Socket.shadow(sock.underlying)
        self._send_frame = zmq.backend.Socket.send.__get__(self._sync)
        try:
            self._fd = self._sync.FD
        except zmq.ZMQError:
            self._fd = None
        self._lock_step_turn = self.type_name == "REQ"
        problems: list[str] = []
        for name, value in [*self.options.items(), *self.security_options.items()]:
            try:
                sock.setsockopt(lookup_option(name), value)
            except (OptionError, zmq.ZMQError) as error:
                problems.append(f"option {name}: {error}")
        old_endpoints, self.endpoints = self.endpoints, []
        for entry in old_endpoints:
            try:  # a bound wildcard keeps its port: peers reconnect to the same address
                new = self._reattach(entry)
                new.requested = entry.requested
            except SocketError as error:
                problems.append(f"{entry.kind} {entry.address}: {error}")
        for topic in self.subscriptions:
            try:
                self._send_subscription(True, topic)
            except SocketError as error:
                problems.append(f"subscription {topic!r}: {error}")
        self._update_fd_watch()
        log.info("%s re-created%s", self.name,
                 f" ({'; '.join(problems)})" if problems else "")
        self.session._changed(self)
        return problems

    def _reattach(self, entry: Endpoint) -> Endpoint:
        """Bind or connect ``entry`` again on the new socket. libzmq closes the old socket's
        listener in its I/O thread a moment later, so a re-bind to the same port may find it
        still in use: try again for up to REBIND_SECONDS (short blocking waits; rare)."""
        deadline = time.monotonic() + REBIND_SECONDS
        while True:
            try:
                return self._attach(entry.address if entry.bound else entry.requested,
                                    bind=entry.bound)
            except SocketError:
                if not entry.bound or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01)

    # -- closing -----------------------------------------------------------------------
    def _check_open(self) -> None:
        if self.closed:
            raise SocketError(f"Socket {self.name} is closed")

    def close(self) -> None:
        """Close at once, dropping undelivered messages (linger 0)."""
        if self.closed:
            return
        self.closed = True
        self.cancel_send()
        self._release_writable()
        self._update_fd_watch()
        self.monitor.detach()
        self.socket.close(linger=0)
        self.session._removed(self)


Listener = Callable[[SocketHandle], None]


class Session:
    """Owns the context and every socket; tells listeners what changed.

    Create it inside the running loop: a zmq.asyncio socket binds to the first loop that
    touches it.
    """

    def __init__(self, store: MessageStore | None = None) -> None:
        self.context = zmq.asyncio.Context()
        self.store = store if store is not None else MessageStore()
        self.sockets: list[SocketHandle] = []
        self._counters: dict[str, int] = {}
        self.on_socket_added: list[Listener] = []
        self.on_socket_removed: list[Listener] = []
        self.on_socket_changed: list[Listener] = []
        self.on_received: list[Callable[[SocketHandle, int], None]] = []
        # connection events of every socket (core.monitor, the authenticator), newest last
        self.events: deque[SocketEvent] = deque(maxlen=EVENT_HISTORY)
        self.peer_addresses = PeerAddresses()  # where received messages came from
        self.on_event: list[Callable[[SocketHandle | None, SocketEvent], None]] = []
        self.closed = False
        # Sockets with something to do (readable, or a send to retry), served in turn
        self._ready: dict[SocketHandle, None] = {}
        self._ready_scheduled = False

    def suggest_name(self, type_name: str) -> str:
        """The next free default name (``sub-1``, ``sub-2``...); consumes its number."""
        prefix = type_name.lower()
        name, number = self._next_name(prefix)
        self._counters[prefix] = number
        return name

    def peek_name(self, type_name: str) -> str:
        """The name suggest_name would return now, without consuming it (for placeholders)."""
        return self._next_name(type_name.lower())[0]

    def _next_name(self, prefix: str) -> tuple[str, int]:
        taken = {s.name for s in self.sockets}
        number = self._counters.get(prefix, 0)
        while True:
            number += 1
            name = f"{prefix}-{number}"
            if name not in taken:
                return name, number

    def create_socket(self, type_name: str, name: str | None = None) -> SocketHandle:
        if self.closed:
            raise SocketError("The session is closed")
        try:
            info = socket_type(type_name)
        except KeyError as error:
            raise SocketError(str(error.args[0])) from None
        if not info.available:
            raise SocketError(info.unavailable_reason)
        name = (name or "").strip() or self.suggest_name(info.name)
        if any(s.name == name for s in self.sockets):
            raise SocketError(f"A socket named '{name}' exists already")
        try:
            sock = self.context.socket(info.zmq_type)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.MAXMSGSIZE, DEFAULT_MAXMSGSIZE)
            if info.name == "ROUTER":
                # a reply to a peer that is gone fails in words instead of vanishing silently
                sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        except zmq.ZMQError as error:
            raise SocketError(describe_zmq_error(error)) from None
        handle = SocketHandle(self, name, info, sock)
        handle.monitor.attach()  # before any bind or connect: no event is missed
        self.sockets.append(handle)
        handle._update_fd_watch()
        log.info("created %s socket %s", info.name, name)
        for listener in self.on_socket_added:
            listener(handle)
        return handle

    def socket_named(self, name: str) -> SocketHandle | None:
        return next((s for s in self.sockets if s.name == name), None)

    def close(self) -> None:
        """Close every socket with linger 0 and end the context, without waiting for peers."""
        if self.closed:
            return
        from zinspect.core.authenticator import stop_authenticator  # it imports this module

        stop_authenticator(self)  # its ZAP socket is in this context: off the loop first
        for handle in list(self.sockets):
            handle.close()
        self.closed = True
        self._ready.clear()
        self.context.destroy(linger=0)

    # -- serving sockets ---------------------------------------------------------------------
    def _service_soon(self, handle: SocketHandle) -> None:
        self._ready[handle] = None
        if not self._ready_scheduled:
            self._ready_scheduled = True
            handle._loop.call_soon(self._service_ready)

    def _service_ready(self) -> None:
        """Serve the ready sockets in turn within one shared budget (BATCH_MAX_SECONDS).

        One budget for all of them, not one each: with a hundred busy sockets, per-socket
        budgets let a single pass of the loop run for most of a second. Sockets the budget
        did not reach go first next time, then those that had messages left.
        """
        self._ready_scheduled = False
        handles = list(self._ready)
        self._ready = {}
        clock = time.monotonic
        deadline = clock() + BATCH_MAX_SECONDS
        more: list[SocketHandle] = []
        leftover: list[SocketHandle] = []
        for index, handle in enumerate(handles):
            if handle._service(deadline):
                more.append(handle)
            if clock() >= deadline:
                leftover = handles[index + 1:]
                break
        added, self._ready = self._ready, dict.fromkeys(leftover)
        self._ready.update(added)  # scheduled while serving (a send retried, say)
        for handle in more:
            handle._schedule_service()
        if self._ready and not self._ready_scheduled and not self.closed:
            self._ready_scheduled = True
            next(iter(self._ready))._loop.call_soon(self._service_ready)

    # -- notifications from handles ------------------------------------------------------
    def record_event(self, handle: SocketHandle | str | None, name: str, endpoint: str = "",
                     value: int = 0, detail: str = "") -> SocketEvent:
        """Keep a connection event (see core.events) and tell the ``on_event`` listeners;
        ``handle`` may be a socket name, or None for an event of no socket of ours."""
        if isinstance(handle, str):
            handle = self.socket_named(handle) or None
        event = SocketEvent(time.time(), handle.name if handle is not None else "", name,
                            endpoint, value, detail or decode_value(name, value))
        self.events.append(event)
        for listener in self.on_event:
            listener(handle, event)
        return event

    def _changed(self, handle: SocketHandle) -> None:
        for listener in self.on_socket_changed:
            listener(handle)

    def _removed(self, handle: SocketHandle) -> None:
        if handle in self.sockets:
            self.sockets.remove(handle)
        log.info("closed socket %s", handle.name)
        for listener in self.on_socket_removed:
            listener(handle)

    def _received(self, handle: SocketHandle, count: int) -> None:
        for listener in self.on_received:
            listener(handle, count)
