"""What the traffic table's filter bar matches, compiled once, run over the store in chunks.

No Qt in here, so the matching rules are testable on their own and the model only decides
*when* to match (a time budget per timer tick), never *what* matches.

The text a filter searches is the message's frames decoded as UTF-8 (invalid bytes become
U+FFFD) and joined with a newline, so a regex can anchor on frame boundaries with ``^``/``$``.
Only the first ``FILTER_TEXT_LIMIT`` bytes of a message are searched: one 100 MB message
would otherwise stall the UI for seconds, and no search can be split across timer ticks
without changing what a regex means. Bytes that are not text are reached with a ``0x``
needle instead (``0x de ad be ef``), which is searched in the raw frames.
"""

from __future__ import annotations

import logging
import re
import string
import time
from array import array
from dataclasses import dataclass
from typing import Sequence

from zinspect.core.store import IN, OUT, Message

log = logging.getLogger("zinspect.ui.traffic_filter")

FILTER_TEXT_LIMIT = 1024 * 1024  # bytes of each message the text filter looks at
FRAME_SEPARATOR = b"\n"
# The text scan reads the clock after this much work: a message's size plus a per-message
# allowance (so about every 60 small messages, and after every large one).
_CHECK_BYTES = 256 * 1024
_MESSAGE_COST = 4096


class FilterError(ValueError):
    """The filter text cannot be used; the message is meant for the user."""


@dataclass(frozen=True)
class TrafficFilter:
    """The user's choice in the filter bar; ``None``/empty parts match everything."""

    socket: str | None = None
    direction: str | None = None  # core.store.IN or OUT
    text: str = ""
    regex: bool = False

    @property
    def active(self) -> bool:
        return bool(self.socket is not None or self.direction or self.text)

    def compile(self) -> FilterMatcher:
        """A matcher for this filter; raises FilterError for an invalid regular expression."""
        if self.direction not in (None, IN, OUT):
            raise FilterError(f"Unknown direction {self.direction!r}")
        pattern: re.Pattern[str] | None = None
        needle = ""
        hex_bytes: bytes | None = None
        if self.text and self.regex:
            try:
                pattern = re.compile(self.text, re.IGNORECASE | re.MULTILINE)
            except re.error as error:
                where = f" at position {error.pos + 1}" if error.pos is not None else ""
                raise FilterError(f"Invalid regular expression: {error.msg}{where}") from None
        elif self.text:
            needle = self.text.lower()
            hex_bytes = hex_needle(self.text)
        return FilterMatcher(self.socket, self.direction, pattern, needle, hex_bytes)


def hex_needle(text: str) -> bytes | None:
    """The bytes a ``0x`` search names (``0xdeadbeef``, ``0x de:ad be ef``), else None."""
    stripped = text.strip()
    if stripped[:2].lower() != "0x":
        return None
    digits = "".join(stripped[2:].split()).replace(":", "")
    if not digits or len(digits) % 2 or any(c not in string.hexdigits for c in digits):
        return None
    return bytes.fromhex(digits)


def message_text(frames: Sequence[bytes], size: int | None = None,
                 limit: int = FILTER_TEXT_LIMIT) -> str:
    """The text a filter searches: frames as UTF-8 (errors replaced), joined by newlines,
    at most ``limit`` bytes of it. ``size`` (the frames' total, as Message.size) saves a sum."""
    return _message_bytes(frames, sum(map(len, frames)) if size is None else size,
                          limit).decode("utf-8", "replace")


def _message_bytes(frames: Sequence[bytes], size: int, limit: int) -> bytes:
    if len(frames) == 1:
        data = frames[0]
        return data if size <= limit else data[:limit]
    if size + len(frames) - 1 <= limit:
        return FRAME_SEPARATOR.join(frames)
    parts = []
    room = limit
    for frame in frames:
        if room <= 0:
            break
        parts.append(frame[:room])
        room -= len(frame) + 1
    return FRAME_SEPARATOR.join(parts)[:limit]


class FilterMatcher:
    """A compiled filter: tells whether one message matches, or scans a batch of them."""

    def __init__(self, socket: str | None, direction: str | None,
                 pattern: re.Pattern[str] | None, needle: str,
                 hex_bytes: bytes | None) -> None:
        self.socket = socket
        self.direction = direction
        self.pattern = pattern
        self.needle = needle
        self.hex_bytes = hex_bytes

    @property
    def has_text(self) -> bool:
        return self.pattern is not None or bool(self.needle)

    def matches(self, message: Message) -> bool:
        out = array("q")
        self.scan((message,), out, float("inf"))
        return bool(out)

    def scan(self, messages: Sequence[Message], out: array, deadline: float) -> int:
        """Append the seq of each matching message to ``out``, in order, until ``deadline``
        (a time.monotonic value); returns how many messages were examined.

        Without text the predicate is cheap and a whole batch is done at once (the caller
        keeps batches small); with text the clock is read every few messages and after
        large ones, so one tick stays close to its budget. The loop is written out flat
        because it runs for every stored message.
        """
        socket, direction = self.socket, self.direction
        if not self.has_text:
            if socket is not None and direction is not None:
                out.extend([m.seq for m in messages
                            if m.socket == socket and m.direction == direction])
            elif socket is not None:
                out.extend([m.seq for m in messages if m.socket == socket])
            elif direction is not None:
                out.extend([m.seq for m in messages if m.direction == direction])
            else:
                out.extend([m.seq for m in messages])
            return len(messages)
        search = self.pattern.search if self.pattern is not None else None
        needle = self.needle
        raw = self.hex_bytes
        limit = FILTER_TEXT_LIMIT
        separator = FRAME_SEPARATOR
        clock = time.monotonic
        append = out.append
        since_check = 0
        count = 0
        for message in messages:
            count += 1
            if socket is not None and message.socket != socket:
                continue
            if direction is not None and message.direction != direction:
                continue
            frames = message.frames
            size = message.size
            if len(frames) == 1 and size <= limit:
                data = frames[0]
            elif size + len(frames) <= limit:
                data = separator.join(frames)
            else:
                data = _message_bytes(frames, size, limit)
            text = data.decode("utf-8", "replace")
            if search is not None:
                found = search(text) is not None
            else:
                found = needle in text.lower() or (
                    raw is not None and any(raw in frame[:limit] for frame in frames))
            if found:
                append(message.seq)
            since_check += size + _MESSAGE_COST
            if since_check >= _CHECK_BYTES:
                since_check = 0
                if clock() >= deadline:
                    break
        return count
