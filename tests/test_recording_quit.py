"""A quit does not wait for a recorder far behind: stopped with a deadline, the recorder
writes what fits, and the file ends with a line that says exactly which messages it does not
hold; every line is whole and the messages it holds are the first ones, in order; opening
the capture in the window says so too. Stop recording without a deadline (the user's Stop)
still writes everything."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QMessageBox

from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.recorder import Recorder
from zinspect.core.sockets.events import RECORDING_CUT
from zinspect.core.store import OUT, Message, MessageStore

COUNT = 200_000


def fill(store: MessageStore, count: int) -> None:
    now = time.time()
    store.extend([Message(now, "pub-1", OUT, [b"m %d" % i]) for i in range(count)])


def test_a_quit_past_its_deadline_says_in_the_file_what_it_left_out(aloop, tmp_path, caplog):
    caplog.expected_warnings = True
    store = MessageStore()
    path = tmp_path / "run.jsonl"
    recorder = Recorder(store, path, tick=60)  # the timer never gets a chance
    recorder.start()
    fill(store, COUNT)
    assert recorder.stop(deadline=time.monotonic()) == ""  # no time left at all
    assert path.read_bytes().endswith(b"\n")
    result = read_capture(path)
    assert result.skipped == 0 and not result.truncated_end
    written = len(result.messages)
    assert written == recorder.written < COUNT
    assert [m.frames for m in result.messages] == [[b"m %d" % i] for i in range(written)]
    cut = result.event_records[-1]
    assert (
        (cut.name, cut.value) == (RECORDING_CUT, COUNT - written) == (RECORDING_CUT, recorder.cut)
    )
    assert f"the last {COUNT - written:,} messages" in cut.detail
    assert f"the file holds the {written:,} before them, in order" in cut.detail
    assert "cut short" in caplog.text and "left out at the quit" in caplog.text
    assert result.cut_short == cut.detail  # what opening the capture says


def test_stop_without_a_deadline_writes_everything(aloop, tmp_path):
    store = MessageStore()
    path = tmp_path / "run.jsonl"
    recorder = Recorder(store, path, tick=60)
    recorder.start()
    fill(store, 20_000)
    assert recorder.stop() == ""
    result = read_capture(path)
    assert len(result.messages) == 20_000 and recorder.cut == 0
    assert all(event.name != RECORDING_CUT for event in result.event_records)


def test_opening_a_cut_recording_says_what_it_lacks(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    store = MessageStore()
    path = tmp_path / "cut.jsonl"
    recorder = Recorder(store, path, tick=60)
    recorder.start()
    fill(store, 50_000)
    recorder.stop(deadline=time.monotonic())
    left = recorder.cut
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=20_000) as finished:
        assert actions.open_capture(path)
    said = finished.args[0]
    assert f"Recording cut short: zinspect quit before writing the last {left:,}" in said
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "Recording cut short" in box.text()
    box.close()
