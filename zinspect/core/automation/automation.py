"""What a socket does by itself: reply to requests, send a script, forward what it receives.

This module is the *spec* of an automation (dataclasses, JSON in and out, placeholder
templates); ``core.automation_runner`` runs one on a live socket. They are separate so a
workspace file can be read and checked without any socket.

JSON form (the ``automation`` object of a socket in a workspace)::

    {"reply": {"echo": true, "delay_ms": 0}}            # or {"frames": [...]} instead of echo
    {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0, "timeout_ms": 10000}}
    {"forward": {"to": "socket name"}}

Frames are written as in ``core.frames_json``. In ``send``, a frame written as a JSON string
is a *template*: ``{seq}`` (0, 1, 2, ... per run), ``{time}`` (Unix seconds), ``{rand:A:B}``
(an integer in [A, B]), ``{uuid}`` (a random UUID); ``{{`` and ``}}`` stand for a brace.
Frames written as ``{"hex"}``, ``{"base64"}`` or ``{"json"}`` are sent as they are.
"""

from __future__ import annotations

import base64
import json
import random
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from zinspect.core.frames_json import (
    MAX_JSON_DEPTH,
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frame_to_json,
    frames_from_json,
    frames_to_json,
    json_deeper_than,
)
from zinspect.core.sockets.socket_types import SOCKET_TYPES

DEFAULT_TIMEOUT_MS = 10_000
# Delays, intervals and timeouts: at most what a Qt timer (which runs the qasync loop's
# call_later) takes, 2^31-1 ms, about 24.8 days; more overflowed when the automation ran.
MAX_MS = 2**31 - 1
# Types that answer what they receive: REP by the pattern; ROUTER keeps the envelope;
# DEALER and PAIR when they stand in for a server.
REPLY_TYPES = ("REP", "ROUTER", "DEALER", "PAIR")
PLACEHOLDERS = ("seq", "time", "rand:A:B", "uuid")
_PLACEHOLDER_HELP = "use {seq}, {time}, {rand:A:B}, {uuid}, or {{ and }} for a brace"
_RAND = re.compile(r"rand:(-?\d+):(-?\d+)")
# One frame of a compiled template: literal bytes and placeholders (called with the seq).
TemplateParts: TypeAlias = list[bytes | Callable[[int], bytes]]


@dataclass
class ReplySpec:
    """Answer every received message: with the request itself (echo) or fixed frames."""

    echo: bool = False
    frames: list[bytes] | None = None
    delay_ms: int = 0


@dataclass
class SendSpec:
    """Send ``frames`` ``count`` times (None: until stopped), ``interval_ms`` apart.

    A ``str`` frame is a template (see module doc), a ``bytes`` frame goes out as it is.
    ``timeout_ms`` is how long a REQ waits for each reply before it gives up on it.
    """

    frames: list[str | bytes] = field(default_factory=list)
    count: int | None = None
    interval_ms: int = 0
    timeout_ms: int = DEFAULT_TIMEOUT_MS


@dataclass
class ForwardSpec:
    """Send every message received on this socket on the socket named ``to``."""

    to: str = ""


@dataclass
class AutomationSpec:
    reply: ReplySpec | None = None
    send: SendSpec | None = None
    forward: ForwardSpec | None = None

    @property
    def empty(self) -> bool:
        return self.reply is None and self.send is None and self.forward is None


# -- templates ------------------------------------------------------------------------------
def _seq_part(seq: int) -> bytes:
    return str(seq).encode()


def _time_part(seq: int) -> bytes:
    return f"{time.time():.6f}".encode()


def _uuid_part(seq: int) -> bytes:
    return str(uuid.uuid4()).encode()


def _rand_part(low: int, high: int) -> Callable[[int], bytes]:
    randint = random.randint

    def part(seq: int) -> bytes:
        return str(randint(low, high)).encode()

    return part


def _placeholder(name: str, path: str) -> Callable[[int], bytes]:
    if name == "seq":
        return _seq_part
    if name == "time":
        return _time_part
    if name == "uuid":
        return _uuid_part
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
        return _rand_part(low, high)
    if name.startswith("rand"):
        raise SpecError(
            path, f"{{{name}}}: write {{rand:A:B}} with whole numbers A <= B, e.g. {{rand:1:6}}"
        )
    raise SpecError(path, f"unknown placeholder {{{name}}}; {_PLACEHOLDER_HELP}")


def compile_template(text: str, path: str = "") -> TemplateParts:
    """The parts of a text frame: literal bytes and placeholder functions of ``seq``.

    Compiled once per run so each message only calls the placeholder functions. SpecError
    for an unknown placeholder or a brace that is neither a placeholder nor doubled.
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
                    path, f"a '{{' at character {index + 1} is not closed; {_PLACEHOLDER_HELP}"
                )
            function = _placeholder(text[index + 1 : end], path)
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


def check_template(text: str) -> str:
    """ "" when ``text`` is a valid template, else the error in words (for editors)."""
    try:
        compile_template(text)
    except SpecError as error:
        return error.message
    return ""


def escape_template(text: str) -> str:
    """Text that a template turns back into exactly ``text`` (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def render_frames(compiled: list[TemplateParts], seq: int) -> list[bytes]:
    """One message of a compiled script."""
    frames = []
    for parts in compiled:
        if len(parts) == 1:
            part = parts[0]
            frames.append(part if type(part) is bytes else part(seq))  # type: ignore[operator]
        else:
            frames.append(
                b"".join(
                    p if type(p) is bytes else p(seq)  # type: ignore[operator]
                    for p in parts
                )
            )
    return frames


# -- JSON in --------------------------------------------------------------------------------
def _check_keys(obj: dict[str, object], allowed: tuple[str, ...], path: str) -> None:
    for key in obj:
        if key not in allowed:
            names = (
                ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 else allowed[0]
            )
            raise SpecError(f"{path}.{key}", f"unknown key; expected {names}")


def _non_negative(obj: dict[str, object], key: str, path: str, default: int) -> int:
    if key not in obj:
        return default
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SpecError(
            f"{path}.{key}", f"expected a whole number of 0 or more, got {describe_json(value)}"
        )
    return _at_most_max_ms(value, f"{path}.{key}") if key.endswith("_ms") else value


def _positive(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SpecError(path, f"expected a positive integer, got {describe_json(value)}")
    return _at_most_max_ms(value, path) if path.endswith("_ms") else value


def _at_most_max_ms(value: int, path: str) -> int:
    """A time in milliseconds the event loop can wait: up to MAX_MS."""
    if value > MAX_MS:
        raise SpecError(
            path, f"{value:,} ms is too long: the most is {MAX_MS:,} ms (about 24.8 days)"
        )
    return value


def _type_name(type_name: str | None) -> str | None:
    return type_name.strip().upper() if type_name else None


def parse_reply(obj: Any, path: str, type_name: str | None = None) -> ReplySpec:
    obj = expect(obj, dict, path, 'an object such as {"echo": true} or {"frames": [...]}')
    _check_keys(obj, ("echo", "frames", "delay_ms"), path)
    kind = _type_name(type_name)
    if kind is not None and kind not in REPLY_TYPES:
        raise SpecError(
            path, f"a {kind} socket cannot reply; only {', '.join(REPLY_TYPES)} sockets can"
        )
    echo = expect(obj.get("echo", False), bool, f"{path}.echo", "true or false")
    has_frames = "frames" in obj
    if echo and has_frames:
        raise SpecError(path, 'choose "echo": true or "frames", not both')
    if not echo and not has_frames:
        raise SpecError(path, 'say how to reply: "echo": true or "frames": [...]')
    frames = None
    if has_frames:
        frames = frames_from_json(obj["frames"], f"{path}.frames")
        if not frames:
            raise SpecError(f"{path}.frames", "a reply needs at least one frame")
    return ReplySpec(echo=echo, frames=frames, delay_ms=_non_negative(obj, "delay_ms", path, 0))


def parse_send_frame(value: Any, path: str) -> str | bytes:
    """A text frame stays a template (checked here); the other forms become bytes."""
    if isinstance(value, str):
        compile_template(value, path)
        return value
    return frame_from_json(value, path)


def parse_send(obj: Any, path: str, type_name: str | None = None) -> SendSpec:
    obj = expect(obj, dict, path, 'an object such as {"frames": ["Hello {seq}"]}')
    _check_keys(obj, ("frames", "count", "interval_ms", "timeout_ms"), path)
    kind = _type_name(type_name)
    if kind == "REP":
        raise SpecError(path, 'a REP socket only answers requests: use "reply" instead')
    info = SOCKET_TYPES.get(kind or "")
    if info is not None and not info.can_send:
        raise SpecError(path, f"a {kind} socket cannot send")
    if "frames" not in obj:
        raise SpecError(f"{path}.frames", "missing: a list of the frames to send")
    items = expect(obj["frames"], list, f"{path}.frames", "a list of frames")
    if not items:
        raise SpecError(f"{path}.frames", "a message needs at least one frame")
    frames = [parse_send_frame(item, f"{path}.frames[{index}]") for index, item in enumerate(items)]
    if kind == "ROUTER" and len(frames) < 2:
        raise SpecError(
            f"{path}.frames",
            "a ROUTER sends the peer's routing id first, then the data: at least two frames",
        )
    count = obj.get("count")
    if count is not None:
        count = _positive(count, f"{path}.count")
    timeout = obj.get("timeout_ms", DEFAULT_TIMEOUT_MS)
    timeout = _positive(timeout, f"{path}.timeout_ms")
    return SendSpec(
        frames=frames,
        count=count,
        interval_ms=_non_negative(obj, "interval_ms", path, 0),
        timeout_ms=timeout,
    )


def parse_forward(
    obj: Any,
    path: str,
    type_name: str | None = None,
    name: str | None = None,
    sockets: Mapping[str, str] | None = None,
) -> ForwardSpec:
    obj = expect(obj, dict, path, 'an object such as {"to": "socket name"}')
    _check_keys(obj, ("to",), path)
    kind = _type_name(type_name)
    info = SOCKET_TYPES.get(kind or "")
    if info is not None and not info.can_receive:
        raise SpecError(path, f"a {kind} socket receives nothing to forward")
    if kind == "REP":
        raise SpecError(
            path,
            "a REP socket must answer each request before the next: "
            'use "reply", or a ROUTER to forward',
        )
    if "to" not in obj:
        raise SpecError(f"{path}.to", "missing: the name of the socket to send on")
    target = expect(obj["to"], str, f"{path}.to", "a socket name").strip()
    if not target:
        raise SpecError(f"{path}.to", "expected a socket name, got an empty string")
    if name is not None and target == name:
        raise SpecError(f"{path}.to", "a socket cannot forward to itself")
    if sockets is not None:
        if target not in sockets:
            raise SpecError(f"{path}.to", f"no socket named {describe_json(target)}")
        target_info = SOCKET_TYPES.get(_type_name(sockets[target]) or "")
        if target_info is not None and not target_info.can_send:
            raise SpecError(
                f"{path}.to",
                f"{describe_json(target)} is a {target_info.name} socket, which cannot send",
            )
    return ForwardSpec(to=target)


def parse_automation(
    obj: Any,
    path: str,
    *,
    type_name: str | None = None,
    name: str | None = None,
    sockets: Mapping[str, str] | None = None,
) -> AutomationSpec:
    """The automation of one socket from its JSON; SpecError names the exact place.

    ``type_name`` (the socket's type) enables the checks that depend on it (a PUB cannot
    reply); ``name`` and ``sockets`` (every socket's name -> type in the workspace) check the
    forward target.
    """
    obj = expect(obj, dict, path, 'an object with "reply", "send" and/or "forward"')
    _check_keys(obj, ("reply", "send", "forward"), path)
    spec = AutomationSpec()
    if obj.get("reply") is not None:
        spec.reply = parse_reply(obj["reply"], f"{path}.reply", type_name)
    if obj.get("send") is not None:
        spec.send = parse_send(obj["send"], f"{path}.send", type_name)
    if obj.get("forward") is not None:
        spec.forward = parse_forward(obj["forward"], f"{path}.forward", type_name, name, sockets)
    if spec.reply is not None and spec.forward is not None:
        raise SpecError(
            path,
            'choose "reply" or "forward": a received message cannot be both answered and forwarded',
        )
    return spec


# -- JSON out -------------------------------------------------------------------------------
def send_frame_to_json(frame: str | bytes) -> Any:
    """A template as its text; fixed bytes as {"json"} when they are compact JSON, else
    {"hex"}/{"base64"} (never as a string, which would read back as a template)."""
    if isinstance(frame, str):
        return frame
    try:
        value = json.loads(frame.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        value = None
    else:
        if (
            not json_deeper_than(value, MAX_JSON_DEPTH)
            and json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode() == frame
        ):
            return {"json": value}
    form = frame_to_json(frame)
    if isinstance(form, str):  # printable text: hex keeps it bytes when read back
        return (
            {"hex": frame.hex()}
            if len(frame) <= 256
            else {"base64": base64.b64encode(frame).decode("ascii")}
        )
    return form


def automation_to_json(spec: AutomationSpec) -> dict[str, Any]:
    """The JSON form parse_automation reads back to an equal spec; defaults are left out."""
    out: dict[str, Any] = {}
    if spec.reply is not None:
        reply: dict[str, Any] = (
            {"echo": True}
            if spec.reply.echo
            else {"frames": frames_to_json(spec.reply.frames or [])}
        )
        if spec.reply.delay_ms:
            reply["delay_ms"] = spec.reply.delay_ms
        out["reply"] = reply
    if spec.send is not None:
        send: dict[str, Any] = {"frames": [send_frame_to_json(f) for f in spec.send.frames]}
        if spec.send.count is not None:
            send["count"] = spec.send.count
        send["interval_ms"] = spec.send.interval_ms
        if spec.send.timeout_ms != DEFAULT_TIMEOUT_MS:
            send["timeout_ms"] = spec.send.timeout_ms
        out["send"] = send
    if spec.forward is not None:
        out["forward"] = {"to": spec.forward.to}
    return out
