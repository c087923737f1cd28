"""One frame as the detail pane's viewer shows it: at most 64 KiB, in the view the user chose.

Kept apart from the widget (and free of Qt) because it is the part with the rules: the cap,
the fallbacks when a view does not fit, and the notes that tell the user about them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from zinspect.core.codecs import (
    DETAIL_LIMIT,
    auto_view,
    hexdump,
    human_size,
    printable_text,
    render,
)
from zinspect.core.decode.frame_decoders import guess
from zinspect.core.decode.values import json_ready

VIEW_LABELS = {"auto": "Auto", "text": "Text", "hex": "Hex", "json": "JSON", "base64": "Base64"}
MSGPACK = "msgpack"  # the view auto resolves to for a frame the Summary reads as msgpack
LIMIT_TEXT = f"{DETAIL_LIMIT // 1024} KiB"
# Control characters (but tab and newlines) spelled out as <0x00>, so NUL and friends stay
# visible in the text view instead of vanishing. (Unicode's control pictures, U+2400, would be
# neater but many fonts lack them, and a box is no better than nothing.)
_CONTROL_MARKS = {
    code: f"<0x{code:02x}>" for code in (*range(32), 0x7F) if chr(code) not in "\t\n\r"
}


def size_text(size: int) -> str:
    """An exact size in words: "1 byte", "512 bytes", "2.0 KiB (2,048 bytes)"."""
    if size < 1024:
        return f"{size:,} byte" + ("" if size == 1 else "s")
    return f"{human_size(size)} ({size:,} bytes)"


@dataclass(frozen=True)
class RenderedFrame:
    """What the viewer shows for one frame in one view, and what to tell the user about it."""

    text: str
    view: str  # the view actually used (auto resolved, fallbacks applied)
    note: str  # e.g. "auto: JSON", or why the chosen view did not fit
    problem: bool  # the note says the chosen view did not fit the frame
    truncated: bool


def render_frame(data: bytes, choice: str, hex_width: int = 16) -> RenderedFrame:
    """Render at most DETAIL_LIMIT bytes of ``data`` in view ``choice`` ("auto", "text", ...).

    Never decodes more than the limit, so a 100 MB frame renders as fast as a 64 KiB one.
    ``hex_width`` is the bytes per hex dump line: a narrow pane asks for 8 so the ASCII
    column stays in sight instead of behind a horizontal scroll bar.
    """
    truncated = len(data) > DETAIL_LIMIT
    head = data[:DETAIL_LIMIT]
    notes: list[str] = []
    problem = False
    view = choice
    if choice == "auto":
        guessed = guess(data)  # the Summary column's own guess, so both read a frame alike
        if guessed.decoder == MSGPACK:
            text = json.dumps(json_ready(guessed.value), ensure_ascii=False, indent=2)
            note = "auto: msgpack, shown as JSON (the Decoded view shows its types)"
            return RenderedFrame(text, MSGPACK, note, False, False)
        view = auto_view(data)
        notes.append(f"auto: {VIEW_LABELS[view]}")
    if not data:
        notes.append("empty frame, 0 bytes")
        return RenderedFrame("", view, " · ".join(notes), False, False)
    if view == "json" and truncated:
        # A cut JSON document never parses, and parsing 100 MB would freeze the window.
        view = "text" if printable_text(head, cut=True) is not None else "hex"
        notes.append(
            f"JSON view needs the whole frame, which is larger than {LIMIT_TEXT}; "
            f"the start is shown as {VIEW_LABELS[view].lower()} (Save frame… to get "
            "all of it)"
        )
        problem = True
    if view == "text":
        if truncated:
            head = _cut_partial_character(head)
        text, error = render(head, "text")
        if error:
            notes.append(error)
            problem = True
        marked = text.translate(_CONTROL_MARKS)
        if marked != text:
            notes.append(
                "control characters shown as <0x..>, e.g. <0x00> for NUL; "
                "the hex view shows the exact bytes"
            )
            text = marked
    elif view == "base64":
        # Encode whole 3-byte groups so the shown prefix is exactly the frame's base64 prefix.
        text, error = render(head[: len(head) - len(head) % 3] if truncated else head, "base64")
    else:
        text, error = render(head, view)
        if error:
            notes.append(error)
            problem = True
            view = "hex"
        if view == "hex" and hex_width != 16:
            text = hexdump(head, hex_width)
    return RenderedFrame(text, view, " · ".join(notes), problem, truncated)


def _cut_partial_character(head: bytes) -> bytes:
    """Drop a UTF-8 character split by the truncation, so the cut is not reported as invalid."""
    for back in range(1, 4):
        lead = head[-back] if len(head) >= back else 0
        if lead & 0xC0 == 0x80:  # continuation byte: keep looking for the lead byte
            continue
        needed = (
            2
            if lead & 0xE0 == 0xC0
            else 3
            if lead & 0xF0 == 0xE0
            else 4
            if lead & 0xF8 == 0xF0
            else 1
        )
        return head[:-back] if needed > back else head
    return head
