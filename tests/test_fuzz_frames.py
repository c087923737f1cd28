"""Frames fuzzed: text in every frame encoding, near-valid frame texts, any bytes in every
view, frames written as JSON (as in workspaces, automations and saved messages), message
templates, and the traffic filter's text and regex.

The property is the same for every parser (tests/fuzz_support.py): for any input, either a
valid result or zinspect's own error with a message in words; never another exception, never
a hang. The other parsers are fuzzed in the sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

import base64

from fuzz_support import (
    ANY_CHAR,
    JSON_VALUES,
    JUNK_TEXT,
    NASTY_JSON_TEXTS,
    assert_in_words,
    fuzz,
    nested,
    outcome,
    refused,
    text_mutation,
    to_json_text,
)
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.automation.automation import check_template, compile_template, render_frames
from zinspect.core.codecs import (
    ENCODINGS,
    VIEWS,
    FrameEncodingError,
    auto_view,
    encode_frame,
    render,
)
from zinspect.core.frames_json import SpecError, frame_from_json, frames_from_json
from zinspect.core.store import IN, OUT
from zinspect.core.traffic_filter import FilterError, FilterMatcher, TrafficFilter

# -- frame encodings and views ------------------------------------------------------------------

ENCODING_NAMES = st.sampled_from(list(ENCODINGS)) | st.sampled_from(["", "HEX", "utf-8", "b64"])


@fuzz(200)
@given(JUNK_TEXT | st.text(ANY_CHAR, max_size=60) | NASTY_JSON_TEXTS, ENCODING_NAMES)
@example('"\\ud800"', "json")  # JSON's escape for a lone surrogate: was UnicodeEncodeError
@example(nested(100000), "json")  # was RecursionError
@example("1" * 5000, "json")  # more digits than Python converts: was ValueError
@example("\ud800", "text")  # was UnicodeEncodeError
def test_any_text_in_any_encoding_is_a_frame_or_refused_in_words(text, encoding):
    result = outcome(lambda: encode_frame(text, encoding), FrameEncodingError)
    assert refused(result) or isinstance(result, bytes)


@st.composite
def near_valid_frame_texts(draw):
    """The forms people paste, one character off: hex with separators, base64 with lines,
    JSON with one value changed or a character more or less."""
    data = draw(st.binary(max_size=40))
    encoding = draw(st.sampled_from(["hex", "base64", "json", "text"]))
    if encoding == "hex":
        text = (
            draw(st.sampled_from(["", "0x", "0X"]))
            + data.hex(draw(st.sampled_from([" ", ":", "\n"])))
            if data
            else "0x"
        )
    elif encoding == "base64":
        text = base64.b64encode(data).decode("ascii")
    elif encoding == "json":
        text = to_json_text(draw(JSON_VALUES))
    else:
        text = data.decode("utf-8", "replace")
    return draw(text_mutation(text) | st.just(text)), encoding


@fuzz(150)
@given(near_valid_frame_texts())
def test_near_valid_frame_texts_are_frames_or_refused_in_words(case):
    text, encoding = case
    result = outcome(lambda: encode_frame(text, encoding), FrameEncodingError)
    assert refused(result) or isinstance(result, bytes)


FRAME_BYTES = (
    st.binary(max_size=200)
    | NASTY_JSON_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | JSON_VALUES.map(lambda v: to_json_text(v).encode("utf-8", "surrogatepass"))
    | st.text(ANY_CHAR, max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass"))
)


@fuzz(120)
@given(FRAME_BYTES, st.sampled_from(VIEWS))
@example(nested(50000).encode(), "auto")  # a peer's "[[[[...": was RecursionError
@example(nested(50000).encode(), "json")
def test_any_bytes_show_in_every_view_with_a_note_when_the_view_does_not_fit(data, view):
    """A peer decides what a frame holds: the detail pane must show anything, in any view
    (JSON nested 5,000 deep included), with the reason in words when it falls back to hex."""
    text, error = render(data, view)
    assert isinstance(text, str)
    if error is not None:
        assert_in_words(ValueError(error))
    assert auto_view(data) in VIEWS


# -- frames in JSON (workspaces, automations, saved messages) ----------------------------------

FRAME_JSON = JSON_VALUES | st.fixed_dictionaries(
    {},
    optional={
        "hex": JSON_VALUES | JUNK_TEXT,
        "base64": JSON_VALUES | JUNK_TEXT,
        "json": JSON_VALUES,
        "text": JSON_VALUES,
    },
)


@fuzz(120)
@given(FRAME_JSON)
@example({"json": "\ud800"})  # was UnicodeEncodeError
def test_any_json_value_is_a_frame_or_refused_at_its_place(value):
    result = outcome(lambda: frame_from_json(value, "frames[0]"), SpecError)
    if refused(result):
        assert result.path.startswith("frames[0]") and result.message
    else:
        assert isinstance(result, bytes)
    listed = outcome(lambda: frames_from_json(value, "frames"), SpecError)
    assert refused(listed) or all(isinstance(frame, bytes) for frame in listed)


# -- templates ----------------------------------------------------------------------------------

TEMPLATE_PIECES = (
    st.sampled_from(
        [
            "{",
            "}",
            "{{",
            "}}",
            "{seq}",
            "{time}",
            "{uuid}",
            "{rand:1:6}",
            "{rand:6:1}",
            "{rand:-5:5}",
            "{rand:1}",
            "{rand:a:b}",
            "{rand:1:" + "9" * 5000 + "}",
            "{rand:\u0661:\u0669}",
            "{nope}",
            "{seq",
            "seq}",
            "{}",
            "{ seq }",
            "x",
            "é",
            "\ud800",
            "\x00",
        ]
    )
    | JUNK_TEXT
)


@fuzz(150)
@given(st.lists(TEMPLATE_PIECES, max_size=8).map("".join), st.integers(0, 2**40))
@example("{rand:1:" + "9" * 5000 + "}", 0)  # was ValueError
@example("a \ud800", 0)  # was UnicodeEncodeError
def test_any_template_compiles_and_renders_or_is_refused_in_words(text, seq):
    compiled = outcome(lambda: compile_template(text, "frames[0]"), SpecError)
    problem = check_template(text)
    if refused(compiled):
        assert problem == compiled.message
        return
    assert problem == ""
    frames = render_frames([compiled], seq)
    assert len(frames) == 1 and isinstance(frames[0], bytes)


# -- traffic filter ----------------------------------------------------------------------------

FILTER_TEXTS = JUNK_TEXT | st.sampled_from(
    [
        "a{4294967296}",
        "(" * 1000 + ")" * 1000,
        "(" * 300,
        "(?i)x",
        "x(?i)",
        "[",
        "\\",
        "0x",
        "0xdead",
        "0x de:ad",
        "0xzz",
        "(?P<a>x)(?P<a>y)",
        "a**",
        "\\p{L}",
        "(?<=a+)b",
    ]
)


@fuzz(150)
@given(FILTER_TEXTS, st.booleans(), st.sampled_from([None, IN, OUT]))
@example("a{4294967296}", True, None)  # was OverflowError
@example("(" * 1000 + ")" * 1000, True, None)  # was RecursionError
def test_any_filter_text_is_a_filter_or_refused_in_words(text, regex, direction):
    matcher = outcome(
        lambda: TrafficFilter(text=text, regex=regex, direction=direction).compile(), FilterError
    )
    if not refused(matcher):
        assert isinstance(matcher, FilterMatcher)
