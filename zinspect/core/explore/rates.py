"""Messages per second per socket or per topic, counted in one-second bins for the rate plot.

The status bar shows one rate for everything; a rate plot shows which socket or topic makes
it, and when. Counting by socket needs no decoding at all (the socket is in the row), and by
topic only the cheap first-frame topic; a batch's times are binned with numpy, not a Python
step per message. When a flood makes the feed look at a sample (one row in ``weight``), each
counted row stands for ``weight`` messages, so the rate stays right on average.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from zinspect.core.explore.fields import message_topic
from zinspect.core.explore.series import POINT_CAP, Floats, PointRing
from zinspect.core.store import ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row

BY_SOCKET, BY_TOPIC = "socket", "topic"
RATE_GROUPS = (BY_SOCKET, BY_TOPIC)
BIN_S = 1.0
MAX_KEYS = 32  # lines in a rate plot; further sockets or topics add up in OTHER
OTHER = "(others)"


class RateSeries:
    """One socket's or topic's messages per second: closed bins as points, open ones counted."""

    def __init__(self, name: str, cap: int = POINT_CAP) -> None:
        self.name = name
        self.points = PointRing(cap)
        self._open: dict[int, float] = {}  # bin number -> messages counted in it
        self._last_closed: int | None = None
        self._zero_drawn = False  # the silence after the last closed bin has its zero
        self.total = 0.0

    def count(self, bins: Sequence[int], counts: Sequence[float]) -> None:
        for number, amount in zip(bins, counts):
            if self._last_closed is not None and number <= self._last_closed:
                number = self._last_closed + 1  # late rows go to the first open bin
            self._open[number] = self._open.get(number, 0.0) + amount
            self.total += amount

    def close_before(self, number: int) -> None:
        """Bins before bin ``number`` are complete: they become points. A silent stretch is
        drawn as zero: one point where it starts, one where it ends."""
        times: list[float] = []
        rates: list[float] = []
        previous = self._last_closed
        for bin_number in sorted(n for n in self._open if n < number):
            if previous is not None and bin_number - previous > 1:
                if not self._zero_drawn:
                    times.append((previous + 1) * BIN_S)
                    rates.append(0.0)
                times.append((bin_number - 1) * BIN_S)
                rates.append(0.0)
            times.append(bin_number * BIN_S)
            rates.append(self._open.pop(bin_number) / BIN_S)
            previous = bin_number
            self._zero_drawn = False
        if previous is not None and not self._zero_drawn and previous < number - 1:
            times.append((previous + 1) * BIN_S)  # the drop to zero after the last message
            rates.append(0.0)
            self._zero_drawn = True
        self._last_closed = previous
        self.points.extend(times, rates)

    def arrays(self) -> tuple[Floats, Floats]:
        return self.points.arrays()


class RateTracker:
    """Rates of every socket (or topic) seen, up to MAX_KEYS lines plus OTHER."""

    def __init__(self, group: str = BY_SOCKET, cap: int = POINT_CAP) -> None:
        if group not in RATE_GROUPS:
            raise ValueError(f"rates are grouped by {' or '.join(RATE_GROUPS)}, not {group!r}")
        self.group = group
        self._cap = cap
        self.series: dict[str, RateSeries] = {}

    def clear(self) -> None:
        self.series.clear()

    def feed(self, rows: Sequence[Row], weight: float = 1.0) -> None:
        """Count ``rows``, each standing for ``weight`` messages."""
        if not rows:
            return
        if self.group == BY_SOCKET:
            names = [row[ROW_SOCKET] for row in rows]
        else:
            names = [message_topic(row[ROW_FRAMES:]) or "(no topic)" for row in rows]
        times = np.fromiter((row[ROW_TIME] for row in rows), np.float64, len(rows))
        bins = np.floor(times / BIN_S).astype(np.int64)
        by_name: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            if name not in by_name and name not in self.series:
                if len(self.series) + len(by_name) - (OTHER in by_name) >= MAX_KEYS:
                    name = OTHER
            by_name.setdefault(name, []).append(index)
        for name, indexes in by_name.items():
            numbers, counts = np.unique(bins[indexes], return_counts=True)
            self._series(name).count(numbers.tolist(), (counts * weight).tolist())

    def close_before(self, now: float) -> None:
        """Every bin that ended before ``now`` becomes a point."""
        number = math.floor(now / BIN_S)
        for series in self.series.values():
            series.close_before(number)

    def _series(self, name: str) -> RateSeries:
        series = self.series.get(name)
        if series is None:
            series = self.series[name] = RateSeries(name, self._cap)
        return series
