"""A flood the plot can only sample still shows every socket: two sockets' messages
alternating in the store, sampled one row in two (or four), each socket's rate line counts
about its half, and a value series on either socket gets points. A sample of every n-th row
from a fixed place saw only the first socket."""

from __future__ import annotations

import numpy as np

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.fields import FieldPath
from zinspect.core.explore.rates import BY_SOCKET
from zinspect.core.explore.series import SeriesKey
from zinspect.core.explore.series_feed import SeriesFeed, spread_sample
from zinspect.core.store import IN, MessageStore

ROWS = 40_000  # 20 s of two sockets at 1,000 messages a second each


def alternating(store: MessageStore) -> None:
    store.extend_rows(
        [(100.0 + i / 2000, "ab"[i % 2], IN, 0, f"10001 {i % 50} 0".encode()) for i in range(ROWS)],
        ROWS,
    )


def test_a_sampled_flood_counts_both_alternating_sockets():
    store = MessageStore()
    feed = SeriesFeed(store, MessageDecoder(), lambda _name: "SUB", seed=7)
    feed.show_rates(BY_SOCKET)
    on_b = feed.add(SeriesKey("b", "10001", FieldPath.parse("f1[2]")))
    alternating(store)
    feed.poll(now=200.0)
    assert feed.last_stride > 1
    rates = feed.rates
    assert rates is not None
    totals = {name: series.total for name, series in rates.series.items()}
    assert set(totals) == {"a", "b"}
    for name in "ab":  # each stands for its half, give or take the sample's luck
        assert 0.75 * ROWS / 2 < totals[name] < 1.25 * ROWS / 2
    assert len(on_b.points) > 0


def test_every_row_is_picked_once_at_most_and_the_sample_keeps_order():
    rows = list(range(10_007))
    for stride in (1, 2, 3, 64, 10_000):
        sample = spread_sample(rows, stride, np.random.default_rng(stride))
        assert sample == sorted(set(sample))  # in order, none twice
        # one from each whole stride, and one or none from the last, cut one
        assert len(rows) // stride <= len(sample) <= -(-len(rows) // stride)
