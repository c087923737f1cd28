"""The small things every socket module shares: the user-facing error, an endpoint, and
the MAXMSGSIZE zinspect gives every socket it makes.

Kept apart so session, socket_handle, socket_send, socket_receive and option_catalog can
all use them without importing each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zinspect.core.sockets.ipc_files import OwnedFile

# zinspect protects itself from a peer that announces a huge frame (libzmq's default is no
# limit: a peer could make it allocate gigabytes); changeable per socket with MAXMSGSIZE,
# and for sockets made from then on by preference (set_default_maxmsgsize)
DEFAULT_MAXMSGSIZE = 256 * 1024 * 1024
_default_maxmsgsize = DEFAULT_MAXMSGSIZE


def default_maxmsgsize() -> int:
    """The MAXMSGSIZE a socket gets when it is made (the preference; DEFAULT_MAXMSGSIZE
    until one is set). Sockets made earlier keep theirs."""
    return _default_maxmsgsize


def set_default_maxmsgsize(size: int) -> None:
    """Give sockets made from now on this MAXMSGSIZE (bytes, at least 1)."""
    global _default_maxmsgsize
    if size < 1:
        raise ValueError(f"MAXMSGSIZE must be at least 1 byte, not {size}")
    _default_maxmsgsize = size


class SocketError(Exception):
    """An operation the user asked for failed; the message is meant for the user."""


class AddressInUseError(SocketError):
    """A tcp or ipc bind found its address taken (EADDRINUSE). Right after a zinspect socket
    bound there closes, that is libzmq's I/O thread not yet done closing the listener:
    callers that can wait (the loop's, not the user's click) try again for a moment. A taken
    inproc name is a plain SocketError: no I/O thread lets it go later."""


class Endpoint:
    """One bind or connect of a socket. ``address`` is what libzmq resolved it to."""

    __slots__ = ("requested", "address", "bound", "owned_file")

    def __init__(
        self, requested: str, address: str, bound: bool, owned_file: OwnedFile | None = None
    ) -> None:
        self.requested = requested
        self.address = address
        self.bound = bound
        # an ipc bind's socket file, which zinspect created
        self.owned_file = owned_file

    @property
    def kind(self) -> str:
        return "bind" if self.bound else "connect"

    def __repr__(self) -> str:
        return f"Endpoint({self.kind} {self.address})"
