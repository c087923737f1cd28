"""When an automation starts and stops, by time or by traffic on any socket of the workspace.

JSON form (``start`` and ``stop`` in a socket's ``automation``)::

    "start": {"after_ms": 500}                                  # a delay after opening
    "start": {"socket": "sync", "received": 2}                  # another socket's traffic
    "start": {"socket": "sync", "match": [{"frame": 0, "equals": "READY"}]}
    "start": {"connected": true, "after_ms": 200}               # a peer's handshake, then a delay
    "stop": {"match": [{"frame": 0, "equals": "END"}]}          # a received message
    "stop": {"after_ms": 5000}                                  # a time after the start
    "stop": {"socket": "control", "received": 1}

``socket`` defaults to the automation's own socket. ``received`` counts the messages (those
matching ``match`` when both are given) that socket receives from the moment the condition
is armed. In ``start``, ``after_ms`` is a delay after the event (or after opening, when
there is no event); in ``stop`` it is a time limit of its own, beside the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zinspect.core.automation.rules import (
    FrameTest,
    describe_tests,
    frame_test_to_json,
    parse_tests,
)
from zinspect.core.frames_json import SpecError, describe_json, expect

MAX_MS = 2**31 - 1
_KEYS = ("after_ms", "socket", "received", "match", "connected")


@dataclass
class Trigger:
    after_ms: int = 0
    socket: str | None = None  # None: the automation's own socket
    received: int | None = None
    match: list[FrameTest] | None = None
    connected: bool = False

    @property
    def has_event(self) -> bool:
        return self.received is not None or self.match is not None or self.connected

    @property
    def needed(self) -> int:
        """How many (matching) messages fire it."""
        return self.received if self.received is not None else 1

    def describe(self, own: str) -> str:
        where = f"'{self.socket or own}'"
        if self.connected:
            text = f"a peer connects to {where}"
        elif self.has_event:
            what = describe_tests(self.match) if self.match is not None else "messages"
            text = f"{where} received {self.needed} × {what}"
        else:
            text = ""
        if self.after_ms:
            text = f"{text} + {self.after_ms} ms" if text else f"{self.after_ms} ms"
        return text


def _whole(value: Any, path: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_MS:
        raise SpecError(
            path, f"expected a whole number from {low} to {MAX_MS:,}, got {describe_json(value)}"
        )
    return value


def parse_trigger(
    obj: Any, path: str, *, start: bool, sockets: dict[str, str] | None = None
) -> Trigger:
    obj = expect(
        obj, dict, path, 'an object such as {"after_ms": 500} or {"socket": "x", "received": 1}'
    )
    for key in obj:
        if key not in _KEYS or (key == "connected" and not start):
            allowed = "after_ms, socket, received, match" + (" or connected" if start else "")
            raise SpecError(f"{path}.{key}", f"unknown key; expected {allowed}")
    trigger = Trigger()
    if "after_ms" in obj:
        trigger.after_ms = _whole(obj["after_ms"], f"{path}.after_ms", 0)
    if obj.get("socket") is not None:
        name = expect(obj["socket"], str, f"{path}.socket", "a socket name").strip()
        if not name:
            raise SpecError(f"{path}.socket", "expected a socket name, got an empty string")
        if sockets is not None and name not in sockets:
            raise SpecError(f"{path}.socket", f"no socket named {describe_json(name)}")
        trigger.socket = name
    if obj.get("received") is not None:
        trigger.received = _whole(obj["received"], f"{path}.received", 1)
    if obj.get("match") is not None:
        trigger.match = parse_tests(obj["match"], f"{path}.match")
    trigger.connected = expect(
        obj.get("connected", False), bool, f"{path}.connected", "true or false"
    )
    if trigger.connected and (trigger.received is not None or trigger.match is not None):
        raise SpecError(path, 'choose "connected" or "received"/"match", not both')
    if not start and not trigger.has_event and not trigger.after_ms:
        raise SpecError(path, 'say when to stop: "after_ms", "received" or "match"')
    if trigger.socket is not None and not trigger.has_event:
        raise SpecError(f"{path}.socket", 'a socket needs "received", "match" or "connected"')
    return trigger


def trigger_to_json(trigger: Trigger) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if trigger.socket is not None:
        out["socket"] = trigger.socket
    if trigger.connected:
        out["connected"] = True
    if trigger.received is not None:
        out["received"] = trigger.received
    if trigger.match is not None:
        out["match"] = [frame_test_to_json(test) for test in trigger.match]
    if trigger.after_ms or not out:
        out["after_ms"] = trigger.after_ms
    return out
