"""Secret option values (CURVE secret key, PLAIN password): read and refused without ever
being repeated.

A wrong secret is usually *almost* right (a character missing, a trailing blank, the hex form
of a good key), so echoing it in an error would print a working secret to a log or terminal.
Every message here says what is wrong with the value in words (its length, its kind, the
position of a bad character) and never shows the value itself, in any encoding.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from zinspect.core.frames_json import SpecError
from zinspect.core.keys.curve_keys import KEY_LENGTH, KeyFormatError, check_key

# Options whose values are secrets. The public keys (CURVE_PUBLICKEY, CURVE_SERVERKEY) are
# not: they are meant to be handed out, and showing them helps to spot a wrong one.
SECRET_OPTIONS = frozenset({"CURVE_SECRETKEY", "PLAIN_PASSWORD"})
MAX_PLAIN_BYTES = 255  # ZMTP's PLAIN sends the password's length in one byte
_RAW_KEY_BYTES = 32
_HEX = frozenset("0123456789abcdefABCDEF")


def is_secret_option(name: str) -> bool:
    return name.strip().upper().removeprefix("ZMQ_") in SECRET_OPTIONS


def kind_of(value: Any) -> str:
    """What a JSON value is, without its content: ``a number``, ``a list``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def secret_words(name: str) -> str:
    return {"CURVE_SECRETKEY": "the CURVE secret key", "PLAIN_PASSWORD": "the PLAIN password"}.get(
        name, f"the secret {name}"
    )


def secret_from_json(value: Any, path: str, name: str) -> bytes:
    """A secret option's bytes from its workspace form (text, ``{"hex": ...}`` or
    ``{"base64": ...}``); SpecError in words that never repeat the value."""
    what = secret_words(name)
    form = "text"
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("hex", "base64"):
        form = next(iter(value))
        path, value = f"{path}.{form}", value[form]
    if not isinstance(value, str):
        raise SpecError(
            path,
            f'{what} must be text (or {{"hex": …}}, {{"base64": …}}); this is {kind_of(value)}',
        )
    try:
        if form == "hex":
            data = bytes.fromhex("".join(value.split()))
        elif form == "base64":
            data = base64.b64decode("".join(value.split()), validate=True)
        else:
            data = value.encode("utf-8")
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise SpecError(path, f"{what} is not valid {form} ({len(value)} characters)") from None
    problem = secret_problem(name, data)
    if problem:
        raise SpecError(path, problem)
    return data


def secret_problem(name: str, data: bytes) -> str:
    """Why libzmq would refuse ``data`` for the secret option ``name``, or "" if it looks
    right. Lengths and positions only, never characters."""
    what = secret_words(name)
    if name == "PLAIN_PASSWORD":
        if len(data) > MAX_PLAIN_BYTES:
            return f"{what} is {len(data)} bytes long; PLAIN takes at most {MAX_PLAIN_BYTES}"
        return ""
    if name != "CURVE_SECRETKEY" or len(data) == _RAW_KEY_BYTES:
        return ""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return (
            f"{what} is {len(data)} bytes, expected {KEY_LENGTH} characters of Z85 "
            f"text or {_RAW_KEY_BYTES} raw bytes"
        )
    if text != text.strip():
        return (
            f"{what} has blanks before or after it ({len(text)} characters with them, "
            f"expected {KEY_LENGTH} of Z85)"
        )
    if len(text) == 2 * _RAW_KEY_BYTES and set(text) <= _HEX:
        return (
            f'{what} is {len(text)} hex digits: write it as {{"hex": …}} for its '
            f"{_RAW_KEY_BYTES} bytes, or as {KEY_LENGTH} characters of Z85"
        )
    try:
        check_key(text, what.removeprefix("the "), secret=True)
    except KeyFormatError as error:
        return (
            f"{what} is {len(text)} characters, expected {KEY_LENGTH} (Z85) or "
            f"{_RAW_KEY_BYTES} raw bytes"
            if len(text) != KEY_LENGTH
            else str(error)
        )
    return ""
