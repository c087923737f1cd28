"""The Capture menu as a user drives it: record (and what a full disk does), export all,
filtered and CSV, open a capture with progress, replay selected rows or a capture file with
progress and cancel."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from capture_helpers import as_tuples, fill_disk_under
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from session_helpers import linked, send, traffic
from ui_actions import WAIT_MS

from zinspect.core.capture.capture import read_capture, write_capture
from zinspect.core.store import IN, OUT, Message
from zinspect.ui.traffic.columns import COL_SUMMARY


def choose_file(qtbot, dialog: QFileDialog | None, path) -> None:
    """Type a file name into the open file dialog and accept it, as a user would."""
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()


def status_text(window) -> str:
    return window.statusBar().currentMessage()


def sample_traffic() -> list[Message]:
    messages = []
    for i in range(12):
        socket = "alpha" if i % 3 else "beta"
        frames = [b"topic", b"value %d" % i] if i % 2 else [b"\x00\xffbin%d" % i, b""]
        messages.append(Message(1700000000.0 + i / 8, socket, IN if i % 4 else OUT, frames))
    return messages


def load(window, qtbot, messages: list[Message]) -> None:
    window.session.store.extend(messages)
    qtbot.waitUntil(
        lambda: window.traffic.model.rowCount() == len(window.session.store), timeout=WAIT_MS
    )


# -- recording -------------------------------------------------------------------------------------


def test_record_from_the_menu_and_stop_from_the_indicator(window, aloop, qtbot, tmp_path):
    actions = window.capture
    pull, push = linked(window.session, "PULL", "PUSH")
    assert actions.record_action.shortcut().toString() == "Ctrl+R"
    assert not actions.stop_record_action.isEnabled()
    actions.record_action.trigger()
    path = tmp_path / "rec.jsonl"
    with qtbot.waitSignal(actions.recording_started, timeout=WAIT_MS):
        choose_file(qtbot, actions.file_dialog, path)
    indicator = actions.indicator
    assert indicator.isVisible() and indicator.text.startswith("REC rec.jsonl")
    assert not actions.record_action.isEnabled() and actions.stop_record_action.isEnabled()
    assert not actions.open_action.isEnabled()
    assert "Stop recording first" in actions.open_action.toolTip()
    for text in (b"one", b"two", b"three"):
        send(aloop, qtbot, push, text)
    qtbot.waitUntil(lambda: "6 written" in indicator.text, timeout=WAIT_MS)

    with qtbot.waitSignal(actions.recording_stopped, timeout=WAIT_MS) as stopped:
        qtbot.mouseClick(indicator.stop_button, Qt.MouseButton.LeftButton)
    assert stopped.args == [""]
    assert not indicator.isVisible() and actions.record_action.isEnabled()
    assert status_text(window) == f"Recorded 6 messages to {path}"
    recorded = read_capture(path).messages
    assert as_tuples(recorded) == as_tuples(window.session.store)
    for handle, direction in ((push, OUT), (pull, IN)):
        assert [(m.direction, m.frames) for m in recorded if m.socket == handle.name] == [
            (direction, [text]) for text in (b"one", b"two", b"three")
        ]


def test_a_full_disk_stops_the_recording_and_says_so(window, aloop, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    actions = window.capture
    _pull, push = linked(window.session, "PULL", "PUSH")
    path = tmp_path / "rec.jsonl"
    assert actions.start_recording(path)
    send(aloop, qtbot, push, b"kept")
    qtbot.waitUntil(lambda: "2 written" in actions.indicator.text, timeout=WAIT_MS)
    fill_disk_under(path)
    with qtbot.waitSignal(actions.recording_stopped, timeout=WAIT_MS) as stopped:
        send(aloop, qtbot, push, b"too much")
    error = f"Disk full while writing {path}: No space left on device"
    assert stopped.args == [error]
    indicator = actions.indicator
    assert indicator.isVisible() and indicator.text == f"Recording stopped: {error}"
    assert indicator.dismiss_button.isVisible() and not indicator.stop_button.isVisible()
    assert status_text(window) == f"Recording stopped: {error}"
    assert window.traffic.model.rowCount() == 4  # the traffic in memory is all there
    assert actions.record_action.isEnabled() and not actions.recording
    qtbot.mouseClick(indicator.dismiss_button, Qt.MouseButton.LeftButton)
    assert not indicator.isVisible()


def test_recording_where_it_cannot_be_written_is_refused_in_words(window, qtbot, tmp_path):
    actions = window.capture
    path = tmp_path / "missing" / "rec.jsonl"
    assert not actions.start_recording(path)
    assert actions.last_error == f"No such folder: {tmp_path / 'missing'}"
    box = actions.message_box
    assert box is not None and box.isVisible() and box.text() == actions.last_error
    assert not box.isModal() or box.windowModality() != Qt.WindowModality.ApplicationModal
    assert not actions.recording and not actions.indicator.isVisible()


def test_closing_the_window_finishes_the_recording(window, aloop, qtbot, tmp_path):
    actions = window.capture
    _pull, push = linked(window.session, "PULL", "PUSH")
    path = tmp_path / "rec.jsonl"
    actions.start_recording(path)
    send(aloop, qtbot, push, b"last words")
    qtbot.waitUntil(lambda: len(window.session.store) == 2, timeout=WAIT_MS)
    window.close_guard = None  # the question about an unsaved workspace is not tested here
    window.close()  # before the recorder's next tick: stop() writes what is pending
    assert not window.isVisible()
    assert not actions.recording
    assert [m.frames for m in read_capture(path).messages] == [[b"last words"]] * 2


# -- export


def export_through_menu(window, qtbot, action, path) -> str:
    action.trigger()
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        choose_file(qtbot, window.capture.file_dialog, path)
    return finished.args[0]


def test_export_all_filtered_and_csv(window, aloop, qtbot, tmp_path):
    messages = sample_traffic()
    load(window, qtbot, messages)
    traffic = window.traffic
    qtbot.keyClicks(traffic.filter_edit, "value")
    qtbot.keyClick(traffic.filter_edit, Qt.Key.Key_Return)
    shown = [m for m in messages if b"value" in b"".join(m.frames)]
    qtbot.waitUntil(lambda: traffic.model.rowCount() == len(shown), timeout=WAIT_MS)
    actions = window.capture

    path = tmp_path / "all.jsonl"
    said = export_through_menu(window, qtbot, actions.export_all_action, path)
    assert said == f"Exported 12 messages to {path}" == status_text(window)
    assert as_tuples(read_capture(path).messages) == as_tuples(messages)

    path = tmp_path / "shown.jsonl"
    export_through_menu(window, qtbot, actions.export_shown_action, path)
    assert as_tuples(read_capture(path).messages) == as_tuples(shown)

    path = tmp_path / "shown.csv"
    export_through_menu(window, qtbot, actions.export_csv_action, path)
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == [
        "number",
        "time",
        "socket",
        "direction",
        "frames",
        "size",
        "summary",
        "data_hex",
        "peer",
    ]
    assert len(rows) == 1 + len(shown)
    for row, message in zip(rows[1:], shown):
        assert row[0] == str(message.seq + 1) and row[2:6] == [
            message.socket,
            message.direction,
            str(len(message.frames)),
            str(message.size),
        ]
        assert datetime.fromisoformat(row[1]).timestamp() == pytest.approx(message.time, abs=0.001)
        assert row[6] == traffic.model.summary(message)
        assert [bytes.fromhex(part) for part in row[7].split(" ")] == message.frames
    # the same export, chosen as CSV by its name in the capture export's dialog
    path = tmp_path / "all.csv"
    export_through_menu(window, qtbot, actions.export_all_action, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfnumber,time,")


def test_exporting_over_an_existing_file_asks_first(window, qtbot, tmp_path):
    load(window, qtbot, sample_traffic())
    actions = window.capture
    path = tmp_path / "old.jsonl"
    path.write_text("precious\n")
    for choice in ("Cancel", "Replace"):
        actions.export_all_action.trigger()
        choose_file(qtbot, actions.file_dialog, path)
        box = actions.message_box
        assert box is not None and box.isVisible()
        assert box.text() == "old.jsonl exists already. Replace it?"
        button = next(b for b in box.buttons() if b.text() == choice)
        if choice == "Cancel":
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert path.read_text() == "precious\n" and not actions.job_running
            continue
        with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(read_capture(path).messages) == 12


def test_an_export_that_fails_says_why_and_leaves_no_file(window, qtbot, tmp_path):
    load(window, qtbot, sample_traffic())
    actions = window.capture
    path = tmp_path / "nowhere" / "x.jsonl"
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert actions.export(path)
    assert finished.args[0] == f"Export failed: No such folder: {tmp_path / 'nowhere'}"
    assert actions.message_box.isVisible()
    assert not path.exists()


# -- open


def big_capture(path, count: int) -> list[Message]:
    messages = [
        Message(1700000000.0 + i / 1000, f"sock-{i % 3}", OUT if i % 2 else IN, [b"n", b"%d" % i])
        for i in range(count)
    ]
    write_capture(path, messages)
    lines = path.read_text().splitlines(keepends=True)
    lines[2:2] = ["{not json\n"]  # line 3
    lines[6:6] = ['{"time": 1, "socket": "s", "direction": "in", "frames": ["!!"]}\n']  # 7
    path.write_text("".join(lines))
    return messages


def test_open_a_large_capture_with_progress_and_a_damage_report(window, qtbot, tmp_path):
    path = tmp_path / "big.jsonl"
    messages = big_capture(path, 30_000)
    actions = window.capture
    values: list[int] = []
    actions.job_progress.bar.valueChanged.connect(values.append)
    actions.open_action.trigger()
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        choose_file(qtbot, actions.file_dialog, path)
        qtbot.waitUntil(actions.job_progress.isVisible, timeout=WAIT_MS)
    assert any(0 < value < 100 for value in values), values  # it moved while reading
    assert not actions.job_progress.isVisible()
    expected = (
        "Opened big.jsonl: 30,000 messages. 2 corrupt lines skipped (lines 3, 7); "
        "line 3: not valid JSON"
    )
    assert finished.args[0] == expected == status_text(window)
    box = actions.message_box
    assert box is not None and box.isVisible() and box.text() == expected
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == 30_000, timeout=WAIT_MS)
    assert as_tuples([model.message_at(0), model.message_at(29_999)]) == as_tuples(
        [messages[0], messages[-1]]
    )
    combo = window.traffic.socket_combo
    assert all(combo.findData(f"sock-{i}") >= 0 for i in range(3))
    assert model.socket_type_of("sock-1") == ""  # unknown type: plain summaries


@pytest.mark.parametrize(
    "choice, expected", [("Clear traffic first", 3), ("Add after current traffic", 15)]
)
def test_opening_into_existing_traffic_asks_whether_to_clear(
    window, qtbot, tmp_path, choice, expected
):
    load(window, qtbot, sample_traffic())
    path = tmp_path / "small.jsonl"
    write_capture(path, sample_traffic()[:3])
    actions = window.capture
    actions.open_action.trigger()
    choose_file(qtbot, actions.file_dialog, path)
    box = actions.message_box
    assert box is not None and box.isVisible()
    button = next(b for b in box.buttons() if b.text() == choice)
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == expected, timeout=WAIT_MS)


def test_a_file_that_is_not_a_capture_is_refused_in_words(window, qtbot, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert not actions.open_capture(path)
    assert finished.args[0] == (
        f"Cannot open: {path} is not a zinspect capture file (its first line is not JSON)"
    )
    assert actions.message_box.isVisible() and window.traffic.model.rowCount() == 0


# -- replay


def shift_click_rows(window, qtbot, first: int, last: int) -> None:
    view = window.traffic.view
    model = window.traffic.model
    for row, modifier in (
        (first, Qt.KeyboardModifier.NoModifier),
        (last, Qt.KeyboardModifier.ShiftModifier),
    ):
        index = model.index(row, COL_SUMMARY)
        view.scrollTo(index)
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(index).center()
        )


def test_replay_selected_rows_with_progress_and_cancel(window, qtbot):
    pull, push = linked(window.session, "PULL", "PUSH")
    recorded = [Message(float(i), "old", OUT, [b"m%d" % i]) for i in range(40)]
    load(window, qtbot, recorded)
    actions = window.capture
    assert not actions.replay_selected_action.isEnabled()
    shift_click_rows(window, qtbot, 0, 39)
    assert actions.replay_selected_action.isEnabled()
    actions.replay_selected_action.trigger()
    dialog = actions.replay_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.source_label.text() == "40 selected rows of the traffic table"
    dialog.socket_combo.setCurrentIndex(dialog.socket_combo.findData(push.name))
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findText("Fixed rate"))
    assert dialog.rate_spin.isEnabled()
    dialog.rate_spin.setValue(25.0)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress_bar.value() >= 10, timeout=WAIT_MS)
    assert dialog.status_label.text().startswith("Sent ")
    assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(dialog.replay_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    sent = dialog.replayer.sent
    assert 4 <= sent < 40
    assert finished.args[0] == f"Cancelled after {sent} of 40 messages"
    assert dialog.status_label.text() == finished.args[0] == status_text(window)
    assert dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: len(traffic(window.session, pull)) == sent, timeout=WAIT_MS)
    assert traffic(window.session, pull) == [[b"m%d" % i] for i in range(sent)]


def test_replay_a_capture_file_as_fast_as_possible(window, qtbot, tmp_path):
    pull, push = linked(window.session, "PULL", "PUSH")
    sub = window.session.create_socket("SUB")
    path = tmp_path / "r.jsonl"
    write_capture(
        path,
        [
            Message(1.0, "a", OUT, [b"first"]),
            Message(2.0, "b", IN, [b"in"]),
            Message(3.0, "a", OUT, [b"k", b"second"]),
        ],
    )
    actions = window.capture
    actions.replay_file_action.trigger()
    choose_file(qtbot, actions.file_dialog, path)
    dialog = actions.replay_dialog
    qtbot.waitUntil(lambda: dialog.source_label.text() == "r.jsonl: 3 messages", timeout=WAIT_MS)
    dialog.which_combo.setCurrentIndex(dialog.which_combo.findData(OUT))
    assert dialog.which_combo.currentText() == "Only sent, → out (2)"
    dialog.socket_combo.setCurrentIndex(dialog.socket_combo.findData(sub.name))
    assert dialog.error_label.isVisible() and not dialog.start_button.isEnabled()
    assert "A SUB socket only receives" in dialog.error_label.text()
    dialog.socket_combo.setCurrentIndex(dialog.socket_combo.findData(push.name))
    assert not dialog.error_label.isVisible() and dialog.start_button.isEnabled()
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findText("As fast as possible"))
    assert not dialog.rate_spin.isEnabled()
    with qtbot.waitSignal(dialog.replay_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].startswith(f"Replayed 2 messages through {push.name} in ")
    assert dialog.progress_bar.value() == 100
    qtbot.waitUntil(lambda: len(traffic(window.session, pull)) == 2, timeout=WAIT_MS)
    assert traffic(window.session, pull) == [[b"first"], [b"k", b"second"]]
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_every_capture_control_is_named_and_explained(window):
    actions = window.capture
    assert actions.menu.title() == "&Capture"
    texts = [a.text() for a in actions.menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Record…",
        "&Stop recording",
        "Export &all…",
        "Export &filtered…",
        "Export filtered as &CSV…",
        "&Open capture…",
        "Replay &capture…",
        "Replay selected &rows…",
    ]
    for action in actions.menu.actions():
        assert action.isSeparator() or action.toolTip()
    actions.replay_selected()  # the dialog, even with nothing selected
    for parent in (actions.indicator, actions.job_progress, actions.replay_dialog):
        controls = parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        for child in [parent, *controls]:
            if child.objectName().startswith("qt_"):
                continue  # Qt's own parts
            if type(child).__name__ == "QLabel" and not child.accessibleName():
                continue  # a form's field label
            assert child.accessibleName(), child
            assert child.toolTip() or child.isWindow(), child.accessibleName()
