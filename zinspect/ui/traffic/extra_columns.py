"""The traffic table's optional columns: time since the previous message (overall and on its
topic), peer, topic, protocol, latency, and decoded fields the user added, by FieldPath.

They are hidden until the user shows them (the header's menu), and cost nothing until then:
like the summary, a cell is computed only when the view paints it, and what needs decoding
(topic, protocol, fields, the previous message on a topic) is cached per sequence number in
a small LRU. Peer and latency are looked up each time (a bisect and a dict): a reply's
latency appears when the Latency panel has matched it, and a cached blank would hide it.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from zinspect.core.codecs import frame_summary
from zinspect.core.decode.decoder import MessageDecoder, value_text
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.explore.fields import FieldPath, field_value, message_topic, numeric
from zinspect.core.explore.previous import TopicReader, previous_on_topic
from zinspect.core.message_time import seconds_text
from zinspect.core.sockets.connections import SEVERAL_CONNECTIONS
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import IN, Message, MessageStore
from zinspect.core.tap.registry import tap_sender

log = logging.getLogger(__name__)

SINCE_PREVIOUS, SINCE_TOPIC, PEER, TOPIC, PROTOCOL, LATENCY = (
    "since_previous",
    "since_topic",
    "peer",
    "topic",
    "protocol",
    "latency",
)
FIELD_PREFIX = "field:"
# (id, title, header tip) of the optional columns, in the order they are first added
OPTIONAL: tuple[tuple[str, str, str], ...] = (
    (
        SINCE_PREVIOUS,
        "Δ prev",
        "Seconds since the message before it in the store (of any socket, shown or not)",
    ),
    (
        SINCE_TOPIC,
        "Δ topic",
        "Seconds since the previous message on the same socket, direction and topic "
        "(looked for among the few thousand messages before it; blank when none is there)",
    ),
    (
        PEER,
        "Peer",
        "Where a received message came from (the peer's host, as libzmq reports it); on "
        "ROUTER and STREAM also the routing id of frame 1. On a tap's front, who sent it: "
        "a client, or the server at the tap's upstream endpoint",
    ),
    (TOPIC, "Topic", "The message's topic, as the Topics view groups it"),
    (PROTOCOL, "Protocol", "The protocol zinspect recognised in the message, if any"),
    (
        LATENCY,
        "Latency",
        "On a reply: the time since its request (matched by the Latency panel)",
    ),
)
CACHE_SIZE = 8192  # cells of decoded columns kept
DECODE_FRAMES = 64  # frames decoded for a cell, as for the summary
TOPIC_SEARCH_ROWS = 5_000  # the previous message on a topic is looked for this far back
TOPIC_SEARCH_SECONDS = 0.002  # and at most this long per cell
# and all cells together at most this long per TOPIC_WINDOW_S (a page of searches that give
# up cost 30 x 2 ms): the rest show "…" and are asked again on the model's next tick
TOPIC_BUDGET_S = 0.008
TOPIC_WINDOW_S = 0.1
LATER = "…"
CELL_LIMIT = 200  # characters of a field's value in its cell


def field_column_id(path: FieldPath) -> str:
    return FIELD_PREFIX + path.text()


@dataclass
class ColumnSources:
    """What the optional columns ask of other features (set by the composition root):
    the peer host of a received message, and a reply's latency in seconds."""

    peer_host: Callable[[Message], str] = lambda _message: ""
    latency_of: Callable[[int], float | None] = lambda _seq: None


class ExtraColumns:
    """The optional columns' ids in model order and each cell's text and sort key."""

    def __init__(
        self,
        store: MessageStore,
        decoder: MessageDecoder,
        socket_types: dict[str, str],
        tap_fronts: dict[str, str] | None = None,
    ) -> None:
        self._store = store
        self._decoder = decoder
        self._socket_types = socket_types  # the model's own dict
        # the model's tap fronts and their upstream endpoints: who sent a tap's row
        self._tap_fronts = tap_fronts if tap_fronts is not None else {}
        self.sources = ColumnSources()
        self.ids: list[str] = [column_id for column_id, _title, _tip in OPTIONAL]
        self._titles = {column_id: title for column_id, title, _tip in OPTIONAL}
        self._tips = {column_id: tip for column_id, _title, tip in OPTIONAL}
        self._paths: dict[str, FieldPath] = {}
        self._cells: OrderedDict[tuple[int, str], object] = OrderedDict()
        self._decoded: tuple[int, DecodedMessage | None] = (-1, None)
        self._reader = TopicReader(decoder, lambda name: socket_types.get(name, ""))
        self._window_start = 0.0
        self._spent = 0.0
        self.deferred = False  # a Δ topic cell waits for the next window (the model asks again)

    def __len__(self) -> int:
        return len(self.ids)

    def add_field(self, path: FieldPath) -> tuple[str, bool]:
        """The id of ``path``'s column, and whether it is new."""
        column_id = field_column_id(path)
        if column_id in self._paths:
            return column_id, False
        self._paths[column_id] = path
        self._titles[column_id] = path.text()
        self._tips[column_id] = f"The decoded value at {path.text()} (blank when absent)"
        self.ids.append(column_id)
        return column_id, True

    def remove_field(self, column_id: str) -> int:
        """Forget a field column; its index among the extra columns (-1 if unknown)."""
        if column_id not in self._paths:
            return -1
        index = self.ids.index(column_id)
        del self.ids[index]
        del self._paths[column_id]
        self.clear()
        return index

    def field_paths(self) -> list[FieldPath]:
        return list(self._paths.values())

    def title(self, index: int) -> str:
        return self._titles[self.ids[index]]

    def tip(self, index: int) -> str:
        return self._tips[self.ids[index]]

    def is_numeric(self, index: int) -> bool:
        return self.ids[index] in (SINCE_PREVIOUS, SINCE_TOPIC, LATENCY)

    def index_of(self, column_id: str) -> int:
        return self.ids.index(column_id) if column_id in self.ids else -1

    def clear(self) -> None:
        """Decoding changed (rules, socket types): decoded cells are computed again."""
        self._cells.clear()
        self._decoded = (-1, None)

    # -- cells --------------------------------------------------------------------------
    def text(self, message: Message, index: int) -> str:
        value = self.value(message, index)
        column_id = self.ids[index]
        if value is None or value is LATER:
            return "" if value is None else LATER
        if column_id in (SINCE_PREVIOUS, SINCE_TOPIC):
            return seconds_text(float(value))  # type: ignore[arg-type]
        if column_id == LATENCY:
            return f"{float(value) * 1000:.1f} ms"  # type: ignore[arg-type]
        if isinstance(value, str):
            return value[:CELL_LIMIT]
        return value_text(value, CELL_LIMIT)

    def sort_key(self, message: Message | None, index: int) -> tuple:
        """Numbers first, by value; then text; blanks last."""
        value = None if message is None else self.value(message, index)
        if value is None:
            return (2, 0.0, "")
        number = numeric(value)
        if number is not None:  # text that reads as a number sorts as one ("-70")
            return (0, number, "")
        text = value if isinstance(value, str) else value_text(value, CELL_LIMIT)
        return (1, 0.0, text.casefold())

    def needs_decoding(self, index: int) -> bool:
        return self.ids[index] not in (SINCE_PREVIOUS, PEER, LATENCY)

    def value(self, message: Message, index: int) -> object | None:
        column_id = self.ids[index]
        if column_id == SINCE_PREVIOUS:
            before = self._store.time_before(message.seq)
            return None if before is None else message.time - before
        if column_id == PEER:
            return self.peer_text(message) or None
        if column_id == LATENCY:
            return self.sources.latency_of(message.seq)
        key = (message.seq, column_id)
        cells = self._cells
        if key in cells:
            cells.move_to_end(key)
            return cells[key]
        value = self._compute(message, column_id)
        if value is LATER:
            return LATER  # not cached: asked again on the next tick
        cells[key] = value
        if len(cells) > CACHE_SIZE:
            cells.popitem(last=False)
        return value

    def _compute(self, message: Message, column_id: str) -> object | None:
        if column_id == SINCE_TOPIC:
            return self._since_topic(message)
        decoded = self._decode(message)
        if column_id == TOPIC:
            return message_topic(message.frames, decoded) or None
        if column_id == PROTOCOL:
            recognition = decoded.recognition if decoded is not None else None
            return recognition.protocol if recognition is not None else None
        path = self._paths.get(column_id)
        if path is None or decoded is None:
            return None
        return field_value(decoded, path)

    def _since_topic(self, message: Message) -> object | None:
        now = time.monotonic()
        if now - self._window_start > TOPIC_WINDOW_S:
            self._window_start, self._spent = now, 0.0
        if self._spent >= TOPIC_BUDGET_S:
            self.deferred = True
            return LATER
        search = previous_on_topic(
            self._store, message, self._reader, TOPIC_SEARCH_ROWS, TOPIC_SEARCH_SECONDS, True
        )
        self._spent += time.monotonic() - now
        return None if search.found is None else message.time - search.found.time

    def _decode(self, message: Message) -> DecodedMessage | None:
        seq, decoded = self._decoded
        if seq == message.seq:
            return decoded
        kind = self._socket_types.get(message.socket, "")
        try:
            decoded = self._decoder.decode(message.frames, message.socket, kind, DECODE_FRAMES)
        except Exception:  # a decoder's bug must not take the table down
            log.exception("decoding message %d for a column failed", message.seq)
            decoded = None
        self._decoded = (message.seq, decoded)
        return decoded

    def peer_text(self, message: Message) -> str:
        """The Message pane's Peer, on one line: the host, and the routing id on ROUTER; on a
        tap's front who sent it, a client or the server (also a CSV export's peer)."""
        kind = self._socket_types.get(message.socket, "").upper()
        routing = kind in ROUTING_ID_TYPES and bool(message.frames)
        upstream = self._tap_fronts.get(message.socket)
        if upstream is not None:
            routing_id = frame_summary(message.frames[0]) if routing else ""
            host = self.sources.peer_host(message)
            return tap_sender(message.direction, upstream, host, routing_id)
        if message.direction != IN:
            return f"to routing id {frame_summary(message.frames[0])}" if routing else ""
        host = self.sources.peer_host(message)
        if routing and host.startswith(SEVERAL_CONNECTIONS):
            host = host.rpartition(" from ")[2]  # the routing id tells which of them
        parts = [host] if host else []
        if routing:
            parts.append(f"routing id {frame_summary(message.frames[0])}")
        return ", ".join(parts)
