"""Placeholders in text frames: what a send automation or a reply rule fills in per message.

A template is compiled once (checked then, so a bad placeholder is refused in words when the
workspace is read or the frame typed) into literal bytes and small functions; each message
only calls the functions. A function gets the message's sequence number and, in a reply,
the received frames after the envelope (``{frame:N}``).

Placeholders: ``{seq}``, ``{time}``, ``{rand:A:B}``, ``{uuid}``, ``{uuid:bytes}``,
``{letter}``, ``{choice:a|b|c}``, ``{bytes:N}``, binary integers ``{u8:seq}``,
``{u32le:seq}``, ``{u64be:7}`` (widths 8/16/32/64, ``le``/``be``), and in replies
``{frame:N}``, ``{frame:N:text}``, ``{frame:N:hex}``. ``{seq}``, ``{time}`` and ``{rand}``
take a Python format spec after a colon: ``{seq:05d}``, ``{rand:0:99999:05d}``,
``{time:.3f}``. ``{{`` and ``}}`` stand for a brace.
"""

from __future__ import annotations

import os
import random
import re
import string
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Literal, TypeAlias

from zinspect.core.frames_json import SpecError

PLACEHOLDERS = (
    "seq",
    "time",
    "rand:A:B",
    "uuid",
    "uuid:bytes",
    "letter",
    "choice:a|b",
    "bytes:N",
    "u32le:seq",
    "frame:N",
)
PLACEHOLDER_HELP = (
    "use {seq}, {seq:05d}, {time}, {rand:A:B}, {uuid}, {uuid:bytes}, {letter}, "
    "{choice:a|b|c}, {bytes:N}, {u8:seq} … {u64be:seq}, or {{ and }} for a brace"
)
MAX_RANDOM_BYTES = 65_536  # {bytes:N}: more would make one frame a memory hog per message
_RAND = re.compile(r"rand:(-?\d+):(-?\d+)(?::(.*))?", re.DOTALL)
_BINARY = re.compile(r"u(8|16|32|64)(le|be)?:(.*)", re.DOTALL)
_FRAME = re.compile(r"frame:(\d+)(?::(text|hex))?")
_LETTERS = string.ascii_uppercase

Received: TypeAlias = Sequence[bytes]
Part: TypeAlias = Callable[[int, Received], bytes]
# One frame of a compiled template: literal bytes and placeholders (called per message).
TemplateParts: TypeAlias = list[bytes | Part]


def _formatted(spec: str, sample: object, name: str, path: str) -> str:
    """``spec`` checked as a Python format spec for values like ``sample``."""
    try:
        format(sample, spec)
    except (ValueError, TypeError):
        raise SpecError(
            path, f"{{{name}}}: '{spec}' is not a format such as 05d, x or .3f"
        ) from None
    return spec


def _seq(spec: str) -> Part:
    if not spec:
        return lambda seq, received: str(seq).encode()
    return lambda seq, received: format(seq, spec).encode()


def _time(spec: str) -> Part:
    spec = spec or ".6f"
    return lambda seq, received: format(time.time(), spec).encode()


def _rand(low: int, high: int, spec: str) -> Part:
    randint = random.randint
    return lambda seq, received: format(randint(low, high), spec).encode()


def _binary(width: int, order: str, arg: str, name: str, path: str) -> Part:
    size = width // 8
    byteorder: Literal["little", "big"] = "little" if order == "le" else "big"
    mask = (1 << width) - 1
    if arg == "seq":
        return lambda seq, received: (seq & mask).to_bytes(size, byteorder)
    try:
        number = int(arg)
    except ValueError:
        raise SpecError(
            path, f"{{{name}}}: write seq or a whole number after the colon, e.g. {{u32le:seq}}"
        ) from None
    if not 0 <= number <= mask:
        raise SpecError(path, f"{{{name}}}: {number} does not fit in {width} bits (0 to {mask})")
    fixed = number.to_bytes(size, byteorder)
    return lambda seq, received: fixed


def _frame(index: int, form: str | None) -> Part:
    def part(seq: int, received: Received) -> bytes:
        if index >= len(received):
            return b""
        frame = received[index]
        if form == "text":
            return frame.decode("utf-8", "replace").encode("utf-8")
        if form == "hex":
            return frame.hex().encode()
        return frame

    return part


def _placeholder(name: str, path: str, frames: bool) -> Part:
    head, _, rest = name.partition(":")
    if head == "seq":
        return _seq(_formatted(rest, 0, name, path) if rest else "")
    if head == "time":
        return _time(_formatted(rest, 0.0, name, path) if rest else "")
    if name == "uuid":
        return lambda seq, received: str(uuid.uuid4()).encode()
    if name == "uuid:bytes":
        return lambda seq, received: uuid.uuid4().bytes
    if name == "letter":
        return lambda seq, received: random.choice(_LETTERS).encode()
    if head == "choice":
        options = [option.encode("utf-8") for option in rest.split("|")]
        if not rest:
            raise SpecError(path, "{choice:…}: list the choices, e.g. {choice:red|green|blue}")
        return lambda seq, received: random.choice(options)
    if head == "bytes":
        if not rest.isdigit() or not 1 <= int(rest) <= MAX_RANDOM_BYTES:
            raise SpecError(
                path, f"{{{name}}}: write {{bytes:N}} with N from 1 to {MAX_RANDOM_BYTES:,}"
            )
        count = int(rest)
        return lambda seq, received: os.urandom(count)
    if head == "frame":
        match = _FRAME.fullmatch(name)
        if not frames:
            raise SpecError(
                path, f"{{{name}}}: only a reply has received frames to copy; use it in a rule"
            )
        if match is None or len(match.group(1)) > 6:
            raise SpecError(
                path, f"{{{name}}}: write {{frame:N}}, {{frame:N:text}} or {{frame:N:hex}}"
            )
        return _frame(int(match.group(1)), match.group(2))
    binary = _BINARY.fullmatch(name)
    if binary:
        return _binary(int(binary.group(1)), binary.group(2) or "be", binary.group(3), name, path)
    match = _RAND.fullmatch(name)
    if match:
        try:
            low, high = int(match.group(1)), int(match.group(2))
        except ValueError:  # more digits than Python converts (4300)
            raise SpecError(path, "{rand:A:B}: a bound has too many digits") from None
        if low > high:
            raise SpecError(
                path, f"{{{name}}}: the lower bound {low} is above the upper bound {high}"
            )
        spec = match.group(3) or ""
        return _rand(low, high, _formatted(spec, 0, name, path) if spec else "")
    if head == "rand":
        raise SpecError(
            path, f"{{{name}}}: write {{rand:A:B}} with whole numbers A <= B, e.g. {{rand:1:6}}"
        )
    raise SpecError(path, f"unknown placeholder {{{name}}}; {PLACEHOLDER_HELP}")


def compile_template(text: str, path: str = "", *, frames: bool = False) -> TemplateParts:
    """The parts of a text frame: literal bytes and placeholder functions.

    ``frames``: the template is a reply's, so ``{frame:N}`` may copy a received frame.
    SpecError for an unknown placeholder or a brace that is neither a placeholder nor doubled.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SpecError(
            path, f"character {error.start + 1} is half of a surrogate pair, which is not text"
        ) from None
    parts: TemplateParts = []
    literal: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "{":
            if text.startswith("{{", index):
                literal.append("{")
                index += 2
                continue
            end = text.find("}", index + 1)
            if end < 0:
                raise SpecError(
                    path, f"a '{{' at character {index + 1} is not closed; {PLACEHOLDER_HELP}"
                )
            function = _placeholder(text[index + 1 : end], path, frames)
            if literal:
                parts.append("".join(literal).encode("utf-8"))
                literal = []
            parts.append(function)
            index = end + 1
            continue
        if char == "}":
            if text.startswith("}}", index):
                index += 2
            else:
                index += 1  # a lone closing brace cannot be mistaken: keep it as written
            literal.append("}")
            continue
        literal.append(char)
        index += 1
    if literal or not parts:
        parts.append("".join(literal).encode("utf-8"))
    return parts


def check_template(text: str, *, frames: bool = False) -> str:
    """ "" when ``text`` is a valid template, else the error in words (for editors)."""
    try:
        compile_template(text, frames=frames)
    except SpecError as error:
        return error.message
    return ""


def escape_template(text: str) -> str:
    """Text that a template turns back into exactly ``text`` (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def render_frames(compiled: list[TemplateParts], seq: int, received: Received = ()) -> list[bytes]:
    """One message of compiled templates; ``received``: the frames a reply answers."""
    frames = []
    for parts in compiled:
        if len(parts) == 1:
            part = parts[0]
            frames.append(part if type(part) is bytes else part(seq, received))  # type: ignore[operator]
        else:
            frames.append(
                b"".join(
                    p if type(p) is bytes else p(seq, received)  # type: ignore[operator]
                    for p in parts
                )
            )
    return frames


def compile_frames(frames: Sequence[str | bytes], *, received: bool = False) -> list[TemplateParts]:
    """Each frame compiled: a ``str`` is a template, ``bytes`` go out as they are."""
    return [
        compile_template(frame, frames=received) if isinstance(frame, str) else [frame]
        for frame in frames
    ]
