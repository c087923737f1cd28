"""A big message arriving in a full store drops the oldest rows a slice per turn of the loop
(so the window never stalls on it), and every count stays exact at every step: received =
kept + dropped, the byte total is the kept rows' cost, and once settled the store holds
exactly what dropping everything at once would have left."""

from __future__ import annotations

import time
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.store import EVICT_SLICE, IN, MessageStore, Row, rows_cost


def small_rows(count: int, size: int) -> list[Row]:
    now = time.time()
    return [(now, "small", IN, size, b"s" * size) for _ in range(count)]


def big_row(size: int) -> Row:
    return (time.time(), "big", IN, size, b"b" * size)


class Later:
    """An ``evict_later`` that keeps the callbacks, so the test runs each slice itself."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], None]] = []

    def __call__(self, callback: Callable[[], None]) -> bool:
        self.pending.append(callback)
        return True


def assert_exact(store: MessageStore) -> None:
    assert store.received == len(store) + store.dropped
    assert store.end_seq - store.first_seq == len(store)
    assert store.total_bytes == rows_cost(store.rows(store.first_seq, store.end_seq)[1])


@settings(max_examples=40, deadline=None)
@given(
    small=st.integers(0, 3 * EVICT_SLICE),
    small_size=st.integers(0, 40),
    bigs=st.lists(st.integers(0, 3_000_000), min_size=1, max_size=4),
    max_messages=st.integers(1, 4 * EVICT_SLICE),
    max_bytes=st.integers(1, 8_000_000),
)
def test_eviction_in_slices_keeps_exact_counts(
    small: int, small_size: int, bigs: list[int], max_messages: int, max_bytes: int
) -> None:
    sliced = MessageStore(max_messages, max_bytes)
    later = Later()
    sliced.evict_later = later
    at_once = MessageStore(max_messages, max_bytes)
    batches = [small_rows(small, small_size)] + [[big_row(size)] for size in bigs]
    for batch in batches:
        for store in (sliced, at_once):
            store.extend_rows(list(batch), len(batch))
        assert_exact(sliced)
        # one slice of the eviction runs per turn; each turn leaves the counts exact
        while later.pending:
            later.pending.pop(0)()
            assert_exact(sliced)
            assert len(later.pending) <= 1
        assert not sliced.over_caps
        assert (sliced.first_seq, sliced.dropped, sliced.total_bytes) == (
            at_once.first_seq,
            at_once.dropped,
            at_once.total_bytes,
        )


def test_a_big_drop_goes_a_slice_at_a_time() -> None:
    store = MessageStore(10 * EVICT_SLICE, 50_000_000)
    later = Later()
    store.evict_later = later
    store.extend_rows(small_rows(3 * EVICT_SLICE, 8), 3 * EVICT_SLICE)
    assert store.dropped == 0
    store.extend_rows([big_row(49_999_700)], 1)
    assert store.dropped == EVICT_SLICE  # the first slice only; the rest is asked for
    assert store.over_caps and len(later.pending) == 1
    turns = 0
    while later.pending:
        later.pending.pop(0)()
        turns += 1
    assert turns >= 2
    assert not store.over_caps
    assert store.dropped == 3 * EVICT_SLICE  # the small ones all went, the big one stayed
    assert [row[1] for row in store.rows(store.first_seq, store.end_seq)[1]] == ["big"]


def test_without_a_loop_everything_goes_at_once() -> None:
    store = MessageStore(10 * EVICT_SLICE, 50_000_000)
    store.evict_later = lambda callback: False  # nobody can call back
    store.extend_rows(small_rows(3 * EVICT_SLICE, 8), 3 * EVICT_SLICE)
    store.extend_rows([big_row(49_999_700)], 1)
    assert not store.over_caps and store.dropped == 3 * EVICT_SLICE
    assert_exact(store)


def test_a_clear_during_an_eviction_leaves_nothing_to_drop() -> None:
    store = MessageStore(10 * EVICT_SLICE, 50_000_000)
    later = Later()
    store.evict_later = later
    store.extend_rows(small_rows(3 * EVICT_SLICE, 8), 3 * EVICT_SLICE)
    store.extend_rows([big_row(49_999_700)], 1)
    dropped = store.dropped
    store.clear()
    while later.pending:
        later.pending.pop(0)()
    assert store.dropped == dropped and len(store) == 0 and store.total_bytes == 0


def test_the_table_matches_the_store_once_a_sliced_eviction_settles(window, qtbot) -> None:
    """Through the real window: the session's store evicts in slices on the loop, the
    traffic table removes what went as it goes, and ends with exactly the kept rows."""
    store = window.session.store
    store.set_history(None)  # the RAM caps alone (a history keeps the rest on disk)
    model = window.traffic.model
    store.set_caps(4 * EVICT_SLICE, 50_000_000)
    store.extend_rows(small_rows(3 * EVICT_SLICE, 8), 3 * EVICT_SLICE)
    qtbot.waitUntil(lambda: model.rowCount() == 3 * EVICT_SLICE, timeout=10_000)
    store.extend_rows([big_row(49_999_700)], 1)
    assert store.over_caps  # the rest goes on later turns
    seen: list[int] = []
    model.refreshed.connect(lambda: seen.append(model.rowCount()))
    qtbot.waitUntil(lambda: not store.over_caps and model.rowCount() == len(store), timeout=10_000)
    assert_exact(store)
    assert model.rowCount() == len(store) == 1
    assert model.message_at(0).socket == "big"
    assert all(rows >= 1 for rows in seen)
