"""File > Export all with a history: every message of the session is exported, those only
on disk too, in order."""

from __future__ import annotations

import time

from ui_actions import WAIT_MS

from zinspect.core.capture.capture import read_capture
from zinspect.core.store import IN


def choose_file(dialog, path) -> None:
    """Type a file name into the open file dialog and accept it, as a user would."""
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()


def test_export_all_includes_what_only_the_history_keeps(window, qtbot, tmp_path):
    store = window.session.store
    assert store.history is not None
    store.set_caps(1000, store.max_bytes)
    rows = [(time.time(), "pull-1", IN, 6, b"m%05d" % n) for n in range(3000)]
    store.extend_rows(rows, len(rows))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 3000, timeout=WAIT_MS)
    assert store.first_seq == 2000
    actions = window.capture
    path = tmp_path / "all.jsonl"
    actions.export_all_action.trigger()
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        choose_file(actions.file_dialog, path)
    assert finished.args[0] == f"Exported 3,000 messages to {path}"
    assert [m.frames for m in read_capture(path).messages] == [[r[4]] for r in rows]
