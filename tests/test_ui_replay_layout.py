"""The replay dialog's rows keep their height whatever it says: a damage report of several
lines above the rows, or a failed replay's reason below them, never squashes the Messages,
Socket and Timing rows (they collapsed to slivers), and the reason is said once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS

from zinspect.core.capture.capture import write_capture
from zinspect.core.store import IN, Message

ROWS = ("which_combo", "socket_combo", "mode_combo", "rate_spin")


def damaged_capture(path) -> None:
    """A capture with nine broken lines and a cut last line: a long damage report."""
    write_capture(
        path, [Message(1.0 + i, "sub-1", IN, [b"sensors/a", b"%d" % i]) for i in range(60)]
    )
    lines = path.read_bytes().splitlines(keepends=True)
    for number in (8, 14, 20, 26, 32, 38, 44, 56, 60):
        lines[number] = b"{not json\n"
    path.write_bytes(b"".join(lines) + b'{"cut')


def rows_whole(dialog) -> list[str]:
    """The rows and texts shorter than they need (a user sees them clipped)."""
    short = [
        name
        for name in ROWS
        if getattr(dialog, name).height() < getattr(dialog, name).sizeHint().height()
    ]
    for name in ("source_label", "error_label", "status_label"):
        label = getattr(dialog, name)
        if label.isVisible() and label.height() < label.heightForWidth(label.width()):
            short.append(name)
    return short


def test_rows_keep_their_height_and_a_failed_replay_says_why_once(window, qtbot, tmp_path):
    router = window.session.create_socket("ROUTER", "router-1")  # no peer: every send fails
    path = tmp_path / "corrupt.jsonl"
    damaged_capture(path)
    dialog = window.capture.replay_file(path)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert "corrupt" in dialog.source_label.text()
    qtbot.waitUntil(lambda: rows_whole(dialog) == [], timeout=WAIT_MS)
    dialog.select_socket(router.name)
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findText("As fast as possible"))
    with qtbot.waitSignal(dialog.replay_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].startswith("Stopped after 0 of 51 messages")
    assert dialog.error_label.isVisible()
    reason = dialog.error_label.text()
    assert "routing id" in reason
    assert reason not in dialog.status_label.text()  # said once
    assert dialog.status_label.text().startswith("Stopped after 0 of 51 messages")
    qtbot.waitUntil(lambda: rows_whole(dialog) == [], timeout=WAIT_MS)
