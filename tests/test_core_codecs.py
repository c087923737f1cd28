"""Frames to text and back: the composer's encodings, the detail views, the table summaries."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.codecs import (
    DETAIL_LIMIT,
    ENCODINGS,
    VIEWS,
    FrameEncodingError,
    auto_view,
    editable_form,
    encode_frame,
    frame_summary,
    hexdump,
    human_size,
    message_summary,
    printable_text,
    render,
    subscription_event,
    topic_text,
)

# -- encode_frame -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, encoding, expected",
    [
        ("Hello", "text", b"Hello"),
        ("", "text", b""),
        ("héllo €", "text", "héllo €".encode()),
        ("line1\nline2", "text", b"line1\nline2"),
        ("00ff10", "hex", b"\x00\xff\x10"),
        ("00 FF 10", "hex", b"\x00\xff\x10"),
        ("0x00ff", "hex", b"\x00\xff"),
        ("de:ad:be:ef", "hex", b"\xde\xad\xbe\xef"),
        ("de ad\nbe\tef", "hex", b"\xde\xad\xbe\xef"),
        ("", "hex", b""),
        ("aGVsbG8=", "base64", b"hello"),
        ("aGVs\nbG8=", "base64", b"hello"),
        ("", "base64", b""),
        ('{"a": 1, "b": [1, 2]}', "json", b'{"a":1,"b":[1,2]}'),
        ('"text"', "json", b'"text"'),
        ("42", "json", b"42"),
        ('{"city": "Zürich"}', "json", '{"city":"Zürich"}'.encode()),
        ("anything", "empty", b""),
        ("", "empty", b""),
    ],
)
def test_encode_frame(text, encoding, expected):
    assert encode_frame(text, encoding) == expected


@pytest.mark.parametrize(
    "text, encoding, words",
    [
        ("0g", "hex", "'g' is not a hex digit (use 0-9, a-f)"),
        ("abc", "hex", "Hex needs an even number of digits; this has 3"),
        ("a b c", "hex", "this has 3"),
        ("not base64!", "base64", "Not valid base64"),
        ("aGVsbG8", "base64", "Not valid base64"),
        ("", "json", "Empty JSON: write a value such as {}"),
        ("   ", "json", "Empty JSON"),
        ("{'a': 1}", "json", "Invalid JSON at line 1, column 2"),
        ('{"a": 1,\n"b": }', "json", "Invalid JSON at line 2, column 6"),
        ("hello", "rot13", "Unknown encoding 'rot13'; use one of text, hex, base64, json, empty"),
    ],
)
def test_encode_frame_errors_are_sentences(text, encoding, words):
    with pytest.raises(FrameEncodingError) as info:
        encode_frame(text, encoding)
    assert words in str(info.value)


def test_frame_encoding_error_is_a_value_error():
    assert issubclass(FrameEncodingError, ValueError)
    assert set(ENCODINGS) == {"text", "hex", "base64", "json", "empty"}


# -- editable_form: what "edit and resend" puts in the composer -----------------------------


@pytest.mark.parametrize(
    "data, encoding",
    [
        (b"", "empty"),
        (b"Hello", "text"),
        ("Grüße 🌍".encode(), "text"),
        (b"tab\tand\nnewline\r\n", "text"),
        (b"\x00", "hex"),
        (b"a\x00b", "hex"),
        (b"\xff\xfe", "hex"),
        (b"\x7f", "hex"),
        ("é".encode()[:1], "hex"),
    ],
)
def test_editable_form_picks_an_encoding_that_round_trips(data, encoding):
    form_encoding, text = editable_form(data)
    assert form_encoding == encoding
    assert encode_frame(text, form_encoding) == data


def test_editable_form_of_binary_is_spaced_hex():
    assert editable_form(b"\x00\x01\xff") == ("hex", "00 01 ff")


@settings(max_examples=300, deadline=None, database=None)
@given(st.binary(max_size=300) | st.text(max_size=100).map(str.encode))
def test_editable_form_round_trips_any_bytes(data):
    encoding, text = editable_form(data)
    assert encoding in ENCODINGS
    assert encode_frame(text, encoding) == data


@settings(max_examples=100, deadline=None, database=None)
@given(st.binary(max_size=200))
def test_hex_and_base64_views_encode_back(data):
    assert encode_frame(data.hex(" "), "hex") == data
    assert encode_frame(render(data, "base64")[0], "base64") == data


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=400), st.integers(min_value=8, max_value=60))
def test_frame_summary_is_one_short_line_for_any_bytes(data, limit):
    summary = frame_summary(data, limit)
    assert "\n" not in summary and "\r" not in summary
    # text: at most limit characters and the ellipsis; hex: "0x " and limit//2 bytes
    assert len(summary) <= max(limit + 1, 3 + 3 * (limit // 2) + 1, len("[empty]"))


# -- printable_text / auto_view --------------------------------------------------------------


def test_printable_text_refuses_control_characters_but_tab_and_newlines():
    assert printable_text(b"a\tb\nc\r") == "a\tb\nc\r"
    assert printable_text(b"a\x00b") is None
    assert printable_text(b"a\x1bb") is None
    assert printable_text(b"a\x7fb") is None
    assert printable_text(b"\xff") is None


def test_printable_text_cut_drops_only_a_character_split_at_the_end():
    data = "aé".encode()[:-1]  # 'a' plus the first byte of 'é'
    assert printable_text(data) is None
    assert printable_text(data, cut=True) == "a"
    # invalid bytes in the middle stay invalid even when cut
    assert printable_text(b"\xffabc", cut=True) is None


@pytest.mark.parametrize(
    "data, view",
    [
        (b'{"a": 1}', "json"),
        (b"  [1, 2, 3]", "json"),
        (b"{not json", "text"),
        (b"42", "text"),  # a bare number reads better as text
        (b'"quoted"', "text"),
        (b"hello world", "text"),
        (b"", "text"),
        (b"\x00\x01", "hex"),
        (b"\xff\xfe", "hex"),
        ("日本語".encode(), "text"),
    ],
)
def test_auto_view(data, view):
    assert auto_view(data) == view


def test_auto_view_of_large_frames_looks_at_the_head_only():
    big_text = b"x" * (DETAIL_LIMIT + 10) + b"\x00"  # the NUL is beyond the head
    assert auto_view(big_text) == "text"
    big_json = b"[" + b"1," * DETAIL_LIMIT + b"1]"
    assert auto_view(big_json) == "text"  # too large to parse on every selection


# -- hexdump / render ---------------------------------------------------------------------------


def test_hexdump_has_offset_hex_and_ascii_columns():
    dump = hexdump(bytes(range(0x41, 0x41 + 20)))
    lines = dump.split("\n")
    assert lines == [
        "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|",
        "00000010  51 52 53 54                                       |QRST|",
    ]


def test_hexdump_shows_unprintable_bytes_as_dots():
    assert hexdump(b"\x00a\xff\n") == ("00000000  00 61 ff 0a" + " " * 37 + "  |.a..|")
    assert hexdump(b"") == ""


def test_hexdump_columns_line_up():
    lines = hexdump(bytes(range(256))).split("\n")
    assert len(lines) == 16
    assert len({line.index("|") for line in lines}) == 1
    assert lines[-1].startswith("000000f0  f0 f1")


def test_render_each_view():
    data = b'{"temp": 21}'
    assert render(data, "text") == ('{"temp": 21}', None)
    assert render(data, "json") == ('{\n  "temp": 21\n}', None)
    assert render(data, "hex") == (hexdump(data), None)
    assert render(data, "base64") == (base64.b64encode(data).decode(), None)
    assert render(data, "auto") == render(data, "json")
    assert render(b"plain", "auto") == ("plain", None)
    assert render(b"\x00\x01", "auto") == (hexdump(b"\x00\x01"), None)


def test_render_json_keeps_unicode_readable():
    text, error = render('{"city":"Zürich"}'.encode(), "json")
    assert error is None and "Zürich" in text
    assert json.loads(text) == {"city": "Zürich"}


def test_render_text_of_invalid_utf8_says_where():
    text, error = render(b"ab\xffcd", "text")
    assert text == "ab\ufffdcd"
    assert error == "Not valid UTF-8 at byte 2; invalid bytes shown as \ufffd"


def test_render_json_of_non_json_falls_back_to_hex_with_the_reason():
    text, error = render(b"nope", "json")
    assert text == hexdump(b"nope")
    assert error.startswith("Not JSON (") and error.endswith("shown as hex")
    text, error = render(b"\xff", "json")
    assert text == hexdump(b"\xff") and error.startswith("Not JSON")


def test_render_unknown_view_is_a_programming_error():
    with pytest.raises(ValueError):
        render(b"x", "rot13")
    assert set(VIEWS) == {"auto", "text", "hex", "json", "base64"}


# -- frame_summary / message_summary ----------------------------------------------------------


def test_frame_summary_of_short_text_and_special_frames():
    assert frame_summary(b"") == "[empty]"
    assert frame_summary(b"Hello") == "Hello"
    assert frame_summary(b"\x00") == "0x 00"
    assert frame_summary(b"a\x00b") == "0x 61 00 62"
    assert frame_summary(b"\xff\xfe") == "0x ff fe"  # invalid UTF-8 shows as hex
    assert frame_summary(b"one\ntwo\tthree\r") == "one⏎two three"


def test_frame_summary_cuts_long_text_with_an_ellipsis():
    assert frame_summary(b"a" * 40) == "a" * 40
    assert frame_summary(b"a" * 41) == "a" * 40 + "…"
    assert frame_summary(b"a" * 10_000, limit=10) == "a" * 10 + "…"


def test_frame_summary_cuts_long_binary_with_an_ellipsis():
    assert frame_summary(bytes(20)) == "0x " + " ".join(["00"] * 20)
    assert frame_summary(bytes(21)) == "0x " + " ".join(["00"] * 20) + "…"


def test_frame_summary_with_a_multibyte_character_cut_at_the_limit():
    # 'é' is two bytes; the summary reads only limit*4 bytes, which splits the 81st 'é'
    data = "é".encode() * 200
    summary = frame_summary(data, limit=40)
    assert summary == "é" * 40 + "…"
    # the euro sign is three bytes: 160 bytes end in the middle of the 54th character
    assert frame_summary("€".encode() * 54) == "€" * 40 + "…"
    # exactly at the limit: characters, not bytes, count
    assert frame_summary(("a" * 39 + "é").encode()) == "a" * 39 + "é"
    assert frame_summary(("a" * 39 + "é" + "b").encode()) == "a" * 39 + "é…"


def test_frame_summary_of_a_frame_ending_in_a_broken_character_is_hex():
    data = "abc€".encode()[:-1]  # complete frame, not just a cut head: really invalid
    assert frame_summary(data).startswith("0x 61 62 63 e2 82")


def test_message_summary_joins_frames():
    assert message_summary([b"routing", b"", b"Hello"]) == "routing | [empty] | Hello"
    assert message_summary([b"\x00\x01", b"text"]) == "0x 00 01 | text"


def test_message_summary_of_hundreds_of_frames_stays_short():
    summary = message_summary([b"x"] * 500)
    assert summary.endswith("… +470 frames")
    assert len(summary) < 200
    assert summary.startswith("x | x | x")


def test_message_summary_with_long_frames_cuts_and_counts_the_rest():
    summary = message_summary([b"a" * 100] * 10)
    assert summary.count("…") >= 3 and "frames" in summary
    assert len(summary) <= 160


@pytest.mark.parametrize(
    "frames, socket_type, summary",
    [
        ([b"\x01weather"], "XPUB", "subscribe 'weather'"),
        ([b"\x00weather"], "XPUB", "unsubscribe 'weather'"),
        ([b"\x01"], "XPUB", "subscribe (everything)"),
        ([b"\x00"], "XPUB", "unsubscribe (everything)"),
        ([b"\x01\x00\xff"], "XSUB", "subscribe 0x 00 ff"),
        ([b"\x01weather"], "PUB", "0x 01 77 65 61 74 68 65 72"),  # only XPUB/XSUB decode
        ([b"\x02x"], "XPUB", "0x 02 78"),  # not a subscription
        ([b"\x01a", b"b"], "XPUB", "0x 01 61 | b"),  # multipart is data, not a subscription
    ],
)
def test_message_summary_decodes_xpub_subscriptions(frames, socket_type, summary):
    assert message_summary(frames, socket_type) == summary


def test_subscription_event_and_topic_text():
    assert subscription_event([b"\x01abc"]) == (True, b"abc")
    assert subscription_event([b"\x00"]) == (False, b"")
    assert subscription_event([b""]) is None
    assert subscription_event([b"abc"]) is None
    assert topic_text(b"") == "(everything)"
    assert topic_text(b"10001") == "'10001'"
    assert topic_text(b"\x00\xff") == "0x 00 ff"


@pytest.mark.parametrize(
    "size, text",
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (3 * 1024**3, "3.0 GiB"),
        (5000 * 1024**3, "5000.0 GiB"),
    ],
)
def test_human_size(size, text):
    assert human_size(size) == text
