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

Nodes are numbers, and their names, parents and figures sit in arrays and lists, never an
object per node (``TopicNode`` and ``TopicStats`` are handles made on demand): 10,000 topics
as objects were 40,000 more for every full run of the garbage collector to visit, and
building them set off full runs of 150-200 ms in the window (the store's rows avoid objects
for the same reason: docs/architecture.md, "Storing").
"""

from __future__ import annotations

from array import array
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
_ZEROS = [0] * RATE_WINDOW_S
KINDS = (SOCKET, TOPIC, NO_TOPIC, OTHER)
ROOT = 0  # the invisible root's node number
_OTHER = KINDS.index(OTHER)
_NO_KIDS: array[int] = array("q")
_SPECIAL = "\0"  # lookup keys of "(no topic)" and "… other topics" start with it


class StatsTable:
    """Figures of many nodes or topics, one entry per number, in arrays: count, time of the
    last message, the latest message's seq, and messages per second of the last seconds."""

    def __init__(self) -> None:
        self.count = array("q")
        self.last_time = array("d")
        self.latest_seq = array("q")
        self.second = array("q")  # the second (int of time) of each entry's newest bucket
        self.buckets = array("q")  # RATE_WINDOW_S per entry, by second % RATE_WINDOW_S

    def __len__(self) -> int:
        return len(self.count)

    def new(self) -> int:
        self.count.append(0)
        self.last_time.append(0.0)
        self.latest_seq.append(-1)
        self.second.append(0)
        self.buckets.extend(_ZEROS)
        return len(self.count) - 1

    def add(self, index: int, count: int, second: int) -> None:
        """``count`` messages that came in ``second`` (int of their time)."""
        self.count[index] += count
        newest = self.second[index]
        base = index * RATE_WINDOW_S
        buckets = self.buckets
        if second > newest:
            for gone in range(max(newest + 1, second - RATE_WINDOW_S + 1), second + 1):
                buckets[base + gone % RATE_WINDOW_S] = 0
            self.second[index] = second
        elif second <= newest - RATE_WINDOW_S:
            return  # older than the window: counted, but not in the rate
        buckets[base + second % RATE_WINDOW_S] += count

    def note_latest(self, index: int, seq: int, when: float) -> None:
        if seq > self.latest_seq[index]:
            self.latest_seq[index] = seq
        if when > self.last_time[index]:
            self.last_time[index] = when

    def merge(self, index: int, other: StatsTable, at: int) -> None:
        """Add entry ``at`` of ``other`` to entry ``index`` (a parent gathers its children)."""
        theirs = at * RATE_WINDOW_S
        mine = index * RATE_WINDOW_S
        their_second = other.second[at]
        if not self.count[index]:  # a new node: a copy (the common case of a rebuild)
            self.second[index] = their_second
            self.buckets[mine : mine + RATE_WINDOW_S] = other.buckets[
                theirs : theirs + RATE_WINDOW_S
            ]
        else:
            self.add(index, 0, their_second)  # moves the window on, if theirs is newer
            start = max(their_second, self.second[index]) - RATE_WINDOW_S + 1
            for second in range(start, their_second + 1):
                slot = second % RATE_WINDOW_S
                self.buckets[mine + slot] += other.buckets[theirs + slot]
        self.count[index] += other.count[at]
        self.note_latest(index, other.latest_seq[at], other.last_time[at])

    def rate(self, index: int, now: float) -> float:
        """Messages per second over the last RATE_WINDOW_S seconds up to ``now``."""
        now_second = int(now)
        newest = self.second[index]
        low = max(max(now_second, newest) - RATE_WINDOW_S + 1, 0)
        base = index * RATE_WINDOW_S
        total = sum(
            self.buckets[base + s % RATE_WINDOW_S] for s in range(low, min(now_second, newest) + 1)
        )
        return total / (RATE_WINDOW_S - 1 + (now - now_second))


class TopicStats:
    """One entry of a StatsTable (a table of its own when made alone)."""

    __slots__ = ("table", "index")

    def __init__(self, table: StatsTable | None = None, index: int = -1) -> None:
        if table is None:
            table = StatsTable()
            index = table.new()
        self.table = table
        self.index = index

    @property
    def count(self) -> int:
        return self.table.count[self.index]

    @property
    def last_time(self) -> float:
        return self.table.last_time[self.index]

    @property
    def latest_seq(self) -> int:
        return self.table.latest_seq[self.index]

    def add(self, count: int, second: int) -> None:
        self.table.add(self.index, count, second)

    def note_latest(self, seq: int, when: float) -> None:
        self.table.note_latest(self.index, seq, when)

    def merge(self, other: TopicStats) -> None:
        self.table.merge(self.index, other.table, other.index)

    def rate(self, now: float) -> float:
        return self.table.rate(self.index, now)


class TopicNode(TopicStats):
    """A node of a TopicTree, by number: a socket, a part of a topic, "(no topic)" or
    "… other topics", with the figures of its whole subtree.

    ``key`` is the topic text up to this node (the parts joined by the separator); children
    are in the order they first appeared, and ``row`` is the node's place among its
    parent's, which never changes (the tree only grows until it is rebuilt)."""

    __slots__ = ("tree",)

    def __init__(self, tree: TopicTree, number: int) -> None:
        super().__init__(tree.stats, number)
        self.tree = tree

    @property
    def number(self) -> int:
        return self.index

    @property
    def stats(self) -> TopicStats:
        return self

    @property
    def name(self) -> str:
        return self.tree.names[self.index]

    @property
    def key(self) -> str:
        return self.tree.keys[self.index]

    @property
    def kind(self) -> str:
        return KINDS[self.tree.kinds[self.index]]

    @property
    def socket(self) -> str:
        return self.tree.socket_names[self.index]

    @property
    def row(self) -> int:
        return self.tree.rows[self.index]

    @property
    def parent(self) -> TopicNode | None:
        if self.index == ROOT:
            return None
        return TopicNode(self.tree, self.tree.parents[self.index])

    @property
    def children(self) -> list[TopicNode]:
        return [TopicNode(self.tree, n) for n in self.tree.children_of(self.index)]

    @property
    def label(self) -> str:
        return self.name if self.name or self.kind != TOPIC else EMPTY_PART_LABEL

    @property
    def latest_text(self) -> tuple[int, str]:
        """(seq, text) of the latest value as last shown; (-1, "") if never."""
        return self.tree.latest_texts.get(self.index, (-1, ""))

    @latest_text.setter
    def latest_text(self, value: tuple[int, str]) -> None:
        self.tree.latest_texts[self.index] = value

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TopicNode) and other.tree is self.tree and other.index == self.index
        )

    def __hash__(self) -> int:
        return hash((id(self.tree), self.index))

    def __repr__(self) -> str:
        return f"TopicNode({self.socket!r}, {self.key!r}, {self.kind}, {self.count})"


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
        # (socket, topic) -> entry of ``flat``; topic None: the socket's topics past the cap
        self.topics: dict[tuple[str, str | None], int] = {}
        self.flat = StatsTable()
        self.generation = 0  # changes when the tree is rebuilt: views start over
        self._pending: list[tuple[tuple[str, str | None], int]] = []  # to rebuild
        self._pending_at = 0
        self._reset_nodes()

    def _reset_nodes(self) -> None:
        self.stats = StatsTable()
        self.names: list[str] = []
        self.keys: list[str] = []
        self.socket_names: list[str] = []
        self.kinds = bytearray()
        self.parents = array("q")
        self.rows = array("q")
        self._kids: dict[int, array[int]] = {}  # children's numbers, of nodes that have any
        self._children: dict[tuple[int, str], int] = {}  # (parent, name) -> child
        self._sockets: dict[str, int] = {}
        self._placed: dict[tuple[str, str | None], int] = {}
        self._other_sockets: int | None = None
        self.latest_texts: dict[int, tuple[int, str]] = {}
        self.node_count = 0  # nodes under the cap ("… other" ones are not counted)
        # nodes that gained children since take_grown(), with how many they had before
        self.grown: dict[int, int] = {}
        self._new_node("", "", SOCKET, "", -1)  # the root
        self.node_count = 0

    @property
    def root(self) -> TopicNode:
        return TopicNode(self, ROOT)

    def node(self, number: int) -> TopicNode:
        return TopicNode(self, number)

    def children_of(self, number: int) -> array[int]:
        return self._kids.get(number, _NO_KIDS)

    def child(self, parent: int, name: str) -> int | None:
        """The number of ``parent``'s child for the topic part ``name``."""
        return self._children.get((parent, name))

    def depth(self, number: int) -> int:
        depth = 0
        while number != ROOT:
            number = self.parents[number]
            depth += 1
        return depth

    # -- building ----------------------------------------------------------------------
    def clear(self) -> None:
        self.topics.clear()
        self.flat = StatsTable()
        self._pending, self._pending_at = [], 0
        self._reset_nodes()
        self.generation += 1

    def set_separator(self, separator: str) -> None:
        """Split topics on ``separator`` from now on; ``rebuild`` builds the new tree from
        the flat figures (no message is read again)."""
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
        """Build the new separator's tree until ``deadline``. True when it is complete."""
        pending = self._pending
        merge, flat = self.stats.merge, self.flat
        while self._pending_at < len(pending):
            for (socket, topic), entry in pending[self._pending_at : self._pending_at + 256]:
                for number in self._path(self._place(socket, topic)):
                    merge(number, flat, entry)
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
        entry = self.topics.get(flat_key)
        if entry is None:
            if len(self.topics) >= self.max_topics:
                flat_key = (socket, None)
                entry = self.topics.get(flat_key)
            if entry is None:
                entry = self.topics[flat_key] = self.flat.new()
        leaf = self._placed.get(flat_key)
        if leaf is None:
            leaf = self._place(*flat_key)
        path = list(self._path(leaf))
        flat, stats = self.flat, self.stats
        for second, count in counts.items():
            flat.add(entry, count, second)
            for number in path:
                stats.add(number, count, second)
        flat.note_latest(entry, seq, when)
        for number in path:
            stats.note_latest(number, seq, when)

    def take_grown(self) -> dict[int, int]:
        """The nodes that gained children since the last call, with their count before."""
        grown, self.grown = self.grown, {}
        return grown

    # -- placing -------------------------------------------------------------------------
    def _path(self, leaf: int) -> Iterator[int]:
        """``leaf`` and its ancestors, without the root."""
        parents = self.parents
        while leaf != ROOT:
            yield leaf
            leaf = parents[leaf]

    def _place(self, socket: str, topic: str | None) -> int:
        """The node that counts ``topic`` of ``socket``, made (with its parents) if room."""
        placed = self._placed.get((socket, topic))
        if placed is not None:
            return placed
        root = self._socket_node(socket)
        if self.kinds[root] == _OTHER:  # past the cap, even for sockets
            node = root
        elif topic is None:
            node = self._other(root)
        elif topic == "":
            found = self.child(root, _SPECIAL + NO_TOPIC)
            node = (
                found
                if found is not None
                else self._new_node(NO_TOPIC_LABEL, "", NO_TOPIC, socket, root)
            )
        else:
            parts = topic.split(self.separator) if self.separator else [topic]
            node = root
            depth = 0  # parts that have a node already
            for part in parts:
                found = self.child(node, part)
                if found is None:
                    break
                node = found
                depth += 1
            if self.node_count + len(parts) - depth > self.max_nodes:
                node = self._other(root)
            else:
                for later in range(depth, len(parts)):
                    key = self.separator.join(parts[: later + 1])
                    node = self._new_node(parts[later], key, TOPIC, socket, node)
        self._placed[(socket, topic)] = node
        return node

    def _socket_node(self, socket: str) -> int:
        node = self._sockets.get(socket)
        if node is not None:
            return node
        if self.node_count >= self.max_nodes:
            if self._other_sockets is None:
                self._other_sockets = self._new_node(OTHER_SOCKETS_LABEL, "", OTHER, "", ROOT)
            return self._other_sockets
        node = self._sockets[socket] = self._new_node(socket, "", SOCKET, socket, ROOT)
        return node

    def _other(self, socket_node: int) -> int:
        found = self.child(socket_node, _SPECIAL + OTHER)
        if found is not None:
            return found
        socket = self.socket_names[socket_node]
        return self._new_node(OTHER_LABEL, "", OTHER, socket, socket_node)

    def _new_node(self, name: str, key: str, kind: str, socket: str, parent: int) -> int:
        """A new node; "… other" nodes are made past the cap too (one per socket at most)."""
        number = self.stats.new()
        self.names.append(name)
        self.keys.append(key)
        self.socket_names.append(socket)
        self.kinds.append(KINDS.index(kind))
        self.parents.append(parent)
        if parent >= 0:
            kids = self._kids.get(parent)
            if kids is None:
                kids = self._kids[parent] = array("q")
            self.grown.setdefault(parent, len(kids))
            self.rows.append(len(kids))
            kids.append(number)
            # a topic part may read "(no topic)" or "… other topics" too: the special
            # nodes are looked up by their kind, under a name no part of a topic has
            self._children[parent, name if kind in (TOPIC, SOCKET) else _SPECIAL + kind] = number
        else:
            self.rows.append(0)
        if kind != OTHER:
            self.node_count += 1
        return number
