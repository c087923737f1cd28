"""Runs of equal-size one-frame ZMTP messages split at C speed: a flood of small messages
(libzmq batches them, twenty 64 B messages to a TCP segment) would otherwise cost a Python
loop step per message, more than reading the packet does (docs/pcap.md, Speed).

A run is what ZmtpParser would read frame by frame anyway: frames with flags 0 (no MORE,
no LONG, no COMMAND) and one size, each a whole message. Stepped slices of the buffer give
every frame's flags and size bytes at once; ``lstrip`` says how far they stay the same, and
one precompiled struct reads every body of the run.

A flood repeats itself: segment after segment holds the same number of messages of one
size. A parser that split a whole segment as one run keeps its shape (``segment_shape``),
and a next segment of the same length is checked with two stepped slices (every frame's
flags, every frame's size); when they are the ones the shape expects, one struct call gives
every body and the rows are made at once.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from zinspect.core.store import Row

MAX_RUN = 64  # frames split at once: bounds the struct formats and each look ahead
MAX_FORMATS = 256  # (size, count) formats kept; past that the cache starts again
_ZERO = b"\x00"
_SIZE_BYTES = [bytes((size,)) for size in range(256)]
_formats: dict[int, Callable[[bytes, int], tuple[Any, ...]]] = {}
SIZE_ONES = [(size,) for size in range(256)]  # the rows' size field, for itertools.product
# (the segment's length, a struct reading every frame's body, the frames' flags as a
# segment of the shape has them (zeros), (size,), the frames' stride, their size bytes)
Shape = tuple[int, Callable[[bytes, int], tuple[Any, ...]], bytes, tuple[int], int, bytes]
# What a parser offers its caller while it stands between messages with nothing held
# (ZmtpParser.ready): its shape (length -1 when it has none), then where its rows go:
# (sink, (socket,), (direction,), socket, direction)
Offer = tuple[
    int,
    Callable[[bytes, int], tuple[Any, ...]],
    bytes,
    tuple[int],
    int,
    bytes,
    "RowSink",
    tuple[str],
    tuple[str],
    str,
    str,
]
_shapes: dict[int, Shape] = {}


class RowSink:
    """Where the parsers of one import put their rows, one-frame messages straight as store
    rows (``rows`` is swapped for a new list as each slice is taken, without telling every
    parser)."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[Row] = []


def run_bodies(buf: bytes, i: int, n: int, size: int) -> tuple[bytes, ...]:
    """The bodies of the frames from ``buf[i]`` on (at most MAX_RUN) that have flags 0 and
    a body of ``size`` bytes (< 256), up to the first that does not or does not end by
    ``buf[n]``; the frame at ``i`` is one (the caller checked)."""
    stride = size + 2
    stop = i + min((n - i) // stride, MAX_RUN) * stride
    flags = buf[i:stop:stride]
    sizes = buf[i + 1 : stop : stride]
    count = len(flags) - max(len(flags.lstrip(_ZERO)), len(sizes.lstrip(_SIZE_BYTES[size])))
    return _bodies(size, count)(buf, i)


def _bodies(size: int, count: int) -> Callable[[bytes, int], tuple[Any, ...]]:
    """A struct reading the bodies of ``count`` frames of ``size`` bytes, headers skipped."""
    key = size << 16 | count
    unpack = _formats.get(key)
    if unpack is None:
        if len(_formats) >= MAX_FORMATS:
            _formats.clear()
        unpack = _formats[key] = struct.Struct(f"2x{size}s" * count).unpack_from
    return unpack


def segment_shape(size: int, count: int) -> Shape:
    """The shape of a segment of ``count`` one-frame messages of ``size`` bytes (< 256)."""
    key = size << 16 | count
    shape = _shapes.get(key)
    if shape is None:
        if len(_shapes) >= MAX_FORMATS:
            _shapes.clear()
        shape = _shapes[key] = (
            count * (size + 2),
            _bodies(size, count),
            _ZERO * count,
            SIZE_ONES[size],
            size + 2,
            _SIZE_BYTES[size] * count,
        )
    return shape


# (sink, socket, direction, (socket,), (direction,)): the 1-tuples for itertools.product
FastRows = tuple[RowSink, str, str, tuple[str], tuple[str]]


def _no_segment(buf: bytes, i: int) -> tuple[Any, ...]:
    raise AssertionError("never called: no segment is -1 bytes long")


NO_SHAPE: Shape = (-1, _no_segment, b"", (0,), 1, b"")


def offer(fast: FastRows, shape: Shape | None) -> Offer:
    """A parser's Offer: its shape (or none) and where the rows of ``fast`` go."""
    sink, socket, direction, socket1, direction1 = fast
    return (*(shape or NO_SHAPE), sink, socket1, direction1, socket, direction)


def fast_rows(sink: RowSink, socket: str, direction: str) -> FastRows:
    """What a ZmtpParser's ``fast`` needs to put one-frame messages into ``sink`` as rows
    of ``socket`` and ``direction``."""
    return sink, socket, direction, (socket,), (direction,)
