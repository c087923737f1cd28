"""Feeding the ZMTP parsers a piece of a packet at a time, so no packet can hold the loop.

One TCP segment of a capture (64 KiB with segmentation offload) may hold 30,000 empty
messages: fed whole it made 30,000 rows in one call, a quarter of a second in which the
window could not repaint. Bytes past PIECE are fed in pieces with a look at the clock between
them; past the slice's deadline the rest waits here, in order (gaps too), for the next slice.
The parser reads a stream, so where its input is cut does not change what it makes.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from zinspect.core.pcap.zmtp import ZmtpParser

PIECE = 4096  # bytes fed between looks at the clock (2,048 empty messages at most)

_FeedAt = Callable[[bytes, int, int, float], None]
now = time.monotonic  # the clock looked at between pieces (a test may stop it)


class PieceFeeder:
    """Feeds parsers in pieces until ``deadline`` (time.monotonic), then keeps the rest."""

    def __init__(self) -> None:
        self.deadline = math.inf
        # in stream order: (feed_at, buf, start, end, stamp), or (gap, None, size, 0, stamp)
        self.waiting: deque[tuple[Callable[..., None], bytes | None, int, int, float]] = deque()

    def feed_at(self, parser: ZmtpParser, buf: bytes, start: int, end: int, stamp: float) -> None:
        """``parser.feed_at(buf, start, end, stamp)``, in pieces, behind whatever waits."""
        if self.waiting:
            self.waiting.append((parser.feed_at, buf, start, end, stamp))
        else:
            self._pieces(parser.feed_at, buf, start, end, stamp)

    def feed(self, parser: ZmtpParser, data: bytes, stamp: float) -> None:
        """``parser.feed(data, stamp)`` the same way (what reassembly delivers)."""
        self.feed_at(parser, data, 0, len(data), stamp)

    def gap(self, parser: ZmtpParser, size: int, stamp: float) -> None:
        """``parser.gap(size, stamp)``, behind whatever waits."""
        if self.waiting:
            self.waiting.append((parser.gap, None, size, 0, stamp))
        else:
            parser.gap(size, stamp)

    def resume(self) -> bool:
        """Feed what waits until the deadline; True when nothing waits any more."""
        waiting = self.waiting
        while waiting:
            call, buf, start, end, stamp = waiting.popleft()
            if buf is None:
                call(start, stamp)  # a gap of ``start`` bytes
            elif not self._pieces(call, buf, start, end, stamp, front=True):
                return False
        return True

    def _pieces(
        self, feed_at: _FeedAt, buf: bytes, start: int, end: int, stamp: float, front: bool = False
    ) -> bool:
        """Feed buf[start:end]; False when the deadline left some of it waiting."""
        clock = now
        while True:
            stop = min(end, start + PIECE)
            feed_at(buf, start, stop, stamp)
            start = stop
            if start >= end:
                return True
            if clock() >= self.deadline:
                entry = (feed_at, buf, start, end, stamp)
                if front:
                    self.waiting.appendleft(entry)
                else:
                    self.waiting.append(entry)
                return False
