"""The Message pane's Auto view reads a frame as the traffic table's Summary does: a msgpack
reply the Summary shows as ``{"ok": true, "seq": 0}`` is not a hex dump in Auto."""

from __future__ import annotations

import msgpack

from tests.detail_pane_helpers import (
    choose_view,
    make_message,
    select_frame,
    shown_note,
    viewer_text,
)
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.ui.traffic.columns import SUMMARY_LIMIT, summary_text


def test_auto_shows_msgpack_as_the_summary_reads_it(qtbot, pane) -> None:
    message = make_message([msgpack.packb({"ok": True, "seq": 0})])
    summary = summary_text(MessageDecoder(), message, "DEALER", SUMMARY_LIMIT)
    assert summary == '{"ok": true, "seq": 0}'
    pane.show_message(message, "DEALER")
    assert '"ok": true' in viewer_text(pane)
    assert '"seq": 0' in viewer_text(pane)
    assert shown_note(pane).startswith("auto: msgpack")
    choose_view(pane, "hex")
    assert viewer_text(pane).startswith("00000000  82")
    choose_view(pane, "auto")
    assert '"ok": true' in viewer_text(pane)


def test_auto_keeps_text_and_hex_for_frames_the_summary_does_not_decode(qtbot, pane) -> None:
    pane.show_message(make_message([b"hello", b"\x01\x02\xff"]), "DEALER")
    assert viewer_text(pane) == "hello"
    assert shown_note(pane) == "auto: Text"

    select_frame(qtbot, pane, 1)
    assert shown_note(pane) == "auto: Hex"
    assert "01 02 ff" in viewer_text(pane)
