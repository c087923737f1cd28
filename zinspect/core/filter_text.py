"""The text a traffic filter searches in a message, and the bytes a ``0x`` needle names.

Apart from core.traffic_filter, which runs the search, so that each stays small: the text
is the message's frames decoded as UTF-8 (invalid bytes become U+FFFD) and joined with a
newline, at most ``FILTER_TEXT_LIMIT`` bytes of it (one 100 MB message would otherwise
stall the window for seconds)."""

from __future__ import annotations

import string
from collections.abc import Sequence

FILTER_TEXT_LIMIT = 1024 * 1024  # bytes of each message the text filter looks at
FRAME_SEPARATOR = b"\n"


def hex_needle(text: str) -> bytes | None:
    """The bytes a ``0x`` search names (``0xdeadbeef``, ``0x de:ad be ef``), else None."""
    stripped = text.strip()
    if stripped[:2].lower() != "0x":
        return None
    digits = "".join(stripped[2:].split()).replace(":", "")
    if not digits or len(digits) % 2 or any(c not in string.hexdigits for c in digits):
        return None
    return bytes.fromhex(digits)


def message_text(
    frames: Sequence[bytes], size: int | None = None, limit: int = FILTER_TEXT_LIMIT
) -> str:
    """The text a filter searches: frames as UTF-8 (errors replaced), joined by newlines,
    at most ``limit`` bytes of it. ``size`` (the frames' total, as Message.size) saves a sum."""
    return message_bytes(frames, sum(map(len, frames)) if size is None else size, limit).decode(
        "utf-8", "replace"
    )


def message_bytes(frames: Sequence[bytes], size: int, limit: int) -> bytes:
    """``message_text`` before decoding (``size``: the frames' total length)."""
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
