"""A socket's live connections, one by one: the remote host and port behind each.

libzmq tells each received message's ``Peer-Address`` as a host only, so three workers on
one machine look like one peer. The socket monitor's ACCEPTED and CONNECTED events carry
the connection's file descriptor; asking the operating system who is at the other end of
that descriptor (``getpeername`` on a short-lived duplicate, closed at once) gives the
host *and* port, so each connection can be shown as its own peer. A flood of connections
is bounded: details are kept for the first ``CONNECTION_CAP``, the rest only counted.
"""

from __future__ import annotations

import logging
import socket
import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

log = logging.getLogger(__name__)

CONNECTION_CAP = 256  # connections known in detail per socket; more are only counted
_PEERCRED = struct.Struct("3i")  # Linux SO_PEERCRED: pid, uid, gid


@dataclass(frozen=True)
class Connection:
    """One live tcp or ipc connection of a socket. ``remote`` is the other end ("" when
    the system would not say), ``local`` this end; ``endpoint`` the bind or connect it
    belongs to; ``pid`` the process at the other end of an ipc connection (0: unknown)."""

    fd: int
    endpoint: str
    accepted: bool  # the peer connected to our bind (else we connected to it)
    remote: str = ""  # "127.0.0.1:51234", "[::1]:5555", or an ipc path
    local: str = ""
    host: str = ""  # the remote host alone, as libzmq's Peer-Address gives it
    pid: int = 0
    since: float = 0.0

    @property
    def ipc(self) -> bool:
        return self.endpoint.startswith("ipc://")

    @property
    def text(self) -> str:
        """The other end in a few words: ``127.0.0.1:51234``, ``local process 4242``."""
        if self.ipc:
            if self.pid:
                return f"local process {self.pid}"
            return "local process" if self.accepted or not self.remote else self.remote
        return self.remote or "address unknown"


def _address_text(family: int, address: object) -> tuple[str, str]:
    """(host:port or path, host) for what getpeername/getsockname returned."""
    if family == socket.AF_INET and isinstance(address, tuple):
        return f"{address[0]}:{address[1]}", str(address[0])
    if family == socket.AF_INET6 and isinstance(address, tuple):
        return f"[{address[0]}]:{address[1]}", str(address[0])
    if isinstance(address, bytes):  # an abstract ipc name
        address = address.decode("utf-8", "replace").replace("\0", "@")
    return (str(address), "") if address else ("", "")


def read_connection(fd: int, endpoint: str, accepted: bool) -> Connection:
    """What the system says about connection ``fd``: both ends, and for ipc the peer's
    process where the platform tells it. Never raises: an fd already gone gives a
    Connection with empty addresses. The duplicate made to ask is closed before returning."""
    remote = local = host = ""
    pid = 0
    try:
        duplicate = socket.dup(fd)
    except OSError as error:
        log.debug("connection fd %d on %s is gone: %s", fd, endpoint, error)
        return Connection(fd, endpoint, accepted, since=time.time())
    try:
        # socket(fileno=) detects the family itself (fromfd would need it given) and owns
        # the duplicate from then on, closing it with the with block
        probe = socket.socket(fileno=duplicate)
    except OSError as error:  # not a socket at all: close the duplicate ourselves
        socket.close(duplicate)
        log.debug("fd %d on %s is not a socket: %s", fd, endpoint, error)
        return Connection(fd, endpoint, accepted, since=time.time())
    try:
        with probe:
            family = probe.family
            remote, host = _address_text(family, probe.getpeername())
            local, _ = _address_text(family, probe.getsockname())
            if family == getattr(socket, "AF_UNIX", None) and hasattr(socket, "SO_PEERCRED"):
                cred = probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
                pid = _PEERCRED.unpack(cred)[0]
    except (OSError, ValueError) as error:
        # the connection closed before its event was read (its fd may even be reused;
        # the DISCONNECTED/CLOSED event that follows removes it)
        log.debug("no address for connection fd %d on %s: %s", fd, endpoint, error)
    return Connection(fd, endpoint, accepted, remote, local, host, pid, time.time())


class Connections:
    """The live connections of one socket, by file descriptor, in the order they opened.
    Past ``cap`` a connection is counted but not looked at (no system call per connection
    of a flood, and bounded memory)."""

    def __init__(self, cap: int = CONNECTION_CAP) -> None:
        self.cap = cap
        self._known: dict[int, Connection] = {}
        # fds past the cap and their endpoint (interned: one string for a flood's thousands)
        self._unlisted: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._known) + len(self._unlisted)

    def __iter__(self) -> Iterator[Connection]:
        return iter(list(self._known.values()))

    def __contains__(self, fd: object) -> bool:
        return fd in self._known or fd in self._unlisted

    @property
    def unlisted(self) -> int:
        """Connections counted but not known in detail (past the cap)."""
        return len(self._unlisted)

    def unlisted_on(self, endpoint: str) -> int:
        """Connections past the cap that came in over ``endpoint``."""
        return sum(1 for e in self._unlisted.values() if e == endpoint)

    def opened(self, fd: int, endpoint: str, accepted: bool) -> None:
        if len(self._known) < self.cap or fd in self._known:
            self.add(read_connection(fd, endpoint, accepted))
        else:
            self.closed(fd)
            self._unlisted[fd] = sys.intern(endpoint)

    def add(self, connection: Connection) -> None:
        """Keep ``connection`` (one whose details are known), replacing one of its fd: an
        fd reused is a new connection, the old one gone."""
        self.closed(connection.fd)
        self._known[connection.fd] = connection

    def closed(self, fd: int) -> bool:
        """Forget connection ``fd``; whether it was known."""
        if self._known.pop(fd, None) is not None:
            return True
        return self._unlisted.pop(fd, None) is not None

    def clear(self) -> None:
        self._known.clear()
        self._unlisted.clear()

    def from_host(self, host: str) -> list[Connection]:
        """The connections whose remote host is ``host`` (libzmq's Peer-Address)."""
        return [c for c in self._known.values() if c.host == host]

    def summary(self, shown: int = 8, *, compact: bool = False) -> str:
        """``3 connections: 127.0.0.1:51234, 127.0.0.1:51236, 127.0.0.1:51238`` (the
        first ``shown`` of them, then how many more); "" when there are none. ``compact``
        is for a narrow line under a count: ``from 127.0.0.1, ports 51234, 51236, 51238``
        (a host shared by all of them named once)."""
        count = len(self)
        if not count:
            return ""
        known = list(self._known.values())[:shown]
        texts = [c.text for c in known]
        more = count - len(texts)
        hosts = {c.host for c in known}
        if compact and count > 1 and len(hosts) == 1 and all(c.remote for c in known):
            host = hosts.pop()
            if host and all(c.remote.rsplit(":", 1)[0].strip("[]") == host for c in known):
                ports = ", ".join(c.remote.rsplit(":", 1)[1] for c in known)
                rest = f", and {more:,} more" if more else ""
                return f"from {host}, ports {ports}{rest}"
        listed = ", ".join(texts) + (f", and {more:,} more" if more and texts else "")
        head = f"{count:,} connection{'s' if count != 1 else ''}"
        if compact and texts:
            return f"from {listed}"
        return f"{head}: {listed}" if texts else head


SEVERAL_CONNECTIONS = "one of "  # how describe_peer's text starts when the host is ambiguous


def describe_peer(host: str, connections: Connections) -> str:
    """The Peer field of a received message: libzmq gives its host only; when several
    live connections come from that host, say so ("one of 3 connections from 127.0.0.1")
    rather than let one address stand for all of them."""
    same = connections.from_host(host) if host else []
    if len(same) > 1:  # (one alone may not be the one: the sender may have left since)
        return f"{SEVERAL_CONNECTIONS}{len(same)} connections from {host}"
    return host
