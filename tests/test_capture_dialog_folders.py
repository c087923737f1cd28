"""The Capture menu's file dialogs start where the user's files are: the open workspace's
folder, then the folder where the last file of that kind (capture, CSV) was chosen. Open
capture checks the file before it asks anything; the CSV export says what it writes."""

from __future__ import annotations

import json
import os

from capture_helpers import as_tuples, open_fd_of
from PySide6.QtWidgets import QMessageBox
from ui_actions import WAIT_MS, menu_action, open_boxes, record_to, the_box

from zinspect.core.capture.capture import read_capture, write_capture
from zinspect.core.store import IN, Message


def open_workspace(window, qtbot, folder) -> None:
    folder.mkdir()
    path = folder / "bench.zinspect.json"
    path.write_text(json.dumps({"zinspect": 1, "sockets": []}))
    assert window.workspace_actions.open_path(path)
    qtbot.waitUntil(lambda: window.workspace_actions.path == str(path), timeout=WAIT_MS)


def dialog_folder(window, qtbot, action_text: str) -> str:
    """Choose the Capture menu's entry; the folder its file dialog shows (then closed)."""
    capture = window.capture
    menu_action(window, action_text).trigger()
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    dialog = capture.file_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    folder = dialog.directory().absolutePath()
    dialog.reject()
    qtbot.waitUntil(lambda: capture.file_dialog is None, timeout=WAIT_MS)
    return os.path.realpath(folder)


def test_dialogs_start_in_the_workspace_folder_then_where_files_were_chosen(
    window, qtbot, tmp_path
):
    project = tmp_path / "project"
    open_workspace(window, qtbot, project)
    here = os.path.realpath(project)
    for entry in ("Record…", "Export all…", "Export filtered as CSV…", "Open capture…"):
        assert dialog_folder(window, qtbot, entry) == here, entry

    # a recording saved elsewhere: the capture dialogs start there from now on
    elsewhere = tmp_path / "captures"
    elsewhere.mkdir()
    record_to(window, qtbot, elsewhere / "run.jsonl")
    window.capture.stop_recording()
    qtbot.waitUntil(lambda: not window.capture.recording, timeout=WAIT_MS)
    for entry in ("Open capture…", "Export all…", "Replay capture…"):
        assert dialog_folder(window, qtbot, entry) == os.path.realpath(elsewhere), entry
    assert dialog_folder(window, qtbot, "Export filtered as CSV…") == here  # CSV: its own


def test_a_file_that_is_not_a_capture_is_refused_before_any_question(window, qtbot, tmp_path):
    window.session.store.extend([Message(1.0, "sub-1", IN, [b"kept"])])
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    capture = window.capture
    capture.open_action.trigger()
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    capture.file_dialog.setDirectory(str(tmp_path))
    with qtbot.waitSignal(capture.job_finished, timeout=WAIT_MS) as finished:
        capture.file_dialog.selectFile(notes.name)
        capture.file_dialog.accept()
    assert finished.args[0] == (
        f"Cannot open: {notes} is not a zinspect capture file (its first line is not JSON)"
    )
    box = the_box(window, qtbot)  # the refusal, not "Add or Clear"
    assert box.icon() == QMessageBox.Icon.Warning and "not a zinspect capture" in box.text()
    assert not any(b.text() == "Add after current traffic" for b in box.buttons())
    assert window.traffic.model.rowCount() == 1  # nothing else changed


def test_cancelling_the_question_opens_nothing_and_lets_the_file_go(window, qtbot, tmp_path):
    window.session.store.extend([Message(1.0, "sub-1", IN, [b"kept"])])
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    path = tmp_path / "rec.jsonl"
    write_capture(path, [Message(2.0, "pub-1", IN, [b"opened"])])
    capture = window.capture
    capture.open_action.trigger()
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    capture.file_dialog.setDirectory(str(tmp_path))
    capture.file_dialog.selectFile(path.name)
    capture.file_dialog.accept()
    box = the_box(window, qtbot)
    assert open_fd_of(path) >= 0  # checked, held while the user decides
    with qtbot.assertNotEmitted(capture.job_finished, wait=100):
        box.button(QMessageBox.StandardButton.Cancel).click()
        qtbot.waitUntil(lambda: not open_boxes(window), timeout=WAIT_MS)
    assert window.traffic.model.rowCount() == 1
    qtbot.waitUntil(lambda: not is_open(path), timeout=WAIT_MS)


def is_open(path) -> bool:
    try:
        open_fd_of(path)
    except AssertionError:
        return False
    return True


def test_the_csv_export_says_it_writes_the_filtered_rows(window, qtbot, tmp_path):
    messages = [Message(1.0 + n, "alpha" if n % 2 else "beta", IN, [b"m%d" % n]) for n in range(6)]
    window.session.store.extend(messages)
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 6, timeout=WAIT_MS)
    window.traffic.set_socket_filter("alpha")
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 3, timeout=WAIT_MS)
    action = menu_action(window, "Export filtered as CSV…")
    assert "its filter applies" in action.toolTip()
    action.trigger()
    capture = window.capture
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    assert capture.file_dialog.windowTitle() == "Export the shown traffic as CSV to"
    capture.file_dialog.reject()
    # Export all… with the CSV file type writes every message as CSV
    menu_action(window, "Export all…").trigger()
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    dialog = capture.file_dialog
    dialog.setDirectory(str(tmp_path))
    dialog.selectNameFilter("CSV files (*.csv)")
    with qtbot.waitSignal(capture.job_finished, timeout=WAIT_MS):
        dialog.selectFile("all.csv")
        dialog.accept()
    lines = (tmp_path / "all.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 7  # the header and every message
    # and a capture of the filtered rows holds those only
    assert capture.export(tmp_path / "shown.jsonl", "shown")
    qtbot.waitUntil(lambda: not capture.job_running, timeout=WAIT_MS)
    shown = read_capture(tmp_path / "shown.jsonl").messages
    assert as_tuples(shown) == as_tuples(messages[1::2])
