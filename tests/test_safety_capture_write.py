"""Captures of huge messages, written: a big message is written in pieces exactly as the
small path writes it, one left half-written is finished first, the recorder spreads it over
its slices, a disk filling up in the middle stops the recording in words, an export writes
it over several steps, and recording big messages from a real peer makes no copies of them
(memory of a child process).

The other capture safety topics are in the sibling tests/test_safety_capture_*.py files.
"""

from __future__ import annotations

import os

from capture_helpers import (
    CHILD_MEMORY,
    MIB,
    TESTS,
    as_tuples,
    fill_disk_under,
    message_line,
    run_child,
)
from session_helpers import WAIT_MS

from zinspect.core.capture.capture import CaptureWriter, read_capture, write_capture
from zinspect.core.capture.export import Exporter
from zinspect.core.capture.recorder import Recorder
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.store import IN, OUT, Message, MessageStore

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
