"""Hostile capture files opened and replayed from the window: tens of thousands of socket
names, a file bigger than the store's caps, a line over the limit, a file that is not a
capture from its first line, a capture that changes under the replay dialog."""

from __future__ import annotations

import pytest
from capture_helpers import as_tuples
from PySide6.QtCore import Qt
from session_helpers import linked
from window_driver import WAIT_MS

from zinspect.core.capture import capture
from zinspect.core.capture.capture import write_capture
from zinspect.core.store import IN, OUT, Message
from zinspect.ui.capture import capture_open


def opened(window, qtbot, path) -> str:
    """Open ``path`` as the menu does and wait for the job's outcome (returned)."""
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS * 4) as finished:
        assert actions.open_capture(path)
    return finished.args[0]


def test_a_capture_of_20000_socket_names_fills_the_socket_filter_and_clear_empties_it(
    window, qtbot, tmp_path
):
    path = tmp_path / "names.jsonl"
    write_capture(
        path, [Message(float(i), f"socket-{i:05d}", IN, [b"m%d" % i]) for i in range(20_000)]
    )
    assert opened(window, qtbot, path) == "Opened names.jsonl: 20,000 messages"
    combo = window.traffic.socket_combo
    assert combo.count() == 1 + 20_000
    assert [combo.itemData(i) for i in (1, 20_000)] == ["socket-00000", "socket-19999"]
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == 20_000, timeout=WAIT_MS)
    combo.setCurrentIndex(combo.findData("socket-12345"))
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert model.message_at(0).frames == [b"m12345"]
    window.traffic.clear_action.trigger()
    assert combo.count() == 1 and combo.currentIndex() == 0  # "All sockets"


def test_the_socket_filter_takes_names_once_and_keeps_the_live_sockets(window):
    panel = window.traffic
    live = window.session.create_socket("PULL")
    assert panel.add_socket_names(["a", "b", "a", live.name]) == 2
    assert panel.add_socket_names(["b", "c"]) == 1
    combo = panel.socket_combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, live.name, "a", "b", "c"]
    panel.clear_action.trigger()
    assert [combo.itemData(i) for i in range(combo.count())] == [None, live.name]


def test_a_capture_with_more_socket_names_than_the_filter_offers_says_so(
    window, qtbot, tmp_path, monkeypatch
):
    monkeypatch.setattr(capture_open, "MAX_FILTER_NAMES", 100)
    path = tmp_path / "names.jsonl"
    write_capture(path, [Message(float(i), f"s{i}", IN, [b"m"]) for i in range(250)])
    assert opened(window, qtbot, path) == (
        "Opened names.jsonl: 250 messages; the socket filter offers its first 100 socket "
        "names, the others were left out of it"
    )
    assert window.traffic.socket_combo.count() == 101


def test_a_capture_bigger_than_the_caps_keeps_the_newest_and_counts_the_dropped(
    window, qtbot, tmp_path
):
    store = window.session.store
    store.set_caps(100, 1 << 20)
    path = tmp_path / "big.jsonl"
    messages = [
        Message(float(i), "x", OUT if i % 2 else IN, [b"%04d" % i, b"y" * 1000])
        for i in range(1000)
    ]
    write_capture(path, messages)
    assert opened(window, qtbot, path) == (
        "Opened big.jsonl: 1,000 messages; the store keeps at most 100 messages (1 MiB), so "
        "900 older ones were dropped"
    )
    assert as_tuples(store) == as_tuples(messages[900:])
    assert (store.dropped, store.received, store.sent) == (900, 500, 500)
    assert store.total_bytes <= store.max_bytes


def test_a_line_over_the_limit_is_reported_with_its_number(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(capture, "MAX_LINE_BYTES", 1 << 20)
    path = tmp_path / "long.jsonl"
    write_capture(path, [Message(1.0, "x", IN, [b"one"]), Message(2.0, "x", IN, [b"two"])])
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[1] + b" " * (3 << 20) + b"\n" + lines[2])
    expected = (
        "Opened long.jsonl: 2 messages. 1 corrupt line skipped (line 3); line 3: "
        "the line is 3 MiB long, more than the 1 MiB a line may be"
    )
    assert opened(window, qtbot, path) == expected
    box = window.capture.message_box
    assert box is not None and box.isVisible() and box.text() == expected
    assert [m.frames for m in window.session.store] == [[b"one"], [b"two"]]


@pytest.mark.parametrize(
    "content, words",
    [
        (
            b"\n",
            "is not a zinspect capture file: line 1 is blank (a capture starts with its "
            "header line)",
        ),
        (
            b"[" * 70_000 + b"\n",
            "is not a zinspect capture file: its first line is longer than "
            "64 KiB, which no capture header is",
        ),
    ],
)
def test_a_file_that_does_not_start_with_a_header_is_refused_saying_why(
    window, qtbot, tmp_path, content, words
):
    path = tmp_path / "c.jsonl"
    path.write_bytes(content)
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert not actions.open_capture(path)
    assert finished.args[0] == f"Cannot open: {path} {words}"
    assert actions.message_box.isVisible() and len(window.session.store) == 0


def test_a_capture_that_changes_under_the_replay_dialog_stops_the_replay_in_words(
    window, qtbot, tmp_path
):
    _pull, push = linked(window.session, "PULL", "PUSH")
    path = tmp_path / "r.jsonl"
    write_capture(path, [Message(1.0, "a", OUT, [b"first"]), Message(2.0, "b", IN, [b"in"])])
    dialog = window.capture.replay_file(path)
    qtbot.waitUntil(lambda: dialog.source_label.text() == "r.jsonl: 2 messages", timeout=WAIT_MS)
    assert dialog.which_combo.itemText(1) == "Only sent, → out (1)"
    dialog.socket_combo.setCurrentIndex(dialog.socket_combo.findData(push.name))
    write_capture(path, [Message(1.0, "a", OUT, [b"something else entirely"])])
    with qtbot.waitSignal(dialog.replay_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    words = f"{path} changed (or is gone) since it was read: open it again to replay it"
    assert finished.args[0] == f"Stopped after 0 of 2 messages: {words}"
    assert dialog.error_label.isVisible() and dialog.error_label.text() == words
    assert window.session.store.sent == 0
