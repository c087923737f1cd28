"""Preferences that reach beyond the table, driven through Edit > Preferences…: lower store
caps drop the oldest rows at once (counted as drops, the store's own way), new sockets get
the chosen MAXMSGSIZE (old ones keep theirs), opening a demo follows Clear or Keep without
asking, and everything is remembered by a new window on the same settings file."""

from __future__ import annotations

import time

import pytest
import zmq
from preferences_helpers import (
    open_preferences,
    press_ok,
    process_preferences_restored,
    set_preferences,
    type_over,
    type_points,
)
from PySide6.QtGui import QFontMetrics
from ui_actions import WAIT_MS, open_boxes, the_box, trigger_menu
from window_driver import WindowDriver, settings_at

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE, set_default_maxmsgsize
from zinspect.core.store import OUT, Message, MessageStore, set_numbering_from
from zinspect.ui.main_window import MainWindow
from zinspect.ui.traffic.columns import COL_NUMBER, COL_TIME

PIPELINE = "Pipeline: ventilator, workers, sink"
MIB = 1024 * 1024


@pytest.fixture(autouse=True)
def _restored():
    with process_preferences_restored():
        yield


def sent(window, count: int) -> None:
    start = time.time()
    window.session.store.extend(
        [Message(start + i * 0.01, "pub-1", OUT, [b"m%d" % i]) for i in range(count)]
    )


def test_lower_caps_drop_the_oldest_rows_at_once(window, user, qtbot):
    window.session.store.set_history(None)  # the caps alone (a history keeps the rest)
    sent(window, 3000)
    user.wait_rows(3000)
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_messages_edit, "1,000")
    press_ok(qtbot, dialog)
    store = window.session.store
    model = window.traffic.model
    assert store.max_messages == 1000 and len(store) == 1000 and store.dropped == 2000
    qtbot.waitUntil(lambda: model.rowCount() == 1000, timeout=WAIT_MS)
    assert model.index(0, COL_NUMBER).data() == "2001"
    qtbot.waitUntil(lambda: "dropped 2,000" in window.status.text(), timeout=WAIT_MS)
    assert "dropped the 2,000 oldest messages" in window.statusBar().currentMessage()
    sent(window, 10)  # the cap holds for what comes next
    qtbot.waitUntil(lambda: model.index(0, COL_NUMBER).data() == "2011", timeout=WAIT_MS)
    assert model.rowCount() == 1000


def test_memory_cap_in_mib_drops_by_size(window, user, qtbot):
    window.session.store.set_history(None)  # the caps alone (a history keeps the rest)
    big = b"x" * (MIB // 2)
    window.session.store.extend(
        [Message(time.time(), "pub-1", OUT, [big]) for _ in range(60)]  # 30 MiB of payload
    )
    user.wait_rows(60)
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_mib_edit, "16")
    press_ok(qtbot, dialog)
    store = window.session.store
    assert store.max_bytes == 16 * MIB and store.total_bytes <= 16 * MIB
    assert 0 < len(store) < 33 and store.dropped == 60 - len(store)
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == len(store), timeout=WAIT_MS)


def test_new_sockets_get_the_maxmsgsize_and_old_ones_keep_theirs(window, user, qtbot):
    old = user.create("PULL", "old")
    dialog = open_preferences(window, qtbot)
    assert dialog.maxmsgsize_edit.text() == "256 MiB"
    type_over(qtbot, dialog.maxmsgsize_edit, "64 KiB")
    press_ok(qtbot, dialog)
    new = user.create("PULL", "new")
    assert new.socket.getsockopt(zmq.MAXMSGSIZE) == 64 * 1024
    assert old.socket.getsockopt(zmq.MAXMSGSIZE) == DEFAULT_MAXMSGSIZE


@pytest.mark.parametrize(
    ("choice", "kept"), [("Clear the traffic", False), ("Keep the traffic", True)]
)
def test_opening_a_demo_follows_the_choice_without_asking(window, user, qtbot, choice, kept):
    set_preferences(window, qtbot, clear_combo=choice)
    sent(window, 5)
    user.wait_rows(5)
    trigger_menu(window, PIPELINE)
    qtbot.waitUntil(lambda: len(window.session.sockets) == 8, timeout=WAIT_MS)
    assert open_boxes(window) == []  # never asked
    assert ({m.socket for m in window.session.store} == {"pub-1"}) is kept
    assert (window.traffic.model.rowCount() == 5) is kept


def test_ask_asks_again_after_a_remembered_choice(window, user, qtbot):
    window.settings.setValue("traffic/clear_on_open", "always")  # "Don't ask again" + Clear
    dialog = open_preferences(window, qtbot)
    assert dialog.clear_combo.currentText() == "Clear the traffic"
    set_preferences(window, qtbot, clear_combo="Ask")
    sent(window, 5)
    user.wait_rows(5)
    trigger_menu(window, PIPELINE)
    box = the_box(window, qtbot)
    assert box.text().startswith("Clear the traffic of the previous workspace?")


def test_every_preference_is_remembered_by_a_new_window(window, user, qtbot, tmp_path):
    dialog = set_preferences(
        window,
        qtbot,
        theme_combo="Dark",
        time_combo="Since the first message (+12.345 s)",
        numbering_combo="From 0",
        clear_combo="Keep the traffic",
    )
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_messages_edit, "5,000")
    type_over(qtbot, dialog.max_mib_edit, "64")
    type_over(qtbot, dialog.maxmsgsize_edit, "1 MiB")
    type_points(qtbot, dialog.font_spin, 15)
    press_ok(qtbot, dialog)
    window.close()
    window.shutdown()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    # defaults in between, as a new process starts with
    set_numbering_from(1)
    set_default_maxmsgsize(DEFAULT_MAXMSGSIZE)

    session = Session()
    again = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        sent(again, 2)
        WindowDriver(again, qtbot).wait_rows(2)
        model = again.traffic.model
        assert [model.index(r, COL_NUMBER).data() for r in range(2)] == ["0", "1"]
        assert model.index(0, COL_TIME).data() == "+0.000 s"
        assert session.store.max_messages == 5000 and session.store.max_bytes == 64 * MIB
        assert again.traffic.view.font().pointSize() == 15
        assert again.traffic.view.rowHeight(0) >= QFontMetrics(again.traffic.view.font()).height()
        assert WindowDriver(again, qtbot).create("PULL").socket.getsockopt(zmq.MAXMSGSIZE) == MIB
        assert again.preferences.theme == "dark"
        shown = open_preferences(again, qtbot)
        assert shown.theme_combo.currentText() == "Dark"
        assert shown.clear_combo.currentText() == "Keep the traffic"
        assert shown.max_messages_edit.text() == "5,000"
        assert shown.maxmsgsize_edit.text() == "1 MiB"
        assert shown.font_spin.value() == 15
    finally:
        again.close()
        again.shutdown()


def test_nonsense_in_the_settings_file_counts_as_not_set(session, qtbot, tmp_path):
    settings = settings_at(tmp_path / "hand-edited.ini")
    for key, value in (
        ("store/max_messages", "-5"),
        ("store/max_mib", "lots"),
        ("sockets/default_maxmsgsize", "0"),
        ("traffic/time_format", "sundial"),
        ("traffic/font_points", "900"),
        ("view/theme", "plaid"),
    ):
        settings.setValue(key, value)
    settings.sync()
    main = MainWindow(settings=settings, session=session)
    qtbot.addWidget(main)
    try:
        assert session.store.max_messages == 1_000_000
        assert main.traffic.model.time_format == "clock"
        assert main.preferences.theme == "system"
        assert main.preferences.dialog.values() is not None  # the dialog starts valid
    finally:
        main.close()
        main.shutdown()


def test_the_dialog_shows_the_caps_the_store_has_until_some_are_chosen(aloop, qtbot, tmp_path):
    session = Session(MessageStore(max_messages=5000, max_bytes=64 * MIB))
    main = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
    qtbot.addWidget(main)
    try:
        main.show()
        qtbot.waitExposed(main)
        dialog = open_preferences(main, qtbot)
        assert dialog.max_messages_edit.text() == "5,000" and dialog.max_mib_edit.text() == "64"
        press_ok(qtbot, dialog)  # OK changes nothing the user did not change
        assert (session.store.max_messages, session.store.max_bytes) == (5000, 64 * MIB)
    finally:
        main.close()
        main.shutdown()
