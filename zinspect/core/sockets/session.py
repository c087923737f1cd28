"""The session: the zmq.asyncio context, every live socket in it, and who hears of changes.

All socket I/O runs on the asyncio loop (a qasync loop in the app, any loop in scripts and
tests); nothing here starts a thread. Receiving wakes once per readiness edge and drains a
batch through a synchronous shadow of the socket, which docs/platform-facts.md measured
5-8x faster than awaiting one message at a time; the session serves the ready sockets in
turn within one shared budget. One socket is a SocketHandle (socket_handle.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from typing import Any

import zmq
import zmq.asyncio

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.numbering import forget_restarts, restart_numbering
from zinspect.core.sockets.endpoints import describe_zmq_error, shorten
from zinspect.core.sockets.event_log import EventLog
from zinspect.core.sockets.events import SocketEvent, decode_value
from zinspect.core.sockets.fd_limit import (
    OutOfDescriptorsError,
    configure_context,
    is_out_of_descriptors,
)
from zinspect.core.sockets.peers import PeerAddresses
from zinspect.core.sockets.socket_base import SocketError, default_maxmsgsize
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_receive import BATCH_MAX_SECONDS, plain_frames
from zinspect.core.sockets.socket_types import socket_type
from zinspect.core.sockets.xpub_guard import DEFAULT_SUBSCRIPTION_BUDGET, DEFAULT_SUBSCRIPTION_CAP
from zinspect.core.store import MessageStore

log = logging.getLogger(__name__)

HISTORY_FLUSH_SECONDS = 1.0  # a crash loses at most this much of the on-disk history
EVENT_HISTORY = 10_000  # rows of connection events kept in Session.events (repeats counted)


Listener = Callable[[SocketHandle], None]


MAX_NAME_CHARS = 100  # a socket's name is one short line
HEADING_NAME_CHARS = 32  # ... and headings show at most this much of it (the middle cut)


def heading_name(name: str) -> str:
    """``name`` as headings show it: a long one loses its middle, so a narrow dock is not
    widened by it (a 100-character name pushed the Sockets dock to 1,379 px)."""
    return shorten(name, HEADING_NAME_CHARS)


def name_problem(name: str) -> str:
    """Why ``name`` cannot name a socket, in words ("" when it can): a name is one short
    line (a 600-character one widened the window to 10,000 px), and is not echoed back."""
    if len(name) > MAX_NAME_CHARS:
        return (
            f"A socket's name has at most {MAX_NAME_CHARS} characters; this one has {len(name):,}"
        )
    if not name.isprintable():
        return "A socket's name cannot hold line breaks, tabs or other control characters"
    return ""


class Session:
    """Owns the context and every socket; tells listeners what changed.

    Create it inside the running loop: a zmq.asyncio socket binds to the first loop that
    touches it.
    """

    def __init__(self, store: MessageStore | None = None) -> None:
        self.context = zmq.asyncio.Context()
        configure_context(self.context)  # room for thousands of sockets, if the system allows
        self.store = store if store is not None else MessageStore()
        self.store.evict_later = _call_soon  # a big drop in slices, one per turn of the loop
        # its messages are numbered from the first, and again from it after a Clear
        forget_restarts()
        self.store.on_before_clear.append(self._on_store_before_clear)
        self.sockets: list[SocketHandle] = []
        self._named: dict[str, SocketHandle] = {}  # the sockets by name: a look-up per close
        self._counters: dict[str, int] = {}
        self.on_socket_added: list[Listener] = []
        self.on_socket_removed: list[Listener] = []
        self.on_socket_changed: list[Listener] = []
        self.on_received: list[Callable[[SocketHandle, int], None]] = []
        # connection events of every socket (core.monitor, the authenticator), newest last;
        # a retry loop's repeats are counted into one row each (core.sockets.event_log)
        self.events = EventLog(EVENT_HISTORY)
        self.peer_addresses = PeerAddresses()  # where received messages came from
        # how each socket's frames are decoded (rules, keys): saved with the workspace
        self.decoder = MessageDecoder()
        self.on_event: list[Callable[[SocketHandle | None, SocketEvent], None]] = []
        # Run first by close(), before any socket closes: the ZAP authenticator registers
        # itself here (its socket lives in this context), so this layer need not know it.
        self.on_closing: list[Callable[[Session], None]] = []
        self.closed = False
        # Sockets with something to do (readable, or a send to retry), served in turn
        self._ready: dict[SocketHandle, None] = {}
        self._ready_scheduled = False
        self.xpub_subscription_cap = DEFAULT_SUBSCRIPTION_CAP  # for XPUBs made from now on
        self.xpub_subscription_budget = DEFAULT_SUBSCRIPTION_BUDGET  # libzmq bytes, estimated
        # The store's history (if it gets one) writes what waits at least once a second.
        self._flush_timer: asyncio.TimerHandle | None = None
        self._schedule_flush()

    def suggest_name(self, type_name: str) -> str:
        """The next free default name (``sub-1``, ``sub-2``...); consumes its number."""
        prefix = type_name.lower()
        name, number = self._next_name(prefix)
        self._counters[prefix] = number
        return name

    def peek_name(self, type_name: str, avoid: Collection[str] = ()) -> str:
        """The name suggest_name would return now, without consuming it (for placeholders);
        ``avoid`` names are skipped too (those of the kept traffic, say)."""
        return self._next_name(type_name.lower(), avoid)[0]

    def _next_name(self, prefix: str, avoid: Collection[str] = ()) -> tuple[str, int]:
        avoid = set(avoid)
        number = self._counters.get(prefix, 0)
        while True:
            number += 1
            name = f"{prefix}-{number}"
            if name not in self._named and name not in avoid:
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
        problem = name_problem(name)
        if problem:
            raise SocketError(problem)
        if name in self._named:
            raise SocketError(f"A socket named '{name}' exists already")
        try:
            sock = self.context.socket(info.zmq_type)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.MAXMSGSIZE, default_maxmsgsize())
            if info.name == "ROUTER":
                # a reply to a peer that is gone fails in words instead of vanishing silently
                sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        except zmq.ZMQError as error:
            if is_out_of_descriptors(error):
                raise OutOfDescriptorsError(describe_zmq_error(error)) from None
            raise SocketError(describe_zmq_error(error)) from None
        handle = SocketHandle(self, name, info, sock)
        handle.monitor.attach()  # before any bind or connect: no event is missed
        if handle.monitor.out_of_descriptors:
            sock.close(linger=0)
            raise OutOfDescriptorsError(
                "Too many open files (no descriptor left for the socket's connection events)"
            )
        self.sockets.append(handle)
        self._named[name] = handle
        handle._update_fd_watch()
        log.info("created %s socket %s", info.name, name)
        for listener in self.on_socket_added:
            listener(handle)
        return handle

    def _on_store_before_clear(self) -> None:
        """A Clear numbers the next message from the first number again, as a new capture
        does; the sequence numbers go on (core.numbering)."""
        restart_numbering(self.store.end_seq)

    def socket_named(self, name: str) -> SocketHandle | None:
        return self._named.get(name)

    def close(self) -> None:
        """Close every socket with linger 0 and end the context, without waiting for peers."""
        if self.closed:
            return
        for hook in list(self.on_closing):
            hook(self)
        for handle in list(self.sockets):
            handle.close()
        self.closed = True
        self._ready.clear()
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        self.context.destroy(linger=0)
        self.store.set_history(None)  # closes it: a temporary history's folder goes
        forget_restarts()  # numbers shown after it (a script's store) start from the first
        # nothing more to tell: who listened (a closed window's panels) may go, the session not
        listeners: tuple[list[Any], ...] = (
            self.on_socket_added,
            self.on_socket_removed,
            self.on_socket_changed,
            self.on_received,
            self.on_event,
            self.on_closing,
        )
        for each in listeners:
            each.clear()

    def _schedule_flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop runs (a script): the history flushes on each batch
            return
        self._flush_timer = loop.call_later(HISTORY_FLUSH_SECONDS, self._flush_history)

    def _flush_history(self) -> None:
        try:
            self.store.flush_history()
        finally:
            if not self.closed:
                self._schedule_flush()

    # -- serving sockets ---------------------------------------------------------------------
    def _service_soon(self, handle: SocketHandle) -> None:
        self._ready[handle] = None
        if not self._ready_scheduled:
            self._ready_scheduled = True
            handle.loop.call_soon(self._service_ready)

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
        with plain_frames():  # frames of pyzmq's Cython class: see PLAIN_FRAME
            for index, handle in enumerate(handles):
                if handle._service(deadline):
                    more.append(handle)
                if clock() >= deadline:
                    leftover = handles[index + 1 :]
                    break
        added, self._ready = self._ready, dict.fromkeys(leftover)
        self._ready.update(added)  # scheduled while serving (a send retried, say)
        for handle in more:
            handle._schedule_service()
        if self._ready and not self._ready_scheduled and not self.closed:
            self._ready_scheduled = True
            next(iter(self._ready)).loop.call_soon(self._service_ready)

    # -- notifications from handles ------------------------------------------------------
    def record_event(
        self,
        handle: SocketHandle | str | None,
        name: str,
        endpoint: str = "",
        value: int = 0,
        detail: str = "",
    ) -> SocketEvent:
        """Keep a connection event (see core.events) and tell the ``on_event`` listeners;
        ``handle`` may be a socket name, or None for an event of no socket of ours."""
        if isinstance(handle, str):
            handle = self.socket_named(handle) or None
        event = SocketEvent(
            time.time(),
            handle.name if handle is not None else "",
            name,
            endpoint,
            value,
            detail or decode_value(name, value),
        )
        self.events.add(event)
        for listener in self.on_event:
            listener(handle, event)
        return event

    def notify_changed(self, handle: SocketHandle) -> None:
        """Tell the listeners that ``handle``'s state changed (endpoints, options, counters,
        automation, last error): whoever changes a socket calls this."""
        for listener in self.on_socket_changed:
            listener(handle)

    def notify_removed(self, handle: SocketHandle) -> None:
        """Forget ``handle`` (it closed) and tell the listeners."""
        if handle in self.sockets:
            self.sockets.remove(handle)
        if self._named.get(handle.name) is handle:
            del self._named[handle.name]
        if self.socket_named(handle.name) is None:  # a new socket of that name starts afresh
            self.decoder.forget(handle.name)
        log.info("closed socket %s", handle.name)
        for listener in self.on_socket_removed:
            listener(handle)

    def notify_received(self, handle: SocketHandle, count: int) -> None:
        """Tell the listeners that ``handle`` stored ``count`` more messages."""
        for listener in self.on_received:
            listener(handle, count)


def _call_soon(callback: Callable[[], None]) -> bool:
    """Run ``callback`` on the next turn of the running loop; False when none runs."""
    try:
        asyncio.get_running_loop().call_soon(callback)
    except RuntimeError:
        return False
    return True
