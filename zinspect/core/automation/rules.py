"""Tests on a received message's frames: what reply rules and conditions match on.

A rule looks at the message's *body*: the frames after the envelope a ROUTER or DEALER keeps
for the reply (``message_body``), so frame 0 is the first frame the peer's application
wrote. JSON form of one test::

    {"frame": 1, "equals": {"hex": "02"}}
    {"frame": 0, "starts_with": "Hi"}
    {"frame": 0, "regex": "^task [0-9]+$"}
    {"frame": 2}                                # any: the frame is there

A list of tests matches when every test does (an empty list matches every message).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from zinspect.core.bounded_regex import (
    SEARCH_TIMEOUT_S,
    RegexError,
    bytes_pattern,
    too_slow_words,
)
from zinspect.core.frames_json import (
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frame_to_json,
)

KINDS = ("equals", "starts_with", "regex")
MAX_FRAME_INDEX = 999
ENVELOPE_TYPES = ("ROUTER", "DEALER")


@dataclass(eq=False)
class FrameTest:
    """Frame ``frame`` of the body equals / starts with ``value``, matches the regex
    ``value`` (searched in the frame's bytes), or, with kind "any", is there at all."""

    frame: int = 0
    kind: str = "any"
    value: bytes = b""

    def __post_init__(self) -> None:
        # bounded: a peer's message must not hold the window in a backtracking search
        pattern = bytes_pattern(self.value.decode("utf-8")) if self.kind == "regex" else None
        self._pattern = pattern
        self.too_slow = 0  # searches that ran out of time (each counted as no match)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FrameTest) and (self.frame, self.kind, self.value) == (
            other.frame,
            other.kind,
            other.value,
        )

    def matches(self, body: Sequence[bytes]) -> bool:
        if self.frame >= len(body):
            return False
        frame = body[self.frame]
        if self.kind == "equals":
            return frame == self.value
        if self.kind == "starts_with":
            return frame.startswith(self.value)
        if self._pattern is not None:
            try:
                return self._pattern.search(frame, timeout=SEARCH_TIMEOUT_S) is not None
            except TimeoutError:
                self.too_slow += 1
                return False
        return True


def slow_searches(rules: Sequence[tuple[Sequence[FrameTest], object]]) -> int:
    """How many searches of these rules' regular expressions ran out of time so far."""
    return sum(test.too_slow for tests, _ in rules for test in tests)


def slow_rule_words(count: int) -> str:
    """What a rule whose expression ran out of time did, and how to write it instead."""
    times = "once" if count == 1 else f"{count:,} times"
    slow = too_slow_words("on a received frame")
    return f"A reply rule: {slow} It counted as not matching ({times})."


def report_slow(
    rules: Sequence[tuple[Sequence[FrameTest], object]], said: int, report: Callable[[str], None]
) -> int:
    """Report the rules' searches that ran out of time since ``said`` of them were; their
    number now."""
    slow = slow_searches(rules)
    if slow > said:
        report(slow_rule_words(slow))
    return slow


def matches(tests: Sequence[FrameTest], body: Sequence[bytes]) -> bool:
    """Whether every test matches (no tests: every message matches)."""
    return all(test.matches(body) for test in tests)


def message_body(frames: Sequence[bytes], type_name: str) -> Sequence[bytes]:
    """The frames after the envelope (up to the first empty frame, or a ROUTER's routing
    id); other types have no envelope of their own."""
    if type_name not in ENVELOPE_TYPES:
        return frames
    for index in range(len(frames) - 1):
        if not frames[index]:
            return frames[index + 1 :]
    return frames[1:] if type_name == "ROUTER" and frames else frames


def reply_envelope(frames: tuple[bytes, ...] | list[bytes], type_name: str) -> list[bytes]:
    """The frames a reply to ``frames`` must start with so it reaches the right peer.

    The envelope is everything up to and including the first empty frame (a REQ peer's
    delimiter, or a broker's [id, "", ...] chain); a ROUTER without a delimiter still needs
    the routing id. A REP gets no envelope: libzmq keeps it for REP itself.
    """
    if type_name == "REP":
        return []
    for index in range(len(frames) - 1):
        if not frames[index]:
            return list(frames[: index + 1])
    return [frames[0]] if type_name == "ROUTER" and frames else []


def parse_test(obj: Any, path: str) -> FrameTest:
    obj = expect(obj, dict, path, 'an object such as {"frame": 0, "equals": "END"}')
    for key in obj:
        if key not in ("frame", *KINDS):
            raise SpecError(
                f"{path}.{key}", "unknown key; expected frame, equals, starts_with or regex"
            )
    index = obj.get("frame", 0)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= MAX_FRAME_INDEX:
        raise SpecError(
            f"{path}.frame",
            f"expected a frame number from 0 to {MAX_FRAME_INDEX}, got {describe_json(index)}",
        )
    kinds = [kind for kind in KINDS if kind in obj]
    if len(kinds) > 1:
        raise SpecError(path, f"choose one of {', '.join(kinds)}")
    if not kinds:
        return FrameTest(index, "any")
    kind = kinds[0]
    if kind == "regex":
        source = expect(obj[kind], str, f"{path}.regex", "a regular expression as text")
        try:
            bytes_pattern(source)
        except RegexError as error:
            raise SpecError(f"{path}.regex", str(error)) from None
        return FrameTest(index, kind, source.encode("utf-8"))
    return FrameTest(index, kind, frame_from_json(obj[kind], f"{path}.{kind}"))


def parse_tests(obj: Any, path: str) -> list[FrameTest]:
    items = expect(obj, list, path, "a list of frame tests")
    return [parse_test(item, f"{path}[{index}]") for index, item in enumerate(items)]


def frame_test_to_json(test: FrameTest) -> dict[str, Any]:
    out: dict[str, Any] = {"frame": test.frame}
    if test.kind == "regex":
        out["regex"] = test.value.decode("utf-8")
    elif test.kind != "any":
        out[test.kind] = frame_to_json(test.value)
    return out


def describe_tests(tests: Sequence[FrameTest]) -> str:
    """The tests in words, for status lines and errors."""
    if not tests:
        return "any message"
    words = []
    for test in tests:
        shown = test.value.decode("utf-8", "replace")
        verb = {"equals": "is", "starts_with": "starts with", "regex": "matches"}.get(test.kind)
        words.append(
            f"frame {test.frame} {verb} {shown!r}" if verb else f"frame {test.frame} is there"
        )
    return " and ".join(words)
