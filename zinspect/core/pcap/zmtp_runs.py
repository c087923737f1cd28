"""Runs of equal-size one-frame ZMTP messages split at C speed: a flood of small messages
(libzmq batches them, twenty 64 B messages to a TCP segment) would otherwise cost a Python
loop step per message, more than reading the packet does (docs/pcap.md, Speed).

A run is what ZmtpParser would read frame by frame anyway: frames with flags 0 (no MORE,
no LONG, no COMMAND) and one size, each a whole message. Stepped slices of the buffer give
every frame's flags and size bytes at once; ``lstrip`` says how far they stay the same, and
one precompiled struct reads every body of the run.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from itertools import repeat
from typing import Any

from zinspect.core.store import Row

MAX_RUN = 64  # frames split at once: bounds the struct formats and each look ahead
MAX_FORMATS = 256  # (size, count) formats kept; past that the cache starts again
_ZERO = b"\x00"
_SIZE_BYTES = [bytes((size,)) for size in range(256)]
_formats: dict[int, Callable[[bytes, int], tuple[Any, ...]]] = {}
# endless repeats of each size, for the rows of a run (zip takes from them what it needs)
SIZE_REPEATS = [repeat(size) for size in range(256)]


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
    key = size << 16 | count
    unpack = _formats.get(key)
    if unpack is None:
        if len(_formats) >= MAX_FORMATS:
            _formats.clear()
        unpack = _formats[key] = struct.Struct(f"2x{size}s" * count).unpack_from
    return unpack(buf, i)


# (sink, socket, direction, the socket repeated, the direction repeated)
FastRows = tuple[RowSink, str, str, Iterator[str], Iterator[str]]


def fast_rows(sink: RowSink, socket: str, direction: str) -> FastRows:
    """What a ZmtpParser's ``fast`` needs to put one-frame messages into ``sink`` as rows
    of ``socket`` and ``direction``."""
    return sink, socket, direction, repeat(socket), repeat(direction)
