"""CBOR frames (RFC 8949), read with cbor2 with every semantic tag shown as a tag.

cbor2 turns some tags into Python objects (dates, decimals, sets, regular expressions, MIME
messages, shared references that can make a value contain itself). Here each of them stays
``{"tag": number, "value": ...}``: nothing from a peer is compiled, parsed further or made
circular, and the user sees exactly what was sent. Nesting is limited by cbor2's max_depth.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import cbor2

from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import (
    MAX_DEPTH,
    Converter,
    bytes_left,
    check_size,
    library_words,
    plain,
)

# The tags cbor2 6 decodes into objects of its own (found by encoding every tag number).
SEMANTIC_TAGS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100)
SEMANTIC_TAGS += (256, 258, 260, 261, 1004, 43000, 55799)


def _keep_tag(number: int) -> Callable[[object, bool], object]:
    def keep(value: object, immutable: bool) -> object:
        return cbor2.CBORTag(number, value)

    return keep


AS_TAGS = {number: _keep_tag(number) for number in SEMANTIC_TAGS}


def _tag(item: object, walk: object) -> object:
    assert isinstance(item, cbor2.CBORTag) and callable(walk)
    return {"tag": item.tag, "value": walk(item.value)}


def _simple(item: object, walk: object) -> object:
    assert isinstance(item, cbor2.CBORSimpleValue)
    return {"simple": item.value}


def _undefined(item: object, walk: object) -> object:
    return None


CONVERTERS: dict[type, Converter] = {
    cbor2.CBORTag: _tag,
    cbor2.CBORSimpleValue: _simple,
    type(cbor2.undefined): _undefined,
}


def decode_cbor(data: bytes, rule: DecodeRule) -> object:
    check_size(data, "CBOR")
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream, semantic_decoders=AS_TAGS, max_depth=MAX_DEPTH, read_size=1
        )
        value = decoder.decode()
    except UnicodeDecodeError:
        raise DecodeError("not CBOR: a text string in it is not UTF-8") from None
    except cbor2.CBORDecodeEOF:
        raise DecodeError("not CBOR: the frame ends in the middle of a value") from None
    except RecursionError:
        raise DecodeError("not CBOR: nested too deeply") from None
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, MemoryError) as error:
        text = library_words(error, "the bytes are no valid CBOR")
        raise DecodeError(f"not CBOR ({text})") from None
    left = len(data) - stream.tell()
    if left:
        raise DecodeError(f"not one CBOR value: {bytes_left(left)} after it")
    return plain(value, CONVERTERS)
