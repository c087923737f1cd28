"""The Rates tab, first shown with a minute of stored traffic, draws that minute at once
(it started empty and filled only with what arrived after); many kept messages are counted
in slices over a few polls, from a sample, never all in one tick."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from test_ui_plot import points
from ui_actions import WAIT_MS

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.series_feed import RATE_BACKFILL_POLLS, SeriesFeed
from zinspect.core.store import IN, MessageStore


def _click_rates_tab(qtbot, panel) -> None:
    bar = panel.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Rates")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def test_the_rates_tab_shows_the_minute_the_store_keeps(window, qtbot):
    start = int(time.time()) - 70
    rows = [(start + i / 10, "feed", IN, 1, b"x") for i in range(600)]  # 10/s for 60 s
    rows += [(start + i / 2, "slow", IN, 1, b"y") for i in range(120)]  # 2/s for 60 s
    rows.sort(key=lambda row: row[0])
    window.session.store.extend_rows(rows, len(rows))
    window.plots.dock.show()
    window.plots.dock.raise_()
    panel = window.plots.panel
    qtbot.waitUntil(panel.isVisible, timeout=WAIT_MS)
    _click_rates_tab(qtbot, panel)
    qtbot.waitUntil(lambda: set(panel.rates.curves) == {"feed", "slow"}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(points(panel.rates.curves["feed"])) >= 60, timeout=WAIT_MS)
    feed = points(panel.rates.curves["feed"])
    slow = points(panel.rates.curves["slow"])
    assert feed[:60] == [(float(start + s), 10.0) for s in range(60)]
    assert slow[:60] == [(float(start + s), 2.0) for s in range(60)]
    assert feed[60] == (float(start + 60), 0.0)  # then silence


def _store(count: int, topics: bool = False) -> MessageStore:
    store = MessageStore()
    start = time.time() - 100
    rows = [
        (start + i * 90 / count, "s", IN, 8, b"%d 1 2" % (10001 + i % 2) if topics else b"x")
        for i in range(count)
    ]
    store.extend_rows(rows, count)
    return store


def test_many_kept_messages_are_counted_in_a_few_polls_from_a_sample():
    store = _store(200_000)
    feed = SeriesFeed(store, MessageDecoder(), lambda _name: "")
    feed.show_rates("socket")
    polls = 0
    while feed.rates_backfilling:
        feed.poll()
        polls += 1
        if feed.rates_backfilling:  # no bin closes before every kept row is counted
            assert feed.rates is not None
            assert all(not s.points.arrays()[0].size for s in feed.rates.series.values())
    assert polls <= RATE_BACKFILL_POLLS
    feed.poll()
    assert feed.rates is not None
    series = feed.rates.series["s"]
    assert abs(series.total - 200_000) <= 200  # a sample, each row counted for its stride
    times, rates = series.arrays()
    assert times.size >= 90 and 0 < rates.max() < 5_000


def test_rates_by_topic_start_with_the_kept_messages_too():
    store = _store(1_000, topics=True)
    feed = SeriesFeed(store, MessageDecoder(), lambda _name: "")
    feed.show_rates("topic")
    feed.poll()
    assert feed.rates is not None and not feed.rates_backfilling
    assert {name: round(s.total) for name, s in feed.rates.series.items()} == {
        "10001": 500,
        "10002": 500,
    }


def test_clear_while_the_kept_messages_are_counted_forgets_them_too():
    store = _store(200_000)
    feed = SeriesFeed(store, MessageDecoder(), lambda _name: "")
    feed.show_rates("socket")
    feed.poll()
    assert feed.rates_backfilling
    feed.clear()
    feed.poll()
    assert feed.rates is not None and not feed.rates_backfilling
    assert all(series.total == 0 for series in feed.rates.series.values())
