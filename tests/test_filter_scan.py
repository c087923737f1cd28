"""The traffic filter's bulk search finds exactly what the message-by-message search finds.

FilterMatcher searches a plain ASCII needle over many store rows at once (joined, lowercased,
``bytes.find``), which is what makes filtering a million messages fast; these tests hold it
to the same answers as the straightforward loop, whatever the messages contain.
"""

from __future__ import annotations

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.store import IN, OUT, Message
from zinspect.core.traffic_filter import FILTER_TEXT_LIMIT, TrafficFilter

INF = float("inf")
ALPHABET = b"abcQ \n\x00\xc3\xa9\xff"  # ASCII, case, newline, NUL, UTF-8 and invalid bytes


def row(socket: str, direction: str, *frames: bytes) -> tuple:
    return Message(0.0, socket, direction, list(frames)).to_row()


def both(
    text: str, rows: list[tuple], first_seq: int = 100, **parts: object
) -> tuple[list[int], list[int]]:
    matcher = TrafficFilter(text=text, **parts).compile()  # type: ignore[arg-type]
    bulk, each = array("q"), array("q")
    assert matcher.scan_rows(first_seq, rows, bulk, INF) == len(rows)
    assert matcher._scan_each(first_seq, rows, each, INF) == len(rows)
    return list(bulk), list(each)


frames_strategy = st.lists(
    st.binary(max_size=12).map(lambda b: bytes(ALPHABET[x % len(ALPHABET)] for x in b)),
    min_size=0,
    max_size=3,
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    messages=st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.sampled_from([IN, OUT]), frames_strategy),
        max_size=40,
    ),
    needle=st.sampled_from(["a", "ab", "Q", "q c", "c\na", "abc", " ", "é"]),
    socket=st.sampled_from([None, "a"]),
    direction=st.sampled_from([None, IN]),
)
def test_bulk_search_matches_the_plain_loop(messages, needle, socket, direction):
    rows = [row(s, d, *frames) for s, d, frames in messages]
    bulk, each = both(needle, rows, socket=socket, direction=direction)
    assert bulk == each


def test_a_needle_never_matches_across_two_messages():
    rows = [row("a", IN, b"xx ab"), row("a", IN, b"cd yy"), row("a", IN, b"abcd")]
    assert both("abcd", rows, first_seq=7) == ([9], [9])


def test_frames_of_one_message_are_searched_joined_by_newlines():
    rows = [row("a", IN, b"topic", b"body"), row("a", IN, b"topicbody")]
    assert both("c\nb", rows, first_seq=0) == ([0], [0])


def test_many_matches_and_case_are_found_in_order():
    rows = [row("a", IN, b"Hello %d" % i) for i in range(5000)]
    bulk, each = both("HELLO 4", rows, first_seq=10)
    assert bulk == each == [10 + i for i in range(5000) if str(i).startswith("4")]


def test_large_and_non_ascii_messages_take_the_careful_path():
    big = b"x" * (FILTER_TEXT_LIMIT - 3) + b"needle"  # the needle lies past the limit
    rows = [row("a", IN, big), row("a", IN, b"caf\xc3\xa9 needle"), row("a", IN, b"needle")]
    assert both("needle", rows, first_seq=0) == ([1, 2], [1, 2])
    assert both("CAFÉ", rows, first_seq=0) == ([1], [1])
