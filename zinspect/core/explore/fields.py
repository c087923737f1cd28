"""A message's topic and the fields inside its decoded frames, named by paths.

The Topics view, plots, table columns, latency and sequence gaps all ask the same two
questions of a decoded message: which topic is it on, and what value sits at a given place
in it. One answer here, so a path copied from the Message pane plots and sorts the same.

A path names a frame (from 1, as everywhere in zinspect) and keys inside its decoded value:
``f2.temp``, ``f3.values[0]``, ``f1["text/plain"]``. A frame decoded as text is split on
whitespace and its words are numbered from 1, so the primer's weather update "10001 -70 49"
gives ``f1[1]`` = "10001", ``f1[2]`` = "-70", ``f1[3]`` = "49".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from zinspect.core.codecs import printable_text
from zinspect.core.decode.model import DecodedMessage

NO_TOPIC = ""
TOPIC_LIMIT = 200  # characters of a topic kept: a topic is a name, not a payload
# the field of each recognised protocol that is its topic
PROTOCOL_TOPIC_FIELDS = {
    "jupyter": "msg_type",
    "mdp": "service",
    "bitcoin": "topic",
    "pyzmq-log": "topic",
}
_KEY = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]|\[\"((?:[^\"\\]|\\.)*)\"\]")
_FRAME = re.compile(r"f(\d+)")


class PathError(ValueError):
    """A path that cannot be read; the message says where in words."""


@dataclass(frozen=True)
class FieldPath:
    """Frame number (from 1) and the keys inside its decoded value (str for a map's key,
    int for a list index from 0, or a word number from 1 in a text frame)."""

    frame: int
    keys: tuple[str | int, ...] = ()

    def text(self) -> str:
        parts = [f"f{self.frame}"]
        for key in self.keys:
            if isinstance(key, int):
                parts.append(f"[{key}]")
            elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                parts.append(f".{key}")
            else:
                parts.append('["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]')
        return "".join(parts)

    @classmethod
    def parse(cls, text: str) -> FieldPath:
        text = text.strip()
        frame = _FRAME.match(text)
        if frame is None:
            raise PathError("a path starts with f and a frame number, like f2.temp")
        number = int(frame.group(1))
        if number < 1:
            raise PathError("frames are numbered from 1")
        keys: list[str | int] = []
        at = frame.end()
        while at < len(text):
            match = _KEY.match(text, at)
            if match is None:
                raise PathError(f"cannot read the path from character {at + 1}: {text[at:]!r}")
            name, index, quoted = match.groups()
            if name is not None:
                keys.append(name)
            elif index is not None:
                keys.append(int(index))
            else:
                keys.append(re.sub(r"\\(.)", r"\1", quoted))
            at = match.end()
        return cls(number, tuple(keys))


def field_value(decoded: DecodedMessage, path: FieldPath) -> object | None:
    """The value at ``path``, or None when the message has no such place."""
    if not 1 <= path.frame <= len(decoded.frames):
        return None
    value: object = decoded.frames[path.frame - 1].value
    for key in path.keys:
        if isinstance(value, dict):
            value = value.get(key if isinstance(key, str) else str(key), _MISSING)
            if value is _MISSING and isinstance(key, int):
                return None
        elif isinstance(value, list) and isinstance(key, int):
            if not -len(value) <= key < len(value):
                return None
            value = value[key]
        elif isinstance(value, str) and isinstance(key, int):
            words = value.split()
            if not 1 <= key <= len(words):
                return None
            value = words[key - 1]
        else:
            return None
        if value is _MISSING:
            return None
    return value


_MISSING = object()


def numeric(value: object) -> float | None:
    """A number to plot: ints, floats, bools as 0/1 and text that reads as a number."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and len(value) <= 64:
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def message_topic(frames: Sequence[bytes], decoded: DecodedMessage | None = None) -> str:
    """The topic a message is on: a recognised protocol's own key (Jupyter msg_type, MDP
    service, bitcoin topic, the log record's topic); else the first frame of a multipart
    message, or the first word of a one-frame text message (the primer's weather updates
    "10001 -70 49" are on topic "10001", which is also what a subscriber filters on); else
    no topic."""
    if decoded is not None and decoded.recognition is not None:
        name = PROTOCOL_TOPIC_FIELDS.get(decoded.recognition.protocol)
        value = decoded.recognition.fields.get(name) if name else None
        if isinstance(value, str) and value:
            return value[:TOPIC_LIMIT]
    if not frames:
        return NO_TOPIC
    first = frames[0][: TOPIC_LIMIT * 4]
    text = printable_text(first, cut=len(frames[0]) > len(first))
    if len(frames) > 1:
        if text is None:
            return "0x" + frames[0][:32].hex() if frames[0] else NO_TOPIC
        return text[:TOPIC_LIMIT]
    if text is None:
        return NO_TOPIC
    words = text.split(None, 1)
    return words[0][:TOPIC_LIMIT] if words else NO_TOPIC
