"""Plot series from the store: a field's values on a topic, rates per socket or topic, bounded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.fields import FieldPath
from zinspect.core.explore.rates import BY_SOCKET, BY_TOPIC, MAX_KEYS, OTHER, RateTracker
from zinspect.core.explore.series import PointRing, SeriesKey
from zinspect.core.explore.series_feed import SeriesFeed
from zinspect.core.store import IN, MessageStore

TEMPERATURE = FieldPath.parse("f1[2]")


def weather(store: MessageStore, updates: list[tuple[float, int, int, int]], socket="sub"):
    store.extend_rows(
        [
            (t, socket, IN, 0, f"{zip_code} {temp} {hum}".encode())
            for t, zip_code, temp, hum in updates
        ],
        len(updates),
    )


def feed_for(store: MessageStore) -> SeriesFeed:
    return SeriesFeed(store, MessageDecoder(), lambda _name: "SUB")


def test_the_temperature_of_one_zip_code_is_plotted_and_other_zip_codes_are_not():
    store = MessageStore()
    feed = feed_for(store)
    series = feed.add(SeriesKey("sub", "10001", TEMPERATURE))
    weather(store, [(100.0, 10001, -70, 49), (100.5, 10002, 33, 20), (101.0, 10001, -68, 50)])
    assert feed.poll()
    times, values = series.points.arrays()
    assert times.tolist() == [100.0, 101.0]
    assert values.tolist() == [-70.0, -68.0]
    assert series.matched == 2


def test_a_series_on_another_socket_or_a_word_that_is_no_number_gets_no_points():
    store = MessageStore()
    feed = feed_for(store)
    elsewhere = feed.add(SeriesKey("other", None, TEMPERATURE))
    words = feed.add(SeriesKey(None, None, FieldPath.parse("f1[1]")))
    store.extend_rows([(1.0, "sub", IN, 0, b"hello there"), (2.0, "sub", IN, 0, b"5 6")], 2)
    feed.poll()
    assert len(elsewhere.points) == 0
    assert words.points.arrays()[1].tolist() == [5.0]
    assert words.not_numeric == 1


def test_a_number_too_large_to_draw_is_counted_not_plotted():
    store = MessageStore()
    feed = feed_for(store)
    series = feed.add(SeriesKey(None, "10001", TEMPERATURE))
    store.extend_rows(
        [
            (1.0, "s", IN, 0, b"10001 1e308 1"),
            (2.0, "s", IN, 0, b"10001 -1.5e300 1"),
            (3.0, "s", IN, 0, b"10001 1e299 1"),
            (4.0, "s", IN, 0, b"10001 inf 1"),
        ],
        4,
    )
    feed.poll()
    assert series.points.arrays()[1].tolist() == [1e299]
    assert series.too_large == 2 and series.not_numeric == 1


def test_json_frames_are_decoded_and_the_path_reaches_into_them():
    store = MessageStore()
    feed = feed_for(store)
    series = feed.add(SeriesKey(None, "sensors/a", FieldPath.parse("f2.data.temp")))
    for index in range(5):
        body = json.dumps({"data": {"temp": 20 + index / 2}}).encode()
        store.append_row((float(index), "pull", IN, 0, b"sensors/a", body))
        store.append_row((float(index), "pull", IN, 0, b"sensors/b", body))
    feed.poll()
    assert series.points.arrays()[1].tolist() == [20.0, 20.5, 21.0, 21.5, 22.0]


def test_a_series_added_late_starts_with_what_the_store_keeps():
    store = MessageStore()
    feed = feed_for(store)
    weather(store, [(float(t), 10001, t, 0) for t in range(10)])
    feed.poll()
    series = feed.add(SeriesKey(None, "10001", TEMPERATURE))
    assert len(series.points) == 10
    assert feed.add(SeriesKey(None, "10001", TEMPERATURE)) is series


def test_a_flood_is_sampled_within_the_budget_and_says_so():
    store = MessageStore()
    feed = feed_for(store)
    feed.budget_s = 0.001
    series = feed.add(SeriesKey(None, "10001", TEMPERATURE))
    weather(store, [(float(t), 10001, t % 50, 0) for t in range(50_000)])
    feed.poll()
    assert feed.last_stride > 1
    assert feed.skipped > 0
    assert 0 < len(series.points) < 50_000
    assert len(series.points) + feed.skipped == 50_000


def test_points_stay_within_the_cap_and_the_newest_are_kept():
    ring = PointRing(cap=10_000)
    for block in range(25):
        times = [float(block * 1000 + i) for i in range(1000)]
        ring.extend(times, times)
    times, values = ring.arrays()
    assert len(times) == 10_000
    assert ring.dropped == 15_000
    assert times[0] == 15_000.0 and times[-1] == 24_999.0
    assert np.all(np.diff(times) == 1.0)
    assert np.array_equal(times, values)


def test_the_series_cap_follows_the_stores_message_cap():
    store = MessageStore(max_messages=100)
    feed = feed_for(store)
    series = feed.add(SeriesKey(None, None, TEMPERATURE))
    for start in range(0, 1000, 50):
        weather(store, [(float(t), 10001, t, 0) for t in range(start, start + 50)])
        feed.poll()
    assert len(series.points) == 100
    assert series.points.arrays()[0][-1] == 999.0


def test_rates_count_messages_per_second_per_socket():
    store = MessageStore()
    feed = feed_for(store)
    feed.show_rates(BY_SOCKET)
    weather(store, [(10.0 + i / 10, 10001, 1, 1) for i in range(30)], socket="a")  # 10/s, 3 s
    weather(store, [(10.0 + i / 2, 10001, 1, 1) for i in range(6)], socket="b")  # 2/s
    feed.poll(now=20.0)
    rates = feed.rates
    assert rates is not None
    times, values = rates.series["a"].arrays()
    assert times[:3].tolist() == [10.0, 11.0, 12.0]
    assert values[:3].tolist() == [10.0, 10.0, 10.0]
    assert values[3] == 0.0  # silence after the last message is drawn as zero
    assert rates.series["b"].arrays()[1][:3].tolist() == [2.0, 2.0, 2.0]


def test_rates_per_topic_and_a_cap_on_lines():
    tracker = RateTracker(BY_TOPIC)
    rows = [(5.0, "s", IN, 0, f"{topic} 1 2".encode()) for topic in range(MAX_KEYS + 10)]
    tracker.feed(rows)
    tracker.close_before(7.0)
    assert len(tracker.series) == MAX_KEYS + 1
    assert tracker.series[OTHER].arrays()[1][0] == 10.0
    assert tracker.series["0"].arrays()[1][0] == 1.0


def test_a_sampled_rate_counts_each_row_for_the_ones_left_out():
    tracker = RateTracker(BY_SOCKET)
    tracker.feed([(3.2, "s", IN, 0, b"x")] * 10, weight=4.0)
    tracker.close_before(4.0)
    assert tracker.series["s"].arrays()[1].tolist() == [40.0]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        RateTracker("peer")
    with pytest.raises(ValueError):
        PointRing(0)
