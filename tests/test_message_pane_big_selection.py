"""Selecting the row of a big message reads only what the Message pane shows (the table's
preview: a frame over 1 MiB kept as libzmq received it comes as its first 64 KiB), and the
pane's actions that need every byte (copy, save, Edit and resend) read the whole message
then, even when the store has dropped it since (the pane holds its buffers, no copy)."""

from __future__ import annotations

import tracemalloc

from detail_pane_helpers import child, label, make_message, select_frame
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QPushButton
from ui_actions import WAIT_MS, click, trigger_menu

from zinspect.core.codecs import frame_head
from zinspect.core.rows import HEAD_BYTES, keep_frame
from zinspect.core.store import IN, ROW_FRAMES
from zinspect.ui.message.detail_pane import DetailPane

MIB = 1 << 20
BIG = 12 * MIB


def big_text() -> bytes:
    line = b"line of a big text frame, numbered %08d\n"
    body = b"".join(line % n for n in range(BIG // len(line % 0) + 1))
    return body[: BIG - 3] + b"END"


def store_big_message(window, qtbot) -> bytes:
    """Rows 0 and 2 small, row 1 [b"bulk", a 12 MiB frame kept as received]; the table
    shows the three, the Message dock room for its buttons. Returns the big frame."""
    window.resize(1600, 1000)
    window.resizeDocks([window.detail_dock], [520], Qt.Orientation.Horizontal)
    store = window.session.store
    frame = big_text()
    small = [(1.0, "pull-1", IN, 7, b"small 1"), (3.0, "pull-1", IN, 7, b"small 2")]
    store.extend_rows(small[:1], 1)
    store.extend_rows([(2.0, "pull-1", IN, 4 + BIG, b"bulk", keep_frame(bytearray(frame)))], 1, [0])
    store.extend_rows(small[1:], 1)
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 3, timeout=WAIT_MS)
    return frame


def press(qtbot, pane: DetailPane, name: str) -> None:
    click(qtbot, child(pane, QPushButton, name))


def kept_frames(store) -> int:
    _, rows = store.raw_rows(store.first_seq, store.end_seq)
    return sum(type(frame) is not bytes for row in rows for frame in row[ROW_FRAMES:])


def test_selecting_a_big_row_copies_none_of_it(qtbot, user):
    window = user.window
    store = window.session.store
    store_big_message(window, qtbot)
    cost = store.total_bytes
    tracemalloc.start()
    try:
        user.click_row(1)
        select_frame(qtbot, window.detail, 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB  # a copy of the frame would be 12 MiB
    # the store still holds libzmq's buffer and counts it as before: nothing was made whole
    assert kept_frames(store) == 1 and store.total_bytes == cost
    assert user.detail_field("size") == f"12.0 MiB ({BIG + 4:,} bytes)"
    assert label(window.detail, "frame_title").text() == "Frame 2 of 2: 12.0 MiB (12,582,912 bytes)"
    assert "showing 64 KiB of 12.0 MiB" in label(window.detail, "truncated_mark").text()
    assert user.frame_viewer.toPlainText().startswith("line of a big text frame, numbered 0")
    tip = child(window.detail, QPushButton, "copy_text_button").toolTip()
    assert "12.0 MiB" in tip and "This frame is huge" in tip


def test_copy_save_and_resend_after_selecting_give_every_byte(qtbot, user, tmp_path):
    window = user.window
    frame = store_big_message(window, qtbot)
    user.click_row(1)
    pane = window.detail
    select_frame(qtbot, pane, 1)
    press(qtbot, pane, "copy_text_button")
    assert QGuiApplication.clipboard().text() == frame.decode()
    assert (
        label(pane, "action_status").text()
        == "Copied frame 2 (12.0 MiB (12,582,912 bytes)) as text."
    )

    press(qtbot, pane, "save_frame_button")
    dialog = pane.findChild(QFileDialog, "save_frame_dialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    target = tmp_path / "big.bin"
    dialog.fileSelected.emit(str(target))
    assert target.read_bytes() == frame
    dialog.reject()

    with qtbot.waitSignal(pane.resend_requested, timeout=WAIT_MS) as blocker:
        press(qtbot, pane, "resend_button")
    assert blocker.args[0] == [b"bulk", frame]
    qtbot.waitUntil(lambda: len(user.frame_rows) == 2, timeout=WAIT_MS)


def test_a_big_message_dropped_since_its_selection_is_still_copied_whole(qtbot, user):
    """The pane holds the message's buffers (no copy) while it shows it, as it held the
    whole message before: the caps dropping it takes nothing from the pane's actions."""
    window = user.window
    store = window.session.store
    store.set_history(None)  # RAM only: what the caps drop is gone from the store
    frame = store_big_message(window, qtbot)
    user.click_row(1)
    pane = window.detail
    select_frame(qtbot, pane, 1)
    store.set_caps(1, store.max_bytes)  # keeps "small 2" only
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    assert store.get(1) is None and kept_frames(store) == 0
    assert user.detail_field("size") == f"12.0 MiB ({BIG + 4:,} bytes)"  # still shown
    press(qtbot, pane, "copy_text_button")
    assert QGuiApplication.clipboard().text() == frame.decode()
    with qtbot.waitSignal(pane.resend_requested, timeout=WAIT_MS) as blocker:
        press(qtbot, pane, "resend_button")
    assert blocker.args[0] == [b"bulk", frame]


def test_a_head_with_nowhere_to_read_it_whole_is_not_copied_in_part(qtbot, pane):
    """A pane with no store (a preview handed to it alone) says it cannot, in words, and
    copies and sends nothing rather than the head as if it were the frame."""
    head = frame_head(b"x" * (2 * MIB), HEAD_BYTES)
    pane.show_message(make_message([b"bulk", head]))
    select_frame(qtbot, pane, 1)
    QGuiApplication.clipboard().setText("before")
    press(qtbot, pane, "copy_hex_button")
    status = label(pane, "action_status")
    assert status.isVisible() and "nothing was copied, saved or sent" in status.text()
    assert QGuiApplication.clipboard().text() == "before"
    with qtbot.assertNotEmitted(pane.resend_requested):
        press(qtbot, pane, "resend_button")


def test_comparing_a_selected_big_message_compares_every_byte(qtbot, user):
    """The same 2 MiB frame twice: compared whole, the selected message's frame is the same
    as the previous one's (its head alone would read as changed), in the Compare window and
    in the pinned diff."""
    window = user.window
    store = window.session.store
    frame = b"same bytes " * (200 * 1024)
    for when in (1.0, 2.0):
        row = (when, "pull-1", IN, 4 + len(frame), b"bulk", keep_frame(bytearray(frame)))
        store.extend_rows([row], 1, [0])
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 2, timeout=WAIT_MS)
    user.click_row(1)
    assert kept_frames(store) == 2  # selecting copied nothing
    trigger_menu(window, "Compare with previous on this topic")
    qtbot.waitUntil(lambda: window.compare.dialog is not None, timeout=WAIT_MS)
    dialog = window.compare.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert "Frame 2: same" in dialog.view.text()
    dialog.close()
    user.click_row(0)
    user.click(window.compare.pin_button)
    user.click_row(1)
    pinned = window.compare.pinned_view
    qtbot.waitUntil(lambda: "Frame 2: same" in pinned.text(), timeout=WAIT_MS)
