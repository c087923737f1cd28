"""Which taps run in a session (either engine), and a tap row's direction in words.

A workspace saves the running taps and the traffic table reads a tap front's rows as
"client -> server" and "server -> client"; the Session itself knows nothing of taps, so the
taps are kept here, per session, by both engines (core.tap.tap and core.tap.proxy_tap).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from zinspect.core.sockets.connections import SEVERAL_CONNECTIONS
from zinspect.core.sockets.session import Session
from zinspect.core.store import IN
from zinspect.core.tap.status import CLIENT_TO_SERVER, SERVER_TO_CLIENT

if TYPE_CHECKING:
    from zinspect.core.tap.proxy_tap import ProxyTap
    from zinspect.core.tap.tap import Tap

RUNNING: weakref.WeakKeyDictionary[Session, list[Tap | ProxyTap]] = weakref.WeakKeyDictionary()


def running_taps(session: Session) -> list[Tap | ProxyTap]:
    """The taps running in ``session``, oldest first."""
    return list(RUNNING.get(session, ()))


def is_tap_front(session: Session, name: str) -> bool:
    """Whether the socket ``name`` is the front of a tap of ``session`` (its rows are the
    tap's traffic: ``in`` client -> server, ``out`` server -> client)."""
    return any(tap.spec.name == name for tap in RUNNING.get(session, ()))


def tap_direction(direction: str) -> str:
    """A front row's direction in words: ``in`` came from a client, ``out`` from the server."""
    return CLIENT_TO_SERVER if direction == IN else SERVER_TO_CLIENT


def tap_upstream(session: Session, name: str) -> str | None:
    """The upstream endpoint (the server's) of the tap of ``session`` whose front is the socket
    ``name``; None when no running tap has that front."""
    for tap in RUNNING.get(session, ()):
        if tap.spec.name == name:
            return tap.spec.upstream
    return None


def tap_sender(direction: str, upstream: str, host: str = "", routing_id: str = "") -> str:
    """Who sent a tap front's row, as the Peer column, the Message pane and a CSV export say
    it: the server at the tap's upstream endpoint (server -> client; on request/reply the row
    goes to the client whose ``routing_id`` leads it), or a client (client -> server: its
    ``host`` as libzmq gave it, and its routing id on request/reply). The front socket only
    passed the server's messages on: "sent by this socket" hid who had spoken."""
    if direction == IN:
        words = "client"
        if routing_id and host.startswith(SEVERAL_CONNECTIONS):
            host = host.rpartition(" from ")[2]  # the routing id tells which of them
        if host:
            words += f", {host}" if host.startswith(SEVERAL_CONNECTIONS) else f" {host}"
        return f"{words}, routing id {routing_id}" if routing_id else words
    words = f"server {upstream}" if upstream else "server"
    return f"{words}, to client routing id {routing_id}" if routing_id else words


def tap_socket_note(session: Session, name: str) -> str:
    """What the sockets list should say of the socket ``name`` when a tap forwarded by
    libzmq's proxy receives its copies there ('' otherwise): the socket is not the tap's
    front, which the helper process owns (and until the helper has started, that it is
    starting)."""
    for tap in RUNNING.get(session, ()):
        if tap.spec.name == name and tap.engine == "proxy" and not tap.front_address:
            return f"tap starting ({tap.engine_words}): it forwards to {tap.spec.upstream} soon"
        if tap.spec.name == name and tap.engine == "proxy":
            return (
                f"copies of the tap, forwarded by the {tap.engine_words}: clients connect to "
                f"{tap.front_address}, it forwards to {tap.spec.upstream}"
            )
    return ""
