"""MessagePack frames, read with the msgpack library under limits a hostile frame cannot pass.

Every length msgpack reads from the frame (strings, binaries, arrays, maps, extensions) is
limited to what the frame itself could hold, so a five-byte header claiming four billion
elements is refused before anything is allocated. Extension types are shown as
``{"ext": code, "data": bytes}`` and timestamps (extension -1) as ISO 8601 text.
"""

from __future__ import annotations

import msgpack

from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import (
    MAX_DEPTH,
    MAX_VALUES,
    Converter,
    bytes_left,
    check_size,
    library_words,
    pair_map,
    plain,
)

# First bytes of a msgpack map or array: fixmap, fixarray, array 16/32, map 16/32.
CONTAINER_FIRST_BYTES = frozenset(range(0x80, 0xA0)) | {0xDC, 0xDD, 0xDE, 0xDF}
_NOT_CONTAINER = bytes(b for b in range(256) if b not in CONTAINER_FIRST_BYTES)


def _limits(size: int) -> dict[str, int]:
    """msgpack's caps for a frame of ``size`` bytes: no string, array or map in it can be
    longer than the frame, whatever its headers claim."""
    return {
        "max_str_len": size,
        "max_bin_len": size,
        "max_array_len": size,
        "max_map_len": size // 2,
        "max_ext_len": size,
    }


def _ext(item: object, walk: object) -> object:
    assert isinstance(item, msgpack.ExtType)
    return {"ext": item.code, "data": item.data}


def _timestamp(item: object, walk: object) -> object:
    assert isinstance(item, msgpack.Timestamp)
    try:
        return {"timestamp": item.to_datetime().isoformat()}
    except (OverflowError, ValueError, OSError):  # outside datetime's years
        return {"timestamp": f"{item.seconds}s {item.nanoseconds}ns since 1970"}


CONVERTERS: dict[type, Converter] = {msgpack.ExtType: _ext, msgpack.Timestamp: _timestamp}


def unpack(data: bytes) -> object:
    """The one msgpack value that is the whole of ``data``; DecodeError otherwise."""
    size = len(data)
    try:
        value = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=False,
            object_pairs_hook=pair_map,
            **_limits(size),
        )
    except msgpack.ExtraData as error:
        raise DecodeError(
            f"not one msgpack value: {bytes_left(len(error.extra))} after it"
        ) from None
    except UnicodeDecodeError:
        raise DecodeError("not msgpack: a string in it is not UTF-8") from None
    except (ValueError, TypeError, msgpack.UnpackException, RecursionError) as error:
        raise DecodeError(f"not msgpack ({_reason(error)})") from None
    return plain(value, CONVERTERS)


class NotSimpleError(ValueError):
    """``unpack_simple`` cannot vouch for its value: ``unpack`` must read the frame."""


def _no_ext(code: int, data: bytes) -> object:
    raise NotSimpleError("an extension type")


def unpack_simple(data: bytes) -> object:
    """``unpack``'s value made by the library alone, in C, for a frame whose value ``plain``
    would leave as it is: text map keys, no extension type, at most ``MAX_DEPTH`` containers
    (counted as the bytes that may open one, so nesting cannot pass it). ``plain``'s walk is
    two thirds of decoding a small map, and the filter decodes every guessed msgpack row.
    Raises (NotSimpleError or the library's own errors) whenever ``unpack`` may answer otherwise,
    so a caller falls back to it; a timestamp is left as the library's ``Timestamp``.
    """
    size = len(data)
    if size > MAX_VALUES or len(data.translate(None, _NOT_CONTAINER)) > MAX_DEPTH:
        raise NotSimpleError("too many containers to know their depth")
    return msgpack.unpackb(
        data,
        raw=False,
        strict_map_key=True,  # text or bytes keys only; bytes keys are the caller's to refuse
        ext_hook=_no_ext,
        **_limits(size),
    )


def _reason(error: BaseException) -> str:
    text = str(error).strip().rstrip(".")
    if isinstance(error, (RecursionError, msgpack.StackError)):
        return "nested too deeply"
    if isinstance(error, msgpack.FormatError):
        return "a byte in it starts no msgpack value"
    if "incomplete" in text.lower() or "insufficient" in text.lower():
        return "the frame ends in the middle of a value"
    if "exceeds max" in text:
        return "a length in it is larger than the frame"
    return library_words(error, "the bytes are no valid msgpack")


def decode_msgpack(data: bytes, rule: DecodeRule) -> object:
    check_size(data, "msgpack")
    return unpack(data)


def guess_msgpack(data: bytes) -> object | None:
    """The msgpack map or array that is the whole of ``data``, or None. Cheap on other
    frames: the first byte must open a container before anything is parsed."""
    if len(data) < 2 or data[0] not in CONTAINER_FIRST_BYTES:
        return None
    try:
        return unpack(data)
    except DecodeError:
        return None
