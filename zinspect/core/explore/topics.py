"""The topic tree: messages grouped by socket and topic, split on a separator the user picks.

The Topics view asks, for every topic of every socket: how many messages, how fast now, when
the last one came and what it said. Counting happens per batch pulled from the store
(``TopicFollower`` in core/explore/topic_follow.py), never per message as a callback, and a
batch is first reduced to one entry per distinct topic, so a flood of 100,000 updates on 50
topics walks the tree 50 times, not 100,000.

Every distinct topic is kept flat (``TopicTree.topics``) as well as in the tree, so choosing
another separator rebuilds the tree from those figures without reading a message again.
Both are bounded: past ``max_topics`` distinct topics, or ``max_nodes`` nodes, a socket's
further topics are counted together under its "… other topics" node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from time import monotonic

# the separators offered, by the words the chooser shows
SEPARATORS: dict[str, str] = {"/": "/", ".": ".", ":": ":", "space": " ", "none": ""}
RATE_WINDOW_S = 5  # a rate counts the messages of the last seconds
MAX_TOPICS = 20_000  # distinct (socket, topic) pairs kept one by one
MAX_NODES = 50_000  # nodes of the tree (sockets and topic parts)
SOCKET, TOPIC, NO_TOPIC, OTHER = "socket", "topic", "no topic", "other"
OTHER_LABEL = "… other topics"
OTHER_SOCKETS_LABEL = "… other sockets"
NO_TOPIC_LABEL = "(no topic)"
EMPTY_PART_LABEL = "(empty)"
_SPECIAL = "\0"  # lookup keys of "(no topic)" and "… other topics" start with it


class TopicStats:
    """Count, last time, latest message and a per-second histogram of the last seconds."""

    __slots__ = ("count", "last_time", "latest_seq", "_second", "_buckets")

    def __init__(self) -> None:
        self.count = 0
        self.last_time = 0.0
        self.latest_seq = -1
        self._second = 0  # the second (int(time)) of the newest bucket
        self._buckets = [0] * RATE_WINDOW_S

    def add(self, count: int, second: int) -> None:
        """``count`` messages that came in ``second`` (int of their time)."""
        self.count += count
        newest = self._second
        buckets = self._buckets
        if second > newest:
            if second - newest >= RATE_WINDOW_S:
                buckets[:] = [0] * RATE_WINDOW_S
            else:
                for gone in range(newest + 1, second + 1):
                    buckets[gone % RATE_WINDOW_S] = 0
            self._second = second
        elif second <= newest - RATE_WINDOW_S:
            return  # older than the window: counted, but not in the rate
        buckets[second % RATE_WINDOW_S] += count

    def note_latest(self, seq: int, when: float) -> None:
        if seq > self.latest_seq:
            self.latest_seq = seq
        if when > self.last_time:
            self.last_time = when

    def merge(self, other: TopicStats) -> None:
        """Add ``other``'s figures to these (a parent gathers its children's)."""
        if not self.count:  # a new node: a copy (the common case of a rebuild)
            self.count, self._second = other.count, other._second
            self._buckets = other._buckets.copy()
        else:
            self.add(0, other._second)  # moves the window on, if other's is newer
            mine, theirs = self._buckets, other._buckets
            for second in range(
                max(other._second, self._second) - RATE_WINDOW_S + 1, other._second + 1
            ):
                mine[second % RATE_WINDOW_S] += theirs[second % RATE_WINDOW_S]
            self.count += other.count
        self.note_latest(other.latest_seq, other.last_time)

    def rate(self, now: float) -> float:
        """Messages per second over the last RATE_WINDOW_S seconds up to ``now``."""
        now_second = int(now)
        low = max(now_second, self._second) - RATE_WINDOW_S + 1
        high = min(now_second, self._second)
        total = sum(self._buckets[s % RATE_WINDOW_S] for s in range(max(low, 0), high + 1))
        return total / (RATE_WINDOW_S - 1 + (now - now_second))


class TopicNode:
    """One node: a socket, a part of a topic, "(no topic)" or "… other topics".

    ``key`` is the topic text up to this node (the parts joined by the separator); children
    are kept in the order they first appeared, and ``row`` is this node's place among its
    parent's, which never changes (the tree only grows until it is rebuilt)."""

    __slots__ = (
        *("name", "key", "kind", "socket", "parent", "row", "children", "lookup", "stats"),
        *("latest_text", "latest_text_seq"),
    )

    def __init__(
        self, name: str, key: str, kind: str, socket: str, parent: TopicNode | None
    ) -> None:
        self.name = name
        self.key = key
        self.kind = kind
        self.socket = socket
        self.parent = parent
        self.row = len(parent.children) if parent is not None else 0
        self.children: list[TopicNode] = []
        self.lookup: dict[str, TopicNode] = {}
        self.stats = TopicStats()
        self.latest_text = ""  # the latest value's one line, once someone looked at it
        self.latest_text_seq = -1

    @property
    def label(self) -> str:
        return self.name if self.name or self.kind != TOPIC else EMPTY_PART_LABEL

    def path(self) -> list[TopicNode]:
        """This node and its ancestors up to (without) the invisible root, root-most first."""
        nodes = []
        node: TopicNode | None = self
        while node is not None and node.parent is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    def __repr__(self) -> str:
        return f"TopicNode({self.socket!r}, {self.key!r}, {self.kind}, {self.stats.count})"


@dataclass(frozen=True)
class TopicScope:
    """A node as a filter of the traffic table: topics equal to ``key`` or, unless ``exact``,
    below it (``key`` followed by ``separator``). The socket is the filter's own part."""

    key: str
    separator: str = ""
    exact: bool = False

    def matches(self, topic: str) -> bool:
        if self.exact:
            return topic == self.key
        if not topic:  # messages without a topic are only under "(no topic)"
            return False
        return topic == self.key or (
            bool(self.separator) and topic.startswith(self.key + self.separator)
        )

    def text(self) -> str:
        return self.key or NO_TOPIC_LABEL


def scope_of(node: TopicNode, separator: str) -> TopicScope | None:
    """The filter that shows ``node``'s messages: None for a socket (the socket filter is
    enough) and for "… other topics" (they are not known one by one)."""
    if node.kind == TOPIC:
        return TopicScope(node.key, separator)
    if node.kind == NO_TOPIC:
        return TopicScope("", "", exact=True)
    return None


class TopicTree:
    """Sockets, and under each its topics split on ``separator``, with their figures."""

    def __init__(
        self, separator: str = "/", max_topics: int = MAX_TOPICS, max_nodes: int = MAX_NODES
    ) -> None:
        if separator not in SEPARATORS.values():
            raise ValueError(f"unknown separator {separator!r}")
        self.separator = separator
        self.max_topics = max_topics
        self.max_nodes = max_nodes
        # (socket, topic) -> figures; topic None: the socket's topics past max_topics
        self.topics: dict[tuple[str, str | None], TopicStats] = {}
        self.generation = 0  # changes when the tree is rebuilt: views start over
        self._pending: list[tuple[tuple[str, str | None], TopicStats]] = []  # to rebuild
        self._pending_at = 0
        self._reset_nodes()

    def _reset_nodes(self) -> None:
        self.root = TopicNode("", "", SOCKET, "", None)
        self.node_count = 0
        self._sockets: dict[str, TopicNode] = {}
        self._placed: dict[tuple[str, str | None], TopicNode] = {}
        self._other_sockets: TopicNode | None = None
        # nodes that gained children since take_grown(), with how many they had before
        self.grown: dict[TopicNode, int] = {}

    # -- building ----------------------------------------------------------------------
    def clear(self) -> None:
        self.topics.clear()
        self._pending, self._pending_at = [], 0
        self._reset_nodes()
        self.generation += 1

    def set_separator(self, separator: str) -> None:
        """Split topics on ``separator`` from now on: the tree is rebuilt from the flat
        figures (no message is read again)."""
        if separator not in SEPARATORS.values():
            raise ValueError(f"unknown separator {separator!r}")
        if separator == self.separator:
            return
        self.separator = separator
        self._reset_nodes()
        self.generation += 1
        self._pending = list(self.topics.items())
        self._pending_at = 0

    @property
    def rebuilding(self) -> bool:
        """Whether a new separator's tree is still being built (see ``rebuild``)."""
        return self._pending_at < len(self._pending)

    def rebuild(
        self, deadline: float = float("inf"), clock: Callable[[], float] = monotonic
    ) -> bool:
        """Build the new separator's tree until ``deadline``: 10,000 topics take about
        0.1 s, too long for one turn of the loop. True when it is complete."""
        pending = self._pending
        while self._pending_at < len(pending):
            for (socket, topic), stats in pending[self._pending_at : self._pending_at + 256]:
                for node in self._nodes_of(self._place(socket, topic)):
                    node.stats.merge(stats)
            self._pending_at += 256
            if clock() >= deadline:
                break
        if self._pending_at >= len(pending):
            self._pending, self._pending_at = [], 0
            return True
        return False

    def add(self, socket: str, topic: str, counts: dict[int, int], seq: int, when: float) -> None:
        """Messages of one batch on ``topic`` of ``socket``: ``counts`` per second (int of
        their time), the newest being ``seq`` at ``when``."""
        if self.rebuilding:  # the flat figures must not be merged twice
            self.rebuild()
        flat_key: tuple[str, str | None] = (socket, topic)
        stats = self.topics.get(flat_key)
        if stats is None:
            if len(self.topics) >= self.max_topics:
                flat_key = (socket, None)
                stats = self.topics.get(flat_key)
            if stats is None:
                stats = self.topics[flat_key] = TopicStats()
        leaf = self._placed.get(flat_key) or self._place(*flat_key)
        # the flat figures move with the nodes'
        targets = [stats, *(node.stats for node in self._nodes_of(leaf))]
        for second, count in counts.items():
            for target in targets:
                target.add(count, second)
        for target in targets:
            target.note_latest(seq, when)

    def take_grown(self) -> dict[TopicNode, int]:
        """The nodes that gained children since the last call, with their count before."""
        grown, self.grown = self.grown, {}
        return grown

    # -- placing -------------------------------------------------------------------------
    @staticmethod
    def _nodes_of(leaf: TopicNode) -> Iterator[TopicNode]:
        node: TopicNode | None = leaf
        while node is not None and node.parent is not None:
            yield node
            node = node.parent

    def _place(self, socket: str, topic: str | None) -> TopicNode:
        """The node that counts ``topic`` of ``socket``, made (with its parents) if room."""
        placed = self._placed.get((socket, topic))
        if placed is not None:
            return placed
        root = self._socket_node(socket)
        if root.kind == OTHER:  # past the cap, even for sockets
            node = root
        elif topic is None:
            node = self._other(root)
        elif topic == "":
            node = root.lookup.get(_SPECIAL + NO_TOPIC) or self._child(
                root, NO_TOPIC_LABEL, "", NO_TOPIC
            )
        else:
            parts = topic.split(self.separator) if self.separator else [topic]
            node = root
            depth = 0  # parts that have a node already
            for part in parts:
                found = node.lookup.get(part)
                if found is None:
                    break
                node = found
                depth += 1
            if self.node_count + len(parts) - depth > self.max_nodes:
                node = self._other(root)
            else:
                for later in range(depth, len(parts)):
                    key = self.separator.join(parts[: later + 1])
                    node = self._child(node, parts[later], key, TOPIC)
        self._placed[(socket, topic)] = node
        return node

    def _socket_node(self, socket: str) -> TopicNode:
        node = self._sockets.get(socket)
        if node is not None:
            return node
        if self.node_count >= self.max_nodes:
            if self._other_sockets is None:
                self._other_sockets = self._child(self.root, OTHER_SOCKETS_LABEL, "", OTHER)
            return self._other_sockets
        node = self._sockets[socket] = self._child(self.root, socket, "", SOCKET, socket)
        return node

    def _other(self, socket_node: TopicNode) -> TopicNode:
        found = socket_node.lookup.get(_SPECIAL + OTHER)
        return found or self._child(socket_node, OTHER_LABEL, "", OTHER)

    def _child(
        self, parent: TopicNode, name: str, key: str, kind: str, socket: str | None = None
    ) -> TopicNode:
        """A new node; "… other" nodes are made past the cap too (one per socket at most)."""
        self.grown.setdefault(parent, len(parent.children))
        node = TopicNode(name, key, kind, parent.socket if socket is None else socket, parent)
        parent.children.append(node)
        # a topic part may read "(no topic)" or "… other topics" too: the special nodes are
        # looked up by their kind, under a key no part of a topic has
        parent.lookup[name if kind in (TOPIC, SOCKET) else _SPECIAL + kind] = node
        if kind != OTHER:
            self.node_count += 1
        return node
