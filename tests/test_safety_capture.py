"""Captures against hostile files and huge messages: a big message is recorded without copies
of it (memory of a child process receiving from a real peer), a line over the limit is
skipped without being held, the header line is bounded, the reader gives the loop back
whatever the lines are, and a capture file is replayed from the file as it is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from capture_helpers import as_tuples, fill_disk_under
from hypothesis import given, settings
from hypothesis import strategies as st
from session_helpers import WAIT_MS, linked, traffic

from zinspect.core.capture import capture
from zinspect.core.capture.capture import (
    CaptureError,
    CaptureReader,
    CaptureWriter,
    LineEncoder,
    header_object,
    parse_json_line,
    parse_row,
    read_capture,
    write_capture,
)
from zinspect.core.capture.capture_stream import (
    LARGEST_MESSAGE_LINE,
    MAX_HEADER_BYTES,
    MAX_LINE_BYTES,
    parse_big_line,
)
from zinspect.core.capture.export import Exporter
from zinspect.core.capture.recorder import Recorder
from zinspect.core.capture.replay import FAST, Replayer
from zinspect.core.capture.replay_source import CaptureMessages, file_stamp
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.store import IN, OUT, Message, MessageStore

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
MIB = 1 << 20
HEADER = (json.dumps(header_object(1.0)) + "\n").encode()


def message_line(message: Message) -> bytes:
    return (
        LineEncoder().line(message.time, message.socket, message.direction, message.frames).encode()
    )


def run_child(code: str, *args: str, timeout: float = 120) -> dict:
    """Run ``code`` in a fresh Python process (zinspect and tests/ importable); its last
    stdout line is a JSON object, returned."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(TESTS)]))
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


CHILD_MEMORY = '''
import ctypes, gc, json
def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
def reset_peak():
    """RSS now, with freed heap given back, and the peak (VmHWM) reset to it."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status("VmRSS")
'''


# -- writing a big message ------------------------------------------------------------------------


def test_a_big_message_is_written_in_pieces_exactly_as_the_small_path_writes_it(tmp_path):
    frames = [os.urandom(MIB + 1), b"", os.urandom(3 * MIB + 2), b"tail"]
    message = Message(1700000000.25, "big ☃", IN, frames)
    path = tmp_path / "big.jsonl"
    assert write_capture(path, [Message(1.0, "s", OUT, [b"small"]), message]) == 2
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[2] == message_line(message)  # byte for byte the one-string line
    assert as_tuples(read_capture(path).messages) == as_tuples(
        [Message(1.0, "s", OUT, [b"small"]), message]
    )


def test_a_big_message_left_half_written_is_finished_before_anything_else(tmp_path):
    path = tmp_path / "half.jsonl"
    writer = CaptureWriter(path)
    big = Message(2.0, "s", IN, [b"x" * (8 * MIB)])
    writer.write(big.time, big.socket, big.direction, big.frames, deadline=0.0)
    assert writer.writing  # one piece written, the rest waits for the next slice
    writer.flush()
    assert 0 < path.stat().st_size < 8 * MIB  # a cut line, as a killed process leaves
    event = SocketEvent(3.0, "s", "connected", "tcp://127.0.0.1:1", 7, "")
    writer.write_event(event)  # finishes the message line first
    assert not writer.writing
    writer.close()
    result = read_capture(path)
    assert as_tuples(result.messages) == as_tuples([big])
    assert result.event_records == [event] and result.skipped == 0


def test_the_recorder_spreads_a_big_message_over_its_slices_and_loses_nothing(
    aloop, qtbot, tmp_path
):
    store = MessageStore()
    path = tmp_path / "rec.jsonl"
    recorder = Recorder(store, path, tick=0.01)
    recorder.start()
    messages = [
        Message(1.0, "a", IN, [b"small"]),
        Message(2.0, "a", IN, [os.urandom(24 * MIB), os.urandom(MIB)]),
        Message(3.0, "a", OUT, [b"after"]),
    ]
    store.extend(messages)
    qtbot.waitUntil(
        lambda: recorder.written == 3 and recorder.pending == 0 and not recorder._writer.writing,
        timeout=WAIT_MS,
    )
    assert recorder.stop() == ""
    assert as_tuples(read_capture(path).messages) == as_tuples(messages)


def test_a_disk_that_fills_up_in_the_middle_of_a_big_message_stops_the_recording_in_words(
    aloop, qtbot, tmp_path, caplog
):
    store = MessageStore()
    path = tmp_path / "rec.jsonl"
    recorder = Recorder(store, path, tick=0.01)
    stopped: list[str] = []
    recorder.on_stopped.append(stopped.append)
    recorder.start()
    store.append(Message(1.0, "a", IN, [b"z" * (64 * MIB)]))
    qtbot.waitUntil(
        lambda: recorder._writer is not None and recorder._writer.writing, timeout=WAIT_MS
    )
    fill_disk_under(path)
    qtbot.waitUntil(lambda: bool(stopped), timeout=WAIT_MS)
    assert stopped == [f"Disk full while writing {path}: No space left on device"]
    assert not recorder.active and len(store) == 1  # the traffic in memory is intact
    assert "stopped: Disk full" in caplog.text  # the log says so too
    caplog.expected_warnings = True


def test_an_export_writes_a_big_message_over_several_steps_byte_for_byte(tmp_path):
    store = MessageStore()
    messages = [
        Message(1.0, "a", IN, [b"before"]),
        Message(2.0, "a", OUT, [os.urandom(16 * MIB), b"", os.urandom(MIB)]),
        Message(3.0, "a", IN, [b"after"]),
    ]
    store.extend(messages)
    path = tmp_path / "export.jsonl"
    exporter = Exporter(store, range(store.first_seq, store.end_seq), path)
    steps = 1
    while not exporter.step(0.0):
        steps += 1
    assert steps > 2 and exporter.written == 3 and exporter.gone == 0
    assert as_tuples(read_capture(path).messages) == as_tuples(messages)
    assert path.read_bytes().splitlines(keepends=True)[2] == message_line(messages[1])


RECORD_FROM_PEER = (
    CHILD_MEMORY
    + """
import asyncio, subprocess, sys, time
from zinspect.core.capture.recorder import Recorder
from zinspect.core.sockets.session import Session
from peerio import PeerOutput

path, peer_script, count, frames, size = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])

async def main():
    session = Session()
    pull = session.create_socket("PULL")
    endpoint = pull.bind("tcp://127.0.0.1:*").address
    recorder = Recorder(session.store, path, tick=3600.0)  # writes only when stopped
    recorder.start()
    peer = subprocess.Popen([sys.executable, peer_script, endpoint, str(count), str(frames),
                             str(size)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while session.store.received < count and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    peer.kill()
    peer.wait()
    before = reset_peak()
    error = recorder.stop()  # every received message, written at once
    peak = status("VmHWM")
    session.close()
    print(json.dumps({"received": session.store.received, "written": recorder.written,
                      "error": error, "kept": len(session.store),
                      "growth": peak - before}))

asyncio.run(main())
"""
)


def test_recording_big_messages_from_a_real_peer_makes_no_copies_of_them(tmp_path):
    """Two messages of 2 x 64 MiB from a peer process are written to the capture while the
    child's peak memory grows by a few MiB (a message line built as strings cost several
    copies of the message: more than 256 MiB here)."""
    path = tmp_path / "big.jsonl"
    got = run_child(
        RECORD_FROM_PEER,
        str(path),
        str(TESTS / "peers" / "big_message_sender.py"),
        "2",
        "2",
        str(64 * MIB),
    )
    assert (got["received"], got["written"], got["kept"], got["error"]) == (2, 2, 2, "")
    assert got["growth"] < 32 * MIB
    result = read_capture(path)
    assert [[len(frame) for frame in m.frames] for m in result.messages] == [[64 * MIB] * 2] * 2
    assert [m.frames[1][:3] for m in result.messages] == [b"\x01xx"] * 2


# -- reading hostile files ------------------------------------------------------------------------


def test_the_line_limit_holds_the_largest_message_zinspect_keeps():
    assert LARGEST_MESSAGE_LINE < MAX_LINE_BYTES == 720 * MIB


def test_a_line_over_the_limit_is_skipped_counted_and_reported_by_number(tmp_path):
    good = [Message(1.0, "a", IN, [b"one"]), Message(2.0, "a", IN, [b"two"])]
    path = tmp_path / "long.jsonl"
    path.write_bytes(
        HEADER + message_line(good[0]) + b"a" * (3 * MIB) + b"\n" + message_line(good[1])
    )
    reader = CaptureReader(path, max_line=2 * MIB)
    messages = []
    while not reader.done:
        messages.extend(reader.read())
    result = reader.result(messages)
    assert as_tuples(result.messages) == as_tuples(good)
    assert (result.skipped, result.first_bad_lines, result.truncated_end) == (1, [3], False)
    assert result.damage_report() == (
        "1 corrupt line skipped (line 3); line 3: the line is "
        "3 MiB long, more than the 2 MiB a line may be"
    )


def test_a_long_line_at_the_end_without_newline_is_reported_cut(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_bytes(HEADER + b"{" * (5 * MIB))
    reader = CaptureReader(path, max_line=MIB)
    while not reader.done:
        assert reader.read() == []
    assert (reader.skipped, reader.first_bad_lines, reader.truncated_end) == (1, [2], True)
    assert "the recording was interrupted" in reader.result([]).damage_report()


HUGE_LINE = (
    CHILD_MEMORY
    + """
import sys
from zinspect.core.capture.capture import CaptureError, CaptureReader
path, limit = sys.argv[1], int(sys.argv[2])
before = reset_peak()
try:
    reader = CaptureReader(path, max_line=limit)
except CaptureError as error:
    outcome = {"refused": str(error)}
else:
    messages = []
    while not reader.done:
        messages.extend(reader.read())
    outcome = {"messages": len(messages), "skipped": reader.skipped,
               "lines": reader.first_bad_lines}
outcome["growth"] = status("VmHWM") - before
print(json.dumps(outcome))
"""
)


def sparse_line(path: Path, before: bytes, length: int, after: bytes) -> None:
    """``before``, then a line of ``length`` NUL bytes (a hole: made at once, no disk
    used), then ``after``."""
    with open(path, "wb") as file:
        file.write(before)
        file.truncate(len(before) + length)
        file.seek(0, os.SEEK_END)
        file.write(after)


def test_a_300_mb_line_is_skipped_without_being_held(tmp_path):
    path = tmp_path / "huge.jsonl"
    good = Message(5.0, "a", IN, [b"still here"])
    sparse_line(path, HEADER, 300 * 1000 * 1000, b"\n" + message_line(good))
    got = run_child(HUGE_LINE, str(path), str(16 * MIB))
    assert (got["messages"], got["skipped"], got["lines"]) == (1, 1, [2])
    assert got["growth"] < 64 * MIB


def test_a_2_gb_file_of_one_line_is_refused_at_once_in_words(tmp_path):
    path = tmp_path / "two-gb.jsonl"
    sparse_line(path, b"", 2 * 1000 * 1000 * 1000, b"")
    got = run_child(HUGE_LINE, str(path), str(16 * MIB))
    assert got["refused"] == (
        f"{path} is not a zinspect capture file: its first line is "
        "longer than 64 KiB, which no capture header is"
    )
    assert got["growth"] < 16 * MIB


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "is empty: not a zinspect capture file"),
        (
            b"\n" + HEADER,
            "is not a zinspect capture file: line 1 is blank (a capture starts "
            "with its header line)",
        ),
        (b"   \r\n", "line 1 is blank"),
        (b"{" + b" " * MAX_HEADER_BYTES + b"}\n", "its first line is longer than 64 KiB"),
    ],
)
def test_a_file_that_does_not_start_with_a_header_says_what_is_wrong(tmp_path, content, words):
    path = tmp_path / "c.jsonl"
    path.write_bytes(content)
    with pytest.raises(CaptureError) as raised:
        CaptureReader(path)
    assert words in str(raised.value) and str(path) in str(raised.value)


@pytest.mark.parametrize(
    "filler",
    [
        b'{"time": 1.0, "event": "connected", "socket": "s", "endpoint": "e", "value": 1}\n',
        b"\n",
        b"   \n",
        b"not json\n",
        b'{"time": 1.0}\n',
    ],
)
def test_the_reader_gives_the_loop_back_whatever_the_lines_are(tmp_path, filler):
    """A slice with no time left stops after at most 128 lines of any kind, so a UI reading
    a file of event, blank or bad lines paints between slices."""
    path = tmp_path / "lines.jsonl"
    last = Message(9.0, "a", IN, [b"last"])
    path.write_bytes(HEADER + filler * 20_000 + message_line(last))
    reader = CaptureReader(path)
    first = reader.read(budget=0.0)
    assert first == [] and not reader.done and reader.progress < 0.1
    messages = []
    slices = 1
    while not reader.done:
        messages.extend(reader.read(budget=0.0))
        slices += 1
    assert as_tuples(messages) == as_tuples([last])
    assert slices >= 20_000 // 128


def test_a_reader_keeps_at_most_so_many_event_records_and_counts_them_all(tmp_path, monkeypatch):
    monkeypatch.setattr(capture, "MAX_EVENT_RECORDS", 5)
    path = tmp_path / "events.jsonl"
    event = b'{"time": 1.0, "event": "connected", "socket": "s", "endpoint": "e", "value": 1}\n'
    path.write_bytes(HEADER + event * 50)
    result = read_capture(path)
    assert (result.events, len(result.event_records), result.skipped) == (50, 5, 0)


def generic_row(line: bytes):
    try:
        return parse_row(parse_json_line(line))
    except ValueError:
        return "bad"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from([IN, OUT]),
    st.lists(st.binary(max_size=12), min_size=1, max_size=4),
    st.integers(0, 200),
    st.binary(min_size=1, max_size=3),
)
def test_a_big_line_read_from_its_bytes_means_what_the_json_path_reads(
    stamp, socket, direction, frames, place, junk
):
    """The fast path for big lines gives the generic path's row, or steps aside (None):
    for lines as written, and for the same lines with a few bytes changed."""
    line = message_line(Message(stamp, socket, direction, frames))
    assert parse_big_line(line) == generic_row(line)
    place = min(place, len(line))
    changed = line[:place] + junk + line[place + len(junk) :]
    fast = parse_big_line(changed)
    assert fast is None or fast == generic_row(changed)


BIG_LINE_READ = (
    CHILD_MEMORY
    + """
import sys
from zinspect.core.capture.capture import read_capture
before = reset_peak()
result = read_capture(sys.argv[1])
print(json.dumps({"sizes": [[len(f) for f in m.frames] for m in result.messages],
                  "growth": status("VmHWM") - before}))
"""
)


def test_reading_a_big_message_line_makes_no_text_copies_of_it(tmp_path):
    """A 2 x 48 MiB message is a 128 MiB line: read as JSON text it needs the line, its
    text, the frames' texts and the frames (the child's peak grows by about 385 MiB); read
    from its bytes, the line and the frames (about 225 MiB)."""
    path = tmp_path / "big.jsonl"
    write_capture(path, [Message(1.0, "a", IN, [b"p" * (48 * MIB), b"q" * (48 * MIB)])])
    got = run_child(BIG_LINE_READ, str(path))
    assert got["sizes"] == [[48 * MIB, 48 * MIB]]
    assert got["growth"] < 290 * MIB


# -- replaying from the file ----------------------------------------------------------------------


def counted(path: Path) -> CaptureMessages:
    result = read_capture(path)
    counts = {IN: 0, OUT: 0}
    for message in result.messages:
        counts[message.direction] += 1
    return CaptureMessages(path, counts, file_stamp(path))


def test_a_capture_file_is_replayed_from_the_file(session, qtbot, tmp_path):
    pull, push = linked(session, "PULL", "PUSH")
    path = tmp_path / "r.jsonl"
    write_capture(
        path, [Message(float(i), "x", OUT if i % 3 else IN, [b"m%d" % i]) for i in range(3000)]
    )
    messages = counted(path)
    assert (len(messages), len(messages.only(OUT)), len(messages.only(IN))) == (3000, 2000, 1000)
    replayer = Replayer(messages.only(OUT), push, FAST)
    task = replayer.start()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert replayer.state == "done" and replayer.sent == replayer.total == 2000
    qtbot.waitUntil(lambda: len(traffic(session, pull)) == 2000, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"m%d" % i] for i in range(3000) if i % 3]
    assert traffic(session, push, OUT) == traffic(session, pull)  # stored as sent traffic


def test_a_file_changed_since_it_was_counted_stops_the_replay_in_words(session, qtbot, tmp_path):
    _pull, push = linked(session, "PULL", "PUSH")
    path = tmp_path / "r.jsonl"
    write_capture(path, [Message(1.0, "x", OUT, [b"one"])])
    messages = counted(path)
    write_capture(path, [Message(1.0, "x", OUT, [b"other"]), Message(2.0, "x", OUT, [b"2"])])
    replayer = Replayer(messages, push, FAST)
    task = replayer.start()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert replayer.state == "failed" and replayer.sent == 0
    assert replayer.outcome() == (
        f"Stopped after 0 of 1 messages: {path} changed (or is "
        "gone) since it was read: open it again to replay it"
    )


REPLAY_FROM_FILE = (
    CHILD_MEMORY
    + """
import asyncio, sys
from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.replay import FAST, Replayer
from zinspect.core.capture.replay_source import CaptureMessages, file_stamp
from zinspect.core.sockets.session import Session
from zinspect.core.store import MessageStore

path, count = sys.argv[1], int(sys.argv[2])

async def main():
    session = Session(MessageStore(max_messages=1000))  # the sent copies stay few
    sink = session.create_socket("PULL")
    push = session.create_socket("PUSH")
    push.connect(sink.bind("tcp://127.0.0.1:*").address)
    messages = CaptureMessages(path, {"out": count}, file_stamp(path))
    before = reset_peak()
    replayer = Replayer(messages, push, FAST)
    await replayer.start()
    peak = status("VmHWM")
    session.close()
    print(json.dumps({"state": replayer.state, "sent": replayer.sent,
                      "growth": peak - before}))

asyncio.run(main())
"""
)


def test_replaying_a_large_capture_file_does_not_load_it(tmp_path):
    """200,000 messages held as Message objects are about 70 MB; replayed from the file, the
    child's peak grows by a slice of them."""
    path = tmp_path / "many.jsonl"
    write_capture(
        path, (Message(float(i), "x", OUT, [b"topic", b"payload %06d" % i]) for i in range(200_000))
    )
    got = run_child(REPLAY_FROM_FILE, str(path), "200000")
    assert (got["state"], got["sent"]) == ("done", 200_000)
    assert got["growth"] < 24 * MIB


# -- more hostile files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layout", [b'{"time":1.0,"socket":"s","direction":"in","frames":[', b'{"frames": [', b"["]
)
def test_a_line_of_millions_of_frames_is_refused_before_it_is_built(tmp_path, layout):
    """A message may have at most 100,000 frames, as on a socket; a 3 MB line of a million
    empty frames would otherwise become a list of a million (a 700 MB one, of 240 million)."""
    path = tmp_path / "frames.jsonl"
    good = Message(2.0, "s", IN, [b"ok"])
    path.write_bytes(HEADER + layout + b'"",' * 1_000_000 + b'""]}\n' + message_line(good))
    result = read_capture(path)
    assert as_tuples(result.messages) == as_tuples([good])
    assert (result.skipped, result.first_bad_lines) == (1, [2])
    assert result.first_error == "more than 100,000 frames, the most a message may have"


def test_a_fifo_or_a_device_is_refused_without_waiting_for_it(tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(CaptureError) as raised:
            CaptureReader(path)  # a FIFO would block until a writer came
        assert str(raised.value) == f"{path} is not a regular file, which a capture is"


def test_event_lines_kept_are_bounded_in_bytes_too(tmp_path, monkeypatch):
    monkeypatch.setattr(capture, "MAX_EVENT_BYTES", 10_000)
    path = tmp_path / "events.jsonl"
    event = (
        b'{"time": 1.0, "event": "connected", "socket": "s", "endpoint": "e", "value": 1, '
        b'"detail": "' + b"d" * 3000 + b'"}\n'
    )
    path.write_bytes(HEADER + event * 20)
    result = read_capture(path)
    assert (result.events, len(result.event_records), result.skipped) == (20, 4, 0)
