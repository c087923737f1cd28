"""The workspace's sockets as a graph: which socket talks to which, which way messages
flow, and how many went over each link.

libzmq tells nothing about who is connected to whom, so links are inferred from what the
sockets were told: a connect whose destination a local bind serves is a link (matched by
``endpoints_match``); a bind nobody local connects to, or a connect no local socket serves,
leads to an *external* node. A forward automation is a link of its own kind.

libzmq does not count messages per pipe either. A link's count is taken from a socket's
counter only where that is exact (the socket has that one link and no other), otherwise it
is unknown (None) and the view says so rather than showing a wrong number.

The layered layout (sources first, sinks last) is computed here too, so it is deterministic
and testable without Qt.
"""

from __future__ import annotations

import ipaddress
import os
import socket as pysocket
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from zinspect.core.sockets.socket_types import SOCKET_TYPES

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

SOCKET_NODE = "socket"
PEERS_NODE = "peers"  # the peers that connect to a local bind from outside the workspace
REMOTE_NODE = "remote"  # the remote endpoint a local connect points at
ENDPOINT_LINK = "endpoint"
FORWARD_LINK = "forward"
RATE_WINDOW = 2.0  # seconds of samples a rate is computed over
RATE_MIN_SPAN = 0.2  # no rate until the samples cover this long

# What a socket type does with messages, for the direction of a link.
OUT, IN, CLIENT, SERVER, PEER = "out", "in", "client", "server", "peer"
ROLES = {
    "PUSH": OUT,
    "PUB": OUT,
    "XPUB": OUT,
    "RADIO": OUT,
    "SCATTER": OUT,
    "PULL": IN,
    "SUB": IN,
    "XSUB": IN,
    "DISH": IN,
    "GATHER": IN,
    "REQ": CLIENT,
    "DEALER": CLIENT,
    "CLIENT": CLIENT,
    "REP": SERVER,
    "ROUTER": SERVER,
    "SERVER": SERVER,
    "PAIR": PEER,
    "STREAM": PEER,
    "PEER": PEER,
    "CHANNEL": PEER,
}
# Subscriptions travel back as messages on these (XPUB receives them, XSUB sends them).
SUBSCRIPTION_MESSAGE_TYPES = frozenset({"XPUB", "XSUB"})
# A sender that drops what no subscriber wants: its sent counter overstates a link.
FILTERING_SENDERS = frozenset({"PUB", "XPUB", "RADIO"})
HOST_PORT_TRANSPORTS = frozenset({"tcp", "ws", "wss", "udp"})


# -- endpoint matching ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _own_host_names() -> frozenset[str]:
    """This machine's own names (no DNS: a lookup could hang the UI on a bad resolver)."""
    name = pysocket.gethostname().lower()
    return frozenset({name, name.split(".")[0], "localhost"})


def _split_host_port(text: str) -> tuple[str, str, str] | None:
    """(host, port, path) of ``host:port[/path]``; IPv6 hosts lose their brackets; the
    destination of a ``source;destination`` connect is the part used."""
    text = text.rpartition(";")[2]
    text, slash, path = text.partition("/")
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            return None
        port = rest[1:]
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            return None
    return host.lower(), port, slash + path


def _normal_host(host: str) -> str | ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP address object (IPv4-mapped IPv6 turned into IPv4, zone dropped), or the name."""
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_local(host: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A destination known to be this machine without asking DNS."""
    if isinstance(host, str):
        return host in _own_host_names()
    return host.is_loopback or host.is_unspecified


def _hosts_match(bind_host: str, connect_host: str) -> bool:
    bound, target = _normal_host(bind_host), _normal_host(connect_host)
    if bound == "*":
        return _is_local(target)
    if isinstance(bound, ipaddress.IPv6Address) and bound.is_unspecified:
        return _is_local(target)  # [::] is dual-stack on Linux by default
    if isinstance(bound, ipaddress.IPv4Address) and bound.is_unspecified:
        return _is_local(target) and not isinstance(target, ipaddress.IPv6Address)
    if bound == target:
        return True
    loopbacks = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))
    if target == "localhost":
        return bound in loopbacks
    if bound == "localhost":  # an unresolved bind address
        return target in loopbacks or target == "localhost"
    if isinstance(target, ipaddress.IPv4Address) and target.is_unspecified:
        return bound == ipaddress.IPv4Address("127.0.0.1")  # Linux sends 0.0.0.0 to loopback
    return False


def endpoint_destination(address: str) -> str:
    """The address a connect reaches: ``tcp://src:0;host:port`` -> ``tcp://host:port``."""
    transport, sep, rest = address.partition("://")
    if sep and transport in HOST_PORT_TRANSPORTS and ";" in rest:
        return f"{transport}://{rest.rpartition(';')[2]}"
    return address


def endpoints_match(bind_address: str, connect_address: str) -> bool:
    """Whether a connect to ``connect_address`` reaches a bind on ``bind_address``.

    Give the bind's *resolved* address (libzmq's LAST_ENDPOINT): a bind on port ``*`` only
    matches once its real port is known. inproc and ipc match on the same name or path;
    tcp, ws and udp on the same port and a compatible host: a bind on ``*``, ``0.0.0.0`` or
    ``[::]`` serves any local destination (loopback, ``localhost``, this machine's name;
    ``0.0.0.0`` no IPv6 one), ``localhost`` reaches a bind on 127.0.0.1 or [::1], equal
    hosts match. A connect's source part (``src;dst``) is ignored: the destination counts.
    """
    bind_transport, sep1, bind_rest = bind_address.strip().partition("://")
    connect_transport, sep2, connect_rest = connect_address.strip().partition("://")
    if not (sep1 and sep2) or bind_transport != connect_transport:
        return False
    if bind_transport == "inproc":
        return bind_rest == connect_rest
    if bind_transport == "ipc":
        if bind_rest.startswith("@") or connect_rest.startswith("@"):
            return bind_rest == connect_rest  # abstract namespace: a name, not a path
        return os.path.normpath(bind_rest) == os.path.normpath(connect_rest)
    if bind_transport not in HOST_PORT_TRANSPORTS:
        return bind_rest == connect_rest  # pgm, norm, tipc, vmci: the same address
    bound, target = _split_host_port(bind_rest), _split_host_port(connect_rest)
    if bound is None or target is None:
        return False
    if not (bound[1].isdigit() and target[1].isdigit()) or int(bound[1]) != int(target[1]):
        return False  # an unresolved bind port (* or 0) matches nothing
    if bound[2] != target[2]:  # ws path
        return False
    return _hosts_match(bound[0], target[0])


# -- the graph --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    """A socket of the workspace, or an external party (``kind`` PEERS_NODE/REMOTE_NODE)."""

    key: str
    kind: str
    name: str  # the socket's name; for an external node its endpoint
    type_name: str = ""  # "" for an external node
    handle: SocketHandle | None = field(default=None, compare=False, repr=False)

    @property
    def external(self) -> bool:
        return self.kind != SOCKET_NODE


@dataclass(frozen=True)
class Counter:
    """Where one direction of a link is counted: ``what`` is "received" or "sent" of a
    socket, or "forwarded" (the messages its forward automation sent). ``at_most``: the
    count is an upper bound (a publisher's sent count includes what nobody wanted)."""

    socket: str
    what: str
    handle: SocketHandle = field(compare=False, repr=False)
    at_most: bool = False

    def read(self) -> int | None:
        if self.what == "forwarded":
            runner = self.handle.automation_runner
            spec = self.handle.automation
            if runner is None or spec is None or spec.reply is not None or spec.send is not None:
                return None  # its sent counter would mix replies or a script in
            return runner.sent
        return int(getattr(self.handle, self.what))

    def describe(self) -> str:
        if self.what == "forwarded":
            return f"counted by {self.socket}'s forward automation"
        if self.at_most:
            return (
                f"at most the messages {self.socket} sent: a publisher drops what no "
                "subscriber wants"
            )
        return f"counted from the messages {self.socket} {self.what}"


@dataclass(frozen=True)
class Link:
    """Messages flow from ``source`` to ``target`` (node keys); with ``two_way`` also back
    (replies, subscriptions, a PAIR's other half). ``endpoint`` is the bind's address."""

    key: str
    kind: str
    source: str
    target: str
    endpoint: str = ""
    two_way: bool = False
    compatible: bool = True
    returning: bool = False  # a forward that carries replies/subscriptions back upstream
    forward_counter: Counter | None = None
    back_counter: Counter | None = None
    binder: str = ""  # the node key of the bind side (a remote endpoint is taken as bound)


@dataclass
class Topology:
    """Nodes (sockets first, in creation order, then external nodes), links, and each
    node's (layer, row) in the layered layout."""

    nodes: list[Node]
    links: list[Link]
    positions: dict[str, tuple[int, int]]

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    def node_of(self, handle: SocketHandle) -> Node | None:
        return next((n for n in self.nodes if n.handle is handle), None)

    @property
    def layer_count(self) -> int:
        return 1 + max((layer for layer, _row in self.positions.values()), default=-1)

    def layer_sizes(self) -> list[int]:
        sizes = [0] * self.layer_count
        for layer, _row in self.positions.values():
            sizes[layer] += 1
        return sizes

    def links_of(self, key: str) -> list[Link]:
        return [link for link in self.links if key in (link.source, link.target)]

    def signature(
        self,
    ) -> tuple[tuple[Node, ...], tuple[tuple[str, str, str, str, bool, bool], ...]]:
        """What the drawing depends on: equal signatures need no redraw."""
        return (
            tuple(self.nodes),
            tuple(
                (link.key, link.kind, link.source, link.target, link.two_way, link.compatible)
                for link in self.links
            ),
        )


def socket_key(name: str) -> str:
    return f"socket:{name}"


def link_direction(binder_type: str | None, connecter_type: str | None) -> tuple[bool, bool, bool]:
    """(does the flow start at the binder?, two_way, compatible) for a link between sockets
    of these types; None for the unknown type of an external party.

    PUSH->PULL, PUB/XPUB->SUB/XSUB; REQ/DEALER (clients) -> REP/ROUTER (servers) with
    replies back; PAIR, DEALER-DEALER, ROUTER-ROUTER both ways, drawn from the connecting
    side to the bound one. XPUB/XSUB links are two-way: subscriptions are messages there.
    """
    roles = (ROLES.get(binder_type or ""), ROLES.get(connecter_type or ""))
    compatible = True
    if binder_type and connecter_type:
        info = SOCKET_TYPES.get(binder_type)
        compatible = (
            info is None
            or connecter_type in info.peers
            or binder_type == connecter_type == "STREAM"
        )  # raw TCP both sides
    subscriptions = bool({binder_type, connecter_type} & SUBSCRIPTION_MESSAGE_TYPES)
    if not compatible:
        return False, False, False
    for index, role in enumerate(roles):
        other = roles[1 - index]
        if role == OUT and other in (IN, None):
            return index == 0, subscriptions, True
        if role == IN and other in (OUT, None):
            return index == 1, subscriptions, True
        if role == CLIENT and other in (SERVER, None):
            return index == 0, True, True
        if role == SERVER and other in (CLIENT, None):
            return index == 1, True, True
    return False, True, True  # peers, or two of the same kind: connecter -> binder


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
            matches.sort(key=lambda m: not _same_host_text(m[1].address, entry.address))
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


def _same_host_text(bind_address: str, connect_address: str) -> bool:
    bound = _split_host_port(bind_address.partition("://")[2])
    target = _split_host_port(connect_address.partition("://")[2])
    return (
        bound is not None
        and target is not None
        and _normal_host(bound[0]) == _normal_host(target[0])
    )


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


# -- layout -----------------------------------------------------------------------------------
def layout(nodes: Sequence[Node], links: Iterable[Link]) -> dict[str, tuple[int, int]]:
    """(layer, row) for every node: layers by the longest path over the flow edges, so
    sources come first and sinks last; rows ordered to keep linked nodes level.

    Edges are taken in priority order (endpoint links, then forwards, then forwards that go
    back upstream) and an edge that would close a cycle is left out of the layering (the
    broker's XPUB -> XSUB subscription forward). Deterministic: ties keep node order.
    """
    order = {node.key: index for index, node in enumerate(nodes)}
    ranked = sorted(
        (
            link
            for link in links
            if link.source != link.target and link.source in order and link.target in order
        ),
        key=lambda link: (link.kind == FORWARD_LINK) + link.returning,
    )
    successors: dict[str, list[str]] = {key: [] for key in order}
    for link in ranked:
        if link.target in successors[link.source] or _reaches(successors, link.target, link.source):
            continue
        successors[link.source].append(link.target)
    predecessors: dict[str, list[str]] = {key: [] for key in order}
    for source, targets in successors.items():
        for target in targets:
            predecessors[target].append(source)
    layer = {key: 0 for key in order}
    for key in _topological(order, successors, predecessors):
        for target in successors[key]:
            layer[target] = max(layer[target], layer[key] + 1)
    # A source feeding only a later layer sits just before its first consumer.
    for key in sorted(order, key=lambda k: -layer[k]):
        if not predecessors[key] and successors[key]:
            layer[key] = min(layer[t] for t in successors[key]) - 1
    layers: list[list[str]] = [[] for _ in range(1 + max(layer.values(), default=-1))]
    isolated = [key for key in order if not successors[key] and not predecessors[key]]
    for key in order:
        if key not in isolated:
            layers[layer[key]].append(key)
    if layers:
        layers[0].extend(isolated)  # unlinked sockets wait at the start, below the rest
    _order_rows(layers, successors, predecessors, order, set(isolated))
    return {
        key: (number, row) for number, keys in enumerate(layers) for row, key in enumerate(keys)
    }


def _reaches(successors: dict[str, list[str]], start: str, goal: str) -> bool:
    stack, seen = [start], {start}
    while stack:
        key = stack.pop()
        if key == goal:
            return True
        for target in successors[key]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return False


def _topological(
    order: dict[str, int], successors: dict[str, list[str]], predecessors: dict[str, list[str]]
) -> list[str]:
    waiting = {key: len(predecessors[key]) for key in order}
    ready = [key for key in order if waiting[key] == 0]
    result = []
    while ready:
        key = ready.pop(0)
        result.append(key)
        for target in successors[key]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
        ready.sort(key=order.__getitem__)
    return result


def _order_rows(
    layers: list[list[str]],
    successors: dict[str, list[str]],
    predecessors: dict[str, list[str]],
    order: dict[str, int],
    isolated: set[str],
) -> None:
    """Barycentre sweeps: down (by the rows of predecessors), up, down again."""

    def sweep(numbers: Iterable[int], neighbours: dict[str, list[str]], step: int) -> None:
        for number in numbers:
            rows = {key: row for row, key in enumerate(layers[number - step])}

            def weight(key: str, rows: dict[str, int] = rows) -> tuple[int, float, int]:
                near = [rows[n] for n in neighbours[key] if n in rows]
                centre = sum(near) / len(near) if near else float(len(rows))
                return (key in isolated, centre, order[key])

            layers[number].sort(key=weight)

    count = len(layers)
    sweep(range(1, count), predecessors, 1)
    sweep(range(count - 2, -1, -1), successors, -1)
    sweep(range(1, count), predecessors, 1)


# -- traffic ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkTraffic:
    """Messages over a link and their rate (msgs/s), each way; None where not measurable."""

    forward: int | None = None
    forward_rate: float | None = None
    back: int | None = None
    back_rate: float | None = None


class TrafficSampler:
    """Per-link counts and rates from successive samples of the socket counters.

    A socket's counters include messages from links it had before; when the set of its
    links changes, its counts start again from that moment (a *baseline*), so a link never
    shows traffic that went over another one.
    """

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self.topology: Topology | None = None
        self._links_of: dict[SocketHandle, frozenset[str]] = {}
        self._baseline: dict[tuple[SocketHandle, str], int] = {}
        self._samples: dict[tuple[str, bool], deque[tuple[float, int]]] = {}

    def set_topology(self, topology: Topology) -> None:
        links_of: dict[SocketHandle, frozenset[str]] = {}
        for node in topology.nodes:
            if node.handle is not None:
                links_of[node.handle] = frozenset(
                    link.key for link in topology.links_of(node.key) if link.kind == ENDPOINT_LINK
                )
        for handle, keys in links_of.items():
            old = self._links_of.get(handle)
            if old is not None and old != keys:
                self._baseline[(handle, "received")] = handle.received
                self._baseline[(handle, "sent")] = handle.sent
        self._baseline = {k: v for k, v in self._baseline.items() if k[0] in links_of}
        self._links_of = links_of
        link_keys = {link.key for link in topology.links}
        self._samples = {k: v for k, v in self._samples.items() if k[0] in link_keys}
        self.topology = topology

    def count(self, counter: Counter | None) -> int | None:
        if counter is None:
            return None
        value = counter.read()
        if value is None:
            return None
        return max(0, value - self._baseline.get((counter.handle, counter.what), 0))

    def sample(self, now: float | None = None) -> dict[str, LinkTraffic]:
        """Read every link's counters now; the rate covers the last ``window`` seconds."""
        now = time.monotonic() if now is None else now
        result: dict[str, LinkTraffic] = {}
        for link in self.topology.links if self.topology is not None else ():
            forward = self.count(link.forward_counter)
            back = self.count(link.back_counter)
            result[link.key] = LinkTraffic(
                forward,
                self._rate(link.key, True, forward, now),
                back,
                self._rate(link.key, False, back, now),
            )
        return result

    def _rate(self, key: str, forward: bool, count: int | None, now: float) -> float | None:
        if count is None:
            self._samples.pop((key, forward), None)
            return None
        samples = self._samples.setdefault((key, forward), deque())
        if samples and (count < samples[-1][1] or now < samples[-1][0]):
            samples.clear()  # counting started again (a new run, a new baseline)
        samples.append((now, count))
        while len(samples) > 2 and now - samples[1][0] >= self.window:
            samples.popleft()
        start, first = samples[0]
        span = now - start
        return (count - first) / span if span >= RATE_MIN_SPAN else None


def format_traffic(count: int | None, rate: float | None, at_most: bool = False) -> str:
    """``1,204 · 20/s``; ``≤ 1,204 · 20/s`` for an upper bound; ``?`` when unknowable."""
    if count is None:
        return "?"
    prefix = "≤ " if at_most else ""
    if rate is None:
        return f"{prefix}{count:,}"
    shown = f"{rate:,.1f}" if 0 < rate < 10 else f"{rate:,.0f}"
    return f"{prefix}{count:,} · {shown}/s"
