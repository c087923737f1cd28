"""Latency figures: a histogram that keeps percentiles of any number of samples in bounded
memory, and the figures one row of the Latency view (or ``zinspect stats``) shows.

Samples fall into logarithmic buckets 1 % wide, kept sparse (a dict of the buckets used), so
a million replies cost as little as a hundred and a percentile is off by at most half a
percent; the count, the sum, the minimum and the maximum are exact. A percentile whose rank is
the first or the last sample is that sample (with fewer than 100 replies p99 is the slowest
one, never its bucket's middle just below it), and every percentile lies within [min, max].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FLOOR_S = 1e-6  # anything quicker is counted as a microsecond
STEP = 1.01  # each bucket is 1 % wider than the one before
_LOG_STEP = math.log(STEP)


class LatencyHistogram:
    """Latencies in seconds: count, max, percentiles and coarse bars for a drawing."""

    __slots__ = ("_buckets", "count", "total", "max", "min")

    def __init__(self) -> None:
        self._buckets: dict[int, int] = {}
        self.count = 0
        self.total = 0.0
        self.max = 0.0
        self.min = math.inf

    def add(self, seconds: float) -> None:
        seconds = max(seconds, 0.0)
        index = int(math.log(max(seconds, FLOOR_S) / FLOOR_S) / _LOG_STEP)
        self._buckets[index] = self._buckets.get(index, 0) + 1
        self.count += 1
        self.total += seconds
        self.max = max(self.max, seconds)
        self.min = min(self.min, seconds)

    def percentile(self, fraction: float) -> float:
        """The latency ``fraction`` (0..1) of the samples are at or below; 0 when empty."""
        if not self.count:
            return 0.0
        rank = max(1, math.ceil(fraction * self.count))
        if rank >= self.count:  # the slowest sample, known exactly
            return self.max
        if rank == 1:
            return self.min
        seen = 0
        for index in sorted(self._buckets):
            seen += self._buckets[index]
            if seen >= rank:
                middle: float = FLOOR_S * STEP ** (index + 0.5)
                return min(max(middle, self.min), self.max)
        return self.max

    def bars(self, count: int = 20) -> list[int]:
        """Sample counts in ``count`` bars spread evenly (on a log scale) from the quickest
        to the slowest sample: the shape the Latency view draws."""
        if not self.count:
            return []
        low = min(self._buckets)
        high = max(self._buckets)
        width = max(1.0, (high - low + 1) / count)
        bars = [0] * count
        for index, number in self._buckets.items():
            bars[min(count - 1, int((index - low) / width))] += number
        return bars


@dataclass(frozen=True)
class LatencyFigures:
    """One row of figures: a socket (``group`` empty) or one service or msg_type on it.
    Times in seconds; ``unanswered`` requests were given up (no reply in time, or another
    request took their place), ``waiting`` still wait."""

    socket: str
    group: str
    count: int
    p50: float
    p90: float
    p99: float
    max: float
    unanswered: int
    waiting: int
    bars: tuple[int, ...]

    @classmethod
    def of(
        cls, socket: str, group: str, histogram: LatencyHistogram, unanswered: int, waiting: int
    ) -> LatencyFigures:
        return cls(
            socket,
            group,
            histogram.count,
            histogram.percentile(0.50),
            histogram.percentile(0.90),
            histogram.percentile(0.99),
            histogram.max,
            unanswered,
            waiting,
            tuple(histogram.bars()),
        )
