"""Recognisers fuzzed: messages that start like Jupyter, Bitcoin, Majordomo, a pyzmq log
record or a ZeroMQ envelope and then go wrong (a frame cut, a byte changed, a frame missing
or added, a JSON header changed in one place), and frames of any bytes on any socket type.

The property (tests/fuzz_support.py): ``match`` answers yes or no, and ``decode`` gives one
frame per frame or raises DecodeError in words; never another exception, never a hang. The
MessageDecoder over them never raises at all: it falls back to the frames as they are.
"""

from __future__ import annotations

import json

from bitcoin_samples import GENESIS_BLOCK, LEGACY_TX, SEGWIT_TX
from fuzz_support import (
    JSON_VALUES,
    assert_in_words,
    fuzz,
    mutated,
    outcome,
    refused,
    to_json_text,
)
from hypothesis import given
from hypothesis import strategies as st
from jupyter_client.session import Session

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.jupyter import hash_name, parse_connection_file
from zinspect.core.decode.recognisers import RECOGNISERS

KEY = b"fuzz-key"
SOCKET_TYPES = st.sampled_from(["", "ROUTER", "DEALER", "REQ", "REP", "SUB", "XSUB", "PULL"])


def jupyter_message(msg_type: str, content: object, ident: bytes | None) -> list[bytes]:
    session = Session(key=KEY)
    message = session.msg(msg_type, content=content)
    return session.serialize(message, ident=ident)


SEEDS = {
    "jupyter": [
        jupyter_message("execute_request", {"code": "1"}, b"client"),
        jupyter_message("status", {"execution_state": "busy"}, b"status"),
        jupyter_message("kernel_info_request", {}, None) + [b"\x00buffer"],
    ],
    "bitcoin": [
        [b"rawtx", LEGACY_TX, b"\x00\x00\x00\x00"],
        [b"rawtx", SEGWIT_TX, b"\x01\x00\x00\x00"],
        [b"rawblock", GENESIS_BLOCK, b"\x02\x00\x00\x00"],
        [b"hashtx", bytes(range(32)), b"\x03\x00\x00\x00"],
        [b"sequence", bytes(range(32)) + b"R" + bytes(8), b"\x04\x00\x00\x00"],
    ],
    "mdp": [
        [b"client", b"", b"MDPC01", b"echo", b"Hello"],
        [b"", b"MDPW01", b"\x02", b"\x00k\x8bEg", b"", b"body"],
        [b"worker", b"", b"MDPW01", b"\x01", b"echo"],
        [b"MDPW01", b"\x04"],
    ],
    "pyzmq-log": [[b"root.sub.WARNING.db", b"WARNING x.py:1 - full\n"], [b"INFO", b"ok\n"]],
    "envelope": [[b"\x00k\x8bEg", b"", b"Hello"], [b"id1", b"id2", b"", b"{}"], [b"", b"x"]],
}
ALL_SEEDS = [seed for seeds in SEEDS.values() for seed in seeds]


@st.composite
def broken(draw: st.DrawFn, frames: list[bytes]) -> list[bytes]:
    """``frames`` with one thing gone wrong: a frame cut, a byte changed or inserted, a
    frame replaced, dropped, doubled, or an empty one inserted."""
    frames = list(frames)
    index = draw(st.integers(0, len(frames) - 1))
    frame = frames[index]
    at = draw(st.integers(0, len(frame)))
    how = draw(
        st.sampled_from(["cut", "byte", "insert", "replace", "drop", "double", "empty", "append"])
    )
    if how == "cut":
        frames[index] = frame[:at]
    elif how == "byte" and frame:
        at = min(at, len(frame) - 1)
        frames[index] = frame[:at] + bytes([draw(st.integers(0, 255))]) + frame[at + 1 :]
    elif how == "insert":
        frames[index] = frame[:at] + draw(st.binary(min_size=1, max_size=9)) + frame[at:]
    elif how == "replace":
        frames[index] = draw(st.binary(max_size=40))
    elif how == "drop":
        del frames[index]
    elif how == "double":
        frames.insert(index, frame)
    elif how == "empty":
        frames.insert(index, b"")
    else:
        frames.append(draw(st.binary(max_size=12)))
    return frames


class Keys:
    def __init__(self, key: bytes | None) -> None:
        self.key = key

    def jupyter_key(self, socket: str) -> bytes | None:
        return self.key

    def jupyter_scheme(self, socket: str) -> str:
        return "hmac-sha256"


def check_every_recogniser(frames: list[bytes], socket_type: str, key: bytes | None) -> None:
    for recogniser in RECOGNISERS:
        if not recogniser.match(frames, socket_type):
            continue
        result = outcome(
            lambda r=recogniser: r.decode(frames, "s", socket_type, Keys(key)), DecodeError
        )
        if refused(result):
            continue
        recognition, decoded = result
        assert isinstance(recognition, Recognition) and recognition.protocol
        assert isinstance(recognition.summary, str)
        assert len(decoded) == len(frames) and all(isinstance(f, DecodedFrame) for f in decoded)
        json.dumps(recognition.fields, default=repr)  # JSON-like, printable by the CLI
    decoder = MessageDecoder()
    decoder.set_jupyter_key("s", key)
    message = decoder.decode(frames, "s", socket_type)
    assert len(message.frames) == len(frames)


@fuzz(300)
@given(st.sampled_from(ALL_SEEDS).flatmap(broken), SOCKET_TYPES, st.sampled_from([None, KEY]))
def test_a_message_that_starts_like_a_protocol_and_goes_wrong_is_refused_in_words(
    frames, socket_type, key
):
    check_every_recogniser(frames, socket_type, key)


@fuzz(100)
@given(st.sampled_from(ALL_SEEDS).flatmap(broken).flatmap(broken), SOCKET_TYPES)
def test_two_things_wrong_at_once(frames, socket_type):
    check_every_recogniser(frames, socket_type, KEY)


@fuzz(150)
@given(st.lists(st.binary(max_size=40) | st.sampled_from([b"", b"<IDS|MSG>", b"MDPW01",
       b"MDPC01", b"rawtx", b"INFO", b"\x02"]), max_size=12), SOCKET_TYPES)  # fmt: skip
def test_any_frames_on_any_socket(frames, socket_type):
    check_every_recogniser(frames, socket_type, KEY)


@st.composite
def jupyter_with_a_bad_dict(draw: st.DrawFn) -> list[bytes]:
    """A signed Jupyter message whose header, parent, metadata or content was changed in
    one place (so still JSON, but not what the spec says), or is any JSON value at all."""
    frames = list(draw(st.sampled_from(SEEDS["jupyter"])))
    start = frames.index(b"<IDS|MSG>") + 2
    which = start + draw(st.integers(0, 3))
    document = json.loads(frames[which])
    value = draw(mutated(document) | JSON_VALUES)
    frames[which] = to_json_text(value).encode("utf-8", "surrogatepass")
    return frames


@fuzz(200)
@given(jupyter_with_a_bad_dict(), st.sampled_from([None, KEY, b"other"]))
def test_a_jupyter_message_with_a_strange_dict(frames, key):
    check_every_recogniser(frames, "ROUTER", key)


def test_refusals_are_in_words():
    """One refusal of each recogniser read as a sentence (the fuzz tests check them all)."""
    bad = {
        "jupyter": [b"<IDS|MSG>", b"", b"[]", b"{}", b"{}", b"{}"],
        "bitcoin": [b"rawtx", b"\x01\x00", b"\x00\x00\x00\x00"],
        "mdp": [b"MDPW01", b"\x07"],
        "pyzmq-log": [b"x.INFO", b"\xff"],
    }
    for recogniser in RECOGNISERS:
        if recogniser.name not in bad:
            continue
        frames = bad[recogniser.name]
        assert recogniser.match(frames, "")
        try:
            recogniser.decode(frames, "s", "", Keys(None))
        except DecodeError as error:
            assert_in_words(error)
        else:
            raise AssertionError(f"{recogniser.name} accepted {frames!r}")


@fuzz(150)
@given(
    JSON_VALUES.map(lambda value: {"key": value, "signature_scheme": "hmac-sha256"})
    | JSON_VALUES.map(lambda value: {"key": "k", "signature_scheme": value})
    | JSON_VALUES
)
def test_any_connection_file_is_a_key_or_refused_in_words(document):
    data = to_json_text(document).encode("utf-8", "surrogatepass")
    result = outcome(lambda: parse_connection_file(data), DecodeError)
    assert refused(result) or (isinstance(result[0], bytes) and hash_name(result[1]))
