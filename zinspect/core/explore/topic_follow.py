"""Following the store into a topic tree: new messages in batches, each message's topic found
cheaply, the latest value decoded only when someone looks at it.

A message's topic needs its recognition only when a recogniser with a topic of its own
(``PROTOCOL_TOPIC_FIELDS``: Jupyter, Majordomo, bitcoin, pyzmq's log) could read it. Their
``match`` is a look at the frames' count and first bytes; only when one matches is the
message read by the recognisers, in the decoder's order. Everything else gets its topic from
its frames (``message_topic``) without decoding: a full decode costs 7-9 µs a message, the
topic alone about 2 µs (docs/performance.md), and a flood of 600,000 messages a second
leaves no room for the first.

``TopicFollower.step`` works until a deadline, so under a flood the tree falls behind and
catches up when the flood ends, instead of slowing the sockets down. Messages the store
dropped before they were counted are counted in ``missed``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from zinspect.core.decode.decoder import MessageDecoder, frames_summary, value_text
from zinspect.core.decode.model import DecodedMessage, DecodeError
from zinspect.core.decode.recognisers import DEFAULT_JUPYTER_SCHEME, RECOGNISERS
from zinspect.core.explore.fields import PROTOCOL_TOPIC_FIELDS, message_topic
from zinspect.core.explore.topics import TopicNode, TopicTree
from zinspect.core.store import (
    COPY_SLICE,
    HEAD_BYTES,
    ROW_FRAMES,
    ROW_SOCKET,
    ROW_TIME,
    MessageStore,
    Row,
)

log = logging.getLogger(__name__)

CHUNK = 512  # messages taken from the store between looks at the clock
LATEST_LIMIT = 64 * 1024  # bytes of each frame the latest value is decoded from
LATEST_TEXT_LIMIT = 120
GONE_TEXT = "(no longer kept)"
_TOPICAL = [r for r in RECOGNISERS if r.name in PROTOCOL_TOPIC_FIELDS]


class _NoKeys:
    """Recognition without HMAC keys: a topic never depends on a signature."""

    def jupyter_key(self, socket: str) -> bytes | None:
        return None

    def jupyter_scheme(self, socket: str) -> str:
        return DEFAULT_JUPYTER_SCHEME


_NO_KEYS = _NoKeys()


def topic_of(frames: Sequence[bytes], socket_type: str = "") -> str:
    """``message_topic(frames, decoder.decode(frames))``, decoding only when a recogniser
    with a topic of its own could match (the same answer, several times faster)."""
    for recogniser in _TOPICAL:
        if recogniser.match(frames, socket_type):
            break
    else:
        return message_topic(frames)
    for recogniser in RECOGNISERS:  # the decoder's order: the first that reads it wins
        if not recogniser.match(frames, socket_type):
            continue
        try:
            recognition, _ = recogniser.decode(frames, "", socket_type, _NO_KEYS)
        except DecodeError:
            continue
        return message_topic(frames, DecodedMessage((), recognition))
    return message_topic(frames)


def latest_text(decoded: DecodedMessage, frame_count: int) -> str:
    """A message's value on one line: a recognised protocol's summary; else the frames after
    the topic frame of a multipart message, or the one frame's value."""
    if decoded.recognition is not None:
        return value_text(decoded.recognition.summary, LATEST_TEXT_LIMIT)
    frames = decoded.frames[1:] if frame_count > 1 else decoded.frames
    return frames_summary(frames, LATEST_TEXT_LIMIT) if frames else "[no more frames]"


class TopicFollower:
    """Feeds a TopicTree from a MessageStore, a time budget at a time."""

    def __init__(
        self,
        store: MessageStore,
        tree: TopicTree | None = None,
        decoder: MessageDecoder | None = None,
        socket_type_of: Callable[[str], str] = lambda _name: "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.tree = tree if tree is not None else TopicTree()
        self.decoder = decoder if decoder is not None else MessageDecoder()
        self.socket_type_of = socket_type_of
        self.clock = clock
        self.next_seq = store.first_seq  # the first message not counted yet
        self.missed = 0  # messages the store dropped before they were counted
        self._cleared = False
        store.on_before_clear.append(self._on_store_before_clear)

    def close(self) -> None:
        """Stop hearing of the store's clears (the view is going away)."""
        if self._on_store_before_clear in self.store.on_before_clear:
            self.store.on_before_clear.remove(self._on_store_before_clear)

    def _on_store_before_clear(self) -> None:
        self._cleared = True

    @property
    def behind(self) -> int:
        """Messages kept but not counted yet."""
        return max(0, self.store.end_seq - max(self.next_seq, self.store.first_seq))

    def step(self, deadline: float = float("inf")) -> bool:
        """Count new messages until ``deadline`` (a ``clock`` value); True if any were."""
        store = self.store
        if self._cleared:
            self._cleared = False
            self.tree.clear()
            self.missed = 0
            self.next_seq = store.first_seq
        if self.next_seq < store.first_seq:
            self.missed += store.first_seq - self.next_seq
            self.next_seq = store.first_seq
        counted = False
        if self.tree.rebuilding:
            counted = True
            if not self.tree.rebuild(deadline, self.clock):
                return True  # new messages wait for the new tree
        while self.next_seq < store.end_seq:
            # topics read a frame's head: a big frame kept as received stays so (core.rows)
            first, rows = store.rows(self.next_seq, self.next_seq + CHUNK, COPY_SLICE, HEAD_BYTES)
            self.feed(first, rows)
            self.next_seq = first + len(rows)
            counted = True
            if self.clock() >= deadline:
                break
        return counted

    def feed(self, first_seq: int, rows: Sequence[Row]) -> None:
        """Count ``rows`` (store rows numbered from ``first_seq``): one pass to find each
        message's topic, then one tree update per distinct (socket, topic)."""
        counts: dict[tuple[str, str], dict[int, int]] = {}
        latest: dict[tuple[str, str], int] = {}
        types: dict[str, str] = {}
        seq = first_seq
        for row in rows:
            socket = row[ROW_SOCKET]
            socket_type = types.get(socket)
            if socket_type is None:
                socket_type = types[socket] = self.socket_type_of(socket)
            key = (socket, topic_of(row[ROW_FRAMES:], socket_type))
            per_second = counts.get(key)
            if per_second is None:
                per_second = counts[key] = {}
            second = int(row[ROW_TIME])
            per_second[second] = per_second.get(second, 0) + 1
            latest[key] = seq
            seq += 1
        add = self.tree.add
        for key, per_second in counts.items():
            newest = latest[key]
            add(key[0], key[1], per_second, newest, rows[newest - first_seq][ROW_TIME])

    def latest_value(self, node: TopicNode) -> str:
        """The latest message of ``node`` on one line, decoded now if it changed since
        last asked (only nodes on screen are asked)."""
        seq = node.latest_seq
        if seq < 0:
            return ""
        shown_seq, shown = node.latest_text
        if seq == shown_seq:
            return shown
        row = self.store.preview_row(seq)  # (LATEST_LIMIT bytes of a frame are read)
        if row is None:
            return shown or GONE_TEXT
        frames = [frame[:LATEST_LIMIT] for frame in row[ROW_FRAMES:]]
        socket = row[ROW_SOCKET]
        try:
            decoded = self.decoder.decode(frames, socket, self.socket_type_of(socket))
            text = latest_text(decoded, len(frames))
        except Exception:  # a plugin decoder's bug must not break the view
            log.exception("decoding the latest message of %s failed", node.key)
            text = value_text(frames[-1] if frames else b"", LATEST_TEXT_LIMIT)
        node.latest_text = (seq, text)
        return text
