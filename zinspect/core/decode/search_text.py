"""The decoded text the traffic filter searches besides the raw bytes, and when it bothers.

Decoding costs a hundred times what a byte search does, so the filter decodes a message only
when that can find something the raw text cannot: its socket has a decode rule (msgpack,
compressed or protobuf frames hide their text from a byte search) or a recogniser claims the
message (its summary names things, "execute_request", that are in no frame), or a frame
opens a msgpack map or array (the Summary shows it guessed as ``{"ok": true}``, and users
filter by what they see). A guessed JSON or text frame's values are in its raw bytes
already, so it is not decoded again.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Any

import msgpack

from zinspect.core.decode.decoder import MessageDecoder, value_text
from zinspect.core.decode.model import DecodedFrame, DecodedMessage
from zinspect.core.decode.msgpack_decoder import (
    CONTAINER_FIRST_BYTES,
    guess_msgpack,
    unpack_simple,
)
from zinspect.core.decode.recognisers import RECOGNISERS

DECODED_SEARCH_LIMIT = 64 * 1024  # larger messages are searched in their raw bytes only
DECODED_TEXT_LIMIT = 64 * 1024  # characters of decoded text searched per message
DECODED_SEARCH_FRAMES = 256  # frames of a message decoded for the filter
# A frame that may be a guessed msgpack map or array: its first byte opens one. Frames are
# joined by NUL or a line break, so a frame starts at the text's start or after one of them
# (a NUL or line break inside a frame gives a candidate that ``text`` rules out).
_MSGPACK_START = re.compile(rb"(?:\A|[\0\n])[\x80-\x9f\xdc-\xdf]")


def guessed_msgpack_text(frames: Sequence[bytes]) -> str | None:
    """The text of the frames the automatic guess reads as msgpack, as the Summary shows
    each (``{"ok": true, "seq": 0}``), or None when there is none. Cheaper than the whole
    decoder (no recogniser, no JSON or text guess; JSON text made in C): a frame that opens
    no msgpack container costs one byte test."""
    texts: list[str] = []
    for frame in frames[:DECODED_SEARCH_FRAMES]:
        if len(frame) >= 2 and frame[0] in CONTAINER_FIRST_BYTES:
            text = _simple_json(frame)
            if text is None:
                text = _guessed_frame_text(frame)
            if text is not None:
                texts.append(text)
    return "\n".join(texts)[:DECODED_TEXT_LIMIT] if texts else None


def _simple_json(frame: bytes) -> str | None:
    """The frame's text made in C alone (``unpack_simple``, then JSON), or None when only
    the whole guess can say (an extension, a timestamp, bytes keys, deep nesting, no
    msgpack at all): the same text ``_guessed_frame_text`` gives, at a third of its cost."""
    try:
        return _ENCODER.encode(unpack_simple(frame))
    except (ValueError, TypeError, msgpack.UnpackException, RecursionError):
        return None


def _guessed_frame_text(frame: bytes) -> str | None:
    value = guess_msgpack(frame)
    if value is None:
        return None
    try:  # the Summary's own spelling, for maps of text and numbers
        return json.dumps(value, ensure_ascii=False, default=_bytes_text)
    except (TypeError, ValueError):  # bytes keys, deep nesting: walk it
        decoded = DecodedFrame("msgpack", value, guessed=True)
        return decoded_text(DecodedMessage((decoded,), summary=value_text(value)))


def _bytes_text(value: object) -> str:
    if isinstance(value, bytes):
        return "0x" + value[:16].hex()
    raise TypeError(type(value).__name__)


# json.dumps(value, ensure_ascii=False, default=_bytes_text) built once (no cycle can come
# out of msgpack, so nothing checks for one): the same text
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, default=_bytes_text)


def decoded_text(decoded: DecodedMessage, limit: int = DECODED_TEXT_LIMIT) -> str:
    """The summary, the protocol's fields and every frame's keys and values, one per line,
    at most ``limit`` characters: what "matches the decoded text" means."""
    parts: list[str] = [decoded.summary]
    used = len(decoded.summary)
    stack: list[object] = []
    if decoded.recognition is not None:
        parts.append(decoded.recognition.protocol)
        stack.append(decoded.recognition.fields)
    stack.extend(reversed([frame.value for frame in decoded.frames]))
    while stack and used < limit:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                stack.append(inner)
                stack.append(key)
            continue
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
            continue
        if isinstance(item, bytes):
            text = item[:64].hex(" ")
        elif item is None:
            text = "null"
        elif isinstance(item, bool):
            text = "true" if item else "false"
        else:
            text = str(item)
        parts.append(text)
        used += len(text) + 1
    return "\n".join(parts)[:limit]


class DecodedSearch:
    """Decoded text for the filter, for the messages where it can add something."""

    def __init__(self, decoder: MessageDecoder, socket_types: Mapping[str, str]) -> None:
        self._decoder = decoder
        self._socket_types = socket_types
        self._rule_sockets = decoder.sockets_with_rules()
        # an envelope's frames read as their raw bytes do: only the others add text
        self._claimers = [r for r in RECOGNISERS if r.name != "envelope"]
        self._recognisers = bool(self._claimers)
        markers: list[bytes] = []
        self._unmarked = False  # a recogniser that names no markers: every row is a candidate
        for recogniser in self._claimers:
            named = getattr(recogniser, "markers", ())
            self._unmarked |= not named
            markers.extend(named)
        self._markers = tuple(dict.fromkeys(markers))
        self._marked: set[int] = set()  # the last ``candidates``' rows holding a marker

    @property
    def active(self) -> bool:
        """Whether any message could read differently decoded (else the filter skips it all)."""
        return bool(self._rule_sockets) or self._recognisers

    def candidates(
        self,
        rows: Sequence[Sequence[object]],
        socket_at: int,
        size_at: int,
        frames_from: int,
        joined: tuple[Sequence[bytes], bytes] | None = None,
    ) -> Sequence[int]:
        """Indices of ``rows`` (store rows: the socket, size and frames at these places)
        worth asking ``text`` about: those on a socket with rules, those holding a
        recogniser's marker and those with a frame that opens a msgpack container, found by
        searching the joined bytes in C. A filter over a
        million messages no protocol claims so asks about almost none of them (one by one,
        the recognisers' ``match`` cost 5 s per million).

        ``joined`` is the raw search's own (each row's text, and those joined with one NUL
        between them), when it made one for exactly these rows: markers hold neither a NUL
        nor a line break, so they are found in it as in ours, and the rows are not joined
        twice (a third of a long search's time). Texts it left empty, or too big for a
        decoded search, are skipped by the caller."""
        if self._unmarked:
            return range(len(rows))
        self._marked = set()
        picked: set[int] = set()
        if self._rule_sockets:
            sockets = self._rule_sockets
            picked.update(i for i, row in enumerate(rows) if row[socket_at] in sockets)
        step = 1  # bytes between two texts in ``big``
        if joined is not None:
            texts, big = joined
        else:
            texts, step = self._joined(rows, size_at, frames_from), 2
            big = b"\0\0".join(texts)
        ends: list[int] | None = None  # where each text ends: only once a marker is seen
        marked: set[int] = set()
        self._marked = marked
        for marker in self._markers:
            at = big.find(marker)
            while at >= 0:
                if ends is None:
                    ends = list(accumulate(len(text) + step for text in texts))
                index = bisect_right(ends, at)
                marked.add(index)
                at = big.find(marker, ends[index])
        picked |= marked
        # a frame opening a msgpack container: the guess may read it as the Summary does
        # (its first byte is not ASCII: text-only rows cost one isascii, in C)
        hit = None if big.isascii() else _MSGPACK_START.search(big)
        while hit is not None:
            if ends is None:
                ends = list(accumulate(len(text) + step for text in texts))
            index = bisect_right(ends, hit.end() - 1)
            if index >= len(ends):
                break
            picked.add(index)
            hit = _MSGPACK_START.search(big, ends[index] - 1)  # from the separator
        return sorted(picked)

    @staticmethod
    def _joined(rows: Sequence[Sequence[object]], size_at: int, frames_from: int) -> list[Any]:
        """Each row's frames as one bytes object (b"" past DECODED_SEARCH_LIMIT)."""
        limit = DECODED_SEARCH_LIMIT
        one_frame = frames_from + 1
        return [
            (row[frames_from] if len(row) == one_frame else b"\0".join(row[frames_from:]))  # type: ignore[arg-type]
            if row[size_at] <= limit  # type: ignore[operator]
            else b""
            for row in rows
        ]

    def claimable(self, index: int) -> bool:
        """Whether row ``index`` of the last ``candidates`` may be a recogniser's: it holds
        one of their markers (or one names none). The others need no ``match`` at all, a
        third of the cost of a guessed msgpack row."""
        return self._unmarked or index in self._marked

    def text(self, frames: Sequence[bytes], socket: str, claimable: bool = True) -> str | None:
        """The decoded text of a message, or None when decoding it adds nothing.
        ``claimable`` False (``claimable(index)`` said so) skips asking the recognisers."""
        socket_type = self._socket_types.get(socket, "")
        if socket not in self._rule_sockets:
            if (
                not claimable
                or not self._recognisers
                or not any(recogniser.match(frames, socket_type) for recogniser in self._claimers)
            ):
                return guessed_msgpack_text(frames)
        decoded = self._decoder.decode(frames, socket, socket_type, DECODED_SEARCH_FRAMES)
        return decoded_text(decoded)
