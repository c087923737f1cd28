"""Reading JSON that may hold values Python's json module refuses for the whole document.

``json.loads`` raises ValueError for an integer of more than 4,300 digits and RecursionError
for lists or objects nested about a thousand deep, so one bad value inside one socket of a
workspace would cost the user the whole file, with no place named. Here such values are
read as stand-ins (a HugeNumber, a marker string for a too-deep value) so the loader can
refuse only the entry that holds them, naming its place, and load the rest.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from typing import Any

# A document too deep for json.loads is cut at this depth: far past any real workspace (and
# its {"json": ...} frames, limited to 100), far below what the C parser's stack takes.
MAX_NESTING = 200
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class HugeNumber:
    """An integer with more digits than Python converts (sys.get_int_max_str_digits)."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


def _parse_int(text: str) -> int | HugeNumber:
    limit = sys.get_int_max_str_digits()
    digits = len(text.lstrip("-"))
    if limit and digits > limit:
        return HugeNumber(digits)
    return int(text)


def line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def loads_bounded(text: str) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The JSON document in ``text`` and the markers put in place of values nested deeper
    than MAX_NESTING (marker string -> the value's line and column in ``text``). Huge
    integers become HugeNumber. Raises what json.loads raises for text that is not JSON.

    Only a document too deep for json.loads is scanned for its nesting (a second pass,
    about as slow again as parsing): the usual file pays nothing."""
    try:
        return json.loads(text, parse_int=_parse_int), {}
    except RecursionError:
        pass
    markers: dict[str, tuple[int, int]] = {}
    cuts: list[tuple[int, int, str]] = []
    nonce = secrets.token_hex(8)
    depth = 0
    start = -1
    for match in _TOKENS.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth == MAX_NESTING + 1:
                start = match.start()
        elif char in "]}":
            if depth == MAX_NESTING + 1 and start >= 0:
                marker = f"\x00too deep {nonce} {len(cuts)}"
                markers[marker] = line_column(text, start)
                cuts.append((start, match.end(), marker))
                start = -1
            depth -= 1
    if cuts:
        pieces: list[str] = []
        last = 0
        for begin, end, marker in cuts:
            pieces += [text[last:begin], json.dumps(marker)]
            last = end
        pieces.append(text[last:])
        text = "".join(pieces)
    return json.loads(text, parse_int=_parse_int), markers


def bad_values(value: Any, path: str, markers: dict[str, tuple[int, int]]) -> list[tuple[str, str]]:
    """(place, message) for each value in ``value`` that nothing after may meet: text
    that is not Unicode (JSON allows a lone "\\ud800" escape), a HugeNumber, a value
    nested too deep. Iterative: ``value`` nests at most MAX_NESTING deep."""
    errors: list[tuple[str, str]] = []
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if item in markers:
                line, column = markers[item]
                errors.append(
                    (
                        _short(where),
                        f"nested more than {MAX_NESTING} levels deep "
                        f"(line {line}, column {column})",
                    )
                )
                continue
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                errors.append(
                    (
                        where,
                        "the text holds an unpaired surrogate escape "
                        "(\\ud800-\\udfff), which is not Unicode",
                    )
                )
        elif isinstance(item, HugeNumber):
            errors.append((_short(where), f"a number of {item.digits:,} digits is too large"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where))
                stack.append((child, f"{where}.{key}"))
    return errors


def _short(where: str) -> str:
    """A place readable in one line: a long run of ``[0]`` (deep nesting) is cut short."""
    where = re.sub(r"((?:\[\d+\]){3})(?:\[\d+\])+", r"\1…", where)
    return where if len(where) <= 100 else where[:99] + "…"
