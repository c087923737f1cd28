"""Frame decoders fuzzed: any bytes, and valid encodings cut, flipped or padded, read by every
decoder, every chain of a decompressor and a decoder, and the automatic guess.

The property is the one of every parser (tests/fuzz_support.py), for frames: a JSON-like
value (which ``zinspect decode`` can always print as strict JSON), or the raw bytes with a
reason in words; never an exception, never a hang. The other parsers are fuzzed in the
sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import cbor2
import lz4.frame
import msgpack
import zstandard
from fuzz_support import (
    ANY_CHAR,
    JSON_VALUES,
    assert_in_words,
    fuzz,
    mutated,
    outcome,
    refused,
    to_json_text,
)
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.frame_decoders import DECOMPRESSORS, decode_frame, guess
from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import json_ready
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SocketSpec, Workspace, WorkspaceError
from zinspect.core.workspace.parse import parse_workspace

SCHEMA = str(Path(__file__).parent / "fixtures" / "sensor.proto")
BUILT_IN = ["raw", "text", "json", "msgpack", "cbor", "protobuf", "protobuf-raw", "pickle"]
BUILT_IN += sorted(DECOMPRESSORS)
CHAINS = [f"{first}+{then}" for first in sorted(DECOMPRESSORS) for then in BUILT_IN]
COMPRESS = {
    "zlib": zlib.compress,
    "gzip": gzip.compress,
    "zstd": zstandard.ZstdCompressor().compress,
    "lz4": lz4.frame.compress,
}


def rule_for(name: str) -> DecodeRule:
    if "protobuf" in name.split("+"):
        return DecodeRule(name, schema=SCHEMA, message_type="demo.sensors.Sensor")
    return DecodeRule(name)


def assert_json_like(value: object) -> None:
    """Walked without recursion: a guessed JSON frame may nest a thousand deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert all(isinstance(key, str) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            assert item is None or isinstance(item, (bool, int, float, str, bytes)), type(item)


def check(data: bytes, name: str) -> None:
    frame = decode_frame(data, rule_for(name))
    if frame.error is not None:
        assert frame.value == data
        assert_in_words(DecodeError(frame.error))
    else:
        assert_json_like(frame.value)
    json.dumps(json_ready(frame.value), allow_nan=False)  # zinspect decode prints any of them


# encodings of JSON-like values by every library, then damaged
VALUES = JSON_VALUES.filter(lambda v: not isinstance(v, int) or abs(v) < 2**63)


@st.composite
def encoded(draw: st.DrawFn) -> bytes:
    value = draw(VALUES)
    how = draw(st.sampled_from(["msgpack", "cbor", "json"] + sorted(COMPRESS)))
    try:
        if how == "msgpack":
            data = msgpack.packb(value)
        elif how == "cbor":
            data = cbor2.dumps(value)
        elif how == "json":
            data = json.dumps(value).encode("utf-8", "surrogatepass")
        else:
            data = COMPRESS[how](msgpack.packb(value))
    except (ValueError, OverflowError, TypeError, RecursionError):
        data = b""
    return draw(damaged(data))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(st.sampled_from(["keep", "cut", "flip", "pad", "splice"]))
    if not data or how == "keep":
        return data
    at = draw(st.integers(0, len(data) - 1))
    if how == "cut":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    if how == "pad":
        return data + draw(st.binary(min_size=1, max_size=8))
    return data[:at] + draw(st.binary(max_size=8)) + data[at:]


FRAMES = st.binary(max_size=200) | encoded()


@fuzz(300)
@given(FRAMES, st.sampled_from(BUILT_IN))
@example(b"\xdd\xff\xff\xff\xff", "msgpack")  # four billion elements claimed
@example(b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", "cbor")
@example(b"\xd8\x1c\x81\xd8\x1d\x00", "cbor")  # a list that contains itself
@example(b"\x81" * 5000 + b"\x01", "cbor")
@example(b"\x91" * 5000 + b"\x01", "msgpack")
@example(b"\x0b" * 5000, "protobuf-raw")  # groups started five thousand deep
@example(b"(" * 5000 + b".", "pickle")
@example(b"L" + b"9" * 5000 + b"L\n.", "pickle")  # more digits than Python converts
@example(b"\x80\x05\x95\xff\xff\xff\xff\xff\xff\xff\x7f", "pickle")
@example(b"[" * 5000, "json")
def test_any_frame_read_by_any_decoder_is_a_value_or_a_reason(data, name):
    check(data, name)


@fuzz(200)
@given(FRAMES, st.sampled_from(CHAINS))
def test_any_frame_read_by_any_chain_is_a_value_or_a_reason(data, name):
    check(data, name)


@fuzz(300)
@given(FRAMES)
@example(b"\x90")
@example(b"\xde\xff\xff")
@example(b"\x9f" + b"\x91" * 3000)
def test_any_frame_guessed_is_a_json_like_value(data):
    frame = guess(data)
    assert frame.guessed and frame.error is None
    assert_json_like(frame.value)
    json.dumps(json_ready(frame.value), allow_nan=False)


@fuzz(100)
@given(st.lists(FRAMES, min_size=1, max_size=4))
def test_any_message_decodes_without_raising(frames):
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("msgpack", frame=1), DecodeRule("zstd+cbor", frame=2)])
    message = decoder.decode(frames, "s", "SUB")
    assert len(message.frames) == len(frames) and isinstance(message.summary, str)


# -- decode rules and Jupyter keys in workspaces --------------------------------------------------

SOCKET_WITH_RULES = {
    "name": "s",
    "type": "SUB",
    "decode": [
        {"topic": "sensors/", "frame": 2, "as": "zstd+msgpack"},
        {"frame": 3, "as": "protobuf", "schema": "pb/sensor.proto", "type": "pkg.Sensor"},
        {"as": "cbor"},
    ],
    "jupyter_key": "kernel-secret-key",
}


@fuzz(300)
@given(mutated(SOCKET_WITH_RULES))
def test_any_socket_with_rules_loads_or_is_refused_in_words_and_saves_back_the_same(entry):
    document = {"zinspect": 1, "sockets": [entry]}
    text = to_json_text(document)
    workspace = outcome(lambda: parse_workspace(text, "/nowhere"), WorkspaceError)
    if refused(workspace):
        return
    for error in workspace.invalid:
        assert_in_words(error)
        assert "kernel-secret-key" not in str(error)
    saved = dump_workspace(workspace)
    assert dump_workspace(parse_workspace(saved, "/nowhere")) == saved


RULES = st.builds(
    DecodeRule,
    st.sampled_from(["msgpack", "cbor", "gzip+json", "zstd", "protobuf-raw", "pickle"]),
    st.none() | st.text(ANY_CHAR, max_size=8),
    st.none() | st.integers(1, 1000),
)


@fuzz(200)
@given(st.lists(RULES, max_size=5))
def test_any_rules_dumped_and_parsed_are_the_same_rules(rules):
    rules = [rule for rule in rules if rule.topic is None or _encodable(rule.topic)]
    spec = SocketSpec("s", "SUB", decode=rules)
    text = dump_workspace(Workspace(sockets=[spec]))
    again = parse_workspace(text, "/nowhere")
    assert again.invalid == [] and again.sockets[0].decode == rules


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
