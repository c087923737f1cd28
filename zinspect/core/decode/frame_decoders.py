"""The frame decoders by name, and the automatic guess used where no rule chooses one.

A decoder is a function from a frame's bytes (and the rule that chose it, for options such as
a protobuf schema) to a JSON-like value; it raises DecodeError with a one-line reason, never
anything else, whatever the bytes. ``DECODERS`` maps the names used in workspaces and on the
command line to them; plugins add theirs at load (core.decode.plugins).

A rule's decoder may be a chain of names joined by ``+`` (``zstd+msgpack``, ``gzip+json``):
each step reads what the one before gave, which must be bytes (the decompressors give
bytes). A chain that ends with a decompressor, like a decompressor alone, has the bytes it
gave guessed. docs/decoders.md describes every decoder and its limits.
"""

from __future__ import annotations

from collections.abc import Callable

from zinspect.core.codecs import DETAIL_LIMIT, frame_size, parse_json, printable_text
from zinspect.core.decode.cbor_decoder import decode_cbor
from zinspect.core.decode.compression import decode_gzip, decode_lz4, decode_zlib, decode_zstd
from zinspect.core.decode.model import DecodedFrame, DecodeError, DecodeRule
from zinspect.core.decode.msgpack_decoder import decode_msgpack, guess_msgpack
from zinspect.core.decode.pickle_decoder import decode_pickle
from zinspect.core.decode.protobuf_raw import decode_protobuf_raw
from zinspect.core.decode.protobuf_schema import decode_protobuf

FrameDecoder = Callable[[bytes, DecodeRule], object]
# Larger frames are not decoded even by a rule: parsing 1 MiB of JSON takes ~0.1 s, and a
# table row or the Message pane must not freeze the window for a peer's 100 MiB frame.
RULE_DECODE_LIMIT = 1024 * 1024


def decode_text(data: bytes, rule: DecodeRule) -> object:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})"
        ) from None


def decode_json(data: bytes, rule: DecodeRule) -> object:
    try:
        return parse_json(data)
    except ValueError as error:
        raise DecodeError(f"not JSON ({error})") from None


def decode_raw(data: bytes, rule: DecodeRule) -> object:
    return data


DECODERS: dict[str, FrameDecoder] = {
    "raw": decode_raw,
    "text": decode_text,
    "json": decode_json,
    "msgpack": decode_msgpack,
    "cbor": decode_cbor,
    "protobuf": decode_protobuf,
    "protobuf-raw": decode_protobuf_raw,
    "pickle": decode_pickle,
    "zlib": decode_zlib,
    "gzip": decode_gzip,
    "zstd": decode_zstd,
    "lz4": decode_lz4,
}
# Decoders that give bytes for another decoder: alone or last in a chain, their bytes are
# guessed. Plugins cannot join this set.
DECOMPRESSORS = frozenset({"zlib", "gzip", "zstd", "lz4"})
# Decoders that read nothing without a schema file and a message type, by exact name:
# "protobuf-raw" reads any protobuf message without one.
SCHEMA_DECODERS: set[str] = {"protobuf"}
CHAIN_SEPARATOR = "+"
MAX_CHAIN = 8  # steps in one chain


def chain_steps(name: str) -> list[str]:
    """The decoder names of a rule's decoder (one name, or a chain joined by ``+``)."""
    return [step.strip() for step in name.split(CHAIN_SEPARATOR)]


def decoder_problem(name: str) -> str | None:
    """Why ``name`` is no decoder or chain of decoders, in words; None when it is one."""
    steps = chain_steps(name)
    if len(steps) > MAX_CHAIN:
        return f"a chain of at most {MAX_CHAIN} decoders, got {len(steps)}"
    for index, step in enumerate(steps):
        if not step:
            return f"an empty decoder name in {name!r} (chains are written like zstd+msgpack)"
        if step not in DECODERS:
            known = ", ".join(sorted(DECODERS))
            return f"no decoder named {step!r}; the decoders are {known}"
        if index < len(steps) - 1 and step not in DECOMPRESSORS:
            return (
                f"{step!r} gives no bytes for {steps[index + 1]!r}: only a decompressor "
                f"({', '.join(sorted(DECOMPRESSORS))}) may come before another decoder"
            )
    return None


def guess(data: bytes) -> DecodedFrame:
    """The automatic choice: JSON for an object or array, a msgpack map or array that is the
    whole frame, UTF-8 text when printable, else the raw bytes. Cheap on a frame that is none
    of them: the first byte rules JSON and msgpack out before anything is parsed."""
    if data[:1] in (b"{", b"[") and len(data) <= DETAIL_LIMIT:
        try:
            return DecodedFrame("json", parse_json(data), guessed=True)
        except ValueError:
            pass
    if len(data) <= DETAIL_LIMIT:
        value = guess_msgpack(data)
        if value is not None:
            return DecodedFrame("msgpack", value, guessed=True)
    # a huge text frame is read as the text of its head, as the raw views show it
    text = printable_text(data[:DETAIL_LIMIT], cut=len(data) > DETAIL_LIMIT)
    if text is not None:
        return DecodedFrame("text", text, guessed=True)
    return DecodedFrame("raw", data, guessed=True)


def decode_frame(data: bytes, rule: DecodeRule | None) -> DecodedFrame:
    """``data`` read by the rule's decoder (or chain), or guessed when there is no rule. A
    failing decoder gives the raw bytes and its reason; an unknown decoder name is such a
    failure."""
    if rule is None:
        return guess(data)
    name = rule.decoder
    size = frame_size(data)  # (a table cell's frame may be the head of a longer one)
    if size > RULE_DECODE_LIMIT and decoder_problem(name) is None:
        reason = f"{size:,} bytes is too large to decode (the limit is 1 MiB)"
        return DecodedFrame(name, data, error=reason)
    steps = chain_steps(name)
    if len(steps) == 1 and name in DECODERS:  # the common case, without the chain checks
        return _step(data, rule, name, DECODERS[name])
    problem = decoder_problem(name)
    if problem is not None:
        if len(steps) == 1:
            problem = f"no decoder named {name!r}"
        return DecodedFrame(name, data, error=problem)
    value: object = data
    for index, step in enumerate(steps):
        if not isinstance(value, bytes):  # never: decoder_problem lets only decompressors
            return DecodedFrame(name, data, error=f"{steps[index - 1]} gave no bytes")
        try:
            value = DECODERS[step](value, rule)
        except DecodeError as error:
            where = f"after {'+'.join(steps[:index])}: " if index else ""
            return DecodedFrame(name, data, error=f"{where}{error}")
    if steps[-1] in DECOMPRESSORS and isinstance(value, bytes):
        guessed = guess(value)
        return DecodedFrame(f"{name}+{guessed.decoder}", guessed.value, error=guessed.error)
    return DecodedFrame(name, value)


def _step(data: bytes, rule: DecodeRule, name: str, decoder: FrameDecoder) -> DecodedFrame:
    try:
        value = decoder(data, rule)
    except DecodeError as error:
        return DecodedFrame(name, data, error=str(error))
    if name in DECOMPRESSORS and isinstance(value, bytes):
        guessed = guess(value)
        return DecodedFrame(f"{name}+{guessed.decoder}", guessed.value)
    return DecodedFrame(name, value)
