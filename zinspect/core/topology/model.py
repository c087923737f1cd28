"""The graph of a workspace's sockets: nodes (sockets and external parties), links, where
each direction of a link is counted, and which way messages flow between two socket types.

libzmq does not count messages per pipe. A link's count is taken from a socket's counter
only where that is exact (the socket has that one link and no other), otherwise it is
unknown (None) and the view says so rather than showing a wrong number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from zinspect.core.sockets.socket_types import SOCKET_TYPES

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

SOCKET_NODE = "socket"
PEERS_NODE = "peers"  # the peers that connect to a local bind from outside the workspace
CONNECTION_NODE = "connection"  # one live connection from outside to a local bind
REMOTE_NODE = "remote"  # the remote endpoint a local connect points at
ENDPOINT_LINK = "endpoint"
FORWARD_LINK = "forward"

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


@dataclass(frozen=True)
class Node:
    """A socket of the workspace, or an external party (``kind`` PEERS_NODE, REMOTE_NODE,
    or CONNECTION_NODE: one live connection from outside, named by its remote address).
    A ``stopped`` socket was closed: still drawn, greyed, so the picture does not jump."""

    key: str
    kind: str
    name: str  # the socket's name; for an external node its endpoint or remote address
    type_name: str = ""  # "" for an external node
    handle: SocketHandle | None = field(default=None, compare=False, repr=False)
    stopped: bool = False
    endpoint: str = ""  # a connection's bind (CONNECTION_NODE)
    more: int = 0  # PEERS_NODE: connections past the ones drawn, only counted

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
    stopped: bool = False  # one end is a stopped socket: nothing flows


@dataclass
class Topology:
    """Nodes (sockets first, in creation order, then external nodes), links, and each
    node's (layer, row) in the layered layout."""

    nodes: list[Node]
    links: list[Link]
    positions: dict[str, tuple[int, int]]

    def node(self, key: str) -> Node:
        return self._by_key[key]

    def node_of(self, handle: SocketHandle) -> Node | None:
        return self._by_handle.get(id(handle))

    # indexes, made on first use (the nodes are not changed once built): a search through
    # 3,000 nodes per link and per box cost 0.3 s a refresh
    @cached_property
    def _by_key(self) -> dict[str, Node]:
        return {node.key: node for node in self.nodes}

    @cached_property
    def _by_handle(self) -> dict[int, Node]:
        return {id(n.handle): n for n in reversed(self.nodes) if n.handle is not None}

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
    ) -> tuple[tuple[Node, ...], tuple[tuple[str, str, str, str, bool, bool, bool], ...]]:
        """What the drawing depends on: equal signatures need no redraw."""
        return (
            tuple(self.nodes),
            tuple(
                (
                    link.key,
                    link.kind,
                    link.source,
                    link.target,
                    link.two_way,
                    link.compatible,
                    link.stopped,
                )
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
