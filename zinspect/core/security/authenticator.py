"""ZAP authentication (ZeroMQ RFC 27) for the server sockets of a session, on the event loop.

libzmq asks a ZAP handler, bound at ``inproc://zeromq.zap.01`` in the socket's context,
whether to let a peer finish its handshake: NULL, PLAIN and CURVE servers ask (a NULL one
only when its ZAP_DOMAIN is set). zinspect runs one handler per Session context, built on
pyzmq's ``AsyncioAuthenticator``, with three changes that its source (zmq/auth/) called for:

- policies are per socket: each socket that authenticates gets its own ZAP domain (its
  name) and its own address lists, client keys and users. pyzmq's ``allow``/``deny`` are
  global to the authenticator, so ``handle_zap_message`` is overridden;
- every verdict becomes an ``auth_denied``/``auth_allowed`` event of the right socket, with
  the reason in words ("PLAIN user 'bob': wrong password"), in the session's timeline. No
  password or secret key is ever logged (pyzmq's own handler logs PLAIN passwords at DEBUG);
- the ZAP socket is read like every zinspect socket: its FD on the loop, drained until
  EAGAIN (pyzmq's task reads one request per wake-up), and the reader is taken off the loop
  when the session's last socket closes, before ``Context.destroy`` closes the ZAP socket
  (else Qt warns about an invalid socket notifier). The ZAP socket itself stays bound until
  the session closes: re-binding an inproc endpoint right after closing it races libzmq's
  reaper and often fails with "Address in use".

No thread anywhere: pyzmq's ThreadAuthenticator would trip the PySide6 6.12 crash
(docs/platform-facts.md).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import zmq
from zmq.auth.asyncio import AsyncioAuthenticator
from zmq.auth.base import Authenticator
from zmq.utils import z85

from zinspect.core.keys.curve_keys import KeyFormatError, load_public_keys
from zinspect.core.sockets.events import AUTH_ALLOWED, AUTH_DENIED

if TYPE_CHECKING:
    from zinspect.core.sockets.session import Session
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

ZAP_VERSION = b"1.0"
MAX_DOMAIN_BYTES = 200  # libzmq takes up to 255
_NOBLOCK = int(zmq.NOBLOCK)


@dataclass
class AuthSpec:
    """Who may connect to one server socket. An empty list does not check that thing:
    no ``client_keys`` and no ``client_key_directory`` accept any CURVE key, no ``users``
    any PLAIN name and password (the UI warns). Addresses are IPs or networks
    (``10.0.0.0/8``); ``deny`` wins over ``allow``; with an ``allow`` list only its
    addresses may connect. A user's password None means it was not saved in the workspace."""

    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    client_keys: list[str] = field(default_factory=list)
    client_key_directory: str = ""
    users: dict[str, str | None] = field(default_factory=dict, repr=False)


class Verdict(NamedTuple):
    allowed: bool
    reason: str  # in words, without secrets
    user_id: str = ""


def parse_address(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An allow/deny entry as a network (an address is a /32 or /128); ValueError in words."""
    entry = text.strip()
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        raise ValueError(
            f"{entry!r} is not an IP address or network (e.g. 127.0.0.1, ::1, 10.0.0.0/8)"
        ) from None


def _in_any(address: str, entries: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # an IPV6 socket reports IPv4 peers as ::ffff:a.b.c.d
    for entry in entries:
        try:
            if ip in parse_address(entry):
                return True
        except (ValueError, TypeError):  # checked before use; a v4/v6 mix never matches
            continue
    return False


def decide(
    auth: AuthSpec,
    address: str,
    mechanism: bytes,
    credentials: list[bytes],
    directory_keys: frozenset[str] = frozenset(),
) -> Verdict:
    """The verdict on one ZAP request under ``auth`` (pure: the tests call it directly).
    ``directory_keys`` are the public keys of ``auth.client_key_directory``."""
    if address and _in_any(address, auth.deny):
        return Verdict(False, f"address {address} is denied")
    if auth.allow and not address:
        return Verdict(
            False,
            "the peer has no IP address (ipc or inproc) and only listed addresses are allowed",
        )
    if auth.allow and not _in_any(address, auth.allow):
        return Verdict(False, f"address {address} is not in the allowed list")
    if mechanism == b"NULL":
        return Verdict(True, "NULL (no credentials)")
    if mechanism == b"PLAIN":
        return _decide_plain(auth, credentials)
    if mechanism == b"CURVE":
        return _decide_curve(auth, credentials, directory_keys)
    return Verdict(
        False,
        f"the {mechanism.decode('ascii', 'replace')} mechanism is not "
        "supported by zinspect's authenticator",
    )


def _decide_plain(auth: AuthSpec, credentials: list[bytes]) -> Verdict:
    if len(credentials) != 2:
        return Verdict(False, "malformed PLAIN credentials")
    name = credentials[0].decode("utf-8", "replace")
    if not auth.users:
        return Verdict(
            True, f"PLAIN user {name!r} (no users listed: any name and password are accepted)", name
        )
    if name not in auth.users:
        return Verdict(False, f"PLAIN user {name!r} is not in the allowed users")
    expected = auth.users[name]
    if expected is None:
        return Verdict(
            False,
            f"PLAIN user {name!r}: no password is set for this user (it was "
            "not saved in the workspace)",
        )
    if not hmac.compare_digest(expected.encode("utf-8"), credentials[1]):
        return Verdict(False, f"PLAIN user {name!r}: wrong password")
    return Verdict(True, f"PLAIN user {name!r}", name)


def _decide_curve(
    auth: AuthSpec, credentials: list[bytes], directory_keys: frozenset[str]
) -> Verdict:
    if len(credentials) != 1 or len(credentials[0]) != 32:
        return Verdict(False, "malformed CURVE credentials")
    key = z85.encode(credentials[0]).decode("ascii")
    if not auth.client_keys and not auth.client_key_directory:
        return Verdict(True, f"CURVE client key {key} (no keys listed: any key is accepted)", key)
    if key in auth.client_keys or key in directory_keys:
        return Verdict(True, f"CURVE client key {key}", key)
    where = "the allowed list"
    if auth.client_key_directory:
        where = (
            f"the allowed list or in {auth.client_key_directory}"
            if auth.client_keys
            else f"the certificates of {auth.client_key_directory}"
        )
    return Verdict(False, f"CURVE client key {key} is not in {where}")


class _Policy(NamedTuple):
    handle: weakref.ref[SocketHandle]  # the authenticator must not keep sockets alive
    auth: AuthSpec


class SessionAuthenticator(AsyncioAuthenticator):
    """The ZAP handler of one Session's context, with one policy per socket (ZAP domain).

    Domains without a policy (a CURVE server whose user did not turn on authentication)
    are allowed, as libzmq does when no handler runs at all. Create it with
    ``authenticator_for``; it removes itself from the loop when the session's last socket
    closes and comes back when a socket is created.
    """

    def __init__(self, session: Session) -> None:
        super().__init__(
            session.context, log=logging.getLogger("zinspect.core.security.authenticator.zap")
        )
        self._session = weakref.ref(session)
        self.policies: dict[str, _Policy] = {}
        self.allowed = 0
        self.denied = 0
        self._loop = asyncio.get_running_loop()
        self._fd: int | None = None
        self._directories: dict[str, tuple[float, frozenset[str]]] = {}
        session.on_socket_added.append(self._on_session_socket_added)
        session.on_socket_removed.append(self._on_session_socket_removed)

    # -- running ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.zap_socket is not None

    def start(self) -> None:
        """Bind the ZAP socket (once per context) and read it on the event loop."""
        if self.zap_socket is None:
            Authenticator.start(self)  # pyzmq: a REP bound at inproc://zeromq.zap.01
            log.info("authenticator started (ZAP handler of the session)")
        self._watch()

    def stop(self) -> None:
        """Take the reader off the loop and close the ZAP socket (when the session closes)."""
        self._unwatch()
        if self.zap_socket is not None:
            Authenticator.stop(self)
            log.info("authenticator stopped")

    def _watch(self) -> None:
        if self._fd is None and self.zap_socket is not None:
            self._fd = self.zap_socket.FD
            self._loop.add_reader(self._fd, self._on_zap_readable)
            self._on_zap_readable()  # requests queued while it was not watched (edge FD)

    def _unwatch(self) -> None:
        if self._fd is not None:
            self._loop.remove_reader(self._fd)
            self._fd = None

    def _on_session_socket_added(self, handle: SocketHandle) -> None:
        if self.zap_socket is not None:
            self._watch()

    def _on_session_socket_removed(self, handle: SocketHandle) -> None:
        for domain, policy in list(self.policies.items()):
            if policy.handle() in (None, handle):
                del self.policies[domain]
        session = self._session()
        if session is None or not session.sockets:
            self._unwatch()  # Session.close: the context is destroyed right after this

    def _on_zap_readable(self) -> None:
        """Answer every queued request (the FD is edge-triggered: drain until EAGAIN)."""
        sock = self.zap_socket
        while sock is not None:
            try:
                request = sock.recv_multipart(_NOBLOCK)
            except zmq.Again:
                return
            except zmq.ZMQError as error:
                log.error("reading the ZAP socket failed: %s", error)
                self._unwatch()
                return
            self.answer(request)

    async def handle_zap_message(self, msg: list[bytes]) -> None:
        """pyzmq's entry point, kept for callers of the base class; see ``answer``."""
        self.answer(msg)

    # -- policies -----------------------------------------------------------------------
    def add_policy(self, handle: SocketHandle, auth: AuthSpec) -> str:
        """Authenticate ``handle``'s peers with ``auth``; returns the ZAP domain to set on
        it (its name, made unique among this session's domains)."""
        self.remove_policy(handle)
        base = handle.name.encode("utf-8")[:MAX_DOMAIN_BYTES].decode("utf-8", "ignore") or "socket"
        domain, number = base, 1
        while domain in self.policies:
            number += 1
            domain = f"{base}#{number}"
        self.policies[domain] = _Policy(weakref.ref(handle), auth)
        return domain

    def remove_policy(self, handle: SocketHandle) -> None:
        for domain, policy in list(self.policies.items()):
            if policy.handle() is handle:
                del self.policies[domain]

    def domain_of(self, handle: SocketHandle) -> str | None:
        return next((d for d, p in self.policies.items() if p.handle() is handle), None)

    # -- answering ----------------------------------------------------------------------
    def answer(self, request: list[bytes]) -> None:
        """Decide one ZAP request, reply, and record the verdict as an event."""
        if len(request) < 6:
            if len(request) >= 2:
                self._send_zap_reply(request[1], b"400", b"Not enough frames")
            log.error("malformed ZAP request (%d frames)", len(request))
            return
        version, request_id, domain_raw, address_raw, _identity, mechanism = request[:6]
        if version != ZAP_VERSION:
            self._send_zap_reply(request_id, b"400", b"Invalid version")
            log.error("ZAP request of unknown version %r", version)
            return
        domain = domain_raw.decode("utf-8", "replace")
        address = address_raw.decode("utf-8", "replace")
        policy = self.policies.get(domain)
        handle = policy.handle() if policy is not None else None
        if policy is None or handle is None or handle.closed:
            # no policy: allow, as libzmq does without any handler (the UI warns about it)
            user = ""
            if mechanism == b"CURVE" and len(request) == 7 and len(request[6]) == 32:
                user = z85.encode(request[6]).decode("ascii")
            self._send_zap_reply(request_id, b"200", b"OK", user)
            return
        verdict = decide(
            policy.auth, address, mechanism, request[6:], self._directory_keys(policy.auth)
        )
        detail = verdict.reason + (f" (from {address})" if address else "")
        if verdict.allowed:
            self.allowed += 1
            self._send_zap_reply(request_id, b"200", b"OK", verdict.user_id)
        else:
            self.denied += 1
            self._send_zap_reply(request_id, b"400", verdict.reason.encode("utf-8"))
            log.info("%s: authentication denied: %s", handle.name, detail)
        session = self._session()
        if session is not None and not session.closed:
            session.record_event(
                handle,
                AUTH_ALLOWED if verdict.allowed else AUTH_DENIED,
                value=200 if verdict.allowed else 400,
                detail=detail,
            )

    def _directory_keys(self, auth: AuthSpec) -> frozenset[str]:
        """The public keys in ``auth.client_key_directory``, read again when it changed
        (certificates may be added or removed while zinspect runs)."""
        directory = auth.client_key_directory
        if not directory:
            return frozenset()
        path = os.path.expanduser(directory)
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            return frozenset()
        cached = self._directories.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            keys = frozenset(load_public_keys(path))
        except KeyFormatError as error:
            log.error("client certificates in %s: %s", directory, error)
            keys = frozenset()
        self._directories[path] = (stamp, keys)
        return keys


# One authenticator per session; the session (a weak key) owns it by its listeners.
_authenticators: weakref.WeakKeyDictionary[Session, SessionAuthenticator] = (
    weakref.WeakKeyDictionary()
)


def authenticator_for(session: Session, *, create: bool = True) -> SessionAuthenticator | None:
    """The session's authenticator, started (created on first use when ``create``)."""
    auth = _authenticators.get(session)
    if auth is None and create and not session.closed:
        auth = SessionAuthenticator(session)
        _authenticators[session] = auth
        session.on_closing.append(stop_authenticator)  # off the loop before the context ends
    if auth is not None and create and not session.closed:
        auth.start()
    return auth


def stop_authenticator(session: Session) -> None:
    """Stop the session's authenticator, if any: Session.close runs this (``on_closing``)
    before it destroys the context."""
    auth = _authenticators.pop(session, None)
    if auth is not None:
        auth.stop()
