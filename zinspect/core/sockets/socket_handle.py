"""One live socket (SocketHandle): its creation state, options, endpoints and re-creation.

Session (core.sockets.session) owns the context and makes these; a handle makes its own
libzmq socket only when it re-creates itself (the "lazy pirate" REQ). Its receive and send
halves are mixins in socket_receive.py and socket_send.py; monitor.py watches its
connections; an ipc bind's socket file is handled by ipc_files.py.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from typing import TYPE_CHECKING

import zmq
import zmq.asyncio

from zinspect.core.keys.secret_values import is_secret_option, secret_problem
from zinspect.core.sockets.endpoints import (
    EndpointError,
    bind_error_words,
    describe_zmq_error,
    uses_ipv6,
    validate_endpoint,
)
from zinspect.core.sockets.ipc_files import OwnedFile, bind_ipc, ipc_file_path, remove_owned
from zinspect.core.sockets.monitor import SocketMonitor
from zinspect.core.sockets.peers import PeerRecord
from zinspect.core.sockets.socket_base import (
    AddressInUseError,
    Endpoint,
    SocketError,
    default_maxmsgsize,
)
from zinspect.core.sockets.socket_options import OptionError, check_option_value, lookup_option
from zinspect.core.sockets.socket_receive import Receiving
from zinspect.core.sockets.socket_send import Sending
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES, SUBSCRIBING_TYPES, SocketTypeInfo
from zinspect.core.sockets.xpub_guard import SubscriptionGuard

if TYPE_CHECKING:  # annotations only: core.automation_runner imports this module
    from zinspect.core.automation.automation import AutomationSpec
    from zinspect.core.automation.automation_runner import AutomationRunner
    from zinspect.core.sockets.session import Session

log = logging.getLogger(__name__)

REBIND_SECONDS = 0.25  # recreate(): how long a re-bind waits for the old listener to go
# options whose values never go to the log (keys, passwords); core.security sets them
SECRET_PREFIXES = ("CURVE_", "PLAIN_")


class SocketHandle(Sending, Receiving):
    """One live socket: its spec, its endpoints, subscriptions and the state the UI shows."""

    def __init__(
        self, session: Session, name: str, info: SocketTypeInfo, sock: zmq.asyncio.Socket
    ) -> None:
        self.session = session
        self.name = name
        self.info = info
        self.socket = sock
        self._sync = zmq.Socket.shadow(sock.underlying)
        self.endpoints: list[Endpoint] = []
        # a workspace allowed its ipc binds to replace a socket file (saved back with it)
        self.replace_socket_files = False
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
        self._pending: tuple[list[bytes], asyncio.Future[None]] | None = None
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
        self._writable: asyncio.Future[bool] | None = None
        # an XPUB applies its peers' subscriptions itself, up to a cap (core.xpub_guard)
        self.xpub_guard: SubscriptionGuard | None = None
        if info.name == "XPUB":
            self.xpub_guard = SubscriptionGuard(self, session.xpub_subscription_cap)
            self.xpub_guard.attach()

    # -- description ---------------------------------------------------------------
    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop this socket lives on (the one that created it)."""
        return self._loop

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
            return False, (
                "REQ is waiting for the reply to its request: it may send again "
                "only after the reply arrives (strict lock-step)."
            )
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
            return (
                "No subscription: this SUB receives nothing. Subscribe to an empty prefix to "
                "receive everything."
            )
        return ""

    # -- endpoints ------------------------------------------------------------------
    def bind(self, endpoint: str, *, replace_socket_file: bool = False) -> Endpoint:
        """Listen on ``endpoint``. An ipc bind never replaces an existing file; a socket file
        left at its path (SocketFileExistsError) is replaced only with ``replace_socket_file``."""
        return self._attach(endpoint, bind=True, replace_socket_file=replace_socket_file)

    def connect(self, endpoint: str) -> Endpoint:
        return self._attach(endpoint, bind=False)

    def _attach(self, endpoint: str, *, bind: bool, replace_socket_file: bool = False) -> Endpoint:
        self._check_open()
        try:
            endpoint = validate_endpoint(endpoint, bind=bind)
        except EndpointError as error:
            raise SocketError(str(error)) from None
        duplicate = next(
            (e for e in self.endpoints if e.bound == bind and endpoint in (e.requested, e.address)),
            None,
        )
        if duplicate is not None and "*" not in endpoint:
            raise SocketError(f"Already {'bound' if bind else 'connected'} to {endpoint}")
        owned: OwnedFile | None = None
        self.monitor.attempting(endpoint)  # an earlier failure's word goes, as may this one's
        try:
            if uses_ipv6(endpoint):
                self.socket.setsockopt(zmq.IPV6, 1)  # else libzmq says "No such device"
            path = ipc_file_path(endpoint) if bind else None
            if path is not None:
                owned = bind_ipc(
                    self.socket, endpoint, path, replace_socket_file=replace_socket_file
                )
                address = self._last_endpoint(endpoint)
            elif bind:
                self.socket.bind(endpoint)
                address = self._last_endpoint(endpoint)
            else:
                self.socket.connect(endpoint)
                address = endpoint
        except zmq.ZMQError as error:
            if bind and error.errno in (errno.EAGAIN, errno.ENODEV):
                # EAGAIN is libzmq's errno clobbered by its monitor; the event has the real one
                number = self.monitor.bind_errno() or error.errno
                if number == errno.EADDRINUSE:
                    raise AddressInUseError(bind_error_words(number, endpoint)) from None
                raise SocketError(bind_error_words(number, endpoint)) from None
            if bind and error.errno == errno.EADDRINUSE and not endpoint.startswith("inproc:"):
                raise AddressInUseError(describe_zmq_error(error)) from None
            raise SocketError(describe_zmq_error(error)) from None
        entry = Endpoint(endpoint, address, bind, owned)
        self.last_error = ""  # an earlier failure (shown in the socket list) is now mended
        self.endpoints.append(entry)
        log.info("%s %s %s", self.name, entry.kind, address)
        self.session.notify_changed(self)
        return entry

    def _last_endpoint(self, endpoint: str) -> str:
        """The address a bind just got (the port for ``*``). pyzmq reads it into 255 bytes:
        a longer one (an inproc name) fails, though the bind worked and is what was asked."""
        try:
            return self.socket.getsockopt_string(zmq.LAST_ENDPOINT) or endpoint
        except zmq.ZMQError:
            return endpoint

    def detach(self, entry: Endpoint) -> None:
        """Unbind or disconnect one endpoint."""
        self._check_open()
        try:
            if entry.bound:
                self.socket.unbind(entry.address)
            else:
                self.socket.disconnect(entry.address)
        except zmq.ZMQError as error:
            if error.errno != errno.ENOENT:  # (pyzmq has no zmq.ENOENT)
                raise SocketError(describe_zmq_error(error)) from None
            # libzmq forgot it already (e.g. a failed connect): dropping it is what was asked.
        remove_owned(entry.owned_file)
        self.endpoints.remove(entry)
        self.monitor.forget(entry)  # its "retrying …" is no longer this socket's state
        log.info("%s %s %s", self.name, "unbound" if entry.bound else "disconnected", entry.address)
        self._worked()

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
        secret = is_secret_option(option.name)
        if secret and isinstance(value, bytes) and secret_problem(option.name, value):
            raise SocketError(f"{option.name}: {secret_problem(option.name, value)}")
        try:
            self.socket.setsockopt(option, value)
        except zmq.ZMQError as error:
            reason = (
                f"libzmq refused it: not an option of a {self.type_name} socket, or a "
                "value it does not take"
                if error.errno == zmq.EINVAL
                else describe_zmq_error(error)
            )
            shown = "" if secret else f" = {value!r}"  # a secret is never repeated
            raise SocketError(f"{option.name}{shown}: {reason}") from None
        self.options[option.name] = value
        if self.xpub_guard is not None:
            self.xpub_guard.option_set(option.name, value)
        shown = "(secret)" if option.name.startswith(SECRET_PREFIXES) or secret else repr(value)
        if option.name == "REQ_RELAXED" and self.type_name == "REQ":
            # a relaxed REQ may send again before the reply: no lock-step to enforce
            self._lock_step = not value
            self._lock_step_turn = True
        log.info("%s option %s = %s", self.name, option.name, shown)
        self._worked()

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
            reason = (
                "libzmq refused it (a CURVE key must be 32 bytes or 40 Z85 characters)"
                if error.errno == zmq.EINVAL
                else describe_zmq_error(error)
            )
            if is_secret_option(option.name) and isinstance(value, bytes):
                reason = secret_problem(option.name, value) or reason
            raise SocketError(f"{option.name}: {reason}") from None
        self.security_options[option.name] = value
        log.info("%s security option %s set", self.name, option.name)
        self._worked()

    # -- subscriptions ----------------------------------------------------------------
    def subscribe(self, topic: bytes) -> None:
        self._check_subscribing()
        if topic in self.subscriptions:
            raise SocketError("Already subscribed to that prefix")
        self._send_subscription(True, topic)
        self.subscriptions.append(topic)
        self._worked()

    def unsubscribe(self, topic: bytes) -> None:
        self._check_subscribing()
        if topic not in self.subscriptions:
            raise SocketError("Not subscribed to that prefix")
        self._send_subscription(False, topic)
        self.subscriptions.remove(topic)
        self._worked()

    def _worked(self) -> None:
        """A later action on the socket worked: a bind that failed before it is history (the
        Events panel keeps it), no longer the state its heading and list row show."""
        self.monitor.forget_failed_binds()
        self.session.notify_changed(self)

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
        self._discard_partial()
        if self._fd_watched:
            if self._fd is not None:
                self._loop.remove_reader(self._fd)
            self._fd_watched = False
        try:
            sock = self.session.context.socket(self.info.zmq_type)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.MAXMSGSIZE, default_maxmsgsize())
            if self.type_name == "ROUTER":
                sock.setsockopt(zmq.ROUTER_MANDATORY, 1)
        except zmq.ZMQError as error:
            raise SocketError(describe_zmq_error(error)) from None
        self.monitor.detach()
        self._release_inproc_names()
        self.socket.close(linger=0)
        self.socket = sock
        if self.xpub_guard is not None:
            self.xpub_guard.attach()
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
            remove_owned(entry.owned_file)  # the closed socket's file: bound afresh below
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
        log.info("%s re-created%s", self.name, f" ({'; '.join(problems)})" if problems else "")
        self.session.notify_changed(self)
        return problems

    def _reattach(self, entry: Endpoint) -> Endpoint:
        """Bind or connect ``entry`` again on the new socket. libzmq closes the old socket's
        listener in its I/O thread a moment later, so a re-bind to the same port may find it
        still in use: try again for up to REBIND_SECONDS (short blocking waits; rare)."""
        deadline = time.monotonic() + REBIND_SECONDS
        while True:
            try:
                return self._attach(
                    entry.address if entry.bound else entry.requested, bind=entry.bound
                )
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
        self._discard_partial()
        self._update_fd_watch()
        self.monitor.detach()
        self._release_inproc_names()
        self.socket.close(linger=0)
        for entry in self.endpoints:
            remove_owned(entry.owned_file)
        self.session.notify_removed(self)

    def _release_inproc_names(self) -> None:
        """Unbind the inproc names this socket holds before it closes: libzmq frees them
        only when its reaper thread gets to the closed socket, so binding the same name
        straight after (a demo's Reset, a re-created socket) failed now and then with
        "Address already in use". An unbind frees the name at once."""
        for entry in self.endpoints:
            if entry.bound and entry.address.startswith("inproc://"):
                try:
                    self.socket.unbind(entry.address)
                except zmq.ZMQError:
                    log.debug("%s: unbind %s before close failed", self.name, entry.address)
