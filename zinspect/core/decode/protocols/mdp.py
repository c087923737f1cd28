"""Majordomo (MDP/0.1): the ZeroMQ guide's service-oriented broker protocol.

Clients send ``MDPC01``, a service name and the request; workers talk to the broker with
``MDPW01`` and a one-byte command (READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT). What a
socket shows depends on where it sits: a REQ client sees the header first, a DEALER worker
sees an empty delimiter before it, the ROUTER broker sees the peer's routing id and the
delimiter. REQUEST and REPLY carry the client's address and an empty frame before the body.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.codecs import message_summary
from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.common import (
    delimiter_at,
    guessed,
    id_field,
    id_text,
    text_frame,
)

if TYPE_CHECKING:
    from zinspect.core.decode.recognisers import DecodeContext

CLIENT = b"MDPC01"
WORKER = b"MDPW01"
COMMANDS = {1: "READY", 2: "REQUEST", 3: "REPLY", 4: "HEARTBEAT", 5: "DISCONNECT"}
HEADER_AT_MOST = 4  # routing ids + delimiter before the header looked through


def header_index(frames: Sequence[bytes]) -> int | None:
    """Where MDPC01/MDPW01 is: first, or right after an empty delimiter that only routing
    ids precede."""
    if frames and frames[0] in (CLIENT, WORKER):
        return 0
    delimiter = delimiter_at(frames, HEADER_AT_MOST - 1)
    if (
        delimiter is not None
        and len(frames) > delimiter + 1
        and frames[delimiter + 1] in (CLIENT, WORKER)
    ):
        return delimiter + 1
    return None


class MajordomoRecogniser:
    name = "mdp"
    markers = (CLIENT, WORKER)  # one of them is in every message match() takes

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool:
        return header_index(frames) is not None

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        at = header_index(frames)
        if at is None:
            raise DecodeError("no MDPC01 or MDPW01 header")
        decoded = [guessed(frame, "routing id") for frame in frames[: max(at - 1, 0)]]
        if at:
            decoded.append(text_frame("", "delimiter"))
        header = frames[at]
        decoded.append(text_frame(header.decode("ascii"), "protocol"))
        fields: dict[str, object] = {"version": "MDP/0.1"}
        if at > 1:
            fields["routing_id"] = id_field(frames[0])
        rest = list(frames[at + 1 :])
        if header == CLIENT:
            if not rest:
                raise DecodeError("an MDP client message names a service after its header")
            service = _text(rest[0], "service name")
            decoded.append(text_frame(service, "service"))
            body = rest[1:]
            decoded.extend(guessed(frame, "body") for frame in body)
            fields.update(role="client", service=service, body_frames=len(body))
            summary = f"MDP client {id_text(rest[0])}" + (
                f": {message_summary(body, limit=80)}" if body else ""
            )
            return Recognition("mdp", summary, fields), tuple(decoded)
        if not rest or len(rest[0]) != 1 or rest[0][0] not in COMMANDS:
            raise DecodeError(
                "an MDP worker message has a command byte from 0x01 to 0x05 after its header"
            )
        command = COMMANDS[rest[0][0]]
        decoded.append(DecodedFrame("mdp command", command, role="command"))
        fields.update(role="worker", command=command)
        summary = f"MDP worker {command}"
        rest = rest[1:]
        if command == "READY":
            if len(rest) != 1:
                raise DecodeError("an MDP READY names one service")
            service = _text(rest[0], "service name")
            decoded.append(text_frame(service, "service"))
            fields["service"] = service
            summary += f" service={id_text(rest[0])}"
        elif command in ("REQUEST", "REPLY"):
            empty = delimiter_at(rest, HEADER_AT_MOST)
            if empty is None or empty == 0:
                raise DecodeError(
                    f"an MDP {command} has the client's address and an empty frame before its body"
                )
            client = id_field(rest[0])
            decoded.extend(guessed(frame, "client address") for frame in rest[:empty])
            decoded.append(text_frame("", "delimiter"))
            body = rest[empty + 1 :]
            decoded.extend(guessed(frame, "body") for frame in body)
            fields.update(client=client, body_frames=len(body))
            summary += f" client={id_text(rest[0])}" + (
                f": {message_summary(body, limit=80)}" if body else ""
            )
        elif rest:
            raise DecodeError(f"an MDP {command} carries nothing after its command")
        return Recognition("mdp", summary, fields), tuple(decoded)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DecodeError(f"the MDP {what} is not UTF-8 text") from None
