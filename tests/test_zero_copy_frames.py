"""Big received frames are kept as libzmq received them, and read back as the bytes sent.

A frame of ZERO_COPY_MIN bytes or more is stored without a copy (core.rows); every way of
reading the store still hands out ``bytes`` equal to what was sent, the byte cap counts what
such a frame really costs, and dropping one frees libzmq's buffer.
"""

from __future__ import annotations

import sys
import tracemalloc
import weakref

import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.recorder import Recorder
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.latency import LatencyTracker
from zinspect.core.history.history import History
from zinspect.core.rows import (
    KEPT_FRAME_EXTRA,
    KEPT_FRAME_OVERHEAD,
    ZERO_COPY_MIN,
    ZMQ_FRAME_SIZE,
    keep_frame,
)
from zinspect.core.sockets import socket_receive
from zinspect.core.sockets.socket_receive import CLOCK_EVERY_FRAMES
from zinspect.core.store import (
    COPY_SLICE,
    IN,
    MESSAGE_OVERHEAD,
    ROW_FRAMES,
    ROW_SIZE,
    MessageStore,
    message_cost,
)

WAIT_MS = 30_000
MIB = 1 << 20


def big(size: int, seed: int = 0) -> bytes:
    """``size`` bytes that differ from one frame to the next (a copy mixed up would show)."""
    return bytes((seed + n) % 251 for n in range(251)) * (size // 251) + b"z" * (size % 251)


def receive(qtbot, session, sender, messages: list[list[bytes]]):
    """Send ``messages`` from a plain PUSH to a new zinspect PULL; the PULL once received."""
    pull = session.create_socket("PULL")
    push = sender(pull.bind("tcp://127.0.0.1:*").address)
    for frames in messages:
        push.send_multipart(frames)
    qtbot.waitUntil(lambda: pull.received == len(messages), timeout=WAIT_MS)
    return pull


def kept_frames(store: MessageStore) -> list[memoryview]:
    """The frames the store holds as received (looked at inside: nothing outside sees them)."""
    _, rows = store.raw_rows(store.first_seq, store.end_seq)
    return [frame for row in rows for frame in row[ROW_FRAMES:] if type(frame) is not bytes]


def expected_bytes(messages: list[list[bytes]]) -> int:
    """What the byte cap counts for these messages, kept frames at their real cost."""
    kept = sum(ZERO_COPY_MIN <= len(frame) for frames in messages for frame in frames)
    return sum(map(message_cost, messages)) + kept * KEPT_FRAME_EXTRA


def test_big_frames_are_kept_as_received_and_every_reader_gets_the_bytes_sent(
    qtbot, session, sender
):
    messages = [
        [big(MIB, 1)],
        [b"topic", big(200_000, 2), b"", big(ZERO_COPY_MIN, 3)],
        [b"small"],
        [big(ZERO_COPY_MIN - 1, 4)],
    ]
    pull = receive(qtbot, session, sender, messages)
    store = session.store
    # kept: the 1 MiB frame, the 200,000 B one and the one exactly at the threshold
    assert sorted(map(len, kept_frames(store))) == [ZERO_COPY_MIN, 200_000, MIB]
    assert store.total_bytes == expected_bytes(messages)
    first = store.first_seq
    # what needs no frame reads the row as kept (no copy): times, sizes, sorting keys
    assert store.time_before(first + 1) == store.raw_row(first)[0]
    assert store.payload_size(first) == MIB
    raw = store.raw_row(first)
    assert raw is not None and type(raw[ROW_FRAMES]) is memoryview
    del raw
    _, rows = store.rows(first, store.end_seq)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages
    assert all(type(f) is bytes for row in rows for f in row[ROW_FRAMES:])
    for offset, frames in enumerate(messages):
        row = store.get_row(first + offset)
        assert row is not None and list(row[ROW_FRAMES:]) == frames
        assert all(type(f) is bytes for f in row[ROW_FRAMES:])
    got = store.range(first, store.end_seq)
    assert [m.frames for m in got] == messages
    assert all(type(f) is bytes for m in got for f in m.frames)
    assert [m.frames for m in store] == messages
    assert [m.size for m in got] == [sum(map(len, frames)) for frames in messages]
    # the Message pane's decoder gets bytes too
    message = store.get(first + 1)
    assert message is not None
    decoded = MessageDecoder().decode(message.frames, pull.name, "PULL")
    assert len(decoded.frames) == 4
    # read through rows(): held as bytes from then on, and counted as bytes
    assert kept_frames(store) == [] and store.total_bytes == sum(map(message_cost, messages))


def test_a_message_read_again_is_kept_as_bytes_from_then_on(qtbot, session, sender):
    """The table paints a row at every refresh: the first read copies, the second keeps
    the copy in the store instead of the frame (one copy, not one a paint), and the byte
    count follows."""
    messages = [[big(MIB, 1)], [b"t", big(ZERO_COPY_MIN, 2)]]
    receive(qtbot, session, sender, messages)
    store = session.store
    first = store.first_seq
    assert store.get_row(first)[ROW_FRAMES] == messages[0][0]  # read once: copied
    assert len(kept_frames(store)) == 2 and store.total_bytes == expected_bytes(messages)
    row = store.get_row(first)  # read again: the store keeps these bytes
    assert row is not None and store.raw_row(first) is row and len(kept_frames(store)) == 1
    assert store.total_bytes == expected_bytes(messages[1:]) + message_cost(messages[0])
    assert store.get_row(first) is row  # no copy any more
    assert [m.frames for m in store.range(first, first + 2)] == messages


def test_reading_many_rows_keeps_their_big_frames_as_bytes(qtbot, session, sender):
    """A filter scan reads every row: the copies replace the frames (memory stays what the
    cap counts, and the next scan copies nothing)."""
    messages = [[big(MIB, 1)], [b"small"], [b"t", big(ZERO_COPY_MIN, 2), big(70_000, 3)]]
    receive(qtbot, session, sender, messages)
    store = session.store
    first = store.first_seq
    _, rows = store.rows(first, first + 3)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages
    assert kept_frames(store) == [] and store.total_bytes == sum(map(message_cost, messages))
    _, again = store.rows(first, first + 3)
    assert all(a is b for a, b in zip(again, rows))


def test_a_frame_one_byte_below_the_threshold_is_copied(qtbot, session, sender):
    receive(qtbot, session, sender, [[big(ZERO_COPY_MIN - 1)], [b"x", big(ZERO_COPY_MIN - 1)]])
    assert kept_frames(session.store) == []
    assert session.store.total_bytes == sum(
        map(message_cost, [[big(ZERO_COPY_MIN - 1)], [b"x", big(ZERO_COPY_MIN - 1)]])
    )


def test_kept_frames_are_read_only(qtbot, session, sender):
    receive(qtbot, session, sender, [[big(MIB)]])
    (frame,) = kept_frames(session.store)
    assert frame.readonly
    with pytest.raises(TypeError):
        frame[0] = 0


def test_dropping_kept_frames_frees_them_and_the_count_stays_exact(
    qtbot, session, sender, monkeypatch
):
    # frames of pyzmq's own class, which can be weakly referenced (the drain's Cython
    # frames cannot: core.sockets.socket_receive, PLAIN_FRAME)
    monkeypatch.setattr(socket_receive, "PLAIN_FRAME", zmq.Frame)
    store = session.store
    store.set_caps(store.max_messages, 8 * MIB)
    messages = [[big(MIB, n)] for n in range(40)]
    frames_alive: list[weakref.ref] = []
    pull = session.create_socket("PULL")
    push = sender(pull.bind("tcp://127.0.0.1:*").address)
    for frames in messages:
        push.send_multipart(frames)
        qtbot.waitUntil(lambda: pull.received == len(frames_alive) + 1, timeout=WAIT_MS)
        (frame,) = kept_frames(store)[-1:]
        frames_alive.append(weakref.ref(frame.obj))  # the zmq.Frame behind the view
        del frame
    kept = len(store)
    assert kept == (8 * MIB) // (MIB + KEPT_FRAME_OVERHEAD + MESSAGE_OVERHEAD)
    assert store.dropped == 40 - kept
    assert store.total_bytes == expected_bytes(messages[-kept:]) <= store.max_bytes
    # libzmq's buffers of the dropped frames are gone, the kept ones are alive
    assert [ref() is None for ref in frames_alive] == [True] * (40 - kept) + [False] * kept
    assert len(store._kept) == kept
    _, rows = store.rows(store.first_seq, store.end_seq)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages[-kept:]
    store.clear()
    assert store.total_bytes == 0 and len(store._kept) == 0
    assert all(ref() is None for ref in frames_alive)


def test_the_count_cap_drops_kept_frames_with_their_cost(qtbot, session, sender):
    store = session.store
    store.set_caps(3, store.max_bytes)
    messages = [[b"t", big(100_000, n)] if n % 2 else [b"small"] for n in range(9)]
    receive(qtbot, session, sender, messages)
    assert len(store) == 3 and store.total_bytes == expected_bytes(messages[-3:])
    assert len(store._kept) == 1


def test_a_history_on_disk_reads_kept_frames_back(qtbot, session, sender, tmp_path):
    store = session.store
    store.set_history(History(store.end_seq, cap_bytes=1 << 30, base=tmp_path))
    store.set_caps(2, store.max_bytes)
    messages = [[b"h", big(300_000, n)] for n in range(6)] + [[big(ZERO_COPY_MIN, 9)]]
    receive(qtbot, session, sender, messages)
    store.flush_history()
    assert store.oldest_seq == 0 and store.first_seq == 5
    seq = store.oldest_seq
    read: list[list[bytes]] = []
    while seq < store.end_seq:
        first, rows = store.rows(seq, store.end_seq)
        read.extend(list(row[ROW_FRAMES:]) for row in rows)
        seq = first + len(rows)
    assert read == messages
    assert store.get(0) is not None and store.get(0).frames == messages[0]


def test_rows_waiting_for_their_history_chunk_read_back_as_bytes(tmp_path):
    """A row that left RAM before its history chunk was written comes from the history's
    waiting rows: still bytes to its reader."""
    store = MessageStore(max_messages=1)
    store.set_history(History(0, cap_bytes=1 << 30, base=tmp_path))
    view = keep_frame(memoryview(bytearray(big(ZERO_COPY_MIN))))
    store.extend_rows([(1.0, "pull-1", IN, len(view), view)], 1, [0])
    store.extend_rows([(2.0, "pull-1", IN, 1, b"x")], 1)
    assert store.first_seq == 1 and store.oldest_seq == 0
    row = store.get_row(0)
    assert row is not None and type(row[ROW_FRAMES]) is bytes
    assert row[ROW_FRAMES] == big(ZERO_COPY_MIN)


def test_a_recording_holds_the_big_frames_sent(aloop, qtbot, session, sender, tmp_path):
    path = tmp_path / "r.jsonl"
    recorder = Recorder(session.store, path, tick=0.02)
    recorder.start()
    messages = [[big(MIB, 5)], [b"a", big(ZERO_COPY_MIN, 6), b"b"]]
    receive(qtbot, session, sender, messages)
    qtbot.waitUntil(lambda: recorder.written == 2, timeout=WAIT_MS)
    recorder.stop()
    assert [m.frames for m in read_capture(path).messages] == messages


def test_the_latency_feed_passes_one_way_traffic_without_reading_frames(qtbot, session, sender):
    messages = [[big(MIB, n)] for n in range(3)]
    pull = receive(qtbot, session, sender, messages)
    store = session.store
    _, raw = store.raw_rows(store.first_seq, store.end_seq)
    tracker = LatencyTracker(socket_type=lambda name: "PULL" if name == pull.name else "")
    assert not tracker.reads_frames(raw)  # the Latency view then copies nothing


frame_sizes = st.one_of(
    st.integers(0, 40),
    st.integers(ZERO_COPY_MIN - 2, ZERO_COPY_MIN + 2),
    st.integers(100_000, 300_000),
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(shapes=st.lists(st.lists(frame_sizes, min_size=1, max_size=4), min_size=1, max_size=5))
def test_mixed_messages_read_back_equal_and_are_counted_exactly(qtbot, session, sender, shapes):
    messages = [
        [big(size, n + k) for k, size in enumerate(sizes)] for n, sizes in enumerate(shapes)
    ]
    before = session.store.total_bytes
    first = session.store.end_seq
    pull = receive(qtbot, session, sender, messages)
    assert session.store.total_bytes - before == expected_bytes(messages)
    _, rows = session.store.rows(first, session.store.end_seq)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages
    pull.close()


def test_a_long_message_resumed_across_turns_keeps_its_big_frames(
    qtbot, session, sender, monkeypatch
):
    monkeypatch.setattr("zinspect.core.sockets.session.BATCH_MAX_SECONDS", 0.0)
    frames = [n.to_bytes(4, "big") for n in range(3 * CLOCK_EVERY_FRAMES)]
    for at in (0, CLOCK_EVERY_FRAMES + 5, 3 * CLOCK_EVERY_FRAMES - 1):
        frames[at] = big(ZERO_COPY_MIN + at, at)
    messages = [frames, [b"after"]]
    receive(qtbot, session, sender, messages)
    store = session.store
    assert len(kept_frames(store)) == 3
    assert store.total_bytes == expected_bytes(messages)
    _, rows = store.rows(store.first_seq, store.end_seq)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages


def test_the_counted_cost_of_a_kept_frame_covers_its_objects():
    """KEPT_FRAME_OVERHEAD's parts, measured here so a new pyzmq or Python shows."""
    assert sys.getsizeof(zmq.Frame()) <= ZMQ_FRAME_SIZE
    assert sys.getsizeof(socket_receive.PLAIN_FRAME()) <= ZMQ_FRAME_SIZE  # what the drain makes
    context = zmq.Context()
    a, b = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    try:
        a.bind("inproc://zero-copy-cost")
        b.connect("inproc://zero-copy-cost")
        count = 50
        for _ in range(count):
            a.send(big(ZERO_COPY_MIN))
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        kept = [keep_frame(b.recv(copy=False)) for _ in range(count)]
        python_side = (tracemalloc.get_traced_memory()[0] - before) / count
        tracemalloc.stop()
        assert all(len(frame) == ZERO_COPY_MIN for frame in kept)
        # the Python objects (Frame, view, managed buffer, a list slot) are within the count,
        # which also holds libzmq's header of the payload's block (not traced by Python)
        assert python_side <= KEPT_FRAME_OVERHEAD - 56
    finally:
        a.close(linger=0)
        b.close(linger=0)
        context.term()


def test_a_router_keeps_its_peers_by_routing_id_when_their_frames_are_big(qtbot, session):
    router = session.create_socket("ROUTER")
    address = router.bind("tcp://127.0.0.1:*").address
    context = zmq.Context()
    dealer = context.socket(zmq.DEALER)
    try:
        dealer.linger = 0
        dealer.routing_id = b"peer-1"
        dealer.connect(address)
        dealer.send_multipart([big(MIB, 7), b"tail"])
        qtbot.waitUntil(lambda: router.received == 1, timeout=WAIT_MS)
    finally:
        dealer.close()
        context.term()
    assert list(router.routing_ids) == [b"peer-1"]
    row = session.store.get_row(session.store.end_seq - 1)
    assert row is not None and list(row[ROW_FRAMES:]) == [b"peer-1", big(MIB, 7), b"tail"]


def test_a_reader_that_asks_again_gets_kept_frames_a_slice_at_a_time():
    """A filter scan over a store full of frames never read copies a slice per answer (it
    asks again from where the answer ends), never the whole store in one call."""
    store = MessageStore()
    payloads = [big(MIB, n) for n in range(40)]
    for n, payload in enumerate(payloads):
        view = keep_frame(memoryview(bytearray(payload)))
        store.extend_rows(
            [(float(n), "pull-1", IN, MIB, view), (float(n), "pull-1", IN, 1, b"s")], 2, [0]
        )
    seq, answers, read = store.first_seq, 0, []
    while seq < store.end_seq:
        first, rows = store.rows(seq, store.end_seq, COPY_SLICE)
        assert first == seq and rows
        assert sum(row[ROW_SIZE] for row in rows) <= COPY_SLICE + MIB + len(rows)
        read.extend(rows)
        seq += len(rows)
        answers += 1
    assert answers >= 40 * MIB // (COPY_SLICE + MIB)
    assert [row[ROW_FRAMES] for row in read[::2]] == payloads
    assert kept_frames(store) == [] and store.total_bytes == sum(
        message_cost([payload]) + message_cost([b"s"]) for payload in payloads
    )
