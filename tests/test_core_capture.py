"""Capture files: written and read back identical, damage skipped and reported by line,
errors in words; the recorder following the store (drops, Clear, a disk that fills up); the
replayer in its three timings, lock-step, cancel and refusals."""

from __future__ import annotations

import base64
import csv
import json
import os
import stat
from datetime import datetime

import pytest
from capture_helpers import as_tuples, fill_disk_under
from hypothesis import given, settings
from hypothesis import strategies as st
from session_helpers import ANY_PORT, WAIT_MS, linked, traffic

from zinspect.core.capture.capture import (
    FORMAT_VERSION,
    CaptureError,
    CaptureReader,
    CaptureWriter,
    read_capture,
    write_capture,
)
from zinspect.core.capture.csv_export import CSV_COLUMNS, iso_time, safe_cell
from zinspect.core.capture.export import Exporter
from zinspect.core.capture.recorder import Recorder
from zinspect.core.capture.replay import FAST, ORIGINAL, RATE, Replayer, ReplayError
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.store import IN, OUT, Message, MessageStore

SAMPLES = [
    Message(1700000000.123456, "sub-1", IN, [b"weather", b"10001 21 C"]),
    Message(1700000000.5, "pub-1", OUT, [b""]),  # one empty frame
    Message(1700000001.0, "router", IN, [b"\x00\x80\x00\x41\xa7", b"", b"\xff\xfe\x00bin"]),
    Message(0.0, "naïve ☃", OUT, [bytes(range(256))]),
    Message(1700000002.25, "dealer-1", IN, [b"%d" % i for i in range(300)]),  # many frames
]


def file_lines(path) -> list[str]:
    return path.read_text().splitlines()


# -- format and round trip ----------------------------------------------------------------------


def test_a_capture_written_and_read_back_is_identical(tmp_path):
    path = tmp_path / "c.jsonl"
    assert write_capture(path, SAMPLES) == len(SAMPLES)
    result = read_capture(path)
    assert as_tuples(result.messages) == as_tuples(SAMPLES)
    assert [m.size for m in result.messages] == [m.size for m in SAMPLES]
    assert (result.skipped, result.first_bad_lines, result.events) == (0, [], 0)
    assert result.damage_report() == ""
    assert result.header["zinspect_capture"] == FORMAT_VERSION


def test_the_file_is_json_lines_with_a_header_and_base64_frames(tmp_path):
    path = tmp_path / "c.jsonl"
    write_capture(path, SAMPLES[:2])
    lines = file_lines(path)
    assert len(lines) == 3
    header = json.loads(lines[0])
    assert header["zinspect_capture"] == 1 and isinstance(header["created"], float)
    assert "zinspect" in header
    first = json.loads(lines[1])
    assert first == {
        "time": 1700000000.123456,
        "socket": "sub-1",
        "direction": "in",
        "frames": [base64.b64encode(b"weather").decode(), base64.b64encode(b"10001 21 C").decode()],
    }
    assert json.loads(lines[2])["frames"] == [""]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=4e9, allow_nan=False),
            st.text(min_size=0, max_size=12),
            st.sampled_from([IN, OUT]),
            st.lists(st.binary(max_size=40), min_size=1, max_size=5),
        ),
        max_size=20,
    )
)
def test_any_messages_round_trip_exactly(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("rt") / "c.jsonl"
    messages = [Message(t, s, d, f) for t, s, d, f in items]
    write_capture(path, messages)
    assert as_tuples(read_capture(path).messages) == as_tuples(messages)


# -- damage ----------------------------------------------------------------------------------------


def good_line(text: str, direction: str = IN) -> str:
    frame = base64.b64encode(text.encode()).decode()
    return json.dumps({"time": 1.5, "socket": "s", "direction": direction, "frames": [frame]})


def test_corrupt_lines_are_skipped_counted_and_reported_by_line_number(tmp_path):
    path = tmp_path / "c.jsonl"
    header = json.dumps({"zinspect_capture": 1, "created": 0.0})
    lines = [
        header,  # 1
        good_line("a"),  # 2
        "this is not json",  # 3 bad
        json.dumps({"event": "connected", "time": 2.0}),  # 4 event: skipped, not damage
        "",  # 5 blank: ignored
        json.dumps({"time": "soon", "socket": "s", "direction": "in", "frames": ["YQ=="]}),
        json.dumps({"time": 1, "socket": "s", "direction": "sideways", "frames": ["YQ=="]}),
        json.dumps({"time": 1, "socket": "s", "direction": "in", "frames": ["not base64!"]}),
        json.dumps({"time": 1, "socket": "s", "direction": "in", "frames": []}),  # 9 bad
        json.dumps([1, 2, 3]),  # 10 bad
        good_line("b", OUT),  # 11
    ]
    path.write_text("\n".join(lines) + "\n" + good_line("cut")[:25])  # 12: cut short
    result = read_capture(path)
    assert [(m.frames, m.direction) for m in result.messages] == [([b"a"], IN), ([b"b"], OUT)]
    assert result.skipped == 7
    assert result.first_bad_lines == [3, 6, 7, 8, 9, 10, 12]
    assert result.events == 1
    assert result.first_error == "not valid JSON"
    assert result.truncated_end
    report = result.damage_report()
    assert report.startswith("7 corrupt lines skipped (lines 3, 6, 7, 8, 9, 10, 12)")
    assert "line 3: not valid JSON" in report and "cut short" in report


def test_only_the_first_ten_bad_line_numbers_are_kept(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"zinspect_capture": 1})] + ["{broken"] * 25 + [good_line("ok")]
    path.write_text("\n".join(lines) + "\n")
    result = read_capture(path)
    assert result.skipped == 25 and result.first_bad_lines == list(range(2, 12))
    assert [m.frames for m in result.messages] == [[b"ok"]]
    assert "lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11…" in result.damage_report()
    assert not result.truncated_end


@pytest.mark.parametrize(
    "content, words",
    [
        ("", "is empty: not a zinspect capture file"),
        ("hello\n", "is not a zinspect capture file (its first line is not JSON)"),
        ('{"something": 1}\n', "is not a zinspect capture file (its first line is not a capture"),
        ('{"zinspect_capture": "one"}\n', "has an invalid capture format version: 'one'"),
        ('{"zinspect_capture": 2}\n', "is a version 2 capture; this zinspect reads version 1"),
    ],
)
def test_a_file_that_is_not_a_readable_capture_says_why(tmp_path, content, words):
    path = tmp_path / "c.jsonl"
    path.write_text(content)
    with pytest.raises(CaptureError) as caught:
        read_capture(path)
    assert str(caught.value) == f"{path} {words}" or str(caught.value).startswith(f"{path} {words}")


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(CaptureError, match="^No such file: .*nothing.jsonl$"):
        CaptureReader(tmp_path / "nothing.jsonl")


def test_reading_in_slices_reports_growing_progress(tmp_path):
    path = tmp_path / "c.jsonl"
    write_capture(path, (Message(float(i), "s", IN, [b"x" * 50]) for i in range(3000)))
    reader = CaptureReader(path)
    assert reader.progress < 0.01
    chunks, progress = [], []
    while not reader.done:
        chunks.append(reader.read(budget=0))  # the smallest slices
        progress.append(reader.progress)
    assert len(chunks) > 10 and progress == sorted(progress) and progress[-1] == 1.0
    assert sum(map(len, chunks)) == reader.messages_read == 3000
    seen = []
    assert len(read_capture(path, seen.append).messages) == 3000 and seen[-1] == 1.0


# -- write errors


def test_a_full_disk_is_a_capture_error_in_words():
    with pytest.raises(
        CaptureError, match="^Disk full while writing /dev/full: No space left on device$"
    ):
        CaptureWriter("/dev/full")


def test_writes_after_the_disk_filled_up_fail_with_the_same_words(tmp_path):
    path = tmp_path / "c.jsonl"
    writer = CaptureWriter(path)
    writer.write_message(SAMPLES[0])
    writer.flush()
    fill_disk_under(path)
    writer.write_message(SAMPLES[1])
    with pytest.raises(CaptureError) as caught:
        writer.flush()
    assert str(caught.value) == f"Disk full while writing {path}: No space left on device"
    assert writer.closed
    with pytest.raises(CaptureError, match="Disk full"):
        writer.write_message(SAMPLES[1])
    writer.close()  # nothing more to say, no exception
    assert as_tuples(read_capture(path).messages) == as_tuples(SAMPLES[:1])


def test_permission_and_missing_folder_errors_name_the_file(tmp_path):
    with pytest.raises(CaptureError, match=f"^No such folder: {tmp_path}/nope$"):
        CaptureWriter(tmp_path / "nope" / "c.jsonl")
    if os.geteuid() == 0:  # root may write anywhere, except where the kernel refuses
        target = "/sys/kernel/notes"
        if not os.path.exists(target):
            pytest.skip("no file that refuses root here")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        target = str(locked / "c.jsonl")
    with pytest.raises(CaptureError, match=f"^Permission denied: {target}$"):
        CaptureWriter(target)


# -- export in slices


def test_an_export_works_in_slices_and_counts_what_the_store_dropped_meanwhile(tmp_path):
    store = MessageStore(max_messages=1000)
    store.extend(Message(float(i), "s", IN, [b"%d" % i]) for i in range(1000))
    path = tmp_path / "e.jsonl"
    exporter = Exporter(store, range(store.first_seq, store.end_seq), path)
    assert not exporter.step(0) and 0 < exporter.progress < 1
    head = exporter.index
    store.extend(Message(0.0, "s", IN, [b"new"]) for _ in range(500))  # drops 0..499
    while not exporter.step(0):
        pass
    assert exporter.gone == 500 - head and exporter.written == 500 + head
    assert frames_in(path) == [b"%d" % i for i in range(head)] + [
        b"%d" % i for i in range(500, 1000)
    ]


def test_an_export_as_csv_and_an_aborted_export(tmp_path):
    store = MessageStore()
    store.extend(SAMPLES)
    path = tmp_path / "e.csv"
    exporter = Exporter(store, [0, 2], path, as_csv=True)
    assert exporter.step(1.0) and exporter.written == 2
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == list(CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["1", "3"]  # shown from 1
    assert rows[2][2:] == [
        "router",
        "in",
        "3",
        "11",
        "0x 00 80 00 41 a7 | [empty] | 0x ff fe 00 62 69 6e",
        "00800041a7  fffe0062696e",
        "",  # peer: no peer_of given
    ]
    path = tmp_path / "gone.jsonl"
    exporter = Exporter(store, range(5), path)
    exporter.abort()
    assert not path.exists()


def test_csv_cells_that_look_like_formulas_stay_text():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("a=b") == "a=b"
    assert datetime.fromisoformat(iso_time(1700000000.5)).timestamp() == 1700000000.5


# -- the recorder


def msgs(*texts: str, direction: str = IN) -> list[Message]:
    return [Message(float(i), "s", direction, [t.encode()]) for i, t in enumerate(texts)]


def frames_in(path) -> list[bytes]:
    return [m.frames[0] for m in read_capture(path).messages]


def test_the_recorder_writes_new_traffic_in_order_and_flushes_on_its_own(aloop, qtbot, tmp_path):
    store = MessageStore()
    store.extend(msgs("before"))  # traffic before the recording is not in it
    path = tmp_path / "r.jsonl"
    recorder = Recorder(store, path, tick=0.02)
    recorder.start()
    store.extend(msgs("1", "2", direction=OUT))
    store.extend(msgs("3"))
    # no stop(): what a killed process would leave behind is already in the file
    qtbot.waitUntil(lambda: len(file_lines(path)) == 4, timeout=WAIT_MS)
    assert frames_in(path) == [b"1", b"2", b"3"]
    assert [m.direction for m in read_capture(path).messages] == [OUT, OUT, IN]
    assert recorder.written == 3 and recorder.pending == 0
    stopped = []
    recorder.on_stopped.append(stopped.append)
    store.extend(msgs("4"))
    assert recorder.stop() == "" and stopped == [""]  # stop writes what is pending
    assert frames_in(path) == [b"1", b"2", b"3", b"4"]
    assert not recorder.active and store.on_before_clear == []
    store.extend(msgs("after"))
    assert frames_in(path)[-1] == b"4"


def test_clear_does_not_lose_unrecorded_messages(aloop, tmp_path):
    store = MessageStore()
    path = tmp_path / "r.jsonl"
    recorder = Recorder(store, path, tick=60)  # the timer never gets a chance
    recorder.start()
    store.extend(msgs("a", "b"))
    store.clear()  # the user's Clear, before the recorder came round
    store.extend(msgs("c"))
    recorder.stop()
    assert frames_in(path) == [b"a", b"b", b"c"] and recorder.missed == 0


def test_messages_the_store_dropped_before_they_were_written_are_counted(aloop, tmp_path, caplog):
    caplog.expected_warnings = True
    store = MessageStore(max_messages=5)
    path = tmp_path / "r.jsonl"
    recorder = Recorder(store, path, tick=60)
    recorder.start()
    store.extend(msgs(*map(str, range(20))))  # a flood past the cap before the next tick
    recorder.stop()
    assert frames_in(path) == [b"15", b"16", b"17", b"18", b"19"]
    assert recorder.missed == 15 and recorder.written == 5
    assert "missed 15 messages: the store's cap dropped them" in caplog.text


def test_a_write_error_stops_the_recording_not_the_capture(aloop, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    store = MessageStore()
    path = tmp_path / "r.jsonl"
    recorder = Recorder(store, path, tick=0.02)
    stopped = []
    recorder.on_stopped.append(stopped.append)
    recorder.start()
    store.extend(msgs("a"))
    qtbot.waitUntil(lambda: recorder.written == 1, timeout=WAIT_MS)
    fill_disk_under(path)
    store.extend(msgs("b", "c"))
    qtbot.waitUntil(lambda: not recorder.active, timeout=WAIT_MS)
    assert stopped == [f"Disk full while writing {path}: No space left on device"]
    assert recorder.error == stopped[0] and recorder.stop() == stopped[0]
    assert [m.frames for m in store] == [[b"a"], [b"b"], [b"c"]]  # memory untouched
    store.clear()  # the hook is gone with the recording
    assert store.on_before_clear == []


def test_a_recording_that_cannot_start_raises_in_words(aloop, tmp_path):
    store = MessageStore()
    with pytest.raises(CaptureError, match="No such folder"):
        Recorder(store, tmp_path / "no" / "r.jsonl").start()
    assert store.on_before_clear == []


def test_recording_a_burst_larger_than_a_slice_keeps_everything(aloop, qtbot, tmp_path):
    store = MessageStore()
    path = tmp_path / "r.jsonl"
    recorder = Recorder(store, path, tick=0.01)
    recorder.start()
    count = 60_000
    store.extend(Message(float(i), "s", IN, [b"%d" % i]) for i in range(count))
    qtbot.waitUntil(lambda: recorder.written == count, timeout=WAIT_MS)
    recorder.stop()
    assert frames_in(path) == [b"%d" % i for i in range(count)]


# -- replay


def wait_replay(qtbot, replayer: Replayer, timeout: int = WAIT_MS) -> None:
    task = replayer.start()
    qtbot.waitUntil(task.done, timeout=timeout)


def numbered(count: int, gap: float = 0.0) -> list[Message]:
    return [Message(100.0 + i * gap, "x", OUT, [b"part", b"%d" % i]) for i in range(count)]


def test_fast_replay_sends_every_message_in_order(session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    replayer = Replayer(numbered(500), push, FAST)
    wait_replay(qtbot, replayer)
    assert replayer.state == "done" and replayer.sent == 500
    assert replayer.outcome().startswith(f"Replayed 500 messages through {push.name} in ")
    qtbot.waitUntil(lambda: len(traffic(session, pull)) == 500, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"part", b"%d" % i] for i in range(500)]
    assert traffic(session, push, OUT) == traffic(session, pull)


def test_rate_and_original_timing_space_the_messages(session, qtbot):
    _pull, push = linked(session, "PULL", "PUSH")
    at_rate = Replayer(numbered(11), push, RATE, rate=100.0)  # 10 gaps of 10 ms
    wait_replay(qtbot, at_rate)
    assert at_rate.state == "done" and at_rate.elapsed >= 0.095
    original = Replayer(numbered(3, gap=0.1), push, ORIGINAL)  # 2 gaps of 100 ms
    wait_replay(qtbot, original)
    assert original.state == "done" and original.elapsed >= 0.195


def test_a_replay_can_be_cancelled_midway(session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    replayer = Replayer(numbered(100), push, RATE, rate=50.0)
    task = replayer.start()
    qtbot.waitUntil(lambda: replayer.sent >= 3, timeout=WAIT_MS)
    assert replayer.running and replayer.cancel()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert task.cancelled() and replayer.state == "cancelled"
    sent = replayer.sent
    assert 3 <= sent < 100
    assert replayer.outcome() == f"Cancelled after {sent} of 100 messages"
    qtbot.waitUntil(lambda: len(traffic(session, pull)) == sent, timeout=WAIT_MS)
    assert not replayer.cancel()


def test_replay_between_req_and_rep_waits_for_each_turn(session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    requests = [Message(0.0, "old-req", OUT, [b"request %d" % i]) for i in range(5)]
    replies = [Message(0.0, "old-rep", OUT, [b"reply %d" % i]) for i in range(5)]
    answering = Replayer(replies, rep, FAST)
    answering.start()
    assert answering.running
    asking = Replayer(requests, req, FAST)
    wait_replay(qtbot, asking)
    qtbot.waitUntil(lambda: answering.task.done(), timeout=WAIT_MS)
    assert asking.state == answering.state == "done"
    assert traffic(session, rep) == [[b"request %d" % i] for i in range(5)]
    qtbot.waitUntil(lambda: len(traffic(session, req)) == 5, timeout=WAIT_MS)
    assert traffic(session, req) == [[b"reply %d" % i] for i in range(5)]


def test_a_req_replay_says_it_waits_for_the_reply(session, qtbot):
    _rep, req = linked(session, "REP", "REQ")  # nobody answers
    replayer = Replayer(numbered(2), req, FAST)
    replayer.start()
    qtbot.waitUntil(lambda: replayer.sent == 1 and bool(replayer.waiting), timeout=WAIT_MS)
    assert replayer.outcome() == "Waiting for the reply to request 1 (REQ is lock-step)"
    replayer.cancel()
    qtbot.waitUntil(replayer.task.done, timeout=WAIT_MS)
    assert replayer.state == "cancelled"


def test_a_failed_send_stops_the_replay_with_the_reason(session, qtbot):
    router = session.create_socket("ROUTER")
    router.bind(ANY_PORT)
    replayer = Replayer([Message(0.0, "r", OUT, [b"gone-peer", b"hello"])], router, FAST)
    wait_replay(qtbot, replayer)
    with pytest.raises(SocketError, match="No peer with routing id b'gone-peer'"):
        replayer.task.result()
    assert replayer.state == "failed"
    assert replayer.outcome().startswith("Stopped after 0 of 1 messages: No peer with")


def test_a_replay_that_cannot_work_is_refused_in_words(session):
    sub = session.create_socket("SUB")
    push = session.create_socket("PUSH")
    with pytest.raises(ReplayError, match="A SUB socket only receives"):
        Replayer(numbered(1), sub)
    with pytest.raises(ReplayError, match="There are no messages to replay"):
        Replayer([], push)
    with pytest.raises(ReplayError, match="Unknown replay mode 'slow'"):
        Replayer(numbered(1), push, "slow")
    for rate, words in ((0, "more than 0"), (float("nan"), "a number"), (1e9, "at most 1,000,000")):
        with pytest.raises(ReplayError, match=words):
            Replayer(numbered(1), push, RATE, rate)
    Replayer(numbered(1), push, FAST, rate=0)  # the rate only matters at a fixed rate
    push.close()
    with pytest.raises(ReplayError, match=f"Socket {push.name} is closed"):
        Replayer(numbered(1), push)
