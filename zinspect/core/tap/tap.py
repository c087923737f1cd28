"""A running tap: zinspect between two programs, forwarding first and copying into the store after.

Each socket of the tap is an ordinary SocketHandle of the session (so the sockets list shows
it with its counters), but the tap serves it itself through the handle's ``relay`` hook: a
turn takes what the socket received, sends each message on to the other side at once with
NOBLOCK, and only then appends the copies to the store as one batch. Nothing waits on the
window: the store never blocks, and copies past ``COPY_BATCH_BYTES`` in one turn (or a single
message bigger than the store's byte cap) are left out of the store and counted, while the
forwarding goes on.

When the other side cannot take a message (its high-water mark, as a proxy would meet it),
the message is held and this side is not read until it went out: the backpressure reaches
the sender as it would through any extra hop, and both sockets' ``blocked`` counters show it.

Every message is stored once, on the front socket: ``in`` is client -> server (what a client
sent), ``out`` is server -> client (what the server answered or published). For request/reply
the front ROUTER's rows carry the client's routing id as their first frame, so the peer each
message came from or went to is in the row; Peer-Address runs are noted as for any socket.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import zmq

from zinspect.core.sockets.endpoints import describe_zmq_error
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import AddressInUseError, SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, OUT, Row
from zinspect.core.tap.registry import RUNNING as _RUNNING
from zinspect.core.tap.registry import is_tap_front, running_taps, tap_direction
from zinspect.core.tap.spec import TapError, TapSpec
from zinspect.core.tap.status import (
    CLIENT_TO_SERVER,
    RELAY_WORDS,
    SERVER_TO_CLIENT,
    status_line,
)

log = logging.getLogger(__name__)

__all__ = [
    "CLIENT_TO_SERVER",
    "SERVER_TO_CLIENT",
    "Tap",
    "is_tap_front",
    "running_taps",
    "tap_direction",
]

COPY_BATCH_BYTES = 64 * 1024 * 1024  # copies stored per turn of one side; past it: counted
MAX_CLIENTS = 1000  # request/reply: upstream DEALERs kept, least recently used closed past it
IDLE_CLIENT_S = 300.0  # a made-up-id client's DEALER idle this long is closed (see _sweep)
SWEEP_S = 10.0
HOLD_RETRY_S = 0.005  # a held message is tried again this often besides the FD's edges
BATCH_MAX_MESSAGES = 4096
_NOBLOCK = int(zmq.NOBLOCK)
_SNDMORE = int(zmq.NOBLOCK | zmq.SNDMORE)


class _Side:
    """One socket of the tap and where its messages go."""

    def __init__(self, handle: SocketHandle, prefix: bytes | None = None) -> None:
        self.handle = handle
        # request/reply: the client's routing id this upstream DEALER answers for
        self.prefix = prefix
        self.held: tuple[list[bytes], _Side] | None = None  # a message waiting for room there
        self.stalled: _Side | None = None  # the side whose message waits (not read meanwhile)
        self.last_used = time.monotonic()
        self.retry_armed = False  # a timer will serve this side again (a message waits for it)


class Tap:
    """Forward between a front socket (clients connect) and upstream (the server's endpoint).

    ``start()`` creates and attaches the sockets (TapError in words); ``stop()`` closes them.
    The counters are read by the status line and the UI on their own timers.
    """

    engine = "relay"
    engine_words = RELAY_WORDS

    def __init__(self, session: Session, spec: TapSpec) -> None:
        self.session = session
        self.spec = spec
        self.front: SocketHandle | None = None
        self.upstream: SocketHandle | None = None  # None for request/reply (one per client)
        self._sides: dict[SocketHandle, _Side] = {}
        self._clients: dict[bytes, _Side] = {}  # request/reply: routing id -> its DEALER
        self.clients_seen = 0  # request/reply: every client since the start (numbers them)
        self.to_server = 0
        self.to_client = 0
        self.copy_dropped = 0  # forwarded but not copied into the store
        self.undeliverable = 0  # replies for a client that is gone
        self.generated_ids = 0  # clients whose libzmq-made routing id cannot be mirrored
        self.evicted = 0  # clients' DEALERs closed past MAX_CLIENTS
        self.idle_closed = 0  # DEALERs of clients with made-up ids, idle for IDLE_CLIENT_S
        self._sweep_timer: asyncio.TimerHandle | None = None
        self.refused = 0  # requests dropped: no upstream socket could be made for the client
        self.running = False
        self.started_at = 0.0
        self._store_dropped_at_start = 0
        self.on_stopped: list[Callable[[Tap], None]] = []

    # -- starting and stopping ----------------------------------------------------------------
    def start(self) -> None:
        front_type, upstream_type = self.spec.types
        session = self.session
        name = self.spec.name
        # known as a tap before its sockets exist: their listeners may ask (is_tap_front)
        _RUNNING.setdefault(session, []).append(self)
        where = ""  # which endpoint a failure is about, as the proxy's helper says it
        try:
            front = session.create_socket(front_type, name)
            self.front = front
            self._attach(front)
            where = "Front: "
            front.bind(self.spec.front)
            where = ""
            if self.spec.pattern != "reqrep":
                upstream = session.create_socket(upstream_type, f"{name}-upstream")
                self.upstream = upstream
                self._attach(upstream)
                where = "Upstream: "
                upstream.connect(self.spec.upstream)
                upstream._watch_fd()  # a PUSH is watched too: its room comes back by the FD
        except SocketError as error:
            self.stop()
            raise TapError(f"{where}{error}", isinstance(error, AddressInUseError)) from None
        self.running = True
        self.started_at = time.time()
        if self.spec.pattern == "reqrep":
            self._sweep_timer = asyncio.get_running_loop().call_later(SWEEP_S, self._sweep)
        self._store_dropped_at_start = session.store.dropped
        session.on_socket_removed.append(self._on_socket_removed)
        log.info(
            "tap %s (%s): %s -> %s", name, self.spec.pattern, self.spec.front, self.spec.upstream
        )

    def _attach(self, handle: SocketHandle, prefix: bytes | None = None) -> _Side:
        side = _Side(handle, prefix)
        self._sides[handle] = side
        handle.relay = lambda deadline: self._serve(side, deadline)
        return side

    def stop(self) -> None:
        """Close every socket of the tap (linger 0)."""
        if self._sweep_timer is not None:
            self._sweep_timer.cancel()
            self._sweep_timer = None
        was_running, self.running = self.running, False
        running = _RUNNING.get(self.session, [])
        if self in running:
            running.remove(self)
        if self._on_socket_removed in self.session.on_socket_removed:
            self.session.on_socket_removed.remove(self._on_socket_removed)
        for handle in list(self._sides):
            handle.relay = None
            handle.close()
        self._sides.clear()
        self._clients.clear()
        if was_running:
            log.info("tap %s stopped: %s", self.spec.name, self.status_text())
            for listener in list(self.on_stopped):
                listener(self)

    def _on_socket_removed(self, handle: SocketHandle) -> None:
        side = self._sides.pop(handle, None)
        if side is None:
            return
        if handle is self.front or handle is self.upstream:
            self.stop()  # half a tap forwards nothing: the rest goes too
        elif side.prefix is not None:
            self._clients.pop(side.prefix, None)

    @property
    def sockets(self) -> list[SocketHandle]:
        return list(self._sides)

    @property
    def client_count(self) -> int:
        """Request/reply: the clients that have an upstream DEALER now."""
        return len(self._clients)

    max_clients = MAX_CLIENTS

    @property
    def front_address(self) -> str:
        """Where the clients connect (a wildcard port resolved)."""
        front = self.front
        return front.endpoints[0].address if front is not None and front.endpoints else ""

    # -- words -------------------------------------------------------------------------------
    @property
    def not_shown(self) -> int:
        """Messages forwarded that the store does not hold: never copied, or dropped by its
        caps since the tap started (a view or a recorder that fell behind loses those)."""
        return self.copy_dropped + self.session.store.dropped - self._store_dropped_at_start

    def status_text(self) -> str:
        """One line: what went each way, both sides' backpressure, what was not shown."""
        return status_line(self)

    def _serve(self, side: _Side, deadline: float) -> bool:
        """A turn of one socket: send what waits for it, then forward what it received."""
        if not self.running:
            return False
        if side.stalled is not None:
            source = side.stalled
            if not self._send_held(source, side):
                return False
            source.handle._schedule_service()  # it was not read while its message waited
        if side.held is not None or not side.handle.info.can_receive:
            return False
        return self._pump(side, deadline)

    def _send_held(self, source: _Side, target: _Side) -> bool:
        assert source.held is not None
        frames = source.held[0]
        try:
            sent = self._send(target.handle, frames)
        except SocketError:
            sent = True  # undeliverable: counted by _send, dropped
        if not sent:
            self._arm_retry(target)
            return False
        source.held = None
        target.stalled = None
        return True

    def _send(self, handle: SocketHandle, frames: list[bytes]) -> bool:
        """Send with NOBLOCK: True when queued, False at the high-water mark (counted as
        blocked); SocketError (counted) when it can never go."""
        send = handle._send_frame
        try:
            for frame in frames[:-1]:
                send(frame, _SNDMORE)
            send(frames[-1], _NOBLOCK)
        except zmq.Again:
            handle.blocked += 1
            return False
        except zmq.ZMQError as error:
            self._send_failed(handle, error)
            raise SocketError(describe_zmq_error(error)) from None
        handle.sent += 1
        return True

    def _send_failed(self, handle: SocketHandle, error: zmq.ZMQError) -> None:
        """A message that can never go: to a client that has gone (counted), or an error."""
        if error.errno == zmq.EHOSTUNREACH:
            self.undeliverable += 1
        else:
            log.warning(
                "tap %s: sending on %s failed: %s",
                self.spec.name,
                handle.name,
                describe_zmq_error(error),
            )

    def _hold(self, source: _Side, target: _Side, frames: list[bytes]) -> None:
        source.held = (frames, target)
        target.stalled = source
        target.handle._watch_fd()
        self._arm_retry(target)

    def _arm_retry(self, side: _Side) -> None:
        """Serve ``side`` again soon: libzmq's FD does not always say when room came back."""
        if side.retry_armed:
            return
        side.retry_armed = True

        def retry() -> None:
            side.retry_armed = False
            if not side.handle.closed:
                side.handle._schedule_service()

        side.handle.loop.call_later(HOLD_RETRY_S, retry)

    def _pump(self, side: _Side, deadline: float) -> bool:
        """Forward what ``side`` received, one message at a time, each sent on before the next
        is read; then copy them into the store. True when the budget left messages queued.

        Client -> server (the front received it) goes upstream, for request/reply to the
        client's own DEALER without its routing id; server -> client goes to the front, with
        the client's routing id first for request/reply. A message the other side has no room
        for is held, and this side is not read until it went out.
        """
        handle = side.handle
        front = self.front
        assert front is not None
        from_client = handle is front
        reqrep = self.spec.pattern == "reqrep"
        upstream = self._sides[self.upstream] if self.upstream is not None else None
        front_side = self._sides[front]
        want_peer = from_client and any(
            not e.address.startswith("inproc://") for e in handle.endpoints
        )
        runs: list[tuple[int, str]] = []
        last_peer: str | None = None
        peer = ""
        recv = handle._sync.recv
        clock = time.monotonic
        guard = handle.xpub_guard
        note = guard.note if guard is not None and guard.active else None
        shown: list[list[bytes]] = []
        targets: set[_Side] = set()
        last_target: _Side | None = None
        send = handle._send_frame
        received = 0
        sent_count = 0  # sent on last_target, added to its counter when the target changes
        more = False
        while True:
            try:
                frame = recv(_NOBLOCK, copy=False)
                if want_peer:
                    try:
                        peer = frame.get("Peer-Address")  # type: ignore[assignment]  # a str
                    except zmq.ZMQError:  # an inproc peer has no address
                        peer = ""
                frames = [frame.bytes]
                while frame.more:
                    frame = recv(_NOBLOCK, copy=False)
                    frames.append(frame.bytes)
            except zmq.Again:
                break
            except zmq.ZMQError as error:
                log.error(
                    "tap %s: receiving on %s failed: %s",
                    self.spec.name,
                    handle.name,
                    describe_zmq_error(error),
                )
                break
            received += 1
            if note is not None and len(frames) == 1 and not note(frames[0]):
                continue  # an XPUB: what a plain XPUB would not have passed up
            if from_client:
                if reqrep:
                    if len(frames) < 2:
                        continue
                    try:
                        target = self._client(frames[0])
                    except SocketError as error:  # no descriptor left for another DEALER
                        self._refuse_client(error)
                        continue
                    out = frames[1:]
                else:
                    target = upstream if upstream is not None else front_side
                    out = frames
                row = frames
            else:
                target = front_side
                out = [side.prefix, *frames] if side.prefix is not None else frames
                row = out
            if target is not last_target:
                if last_target is not None:
                    last_target.handle.sent += sent_count
                sent_count = 0
                last_target = target
                send = target.handle._send_frame
                targets.add(target)
            try:  # _send inlined: this loop is the tap's throughput
                if len(out) == 1:
                    send(out[0], _NOBLOCK)
                else:
                    for part in out[:-1]:
                        send(part, _SNDMORE)
                    send(out[-1], _NOBLOCK)
                sent_count += 1
                sent = True
            except zmq.Again:
                target.handle.blocked += 1
                sent = False
            except zmq.ZMQError as error:
                self._send_failed(target.handle, error)
                if not from_client:
                    continue  # a reply for a client that has gone (counted): not shown
                sent = True  # cannot go, ever (logged): shown as received all the same
            if want_peer and peer != last_peer:
                runs.append((len(shown), peer))
                last_peer = peer
            shown.append(row)
            if not sent:
                self._hold(side, target, out)
                break
            if not len(shown) & 63 and (len(shown) >= BATCH_MAX_MESSAGES or clock() > deadline):
                more = True
                break
        handle.received += received
        if last_target is not None:
            last_target.handle.sent += sent_count
        if from_client:
            self.to_server += len(shown)
        else:
            self.to_client += len(shown)
        side.last_used = now = clock()
        self._copy(front, shown, IN if from_client else OUT, runs)
        for target in targets:
            target.last_used = now
            if target is not side and not target.handle._service_scheduled:
                target.handle._schedule_service()  # a send can swallow its FD's edge
        return more

    def _copy(
        self,
        front: SocketHandle,
        messages: list[list[bytes]],
        direction: str,
        runs: list[tuple[int, str]],
    ) -> None:
        """Copy forwarded messages into the store as one batch, without ever waiting."""
        if not messages:
            return
        store = self.session.store
        now = time.time()
        name = front.name
        budget = COPY_BATCH_BYTES
        rows: list[Row] = []
        append = rows.append
        limit = min(budget, store.max_bytes)
        for frames in messages:
            if len(frames) == 1:
                data = frames[0]
                size = len(data)
                if size <= limit:
                    budget -= size
                    limit = min(budget, store.max_bytes)
                    append((now, name, direction, size, data))
                    continue
            else:
                size = sum(map(len, frames))
                if size <= limit:
                    budget -= size
                    limit = min(budget, store.max_bytes)
                    append((now, name, direction, size, *frames))
                    continue
            self.copy_dropped += 1
        if not rows:
            return
        if direction == IN:
            runs = runs if len(rows) == len(messages) else []  # indexes of the rows kept
            if runs:
                self.session.peer_addresses.note(name, store.end_seq, runs)
            if front.type_name == "ROUTER":
                front._note_routing_ids(rows, now, runs)
        store.extend_rows(rows, len(rows) if direction == IN else 0)
        self.session.notify_received(front, len(rows))

    def _sweep(self) -> None:
        """Close the DEALERs of clients whose routing id libzmq made up and that have been
        idle a while: such an id never comes back (a reconnecting client gets a new one),
        so a program that opens a REQ per request would otherwise leave one DEALER each."""
        self._sweep_timer = None
        if not self.running:
            return
        old = time.monotonic() - IDLE_CLIENT_S
        for side in list(self._clients.values()):
            made_up = side.prefix is not None and side.prefix[:1] == b"\x00"
            idle = side.last_used < old and side.held is None and side.stalled is None
            if made_up and idle:
                self.idle_closed += 1
                side.handle.close()  # _on_socket_removed forgets it
        self._sweep_timer = asyncio.get_running_loop().call_later(SWEEP_S, self._sweep)

    def _refuse_client(self, error: SocketError) -> None:
        self.refused += 1
        if self.refused == 1:  # later ones are counted in the status, not logged
            log.warning("tap %s: a new client's request was dropped: %s", self.spec.name, error)

    def _client(self, routing_id: bytes) -> _Side:
        """Request/reply: the upstream DEALER of the client ``routing_id``, made on first use
        with the same routing id when the client chose it."""
        side = self._clients.get(routing_id)
        if side is not None:
            return side
        if len(self._clients) >= self.max_clients:
            oldest = min(self._clients.values(), key=lambda s: s.last_used)
            self.evicted += 1
            oldest.handle.close()
        self.clients_seen += 1
        name = f"{self.spec.name}-client-{self.clients_seen}"
        handle = self.session.create_socket("DEALER", name)
        try:
            if routing_id[:1] != b"\x00":
                handle.set_option("ROUTING_ID", routing_id)
            handle.connect(self.spec.upstream)
        except SocketError:
            handle.close()
            raise
        if routing_id[:1] == b"\x00":
            self.generated_ids += 1
        side = self._attach(handle, routing_id)
        self._clients[routing_id] = side
        return side
