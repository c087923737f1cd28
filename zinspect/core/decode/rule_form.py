"""A decode rule as a person writes it: checked field by field, and said back in one line.

The sockets panel's rules editor and the Message pane's "Decode frame N as…" use it; no Qt,
so the checks are the same wherever a rule is typed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from zinspect.core.decode.frame_decoders import SCHEMA_DECODERS, chain_steps
from zinspect.core.decode.model import DecodeRule

FRAME_LIMIT = 1_000_000
_MESSAGE_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def needs_schema(decoder: str) -> bool:
    """Does ``decoder`` (a name, or a chain such as zstd+protobuf) read nothing without a
    schema file and a message type? protobuf does; protobuf-raw does not."""
    return any(step in SCHEMA_DECODERS for step in chain_steps(decoder))


def rule_text(rule: DecodeRule) -> str:
    """A rule in one line: "frame 2 of topic 'sensors/' → msgpack"."""
    where = f"frame {rule.frame}" if rule.frame is not None else "every frame"
    if rule.topic is not None:
        where += f" of topic {rule.topic!r}"
    extra = f" ({rule.message_type})" if rule.message_type else ""
    return f"{where} → {rule.decoder}{extra}"


@dataclass(frozen=True)
class RuleProblems:
    """What is wrong with each field of the form, in words ('' when the field is fine)."""

    frame: str = ""
    schema: str = ""
    message_type: str = ""

    def __bool__(self) -> bool:
        return bool(self.frame or self.schema or self.message_type)


def read_rule(
    topic: str, frame: str, decoder: str, schema: str, message_type: str
) -> tuple[DecodeRule | None, RuleProblems]:
    """The rule the form's texts describe, or None and what is wrong, field by field."""
    frame_problem = schema_problem = type_problem = ""
    number: int | None = None
    frame = frame.strip()
    if frame:
        if not frame.isdigit() or not 1 <= int(frame) <= FRAME_LIMIT:
            frame_problem = (
                f"Frame must be a whole number from 1 (the first frame) to {FRAME_LIMIT:,}, "
                "or empty for every frame"
            )
        else:
            number = int(frame)
    schema = schema.strip()
    if schema:
        schema = os.path.abspath(os.path.expanduser(schema))
        if not os.path.isfile(schema):
            schema_problem = f"No file at {schema}"
    elif needs_schema(decoder):
        schema_problem = f"{decoder} needs a schema: a .proto file or a descriptor set"
    message_type = message_type.strip()
    if message_type and not _MESSAGE_TYPE.match(message_type):
        type_problem = "A message type is a full name of letters, digits and dots, e.g. pkg.Msg"
    elif not message_type and needs_schema(decoder):
        type_problem = f"{decoder} needs the full name of the message type, e.g. pkg.Msg"
    problems = RuleProblems(frame_problem, schema_problem, type_problem)
    if problems:
        return None, problems
    rule = DecodeRule(decoder, topic or None, number, schema or None, message_type or None)
    return rule, problems
