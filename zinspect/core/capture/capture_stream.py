"""Capture lines as streams: a big message written in pieces, a long line read in pieces.

A message line holds every frame in base64, so a 400 MiB message is a 533 MB line. Built as
one string (encode, join, encode to bytes) that costs several copies of the message at once;
written here frame by frame in base64 pieces of ``ENCODE_CHUNK`` bytes, it costs one piece.
Reading is bounded the same way: a line is read in pieces of ``READ_PIECE`` bytes, and a line
longer than the limit is read through and dropped piece by piece, never held whole, so a
hostile file (a 2 GB line, no newline) costs at most the limit and is reported as one bad
line. The pieces are read within the caller's time budget: a long line spans several slices.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import time
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from zinspect.core.rows import RawFrame
from zinspect.core.sockets.socket_receive import MAX_FRAMES_PER_MESSAGE, MAX_MESSAGE_BYTES
from zinspect.core.store import Row

ENCODE_CHUNK = 3 << 18  # 768 KiB of frame -> 1 MiB of base64 (a multiple of 3: no padding)
BIG_MESSAGE_BYTES = 1 << 20  # messages above this are written in pieces, not as one string
READ_PIECE = 1 << 20  # a line is read this much at a time
# The longest line a reader accepts: more than the largest message zinspect keeps (see
# LARGEST_MESSAGE_LINE) needs, as a round number a person can be told.
MAX_LINE_BYTES = 720 << 20
# MAX_MESSAGE_BYTES in MAX_FRAMES_PER_MESSAGE frames as base64 (each frame padded, quoted
# and separated), with 64 KiB for the other fields: the longest line zinspect itself writes.
LARGEST_MESSAGE_LINE = (MAX_MESSAGE_BYTES + 2) // 3 * 4 + MAX_FRAMES_PER_MESSAGE * 8 + (64 << 10)
MAX_HEADER_BYTES = 64 * 1024  # the header line is small; a longer first line is refused
TOO_LONG = object()  # what LineReader.finish returns for a line over the limit (dropped)
_b2a = binascii.b2a_base64


def _b64_compat(data: bytes | memoryview) -> bytes:
    return base64.b64decode(data, validate=True)


try:
    binascii.a2b_base64(b"", strict_mode=True)  # type: ignore[call-arg]  # (3.11+)
except TypeError:  # Python 3.10: no strict mode, the slower validating decoder
    _b64 = _b64_compat
else:

    def _b64(data: bytes | memoryview) -> bytes:
        return binascii.a2b_base64(data, strict_mode=True)  # type: ignore[call-arg]  # (3.11+)


# The head of a message line as LineEncoder writes it (JSON number, JSON string).
_HEAD = re.compile(
    rb'\{"time":(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?),'
    rb'"socket":("(?:[^"\\\x00-\x1f]|\\.)*"),"direction":"(in|out)","frames":\["'
)


class BigLine:
    """One message line written in pieces: ``head`` (the line up to the first frame's opening
    quote), the frames in base64 pieces of ``chunk`` bytes, then ``"]}`` and the newline.
    The bytes are exactly what LineEncoder.line builds (base64 of 3-byte aligned pieces
    concatenates to the base64 of the whole frame). ``write_some`` writes until a deadline,
    so a recorder can spread a 500 MB line over many turns of its loop."""

    def __init__(self, head: str, frames: Sequence[RawFrame], chunk: int = ENCODE_CHUNK) -> None:
        self._pieces = self._encode(head, frames, chunk)

    @staticmethod
    def _encode(head: str, frames: Sequence[RawFrame], chunk: int) -> Iterator[bytes]:
        yield head.encode("utf-8")
        for index, frame in enumerate(frames):
            if index:
                yield b'","'
            view = memoryview(frame)
            for start in range(0, len(view), chunk):
                yield _b2a(view[start : start + chunk], newline=False)
        yield b'"]}\n'

    def write_some(self, file: BinaryIO, deadline: float | None = None) -> bool:
        """Write pieces until the line is complete (True) or the monotonic ``deadline`` has
        passed (False: call again). OSError is the caller's."""
        write = file.write
        clock = time.monotonic
        for piece in self._pieces:
            write(piece)
            if deadline is not None and clock() >= deadline:
                return False
        return True


def parse_big_line(line: bytes) -> Row | None:
    """A message line in exactly the layout zinspect writes, as a store row, its frames
    decoded straight from the line's bytes: no text copy of a 500 MB line (JSON decoding
    makes two). None when the line is anything else; the generic JSON path then decides,
    so what a line means never depends on which path read it."""
    match = _HEAD.match(line)
    if match is None:
        return None
    try:
        stamp = float(match[1])
        socket = json.loads(match[2])
    except ValueError:
        return None
    if not math.isfinite(stamp) or type(socket) is not str:
        return None
    view = memoryview(line)
    frames = []
    start = match.end()
    while True:
        end = line.find(b'"', start)
        if end < 0:
            return None
        try:
            frames.append(_b64(view[start:end]))
        except (binascii.Error, ValueError):
            return None
        if len(frames) > MAX_FRAMES_PER_MESSAGE:
            return None  # the JSON path refuses it (core.capture.check_commas)
        if line.startswith(b'","', end):
            start = end + 3
        elif line.startswith(b'"]}', end) and not line[end + 3 :].strip():
            break
        else:
            return None
    return (stamp, socket, match[3].decode("ascii"), sum(map(len, frames)), *frames)


def describe_size(size: int) -> str:
    """Bytes for a person: 720 MiB, 64 KiB."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.0f} MiB"
    return f"{size / 1024:,.0f} KiB"


class LineReader:
    """Finishes lines longer than one piece. The caller reads ``file.readline(READ_PIECE)``
    itself (the fast path: almost every line fits); a piece that fills READ_PIECE without a
    newline goes to ``start``, and ``resume`` continues the same line in a later slice. A
    long line grows in one bytearray (which the allocator enlarges in place), so a line
    costs its size once, not twice as a list of pieces joined."""

    def __init__(self, file: BinaryIO, max_line: int = MAX_LINE_BYTES) -> None:
        self.file = file
        self.max_line = max_line
        self.pending = False  # inside a long line (a deadline ended the last slice)
        self.size = 0  # bytes of the current (or last) long line so far
        self.cut = False  # the last long line ended at the end of the file, no newline
        self._line = bytearray()

    def start(self, piece: bytes, deadline: float) -> bytearray | object | None:
        self.pending, self.size, self.cut = True, 0, False
        self._line = bytearray()
        self._add(piece)
        return self.resume(deadline)

    def resume(self, deadline: float) -> bytearray | object | None:
        """The whole line, TOO_LONG (it was dropped; ``size`` says how long it was), or
        None when ``deadline`` (monotonic) came first: call again."""
        readline = self.file.readline
        clock = time.monotonic
        while True:
            piece = readline(READ_PIECE)
            self._add(piece)
            if piece.endswith(b"\n") or len(piece) < READ_PIECE:
                self.cut = not piece.endswith(b"\n")
                break
            if clock() >= deadline:
                return None
        self.pending = False
        line, self._line = self._line, bytearray()
        if self.size > self.max_line:
            return TOO_LONG
        return line

    def _add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.max_line:
            self._line = bytearray()  # over the limit: read through, keep nothing
        else:
            self._line += piece
