"""A regular expression typed in the filter bar can no longer freeze the window.

The reviewer ticked Regex over ~1,000 JSON messages and typed ``(.|.)*Z``: Python's ``re``
backtracked for minutes and the window never came back. Now each search of a message is
bounded (core.bounded_regex): the expression is dropped where it ran out of time, the
message under the field says why in words and how to simplify it, the table shows what it
showed before, and the next expression works as usual.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from ui_actions import WAIT_MS

from zinspect.core.bounded_regex import BoundedRegex
from zinspect.core.store import IN
from zinspect.ui.traffic import traffic_model
from zinspect.ui.traffic.columns import match_finder

COUNT = 1000
CATASTROPHIC = "(.|.)*Z"  # 2**n ways to fail before each z of a message


def payload(seq: int, key: str = "zone") -> bytes:
    """~90 bytes of JSON; with "zone" in its middle CATASTROPHIC backtracks on it."""
    return json.dumps(
        {"seq": seq, "sensor": "temperature", key: "north", "value": 21.5, "ok": True}
    ).encode()


def add_rows(window, payloads: list[bytes]) -> None:
    rows = [(float(n), "sub-1", IN, len(data), data) for n, data in enumerate(payloads)]
    window.session.store.extend_rows(rows, len(rows))


def shown_seqs(model) -> list[int]:
    return [json.loads(model.message_at(row).frames[0])["seq"] for row in range(model.rowCount())]


def enter_filter(qtbot, panel, text: str, regex: bool = True) -> None:
    """Tick (or untick) Regex, replace the filter's text by typing, press Enter."""
    if panel.regex_check.isChecked() != regex:
        qtbot.mouseClick(panel.regex_check, Qt.MouseButton.LeftButton)
    panel.filter_edit.selectAll()
    qtbot.keyClicks(panel.filter_edit, text)
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)


class Ticker:
    """A timer of the window's own loop, counting its ticks (and the ones while ``busy``)."""

    def __init__(self, busy=lambda: False) -> None:
        self.ticks = 0
        self.while_busy = 0
        self._busy = busy
        self._timer = QTimer()
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(1)

    def _on_timer_timeout(self) -> None:
        self.ticks += 1
        self.while_busy += bool(self._busy())

    def stop(self) -> None:
        self._timer.stop()


def test_a_catastrophic_regex_is_dropped_in_words_and_the_next_one_works(window, qtbot):
    add_rows(window, [payload(n) for n in range(COUNT)])
    panel, model = window.traffic, window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    ticker = Ticker()

    enter_filter(qtbot, panel, CATASTROPHIC)
    qtbot.waitUntil(lambda: panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS)
    words = panel.filter_error.text()
    assert "This regular expression takes too long" in words
    assert "on message #1." in words and "backtracks catastrophically" in words
    assert ".* instead of (.|.)*" in words  # how to simplify it
    assert "the table shows the messages without a text filter" in words
    # nothing else changed: every message as before, and the field keeps what was typed
    assert model.rowCount() == COUNT
    assert panel.count_label.text() == f"{COUNT:,} messages"
    assert panel.filter_edit.text() == CATASTROPHIC and panel.regex_check.isChecked()
    seen = ticker.ticks
    qtbot.waitUntil(lambda: ticker.ticks > seen + 3, timeout=WAIT_MS)  # the loop goes on
    ticker.stop()

    enter_filter(qtbot, panel, r'"seq": 7\d?,')  # a good expression works as ever
    qtbot.waitUntil(lambda: model.rowCount() == 11, timeout=WAIT_MS)
    assert shown_seqs(model) == [7, *range(70, 80)]
    assert not panel.filter_error.isVisibleTo(panel)
    assert panel.count_label.text() == f"11 of {COUNT:,} messages match"


def test_the_window_runs_while_the_regex_searches_and_the_previous_filter_comes_back(
    window, qtbot, monkeypatch
):
    # the first 200 messages are quick to search, the rest make the expression give up
    add_rows(window, [payload(n, "area" if n < 200 else "zone") for n in range(COUNT)])
    panel, model = window.traffic, window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    enter_filter(qtbot, panel, "temperature", regex=False)
    qtbot.waitUntil(
        lambda: panel.count_label.text() == "1,000 of 1,000 messages match", timeout=WAIT_MS
    )
    monkeypatch.setattr(traffic_model, "SCAN_BUDGET_S", 0.0)  # a search per turn of the loop
    ticker = Ticker(busy=lambda: model.filter.text == CATASTROPHIC and model.filter_progress < 100)

    enter_filter(qtbot, panel, CATASTROPHIC)
    qtbot.waitUntil(lambda: panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS * 4)
    ticker.stop()
    monkeypatch.undo()  # searches at the usual pace again
    assert ticker.while_busy  # the window's timers fired while the expression searched
    words = panel.filter_error.text()
    assert "on message #201." in words
    # ticking Regex applied "temperature" as an expression: the table showed that last
    assert "the table keeps the previous filter: the regular expression “temperature”" in words
    assert model.filter.text == "temperature"
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)

    # another part of the filter changes: the dropped expression is not tried again
    panel.direction_combo.setCurrentIndex(panel.direction_combo.findData(IN))
    assert (model.filter.text, model.filter.direction) == ("temperature", IN)
    assert panel.filter_error.text() == words
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)


def test_a_new_message_that_trips_a_shown_regex_drops_its_text_only(window, qtbot):
    add_rows(window, [payload(n, "area") for n in range(COUNT)])
    panel, model = window.traffic, window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    enter_filter(qtbot, panel, CATASTROPHIC)  # quick on these: none has a z
    qtbot.waitUntil(
        lambda: panel.count_label.text() == f"0 of {COUNT:,} messages match", timeout=WAIT_MS
    )
    assert not panel.filter_error.isVisibleTo(panel)

    add_rows(window, [payload(COUNT)])  # the live filter meets a message it gives up on
    qtbot.waitUntil(lambda: panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS)
    words = panel.filter_error.text()
    assert f"on message #{COUNT + 1}." in words  # as the No. column says
    assert "the table shows the messages without a text filter" in words
    qtbot.waitUntil(lambda: model.rowCount() == COUNT + 1, timeout=WAIT_MS)


def test_a_compile_error_is_said_and_goes_when_the_text_changes(window, qtbot):
    add_rows(window, [payload(n) for n in range(COUNT)])
    panel, model = window.traffic, window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    enter_filter(qtbot, panel, "[a")
    assert panel.filter_error.isVisibleTo(panel)
    assert panel.filter_error.text() == (
        "Invalid regular expression: unterminated character set at position 3"
    )
    assert model.rowCount() == COUNT  # the filter before it stays

    enter_filter(qtbot, panel, CATASTROPHIC)  # the new expression's own words replace it
    qtbot.waitUntil(lambda: "takes too long" in panel.filter_error.text(), timeout=WAIT_MS)
    assert "unterminated" not in panel.filter_error.text()

    panel.filter_edit.selectAll()
    qtbot.keyClicks(panel.filter_edit, r"seq.: 99\d,")  # typing alone applies it
    qtbot.waitUntil(lambda: not panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown_seqs(model) == list(range(990, 1000)), timeout=WAIT_MS)


def test_a_summary_stops_looking_for_a_slow_regex_after_one_try():
    find = match_finder(BoundedRegex(CATASTROPHIC), "")
    assert find is not None
    assert find(payload(1).decode()) is None  # gave up: the summary shows from its start
    assert find("z at once") is None  # and is not asked again
    quick = match_finder(BoundedRegex("nor.h"), "")
    text = payload(1).decode()
    assert quick is not None and quick(text) == (text.index("north"), text.index("north") + 5)
