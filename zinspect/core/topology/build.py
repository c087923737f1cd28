"""Building the topology of live sockets: a connect whose destination a local bind serves
is a link; a bind nobody local connects to, or a connect no local socket serves, leads to an
*external* node; a forward automation is a link of its own kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.core.topology.endpoint_match import (
    endpoint_destination,
    endpoints_match,
    same_host_text,
)
from zinspect.core.topology.layout import layout
from zinspect.core.topology.model import (
    CLIENT,
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


def build_topology(handles: Sequence[SocketHandle]) -> Topology:
    """The graph of these sockets (closed ones are left out) with its layout."""
    sockets = [h for h in handles if not h.closed]
    placed = [(Node(socket_key(h.name), SOCKET_NODE, h.name, h.type_name, h), h) for h in sockets]
    nodes = [node for node, _handle in placed]
    externals: dict[str, Node] = {}
    pairs: list[tuple[Node, Node, str]] = []  # (binder, connecter, bind address)
    connected: set[tuple[str, str]] = set()  # (binder key, address) that a local socket reached
    binds = [(node, e) for node, handle in placed for e in handle.endpoints if e.bound]
    for node, handle in placed:
        for entry in handle.endpoints:
            if entry.bound:
                continue
            matches = [
                (b, e)
                for b, e in binds
                if b is not node and endpoints_match(e.address, entry.address)
            ]
            # the most specific bind wins (a wildcard and an exact host on one port)
            matches.sort(key=lambda m: not same_host_text(m[1].address, entry.address))
            if matches:
                binder, bind_entry = matches[0]
                pairs.append((binder, node, bind_entry.address))
                connected.add((binder.key, bind_entry.address))
                continue
            destination = endpoint_destination(entry.address)
            remote = externals.setdefault(
                f"remote:{destination}", Node(f"remote:{destination}", REMOTE_NODE, destination)
            )
            pairs.append((remote, node, destination))
    for binder, entry in binds:
        if (binder.key, entry.address) not in connected:
            key = f"peers:{binder.name}:{entry.address}"
            peers = externals.setdefault(key, Node(key, PEERS_NODE, entry.address))
            pairs.append((binder, peers, entry.address))
    nodes.extend(externals.values())

    link_count: dict[str, int] = {}
    for binder, connecter, _address in pairs:
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
                if compatible
                else None,
                back_counter=_direction_counter(target, source, link_count, subscriptions)
                if two_way
                else None,
                binder=binder.key,
            )
        )
    links.extend(_forward_links(sockets))
    return Topology(nodes, links, layout(nodes, links))


def _forward_links(sockets: Sequence[SocketHandle]) -> list[Link]:
    """A dashed "forwards to" link per forward automation whose target exists."""
    by_name = {h.name: h for h in sockets}
    links = []
    for handle in sockets:
        spec = handle.automation
        if spec is None or spec.forward is None or spec.reply is not None:
            continue  # a reply takes precedence: such a socket never forwards
        target = by_name.get(spec.forward.to)
        if target is None or target is handle:
            continue
        # What a client or a publisher receives is replies or subscriptions: passing those
        # on goes back upstream (the broker's XPUB -> XSUB, a DEALER backend -> ROUTER).
        returning = ROLES.get(handle.type_name) in (OUT, CLIENT)
        links.append(
            Link(
                f"forward:{handle.name}>{target.name}",
                FORWARD_LINK,
                socket_key(handle.name),
                socket_key(target.name),
                returning=returning,
                forward_counter=Counter(handle.name, "forwarded", handle),
            )
        )
    return links
