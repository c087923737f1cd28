"""The store with a history: every message from the first of the session reads back through
the store's own interface, whether it is still in RAM or only on disk."""

from __future__ import annotations

import errno

from session_helpers import read_rows_from

from zinspect.core.history.history import History
from zinspect.core.store import IN, OUT, Message, MessageStore


def fill(store: MessageStore, count: int, start: int = 0) -> list[tuple]:
    rows = [
        (float(n), "pull-1", IN, 8, n.to_bytes(8, "little")) for n in range(start, start + count)
    ]
    for at in range(0, count, 300):
        store.extend_rows(rows[at : at + 300], len(rows[at : at + 300]))
    return rows


def read_all(store: MessageStore) -> list[tuple]:
    return read_rows_from(store, store.oldest_seq)


def test_messages_dropped_from_ram_read_back_from_the_history(tmp_path):
    store = MessageStore(max_messages=1000)
    store.set_history(History(0, cap_bytes=1 << 30, base=tmp_path))
    rows = fill(store, 5000)
    assert store.first_seq == 4000 and len(store) == 1000 and store.dropped == 4000
    assert store.oldest_seq == 0
    assert read_all(store) == rows
    first = store.get(0)
    assert first is not None and first.frames == [rows[0][4]] and first.seq == 0
    assert store.get(0) is first  # the same object while it is held
    assert store.get_row(3999) == rows[3999] and store.get_row(4000) == rows[4000]
    assert store.time_before(1) == 0.0
    assert [m.frames[0] for m in store.range(3500, 4500)] == [r[4] for r in rows[3500:4500]]
    store.append(Message(9.0, "push-1", OUT, [b"sent"]))
    assert store.get_row(5000)[-1] == b"sent"
    assert store.history is not None and store.history.end_seq == 5001
    store.set_history(None)
    assert store.oldest_seq == store.first_seq and store.get(0) is None


def test_clear_clears_the_history_and_numbers_go_on(tmp_path):
    store = MessageStore(max_messages=1000)
    history = History(0, cap_bytes=1 << 30, base=tmp_path)
    store.set_history(history)
    fill(store, 3000)
    store.clear()
    assert store.oldest_seq == store.first_seq == 3000 and store.get(10) is None
    assert not list(history.folder.glob("segment-*"))
    rows = fill(store, 2000, start=3000)
    assert store.oldest_seq == 3000 and read_all(store) == rows
    store.set_history(None)
    assert not history.folder.exists()


def test_the_history_cap_drops_count_and_oldest_moves(tmp_path):
    store = MessageStore(max_messages=1000)
    history = History(0, cap_bytes=200 * 1024, base=tmp_path, segment_bytes=64 * 1024)
    store.set_history(history)
    rows = fill(store, 30_000)
    assert history.dropped > 0 and store.oldest_seq == history.dropped
    assert read_all(store) == rows[history.dropped :]
    assert store.get(history.dropped - 1) is None
    store.set_history(None)


def test_a_stopped_history_leaves_ram_working_and_no_gap(tmp_path, caplog):
    caplog.expected_warnings = True
    store = MessageStore(max_messages=1000)
    history = History(0, cap_bytes=1 << 30, base=tmp_path)
    store.set_history(history)
    fill(store, 2000)

    def full(fd: int, data) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    history.write = full
    rows = fill(store, 3000, start=2000)
    assert history.stopped == "disk full"
    assert len(store) == 1000 and store.end_seq == 5000  # RAM goes on as before
    # the history ends before RAM begins: the table shows RAM only, no gap
    assert store.oldest_seq == store.first_seq == 4000
    assert read_all(store) == rows[-1000:]
    store.set_history(None)


def test_a_history_must_start_where_the_store_ends(tmp_path):
    store = MessageStore()
    fill(store, 10)
    history = History(0, cap_bytes=1 << 30, base=tmp_path)
    try:
        store.set_history(history)
    except ValueError:
        pass
    else:
        raise AssertionError("a history starting elsewhere was taken")
    finally:
        history.close()


def test_the_session_flushes_and_removes_its_history(session, tmp_path, qtbot):
    history = History(session.store.end_seq, cap_bytes=1 << 30, base=tmp_path)
    session.store.set_history(history)
    fill(session.store, 10)
    qtbot.waitUntil(lambda: history.written_seq == 10, timeout=5000)  # the 1 s timer
    session.close()
    assert session.store.history is None and not history.folder.exists()
