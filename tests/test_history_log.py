"""The on-disk history's log: what goes in reads back the same, across chunk and segment
boundaries; the disk cap deletes the oldest segments and counts them; a full disk stops it
cleanly; a crash loses at most the chunk being filled."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from session_helpers import read_rows_from

from zinspect.core.history import chunk
from zinspect.core.history.segment_log import SegmentLog, read_segments
from zinspect.core.store import Row

frames = st.lists(st.binary(max_size=300), max_size=12)
rows_strategy = st.lists(
    st.tuples(
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["pull-1", "sub-2", "router/ü"]),
        st.sampled_from(["in", "out"]),
        frames,
    ),
    max_size=700,
)


def as_rows(items) -> list[Row]:
    return [(t, s, d, sum(map(len, f)), *f) for t, s, d, f in items]


def read_all(log: SegmentLog) -> list[tuple]:
    return read_rows_from(log, log.first_seq)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=rows_strategy, batch=st.integers(1, 300))
def test_rows_read_back_equal_what_was_appended(tmp_path_factory, items, batch):
    rows = as_rows(items)
    log = SegmentLog(tmp_path_factory.mktemp("h"), 10, 1 << 40, segment_bytes=4096, chunk_rows=64)
    for at in range(0, len(rows), batch):
        log.append(rows[at : at + batch])
    assert read_all(log) == rows  # partly still waiting for its chunk
    log.flush()
    assert read_all(log) == rows
    assert log.end_seq == 10 + len(rows)
    for seq in (10, 10 + len(rows) // 2, 10 + len(rows) - 1):
        if rows:
            assert log.get_row(seq) == rows[seq - 10]
    log.close()


@pytest.mark.parametrize(
    "frame_lists",
    [
        [[b""]],
        [[]],
        [[b""] * 1000],
        [[b"x" * 3_000_000]],  # past CHUNK_BYTES: a chunk of its own
        [[b"a", b"", b"bc"], [b"\x00" * 70_000], [b""] * 3, [b"z" * 300]],
        [[bytes([n % 256]) * (n % 7) for n in range(100_000)]],  # many frames
    ],
)
def test_odd_shapes_read_back(tmp_path, frame_lists):
    rows = as_rows([(1.5, "s", "in", f) for f in frame_lists] * 3)
    log = SegmentLog(tmp_path, 0, 1 << 40)
    log.append(rows)
    log.flush()
    assert read_all(log) == rows
    assert [r for _seq, chunk_rows in read_segments(tmp_path) for r in chunk_rows] == rows


def test_chunk_and_segment_boundaries(tmp_path):
    rows = as_rows(
        [(float(n), "pull-1", "in", [n.to_bytes(4, "little") * 16]) for n in range(5000)]
    )
    log = SegmentLog(tmp_path, 0, 1 << 40, segment_bytes=64 * 1024, chunk_rows=256)
    for at in range(0, len(rows), 333):
        log.append(rows[at : at + 333])
    log.flush()
    assert len(list(tmp_path.glob("segment-*"))) > 3
    assert log.chunks >= 5000 // 256
    # around every chunk boundary, and a read that starts inside one chunk and spans more
    for seq in range(250, 5000, 256):
        assert log.get_row(seq) == rows[seq]
        assert log.get_row(seq + 6) == rows[seq + 6]
    first, part = log.rows(200, 900)
    assert first == 200 and part == rows[200 : 200 + len(part)] and 0 < len(part) <= 700
    assert read_all(log) == rows
    assert log.disk_bytes == sum(p.stat().st_size for p in tmp_path.glob("segment-*"))
    assert log.disk_bytes <= sum(r[3] for r in rows) + 32 * len(rows)
    assert log.index_bytes() <= 64 * log.chunks  # one small entry per chunk, bounded


def test_disk_cap_deletes_oldest_segments_and_counts_them_exactly(tmp_path):
    rows = as_rows([(float(n), "p", "in", [bytes(100)]) for n in range(20_000)])
    cap = 600 * 1024
    log = SegmentLog(tmp_path, 0, cap, segment_bytes=100 * 1024, chunk_rows=100)
    for at in range(0, len(rows), 500):
        log.append(rows[at : at + 500])
        assert log.disk_bytes <= cap
    log.flush()
    assert log.dropped > 0
    assert log.first_seq == log.dropped  # exactly the rows before the oldest kept one
    assert read_all(log) == rows[log.dropped :]
    assert log.get_row(log.dropped - 1) is None
    on_disk = [r for _seq, chunk_rows in read_segments(tmp_path) for r in chunk_rows]
    assert on_disk == rows[log.dropped :]


def test_a_full_disk_stops_the_log_and_keeps_what_was_written(tmp_path, caplog):
    caplog.expected_warnings = True
    rows = as_rows([(float(n), "p", "in", [bytes([n % 256]) * 50]) for n in range(3000)])
    log = SegmentLog(tmp_path, 0, 1 << 40, chunk_rows=100)
    log.append(rows[:1000])
    real_write = log.write
    budget = [20_000]

    def filling_write(fd: int, data) -> int:
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        take = min(len(data), budget[0])
        budget[0] -= take
        return real_write(fd, data[:take])

    log.write = filling_write
    log.append(rows[1000:2000])
    assert log.stopped == "disk full"
    written = log.end_seq
    assert 1000 <= written < 2000
    log.append(rows[2000:])  # ignored, without error
    log.flush()
    assert log.end_seq == written
    assert read_all(log) == rows[:written]  # the half-written chunk was cut off
    assert [r for _s, c in read_segments(tmp_path) for r in c] == rows[:written]


def test_other_write_errors_stop_it_in_words(tmp_path, caplog):
    caplog.expected_warnings = True
    log = SegmentLog(tmp_path, 0, 1 << 40, chunk_rows=1)

    def failing(fd: int, data) -> int:
        raise OSError(errno.EIO, "Input/output error")

    log.write = failing
    log.append(as_rows([(0.0, "p", "in", [b"x"])]))
    assert log.stopped == "cannot write (Input/output error)"
    assert log.end_seq == 0


def test_clear_deletes_the_segments_and_numbers_on(tmp_path):
    log = SegmentLog(tmp_path, 0, 1 << 40, chunk_rows=10)
    log.append(as_rows([(0.0, "p", "in", [b"x"])] * 95))
    log.clear(95)
    assert list(tmp_path.glob("segment-*")) == [] and log.disk_bytes == 0
    assert (log.first_seq, log.end_seq) == (95, 95)
    log.append(as_rows([(1.0, "p", "in", [b"y"])] * 3))
    log.flush()
    assert read_all(log) == as_rows([(1.0, "p", "in", [b"y"])] * 3) and log.first_seq == 95


def test_a_damaged_chunk_is_refused():
    data = chunk.encode(as_rows([(0.0, "p", "in", [b"abc"])] * 4))
    with pytest.raises(chunk.ChunkError):
        chunk.decode(data[:-1])
    broken = bytearray(data)
    broken[chunk.HEADER.size + 5] ^= 0xFF
    with pytest.raises(chunk.ChunkError):
        chunk.decode(bytes(broken))


CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from zinspect.core.history.segment_log import SegmentLog
    log = SegmentLog(Path(sys.argv[1]), 0, 1 << 40, chunk_rows=50)
    for n in range(1030):
        log.append([(float(n), "p", "in", 4, n.to_bytes(4, "little"))])
    log.flush()  # what the session's one-second timer does
    for n in range(1030, 1040):  # waiting for their chunk when the process dies
        log.append([(float(n), "p", "in", 4, n.to_bytes(4, "little"))])
    print("ready", flush=True)
    time.sleep(60)
    """
)


def test_a_killed_process_leaves_every_flushed_chunk_readable(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    rows = [r for _seq, chunk_rows in read_segments(tmp_path) for r in chunk_rows]
    assert rows == [(float(n), "p", "in", 4, n.to_bytes(4, "little")) for n in range(1030)]


def test_a_segment_deleted_behind_its_back_moves_the_start_and_readers_get_further(
    tmp_path, caplog
):
    caplog.expected_warnings = True
    rows = as_rows([(float(n), "p", "in", [bytes([n % 256]) * 40]) for n in range(3000)])
    log = SegmentLog(tmp_path, 0, 1 << 40, segment_bytes=64 * 1024, chunk_rows=100)
    log.append(rows)
    log.flush()
    first_segment = sorted(tmp_path.glob("segment-*"))[0]
    first_segment.unlink()  # a temporary-files cleaner, say
    seen: list[Row] = []
    seq = 0
    for _ in range(200):  # as the table's filter asks: again from where an answer ended
        if seq >= log.end_seq:
            break
        first, part = log.rows(seq, log.end_seq)  # a failed read moves the start on
        seen.extend(part)
        seq = first + len(part)
    assert seq == log.end_seq == 3000
    assert log.lost > 0 and log.first_seq == log.lost
    assert seen == rows[log.lost :]
