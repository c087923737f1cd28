"""Python 3.10 has no strict base64 mode: the big-line fast path must read the same there."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.capture import capture_stream
from zinspect.core.capture.capture import LineEncoder, parse_json_line, parse_row
from zinspect.core.store import IN, OUT


def generic_row(line: bytes):
    try:
        return parse_row(parse_json_line(line))
    except ValueError:
        return "bad"


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=8),
    st.sampled_from([IN, OUT]),
    st.lists(st.binary(max_size=12), min_size=1, max_size=4),
    st.integers(0, 200),
    st.binary(min_size=1, max_size=3),
)
def test_the_validating_decoder_of_python_3_10_reads_big_lines_as_the_json_path(
    socket, direction, frames, place, junk
):
    original = capture_stream._b64
    capture_stream._b64 = capture_stream._b64_compat
    try:
        line = LineEncoder().line(1.5, socket, direction, frames).encode()
        assert capture_stream.parse_big_line(line) == generic_row(line)
        place = min(place, len(line))
        changed = line[:place] + junk + line[place + len(junk) :]
        fast = capture_stream.parse_big_line(changed)
        assert fast is None or fast == generic_row(changed)
    finally:
        capture_stream._b64 = original
