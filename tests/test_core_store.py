"""The traffic store: caps drop the oldest and count them, sequence numbers never repeat."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.store import IN, OUT, Message, MessageStore, message_cost

# the byte cap counts memory: a one-frame message of n bytes counts n + EMPTY
EMPTY = message_cost([b""])


def msg(text: str, direction: str = IN, socket: str = "sub-1") -> Message:
    return Message(0.0, socket, direction, [text.encode()])


def texts(store: MessageStore) -> list[str]:
    return [m.frames[0].decode() for m in store]


def test_messages_get_increasing_sequence_numbers_and_sizes():
    store = MessageStore()
    first = msg("a")
    store.append(first)
    store.extend([msg("bb"), msg("ccc", OUT)])
    assert [m.seq for m in store] == [0, 1, 2]
    assert first.seq == 0 and first.size == 1
    assert len(store) == 3 and store.end_seq == 3 and store.first_seq == 0
    assert store.total_bytes == 3 * EMPTY + 6
    assert Message(0.0, "x", IN, [b"ab", b"", b"cde"]).size == 5
    assert "seq=0" in repr(first) and "1 frames" in repr(first)


def test_received_and_sent_counters_follow_direction():
    store = MessageStore()
    store.extend([msg("1", IN), msg("2", OUT), msg("3", IN)])
    store.append(msg("4", OUT))
    assert (store.received, store.sent) == (2, 2)


def test_count_cap_drops_the_oldest_and_counts_them():
    store = MessageStore(max_messages=3)
    store.extend(msg(str(i)) for i in range(5))
    assert texts(store) == ["2", "3", "4"]
    assert store.dropped == 2
    assert store.first_seq == 2 and store.end_seq == 5 and len(store) == 3
    store.append(msg("5"))
    assert texts(store) == ["3", "4", "5"] and store.dropped == 3
    assert store.total_bytes == 3 * EMPTY + 3
    assert store.received == 6  # counters count traffic, not what is kept


def test_byte_cap_drops_the_oldest_until_it_fits():
    store = MessageStore(max_bytes=2 * EMPTY + 10)
    store.extend([msg("aaaa"), msg("bbbb")])
    assert store.dropped == 0
    store.append(msg("cccc"))  # 3 messages, 12 bytes > 2 messages, 10: the oldest goes
    assert texts(store) == ["bbbb", "cccc"] and store.dropped == 1
    assert store.total_bytes == 2 * EMPTY + 8
    store.append(msg("dddddddd"))  # 16 bytes: two must go
    assert texts(store) == ["dddddddd"] and store.dropped == 3
    assert store.total_bytes == EMPTY + 8


def test_get_and_range_after_drops():
    store = MessageStore(max_messages=5)
    store.extend(msg(str(i)) for i in range(12))
    assert store.get(6) is None  # dropped
    assert store.get(7).frames == [b"7"]
    assert store.get(11).frames == [b"11"]
    assert store.get(12) is None  # not yet
    assert store.get(-1) is None
    assert [m.seq for m in store.range(0, 9)] == [7, 8]
    assert [m.seq for m in store.range(9, 100)] == [9, 10, 11]
    assert list(store.range(3, 5)) == []
    assert list(store.range(10, 10)) == []


def test_clear_keeps_dropped_count_and_numbering():
    store = MessageStore(max_messages=2)
    store.extend(msg(str(i)) for i in range(4))
    assert store.dropped == 2
    store.clear()
    assert len(store) == 0 and list(store) == [] and store.total_bytes == 0
    assert store.dropped == 2  # a Clear is not a drop
    assert store.get(3) is None
    store.append(msg("after"))
    assert [m.seq for m in store] == [4]  # numbering goes on: views can tell old from new
    assert store.received == 5


def test_set_caps_applies_at_once():
    store = MessageStore()
    store.extend(msg(str(i)) for i in range(10))
    store.set_caps(max_messages=4, max_bytes=100 * EMPTY)
    assert texts(store) == ["6", "7", "8", "9"] and store.dropped == 6
    store.set_caps(max_messages=100, max_bytes=2 * EMPTY + 2)
    assert texts(store) == ["8", "9"] and store.dropped == 8
    store.set_caps(max_messages=100, max_bytes=100 * EMPTY)
    store.extend(msg(str(i)) for i in range(10, 13))
    assert texts(store) == ["8", "9", "10", "11", "12"]


def test_a_long_flood_through_a_small_cap_stays_consistent():
    """Crosses the list compaction threshold many times."""
    store = MessageStore(max_messages=1000)
    for batch in range(50):
        store.extend(msg(str(batch * 400 + i)) for i in range(400))
    assert len(store) == 1000 and store.dropped == 19_000
    assert store.first_seq == 19_000 and store.end_seq == 20_000
    assert store.get(19_000).frames == [b"19000"]
    assert store.get(19_999).frames == [b"19999"]
    assert [m.seq for m in store.range(19_990, 20_000)] == list(range(19_990, 20_000))
    assert len(store._items) < 10_000  # dropped messages are released, not kept as holes


@settings(max_examples=100, deadline=None, database=None)
@given(
    max_messages=st.integers(min_value=0, max_value=20),
    max_bytes=st.integers(min_value=0, max_value=8 * EMPTY + 60),
    operations=st.lists(
        st.one_of(
            st.lists(st.binary(max_size=8), max_size=12).map(lambda b: ("extend", b)),
            st.just(("clear", None)),
            st.tuples(st.integers(0, 20), st.integers(0, 8 * EMPTY + 60)).map(
                lambda c: ("caps", c)
            ),
        ),
        max_size=30,
    ),
)
def test_store_matches_a_simple_model(max_messages, max_bytes, operations):
    """Whatever the caps and operations: newest kept, oldest dropped and counted, seq unique."""
    store = MessageStore(max_messages=max_messages, max_bytes=max_bytes)
    model: deque[tuple[int, bytes]] = deque()
    next_seq = dropped = 0
    caps = [max_messages, max_bytes]

    def enforce() -> int:
        gone = 0
        while model and (len(model) > caps[0] or sum(EMPTY + len(d) for _, d in model) > caps[1]):
            model.popleft()
            gone += 1
        return gone

    for kind, value in operations:
        if kind == "extend":
            store.extend(Message(0.0, "s", IN, [data]) for data in value)
            for data in value:
                model.append((next_seq, data))
                next_seq += 1
            dropped += enforce()
        elif kind == "clear":
            store.clear()
            model.clear()
        else:
            caps[:] = value
            store.set_caps(*value)
            dropped += enforce()
        assert [(m.seq, m.frames[0]) for m in store] == list(model)
        assert store.end_seq == next_seq
        assert store.dropped == dropped
        assert store.total_bytes == sum(EMPTY + len(d) for _, d in model)
        for seq, data in model:
            assert store.get(seq).frames == [data]


def test_the_byte_cap_counts_frames_not_only_payload():
    """Empty and tiny frames cost memory: a message of many of them counts that memory, so
    a peer sending them cannot fill more than the cap."""
    store = MessageStore(max_bytes=10 * message_cost([b""] * 1000))
    many_empty = Message(0.0, "s", IN, [b""] * 1000)
    assert many_empty.size == 0  # the payload shown to the user is unchanged
    store.extend(Message(0.0, "s", IN, [b""] * 1000) for _ in range(25))
    assert len(store) == 10 and store.dropped == 15
    assert store.total_bytes == 10 * message_cost([b""] * 1000) <= store.max_bytes
    two_byte_rows = [(0.0, "s", IN, 2000, *[b"ab"] * 1000) for _ in range(3)]
    store.extend_rows(two_byte_rows, 3)
    assert store.total_bytes <= store.max_bytes
    assert store.total_bytes == sum(message_cost(list(m.frames)) for m in store)
