"""Captures against hostile files: a line over the limit is skipped without being held and
reported by number, the header line is bounded, a 2 GB line, a line of millions of frames,
a FIFO or a device are refused at once in words, the reader gives the loop back whatever
the lines are, kept event records are bounded, and a big message line is read without text
copies of it (memory of a child process).

The other capture safety topics are in the sibling tests/test_safety_capture_*.py files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from capture_helpers import CHILD_MEMORY, HEADER, MIB, as_tuples, message_line, run_child
from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.capture import capture
from zinspect.core.capture.capture import (
    CaptureError,
    CaptureReader,
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
from zinspect.core.store import IN, OUT, Message

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
