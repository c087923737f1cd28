"""The text filter reads a guessed msgpack frame the cheap way (the library alone, in C)
and still finds exactly what it found before: the same text for every kind of frame, a
match inside the decoded msgpack found, a non-match not, and a recognised protocol message
among msgpack rows still found by its decoded words."""

from __future__ import annotations

import json
import math
from array import array

import msgpack
import pytest

from zinspect.core.decode.decoder import MessageDecoder, value_text
from zinspect.core.decode.model import DecodedFrame, DecodedMessage
from zinspect.core.decode.msgpack_decoder import guess_msgpack
from zinspect.core.decode.search_text import DecodedSearch, decoded_text, guessed_msgpack_text
from zinspect.core.store import IN
from zinspect.core.traffic_filter import TrafficFilter

FRAMES = [
    msgpack.packb({"ok": True, "seq": 7, "temp": 21.5, "name": 'caf\u00e9 "q"\n\\'}),
    msgpack.packb([1, -2, 3.25, None, False, "x", b"\x00\xffbytes", [], {}]),
    msgpack.packb({"nan": math.nan, "inf": -math.inf, "big": 2**63, "neg": -(2**63)}),
    msgpack.packb({1: "int key", 2.5: "float key", None: "nil"}),  # keys walked to text
    msgpack.packb({True: "bool", math.inf: "inf"}),
    msgpack.packb({b"bin key": 1, "k": b"v"}),  # bytes key: no JSON for it
    msgpack.packb({"1": "text one", 1: "int one"}),  # two keys that read alike
    msgpack.packb({(1, 2): "array key"}),  # a key Python cannot hash
    msgpack.packb([msgpack.ExtType(5, b"ext data")]),
    msgpack.packb({"at": msgpack.Timestamp(1_700_000_000, 5)}),
    msgpack.packb({"deep": [[[{"k": [1]}]]]}),
    b"\x91" * 100 + b"\x01",  # 100 arrays deep: read
    b"\x91" * 101 + b"\x01",  # 101 deep: refused in words, so no text
    msgpack.packb([{"a": n} for n in range(150)]),  # more container bytes than the depth
    msgpack.packb({"a": 1}) + b"\x00",  # bytes after the value
    b"\x82\xa1a",  # ends in the middle
    b"\x81\xa2\xff\xfe\x01",  # a key that is no UTF-8
    b"\x9f\xc1" + b"\x00" * 20,  # 0xc1 starts no msgpack value
    b"\x81\xa1k" + msgpack.packb("v" * 300),
]


def _walked_text(frame: bytes) -> str | None:
    """What the filter searched before: the whole guess (``plain``'s walk), then JSON."""
    value = guess_msgpack(frame)
    if value is None:
        return None
    try:
        return json.dumps(value, ensure_ascii=False, default=_hex)
    except (TypeError, ValueError):
        decoded = DecodedFrame("msgpack", value, guessed=True)
        return decoded_text(DecodedMessage((decoded,), summary=value_text(value)))


def _hex(value: object) -> str:
    if isinstance(value, bytes):
        return "0x" + value[:16].hex()
    raise TypeError(type(value).__name__)


@pytest.mark.parametrize("frame", FRAMES, ids=range(len(FRAMES)))
def test_the_cheap_reading_gives_the_text_the_whole_guess_gave(frame):
    assert guessed_msgpack_text([frame]) == _walked_text(frame)


def test_a_word_inside_msgpack_is_found_and_a_word_in_none_is_not():
    rows = []
    for n in range(2000):
        data = msgpack.packb({"host": f"edge-{n % 5}", "seq": n, "ok": n % 3 != 0})
        rows.append((float(n), "s", IN, len(data), data))

    def found(text: str) -> list[int]:
        matcher = TrafficFilter(text=text).compile()
        matcher.set_decoded(DecodedSearch(MessageDecoder(), {}))
        out = array("q")
        assert matcher.scan_rows(0, rows, out, float("inf")) == len(rows)
        return list(out)

    assert found('"seq": 1234,') == [1234]  # only in the decoded text: 1234 is two bytes raw
    assert found("EDGE-3") == [n for n in range(2000) if n % 5 == 3]
    assert found('"ok": false') == [n for n in range(2000) if n % 3 == 0]
    assert found("edge-9") == []
    assert found('"seq": 2000') == []


def test_a_protocol_message_among_msgpack_rows_is_still_found_by_its_words():
    """Rows holding no recogniser's marker skip the recognisers; a Majordomo request (its
    command is the byte 0x02, "REQUEST" is in no frame) still reads as one."""
    rows: list[tuple[object, ...]] = []
    for n in range(1000):
        data = msgpack.packb({"n": n})
        rows.append((0.0, "s", IN, len(data), data))
    request = (b"MDPW01", b"\x02", b"client-7", b"", msgpack.packb({"n": "request body"}))
    rows[600] = (0.0, "s", IN, sum(map(len, request)), *request)
    matcher = TrafficFilter(text="REQUEST").compile()
    matcher.set_decoded(DecodedSearch(MessageDecoder(), {"s": "DEALER"}))
    found = array("q")
    assert matcher.scan_rows(0, rows, found, float("inf")) == len(rows)  # type: ignore[arg-type]
    assert list(found) == [600]
