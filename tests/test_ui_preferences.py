"""Edit > Preferences…, driven through the menu: each preference changes what the user sees
(the Time column and the Message pane's time in each format, numbering from 0, the table's
font size), the theme is stored and announced, Restore defaults, and bad input is refused in
words next to the field with OK disabled and nothing applied."""

from __future__ import annotations

import re
import time

import pytest
from peerio import start_peer
from preferences_helpers import (
    choose,
    open_preferences,
    press_ok,
    process_preferences_restored,
    set_preferences,
    type_over,
    type_points,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel
from ui_actions import PEER_WAIT_MS, WAIT_MS, click

from zinspect.core.capture.csv_export import csv_row
from zinspect.core.store import OUT, Message
from zinspect.ui.traffic.columns import COL_NUMBER, COL_TIME

SECONDS = re.compile(r"^\+(\d+)\.(\d{3}) s$")
CLOCK = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}$")


@pytest.fixture(autouse=True)
def _restored():
    with process_preferences_restored():
        yield


def sent(window, count: int, step: float = 0.25) -> list[Message]:
    """``count`` messages in the store, ``step`` seconds apart."""
    start = time.time()
    messages = [Message(start + i * step, "pub-1", OUT, [b"m%d" % i]) for i in range(count)]
    window.session.store.extend(messages)
    return messages


def column(window, col: int) -> list[str]:
    model = window.traffic.model
    return [model.index(row, col).data() for row in range(model.rowCount())]


def seconds(text: str) -> float:
    match = SECONDS.match(text)
    assert match, text
    return int(match.group(1)) + int(match.group(2)) / 1000


def test_the_dialog_opens_from_the_edit_menu_and_with_ctrl_comma(window, user, qtbot):
    dialog = open_preferences(window, qtbot)
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert [a.text() for a in edit_menu.actions()][-1] == "&Preferences…"  # last, as usual
    user.activate()
    user.shortcut(Qt.Key.Key_Comma)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)


def test_time_column_and_message_pane_in_each_format_with_real_traffic(window, user, peer, qtbot):
    user.create("PULL", "sink")
    address = user.bind()
    start_peer(peer, qtbot, "big_message_sender.py", address, 4, 1, 16, "--interval", "0.2")
    user.wait_rows(4, timeout=PEER_WAIT_MS)
    times = [m.time for m in window.session.store]

    clock = column(window, COL_TIME)
    assert all(CLOCK.match(text) for text in clock), clock
    user.click_row(2)
    assert user.detail_field("time").endswith(clock[2])  # date and clock

    set_preferences(window, qtbot, time_combo="Since the first message (+12.345 s)")
    relative = column(window, COL_TIME)
    assert relative[0] == "+0.000 s"
    for text, stamp in zip(relative, times):
        assert seconds(text) == pytest.approx(stamp - times[0], abs=0.0011)
    qtbot.waitUntil(lambda: user.detail_field("time").startswith(relative[2]), timeout=WAIT_MS)
    assert clock[2] in user.detail_field("time")  # the clock stays beside it

    set_preferences(window, qtbot, time_combo="Since the previous message (+0.012 s)")
    delta = column(window, COL_TIME)
    assert delta[0] == "+0.000 s"
    for index in range(1, 4):
        assert seconds(delta[index]) == pytest.approx(times[index] - times[index - 1], abs=0.0011)
    qtbot.waitUntil(lambda: user.detail_field("time").startswith(delta[2]), timeout=WAIT_MS)

    set_preferences(window, qtbot, time_combo="Clock (14:02:11.303)")
    assert column(window, COL_TIME) == clock
    assert user.detail_field("time").endswith(clock[2]) and "+" not in user.detail_field("time")


def test_numbering_from_zero_everywhere_a_number_shows(window, user, qtbot):
    sent(window, 3)
    user.wait_rows(3)
    assert column(window, COL_NUMBER) == ["1", "2", "3"]
    user.click_row(1)
    title = window.detail.findChild(QLabel, "message_title")
    assert title.text() == "Message #2"

    set_preferences(window, qtbot, numbering_combo="From 0")
    assert column(window, COL_NUMBER) == ["0", "1", "2"]
    qtbot.waitUntil(lambda: title.text() == "Message #1", timeout=WAIT_MS)
    model = window.traffic.model
    tip = model.headerData(COL_NUMBER, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "from 0" in tip
    assert csv_row(window.session.store.get(window.session.store.first_seq))[0] == "0"

    set_preferences(window, qtbot, numbering_combo="From 1 (like Wireshark)")
    assert column(window, COL_NUMBER) == ["1", "2", "3"]
    qtbot.waitUntil(lambda: title.text() == "Message #2", timeout=WAIT_MS)


def test_font_size_of_the_table_with_rows_following(window, user, qtbot):
    sent(window, 3)
    user.wait_rows(3)
    view = window.traffic.view
    before = view.rowHeight(0)
    dialog = open_preferences(window, qtbot)
    type_points(qtbot, dialog.font_spin, 20)
    press_ok(qtbot, dialog)
    assert view.font().pointSize() == 20
    assert window.traffic.model.summary_font.pointSize() == 20
    height = view.rowHeight(0)
    assert height > before and height >= QFontMetrics(view.font()).height()

    dialog = open_preferences(window, qtbot)
    type_points(qtbot, dialog.font_spin, 7)
    press_ok(qtbot, dialog)
    assert view.font().pointSize() == 7
    assert view.rowHeight(0) < before


def test_theme_is_stored_and_announced_once_chosen(window, qtbot):
    dialog = open_preferences(window, qtbot)
    assert dialog.theme_combo.currentText() == "System"
    choose(dialog.theme_combo, "Dark")
    with qtbot.waitSignal(dialog.theme_chosen, timeout=WAIT_MS) as signal:
        click(qtbot, dialog.apply_button)
    assert signal.args == ["dark"]
    assert window.settings.value("view/theme") == "dark"
    # applied at once: the window turns dark and the View menu's Theme shows Dark checked
    assert window.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert window.theme_menu.actions["dark"].isChecked()
    with qtbot.assertNotEmitted(dialog.theme_chosen):  # unchanged: nothing to apply again
        press_ok(qtbot, dialog)
    choose(open_preferences(window, qtbot).theme_combo, "Light")
    with qtbot.waitSignal(window.preferences.theme_chosen, timeout=WAIT_MS) as signal:
        press_ok(qtbot, dialog)
    assert signal.args == ["light"] and window.settings.value("view/theme") == "light"


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("max_messages_edit", "12", "Keep at least 1,000 messages"),
        ("max_messages_edit", "lots", "Type a whole number of messages"),
        ("max_messages_edit", "9" * 15, "what this machine's memory allows"),
        ("max_mib_edit", "8", "At least 16 MiB"),
        ("max_mib_edit", "99999999", "half of this machine's memory"),
        ("maxmsgsize_edit", "12 parsecs", "Type a size such as"),
        ("maxmsgsize_edit", "10", "At least 1 KiB"),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_applied(
    window, user, qtbot, field, typed, words
):
    store = window.session.store
    caps = (store.max_messages, store.max_bytes)
    dialog = open_preferences(window, qtbot)
    choose(dialog.numbering_combo, "From 0")
    edit = getattr(dialog, field)
    type_over(qtbot, edit, typed)
    label = getattr(dialog, field.replace("_edit", "_error"))
    assert label.isVisible() and words in label.text()
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter does not apply either
    assert dialog.isVisible()
    click(qtbot, dialog.cancel_button)
    assert (store.max_messages, store.max_bytes) == caps
    assert window.settings.value("traffic/number_from") is None
    sent(window, 1)
    user.wait_rows(1)
    assert column(window, COL_NUMBER) == ["1"]
    # opening again shows what is stored, not what was typed
    dialog = open_preferences(window, qtbot)
    assert not label.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.numbering_combo.currentText() == "From 1 (like Wireshark)"


def test_fixing_the_input_enables_ok_again(window, qtbot):
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_messages_edit, "999")
    assert not dialog.ok_button.isEnabled()
    type_over(qtbot, dialog.max_messages_edit, "2,000")
    assert not dialog.max_messages_error.isVisible() and dialog.ok_button.isEnabled()
    press_ok(qtbot, dialog)
    assert window.session.store.max_messages == 2000


def test_restore_defaults_puts_every_field_back(window, qtbot):
    set_preferences(
        window,
        qtbot,
        theme_combo="Dark",
        time_combo="Since the previous message (+0.012 s)",
        numbering_combo="From 0",
        clear_combo="Keep the traffic",
    )
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_messages_edit, "5000")
    type_over(qtbot, dialog.maxmsgsize_edit, "bad")
    click(qtbot, dialog.defaults_button)
    assert dialog.theme_combo.currentText() == "System"
    assert dialog.time_combo.currentText() == "Clock (14:02:11.303)"
    assert dialog.numbering_combo.currentText() == "From 1 (like Wireshark)"
    assert dialog.clear_combo.currentText() == "Ask"
    assert dialog.max_messages_edit.text() == "1,000,000"
    assert dialog.max_mib_edit.text() == "512"
    assert dialog.maxmsgsize_edit.text() == "256 MiB"
    assert not dialog.maxmsgsize_error.isVisible() and dialog.ok_button.isEnabled()
    press_ok(qtbot, dialog)
    assert window.traffic.model.time_format == "clock"
    assert window.settings.value("traffic/clear_on_open") == "ask"
