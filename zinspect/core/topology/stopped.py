"""The sockets of the workspace that stopped (closed), kept so the topology still draws them.

A demo's "Stop a worker", a script that closes a socket, the user's Close: the socket is
gone from the session, but a box that vanishes from the picture says less than a box
marked "stopped" (which worker died, where it was linked). A socket opened again under the
same name replaces its stopped self; another workspace forgets them all. Bounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

STOPPED_KEPT = 32  # the newest stopped sockets drawn; older ones are forgotten


class StoppedSockets:
    """Closed sockets by name, oldest first, at most ``limit``."""

    def __init__(self, limit: int = STOPPED_KEPT) -> None:
        self.limit = limit
        self._by_name: dict[str, SocketHandle] = {}

    @property
    def handles(self) -> list[SocketHandle]:
        return list(self._by_name.values())

    def closed(self, handle: SocketHandle) -> None:
        """``handle`` closed: keep it (the newest of its name), forgetting the oldest
        past the limit."""
        self._by_name.pop(handle.name, None)
        self._by_name[handle.name] = handle
        while len(self._by_name) > self.limit:
            del self._by_name[next(iter(self._by_name))]

    def opened(self, handle: SocketHandle) -> None:
        """A socket opened: one of the same name is no longer stopped."""
        self._by_name.pop(handle.name, None)

    def clear(self) -> None:
        self._by_name.clear()
