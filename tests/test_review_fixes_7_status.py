"""The status line of a capture at 1024 px: a new user recording to a file in a deep folder
read "Recording to /t…" beside the recording indicator and, after Stop, "Recorded 6
messages to /home/alice/projects/…/cap…": the file's name, what mattered, only in the
tooltip. Now a path gives up folders from its middle first, and the indicator alone says
what is being recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from session_helpers import linked, send
from ui_actions import WAIT_MS

from zinspect.ui.status import elide_message

NAME = "capture-2026-12-06-020512.jsonl"
FOLDERS = ("home", "alice", "projects", "trading-gateway", "captures", "zeromq")


def test_a_message_gives_up_the_middle_of_a_path_before_its_words(qtbot):
    metrics = QFontMetrics(QApplication.font())
    path = "/" + "/".join(FOLDERS) + "/" + NAME
    text = f"Reading {path} failed after 3 messages: line 4 is not JSON"
    tail = f"{NAME} failed after 3 messages: line 4 is not JSON"
    width = metrics.horizontalAdvance(f"Reading /home/…/zeromq/{tail}")
    shown = elide_message(metrics, text, width)
    assert metrics.horizontalAdvance(shown) <= width
    assert shown.startswith("Reading /home/") and shown.endswith(tail), shown
    assert "…" in shown
    # narrower still: every folder goes before any word does
    width = metrics.horizontalAdvance(f"Reading …/{tail}")
    assert elide_message(metrics, text, width) == f"Reading …/{tail}"
    # what fits is left alone
    assert elide_message(metrics, text, metrics.horizontalAdvance(text)) == text


def test_recording_in_a_1024_window_shows_the_file_name_whole(window, aloop, qtbot, tmp_path):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=WAIT_MS)
    folder = tmp_path.joinpath(*FOLDERS)
    folder.mkdir(parents=True)
    path = folder / NAME
    _pull, push = linked(window.session, "PULL", "PUSH")
    bar = window.statusBar()
    bar.showMessage(f"Recorded 2 messages to {tmp_path / 'older.jsonl'}", 60_000)
    actions = window.capture
    assert actions.start_recording(path)
    indicator = actions.indicator
    assert indicator.isVisible() and indicator.text.startswith(f"REC {NAME}")
    label = indicator.label
    assert label.width() >= label.sizeHint().width()  # not cut
    # no message cut against the indicator, and the older one went
    assert bar.currentMessage() == ""
    send(aloop, qtbot, push, b"one")
    qtbot.waitUntil(lambda: "2 written" in indicator.text, timeout=WAIT_MS)

    with qtbot.waitSignal(actions.recording_stopped, timeout=WAIT_MS):
        qtbot.mouseClick(indicator.stop_button, Qt.MouseButton.LeftButton)
    assert bar.currentMessage() == f"Recorded 2 messages to {path}"
    qtbot.waitUntil(lambda: bar.toolTip() == bar.currentMessage(), timeout=WAIT_MS)  # painted
    shown = bar.shown_message()
    assert shown.startswith("Recorded 2 messages to /") and shown.endswith(f"/{NAME}"), shown
    assert "…" in shown  # the folders' middle went, not the name
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_rect().width()
    assert window.status.isVisible()  # the counters keep their place
