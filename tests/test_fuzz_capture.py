"""Capture files fuzzed: corrupt lines between good ones (every good line kept, the bad
ones skipped and counted), any file opened as a capture, any event line read from a
capture, and the replay rate.

The property is the same for every parser (tests/fuzz_support.py): for any input, either a
valid result or zinspect's own error with a message in words; never another exception, never
a hang. The other parsers are fuzzed in the sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

import math

from fuzz_support import (
    ANY_CHAR,
    JSON_VALUES,
    NASTY_JSON_TEXTS,
    assert_in_words,
    fuzz,
    mutated,
    nested,
    outcome,
    refused,
    to_json_text,
)
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.capture.capture import (
    CaptureError,
    LineEncoder,
    event_line,
    parse_event,
    read_capture,
)
from zinspect.core.capture.replay import MAX_RATE, ReplayError, check_rate
from zinspect.core.sockets.events import LABELS, SocketEvent, decode_value
from zinspect.core.store import IN, OUT

# -- capture files ------------------------------------------------------------------------------

HEADER = b'{"zinspect_capture": 1, "created": 1700000000.0, "zinspect": "0.1.0"}\n'
TIMES = st.floats(min_value=0, max_value=4e9, allow_nan=False) | st.integers(0, 2**40)
MESSAGE_LINES = st.builds(
    lambda stamp, socket, direction, frames: (
        "message",
        LineEncoder().line(stamp, socket, direction, frames).encode("utf-8"),
        (float(stamp), socket, direction, frames),
    ),
    TIMES,
    st.text(ANY_CHAR, max_size=8),
    st.sampled_from([IN, OUT]),
    st.lists(st.binary(max_size=20), min_size=1, max_size=3),
)
EVENT_LINES = st.builds(
    lambda *fields: (
        "event",
        event_line(SocketEvent(*fields)).encode("utf-8"),
        SocketEvent(*fields),
    ),
    st.floats(min_value=0, max_value=4e9),
    st.text(max_size=8),
    st.sampled_from(["connected", "disconnected", "auth_denied", "a_later_kind"]),
    st.text(max_size=12),
    st.integers(-1, 2**31),
    st.text(max_size=12),
)
GOOD_MESSAGE = {"time": 1.5, "socket": "s", "direction": "in", "frames": ["aGk="]}
# Values a message field can never have: each makes the line corrupt by construction.
NOT_A_TIME = (
    st.sampled_from([None, True, "1.5", [], {}, 10**400, -(10**400)])
    | st.floats().filter(lambda x: not math.isfinite(x))
    | st.text(max_size=5)
)
NOT_A_SOCKET = st.sampled_from([None, 1, 1.5, True, [], {}])
NOT_A_DIRECTION = st.sampled_from([None, 1, "IN", "", "both", [], "in "]) | st.text(max_size=4)
NOT_FRAMES = st.sampled_from(
    [None, [], "aGk=", {}, ["!!"], ["aGk"], [1], [None], ["aGk=", 1], ["\u00e9"], ["a\nb"]]
)
CORRUPT_MESSAGES = st.one_of(
    st.builds(lambda t: {**GOOD_MESSAGE, "time": t}, NOT_A_TIME),
    st.builds(lambda s: {**GOOD_MESSAGE, "socket": s}, NOT_A_SOCKET),
    st.builds(lambda d: {**GOOD_MESSAGE, "direction": d}, NOT_A_DIRECTION),
    st.builds(lambda f: {**GOOD_MESSAGE, "frames": f}, NOT_FRAMES),
    st.sampled_from(list(GOOD_MESSAGE)).map(
        lambda key: {k: v for k, v in GOOD_MESSAGE.items() if k != key}
    ),
)
CORRUPT_LINES = st.one_of(
    CORRUPT_MESSAGES.map(lambda obj: to_json_text(obj).encode("utf-8")),
    # not a JSON object: any other JSON value, or text that is not JSON at all
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(
        lambda v: to_json_text(v).encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=30).map(lambda b: b"#" + b.replace(b"\n", b"")),
    NASTY_JSON_TEXTS.filter(lambda t: t and not t.startswith(("{", "\ufeff"))).map(
        lambda t: t.encode("utf-8", "surrogatepass")
    ),
    # a good line cut short, as a recording killed mid-write leaves it
    MESSAGE_LINES.flatmap(
        lambda m: st.integers(1, len(m[1]) - 2).map(lambda cut: m[1][:cut].rstrip(b"\n"))
    ),
).map(lambda line: ("corrupt", line, None))
BLANK_LINES = st.sampled_from([b"", b"   ", b"\t"]).map(lambda line: ("blank", line, None))


@fuzz(100)
@given(
    st.lists(MESSAGE_LINES | EVENT_LINES | CORRUPT_LINES | BLANK_LINES, max_size=25), st.booleans()
)
def test_corrupt_lines_between_good_ones_are_skipped_and_counted_and_no_good_line_is_lost(
    tmp_path_factory, lines, final_newline
):
    path = tmp_path_factory.mktemp("fuzz") / "c.jsonl"
    body = b"\n".join(line.rstrip(b"\n") for _, line, _ in lines)
    path.write_bytes(HEADER + body + (b"\n" if final_newline and lines else b""))
    result = read_capture(path)
    messages = [(m.time, m.socket, m.direction, m.frames) for m in result.messages]
    assert messages == [value for kind, _, value in lines if kind == "message"]
    assert result.event_records == [value for kind, _, value in lines if kind == "event"]
    assert result.events == len(result.event_records)
    bad = [number for number, (kind, _, _) in enumerate(lines, start=2) if kind == "corrupt"]
    assert result.skipped == len(bad)
    assert result.first_bad_lines == bad[:10]
    report = result.damage_report()
    if bad:
        assert_in_words(ValueError(report))
        assert result.truncated_end == (bad[-1] == len(lines) + 1 and not final_newline)
    else:
        assert report == "" and not result.truncated_end


@fuzz(100)
@given(
    st.one_of(
        st.binary(max_size=60),
        JSON_VALUES.map(lambda v: to_json_text(v).encode("utf-8", "surrogatepass")),
        NASTY_JSON_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [{"zinspect_capture": v} for v in [0, -1, 2, 10**400, 1.0, True, None, "1", [], 1e400]]
        ).map(lambda obj: to_json_text(obj).encode()),
        mutated({"zinspect_capture": 1, "created": 1.0, "zinspect": "0.1.0"}).map(
            lambda obj: to_json_text(obj).encode("utf-8", "surrogatepass")
        ),
    ),
    st.binary(max_size=100),
)
@example(nested(100000).encode(), b"")  # a header line nested deep: was RecursionError
@example(
    b'{"zinspect_capture": 1}',
    b'{"time": 1%s, "socket": "s", "direction": "in", "frames": []}' % (b"0" * 400),
)  # was OverflowError
@example(b'{"zinspect_capture": 1}', b'{"time": 1%s, "event": "x"}' % (b"0" * 400))
def test_any_file_opens_as_a_capture_or_is_refused_in_words(tmp_path_factory, first, rest):
    path = tmp_path_factory.mktemp("fuzz") / "c.jsonl"
    path.write_bytes(first + b"\n" + rest)
    result = outcome(lambda: read_capture(path), CaptureError)
    if not refused(result):
        assert result.skipped <= rest.count(b"\n") + first.count(b"\n") + 1
        assert bool(result.damage_report()) == bool(result.skipped)


# -- connection events read from a capture -------------------------------------------------------

EVENT = {
    "time": 1.5,
    "event": "bind_failed",
    "socket": "s",
    "endpoint": "tcp://127.0.0.1:1",
    "value": 98,
    "detail": "",
}


@fuzz(150)
@given(
    st.sampled_from(sorted(LABELS) + ["a_later_kind", ""]).flatmap(
        lambda name: mutated({**EVENT, "event": name})
    )
)
def test_any_event_line_is_an_event_explained_in_words_or_ignored(obj):
    """A later zinspect may write other events: a line of the wrong shape is ignored (None),
    and any event read is labelled and explained (the Events panel shows every one)."""
    if not isinstance(obj, dict):  # the reader passes only objects
        return
    event = parse_event(obj)
    if event is not None:
        assert math.isfinite(event.time)
        assert isinstance(event.label, str) and isinstance(event.explanation, str)
        assert isinstance(decode_value(event.name, event.value), str)


# -- replay rate -------------------------------------------------------------------------------


@fuzz(100)
@given(
    st.floats()
    | st.integers()
    | st.integers(-(10**400), 10**400)
    | st.sampled_from([None, "100", True, [], 1e400])
)
@example(10**400)  # was OverflowError
def test_any_replay_rate_is_used_or_refused_in_words(rate):
    result = outcome(lambda: check_rate(rate), ReplayError)
    assert refused(result) or 0 < result <= MAX_RATE
