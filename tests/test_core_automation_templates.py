"""The send templates a user writes in a frame: padding, choices, letters, binary integers,
random bytes and raw UUIDs; a bad one is refused in words before anything runs."""

from __future__ import annotations

import struct
import uuid

import pytest

from zinspect.core.automation.templates import check_template, compile_template, render_frames


def render(text: str, seq: int = 0, received=()) -> bytes:
    return render_frames([compile_template(text, frames=bool(received))], seq, received)[0]


def test_format_specs_pad_and_shape_numbers():
    assert render("id {seq:05d}", 42) == b"id 00042"
    assert render("{seq:x}", 255) == b"ff"
    for _ in range(50):
        value = render("{rand:0:99999:05d}")
        assert len(value) == 5 and value.isdigit()
    assert render("{rand:7:7}") == b"7"
    assert b"." in render("{time:.3f}")


def test_choices_and_letters_come_from_their_set():
    seen = {render("{choice:red|green|blue}") for _ in range(200)}
    assert seen == {b"red", b"green", b"blue"}
    letters = {render("{letter}") for _ in range(300)}
    assert letters <= {bytes([c]) for c in range(ord("A"), ord("Z") + 1)} and len(letters) > 10


@pytest.mark.parametrize(
    ("text", "seq", "expected"),
    [
        ("{u8:seq}", 7, b"\x07"),
        ("{u8:seq}", 257, b"\x01"),  # wraps at the width
        ("{u16le:seq}", 0x0102, b"\x02\x01"),
        ("{u16be:seq}", 0x0102, b"\x01\x02"),
        ("{u32le:seq}", 5, struct.pack("<I", 5)),
        ("{u32be:seq}", 5, struct.pack(">I", 5)),
        ("{u64be:seq}", 123456789, struct.pack(">Q", 123456789)),
        ("{u64le:seq}", 3, struct.pack("<Q", 3)),
        ("{u16:seq}", 1, b"\x00\x01"),  # big-endian unless said
        ("{u32le:1000}", 0, struct.pack("<I", 1000)),
        ("KEY{u8:2}", 0, b"KEY\x02"),
    ],
)
def test_binary_integers_have_their_width_and_byte_order(text, seq, expected):
    assert render(text, seq) == expected


def test_random_bytes_and_raw_uuids_have_their_size():
    first, second = render("{bytes:16}"), render("{bytes:16}")
    assert len(first) == 16 and first != second
    raw = render("{uuid:bytes}")
    assert len(raw) == 16 and uuid.UUID(bytes=raw).version == 4
    assert uuid.UUID(render("{uuid}").decode()).version == 4


def test_reply_templates_copy_received_frames():
    received = [b"MDPC01", b"\xff\x00", "café".encode()]
    assert render("{frame:1}", received=received) == b"\xff\x00"
    assert render("{frame:1:hex}", received=received) == b"ff00"
    assert render("<{frame:2:text}>", received=received) == "<café>".encode()
    assert render("{frame:9}", received=received) == b""  # not there: empty


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{seq:zz}", "{seq:zz}: 'zz' is not a format such as 05d, x or .3f"),
        ("{rand:0:9:q}", "{rand:0:9:q}: 'q' is not a format such as 05d, x or .3f"),
        ("{u8:300}", "{u8:300}: 300 does not fit in 8 bits (0 to 255)"),
        (
            "{u32le:next}",
            "{u32le:next}: write seq or a whole number after the colon, e.g. {u32le:seq}",
        ),
        ("{bytes:0}", "{bytes:0}: write {bytes:N} with N from 1 to 65,536"),
        ("{bytes:99999999}", "{bytes:99999999}: write {bytes:N} with N from 1 to 65,536"),
        ("{choice:}", "{choice:…}: list the choices, e.g. {choice:red|green|blue}"),
        ("{frame:1}", "{frame:1}: only a reply has received frames to copy; use it in a rule"),
    ],
)
def test_bad_templates_are_refused_in_words(text, message):
    assert check_template(text) == message


def test_frame_placeholders_are_checked_in_replies_too():
    assert check_template("{frame:x}", frames=True) == (
        "{frame:x}: write {frame:N}, {frame:N:text} or {frame:N:hex}"
    )
    assert check_template("{frame:3:text}", frames=True) == ""
    assert check_template("{u24:seq}").startswith("unknown placeholder {u24:seq}")
