"""The traffic table's right-click menu in the real window: each entry does what it says."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView
from table_helpers import choose, entry, put, reading, row_menu
from ui_actions import WAIT_MS

from zinspect.core.store import IN, OUT, Message


def test_copy_as_text_hex_and_json_puts_the_row_s_frames_on_the_clipboard(window, user, qtbot):
    put(window, [b"topic", b"h\xc3\xa9llo"], [b"other"])
    user.wait_rows(2)
    clipboard = QGuiApplication.clipboard()
    choose(row_menu(qtbot, window, 0), "Copy as text")
    assert clipboard.text() == "topic\nhéllo"
    choose(row_menu(qtbot, window, 0), "Copy as hex")
    assert clipboard.text() == "746f706963\n68c3a96c6c6f"
    choose(row_menu(qtbot, window, 0), "Copy as JSON")
    copied = json.loads(clipboard.text())
    assert copied["socket"] == "sub" and copied["direction"] == IN
    assert copied["frames"] == ["topic", "héllo"]


def test_copy_takes_every_selected_row(window, user, qtbot):
    put(window, [b"one"], [b"two"], [b"three"])
    user.wait_rows(3)
    view = window.traffic.view
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.selectAll()
    choose(row_menu(qtbot, window, 1), "Copy as text")
    assert QGuiApplication.clipboard().text() == "one\n\ntwo\n\nthree"


def test_filter_to_this_topic_shows_the_chip_and_only_that_topic(window, user, qtbot):
    put(window, reading(1, "oslo"), reading(2, "rome"), reading(3, "oslo"))
    user.wait_rows(3)
    choose(row_menu(qtbot, window, 1), "Filter to this topic")
    traffic = window.traffic
    qtbot.waitUntil(traffic.topic_chip.isVisible, timeout=WAIT_MS)
    assert "rome" in traffic.topic_chip.text()
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 1, timeout=WAIT_MS)
    assert user.rows()[0].frames[0] == b"rome"


def test_filter_to_socket_chooses_it_in_the_socket_filter(window, user, qtbot):
    put(window, [b"a"], socket="left")
    put(window, [b"b"], socket="right")
    user.wait_rows(2)
    choose(row_menu(qtbot, window, 1), "Filter to socket right")
    traffic = window.traffic
    assert traffic.socket_combo.currentData() == "right"
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 1, timeout=WAIT_MS)


def test_filter_to_peer_is_offered_on_a_router_only(window, user, qtbot):
    user.create("ROUTER", "router")
    window.session.store.extend(
        [
            Message(1.0, "router", IN, [b"\x00\xaa\x01", b"hi"]),
            Message(2.0, "router", IN, [b"\x00\xbb\x02", b"hi"]),
        ]
    )
    user.wait_rows(2)
    menu = row_menu(qtbot, window, 0)
    assert entry(menu, "Filter to peer 0x 00 aa 01").isEnabled()
    choose(menu, "Filter to peer 0x 00 aa 01")
    traffic = window.traffic
    qtbot.waitUntil(lambda: traffic.model.rowCount() == 1, timeout=WAIT_MS)
    assert user.rows()[0].frames[0] == b"\x00\xaa\x01"
    put(window, [b"x"], socket="sub")
    traffic.set_socket_filter(None)
    traffic.filter_edit.clear()
    user.wait_rows(3)
    menu = row_menu(qtbot, window, 2)  # no routing id, no address: no peer entry
    assert not [a for a in menu.actions() if a.text().startswith("Filter to peer")]
    menu.close()


def test_compare_two_selected_rows_and_with_the_previous_on_topic(window, user, qtbot):
    put(window, reading(1), [b"news", b"x"], reading(2))
    user.wait_rows(3)
    menu = row_menu(qtbot, window, 2)
    assert not entry(menu, "Compare").isEnabled()  # one row selected
    choose(menu, "Compare with previous on topic")
    qtbot.waitUntil(lambda: window.compare.dialog is not None, timeout=WAIT_MS)
    dialog = window.compare.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert "A Message #1" in dialog.view.text() and "B Message #3" in dialog.view.text()
    dialog.close()
    view = window.traffic.view
    view.selectRow(0)
    selection = view.selectionModel()
    selection.select(
        window.traffic.model.index(2, 0),
        selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
    )
    choose(row_menu(qtbot, window, 2), "Compare")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert "#1 and #3" in dialog.windowTitle()


def test_plot_opens_the_add_series_dialog_prefilled(window, user, qtbot):
    put(window, reading(1, "oslo"))
    user.wait_rows(1)
    choose(row_menu(qtbot, window, 0), "Plot…")
    dialog = window.plots.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.socket_combo.currentText() == "sub"
    assert dialog.topic_edit.text() == "oslo"
    dialog.reject()


def test_resend_loads_the_message_into_the_composer(window, user, qtbot):
    put(window, [b"first"], [b"ping", b"again"])
    user.wait_rows(2)
    choose(row_menu(qtbot, window, 1), "Resend…")
    frames, errors = window.composer.frame_editor.encoded()
    assert (frames, errors) == ([b"ping", b"again"], [])
    assert window.composer_dock.isVisible()


def test_add_to_saved_messages_adds_it_under_its_number(window, user, qtbot):
    handle = user.create("DEALER", "client")
    window.session.store.extend([Message(1.0, handle.name, OUT, [b"hello", b"world"])])
    user.wait_rows(1)
    saved = window.saved_messages.model
    choose(row_menu(qtbot, window, 0), "Add to saved messages")
    qtbot.waitUntil(lambda: saved.rowCount() == 1, timeout=WAIT_MS)
    message = saved.message_at(0)
    assert (message.name, message.socket, message.frames) == (
        "#1 client",
        "client",
        [b"hello", b"world"],
    )
    choose(row_menu(qtbot, window, 0), "Add to saved messages")  # again: another name
    qtbot.waitUntil(lambda: saved.rowCount() == 2, timeout=WAIT_MS)
    assert saved.message_at(1).name == "#1 client (2)"
    assert window.workspace_actions.saved_messages_dock.isVisible()


def test_right_click_below_the_rows_opens_no_menu(window, user, qtbot):
    put(window, [b"only"])
    user.wait_rows(1)
    view = window.traffic.view
    assert window.explore.row_menu(QPoint(5, view.viewport().height() - 2)) is None
