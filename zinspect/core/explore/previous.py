"""The message before another on the same socket, direction and topic: what "compare with
the previous on this topic" and the Message pane's pinned diff compare against.

The store keeps up to a million messages and has no index by topic, so the search walks back
from the message row by row, looking at the socket and direction first (free), then the
topic; a message is decoded only when a protocol recogniser claims it (its topic is the
protocol's own key). The walk stops after a number of rows and a time budget, and says how
far it looked, so a topic that went quiet long ago costs one bounded search.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.recognisers import RECOGNISERS
from zinspect.core.explore.fields import message_topic
from zinspect.core.store import (
    HEAD_BYTES,
    ROW_DIRECTION,
    ROW_FRAMES,
    ROW_SOCKET,
    Message,
    MessageStore,
)

SEARCH_ROWS = 200_000  # rows looked at, at most, for one search
SEARCH_SECONDS = 0.05  # and at most this long (the GUI thread waits for it)
_SLICE = 4_096


@dataclass(frozen=True)
class PreviousSearch:
    """What the search found: the message (or None), the topic it matched, how many kept
    messages it looked back over, and whether it reached the oldest one kept."""

    found: Message | None
    topic: str
    searched: int
    complete: bool


class TopicReader:
    """A message's topic as ``fields.message_topic`` gives it, decoding only when a
    recogniser matches (the only case where decoding changes the answer)."""

    def __init__(self, decoder: MessageDecoder, socket_type_of: Callable[[str], str]) -> None:
        self._decoder = decoder
        self._socket_type_of = socket_type_of

    def topic(self, frames: Sequence[bytes], socket: str) -> str:
        socket_type = self._socket_type_of(socket)
        if any(recogniser.match(frames, socket_type) for recogniser in RECOGNISERS):
            return message_topic(frames, self._decoder.decode(frames, socket, socket_type))
        return message_topic(frames)


def previous_on_topic(
    store: MessageStore,
    message: Message,
    reader: TopicReader,
    max_rows: int = SEARCH_ROWS,
    max_seconds: float = SEARCH_SECONDS,
    preview: bool = False,
) -> PreviousSearch:
    """The newest kept message before ``message`` on its socket, direction and topic.
    ``preview``: the caller reads the found message's time or head only (a table cell), so
    a big frame of it kept as received comes as its head (MessageStore.preview)."""
    topic = reader.topic(message.frames, message.socket)
    deadline = time.monotonic() + max_seconds
    searched = 0
    end = min(message.seq, store.end_seq)
    while end > store.first_seq and searched < max_rows:
        start = max(store.first_seq, end - _SLICE, end - (max_rows - searched))
        first, rows = store.rows(start, end, head=HEAD_BYTES)  # (topics read heads only)
        for offset in range(len(rows) - 1, -1, -1):
            row = rows[offset]
            searched += 1
            if searched % 256 == 0 and time.monotonic() > deadline:
                return PreviousSearch(None, topic, searched, False)
            if row[ROW_SOCKET] != message.socket or row[ROW_DIRECTION] != message.direction:
                continue
            frames: Sequence[bytes] = row[ROW_FRAMES:]
            if reader.topic(frames, message.socket) == topic:
                found = store.preview(first + offset) if preview else store.get(first + offset)
                return PreviousSearch(found, topic, searched, True)
        end = first
    return PreviousSearch(None, topic, searched, end <= store.first_seq)
