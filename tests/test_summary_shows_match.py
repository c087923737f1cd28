"""The Summary column shows as much of a decoded payload as its width allows (a guessed
msgpack map is no longer cut at 60 characters), within a bound however big the payload;
and while a text filter is set, the text it matched is in sight in every matching row's
Summary, whatever the column's width, with "…" where the summary was cut.

What a cell shows is computed as the view paints it: the delegate's options for the cell,
then Qt's own elision to the cell's width."""

from __future__ import annotations

import msgpack
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from ui_actions import WAIT_MS

from zinspect.core.store import IN
from zinspect.ui.traffic.columns import COL_SUMMARY, SUMMARY_LIMIT


def payload(n: int) -> bytes:
    """A map whose Summary runs ~330 characters, its last value far past 60."""
    return msgpack.packb(
        {
            "id": n,
            "topic": f"sensors/room-{n}",
            "samples": list(range(100, 160)),
            "meta": {"host": f"edge-{n}", "note": f"needle-{n} at the end"},
        }
    )


def fill(window, qtbot, frames_list: list[list[bytes]]) -> None:
    rows = [
        (float(n), "dealer-1", IN, sum(map(len, frames)), *frames)
        for n, frames in enumerate(frames_list)
    ]
    store = window.session.store
    store.extend_rows(rows, len(rows))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == len(store), timeout=WAIT_MS)


def set_summary_width(window, width: int) -> None:
    header = window.traffic.view.horizontalHeader()
    header.setStretchLastSection(False)
    header.resizeSection(COL_SUMMARY, width)


def shown(window, row: int) -> str:
    """The Summary cell of ``row`` as painted: its text elided to the cell's width."""
    view = window.traffic.view
    index = view.model().index(row, COL_SUMMARY)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.font = view.font()
    option.textElideMode = view.textElideMode()
    option.widget = view
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    width = option.rect.width() - 2 * margin
    return QFontMetrics(option.font).elidedText(option.text, option.textElideMode, width)


def type_filter(window, qtbot, text: str, rows: int) -> None:
    panel = window.traffic
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, text)
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.model.rowCount() == rows, timeout=WAIT_MS)


def test_a_wide_summary_column_shows_the_whole_msgpack_map(qtbot, window):
    fill(window, qtbot, [[payload(n)] for n in range(3)])
    set_summary_width(window, 4000)
    text = shown(window, 1)
    assert text.startswith('{"id": 1, "topic": "sensors/room-1", "samples": [100, 101')
    assert text.endswith('"note": "needle-1 at the end"}}') and "…" not in text
    # a topic frame before it leaves the map the rest of the room
    fill(window, qtbot, [[b"weather", payload(n)] for n in range(3, 4)])
    assert shown(window, 3).startswith('weather | {"id": 3,')
    assert shown(window, 3).endswith('"needle-3 at the end"}}')


def test_a_filter_match_is_in_sight_in_a_narrow_summary(qtbot, window):
    fill(window, qtbot, [[payload(n)] if n % 2 else [b"plain %d" % n] for n in range(40)])
    set_summary_width(window, 220)
    assert "needle" not in shown(window, 1)  # unfiltered: the start and the end of it
    type_filter(window, qtbot, "NEEDLE-2", rows=5)  # case-insensitive
    model = window.traffic.model
    assert [model.message_at(row).seq for row in range(5)] == [21, 23, 25, 27, 29]
    for row in range(5):
        text = shown(window, row)
        assert "needle-2" in text and text.startswith("…"), text
    # a regular expression: the span it matched
    window.traffic.regex_check.setChecked(True)
    type_filter(window, qtbot, r"needle-3\d", rows=5)
    for row in range(5):
        assert shown(window, row).startswith('…", "note": "needle-3')
    # no filter: summaries start at their start again
    window.traffic.regex_check.setChecked(False)
    type_filter(window, qtbot, "", rows=40)
    assert shown(window, 1).startswith('{"id": 1,')


def test_a_huge_map_gives_a_bounded_summary_and_its_match_when_in_reach(qtbot, window):
    huge = {f"key-{n:05d}": "v" * 40 for n in range(1200)}  # ~60 KiB, ~60,000 characters
    huge["key-00003"] = "findme early"
    fill(window, qtbot, [[msgpack.packb(huge)], [b"other"]])
    model = window.traffic.model
    text = model.data(model.index(0, COL_SUMMARY))
    assert len(text) <= SUMMARY_LIMIT + 1 and text.endswith("…")
    set_summary_width(window, 300)
    type_filter(window, qtbot, "findme", rows=1)
    assert "findme early" in shown(window, 0)
    # a match far past what a summary renders: found by the filter, the summary as it is
    type_filter(window, qtbot, "key-01150", rows=1)
    assert model.data(model.index(0, COL_SUMMARY)) == text


def test_sorting_by_summary_under_a_filter_compares_the_summaries_from_their_start(qtbot, window):
    """The rows cut at their match would sort by what follows the match; they sort as the
    summaries read from their start."""
    pairs = (("b", "a"), ("a", "c"))  # cut at "match", "a" would sort first: row 0
    maps = [{"name": name + "-" + "x" * 20, "tag": f"match {tail}"} for name, tail in pairs]
    fill(window, qtbot, [[msgpack.packb(m)] for m in maps] + [[b"no"]])
    type_filter(window, qtbot, "match", rows=2)
    window.traffic.columns.sort(COL_SUMMARY)
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.sorted, timeout=WAIT_MS)
    assert [model.message_at(row).seq for row in range(2)] == [1, 0]  # "a" before "b"


def test_a_narrow_summary_keeps_its_start_where_rows_differ(qtbot, window):
    """Rows of one stream differ early (their id, their topic): a summary too long for
    its column is cut at its end, so each row's id stays in sight."""
    fill(window, qtbot, [[payload(n)] for n in range(3)])
    set_summary_width(window, 220)
    for row in range(3):
        text = shown(window, row)
        assert text.startswith(f'{{"id": {row}, "topic"') and text.endswith("…"), text
