"""A send automation's spec: its messages, or a sequence of steps, and a REQ's retries.

Split from ``core.automation.automation`` (which re-exports what it needs) to keep each
module small; ``parse_send`` reads the ``send`` object of a socket's automation.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from zinspect.core.automation.templates import compile_template
from zinspect.core.frames_json import (
    MAX_JSON_DEPTH,
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frame_to_json,
    json_deeper_than,
)
from zinspect.core.sockets.socket_types import SOCKET_TYPES

DEFAULT_TIMEOUT_MS = 10_000
# Delays, intervals and timeouts: at most what a Qt timer (which runs the qasync loop's
# call_later) takes, 2^31-1 ms, about 24.8 days; more overflowed when the automation ran.
MAX_MS = 2**31 - 1


@dataclass
class SendStep:
    """One step of a send sequence: ``frames`` ``count`` times (None: forever),
    ``interval_ms`` apart; a ROUTER's ``to`` is "ready" (each message to the next peer
    waiting for an answer) or "each" (once to every peer seen), else frame 0 is the id."""

    frames: list[str | bytes] = field(default_factory=list)
    count: int | None = None
    interval_ms: int = 0
    to: str | None = None


@dataclass
class SendSpec:
    """Send ``frames`` ``count`` times (None: until stopped), ``interval_ms`` apart; or,
    with ``steps``, each step in order, the whole ``repeat`` times (None: forever).

    A ``str`` frame is a template (see module doc), a ``bytes`` frame goes out as it is.
    ``timeout_ms`` is how long a REQ waits for each reply; with ``tries`` a request that
    gets no reply is sent again on a re-created socket, and after that many tries the
    send gives up (the guide's lazy pirate); without, the next request goes out.
    """

    frames: list[str | bytes] = field(default_factory=list)
    count: int | None = None
    interval_ms: int = 0
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    steps: list[SendStep] | None = None
    repeat: int | None = 1
    tries: int | None = None
    to: str | None = None

    def all_steps(self) -> list[SendStep]:
        if self.steps is not None:
            return self.steps
        return [SendStep(self.frames, self.count, self.interval_ms, self.to)]


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


def parse_send_frame(value: Any, path: str) -> str | bytes:
    """A text frame stays a template (checked here); the other forms become bytes."""
    if isinstance(value, str):
        compile_template(value, path)
        return value
    return frame_from_json(value, path)


def _send_frames(
    obj: dict[str, Any], path: str, kind: str | None, to: str | None
) -> list[str | bytes]:
    if "frames" not in obj:
        raise SpecError(f"{path}.frames", "missing: a list of the frames to send")
    items = expect(obj["frames"], list, f"{path}.frames", "a list of frames")
    if not items:
        raise SpecError(f"{path}.frames", "a message needs at least one frame")
    frames = [parse_send_frame(item, f"{path}.frames[{index}]") for index, item in enumerate(items)]
    if kind == "ROUTER" and to is None and len(frames) < 2:
        raise SpecError(
            f"{path}.frames",
            "a ROUTER sends the peer's routing id first, then the data: at least two frames "
            '(or "to": "ready" or "each")',
        )
    return frames


def _send_to(obj: dict[str, Any], path: str, kind: str | None) -> str | None:
    if obj.get("to") is None:
        return None
    to = expect(obj["to"], str, f"{path}.to", '"ready" or "each"')
    if to not in ("ready", "each"):
        raise SpecError(f"{path}.to", f'expected "ready" or "each", got {describe_json(to)}')
    if kind is not None and kind != "ROUTER":
        raise SpecError(f"{path}.to", f"only a ROUTER chooses its peer; a {kind} cannot")
    return to


def _count(obj: dict[str, Any], path: str) -> int | None:
    count = obj.get("count")
    return None if count is None else _positive(count, f"{path}.count")


def parse_step(obj: Any, path: str, kind: str | None) -> SendStep:
    obj = expect(obj, dict, path, 'an object such as {"frames": ["END"], "count": 1}')
    _check_keys(obj, ("frames", "count", "interval_ms", "to"), path)
    to = _send_to(obj, path, kind)
    return SendStep(
        frames=_send_frames(obj, path, kind, to),
        count=_count(obj, path),
        interval_ms=_non_negative(obj, "interval_ms", path, 0),
        to=to,
    )


def parse_send(obj: Any, path: str, type_name: str | None = None) -> SendSpec:
    obj = expect(obj, dict, path, 'an object such as {"frames": ["Hello {seq}"]}')
    keys = ("frames", "count", "interval_ms", "timeout_ms", "tries", "to", "steps", "repeat")
    _check_keys(obj, keys, path)
    kind = _type_name(type_name)
    if kind == "REP":
        raise SpecError(path, 'a REP socket only answers requests: use "reply" instead')
    info = SOCKET_TYPES.get(kind or "")
    if info is not None and not info.can_send:
        raise SpecError(path, f"a {kind} socket cannot send")
    spec = SendSpec(
        timeout_ms=_positive(obj.get("timeout_ms", DEFAULT_TIMEOUT_MS), f"{path}.timeout_ms")
    )
    if obj.get("tries") is not None:
        spec.tries = _positive(obj["tries"], f"{path}.tries")
        if kind is not None and kind != "REQ":
            raise SpecError(
                f"{path}.tries", f"only a REQ waits for replies to retry; a {kind} does not"
            )
    if "steps" in obj:
        for key in ("frames", "count", "interval_ms", "to"):
            if key in obj:
                raise SpecError(f"{path}.{key}", 'with "steps", each step has its own ' + key)
        items = expect(obj["steps"], list, f"{path}.steps", "a list of steps")
        if not items:
            raise SpecError(f"{path}.steps", "a sequence needs at least one step")
        spec.steps = [
            parse_step(item, f"{path}.steps[{index}]", kind) for index, item in enumerate(items)
        ]
        repeat = obj.get("repeat", 1)
        spec.repeat = None if repeat is True else _positive(repeat, f"{path}.repeat")
        for index, step in enumerate(spec.steps):
            if step.count is None and (index < len(spec.steps) - 1 or spec.repeat != 1):
                raise SpecError(
                    f"{path}.steps[{index}].count",
                    "a step without a count never ends: only the last step of a sequence "
                    "that is not repeated may have none",
                )
        return spec
    if "repeat" in obj:
        raise SpecError(f"{path}.repeat", 'repeat is for "steps"')
    spec.to = _send_to(obj, path, kind)
    spec.frames = _send_frames(obj, path, kind, spec.to)
    spec.count = _count(obj, path)
    spec.interval_ms = _non_negative(obj, "interval_ms", path, 0)
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


def _step_to_json(step: SendStep) -> dict[str, Any]:
    out: dict[str, Any] = {"frames": [send_frame_to_json(f) for f in step.frames]}
    if step.count is not None:
        out["count"] = step.count
    out["interval_ms"] = step.interval_ms
    if step.to is not None:
        out["to"] = step.to
    return out
