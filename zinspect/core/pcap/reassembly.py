"""TCP reassembly for one direction of a connection: segments in sequence order, each byte
once, whatever order they were captured in.

A retransmission (bytes already delivered) is trimmed away; a segment ahead of the next
expected byte waits until the bytes before it come. Waiting is bounded: when more than
MAX_PENDING_BYTES wait (the capture lost a segment and it will never come), or at the end
of the capture, the missing range is declared a gap and delivery goes on after it.
Sequence numbers wrap at 2**32; distances are taken modulo that, so a stream of any length
reassembles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_PENDING_BYTES = 1 << 20  # out-of-order bytes one direction may hold (and a Budget for all)
MAX_PENDING_SEGMENTS = 1024
_WRAP = 1 << 32
_HALF = 1 << 31


@dataclass
class Budget:
    """Bytes held by every direction (or parser) of one import, against one limit: caps
    per stream alone would let ten thousand streams hold ten thousand times as much."""

    limit: int
    used: int = 0


Deliver = Callable[[bytes, float], None]
Gap = Callable[[int, float], None]


class Direction:
    """One direction's reassembly: ``deliver(data, time)`` gets the bytes in order and
    ``gap(size, time)`` is told where bytes are missing."""

    __slots__ = (
        "deliver",
        "gap",
        "budget",
        "next_seq",
        "position",
        "pending",
        "pending_bytes",
        "retransmitted",
        "out_of_order",
        "missing",
        "fin_seq",
        "_fin_stamp",
    )

    def __init__(self, deliver: Deliver, gap: Gap, budget: Budget | None = None) -> None:
        self.deliver = deliver
        self.gap = gap
        self.budget = budget or Budget(1 << 62)  # out-of-order bytes of every direction
        self.next_seq: int | None = None  # the next byte expected (32-bit)
        self.position = 0  # ... and its place in the stream (bytes before it)
        self.pending: dict[int, tuple[bytes, int, float]] = {}  # place: data, length, time
        self.pending_bytes = 0
        self.retransmitted = 0  # segments (or parts) seen twice
        self.out_of_order = 0
        self.missing = 0  # bytes declared missing (position - missing were delivered)
        self.fin_seq: int | None = None  # where the FIN says the data ends
        self._fin_stamp = 0.0

    @property
    def delivered(self) -> int:
        """Bytes delivered (every place before ``position`` was delivered or missing)."""
        return self.position - self.missing

    def syn(self, seq: int) -> None:
        """The SYN: the data starts at ``seq + 1``."""
        if self.next_seq is None:
            self.next_seq = (seq + 1) % _WRAP

    def segment(self, seq: int, data: bytes, length: int, stamp: float) -> None:
        """A segment of ``length`` payload bytes starting at ``seq``, of which ``data`` was
        captured (the rest, if any, was cut off by the capture's snap length)."""
        if self.next_seq is None:
            self.next_seq = seq  # joined mid-stream: the first byte seen is the start
        distance = (seq - self.next_seq + _HALF) % _WRAP - _HALF
        if distance == 0 and not self.pending and len(data) == length:
            self.next_seq = (seq + length) % _WRAP
            self.position += length
            self.deliver(data, stamp)
            return
        if distance + length <= 0:
            self.retransmitted += 1
            return
        if distance > 0:
            self._hold(self.position + distance, data, length, stamp)
            return
        if distance < 0:
            self.retransmitted += 1
            data, length = data[-distance:], length + distance
        self._take(data, length, stamp)
        self._drain()

    def _take(self, data: bytes, length: int, stamp: float) -> None:
        """Deliver a segment that starts at the next expected byte."""
        assert self.next_seq is not None
        self.next_seq = (self.next_seq + length) % _WRAP
        self.position += length
        if data:
            self.deliver(data, stamp)
        if length > len(data):
            self.missing += length - len(data)
            self.gap(length - len(data), stamp)

    def _hold(self, place: int, data: bytes, length: int, stamp: float) -> None:
        self.out_of_order += 1
        known = self.pending.get(place)
        if known is not None:
            if known[1] >= length:
                self.retransmitted += 1
                return
            self.pending_bytes -= len(known[0])
            self.budget.used -= len(known[0])
        self.pending[place] = (data, length, stamp)
        self.pending_bytes += len(data)
        self.budget.used += len(data)
        if (
            self.pending_bytes > MAX_PENDING_BYTES
            or len(self.pending) > MAX_PENDING_SEGMENTS
            or self.budget.used > self.budget.limit
        ):
            self.skip_gap()

    def _drain(self) -> None:
        """Deliver what waited and now follows the bytes delivered."""
        pending = self.pending
        while pending:
            place = min(pending)
            if place > self.position:
                return
            data, length, stamp = pending.pop(place)
            self.pending_bytes -= len(data)
            self.budget.used -= len(data)
            overlap = self.position - place
            if overlap >= length:
                self.retransmitted += 1
                continue
            if overlap:
                data, length = data[overlap:], length - overlap
            self._take(data, length, stamp)

    def skip_gap(self) -> None:
        """Give up waiting for the missing bytes before the first waiting segment: they are
        a gap, and delivery goes on from there."""
        if not self.pending:
            return
        assert self.next_seq is not None
        place = min(self.pending)
        size = place - self.position
        if size > 0:
            self.missing += size
            self.next_seq = (self.next_seq + size) % _WRAP
            self.position = place
            self.gap(size, self.pending[place][2])
        self._drain()

    def fin(self, seq: int, stamp: float) -> None:
        """The FIN (at ``seq``, after its own data): the stream's data ends there."""
        self.fin_seq, self._fin_stamp = seq, stamp

    def finish(self) -> None:
        """The stream or the capture is over: whatever waits is delivered, with the gaps
        before it, and the bytes the FIN says were sent but the capture never saw are a gap
        at the end (a capture that dropped packets under load)."""
        while self.pending:
            self.skip_gap()
        if self.fin_seq is None or self.next_seq is None:
            return
        missing = (self.fin_seq - self.next_seq + _HALF) % _WRAP - _HALF
        if missing > 0:
            self.missing += missing
            self.next_seq = self.fin_seq
            self.position += missing
            self.gap(missing, self._fin_stamp)
