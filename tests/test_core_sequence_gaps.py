"""Sequence gaps: bitcoin's numbered notifications and a field the user marks as a sequence
(a JSON seq, the counter of zinspect's "{seq}" templates), listed per topic, bounded."""

from __future__ import annotations

import json

import pytest

from zinspect.core.explore.sequence_gaps import (
    GapTracker,
    MarkError,
    SequenceMark,
    parse_mark,
    sequence_number,
)
from zinspect.core.store import IN, OUT


def row(time: float, socket: str, direction: str, *frames: bytes) -> tuple:
    return (time, socket, direction, sum(map(len, frames)), *frames)


def bitcoin(topic: bytes, sequence: int) -> tuple[bytes, ...]:
    return (topic, bytes(32), sequence.to_bytes(4, "little"))


def listed(tracker: GapTracker) -> list[tuple]:
    return [(g.socket, g.topic, g.after, g.next, g.missed) for g in tracker.gaps()]


def test_bitcoin_gaps_are_found_per_topic():
    tracker = GapTracker()
    rows = [
        row(1.0, "node", IN, *bitcoin(b"hashtx", 40)),
        row(1.1, "node", IN, *bitcoin(b"hashblock", 7)),
        row(1.2, "node", IN, *bitcoin(b"hashtx", 41)),
        row(1.3, "node", IN, *bitcoin(b"hashtx", 44)),  # 42 and 43 lost
        row(1.4, "node", IN, *bitcoin(b"hashblock", 8)),
    ]
    tracker.feed(10, rows)
    assert listed(tracker) == [("node", "hashtx", 41, 44, 2)]
    assert tracker.gaps()[0].text(lambda t: f"t={t}") == "seq 41 -> 44: 2 missed at t=1.3"
    assert tracker.missed_before(13) == 2
    assert tracker.missed_before(12) is None
    assert tracker.totals() == [("node", "hashtx", 1, 2)]
    assert tracker.missed_total == 2


def test_a_counter_that_wraps_is_no_gap_and_a_restart_neither():
    tracker = GapTracker()
    tracker.feed(
        0,
        [
            row(1.0, "node", IN, *bitcoin(b"hashblock", 2**32 - 2)),
            row(1.1, "node", IN, *bitcoin(b"hashblock", 2**32 - 1)),
            row(1.2, "node", IN, *bitcoin(b"hashblock", 1)),  # 0 lost across the wrap
            row(1.3, "node", IN, *bitcoin(b"hashblock", 0)),  # went back: a restart
        ],
    )
    assert listed(tracker) == [("node", "hashblock", 2**32 - 1, 1, 1)]


def test_a_marked_json_seq_field_lists_gaps_per_topic():
    tracker = GapTracker()
    tracker.add_mark(parse_mark("sub", "f2.seq"))

    def update(topic: bytes, seq: int) -> tuple[bytes, ...]:
        return (topic, json.dumps({"seq": seq, "value": 1.5}).encode())

    tracker.feed(
        0,
        [
            row(1.0, "sub", IN, *update(b"prices", 1)),
            row(1.1, "sub", IN, *update(b"volume", 1)),
            row(1.2, "sub", IN, *update(b"prices", 2)),
            row(1.3, "sub", IN, *update(b"prices", 5)),
            row(1.4, "sub", IN, *update(b"volume", 3)),
            row(1.5, "other", IN, *update(b"prices", 9)),  # not the marked socket
            row(1.6, "sub", OUT, *update(b"prices", 9)),  # sent, not received
        ],
    )
    assert listed(tracker) == [("sub", "prices", 2, 5, 2), ("sub", "volume", 1, 3, 1)]
    assert tracker.sockets_seen() == ["other", "sub"]


def test_a_mark_on_one_topic_and_the_counter_of_a_seq_template():
    tracker = GapTracker()
    # an automation sent "Hello {seq}": the counter is the second word of frame 1
    tracker.add_mark(parse_mark("pull", "f1[2]", "Hello"))
    tracker.feed(
        0,
        [row(1.0 + n, "pull", IN, f"Hello {n}".encode()) for n in (0, 1, 2, 6, 7)]
        + [row(9.0, "pull", IN, b"Bye 100"), row(9.5, "pull", IN, b"Bye 200")],
    )
    assert listed(tracker) == [("pull", "Hello", 2, 6, 3)]


def test_marks_are_checked_in_words():
    with pytest.raises(MarkError, match="choose the socket"):
        parse_mark("", "f2.seq")
    with pytest.raises(MarkError, match="type the path"):
        parse_mark("sub", "  ")
    with pytest.raises(MarkError, match="path: a path starts with f"):
        parse_mark("sub", "seq")
    tracker = GapTracker()
    mark = parse_mark("sub", "f2.seq", " prices ")
    assert mark == SequenceMark("sub", mark.path, "prices")
    assert mark.text() == "f2.seq on sub, topic 'prices'"
    tracker.add_mark(mark)
    with pytest.raises(MarkError, match="marked already"):
        tracker.add_mark(mark)
    tracker.remove_mark(mark)
    assert tracker.marks == []


def test_sequence_numbers_are_whole_numbers_only():
    assert sequence_number(41) == 41
    assert sequence_number("42") == 42
    assert sequence_number(43.0) == 43
    assert sequence_number(True) is None
    assert sequence_number(1.5) is None
    assert sequence_number("x1") is None
    assert sequence_number("9" * 100) is None


def test_the_list_of_gaps_is_bounded():
    tracker = GapTracker()
    tracker.add_mark(parse_mark("sub", "f1[2]"))
    rows = [row(float(n), "sub", IN, f"tick {n * 2}".encode()) for n in range(30_000)]
    tracker.feed(0, rows)
    assert tracker.missed_total == 29_999
    assert len(tracker.gaps()) == 10_000
    assert tracker.gaps()[-1].next == 59_998


def test_bitcoins_numbers_are_looked_for_only_where_a_publisher_can_send():
    """A flood into a PULL (or any socket a PUB cannot reach) is passed over without reading
    a frame; a SUB's messages, and those of a socket of unknown type (a capture's), are read."""
    types = {"sub-1": "SUB", "pull-1": "PULL", "dealer-1": "DEALER"}
    tracker = GapTracker(socket_type=lambda name: types.get(name, ""))
    lost = [*bitcoin(b"hashtx", 1)], [*bitcoin(b"hashtx", 3)]
    for name in ("pull-1", "dealer-1"):
        rows = [row(1.0, name, IN, *lost[0]), row(1.1, name, IN, *lost[1])]
        assert not tracker.reads_frames(rows)
        tracker.feed(0, rows)
    assert listed(tracker) == []
    for name in ("sub-1", "10.0.0.1:40000 -> 10.0.0.2:28332"):
        rows = [row(1.0, name, IN, *lost[0]), row(1.1, name, IN, *lost[1])]
        assert tracker.reads_frames(rows)
        assert tracker.reads_frames(rows, {name})
        tracker.feed(0, rows, None, {name})
    assert listed(tracker) == [
        ("sub-1", "hashtx", 1, 3, 1),
        ("10.0.0.1:40000 -> 10.0.0.2:28332", "hashtx", 1, 3, 1),
    ]
