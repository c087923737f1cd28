"""Frames as JSON, shared by workspace files, automations and saved messages, and the error
type that names the exact place of a bad value.

A frame is written as a JSON string (UTF-8 text) or as one of ``{"hex": "..."}``,
``{"base64": "..."}`` or ``{"json": <any JSON value>}`` (sent compact), so people can write
binary frames by hand and a file round-trips byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, TypeVar, overload

from zinspect.core.codecs import printable_text
from zinspect.core.json_limits import HugeNumber

FRAME_FORMS = ("hex", "base64", "json")
# Deepest nesting of a {"json": ...} frame: far beyond any real message, and shallow enough
# that writing the value back (indented, by workspace._pretty) cannot run out of stack.
MAX_JSON_DEPTH = 100

_T = TypeVar("_T")


class SpecError(ValueError):
    """A bad value in a JSON document, with its place: ``sockets[2].options.RCVHWM``."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def describe_json(value: Any) -> str:
    """How an unexpected value reads in an error: ``"lots"``, ``12``, ``a list``."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    if isinstance(value, HugeNumber):
        return repr(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


@overload
def expect(value: Any, kind: type[_T], path: str, what: str) -> _T: ...
@overload
def expect(value: Any, kind: tuple[type, ...], path: str, what: str) -> Any: ...
def expect(value: Any, kind: type | tuple[type, ...], path: str, what: str) -> Any:
    """``value`` if it is of ``kind``, else SpecError. JSON's true/false never pass as
    numbers, though Python's bool is an int."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise SpecError(path, f"expected {what}, got {describe_json(value)}")
    return value


def frame_from_json(value: Any, path: str) -> bytes:
    """One frame from its JSON form; SpecError says what is wrong and where."""
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate such as "\ud800"
            raise SpecError(
                path,
                f"not valid Unicode text (character {error.start} is "
                "half of a surrogate pair); write binary frames as hex",
            ) from None
    if isinstance(value, dict):
        keys = [k for k in value if k in FRAME_FORMS]
        if len(keys) != 1:
            raise SpecError(
                path,
                'expected a string or one of {"hex": …}, {"base64": …}, '
                f'{{"json": …}}, got {describe_json(value)}',
            )
        form = keys[0]
        data = value[form]
        if form == "json":
            if json_deeper_than(data, MAX_JSON_DEPTH):
                raise SpecError(
                    f"{path}.json",
                    f"nested more than {MAX_JSON_DEPTH} levels "
                    "deep; write such a frame as hex or base64",
                )
            try:
                return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:  # a "\ud800" escape: half of a surrogate pair
                raise SpecError(
                    f"{path}.json",
                    "the text holds an unpaired surrogate escape "
                    "(\\ud800-\\udfff), which is not Unicode",
                ) from None
        text = expect(data, str, f"{path}.{form}", "a string")
        if form == "hex":
            cleaned = "".join(text.split())
            try:
                return bytes.fromhex(cleaned)
            except ValueError:
                raise SpecError(f"{path}.hex", f"not hex: {describe_json(text)}") from None
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise SpecError(f"{path}.base64", f"not base64: {describe_json(text)}") from None
    raise SpecError(
        path,
        'expected a string or one of {"hex": …}, {"base64": …}, '
        f'{{"json": …}}, got {describe_json(value)}',
    )


def json_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` deep (without
    recursing: the value may be nested deeper than Python's stack)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def frames_from_json(value: Any, path: str) -> list[bytes]:
    items = expect(value, list, path, "a list of frames")
    return [frame_from_json(item, f"{path}[{index}]") for index, item in enumerate(items)]


def frame_to_json(data: bytes) -> str | dict[str, str]:
    """The JSON form that reads best and gives back exactly ``data``."""
    text = printable_text(data)
    if text is not None:
        return text
    return (
        {"hex": data.hex()}
        if len(data) <= 256
        else {"base64": base64.b64encode(data).decode("ascii")}
    )


def frames_to_json(frames: list[bytes]) -> list[str | dict[str, str]]:
    return [frame_to_json(frame) for frame in frames]
