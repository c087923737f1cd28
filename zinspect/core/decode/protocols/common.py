"""Pieces every recogniser uses: frames given a role, routing ids in words, short hashes.

Kept apart so that each protocol module stays a small reading of its own specification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from zinspect.core.codecs import frame_summary, printable_text
from zinspect.core.decode.frame_decoders import guess
from zinspect.core.decode.model import DecodedFrame

MAX_HOPS = 8  # routing ids before a delimiter that a recogniser looks through
ROUTING_ID_MAX = 255  # libzmq's longest routing id


def guessed(data: bytes, role: str) -> DecodedFrame:
    """``data`` read by the automatic guess, with the role a recogniser gave it."""
    return replace(guess(data), role=role)


def text_frame(text: str, role: str, decoder: str = "text") -> DecodedFrame:
    return DecodedFrame(decoder, text, role=role)


def id_text(data: bytes) -> str:
    """A routing id or address on one line: its text when printable, else hex."""
    return frame_summary(data, 40)


def id_field(data: bytes) -> str:
    """A routing id, address or topic whole for a field: its text when printable, else its
    bytes in hex; cut like ``id_text`` only past libzmq's 255-byte routing ids."""
    if len(data) > ROUTING_ID_MAX:
        return id_text(data)
    text = printable_text(data)
    return text if text is not None else "0x " + data.hex(" ")


def one_line(text: str, keep: int) -> str:
    """Text for a summary: line breaks shown as ⏎, other control characters as spaces, cut
    at ``keep`` characters."""
    line = "".join(
        "⏎" if char == "\n" else " " if char < " " or char == "\x7f" else char
        for char in text[: keep + 1]
        if char != "\r"
    )
    return line if len(line) <= keep else line[: keep - 1] + "…"


def short(text: str, keep: int = 16) -> str:
    """A long hash or id cut for a summary (the fields keep it whole)."""
    return text if len(text) <= keep else text[:keep] + "…"


def delimiter_at(frames: Sequence[bytes], limit: int = MAX_HOPS) -> int | None:
    """Where the empty delimiter is when routing ids (non-empty, at most 255 bytes) come
    before it, looking at the first ``limit`` + 1 frames only; None when there is none."""
    for index, frame in enumerate(frames[: limit + 1]):
        if not frame:
            return index
        if len(frame) > ROUTING_ID_MAX:
            return None
    return None
