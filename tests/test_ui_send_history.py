"""The composer's send history: bounded, newest first, each entry described."""

from __future__ import annotations

from PySide6.QtCore import Qt

from zinspect.ui.compose.send_history import SendHistoryModel, SentMessage


def test_history_is_bounded_newest_first(qtmodeltester):
    model = SendHistoryModel(max_entries=3)
    for n in range(5):
        model.add(SentMessage.of("push-1", "PUSH", [b"m%d" % n], when=1000.0 + n))
    qtmodeltester.check(model)
    assert [entry.frames for entry in model.entries] == [(b"m4",), (b"m3",), (b"m2",)]
    assert "1 frame, 2 B" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
