"""What a socket does by itself: reply to requests, send messages, forward what it receives.

This module is the *spec* of an automation (dataclasses, JSON in and out, placeholder
templates); ``core.automation_runner`` runs one on a live socket. They are separate so a
workspace file can be read and checked without any socket.

JSON form (the ``automation`` object of a socket in a workspace)::

    {"reply": {"echo": true, "delay_ms": 0}}            # or {"frames": [...]} instead of echo
    {"reply": {"rules": [{"match": [{"frame": 0, "equals": "PING"}], "reply": ["PONG {seq}"]}],
               "delay_ms": [100, 200]}}
    {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0, "timeout_ms": 10000}}
    {"send": {"steps": [{"frames": ["task {seq}"], "count": 100, "to": "ready"},
                        {"frames": ["END"], "count": 1, "to": "each"}]}}
    {"forward": {"to": "socket name"}, "start": {"after_ms": 500}, "stop": {"after_ms": 9000}}
    {"script": "peers/mdp_worker.py"}     # a Python file (docs/scripting.md), relative to
                                          # the workspace file

Frames are written as in ``core.frames_json``. In ``send`` and in a rule's reply, a frame
written as a JSON string is a *template* (``core.automation.templates``); frames written as
``{"hex"}``, ``{"base64"}`` or ``{"json"}`` are sent as they are. Rules and their tests are
``core.automation.rules``; ``start`` and ``stop`` are ``core.automation.conditions``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zinspect.core.automation.conditions import Trigger, parse_trigger, trigger_to_json
from zinspect.core.automation.rules import FrameTest, frame_test_to_json, parse_tests
from zinspect.core.automation.send_spec import (
    DEFAULT_TIMEOUT_MS,
    MAX_MS,
    SendSpec,
    SendStep,
    _check_keys,
    _non_negative,
    _step_to_json,
    _type_name,
    parse_send,
    parse_send_frame,
    send_frame_to_json,
)
from zinspect.core.automation.templates import (
    PLACEHOLDERS,
    TemplateParts,
    check_template,
    compile_template,
    escape_template,
    render_frames,
)
from zinspect.core.frames_json import (
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frames_from_json,
    frames_to_json,
)
from zinspect.core.sockets.socket_types import SOCKET_TYPES

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "MAX_MS",
    "PLACEHOLDERS",
    "SendSpec",
    "ScriptSpec",
    "SendStep",
    "TemplateParts",
    "check_template",
    "compile_template",
    "escape_template",
    "parse_send",
    "parse_send_frame",
    "render_frames",
    "send_frame_to_json",
]
# Types that answer what they receive: REP by the pattern; ROUTER keeps the envelope;
# DEALER and PAIR when they stand in for a server.
REPLY_TYPES = ("REP", "ROUTER", "DEALER", "PAIR")


@dataclass
class ReplyRule:
    """Reply ``frames`` (templates; None: no reply) to a message whose body passes ``match``."""

    match: list[FrameTest] = field(default_factory=list)
    frames: list[str | bytes] | None = None


@dataclass
class ReplySpec:
    """Answer each received message: by the first matching rule, else with the request
    itself (echo), fixed frames, or (rules without echo or frames) not at all.

    ``delay_ms`` waits before each reply; with ``delay_max_ms`` the wait is random between.
    """

    echo: bool = False
    frames: list[bytes] | None = None
    delay_ms: int = 0
    rules: list[ReplyRule] = field(default_factory=list)
    delay_max_ms: int | None = None


@dataclass
class ForwardSpec:
    """Send every message received on this socket on the socket named ``to``."""

    to: str = ""
    delay_ms: int = 0
    delay_max_ms: int | None = None


@dataclass
class ScriptSpec:
    """A Python file that decides what the socket does (core.automation.script_runner).

    ``path`` is kept as written (relative to the workspace file, so a workspace and its
    scripts move together); ``file`` is where it is on this machine.
    """

    path: str
    file: str = field(default="", compare=False)


@dataclass
class AutomationSpec:
    reply: ReplySpec | None = None
    send: SendSpec | None = None
    forward: ForwardSpec | None = None
    start: Trigger | None = None
    stop: Trigger | None = None
    script: ScriptSpec | None = None

    @property
    def empty(self) -> bool:
        return (
            self.reply is None
            and self.send is None
            and self.forward is None
            and self.script is None
        )


def _delay(obj: dict[str, object], key: str, path: str) -> tuple[int, int | None]:
    """``delay_ms``: a whole number, or [low, high] for a random wait between the two."""
    value = obj.get(key, 0)
    if isinstance(value, list):
        if len(value) != 2:
            raise SpecError(f"{path}.{key}", "expected [low, high], two whole numbers")
        low = _non_negative({key: value[0]}, key, path, 0)
        high = _non_negative({key: value[1]}, key, path, 0)
        if low > high:
            raise SpecError(f"{path}.{key}", f"the low delay {low} is above the high delay {high}")
        return low, high
    return _non_negative(obj, key, path, 0), None


def _delay_to_json(low: int, high: int | None) -> int | list[int]:
    return [low, high] if high is not None else low


def parse_reply_frames(value: Any, path: str) -> list[str | bytes] | None:
    """A rule's reply: a list of frames (text frames are templates, ``{frame:N}`` allowed),
    or null for no reply."""
    if value is None:
        return None
    items = expect(value, list, path, "a list of frames, or null for no reply")
    if not items:
        raise SpecError(path, "a reply needs at least one frame (null: no reply)")
    frames: list[str | bytes] = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            compile_template(item, f"{path}[{index}]", frames=True)
            frames.append(item)
        else:
            frames.append(frame_from_json(item, f"{path}[{index}]"))
    return frames


def parse_rule(obj: Any, path: str) -> ReplyRule:
    obj = expect(obj, dict, path, 'an object such as {"match": [...], "reply": ["frame"]}')
    _check_keys(obj, ("match", "reply"), path)
    if "reply" not in obj:
        raise SpecError(f"{path}.reply", "missing: the frames to reply, or null for no reply")
    return ReplyRule(
        match=parse_tests(obj.get("match", []), f"{path}.match"),
        frames=parse_reply_frames(obj["reply"], f"{path}.reply"),
    )


def parse_reply(obj: Any, path: str, type_name: str | None = None) -> ReplySpec:
    obj = expect(obj, dict, path, 'an object such as {"echo": true} or {"frames": [...]}')
    _check_keys(obj, ("echo", "frames", "delay_ms", "rules"), path)
    kind = _type_name(type_name)
    if kind is not None and kind not in REPLY_TYPES:
        raise SpecError(
            path, f"a {kind} socket cannot reply; only {', '.join(REPLY_TYPES)} sockets can"
        )
    echo = expect(obj.get("echo", False), bool, f"{path}.echo", "true or false")
    has_frames = "frames" in obj
    rules = [
        parse_rule(item, f"{path}.rules[{index}]")
        for index, item in enumerate(
            expect(obj.get("rules", []), list, f"{path}.rules", "a list of rules")
        )
    ]
    if echo and has_frames:
        raise SpecError(path, 'choose "echo": true or "frames", not both')
    if not echo and not has_frames and not rules:
        raise SpecError(path, 'say how to reply: "echo": true, "frames": [...] or "rules": [...]')
    frames = None
    if has_frames:
        frames = frames_from_json(obj["frames"], f"{path}.frames")
        if not frames:
            raise SpecError(f"{path}.frames", "a reply needs at least one frame")
    low, high = _delay(obj, "delay_ms", path)
    return ReplySpec(echo=echo, frames=frames, delay_ms=low, rules=rules, delay_max_ms=high)


def parse_forward(
    obj: Any,
    path: str,
    type_name: str | None = None,
    name: str | None = None,
    sockets: Mapping[str, str] | None = None,
) -> ForwardSpec:
    obj = expect(obj, dict, path, 'an object such as {"to": "socket name"}')
    _check_keys(obj, ("to", "delay_ms"), path)
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
    low, high = _delay(obj, "delay_ms", path)
    return ForwardSpec(to=target, delay_ms=low, delay_max_ms=high)


def parse_automation(
    obj: Any,
    path: str,
    *,
    type_name: str | None = None,
    name: str | None = None,
    sockets: Mapping[str, str] | None = None,
    base: str | None = None,
) -> AutomationSpec:
    """The automation of one socket from its JSON; SpecError names the exact place.

    ``type_name`` (the socket's type) enables the checks that depend on it (a PUB cannot
    reply); ``name`` and ``sockets`` (every socket's name -> type in the workspace) check the
    forward target. A script's path starts at ``base`` (the workspace file's directory).
    """
    obj = expect(obj, dict, path, 'an object with "reply", "send", "forward" or "script"')
    _check_keys(obj, ("reply", "send", "forward", "script", "start", "stop"), path)
    spec = AutomationSpec()
    if obj.get("script") is not None:
        spec.script = parse_script(obj["script"], f"{path}.script", base)
        others = [key for key in ("reply", "send", "forward") if obj.get(key) is not None]
        if others:
            raise SpecError(path, f'a script decides everything: remove "{others[0]}"')
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
    names = dict(sockets) if sockets is not None else None
    if obj.get("start") is not None:
        spec.start = parse_trigger(obj["start"], f"{path}.start", start=True, sockets=names)
    if obj.get("stop") is not None:
        spec.stop = parse_trigger(obj["stop"], f"{path}.stop", start=False, sockets=names)
    if spec.empty and (spec.start is not None or spec.stop is not None):
        raise SpecError(
            path, 'start and stop need something to do: "reply", "send", "forward" or "script"'
        )
    if (
        spec.send is not None
        and spec.reply is not None
        and any(step.to is not None for step in spec.send.all_steps())
    ):
        raise SpecError(
            f"{path}.send",
            'a ROUTER answers its waiting peers by "to" or by "reply", not both',
        )
    return spec


def parse_script(value: Any, path: str, base: str | None = None) -> ScriptSpec:
    """A script's path: a non-empty string naming a ``.py`` file (it is read when it runs)."""
    text = expect(value, str, path, 'a path such as "peers/worker.py"').strip()
    if not text:
        raise SpecError(path, "expected the path of a Python file, got an empty string")
    if not text.endswith(".py"):
        raise SpecError(path, f"expected a Python file ending in .py, got {describe_json(text)}")
    if "\0" in text:
        raise SpecError(path, "a path cannot hold a NUL character")
    file = os.path.normpath(os.path.join(base or os.getcwd(), os.path.expanduser(text)))
    return ScriptSpec(path=text, file=file)


def _reply_frames_to_json(frames: list[str | bytes] | None) -> Any:
    return None if frames is None else [send_frame_to_json(f) for f in frames]


def automation_to_json(spec: AutomationSpec) -> dict[str, Any]:
    """The JSON form parse_automation reads back to an equal spec; defaults are left out."""
    out: dict[str, Any] = {}
    if spec.script is not None:
        out["script"] = spec.script.path
    if spec.reply is not None:
        reply: dict[str, Any] = {}
        if spec.reply.rules:
            reply["rules"] = [
                {
                    "match": [frame_test_to_json(t) for t in rule.match],
                    "reply": _reply_frames_to_json(rule.frames),
                }
                for rule in spec.reply.rules
            ]
        if spec.reply.echo:
            reply["echo"] = True
        elif spec.reply.frames is not None:
            reply["frames"] = frames_to_json(spec.reply.frames)
        if spec.reply.delay_ms or spec.reply.delay_max_ms is not None:
            reply["delay_ms"] = _delay_to_json(spec.reply.delay_ms, spec.reply.delay_max_ms)
        out["reply"] = reply
    if spec.send is not None:
        send_spec = spec.send
        send: dict[str, Any]
        if send_spec.steps is not None:
            send = {"steps": [_step_to_json(step) for step in send_spec.steps]}
            if send_spec.repeat != 1:
                send["repeat"] = True if send_spec.repeat is None else send_spec.repeat
        else:
            send = _step_to_json(send_spec.all_steps()[0])
        if send_spec.timeout_ms != DEFAULT_TIMEOUT_MS:
            send["timeout_ms"] = send_spec.timeout_ms
        if send_spec.tries is not None:
            send["tries"] = send_spec.tries
        out["send"] = send
    if spec.forward is not None:
        forward: dict[str, Any] = {"to": spec.forward.to}
        if spec.forward.delay_ms or spec.forward.delay_max_ms is not None:
            forward["delay_ms"] = _delay_to_json(spec.forward.delay_ms, spec.forward.delay_max_ms)
        out["forward"] = forward
    if spec.start is not None:
        out["start"] = trigger_to_json(spec.start)
    if spec.stop is not None:
        out["stop"] = trigger_to_json(spec.stop)
    return out
