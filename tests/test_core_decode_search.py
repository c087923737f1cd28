"""The filter's decoded text: found where only decoding shows it, only where a rule (or a
recogniser) makes decoding worth it, and a scan past its deadline stops and resumes with the
same answer."""

from __future__ import annotations

import json
import time
from array import array

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.search_text import DecodedSearch, decoded_text
from zinspect.core.store import IN, Message, MessageStore
from zinspect.core.traffic_filter import TrafficFilter


def test_decoded_text_has_the_summary_keys_and_values():
    decoded = MessageDecoder().decode([b"t", b'{"a": {"b": ["caf\\u00e9", 2, null]}}'])
    lines = decoded_text(decoded).split("\n")
    assert lines[0] == decoded.summary
    assert lines[1:] == ["t", "a", "b", "café", "2", "null"]


def test_a_scan_past_its_deadline_resumes_with_the_same_matches():
    store = MessageStore()
    store.extend(
        Message(0.0, "s" if i % 2 else "other", IN, [json.dumps({"n": f"v\u00e9{i}"}).encode()])
        for i in range(3000)
    )
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("json")])
    matcher = TrafficFilter(text="vé1").compile()
    matcher.set_decoded(DecodedSearch(decoder, {}))
    first, rows = store.rows(store.first_seq, store.end_seq)
    whole = array("q")
    assert matcher.scan_rows(first, rows, whole, float("inf")) == len(rows)
    # "vé1…" is escaped in the raw JSON: only odd (rule) messages match, by their decoded text
    expected = [
        seq
        for seq in range(first, first + 3000)
        if (seq - first) % 2 and f"v\u00e9{seq - first}".startswith("vé1")
    ]
    assert list(whole) == expected
    pieces = array("q")
    seq = first
    slices = 0
    while seq < first + len(rows):
        done = matcher.scan_rows(seq, rows[seq - first :], pieces, time.monotonic() - 1)
        assert done >= 1
        seq += done
        slices += 1
    assert slices > 1 and list(pieces) == expected


def test_without_rules_a_message_no_protocol_claims_is_not_decoded_for_the_filter():
    decoder = MessageDecoder()
    search = DecodedSearch(decoder, {"r": "ROUTER"})
    assert search.text([b'{"a": 1}'], "s") is None  # its raw bytes say it all
    assert search.text([b"id", b"", b"hello"], "r") is None  # an envelope adds no text
    assert search.text([b"MDPC01", b"echo", b"hi"], "s") is not None  # a protocol does


def test_a_frame_over_the_rule_limit_is_left_raw_with_the_reason():
    from zinspect.core.decode.frame_decoders import RULE_DECODE_LIMIT

    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("json")])
    huge = b"[" + b"1," * RULE_DECODE_LIMIT + b"1]"
    frame = decoder.decode([huge], "s").frames[0]
    assert frame.value is huge
    assert frame.error.endswith("is too large to decode (the limit is 1 MiB)")


def test_a_message_of_many_frames_decodes_only_the_first_but_counts_them_all():
    frames = [b"f%d" % i for i in range(100_000)]
    decoded = MessageDecoder().decode(frames, max_frames=64)
    assert len(decoded.frames) == 64
    assert decoded.summary.startswith("f0 | f1 | f2")
    shown = decoded.summary.count(" | ")  # frames shown, then "… +N frames" for the rest
    assert decoded.summary.endswith(f"… +{100_000 - shown} frames")
    few = MessageDecoder().decode([b"a", b"b", b"c"], max_frames=2)
    assert few.summary == "a | b | … +1 frames"


def test_a_protocol_message_among_many_others_is_found_by_its_decoded_text():
    """The filter finds candidates by the recognisers' markers in bulk: a Majordomo request
    in the middle of a thousand plain messages is still found by its command's name, which
    is in no frame (the command is the byte 0x02)."""
    rows = [
        (0.0, "s", IN, len(text), text) for text in (b"plain message %d" % n for n in range(1000))
    ]
    request = (b"MDPW01", b"\x02", b"client-7", b"", b"echo this")
    rows[700] = (0.0, "s", IN, sum(map(len, request)), *request)
    matcher = TrafficFilter(text="REQUEST").compile()
    matcher.set_decoded(DecodedSearch(MessageDecoder(), {"s": "DEALER"}))
    found = array("q")
    assert matcher.scan_rows(0, rows, found, float("inf")) == 1000
    assert list(found) == [700]
