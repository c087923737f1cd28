"""ZeroMQ envelopes: the routing ids and empty delimiter that ROUTER and DEALER traffic carries.

A ROUTER receives each message behind the sender's routing id (and sends by it); a REQ peer,
or a DEALER speaking REQ's way, adds an empty delimiter after the ids; proxies stack more ids
before it. REQ and REP sockets strip their envelope themselves, so on them only an envelope
the application put into the body is marked. This recogniser is the last resort: it names
the envelope and guesses the body, when no application protocol claimed the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.codecs import message_summary
from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.common import (
    ROUTING_ID_MAX,
    delimiter_at,
    guessed,
    id_field,
    id_text,
    text_frame,
)

if TYPE_CHECKING:
    from zinspect.core.decode.recognisers import DecodeContext

ROUTER_TYPES = frozenset({"ROUTER"})
DELIMITER_TYPES = frozenset({"ROUTER", "DEALER", "REQ", "REP"})


def split(frames: Sequence[bytes], socket_type: str) -> tuple[int, bool] | None:
    """(number of routing ids, whether an empty delimiter follows them), or None when the
    message shows no envelope on this kind of socket."""
    kind = socket_type.upper()
    if kind not in DELIMITER_TYPES or not frames:
        return None
    delimiter = delimiter_at(frames)
    if delimiter is not None and (delimiter > 0 or kind != "ROUTER"):
        return delimiter, True
    if kind in ROUTER_TYPES and 0 < len(frames[0]) <= ROUTING_ID_MAX:
        return 1, False
    return None


class EnvelopeRecogniser:
    name = "envelope"

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool:
        return split(frames, socket_type) is not None

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        found = split(frames, socket_type)
        if found is None:
            raise DecodeError("no routing id or delimiter on this socket")
        ids, has_delimiter = found
        body_at = ids + (1 if has_delimiter else 0)
        decoded = [guessed(frame, "routing id") for frame in frames[:ids]]
        if has_delimiter:
            decoded.append(text_frame("", "delimiter"))
        body = frames[body_at:]
        decoded.extend(guessed(frame, "body") for frame in body)
        routing = [id_field(frame) for frame in frames[:ids]]
        fields: dict[str, object] = {
            "routing_ids": routing,
            "delimiter": has_delimiter,
            "body_frames": len(body),
        }
        shown = [id_text(frame) for frame in frames[:ids]]
        parts = [f"[{' › '.join(shown)}]"] if shown else []
        if body:
            parts.append(message_summary(body, limit=100))
        summary = " ".join(parts) or "[empty delimiter]"
        return Recognition("envelope", summary, fields), tuple(decoded)
