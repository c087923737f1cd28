"""The traffic store: every message in and out, newest kept, capped by count and bytes.

It is the single source of truth for traffic. Views never get a callback per message; they
compare ``end_seq`` with what they have shown and pull the new range at frame rate.
Messages are numbered by a sequence that never repeats, so a view can keep sequence numbers
(e.g. the rows matching a filter) and find out cheaply which of them were dropped.
"""

from __future__ import annotations

import logging
from typing import Iterable, Iterator, Sequence

log = logging.getLogger("zinspect.core.store")

DEFAULT_MAX_MESSAGES = 1_000_000
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
IN = "in"
OUT = "out"


class Message:
    """One multipart message as it went over a socket."""

    __slots__ = ("seq", "time", "socket", "direction", "frames", "size")

    def __init__(self, time: float, socket: str, direction: str, frames: list[bytes]) -> None:
        self.seq = -1  # assigned by the store
        self.time = time
        self.socket = socket
        self.direction = direction
        self.frames = frames
        self.size = sum(map(len, frames))

    def __repr__(self) -> str:
        return (f"Message(seq={self.seq}, socket={self.socket!r}, {self.direction}, "
                f"{len(self.frames)} frames, {self.size} B)")


class MessageStore:
    """Ring buffer over a list with a moving start, so row lookup stays O(1)."""

    def __init__(self, max_messages: int = DEFAULT_MAX_MESSAGES,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._items: list[Message] = []
        self._head = 0  # index in _items of the oldest kept message
        self.first_seq = 0  # seq of the oldest kept message
        self.end_seq = 0  # seq the next message will get
        self.total_bytes = 0
        self.dropped = 0
        self.received = 0
        self.sent = 0

    def __len__(self) -> int:
        return self.end_seq - self.first_seq

    def append(self, message: Message) -> None:
        self.extend((message,))

    def extend(self, messages: Iterable[Message]) -> None:
        """Add a batch; the caps are enforced once per batch, not per message."""
        seq = self.end_seq
        added_bytes = 0
        received = 0
        items = self._items
        for message in messages:
            message.seq = seq
            seq += 1
            added_bytes += message.size
            if message.direction == IN:
                received += 1
            items.append(message)
        count = seq - self.end_seq
        self.end_seq = seq
        self.total_bytes += added_bytes
        self.received += received
        self.sent += count - received
        self._enforce_caps()

    def _enforce_caps(self) -> None:
        over = len(self) - self.max_messages
        head = self._head
        items = self._items
        removed_bytes = 0
        if over > 0:
            for message in items[head:head + over]:
                removed_bytes += message.size
            head += over
        while self.total_bytes - removed_bytes > self.max_bytes and head < len(items):
            removed_bytes += items[head].size
            head += 1
        if head == self._head:
            return
        dropped = head - self._head
        self.dropped += dropped
        self.first_seq += dropped
        self.total_bytes -= removed_bytes
        # Release references, compacting the list when the dead prefix dominates it.
        if head > 4096 and head * 2 > len(items):
            del items[:head]
            head = 0
        else:
            for index in range(self._head, head):
                items[index] = None  # type: ignore[call-overload]
        self._head = head

    def get(self, seq: int) -> Message | None:
        """The message with this sequence number, or None if dropped/cleared."""
        if seq < self.first_seq or seq >= self.end_seq:
            return None
        return self._items[self._head + seq - self.first_seq]

    def range(self, start_seq: int, end_seq: int) -> Sequence[Message]:
        """Messages with start_seq <= seq < end_seq that are still kept."""
        start_seq = max(start_seq, self.first_seq)
        end_seq = min(end_seq, self.end_seq)
        if start_seq >= end_seq:
            return []
        offset = self._head - self.first_seq
        return self._items[start_seq + offset:end_seq + offset]

    def __iter__(self) -> Iterator[Message]:
        return iter(self.range(self.first_seq, self.end_seq))

    def clear(self) -> None:
        """Forget every kept message (a user's Clear, not a drop: ``dropped`` is unchanged)."""
        self._items = []
        self._head = 0
        self.first_seq = self.end_seq
        self.total_bytes = 0

    def set_caps(self, max_messages: int, max_bytes: int) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._enforce_caps()
