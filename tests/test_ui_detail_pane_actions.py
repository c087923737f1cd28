"""The message detail pane, driven as a user would: copy, save (the exact bytes, errors said
in words, nothing changed) and resend a frame; a tooltip and an accessible name on every
control; and the pane fitting the window."""

from __future__ import annotations

import base64

import pytest
from detail_pane_helpers import (
    child,
    choose_view,
    click,
    label,
    make_message,
    select_frame,
    viewer_text,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)
from ui_actions import WAIT_MS

from zinspect.core.codecs import DETAIL_LIMIT, hexdump
from zinspect.ui.message.detail_pane import DetailPane


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
    assert dialog.selectedFiles()[0].endswith("message-10-frame-2.bin")
    target = tmp_path / "frame.bin"
    dialog.selectFile(str(target))
    dialog.accept()
    assert target.read_bytes() == frame
    status = label(pane, "action_status")
    assert status.isVisible() and status.text().startswith("Saved frame 2 of message #10")


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
