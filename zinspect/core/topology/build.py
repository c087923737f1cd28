"""Building the topology of live sockets: a connect whose destination a local bind serves
is a link; each live connection from outside to a bind is a peer node of its own (a bind
nobody reaches, or one whose peers are unknown, has one "peers on" node), a connect no local
socket serves leads to a remote node; a forward automation is a link of its own kind;
stopped sockets stay drawn, marked stopped."""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING

from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.core.topology.endpoint_match import (
    endpoint_destination,
    endpoints_match,
    match_key,
    same_host_text,
)
from zinspect.core.topology.layout import layout_steps
from zinspect.core.topology.model import (
    CLIENT,
    CONNECTION_NODE,
    ENDPOINT_LINK,
    FILTERING_SENDERS,
    FORWARD_LINK,
    OUT,
    PEERS_NODE,
    REMOTE_NODE,
    ROLES,
    SOCKET_NODE,
    SUBSCRIPTION_MESSAGE_TYPES,
    Counter,
    Link,
    Node,
    Topology,
    link_direction,
    socket_key,
)

if TYPE_CHECKING:
    from zinspect.core.sockets.connections import Connection, Connections
    from zinspect.core.sockets.socket_base import Endpoint
    from zinspect.core.sockets.socket_handle import SocketHandle


def _counter(
    handle: SocketHandle | None,
    what: str,
    link_count: dict[str, int],
    key: str,
    can: bool,
    at_most: bool = False,
) -> Counter | None:
    if handle is None or not can or link_count.get(key, 0) != 1:
        return None
    return Counter(handle.name, what, handle, at_most)


def _direction_counter(
    sender: Node, receiver: Node, link_count: dict[str, int], subscriptions: bool
) -> Counter | None:
    """Exact count of sender -> receiver messages, or None: the receiver's received when
    that link is its only one, else the sender's sent when it is the sender's only one
    (only an upper bound for a publisher, which drops what no subscriber wants)."""
    receives = bool(receiver.type_name) and SOCKET_TYPES[receiver.type_name].can_receive
    sends = bool(sender.type_name) and SOCKET_TYPES[sender.type_name].can_send
    filtered = sender.type_name in FILTERING_SENDERS and not subscriptions
    return _counter(receiver.handle, "received", link_count, receiver.key, receives) or _counter(
        sender.handle, "sent", link_count, sender.key, sends, filtered
    )


PEERS_DRAWN = 8  # connections drawn one by one per bind; the rest as one "more" node


def live_connections(handles: Sequence[SocketHandle]) -> dict[str, Connections]:
    """Each open socket's live tcp/ipc connections by socket name (from its monitor), for
    build_topology."""
    return {h.name: h.monitor.connections for h in handles if not h.closed}


def _external_peers(
    binder: Node, address: str, connections: list[Connection], more: int
) -> list[Node]:
    """One node per live connection from outside to this bind (up to PEERS_DRAWN), then
    one node counting the rest."""
    nodes = [
        Node(
            f"peer:{binder.name}:{address}:{c.remote or c.fd}",
            CONNECTION_NODE,
            c.text,
            endpoint=address,
        )
        for c in connections[:PEERS_DRAWN]
    ]
    rest = more + max(0, len(connections) - PEERS_DRAWN)
    if rest:
        key = f"peers:{binder.name}:{address}"
        nodes.append(Node(key, PEERS_NODE, address, more=rest))
    return nodes


def _ours(connection: Connection, local_ends: set[str], reached: bool) -> bool:
    """Whether an accepted connection comes from a socket of this workspace: its far end
    is a workspace socket's near end, or (ipc) it is this very process. An ipc peer the
    system would not name, on a bind a workspace socket reaches, cannot be told apart: it
    is taken as ours rather than drawn twice."""
    if connection.remote:
        return connection.remote in local_ends
    if connection.pid:
        return connection.pid == os.getpid()
    return reached


def build_topology(
    handles: Sequence[SocketHandle],
    stopped: Sequence[SocketHandle] = (),
    connections: Mapping[str, Connections] | None = None,
) -> Topology:
    """``build_steps`` run to its end at once."""
    steps = build_steps(handles, stopped, connections)
    while True:
        try:
            next(steps)
        except StopIteration as end:
            topology: Topology = end.value
            return topology


def build_steps(
    handles: Sequence[SocketHandle],
    stopped: Sequence[SocketHandle] = (),
    connections: Mapping[str, Connections] | None = None,
) -> Generator[None, None, Topology]:
    """The graph of these sockets, returned after yields between its parts (a window
    spreads the 40-60 ms of 3,000 sockets over turns of its loop). Closed ones are left
    out unless listed in ``stopped`` (then drawn, marked stopped, when no open socket
    took their name). ``connections``
    (live_connections) gives each bind's outside peers one node each; without it, or
    with none live, a bind nobody local reaches has one "peers on" node."""
    sockets = [h for h in handles if not h.closed]
    names = {h.name for h in sockets}
    gone: list[SocketHandle] = []
    for handle in stopped:
        if handle.name not in names:
            names.add(handle.name)
            gone.append(handle)
    connections = connections or {}
    placed = [(Node(socket_key(h.name), SOCKET_NODE, h.name, h.type_name, h), h) for h in sockets]
    placed += [
        (Node(socket_key(h.name), SOCKET_NODE, h.name, h.type_name, h, stopped=True), h)
        for h in gone
    ]
    nodes = [node for node, _handle in placed]
    externals: dict[str, Node] = {}
    pairs: list[tuple[Node, Node, str]] = []  # (binder, connecter, bind address)
    connected: set[tuple[str, str]] = set()  # (binder key, address) that a local socket reached
    binds = [(node, e) for node, handle in placed for e in handle.endpoints if e.bound]
    binds_by_key: dict[tuple[str, object], list[tuple[Node, Endpoint]]] = {}
    for bind in binds:
        bind_key = match_key(bind[1].address)
        if bind_key is not None:
            binds_by_key.setdefault(bind_key, []).append(bind)
    for node, handle in placed:
        for entry in handle.endpoints:
            if entry.bound:
                continue
            wanted = match_key(entry.address)
            matches = [
                (b, e)
                for b, e in (binds_by_key.get(wanted, ()) if wanted is not None else ())
                if b is not node and endpoints_match(e.address, entry.address)
            ]
            # an open bind before a stopped one; the most specific bind wins (a wildcard
            # and an exact host on one port)
            matches.sort(
                key=lambda m: (m[0].stopped, not same_host_text(m[1].address, entry.address))
            )
            if matches:
                binder, bind_entry = matches[0]
                pairs.append((binder, node, bind_entry.address))
                connected.add((binder.key, bind_entry.address))
                continue
            if node.stopped:
                continue  # its connection is gone with it
            destination = endpoint_destination(entry.address)
            remote = externals.setdefault(
                f"remote:{destination}", Node(f"remote:{destination}", REMOTE_NODE, destination)
            )
            pairs.append((remote, node, destination))
    # this end of each connection a workspace socket made: seen from its bind, not outside
    local_ends = {c.local for found in connections.values() for c in found if not c.accepted}
    for binder, entry in binds:
        if binder.stopped:
            continue
        reached = (binder.key, entry.address) in connected
        found = connections.get(binder.name)
        outside = [
            c
            for c in found or ()
            if c.accepted and c.endpoint == entry.address and not _ours(c, local_ends, reached)
        ]
        more = found.unlisted_on(entry.address) if found is not None else 0
        if outside or more:
            peers = _external_peers(binder, entry.address, outside, more)
        elif not reached:
            key = f"peers:{binder.name}:{entry.address}"
            peers = [Node(key, PEERS_NODE, entry.address)]
        else:
            peers = []
        for peer in peers:
            externals.setdefault(peer.key, peer)
            pairs.append((binder, peer, entry.address))
    nodes.extend(externals.values())

    link_count: dict[str, int] = {}
    for binder, connecter, _address in pairs:
        if binder.stopped or connecter.stopped:
            continue  # nothing flows there: the other end's counter is still exact
        for node in (binder, connecter):
            link_count[node.key] = link_count.get(node.key, 0) + 1
    links: list[Link] = []
    seen: dict[str, int] = {}
    for binder, connecter, address in pairs:
        from_binder, two_way, compatible = link_direction(
            binder.type_name or None, connecter.type_name or None
        )
        source, target = (binder, connecter) if from_binder else (connecter, binder)
        subscriptions = bool({source.type_name, target.type_name} & SUBSCRIPTION_MESSAGE_TYPES)
        key = f"{source.key}>{target.key}@{address}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"  # one socket connecting twice to the same bind
        stopped_link = binder.stopped or connecter.stopped
        counted = compatible and not stopped_link
        links.append(
            Link(
                key,
                ENDPOINT_LINK,
                source.key,
                target.key,
                address,
                two_way,
                compatible,
                forward_counter=_direction_counter(source, target, link_count, False)
                if counted
                else None,
                back_counter=_direction_counter(target, source, link_count, subscriptions)
                if two_way and counted
                else None,
                binder=binder.key,
                stopped=stopped_link,
            )
        )
    links.extend(_forward_links(sockets, gone))
    yield
    return Topology(nodes, links, (yield from layout_steps(nodes, links)))


def _forward_links(sockets: Sequence[SocketHandle], gone: Sequence[SocketHandle]) -> list[Link]:
    """A dashed "forwards to" link per forward automation whose target exists (stopped
    when either end is a stopped socket)."""
    by_name = {h.name: h for h in [*sockets, *gone]}
    links = []
    for handle in by_name.values():
        spec = handle.automation
        if spec is None or spec.forward is None or spec.reply is not None:
            continue  # a reply takes precedence: such a socket never forwards
        target = by_name.get(spec.forward.to)
        if target is None or target is handle:
            continue
        # What a client or a publisher receives is replies or subscriptions: passing those
        # on goes back upstream (the broker's XPUB -> XSUB, a DEALER backend -> ROUTER).
        returning = ROLES.get(handle.type_name) in (OUT, CLIENT)
        stopped = handle in gone or target in gone
        links.append(
            Link(
                f"forward:{handle.name}>{target.name}",
                FORWARD_LINK,
                socket_key(handle.name),
                socket_key(target.name),
                returning=returning,
                forward_counter=None if stopped else Counter(handle.name, "forwarded", handle),
                stopped=stopped,
            )
        )
    return links
