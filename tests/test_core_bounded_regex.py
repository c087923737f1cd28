"""The filter's regular expressions: bounded in time and size, and read as Python's ``re`` does.

A catastrophic expression gives up with a sentence naming the message instead of running
for ever; one that regex would write out to hundreds of megabytes (or crash on) is refused
before it is compiled; everything else matches what ``re`` matches.
"""

from __future__ import annotations

import json
import re
from array import array

import pytest

from zinspect.core.bounded_regex import (
    MAX_CHARACTERS,
    MAX_ITEMS,
    BoundedRegex,
    RegexError,
    RegexTooSlowError,
    expanded_size,
)
from zinspect.core.store import IN, Message
from zinspect.core.traffic_filter import FilterError, FilterTooSlowError, TrafficFilter

CATASTROPHIC = "(.|.)*Z"  # the reviewer's: 2**n ways to fail before each z
INF = float("inf")


def payload(seq: int, zone: str = "zone") -> bytes:
    """A ~90-byte JSON message; with a z in its middle, CATASTROPHIC backtracks on it."""
    return json.dumps(
        {"seq": seq, "sensor": "temperature", zone: "north", "value": 21.5, "ok": True}
    ).encode()


def rows(*payloads: bytes) -> list[tuple]:
    return [Message(0.0, "sub-1", IN, [data]).to_row() for data in payloads]


def test_a_catastrophic_search_gives_up_with_a_sentence_instead_of_running_for_ever():
    pattern = BoundedRegex(CATASTROPHIC)
    with pytest.raises(RegexTooSlowError) as caught:
        pattern.found(payload(1).decode())
    words = str(caught.value)
    assert "takes too long" in words and "backtracks catastrophically" in words
    assert ".* instead of (.|.)*" in words  # how to simplify it
    # the same expression is quick where it cannot backtrack much: the bound is per text
    assert not pattern.found(payload(2, zone="area").decode())
    assert pattern.span("north z") == (0, 7)


def test_a_scan_stops_at_the_message_the_regex_is_too_slow_on_and_names_it():
    matcher = TrafficFilter(text=CATASTROPHIC, regex=True).compile()
    out = array("q")
    quick = [payload(n, zone="area") for n in range(5)]
    with pytest.raises(FilterTooSlowError) as caught:
        matcher.scan_rows(0, rows(*quick, payload(5)), out, INF)
    assert caught.value.seq == 5
    assert "on message #6." in str(caught.value)  # numbered from 1, as the table shows
    assert isinstance(caught.value, FilterError)  # a sentence for the user like the others


def test_a_regex_scan_whose_time_is_up_stops_after_one_search():
    # each search may take the whole bound, so the clock is read after every one
    matcher = TrafficFilter(text="temp.*north", regex=True).compile()
    out = array("q")
    assert matcher.scan_rows(10, rows(*(payload(n) for n in range(50))), out, 0.0) == 1
    assert list(out) == [10]
    plain = TrafficFilter(text="north").compile()  # a plain needle reads it less often
    assert plain.scan_rows(10, rows(*(payload(n) for n in range(50))), array("q"), 0.0) == 50


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ("^b$", ["a\nb", "ab", "B"]),  # ^ and $ at each frame, case-insensitive
        (r"sport \d+", ["SPORT 42", "sport x"]),
        ("(?-i:Abc)", ["Abc", "abc"]),
        (r"\bcaf[eé]\b", ["café au lait", "cafeteria"]),
        (r"(?P<q>['\"]).*(?P=q)", ['say "hi"', "it's"]),
        (r"[^\W\d_]{3}", ["ab1", "abc"]),
        (r"x{2,}?y", ["xxy", "xy"]),
        ("(?s)a.b", ["a\nb"]),
        (r"\u00e9", ["é"]),
    ],
    ids=[
        "anchors",
        "digits",
        "case-group",
        "word-edge",
        "backreference",
        "class",
        "lazy",
        "dotall",
        "escape",
    ],
)
def test_expressions_match_what_python_re_matches(pattern, texts):
    ours = BoundedRegex(pattern)
    theirs = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for text in texts:
        found = theirs.search(text)
        assert ours.span(text) == (found.span() if found else None), text


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("[a", "Invalid regular expression: unterminated character set at position 3"),
        ("(", "missing )"),
        ("a**", "multiple repeat"),
        ("(" * 1000 + ")" * 1000, "nested too deeply"),
        ("a{4294967296}", "too large"),
        ("(?V1)a", "Invalid regular expression"),  # the other syntax: refused, not raised
    ],
    ids=["class", "paren", "repeat", "deep", "huge-count", "version"],
)
def test_an_expression_that_cannot_compile_is_refused_in_words(pattern, words):
    with pytest.raises(RegexError, match=re.escape(words)):
        BoundedRegex(pattern)
    with pytest.raises(FilterError, match=re.escape(words)):
        TrafficFilter(text=pattern, regex=True).compile()


@pytest.mark.parametrize(
    "pattern",
    ["a{1000000}", "(?:a{1000}){1000}", "(?:ab|cd){200000}", "((a{10}){10}){101}"],
    ids=["count", "nested", "crashed-regex", "deep-nesting"],
)
def test_counted_repeats_that_would_take_megabytes_are_refused_before_compiling(pattern):
    # regex writes these out when it compiles: 270 MB, minutes, or a crash of the process
    with pytest.raises(RegexError, match="counted repeats make it too large"):
        BoundedRegex(pattern)


def test_the_size_is_counted_generously_and_usual_expressions_pass():
    uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    assert expanded_size(uuid) < 100
    BoundedRegex(uuid)
    BoundedRegex(f"a{{{MAX_ITEMS}}}")  # the largest count allowed compiles
    assert expanded_size(r"\d{4}-\d{2}") == 7  # an escape's repeat counts
    assert expanded_size(r"\p{L}{300}") == 300  # \p{...} is no count
    assert expanded_size("(?#a{99999})b") == 1  # a comment is nothing
    # with (?x), a space or a comment between a group and its count changes nothing
    assert expanded_size("(?x)(abcd) {3000}") > MAX_ITEMS
    assert expanded_size("(?x)(a{99}#(\n){200}") > MAX_ITEMS
    assert expanded_size("(abcd) {3000}") > MAX_ITEMS  # generous where there is no (?x)
    with pytest.raises(RegexError, match=f"longer than {MAX_CHARACTERS:,} characters"):
        BoundedRegex("a" * (MAX_CHARACTERS + 1))
