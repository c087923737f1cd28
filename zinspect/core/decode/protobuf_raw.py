"""Protocol Buffers without a schema: the wire format's fields by number, like
``protoc --decode_raw``.

Every field is a number, a wire type and a value: varints as integers, fixed 32 and 64-bit
values as unsigned integers, length-delimited values as a nested message when their bytes
parse as one, else as text when they are printable UTF-8, else as bytes. A field seen more
than once becomes a list. Hand-written (protobuf's library needs a schema) and small; the
nesting guessed is limited to MAX_DEPTH and the work to MAX_FIELDS fields.
"""

from __future__ import annotations

from zinspect.core.codecs import printable_text
from zinspect.core.decode.model import DecodeError, DecodeRule

MAX_DEPTH = 32
MAX_FIELDS = 100_000  # fields read, nested guesses that failed included
MAX_INPUT = 1 << 20  # a schema-less guess is costly in pure Python: 1 MiB at most

VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5


class _NotMessageError(Exception):
    """These bytes are no protobuf message (a nested guess falls back to text or bytes)."""


class _Reader:
    def __init__(self) -> None:
        self.work = 0

    def message(
        self, data: bytes, start: int, end: int, depth: int, group: int | None
    ) -> tuple[dict[str, object], int]:
        """The fields in data[start:end] (or up to the end of ``group``); where it stopped."""
        fields: dict[str, object] = {}
        at = start
        while at < end:
            key, at = _varint(data, at, end)
            number, wire = key >> 3, key & 7
            if number == 0:
                raise _NotMessageError("field number 0")
            self.work += 1
            if self.work > MAX_FIELDS:
                raise DecodeError(f"more than {MAX_FIELDS:,} fields: not shown")
            value: object
            if wire == VARINT:
                value, at = _varint(data, at, end)
            elif wire == I64 or wire == I32:
                width = 8 if wire == I64 else 4
                if at + width > end:
                    raise _NotMessageError("cut fixed-width value")
                value = int.from_bytes(data[at : at + width], "little")
                at += width
            elif wire == LEN:
                length, at = _varint(data, at, end)
                if length > end - at:
                    raise _NotMessageError("length past the end")
                value = self.nested(data, at, at + length, depth)
                at += length
            elif wire == SGROUP:
                if depth >= MAX_DEPTH:
                    raise _NotMessageError("nested too deeply")
                value, at = self.message(data, at, end, depth + 1, number)
            elif wire == EGROUP:
                if group != number:
                    raise _NotMessageError("a group ends that was not started")
                return fields, at
            else:
                raise _NotMessageError(f"wire type {wire}")
            _add(fields, str(number), value)
        if group is not None:
            raise _NotMessageError("a group does not end")
        return fields, at

    def nested(self, data: bytes, start: int, end: int, depth: int) -> object:
        chunk = data[start:end]
        if chunk and depth < MAX_DEPTH:
            try:
                fields, _ = self.message(data, start, end, depth + 1, None)
                return fields
            except _NotMessageError:
                pass
        text = printable_text(chunk)
        return text if text is not None else chunk


def _varint(data: bytes, at: int, end: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= end or shift > 63:
            raise _NotMessageError("cut or over-long varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value & 0xFFFF_FFFF_FFFF_FFFF, at
        shift += 7


def _add(fields: dict[str, object], key: str, value: object) -> None:
    if key not in fields:
        fields[key] = value
        return
    old = fields[key]
    if isinstance(old, _Repeated):
        old.append(value)
    else:
        fields[key] = _Repeated([old, value])


class _Repeated(list):  # type: ignore[type-arg]
    """A field seen more than once (a plain list to everyone else)."""


def decode_protobuf_raw(data: bytes, rule: DecodeRule) -> object:
    if len(data) > MAX_INPUT:
        raise DecodeError(
            f"the frame is {len(data):,} bytes; protobuf-raw reads at most {MAX_INPUT >> 20} MiB"
        )
    try:
        fields, _ = _Reader().message(data, 0, len(data), 0, None)
    except _NotMessageError as error:
        raise DecodeError(f"not protobuf wire format ({error})") from None
    return _plain(fields)


def _plain(value: object) -> object:
    """_Repeated lists become plain lists (same contents), for equality and JSON."""
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value
