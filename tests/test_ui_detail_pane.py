"""The message detail pane, driven as a user would: show messages, pick frames and views,
copy, save, resend."""

from __future__ import annotations

import base64
import datetime
import json
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)
from ui_actions import WAIT_MS

from zinspect.core.codecs import DETAIL_LIMIT, hexdump
from zinspect.core.store import IN, OUT, Message
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.message.frame_list_model import FRAME_ROLE, FrameListModel
from zinspect.ui.message.frame_render import render_frame


def make_message(
    frames: list[bytes],
    seq: int = 1,
    socket: str = "sock-1",
    direction: str = IN,
    when: float | None = None,
) -> Message:
    message = Message(time.time() if when is None else when, socket, direction, frames)
    message.seq = seq
    return message


@pytest.fixture
def pane(qtbot) -> DetailPane:
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(800, 650)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def child(pane: QWidget, kind: type, name: str):
    found = pane.findChild(kind, name)
    assert found is not None, name
    return found


def viewer_text(pane: DetailPane) -> str:
    return child(pane, QPlainTextEdit, "frame_viewer").toPlainText()


def label(pane: DetailPane, name: str) -> QLabel:
    return child(pane, QLabel, name)


def shown_note(pane: DetailPane) -> str:
    note = label(pane, "view_note")
    return note.text() if note.isVisibleTo(pane) else ""


def select_frame(qtbot, pane: DetailPane, row: int) -> None:
    table = child(pane, QTableView, "frame_table")
    index = table.model().index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    assert label(pane, "frame_title").text().startswith(f"Frame {row + 1} ")


def choose_view(pane: DetailPane, view: str) -> None:
    combo = child(pane, QComboBox, "view_combo")
    index = combo.findData(view)
    assert index >= 0
    combo.setCurrentIndex(index)


def click(qtbot, pane: DetailPane, name: str) -> None:
    qtbot.mouseClick(child(pane, QPushButton, name), Qt.MouseButton.LeftButton)


# -- empty state and header ----------------------------------------------------------------
def test_empty_state_shows_a_hint(pane):
    hint = label(pane, "empty_hint")
    assert hint.isVisible()
    assert "Select a message in the traffic table" in hint.text()
    pane.show_message(make_message([b"x"]))
    assert not hint.isVisible()
    pane.show_message(None)
    assert hint.isVisible()
    assert pane.message is None


def test_header_shows_number_time_socket_direction_count_and_size(pane):
    when = datetime.datetime(2024, 5, 1, 12, 34, 56, 789000).timestamp()
    message = make_message(
        [b"hello", b"", b"x" * 2000], seq=42, socket="router-1", direction=OUT, when=when
    )
    pane.show_message(message, "ROUTER")
    assert label(pane, "message_title").text() == "Message #42"
    assert label(pane, "time_field").text() == "2024-05-01 12:34:56.789"
    assert label(pane, "socket_field").text() == "router-1 (ROUTER)"
    assert label(pane, "direction_field").text() == "out (sent)"
    assert label(pane, "frames_field").text() == "3 frames"
    assert label(pane, "size_field").text() == "2.0 KiB (2,005 bytes)"
    note = label(pane, "meaning_note")
    assert note.isVisible() and "frame 1 is the peer's routing id" in note.text()
    # frame 0 is marked as the routing id in the list and above the viewer
    assert (
        pane.findChild(QTableView, "frame_table")
        .model()
        .index(0, 2)
        .data()
        .startswith("routing id:")
    )
    assert "(routing id)" in label(pane, "frame_title").text()


def test_header_of_a_small_incoming_message(pane):
    pane.show_message(make_message([b"a"], direction=IN), "PULL")
    assert label(pane, "direction_field").text() == "in (received)"
    assert label(pane, "frames_field").text() == "1 frame"
    assert label(pane, "size_field").text() == "1 byte"
    assert not label(pane, "meaning_note").isVisible()


@pytest.mark.parametrize(
    ("socket_type", "direction", "frame", "expected"),
    [
        ("XPUB", IN, b"\x01weather", "subscribe 'weather'"),
        ("XPUB", IN, b"\x00weather", "unsubscribe 'weather'"),
        ("XPUB", IN, b"\x01", "subscribe (everything)"),
        ("XSUB", OUT, b"\x01\xff\x00", "subscribe 0x ff 00"),
    ],
)
def test_subscription_messages_are_decoded(pane, socket_type, direction, frame, expected):
    pane.show_message(make_message([frame], direction=direction), socket_type)
    note = label(pane, "meaning_note")
    assert note.isVisible()
    assert f"Subscription message: {expected} " in note.text()


def test_data_on_xsub_is_not_read_as_a_subscription(pane):
    # XSUB receives publishers' data: a message starting with \x01 there is just data.
    pane.show_message(make_message([b"\x01data"], direction=IN), "XSUB")
    assert not label(pane, "meaning_note").isVisible()


def test_stream_note(pane):
    pane.show_message(make_message([b"\x00\x01", b""]), "STREAM")
    assert "connected or disconnected" in label(pane, "meaning_note").text()


# -- the frame list ----------------------------------------------------------------------------
def test_frame_list_shows_every_one_of_300_frames_with_its_size(qtbot, pane):
    frames = [b"f%d" % i * (i % 7) for i in range(300)]
    pane.show_message(make_message(frames))
    model = child(pane, QTableView, "frame_table").model()
    assert model.rowCount() == 300
    for row, frame in enumerate(frames):
        assert model.index(row, 0).data() == str(row + 1)  # numbered from 1, like the guide
        assert model.index(row, 1).data() == f"{len(frame)} B"
        assert model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole).startswith(f"Frame {row + 1}:")
        assert model.index(row, 0).data(FRAME_ROLE) == frame
    assert label(pane, "frames_field").text() == "300 frames"
    # the first frame is selected by default; the last one can be reached and viewed
    assert label(pane, "frame_title").text().startswith("Frame 1 of 300")
    select_frame(qtbot, pane, 299)
    assert label(pane, "frame_title").text() == f"Frame 300 of 300: {len(frames[299])} bytes"
    assert viewer_text(pane) == frames[299].decode()


def test_keyboard_moves_between_frames(qtbot, pane):
    pane.show_message(make_message([b"first", b"second"]))
    table = child(pane, QTableView, "frame_table")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert viewer_text(pane) == "second"


def test_frame_list_model_passes_qtmodeltester(qtmodeltester):
    model = FrameListModel()
    model.set_frames([b"", b"text", b"\x00\x01\x02", b"{}" * 100], routing_id_first=True)
    qtmodeltester.check(model)
    model.set_frames([])
    qtmodeltester.check(model)


# -- views ------------------------------------------------------------------------------------
def test_each_view_shows_the_frame_as_expected(qtbot, pane):
    frame = b'{"a": 1, "b": [true, null]}'
    pane.show_message(make_message([frame]))
    choose_view(pane, "text")
    assert viewer_text(pane) == frame.decode()
    choose_view(pane, "hex")
    assert viewer_text(pane) == hexdump(frame)
    assert viewer_text(pane).startswith("00000000  7b 22 61 22")
    choose_view(pane, "json")
    assert viewer_text(pane) == json.dumps(json.loads(frame), indent=2)
    choose_view(pane, "base64")
    assert viewer_text(pane) == base64.b64encode(frame).decode()
    choose_view(pane, "auto")
    assert viewer_text(pane) == json.dumps(json.loads(frame), indent=2)
    assert shown_note(pane) == "auto: JSON"


def test_view_choice_is_remembered_per_frame_while_the_message_is_shown(qtbot, pane):
    message = make_message([b"alpha", b"beta", b"gamma"])
    pane.show_message(message)
    choose_view(pane, "hex")
    select_frame(qtbot, pane, 1)
    assert viewer_text(pane) == "beta"  # frame 1 still in auto
    choose_view(pane, "base64")
    assert viewer_text(pane) == "YmV0YQ=="
    select_frame(qtbot, pane, 0)
    assert viewer_text(pane) == hexdump(b"alpha")
    assert child(pane, QComboBox, "view_combo").currentData() == "hex"
    select_frame(qtbot, pane, 1)
    assert viewer_text(pane) == "YmV0YQ=="
    # showing the same message again keeps the choices; another message starts fresh
    pane.show_message(message)
    assert viewer_text(pane) == "YmV0YQ=="
    pane.show_message(make_message([b"alpha", b"beta"], seq=2))
    assert viewer_text(pane) == "alpha"
    assert child(pane, QComboBox, "view_combo").currentData() == "auto"


@pytest.mark.parametrize(
    ("frame", "picked"),
    [
        (b"[1, 2, 3]", "JSON"),
        (b"plain words\nand a second line", "Text"),
        (b"\x00\x01\x02binary\xff", "Hex"),
        (b"{not json", "Text"),
    ],
)
def test_auto_picks_json_text_or_hex_and_says_so(pane, frame, picked):
    pane.show_message(make_message([frame]))
    assert shown_note(pane) == f"auto: {picked}"
    if picked == "Hex":
        assert viewer_text(pane) == hexdump(frame)
    elif picked == "Text":
        assert viewer_text(pane) == frame.decode()


def test_invalid_json_in_json_view_says_why_and_shows_hex(pane):
    frame = b"{not json"
    pane.show_message(make_message([frame]))
    choose_view(pane, "json")
    assert shown_note(pane).startswith("Not JSON (")
    assert shown_note(pane).endswith("; shown as hex")
    assert viewer_text(pane) == hexdump(frame)


def test_empty_frame_is_shown_as_such(qtbot, pane):
    pane.show_message(make_message([b"a", b""]))
    select_frame(qtbot, pane, 1)
    assert label(pane, "frame_title").text() == "Frame 2 of 2: empty frame, 0 bytes"
    viewer = child(pane, QPlainTextEdit, "frame_viewer")
    assert viewer.toPlainText() == ""
    assert viewer.placeholderText() == "empty frame, 0 bytes"
    assert "empty frame, 0 bytes" in shown_note(pane)
    model = child(pane, QTableView, "frame_table").model()
    assert model.index(1, 1).data() == "0 B"
    assert model.index(1, 2).data() == "[empty]"


def test_invalid_utf8_in_text_view_shows_replacement_characters_and_says_so(pane):
    pane.show_message(make_message([b"caf\xe9 ok"]))
    assert shown_note(pane) == "auto: Hex"
    choose_view(pane, "text")
    assert viewer_text(pane) == "caf\ufffd ok"
    assert "Not valid UTF-8 at byte 3" in shown_note(pane)


def test_nul_bytes_stay_visible_in_text_view(pane):
    pane.show_message(make_message([b"a\x00b\x7f"]))
    choose_view(pane, "text")
    assert viewer_text(pane) == "a<0x00>b<0x7f>"
    assert "control characters shown as <0x..>" in shown_note(pane)
    choose_view(pane, "hex")
    assert "61 00 62 7f" in viewer_text(pane)


def test_a_huge_frame_is_shown_truncated_and_fast(qtbot, pane):
    size = 100 * 1024 * 1024
    frame = b"\x00\xff" * (size // 2)
    start = time.perf_counter()
    pane.show_message(make_message([frame]))
    elapsed = time.perf_counter() - start
    mark = label(pane, "truncated_mark")
    assert mark.isVisible()
    assert mark.text().startswith("Truncated: showing 64 KiB of 100.0 MiB (104,857,600 bytes)")
    assert viewer_text(pane) == hexdump(frame[:DETAIL_LIMIT])
    for view in ("text", "json", "base64", "hex"):
        choose_view(pane, view)
        assert len(viewer_text(pane)) <= 5 * DETAIL_LIMIT
    choose_view(pane, "json")
    assert "JSON view needs the whole frame" in shown_note(pane)
    assert elapsed < 2.0  # generous for a loaded CI machine; it takes ~0.1 s here


def test_a_small_frame_is_not_marked_truncated(pane):
    pane.show_message(make_message([b"x" * DETAIL_LIMIT]))
    assert not label(pane, "truncated_mark").isVisible()
    assert viewer_text(pane) == "x" * DETAIL_LIMIT


def test_truncated_text_does_not_report_a_character_cut_in_half():
    frame = "é".encode() * DETAIL_LIMIT  # 2 bytes per character, so the cut could split one
    frame = b"a" + frame  # make the cut land in the middle of a character
    shown = render_frame(frame, "text")
    assert shown.truncated
    assert shown.note == ""
    assert "\ufffd" not in shown.text
    assert len(shown.text.encode()) <= DETAIL_LIMIT


def test_truncated_base64_is_an_exact_prefix_of_the_whole_frame():
    frame = bytes(range(256)) * 1024
    shown = render_frame(frame, "base64")
    assert base64.b64encode(frame).decode().startswith(shown.text)


# -- copy, save, resend ---------------------------------------------------------------------------
def test_copy_buttons_copy_the_whole_frame(qtbot, pane):
    frame = b"ab\xffcd" * (DETAIL_LIMIT // 4)  # larger than what the viewer shows
    pane.show_message(make_message([frame]))
    clipboard = QGuiApplication.clipboard()
    click(qtbot, pane, "copy_hex_button")
    assert clipboard.text() == frame.hex()
    click(qtbot, pane, "copy_base64_button")
    assert clipboard.text() == base64.b64encode(frame).decode()
    click(qtbot, pane, "copy_text_button")
    assert clipboard.text() == frame.decode("utf-8", errors="replace")
    status = label(pane, "action_status")
    assert status.isVisible() and "not valid UTF-8" in status.text()
    assert "not only the 64 KiB shown" in child(pane, QPushButton, "copy_hex_button").toolTip()


def test_copy_tooltip_warns_about_a_huge_frame(pane):
    pane.show_message(make_message([b"x" * (3 * 1024 * 1024)]))
    tip = child(pane, QPushButton, "copy_hex_button").toolTip()
    assert "This frame is huge" in tip and "6.0 MiB" in tip


def test_copy_text_of_utf8(qtbot, pane):
    pane.show_message(make_message([b"one", "zwei \u00fc".encode()]))
    select_frame(qtbot, pane, 1)
    click(qtbot, pane, "copy_text_button")
    assert QGuiApplication.clipboard().text() == "zwei \u00fc"


def save_dialog(pane: DetailPane) -> QFileDialog:
    dialog = pane.findChild(QFileDialog, "save_frame_dialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_save_frame_writes_the_exact_full_bytes(qtbot, pane, tmp_path):
    frame = bytes(range(256)) * 1024 + b"\x00tail"  # > 64 KiB, every byte value
    pane.show_message(make_message([b"head", frame], seq=9))
    select_frame(qtbot, pane, 1)
    click(qtbot, pane, "save_frame_button")
    dialog = save_dialog(pane)
    assert dialog.selectedFiles()[0].endswith("message-9-frame-2.bin")
    target = tmp_path / "frame.bin"
    dialog.selectFile(str(target))
    dialog.accept()
    assert target.read_bytes() == frame
    status = label(pane, "action_status")
    assert status.isVisible() and status.text().startswith("Saved frame 2 of message #9")


def test_save_keeps_the_frame_chosen_when_the_dialog_opened(qtbot, pane, tmp_path):
    pane.show_message(make_message([b"first"], seq=1))
    click(qtbot, pane, "save_frame_button")
    pane.show_message(make_message([b"other"], seq=2))
    target = tmp_path / "first.bin"
    save_dialog(pane).fileSelected.emit(str(target))
    assert target.read_bytes() == b"first"


def test_save_to_an_unwritable_path_shows_the_error_and_changes_nothing(qtbot, pane, tmp_path):
    pane.show_message(make_message([b"data"]))
    before = viewer_text(pane)
    click(qtbot, pane, "save_frame_button")
    target = tmp_path / "no such folder" / "frame.bin"
    save_dialog(pane).fileSelected.emit(str(target))
    status = label(pane, "action_status")
    assert status.isVisible()
    assert status.text() == f"Could not save frame 1 to {target}: No such file or directory."
    assert not target.exists()
    assert viewer_text(pane) == before
    # the pane keeps working: a second save to a good place succeeds
    click(qtbot, pane, "save_frame_button")
    good = tmp_path / "good.bin"
    save_dialog(pane).fileSelected.emit(str(good))
    assert good.read_bytes() == b"data"


def test_save_onto_a_directory_shows_the_error(qtbot, pane, tmp_path):
    pane.show_message(make_message([b"data"]))
    click(qtbot, pane, "save_frame_button")
    save_dialog(pane).fileSelected.emit(str(tmp_path))
    assert label(pane, "action_status").text().startswith("Could not save frame 1")
    assert tmp_path.is_dir()


@pytest.mark.parametrize("answer", ["yes", "cancel"])
def test_saving_over_an_existing_file_asks_first(qtbot, pane, tmp_path, answer):
    target = tmp_path / "exists.bin"
    target.write_bytes(b"old")
    pane.show_message(make_message([b"new"]))
    click(qtbot, pane, "save_frame_button")
    save_dialog(pane).fileSelected.emit(str(target))
    box = pane.findChild(QMessageBox, "confirm_overwrite_box")
    assert box is not None and box.isVisible()
    assert target.read_bytes() == b"old"  # nothing written before the answer
    button = (
        QMessageBox.StandardButton.Yes if answer == "yes" else QMessageBox.StandardButton.Cancel
    )
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    assert target.read_bytes() == (b"new" if answer == "yes" else b"old")
    if answer == "cancel":
        assert label(pane, "action_status").text() == "Not saved: the file already exists."


def test_cancelled_save_writes_nothing(qtbot, pane, tmp_path):
    pane.show_message(make_message([b"data"]))
    click(qtbot, pane, "save_frame_button")
    save_dialog(pane).reject()
    assert list(tmp_path.iterdir()) == []
    assert not label(pane, "action_status").isVisible()


def test_edit_and_resend_emits_the_exact_frames(qtbot, pane):
    frames = [b"\x00\x80id", b"", b"caf\xe9", b"x" * (DETAIL_LIMIT + 10)]
    pane.show_message(make_message(frames), "ROUTER")
    with qtbot.waitSignal(pane.resend_requested, timeout=WAIT_MS) as blocker:
        click(qtbot, pane, "resend_button")
    assert blocker.args == [frames]


# -- accessibility ------------------------------------------------------------------------------
def test_every_control_has_a_tooltip_and_an_accessible_name(pane):
    pane.show_message(make_message([b"x"]))
    controls = [
        *pane.findChildren(QAbstractButton),
        *pane.findChildren(QComboBox),
        *pane.findChildren(QTableView),
        *pane.findChildren(QPlainTextEdit),
    ]
    controls = [c for c in controls if c.isVisibleTo(pane)]
    assert len(controls) >= 8
    for control in controls:
        what = f"{type(control).__name__} {control.objectName()!r}"
        assert control.toolTip(), f"{what} has no tooltip"
        assert control.accessibleName(), f"{what} has no accessible name"


def test_a_message_without_frames_disables_frame_actions(pane):
    pane.show_message(make_message([]))
    assert label(pane, "frame_title").text() == "This message has no frames"
    assert not child(pane, QPushButton, "save_frame_button").isEnabled()
    assert child(pane, QPushButton, "resend_button").isEnabled()


# -- fitting the window (found in the acceptance audit) --------------------------------------
def test_showing_a_message_keeps_the_pane_narrow_enough_for_the_window(pane):
    # A 3-pairs-per-row header and long copy button labels once made the pane's minimum
    # width 566 px: selecting a row pushed a 1,400 px wide window off the screen.
    pane.show_message(
        make_message([b"\x00\x80id", b"", b"x" * 2000], socket="a-socket-name"), "ROUTER"
    )
    assert pane.minimumSizeHint().width() <= 360
    assert label(pane, "time_field").text()  # every field still says its value
    assert label(pane, "size_field").text() == "2.0 KiB (2,004 bytes)"


def test_hex_view_fits_16_or_8_bytes_a_line_to_the_pane_width(qtbot, pane):
    frame = bytes(range(64))
    pane.show_message(make_message([frame]))
    choose_view(pane, "hex")
    assert viewer_text(pane) == hexdump(frame)  # wide: 16 bytes and the ASCII column
    pane.resize(380, 650)
    qtbot.waitUntil(lambda: viewer_text(pane) == hexdump(frame, 8), timeout=WAIT_MS)
    first = viewer_text(pane).splitlines()[0]
    assert first.endswith("|........|")  # the ASCII column is in sight, not scrolled away
    pane.resize(800, 650)
    qtbot.waitUntil(lambda: viewer_text(pane) == hexdump(frame), timeout=WAIT_MS)
    assert not child(pane, QTableView, "frame_table").horizontalScrollBar().isVisible()


def test_frame_table_header_has_an_accessible_name(pane):
    pane.show_message(make_message([b"x"]))
    header = child(pane, QTableView, "frame_table").horizontalHeader()
    assert header.accessibleName() == "Frame table columns"
