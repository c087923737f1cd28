"""A message of tens of MiB is kept as received, listed without a copy, and whole when asked.

The traffic table's cells read a big frame's head (core.rows.head_row, MessageStore.preview):
painting the row of a 40 MiB message must not copy 40 MiB in the window's thread, and must
say what the whole message would (its size, its frames, the start of its summary). So does
selecting it (the Message pane shows the same preview); a reader of the whole message gets
it whole; the byte cap counts the kept frame at its real cost, and dropping the message
frees libzmq's buffer.
"""

from __future__ import annotations

import hmac
import tracemalloc
import weakref
from array import array

import msgpack
import zmq
from PySide6.QtCore import Qt

from zinspect.core.codecs import FrameHead, frame_size
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodeRule
from zinspect.core.history import chunk
from zinspect.core.history.history import History
from zinspect.core.rows import HEAD_BYTES, HEAD_WHOLE_MAX, KEPT_FRAME_EXTRA, keep_frame
from zinspect.core.sockets import socket_receive
from zinspect.core.store import IN, ROW_FRAMES, MessageStore, message_cost
from zinspect.core.traffic_filter import TrafficFilter
from zinspect.ui.traffic.columns import (
    COL_FRAMES,
    COL_SIZE,
    COL_SUMMARY,
    SUMMARY_LIMIT,
    TOOLTIP_SUMMARY_LIMIT,
    summary_text,
)
from zinspect.ui.traffic.traffic_cells import MESSAGE_ROLE
from zinspect.ui.traffic.traffic_model import FILTER_HEAD

MIB = 1 << 20
BIG = 40 * MIB
WAIT_MS = 30_000
HEAD = b"start of the big frame "


def big_frame(size: int) -> bytes:
    """The frame tests/peers/big_and_small_sender.py sends (its own copy: peers import
    nothing of the tests)."""
    body = bytes(range(251)) * ((size - len(HEAD)) // 251 + 1)
    return HEAD + body[: size - len(HEAD)]


def sent_messages() -> list[list[bytes]]:
    small = [[b"small %d" % n] for n in range(1, 5)]
    return [*small[:2], [b"bulk", big_frame(BIG)], *small[2:]]


def kept_views(store: MessageStore) -> list[memoryview]:
    """The frames the store holds as libzmq received them."""
    _, rows = store.raw_rows(store.first_seq, store.end_seq)
    return [frame for row in rows for frame in row[ROW_FRAMES:] if type(frame) is not bytes]


def receive_from_peer(user, peer, qtbot):
    """A PULL in the window; the peer's five messages listed in the following table."""
    pull = user.create("PULL")
    address = user.bind()
    peer("big_and_small_sender.py", address, str(BIG), "--timeout", "30")
    model = user.window.traffic.model
    qtbot.waitUntil(lambda: pull.received == 5 and model.rowCount() == 5, timeout=WAIT_MS)
    return pull, model


def paint_every_cell(user, model) -> None:
    """What the window does to show the rows: paint them, and answer every cell's roles."""
    view = user.window.traffic.view
    view.scrollToBottom()
    view.viewport().grab()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in (0, 3, 7, 9):  # display, tooltip, alignment, foreground
                model.data(model.index(row, column), role)


def test_a_40_mib_message_is_listed_and_selected_without_a_copy_and_read_whole(qtbot, user, peer):
    pull, model = receive_from_peer(user, peer, qtbot)
    store = user.window.session.store
    (view,) = kept_views(store)  # the 40 MiB frame, as received
    assert len(view) == BIG
    del view
    expected = sent_messages()
    # the byte cap counts what the messages cost, the kept frame at its real cost
    cost = sum(map(message_cost, expected)) + KEPT_FRAME_EXTRA
    assert store.total_bytes == cost

    # painting the rows (twice: a row stays on screen) copies no more than a head of it
    tracemalloc.start()
    try:
        paint_every_cell(user, model)
        paint_every_cell(user, model)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB
    assert len(kept_views(store)) == 1 and store.total_bytes == cost

    row = 2
    view = user.window.traffic.view  # the table follows: the last rows are on screen
    assert view.visualRect(model.index(4, COL_SUMMARY)).isValid()
    assert model.data(model.index(row, COL_SIZE)) == "40.0 MiB"
    assert model.data(model.index(row, COL_SIZE), 3) == f"{BIG + 4:,} bytes"
    assert model.data(model.index(row, COL_FRAMES)) == "2"
    summary = model.data(model.index(row, COL_SUMMARY))
    # the start of the frame (its bytes after the text are binary: shown as hex)
    assert summary.startswith("bulk | 0x " + HEAD[:20].hex(" "))
    assert [model.data(model.index(r, COL_SUMMARY)) for r in (0, 1, 3, 4)] == [
        "small 1",
        "small 2",
        "small 3",
        "small 4",
    ]

    # selected, the Message pane shows the preview: nothing copied, the frame still kept
    # (its copy, save and resend read the whole: tests/test_message_pane_big_selection.py)
    user.click_row(row)
    assert len(kept_views(store)) == 1 and store.total_bytes == cost
    frames = user.frame_table.model()
    assert frames.rowCount() == 2
    assert frames.frame(0) == b"bulk" and expected[2][1].startswith(frames.frame(1))
    assert frame_size(frames.frame(1)) == BIG
    assert user.detail_field("size") == f"40.0 MiB ({BIG + 4:,} bytes)"
    # a reader of the whole gets it whole; the store keeps that copy in place of libzmq's
    # buffer (never both), counted as a copy
    assert model.data(model.index(row, 0), MESSAGE_ROLE).frames == expected[2]
    assert kept_views(store) == [] and store.total_bytes == sum(map(message_cost, expected))
    # every message as sent, in order
    assert [m.frames for m in store.range(store.first_seq, store.end_seq)] == expected
    assert pull.received == 5


def test_dropping_the_big_message_frees_its_buffer_and_its_count(qtbot, user, peer, monkeypatch):
    # frames of pyzmq's own class, which can be weakly referenced (the drain's Cython
    # frames cannot: core.sockets.socket_receive, PLAIN_FRAME)
    monkeypatch.setattr(socket_receive, "PLAIN_FRAME", zmq.Frame)
    store = user.window.session.store
    store.set_history(None)  # RAM only: what the caps drop leaves the table too
    _, model = receive_from_peer(user, peer, qtbot)
    (view,) = kept_views(store)
    buffer_alive = weakref.ref(view.obj)  # the zmq.Frame behind the view
    del view
    paint_every_cell(user, model)
    store.set_caps(2, store.max_bytes)  # keeps the last two small messages
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    paint_every_cell(user, model)
    assert buffer_alive() is None
    assert kept_views(store) == [] and len(store._kept) == 0
    assert store.total_bytes == sum(map(message_cost, sent_messages()[-2:]))
    assert [model.data(model.index(r, COL_SUMMARY)) for r in (0, 1)] == ["small 3", "small 4"]


def store_of(messages: list[list[bytes]]) -> MessageStore:
    """A store holding ``messages`` with every frame of 64 KiB or more kept as a view."""
    store = MessageStore()
    for frames in messages:
        row_frames = [
            keep_frame(memoryview(bytearray(f))) if len(f) >= 65536 else f for f in frames
        ]
        kept = [0] * sum(type(f) is memoryview for f in row_frames)
        size = sum(map(len, frames))
        store.extend_rows([(1.0, "s", IN, size, *row_frames)], 1, kept)
    return store


def test_a_head_reads_as_the_whole_frame_in_every_cell():
    """What a cell says of a message is the same from its preview as from the whole."""
    jupyter = [
        b"<IDS|MSG>",
        b"",
        b'{"msg_type": "stream", "msg_id": "1"}',
        b"{}",
        b"{}",
        b'{"text": "' + b"a" * (2 * MIB) + b'"}',
    ]
    messages = [
        [b"t", b"text " * (9 * MIB)],
        [bytes(range(256)) * (12 * 1024)],  # 3 MiB of binary
        [b"[" + b"1, " * MIB + b"1]"],  # 3 MiB that looks like JSON
        [b"m", msgpack.packb({"k": list(range(60_000))})],  # ~180 KiB, a msgpack rule
        [b"r", b"x" * (2 * MIB)],  # over the rules' 1 MiB
        jupyter,
    ]
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("msgpack", topic="m", frame=2)])
    decoder.set_rules("s", [*decoder.rules("s"), DecodeRule("text", topic="r", frame=2)])
    store = store_of(messages)
    for seq, frames in enumerate(messages):
        preview = store.preview(seq)
        assert preview is not None and preview.size == sum(map(len, frames))
        assert len(preview.frames) == len(frames)
        for head, whole in zip(preview.frames, frames):
            assert frame_size(head) == len(whole) and whole.startswith(head)
            assert len(head) <= HEAD_WHOLE_MAX
            if len(whole) > HEAD_WHOLE_MAX:
                assert type(head) is FrameHead and len(head) == HEAD_BYTES
        texts = [
            summary_text(decoder, preview, "SUB", n) for n in (SUMMARY_LIMIT, TOOLTIP_SUMMARY_LIMIT)
        ]
        del preview
        message = store.get(seq)
        assert message is not None and message.frames == frames
        assert texts == [
            summary_text(decoder, message, "SUB", n) for n in (SUMMARY_LIMIT, TOOLTIP_SUMMARY_LIMIT)
        ], seq
    # the msgpack rule read the whole frame (a map), the text rule refused 2 MiB
    assert summary_text(decoder, store.preview(3), "SUB", SUMMARY_LIMIT).startswith("m | {")
    assert "jupyter" in decoder.decode(store.preview(5).frames, "s", "SUB").recognition.protocol


def test_a_preview_leaves_the_frames_kept_and_the_count_unchanged():
    messages = [[b"t", b"y" * (33 * MIB)], [b"u", b"z" * (512 * 1024)]]
    store = store_of(messages)
    cost = store.total_bytes
    for _ in range(3):
        assert store.preview(0).frames[1] == b"y" * (HEAD_BYTES)
    assert len(kept_views(store)) == 2 and store.total_bytes == cost
    # a frame up to HEAD_WHOLE_MAX is read whole, as any single read of it (kept as bytes
    # when read again, core.rows.KeptFrames)
    assert store.preview(1).frames == messages[1]
    # the whole message, read once, is kept as bytes at once in place of the big frame
    assert store.get_row(0)[ROW_FRAMES + 1] == messages[0][1]
    assert len(kept_views(store)) == 1
    assert store.total_bytes == cost - KEPT_FRAME_EXTRA


def test_the_history_writes_a_big_kept_frame_from_its_buffer_and_reads_it_back(tmp_path):
    frame = b"h" * (33 * MIB)
    view = keep_frame(memoryview(bytearray(frame)))
    rows = [(1.0, "s", IN, 2 + len(view), b"t1", view), (2.0, "s", IN, 5, b"small")]
    # the frame is a piece of its own: written as it is, not joined into a copy first
    assert any(part is view for part in chunk.encode_parts(rows))
    store = MessageStore(max_messages=1)
    store.set_history(History(0, cap_bytes=1 << 30, base=tmp_path))
    store.extend_rows(rows, 2, [0])
    store.flush_history()
    assert store.first_seq == 1 and store.oldest_seq == 0  # the big one is on disk only
    assert store.get(0).frames == [b"t1", frame]
    assert store.get(1).frames == [b"small"]


def test_a_filter_finds_the_big_message_and_leaves_its_frame_kept(qtbot, user, peer):
    _, model = receive_from_peer(user, peer, qtbot)
    store = user.window.session.store
    panel = user.window.traffic
    tracemalloc.start()
    try:
        qtbot.keyClicks(panel.filter_edit, "start of the big")
        qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the filter reads the first MiB of the frame (its text work on that MiB of binary
    # peaks at ~17 MiB); a copy of the 40 MiB frame would go past this
    assert peak < BIG * 3 // 4
    assert model.data(model.index(0, COL_SIZE)) == "40.0 MiB"
    assert len(kept_views(store)) == 1


def test_the_filter_reads_the_first_mib_of_a_head_as_of_the_whole():
    near, far = b"needle-near", b"needle-far"
    frame = bytearray(b"." * (3 * MIB))
    frame[500_000 : 500_000 + len(near)] = near  # past a cell's 64 KiB, in the filter's 1 MiB
    frame[2 * MIB : 2 * MIB + len(far)] = far  # past the filter's 1 MiB
    messages = [[b"a", bytes(frame)], [bytes(frame)], [b"needle-near"]]
    store = store_of(messages)
    for text, expected in (("needle-near", [0, 1, 2]), ("needle-far", [])):
        matcher = TrafficFilter(text=text).compile()
        found: array = array("q")
        _, rows = store.rows(0, 3, None, FILTER_HEAD)
        assert type(rows[0][ROW_FRAMES + 1]) is FrameHead
        matcher.scan_rows(0, rows, found, float("inf"))
        assert list(found) == expected
    assert len(kept_views(store)) == 2  # the heads were copies: the frames stay kept


def test_a_signed_jupyter_message_with_a_big_dict_is_checked_from_the_whole_only():
    key = b"secret-key"
    dicts = [b'{"msg_type": "stream", "msg_id": "7"}', b"{}", b"{}", b"{" + b" " * (2 * MIB) + b"}"]
    digest = hmac.new(key, digestmod="sha256")
    for part in dicts:
        digest.update(part)
    frames = [b"<IDS|MSG>", digest.hexdigest().encode(), *dicts]
    store = store_of([frames])
    decoder = MessageDecoder()
    decoder.set_jupyter_key("s", key)
    head = decoder.decode(store.preview(0).frames, "s", "DEALER").recognition
    whole = decoder.decode(store.get(0).frames, "s", "DEALER").recognition
    assert head is not None and head.fields["signature"] == "unchecked"
    assert whole is not None and whole.fields["signature"] == "valid"
