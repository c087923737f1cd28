"""Compare in the real window: two rows Ctrl+clicked and compared, a message compared with the
previous one on its topic, and the Message pane's pinned diff following the selection."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import Qt
from table_helpers import ctrl_click_row
from ui_actions import WAIT_MS, menu_action, trigger_menu

from zinspect.core.store import IN, Message
from zinspect.ui.widgets.theme import DARK, DARK_TABLE, LIGHT_TABLE, apply_theme

COMPARE = "Compare selected messages"
PREVIOUS = "Compare with previous on this topic"


def put(window, *messages: list[bytes]) -> None:
    now = time.time()
    window.session.store.extend(
        [Message(now + i, "sub", IN, frames) for i, frames in enumerate(messages)]
    )


def reading(temp: float, unit: str = "C", **extra: object) -> list[bytes]:
    return [b"weather", json.dumps({"temp": temp, "unit": unit, **extra}).encode()]


def compare_text(window, qtbot) -> str:
    qtbot.waitUntil(lambda: window.compare.dialog is not None, timeout=WAIT_MS)
    dialog = window.compare.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog.view.text()


def test_two_rows_ctrl_clicked_compare_to_the_changed_path_with_old_and_new_value(
    window, user, qtbot
):
    put(window, reading(21.5), [b"news", b"hello"], reading(22.25, source="roof"))
    user.wait_rows(3)
    user.click_row(0)
    assert not menu_action(window, COMPARE).isEnabled()  # one row: nothing to compare with
    ctrl_click_row(user, 2)
    qtbot.waitUntil(menu_action(window, COMPARE).isEnabled, timeout=WAIT_MS)
    trigger_menu(window, COMPARE)
    text = compare_text(window, qtbot)
    assert "A Message #1" in text and "B Message #3" in text
    assert "Frame 1: same" in text and "Frame 2: changed" in text
    lines = text.splitlines()
    temp = next(i for i, line in enumerate(lines) if line.strip() == "~ f2.temp")
    assert lines[temp + 1 : temp + 3] == ["21.5", "22.25"]
    source = next(i for i, line in enumerate(lines) if line.strip() == "+ f2.source")
    assert lines[source + 1 : source + 3] == ["—", '"roof"']


def test_the_shortcut_compares_text_frames_word_by_word(window, user, qtbot):
    put(window, [b"10001 -70 49"], [b"10001 -68 49"])
    user.wait_rows(2)
    user.click_row(0)
    ctrl_click_row(user, 1)
    qtbot.waitUntil(menu_action(window, COMPARE).isEnabled, timeout=WAIT_MS)
    user.activate()
    user.shortcut(Qt.Key.Key_D, target=window.traffic.view)
    text = compare_text(window, qtbot)
    assert "Frame 1: changed" in text
    assert "10001 -70 68 49" in text  # the old word struck through, a space, the new one
    html = window.compare.dialog.view.browser.toHtml()
    assert "line-through" in html


def test_a_message_is_compared_with_the_previous_one_on_its_topic(window, user, qtbot):
    put(window, reading(20.0), [b"news", b"a"], reading(21.0), [b"news", b"b"])
    rows = user.wait_rows(4)
    assert rows[2].frames[0] == b"weather"
    user.click_row(2)
    trigger_menu(window, PREVIOUS)
    text = compare_text(window, qtbot)
    assert "topic 'weather'" in text
    assert "A Message #1" in text and "B Message #3" in text
    assert "f2.temp" in text


def test_the_first_message_of_a_topic_has_no_previous_and_the_status_bar_says_so(
    window, user, qtbot
):
    put(window, [b"news", b"a"], reading(20.0))
    user.wait_rows(2)
    user.click_row(1)
    trigger_menu(window, PREVIOUS)
    qtbot.waitUntil(
        lambda: "No earlier message on topic 'weather'" in window.statusBar().currentMessage(),
        timeout=WAIT_MS,
    )
    assert window.compare.dialog is None


def test_the_pinned_diff_follows_the_selection_until_unpinned(window, user, qtbot):
    put(window, reading(20.0), reading(21.0), [b"news", b"x"], reading(21.0, "F"))
    user.wait_rows(4)
    user.click_row(1)
    user.click(window.compare.pin_button)
    pinned = window.compare.pinned_view
    qtbot.waitUntil(pinned.isVisible, timeout=WAIT_MS)
    assert not user.frame_table.isVisible()
    qtbot.waitUntil(lambda: "f2.temp" in pinned.text(), timeout=WAIT_MS)
    assert "B Message #2" in pinned.text()

    user.click_row(3)  # against message 2, its previous on "weather"
    qtbot.waitUntil(lambda: "f2.unit" in pinned.text(), timeout=WAIT_MS)
    assert "A Message #2" in pinned.text() and "f2.temp" not in pinned.text()

    user.click_row(0)
    qtbot.waitUntil(lambda: "No earlier message" in pinned.text(), timeout=WAIT_MS)

    user.click(window.compare.pin_button)
    qtbot.waitUntil(user.frame_table.isVisible, timeout=WAIT_MS)
    assert not pinned.isVisible()


def test_binary_frames_show_hex_rows_and_the_colours_follow_the_theme(window, user, qtbot):
    put(
        window,
        [b"blob", bytes(range(32))],
        [b"blob", bytes(range(16)) + b"\xee" + bytes(range(17, 32))],
    )
    user.wait_rows(2)
    user.click_row(0)
    ctrl_click_row(user, 1)
    qtbot.waitUntil(menu_action(window, COMPARE).isEnabled, timeout=WAIT_MS)
    trigger_menu(window, COMPARE)
    text = compare_text(window, qtbot)
    assert "A 00000010  10 11 12" in text and "B 00000010  ee 11 12" in text
    browser = window.compare.dialog.view.browser
    assert LIGHT_TABLE["diff_changed_background"] in browser.toHtml()
    apply_theme(DARK)
    qtbot.waitUntil(
        lambda: DARK_TABLE["diff_changed_background"] in browser.toHtml(), timeout=WAIT_MS
    )
