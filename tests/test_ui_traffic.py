"""The live traffic table: model over the store, filter bar, pause, clear, follow, selection."""

from __future__ import annotations

import re
import time

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QWidget
from ui_actions import WAIT_MS

from zinspect.core.store import IN, OUT, Message, MessageStore
from zinspect.core.traffic_filter import (
    FILTER_TEXT_LIMIT,
    FilterError,
    TrafficFilter,
    hex_needle,
    message_text,
)
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.traffic.columns import (
    COL_DIRECTION,
    COL_FRAMES,
    COL_NUMBER,
    COL_SIZE,
    COL_SOCKET,
    COL_SUMMARY,
    COL_TIME,
)
from zinspect.ui.traffic.traffic_model import MESSAGE_ROLE, TrafficModel, format_time
from zinspect.ui.traffic.traffic_panel import TrafficPanel


def msg(socket: str, direction: str, *frames: bytes, stamp: float | None = None) -> Message:
    return Message(time.time() if stamp is None else stamp, socket, direction, list(frames))


def batch(count: int, socket: str = "pub-1", direction: str = OUT, start: int = 0) -> list[Message]:
    return [
        msg(socket, direction, b"topic", b"payload %d" % i) for i in range(start, start + count)
    ]


def cell(model: TrafficModel, row: int, column: int) -> str:
    return model.index(row, column).data()


def column_texts(model: TrafficModel, column: int) -> list[str]:
    return [cell(model, row, column) for row in range(model.rowCount())]


class Recorder:
    """Collects (first, last) of rowsInserted/rowsRemoved."""

    def __init__(self, signal) -> None:
        self.calls: list[tuple[int, int]] = []
        signal.connect(self._on_signal)

    def _on_signal(self, _parent, first: int, last: int) -> None:
        self.calls.append((first, last))


@pytest.fixture
def model(qtbot):
    store = MessageStore()
    model = TrafficModel(store)
    yield model
    model.deleteLater()


@pytest.fixture
def bridge(session):
    return SessionBridge(session)


@pytest.fixture
def panel(qtbot, session, bridge):
    session.create_socket("PUB", "pub-1")
    session.create_socket("XPUB", "xpub-1")
    panel = TrafficPanel(bridge, session.store)
    qtbot.addWidget(panel)
    panel.resize(900, 320)
    return panel


@pytest.fixture
def shown(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    return panel


# -- the model -----------------------------------------------------------------------------


def test_model_passes_the_model_tester_through_inserts_drops_filters_and_clear(
    qtmodeltester, model
):
    store = model.store
    store.extend(batch(5))
    model.refresh()
    qtmodeltester.check(model, force_py=True)  # stays connected: rechecks every change
    store.extend(batch(5, direction=IN))
    model.refresh()
    store.set_caps(6, store.max_bytes)
    model.refresh()
    assert model.rowCount() == 6
    model.set_filter(TrafficFilter(direction=IN))
    assert model.rowCount() == 5
    store.extend(batch(3, direction=IN))
    model.refresh()
    assert model.rowCount() == 6
    store.clear()
    model.reset_to_store()
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_new_messages_arrive_in_one_insert_per_refresh(qtbot, model):
    inserted = Recorder(model.rowsInserted)
    for start in range(0, 5000, 100):  # 50 batches before the timer gets a chance
        model.store.extend(batch(100, start=start))
    qtbot.waitUntil(lambda: model.rowCount() == 5000, timeout=WAIT_MS)
    assert inserted.calls == [(0, 4999)]
    for start in range(0, 3000, 300):
        model.store.extend(batch(300, start=start))
    qtbot.waitUntil(lambda: model.rowCount() == 8000, timeout=WAIT_MS)
    assert inserted.calls == [(0, 4999), (5000, 7999)]
    assert model.seq_at(7999) == 7999
    assert model.index(7999, 0).data(MESSAGE_ROLE) is model.store.get(7999)


def test_caps_dropping_the_head_removes_rows_once_per_refresh(qtbot, model):
    store = model.store
    store.set_caps(100, store.max_bytes)
    store.extend(batch(100))
    model.refresh()
    removed = Recorder(model.rowsRemoved)
    for start in range(100, 150, 10):
        store.extend(batch(10, start=start))
    model.refresh()
    assert removed.calls == [(0, 49)]
    assert model.rowCount() == 100
    assert cell(model, 0, COL_NUMBER) == "51"
    assert cell(model, 99, COL_NUMBER) == "150"
    # filtered rows are trimmed the same way
    model.set_filter(TrafficFilter(text="payload 1"))  # payload 1, 10-19, 100-149 kept
    qtbot.waitUntil(lambda: model.filter_progress == 100, timeout=WAIT_MS)
    assert model.rowCount() == 50
    store.extend(batch(80, start=900))  # no match; drops the oldest 80
    model.refresh()
    assert model.rowCount() == 20
    assert cell(model, 0, COL_NUMBER) == "131"


def test_columns_show_text_binary_empty_multipart_and_subscriptions(panel):
    stamp = 1_700_000_000.123
    panel.model.store.extend(
        [
            msg("pub-1", OUT, b"hello", stamp=stamp),
            msg("xpub-1", IN, b"\x01weather"),
            msg("xpub-1", IN, b"\x00"),
            msg("pub-1", OUT, b"\x00\x01\xfe\xff"),
            msg("pub-1", OUT, b"", b"ok", b""),
            msg("pub-1", OUT, b"\xff\xfebad utf-8"),
            msg("pub-1", OUT, b"line1\nline2"),
            msg("pub-1", OUT, *[b"f"] * 300),
            msg("pub-1", OUT, b"x" * 1536),
            msg("pub-1", OUT, b"\x01not a subscription on PUB"),
        ]
    )
    model = panel.model
    model.refresh()
    assert model.rowCount() == 10
    expected_time = time.strftime("%H:%M:%S", time.localtime(1_700_000_000)) + ".123"
    assert [cell(model, 0, c) for c in range(7)] == [
        "1",
        expected_time,
        "pub-1",
        "→ out",
        "1",
        "5 B",
        "hello",
    ]
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d\d\d", cell(model, 1, COL_TIME))
    assert cell(model, 1, COL_DIRECTION) == "← in"
    summaries = column_texts(model, COL_SUMMARY)
    assert summaries[1] == "subscribe 'weather'"
    assert summaries[2] == "unsubscribe (everything)"
    assert summaries[3] == "0x 00 01 fe ff"
    assert summaries[4] == "[empty] | ok | [empty]"
    assert summaries[5].startswith("0x ff fe 62 61 64")
    assert summaries[6] == "line1⏎line2"
    assert cell(model, 7, COL_FRAMES) == "300"
    assert summaries[7].startswith("f | f") and summaries[7].endswith("frames")
    assert cell(model, 8, COL_SIZE) == "1.5 KiB"
    assert model.index(8, COL_SIZE).data(Qt.ItemDataRole.ToolTipRole) == "1,536 bytes"
    assert summaries[8].endswith("…")
    assert summaries[9].startswith("0x 01 6e")  # only XPUB/XSUB decode subscriptions
    assert cell(model, 4, COL_SOCKET) == "pub-1"
    alignment = model.index(0, COL_SIZE).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) & Qt.AlignmentFlag.AlignRight


def test_format_time_rounds_to_the_millisecond():
    base = 1_700_000_000
    assert format_time(base + 0.9996).endswith(".000")
    assert format_time(base + 0.9996)[:8] == time.strftime("%H:%M:%S", time.localtime(base + 1))
    assert format_time(base + 0.5).endswith(".500")


# -- filter rules ---------------------------------------------------------------------------


def test_filter_text_is_frames_as_utf8_one_per_line():
    assert message_text([b"a", b"", b"\xffb"]) == "a\n\n\ufffdb"
    matcher = TrafficFilter(text="^B$", regex=True).compile()
    assert matcher.matches(msg("s", IN, b"a", b"b"))
    assert not matcher.matches(msg("s", IN, b"ab"))
    assert TrafficFilter(text="WORLD").compile().matches(msg("s", IN, b"hello world"))
    assert hex_needle("0x de:ad BE ef") == b"\xde\xad\xbe\xef"
    assert hex_needle("0xabc") is None and hex_needle("dead") is None
    assert TrafficFilter(text="0x00ff").compile().matches(msg("s", IN, b"t", b"\x01\x00\xff"))
    with pytest.raises(FilterError, match="Invalid regular expression"):
        TrafficFilter(text="(", regex=True).compile()


def test_filter_searches_the_first_mib_of_huge_messages(model):
    huge = b"head " + b"x" * (3 * FILTER_TEXT_LIMIT) + b" tail"
    model.store.extend([msg("pub-1", IN, huge)])
    model.set_filter(TrafficFilter(text="HEAD"))
    assert model.rowCount() == 1
    assert cell(model, 0, COL_SUMMARY).startswith("head xxx")
    assert cell(model, 0, COL_SIZE) == "3.0 MiB"
    model.set_filter(TrafficFilter(text="tail"))
    assert model.rowCount() == 0  # as the filter's tooltip says


# -- the panel ------------------------------------------------------------------------------


def fill_mixed(panel: TrafficPanel) -> None:
    panel.model.store.extend(
        [
            msg("pub-1", OUT, b"Hello world"),
            msg("xpub-1", IN, b"\x01news"),
            msg("pub-1", OUT, b"news", b"sport 42"),
            msg("xpub-1", OUT, b"\x00\xffbinary"),
            msg("pub-1", IN, b"HELLO again"),
        ]
    )
    panel.model.refresh()


def test_filters_by_socket_direction_and_text(qtbot, panel):
    fill_mixed(panel)
    model = panel.model
    panel.set_socket_filter("pub-1")
    assert column_texts(model, COL_NUMBER) == ["1", "3", "5"]
    panel.direction_combo.setCurrentIndex(panel.direction_combo.findData(OUT))
    assert column_texts(model, COL_NUMBER) == ["1", "3"]
    panel.set_socket_filter(None)
    qtbot.keyClicks(panel.filter_edit, "hello")
    qtbot.waitUntil(lambda: column_texts(model, COL_NUMBER) == ["1"], timeout=WAIT_MS)
    panel.direction_combo.setCurrentIndex(0)
    assert column_texts(model, COL_NUMBER) == ["1", "5"]
    assert panel.count_label.text() == "2 of 5 messages match"
    panel.filter_edit.setText("0x ff 62")  # bytes anywhere in a frame
    qtbot.waitUntil(lambda: column_texts(model, COL_NUMBER) == ["4"], timeout=WAIT_MS)
    panel.filter_edit.clear()
    qtbot.mouseClick(panel.regex_check, Qt.MouseButton.LeftButton)
    assert panel.regex_check.isChecked()
    qtbot.keyClicks(panel.filter_edit, r"^sport \d+$")
    qtbot.waitUntil(lambda: column_texts(model, COL_NUMBER) == ["3"], timeout=WAIT_MS)
    # new traffic is matched as it arrives
    model.store.extend([msg("pub-1", OUT, b"sport 7"), msg("pub-1", OUT, b"sport x")])
    qtbot.waitUntil(lambda: column_texts(model, COL_NUMBER) == ["3", "6"], timeout=WAIT_MS)


def test_invalid_regex_says_why_and_keeps_the_previous_filter(qtbot, panel):
    fill_mixed(panel)
    model = panel.model
    panel.regex_check.setChecked(True)
    qtbot.keyClicks(panel.filter_edit, "hel+o")
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    qtbot.keyClicks(panel.filter_edit, "(")
    qtbot.waitUntil(lambda: panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS)
    assert "Invalid regular expression" in panel.filter_error.text()
    assert "missing )" in panel.filter_error.text()
    assert column_texts(model, COL_NUMBER) == ["1", "5"]
    panel.set_socket_filter("pub-1")  # other parts still apply, with the last valid text
    assert column_texts(model, COL_NUMBER) == ["1", "5"]
    panel.direction_combo.setCurrentIndex(panel.direction_combo.findData(IN))
    assert column_texts(model, COL_NUMBER) == ["5"]
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not panel.filter_error.isVisibleTo(panel), timeout=WAIT_MS)
    assert column_texts(model, COL_NUMBER) == ["5"]


def test_filtering_a_large_store_runs_in_chunks_without_blocking(qtbot, panel):
    count = 200_000
    panel.model.store.extend(
        msg("pub-1" if i % 2 else "xpub-1", OUT, b"reading", b'{"sensor": %d}' % i)
        for i in range(count)
    )
    panel.model.refresh()
    assert panel.model.rowCount() == count
    # the window's own timers keep firing while the filter runs: a timer's ticks are seen
    # with the filter part-way (how long each slice takes is benchmarks/stalls.py's figure)
    seen_while_filtering: list[int] = []

    def on_tick() -> None:
        if panel.model.filter_progress < 100:
            seen_while_filtering.append(panel.model.filter_progress)

    ticker = QTimer()
    ticker.timeout.connect(on_tick)
    ticker.start(1)
    progress: list[str] = []
    panel.model.filter_progress_changed.connect(
        lambda _p: progress.append(panel.progress_label.text())
    )
    panel.filter_edit.setText('SENSOR": 1')
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    assert panel.model.filter_progress < 100
    qtbot.waitUntil(lambda: panel.model.filter_progress == 100, timeout=20_000)
    ticker.stop()
    assert panel.model.rowCount() == sum(1 for i in range(count) if str(i)[0] == "1")
    assert any(re.fullmatch(r"Filtering… \d\d?%", text) for text in progress)
    assert not panel.progress_label.isVisibleTo(panel)
    assert seen_while_filtering  # the event loop ran between the filter's slices


def test_pause_freezes_rows_and_resume_catches_up_in_one_insert(qtbot, shown):
    panel = shown
    store = panel.model.store
    store.extend(batch(10))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 10, timeout=WAIT_MS)
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    assert panel.pause_action.isChecked()
    store.extend(batch(20, start=10))
    qtbot.waitUntil(lambda: panel.paused_label.text() == "Paused — 20 new", timeout=WAIT_MS)
    assert panel.paused_label.isVisible()
    store.extend(batch(5, start=30))
    qtbot.waitUntil(lambda: panel.paused_label.text() == "Paused — 25 new", timeout=WAIT_MS)
    assert panel.model.rowCount() == 10
    inserted = Recorder(panel.model.rowsInserted)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(panel.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert not panel.pause_action.isChecked()
    assert panel.model.rowCount() == 35
    assert inserted.calls == [(10, 34)]
    assert not panel.paused_label.isVisible()


def test_clear_discards_the_traffic_and_numbers_start_again(qtbot, panel, session):
    fill_mixed(panel)
    closed = session.create_socket("SUB", "sub-9")
    closed.close()
    assert panel.socket_combo.findText("sub-9 (closed)") > 0
    with qtbot.waitSignal(panel.message_selected, timeout=WAIT_MS) as blocker:
        panel.clear_action.trigger()
    assert blocker.args == [None]
    assert len(session.store) == 0 and panel.model.rowCount() == 0
    assert panel.socket_combo.findData("sub-9") < 0  # no rows left for a closed socket
    assert panel.socket_combo.findData("pub-1") > 0
    session.store.extend(batch(2))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=WAIT_MS)
    # like a new capture; the sequence numbers go on (test_review_fixes_7_numbering.py)
    assert column_texts(panel.model, COL_NUMBER) == ["1", "2"]
    assert "Discard" in panel.clear_action.toolTip()
    assert panel.clear_action.shortcut().toString() == "Ctrl+L"


def test_sockets_follow_the_bridge_and_closed_ones_still_decode(qtbot, panel, session):
    assert panel.socket_type_of("xpub-1") == "XPUB"
    xsub = session.create_socket("XSUB", "xsub-1")
    assert panel.socket_combo.findData("xsub-1") > 0
    session.store.append(msg("xsub-1", OUT, b"\x01topic"))
    xsub.close()
    assert panel.socket_combo.itemText(panel.socket_combo.findData("xsub-1")) == "xsub-1 (closed)"
    assert panel.socket_type_of("xsub-1") == "XSUB"
    panel.model.refresh()
    assert cell(panel.model, 0, COL_SUMMARY) == "subscribe 'topic'"


def test_follows_new_rows_unless_scrolled_up(qtbot, shown):
    panel = shown
    store = panel.model.store
    store.set_caps(400, store.max_bytes)
    bar = panel.view.verticalScrollBar()
    store.extend(batch(200))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 200, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=WAIT_MS)
    assert panel.following and not panel.follow_button.isVisible()
    bar.setValue(50)  # the user scrolls up
    assert not panel.following and panel.follow_button.isVisible()
    top_seq = panel.model.seq_at(panel.view.indexAt(QPoint(5, 5)).row())
    store.extend(batch(200, start=200))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 400, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.maximum() > 300, timeout=WAIT_MS)
    assert bar.value() == 50
    store.extend(batch(30, start=400))  # the caps drop the 30 oldest rows
    qtbot.waitUntil(lambda: cell(panel.model, 0, COL_NUMBER) == "31", timeout=WAIT_MS)
    assert panel.model.seq_at(panel.view.indexAt(QPoint(5, 5)).row()) == top_seq
    assert not panel.following
    bar.setValue(bar.maximum())  # back at the bottom: follow again
    assert panel.following
    store.extend(batch(10, start=430))
    qtbot.waitUntil(lambda: cell(panel.model, 399, COL_NUMBER) == "440", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT_MS)
    bar.setValue(0)
    qtbot.mouseClick(panel.follow_button, Qt.MouseButton.LeftButton)
    assert panel.following and bar.value() == bar.maximum()


def test_selecting_rows_emits_the_message(qtbot, shown):
    panel = shown
    store = panel.model.store
    store.set_caps(50, store.max_bytes)
    store.extend(batch(5))
    qtbot.waitUntil(lambda: panel.model.rowCount() == 5, timeout=WAIT_MS)
    rect = panel.view.visualRect(panel.model.index(1, COL_SUMMARY))
    with qtbot.waitSignal(panel.message_selected, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [store.get(1)]
    with qtbot.waitSignal(panel.message_selected, timeout=WAIT_MS) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert blocker.args == [store.get(2)]
    selected = store.get(2)
    with qtbot.assertNotEmitted(panel.message_selected):
        store.extend(batch(50, start=5))  # drops the selected message: keep showing it
        panel.model.refresh()
    assert store.get(2) is None and selected.frames == [b"topic", b"payload 2"]


def test_every_control_has_a_tooltip_and_an_accessible_name(panel):
    controls = panel.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    assert len(controls) >= 10
    for control in controls:
        assert control.toolTip(), control
        assert control.accessibleName(), control
    for action in (panel.pause_action, panel.clear_action):
        assert action.toolTip() and action.shortcut().toString()
    assert panel.pause_action.isCheckable()
    assert panel.pause_action.shortcut().toString() == "Ctrl+P"
    assert panel.pause_action.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    header = panel.view.horizontalHeader()
    assert header.stretchLastSection() and not panel.view.verticalHeader().isVisible()
    assert panel.view.verticalHeader().sectionResizeMode(0).name == "Fixed"


def test_focus_filter_puts_the_keyboard_in_the_filter_text(qtbot, shown):
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow, timeout=WAIT_MS)
    shown.filter_edit.setText("abc")
    shown.view.setFocus()
    shown.focus_filter()
    qtbot.waitUntil(shown.filter_edit.hasFocus, timeout=WAIT_MS)
    assert shown.filter_edit.selectedText() == "abc"


# -- found in the acceptance audit ------------------------------------------------------------
def test_a_narrow_table_never_scrolls_sideways_when_rows_overflow(qtbot, shown, session):
    # The stretched Summary column used to keep 100 px once the vertical scroll bar came,
    # so a table in a narrow centre area got a horizontal scroll bar for nothing.
    shown.resize(600, 300)
    session.store.extend(batch(200))
    qtbot.waitUntil(lambda: shown.model.rowCount() == 200, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown.view.verticalScrollBar().isVisible(), timeout=WAIT_MS)
    view = shown.view
    assert view.horizontalHeader().length() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0


def test_filter_clear_button_and_header_are_named(qtbot, shown):
    from PySide6.QtWidgets import QToolButton

    shown.filter_edit.setText("abc")
    buttons = [b for b in shown.filter_edit.findChildren(QToolButton) if b.isVisible()]
    assert buttons, "the line edit shows a clear button while it has text"
    for button in buttons:
        assert button.toolTip() == "Clear the filter field"
        assert button.accessibleName() == "Clear filter"
    assert shown.view.horizontalHeader().accessibleName() == "Traffic table columns"


def test_clear_says_what_it_clears_in_menus_but_stays_short_on_its_button(panel):
    assert panel.clear_action.text() == "Clear traffic"  # the menu and F1's shortcut list
    assert panel.clear_button.text() == "Clear"
