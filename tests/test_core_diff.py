"""Comparing two messages (core.explore.diff): nested values by path, msgpack, text lines and
words, binary bytes, frames only one message has, bounds; and, with hypothesis, that a diff
never raises, finds nothing between a message and itself, and lists exactly the changes
that turn one dict into the other."""

from __future__ import annotations

import copy
import json

import msgpack
from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.explore.diff import MAX_FRAMES, diff_messages
from zinspect.core.explore.diff_model import (
    ADDED,
    BYTES,
    CHANGED,
    COMPARE_LIMIT,
    MODIFIED,
    ONLY_A,
    ONLY_B,
    REMOVED,
    SAME,
    TEXT,
    VALUE,
    ByteRange,
)
from zinspect.core.explore.fields import FieldPath


def changes_of(a: object, b: object) -> list[tuple[str, str, object, object]]:
    diff = diff_messages([json.dumps(a).encode()], [json.dumps(b).encode()])
    (frame,) = diff.frames
    assert frame.compared_as == VALUE
    return [(c.kind, c.path, c.old, c.new) for c in frame.changes]


def test_nested_json_changes_additions_and_removals_are_named_by_path():
    a = {"sensor": {"temp": 21.5, "unit": "C", "tags": ["a", "b"]}, "seq": 41, "old": 1}
    b = {"sensor": {"temp": 22.0, "unit": "C", "tags": ["a", "b", "c"]}, "seq": 42, "new": True}
    assert changes_of(a, b) == [
        (MODIFIED, "f1.sensor.temp", 21.5, 22.0),
        (ADDED, "f1.sensor.tags[2]", None, "c"),
        (MODIFIED, "f1.seq", 41, 42),
        (REMOVED, "f1.old", 1, None),
        (ADDED, "f1.new", None, True),
    ]


def test_keys_that_are_not_names_are_quoted_and_types_count():
    a = {"content-type": "text/plain", "n": 1, "list": [1, 2]}
    b = {"content-type": "text/html", "n": True, "list": {"0": 1}}
    assert changes_of(a, b) == [
        (MODIFIED, 'f1["content-type"]', "text/plain", "text/html"),
        (MODIFIED, "f1.n", 1, True),
        (MODIFIED, "f1.list", [1, 2], {"0": 1}),
    ]


def test_an_item_inserted_in_a_list_is_one_addition_not_every_item_changed():
    a = {"xs": [10, 20, 30, 40]}
    b = {"xs": [5, 10, 20, 30, 40]}
    assert changes_of(a, b) == [(ADDED, "f1.xs[0]", None, 5)]


def test_msgpack_frames_are_compared_as_decoded_values_in_their_frame():
    a = [b"topic", msgpack.packb({"id": 7, "pos": [1.5, 2.5]})]
    b = [b"topic", msgpack.packb({"id": 7, "pos": [1.5, 3.0]})]
    diff = diff_messages(a, b)
    assert [f.status for f in diff.frames] == [SAME, CHANGED]
    frame = diff.frames[1]
    assert (frame.compared_as, frame.decoder_a) == (VALUE, "msgpack")
    assert [(c.path, c.old, c.new) for c in frame.changes] == [("f2.pos[1]", 2.5, 3.0)]


def test_text_frames_get_a_line_diff_with_the_changed_words_marked():
    a = b"10001 -70 49\nstation ok\nend"
    b = b"10001 -68 49\nstation ok\nend\nextra line"
    (frame,) = diff_messages([a], [b]).frames
    assert frame.compared_as == TEXT
    changed = [line for line in frame.lines if line.kind != SAME]
    assert [line.kind for line in changed] == [MODIFIED, ADDED]
    assert (REMOVED, "70") in changed[0].pieces and (ADDED, "68") in changed[0].pieces
    assert "".join(text for kind, text in changed[0].pieces if kind != ADDED) == "10001 -70 49"
    assert "".join(text for kind, text in changed[0].pieces if kind != REMOVED) == "10001 -68 49"
    assert changed[1].pieces == ((ADDED, "extra line"),)
    assert (changed[1].a_line, changed[1].b_line) == (None, 4)


def test_long_unchanged_stretches_of_text_are_skipped_and_counted():
    lines = [f"line {i}" for i in range(100)]
    other = list(lines)
    other[50] = "line fifty"
    (frame,) = diff_messages(["\n".join(lines).encode()], ["\n".join(other).encode()]).frames
    skipped = [line.skipped for line in frame.lines if line.skipped]
    assert skipped == [48, 47]  # lines 1-48 and 54-100: two of context either side of 51
    assert sum(line.kind != SAME for line in frame.lines) == 1


def test_binary_frames_get_the_changed_byte_ranges():
    a = bytes(range(256)) * 2
    b = bytearray(a)
    b[10:13] = b"\xff\xff\xff"
    b[300] = 0
    b += b"\x01\x02"
    (frame,) = diff_messages([a], [bytes(b)]).frames
    assert frame.compared_as == BYTES
    assert frame.ranges == (
        ByteRange(MODIFIED, 10, 13),
        ByteRange(MODIFIED, 300, 301),
        ByteRange(ADDED, 512, 514),
    )


def test_a_long_binary_frame_is_compared_on_its_first_64_kib_and_says_so():
    a = b"\x00\xff" * COMPARE_LIMIT
    b = a[:-1] + b"\x01"
    (frame,) = diff_messages([a], [b]).frames
    assert frame.status == CHANGED and frame.ranges == ()
    assert "64 KiB" in frame.note


def test_frames_only_one_message_has_are_said_at_the_end():
    diff = diff_messages([b"a", b"b", b"c"], [b"a", b"B"])
    assert [f.status for f in diff.frames] == [SAME, CHANGED, ONLY_A]
    diff = diff_messages([b"a"], [b"a", b"extra"])
    assert [f.status for f in diff.frames] == [SAME, ONLY_B]
    assert diff.frames[1].size_b == 5 and not diff.same


def test_frames_read_differently_are_compared_as_text_and_the_note_says_so():
    (frame,) = diff_messages([b'{"a": 1}'], [b"{a: 1} not json"]).frames
    assert frame.compared_as == TEXT
    assert "A reads as json, B as text" in frame.note


def test_the_listed_changes_are_capped_and_the_rest_counted():
    a = {f"k{i}": i for i in range(800)}
    b = {f"k{i}": i + 1 for i in range(800)}
    (frame,) = diff_messages([json.dumps(a).encode()], [json.dumps(b).encode()], None, None).frames
    assert len(frame.changes) + frame.omitted == 800
    assert frame.omitted > 0


def test_frames_past_the_cap_are_counted_by_their_bytes():
    a = [b"x"] * (MAX_FRAMES + 10)
    b = list(a)
    b[-1] = b"y"
    diff = diff_messages(a, b)
    assert len(diff.frames) == MAX_FRAMES
    assert (diff.not_compared, diff.not_compared_changed) == (10, 1)
    assert not diff.same and diff.changed_frames == 1


# -- properties --------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)
frames = st.lists(
    st.one_of(
        st.binary(max_size=64),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.text(max_size=40).map(str.encode),
        json_values.map(msgpack.packb),
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(frames, frames)
def test_a_diff_never_raises_and_a_message_equals_itself(a, b):
    diff = diff_messages(a, b)
    assert len(diff.frames) == max(len(a), len(b))
    assert diff.same == (a == b)
    assert diff_messages(a, a).same
    assert all(f.status == SAME for f in diff_messages(b, b).frames)


flat_dicts = st.dictionaries(
    st.text(min_size=1, max_size=3),
    st.one_of(
        st.integers(),
        st.text(max_size=3),
        st.dictionaries(st.text(max_size=2), st.integers(), max_size=3),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(flat_dicts, flat_dicts)
def test_applying_the_listed_changes_to_a_gives_b(a, b):
    result = copy.deepcopy(a)
    diff = diff_messages([json.dumps(a).encode()], [json.dumps(b).encode()])
    for change in diff.frames[0].changes:
        keys = FieldPath.parse(change.path).keys
        target = result
        for key in keys[:-1]:
            target = target[key]
        if change.kind == REMOVED:
            assert target[keys[-1]] == change.old
            del target[keys[-1]]
        elif change.kind == ADDED:
            assert keys[-1] not in target
            target[keys[-1]] = change.new
        else:
            assert target[keys[-1]] == change.old
            target[keys[-1]] = change.new
    assert result == b
