"""Library results made JSON-like: what every decoder hands on, whatever the library built.

Decoders return dict/list/str/int/float/bool/None with bytes left as bytes, so the Message
pane, the table's summary and ``zinspect decode`` need to know no library's types. Map keys
that are not text (msgpack and CBOR allow numbers, bytes, even arrays) become text that reads
like the key; tags and extension types become small dicts that name them. The walk is
bounded in depth and in the number of values, so a hostile frame costs a reason, not a crash.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Mapping

from zinspect.core.decode.model import DecodeError

MAX_DEPTH = 100  # containers inside containers; deeper is refused in words
MAX_VALUES = 2_000_000  # values in one decoded frame
JSON_DEPTH = 200  # json_ready stops here: Python's own recursion must never run out
MAX_INPUT = 16 << 20  # bytes a structured decoder reads (and decompression gives at most)

# A library type -> what it becomes (the converter is given the walker for its insides).
Converter = Callable[[object, Callable[[object], object]], object]


class _Walk:
    def __init__(self, converters: Mapping[type, Converter]) -> None:
        self.converters = converters
        self.count = 0
        self.depth = 0

    def value(self, item: object) -> object:
        self.count += 1
        if self.count > MAX_VALUES:
            raise DecodeError(f"more than {MAX_VALUES:,} values in one frame: not shown")
        if item is None or isinstance(item, (bool, int, float, str, bytes)):
            return item
        if isinstance(item, (bytearray, memoryview)):
            return bytes(item)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise DecodeError(f"nested more than {MAX_DEPTH} levels deep: not shown")
            for kind, convert in self.converters.items():  # before tuple: ExtType is one
                if isinstance(item, kind):
                    return convert(item, self.value)
            if isinstance(item, dict):
                return {key_text(self.value(key)): self.value(inner) for key, inner in item.items()}
            if isinstance(item, (list, tuple)):
                return [self.value(inner) for inner in item]
            if isinstance(item, _PairMap):
                return {key_text(self.value(key)): self.value(inner) for key, inner in item.pairs}
            if isinstance(item, (set, frozenset)):
                return [self.value(inner) for inner in item]
            if isinstance(item, (datetime.datetime, datetime.date)):
                return item.isoformat()
            return str(item)
        finally:
            self.depth -= 1


class _PairMap:
    """A map kept as its (key, value) pairs: keys that Python cannot hash (arrays) survive."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: object) -> None:
        self.pairs = list(pairs)  # type: ignore[call-overload]


def pair_map(pairs: object) -> object:
    """The object_pairs_hook for libraries that offer one."""
    return _PairMap(pairs)


def plain(value: object, converters: Mapping[type, Converter] | None = None) -> object:
    """``value`` as JSON-like data, library types changed by ``converters``; DecodeError when
    it is nested too deeply or holds too many values."""
    try:
        return _Walk(converters or {}).value(value)
    except RecursionError:
        raise DecodeError(f"nested more than {MAX_DEPTH} levels deep: not shown") from None


def key_text(key: object) -> str:
    """A map key as text: numbers as written, bytes as 0x hex, anything else as compact JSON."""
    if isinstance(key, str):
        return key
    if isinstance(key, bytes):
        return "0x" + key.hex()
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (int, float)):
        return repr(key) if isinstance(key, float) and math.isfinite(key) else str(key)
    return json.dumps(json_ready(key), ensure_ascii=False, sort_keys=False)


def json_ready(value: object, depth: int = 0) -> object:
    """A JSON-like value made strict JSON: bytes as hex text, NaN and infinities as text;
    deeper than JSON_DEPTH (a JSON frame may nest ~1000 deep), the rest as a note."""
    if depth > JSON_DEPTH:
        return "… nested too deeply to show"
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_ready(inner, depth + 1) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(inner, depth + 1) for inner in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_INPUT:
        raise DecodeError(
            f"the frame is {len(data):,} bytes; {what} reads at most {MAX_INPUT >> 20} MiB"
        )


def bytes_left(count: int) -> str:
    return "1 byte is left" if count == 1 else f"{count:,} bytes are left"


# A library's message that reads like Python rather than words is replaced by the fallback.
_PYTHON_TALK = re.compile(
    r"Traceback|NoneType|object|attribute|subscript|hashable|literal|codec|recursion|sys\."
    r"|argument|operand|\bError\b|Exception|0x[0-9a-f]{6,}"
)


def library_words(error: BaseException, fallback: str) -> str:
    """A library's error message when it is short words, else ``fallback``."""
    text = str(error).strip()
    text = text.splitlines()[0].strip() if text else ""
    if "digits" in text and "limit" in text:
        return "a number in it has more digits than can be read"
    if (
        not text
        or len(text) > 160
        or not re.search(r"[A-Za-z]{3}", text)
        or _PYTHON_TALK.search(text)
    ):
        return fallback
    return text.rstrip(".")
