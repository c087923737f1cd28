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


def check_automation(
    obj: dict[str, Any], *, type_name: str | None, name: str | None, sockets: dict[str, str]
) -> tuple[AutomationSpec | None, dict[str, str]]:
    """The spec ``obj`` describes and {field: error in words}; the spec is None when there
    is any error. Every field's error is found, not just the first one's."""
    errors: dict[str, str] = {}
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


def _take_out(obj: dict, error: SpecError, errors: dict[str, str]) -> bool:
    """Record ``error`` under the field it is about and take the bad value out of
    ``obj`` so the rest can be checked; False when it is about no field."""
    path = error.path[len(PATH) :].lstrip(".")  # "send.count", "reply", "send.frames[1]"
    section = path.split(".")[0].split("[")[0]
    if section not in obj:
        errors.setdefault("general", error.message)
        return False
    rest = path[len(section) :]
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
    if key in NUMBER_FIELDS and key in obj[section]:
        errors.setdefault(NUMBER_FIELDS[key], error.message)
        del obj[section][key]
        return True
    # the section as a whole (a PUB cannot reply, no target chosen, no frames)
    errors.setdefault("forward" if section == "forward" else f"{section}_frames", error.message)
    del obj[section]
    return True
