"""Watch a socket's connections with libzmq's socket monitor, from its creation on.

``zmq_socket_monitor`` makes libzmq publish every connection event of a socket on an
inproc PAIR; this reads that PAIR on the event loop (its FD, edge-triggered like any ZeroMQ
socket: drain until EAGAIN), records each event in the session (core.events says what it
means) and keeps the socket's connection state: the live connections (tcp/ipc peers) and
the last word on each endpoint ("listening", "retrying every 100 ms", "bind failed").

No threads: pyzmq's threaded monitor helpers would trip the PySide6 crash in docs/platform-facts.md.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import struct
from typing import TYPE_CHECKING, cast

import zmq

from zinspect.core.sockets.connections import Connections
from zinspect.core.sockets.events import CURVE_CLIENT_HINT, EVENT_NAMES, decode_value
from zinspect.core.sockets.fd_limit import is_out_of_descriptors

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_base import Endpoint
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

_numbers = itertools.count(1)
LISTED = 3  # endpoints of one state named in a socket's state line; past it, a count
ENDPOINT_LINES = 24  # endpoints listed with their states in a tooltip
_HEADER = struct.Struct("=HI")  # uint16 event, uint32 value (monitor format version 1)
_NOBLOCK = int(zmq.NOBLOCK)
_EVENTS = int(zmq.EVENTS)
_POLLIN = int(zmq.POLLIN)
# the states an endpoint can be in, after the event that put it there
_ENDPOINT_STATE = {
    "listening": "listening",
    "bind_failed": "bind failed",
    "connect_delayed": "connecting",
    "connect_retried": "retrying",
    "connected": "connected",
    "handshake_succeeded": "connected",
    "handshake_failed_no_detail": "handshake failed",
    "handshake_failed_protocol": "handshake failed",
    "handshake_failed_auth": "rejected",
    "disconnected": "disconnected",
}


class SocketMonitor:
    """The monitor of one SocketHandle; ``attach`` again after the handle re-creates its
    libzmq socket. ``peers`` counts live tcp/ipc connections (inproc peers are not
    reported by libzmq); ``endpoint_states`` is the latest state of each endpoint."""

    def __init__(self, handle: SocketHandle) -> None:
        self.handle = handle
        self.peers = 0
        self.handshakes = 0  # connections whose ZeroMQ handshake succeeded, still open
        self.endpoint_states: dict[str, str] = {}
        # endpoints unbound or disconnected: libzmq may go on retrying one that never
        # connected, but its state is no longer the socket's
        self._dropped: set[str] = set()
        self.last_bind_errno = 0  # the errno of the latest BIND_FAILED event (0: none since)
        # open connections by fd (the value of the event), each with its remote address
        self.connections = Connections()
        self._pair: zmq.Socket[bytes] | None = None
        self._fd: int | None = None
        self.out_of_descriptors = False  # the last attach failed for want of descriptors
        self._loop = asyncio.get_running_loop()
        self._sync_context: zmq.Context[zmq.Socket[bytes]] = zmq.Context.shadow(
            handle.session.context.underlying
        )

    # -- life ---------------------------------------------------------------------------
    def attach(self) -> None:
        """Start monitoring the handle's current libzmq socket (before any bind/connect,
        so no event is missed)."""
        self.detach()
        address = f"inproc://zinspect.monitor.{next(_numbers)}"
        try:
            self.handle.socket.monitor(address, zmq.EVENT_ALL)
            pair = self._sync_context.socket(zmq.PAIR)
            pair.setsockopt(zmq.LINGER, 0)
            pair.connect(address)
        except zmq.ZMQError as error:
            self.out_of_descriptors = is_out_of_descriptors(error)
            if not self.out_of_descriptors:  # else the session refuses the socket, in words
                log.error("cannot monitor %s: %s", self.handle.name, error)
            return
        self._pair = pair
        self._fd = pair.FD
        self._loop.add_reader(self._fd, self._drain)
        self.connections.clear()
        self.peers = self.handshakes = 0
        self.endpoint_states.clear()
        self._dropped.clear()
        # ZMQ_FD is edge-triggered and connecting may have consumed the edge already: read
        # once now, so the FD fires for the next event
        self._drain()

    def detach(self) -> None:
        """Stop reading (the socket is closing or being replaced): drain what is there."""
        if self._pair is None:
            return
        if not self.handle.socket.closed:
            # without this libzmq never finishes closing the monitored socket: its
            # connections stay open and its peers neither see a disconnect nor reconnect
            try:
                self.handle.socket.disable_monitor()
            except zmq.ZMQError:
                pass
        self._drain()
        if self._fd is not None:
            self._loop.remove_reader(self._fd)
        self._pair.close(linger=0)
        self._pair = self._fd = None

    def one_connection(self) -> bool:
        """True when the socket has at most one open connection and no connection event
        waits unread (one waiting is read now, and the answer is False): then every
        message the socket holds came over that connection, from one address.

        libzmq reports a connection (accepted, connected) before its handshake, and a peer
        sends nothing before the handshake, so a new connection's event is waiting here
        before its first message reaches the socket. The receive path asks this to skip
        asking each message where it came from (docs/performance.md)."""
        pair = self._pair
        if pair is None:
            return False
        try:
            # reading EVENTS takes the FD's edge: whatever is waiting is read below
            waiting = cast(int, pair.get(_EVENTS)) & _POLLIN
        except zmq.ZMQError:
            return False
        if waiting:
            self._drain()
            return False
        return self.peers <= 1 and not self.connections.unlisted

    # -- reading ------------------------------------------------------------------------
    def _drain(self) -> None:
        pair = self._pair
        if pair is None:
            return
        changed = False
        while True:
            try:
                header = pair.recv(_NOBLOCK)
                endpoint = pair.recv(_NOBLOCK) if pair.rcvmore else b""
            except zmq.Again:
                break
            except zmq.ZMQError as error:
                log.error("monitor of %s failed: %s", self.handle.name, error)
                break
            if len(header) != _HEADER.size:
                continue
            event, value = _HEADER.unpack(header)
            name = EVENT_NAMES.get(event)
            if name is None or name == "monitor_stopped":
                continue
            changed |= self._note(name, endpoint.decode("utf-8", "replace"), value)
        if changed and not self.handle.closed:
            self.handle.session.notify_changed(self.handle)

    def _note(self, name: str, endpoint: str, value: int) -> bool:
        """Keep the state this event changes and record it; True when the socket list's
        summary changed."""
        before = (self.peers, self.endpoint_states.get(endpoint))
        moved = False  # a connection opened or closed: the list of them changed
        if name in ("connected", "accepted"):
            self.connections.opened(value, endpoint, accepted=name == "accepted")
            moved = True
        elif name in ("disconnected", "closed") and self.connections.closed(value):
            moved = True
            self.handshakes = (
                max(0, self.handshakes - 1) if name == "disconnected" else self.handshakes
            )
        if name == "handshake_succeeded":
            self.handshakes += 1
        self.peers = len(self.connections)
        state = _ENDPOINT_STATE.get(name)
        if name in _RECONNECTING and self.endpoint_states.get(endpoint) == "disconnected":
            state = None  # the peer left; libzmq reconnecting to it is no news, nor trouble
        if name == "bind_failed":
            self.last_bind_errno = value
        if (
            state is not None
            and endpoint not in self._dropped
            and (state in ("listening", "bind failed") or not self._bound(endpoint))
        ):
            self.endpoint_states[endpoint] = state
        if not endpoint:
            # libzmq closes the listener of a failed bind with no endpoint: the bind failure
            # itself is recorded (bind_failed, with its endpoint); a row saying "closed" on
            # nothing would only puzzle
            log.debug("%s: %s with no endpoint not recorded", self.handle.name, name)
            return moved or before != (self.peers, self.endpoint_states.get(endpoint))
        detail = ""
        if name == "handshake_failed_no_detail" and self._curve_client():
            detail = "; ".join(filter(None, [decode_value(name, value), CURVE_CLIENT_HINT]))
        self.handle.session.record_event(self.handle, name, endpoint, value, detail)
        return moved or before != (self.peers, self.endpoint_states.get(endpoint))

    def _curve_client(self) -> bool:
        handle = self.handle
        options = {**handle.options, **handle.security_options}
        return "CURVE_SERVERKEY" in options and not options.get("CURVE_SERVER")

    def _bound(self, endpoint: str) -> bool:
        """A bound endpoint stays "listening" whatever its peers do (the timeline has
        them); a connected endpoint's state is its one connection's."""
        return any(e.bound and e.address == endpoint for e in self.handle.endpoints)

    def forget_failed_binds(self) -> None:
        """Drop "bind failed" endpoints: the user binds or connects again, and a socket
        should not read "bind failed *:5555" in the list for ever, nor an older failure
        in place of the latest."""
        for endpoint in [e for e, state in self.endpoint_states.items() if state == "bind failed"]:
            del self.endpoint_states[endpoint]

    def attempting(self, endpoint: str) -> None:
        """A bind or connect to ``endpoint`` is about to reach libzmq: read the events of
        earlier attempts first, then forget their failures (the new attempt has its own
        word), and follow ``endpoint`` again if it was dropped."""
        self._drain()
        self.forget_failed_binds()
        self.last_bind_errno = 0
        for form in (endpoint, _without_transport(endpoint)):
            self._dropped.discard(form)

    def bind_errno(self) -> int:
        """The errno of the BIND_FAILED event of the bind just attempted (0: none)."""
        self._drain()
        return self.last_bind_errno

    def forget(self, entry: Endpoint) -> None:
        """``entry`` was unbound or disconnected: its state goes, and later events on it
        (libzmq retrying a connect that never got through) no longer set one."""
        self._drain()
        for address in {entry.address, entry.requested}:
            for form in (address, _without_transport(address)):
                self.endpoint_states.pop(form, None)
                self._dropped.add(form)

    # -- for the socket list --------------------------------------------------------------
    @property
    def peers_text(self) -> str:
        """ "2 peers" for a socket with tcp/ipc endpoints ("" without: libzmq reports no
        inproc connections, so a count there would be wrong)."""
        if not self.endpoint_states and not self.peers:
            return ""
        return f"{self.peers} peer{'s' if self.peers != 1 else ''}"

    @property
    def connections_text(self) -> str:
        """Each live connection as its own peer: "3 connections: 127.0.0.1:51234, …"."""
        return self.connections.summary()

    @property
    def problem(self) -> str:
        """Every endpoint that is not working, by what is wrong ("retrying tcp://a:5555,
        tcp://b:5556"), or "". One word per endpoint, however many: with more than LISTED
        of a kind, their number, the first two and the last ("retrying 40 endpoints: …");
        ``endpoint_lines`` lists them all. When some connects are in trouble, those that
        connected are named after them, so the user sees which one works: showing the first
        endpoint in trouble alone hid the second connect retrying, and the one that worked."""
        return self.trouble()

    def trouble(self, said: tuple[str, ...] = ()) -> str:
        """``problem`` without the states in ``said`` (a failed bind the socket's error
        already says in words)."""
        groups: dict[str, list[str]] = {}
        for endpoint, state in self.endpoint_states.items():
            groups.setdefault(state, []).append(endpoint)
        wrong = [(state, found) for state, found in groups.items() if state in _TROUBLE]
        parts = [f"{state} {listed(found)}" for state, found in wrong if state not in said]
        if parts and "connected" in groups:
            parts.append(f"connected {listed(groups['connected'])}")
        return "; ".join(parts)

    def state_of(self, entry: Endpoint) -> str:
        """The last word on ``entry`` ("retrying", "connected", "listening"), or ""."""
        states = self.endpoint_states
        for address in (entry.address, entry.requested):
            for form in (address, _without_transport(address)):
                if form in states:
                    return states[form]
        return ""

    def endpoint_lines(self, limit: int = ENDPOINT_LINES) -> list[str]:
        """Each endpoint with its state, for a tooltip: those in trouble first, at most
        ``limit`` lines and then how many more."""
        states = sorted(self.endpoint_states.items(), key=lambda item: item[1] not in _TROUBLE)
        lines = [f"{state} {endpoint}" for endpoint, state in states[:limit]]
        if len(states) > limit:
            lines.append(f"and {len(states) - limit:,} more")
        return lines

    @property
    def summary(self) -> str:
        """Peers and the first trouble, for a one-line description."""
        return " · ".join(filter(None, [self.peers_text, self.problem]))


def listed(endpoints: list[str], limit: int = LISTED) -> str:
    """``endpoints`` joined, or past ``limit`` their number, the first two and the last: a
    socket connecting to a hundred dead ports gets a line, not a hundred endpoints."""
    if len(endpoints) <= limit:
        return ", ".join(endpoints)
    return f"{len(endpoints):,} endpoints: {endpoints[0]}, {endpoints[1]}, …, {endpoints[-1]}"


def _without_transport(endpoint: str) -> str:
    """How libzmq names a tcp bind in its BIND_FAILED event: "127.0.0.1:5556"."""
    return endpoint.partition("://")[2] or endpoint


_RECONNECTING = ("connect_delayed", "connect_retried")
# Not trouble: "disconnected" (a peer that exits in order, a ventilator done, looks like this;
# the retries that follow keep that state; the Events panel counts them)
_TROUBLE = ("retrying", "bind failed", "handshake failed", "rejected", "connecting")
