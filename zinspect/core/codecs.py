"""Frames to and from what people type and read: text, hex, base64, JSON.

One module for both directions so that "edit and resend" round-trips exactly.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import string
from collections.abc import Sequence

ENCODINGS = ("text", "hex", "base64", "json", "empty")
VIEWS = ("auto", "text", "hex", "json", "base64")
DETAIL_LIMIT = 64 * 1024  # frames larger than this are shown truncated

# Control characters (but tab and newlines), C1 controls, and the invisible or reordering
# format characters (zero-width, bidi overrides, line/paragraph separators, BOM): text with
# these would display differently from its bytes, so such frames are shown as hex.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]"
)


class FrameHead(bytes):
    """The first bytes of a longer frame of ``size`` bytes (``frame_size``), given to readers
    that look at a frame's head and length only (the traffic table's cells, its filter, the
    Topics, Latency and Plot feeds) of a big frame kept as received (core.rows.head_row),
    where a copy of the whole would stall the window. Every check of a frame against a limit
    reads ``frame_size``, not ``len``; nothing that sends, saves or compares frames ever
    gets one (they read the store's ``get``, ``get_row`` and whole ``rows``)."""

    size: int


def frame_head(data: bytes | memoryview, head: int) -> bytes:
    """``data`` as bytes, or its first ``head`` bytes as a FrameHead when it is longer."""
    if len(data) <= head:
        return bytes(data)
    cut = FrameHead(data[:head])
    cut.size = len(data)
    return cut


def frame_size(data: bytes) -> int:
    """The length of the frame ``data`` is or begins (a FrameHead's whole frame)."""
    return data.size if type(data) is FrameHead else len(data)


def holds_head(frames: Sequence[bytes]) -> bool:
    """Whether a frame of ``frames`` is a FrameHead: the message as the table reads it
    (MessageStore.preview), to be read whole (``get``) by whatever needs every byte."""
    return any(type(frame) is FrameHead for frame in frames)


class FrameEncodingError(ValueError):
    """Text that does not encode as the chosen frame encoding; the message is for the user."""


def encode_frame(text: str, encoding: str) -> bytes:
    """Turn composer text into frame bytes."""
    if encoding == "text":
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise FrameEncodingError(_surrogate_words(error)) from None
    if encoding == "empty":
        return b""
    if encoding == "hex":
        cleaned = "".join(text.split())
        if cleaned.lower().startswith("0x"):
            cleaned = cleaned[2:]
        cleaned = cleaned.replace(":", "")
        bad = next((c for c in cleaned if c not in string.hexdigits), None)
        if bad is not None:
            raise FrameEncodingError(f"'{bad}' is not a hex digit (use 0-9, a-f)")
        if len(cleaned) % 2:
            raise FrameEncodingError(f"Hex needs an even number of digits; this has {len(cleaned)}")
        return bytes.fromhex(cleaned)
    if encoding == "base64":
        cleaned = "".join(text.split())
        try:
            return base64.b64decode(cleaned, validate=True)
        except (binascii.Error, ValueError) as error:
            raise FrameEncodingError(f"Not valid base64: {error}") from None
    if encoding == "json":
        if not text.strip():
            raise FrameEncodingError('Empty JSON: write a value such as {} or "text"')
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise FrameEncodingError(
                f"Invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            ) from None
        except RecursionError:
            raise FrameEncodingError("The JSON is nested too deeply") from None
        except ValueError:  # an integer of more digits than Python converts (4300)
            raise FrameEncodingError("A number in the JSON has too many digits") from None
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a "\ud800" escape: half of a surrogate pair
            raise FrameEncodingError(
                "The JSON holds half of a surrogate pair (a \\ud800-"
                "\\udfff escape), which is not text"
            ) from None
        except RecursionError:
            raise FrameEncodingError("The JSON is nested too deeply") from None
    raise FrameEncodingError(f"Unknown encoding {encoding!r}; use one of {', '.join(ENCODINGS)}")


def _surrogate_words(error: UnicodeEncodeError) -> str:
    return (
        f"Character {error.start + 1} is half of a surrogate pair, which is not text: "
        "write binary frames as hex"
    )


def editable_form(data: bytes) -> tuple[str, str]:
    """(encoding, text) that encode_frame turns back into exactly ``data``."""
    if not data:
        return "empty", ""
    text = printable_text(data)
    if text is not None:
        return "text", text
    return "hex", data.hex(" ")


def printable_text(data: bytes, *, cut: bool = False) -> str | None:
    """The UTF-8 text of ``data`` if it decodes and has no control characters but tab/newlines.

    ``cut`` says ``data`` is the head of a longer frame, so a character split at its end is
    dropped instead of making the whole frame binary.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if not (cut and error.start >= len(data) - 3 and "end of data" in error.reason):
            return None
        text = data[: error.start].decode("utf-8")
    return None if _UNPRINTABLE.search(text) else text


def parse_json(data: bytes) -> object:
    """The JSON value in ``data``; raises ValueError when it is not JSON (also when it is
    nested too deeply to decode: a peer's "[[[[..." must not break the detail pane)."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"not valid UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError:  # an integer of more digits than Python converts (4300)
        raise ValueError("a number has too many digits") from None


def auto_view(data: bytes) -> str:
    """JSON when it parses as an object or array, text when printable, else hex."""
    stripped = data[:DETAIL_LIMIT].lstrip()[:1]  # never copy a whole large frame
    if stripped in (b"{", b"[") and len(data) <= DETAIL_LIMIT:
        try:
            parse_json(data)
            return "json"
        except ValueError:
            pass
    if printable_text(data[:DETAIL_LIMIT], cut=len(data) > DETAIL_LIMIT) is not None:
        return "text"
    return "hex"


def hexdump(data: bytes, width: int = 16) -> str:
    """Offset, hex bytes and ASCII columns, like ``xxd``/``hexdump -C``."""
    lines = []
    for offset in range(0, len(data), width):
        chunk = data[offset : offset + width]
        hex_part = " ".join(f"{b:02x}" for b in chunk)
        if width > 8:
            hex_part = hex_part[: 8 * 3] + " " + hex_part[8 * 3 :]
        ascii_part = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hex_part:<{width * 3}}  |{ascii_part}|")
    return "\n".join(lines)


def render(data: bytes, view: str) -> tuple[str, str | None]:
    """Text for the detail pane in ``view``, and an error when that view does not fit.

    Callers truncate large frames before calling; the error says e.g. why JSON failed, and the
    returned text then falls back to hex so nothing is hidden.
    """
    if view == "auto":
        view = auto_view(data)
    if view == "hex":
        return hexdump(data), None
    if view == "base64":
        return base64.b64encode(data).decode("ascii"), None
    if view == "text":
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError as error:
            return (
                data.decode("utf-8", errors="replace"),
                f"Not valid UTF-8 at byte {error.start}; invalid bytes shown as \ufffd",
            )
    if view == "json":
        try:
            value = parse_json(data)
        except (ValueError, UnicodeDecodeError) as error:
            return hexdump(data), f"Not JSON ({error}); shown as hex"
        return json.dumps(value, indent=2, ensure_ascii=False), None
    raise ValueError(f"unknown view {view!r}")


def frame_summary(data: bytes, limit: int = 40) -> str:
    """A short one-line form of one frame: text when printable, else hex, '' for empty."""
    if not data:
        return "[empty]"
    head = data[: limit * 4]
    text = printable_text(head, cut=len(data) > len(head))
    if text is not None:
        text = text.replace("\n", "⏎").replace("\r", "").replace("\t", " ")
        return text if len(text) <= limit and len(data) == len(head) else text[:limit] + "…"
    shown = data[: limit // 2].hex(" ")
    return f"0x {shown}" + ("…" if len(data) > limit // 2 else "")


def subscription_event(frames: Sequence[bytes]) -> tuple[bool, bytes] | None:
    """(subscribe?, topic) when ``frames`` is an XPUB/XSUB subscription message, else None."""
    if len(frames) == 1 and frames[0][:1] in (b"\x00", b"\x01"):
        return frames[0][0] == 1, frames[0][1:]
    return None


def topic_text(topic: bytes) -> str:
    if not topic:
        return "(everything)"
    text = printable_text(topic)
    return f"'{text}'" if text is not None else f"0x {topic.hex(' ')}"


def message_summary(frames: Sequence[bytes], socket_type: str = "", limit: int = 120) -> str:
    """The traffic table's summary: frames joined by ' | ', subscriptions decoded."""
    if socket_type in ("XPUB", "XSUB"):
        event = subscription_event(frames)
        if event is not None:
            subscribe, topic = event
            return f"{'subscribe' if subscribe else 'unsubscribe'} {topic_text(topic)}"
    parts = []
    used = 0
    for index, frame in enumerate(frames):
        if used >= limit:
            parts.append(f"… +{len(frames) - index} frames")
            break
        part = frame_summary(frame, min(40, limit - used) if limit - used > 8 else 8)
        parts.append(part)
        used += len(part) + 3
    return " | ".join(parts)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    scaled = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        scaled /= 1024
        if scaled < 1024 or unit == "GiB":
            return f"{scaled:.1f} {unit}"
    raise AssertionError("unreachable")
