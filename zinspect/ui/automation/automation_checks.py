"""Checking the automation editor's fields: the JSON they make goes through core.automation's
own parser, and each error is put back under the field its value came from.

No Qt here: the editor (automation_editor) turns fields into JSON and shows the errors; this
module only decides which field an error belongs to.
"""

from __future__ import annotations

import re
from typing import Any

from zinspect.core.automation.automation import AutomationSpec, parse_automation
from zinspect.core.frames_json import SpecError

PATH = "automation"
_FRAME_PATH = re.compile(r"\.frames\[(\d+)\]")
NUMBER_FIELDS = {
    "delay_ms": "delay",
    "count": "count",
    "interval_ms": "interval",
    "timeout_ms": "timeout",
}
FORWARD_DELAY = "forward_delay"


# What stands in for a box whose JSON was refused, so the other fields are still checked
# without a second message about the same box.
_STAND_INS: dict[tuple[str, str], Any] = {
    ("reply", "rules"): [{"reply": None}],
    ("send", "steps"): [{"frames": [""], "count": 1}],
}
# sub-paths of the JSON boxes and extra fields -> the field whose error label says it
_BOX_FIELDS = {"rules": "rules", "steps": "steps", "repeat": "repeat", "tries": "tries", "to": "to"}


class NotJson:
    """A box's text that is not JSON, with the reason in words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def json_number(text: str) -> Any:
    """A field's value as the JSON a file would hold: a number when it reads as one, else
    the text itself, so the parser's message quotes what was typed."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def json_delay(text: str) -> Any:
    """A delay field: "250" (ms) or "100-400" (a random wait between), as JSON."""
    low, dash, high = text.strip().partition("-")
    if dash and low.strip():
        return [json_number(low), json_number(high)]
    return json_number(text)


def check_automation(
    obj: dict[str, Any], *, type_name: str | None, name: str | None, sockets: dict[str, str]
) -> tuple[AutomationSpec | None, dict[str, str]]:
    """The spec ``obj`` describes and {field: error in words}; the spec is None when there
    is any error. Every field's error is found, not just the first one's."""
    errors: dict[str, str] = {}
    _take_out_not_json(obj, errors)
    for _attempt in range(16):  # each round takes out one bad value and looks again
        try:
            spec = parse_automation(obj, PATH, type_name=type_name, name=name, sockets=sockets)
        except SpecError as error:
            if not _take_out(obj, error, errors):
                break
            continue
        return (spec if not errors else None), errors
    errors.setdefault("general", "These settings cannot be used")
    return None, errors


def _take_out_not_json(obj: dict, errors: dict[str, str]) -> None:
    for (section, key), stand_in in _STAND_INS.items():
        part = obj.get(section)
        if isinstance(part, dict) and isinstance(part.get(key), NotJson):
            errors[key] = part[key].reason
            part[key] = stand_in
    for key in ("start", "stop"):
        if isinstance(obj.get(key), NotJson):
            errors[key] = obj.pop(key).reason


def _take_out(obj: dict, error: SpecError, errors: dict[str, str]) -> bool:
    """Record ``error`` under the field it is about and take the bad value out of
    ``obj`` so the rest can be checked; False when it is about no field."""
    path = error.path[len(PATH) :].lstrip(".")  # "send.count", "reply", "send.frames[1]"
    section = path.split(".")[0].split("[")[0]
    if section not in obj:
        errors.setdefault("general", error.message)
        return False
    rest = path[len(section) :]
    if section in ("start", "stop"):
        where = rest.lstrip(".")
        errors.setdefault(section, f"{where}: {error.message}" if where else error.message)
        del obj[section]
        return True
    box = rest.lstrip(".").split(".")[0].split("[")[0]
    if box in _BOX_FIELDS:
        where = rest.lstrip(".")
        message = error.message if where == box else f"{where}: {error.message}"
        errors.setdefault(_BOX_FIELDS[box], message)
        obj[section][box] = _STAND_INS.get((section, box))
        if obj[section][box] is None:
            del obj[section][box]
        return True
    frame = _FRAME_PATH.match(rest)
    if frame is not None:
        index = int(frame.group(1))
        value = obj[section]["frames"][index]
        message = (
            value["invalid"] if isinstance(value, dict) and "invalid" in value else error.message
        )
        errors.setdefault(f"{section}_frames", f"Frame {index + 1}: {message}")
        obj[section]["frames"][index] = {"hex": ""}
        return True
    key = rest.lstrip(".")
    if section == "forward" and key == "delay_ms":
        errors.setdefault(FORWARD_DELAY, error.message)
        del obj[section][key]
        return True
    if key.split("[")[0] in NUMBER_FIELDS and key.split("[")[0] in obj[section]:
        key = key.split("[")[0]
        errors.setdefault(NUMBER_FIELDS[key], error.message)
        del obj[section][key]
        return True
    # the section as a whole (a PUB cannot reply, no target chosen, no frames)
    errors.setdefault("forward" if section == "forward" else f"{section}_frames", error.message)
    del obj[section]
    return True
