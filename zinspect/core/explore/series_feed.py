"""Feeding plot series from the store: new rows in batches, within a time budget per call.

The plot shares the one thread with the sockets, so what it takes per refresh is bounded:
``poll`` looks at the rows that arrived since the last call, and when there are more than
its budget can decode (a flood), it looks at a sample of them (one row in ``stride``, from
a random place in each stride: ``spread_sample``) and counts the rest as not looked at.
The plot then says it shows a sample; the sockets keep their pace (benchmarks/plot_bench.py
measures it).

Rates start with the messages the store keeps, so the Rates tab is not empty when first
shown: they are counted over the next polls, a slice of the poll's budget each (a sample of
them when many, each row counted for those it stands for), before any bin is closed.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

import numpy as np

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.rates import BY_SOCKET, RateTracker
from zinspect.core.explore.series import POINT_CAP, SeriesKey, ValueSeries
from zinspect.core.rows import head_row
from zinspect.core.store import HEAD_BYTES, MessageStore, Row

log = logging.getLogger(__name__)
_Picked = TypeVar("_Picked")

BUDGET_S = 0.002  # work per poll: at 10 polls a second, 2 % of the loop's time
_FIRST_COST_S = 5e-6  # a first guess of a row's cost per series (a decode), refined as we go
# The kept messages' rates are counted within this many polls (1 s at the plot's 10 Hz)...
RATE_BACKFILL_POLLS = 10
# ... at about this cost a row (by socket ~0.6 µs, by topic ~2 µs measured; with room)
_RATE_ROW_COST_S = 2e-6


def spread_sample(rows: Sequence[_Picked], stride: int, rng: np.random.Generator) -> list[_Picked]:
    """One row in ``stride``: a row from a random place in each stride, so every row is as
    likely to be picked. ``rows[::stride]`` picked the first of every stride: two sockets'
    messages alternating, it saw only one of them (any period of the traffic dividing the
    stride did that). The picks are as many as the caller's budget affords."""
    if stride <= 1:
        return list(rows)
    picks = np.arange(0, len(rows), stride)
    picks += rng.integers(0, stride, len(picks))
    return [rows[index] for index in picks[picks < len(rows)].tolist()]


class SeriesFeed:
    """The plot's value series and rates, following one store."""

    def __init__(
        self,
        store: MessageStore,
        decoder: MessageDecoder,
        socket_type: Callable[[str], str],
        budget_s: float = BUDGET_S,
        seed: int | None = None,
    ) -> None:
        self._store = store
        self._decoder = decoder
        self._socket_type = socket_type
        self.budget_s = budget_s
        self.series: list[ValueSeries] = []
        self.rates: RateTracker | None = None  # counted only while someone shows them
        # kept rows still to count for the rates: next seq, end seq, stride (a sample)
        self._rate_backfill: tuple[int, int, int] | None = None
        self._next = store.end_seq
        self._cost = _FIRST_COST_S  # seconds per row per consumer, a moving average
        self.looked_at = 0  # rows fed to the series
        self.skipped = 0  # rows left out of the sample under a flood
        self.last_stride = 1
        self._random = np.random.default_rng(seed)  # the places of samples

    @property
    def cap(self) -> int:
        """Points per series: at most the store's message cap, at most POINT_CAP."""
        return max(1, min(POINT_CAP, self._store.max_messages))

    def add(self, key: SeriesKey, include_kept: bool = True) -> ValueSeries:
        """A new series (the one there already when ``key`` is plotted); it starts with the
        messages the store keeps when ``include_kept``, so a plot opened late is not empty."""
        for series in self.series:
            if series.key == key:
                return series
        self.poll()  # the others catch up first: the new one starts where they are
        series = ValueSeries(key, self._decoder, self._socket_type, self.cap)
        self.series.append(series)
        if include_kept:
            self._backfill(series)
        return series

    def remove(self, series: ValueSeries) -> None:
        if series in self.series:
            self.series.remove(series)

    def clear(self) -> None:
        """Every series and rate forgets its points and counts (the series stay)."""
        for series in self.series:
            series.clear()
        if self.rates is not None:
            self.rates.clear()
        self._rate_backfill = None  # the kept rows not yet counted are forgotten too

    def show_rates(self, group: str | None) -> None:
        """Count rates grouped by ``group`` (BY_SOCKET or BY_TOPIC), from the messages the
        store keeps on (counted over the next polls); None stops."""
        if group is None:
            self.rates = None
            self._rate_backfill = None
        elif self.rates is None or self.rates.group != group:
            self.rates = None
            self.poll()  # the series catch up: the rows up to here are the kept ones
            self.rates = RateTracker(group, self.cap)
            start, end = self._store.first_seq, self._next
            per_poll = max(1, int(self.budget_s / _RATE_ROW_COST_S))
            stride = max(1, math.ceil((end - start) / (RATE_BACKFILL_POLLS * per_poll)))
            self._rate_backfill = (start, end, stride) if start < end else None

    @property
    def rates_backfilling(self) -> bool:
        """Whether the kept messages are still being counted for the rates."""
        return self._rate_backfill is not None

    def _backfill_rates(self, rates: RateTracker) -> None:
        """One poll's slice of the kept rows, read as kept (``raw_rows``: by socket only a
        row's time and socket are read; by topic the sampled rows' frame heads)."""
        assert self._rate_backfill is not None
        start, end, stride = self._rate_backfill
        start = max(start, self._store.first_seq)  # the store may have dropped some since
        per_poll = max(1, int(self.budget_s / _RATE_ROW_COST_S))
        stop = min(end, start + per_poll * stride)
        if start < stop:
            _first, rows = self._store.raw_rows(start, stop)
            kept = spread_sample(rows, stride, self._random)
            # by socket no frame is read, so a kept frame may stay a memoryview
            sample = cast(Sequence[Row], kept) if rates.group == BY_SOCKET else None
            rates.feed(sample or [head_row(row) for row in kept], float(stride))
        self._rate_backfill = (stop, end, stride) if stop < end else None

    def poll(self, now: float | None = None) -> bool:
        """Take the rows that arrived since the last poll; True when any point was added."""
        store = self._store
        start = max(self._next, store.first_seq)
        end = store.end_seq
        self._next = end
        changed = False
        consumers = len(self.series) + (self.rates is not None)
        if start < end and consumers:
            changed = self._take(start, end, consumers)
        else:
            self.last_stride = 1
        if self.rates is not None:
            if self._rate_backfill is not None:
                self._backfill_rates(self.rates)
            if self._rate_backfill is None:  # no bin closes before the kept rows are in
                self.rates.close_before(time.time() if now is None else now)
            changed = True
        return changed

    def _take(self, start: int, end: int, consumers: int) -> bool:
        backlog = end - start
        affordable = max(1, int(self.budget_s / (self._cost * consumers)))
        stride = max(1, math.ceil(backlog / affordable))
        # a field's value is decoded from a frame's head (a big one stays kept: core.rows)
        _first, rows = self._store.rows(start, end, head=HEAD_BYTES)
        sample: Sequence[Row] = spread_sample(rows, stride, self._random) if stride > 1 else rows
        self.last_stride = stride
        self.looked_at += len(sample)
        self.skipped += len(rows) - len(sample)
        began = time.perf_counter()
        added = 0
        for series in self.series:
            added += series.feed(sample)
        if self.rates is not None:
            self.rates.feed(sample, float(stride))
        spent = time.perf_counter() - began
        if sample:
            cost = spent / (len(sample) * consumers)
            self._cost = max(2e-7, 0.7 * self._cost + 0.3 * cost)
        if stride > 1:
            log.debug("plot sampled 1 row in %d of %d new rows", stride, len(rows))
        return added > 0 or self.rates is not None

    def _backfill(self, series: ValueSeries) -> None:
        """The kept messages, sampled to the budget of a few polls (a million kept rows
        must not hold the window)."""
        store = self._store
        _first, rows = store.rows(store.first_seq, self._next, head=HEAD_BYTES)
        if not rows:
            return
        affordable = max(1, int(5 * self.budget_s / self._cost))
        stride = max(1, math.ceil(len(rows) / affordable))
        series.feed(spread_sample(rows, stride, self._random) if stride > 1 else rows)
