"""The message detail pane, driven as a user would: show messages (the header, the frame
list) and pick frames and views, each view showing the frame as expected.

Copy, save, resend, accessibility and fitting the window have their own file
(test_ui_detail_pane_actions.py)."""

from __future__ import annotations

import base64
import datetime
import json
import time

import pytest
from detail_pane_helpers import (
    child,
    choose_view,
    label,
    make_message,
    select_frame,
    shown_note,
    viewer_text,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QPlainTextEdit,
    QTableView,
)

from zinspect.core.codecs import DETAIL_LIMIT, hexdump
from zinspect.core.store import IN, OUT
from zinspect.ui.message.frame_list_model import FRAME_ROLE, FrameListModel
from zinspect.ui.message.frame_render import render_frame


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
    assert label(pane, "message_title").text() == "Message #43"
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
    assert elapsed < 10.0  # the whole frame in hex would take minutes; ~0.1 s here


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
