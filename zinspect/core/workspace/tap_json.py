"""The ``taps`` entries of a workspace: a tap's name, pattern and endpoints, read with each
mistake at its exact place (``taps[0].front``) and written back in a fixed key order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zinspect.core.frames_json import SpecError, describe_json, expect
from zinspect.core.tap.spec import (
    PATTERNS,
    TapError,
    TapSpec,
    check_custom_type,
    check_front,
    check_upstream,
)

KEYS = ("name", "pattern", "front", "upstream", "front_type", "upstream_type")


def parse_tap(
    entry: Any, path: str, taken: Mapping[str, str], errors: list[SpecError]
) -> TapSpec | None:
    """The tap at ``path``; every mistake in it added to ``errors`` (then None). ``taken``:
    names already used by sockets or taps, and where."""
    if not isinstance(entry, dict):
        errors.append(
            SpecError(
                path,
                'expected a tap object such as {"name": "tap-1", "pattern": "reqrep", '
                '"front": "tcp://*:5555", "upstream": "tcp://127.0.0.1:5556"}, got '
                f"{describe_json(entry)}",
            )
        )
        return None
    for key in entry:
        if key not in KEYS:
            errors.append(SpecError(f"{path}.{key}", f"unknown key: use {', '.join(KEYS)}"))
    values: dict[str, str] = {}
    for key in KEYS:
        where = f"{path}.{key}"
        if key not in entry:
            if key in ("front_type", "upstream_type"):
                values[key] = ""
                continue
            errors.append(SpecError(where, f"missing: {_MEANING[key]}"))
            continue
        try:
            text = expect(entry[key], str, where, _MEANING[key]).strip()
            values[key] = _check(key, text, taken)
        except SpecError as error:
            errors.append(error)
        except TapError as error:
            errors.append(SpecError(where, str(error)))
    if errors:
        return None
    pattern = values["pattern"]
    if pattern == "custom":
        for key in ("front_type", "upstream_type"):
            if not values[key]:
                errors.append(SpecError(f"{path}.{key}", "missing: a custom tap names both types"))
        if errors:
            return None
    elif values["front_type"] or values["upstream_type"]:
        errors.append(SpecError(path, f"socket types are chosen by the {pattern} pattern"))
        return None
    if values["front"] == values["upstream"]:
        errors.append(SpecError(f"{path}.upstream", "the same endpoint as the front"))
        return None
    return TapSpec(**values)


_MEANING = {
    "name": "the tap's name (its front socket's name)",
    "pattern": f"one of {', '.join(PATTERNS)}",
    "front": "the endpoint zinspect binds for the clients",
    "upstream": "the endpoint the server binds",
    "front_type": "a socket type",
    "upstream_type": "a socket type",
}


def _check(key: str, text: str, taken: Mapping[str, str]) -> str:
    """``text`` checked as the value of ``key``; TapError in words."""
    if key == "name":
        if not text:
            raise TapError("expected a name, got an empty string")
        if text in taken:
            raise TapError(f"{describe_json(text)} is the name of {taken[text]} already")
        return text
    if key == "pattern":
        if text not in PATTERNS:
            raise TapError(f"unknown pattern {describe_json(text)}: use {', '.join(PATTERNS)}")
        return text
    try:
        if key == "front":
            return check_front(text)
        if key == "upstream":
            return check_upstream(text)
    except TapError as error:  # "Front: ..." (the path names the field already)
        raise TapError(str(error).split(": ", 1)[1]) from None
    return check_custom_type(text, "Front" if key == "front_type" else "Upstream") if text else ""


def tap_to_json(spec: TapSpec) -> dict[str, Any]:
    """One tap as the file writes it (types only for a custom pattern)."""
    result: dict[str, Any] = {
        "name": spec.name,
        "pattern": spec.pattern,
        "front": spec.front,
        "upstream": spec.upstream,
    }
    if spec.pattern == "custom":
        result["front_type"] = spec.front_type
        result["upstream_type"] = spec.upstream_type
    return result
