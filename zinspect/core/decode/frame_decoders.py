"""The frame decoders by name, and the automatic guess used where no rule chooses one.

A decoder is a function from a frame's bytes (and the rule that chose it, for options such as
a protobuf schema) to a JSON-like value; it raises DecodeError with a one-line reason, never
anything else, whatever the bytes. ``DECODERS`` maps the names used in workspaces and on the
command line to them; plugins add theirs at load.
"""

from __future__ import annotations

from collections.abc import Callable

from zinspect.core.codecs import DETAIL_LIMIT, parse_json, printable_text
from zinspect.core.decode.model import DecodedFrame, DecodeError, DecodeRule

FrameDecoder = Callable[[bytes, DecodeRule], object]


def decode_text(data: bytes, rule: DecodeRule) -> object:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})"
        ) from None


def decode_json(data: bytes, rule: DecodeRule) -> object:
    try:
        return parse_json(data)
    except ValueError as error:
        raise DecodeError(f"not JSON ({error})") from None


def decode_raw(data: bytes, rule: DecodeRule) -> object:
    return data


DECODERS: dict[str, FrameDecoder] = {
    "raw": decode_raw,
    "text": decode_text,
    "json": decode_json,
}


def guess(data: bytes) -> DecodedFrame:
    """The automatic choice: JSON for an object or array, UTF-8 text when printable, else the
    raw bytes. Cheap on a frame that is none of them: the first byte rules JSON out."""
    if data[:1] in (b"{", b"[") and len(data) <= DETAIL_LIMIT:
        try:
            return DecodedFrame("json", parse_json(data), guessed=True)
        except ValueError:
            pass
    if len(data) <= DETAIL_LIMIT:
        text = printable_text(data)
        if text is not None:
            return DecodedFrame("text", text, guessed=True)
    return DecodedFrame("raw", data, guessed=True)


def decode_frame(data: bytes, rule: DecodeRule | None) -> DecodedFrame:
    """``data`` read by the rule's decoder, or guessed when there is no rule. A failing
    decoder gives the raw bytes and its reason; an unknown decoder name is such a failure."""
    if rule is None:
        return guess(data)
    decoder = DECODERS.get(rule.decoder)
    if decoder is None:
        return DecodedFrame(rule.decoder, data, error=f"no decoder named {rule.decoder!r}")
    try:
        return DecodedFrame(rule.decoder, decoder(data, rule))
    except DecodeError as error:
        return DecodedFrame(rule.decoder, data, error=str(error))
