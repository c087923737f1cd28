"""A copy to the clipboard is bounded: the Message pane's Copy as text/hex/base64 refuses a
frame whose text would pass 16 MiB, in words that point to Save frame…, before anything is
read or built; the table's row menu cuts its copy there and says so."""

from __future__ import annotations

import tracemalloc

from detail_pane_helpers import child, label, make_message, select_frame
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from table_helpers import choose, row_menu
from ui_actions import WAIT_MS, click

from zinspect.core.rows import keep_frame
from zinspect.core.store import IN
from zinspect.ui.explore.row_menu import COPY_LIMIT
from zinspect.ui.message.frame_actions import COPY_LIMIT as FRAME_COPY_LIMIT

MIB = 1 << 20
BIG = 9 * MIB  # as text 9 MiB: copied; as hex 18 MiB: refused


def press(qtbot, pane, name: str) -> None:
    click(qtbot, child(pane, QPushButton, name))


def test_a_frame_too_big_for_the_clipboard_as_hex_is_refused_in_words(qtbot, user):
    window = user.window
    window.resize(1600, 1000)
    window.resizeDocks([window.detail_dock], [520], Qt.Orientation.Horizontal)
    frame = b"0123456789abcdef" * (BIG // 16)
    row = (1.0, "pull-1", IN, 4 + BIG, b"bulk", keep_frame(bytearray(frame)))
    window.session.store.extend_rows([row], 1, [0])  # kept as received: the pane shows a head
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    user.click_row(0)
    pane = window.detail
    select_frame(qtbot, pane, 1)
    hex_button = child(pane, QPushButton, "copy_hex_button")
    assert "too big to copy as hex digits" in hex_button.toolTip()
    assert "Save frame" in hex_button.toolTip()

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    tracemalloc.start()
    try:
        press(qtbot, pane, "copy_hex_button")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MIB  # neither the whole frame read nor its 18 MiB of hex built
    status = label(pane, "action_status")
    assert status.isVisible() and status.text() == (
        "Frame 2 (9.0 MiB (9,437,184 bytes)) was not copied: as hex it is 18.0 MiB of text, "
        "more than the 16.0 MiB a copy may put on the clipboard. Save frame… keeps its exact "
        "bytes in a file."
    )
    assert clipboard.text() == "before"

    press(qtbot, pane, "copy_text_button")  # 9 MiB of text: within the bound, copied whole
    assert clipboard.text() == frame.decode()
    assert "Copied frame 2" in status.text()


def test_every_copy_form_has_the_bound(qtbot, pane):
    size = FRAME_COPY_LIMIT + 1
    pane.show_message(make_message([b"x" * size]))
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    for how in ("text", "hex", "base64"):
        press(qtbot, pane, f"copy_{how}_button")
        text = label(pane, "action_status").text()
        assert text.startswith("Frame 1 (16.0 MiB (16,777,217 bytes)) was not copied"), how
        assert f"as {how} it is" in text
    assert clipboard.text() == "before"
    # just under: base64 of 12 MiB is 16 MiB of text, copied
    pane.show_message(make_message([b"y" * (12 * MIB)]))
    press(qtbot, pane, "copy_base64_button")
    assert len(clipboard.text()) == 16 * MIB


def test_the_row_menu_cuts_a_huge_copy_and_says_so(window, user, qtbot):
    frame = b"\x01" * (40 * MIB)
    window.session.store.extend_rows([(1.0, "sub", IN, len(frame), frame)], 1)
    user.wait_rows(1)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    tracemalloc.start()
    try:
        choose(row_menu(qtbot, window, 0), "Copy as hex")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * COPY_LIMIT  # its whole hex would be 80 MiB
    text = QGuiApplication.clipboard().text()
    assert len(text) == COPY_LIMIT and text == "01" * (COPY_LIMIT // 2)
    qtbot.waitUntil(lambda: any("cut at 16 MiB" in s for s in said), timeout=WAIT_MS)
