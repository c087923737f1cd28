"""What decoding a message produces, and the rules that choose a decoder.

Plain frozen values with no Qt, shared by the Message pane, the traffic table's summary, the
text filter and ``zinspect decode``: one decoding, so the GUI and the command line never
disagree about what a message says.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DecodeError(ValueError):
    """A decoder could not read a frame; the message is a one-line reason in words."""


@dataclass(frozen=True)
class DecodeRule:
    """Which decoder a socket's frames get: the first rule that matches a frame wins.

    ``topic`` matches when the message's first frame starts with it (UTF-8); ``frame`` is a
    frame number from 1. Either may be None (any). ``schema`` and ``message_type`` are for
    decoders that need them (protobuf: a ``.proto`` or descriptor-set path, already made
    absolute by whoever read the rule, and a full message name). ``schema_as_written`` is
    the schema path as the workspace file had it (relative to the file, say), so saving the
    workspace again writes it the same way; it plays no part in decoding or comparing."""

    decoder: str
    topic: str | None = None
    frame: int | None = None
    schema: str | None = None
    message_type: str | None = None
    schema_as_written: str | None = field(default=None, compare=False)

    def matches(self, first_frame: bytes, number: int) -> bool:
        if self.frame is not None and self.frame != number:
            return False
        return self.topic is None or first_frame.startswith(self.topic.encode("utf-8"))


@dataclass(frozen=True)
class DecodedFrame:
    """One frame as a decoder read it.

    ``value`` is JSON-like (dict, list, str, int, float, bool, None) with bytes left as bytes
    (shown as hex). ``guessed`` says the decoder was picked automatically, not by a rule.
    ``error`` is the one-line reason a chosen decoder failed; ``value`` is then the raw bytes.
    ``role`` is what a recogniser says the frame is ("routing id", "delimiter", "header"…)."""

    decoder: str
    value: object
    guessed: bool = False
    error: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Recognition:
    """An application protocol recognised in a message's frames.

    ``protocol`` is one of "jupyter", "bitcoin", "mdp", "pyzmq-log", "envelope"; ``fields``
    the named fields (JSON-like values); ``summary`` the one line the traffic table shows."""

    protocol: str
    summary: str
    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DecodedMessage:
    """A whole message decoded: one DecodedFrame per frame, and the protocol if recognised."""

    frames: tuple[DecodedFrame, ...]
    recognition: Recognition | None = None
    summary: str = ""
