"""Frame decoders against the real libraries' encoders: msgpack, CBOR, protobuf with and
without a schema, pickle disassembly, decompression and chains; failures are reasons."""

from __future__ import annotations

import datetime
import gzip
import pickle
import struct
import zlib
from pathlib import Path

import cbor2
import lz4.frame
import msgpack
import pytest
import zstandard

from zinspect.core.decode.compression import MAX_OUTPUT
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.frame_decoders import decode_frame, decoder_problem, guess
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.protobuf_schema import message_class

FIXTURES = Path(__file__).parent / "fixtures"
SENSOR_PROTO = str(FIXTURES / "sensor.proto")


def read(data: bytes, decoder: str, **rule: object):
    return decode_frame(data, DecodeRule(decoder, **rule))  # type: ignore[arg-type]


def test_msgpack_maps_with_any_keys_ext_types_and_timestamps_read_as_json_like_values():
    data = msgpack.packb(
        {
            "name": "t1",
            1: [1.5, None, True],
            b"\x00": msgpack.ExtType(5, b"ab"),
            "at": msgpack.Timestamp(0, 0),
        }
    )
    frame = read(data, "msgpack")
    assert frame.error is None and not frame.guessed
    assert frame.value == {
        "name": "t1",
        "1": [1.5, None, True],
        "0x00": {"ext": 5, "data": b"ab"},
        "at": {"timestamp": "1970-01-01T00:00:00+00:00"},
    }


def test_a_msgpack_header_claiming_billions_of_elements_is_refused_before_allocating():
    frame = read(b"\xdd\xff\xff\xff\xff", "msgpack")
    assert frame.error == "not msgpack (a length in it is larger than the frame)"
    assert frame.value == b"\xdd\xff\xff\xff\xff"
    assert read(msgpack.packb([1]) + b"\x00", "msgpack").error == (
        "not one msgpack value: 1 byte is left after it"
    )


def test_cbor_tags_are_shown_as_tags_not_turned_into_objects():
    when = datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
    data = cbor2.dumps({"at": when, "ids": {1, 2}, 7: cbor2.CBORTag(4242, "x"), "b": b"\x01"})
    assert read(data, "cbor").value == {
        "at": {"tag": 0, "value": "2024-01-02T00:00:00Z"},
        "ids": {"tag": 258, "value": [1, 2]},
        "7": {"tag": 4242, "value": "x"},
        "b": b"\x01",
    }


def test_cbor_shared_references_cannot_make_a_value_contain_itself():
    frame = read(b"\xd8\x1c\x81\xd8\x1d\x00", "cbor")  # a list that contains itself
    assert frame.value == {"tag": 28, "value": [{"tag": 29, "value": 0}]}


def test_cbor_failures_are_reasons():
    assert read(b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff", "cbor").error == (
        "not CBOR: the frame ends in the middle of a value"
    )
    assert "nesting depth" in read(b"\x81" * 300 + b"\x01", "cbor").error
    assert read(cbor2.dumps(1) + b"\x01", "cbor").error == (
        "not one CBOR value: 1 byte is left after it"
    )


def sensor_bytes() -> bytes:
    rule = DecodeRule("protobuf", schema=SENSOR_PROTO, message_type="demo.sensors.Sensor")
    sensor = message_class(rule)(name="t1", value=21.5, samples=[3, 4], raw=b"\x00\x01")
    sensor.location.room = "lab"
    sensor.taken.seconds = 60
    return sensor.SerializeToString()


def test_protobuf_with_a_proto_schema_shows_field_names():
    frame = read(
        sensor_bytes(), "protobuf", schema=SENSOR_PROTO, message_type="demo.sensors.Sensor"
    )
    assert frame.error is None
    assert frame.value == {
        "name": "t1",
        "value": 21.5,
        "samples": [3, 4],
        "location": {"room": "lab"},
        "raw": "AAE=",
        "taken": "1970-01-01T00:01:00Z",
    }


def test_protobuf_with_a_descriptor_set_file(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "sensor.desc"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"--proto_path={FIXTURES}",
            f"--proto_path={Path(__import__('grpc_tools').__file__).parent / '_proto'}",
            f"--descriptor_set_out={out}",
            "--include_imports",
            SENSOR_PROTO,
        ],
        check=True,
    )
    frame = read(sensor_bytes(), "protobuf", schema=str(out), message_type="demo.sensors.Sensor")
    assert frame.value["location"] == {"room": "lab"}


def test_protobuf_problems_are_one_line_reasons(tmp_path):
    bad = tmp_path / "bad.proto"
    bad.write_text('syntax = "proto3";\nmessage X { strin a = 1; }\n')
    frame = read(b"", "protobuf", schema=str(bad), message_type="X")
    assert frame.error.startswith("the schema does not compile: ")
    assert '"strin" is not defined' in frame.error and "\n" not in frame.error
    wrong_type = read(b"", "protobuf", schema=SENSOR_PROTO, message_type="demo.Nope")
    assert wrong_type.error == "the schema has no message type 'demo.Nope'"
    junk = read(b"\xff\xff", "protobuf", schema=SENSOR_PROTO, message_type="demo.sensors.Sensor")
    assert junk.error == "not a demo.sensors.Sensor message"
    missing = read(b"", "protobuf", schema=str(tmp_path / "gone.proto"), message_type="X")
    assert missing.error.startswith("cannot read the schema") and "No such file" in missing.error
    garbage = tmp_path / "x.desc"
    garbage.write_bytes(b"\xff\xff\xff")
    not_a_set = read(b"", "protobuf", schema=str(garbage), message_type="X")
    assert not_a_set.error.startswith(f"{garbage} is no descriptor set")
    no_type = read(b"", "protobuf", schema=SENSOR_PROTO)
    assert no_type.error.startswith('protobuf needs a "type"')


def test_a_fixed_schema_is_compiled_again_once_it_changed(tmp_path):
    proto = tmp_path / "s.proto"
    proto.write_text('syntax = "proto3";\nmessage X { strin a = 1; }\n')
    assert read(b"", "protobuf", schema=str(proto), message_type="X").error
    proto.write_text('syntax = "proto3";\nmessage X { string a = 1; }\n')
    import os

    os.utime(proto, ns=(1, 10**18))  # a new modification time, whatever the clock's grain
    assert read(b"\x0a\x02hi", "protobuf", schema=str(proto), message_type="X").value == {"a": "hi"}


def test_protobuf_raw_shows_fields_by_number_with_nested_messages_guessed():
    assert read(sensor_bytes(), "protobuf-raw").value == {
        "1": "t1",
        "2": int.from_bytes(struct.pack("<d", 21.5), "little"),  # a double is a fixed64
        "3": b"\x03\x04",  # packed repeated: the bytes (they parse as no message)
        "4": {"1": "lab"},
        "5": b"\x00\x01",
        "6": {"1": 60},
    }
    assert read(b"\x08\x01\x08\x02", "protobuf-raw").value == {"1": [1, 2]}
    assert read(b"\x0a\x05ab", "protobuf-raw").error == (
        "not protobuf wire format (length past the end)"
    )


def test_pickle_is_disassembled_never_loaded():
    class Boom:
        def __reduce__(self):
            return (print, ("never printed",))

    frame = read(pickle.dumps(Boom()), "pickle")
    assert "builtins" in frame.value and "print" in frame.value and "STOP" in frame.value
    assert read(b"junk", "pickle").error.startswith("not a whole pickle (")


@pytest.mark.parametrize(
    "name, compress",
    [
        ("zlib", zlib.compress),
        ("gzip", gzip.compress),
        ("zstd", zstandard.ZstdCompressor().compress),
        ("lz4", lz4.frame.compress),
    ],
)
def test_decompressors_feed_the_next_decoder_or_the_guess(name, compress):
    packed = compress(msgpack.packb({"a": [1, 2]}))
    chained = read(packed, f"{name}+msgpack")
    assert (chained.decoder, chained.value, chained.error) == (
        f"{name}+msgpack",
        {"a": [1, 2]},
        None,
    )
    alone = read(compress(b'{"ok": true}'), name)
    assert (alone.decoder, alone.value) == (f"{name}+json", {"ok": True})
    cut = read(packed[:-3], f"{name}+msgpack")
    assert cut.value == packed[:-3] and cut.error.startswith(("not whole", f"not {name}"))
    after = read(compress(b"\xc1"), f"{name}+msgpack")
    assert after.error == f"after {name}: not msgpack (a byte in it starts no msgpack value)"


@pytest.mark.parametrize(
    "name, compress",
    [
        ("zlib", zlib.compress),
        ("gzip", gzip.compress),
        ("zstd", zstandard.ZstdCompressor().compress),
        ("lz4", lz4.frame.compress),
    ],
)
def test_a_decompression_bomb_stops_at_the_cap(name, compress):
    bomb = compress(bytes(MAX_OUTPUT * 4))
    frame = read(bomb, name)
    assert frame.error == f"{name} data expands to more than 16 MiB: stopped there"
    assert frame.value == bomb


def test_chains_are_checked_in_words():
    assert decoder_problem("zstd+msgpack") is None
    assert decoder_problem("msgpack+json").startswith("'msgpack' gives no bytes for 'json'")
    assert decoder_problem("zstd+").startswith("an empty decoder name")
    assert decoder_problem("yaml").startswith("no decoder named 'yaml'; the decoders are ")
    assert read(b"x", "msgpack+json").error.startswith("'msgpack' gives no bytes")


def test_a_msgpack_map_is_guessed_only_when_it_is_the_whole_frame():
    assert guess(msgpack.packb({"t": 21.5})) == guess(msgpack.packb({"t": 21.5}))
    frame = guess(msgpack.packb({"t": 21.5}))
    assert (frame.decoder, frame.value, frame.guessed) == ("msgpack", {"t": 21.5}, True)
    assert guess(msgpack.packb([1, 2]) + b"\x00").decoder == "raw"
    assert guess(b"\x90").decoder == "raw"  # one byte is not worth calling a list
    assert guess(msgpack.packb("text")).decoder != "msgpack"  # only maps and arrays


def test_the_message_decoder_uses_a_chain_rule_for_its_frame():
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("gzip+json", frame=2)])
    message = decoder.decode([b"topic", gzip.compress(b"[1]")], "s")
    assert [frame.value for frame in message.frames] == ["topic", [1]]
    assert message.summary == "topic | [1]"
